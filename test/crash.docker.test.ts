/**
 * Crash recovery on the real Docker Engine: a child process applies a plan and is killed
 * with SIGKILL at a seeded random step (before or after the step's action: the test-only
 * crash mode CLAUDE_TEST_CRASH_AT_STEP=<ordinal>:<before|after>); then `claude recover` runs, and
 * the system must be exactly the state before the plan or the state after it, by the
 * per-resource fingerprints and by the list of containers (no `.old-*` left behind).
 */
import { mulberry32 } from '../common/seeded.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { resourceFingerprints } from '../plan/fingerprint.js';
import type { PlanStep } from '../plan/types.js';
import { PassThrough, Writable } from 'node:stream';
import { main } from '../cli/main.js';
import { applyPlan } from '../runtime/apply.js';
import { DockerEngine } from '../runtime/drivers/docker.js';
import { dockerApplyChild, type ChildBuild } from '../runtime/testutil/transpile-child.js';
import { containerSpec, health, makePlan, S, setupTestHost, signPlan, type TestHost } from '../runtime/testutil/plans.js';
import { removeDockerByName } from '../runtime/testutil/docker-cleanup.js';

const TRIALS = 20;
const ROLLBACK_TRIALS = 6;
const SEED = 0x5eed_c1a0;

const suffix = randomBytes(4).toString('hex');
const n = (x: string) => `${x}-${suffix}`;

let dataDir: string;
let root: string;
let host: TestHost;
let engine: DockerEngine;
let child: ChildBuild;

// CLAUDE_TEST_CRASH_AT_STEP: "<ordinal>:<before|after>" (a step or the finalize phase) or "rollback:<k>" (after the k-th undo).
const PRELUDE = `
const [ordinal, when] = (process.env.CLAUDE_TEST_CRASH_AT_STEP ?? '').split(':');
const hit = (p) => (ordinal === 'rollback' ? p.stepId === 'rollback' && String(p.ordinal) === when : p.stepId !== 'rollback' && String(p.ordinal) === ordinal && p.when === when);
`;


/**
 * A and B carry a health command that passes at once (Docker runs it itself only once a
 * minute): every start of them is awaited (the apply's replace, each recovery's readiness
 * check of the plan's containers), and without one that wait is the 500 ms start window on
 * the budget clock, which a loaded host stretches up to 10× (≈ 5 s per wait at load 25, two
 * or more per trial). The exec of `true` answers in 0.3–1 s at that load. What a trial checks
 * is unchanged: the same seeded crash points, the exact before or after state.
 */
const busy = (name: string, extra: Record<string, string> = {}, more: Partial<Parameters<typeof containerSpec>[0]> = {}) =>
  containerSpec({ name: n(name), service: name, image: 'claude-os-local/busybox:latest', command: ['sleep', '3600'], env: extra, healthcheck: health('true', 60_000), networks: [{ name: n('net'), aliases: [name] }], ...more });

const A0 = busy('a');
const A1 = busy('a', { V: '1' });
const B = busy('b');
const C = busy('c', {}, { networks: [{ name: n('net2'), aliases: ['c'] }], mounts: [{ source: '/data/c', target: '/data', readonly: false }], healthcheck: health('test -d /data', 100) });

/** net2 with a fixed subnet, so its fingerprint is the same each time it is created. */
const subnet = `10.213.${Math.floor(Math.random() * 250) + 1}.0/24`;
function net2(): PlanStep {
  const s = S.network(n('net2'));
  return { ...s, params: { ...(s.params as object), subnet } } as PlanStep;
}

/** S0 → S1: a volume, a network, a new container, a replaced one, a pruned one. */
function forward(): PlanStep[] {
  return [
    S.volume(n('vol'), '/data/c', { permissions: '0750' }),
    net2(),
    S.create(C, { dependsOn: [`volume/${n('vol')}`, `network/${n('net2')}`] }),
    S.start(C),
    S.replace(A1, A0.configHash),
    S.remove(B.name, { dependsOn: [`start/${C.name}`] }),
  ];
}

