/**
 * `claude upgrade IMAGE --allow-downgrade` end to end, as a person meets it (docs/image.md,
 * "Rollback protection"): the real bin/claude in tmux on a disk image made by image/mkdisk.sh
 * (--disk/--slot, as off the device). Version 0.10.0 goes to slot b and is confirmed; then an
 * older image signed by the same trusted key (0.9.1) is refused with why, the way to do it on
 * purpose and "Nothing was written.", exit 1, the disk unchanged; with --allow-downgrade it is
 * written to slot a, exit 0, and the output says it is a downgrade from 0.10.0 (before, it read
 * like any upgrade). The tmux server and the temp dirs are removed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tempDirs } from '../testutil/tempdirs.js';
import { tmuxTerminal } from '../testutil/cli-host.js';
import { addTrustedKey, generateKeyPair } from '../../plan/keys.js';
import { Disk, Fat16, setBootOnce } from './disk.js';
import { confirmSlot } from './index.js';

const ROOT = resolve(__dirname, '../..');
const tag = `dgr${randomBytes(3).toString('hex')}`;
const term = tmuxTerminal(`claude-${tag}`);
const dirs = tempDirs(`claude-downgrade-${tag}-`);
let work: string;
let dataDir: string;
let disk: string;

beforeAll(() => {
  work = dirs.make();
  writeFileSync(join(work, 'k'), randomBytes(200_000));
  writeFileSync(join(work, 'r'), randomBytes(1024 * 1024));
  disk = join(work, 'disk.img');
  execFileSync('bash', [join(ROOT, 'image/mkdisk.sh'), disk, join(work, 'k'), 'none', join(work, 'r')], { env: { ...process.env, DISK_MB: String(1 + 64 + 2 * 8 + 64), SLOT_MB: '8' } });
  dataDir = join(work, 'data');
  mkdirSync(dataDir);
  const key = generateKeyPair();
  addTrustedKey(dataDir, { publicKeyPem: key.publicPem, role: 'host', name: 'laptop' });
  writeFileSync(join(work, 'signer.key'), key.privatePem, { mode: 0o600 });
}, 120_000);
afterAll(() => {
  term.kill();
  dirs.cleanup();
});

async function claude(args: string[], code: string): Promise<string> {
  term.runClaude(['upgrade', ...args], { env: { CLAUDE_DATA_DIR: dataDir, CLAUDE_NO_DAEMON: '1', HOME: work, PATH: process.env.PATH ?? '', TERM: 'xterm', MTOOLS_SKIP_CHECK: '1' }, cwd: work, width: 220, height: 60 });
  return term.exited(code, 120_000);
}

describe('claude upgrade: a downgrade', () => {
  it('is refused with why and how to do it on purpose, nothing written; with --allow-downgrade it is written and said to be one', async () => {
    await claude(['pack', '--kernel', 'k', '--root', 'r', '--version', '0.10.0', '--out', 'new.upgrade', '--key', 'signer.key'], '0');
    await claude(['pack', '--kernel', 'k', '--root', 'r', '--version', '0.9.1', '--out', 'old.upgrade', '--key', 'signer.key'], '0');
    let screen = await claude(['new.upgrade', '--disk', disk, '--slot', 'a'], '0');
    expect(screen).toContain('✓ version 0.10.0 (signed by laptop) written to slot b');
    expect(screen).not.toContain('downgrade');
    // slot b booted and came up healthy
    const k = Disk.open(disk, true);
    try {
      setBootOnce(new Fat16(k, k.partition(1)), null);
    } finally {
      k.close();
    }
    confirmSlot(disk, 'b', dataDir);

    const before = readFileSync(disk);
    screen = await claude(['old.upgrade', '--disk', disk, '--slot', 'b'], '1');
    expect(screen).toMatch(/claude upgrade: .*old\.upgrade is version 0\.9\.1, older than the 0\.10\.0 slot b runs: a rollback to an older signed image/);
    expect(screen).toMatch(/hint: give a newer image; to go back on purpose, run it again with --allow-downgrade/);
    expect(screen).toContain('Nothing was written.');
    expect(readFileSync(disk).equals(before)).toBe(true);

    screen = await claude(['old.upgrade', '--disk', disk, '--slot', 'b', '--allow-downgrade'], '0');
    expect(screen).toContain('✓ version 0.9.1 (signed by laptop) written to slot a');
    expect(screen).toContain('this is a downgrade from 0.10.0 (slot b), written because --allow-downgrade was given');
    expect(JSON.parse(readFileSync(join(dataDir, 'upgrade-versions.json'), 'utf8'))).toEqual({ a: '0.9.1', b: '0.10.0' });
  }, 300_000);
});
