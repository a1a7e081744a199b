/**
 * `claude health` and "right-size my services" (docs/health.md): the health report (runtime
 * observer: metric rings, one observation, PSI, cgroup counters, job records, certificates)
 * and the right-sizing proposal, as state files for the normal plan → approve → apply path.
 * Takes plain values, returns data; the CLI renders and asks.
 *
 *   healthOf(ctx, o)           → { report, env }
 *   rightSizeProposal(ctx, o)  → { sizes, files, changed } (services.yaml with new limits)
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentContext } from './context.js';
import { observeEnv, type ObserveEnv } from './observe-env.js';
import { buildHealthReport, type HealthReport } from '../runtime/observe/health.js';
import { collect } from '../runtime/observe/collect.js';
import { MetricsStore } from '../runtime/observe/metrics.js';
import { rightSize, type RightSize, type TrendOptions } from '../runtime/observe/predict.js';
// cron.ts and store.ts, not the jobs module's index (which brings the runner, the scheduler and dockerode)
import { nextRun } from '../runtime/jobs/cron.js';
import { readLastRuns, readSchedule } from '../runtime/jobs/store.js';
import { SCHEDULE_RECORD } from '../plan/host-state.js';

export interface HealthOptions {
  stateDirFlag?: string;
  /** Trend needs (tests shorten the default hour). */
  trend?: TrendOptions;
}

/** The last `job.succeeded` time of a job in events.jsonl (unix seconds). */
function lastSuccessFromEvents(dataDir: string, job: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(join(dataDir, 'events.jsonl'), 'utf8');
  } catch {
    return undefined;
  }
  let best: number | undefined;
  for (const line of text.split('\n')) {
    if (!line.includes('"job.succeeded"') || !line.includes(JSON.stringify(job))) continue;
    try {
      const e = JSON.parse(line) as { type?: string; job?: string; finishedAt?: string; ts?: string };
      if (e.type !== 'job.succeeded' || e.job !== job) continue;
      const t = Math.floor(Date.parse(e.finishedAt ?? e.ts ?? '') / 1000);
      if (Number.isFinite(t) && (best === undefined || t > best)) best = t;
    } catch {
      /* a torn line */
    }
  }
  return best;
}

/** The installed jobs with the interval their schedule implies and their last success. */
function jobsOf(dataDir: string, now: Date): { jobs: NonNullable<Parameters<typeof buildHealthReport>[0]['jobs']>; installedS?: number; errors: string[] } {
  const errors: string[] = [];
  let schedule: ReturnType<typeof readSchedule> = [];
  try {
    schedule = readSchedule(dataDir);
  } catch (e) {
    errors.push((e as Error).message);
  }
  const last = readLastRuns(dataDir);
  const jobs = [];
  for (const j of schedule) {
    const spec = j as unknown as { name: string; schedule: string; command?: string | string[]; image?: string; service?: string; timezone?: string };
    let intervalS = 86400;
    try {
      const a = nextRun(spec.name, spec.schedule, now);
      const b = nextRun(spec.name, spec.schedule, a);
      intervalS = Math.max(60, (b.getTime() - a.getTime()) / 1000);
    } catch (e) {
      errors.push((e as Error).message);
    }
    const run = last[spec.name];
    const lastSuccessS = run?.status === 'succeeded' ? Math.floor(Date.parse(run.finishedAt) / 1000) : lastSuccessFromEvents(dataDir, spec.name);
    jobs.push({ name: spec.name, schedule: spec.schedule, ...(spec.command ? { command: spec.command } : {}), intervalS, ...(lastSuccessS !== undefined ? { lastSuccessS } : {}) });
  }
  let installedS: number | undefined;
  try {
    installedS = Math.floor(statSync(join(dataDir, SCHEDULE_RECORD)).mtimeMs / 1000);
  } catch {
    /* no schedule */
  }
  return { jobs, ...(installedS !== undefined ? { installedS } : {}), errors };
}

