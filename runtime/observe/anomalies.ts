/**
 * Anomaly detection over one observation (and, in the daemon, the previous one):
 *
 *   crash-loop          restart count rising: ≥ 3 restarts and restarting now or ≥ 3 exits
 *                       in the last 10 minutes, or the count rose since the previous tick
 *   oom-killed          the kernel OOM killer ended the container's process
 *   unhealthy           the health check failed more than N times in a row (default 3)
 *   disk-full           a mount over 90 % used
 *   memory-pressure     host memory over 90 % used or PSI "some avg10" over 10 %, or a
 *                       container within 5 % of its memory limit
 *   port-not-answering  a running container publishes a TCP host port that refuses a
 *                       connection (checked with a TCP connect, so it needs `probe`)
 *
 * Pure except for the optional probe; thresholds are options so tests can state them.
 */
import type { Anomaly, ContainerFacts, Facts, ObsEvent } from '../../plan/observed.js';
import { compareCodePoints } from '../../common/order.js';

export interface AnomalyOptions {
  unhealthyChecks?: number;
  diskPercent?: number;
  memoryPercent?: number;
  psiSome10?: number;
  /** Restart counts at the previous observation (container id → count), from the daemon. */
  previousRestarts?: Map<string, number>;
  /** TCP probe for published ports; without it, port-not-answering is not checked. */
  probe?: (port: number, hostIp?: string) => Promise<boolean>;
}

export const CRASH_WINDOW_MS = 10 * 60_000;

function label(c: ContainerFacts): { service?: string; container: string } {
  return c.service ? { service: c.service, container: c.name } : { container: c.name };
}

/** Who asked a container to exit: a stop (`docker stop`, the runtime's own stops) or a kill. */
export type ExitRequest = { by: 'stop' } | { by: 'kill'; signal?: string };

/**
 * Whether an exit (a die event) was asked for, and how: `docker stop` (and the runtime's own
 * stops before a replace) sends a kill event before the die and a stop event right after it;
 * `docker kill` sends only the kill event, with its signal. A crash has neither. Such exits are
 * no crash.
 */
export function exitRequest(f: Facts, die: ObsEvent): ExitRequest | undefined {
  const t = Date.parse(die.time);
  let kill: ObsEvent | undefined;
  for (const e of f.events) {
    if (e.container !== die.container || e.source !== 'docker') continue;
    const at = Date.parse(e.time);
    if (e.type === 'container.stop' && at >= t && at - t <= 5_000) return { by: 'stop' };
    if (e.type === 'container.kill' && at <= t && t - at <= 60_000) kill = e;
  }
  if (!kill) return undefined;
  const signal = /^signal (\S+)$/.exec(kill.detail ?? '')?.[1];
  return signal ? { by: 'kill', signal } : { by: 'kill' };
}

export function requestedExit(f: Facts, die: ObsEvent): boolean {
  return exitRequest(f, die) !== undefined;
}

/** Exits (die events) of a container in the crash window that nobody asked for. */
export function recentExits(f: Facts, name: string): number {
  const since = Date.parse(f.collectedAt) - CRASH_WINDOW_MS;
  return f.events.filter((e) => e.type === 'container.die' && e.container === name && Date.parse(e.time) >= since && !requestedExit(f, e)).length;
}

export function isCrashLooping(f: Facts, c: ContainerFacts, previous?: number): boolean {
  if (previous !== undefined && c.restartCount > previous && c.status !== 'running') return true;
  if (previous !== undefined && c.restartCount >= previous + 2) return true;
  if (c.restartCount >= 3 && (c.status === 'restarting' || recentExits(f, c.name) >= 3)) return true;
  // Caught between two restarts (running again for a moment), with the exits not in the event
  // window yet: it ran only briefly after its last exit.
  if (c.restartCount >= 3 && c.status === 'running' && justRestarted(f, c)) return true;
  return c.restartPolicy !== 'no' && recentExits(f, c.name) >= 3 && c.status !== 'running';
}

/** Started again within a few seconds of its last exit, and less than 10 s ago. */
function justRestarted(f: Facts, c: ContainerFacts): boolean {
  const started = Date.parse(c.startedAt ?? '');
  const finished = Date.parse(c.finishedAt ?? '');
  const now = Date.parse(f.collectedAt);
  return Number.isFinite(started) && Number.isFinite(finished) && started >= finished && started - finished < 5_000 && now - started < 10_000;
}

