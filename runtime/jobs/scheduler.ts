/**
 * The job scheduler of the observe daemon (`claude observe --serve`): it reads the schedule
 * table the last apply installed (`<dataDir>/schedule.json`, read again on every tick, so an
 * apply takes effect without a restart), and runs each job whose cron expression fired since
 * the previous tick (runner.ts). Like cron, it does not catch up runs missed while it was not
 * running, and a job that fired several times within one tick runs once. It sleeps until the
 * next time a job fires (at most `maxSleepMs`), so it costs nothing between runs.
 */
import type Docker from 'dockerode';
import type { JobSpec } from '../../plan/types.js';
import { CronError, firedBetween, nextRun } from './cron.js';
import { removeLeftoverJobContainers } from '../drivers/job-container.js';
import { JobBusyError, jobRunning, runJob } from './runner.js';
import { readSchedule, type JobRun } from './store.js';
import { Notifier } from '../notify/index.js';

export interface SchedulerOptions {
  docker: Docker;
  dataDir: string;
  root: string;
  /** This instance's host id; read when a job runs (null: no host id yet, container jobs cannot run). */
  hostId: () => string | null;
  now: () => Date;
  /** IANA zone the cron expressions are read in; default the system's. */
  tz?: string;
  /** The image for jobs with neither container nor image (runner.ts DEFAULT_JOB_IMAGE). */
  defaultImage?: string;
  /** One line per notable thing (job started/finished, a bad schedule). */
  log?: (line: string) => void;
  /** Longest sleep between two looks at the schedule (ms). Default 30 s. */
  maxSleepMs?: number;
  /** Called with each finished run. */
  onRun?: (run: JobRun) => void;
  /** Where `on_failure` / `on_success` notifications go (runtime/notify); default: one on the data dir. */
  notifier?: Notifier;
}

/**
 * The notification a finished run asks for: `on_failure` (a failed or errored run) or
 * `on_success`, `notify` as a warning/info, `alert` as critical, `ignore` or unset: none.
 */
export function jobNotification(job: JobSpec, run: JobRun): Parameters<Notifier['notify']>[0] | null {
  const ok = run.status === 'succeeded';
  const want = ok ? job.onSuccess : job.onFailure;
  if (want !== 'notify' && want !== 'alert') return null;
  const severity = want === 'alert' ? 'critical' : ok ? 'info' : 'warning';
  const how = ok ? 'succeeded' : `${run.status}${run.exitCode !== null ? ` (exit ${run.exitCode})` : ''}`;
  return {
    source: 'scheduler',
    kind: ok ? 'job.succeeded' : 'job.failed',
    severity,
    title: `job ${job.name} ${how}`,
    detail: [`run ${run.runId} in ${run.where}, ${run.durationMs} ms`, ...(run.error ? [run.error] : []), ...run.output.slice(-5)],
  };
}

export const SCHEDULER_ACTOR = 'claude-scheduler';
/** How often a backup waiting for a job's run started elsewhere looks at that job's lock. */
const RUNNING_POLL_MS = 200;

export class JobScheduler {
  private lastTick: Date | null = null;
  private timer: NodeJS.Timeout | null = null;
  private stopped = true;
  private readonly running = new Set<Promise<void>>();
  /**
   * Backups waiting for the jobs due with them (see `tick`): counted busy, so a backup due again
   * meanwhile (every minute, beside a dump that takes longer) is skipped, as a running job is
   * (runner.ts JobBusyError), instead of queueing another launch (review 22 LOW-9).
   */
  private readonly waiting = new Set<string>();
  /** Each job's run launched by this scheduler, by job name, until it settles (see `finished`). */
  private readonly runs = new Map<string, Promise<void>>();
  /** Schedules already reported as invalid (job → schedule), so the log says it once. */
  private readonly reported = new Map<string, string>();

