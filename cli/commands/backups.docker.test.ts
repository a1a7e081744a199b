/**
 * `claude backups` and `claude restore` as a person uses them, through the real bin/claude
 * against a real redis container (the local image): `claude backups run` makes a backup,
 * `claude backups` lists it with its size and checksum; `claude restore` in a real terminal
 * (tmux) shows the plan and asks: `no` changes nothing, `yes` restores the original keys.
 * Needs dockerd, tmux and `npm run build` (bin/claude runs dist/). Names carry this run's
 * tag; the container, the tmux server and the temp dirs are removed afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { writeFileAtomic } from '../../common/fsutil.js';
import { readAudit } from '../../runtime/audit.js';
import { removeDockerByName } from '../../runtime/testutil/docker-cleanup.js';

const tag = `cbcli${randomBytes(3).toString('hex')}`;
const hostId = `host-test-${tag}`;
const rd = `rd-${tag}`;
const vol = `cache-${tag}`;
const session = `claude-restore-${tag}`;
let base: string;
let dataDir: string;
let root: string;
let env: Record<string, string>;

const docker = (...args: string[]) => execFileSync('docker', args, { encoding: 'utf8' }).trim();
const redis = (...args: string[]) => docker('exec', rd, 'redis-cli', ...args);
const tmux = (...args: string[]) => execFileSync('tmux', ['-L', session, ...args], { encoding: 'utf8' });
const screen = () => tmux('capture-pane', '-p', '-J', '-S', '-3000', '-t', session);
const claude = (...args: string[]) => spawnSync(join(process.cwd(), 'bin', 'claude'), args, { env, encoding: 'utf8', timeout: 180_000 });

async function until(what: string, fn: () => boolean, ms = 120_000): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    try {
      if (fn()) return;
    } catch {
      /* not yet */
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${what.includes('screen') ? `; screen:\n${screen()}` : ''}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

beforeAll(async () => {
  base = mkdtempSync(join(tmpdir(), `claude-backups-cli-${tag}-`));
  dataDir = join(base, 'data');
  root = join(base, 'root');
  mkdirSync(join(root, 'srv/cache'), { recursive: true });
  execFileSync('chown', ['999:999', join(root, 'srv/cache')]);
  writeFileAtomic(join(dataDir, 'host-id'), hostId + '\n');
  env = { CLAUDE_DATA_DIR: dataDir, CLAUDE_ROOT: root, CLAUDE_STATE_DIR: join(base, 'state'), USER: 'alice', PATH: process.env.PATH ?? '', HOME: base, TERM: 'xterm' };
  const backup = { volume: vol, path: '/srv/cache', type: 'dump', engine: 'redis', services: [rd], retain: 3 };
  writeFileAtomic(join(dataDir, 'schedule.json'), JSON.stringify({ jobs: [{ name: `backup-${vol}`, schedule: '0 3 * * *', command: [], timeoutMs: 600_000, backup }] }) + '\n', 0o600);
  docker('run', '-d', '--name', rd, '--label', 'claude.os/managed=true', '--label', `claude.os/service=${rd}`, '--label', `claude.os/host=${hostId}`, '-v', `${join(root, 'srv/cache')}:/data`, '--health-cmd', '[ "$(redis-cli ping)" = PONG ]', '--health-interval', '1s', 'claude-os-local/redis:latest', 'redis-server', '--protected-mode', 'no');
  await until('redis', () => redis('PING') === 'PONG');
}, 180_000);

afterAll(() => {
  try {
    tmux('kill-server');
  } catch {
    /* not started */
  }
  removeDockerByName(tag);
  rmSync(base, { recursive: true, force: true });
});

describe('claude backups / claude restore', () => {
  it('backups run makes a backup; backups lists it with its size and checksum', () => {
    redis('SET', 'greeting', 'hello');
    redis('SET', 'count', '42');
    const r = claude('backups', 'run', vol);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^✓ backup \\d{8}T\\d{6}Z of volume ${vol}: .*/backups/${vol}/${vol}-\\d{8}T\\d{6}Z\\.rdb\\.(zst|gz) \\(\\d+ bytes, sha256 [0-9a-f]{16}…\\) by redis BGSAVE in container ${rd}`));
    const l = claude('backups', '--json');
    expect(l.status).toBe(0);
    const sets = (JSON.parse(l.stdout) as { backups: { name: string; type: string; retain: number; backups: { bytes: number; sha256: string }[] }[] }).backups;
    expect(sets).toHaveLength(1);
    expect(sets[0]).toMatchObject({ name: vol, type: 'dump', retain: 3 });
    expect(sets[0]!.backups).toHaveLength(1);
    expect(sets[0]!.backups[0]!.sha256).toMatch(/^[0-9a-f]{64}$/);
    const text = claude('backups');
    expect(text.stdout).toContain(`${vol}: dump (redis), 0 3 * * *, last 3 kept, in ${join(dataDir, 'backups', vol)}`);
  }, 180_000);

  it('restore asks in a terminal: no changes nothing; yes restores the backed-up keys', async () => {
    redis('FLUSHALL');
    redis('SET', 'intruder', 'x');
    const e = Object.entries(env).map(([k, v]) => `${k}=${v}`);
    tmux('new-session', '-d', '-s', session, '-x', '200', '-y', '50', 'env', ...e, join(process.cwd(), 'bin', 'claude'), 'restore', vol);
    tmux('set-option', '-t', session, 'remain-on-exit', 'on');
    await until('the restore prompt on the screen', () => screen().includes('Restore? [yes/no]'));
    const shown = screen();
    expect(shown).toContain(`Restore volume ${vol} from backup`);
    expect(shown).toContain('! destructive');
    expect(shown).toMatch(new RegExp(`\\d\\. stop ${rd}`));
    expect(shown).toMatch(/\d\. health-check/);
    tmux('send-keys', '-t', session, 'no', 'Enter');
    await until('screen: Nothing changed', () => screen().includes('Nothing changed.'));
    expect(redis('GET', 'intruder')).toBe('x');
    expect(redis('GET', 'greeting')).toBe('');
    tmux('kill-server');

    tmux('new-session', '-d', '-s', session, '-x', '200', '-y', '50', 'env', ...e, join(process.cwd(), 'bin', 'claude'), 'restore', vol);
    tmux('set-option', '-t', session, 'remain-on-exit', 'on');
    await until('the restore prompt on the screen', () => screen().includes('Restore? [yes/no]'));
    tmux('send-keys', '-t', session, 'yes', 'Enter');
    await until('screen: restored', () => /✓ restored|✗/.test(screen()), 180_000);
    expect(screen()).toContain(`✓ restored ${vol} from `);
    expect(redis('GET', 'greeting')).toBe('hello');
    expect(redis('GET', 'count')).toBe('42');
    expect(redis('GET', 'intruder')).toBe('');
    expect(readAudit(dataDir).map((a) => a.event)).toContain('backup.restored');
  }, 300_000);
});
