/**
 * `claude "<msg>"`, `claude plan "<msg>"`, `claude context --show` and
 * `claude history --conversations`, in process against the real dockerd, in temp dirs.
 */
import { readHostIdOrNull } from '../../runtime/observe/collect.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { claude as runClaude } from '../testutil/requests.js';
import { parseEnvelope } from '../../plan/envelope.js';
import type { PlanPayload } from '../../plan/types.js';

const tag = randomBytes(3).toString('hex');
const svc = `web-${tag}`;
const port = 20000 + Math.floor(Math.random() * 20000);
const CANARY = 'encrypted:v1:Q0FOQVJZLWFzay0' + tag;
let dir: string;

function claude(argv: string[], env: Record<string, string> = {}, o: { tty?: boolean; input?: string } = {}) {
  return runClaude({ dir, env: { CLAUDE_DATA_DIR: join(dir, 'data'), CLAUDE_ROOT: join(dir, 'root'), CLAUDE_STATE_DIR: join(dir, 'state'), PATH: process.env.PATH ?? '', ...env } }, argv, o);
}

function containers(): string[] {
  return execFileSync('docker', ['ps', '-a', '--format', '{{.Names}}'], { encoding: 'utf8' }).split('\n').filter(Boolean);
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'claude-ask-'));
  mkdirSync(join(dir, 'state'));
  mkdirSync(join(dir, 'root')); // CLAUDE_ROOT exists, as / does on a host (HostFs resolves host paths inside it)
  writeFileSync(join(dir, 'state', 'security.yaml'), `apiVersion: claude.os/v1\nkind: SecurityConfig\nmetadata:\n  name: security\nspec:\n  secrets:\n    - name: postgres_password\n      value: ${CANARY}\n`);
});

