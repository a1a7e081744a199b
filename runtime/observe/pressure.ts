/**
 * Pressure and throttling, read-only from /proc and the cgroup filesystem:
 *
 *   host PSI        /proc/pressure/{cpu,memory,io}: "some" (and "full") stall percentages
 *                   averaged over 10 s, 60 s and 300 s
 *   cgroup PSI      <cgroup v2 dir>/{cpu,memory,io}.pressure of a container (cgroup v2, or the
 *                   v2 hierarchy of a hybrid host mounted at /sys/fs/cgroup/unified)
 *   throttling      cpu.stat: nr_periods, nr_throttled and the throttled time (v2
 *                   `throttled_usec`, v1 `throttled_time` in ns), cumulative since the
 *                   container started; a rate needs two readings (`throttleBetween`)
 *   swap            memory.swap.current (v2) or memory.memsw.usage_in_bytes − usage (v1)
 *
 * Every reader returns undefined for what the kernel does not offer (no PSI, cgroup v1 only),
 * so callers can say "not available" instead of guessing.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface PsiLine {
  avg10: number;
  avg60: number;
  avg300: number;
  /** Cumulative stall time in µs. */
  total: number;
}

export interface Psi {
  some: PsiLine;
  full?: PsiLine;
}

export type PsiResource = 'cpu' | 'memory' | 'io';

export interface PressureSet {
  cpu?: Psi;
  memory?: Psi;
  io?: Psi;
}

export interface CpuThrottle {
  periods: number;
  throttled: number;
  /** Cumulative throttled time in µs. */
  throttledUs: number;
  /** Cumulative CPU used in µs (v2 usage_usec or v1 cpuacct.usage / 1000), when readable. */
  usageUs?: number;
  /** The CPU quota in cores (cpu.max or cfs_quota_us / cfs_period_us); absent when unlimited. */
  quotaCores?: number;
}

function read(p: string): string | null {
  try {
    return readFileSync(p, 'utf8');
  } catch {
    return null;
  }
}

/** One PSI file ("some avg10=1.00 avg60=0.50 avg300=0.10 total=123\nfull …"). */
export function parsePsi(text: string): Psi | undefined {
  const line = (kind: 'some' | 'full'): PsiLine | undefined => {
    const m = new RegExp(`^${kind} avg10=([\\d.]+) avg60=([\\d.]+) avg300=([\\d.]+) total=(\\d+)`, 'm').exec(text);
    return m ? { avg10: Number(m[1]), avg60: Number(m[2]), avg300: Number(m[3]), total: Number(m[4]) } : undefined;
  };
  const some = line('some');
  if (!some) return undefined;
  const full = line('full');
  return full ? { some, full } : { some };
}

/** The host's PSI (empty when the kernel was built without it or it is disabled). */
export function hostPressure(procRoot = '/proc'): PressureSet {
  const out: PressureSet = {};
  for (const r of ['cpu', 'memory', 'io'] as const) {
    const t = read(join(procRoot, 'pressure', r));
    const p = t ? parsePsi(t) : undefined;
    if (p) out[r] = p;
  }
  return out;
}

/** controller ('' for the v2 hierarchy) → path, from /proc/<pid>/cgroup. */
export function cgroupPaths(pid: number, procRoot = '/proc'): Map<string, string> | null {
  const text = read(join(procRoot, String(pid), 'cgroup'));
  if (!text) return null;
  const paths = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^(\d+):([^:]*):(.*)$/.exec(line.trim());
    if (!m) continue;
    for (const c of m[2]!.split(',')) paths.set(c, m[3]!);
  }
  return paths;
}

/** The cgroup v2 directory of a process: the pure v2 mount, or a hybrid host's unified mount. */
function v2Dir(paths: Map<string, string>, root: string): string | null {
  const p = paths.get('');
  if (p === undefined) return null;
  // Pure v2: /sys/fs/cgroup/cgroup.controllers exists and no v1 controllers are listed.
  const hybrid = [...paths.keys()].some((k) => k !== '' && !k.startsWith('name='));
  return hybrid ? join(root, 'unified', p) : join(root, p);
}

/** A container's PSI by its main process (cgroup v2 only; empty elsewhere). */
export function cgroupPressure(pid: number, o: { procRoot?: string; cgroupRoot?: string } = {}): PressureSet {
  const paths = cgroupPaths(pid, o.procRoot);
  const dir = paths ? v2Dir(paths, o.cgroupRoot ?? '/sys/fs/cgroup') : null;
  const out: PressureSet = {};
  if (!dir) return out;
  for (const r of ['cpu', 'memory', 'io'] as const) {
    const t = read(join(dir, `${r}.pressure`));
    const p = t ? parsePsi(t) : undefined;
    if (p) out[r] = p;
  }
  return out;
}

