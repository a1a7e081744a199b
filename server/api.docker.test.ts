/**
 * `claude serve`'s API and web UI against the real dockerd: a per-run temp host (its own
 * state dir, data dir, root and host id, so other tests' containers are foreign), the
 * server on a random port of 127.0.0.1, requests through the offline engine with service
 * names and host ports of this run. Firewall plans are planned, never applied (they would
 * load nft rules in the host's namespace).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { claude, newTestRun, type TestRun } from '../cli/testutil/requests.js';
import { freePort } from '../runtime/testutil/ports.js';
import { ApiServer } from './server.js';
import { ApiService } from './service.js';
import { loadOrCreateApiToken } from './token.js';

let run: TestRun;
let server: ApiServer;
let base: string;
let token: string;

interface Res {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  headers: Headers;
}

async function call(method: string, path: string, body?: unknown, o: { token?: string | null; contentType?: string; raw?: string } = {}): Promise<Res> {
  const headers: Record<string, string> = {};
  const t = o.token === undefined ? token : o.token;
  if (t !== null) headers.authorization = `Bearer ${t}`;
  if (body !== undefined || o.raw !== undefined) headers['content-type'] = o.contentType ?? 'application/json';
  const res = await fetch(base + path, { method, headers, ...(o.raw !== undefined ? { body: o.raw } : body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* not JSON (the UI) */
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

const ask = (message: string, conversationId?: string) => call('POST', '/api/v1/conversation', conversationId ? { message, conversationId } : { message });

