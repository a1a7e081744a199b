/**
 * Concurrent requests on the real dockerd, real git repos in temp dirs (spec Test 8): each
 * request reads the state files, adds one service, plans and applies (agent/flow.ts). They
 * land one after the other as separate commits with no lost update, whether they queue on
 * the request lock or are refused as stale by the runtime and re-plan.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { openStateRepo } from '../runtime/state/repo.js';
import { StalePlanError } from '../runtime/verify.js';
import { transpileForChild, type ChildBuild } from '../runtime/testutil/transpile-child.js';
import { containerStatus, MANIFEST, newTestRun, request, serviceNamesOf, servicesYaml, type TestRun } from '../cli/testutil/requests.js';

let run: TestRun;

/** Adds a busybox service to whatever services.yaml holds now. */
const addService = (name: string) => (files: Record<string, string>) => {
  const have = serviceNamesOf(files['services.yaml']).map((n) => ({ name: n }));
  return { ...files, 'manifest.yaml': files['manifest.yaml'] ?? MANIFEST, 'services.yaml': servicesYaml([...have, { name }]) };
};

beforeAll(() => {
  run = newTestRun('claude-flow');
});
afterAll(() => run?.cleanup());

describe('concurrent requests (spec Test 8)', () => {
  it('two requests at once that add two different services: both land, serialized, as two commits', async () => {
    const [a, b] = await Promise.all([
      request(run, 'add prometheus monitoring', addService(run.n('prometheus'))),
      request(run, 'add grafana dashboards', addService(run.n('grafana'))),
    ]);
    expect(a.status).toBe('applied');
    expect(b.status).toBe('applied');
    const repo = await openStateRepo(run.paths.stateDir);
    const history = await repo.history();
    expect(history.map((h) => h.request).sort()).toEqual(['add grafana dashboards', 'add prometheus monitoring']);
    // the second commit is built on the first: it holds both services (no lost update)
    expect(serviceNamesOf((await repo.filesAt('HEAD'))['services.yaml'])).toEqual([run.n('grafana'), run.n('prometheus')].sort());
    expect(history[0]!.parents).toEqual([history[1]!.commit]);
    expect(containerStatus(run.n('prometheus'))).toBe('running');
    expect(containerStatus(run.n('grafana'))).toBe('running');
  }, 120_000);

  it('a plan whose base another apply changed is refused as stale; the request re-plans on the new state and keeps both changes', async () => {
    const repo = await openStateRepo(run.paths.stateDir);
    const before = (await repo.history()).length;
    let releaseA!: () => void;
    const aPlanned = new Promise<void>((r) => (releaseA = r));
    let bDone!: () => void;
    const bApplied = new Promise<void>((r) => (bDone = r));
    const seen: { replanned: boolean; services: string[] }[] = [];
    let staleErrors = 0;
    // A plans first, then (while "the user decides") B plans and applies; then A applies.
    const a = request(run, 'add loki', addService(run.n('loki')), {
      requestLock: false,
      approve: async (p, info) => {
        seen.push({ replanned: info.replanned, services: serviceNamesOf(p.payload.desired.files['services.yaml']) });
        if (!info.replanned) {
          releaseA();
          await bApplied;
        }
        return true;
      },
      onReplan: () => staleErrors++,
    });
    await aPlanned;
    const b = await request(run, 'add tempo', addService(run.n('tempo')), { requestLock: false });
    expect(b.status).toBe('applied');
    bDone();
    const ra = await a;
    expect(ra.status).toBe('applied');
    expect(ra.replans).toBe(1);
    expect(staleErrors).toBe(1);
    expect(seen).toHaveLength(2);
    expect(seen[0]!.replanned).toBe(false);
    expect(seen[0]!.services).not.toContain(run.n('tempo'));
    expect(seen[1]!.replanned).toBe(true);
    expect(seen[1]!.services).toContain(run.n('tempo'));
    const history = await repo.history();
    expect(history).toHaveLength(before + 2);
    expect(history[0]!.request).toBe('add loki');
    expect(history[1]!.request).toBe('add tempo');
    expect(serviceNamesOf((await repo.filesAt('HEAD'))['services.yaml'])).toEqual(
      [run.n('grafana'), run.n('loki'), run.n('prometheus'), run.n('tempo')].sort(),
    );
    for (const s of ['loki', 'tempo', 'grafana', 'prometheus']) expect(containerStatus(run.n(s))).toBe('running');
  }, 120_000);

  it('a stale refusal is a StalePlanError naming the state commit when only the state changed', async () => {
    // Two plans on the same base; the first applies a change with no container effect
    // (manifest metadata), so only the state commit tells the second it is stale.
    const { openFlowHost, planFiles, applyPlanned, stateHeadOf, readStateDirFiles } = await import('./flow.js');
    const host = await openFlowHost(run.paths);
    const base = await stateHeadOf(run.paths.stateDir);
    const files = readStateDirFiles(run.paths.stateDir);
    const mk = async (name: string) => {
      const r = await planFiles(host, { ...files, 'manifest.yaml': MANIFEST.replace('name: test', `name: ${name}`) }, { request: name, engine: 'user', base, now: new Date(), env: run.env });
      if (!r.ok) throw new Error(r.problems.join('\n'));
      return r.planned;
    };
    const p1 = await mk('first');
    const p2 = await mk('second');
    const opts = { now: () => new Date(), actor: { name: 'tester', email: 't@t' }, yes: true };
    expect((await applyPlanned(host, p1, opts)).status).toBe('applied');
    const err = await applyPlanned(host, p2, opts).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StalePlanError);
    expect((err as Error).message).toMatch(/state\/commit/);
    expect((parseYaml((await (await openStateRepo(run.paths.stateDir)).filesAt('HEAD'))['manifest.yaml']!) as { metadata: { name: string } }).metadata.name).toBe('first');
  }, 60_000);
});

