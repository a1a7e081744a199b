/**
 * The start window under CPU contention (issue 21, brief of session 19): a container with no
 * health command and no published port is "started" once it has stayed up through its start
 * window (runtime/health.ts START_WINDOW_MS, 500 ms). That window was timed on the wall clock
 * and checked after the round's inspect returned, so on a busy host a container that crashes
 * after 0.2 s of its own running was accepted as "running": the host took the 500 ms before
 * the container had run that long, or before dockerd answered the inspect. It is now counted
 * on the budget clock (uncontended ms: the host's CPU stall and the container's own throttling
 * do not count) and read before the look is sent.
 *
 * The contention: a busy loop on every core of the host (node processes each case starts and
 * kills in a finally around its apply), and the container held to 2 % of one CPU (`resources.nanoCpus`), so after its
 * `sleep 0.2` a ~50 ms busy shell loop lasts seconds on the wall clock, deterministically:
 * before the change the crashing one was accepted at 500 ms wall and applied (the test's first
 * case failed), now it is rolled back; the healthy one (the same, then `sleep`) is still applied.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpus } from 'node:os';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ContainerSpec } from '../plan/types.js';
import { containerSpec, S } from './testutil/plans.js';
import { startEngineWorld, type EngineWorld } from './testutil/engine-world.js';

/** ~50 ms of CPU in busybox sh with a whole CPU; seconds at 2 % of one. */
const BUSY = 'i=0; while [ $i -lt 10000 ]; do i=$((i+1)); done';

function slowSpec(name: string, tail: string): ContainerSpec {
  return containerSpec({ name, service: name, image: 'claude-os-local/busybox:latest', command: ['sh', '-c', `sleep 0.2; ${BUSY}; ${tail}`], resources: { nanoCpus: 20_000_000 } });
}

describe('the start window under CPU contention (docker)', () => {
  let w: EngineWorld;
  const busy: ChildProcess[] = [];
  /** Each case leaves nothing behind, also when it fails (a container left applied would make the next case's plan stale). */
  const removeIfThere = async (name: string) => {
    const id = await w.idOf(name);
    if (id) await w.engine.removeContainer(id).catch(() => undefined);
  };
  beforeAll(async () => {
    w = await startEngineWorld('docker', 'startwin', { images: ['claude-os-local/busybox:latest'] });
  }, 180_000);
  /** `fn` with a busy loop holding every core; the loops are killed in its finally, whatever it does (not only in afterAll). */
  const whileBusy = async <T>(fn: () => Promise<T>): Promise<T> => {
    for (let i = 0; i < Math.max(2, cpus().length); i++) busy.push(spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
    try {
      return await fn();
    } finally {
      for (const p of busy.splice(0)) p.kill('SIGKILL');
    }
  };
  const made: string[] = [];
  afterEach(async () => {
    for (const name of made.splice(0)) await removeIfThere(name);
  }, 60_000);
  afterAll(async () => {
    for (const p of busy) p.kill('SIGKILL');
    await w?.close();
  }, 120_000);

  it('a container that crashes after 0.2 s and a throttled busy loop is rolled back, not accepted after 500 ms of wall time', async () => {
    const spec = slowSpec(w.n('crash'), 'exit 1');
    made.push(spec.name);
    const t0 = Date.now();
    const r = await whileBusy(async () => w.apply(await w.planText([S.create(spec), S.start(spec, { timeoutMs: 20_000 })])));
    const wall = Date.now() - t0;
    expect(r.status, `${wall} ms; ${JSON.stringify(r.steps.map((s) => s.message))}`).toBe('rolled-back');
    expect(r.error?.name).toBe('ContainerExitedError');
    expect(r.error?.message).toMatch(/exited \(exit code 1\) before it became ready/);
    expect(await w.idOf(spec.name)).toBeNull();
  }, 120_000);

  it('a container that crashes 0.2 s after its start while the host is busy is rolled back', async () => {
    const spec = containerSpec({ name: w.n('quick'), service: w.n('quick'), image: 'claude-os-local/busybox:latest', command: ['sh', '-c', 'sleep 0.2; exit 1'] });
    made.push(spec.name);
    const r = await whileBusy(async () => w.apply(await w.planText([S.create(spec), S.start(spec, { timeoutMs: 20_000 })])));
    expect(r.status).toBe('rolled-back');
    expect(r.error?.message).toMatch(/exited \(exit code 1\) before it became ready/);
    expect(await w.idOf(spec.name)).toBeNull();
  }, 120_000);

  it('the same container that then stays up is applied (running), not rolled back', async () => {
    const spec = slowSpec(w.n('ok'), 'exec sleep 3600');
    made.push(spec.name);
    const r = await whileBusy(async () => w.apply(await w.planText([S.create(spec), S.start(spec, { timeoutMs: 20_000 })])));
    expect(r.error, JSON.stringify(r.error)).toBeUndefined();
    expect(r.status).toBe('applied');
    expect(r.steps.find((s) => s.op === 'container.start')!.message).toMatch(/\(running\)$/);
    expect((await w.engine.inspectContainer(spec.name))?.running).toBe(true);
  }, 120_000);
});