function running(name: string): boolean {
  try {
    return execFileSync('docker', ['inspect', '-f', '{{.State.Running}}', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() === 'true';
  } catch {
    return false;
  }
}

async function answers(port: number): Promise<number> {
  for (let i = 0; i < 50; i++) {
    try {
      return (await fetch(`http://127.0.0.1:${port}/`)).status;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return 0;
}

let svc: string;
let other: string;
let port: number;
let otherPort: number;
let firstPlan: string;
let otherPlan: string;

beforeAll(async () => {
  run = newTestRun('claude-api');
  svc = run.n('web');
  other = run.n('other');
  port = await freePort();
  otherPort = await freePort();
  token = loadOrCreateApiToken(run.paths.dataDir).token;
  server = new ApiServer({ paths: run.paths, env: run.env, now: () => new Date(), token, listen: '127.0.0.1', port: 0, log: (l) => process.stderr.write(`${l}\n`), lockWaitMs: 30_000 });
  base = (await server.start()).url.replace(/\/$/, '');
});

afterAll(async () => {
  await server?.stop();
  run?.cleanup();
});

describe('claude serve: the API', () => {
  it('keeps the token in the data dir, mode 0600, and refuses requests without it or with a wrong one (401)', async () => {
    const file = join(run.paths.dataDir, 'api-token');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(loadOrCreateApiToken(run.paths.dataDir)).toMatchObject({ token, created: false });
    const none = await call('GET', '/api/v1/status', undefined, { token: null });
    expect(none.status).toBe(401);
    expect(none.body.error).toMatch(/missing or wrong API token/);
    expect(none.body.hint).toMatch(/Authorization: Bearer/);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const wrong = await call('POST', '/api/v1/conversation', { message: 'add redis' }, { token: token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A') });
    expect(wrong.status).toBe(401);
    expect(existsSync(join(run.paths.dataDir, 'api', 'plans'))).toBe(false);
  });

  it('serves the web UI page with the chat form, as HTML with a CSP; scripts from itself only', async () => {
    const page = await call('GET', '/', undefined, { token: null });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    expect(page.body).toContain('<form id="chat-form">');
    expect(page.body).not.toMatch(/https?:\/\//);
    const js = await call('GET', '/ui/app.js', undefined, { token: null });
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.body).toContain('/api/v1/session'); // the bundle npm run build makes (dist/ui)
    expect((await call('GET', '/ui/uplot.css', undefined, { token: null })).status).toBe(200);
    expect((await call('GET', '/nope', undefined, { token: null })).status).toBe(404);
  });

  it('rejects bad bodies with {error, hint}: too large 413, not JSON 415, broken JSON 400, unknown field 400', async () => {
    const big = await call('POST', '/api/v1/conversation', { message: 'x'.repeat(70 * 1024) });
    expect(big.status).toBe(413);
    expect(big.body.error).toMatch(/at most 65536/);
    const text = await call('POST', '/api/v1/conversation', undefined, { raw: 'message=hi', contentType: 'application/x-www-form-urlencoded' });
    expect(text.status).toBe(415);
    expect(text.body.hint).toMatch(/Content-Type: application\/json/);
    const broken = await call('POST', '/api/v1/conversation', undefined, { raw: '{"message": ' });
    expect(broken.status).toBe(400);
    expect(broken.body.error).toMatch(/not valid JSON/);
    const unknown = await call('POST', '/api/v1/conversation', { mesage: 'add redis' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toBe("unknown field 'mesage'");
    expect(unknown.body.hint).toMatch(/did you mean 'message'/);
    const method = await call('DELETE', '/api/v1/conversation');
    expect(method.status).toBe(405);
  });

  it('a conversation returns the explanation and a saved, signed plan with the Proposed Changes text; nothing runs yet', { timeout: 120_000 }, async () => {
    // A second plan made from the same state, applied later: stale by then.
    const o = await ask(`add a service called ${other} using image nginx:alpine on port ${otherPort}`);
    expect(o.status).toBe(200);
    otherPlan = o.body.plan.id;

    const r = await ask(`add a service called ${svc} using image nginx:alpine on port ${port}`);
    expect(r.status).toBe(200);
    expect(r.body.conversationId).toMatch(/^[A-Za-z0-9-]+$/);
    expect(r.body.status).toBe('proposed');
    expect(r.body.explanation).toContain(svc);
    expect(r.body.plan.show).toMatch(/Proposed Changes/);
    expect(r.body.plan.show).toContain(svc);
    expect(r.body.plan.needsConfirmation).toBe(false);
    expect(r.body.plan.summary).toBe('1 to create, 0 to update, 0 to delete');
    firstPlan = r.body.plan.id;
    expect(r.body.plan.file).toBe(join(run.paths.dataDir, 'api', 'plans', `${firstPlan}.json`));
    expect(JSON.parse(readFileSync(r.body.plan.file, 'utf8')).payloadType).toBe('application/vnd.claude-os.plan+json');
    expect(running(svc)).toBe(false);
    expect(existsSync(join(run.paths.stateDir, 'services.yaml'))).toBe(false);
  });

  it('Cancel invalidates a plan on the server: it can no longer be applied (409), and a second cancel is harmless', { timeout: 120_000 }, async () => {
    const p = await freePort();
    const r = await ask(`add a service called ${run.n('cancelled')} using image nginx:alpine on port ${p}`);
    const id = r.body.plan.id;
    const c = await call('POST', `/api/v1/plans/${id}/cancel`);
    expect(c.status).toBe(200);
    expect(c.body).toEqual({ id, status: 'cancelled' });
    expect((await call('GET', `/api/v1/plans/${id}`)).body.meta.status).toBe('cancelled');
    const a = await call('POST', `/api/v1/plans/${id}/apply`, { approve: true });
    expect(a.status).toBe(409);
    expect(a.body.error).toMatch(/was cancelled; it can no longer be applied/);
    expect((await call('POST', `/api/v1/plans/${id}/cancel`)).status).toBe(200);
    expect(running(run.n('cancelled'))).toBe(false);
    const turns = await call('GET', `/api/v1/conversations/${r.body.conversationId}`);
    expect(turns.body.turns.at(-1)).toMatchObject({ status: 'cancelled', planId: id });
  });

  it('apply without approve: true is refused with 400 and changes nothing', async () => {
    const none = await call('POST', `/api/v1/plans/${firstPlan}/apply`, {});
    expect(none.status).toBe(400);
    expect(none.body.error).toMatch(/not approved/);
    expect(none.body.hint).toMatch(/"approve": true/);
    const str = await call('POST', `/api/v1/plans/${firstPlan}/apply`, { approve: 'true' });
    expect(str.status).toBe(400);
    expect(str.body.error).toMatch(/'approve' must be a boolean/);
    expect((await call('POST', `/api/v1/plans/${firstPlan}/apply`, { approved: true })).status).toBe(400);
    expect(running(svc)).toBe(false);
    expect((await call('GET', `/api/v1/plans/${firstPlan}`)).body.meta.status).toBe('proposed');
  });

  it('apply with approve: true runs it through the runtime: the service answers, recorded with the actor api', { timeout: 180_000 }, async () => {
    const r = await call('POST', `/api/v1/plans/${firstPlan}/apply`, { approve: true });
    if (r.status !== 200) console.log(JSON.stringify(r.body, null, 2));
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('applied');
    expect(r.body.steps.some((s: { op: string; status: string }) => s.op === 'container.create' && s.status === 'done')).toBe(true);
    expect(r.body.reachable.some((x: { port: number }) => x.port === port)).toBe(true);
    expect(await answers(port)).toBe(200);

    const plan = await call('GET', `/api/v1/plans/${firstPlan}`);
    expect(plan.body.meta.status).toBe('applied');
    expect(plan.body.progress.join('\n')).toMatch(new RegExp(`Started ${svc}`));
    const again = await call('POST', `/api/v1/plans/${firstPlan}/apply`, { approve: true });
    expect(again.status).toBe(409);

    const audit = readFileSync(join(run.paths.dataDir, 'audit.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { actor: string; planId: string | null });
    expect(audit.filter((a) => a.planId === firstPlan).every((a) => a.actor === 'api')).toBe(true);
    expect(audit.some((a) => a.planId === firstPlan)).toBe(true);
  });

  it('status shows the service running; history shows the commit by api; events list its start', { timeout: 60_000 }, async () => {
    const s = await call('GET', '/api/v1/status');
    expect(s.status).toBe(200);
    expect(s.body.banner).toMatch(/^System: .+ \| 1 service running \| /);
    const row = s.body.services.find((x: { service: string }) => x.service === svc);
    expect(row).toMatchObject({ service: svc, ports: [port] });
    expect(row.state).toBe('running');
    expect(Array.isArray(s.body.alerts) && Array.isArray(s.body.anomalies)).toBe(true);

    const h = await call('GET', '/api/v1/history');
    expect(h.status).toBe(200);
    expect(h.body.commits[0]).toMatchObject({ planId: firstPlan, author: { name: 'api' } });
    expect(h.body.commits[0].request).toContain(svc);
    expect((await call('GET', '/api/v1/history?limit=0')).status).toBe(400);

    const e = await call('GET', '/api/v1/events?since=1h');
    expect(e.status).toBe(200);
    expect(e.body.events.some((x: { service?: string; type: string }) => x.service === svc && /start/.test(x.type))).toBe(true);
  });

  it('the review names the service and the fields that change old → new (scale: replicas)', { timeout: 120_000 }, async () => {
    const r = await ask(`scale ${svc} to 3 replicas`);
    expect(r.status).toBe(200);
    const res = r.body.plan.review.resources.find((x: { kind: string; name: string }) => x.kind === 'service' && x.name === svc);
    expect(res).toMatchObject({ action: 'update', file: 'services.yaml' });
    expect(res.fields).toContainEqual({ field: 'replicas', old: null, new: '3' });
    expect(res.steps.length).toBeGreaterThan(0);
    expect(r.body.plan.signatures[0]).toMatchObject({ role: 'host', status: 'valid' });
    expect((await call('POST', `/api/v1/plans/${r.body.plan.id}/cancel`)).status).toBe(200);
  });

  it('a plan made before that apply is stale: 409 with what changed and a hint to re-plan; nothing changes', { timeout: 60_000 }, async () => {
    const r = await call('POST', `/api/v1/plans/${otherPlan}/apply`, { approve: true });
    expect(r.status).toBe(409);
    expect(r.body.clause).toBe('V8 base');
    expect(r.body.error).toMatch(/stale/);
    expect(r.body.changes.length).toBeGreaterThan(0);
    expect(r.body.hint).toMatch(/plan it again.*POST \/api\/v1\/conversation/);
    expect(running(other)).toBe(false);
  });

  it('refines by conversationId (also after a restart): the new plan builds on the pending one; the superseded plan cannot be applied', { timeout: 120_000 }, async () => {
    const p2 = await freePort();
    const a = run.n('api2');
    const first = await ask(`add a service called ${a} using image nginx:alpine on port ${p2}`);
    expect(first.body.plan.show).toContain(a);
    const second = await ask('add redis', first.body.conversationId);
    expect(second.status).toBe(200);
    expect(second.body.conversationId).toBe(first.body.conversationId);
    expect(second.body.plan.request).toBe(`add a service called ${a} using image nginx:alpine on port ${p2}; add redis`);
    expect(second.body.plan.show).toContain(a);
    expect(second.body.plan.show).toMatch(/redis/);
    const old = await call('POST', `/api/v1/plans/${first.body.plan.id}/apply`, { approve: true });
    expect(old.status).toBe(409);
    expect(old.body.error).toMatch(/replaced by a refinement/);
    // After a restart (a new service over the same data dir) the conversation goes on from the saved plan's messages.
    const b = run.n('api3');
    const p3 = await freePort();
    const restarted = new ApiService({ paths: run.paths, env: run.env, now: () => new Date() });
    const third = await restarted.conversation({ message: `add a service called ${b} using image nginx:alpine on port ${p3}`, conversationId: first.body.conversationId });
    expect(third.plan?.request).toBe(`add a service called ${a} using image nginx:alpine on port ${p2}; add redis; add a service called ${b} using image nginx:alpine on port ${p3}`);
    expect(third.plan?.show).toContain(a);
    expect(third.plan?.show).toContain(b);
    expect(third.plan?.show).toMatch(/redis/);
    expect((await call('GET', `/api/v1/plans/${second.body.plan.id}`)).body.meta.status).toBe('superseded');
    const turns = await call('GET', `/api/v1/conversations/${first.body.conversationId}`);
    expect(turns.body.turns.filter((t: { role: string }) => t.role === 'user').map((t: { text: string }) => t.text)).toEqual([`add a service called ${a} using image nginx:alpine on port ${p2}`, 'add redis', `add a service called ${b} using image nginx:alpine on port ${p3}`]);
    expect((await ask('add redis', 'no-such-conversation')).status).toBe(404);
  });

  it('a security change is marked as needing confirmation; apply without confirmSecurity is refused before anything changes', { timeout: 120_000 }, async () => {
    const r = await ask('only allow SSH from 10.0.0.0/8');
    expect(r.status).toBe(200);
    expect(r.body.plan.needsConfirmation).toBe(true);
    expect(r.body.plan.risks.some((x: { risk: string }) => x.risk === 'security')).toBe(true);
    expect(r.body.plan.show).toMatch(/security-sensitive/);
    const refused = await call('POST', `/api/v1/plans/${r.body.plan.id}/apply`, { approve: true });
    expect(refused.status).toBe(400);
    expect(refused.body.code).toBe('confirmation-required');
    expect(refused.body.hint).toMatch(/"confirmSecurity": true/);
    expect((await call('GET', `/api/v1/plans/${r.body.plan.id}`)).body.meta.status).toBe('proposed');
    expect(existsSync(join(run.paths.stateDir, 'security.yaml'))).toBe(false);
    // Never applied here: a firewall plan would load nft rules in the host's namespace.
  });

  it('users and SSH keys (policy P2): the runtime refuses without an admin signature (403, how to sign); signed on the host, it applies', { timeout: 180_000 }, async () => {
    const key = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl alice@laptop';
    const r = await ask(`add user alice with ssh key ${key}`);
    expect(r.status).toBe(200);
    expect(r.body.plan.needsAdminSignature).toBe(true);
    expect(r.body.plan.missingSignatures.join(' ')).toMatch(/admin/);
    const refused = await call('POST', `/api/v1/plans/${r.body.plan.id}/apply`, { approve: true, confirmSecurity: true });
    expect(refused.status).toBe(403);
    expect(refused.body.clause).toBe('V3 signature');
    expect(refused.body.refusedBy).toBe('runtime');
    expect(refused.body.hint).toContain(`claude sign ${r.body.plan.file} --key ADMIN.key`);
    expect(refused.body.hint).toMatch(/Nothing was changed/);
    expect(existsSync(join(run.paths.stateDir, 'security.yaml'))).toBe(false);

    expect((await claude(run, ['keys', 'generate', '--out', 'admin.key'])).code).toBe(0);
    expect((await claude(run, ['keys', 'add', 'admin.key', '--role', 'admin', '--name', 'test-admin'])).code).toBe(0);
    expect((await claude(run, ['sign', r.body.plan.file, '--key', 'admin.key'])).code).toBe(0);
    const applied = await call('POST', `/api/v1/plans/${r.body.plan.id}/apply`, { approve: true, confirmSecurity: true });
    if (applied.status !== 200) console.log(JSON.stringify(applied.body, null, 2));
    expect(applied.status).toBe(200);
    expect(readFileSync(join(run.paths.stateDir, 'security.yaml'), 'utf8')).toMatch(/name: alice/);
  });

  it('rollback plans only: unknown commit 404; HEAD gives a saved plan with no changes', { timeout: 60_000 }, async () => {
    const bad = await call('POST', '/api/v1/rollback', { commit: 'deadbeefdead' });
    expect(bad.status).toBe(404);
    expect(bad.body.hint).toMatch(/history/);
    const head = await call('POST', '/api/v1/rollback', { commit: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.body.plan.noChanges).toBe(true);
    expect(head.body.plan.meta.kind).toBe('rollback');
    expect(existsSync(head.body.plan.file)).toBe(true);
  });

  it('"the website is down": the diagnosis and a fix plan; applied on approval, the site answers again', { timeout: 180_000 }, async () => {
    execFileSync('docker', ['stop', '-t', '1', svc], { stdio: 'ignore' });
    const r = await ask(`${svc} is down`);
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('diagnosis');
    expect(r.body.explanation).toMatch(/Let me investigate/);
    expect(r.body.diagnosis.healthy).toBe(false);
    expect(r.body.plan.show).toMatch(/Proposed Changes/);
    expect(running(svc)).toBe(false);
    const applied = await call('POST', `/api/v1/plans/${r.body.plan.id}/apply`, { approve: true, confirmSecurity: r.body.plan.needsConfirmation });
    if (applied.status !== 200) console.log(JSON.stringify(applied.body, null, 2));
    expect(applied.status).toBe(200);
    expect(await answers(port)).toBe(200);
  });

  it('operations said in the conversation: the history, the logs, "undo the last change" plans a rollback (never applied here); "undo that" drops a pending proposal', { timeout: 180_000 }, async () => {
    const commits = (await call('GET', '/api/v1/history')).body.commits as { commit: string }[];
    expect(commits.length).toBeGreaterThanOrEqual(2);
    const h = await ask('what changed in the last 2 hours?');
    expect(h.body.status).toBe('answer');
    expect(h.body.explanation).toMatch(/^Changes since \S+, newest first:/);
    expect(h.body.explanation).toContain(commits[0]!.commit.slice(0, 12));
    expect(h.body.plan).toBeUndefined();

    const l = await ask(`show me the last 5 lines of ${svc}'s logs`);
    expect(l.body.status).toBe('answer');
    expect(l.body.explanation).toMatch(new RegExp(`^The last [0-5] log lines of ${svc}:`));

    const u = await ask('undo the last change');
    expect(u.body.status).toBe('proposed');
    expect(u.body.plan.meta.kind).toBe('rollback');
    expect(u.body.plan.meta.rollbackTo).toBe(commits[1]!.commit);
    expect(u.body.plan.meta.conversationId).toBe(u.body.conversationId);
    expect((await call('GET', '/api/v1/history')).body.commits[0].commit).toBe(commits[0]!.commit); // nothing applied

    const p = await ask(`scale ${svc} to 2 replicas`);
    expect(p.body.plan?.id, JSON.stringify(p.body)).toBeTruthy();
    const undo = await ask('undo that', p.body.conversationId);
    expect(undo.body.explanation).toMatch(/^Dropped the proposal/);
    expect((await call('POST', `/api/v1/plans/${p.body.plan.id}/apply`, { approve: true })).status).toBe(409);
  });
});
