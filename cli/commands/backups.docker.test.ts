/**
 * `claude backups` and `claude restore` as a person uses them, through the real bin/claude
 * against a real redis container (the local image): `claude backups run` makes a backup,
 * `claude backups` lists it with its size and checksum; `claude restore` in a real terminal
 * (tmux) shows the plan and asks: `no` changes nothing, `yes` restores the original keys.
 * Needs dockerd, tmux and `npm run build` (bin/claude runs dist/). Names carry this run's
 * tag; the container, the tmux server and the temp dirs are removed afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { writeFileAtomic } from '../../common/fsutil.js';
import { readAudit } from '../../runtime/audit.js';
import { CLAUDE_BIN, tempHost, tmuxTerminal, until, type TempHost } from '../../runtime/testutil/cli-host.js';
import { removeDockerByName } from '../../runtime/testutil/docker-cleanup.js';

const tag = `cbcli${randomBytes(3).toString('hex')}`;
const rd = `rd-${tag}`;
const vol = `cache-${tag}`;
const term = tmuxTerminal(`claude-restore-${tag}`);
let host: TempHost;

const docker = (...args: string[]) => execFileSync('docker', args, { encoding: 'utf8' }).trim();
const redis = (...args: string[]) => docker('exec', rd, 'redis-cli', ...args);
const claude = (...args: string[]) => host.claude(...args);

beforeAll(async () => {
  host = tempHost('backups-cli', tag);
  const { root, dataDir, hostId } = host;
  mkdirSync(join(root, 'srv/cache'), { recursive: true });
  execFileSync('chown', ['999:999', join(root, 'srv/cache')]);
  const backup = { volume: vol, path: '/srv/cache', type: 'dump', engine: 'redis', services: [rd], retain: 3 };
  writeFileAtomic(join(dataDir, 'schedule.json'), JSON.stringify({ jobs: [{ name: `backup-${vol}`, schedule: '0 3 * * *', command: [], timeoutMs: 600_000, backup }] }) + '\n', 0o600);
  docker('run', '-d', '--name', rd, '--label', 'claude.os/managed=true', '--label', `claude.os/service=${rd}`, '--label', `claude.os/host=${hostId}`, '-v', `${join(root, 'srv/cache')}:/data`, '--health-cmd', '[ "$(redis-cli ping)" = PONG ]', '--health-interval', '1s', 'claude-os-local/redis:latest', 'redis-server', '--protected-mode', 'no');
  await until('redis', () => redis('PING') === 'PONG');
}, 180_000);

afterAll(() => {
  term.kill();
  removeDockerByName(tag);
  host?.remove();
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
    expect(text.stdout).toContain(`${vol}: dump (redis), 0 3 * * *, last 3 kept, in ${join(host.dataDir, 'backups', vol)}`);
  }, 180_000);

  it('restore asks in a terminal: no changes nothing; yes restores the backed-up keys', async () => {
    redis('FLUSHALL');
    redis('SET', 'intruder', 'x');
    const restore = [CLAUDE_BIN, 'restore', vol];
    term.start(restore, { env: host.env, cwd: host.base, width: 200, height: 50 });
    await term.waitFor('the restore prompt', (s) => s.includes('Restore? [yes/no]'));
    const shown = term.screen();
    expect(shown).toContain(`Restore volume ${vol} from backup`);
    expect(shown).toContain('! destructive');
    expect(shown).toMatch(new RegExp(`\\d\\. stop ${rd}`));
    expect(shown).toMatch(/\d\. health-check/);
    term.type('no');
    await term.waitFor('Nothing changed', (s) => s.includes('Nothing changed.'));
    expect(redis('GET', 'intruder')).toBe('x');
    expect(redis('GET', 'greeting')).toBe('');

    term.start(restore, { env: host.env, cwd: host.base, width: 200, height: 50 });
    await term.waitFor('the restore prompt', (s) => s.includes('Restore? [yes/no]'));
    term.type('yes');
    await term.waitFor('restored', (s) => /✓ restored|✗/.test(s), 180_000);
    expect(term.screen()).toContain(`✓ restored ${vol} from `);
    expect(redis('GET', 'greeting')).toBe('hello');
    expect(redis('GET', 'count')).toBe('42');
    expect(redis('GET', 'intruder')).toBe('');
    expect(readAudit(host.dataDir).map((a) => a.event)).toContain('backup.restored');
  }, 300_000);
});
