/**
 * The failpoint property test (issue 13): applies run through the fault-injection layer
 * (common/failpoints.ts) with a short write, a full disk (ENOSPC), an I/O error (EIO) or a
 * crash at the n-th hit of the durable-write failpoints (`fs.write`, `fs.fsync`,
 * `fs.rename`) or of the driver-call failpoints (`driver.<method>`). After each run, and
 * again after `recover`, the system must be exactly "before" or exactly "after" the plan,
 * and recover must succeed. On the in-memory engine (testutil/memory-engine.ts): DESIGN.md
 * allows a fake engine in the property tests of the planner and of rollback, and this is
 * one (what it checks is the journal, the snapshot and the rollback, with the real files).
 */
import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CountingInjector, setFaultInjector, SimulatedCrash, type FaultKind } from '../common/failpoints.js';
import { resourceFingerprints } from '../plan/fingerprint.js';
import type { ContainerSpec, PlanStep } from '../plan/types.js';
import { applyPlan, recover, type ApplyResult } from './apply.js';
import { LOCK_FILE } from './lock.js';
import { MemoryEngine, type MemState } from './testutil/memory-engine.js';
import { containerSpec, makePlan, S, setupTestHost, signPlan } from './testutil/plans.js';

const IMG = 'img:1';
const dirs: string[] = [];
afterEach(() => {
  setFaultInjector(null);
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function spec(name: string, port: number, env: Record<string, string> = {}, net = 'net0'): ContainerSpec {
  return containerSpec({ name, image: IMG, ports: [{ host: port, container: port, protocol: 'tcp' }], networks: [{ name: net, aliases: [name] }], env });
}

function initial(n: number): MemState {
  return {
    containers: Array.from({ length: n }, (_, i) => {
      const s = spec(`e${i}`, 9000 + i);
      return { id: `c${i}`, name: s.name, running: true, image: IMG, labels: { 'claude.os/managed': 'true', 'claude.os/service': s.service, 'claude.os/config-hash': s.configHash }, ports: [9000 + i], networks: ['net0'], env: {}, unhealthy: false };
    }),
    networks: [{ id: 'n0', name: 'net0', driver: 'bridge', internal: false, labels: { 'claude.os/managed': 'true' } }],
    volumeDirs: {},
    trash: {},
    records: {},
    hostFiles: { '/etc/hostname': { path: '/etc/hostname', content: Buffer.from('old\n').toString('base64'), mode: '0644' } },
    firewall: 'table inet claude { }',
    images: [IMG],
  };
}

interface Shape {
  existing: number;
  replace: boolean[];
  newOnes: number;
  newNet: boolean;
  volume: boolean;
  host: boolean;
  firewall: boolean;
}

function stepsOf(p: Shape): PlanStep[] {
  const steps: PlanStep[] = [S.image(IMG)];
  if (p.newNet) steps.push(S.network('net1'));
  if (p.volume) steps.push(S.volume('v1', '/data/v1', { permissions: '0750' }));
  for (let i = 0; i < p.newOnes; i++) {
    const s = spec(`new${i}`, 9100 + i, {}, p.newNet ? 'net1' : 'net0');
    steps.push(S.create(s, { dependsOn: [`image/${IMG}`, ...(p.newNet ? ['network/net1'] : [])] }));
    steps.push(S.start(s));
  }
  for (let i = 0; i < p.existing; i++) if (p.replace[i]) steps.push(S.replace(spec(`e${i}`, 9000 + i, { V: '2' }), spec(`e${i}`, 9000 + i).configHash, { dependsOn: [`image/${IMG}`] }));
  if (p.host) steps.push({ id: 'host', op: 'host.apply', target: 'host/files', params: { files: [{ path: '/etc/hostname', content: 'new\n', mode: '0644' }] }, dependsOn: [], risk: 'security', phase: 5, inverse: null, description: 'Write host files' });
  if (p.firewall) steps.push({ id: 'fw', op: 'firewall.apply', target: 'firewall/inet-claude', params: { ruleset: 'table inet claude { chain input { } }', hash: '0'.repeat(64), confirmTimeoutMs: 0 }, dependsOn: [], risk: 'security', phase: 5, inverse: null, description: 'Apply firewall' });
  return steps;
}

/** The state without engine-assigned ids (a new container's id depends on call order). */
function shapeOf(dump: string): string {
  const s = JSON.parse(dump) as { containers: { id: string }[]; networks: { id: string }[] };
  for (const c of s.containers) c.id = '';
  for (const n of s.networks) n.id = '';
  return JSON.stringify(s);
}

interface Trial {
  shape: Shape;
  fault: FaultKind;
  sites: 'fs' | 'driver' | 'any';
  n: number;
}

interface Outcome {
  applied: ApplyResult | null;
  thrown: Error | null;
  fired: boolean;
  before: string;
  afterRef: string;
  afterRun: string;
  afterRecover: string;
  recoverOk: boolean;
  recoverFound: string;
}

const refs = new Map<string, string>();

async function runTrial(t: Trial): Promise<Outcome> {
  // The reference "after": the same plan applied with no fault (once per shape).
  const key = JSON.stringify(t.shape);
  if (!refs.has(key)) {
    const ref = await applyOnce(t.shape, null);
    expect(ref.applied?.status).toBe('applied');
    refs.set(key, ref.afterRun);
  }
  const r = await applyOnce(t.shape, t);
  return { ...r, afterRef: refs.get(key)! };
}

/** tmpfs when there is one: the test makes thousands of fsyncs, which cost nothing there. */
const TMP = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();

async function applyOnce(shape: Shape, t: Trial | null): Promise<Omit<Outcome, 'afterRef'>> {
  const dataDir = mkdtempSync(join(TMP, 'claude-faults-'));
  dirs.push(dataDir);
  const host = setupTestHost(dataDir, 'host-mem');
  const engine = new MemoryEngine(initial(shape.existing));
  const before = engine.dump();
  const payload = makePlan(stepsOf(shape), { hostId: host.hostId, base: resourceFingerprints(await engine.observe()) });
  const text = signPlan(payload, host.key.privateKey, host.admin);
  const only = t ? (t.sites === 'fs' ? (s: string) => s.startsWith('fs.') : t.sites === 'driver' ? (s: string) => s.startsWith('driver.') : () => true) : undefined;
  const inj = t ? new CountingInjector(t.n, t.fault, only) : null;
  setFaultInjector(inj);
  let applied: ApplyResult | null = null;
  let thrown: Error | null = null;
  try {
    applied = await applyPlan(text, { engine, dataDir, trustedKeys: host.trusted(), hostId: host.hostId, now: () => new Date(), yes: true });
  } catch (e) {
    thrown = e as Error;
  } finally {
    setFaultInjector(null);
  }
  const afterRun = engine.dump();
  // A crashed process holds its lock until it is found dead; here the test plays that part.
  if (inj?.dead) rmSync(join(dataDir, LOCK_FILE), { force: true });
  const rec = await recover({ engine, dataDir, now: () => new Date() });
  return { applied, thrown, fired: inj?.fired !== null && inj !== null, before, afterRun, afterRecover: engine.dump(), recoverOk: rec.ok, recoverFound: rec.found };
}

function check(t: Trial, o: Outcome): void {
  const what = `${t.fault} at hit ${t.n} of ${t.sites} sites: ${o.thrown ? `threw ${o.thrown.name}: ${o.thrown.message}` : `status ${o.applied?.status} ${o.applied?.error?.message ?? ''} ${o.applied?.rollback?.problems.join('; ') ?? ''}`}`;
  const isBefore = (s: string) => s === o.before;
  const isAfter = (s: string) => shapeOf(s) === shapeOf(o.afterRef);
  // Right after the run: an apply that returned is exactly before or after, as it reports.
  if (o.applied?.status === 'applied') expect(isAfter(o.afterRun), what).toBe(true);
  if (o.applied?.status === 'rolled-back') expect(isBefore(o.afterRun), what).toBe(true);
  expect(o.applied?.status, what).not.toBe('needs-attention');
  if (o.thrown && !(o.thrown instanceof SimulatedCrash)) {
    // A refusal or an I/O error before the first step: nothing changed.
    expect(isBefore(o.afterRun), what).toBe(true);
  }
  // After recover: always exactly one of the two, and recover succeeded.
  expect(o.recoverOk, what).toBe(true);
  expect(isBefore(o.afterRecover) || isAfter(o.afterRecover), `${what}\nafter recover: ${o.afterRecover}`).toBe(true);
  // Recover never leaves an apply that said "applied" half undone.
  if (o.applied?.status === 'applied' || o.applied?.status === 'incomplete') expect(isAfter(o.afterRecover), what).toBe(true);
}

const shapeArb = fc.record({
  existing: fc.integer({ min: 1, max: 3 }),
  replace: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
  newOnes: fc.integer({ min: 0, max: 2 }),
  newNet: fc.boolean(),
  volume: fc.boolean(),
  host: fc.boolean(),
  firewall: fc.boolean(),
});

describe('applies under injected faults end exactly "before" or "after"', () => {
  it('every fault kind at every fs write of one plan (deterministic sweep)', async () => {
    const shape: Shape = { existing: 2, replace: [true, false, false], newOnes: 1, newNet: true, volume: true, host: true, firewall: true };
    let fired = 0;
    for (const fault of ['enospc', 'eio', 'crash'] as FaultKind[]) {
      for (let n = 0; n < 60; n += 3) {
        const t: Trial = { shape, fault, sites: 'fs', n };
        const o = await runTrial(t);
        check(t, o);
        if (o.fired) fired++;
      }
    }
    expect(fired).toBeGreaterThan(40);
  }, 300_000);

  it('a short write is completed, never left short (the snapshot and the journal parse)', async () => {
    const shape: Shape = { existing: 2, replace: [true, true, false], newOnes: 1, newNet: false, volume: false, host: false, firewall: false };
    for (let n = 0; n < 30; n++) {
      const t: Trial = { shape, fault: 'short', sites: 'fs', n };
      const o = await runTrial(t);
      expect(o.applied?.status, `short write at hit ${n}`).toBe('applied');
      check(t, o);
    }
  }, 300_000);

  it('for 240 seeded random plans and faults (fast-check)', async () => {
    let fired = 0;
    await fc.assert(
      fc.asyncProperty(
        shapeArb,
        fc.constantFrom<FaultKind>('enospc', 'eio', 'short', 'crash'),
        fc.constantFrom<Trial['sites']>('fs', 'driver', 'any'),
        fc.integer({ min: 0, max: 80 }),
        async (shape, fault, sites, n) => {
          const t: Trial = { shape, fault, sites, n };
          const o = await runTrial(t);
          if (o.fired) fired++;
          check(t, o);
        },
      ),
      { numRuns: 240, seed: 0x13fa017 },
    );
    // Most cases really injected their fault (n within the run's hits).
    expect(fired).toBeGreaterThan(120);
  }, 300_000);

  it('a journal left with a torn record: the next record is kept, and recover names the damage', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'claude-faults-torn-'));
    dirs.push(dataDir);
    const host = setupTestHost(dataDir, 'host-mem');
    const engine = new MemoryEngine(initial(1));
    const before = engine.dump();
    const payload = makePlan(stepsOf({ existing: 1, replace: [true], newOnes: 0, newNet: false, volume: false, host: false, firewall: false }), { hostId: host.hostId, base: resourceFingerprints(await engine.observe()) });
    // Crash right after the replace's rename (driver call 3 of the plan: stop, rename, create).
    const inj = new CountingInjector(2, 'crash', (s) => s.startsWith('driver.'));
    setFaultInjector(inj);
    await expect(applyPlan(signPlan(payload, host.key.privateKey, host.admin), { engine, dataDir, trustedKeys: host.trusted(), hostId: host.hostId, now: () => new Date(), yes: true })).rejects.toBeInstanceOf(SimulatedCrash);
    setFaultInjector(null);
    rmSync(join(dataDir, LOCK_FILE), { force: true });
    expect(engine.dump()).not.toBe(before);
    // A torn record at the end, as a crash mid-append leaves it (no newline).
    const journal = join(dataDir, 'journal', 'apply.jsonl');
    const { appendFileSync } = await import('node:fs');
    appendFileSync(journal, '{"t":"step.end","planId":"x","st');
    const r = await recover({ engine, dataDir, now: () => new Date() });
    expect(r).toMatchObject({ found: 'interrupted', ok: true, action: 'rollback' });
    expect(r.notes.join('\n')).toMatch(/apply\.jsonl: 1 damaged record\(s\) skipped/);
    expect(engine.dump()).toBe(before);
    // The records recover wrote after the torn one are whole lines of their own.
    const lines = readFileSync(journal, 'utf8').split('\n');
    const tornAt = lines.findIndex((l) => l.startsWith('{"t":"step.end","planId":"x"'));
    expect(lines[tornAt]).toBe('{"t":"step.end","planId":"x","st');
    expect(JSON.parse(lines[tornAt + 1]!)).toMatchObject({ t: 'recover.begin' });
  });

  it('an emptied journal after a crash: recover goes by the snapshot and the .old container, never "nothing"', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'claude-faults-empty-'));
    dirs.push(dataDir);
    const host = setupTestHost(dataDir, 'host-mem');
    const engine = new MemoryEngine(initial(2));
    const before = engine.dump();
    const payload = makePlan(stepsOf({ existing: 2, replace: [true, true], newOnes: 0, newNet: false, volume: false, host: false, firewall: false }), { hostId: host.hostId, base: resourceFingerprints(await engine.observe()) });
    // Crash at the 6th driver call: ensureImage, then both replaces have stopped and renamed.
    setFaultInjector(new CountingInjector(5, 'crash', (s) => s.startsWith('driver.')));
    await expect(applyPlan(signPlan(payload, host.key.privateKey, host.admin), { engine, dataDir, trustedKeys: host.trusted(), hostId: host.hostId, now: () => new Date(), yes: true })).rejects.toBeInstanceOf(SimulatedCrash);
    setFaultInjector(null);
    rmSync(join(dataDir, LOCK_FILE), { force: true });
    expect(engine.s.containers.some((c) => c.name.includes('.old-'))).toBe(true);
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(dataDir, 'journal', 'apply.jsonl'), '');
    const r = await recover({ engine, dataDir, now: () => new Date() });
    expect(r.found).toBe('inconsistent');
    expect(r.ok).toBe(true);
    expect(r.planId).toBe(payload.id);
    expect(r.notes.join('\n')).toMatch(/journal has no outcome for plan-/);
    expect(r.notes.join('\n')).toMatch(/\.old-.* exists, which only an unfinished apply/);
    expect(engine.dump()).toBe(before);
    // Settled now: a second recover finds nothing.
    expect((await recover({ engine, dataDir, now: () => new Date() })).found).toBe('nothing');
  });

  it('an emptied snapshot: recover names the file and the repair', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'claude-faults-snap-'));
    dirs.push(dataDir);
    const host = setupTestHost(dataDir, 'host-mem');
    const engine = new MemoryEngine(initial(1));
    const payload = makePlan(stepsOf({ existing: 1, replace: [true], newOnes: 0, newNet: false, volume: false, host: false, firewall: false }), { hostId: host.hostId, base: resourceFingerprints(await engine.observe()) });
    setFaultInjector(new CountingInjector(2, 'crash', (s) => s.startsWith('driver.')));
    await expect(applyPlan(signPlan(payload, host.key.privateKey, host.admin), { engine, dataDir, trustedKeys: host.trusted(), hostId: host.hostId, now: () => new Date(), yes: true })).rejects.toBeInstanceOf(SimulatedCrash);
    setFaultInjector(null);
    rmSync(join(dataDir, LOCK_FILE), { force: true });
    const snap = join(dataDir, 'snapshots', `${payload.id}.json`);
    expect(existsSync(snap)).toBe(true);
    const { writeFileSync } = await import('node:fs');
    writeFileSync(snap, '');
    const e = await recover({ engine, dataDir, now: () => new Date() }).catch((x: unknown) => x as Error & { hint?: string });
    expect(e).toBeInstanceOf(Error);
    expect((e as Error).message).toBe(`the snapshot ${snap} is damaged (it is empty)`);
    expect((e as { hint: string }).hint).toMatch(/rename any '<name>\.old-…' container back/);
    expect((e as { hint: string }).hint).toContain(`mv ${snap} ${snap}.damaged`);
  });
});
