/**
 * When an apply reads its snapshot (runtime/apply.ts `applyPlan`, session 24): the engine reads
 * of the snapshot start as soon as the lock is held, beside the pre-flight, so Docker answers
 * them while the observation and the state repo check are still on their way; but a plan a
 * person had to confirm (V9, interactive) is read again after the answer, as before. Real
 * applies against the host's Docker Engine; the engine is wrapped only to delay the observation
 * (so the order is the same at any load) and to note when the snapshot's reads are asked.
 * Names carry this run's suffix; the containers are removed by the world's close.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Engine } from './engine.js';
import { containerSpec, S } from './testutil/plans.js';
import { startEngineWorld, type EngineWorld } from './testutil/engine-world.js';

describe("the snapshot's reads start under the lock, beside the pre-flight", () => {
  let w: EngineWorld;
  beforeAll(async () => {
    w = await startEngineWorld('docker', 'snapearly', { images: ['claude-os-local/busybox:latest'] });
  }, 120_000);
  afterAll(async () => {
    await w?.close();
  }, 120_000);

  /** w.engine, with its observation answered 300 ms late and every call in `events`. */
  const watched = (events: string[]): Engine =>
    new Proxy(w.engine as unknown as Engine, {
      get(t, k) {
        const v = Reflect.get(t, k, t) as unknown;
        if (k === 'observe')
          return async () => {
            const o = await t.observe();
            await sleep(300);
            events.push('observed');
            return o;
          };
        if (k === 'listContainers')
          return (names: string[]) => {
            events.push('snapshot read');
            return t.listContainers(names);
          };
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(t) : v;
      },
    });

  it('asked of the engine before the observation is back', async () => {
    const spec = containerSpec({ name: w.n('one'), service: 'one', image: 'claude-os-local/busybox:latest', command: ['sleep', '3600'] });
    const events: string[] = [];
    const r = await w.apply(await w.planText([S.create(spec)]), { engine: watched(events) });
    expect(r.status).toBe('applied');
    // before session 24: ['observed', 'snapshot read'] (the snapshot was read after the pre-flight);
    // the last 'observed' is the finalize's (the applied-state record)
    expect(events).toEqual(['snapshot read', 'observed', 'observed']);
    expect(await w.exists(spec.name)).toBe(true);
  }, 120_000);

  it('read again after a person confirmed (V9): the system may have moved while the question waited', async () => {
    const spec = containerSpec({ name: w.n('two'), service: 'two', image: 'claude-os-local/busybox:latest', command: ['sleep', '3600'] });
    expect((await w.apply(await w.planText([S.create(spec)]))).status).toBe('applied');
    const events: string[] = [];
    // a destructive step signed by the host's key alone: a person is asked (V9)
    const r = await w.apply(await w.planText([S.remove(spec.name, { risk: 'destructive' })]), {
      engine: watched(events),
      interactiveConfirm: async () => {
        events.push('asked');
        return true;
      },
    });
    expect(r.status).toBe('applied');
    expect(events).toEqual(['snapshot read', 'observed', 'asked', 'snapshot read', 'observed']);
    expect(await w.exists(spec.name)).toBe(false);
  }, 120_000);
});
