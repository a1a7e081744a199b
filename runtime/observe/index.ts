/**
 * The observation layer's front door (read-only):
 *
 *   observeSystem(opts)  → { facts, anomalies, summary }     `claude status`, LLM context
 *   diagnoseSystem(opts) → { facts, anomalies, diagnosis }   `claude diagnose`, "the website is down"
 *   serviceLogs(opts)    → LogLine[]                         `claude logs`
 *   recentEvents(opts)   → ObsEvent[]                        `claude events`
 *
 * Snapshot for the planner: runtime/observe/snapshot.ts (`observe() → ObservedState`).
 *
 * "Managed" everywhere here means `claude.os/managed=true` and this instance's
 * `claude.os/host` (plan/types.ts managedBy). `hostId` defaults to the one in the data dir.
 */
import type Docker from 'dockerode';
import { readFileSync } from 'node:fs';
import { writeCacheFile } from '../../common/fsutil.js';
import { join } from 'node:path';
import { EngineClient, type DockerLike } from './engine-client.js';
import type { AnalyzeOptions, Diagnosis } from './analyzers/index.js';
import { detectAnomalies } from './anomalies.js';
import { collect, readHostIdOrNull, type CollectOptions } from './collect.js';
import { LABEL_REPLICA, LABEL_SERVICE, managedBy } from '../../plan/types.js';
import { dockerEventsBetween, logTail } from './docker.js';
import { loadStoredEvents, mergeEvents, readRuntimeEvents, retain } from './events.js';
import { resolveOwners } from './ports.js';
import { buildSummary, type Summary, type SummaryOptions } from './summary.js';
import type { Anomaly, DesiredService, Facts, LogLine, ObsEvent } from '../../plan/observed.js';
import type { Finding } from '../../plan/diagnosis.js';
import { LATEST_FILE, type LatestCpu } from './metrics.js';

export { EngineClient, dockerFor, type DockerLike } from './engine-client.js';
export type { Anomaly, ContainerFacts, DesiredService, Facts, LogLine, ObsEvent } from '../../plan/observed.js';
export type { Summary, SummaryData, IntentStateSummary } from './summary.js';
export type { Diagnosis, Finding, FixHint, Evidence, Check } from './analyzers/index.js';

/** Where every query here looks: the engine, the data dir and this instance's host id. */
export interface ObserveScope {
  /** Default: a new EngineClient. */
  docker?: DockerLike;
  dataDir: string;
  /** This instance's host id; default: the data dir's (plan/keys.ts). */
  hostId?: string | null;
}

/** The scope's host id, or the data dir's when the scope does not give one. */
function hostIdOf(o: ObserveScope): string | null {
  return o.hostId !== undefined ? o.hostId : readHostIdOrNull(o.dataDir);
}

export interface ObserveOptions extends ObserveScope {
  root?: string;
  now: () => Date;
  desired?: DesiredService[];
  firewall?: CollectOptions['firewall'];
  /** Probe published ports (TCP connect). Default true. */
  probePorts?: boolean;
  /** ms between two stats samples for CPU % when the daemon's metrics are stale. Default 100; 0 = none. */
  cpuSampleMs?: number;
  /** Log lines per managed service. Default 5. */
  logLines?: number;
  summary?: SummaryOptions;
  /** Others' running containers from the engine's list, not inspected (CollectOptions.othersFromList; `claude status`). */
  othersFromList?: boolean;
}

/** CPU % from the daemon's persisted metrics, when they are fresher than this. */
const FRESH_S = 30;

/** The daemon's latest CPU figures (host and per service), when they are fresh. */
function freshDaemonCpu(dataDir: string, nowS: number): { host?: number; services: Map<string, number> } | null {
  try {
    const d = JSON.parse(readFileSync(join(dataDir, LATEST_FILE), 'utf8')) as LatestCpu;
    if (d.version !== 1 || typeof d.at !== 'number' || nowS - d.at > FRESH_S || nowS < d.at - 5) return null;
    return { ...(typeof d.host === 'number' ? { host: d.host } : {}), services: new Map(Object.entries(d.services ?? {}).filter(([, v]) => typeof v === 'number')) };
  } catch {
    return null;
  }
}

