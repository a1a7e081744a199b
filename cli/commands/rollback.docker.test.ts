/**
 * `claude rollback` and `claude diff` on the real dockerd, with real git repos in temp dirs
 * (spec Test 5): apply a stack, apply "stop all services", roll back to the first commit;
 * then the drift report after a `docker stop` by hand and a hand edit of the state files.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readAudit } from '../../runtime/audit.js';
import { openStateRepo } from '../../runtime/state/repo.js';
import { LAST_APPLIED_FILE } from '../../runtime/state/applied.js';
import type { DiffReport } from './diff.js';
import { claude, containerStatus, MANIFEST, newTestRun, randomPort, request, servicesYaml, type TestRun } from '../testutil/requests.js';

let run: TestRun;
let port: number;
const stack = () => [
  { name: run.n('web'), image: 'claude-os-local/web:latest', port: { host: port, container: 80 } },
  { name: run.n('worker') },
];

beforeAll(() => {
  run = newTestRun('claude-rollback');
  port = randomPort();
});
afterAll(() => run?.cleanup());

describe('claude rollback (spec Test 5)', () => {
  let first: string;

  it('apply a stack, stop all services, roll back to the first commit: the services run again; three commits', async () => {
    const a = await request(run, 'set up web and worker', () => ({ 'manifest.yaml': MANIFEST, 'services.yaml': servicesYaml(stack()) }));
    expect(a.status).toBe('applied');
    expect(containerStatus(run.n('web'))).toBe('running');
    expect(containerStatus(run.n('worker'))).toBe('running');
    const repo = await openStateRepo(run.paths.stateDir);
    first = (await repo.headCommit())!;

    const b = await request(run, 'stop all services', (f) => ({ ...f, 'services.yaml': servicesYaml(stack().map((s) => ({ ...s, state: 'stopped' as const }))) }));
    expect(b.status).toBe('applied');
    expect(containerStatus(run.n('web'))).toBe('exited');
    expect(containerStatus(run.n('worker'))).toBe('exited');

    // non-TTY without a commit: a usage error that says what to do
    const bare = await claude(run, ['rollback']);
    expect(bare.code).toBe(2);
    expect(bare.err).toMatch(/name the commit to roll back to: `claude rollback <commit>`/);
    // an unknown commit: a clear error, nothing changed
    const unknown = await claude(run, ['rollback', 'deadbeef', '--yes']);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toMatch(/deadbeef/);
    expect(unknown.err).toMatch(/claude history/);

    const r = await claude(run, ['rollback', first.slice(0, 12), '--yes']);
    if (r.code !== 0) console.log(r.out, r.err);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Proposed Changes/);
    expect(r.out).toMatch(/State committed: [0-9a-f]{12}/);
    expect(containerStatus(run.n('web'))).toBe('running');
    expect(containerStatus(run.n('worker'))).toBe('running');

    const history = await repo.history();
    expect(history).toHaveLength(3);
    expect(history[0]!.request).toBe(`rollback to ${first.slice(0, 12)} ("set up web and worker")`);
    expect(history[1]!.request).toBe('stop all services');
    expect(history[2]!.commit).toBe(first);
    // the state dir holds the first commit's files again, committed as a new commit
    expect(await repo.filesAt('HEAD')).toEqual(await repo.filesAt(first));
    expect(readFileSync(join(run.paths.stateDir, 'services.yaml'), 'utf8')).toBe((await repo.filesAt(first))['services.yaml']);
    expect(await repo.status()).toEqual([]);
    // the plan says where it came from, and the audit log has the rollback
    const rb = readAudit(run.paths.dataDir).filter((x) => x.event === 'rollback');
    expect(rb).toHaveLength(1);
    expect(rb[0]).toMatchObject({ actor: 'tester', planId: history[0]!.planId, details: { to: first, stateCommit: history[0]!.commit } });
  }, 180_000);

  it('in a terminal, lists the recent changes to pick from; declining changes nothing', async () => {
    const repo = await openStateRepo(run.paths.stateDir);
    const before = await repo.history();
    const r = await claude(run, ['rollback'], { tty: true, input: '2\nno\n' });
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Recent changes \(newest first\)/);
    expect(r.out).toMatch(/ 1\) [0-9a-f]{12} .*rollback to .*\(current\)/);
    expect(r.out).toMatch(/ 2\) [0-9a-f]{12} .*stop all services/);
    expect(r.out).toMatch(/Roll back to [0-9a-f]{12}\? \[yes\/no\]/);
    expect(r.out).toMatch(/Nothing changed\./);
    expect(await repo.history()).toHaveLength(before.length);
    expect(containerStatus(run.n('web'))).toBe('running');
    // without a terminal and without --yes: the plan is shown (here as JSON) and saved, nothing applied
    const j = await claude(run, ['rollback', before[1]!.commit, '--json', '--out', 'rb.json']);
    expect(j.code).toBe(0);
    const jo = JSON.parse(j.out) as { status: string; to: string; plan: { provenance: { engine: string }; request: string }; planFile: string };
    expect(jo).toMatchObject({ status: 'not-applied', to: before[1]!.commit, planFile: join(run.dir, 'rb.json') });
    expect(jo.plan.provenance.engine).toBe('rollback');
    expect(jo.plan.request).toBe(`rollback to ${before[1]!.commit.slice(0, 12)} ("stop all services")`);
    expect(existsSync(join(run.dir, 'rb.json'))).toBe(true);
    expect(containerStatus(run.n('web'))).toBe('running');
    // rolling back to the state the system is already in: nothing to do, no commit
    const same = await claude(run, ['rollback', 'HEAD', '--yes']);
    expect(same.code).toBe(0);
    expect(same.out).toMatch(/Nothing to do: the state files and the system already match [0-9a-f]{12}\./);
    expect(await repo.history()).toHaveLength(before.length);
  }, 120_000);
});

describe('claude diff', () => {
  it('shows nothing pending and no drift right after an apply', async () => {
    expect(JSON.parse(readFileSync(join(run.paths.dataDir, LAST_APPLIED_FILE), 'utf8'))).toMatchObject({ fingerprints: { [`container/${run.n('web')}`]: expect.any(String) } });
    const r = await claude(run, ['diff', '--json']);
    expect(r.code).toBe(0);
    const d = JSON.parse(r.out) as DiffReport;
    expect(d.files).toEqual([]);
    expect(d.plan?.steps).toEqual([]);
    expect(d.drift.since).not.toBeNull();
    expect(d.drift.resources).toEqual([]);
  }, 60_000);

  it('names a container stopped by hand, and the pending edits with the plan they would make', async () => {
    execFileSync('docker', ['stop', '-t', '1', run.n('worker')], { stdio: 'ignore' });
    const svc = readFileSync(join(run.paths.stateDir, 'services.yaml'), 'utf8');
    writeFileSync(join(run.paths.stateDir, 'services.yaml'), servicesYaml([...stack(), { name: run.n('extra') }]));
    const r = await claude(run, ['diff', '--json']);
    expect(r.code).toBe(0);
    const d = JSON.parse(r.out) as DiffReport;
    expect(d.files).toEqual([{ file: 'services.yaml', change: 'modified' }]);
    expect(d.plan!.steps.map((s) => s.target)).toEqual(expect.arrayContaining([`container/${run.n('extra')}`, `container/${run.n('worker')}`]));
    expect(d.drift.resources).toHaveLength(1);
    expect(d.drift.resources[0]).toMatchObject({ key: `container/${run.n('worker')}`, change: 'changed', was: { running: true }, now: { running: false } });
    expect(d.drift.resources[0]!.description).toMatch(/was running, now exited \(stopped outside Claude\.OS\)/);

    const text = await claude(run, ['diff']);
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/modified {2}services\.yaml/);
    expect(text.out).toMatch(/Not yet applied \(what a plan of the current files would do\): 1 to create/);
    expect(text.out).toContain(`~ container ${run.n('worker')}: was running, now exited (stopped outside Claude.OS)`);
    writeFileSync(join(run.paths.stateDir, 'services.yaml'), svc);
  }, 60_000);

  it('explains a missing state dir', async () => {
    const r = await claude({ ...run, env: { ...run.env, CLAUDE_STATE_DIR: join(run.dir, 'nope') } }, ['diff']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/the state dir .*nope does not exist/);
  });
});

describe('claude rollback to before a restart (docs/intent.md "Restart")', () => {
  let r2: TestRun;
  beforeAll(() => {
    r2 = newTestRun('claude-rollback-restart');
  });
  afterAll(() => r2?.cleanup());
  const id = (name: string) => execFileSync('docker', ['inspect', '-f', '{{.Id}}', name], { encoding: 'utf8' }).trim();
  /** services.yaml with the worker's label restarted-at (as `claude "restart …"` writes it), or without. */
  const files = (stamp?: string) => ({ 'manifest.yaml': MANIFEST, 'services.yaml': servicesYaml([{ name: r2.n('worker') }]).replace(/( {6}command: .*\n)/, stamp ? `$1      labels:\n        restarted-at: "${stamp}"\n` : '$1') });

  it('keeps the running container (the restart is not undone by one more); a restart asked for after it replaces it again', async () => {
    expect((await request(r2, 'set up worker', () => files())).status).toBe('applied');
    const repo = await openStateRepo(r2.paths.stateDir);
    const before = (await repo.headCommit())!;
    const first = id(r2.n('worker'));
    expect((await request(r2, 'restart worker', () => files('2026-12-05T12:00:00.000Z'))).status).toBe('applied');
    const restarted = id(r2.n('worker'));
    expect(restarted).not.toBe(first);

    const r = await claude(r2, ['rollback', before.slice(0, 12), '--yes']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).not.toMatch(/Replace container/);
    // the same container, still running; the files are the ones before the restart, committed
    expect(id(r2.n('worker'))).toBe(restarted);
    expect(containerStatus(r2.n('worker'))).toBe('running');
    expect(await repo.filesAt('HEAD')).toEqual(await repo.filesAt(before));
    expect((await repo.history())[0]!.request).toBe(`rollback to ${before.slice(0, 12)} ("set up worker")`);
    // and no drift or pending change after it
    const d = JSON.parse((await claude(r2, ['diff', '--json'])).out) as DiffReport;
    expect(d.plan?.steps).toEqual([]);
    expect(d.drift.resources).toEqual([]);

    expect((await request(r2, 'restart worker again', () => files('2026-12-05T13:00:00.000Z'))).status).toBe('applied');
    expect(id(r2.n('worker'))).not.toBe(restarted);
  }, 180_000);
});