/** S0 → S1 but failing after most steps (a missing image): rolled back; the prune never starts. */
function forwardFailing(): PlanStep[] {
  const steps = forward().filter((st) => st.op !== 'container.remove');
  return [...steps, { ...S.image('nonexistent:latest'), dependsOn: [`replace/${A1.name}`, `start/${C.name}`] }, S.remove(B.name, { dependsOn: ['image/nonexistent:latest'] })];
}

/** S1 → S0. */
function backward(): PlanStep[] {
  return [
    S.remove(C.name),
    { ...net2(), id: 'rm-net2', op: 'network.remove', dependsOn: [`remove/${C.name}`], risk: 'disruptive', description: 'Remove network' } as PlanStep,
    { id: 'rm-vol', op: 'volume.remove', target: `volume/${n('vol')}`, params: { volume: { name: n('vol'), path: '/data/c' }, deleteData: true }, dependsOn: [`remove/${C.name}`], risk: 'destructive', phase: 7, inverse: null, description: 'Remove volume' },
    S.replace(A0, A1.configHash),
    S.create(B),
    S.start(B),
  ];
}

async function fingerprints(): Promise<Record<string, string>> {
  return resourceFingerprints(await engine.observe());
}

function containersNow(): string[] {
  return execFileSync('docker', ['ps', '-a', '--format', '{{.Names}}', '--filter', `name=${suffix}`], { encoding: 'utf8' }).split('\n').filter(Boolean).sort();
}

async function applyIn(steps: PlanStep[]): Promise<void> {
  const text = signPlan(makePlan(steps, { hostId: host.hostId, base: await fingerprints() }), host.key.privateKey);
  const r = await applyPlan(text, { engine, dataDir, trustedKeys: host.trusted(), hostId: host.hostId, now: () => new Date(), yes: true });
  if (r.status !== 'applied') throw new Error(`setup apply failed: ${JSON.stringify(r.error)}`);
}

function runChild(planFile: string, crash: string): Promise<{ signal: NodeJS.Signals | null; code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [child.script], {
      env: { ...process.env, CRASH_ARGS: JSON.stringify({ plan: planFile, dataDir, root, hostId: host.hostId }), CLAUDE_TEST_CRASH_AT_STEP: crash },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    p.stdout.on('data', (b: Buffer) => (out += b.toString()));
    p.stderr.on('data', (b: Buffer) => (err += b.toString()));
    p.on('close', (code, signal) => resolve({ code, signal, out, err })); // 'close': every byte of stdout read
  });
}

/** `claude recover` through the CLI entry (in process), with this test's data dir and root. */
async function claudeRecover(): Promise<{ code: number; out: string }> {
  let out = '';
  const code = await main(['recover'], {
    stdout: new Writable({ write: (c, _e, cb) => ((out += String(c)), cb()) }),
    stderr: new Writable({ write: (c, _e, cb) => ((out += String(c)), cb()) }),
    stdin: new PassThrough(),
    isTTY: false,
    env: { CLAUDE_DATA_DIR: dataDir, CLAUDE_ROOT: root, CLAUDE_STATE_DIR: join(root, 'state') },
    cwd: root,
    now: () => new Date(),
  });
  return { code, out };
}

let fp0: Record<string, string>;
let fp1: Record<string, string>;
let names0: string[];
let names1: string[];

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'claude-crash-data-'));
  root = mkdtempSync(join(tmpdir(), 'claude-crash-root-'));
  host = setupTestHost(dataDir);
  engine = new DockerEngine({ root, dataDir, hostId: host.hostId });
  child = dockerApplyChild('hit(p)', { prelude: PRELUDE });
  // S0, then one clean forward and backward apply to learn both fingerprints.
  await applyIn([S.network(n('net')), S.create(A0, { dependsOn: [`network/${n('net')}`] }), S.start(A0, { timeoutMs: 10_000 }), S.create(B, { dependsOn: [`network/${n('net')}`] }), S.start(B, { timeoutMs: 10_000 })]);
  fp0 = await fingerprints();
  names0 = containersNow();
  await applyIn(forward());
  fp1 = await fingerprints();
  names1 = containersNow();
  await applyIn(backward());
  expect(await fingerprints()).toEqual(fp0);
}, 120_000);