function statValue(text: string, key: string): number | undefined {
  const m = new RegExp(`^${key} (\\d+)$`, 'm').exec(text);
  return m ? Number(m[1]) : undefined;
}

/** A container's CPU throttling counters by its main process (v2 cpu.stat, or v1 cpu controller). */
export function cpuThrottle(pid: number, o: { procRoot?: string; cgroupRoot?: string } = {}): CpuThrottle | undefined {
  const root = o.cgroupRoot ?? '/sys/fs/cgroup';
  const paths = cgroupPaths(pid, o.procRoot);
  if (!paths) return undefined;
  const v1 = paths.get('cpu');
  if (v1 !== undefined) {
    const base = [join(root, 'cpu', v1), join(root, 'cpu,cpuacct', v1)].find((d) => read(join(d, 'cpu.stat')) !== null);
    if (!base) return undefined;
    const stat = read(join(base, 'cpu.stat')) ?? '';
    const periods = statValue(stat, 'nr_periods');
    const throttled = statValue(stat, 'nr_throttled');
    const timeNs = statValue(stat, 'throttled_time');
    if (periods === undefined || throttled === undefined || timeNs === undefined) return undefined;
    const quota = Number(read(join(base, 'cpu.cfs_quota_us')));
    const period = Number(read(join(base, 'cpu.cfs_period_us')));
    const acct = paths.get('cpuacct');
    const usageNs = acct !== undefined ? Number(read(join(root, 'cpuacct', acct, 'cpuacct.usage')) ?? read(join(base, 'cpuacct.usage'))) : NaN;
    return {
      periods,
      throttled,
      throttledUs: Math.round(timeNs / 1000),
      ...(Number.isFinite(usageNs) ? { usageUs: Math.round(usageNs / 1000) } : {}),
      ...(quota > 0 && period > 0 ? { quotaCores: quota / period } : {}),
    };
  }
  const dir = v2Dir(paths, root);
  if (!dir) return undefined;
  const stat = read(join(dir, 'cpu.stat'));
  if (!stat) return undefined;
  const max = (read(join(dir, 'cpu.max')) ?? 'max').trim().split(/\s+/);
  const q = max[0] === 'max' ? NaN : Number(max[0]);
  const per = Number(max[1] ?? 100000);
  return {
    periods: statValue(stat, 'nr_periods') ?? 0,
    throttled: statValue(stat, 'nr_throttled') ?? 0,
    throttledUs: statValue(stat, 'throttled_usec') ?? 0,
    ...(statValue(stat, 'usage_usec') !== undefined ? { usageUs: statValue(stat, 'usage_usec')! } : {}),
    ...(Number.isFinite(q) && per > 0 ? { quotaCores: q / per } : {}),
  };
}

export interface ThrottleRate {
  /** Share of the CFS periods in the window in which the container was throttled (0–1). */
  throttledShare: number;
  /** Throttled time per wall second in the window (0–n cores). */
  throttledPerSecond: number;
  /** CPU the container used, in cores, over the window (when usage was readable). */
  usedCores?: number;
  periods: number;
}

/** The throttling between two readings taken `ms` apart. */
export function throttleBetween(a: CpuThrottle, b: CpuThrottle, ms: number): ThrottleRate {
  const periods = Math.max(0, b.periods - a.periods);
  const throttled = Math.max(0, b.throttled - a.throttled);
  const sec = Math.max(ms, 1) / 1000;
  return {
    throttledShare: periods > 0 ? throttled / periods : 0,
    throttledPerSecond: Math.max(0, b.throttledUs - a.throttledUs) / 1e6 / sec,
    ...(a.usageUs !== undefined && b.usageUs !== undefined ? { usedCores: Math.max(0, b.usageUs - a.usageUs) / 1e6 / sec } : {}),
    periods,
  };
}

/** Swap in use by a container (bytes), when the kernel accounts it. */
export function swapBytes(pid: number, o: { procRoot?: string; cgroupRoot?: string } = {}): number | undefined {
  const root = o.cgroupRoot ?? '/sys/fs/cgroup';
  const paths = cgroupPaths(pid, o.procRoot);
  if (!paths) return undefined;
  const v1 = paths.get('memory');
  if (v1 !== undefined) {
    const memsw = Number(read(join(root, 'memory', v1, 'memory.memsw.usage_in_bytes')));
    const usage = Number(read(join(root, 'memory', v1, 'memory.usage_in_bytes')));
    return Number.isFinite(memsw) && Number.isFinite(usage) ? Math.max(0, memsw - usage) : undefined;
  }
  const dir = v2Dir(paths, root);
  const v = dir ? Number(read(join(dir, 'memory.swap.current'))) : NaN;
  return Number.isFinite(v) ? v : undefined;
}
