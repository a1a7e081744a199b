/**
 * Container CPU and memory straight from the cgroup filesystem (v1 and v2), found through
 * /proc/<pid>/cgroup. Dockerd's stats endpoint answers only at its 1 s collection tick,
 * which is too slow for `claude status`; these are the same counters it reads. Read-only;
 * null when the files are not readable (then the caller falls back to the stats API).
 *
 * systemCpuNs is /proc/stat's total (all CPUs) in ns, as Docker's system_cpu_usage, so
 * docker.ts `cpuPercentOf` applies unchanged.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseProcStat } from './host.js';
import { cgroupPaths } from './pressure.js';

const CLK_TCK = 100;

function read(p: string): string | null {
  try {
    return readFileSync(p, 'utf8');
  } catch {
    return null;
  }
}

function statValue(text: string, key: string): number | undefined {
  const m = new RegExp(`^${key} (\\d+)$`, 'm').exec(text);
  return m ? Number(m[1]) : undefined;
}

export interface CgroupStats {
  memoryBytes: number;
  memoryLimitBytes?: number;
  cpuTotalNs: number;
  systemCpuNs: number;
  onlineCpus: number;
  netRxBytes?: number;
  netTxBytes?: number;
}

/**
 * Bytes received and sent by the process's network namespace (`/proc/<pid>/net/dev`, every
 * interface but lo): a container's traffic, as `docker stats` NET I/O counts it.
 */
export function netDevBytes(pid: number, procRoot = '/proc'): { netRxBytes: number; netTxBytes: number } | null {
  const text = read(join(procRoot, String(pid), 'net', 'dev'));
  if (!text) return null;
  return parseNetDev(text);
}

export function parseNetDev(text: string): { netRxBytes: number; netTxBytes: number } | null {
  let rx = 0;
  let tx = 0;
  let seen = false;
  for (const line of text.split('\n')) {
    const m = /^\s*([^:\s]+):\s*(.*)$/.exec(line);
    if (!m || m[1] === 'lo') continue;
    const f = m[2]!.trim().split(/\s+/).map(Number);
    if (f.length < 9 || !Number.isFinite(f[0]) || !Number.isFinite(f[8])) continue;
    rx += f[0]!;
    tx += f[8]!;
    seen = true;
  }
  return seen ? { netRxBytes: rx, netTxBytes: tx } : null;
}

/** The host's total CPU time in ns (Docker's system_cpu_usage). */
export function systemCpuNs(procRoot = '/proc'): number {
  const t = parseProcStat(read(join(procRoot, 'stat')) ?? '');
  return t.total * (1e9 / CLK_TCK);
}

export function cgroupStats(pid: number, onlineCpus: number, o: { procRoot?: string; cgroupRoot?: string; systemNs?: number } = {}): CgroupStats | null {
  const proc = o.procRoot ?? '/proc';
  const root = o.cgroupRoot ?? '/sys/fs/cgroup';
  const paths = cgroupPaths(pid, proc);
  if (!paths) return null;
  const systemNs = o.systemNs ?? systemCpuNs(proc);
  const v1mem = paths.get('memory');
  if (v1mem !== undefined) {
    const usage = Number(read(join(root, 'memory', v1mem, 'memory.usage_in_bytes')));
    const stat = read(join(root, 'memory', v1mem, 'memory.stat')) ?? '';
    const limit = Number(read(join(root, 'memory', v1mem, 'memory.limit_in_bytes')));
    const cpuPath = paths.get('cpuacct') ?? paths.get('cpu');
    const cpu = cpuPath !== undefined ? Number(read(join(root, 'cpuacct', cpuPath, 'cpuacct.usage')) ?? read(join(root, 'cpu,cpuacct', cpuPath, 'cpuacct.usage'))) : NaN;
    if (!Number.isFinite(usage) || !Number.isFinite(cpu)) return null;
    const inactive = statValue(stat, 'total_inactive_file') ?? statValue(stat, 'inactive_file') ?? 0;
    return { memoryBytes: Math.max(0, usage - inactive), ...(limit > 0 && limit < 2 ** 62 ? { memoryLimitBytes: limit } : {}), cpuTotalNs: cpu, systemCpuNs: systemNs, onlineCpus, ...(netDevBytes(pid, proc) ?? {}) };
  }
  const v2 = paths.get('');
  if (v2 !== undefined) {
    const dir = join(root, v2);
    const usage = Number(read(join(dir, 'memory.current')));
    const stat = read(join(dir, 'memory.stat')) ?? '';
    const max = (read(join(dir, 'memory.max')) ?? 'max').trim();
    const usec = statValue(read(join(dir, 'cpu.stat')) ?? '', 'usage_usec');
    if (!Number.isFinite(usage) || usec === undefined) return null;
    const inactive = statValue(stat, 'inactive_file') ?? 0;
    return { memoryBytes: Math.max(0, usage - inactive), ...(max !== 'max' ? { memoryLimitBytes: Number(max) } : {}), cpuTotalNs: usec * 1000, systemCpuNs: systemNs, onlineCpus, ...(netDevBytes(pid, proc) ?? {}) };
  }
  return null;
}
