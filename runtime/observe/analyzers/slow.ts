/**
 * "Why is X slow?": the bottleneck, named with numbers. Pure over readings the caller took
 * (runtime/observe/index.ts `slowReadings` samples them over a short window):
 *
 *   cpu-throttled     the container hit its CPU limit in ≥ 20 % of its CFS periods during the
 *                     window → raise the CPU limit (fix: raise-cpu)
 *   memory            working set ≥ 90 % of its limit, swapping, or OOM-killed → raise-memory
 *   io                I/O stall pressure (PSI some avg10) ≥ 20 % for the container or the host
 *   host-overloaded   load per core ≥ 1.5, or host CPU pressure some avg10 ≥ 50 %
 *   connections       postgres: connections ≥ 80 % of max_connections → a higher
 *                     max_connections, and the memory it needs (fix: raise-pg-connections)
 *   long-queries      postgres: queries active for more than 30 s
 *
 * Codes OBS120–OBS125 (docs/observe.md). Never fixes anything; fixes are hints.
 */
import type { Facts, ContainerFacts } from '../../../plan/observed.js';
import type { Finding } from '../../../plan/diagnosis.js';
import type { PressureSet, ThrottleRate } from '../pressure.js';

export interface PostgresStats {
  connections: number;
  maxConnections: number;
  /** Queries active for more than 30 s: their age in seconds and the start of their text. */
  longQueries: { seconds: number; query: string }[];
}

export interface SlowReadings {
  windowMs: number;
  /** Per container name: throttling over the window and its quota. */
  throttle: Map<string, { rate: ThrottleRate; quotaCores?: number }>;
  /** Per container name: cgroup PSI (cgroup v2 only). */
  pressure: Map<string, PressureSet>;
  /** Per container name: swap in use (bytes). */
  swap: Map<string, number>;
  host: PressureSet;
  /** Per container name, for postgres services. */
  postgres: Map<string, PostgresStats | { error: string }>;
}

const MIB = 1024 * 1024;
const r2 = (n: number) => Math.round(n * 100) / 100;

function who(c: ContainerFacts): { service?: string; container: string } {
  return c.service ? { service: c.service, container: c.name } : { container: c.name };
}

/** A CPU limit that leaves room: twice the quota, or 1.5× what it used, in 0.05 steps, at most the host's cores. */
export function suggestCpu(quota: number, used: number | undefined, cores: number): number {
  const want = Math.max(quota * 2, (used ?? 0) * 1.5, 0.1);
  return Math.min(cores, Math.ceil(want * 20 - 1e-9) / 20);
}