/**
 * The CPU sample a one-off observation (`claude status` without the daemon) left for the next
 * one: /proc/stat's counters and each running container's cumulative CPU, with the time taken.
 * The next observation within FRESH_S (and at least CPU_SAMPLE_MIN_MS later) takes CPU % over
 * the time between the two instead of waiting out a sample window of its own, and leaves its
 * own sample unless the one it used is younger than CPU_SAMPLE_KEEP_MS.
 */
export const CPU_SAMPLE_FILE = join('cache', 'cpu-sample.json');
const CPU_SAMPLE_MIN_MS = 100;
/**
 * An observation that took CPU % from a sample younger than this, which has every container
 * running now, leaves that sample as it is (the next one takes CPU % over a window up to this
 * long, and a write and rename of the file is not paid at every `claude status`); an older one
 * is replaced, so the sample never gets older than FRESH_S while status runs.
 */
export const CPU_SAMPLE_KEEP_MS = 10_000;
export interface CpuSample {
  version: 1;
  atMs: number;
  host: { busy: number; total: number };
  containers: Record<string, { cpuTotalNs: number; systemCpuNs: number }>;
}

/** The sample left in `dataDir`, when it is usable at `nowMs` (see CPU_SAMPLE_FILE), else null. */
export function previousCpuSample(dataDir: string, nowMs: number): CpuSample | null {
  try {
    const d = JSON.parse(readFileSync(join(dataDir, CPU_SAMPLE_FILE), 'utf8')) as CpuSample;
    const age = nowMs - d.atMs;
    if (d.version !== 1 || typeof d.atMs !== 'number' || !(age >= CPU_SAMPLE_MIN_MS && age <= FRESH_S * 1000)) return null;
    if (typeof d.host?.busy !== 'number' || typeof d.host?.total !== 'number' || typeof d.containers !== 'object' || d.containers === null) return null;
    return d;
  } catch {
    return null;
  }
}

function saveCpuSample(dataDir: string, atMs: number, facts: Facts): void {
  const containers: CpuSample['containers'] = {};
  for (const c of facts.containers) if (c.stats) containers[c.id] = { cpuTotalNs: c.stats.cpuTotalNs, systemCpuNs: c.stats.systemCpuNs };
  const cpu = facts.host.cpuTimes;
  try {
    writeCacheFile(join(dataDir, CPU_SAMPLE_FILE), JSON.stringify({ version: 1, atMs, host: cpu, containers } satisfies CpuSample), 0o600);
  } catch {
    /* a read-only data dir: the next observation samples for itself */
  }
}

/** What observeSystem and diagnoseSystem pass to collect alike. */
function collectBase(o: ObserveOptions, docker: DockerLike): CollectOptions {
  return { docker, dataDir: o.dataDir, root: o.root, now: o.now, ...(o.hostId !== undefined ? { hostId: o.hostId } : {}), desired: o.desired, firewall: o.firewall, probePorts: o.probePorts !== false };
}

export async function observeSystem(o: ObserveOptions): Promise<{ facts: Facts; anomalies: Anomaly[]; summary: Summary }> {
  const docker = o.docker ?? new EngineClient();
  // With the daemon running (its metrics saved within 30 s), take CPU % from it and skip
  // the sample window; else from the sample an observation left within 30 s (CPU_SAMPLE_FILE),
  // over the time since; else sample for 100 ms. Each such observation leaves its sample.
  const nowMs = o.now().getTime();
  const daemon = o.cpuSampleMs === undefined ? freshDaemonCpu(o.dataDir, Math.floor(nowMs / 1000)) : null;
  const prev = o.cpuSampleMs === undefined && !daemon ? previousCpuSample(o.dataDir, nowMs) : null;
  const facts = await collect({
    ...collectBase(o, docker),
    logLines: o.logLines ?? 5,
    othersFromList: o.othersFromList === true,
    cpuSampleMs: daemon || prev ? 0 : (o.cpuSampleMs ?? 100),
    ...(prev ? { previous: new Map(Object.entries(prev.containers)), previousHostCpu: prev.host } : {}),
  });
  if (o.cpuSampleMs === undefined && !daemon && !(prev && nowMs - prev.atMs < CPU_SAMPLE_KEEP_MS && facts.containers.every((c) => !c.stats || c.id in prev.containers))) saveCpuSample(o.dataDir, nowMs, facts);
  if (daemon) {
    if (facts.host.cpuPercent === undefined && daemon.host !== undefined) facts.host.cpuPercent = daemon.host;
    for (const c of facts.containers) {
      const key = c.service ? (c.replica && c.replica > 1 ? c.name : c.service) : c.name;
      const cpu = daemon.services.get(key);
      if (c.stats && c.stats.cpuPercent === undefined && cpu !== undefined) c.stats.cpuPercent = cpu;
    }
  }
  const anomalies = await detectAnomalies(facts);
  return { facts, anomalies, summary: buildSummary(facts, anomalies, o.summary) };
}

