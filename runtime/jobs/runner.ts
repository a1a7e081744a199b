/**
 * Runs one scheduled job now: holds the job's lock (a job never overlaps itself:
 * `<dataDir>/jobs/<name>.lock`), runs it in its container through the driver
 * (runtime/drivers/job-container.ts: `docker exec` in its service's container, or a utility
 * container with only its declared mounts; the timeout enforced), and records the outcome
 * (store.ts: last run, event, audit). Always inside a container, never in a host shell.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type Docker from 'dockerode';
import type { JobSpec } from '../../plan/types.js';
import { execInService, runUtility, type JobOutcome } from '../drivers/job-container.js';
import { runBackupJob } from '../backup/index.js';
import { acquirePidLock, lockIsStale, LockTimeoutError, readLockOwner } from '../pidlock.js';
import { JOBS_DIR, recordRun, type JobRun } from './store.js';

export interface RunJobOptions {
  docker: Docker;
  dataDir: string;
  /** CLAUDE_ROOT: mount sources are logical paths under it. */
  root: string;
  /** This instance's host id (plan/keys.ts): only its service containers are used. */
  hostId: string;
  now: () => Date;
  trigger: JobRun['trigger'];
  /** Who runs it (audit actor): the user for `claude jobs run`, `claude-scheduler` for the daemon. */
  actor: string;
  /** The image for a job with neither container nor image. Default DEFAULT_JOB_IMAGE. */
  defaultImage?: string;
}

/** The job is already running (another run holds its lock). */
export class JobBusyError extends Error {
  override name = 'JobBusyError';
  constructor(
    readonly job: string,
    holder: string,
  ) {
    super(`job ${job} is already running (${holder}); wait for it to finish`);
  }
}

export function newRunId(now: Date): string {
  return `${now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${randomBytes(3).toString('hex')}`;
}

/** True while a run of the job holds its lock (a live process; a dead holder's lock is stale). */
export function jobRunning(dataDir: string, job: string): boolean {
  const lockPath = join(dataDir, JOBS_DIR, `${job}.lock`);
  return existsSync(lockPath) && !lockIsStale(lockPath);
}

/**
 * Runs a job now and records the outcome (last-runs table, event, audit). Throws
 * JobBusyError when it is already running; any other failure is an `error` run.
 */
export async function runJob(job: JobSpec, o: RunJobOptions): Promise<JobRun> {
  const lockPath = join(o.dataDir, JOBS_DIR, `${job.name}.lock`);
  let release: () => void;
  try {
    mkdirSync(join(o.dataDir, JOBS_DIR), { recursive: true, mode: 0o700 });
    release = await acquirePidLock(lockPath, { timeoutMs: 0, purpose: `job ${job.name}` });
  } catch (e) {
    if (e instanceof LockTimeoutError) {
      const owner = readLockOwner(lockPath);
      throw new JobBusyError(job.name, owner ? `pid ${owner.pid} since ${owner.acquiredAt.replace(/#.*$/, '')}` : 'lock held');
    }
    throw e;
  }
  try {
    const started = o.now();
    const t0 = Date.now();
    const runId = newRunId(started);
    let out: JobOutcome;
    try {
      if (job.backup) {
        const b = await runBackupJob({ ...job, backup: job.backup }, { docker: o.docker, dataDir: o.dataDir, root: o.root, hostId: o.hostId, now: o.now });
        out = { status: b.ok ? 'succeeded' : 'failed', exitCode: null, where: `backup of volume ${job.backup.volume} (${job.backup.type}${job.backup.engine ? ` ${job.backup.engine}` : ''})`, output: b.lines, ...(b.error ? { error: b.error } : {}) };
      } else out = job.container ? await execInService(o, job, job.container) : await runUtility(o, job, runId);
    } catch (e) {
      out = { status: 'error', exitCode: null, where: job.container ? `service ${job.container}` : 'utility container', output: [], error: (e as Error).message };
    }
    const run: JobRun = {
      job: job.name,
      runId,
      trigger: o.trigger,
      startedAt: started.toISOString(),
      finishedAt: o.now().toISOString(),
      durationMs: Date.now() - t0,
      status: out.status,
      exitCode: out.exitCode,
      where: out.where,
      output: out.output,
      ...(out.error ? { error: out.error } : {}),
    };
    await recordRun(o.dataDir, run, o.actor, o.now);
    return run;
  } finally {
    release();
  }
}
