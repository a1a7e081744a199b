/**
 * On containerd a new container's create goes beside the create of its network too (issue 21,
 * the stack's critical path; `Engine.createsBeforeNetwork`, `earlyDependencies` in
 * runtime/apply.ts): the driver makes the image's snapshot, the container and its task while
 * the bridge is made, and only the CNI attach waits for the network's create in the same engine
 * (drivers/containerd/engine.ts `networkMade`). The network's create was on the path before
 * every create (≈ 20 ms quiet, 0.5–1.9 s under load).
 *
 * A private containerd (testutil/engine-world.ts). The network's step is held, after the
 * network is made, until both creates are done (at most 30 s; a fixed 1.5 s was shorter than a
 * create at load 27), so the order is deterministic: both creates (their attach included) are
 * done before the network's step is, each start comes after it, and web reaches redis by its
 * alias. A network create that fails (held 1.5 s, never made) rolls back the creates begun beside it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApplyEvent } from './apply.js';
import { startEngineWorld, type EngineWorld } from './testutil/engine-world.js';
import { aroundNetworkCreate, expectCreatesBesideNetwork, heldThenRefused, networkStackPlan } from './testutil/network-overlap.js';

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
    // made at once, its step then held: the creates attach to it meanwhile
    await expectCreatesBesideNetwork(w, { createFirst: true });
  }, 180_000);

  it('a network create that fails rolls back the containers whose create began beside it', async () => {
    const net = w.n('net2');
    const { redis, web, steps } = await stackPlan(net, '2');
    const order: string[] = [];
    const r = await w.apply(await w.planText(steps), {
      engine: aroundNetworkCreate(w.engine, heldThenRefused),
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