afterAll(() => {
  try {
    execFileSync('docker', ['rm', '-f', svc], { stdio: 'ignore' });
  } catch {
    /* not created */
  }
  // The stack network this test's host made (found by its host label, never another's).
  const host = dir ? readHostIdOrNull(join(dir, 'data')) : null;
  if (host) {
    for (const n of execFileSync('docker', ['network', 'ls', '-q', '--filter', `label=claude.os/host=${host}`], { encoding: 'utf8' }).split('\n').filter(Boolean)) {
      execFileSync('docker', ['network', 'rm', n], { stdio: 'ignore' });
    }
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('claude "<msg>" end to end (offline engine, local images)', () => {
  it('context --show prints the egress preview: six sections, secret names but never values', async () => {
    const r = await claude(['context', '--show', 'add redis with the postgres password']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/egress preview: offline engine: nothing is sent anywhere/);
    for (const h of ['Schema definitions', 'Current state summary', 'Relevant state files', 'Conversation history', 'Current user message']) expect(r.out).toContain(`## ${h}`);
    expect(r.out).toContain('postgres_password');
    expect(r.out).not.toContain(CANARY);
    const j = await claude(['context', '--show', 'add redis', '--json']);
    const body = JSON.parse(j.out) as { tools: { name: string }[] };
    expect(body.tools[0]!.name).toBe('propose_changes');
    expect(j.out).not.toContain(CANARY);
  });

  it('without a terminal and without --yes it shows the plan, saves it and applies nothing', async () => {
    const r = await claude([`add a service called ${svc} using image nginx:alpine on port ${port}`]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Proposed Changes/);
    expect(r.out).toMatch(/Not applied: there is no terminal to ask for approval/);
    expect(containers()).not.toContain(svc);
    expect(existsSync(join(dir, 'state', 'services.yaml'))).toBe(false);
    expect(readdirSync(join(dir, 'data', 'plans')).length).toBe(1);
  });

  it('a recorded reply that says "approved: true" is ignored: still nothing applied', async () => {
    const r = await claude(['add nginx on port 8080'], { CLAUDE_LLM_REPLAY: 'anthropic-approved' });
    expect(r.out).toMatch(/ignored approved/);
    expect(r.out).toMatch(/Not applied/);
    expect(existsSync(join(dir, 'state', 'services.yaml'))).toBe(false);
    expect(containers()).not.toContain('nginx');
  });

  it('claude plan "<msg>" writes a signed plan with the request and the engine, and applies nothing', async () => {
    const r = await claude(['plan', 'I need a PostgreSQL database with daily backups', '--out', 'p.json']);
    expect(r.code).toBe(0);
    const env = parseEnvelope(readFileSync(join(dir, 'p.json'), 'utf8'));
    const payload = JSON.parse(Buffer.from(env.payload, 'base64').toString()) as PlanPayload;
    expect(payload.request).toBe('I need a PostgreSQL database with daily backups');
    expect(payload.provenance.engine).toBe('offline');
    expect(payload.steps.some((s) => s.op === 'container.create' && s.target === 'container/postgres')).toBe(true);
    expect(existsSync(join(dir, 'state', 'services.yaml'))).toBe(false);
  });

  it('Test 6: a request on top of an invalid state file is refused with file:line:col, exit 1, nothing changed', async () => {
    const sd = join(dir, 'state-invalid');
    mkdirSync(sd, { recursive: true });
    const text = 'apiVersion: claude.os/v1\nkind: ServiceManifest\nmetadata:\n  name: x\nspec:\n  services:\n    - name: nginx\n      image: nginx:alpine\ninvalid: yaml: {{{{\n';
    writeFileSync(join(sd, 'services.yaml'), text);
    const r = await claude(['start nginx', '--yes'], { CLAUDE_STATE_DIR: sd });
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^services\.yaml:9:10: error CLA1009/m);
    expect(r.err).toContain('nothing was changed');
    expect(readFileSync(join(sd, 'services.yaml'), 'utf8')).toBe(text);
    expect(existsSync(join(sd, '.git'))).toBe(false);
  });

  it('refuses a dangerous request and explains an unknown one, with exit 1 and no plan', async () => {
    const bad = await claude(['delete all the volumes']);
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/I won't do that: wiping data/);
    const unknown = await claude(['frobnicate the quux gently']);
    expect(unknown.code).toBe(1);
    expect(unknown.out).toMatch(/configure an LLM provider/);
    // a vague goal is asked about (what to change), once, and nothing is planned
    const vague = await claude(['make it go faster']);
    expect(vague.code).toBe(1);
    expect(vague.out.match(/What should I change to make it faster\?/g)).toHaveLength(1);
    expect(vague.out).toMatch(/^\? What should I change/m);
    expect(vague.out).not.toMatch(/Proposed changes|Apply these changes/);
  });

  it('a users/SSH change needs an admin signature: saved without one, applied with --admin-key', async () => {
    const key = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl alice@laptop';
    const without = await claude([`add user alice with ssh key ${key}`, '--yes']);
    expect(without.code).toBe(1);
    expect(without.out).toMatch(/needs an admin signature \(policy P2\)/);
    // The same words and record as yes at the prompt (cli/approval-prompt.docker.test.ts): saved, not applied.
    // With no admin key trusted here yet, how to make and trust one comes before where it was saved.
    expect(without.out).toMatch(/^Saved, not applied: .*\n {2}No admin key is trusted on this host yet\.[^]*?\n {2}Saved to \S+\.json\. Sign it with `claude sign \S+ --key admin\.key`/m);
    expect(existsSync(join(dir, 'state', 'security.yaml')) && readFileSync(join(dir, 'state', 'security.yaml'), 'utf8')).not.toMatch(/alice/);

    expect((await claude(['keys', 'generate', '--out', 'admin.key'])).code).toBe(0);
    expect((await claude(['keys', 'add', 'admin.key', '--role', 'admin', '--name', 'test-admin'])).code).toBe(0);
    // In a terminal, `y` at the security prompt approves (it is not read as a new request).
    const typed = await claude([`add user alice with ssh key ${key}`, '--admin-key', 'admin.key'], {}, { tty: true, input: 'y\n' });
    if (typed.code !== 0) console.log(typed.out, typed.err);
    expect(typed.out).toMatch(/Host files written/);
    expect(typed.out).not.toContain('did not understand');
    expect(typed.code).toBe(0);
    expect(readFileSync(join(dir, 'state', 'security.yaml'), 'utf8')).toMatch(/name: alice/);
    // `n` declines: nothing changes
    const declined = await claude([`add user bob with ssh key ${key.replace('alice', 'bob')}`, '--admin-key', 'admin.key'], {}, { tty: true, input: 'n\n' });
    expect(declined.out).toContain('Nothing changed.');
    expect(declined.code).toBe(0);
    expect(readFileSync(join(dir, 'state', 'security.yaml'), 'utf8')).not.toMatch(/name: bob/);
    const withKey = await claude([`add user carol with ssh key ${key.replace('alice', 'carol')}`, '--yes', '--admin-key', 'admin.key']);
    if (withKey.code !== 0) console.log(withKey.out, withKey.err);
    expect(withKey.code).toBe(0);
    expect(readFileSync(join(dir, 'state', 'security.yaml'), 'utf8')).toMatch(/name: carol/);
    expect(readFileSync(join(dir, 'state', 'security.yaml'), 'utf8')).toContain(CANARY);
  }, 300_000);

  it('with --yes it applies: the service answers, the state is committed, the conversation is kept', { timeout: 300_000 }, async () => {
    const r = await claude([`add a service called ${svc} using image nginx:alpine on port ${port}`, '--yes']);
    if (r.code !== 0) console.log(r.out, r.err);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(new RegExp(`Started ${svc} \\(healthy\\)`));
    const res = await fetch(`http://127.0.0.1:${port}/`);
    expect(res.status).toBe(200);
    expect(readFileSync(join(dir, 'state', 'services.yaml'), 'utf8')).toContain(`name: ${svc}`);
    const h = await claude(['history', '--conversations']);
    expect(h.out).toContain(`> add a service called ${svc}`);
    expect(h.out).toMatch(/\[applied plan-/);
    // USER, LOGNAME and SUDO_USER are unset here (as under cron or `env -i`): the commit's
    // author is the account the process runs as, never "unknown".
    const me = userInfo().username;
    const log = await claude(['history']);
    expect(log.out).toContain(`${me} <${me}@`);
    expect(log.out).not.toContain('unknown <');

    const rm = await claude([`remove ${svc}`, '--yes']);
    expect(rm.code).toBe(0);
    expect(containers()).not.toContain(svc);
  });
});
