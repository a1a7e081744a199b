/**
 * A crash between the end of an apply and its git commit (real dockerd, real git repos in
 * temp dirs). A child process applies a plan and is killed with SIGKILL at a test-only crash
 * point of the runtime (runtime/apply.ts `crashAt`):
 *
 *   finalize:after  every step done and cleaned up; the state commit not made yet
 *   commit:after    the commit made; the journal does not record it yet
 *
 * After the restart (`claude recover`, or simply the next request, which settles an
 * interrupted apply first), the state dir and the system must agree: the commit is
 * completed exactly once, the files are the plan's, and `claude diff` shows nothing pending.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readJournal } from '../runtime/journal.js';
import { openStateRepo } from '../runtime/state/repo.js';
import { transpileForChild, type ChildBuild } from '../runtime/testutil/transpile-child.js';
import { openFlowHost, planFiles, readStateDirFiles, stateHeadOf, type Planned } from '../agent/flow.js';
import { claude, containerStatus, MANIFEST, newTestRun, request, serviceNamesOf, servicesYaml, type TestRun } from './testutil/requests.js';
import type { DiffReport } from './commands/diff.js';

let child: ChildBuild;
const runs: TestRun[] = [];

beforeAll(() => {
  child = transpileForChild(
    ['agent/flow.ts', 'runtime/apply.ts'],
    `
import { readFileSync } from 'node:fs';
import { openFlowHost } from './agent/flow.js';
import { applyPlan } from './runtime/apply.js';
import { loadTrustedKeys } from './plan/keys.js';
const a = JSON.parse(process.env.CRASH_ARGS);
const host = await openFlowHost(a.paths);
const r = await applyPlan(readFileSync(a.plan, 'utf8'), {
  engine: await host.engine(), dataDir: a.paths.dataDir, stateDir: a.paths.stateDir, trustedKeys: loadTrustedKeys(a.paths.dataDir),
  hostId: host.hostId, now: () => new Date(), yes: true, actor: { name: 'crasher', email: 'c@t' },
  crashAt: (p) => { if (p.stepId === a.stepId && p.when === 'after') process.kill(process.pid, 'SIGKILL'); },
});
process.stdout.write(r.status);
`,
  );
});
afterAll(() => {
  child?.cleanup();
  for (const r of runs) r.cleanup();
});

/** A run with one applied commit (service a), and a signed plan adding service b. */
async function setup(): Promise<{ run: TestRun; first: string; planned: Planned }> {
  const run = newTestRun('claude-crash-commit');
  runs.push(run);
  const a = await request(run, 'add a', () => ({ 'manifest.yaml': MANIFEST, 'services.yaml': servicesYaml([{ name: run.n('a') }]) }));
  expect(a.status).toBe('applied');
  const first = (await stateHeadOf(run.paths.stateDir))!;
  const host = await openFlowHost(run.paths);
  const files = readStateDirFiles(run.paths.stateDir);
  const r = await planFiles(host, { ...files, 'services.yaml': servicesYaml([{ name: run.n('a') }, { name: run.n('b') }]) }, { request: 'add b', engine: 'user', base: first, now: new Date(), env: run.env });
  if (!r.ok) throw new Error(r.problems.join('\n'));
  return { run, first, planned: r.planned };
}

function crashApply(run: TestRun, planned: Planned, stepId: 'finalize' | 'commit'): Promise<{ signal: NodeJS.Signals | null; err: string }> {
  const planFile = join(run.dir, `plan-${stepId}.json`);
  writeFileSync(planFile, planned.envelopeText);
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [child.script], { env: { ...run.env, CRASH_ARGS: JSON.stringify({ paths: run.paths, plan: planFile, stepId }) }, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    p.stderr.on('data', (b: Buffer) => (err += b.toString()));
    p.on('close', (_code, signal) => resolve({ signal, err }));
  });
}

