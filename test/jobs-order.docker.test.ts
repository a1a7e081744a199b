/**
 * MEND-22: a database's dump job and its volume's archive at the same minute ran side by side,
 * so the archive could hold no dump or half of one. The scheduler now starts a volume's backup
 * after the jobs due with it that run in a container of a service mounting the volume. Real
 * Docker (the local busybox image), a real archive (tar.zst) read back with tar; the service
 * container, the temp dir and the job containers carry this run's tag and are removed. A backup
 * waiting so is busy: due again meanwhile, it is skipped (review 22 LOW-9). It also waits for a run of
 * such a job still going from before (an earlier tick, `claude jobs run`) (review 23 MED-8).
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
import { dockerFromEnv, JobScheduler, runJob, type JobRun } from '../runtime/jobs/index.js';
import { jobRunning } from '../runtime/jobs/runner.js';

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

it('a backup waiting for a slow dump is busy: due again meanwhile, it is skipped, not launched beside the dump (review 22 LOW-9)', async () => {
  // Both every second; the dump takes 4 s, so the scheduler's own ticks find both due again meanwhile.
  const dump: JobSpec = { name: `dump2-${tag}`, schedule: '* * * * * *', container: svc, command: ['sh', '-c', 'sleep 4; echo whole > /data/dump2.sql.part && mv /data/dump2.sql.part /data/dump2.sql'], timeoutMs: 30_000 };
  const backup: JobSpec = { name: `backup-vol2-${tag}`, schedule: '* * * * * *', command: [], timeoutMs: 60_000, backup: { volume: `vol2-${tag}`, path: '/data/vol', type: 'archive', services: [svc], retain: 3 } };
  writeFileAtomic(join(dataDir, 'schedule.json'), JSON.stringify({ jobs: [backup, dump] }, null, 2) + '\n', 0o600);
  const runs: JobRun[] = [];
  const log: string[] = [];
  const s = new JobScheduler({ docker: await dockerFromEnv({}), dataDir, root, hostId: () => hostId, now: () => new Date(), onRun: (r) => runs.push(r), log: (l) => log.push(l) });
  s.start();
  try {
    for (let i = 0; i < 600 && !runs.some((r) => r.job === backup.name); i++) await new Promise((r) => setTimeout(r, 50));
  } finally {
    await s.stop();
  }
  const text = log.join('\n');
  // the first backup ran after the first dump, and only once in between: before, each later
  // tick's backup waited for a dump that was "not started" (busy), so it launched at once, beside the dump
  expect(runs.slice(0, 2).map((r) => [r.job, r.status]), text).toEqual([
    [dump.name, 'succeeded'],
    [backup.name, 'succeeded'],
  ]);
  expect(text).toContain(`job ${backup.name} not started: its previous run is still waiting`);
  expect(text.indexOf(`running job ${backup.name}`), text).toBeGreaterThan(text.indexOf(`job ${dump.name} succeeded`));
  const dir = join(dataDir, 'backups', `vol2-${tag}`);
  for (const a of readdirSync(dir).filter((f) => f.endsWith('.tar.zst'))) expect(execFileSync('tar', ['-I', 'zstd', '-tf', join(dir, a)], { encoding: 'utf8' }), a).toMatch(/(^|\/)dump2\.sql$/m);
}, 60_000);

it('a backup waits for a dump due with it that is still running from before, not only for this tick\'s launch (review 23 MED-8)', async () => {
  // Both every second; the dump is started (runJob, as `claude jobs run` does) just before the
  // scheduler's first tick, so that tick's launch of the dump is "not started" (busy) and settles at once.
  const dump: JobSpec = { name: `dump3-${tag}`, schedule: '* * * * * *', container: svc, command: ['sh', '-c', 'sleep 3; echo whole > /data/dump3.sql.part && mv /data/dump3.sql.part /data/dump3.sql'], timeoutMs: 30_000 };
  const backup: JobSpec = { name: `backup-vol3-${tag}`, schedule: '* * * * * *', command: [], timeoutMs: 60_000, backup: { volume: `vol3-${tag}`, path: '/data/vol', type: 'archive', services: [svc], retain: 3 } };
  writeFileAtomic(join(dataDir, 'schedule.json'), JSON.stringify({ jobs: [backup, dump] }, null, 2) + '\n', 0o600);
  const dockerApi = await dockerFromEnv({});
  const early = runJob(dump, { docker: dockerApi, dataDir, root, hostId, now: () => new Date(), trigger: 'manual', actor: 'test' });
  for (let i = 0; i < 100 && !jobRunning(dataDir, dump.name); i++) await new Promise((r) => setTimeout(r, 20));
  expect(jobRunning(dataDir, dump.name)).toBe(true);
  const runs: JobRun[] = [];
  const log: string[] = [];
  const s = new JobScheduler({ docker: dockerApi, dataDir, root, hostId: () => hostId, now: () => new Date(), onRun: (r) => runs.push(r), log: (l) => log.push(l) });
  s.start();
  let first: JobRun;
  try {
    for (let i = 0; i < 600 && !runs.some((r) => r.job === backup.name); i++) await new Promise((r) => setTimeout(r, 50));
  } finally {
    await s.stop();
    first = await early;
  }
  const text = log.join('\n');
  expect(first.status, text).toBe('succeeded');
  const archived = runs.find((r) => r.job === backup.name);
  expect(archived?.status, text).toBe('succeeded');
  // before: the backup launched at the first tick, beside the dump started before it
  expect(Date.parse(archived!.startedAt), text).toBeGreaterThanOrEqual(Date.parse(first.finishedAt));
  expect(text).toContain(`job ${dump.name} not started`);
  const dir = join(dataDir, 'backups', `vol3-${tag}`);
  for (const a of readdirSync(dir).filter((f) => f.endsWith('.tar.zst'))) expect(execFileSync('tar', ['-I', 'zstd', '-tf', join(dir, a)], { encoding: 'utf8' }), a).toMatch(/(^|\/)dump3\.sql$/m);
}, 60_000);
