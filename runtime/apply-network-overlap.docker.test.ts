/**
 * On Docker a new container's create goes beside the create of its network (issue 21, the
 * stack's critical path): Docker's create keeps the network's name and resolves it at start,
 * so the runtime does not wait for the network before the create (`Engine.createsBeforeNetwork`,
 * `earlyDependencies` in runtime/apply.ts), only before the start.
 *
 * The real DockerEngine, with its network create held back until both creates are done (at
 * most 30 s; the bridge and its iptables rules take ≈ 0.3 s idle and seconds under load), so
 * the order is deterministic: both creates are done before the network is, each start comes
 * after it, and the containers are on the network with their aliases (web reaches redis by
 * name; runtime/testutil/network-overlap.ts). When the network's create fails (held 1.5 s),
 * the containers created beside it are rolled back with everything else.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readJournal } from './journal.js';
import { setFaultInjector } from '../common/failpoints.js';
import { startEngineWorld, type EngineWorld } from './testutil/engine-world.js';
import { aroundNetworkCreate, expectCreatesBesideNetwork, heldThenRefused, networkStackPlan } from './testutil/network-overlap.js';

describe('apply on docker: a container is created beside its network', () => {
  let w: EngineWorld;
  beforeAll(async () => {
    w = await startEngineWorld('docker', 'netoverlap', { images: ['claude-os-local/web:latest', 'claude-os-local/redis:latest'] });
  }, 180_000);
  afterAll(async () => {
    await w?.close();
  }, 120_000);

  const stackPlan = (net: string, tag: string) => networkStackPlan(w, net, tag);

  it('both creates finish before the network does; the starts wait for it; the aliases resolve', async () => {
    await expectCreatesBesideNetwork(w, { createFirst: false });
  }, 120_000);

  it('the steps started together are journaled at once, before the first one asks the engine', async () => {
    // The network and both image checks start together. Their begin records are one write and
    // one fsync, all durable when the network's create is sent; one by one (the synchronous
    // fsync of each), the network's request waited for the image checks' records.
    const net = w.n('net3');
    const { steps } = await stackPlan(net, '3');
    let journaledAtCreate: { planId: string; step: string }[] = [];
    const r = await w.apply(await w.planText(steps), {
      engine: aroundNetworkCreate(w.engine, (spec, create) => {
        journaledAtCreate = readJournal(w.dataDir).flatMap((x) => (x.t === 'step.begin' ? [x] : []));
        return create(spec);
      }),
    });
    expect(r.status).toBe('applied');
    const begun = journaledAtCreate.filter((x) => x.planId === r.planId).map((x) => x.step);
    expect(begun.sort()).toEqual([`image/claude-os-local/redis:latest`, `image/claude-os-local/web:latest`, `network/${net}`]);
  }, 120_000);

  it("a step's end and its events add no fsync between one step and the next one's engine request", async () => {
    // Each step's end record and its `reconcile.step` events (started, done) were an fsync
    // each, synchronously on the critical path (a step's end → the next step's begin → its
    // engine request). Now the end record is made durable by the next record's fsync (the next
    // begins, finalize.begin) and the step events by the apply's own events' fsync; every record
    // is still in the files afterwards.
    const net = w.n('net4');
    const { steps } = await stackPlan(net, '4');
    const text = await w.planText(steps);
    const fsyncs: string[] = [];
    setFaultInjector({
      at(site, info) {
        if (site === 'fs.fsync' && info?.path) fsyncs.push(info.path.split('/').pop()!);
        return null;
      },
    });
    let r;
    try {
      r = await w.apply(text);
    } finally {
      setFaultInjector(null);
    }
    expect(r.status).toBe('applied');
    const mine = readJournal(w.dataDir).filter((x) => x.planId === r.planId);
    // every step's end is in the journal…
    expect(mine.filter((x) => x.t === 'step.end').map((x) => (x as { step: string }).step).sort()).toEqual(steps.map((x) => x.id).sort());
    // …and the journal was fsynced once per batch of begins (one stamp each), finalize.begin, committed: no step.end's own,
    // and since 7c46751 (session 22) no apply.started's own either (the first batch's fsync makes it durable)
    // Counted by the begins' stamps, two batches begun in the same millisecond are one (with the
    // images already there, both creates can begin in one ms): so at least one fsync per distinct
    // stamp and at most one per begin, plus finalize.begin and committed. A step.end's own fsync
    // would add one per step (7 here), above the bound.
    const begins = mine.filter((x) => x.t === 'step.begin');
    const batches = new Set(begins.map((x) => x.ts)).size;
    expect(batches).toBeGreaterThanOrEqual(3);
    const journalFsyncs = fsyncs.filter((f) => f === 'apply.jsonl').length;
    expect(journalFsyncs).toBeGreaterThanOrEqual(batches + 2);
    expect(journalFsyncs).toBeLessThanOrEqual(begins.length + 2);
    // the events: fsynced for the apply's completion only (reconcile.started has no fsync of its own since 7c46751), with every step's started and done in the file
    expect(fsyncs.filter((f) => f === 'events.jsonl')).toHaveLength(1);
    const events = readFileSync(join(w.dataDir, 'events.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { type: string; planId?: string; status?: string })
      .filter((e) => e.planId === r.planId);
    expect(events.filter((e) => e.type === 'reconcile.step' && e.status === 'done')).toHaveLength(steps.length);
    expect(events.filter((e) => e.type === 'reconcile.step' && e.status === 'started')).toHaveLength(steps.length);
  }, 120_000);

  it('a network create that fails rolls back the containers created beside it', async () => {
    const net = w.n('net2');
    const { redis, web, steps } = await stackPlan(net, '2');
    const r = await w.apply(await w.planText(steps), { engine: aroundNetworkCreate(w.engine, heldThenRefused) });
    expect(r.status).toBe('rolled-back');
    expect(r.error?.message).toMatch(/refused by the test/);
    // both containers were created (beside the held network) before it failed…
    expect(r.steps.filter((s) => s.op === 'container.create').map((s) => s.status)).toEqual(['done', 'done']);
    // …and the rollback removed them
    expect(await w.exists(redis.name)).toBe(false);
    expect(await w.exists(web.name)).toBe(false);
  }, 120_000);
});
