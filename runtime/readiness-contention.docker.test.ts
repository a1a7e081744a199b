/**
 * Readiness under CPU contention (issue 21): a health probe that times out on the wall
 * clock because its container cannot get a CPU must not roll a healthy service back.
 *
 * The contention is made deterministic with the container's own CPU quota (2 % of one CPU,
 * `resources.nanoCpus`): its health command (a busy shell loop, ~25 ms of CPU alone) then
 * takes half a second or more on the wall clock, beyond its 200 ms probe timeout. The same
 * container and the same probe are checked both ways: timed on the wall clock (as readiness
 * probes were before) the probe times out, so the contention is real; waited for by
 * `waitReady`, which counts only uncontended time (runtime/cpu-budget.ts: the throttled time
 * in the container's cgroup does not count) and gives a slow probe a little longer, it is healthy; and a whole `applyPlan` of such a service is applied, not rolled
 * back. Host-wide contention (stress-ng on every core) is the on-demand bench
 * `npm run bench -- load` (bench/load.bench.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContainerSpec, HealthSpec } from '../plan/types.js';
import { CpuBudgetClock } from './cpu-budget.js';
import { containerSpec, S } from './testutil/plans.js';
import { ENGINES, startEngineWorld, type EngineWorld } from './testutil/engine-world.js';

/** ~25 ms of CPU in busybox sh when the container has a whole CPU; ~0.5 s or more at 2 % of one. */
const BUSY = 'i=0; while [ $i -lt 5000 ]; do i=$((i+1)); done';
/** Docker's own healthcheck interval is long, so only the runtime's probes decide readiness here. */
const probe: HealthSpec = { test: ['CMD-SHELL', BUSY], intervalMs: 600_000, timeoutMs: 200, retries: 3, startPeriodMs: 0 };

function throttledSpec(name: string): ContainerSpec {
  return containerSpec({ name, service: name, image: 'claude-os-local/web:latest', resources: { nanoCpus: 20_000_000 }, healthcheck: probe });
}

// On both backends (testutil/engine-world.ts): containerd's readiness wait counts uncontended
// time the same way, with the task's throttling read from its cgroup through its pid.
describe.each(ENGINES)('readiness under CPU contention on %s', (kind) => {
  let w: EngineWorld;
  beforeAll(async () => {
    w = await startEngineWorld(kind, 'contention', { images: ['claude-os-local/web:latest'] });
  }, 180_000);
  afterAll(async () => {
    await w?.close();
  }, 120_000);

  it('a probe that times out on the wall clock still finds the throttled container healthy', async () => {
    const spec = throttledSpec(w.n('a'));
    const id = await w.engine.createContainer(spec, {});
    await w.engine.startContainer(id);
    const before = await w.throttledMs(spec.name);
    expect(before, 'the container cgroup cpu.stat is readable on this host').not.toBeNull();

    // Timed on the wall clock with its 200 ms timeout, as readiness probes were before,
    // the probe times out: the contention is real.
    const wallTimed = await w.exec(spec.name, ['/bin/sh', '-c', BUSY], probe.timeoutMs);
    expect(wallTimed.code).toBeNull();
    expect(wallTimed.output).toMatch(/timed out after 200 ms/);

    // waitReady counts only uncontended time, and waits a little longer for a slow probe:
    // the container is healthy.
    const t0 = Date.now();
    const ok = await w.engine.waitReady(spec.name, { probe, timeoutMs: 3000, ports: [] });
    expect(ok.state).toBe('healthy');
    expect(Date.now() - t0).toBeGreaterThan(probe.timeoutMs);
    expect((await w.throttledMs(spec.name))!).toBeGreaterThan(before!);
  }, 120_000);

  it('applying a throttled service whose probes time out on the wall clock is applied, not rolled back', async () => {
    const spec = throttledSpec(w.n('b'));
    const result = await w.apply(await w.planText([S.create(spec), S.start(spec, { timeoutMs: 3000 })]));
    expect(result.error).toBeUndefined();
    expect(result.status).toBe('applied');
    expect(result.rollback).toBeUndefined();
    const start = result.steps.find((s) => s.id === `start/${spec.name}`)!;
    expect(start.status).toBe('done');
    expect(start.message).toMatch(/\(healthy\)$/);
    expect((await w.engine.inspectContainer(spec.name))?.running).toBe(true);
  }, 120_000);
});

describe('CpuBudgetClock', () => {
  it('does not count stalled or throttled time, and stretches at most maxStretch times', () => {
    let wall = 1000;
    let stall = 0;
    let thr = 0;
    const c = new CpuBudgetClock({ wall: () => wall, hostStall: () => stall, throttled: () => thr, maxStretch: 10 });
    wall += 100;
    expect(c.elapsed()).toBe(100);
    wall += 100;
    stall += 60; // 60 of these 100 ms the host's runnable tasks waited for a CPU
    expect(c.elapsed()).toBe(140);
    wall += 100;
    thr += 90; // the container throttled by its quota; the larger of the two counts
    stall += 10;
    expect(c.elapsed()).toBe(210); // 300 − max(70, 90)
    wall += 10_000;
    stall += 10_000; // fully saturated: the budget still moves at wall/10
    expect(c.elapsed()).toBeCloseTo(10_300 / 10, 5);
    expect(c.wallElapsed()).toBe(10_300);
  });

  it('never runs backwards and never faster than the wall clock', () => {
    let wall = 0;
    let stall = 0;
    const c = new CpuBudgetClock({ wall: () => wall, hostStall: () => stall });
    let prev = 0;
    for (let i = 0; i < 200; i++) {
      wall += (i * 37) % 11;
      stall += (i * 53) % 7; // may exceed the wall time passed (summed over CPUs)
      const e = c.elapsed();
      expect(e).toBeGreaterThanOrEqual(prev);
      expect(e).toBeLessThanOrEqual(c.wallElapsed());
      prev = e;
    }
  });
});