  constructor(private readonly o: SchedulerOptions) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.lastTick = this.o.now();
    this.cleanUp();
    this.arm();
  }

  /** Removes utility job containers an earlier daemon left when it was stopped mid-run. */
  private cleanUp(): void {
    const hostId = this.o.hostId();
    if (!hostId) return;
    const p = removeLeftoverJobContainers(this.o.docker, hostId, (job) => jobRunning(this.o.dataDir, job))
      .then((names) => {
        if (names.length) this.o.log?.(`claude-scheduler: removed ${names.length} job container(s) left by an interrupted run: ${names.join(', ')}`);
      })
      .catch((e: unknown) => this.o.log?.(`claude-scheduler: could not look for leftover job containers: ${(e as Error).message}`))
      .finally(() => this.running.delete(p));
    this.running.add(p);
  }

  /** Stops ticking and waits for the runs in progress to finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await Promise.all([...this.running]);
    await this.o.notifier?.drain();
  }

  /**
   * One look at the schedule: starts every job that fired in (previous tick, now] and
   * returns their names (the runs go on in the background; `stop()` waits for them).
   */
  tick(): string[] {
    const now = this.o.now();
    const from = this.lastTick ?? now;
    this.lastTick = now;
    const due: JobSpec[] = [];
    for (const job of this.schedule()) {
      try {
        if (firedBetween(job.name, job.schedule, from, now, this.cronOpts())) due.push(job);
      } catch (e) {
        this.reportBad(job, e);
      }
    }
    // A volume's backup starts after the jobs due with it that run in a container of a service
    // mounting that volume (a database's dump job writing into its volume, then the volume's
    // archive): at the same minute, the archive holds that run's output, not the one before.
    const started = new Map<string, Promise<void>>();
    for (const job of due) if (!job.backup) started.set(job.name, this.launch(job));
    for (const job of due) {
      if (!job.backup) continue;
      if (this.waiting.has(job.name)) {
        this.o.log?.(`claude-scheduler: job ${job.name} not started: its previous run is still waiting for the jobs in the services that mount ${job.backup.volume}`);
        continue;
      }
      const services = job.backup.services;
      // Each job due with it: this tick's launch, then whatever run of that job is still going,
      // whoever started it (an earlier tick's run, `claude jobs run`): this tick's launch of a job
      // still running is "not started" and settles at once (review 23 MED-8).
      const first = due.filter((j) => !j.backup && j.container !== undefined && services.includes(j.container)).map((j) => started.get(j.name)!.then(() => this.finished(j.name)));
      if (first.length === 0) {
        this.launch(job);
        continue;
      }
      this.o.log?.(`claude-scheduler: job ${job.name} waits for ${first.length} job(s) in the services that mount ${job.backup.volume}`);
      this.waiting.add(job.name);
      const p: Promise<void> = Promise.all(first)
        .then(() => {
          this.waiting.delete(job.name);
          if (!this.stopped) this.launch(job);
        })
        .finally(() => {
          this.waiting.delete(job.name);
          this.running.delete(p);
        });
      this.running.add(p);
    }
    return due.map((j) => j.name);
  }

  /**
   * Settles when no run of the job is going on: the run this scheduler launched (kept by name until
   * it settles), then the job's lock (runner.ts `jobRunning`), held by a run started elsewhere; or
   * when the scheduler stops.
   */
  private async finished(job: string): Promise<void> {
    await this.runs.get(job);
    while (!this.stopped && jobRunning(this.o.dataDir, job)) await new Promise((r) => setTimeout(r, RUNNING_POLL_MS));
  }

  private schedule(): JobSpec[] {
    try {
      return readSchedule(this.o.dataDir);
    } catch (e) {
      this.o.log?.(`claude-scheduler: ${(e as Error).message}`);
      return [];
    }
  }

  private cronOpts() {
    return this.o.tz ? { tz: this.o.tz } : {};
  }

  private reportBad(job: JobSpec, e: unknown): void {
    if (this.reported.get(job.name) === job.schedule) return;
    this.reported.set(job.name, job.schedule);
    this.o.log?.(`claude-scheduler: ${e instanceof CronError ? e.message : String(e)}; the job does not run until the schedule is fixed`);
  }

  private launch(job: JobSpec): Promise<void> {
    const hostId = this.o.hostId();
    this.o.log?.(`claude-scheduler: running job ${job.name}`);
    const p = runJob(job, {
      docker: this.o.docker,
      dataDir: this.o.dataDir,
      root: this.o.root,
      hostId: hostId ?? '',
      now: this.o.now,
      trigger: 'schedule',
      actor: SCHEDULER_ACTOR,
      ...(this.o.defaultImage ? { defaultImage: this.o.defaultImage } : {}),
    })
      .then((run) => {
        this.o.log?.(`claude-scheduler: job ${job.name} ${run.status}${run.exitCode !== null ? ` (exit ${run.exitCode})` : ''}${run.error ? `: ${run.error}` : ''}`);
        const n = jobNotification(job, run);
        if (n) (this.o.notifier ??= new Notifier({ dataDir: this.o.dataDir, now: this.o.now, log: (l) => this.o.log?.(`claude-scheduler: ${l}`) })).notify(n);
        this.o.onRun?.(run);
      })
      .catch((e: unknown) => {
        // JobBusyError: the previous run is still going; this one is skipped, as cron's flock idiom would.
        this.o.log?.(`claude-scheduler: job ${job.name} not started: ${e instanceof JobBusyError ? e.message : (e as Error).message}`);
      })
      .finally(() => {
        this.running.delete(p);
        if (this.runs.get(job.name) === p) this.runs.delete(job.name);
      });
    this.running.add(p);
    // A launch of a job still running (JobBusyError) does not replace the run that is going.
    if (!this.runs.has(job.name)) this.runs.set(job.name, p);
    return p;
  }

  /** Sleeps until the next job fires (or maxSleepMs), then ticks again. */
  private arm(): void {
    if (this.stopped) return;
    const now = this.o.now();
    let wait = this.o.maxSleepMs ?? 30_000;
    for (const job of this.schedule()) {
      try {
        wait = Math.min(wait, nextRun(job.name, job.schedule, now, this.cronOpts()).getTime() - now.getTime());
      } catch (e) {
        this.reportBad(job, e);
      }
    }
    // A little past the firing time, so the tick's window (last, now] includes it.
    this.timer = setTimeout(
      () => {
        this.timer = null;
        if (this.stopped) return;
        this.tick();
        this.arm();
      },
      Math.max(0, wait) + 20,
    );
    this.timer.unref();
  }
}
