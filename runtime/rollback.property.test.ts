/**
 * Property: for every failure point of an apply, the rollback restores the snapshot
 * exactly (containers with their ids, names, running state and config; networks; volume
 * dirs; records; host files; firewall). On the in-memory engine (testutil/memory-engine.ts),
 * the only place a fake engine is allowed.
 */
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resourceFingerprints } from '../plan/fingerprint.js';
import type { ContainerSpec, PlanStep } from '../plan/types.js';
import { applyPlan, NeedsAttentionError, recover } from './apply.js';
import { MemoryEngine, type MemState } from './testutil/memory-engine.js';
import { containerSpec, makePlan, S, setupTestHost } from './testutil/plans.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const IMG = 'img:1';

function spec(name: string, port: number, net = 'net0', env: Record<string, string> = {}): ContainerSpec {
  return containerSpec({ name, image: IMG, ports: [{ host: port, container: port, protocol: 'tcp' }], networks: [{ name: net, aliases: [name] }], env });
}

/** The initial state: `running[i]` says whether existing container e<i> runs. */
function initial(running: boolean[], withVolume: boolean, firewall: boolean): MemState {
  return {
    containers: running.map((r, i) => {
      const s = spec(`e${i}`, 9000 + i);
      return { id: `c${i}`, name: s.name, running: r, image: IMG, labels: { 'claude.os/managed': 'true', 'claude.os/service': s.service, 'claude.os/config-hash': s.configHash }, ports: [9000 + i], networks: ['net0'], env: {}, unhealthy: false };
    }),
    networks: [{ id: 'n0', name: 'net0', driver: 'bridge', internal: false, labels: { 'claude.os/managed': 'true' } }],
    volumeDirs: withVolume ? { '/data/v0': { exists: true, mode: 0o700, uid: 0, gid: 0 } } : {},
    trash: {},
    records: withVolume ? { 'volumes.json': JSON.stringify({ volumes: { v0: { path: '/data/v0', permissions: '0700' } } }) } : {},
    hostFiles: { '/etc/hostname': { path: '/etc/hostname', content: Buffer.from('old\n').toString('base64'), mode: '0644' } },
    firewall: firewall ? 'table inet claude { }' : null,
    images: [IMG],
  };
}

type Choice = 'none' | 'replace' | 'replace-unhealthy' | 'stop' | 'remove';

interface PlanShape {
  running: boolean[];
  withVolume: boolean;
  firewall: boolean;
  newContainers: number;
  onNewNet: boolean[];
  existing: Choice[];
  volumeCreate: boolean;
  volumeRemove: boolean;
  hostApply: boolean;
  scheduleApply: boolean;
  firewallApply: boolean;
  missingImage: boolean;
}

