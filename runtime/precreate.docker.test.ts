/**
 * Containers created ahead of the snapshot (runtime/apply.ts "pre-create"), on the real Docker
 * Engine: the create goes out once the base holds, with a `precreate` journal record before
 * it. An apply killed (SIGKILL) after the create and before it began leaves a created,
 * never-started container, which recovery removes; a refused apply removes it itself; an
 * apply that runs uses it, and the snapshot does not count it as existing before.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { resourceFingerprints } from '../plan/fingerprint.js';
import type { PlanStep } from '../plan/types.js';
import { applyPlan, recover } from './apply.js';
import { DockerEngine } from './drivers/docker.js';
import { readJournal } from './journal.js';
import { dockerApplyChild, type ChildBuild } from './testutil/transpile-child.js';
import { containerSpec, makePlan, S, setupTestHost, signPlan, type TestHost } from './testutil/plans.js';
import { removeDockerByName } from './testutil/docker-cleanup.js';

const suffix = randomBytes(4).toString('hex');
const n = (x: string) => `pre-${x}-${suffix}`;
const IMG = 'claude-os-local/busybox:latest';

let dataDir: string;
let root: string;
let host: TestHost;
let engine: DockerEngine;
let child: ChildBuild;


const spec = (name: string) => containerSpec({ name: n(name), service: name, image: IMG, command: ['sleep', '3600'] });
const steps = (name: string, over: Partial<PlanStep> = {}): PlanStep[] => [S.image(IMG), { ...S.create(spec(name), { dependsOn: [`image/${IMG}`] }), ...over } as PlanStep, S.start(spec(name), { timeoutMs: 10_000 })];

async function planText(s: PlanStep[]): Promise<string> {
  return signPlan(makePlan(s, { hostId: host.hostId, base: resourceFingerprints(await engine.observe()) }), host.key.privateKey);
}

/** The container's state, or null when there is none of that name. */
function state(name: string): string | null {
  try {
    return execFileSync('docker', ['inspect', '-f', '{{.State.Status}}', n(name)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

function runChild(planFile: string): Promise<{ signal: NodeJS.Signals | null; err: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [child.script], { env: { ...process.env, CRASH_ARGS: JSON.stringify({ plan: planFile, dataDir, root, hostId: host.hostId }) }, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    p.stderr.on('data', (b: Buffer) => (err += b.toString()));
    p.on('close', (_code, signal) => resolve({ signal, err }));
  });
}

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), `claude-precreate-data-${suffix}-`));
  root = mkdtempSync(join(tmpdir(), `claude-precreate-root-${suffix}-`));
  host = setupTestHost(dataDir);
  engine = new DockerEngine({ root, dataDir, hostId: host.hostId });
  child = dockerApplyChild("p.stepId === 'precreate'", { yes: true });
});

afterAll(() => {
  child?.cleanup();
  removeDockerByName(suffix);
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(root, { recursive: true, force: true });
});

describe('a container created ahead of the snapshot', () => {
  it('killed after the create and before the apply began: recovery removes it, and the plan then applies', async () => {
    const planFile = join(dataDir, 'killed.json');
    writeFileSync(planFile, await planText(steps('killed')));
    const res = await runChild(planFile);
    expect(res.signal, res.err).toBe('SIGKILL');
    // killed between create and start: the container exists and never ran
    expect(state('killed')).toBe('created');
    const before = readJournal(dataDir);
    expect(before.map((r) => r.t)).toContain('precreate');
    expect(before.map((r) => r.t)).not.toContain('apply.started');

    const r = await recover({ engine, dataDir, now: () => new Date() });
    expect(r).toMatchObject({ found: 'interrupted', action: 'rollback', ok: true });
    expect(r.notes.join('\n')).toContain(n('killed'));
    expect(state('killed')).toBeNull();
    expect(readJournal(dataDir).at(-1)?.t).toBe('precreate.undone');
    expect(await recover({ engine, dataDir, now: () => new Date() })).toMatchObject({ found: 'nothing', ok: true });

    // the same signed plan applies now (it never began, its base still holds)
    const applied = await applyPlan(readFileSync(planFile, 'utf8'), { engine, dataDir, trustedKeys: host.trusted(), hostId: host.hostId, now: () => new Date(), yes: true });
    expect(applied.status, JSON.stringify(applied.error)).toBe('applied');
    expect(state('killed')).toBe('running');
  }, 120_000);

  it('a container of that name that is not the one created ahead is left alone by recovery', async () => {
    const planFile = join(dataDir, 'other.json');
    writeFileSync(planFile, await planText(steps('other')));
    expect((await runChild(planFile)).signal).toBe('SIGKILL');
    // someone replaced it meanwhile with a container of their own under the same name
    execFileSync('docker', ['rm', '-f', n('other')], { stdio: 'ignore' });
    execFileSync('docker', ['create', '--name', n('other'), IMG, 'true'], { stdio: 'ignore' });
    const r = await recover({ engine, dataDir, now: () => new Date() });
    expect(r).toMatchObject({ found: 'interrupted', ok: true });
    expect(state('other')).toBe('created');
    execFileSync('docker', ['rm', '-f', n('other')], { stdio: 'ignore' });
  }, 120_000);

  it('refused after the create (V9: no confirmation): removed, journaled undone, nothing left', async () => {
    const text = await planText(steps('refused', { risk: 'destructive' }));
    await expect(applyPlan(text, { engine, dataDir, trustedKeys: host.trusted(), hostId: host.hostId, now: () => new Date() })).rejects.toThrow(/confirm/i);
    expect(state('refused')).toBeNull();
    const ts = readJournal(dataDir).map((r) => r.t);
    expect(ts.slice(-2)).toEqual(['precreate', 'precreate.undone']);
    expect(await recover({ engine, dataDir, now: () => new Date() })).toMatchObject({ found: 'nothing', ok: true });
  }, 120_000);

  it('an apply that runs uses it: created before the apply began, not in the snapshot, started', async () => {
    const text = await planText(steps('used'));
    const r = await applyPlan(text, { engine, dataDir, trustedKeys: host.trusted(), hostId: host.hostId, now: () => new Date(), yes: true });
    expect(r.status, JSON.stringify(r.error)).toBe('applied');
    expect(state('used')).toBe('running');
    const recs = readJournal(dataDir);
    const planId = JSON.parse(Buffer.from((JSON.parse(text) as { payload: string }).payload, 'base64').toString('utf8')).id as string;
    const mine = recs.filter((x) => x.planId === planId).map((x) => x.t);
    expect(mine.slice(0, 2)).toEqual(['precreate', 'apply.started']);
    expect(mine).toContain('committed');
    const snap = JSON.parse(readFileSync(join(dataDir, 'snapshots', `${planId}.json`), 'utf8')) as { containers: { name: string }[] };
    expect(snap.containers.map((c) => c.name)).not.toContain(n('used'));
  }, 120_000);
});