describe('a plan that changes security.yaml', () => {
  it('is signed with its display in key order and kept as the signed object (no second parse of its payload)', async () => {
    // agent/flow.ts adds display.confirm (and lockout) behind the planner's keys; out of order,
    // the payload was signed by the replacer path and parsed again by its own check (docs/plans.md)
    const { openFlowHost, planFiles, stateHeadOf, readStateDirFiles } = await import('./flow.js');
    const { signedValueOf } = await import('../plan/envelope.js');
    const host = await openFlowHost(run.paths);
    const files = readStateDirFiles(run.paths.stateDir);
    const security = 'apiVersion: claude.os/v1\nkind: SecurityConfig\nmetadata:\n  name: security\nspec:\n  ssh:\n    password_authentication: false\n';
    expect(files['security.yaml']).not.toBe(security);
    const r = await planFiles(host, { ...files, 'manifest.yaml': files['manifest.yaml'] ?? MANIFEST, 'security.yaml': security }, { request: 'no ssh passwords', engine: 'user', base: await stateHeadOf(run.paths.stateDir), now: new Date(), env: run.env });
    if (!r.ok) throw new Error(`${r.stage}: ${r.problems.join('\n')}`);
    const display = r.planned.payload.display as Record<string, unknown>;
    expect(display.confirm).toBeDefined();
    expect(Object.keys(display)).toEqual(Object.keys(display).sort());
    expect(signedValueOf(r.planned.envelope!)).toBe(r.planned.payload);
  }, 60_000);
});

describe('ten concurrent requests', () => {
  let child: ChildBuild | undefined;
  let ten: TestRun;
  beforeAll(() => {
    ten = newTestRun('claude-flow10');
    child = transpileForChild(
      ['agent/flow.ts'],
      `
import { applyPlanned, openFlowHost, planAndApply, planFiles, readStateDirFiles, stateHeadOf } from './agent/flow.js';
const paths = JSON.parse(process.env.FLOW_PATHS);
const name = process.env.FLOW_SERVICE;
const manifest = ${JSON.stringify(MANIFEST)};
const host = await openFlowHost(paths);
const out = await planAndApply({
  requestLock: { dataDir: paths.dataDir, waitMs: 300000 },
  maxReplans: 10,
  async makePlan() {
    const base = await stateHeadOf(paths.stateDir);
    const files = readStateDirFiles(paths.stateDir);
    const names = [...(files['services.yaml'] ?? '').matchAll(/^ {4}- name: (\\S+)$/gm)].map((m) => m[1]);
    names.push(name);
    names.sort();
    const svc = ['apiVersion: claude.os/v1', 'kind: ServiceManifest', 'metadata:', '  name: test', 'spec:', '  services:',
      ...names.flatMap((n) => ['    - name: ' + n, '      image: claude-os-local/busybox:latest', '      command: "sleep 3600"'])].join('\\n') + '\\n';
    const r = await planFiles(host, { ...files, 'manifest.yaml': files['manifest.yaml'] ?? manifest, 'services.yaml': svc }, { request: 'add ' + name, engine: 'user', base, now: new Date(), env: process.env });
    if (!r.ok) throw new Error(r.problems.join('\\n'));
    return r.planned;
  },
  approve: async () => true,
  apply: (p) => applyPlanned(host, p, { now: () => new Date(), actor: { name: 'u-' + name, email: 'u@t' }, yes: true, lockWaitMs: 300000 }),
});
process.stdout.write(JSON.stringify({ status: out.status, replans: out.replans }));
`,
    );
  });
  afterAll(() => {
    child?.cleanup();
    ten?.cleanup();
  });

  it('ten processes, each adding one service at the same time: ten commits, ten services, all running', async () => {
    const names = Array.from({ length: 10 }, (_, i) => ten.n(`s${i}`));
    const results = await Promise.all(
      names.map(
        (name) =>
          new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
            const p = spawn(process.execPath, [child!.script], { env: { ...ten.env, FLOW_PATHS: JSON.stringify(ten.paths), FLOW_SERVICE: name }, stdio: ['ignore', 'pipe', 'pipe'] });
            let out = '';
            let err = '';
            p.stdout.on('data', (b: Buffer) => (out += b.toString()));
            p.stderr.on('data', (b: Buffer) => (err += b.toString()));
            p.on('close', (code) => resolve({ code, out, err }));
          }),
      ),
    );
    for (const r of results) {
      if (r.code !== 0) console.log(r.err);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.out)).toMatchObject({ status: 'applied' });
    }
    const repo = await openStateRepo(ten.paths.stateDir);
    const history = await repo.history();
    expect(history).toHaveLength(10);
    expect(history.map((h) => h.request).sort()).toEqual(names.map((n) => `add ${n}`).sort());
    // linear: each commit's parent is the one before
    for (let i = 0; i < 9; i++) expect(history[i]!.parents).toEqual([history[i + 1]!.commit]);
    expect(serviceNamesOf((await repo.filesAt('HEAD'))['services.yaml'])).toEqual([...names].sort());
    for (const n of names) expect(containerStatus(n)).toBe('running');
    expect(existsSync(join(ten.paths.dataDir, 'request.lock'))).toBe(false);
  }, 600_000); // 31 s on a quiet machine; over 300 s at load 43
});