async function expectAgreement(run: TestRun, services: string[]): Promise<void> {
  const repo = await openStateRepo(run.paths.stateDir);
  expect(serviceNamesOf((await repo.filesAt('HEAD'))['services.yaml'])).toEqual(services.map((s) => run.n(s)).sort());
  expect(await repo.status()).toEqual([]);
  for (const s of services) expect(containerStatus(run.n(s))).toBe('running');
  const d = await claude(run, ['diff', '--json']);
  expect(d.code).toBe(0);
  const report = JSON.parse(d.out) as DiffReport;
  expect(report.files).toEqual([]);
  expect(report.plan?.steps).toEqual([]);
  expect(report.drift.resources).toEqual([]);
}

describe('a crash between the apply and the git commit', () => {
  it('killed after the apply, before the commit: `claude recover` completes the commit; state and system agree', async () => {
    const { run, first, planned } = await setup();
    const c = await crashApply(run, planned, 'finalize');
    expect(c.signal, c.err).toBe('SIGKILL');
    // the system is already in the new state, the state repo is not
    expect(containerStatus(run.n('b'))).toBe('running');
    expect(await stateHeadOf(run.paths.stateDir)).toBe(first);
    const r = await claude(run, ['recover']);
    expect(r.code, r.out + r.err).toBe(0);
    expect(r.out).toMatch(/Completed it: the plan is applied/);
    const history = await (await openStateRepo(run.paths.stateDir)).history();
    expect(history).toHaveLength(2);
    expect(history[0]).toMatchObject({ request: 'add b', planId: planned.payload.id, parents: [first] });
    expect(readJournal(run.paths.dataDir).filter((j) => j.t === 'committed' && j.planId === planned.payload.id)).toHaveLength(1);
    await expectAgreement(run, ['a', 'b']);
  }, 120_000);

  it('killed right after the commit: the next request settles it without a second commit, then applies', async () => {
    const { run, planned } = await setup();
    const c = await crashApply(run, planned, 'commit');
    expect(c.signal, c.err).toBe('SIGKILL');
    const afterCrash = await stateHeadOf(run.paths.stateDir);
    const add = (name: string) => (f: Record<string, string>) => ({ ...f, 'services.yaml': servicesYaml([...serviceNamesOf(f['services.yaml']).map((n) => ({ name: n })), { name: run.n(name) }]) });
    const next = await request(run, 'add c', add('c'));
    expect(next.status).toBe('applied');
    const history = await (await openStateRepo(run.paths.stateDir)).history();
    expect(history.map((h) => h.request)).toEqual(['add c', 'add b', 'add a']);
    expect(history[1]!.commit).toBe(afterCrash);
    await expectAgreement(run, ['a', 'b', 'c']);
  }, 120_000);

  it('killed before the commit, with a request already planned on the old commit: it completes the commit, is refused as stale, re-plans, and both changes land', async () => {
    const { run, first, planned } = await setup();
    // the next request is planned now, on the old commit
    let replans = 0;
    let gate!: () => void;
    const crashed = new Promise<void>((r) => (gate = r));
    const add = (f: Record<string, string>) => ({ ...f, 'services.yaml': servicesYaml([...serviceNamesOf(f['services.yaml']).map((n) => ({ name: n })), { name: run.n('c') }]) });
    const next = request(run, 'add c', add, {
      requestLock: false,
      onReplan: () => replans++,
      approve: async (p, info) => {
        if (!info.replanned) {
          expect(p.payload.base.stateCommit).toBe(first);
          await crashed;
        }
        return true;
      },
    });
    const c = await crashApply(run, planned, 'finalize');
    expect(c.signal, c.err).toBe('SIGKILL');
    gate();
    const out = await next;
    expect(out.status).toBe('applied');
    expect(replans).toBe(1);
    const history = await (await openStateRepo(run.paths.stateDir)).history();
    expect(history.map((h) => h.request)).toEqual(['add c', 'add b', 'add a']);
    await expectAgreement(run, ['a', 'b', 'c']);
  }, 120_000);
});
