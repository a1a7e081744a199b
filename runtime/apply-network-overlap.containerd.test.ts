/**
 * On containerd a new container's create goes beside the create of its network too (issue 21,
 * the stack's critical path; `Engine.createsBeforeNetwork`, `earlyDependencies` in
 * runtime/apply.ts): the driver makes the image's snapshot, the container and its task while
 * the bridge is made, and only the CNI attach waits for the network's create in the same engine
 * (drivers/containerd/engine.ts `networkMade`). The network's create was on the path before
 * every create (≈ 20 ms quiet, 0.5–1.9 s under load).
 *
 * A private containerd (testutil/engine-world.ts). The network's step is held 1.5 s after the
 * network is made, so the order is deterministic: both creates (their attach included) are done
 * before the network's step is, each start comes after it, and web reaches redis by its alias.
 * A network create that fails (held, never made) rolls back the creates begun beside it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApplyEvent } from './apply.js';
import { startEngineWorld, type EngineWorld } from './testutil/engine-world.js';
import { aroundNetworkCreate, networkStackPlan } from './testutil/network-overlap.js';

const HOLD_MS = 1500;


const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('apply on containerd: a container is created beside its network', () => {
  let w: EngineWorld;
  beforeAll(async () => {
    w = await startEngineWorld('containerd', 'netoverlap', { images: ['claude-os-local/web:latest', 'claude-os-local/redis:latest'] });
  }, 300_000);
  afterAll(async () => {
    await w?.close();
  }, 120_000);

  const stackPlan = (net: string, tag: string) => networkStackPlan(w, net, tag);

  it("both creates, their attach included, finish before the network's step does; the starts wait for it; the aliases resolve", async () => {
    const net = w.n('net');
    const { redis, web, steps } = await stackPlan(net, '1');
    const order: string[] = [];
    const r = await w.apply(await w.planText(steps), {
      // made at once, its step then held: the creates attach to it meanwhile
      engine: aroundNetworkCreate(w.engine, async (spec, create) => {
        await create(spec);
        await sleep(HOLD_MS);
      }),
      onEvent: (e: ApplyEvent) => {
        if (e.type === 'reconcile.step') order.push(`${e.status} ${e.step}`);
      },
    });
    expect(r.error).toBeUndefined();
    expect(r.status).toBe('applied');
    const at = (x: string) => {
      expect(order).toContain(x);
      return order.indexOf(x);
    };
    const networkDone = at(`done network/${net}`);
    // before: each create began only once the network's step was done
    expect(at(`done create/${redis.name}`)).toBeLessThan(networkDone);
    expect(at(`done create/${web.name}`)).toBeLessThan(networkDone);
    expect(at(`started start/${redis.name}`)).toBeGreaterThan(networkDone);
    expect(at(`started start/${web.name}`)).toBeGreaterThan(networkDone);
    expect((await w.view(web.name))!.networks).toEqual([net]);
    expect((await w.exec(web.name, ['/bin/sh', '-c', 'echo PING | nc -w 2 redis 6379'], 30_000)).output).toContain('+PONG');
  }, 180_000);

  it('a network create that fails rolls back the containers whose create began beside it', async () => {
    const net = w.n('net2');
    const { redis, web, steps } = await stackPlan(net, '2');
    const order: string[] = [];
    const r = await w.apply(await w.planText(steps), {
      engine: aroundNetworkCreate(w.engine, async (spec) => {
        await sleep(HOLD_MS);
        throw new Error(`network ${spec.name}: refused by the test`);
      }),
      onEvent: (e: ApplyEvent) => {
        if (e.type === 'reconcile.step') order.push(`${e.status} ${e.step}`);
      },
    });
    expect(r.status).toBe('rolled-back');
    expect(r.error?.message).toMatch(/refused by the test/);
    // the creates did begin beside the network's create (else there is nothing to roll back and
    // the absence below proves nothing; review 22 MED-7)
    const failed = order.indexOf(`failed network/${net}`);
    expect(failed).toBeGreaterThan(-1);
    expect(order.indexOf(`started create/${redis.name}`)).toBeGreaterThan(-1);
    expect(order.indexOf(`started create/${redis.name}`)).toBeLessThan(failed);
    expect(order.indexOf(`started create/${web.name}`)).toBeLessThan(failed);
    expect(order.indexOf(`started create/${web.name}`)).toBeGreaterThan(-1);
    expect(await w.exists(redis.name)).toBe(false);
    expect(await w.exists(web.name)).toBe(false);
  }, 180_000);
});
