/**
 * What the job runner reads and writes in the data dir:
 *
 *   schedule.json        the schedule table a `schedule.apply` step installed (plan/host-state.ts); read only
 *   jobs/last-runs.json  { "jobs": { "<name>": JobRun } }: each job's last run (under jobs/last-runs.json.lock)
 *   jobs/<name>.lock     held while the job runs (runtime/pidlock.ts), so a job never overlaps itself
 *   events.jsonl         one `job.succeeded` / `job.failed` line per run (beside apply's reconcile.* lines)
 *   audit.jsonl          one `job.succeeded` / `job.failed` record per run (runtime/audit.ts), without the output
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { appendLineDurable, writeFileAtomic } from '../../common/fsutil.js';
import { SCHEDULE_RECORD, type ScheduleRecord } from '../../plan/host-state.js';
import type { JobSpec } from '../../plan/types.js';
import { appendAudit } from '../audit.js';
import { withPidLock } from '../pidlock.js';

export const JOBS_DIR = 'jobs';
export const LAST_RUNS_FILE = 'jobs/last-runs.json';
export const EVENTS_FILE = 'events.jsonl';

/** One run of a job, as recorded. */
export interface JobRun {
  job: string;
  /** Unique per run: `<UTC yyyymmddThhmmss>-<6 hex>`. */
  runId: string;
  trigger: 'schedule' | 'manual';
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  /** succeeded: exit 0; failed: another exit code; timed-out: killed at its timeout; error: could not run (no container, no image). */
  status: 'succeeded' | 'failed' | 'timed-out' | 'error';
  exitCode: number | null;
  /** Where it ran: `container web-1 (service web)` or `utility container claude-job-… (image …)`. */
  where: string;
  /** The last lines it printed (stdout and stderr interleaved), each cut to 300 characters. */
  output: string[];
  /** Why it could not run, or how the timeout was enforced. */
  error?: string;
}

/** A job mount as the planner writes it (plan.schema.json `jobSpec.mounts`): a logical host path. */
export interface JobMount {
  source: string;
  target: string;
  readonly?: boolean;
}

export function jobMounts(job: JobSpec): JobMount[] {
  return (job.mounts ?? []) as JobMount[];
}

/** The installed schedule table (empty when there is none). A damaged record is an Error naming the file. */
export function readSchedule(dataDir: string): JobSpec[] {
  const file = join(dataDir, SCHEDULE_RECORD);
  if (!existsSync(file)) return [];
  let rec: Partial<ScheduleRecord>;
  try {
    rec = JSON.parse(readFileSync(file, 'utf8')) as Partial<ScheduleRecord>;
  } catch (e) {
    throw new Error(`${file} is not valid JSON (${(e as Error).message}); apply the state again to rewrite it (claude apply)`);
  }
  return [...(rec.jobs ?? [])].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export function readLastRuns(dataDir: string): Record<string, JobRun> {
  const file = join(dataDir, LAST_RUNS_FILE);
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { jobs?: Record<string, JobRun> }).jobs ?? {};
  } catch {
    return {};
  }
}

/** The event line's type for a run. */
export function eventType(run: JobRun): 'job.succeeded' | 'job.failed' {
  return run.status === 'succeeded' ? 'job.succeeded' : 'job.failed';
}

/**
 * Records a finished run: the last-runs table, an events.jsonl line and an audit record.
 * The audit record leaves the output out (it is the job's own text, like `claude logs`,
 * and the audit log is forever); the event and the table keep its last lines.
 */
export async function recordRun(dataDir: string, run: JobRun, actor: string, now: () => Date): Promise<void> {
  const file = join(dataDir, LAST_RUNS_FILE);
  await withPidLock(
    file + '.lock',
    () => {
      const jobs = readLastRuns(dataDir);
      jobs[run.job] = run;
      const sorted = Object.fromEntries(Object.keys(jobs).sort().map((k) => [k, jobs[k]!]));
      writeFileAtomic(file, JSON.stringify({ jobs: sorted }, null, 2) + '\n', 0o600);
    },
    { purpose: 'job record' },
  );
  const { output, ...rest } = run;
  appendLineDurable(join(dataDir, EVENTS_FILE), JSON.stringify({ ts: run.finishedAt, type: eventType(run), ...rest, output }));
  await appendAudit(dataDir, { actor, event: eventType(run), planId: null, details: { ...rest, error: rest.error ?? null, outputLines: output.length } }, now);
}
