/**
 * What the two network-overlap tests share (runtime/apply-network-overlap.{docker,containerd}.test.ts):
 * the real engine with its network create wrapped, and the web + redis stack's plan whose creates
 * depend on the network (review 22's duplicates D1: each test carried its own copy).
 */
import type { Engine } from '../engine.js';
import type { NetworkSpec, PlanStep } from '../../plan/types.js';
import { S } from './plans.js';
import type { EngineWorld } from './engine-world.js';
import { freePort } from './ports.js';
import { stackSpecs } from './stack.js';

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

/** web and redis on a new network `net`: each create waits for the network and its image; web starts after redis. */
export async function networkStackPlan(w: EngineWorld, net: string, tag: string) {
  const { redis, web } = stackSpecs((x) => w.n(`${x}${tag}`), net, { web: await freePort(), redis: await freePort() });
  const steps: PlanStep[] = [
    S.network(net),
    S.image('claude-os-local/redis:latest'),
    S.image('claude-os-local/web:latest'),
    S.create(redis, { dependsOn: [`network/${net}`, 'image/claude-os-local/redis:latest'] }),
    S.create(web, { dependsOn: [`network/${net}`, 'image/claude-os-local/web:latest'] }),
    S.start(redis),
    S.start(web, { dependsOn: [`create/${web.name}`, `start/${redis.name}`] }),
  ];
  return { redis, web, steps };
}
