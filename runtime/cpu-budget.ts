/**
 * A readiness budget that is robust to CPU contention (issue 21, docs/runtime.md
 * "Readiness under load"). On a busy host a health command is not slow because the service
 * is broken but because neither it, nor `docker exec`, nor dockerd got a CPU: counting that
 * waiting time against a fixed wall-clock timeout rolls healthy stacks back.
 *
 * So readiness timeouts (the whole wait, and each probe attempt) are counted in
 * *uncontended* milliseconds: wall time minus the time the work could not run, which is
 * the larger of
 *   - the host's CPU stall: Linux pressure stall information, `/proc/pressure/cpu` "some"
 *     (time during which at least one runnable task waited for a CPU); without PSI, the
 *     share of the load average beyond the number of CPUs, sampled at each reading;
 *   - the container's own CPU throttling by its quota (`cpu.stat` of its cgroup:
 *     `throttled_time` ns on cgroup v1, `throttled_usec` on v2).
 * A budget never stretches beyond MAX_STRETCH times its wall-clock length, so a service
 * that is really broken still fails, only later on a saturated host.
 */
import { cpus, loadavg } from 'node:os';
import { readFileSync } from 'node:fs';

/** The most a budget stretches: N ms of budget never last longer than this many times N on the wall clock. */
export const MAX_STRETCH = 10;

/** Cumulative ms during which some runnable task waited for a CPU (PSI), or null without PSI. */
export function hostCpuStallMs(file = '/proc/pressure/cpu'): number | null {
  try {
    const m = /^some .*total=(\d+)/m.exec(readFileSync(file, 'utf8'));
    return m ? Number(m[1]) / 1000 : null;
  } catch {
    return null;
  }
}

/** The cgroup cpu.stat files a Docker container may have (cgroupfs and systemd drivers, v1 and v2). */
function cpuStatCandidates(id: string): string[] {
  return [
    `/sys/fs/cgroup/cpu/docker/${id}/cpu.stat`,
    `/sys/fs/cgroup/cpu,cpuacct/docker/${id}/cpu.stat`,
    `/sys/fs/cgroup/cpu/system.slice/docker-${id}.scope/cpu.stat`,
    `/sys/fs/cgroup/cpu,cpuacct/system.slice/docker-${id}.scope/cpu.stat`,
    `/sys/fs/cgroup/docker/${id}/cpu.stat`,
    `/sys/fs/cgroup/system.slice/docker-${id}.scope/cpu.stat`,
  ];
}

/** Cumulative ms the container was throttled by its CPU quota, or null when its cgroup is not found. */
export function containerThrottledMs(containerId: string, files = cpuStatCandidates(containerId)): number | null {
  for (const f of files) {
    let text: string;
    try {
      text = readFileSync(f, 'utf8');
    } catch {
      continue;
    }
    const v1 = /^throttled_time (\d+)/m.exec(text);
    if (v1) return Number(v1[1]) / 1e6;
    const v2 = /^throttled_usec (\d+)/m.exec(text);
    if (v2) return Number(v2[1]) / 1000;
  }
  return null;
}

export interface BudgetSources {
  /** Wall clock, ms (default Date.now). */
  wall?: () => number;
  /** Cumulative host stall, ms, or null (default: PSI, else load average). */
  hostStall?: () => number | null;
  /** Cumulative container throttling, ms, or null. */
  throttled?: () => number | null;
  maxStretch?: number;
}

/**
 * A clock of uncontended milliseconds since its creation. `elapsed()` never decreases and
 * is at least wall/maxStretch. `stretch()` says how much slower than the wall clock it ran.
 */
export class CpuBudgetClock {
  private readonly wall: () => number;
  private readonly hostStall: () => number | null;
  private readonly throttled: () => number | null;
  private readonly maxStretch: number;
  private readonly t0: number;
  private readonly host0: number | null;
  private readonly thr0: number | null;
  /** Load-average fallback: stall accumulated from samples. */
  private loadStall = 0;
  private lastSample: number;
  private last = 0;

  constructor(s: BudgetSources = {}) {
    this.wall = s.wall ?? Date.now;
    this.hostStall = s.hostStall ?? (() => hostCpuStallMs());
    this.throttled = s.throttled ?? (() => null);
    this.maxStretch = s.maxStretch ?? MAX_STRETCH;
    this.t0 = this.wall();
    this.lastSample = this.t0;
    this.host0 = this.hostStall();
    this.thr0 = this.throttled();
  }

  /** Uncontended ms since the clock was made. */
  elapsed(): number {
    const now = this.wall();
    const wall = now - this.t0;
    let hostStall: number;
    const h = this.host0 === null ? null : this.hostStall();
    if (h !== null && this.host0 !== null) hostStall = Math.max(0, h - this.host0);
    else {
      // No PSI: the part of the interval the load average says was spent waiting for a CPU.
      const load = loadavg()[0] ?? 0;
      const n = Math.max(1, cpus().length);
      this.loadStall += (now - this.lastSample) * Math.max(0, 1 - n / Math.max(load, n));
      this.lastSample = now;
      hostStall = this.loadStall;
    }
    const t = this.thr0 === null ? null : this.throttled();
    const throttled = t !== null && this.thr0 !== null ? Math.max(0, t - this.thr0) : 0;
    const e = Math.max(wall / this.maxStretch, wall - Math.max(hostStall, throttled));
    this.last = Math.max(this.last, Math.min(wall, e));
    return this.last;
  }

  /** Wall ms since the clock was made. */
  wallElapsed(): number {
    return this.wall() - this.t0;
  }
}