export interface DiagnoseOptions extends ObserveOptions {
  service?: string;
  /** Extra analyzer options (thresholds, used ports for move-port suggestions). */
  analyze?: Omit<AnalyzeOptions, 'service' | 'probes' | 'resolveOwners' | 'extra'>;
  /**
   * "Why is X slow?": sample throttling, pressure and (through `exec`, a dockerode client)
   * postgres over `windowMs` and add the bottleneck findings (analyzers/slow.ts).
   */
  slow?: { windowMs: number; exec?: Docker };
}

/** Collects facts with more log lines, probes published ports, names port holders, runs the analyzers. */
export async function diagnoseSystem(o: DiagnoseOptions): Promise<{ facts: Facts; anomalies: Anomaly[]; diagnosis: Diagnosis }> {
  const docker = o.docker ?? new EngineClient();
  const facts = await collect({ ...collectBase(o, docker), logLines: 0, troubleLogLines: 20, stats: true, cpuSampleMs: o.cpuSampleMs ?? 0 });
  const anomalies = await detectAnomalies(facts, {});
  let extra: Finding[] | undefined;
  if (o.slow) {
    const { slowReadings } = await import('./slow.js');
    const { slowFindings } = await import('./analyzers/slow.js');
    const readings = await slowReadings(facts, { windowMs: o.slow.windowMs, ...(o.service ? { service: o.service } : {}), ...(o.slow.exec ? { docker: o.slow.exec } : {}) });
    extra = slowFindings(facts, readings, o.service ? { service: o.service } : {});
  }
  // the analyzers on first use: `claude status` (and its cold-start bundle) never runs them
  const { analyze } = await import('./analyzers/index.js');
  const diagnosis = analyze(facts, { ...o.analyze, ...(o.service ? { service: o.service } : {}), resolveOwners: (ls) => resolveOwners(ls), ...(extra ? { extra } : {}) });
  return { facts, anomalies, diagnosis };
}

