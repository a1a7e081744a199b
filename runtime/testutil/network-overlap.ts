/**
 * What the two network-overlap tests share (runtime/apply-network-overlap.{docker,containerd}.test.ts):
 * the real engine with its network create wrapped, the web + redis stack's plan whose creates
 * depend on the network, and the first case's apply and checks (review 22's duplicates D1: each
 * test carried its own copy; session 23 folded the case's body too).
 */
import { expect } from 'vitest';
import type { ApplyEvent } from '../apply.js';
import type { Engine } from '../engine.js';
import type { ContainerSpec, NetworkSpec, PlanStep } from '../../plan/types.js';
import { S } from './plans.js';
import type { EngineWorld } from './engine-world.js';
import { freePort } from './ports.js';
import { redisPing, stackSpecs } from './stack.js';

/** How long the tests hold the network's create (or its step) back, so the order is deterministic. */
export const HOLD_MS = 1500;
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** The longest the first case holds the network's step waiting for both creates. */
const CREATES_WAIT_MS = 30_000;

/** The real engine, with its network create wrapped by `around` (given the real one). */
export function aroundNetworkCreate(engine: Engine, around: (spec: NetworkSpec, create: (spec: NetworkSpec) => Promise<void>) => Promise<void>): Engine {
  return new Proxy(engine, {
    get(target, prop, receiver) {
      if (prop === 'createNetwork') return (spec: NetworkSpec) => around(spec, (x) => target.createNetwork(x));
      const v = Reflect.get(target, prop, receiver) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

/** A network create held HOLD_MS and then refused (the rollback cases of both tests). */
export async function heldThenRefused(spec: NetworkSpec): Promise<void> {
  await sleep(HOLD_MS);
  throw new Error(`network ${spec.name}: refused by the test`);
}

/**
 * web and redis on a new network `net`: each create waits for the network and its image; web
 * starts after redis. `o.redis`: what redis's spec has more (its health check: the held-start
 * test's failing or slow dependency), `o.redisTimeoutMs`: its start step's readiness budget.
 */
export async function networkStackPlan(w: EngineWorld, net: string, tag: string, o: { redis?: Partial<Omit<ContainerSpec, 'name' | 'image' | 'configHash'>>; web?: Partial<Omit<ContainerSpec, 'name' | 'image' | 'configHash'>>; redisTimeoutMs?: number } = {}) {
  const { redis, web } = stackSpecs((x) => w.n(`${x}${tag}`), net, { web: await freePort(), redis: await freePort() }, { ...(o.redis ? { redis: o.redis } : {}), ...(o.web ? { web: o.web } : {}) });
  const steps: PlanStep[] = [
    S.network(net),
    S.image('claude-os-local/redis:latest'),
    S.image('claude-os-local/web:latest'),
    S.create(redis, { dependsOn: [`network/${net}`, 'image/claude-os-local/redis:latest'] }),
    S.create(web, { dependsOn: [`network/${net}`, 'image/claude-os-local/web:latest'] }),
    S.start(redis, o.redisTimeoutMs !== undefined ? { timeoutMs: o.redisTimeoutMs } : {}),
    S.start(web, { dependsOn: [`create/${web.name}`, `start/${redis.name}`] }),
  ];
  return { redis, web, steps };
}

/**
 * Applies the stack with the network's step held back until both creates are done (at most
 * CREATES_WAIT_MS: when the creates wait for the network, as before, they cannot finish first
 * and the checks fail) and checks what both engines promise: both creates are done before the
 * network's step, each start comes after it, web is on the network and reaches redis by its
 * alias. `createFirst`: the network is made before the hold (containerd: the creates attach to
 * it), else after it (Docker resolves the network at start). A fixed 1.5 s hold was shorter
 * than a containerd create at load 27 (session 23).
 */
export async function expectCreatesBesideNetwork(w: EngineWorld, o: { createFirst: boolean }): Promise<void> {
  const net = w.n('net');
  const { redis, web, steps } = await networkStackPlan(w, net, '1');
  const order: string[] = [];
  const createsDone = async () => {
    for (const end = Date.now() + CREATES_WAIT_MS; Date.now() < end; await sleep(20)) {
      if (order.includes(`done create/${redis.name}`) && order.includes(`done create/${web.name}`)) return;
    }
  };
  const r = await w.apply(await w.planText(steps), {
    engine: aroundNetworkCreate(w.engine, async (spec, create) => {
      if (o.createFirst) await create(spec);
      await createsDone();
      if (!o.createFirst) await create(spec);
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
  // the creates did not wait for the network's step (before: each began only once it was done)…
  expect(at(`done create/${redis.name}`)).toBeLessThan(networkDone);
  expect(at(`done create/${web.name}`)).toBeLessThan(networkDone);
  // …their starts did
  expect(at(`started start/${redis.name}`)).toBeGreaterThan(networkDone);
  expect(at(`started start/${web.name}`)).toBeGreaterThan(networkDone);
  // on the network, under their aliases: web reaches redis by its service name
  expect((await w.view(web.name))!.networks).toEqual([net]);
  expect((await w.exec(web.name, ['/bin/sh', '-c', 'echo PING | nc -w 2 redis 6379'], 30_000)).output).toContain('+PONG');
  expect(await redisPing(redis.ports[0]!.host!)).toBe('+PONG');
}