function stepsOf(p: PlanShape): PlanStep[] {
  const steps: PlanStep[] = [];
  if (p.missingImage) steps.push(S.image('img:missing'));
  steps.push(S.image(IMG));
  const needNet1 = p.onNewNet.slice(0, p.newContainers).some(Boolean);
  if (needNet1) steps.push(S.network('net1'));
  if (p.volumeCreate) steps.push(S.volume('v1', '/data/v1', { permissions: '0750' }));
  if (p.volumeRemove && p.withVolume) steps.push({ id: 'rm-v0', op: 'volume.remove', target: 'volume/v0', params: { volume: { name: 'v0', path: '/data/v0' }, deleteData: true }, dependsOn: [], risk: 'destructive', phase: 7, inverse: null, description: 'Remove volume v0' });
  for (let i = 0; i < p.newContainers; i++) {
    const s = spec(`new${i}`, 9100 + i, p.onNewNet[i] ? 'net1' : 'net0');
    steps.push(S.create(s, { dependsOn: [`image/${IMG}`, ...(p.onNewNet[i] ? ['network/net1'] : [])] }));
    steps.push(S.start(s));
  }
  p.existing.slice(0, p.running.length).forEach((c, i) => {
    const old = spec(`e${i}`, 9000 + i);
    if (c === 'replace' || c === 'replace-unhealthy') steps.push(S.replace(spec(`e${i}`, 9000 + i, 'net0', c === 'replace' ? { V: '2' } : { UNHEALTHY: '1' }), old.configHash, { dependsOn: [`image/${IMG}`] }));
    if (c === 'stop') steps.push(S.stop(old.name));
    if (c === 'remove') steps.push(S.remove(old.name, { dependsOn: steps.filter((s) => s.op === 'container.start').map((s) => s.id) }));
  });
  if (p.hostApply) steps.push({ id: 'host', op: 'host.apply', target: 'host/files', params: { files: [{ path: '/etc/hostname', content: 'new\n', mode: '0644' }] }, dependsOn: [], risk: 'security', phase: 5, inverse: null, description: 'Write host files' });
  if (p.scheduleApply) steps.push({ id: 'sched', op: 'schedule.apply', target: 'schedule/jobs', params: { jobs: [{ name: 'j', schedule: '@daily', command: ['true'], timeoutMs: 1000 }] }, dependsOn: [], risk: 'safe', phase: 5, inverse: null, description: 'Update schedule' });
  if (p.firewallApply) steps.push({ id: 'fw', op: 'firewall.apply', target: 'firewall/inet-claude', params: { ruleset: 'table inet claude { chain input { } }', hash: '0'.repeat(64), confirmTimeoutMs: 0 }, dependsOn: [], risk: 'security', phase: 5, inverse: null, description: 'Apply firewall' });
  return steps;
}

async function run(p: PlanShape, failAt: number): Promise<{ before: string; after: string; status: string; engine: MemoryEngine; problems: string[] }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'claude-prop-'));
  dirs.push(dataDir);
  const host = setupTestHost(dataDir, 'host-mem');
  const engine = new MemoryEngine(initial(p.running, p.withVolume, p.firewall));
  const before = engine.dump();
  const base = resourceFingerprints(await engine.observe());
  const payload = makePlan(stepsOf(p), { hostId: host.hostId, base });
  const { signPlan } = await import('./testutil/plans.js');
  engine.failAt = failAt;
  const r = await applyPlan(signPlan(payload, host.key.privateKey, host.admin), { engine, dataDir, trustedKeys: host.trusted(), hostId: host.hostId, now: () => new Date(), yes: true });
  rmSync(dataDir, { recursive: true, force: true });
  return { before, after: engine.dump(), status: r.status, engine, problems: r.rollback?.problems ?? [] };
}

const rich: PlanShape = {
  running: [true, false, true, true],
  withVolume: true,
  firewall: true,
  newContainers: 2,
  onNewNet: [true, false],
  existing: ['replace', 'stop', 'remove', 'none'],
  volumeCreate: true,
  volumeRemove: true,
  hostApply: true,
  scheduleApply: true,
  firewallApply: true,
  missingImage: false,
};

