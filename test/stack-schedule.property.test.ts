/**
 * Property: the stack's start order, end to end through the real planner and the real runtime
 * (compiler/planner.ts → signed plan → runtime/apply.ts), on the in-memory engine of
 * runtime/testutil/memory-engine.ts (the fake engine DESIGN.md allows in the planner's and
 * rollback's property tests). For random depends_on graphs and random readiness delays:
 *  - no container starts before every container of what its service depends_on is healthy;
 *  - each start goes out as soon as its own dependencies are healthy and its container is
 *    created: no other container becomes ready in between (a walk level by level would wait
 *    for a slow container of the same level that it does not depend on);
 *  - a container that never becomes healthy rolls the whole stack back: the engine holds
 *    exactly what it held before.
 */
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { plan } from '../compiler/planner.js';
import { model, service } from '../compiler/__fixtures__/models.js';
import type { ResolvedService } from '../compiler/model.js';
import type { ContainerSpec, HealthSpec } from '../plan/types.js';
import { applyPlan } from '../runtime/apply.js';
import type { ReadyResult } from '../runtime/engine.js';
import { MemoryEngine } from '../runtime/testutil/memory-engine.js';
import { setupTestHost, signPlan } from '../runtime/testutil/plans.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** The in-memory engine with a timeline of creates, starts and readiness, and a delay per container before it is ready. */
class TimedEngine extends MemoryEngine {
  timeline: string[] = [];
  constructor(
    images: string[],
    private readonly delayMs: (name: string) => number,
  ) {
    super({ images, networks: [] });
  }
  override async createContainer(spec: ContainerSpec, env: Record<string, string>): Promise<string> {
    const id = await super.createContainer(spec, env);
    this.timeline.push(`created ${spec.name}`);
    return id;
  }
  override async startContainer(nameOrId: string): Promise<void> {
    this.timeline.push(`start ${nameOrId}`);
    return super.startContainer(nameOrId);
  }
  override async waitReady(nameOrId: string, o: { probe: HealthSpec | null; timeoutMs: number }): Promise<ReadyResult> {
    await new Promise((r) => setTimeout(r, this.delayMs(nameOrId)));
    const r = await super.waitReady(nameOrId, o);
    this.timeline.push(`ready ${nameOrId}`);
    return r;
  }
}

const NAMES = ['sa', 'sb', 'sc', 'sd', 'se', 'sf'] as const;

const stackGene = fc
  .integer({ min: 2, max: NAMES.length })
  .chain((n) =>
    fc.record({
      // service i may depend on any of services 0..i-1 (a DAG)
      deps: fc.tuple(...NAMES.slice(0, n).map((_, i) => fc.subarray(NAMES.slice(0, i) as unknown as string[]))),
      replicas: fc.tuple(...NAMES.slice(0, n).map(() => fc.integer({ min: 1, max: 2 }))),
      delays: fc.tuple(...NAMES.slice(0, n).map(() => fc.integer({ min: 0, max: 25 }))),
      ownNet: fc.boolean(),
      // -1: every container becomes healthy; else the service whose containers never do
      unhealthy: fc.integer({ min: -1, max: n - 1 }),
    }),
  );
type StackGene = typeof stackGene extends fc.Arbitrary<infer T> ? T : never;

