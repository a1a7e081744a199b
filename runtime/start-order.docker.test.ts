/**
 * The order of the start calls on the real Docker (runtime/start-order.ts, issue 21 round 35):
 * web and redis are both gates of a third container (a second redis that waits for both). With
 * this host's record saying web's image starts up slowly and redis's quickly, web's start call
 * goes first and redis's is sent only once web's has returned; with the record the other way
 * round, the other way round. After each apply the record holds what this apply saw (each
 * image's start-up, a number of ms), and the stack is applied and serving.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from './engine.js';
import type { PlanStep } from '../plan/types.js';
import { STARTUP_RECORD } from './start-order.js';
import { startEngineWorld, type EngineWorld } from './testutil/engine-world.js';
import { S } from './testutil/plans.js';
import { freePort } from './testutil/ports.js';
import { redisPing, stackSpecs } from './testutil/stack.js';

/** `engine` with each `startContainer` call's begin and return seen, in order. */
function watchedStarts(engine: Engine, seen: string[]): Engine {
  return new Proxy(engine, {
    get(target, prop, receiver) {
      if (prop === 'startContainer')
        return async (name: string) => {
          seen.push(`begin ${name}`);
          await target.startContainer(name);
          seen.push(`end ${name}`);
        };
      const v = Reflect.get(target, prop, receiver) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

describe('apply on docker: the slowest gate by this host\'s record starts first', () => {
  let w: EngineWorld;
  beforeAll(async () => {
    w = await startEngineWorld('docker', 'startorder', { images: ['claude-os-local/web:latest', 'claude-os-local/redis:latest'] });
  }, 180_000);
  afterAll(async () => {
    await w?.close();
  }, 120_000);

  async function plan(tag: string) {
    const net = w.n(`net${tag}`);
    const { redis, web } = stackSpecs((x) => w.n(`${x}${tag}`), net, { web: await freePort(), redis: await freePort() });
    const { redis: last } = stackSpecs((x) => w.n(`${x}${tag}b`), net, { redis: await freePort() });
    const steps: PlanStep[] = [
      S.network(net),
      S.image('claude-os-local/redis:latest'),
      S.image('claude-os-local/web:latest'),
      ...[redis, web, last].map((c) => S.create(c, { dependsOn: [`network/${net}`, `image/${c.image}`] })),
      S.start(redis),
      S.start(web),
      S.start(last, { dependsOn: [`create/${last.name}`, `start/${redis.name}`, `start/${web.name}`] }),
    ];
    return { redis, web, last, steps };
  }

  const record = () => (JSON.parse(readFileSync(join(w.dataDir, STARTUP_RECORD), 'utf8')) as { images: Record<string, number> }).images;

  for (const slow of ['web', 'redis'] as const) {
    it(`recorded slowest: ${slow}; its start call returns before the other gate's begins`, async () => {
      const { redis, web, last, steps } = await plan(slow);
      const [first, second] = slow === 'web' ? [web, redis] : [redis, web];
      writeFileSync(join(w.dataDir, STARTUP_RECORD), JSON.stringify({ images: { [first.image]: 900, [second.image]: 10 } }));
      const seen: string[] = [];
      const r = await w.apply(await w.planText(steps), { engine: watchedStarts(w.engine, seen) });
      expect(r.status).toBe('applied');
      expect(seen.indexOf(`end ${first.name}`)).toBeGreaterThanOrEqual(0);
      expect(seen.indexOf(`begin ${second.name}`)).toBeGreaterThan(seen.indexOf(`end ${first.name}`));
      expect(seen.indexOf(`begin ${last.name}`)).toBeGreaterThan(seen.indexOf(`end ${second.name}`));
      // what this apply saw replaced what the test wrote
      const images = record();
      expect(typeof images['claude-os-local/web:latest']).toBe('number');
      expect(typeof images['claude-os-local/redis:latest']).toBe('number');
      expect(images[first.image]).not.toBe(900);
      expect(await redisPing(redis.ports[0]!.host!)).toBe('+PONG');
      expect(await redisPing(last.ports[0]!.host!)).toBe('+PONG');
    }, 180_000);
  }
});