/** One health report for this host. */
export async function healthOf(ctx: AgentContext, o: HealthOptions = {}): Promise<{ report: HealthReport; env: ObserveEnv; store: MetricsStore }> {
  const env = await observeEnv(ctx, o.stateDirFlag);
  // One observation, only what the report reads: containers with their cgroup figures and
  // the last 24 h of events (restarts). No CPU sample window, no port probes, no log tails,
  // no state summary (`claude status` renders one; the report does not use it).
  const facts = await collect({ docker: env.docker, dataDir: env.dataDir, root: env.root, now: ctx.now, hostId: env.hostId, probePorts: false, cpuSampleMs: 0, logLines: 0, troubleLogLines: 0 });
  const { store } = MetricsStore.load(env.dataDir);
  const jobs = jobsOf(env.dataDir, ctx.now());
  const report = buildHealthReport({ facts, store, dataDir: env.dataDir, jobs: jobs.jobs, ...(jobs.installedS !== undefined ? { scheduleInstalledS: jobs.installedS } : {}), ...(o.trend ? { trend: o.trend } : {}) });
  report.errors.push(...jobs.errors);
  return { report, env, store };
}

export interface RightSizeProposal {
  /** Per running service: what the last 24 h say, and the new limits (when worth a change). */
  sizes: RightSize[];
  /** The state files with the new limits (unchanged ones included). */
  files: Record<string, string>;
  /** True when services.yaml changed. */
  changed: boolean;
  /** Why nothing can be proposed (no state files, they do not compile). */
  problems: string[];
}

/**
 * Memory and CPU limits for every running service from the observer's last 24 h
 * (predict.ts `rightSize`: headroom over p99 / p95, never below the observed peak), written
 * into services.yaml. Services whose limits already fit are left as they are.
 */
export async function rightSizeProposal(ctx: AgentContext, o: HealthOptions & { store?: MetricsStore } = {}): Promise<RightSizeProposal> {
  const env = await observeEnv(ctx, o.stateDirFlag);
  // The compiler and the YAML editor only for --right-size: plain `claude health` starts without them.
  const { compileStateDir } = await import('../compiler/compile.js');
  const { FixError, setCpu, setMemory } = await import('../compiler/diagnose/fix.js');
  const compiled = compileStateDir(env.stateDir);
  if (!compiled.model) return { sizes: [], files: {}, changed: false, problems: [`the state files in ${env.stateDir} do not compile; run \`claude validate\``] };
  const model = compiled.model;
  const files = { ...(model.files as Record<string, string>) };
  const store = o.store ?? MetricsStore.load(env.dataDir).store;
  const nowS = Math.floor(ctx.now().getTime() / 1000);
  const since = nowS - 24 * 3600;
  const sizes: RightSize[] = [];
  let text = files['services.yaml'];
  for (const s of model.services) {
    if (!s.enabled || s.state !== 'running') continue;
    const size = rightSize(s.name, store.query(`service.memory_bytes:${s.name}`, since), store.query(`service.cpu_percent:${s.name}`, since), {
      ...(s.resources.memoryBytes !== undefined ? { memoryBytes: s.resources.memoryBytes } : {}),
      ...(s.resources.nanoCpus !== undefined ? { cpuCores: s.resources.nanoCpus / 1e9 } : {}),
    }, o.trend);
    sizes.push(size);
    if (text === undefined) continue;
    try {
      if (size.memory) text = setMemory(text, s.name, size.memory.suggestedBytes);
      if (size.cpu) text = setCpu(text, s.name, size.cpu.suggestedCores);
    } catch (e) {
      if (!(e instanceof FixError)) throw e;
      size.notes.push(e.message);
      delete size.memory;
      delete size.cpu;
    }
  }
  const changed = text !== undefined && text !== files['services.yaml'];
  if (changed) files['services.yaml'] = text!;
  return { sizes, files, changed, problems: [] };
}