// Property runs are CPU-bound: on a busy 2-core CI machine they take many times their quiet
// duration (measured up to 5x), so the budget is generous.
describe('rollback restores the snapshot', { timeout: 300_000 }, () => {
  it('at every failure point of a rich plan', async () => {
    const ok = await run(rich, -1);
    expect(ok.status).toBe('applied');
    expect(ok.after).not.toBe(ok.before);
    const calls = ok.engine.calls;
    expect(calls).toBeGreaterThan(20);
    let rolledBack = 0;
    for (let k = 0; k < calls; k++) {
      const r = await run(rich, k);
      // A failure in the finalize phase (after every step succeeded) is not a rollback point:
      // the outcome is `incomplete` (recover completes it; runtime/faults.property.test.ts).
      if (r.status === 'applied' || r.status === 'incomplete') continue;
      rolledBack++;
      expect(r.status, `failure at call ${k}: ${r.problems.join('; ')}`).toBe('rolled-back');
      expect(r.after, `failure at call ${k}`).toBe(r.before);
    }
    expect(rolledBack).toBeGreaterThan(calls - 5);
  });

  it('a rollback that fails leaves "needs attention": new plans are refused until recover succeeds', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'claude-prop-na-'));
    dirs.push(dataDir);
    const host = setupTestHost(dataDir, 'host-mem');
    const engine = new MemoryEngine(initial([true, true], false, false));
    const before = engine.dump();
    const shape: PlanShape = { ...rich, running: [true, true], withVolume: false, firewall: false, existing: ['replace', 'remove'], volumeRemove: false, hostApply: false, scheduleApply: false, firewallApply: false };
    const sign = async (steps: PlanStep[]) => (await import('./testutil/plans.js')).signPlan(makePlan(steps, { hostId: host.hostId, base: resourceFingerprints(await engine.observe()) }), host.key.privateKey);
    const opts = { engine, dataDir, trustedKeys: host.trusted(), hostId: host.hostId, now: () => new Date(), yes: true };
    const text = await sign(stepsOf(shape));
    // Fail the 12th call of the apply, and every call that renames a container back.
    engine.failAt = 12;
    const orig = engine.renameContainer.bind(engine);
    let block = true;
    engine.renameContainer = async (id, name) => {
      if (block && !name.includes('.old-')) throw new Error(`device busy renaming ${id}`);
      return orig(id, name);
    };
    const r = await applyPlan(text, opts);
    expect(r.status).toBe('needs-attention');
    expect(r.rollback!.problems.join('\n')).toMatch(/device busy/);
    const marker = JSON.parse(readFileSync(join(dataDir, 'needs-attention.json'), 'utf8')) as { planId: string; problems: string[] };
    expect(marker.planId).toBe(r.planId);
    const next = await applyPlan(await sign([S.image(IMG)]), opts).catch((e: unknown) => e);
    expect(next).toBeInstanceOf(NeedsAttentionError);
    expect((next as Error).message).toMatch(/device busy/);
    // Still broken: recover says so and keeps the marker.
    const failed = await recover({ engine, dataDir, now: () => new Date() });
    expect(failed.ok).toBe(false);
    expect(existsSync(join(dataDir, 'needs-attention.json'))).toBe(true);
    // Fixed: recover restores the snapshot and clears the marker.
    block = false;
    const ok = await recover({ engine, dataDir, now: () => new Date() });
    expect(ok).toMatchObject({ ok: true, action: 'rollback', planId: r.planId });
    expect(engine.dump()).toBe(before);
    expect(existsSync(join(dataDir, 'needs-attention.json'))).toBe(false);
    expect((await applyPlan(await sign([S.image(IMG)]), opts)).status).toBe('applied');
  });

  it('for random plans and failure points (fast-check)', async () => {
    const shape = fc.record({
      running: fc.array(fc.boolean(), { minLength: 0, maxLength: 3 }),
      withVolume: fc.boolean(),
      firewall: fc.boolean(),
      newContainers: fc.integer({ min: 0, max: 2 }),
      onNewNet: fc.array(fc.boolean(), { minLength: 2, maxLength: 2 }),
      existing: fc.array(fc.constantFrom<Choice>('none', 'replace', 'replace-unhealthy', 'stop', 'remove'), { minLength: 3, maxLength: 3 }),
      volumeCreate: fc.boolean(),
      volumeRemove: fc.boolean(),
      hostApply: fc.boolean(),
      scheduleApply: fc.boolean(),
      firewallApply: fc.boolean(),
      missingImage: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(shape, fc.integer({ min: -1, max: 40 }), async (p, failAt) => {
        const r = await run(p, failAt);
        if (r.status === 'applied' || r.status === 'incomplete') return;
        expect(r.status, r.problems.join('; ')).toBe('rolled-back');
        expect(r.after).toBe(r.before);
      }),
      { numRuns: 150, seed: 20261122 },
    );
  }, 600_000);
});
