import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cgroupPressure, cpuThrottle, hostPressure, parsePsi, swapBytes, throttleBetween } from './pressure.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A /proc and /sys/fs/cgroup laid out as the kernel does, for one pid. */
function tree(kind: 'v1' | 'v2' | 'hybrid'): { proc: string; cg: string } {
  const d = mkdtempSync(join(tmpdir(), 'claude-psi-'));
  dirs.push(d);
  const proc = join(d, 'proc');
  const cg = join(d, 'cgroup');
  mkdirSync(join(proc, '42'), { recursive: true });
  mkdirSync(join(proc, 'pressure'));
  writeFileSync(join(proc, 'pressure', 'cpu'), 'some avg10=12.50 avg60=8.00 avg300=3.25 total=123456\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n');
  writeFileSync(join(proc, 'pressure', 'io'), 'some avg10=1.00 avg60=2.00 avg300=3.00 total=99\nfull avg10=0.50 avg60=1.00 avg300=1.50 total=50\n');
  const path = '/docker/abc';
  if (kind === 'v2') {
    writeFileSync(join(proc, '42', 'cgroup'), `0::${path}\n`);
    mkdirSync(join(cg, path), { recursive: true });
    writeFileSync(join(cg, path, 'cpu.stat'), 'usage_usec 5000000\nuser_usec 4000000\nsystem_usec 1000000\nnr_periods 200\nnr_throttled 150\nthrottled_usec 9000000\n');
    writeFileSync(join(cg, path, 'cpu.max'), '10000 100000\n');
    writeFileSync(join(cg, path, 'io.pressure'), 'some avg10=25.00 avg60=10.00 avg300=2.00 total=5\nfull avg10=20.00 avg60=8.00 avg300=1.00 total=4\n');
    writeFileSync(join(cg, path, 'memory.swap.current'), '1048576\n');
  } else {
    writeFileSync(join(proc, '42', 'cgroup'), `4:memory:${path}\n2:cpuacct:${path}\n1:cpu:${path}\n0::${path}\n`);
    mkdirSync(join(cg, 'cpu', path), { recursive: true });
    mkdirSync(join(cg, 'cpuacct', path), { recursive: true });
    mkdirSync(join(cg, 'memory', path), { recursive: true });
    writeFileSync(join(cg, 'cpu', path, 'cpu.stat'), 'nr_periods 41\nnr_throttled 36\nthrottled_time 1407946800\nnr_bursts 0\nburst_time 0\n');
    writeFileSync(join(cg, 'cpu', path, 'cpu.cfs_quota_us'), '10000\n');
    writeFileSync(join(cg, 'cpu', path, 'cpu.cfs_period_us'), '100000\n');
    writeFileSync(join(cg, 'cpuacct', path, 'cpuacct.usage'), '410000000\n');
    writeFileSync(join(cg, 'memory', path, 'memory.usage_in_bytes'), '1000\n');
    writeFileSync(join(cg, 'memory', path, 'memory.memsw.usage_in_bytes'), '3000\n');
    if (kind === 'hybrid') {
      mkdirSync(join(cg, 'unified', path), { recursive: true });
      writeFileSync(join(cg, 'unified', path, 'cpu.pressure'), 'some avg10=40.00 avg60=30.00 avg300=20.00 total=7\n');
    }
  }
  return { proc, cg };
}

describe('PSI', () => {
  it('parses some and full lines', () => {
    expect(parsePsi('some avg10=1.50 avg60=0.25 avg300=0.00 total=42\nfull avg10=0.10 avg60=0.00 avg300=0.00 total=7\n')).toEqual({
      some: { avg10: 1.5, avg60: 0.25, avg300: 0, total: 42 },
      full: { avg10: 0.1, avg60: 0, avg300: 0, total: 7 },
    });
    expect(parsePsi('garbage')).toBeUndefined();
  });
  it('reads the host files and leaves out what is missing', () => {
    const { proc } = tree('v2');
    const p = hostPressure(proc);
    expect(p.cpu?.some.avg10).toBe(12.5);
    expect(p.io?.full?.avg60).toBe(1);
    expect(p.memory).toBeUndefined();
  });
  it('reads this machine\'s /proc/pressure when the kernel has PSI', () => {
    const p = hostPressure();
    for (const r of Object.values(p)) expect(r!.some.avg10).toBeGreaterThanOrEqual(0);
  });
  it('per container on cgroup v2 and on a hybrid host; none on v1 only', () => {
    const v2 = tree('v2');
    expect(cgroupPressure(42, { procRoot: v2.proc, cgroupRoot: v2.cg }).io?.some.avg10).toBe(25);
    const hy = tree('hybrid');
    expect(cgroupPressure(42, { procRoot: hy.proc, cgroupRoot: hy.cg }).cpu?.some.avg60).toBe(30);
    const v1 = tree('v1');
    expect(cgroupPressure(42, { procRoot: v1.proc, cgroupRoot: v1.cg })).toEqual({});
  });
});

describe('CPU throttling and swap', () => {
  it('v2 cpu.stat and cpu.max', () => {
    const t = tree('v2');
    expect(cpuThrottle(42, { procRoot: t.proc, cgroupRoot: t.cg })).toEqual({ periods: 200, throttled: 150, throttledUs: 9_000_000, usageUs: 5_000_000, quotaCores: 0.1 });
    expect(swapBytes(42, { procRoot: t.proc, cgroupRoot: t.cg })).toBe(1048576);
  });
  it('v1 cpu controller: throttled_time in ns, quota from cfs', () => {
    const t = tree('v1');
    expect(cpuThrottle(42, { procRoot: t.proc, cgroupRoot: t.cg })).toEqual({ periods: 41, throttled: 36, throttledUs: 1_407_947, usageUs: 410_000, quotaCores: 0.1 });
    expect(swapBytes(42, { procRoot: t.proc, cgroupRoot: t.cg })).toBe(2000);
  });
  it('a missing process reads as undefined', () => {
    const t = tree('v2');
    expect(cpuThrottle(7, { procRoot: t.proc, cgroupRoot: t.cg })).toBeUndefined();
  });
  it('rates between two readings', () => {
    const r = throttleBetween({ periods: 100, throttled: 10, throttledUs: 1_000_000, usageUs: 0 }, { periods: 110, throttled: 19, throttledUs: 1_900_000, usageUs: 100_000 }, 1000);
    expect(r.throttledShare).toBeCloseTo(0.9);
    expect(r.throttledPerSecond).toBeCloseTo(0.9);
    expect(r.usedCores).toBeCloseTo(0.1);
    expect(r.periods).toBe(10);
  });
});
