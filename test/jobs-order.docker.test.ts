/**
 * MEND-22: a database's dump job and its volume's archive at the same minute ran side by side,
 * so the archive could hold no dump or half of one. The scheduler now starts a volume's backup
 * after the jobs due with it that run in a container of a service mounting the volume. Real
 * Docker (the local busybox image), a real archive (tar.zst) read back with tar; the service
 * container, the temp dir and the job containers carry this run's tag and are removed.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { writeFileAtomic } from '../common/fsutil.js';
import type { JobSpec } from '../plan/types.js';
import { removeDockerByName } from '../runtime/testutil/docker-cleanup.js';
import { dockerFromEnv, JobScheduler, type JobRun } from '../runtime/jobs/index.js';

const tag = `jord${randomBytes(3).toString('hex')}`;
const IMAGE = 'claude-os-local/busybox:latest';
const hostId = `host-test-${tag}`;
const svc = `db-${tag}`;
let base: string;
let dataDir: string;
let root: string;
const docker = (...args: string[]) => execFileSync('docker', args, { encoding: 'utf8' }).trim();

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), `claude-jobs-order-${tag}-`));
  dataDir = join(base, 'data');
  root = join(base, 'root');
  mkdirSync(join(root, 'data/vol'), { recursive: true });
  writeFileAtomic(join(dataDir, 'host-id'), hostId + '\n');
  docker('run', '-d', '--name', svc, '-v', `${join(root, 'data/vol')}:/data`, '--label', 'claude.os/managed=true', '--label', `claude.os/service=${svc}`, '--label', `claude.os/host=${hostId}`, IMAGE, 'sleep', '3600');
});

afterAll(() => {
  removeDockerByName(tag);
  if (base) rmSync(base, { recursive: true, force: true });
});

it('the archive of a volume waits for the dump job due with it in the service that mounts it', async () => {
  // Fires once, 3 s from now (seconds field; local time, as the scheduler reads cron).
  const at = new Date(Date.now() + 3000);
  const cron = `${at.getSeconds()} ${at.getMinutes()} ${at.getHours()} * * *`;
  const dump: JobSpec = { name: `dump-${tag}`, schedule: cron, container: svc, command: ['sh', '-c', 'sleep 2; echo whole > /data/dump.sql.part && mv /data/dump.sql.part /data/dump.sql'], timeoutMs: 30_000 };
  const backup: JobSpec = { name: `backup-vol-${tag}`, schedule: cron, command: [], timeoutMs: 60_000, backup: { volume: `vol-${tag}`, path: '/data/vol', type: 'archive', services: [svc], retain: 3 } };
  writeFileAtomic(join(dataDir, 'schedule.json'), JSON.stringify({ jobs: [backup, dump] }, null, 2) + '\n', 0o600);
  const runs: JobRun[] = [];
  const log: string[] = [];
  const s = new JobScheduler({ docker: await dockerFromEnv({}), dataDir, root, hostId: () => hostId, now: () => new Date(), onRun: (r) => runs.push(r), log: (l) => log.push(l), maxSleepMs: 500 });
  s.start();
  try {
    for (let i = 0; i < 600 && runs.length < 2; i++) await new Promise((r) => setTimeout(r, 50));
  } finally {
    await s.stop();
  }
  expect(runs.map((r) => [r.job, r.status]), log.join('\n')).toEqual([
    [dump.name, 'succeeded'],
    [backup.name, 'succeeded'],
  ]);
  expect(log.join('\n')).toContain(`job ${backup.name} waits for 1 job(s) in the services that mount vol-${tag}`);
  const dir = join(dataDir, 'backups', `vol-${tag}`);
  const archive = readdirSync(dir).find((f) => f.endsWith('.tar.zst'))!;
  const listing = execFileSync('tar', ['-I', 'zstd', '-tf', join(dir, archive)], { encoding: 'utf8' });
  expect(listing).toMatch(/(^|\/)dump\.sql$/m);
  expect(listing).not.toMatch(/dump\.sql\.part/);
}, 60_000);
