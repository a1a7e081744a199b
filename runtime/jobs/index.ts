/**
 * Scheduled jobs: cron evaluation (cron.ts), one run in a container (runner.ts), the
 * records in the data dir (store.ts), and the scheduler the observe daemon runs
 * (scheduler.ts). `claude jobs` and `claude observe --serve` use this module.
 */
import type Docker from 'dockerode';

export { CronError, firedBetween, nextRun, type CronOptions } from './cron.js';
export { DEFAULT_JOB_IMAGE, LABEL_JOB, LABEL_JOB_RUN, serviceContainer } from '../drivers/job-container.js';
export { JobBusyError, newRunId, runJob, type RunJobOptions } from './runner.js';
export { JobScheduler, SCHEDULER_ACTOR, type SchedulerOptions } from './scheduler.js';
export { eventType, jobMounts, readLastRuns, readSchedule, recordRun, type JobMount, type JobRun } from './store.js';

/** A dockerode client for DOCKER_HOST from `env` (unix://PATH, or dockerode's own reading of tcp/ssh), else the local socket. */
export async function dockerFromEnv(env: Record<string, string | undefined>): Promise<Docker> {
  const { default: Dockerode } = await import('dockerode');
  const host = env.DOCKER_HOST;
  if (!host) return new Dockerode({ socketPath: '/var/run/docker.sock' });
  if (host.startsWith('unix://')) return new Dockerode({ socketPath: host.slice('unix://'.length) });
  return new Dockerode();
}