/** The containers of this instance's service (or any container by name), replica 1 first. */
async function containersOf(docker: DockerLike, service: string, hostId: string | null): Promise<string[]> {
  const list = await docker.listContainers({ all: true });
  const names = (c: Docker.ContainerInfo) => (c.Names[0] ?? '').replace(/^\//, '');
  const bySvc = list.filter((c) => managedBy(c.Labels, hostId) && c.Labels?.[LABEL_SERVICE] === service);
  if (bySvc.length > 0) return bySvc.map((c) => ({ n: names(c), r: Number(c.Labels?.[LABEL_REPLICA] ?? 1) })).sort((a, b) => a.r - b.r).map((x) => x.n);
  const byName = list.find((c) => names(c) === service);
  return byName ? [names(byName)] : [];
}

export class UnknownServiceError extends Error {
  constructor(readonly service: string, readonly known: string[]) {
    super(`no service or container named '${service}'${known.length ? `; services: ${known.join(', ')}` : ''}`);
    this.name = 'UnknownServiceError';
  }
}

/** The services of this instance (`hostId`) present on the engine (sorted). */
export async function managedServices(docker: DockerLike, hostId: string | null): Promise<string[]> {
  const list = await docker.listContainers({ all: true });
  const out = new Set<string>();
  for (const c of list) {
    const svc = c.Labels?.[LABEL_SERVICE];
    if (svc && managedBy(c.Labels, hostId)) out.add(svc);
  }
  return [...out].sort();
}

/** The first container (replica 1) of this instance's service, or a container by name. Throws UnknownServiceError. */
async function firstContainerOf(docker: DockerLike, o: ObserveScope & { service: string }): Promise<string> {
  const hostId = hostIdOf(o);
  const names = await containersOf(docker, o.service, hostId);
  if (names.length === 0) throw new UnknownServiceError(o.service, await managedServices(docker, hostId));
  return names[0]!;
}

/** The last `lines` log lines of a service (its first replica) or container. Throws UnknownServiceError. */
export async function serviceLogs(o: ObserveScope & { service: string; lines: number }): Promise<{ container: string; lines: LogLine[] }> {
  const docker = o.docker ?? new EngineClient();
  // An apply may replace the container between the listing and the read (a restart, a new
  // config): the engine then answers 404 for the name it listed. Look again, a few times,
  // rather than fail (the web UI's live tail polls through applies); once no container is
  // listed any more, that is UnknownServiceError as usual.
  for (let attempt = 1; ; attempt++) {
    const container = await firstContainerOf(docker, o);
    try {
      return { container, lines: await logTail(docker, container, o.lines) };
    } catch (e) {
      if ((e as { statusCode?: number }).statusCode !== 404) throw e;
      if (attempt >= 3) throw new UnknownServiceError(o.service, await managedServices(docker, hostIdOf(o)));
    }
  }
}

/**
 * Follows a service's log: calls `onLine` for each new line until `signal` aborts.
 * Starts after the last `tail` lines (which are delivered first).
 */
export async function followLogs(o: ObserveScope & { service: string; tail: number; signal: AbortSignal; onLine: (l: LogLine) => void }): Promise<void> {
  const docker = o.docker ?? new EngineClient();
  const c = docker.getContainer(await firstContainerOf(docker, o));
  const info = await c.inspect();
  const stream = (await c.logs({ stdout: true, stderr: true, timestamps: true, tail: o.tail, follow: true })) as unknown as NodeJS.ReadableStream & { destroy(): void };
  const { demuxLogs, redactLines, secretValuesOf } = await import('./docker.js');
  const secrets = secretValuesOf(info);
  let pending = Buffer.alloc(0);
  await new Promise<void>((resolve, reject) => {
    const stop = () => {
      stream.destroy();
      resolve();
    };
    if (o.signal.aborted) return stop();
    o.signal.addEventListener('abort', stop, { once: true });
    stream.on('data', (d: Buffer) => {
      if (info.Config?.Tty) {
        for (const l of redactLines(demuxLogs(d, true), secrets)) o.onLine(l);
        return;
      }
      pending = Buffer.concat([pending, d]);
      // deliver whole frames only
      let off = 0;
      while (off + 8 <= pending.length) {
        const size = pending.readUInt32BE(off + 4);
        if (off + 8 + size > pending.length) break;
        off += 8 + size;
      }
      const whole = pending.subarray(0, off);
      pending = pending.subarray(off);
      for (const l of redactLines(demuxLogs(whole, false), secrets)) o.onLine(l);
    });
    stream.on('end', () => resolve());
    stream.on('error', (e: Error) => (o.signal.aborted ? resolve() : reject(e)));
  });
}

/** Docker and runtime events since a time, oldest first, with the retention rule applied when `since` is unset. */
export async function recentEvents(o: ObserveScope & { now: () => Date; since?: Date }): Promise<{ events: ObsEvent[]; errors: string[] }> {
  const docker = o.docker ?? new EngineClient();
  const now = o.now();
  const since = o.since ?? new Date(now.getTime() - 24 * 3600_000);
  const errors: string[] = [];
  let dockerEvents: ObsEvent[] = [];
  try {
    dockerEvents = await dockerEventsBetween(docker, Math.floor(since.getTime() / 1000), now.getTime() / 1000, hostIdOf(o));
  } catch (e) {
    errors.push(`docker events: ${(e as Error).message}`);
  }
  const stored = loadStoredEvents(o.dataDir);
  const merged = mergeEvents(stored, dockerEvents, readRuntimeEvents(o.dataDir, since.getTime())).filter((e) => Date.parse(e.time) >= since.getTime());
  return { events: o.since ? merged : retain(merged, now), errors };
}