export function slowFindings(f: Facts, r: SlowReadings, o: { service?: string } = {}): Finding[] {
  const out: Finding[] = [];
  const sec = r2(r.windowMs / 1000);
  for (const c of f.containers) {
    if (!c.managed || c.status !== 'running') continue;
    if (o.service && c.service !== o.service) continue;
    const name = c.service ?? c.name;
    const t = r.throttle.get(c.name);
    if (t && t.quotaCores !== undefined && t.rate.periods >= 5 && t.rate.throttledShare >= 0.2) {
      const suggested = suggestCpu(t.quotaCores, t.rate.usedCores, f.host.cpuCores);
      out.push({
        analyzer: 'slow',
        code: 'OBS120',
        severity: t.rate.throttledShare >= 0.5 ? 'critical' : 'warning',
        ...who(c),
        title: `${name} is CPU-throttled at its limit of ${r2(t.quotaCores)} CPU`,
        explanation: `${name} needs more CPU than its limit allows: over the last ${sec} s it was held back in ${Math.round(t.rate.throttledShare * 100)}% of its CPU periods${t.rate.usedCores !== undefined ? ` while using ${r2(t.rate.usedCores)} of its ${r2(t.quotaCores)} CPU` : ''}. Requests wait for CPU time, so it answers slowly.`,
        evidence: [{ label: 'CPU throttling', lines: [`throttled ${Math.round(t.rate.throttledShare * 100)}% of ${t.rate.periods} periods in ${sec} s`, `${r2(t.rate.throttledPerSecond)} s held back per second`, ...(t.rate.usedCores !== undefined ? [`used ${r2(t.rate.usedCores)} CPU of a ${r2(t.quotaCores)} CPU limit`] : [])] }],
        fixes: suggested > t.quotaCores ? [{ kind: 'raise-cpu', service: name, currentCores: r2(t.quotaCores), suggestedCores: suggested }] : [{ kind: 'manual', action: `${name} already has every core of the host; make it do less work or give the host more CPU` }],
        data: { bottleneck: 'cpu-throttled' },
      });
    }
    const mem = c.stats?.memoryBytes;
    const swap = r.swap.get(c.name) ?? 0;
    if (c.memoryLimit && mem !== undefined && (mem >= c.memoryLimit * 0.9 || swap > 0 || c.oomKilled)) {
      const suggested = Math.ceil((c.memoryLimit * 1.5) / (16 * MIB)) * 16 * MIB;
      out.push({
        analyzer: 'slow',
        code: 'OBS121',
        severity: c.oomKilled || mem >= c.memoryLimit * 0.97 ? 'critical' : 'warning',
        ...who(c),
        title: `${name} is near its memory limit (${Math.round(mem / MIB)} of ${Math.round(c.memoryLimit / MIB)} MB)`,
        explanation: `${name} uses ${Math.round((mem / c.memoryLimit) * 100)}% of its memory limit${swap > 0 ? ` and has ${Math.round(swap / MIB)} MB swapped out` : ''}${c.oomKilled ? '; the kernel already killed it once for running out' : ''}. The kernel reclaims its cache and pages to make room, which slows it down.`,
        evidence: [{ label: 'Memory', lines: [`working set ${Math.round(mem / MIB)} MB of ${Math.round(c.memoryLimit / MIB)} MB`, ...(swap > 0 ? [`swap ${Math.round(swap / MIB)} MB`] : []), ...(c.oomKilled ? ['OOM-killed'] : [])] }],
        fixes: [{ kind: 'raise-memory', service: name, currentBytes: c.memoryLimit, suggestedBytes: suggested }],
        data: { bottleneck: 'memory' },
      });
    }
    const io = r.pressure.get(c.name)?.io?.some.avg10;
    if (io !== undefined && io >= 20) {
      out.push({
        analyzer: 'slow',
        code: 'OBS122',
        severity: 'warning',
        ...who(c),
        title: `${name} waits for disk I/O ${io}% of the time`,
        explanation: `${name}'s tasks were stalled on disk I/O ${io}% of the last 10 seconds: the disk is the bottleneck.`,
        evidence: [{ label: 'I/O pressure (PSI)', lines: [`some avg10=${io}%`] }],
        fixes: [{ kind: 'manual', action: `find what writes or reads so much (claude logs ${name}); move its data to a faster disk, or lower what else uses the disk` }],
        data: { bottleneck: 'io' },
      });
    }
    const pg = r.postgres.get(c.name);
    if (pg && !('error' in pg)) {
      if (pg.maxConnections > 0 && pg.connections >= pg.maxConnections * 0.8) {
        const suggested = Math.max(pg.maxConnections * 2, 20);
        out.push({
          analyzer: 'slow',
          code: 'OBS124',
          severity: pg.connections >= pg.maxConnections ? 'critical' : 'warning',
          ...who(c),
          title: `${name} has ${pg.connections} of ${pg.maxConnections} connections in use`,
          explanation: `${name} is close to max_connections (${pg.connections}/${pg.maxConnections}): new clients wait or are refused. Each extra connection needs about 10 MB of memory.`,
          evidence: [{ label: 'Connections', lines: [`${pg.connections} connections, max_connections ${pg.maxConnections}`] }],
          fixes: [{ kind: 'raise-pg-connections', service: name, current: pg.maxConnections, suggested, ...(c.memoryLimit ? { memoryBytes: c.memoryLimit + (suggested - pg.maxConnections) * 10 * MIB } : {}) }],
          data: { bottleneck: 'connections' },
        });
      }
      if (pg.longQueries.length > 0) {
        out.push({
          analyzer: 'slow',
          code: 'OBS125',
          severity: 'warning',
          ...who(c),
          title: `${name} has ${pg.longQueries.length} quer${pg.longQueries.length === 1 ? 'y' : 'ies'} running for more than 30 s`,
          explanation: `Long-running queries hold locks and connections; other queries wait behind them.`,
          evidence: [{ label: 'Long-running queries', lines: pg.longQueries.slice(0, 5).map((q) => `${Math.round(q.seconds)} s: ${q.query}`) }],
          fixes: [{ kind: 'manual', action: `look at the queries (they are shown above); add an index or cancel them with pg_cancel_backend()` }],
          data: { bottleneck: 'long-queries' },
        });
      }
    }
  }
  const perCore = f.host.load1 / Math.max(1, f.host.cpuCores);
  const hostCpu = r.host.cpu?.some.avg10;
  if (perCore >= 1.5 || (hostCpu !== undefined && hostCpu >= 50)) {
    out.push({
      analyzer: 'slow',
      code: 'OBS123',
      severity: 'warning',
      title: `the host is overloaded (load ${f.host.load1} on ${f.host.cpuCores} cores)`,
      explanation: `The host has ${r2(perCore)} runnable tasks per core${hostCpu !== undefined ? ` and tasks waited for a CPU ${hostCpu}% of the last 10 seconds` : ''}: everything on it runs slower.`,
      evidence: [{ label: 'Host', lines: [`load ${f.host.load1} on ${f.host.cpuCores} cores`, ...(hostCpu !== undefined ? [`CPU pressure some avg10=${hostCpu}%`] : [])] }],
      fixes: [{ kind: 'manual', action: 'find what uses the CPU (claude status shows each service); stop or limit it, or give the host more cores' }],
      data: { bottleneck: 'host-overloaded' },
    });
  }
  return out;
}