export function isOomKilled(f: Facts, c: ContainerFacts): boolean {
  if (c.oomKilled) return true;
  const since = Date.parse(f.collectedAt) - CRASH_WINDOW_MS;
  return f.events.some((e) => e.type === 'container.oom' && e.container === c.name && Date.parse(e.time) >= since);
}

export async function detectAnomalies(f: Facts, opts: AnomalyOptions = {}): Promise<Anomaly[]> {
  const out: Anomaly[] = [];
  const checks = opts.unhealthyChecks ?? 3;
  for (const c of f.containers) {
    if (!c.managed) continue;
    const who = label(c);
    const name = c.service ?? c.name;
    if (isCrashLooping(f, c, opts.previousRestarts?.get(c.id))) {
      out.push({ kind: 'crash-loop', severity: 'critical', ...who, message: `${name} is crash-looping: restarted ${c.restartCount} times${c.exitCode !== undefined ? `, last exit code ${c.exitCode}` : ''}` });
    }
    if (isOomKilled(f, c)) {
      const lim = c.memoryLimit ? ` (limit ${mb(c.memoryLimit)} MB)` : '';
      out.push({ kind: 'oom-killed', severity: 'critical', ...who, message: `${name} was killed by the out-of-memory killer${lim}` });
    }
    if (c.health === 'unhealthy' && c.failingStreak >= checks) {
      out.push({ kind: 'unhealthy', severity: 'warning', ...who, message: `${name} has failed its health check ${c.failingStreak} times in a row` });
    }
    if (c.stats && c.memoryLimit && c.stats.memoryBytes >= c.memoryLimit * 0.95) {
      out.push({ kind: 'memory-pressure', severity: 'warning', ...who, message: `${name} uses ${mb(c.stats.memoryBytes)} MB of its ${mb(c.memoryLimit)} MB memory limit` });
    }
  }
  for (const d of f.host.disks) {
    if (d.usagePercent > (opts.diskPercent ?? 90)) {
      out.push({ kind: 'disk-full', severity: d.usagePercent >= 98 ? 'critical' : 'warning', message: `disk ${d.mount} is ${d.usagePercent}% full (${gb(d.totalBytes - d.usedBytes)} GB free)` });
    }
  }
  const memPct = f.host.memTotalBytes > 0 ? (f.host.memUsedBytes / f.host.memTotalBytes) * 100 : 0;
  const psi = f.host.memPressureSome10;
  if (memPct > (opts.memoryPercent ?? 90) || (psi !== undefined && psi > (opts.psiSome10 ?? 10))) {
    out.push({ kind: 'memory-pressure', severity: 'warning', message: `host memory is ${Math.round(memPct)}% used${psi !== undefined ? `, pressure ${psi}%` : ''}` });
  }
  if (opts.probe || f.probes) {
    const probes: Promise<void>[] = [];
    for (const c of f.containers) {
      if (!c.managed || c.status !== 'running' || c.health === 'starting') continue;
      for (const p of c.ports) {
        if (p.host === undefined || p.protocol !== 'tcp') continue;
        const known = f.probes?.[`${c.name}:${p.host}`];
        const ok = opts.probe ? opts.probe(p.host, p.hostIp) : Promise.resolve(known !== false);
        probes.push(
          ok.then((answered) => {
            if (!answered) out.push({ kind: 'port-not-answering', severity: 'critical', ...label(c), message: `${c.service ?? c.name} is running but port ${p.host} does not accept connections` });
          }),
        );
      }
    }
    await Promise.all(probes);
  }
  return sortAnomalies(out);
}

const SEV: Record<Anomaly['severity'], number> = { critical: 0, warning: 1, info: 2 };

export function sortAnomalies(a: Anomaly[]): Anomaly[] {
  return [...a].sort((x, y) => SEV[x.severity] - SEV[y.severity] || compareCodePoints(x.service ?? x.container ?? '', y.service ?? y.container ?? '') || compareCodePoints(x.kind, y.kind) || compareCodePoints(x.message, y.message));
}

export function mb(bytes: number): number {
  return Math.round(bytes / (1024 * 1024));
}

export function gb(bytes: number): number {
  return Math.round((bytes / 1024 ** 3) * 10) / 10;
}