async function run(g: StackGene) {
  const services: ResolvedService[] = g.deps.map((deps, i) =>
    service(NAMES[i]!, {
      replicas: g.replicas[i]!,
      dependsOn: deps,
      networks: g.ownNet ? ['stack'] : [],
      environment: i === g.unhealthy ? { UNHEALTHY: '1' } : {},
    }),
  );
  const m = model({ services, networks: g.ownNet ? [{ name: 'stack', driver: 'bridge', internal: false }] : [] });
  const dataDir = mkdtempSync(join(tmpdir(), 'claude-sched-'));
  dirs.push(dataDir);
  const host = setupTestHost(dataDir, 'host-mem');
  const delayOf = new Map<string, number>();
  const engine = new TimedEngine(
    services.map((s) => s.resolvedImage),
    (name) => delayOf.get(name) ?? 0,
  );
  const before = engine.dump();
  const payload = plan(m, await engine.observe(), { request: 'schedule property', now: new Date(), nonce: 'cd'.repeat(16), hostId: host.hostId, provenance: { engine: 'user' }, compilerVersion: '0.0.0-test' });
  const serviceOf = new Map<string, string>();
  for (const s of payload.steps) if (s.op === 'container.create') serviceOf.set(s.params.name, s.params.service);
  for (const [name, svc] of serviceOf) delayOf.set(name, g.delays[NAMES.indexOf(svc as (typeof NAMES)[number])]!);
  const r = await applyPlan(signPlan(payload, host.key.privateKey), { engine, dataDir, trustedKeys: host.trusted(), hostId: host.hostId, now: () => new Date(), yes: true });
  rmSync(dataDir, { recursive: true, force: true });
  return { r, engine, before, serviceOf, depsOf: new Map(services.map((s) => [s.name, s.dependsOn])) };
}

describe('the stack starts each container as soon as its own dependencies are healthy', { timeout: 300_000 }, () => {
  it('for random depends_on graphs, readiness delays and unhealthy services (fast-check)', async () => {
    let failures = 0;
    let eager = 0;
    await fc.assert(
      fc.asyncProperty(stackGene, async (g) => {
        const { r, engine, before, serviceOf, depsOf } = await run(g);
        const t = engine.timeline;
        const at = (e: string) => t.indexOf(e);
        const containersOf = (svc: string) => [...serviceOf].filter(([, s]) => s === svc).map(([n]) => n);
        for (const [name, svc] of serviceOf) {
          const start = at(`start ${name}`);
          if (start < 0) continue;
          const deps = (depsOf.get(svc) ?? []).flatMap(containersOf);
          // safety: every dependency is healthy before the start, and the container exists
          for (const d of deps) expect(at(`ready ${d}`), `${name} started before ${d} was healthy: ${t.join(', ')}`).toBeGreaterThanOrEqual(0);
          for (const d of deps) expect(at(`ready ${d}`), `${name} started before ${d} was healthy: ${t.join(', ')}`).toBeLessThan(start);
          expect(at(`created ${name}`)).toBeLessThan(start);
          // eagerness: nothing else became ready between the last thing it waited for and its start
          const trigger = Math.max(at(`created ${name}`), ...deps.map((d) => at(`ready ${d}`)));
          const between = t.slice(trigger + 1, start).filter((e) => e.startsWith('ready '));
          expect(between, `${name} waited for ${between.join(', ')}, which it does not depend on: ${t.join(', ')}`).toEqual([]);
          if (deps.length) eager++;
        }
        if (g.unhealthy < 0) {
          expect(r.status).toBe('applied');
          for (const name of serviceOf.keys()) expect(t).toContain(`ready ${name}`);
        } else {
          failures++;
          expect(r.status, JSON.stringify(r.rollback?.problems)).toBe('rolled-back');
          expect(engine.dump()).toBe(before);
          // a dependent of the failed service never started
          const bad = NAMES[g.unhealthy]!;
          for (const [name, svc] of serviceOf) if ((depsOf.get(svc) ?? []).includes(bad)) expect(t).not.toContain(`start ${name}`);
        }
      }),
      { numRuns: 50, seed: 20261205 },
    );
    // the runs exercised both outcomes and gated starts
    expect(failures).toBeGreaterThan(5);
    expect(eager).toBeGreaterThan(20);
  });

  it('a dependent is created while its dependency is still becoming healthy, and started only after', async () => {
    // sb depends on sa, which takes 40 ms to become healthy
    const { r, engine } = await run({ deps: [[], ['sa']], replicas: [1, 1], delays: [40, 0], ownNet: true, unhealthy: -1 });
    expect(r.status).toBe('applied');
    const t = engine.timeline;
    const [a, b] = ['sa', 'sb'].map((s) => t.find((e) => e.startsWith('created ') && e.includes(s))!.slice('created '.length));
    expect(t.indexOf(`created ${b}`)).toBeLessThan(t.indexOf(`ready ${a}`));
    expect(t.indexOf(`start ${b}`)).toBeGreaterThan(t.indexOf(`ready ${a}`));
  });
});