afterAll(() => {
  child?.cleanup();
  removeDockerByName(suffix);
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(root, { recursive: true, force: true });
});

describe('kill -9 during apply, then recover', () => {
  it(`${TRIALS} seeded trials (+ ${ROLLBACK_TRIALS} killed mid-rollback): the system is exactly the before or the after state`, async () => {
    expect(fp1).not.toEqual(fp0);
    expect(names1).not.toEqual(names0);
    const rand = mulberry32(SEED);
    const points = forward().length + 1; // every step, and the finalize phase
    const outcomes: string[] = [];
    for (let t = 0; t < TRIALS; t++) {
      const ordinal = Math.floor(rand() * points);
      const when = rand() < 0.5 ? 'before' : 'after';
      const planFile = join(dataDir, `trial-${t}.json`);
      writeFileSync(planFile, signPlan(makePlan(forward(), { hostId: host.hostId, base: await fingerprints() }), host.key.privateKey));
      const res = await runChild(planFile, `${ordinal}:${when}`);
      expect(res.signal, `trial ${t}: the child should have been killed at ${ordinal}:${when}; stderr: ${res.err}`).toBe('SIGKILL');
      const rec = await claudeRecover();
      expect(rec.code, `trial ${t} (${ordinal}:${when}): ${rec.out}`).toBe(0);
      expect(rec.out).toMatch(/^Found an interrupted apply: plan-[0-9a-f]+\.\n✓ (Rolled it back|Completed it)/m);
      const fp = await fingerprints();
      const names = containersNow();
      const isBefore = JSON.stringify(fp) === JSON.stringify(fp0) && JSON.stringify(names) === JSON.stringify(names0);
      const isAfter = JSON.stringify(fp) === JSON.stringify(fp1) && JSON.stringify(names) === JSON.stringify(names1);
      expect(isBefore || isAfter, `trial ${t} (${ordinal}:${when}): neither before nor after:\n${JSON.stringify({ fp, names, fp0, fp1, names0, names1 }, null, 1)}`).toBe(true);
      outcomes.push(`${ordinal}:${when}→${isBefore ? 'before' : 'after'}`);
      if (isAfter) await applyIn(backward());
    }
    // Killed during the rollback of a failing plan: recovery finishes the rollback.
    const rollbackOutcomes: string[] = [];
    for (let t = 0; t < ROLLBACK_TRIALS; t++) {
      const k = Math.floor(rand() * 6); // the failing plan begins 6 steps, so a rollback makes up to 6 undos
      const planFile = join(dataDir, `rb-trial-${t}.json`);
      writeFileSync(planFile, signPlan(makePlan(forwardFailing(), { hostId: host.hostId, base: await fingerprints() }), host.key.privateKey));
      const res = await runChild(planFile, `rollback:${k}`);
      expect(res.signal, `rollback trial ${t}: should be killed after undo ${k}; out: ${res.out} err: ${res.err}`).toBe('SIGKILL');
      const rec = await claudeRecover();
      expect(rec.code, `rollback trial ${t} (undo ${k}): ${rec.out}`).toBe(0);
      expect(await fingerprints()).toEqual(fp0);
      expect(containersNow()).toEqual(names0);
      rollbackOutcomes.push(`rollback:${k}→before`);
    }
    console.log(`rollback crash trials: ${rollbackOutcomes.join(', ')}`);

    // Interrupted in a step: rolled back. Interrupted in finalize: completed.
    for (const o of outcomes) expect(o.endsWith(o.startsWith(`${points - 1}:`) ? 'after' : 'before'), o).toBe(true);
    console.log(`crash trials: ${outcomes.join(', ')}`);
    expect(new Set(outcomes.map((o) => o.split('→')[0])).size).toBeGreaterThan(5);
  }, 600_000); // generous: a busy host (2 cores shared by parallel runs) makes each Docker call slow
});
