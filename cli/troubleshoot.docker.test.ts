/**
 * The troubleshooting flow against the real Docker Engine (spec Test 3 and Example 2).
 * Every container, service and state dir carries this run's suffix; the run has its own data
 * dir, so its own host id, and counts only the containers it made as managed (other tests
 * share this dockerd); ports are random free ones on 127.0.0.1, and everything is removed in
 * afterAll.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CommandContext } from './context.js';
import { applyStateFiles, llmExplainer, maybeTroubleshoot, runTroubleshoot } from './troubleshoot.js';
import { findingsContext } from '../compiler/diagnose/context.js';
import { troubleshootingRequest } from '../compiler/diagnose/intent.js';
import { tcpAnswers } from '../runtime/observe/ports.js';
import { packageRoot } from '../common/paths.js';
import { readHostId } from '../plan/keys.js';
import { freePort } from '../runtime/testutil/ports.js';
import { removeDockerByName } from '../runtime/testutil/docker-cleanup.js';
import { capturedContext } from './testutil/cli.js';

const sfx = randomBytes(4).toString('hex');
const n = (x: string) => `${x}-${sfx}`;
let dir: string;

function docker(...args: string[]): string {
  return execFileSync('docker', args, { encoding: 'utf8' }).trim();
}

function ctxFor(stateDir: string): { ctx: CommandContext; out: () => string; err: () => string } {
  const c = capturedContext({ env: { CLAUDE_DATA_DIR: join(dir, 'data'), CLAUDE_ROOT: join(dir, 'root'), CLAUDE_STATE_DIR: stateDir }, cwd: dir });
  return { ctx: { argv: [], ...c.ctx }, out: c.out, err: c.err };
}

function servicesYaml(services: { name: string; port: number; image?: string; extra?: string }[]): string {
  return [
    'apiVersion: claude.os/v1',
    'kind: ServiceManifest',
    'metadata:',
    '  name: diagnose-test',
    'spec:',
    '  services:',
    ...services.flatMap((s) => [
      `    - name: ${s.name}`,
      `      image: ${s.image ?? 'claude-os-local/web:latest'}`,
      '      ports:',
      `        - host: ${s.port}`,
      '          container: 80',
      '          host_ip: 127.0.0.1',
      ...(s.extra ? [s.extra] : []),
    ]),
    '',
  ].join('\n');
}

function stateDir(name: string, files: Record<string, string>): string {
  const d = join(dir, name);
  mkdirSync(d, { recursive: true });
  for (const [f, t] of Object.entries(files)) writeFileSync(join(d, f), t);
  return d;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'claude-diagnose-'));
  mkdirSync(join(dir, 'data'));
  mkdirSync(join(dir, 'root'));
});

afterAll(() => {
  removeDockerByName(sfx);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('troubleshooting (real dockerd)', () => {
  it('Test 3: a stopped web service is named, restarted through a plan, and answers again', async () => {
    const web = n('web');
    const port = await freePort();
    const sd = stateDir('state-t3', { 'services.yaml': servicesYaml([{ name: web, port }]) });
    const a = ctxFor(sd);
    const first = await applyStateFiles(a.ctx, { 'services.yaml': readFileSync(join(sd, 'services.yaml'), 'utf8') }, { request: 'set up a web server', verifyServices: [web], verifyTimeoutMs: 10_000 });
    if (!first.ok) console.log(a.out(), a.err());
    expect(first.ok).toBe(true);
    expect(await tcpAnswers(port)).toBe(true);

    docker('stop', '-t', '1', web);
    expect(await tcpAnswers(port)).toBe(false);

    const message = 'the website is down';
    const req = troubleshootingRequest(message, [{ name: web, image: 'claude-os-local/web:latest', ports: [port] }]);
    expect(req).toEqual({ kind: 'down', service: web });
    // the natural-language path: claude "the website is down" --yes (what ask.ts calls)
    expect(await maybeTroubleshoot(ctxFor(sd).ctx, 'set up redis', { yes: true })).toBeNull();
    const b = ctxFor(sd);
    const code = await maybeTroubleshoot(b.ctx, message, { yes: true, verifyTimeoutMs: 10_000 });
    const text = b.out();
    if (code !== 0) console.log(text, b.err());
    expect(text).toContain(`Checking ${web}... ✗ Container exited (exit code 0)`);
    expect(text).toMatch(/I found the problem: .* was stopped/);
    expect(text).toContain(`1. Restart ${web}`);
    expect(text).toContain(`✓ Started ${web} (running)`);
    expect(text).toMatch(new RegExp(`✓ Website is now accessible at http://127\\.0\\.0\\.1:${port}`));
    expect(code).toBe(0);
    expect(await tcpAnswers(port)).toBe(true);
    // the fix went through the state repo like any apply: a commit whose message holds the request
    const log = execFileSync('git', ['-C', sd, 'log', '--format=%s%n%b'], { encoding: 'utf8' });
    expect(log).toContain(message);

    // healthy now: diagnose says so and proposes nothing
    const c = ctxFor(sd);
    const again = await runTroubleshoot(c.ctx, { service: web });
    expect(again.code).toBe(0);
    expect(again.result.diagnosis.healthy).toBe(true);
    expect(c.out()).toContain(`Checking ${web}... ✓ running`);

    // an unknown service is an error that names the known ones
    const d = ctxFor(sd);
    expect((await runTroubleshoot(d.ctx, { service: 'nope' })).code).toBe(1);
    expect(d.err()).toBe(`claude: no service named 'nope'; services: ${web}\n`);
  }, 90_000);

  it('at the prompt in a terminal, "explain more" explains and "yes" applies the fix (not "Nothing was changed")', async () => {
    const web = n('asked');
    const port = await freePort();
    const sd = stateDir('state-asked', { 'services.yaml': servicesYaml([{ name: web, port }]) });
    const a = ctxFor(sd);
    expect((await applyStateFiles(a.ctx, { 'services.yaml': readFileSync(join(sd, 'services.yaml'), 'utf8') }, { request: 'web', verifyServices: [web], verifyTimeoutMs: 10_000 })).ok).toBe(true);
    docker('stop', '-t', '1', web);
    const c = capturedContext({ env: { CLAUDE_DATA_DIR: join(dir, 'data'), CLAUDE_ROOT: join(dir, 'root'), CLAUDE_STATE_DIR: sd }, cwd: dir, tty: true, input: 'explain more\nyes\n' });
    const { code } = await runTroubleshoot({ argv: [], ...c.ctx }, { message: 'the website is down', service: web, verifyTimeoutMs: 10_000 });
    const text = c.out();
    expect(text).toContain('Apply this fix? [yes/no/explain more]');
    expect(text).toContain('Option 1 changes:');
    // "explain more" gives the detail behind the diagnosis, not the diagnosis again (it
    // printed the same finding twice): the container's state, its logs, the commands to look.
    const finding = /^✗ .*\[OBS\d+\]$/m.exec(text)?.[0];
    expect(finding, text).toBeDefined();
    expect(text.split(finding!).length - 1).toBe(1);
    expect(text).toContain(`Container ${web} (claude-os-local/web:latest): state exited, exit code 0`);
    expect(text).toContain(`    docker logs --tail 50 ${web}`);
    expect(text).toContain(`    claude logs ${web} -n 50`);
    expect(text).toContain(`  To apply it without asking: claude diagnose ${web} --yes`);
    expect(text).not.toContain('Nothing was changed.');
    expect(text).toContain(`✓ Started ${web} (running)`);
    expect(code).toBe(0);
    expect(await tcpAnswers(port)).toBe(true);
  }, 90_000);

  it('with an LLM provider configured, the findings go to the model and its explanation is shown', async () => {
    const web = n('llmweb');
    const port = await freePort();
    const sd = stateDir('state-llm', { 'services.yaml': servicesYaml([{ name: web, port }]) });
    const a = ctxFor(sd);
    expect((await applyStateFiles(a.ctx, { 'services.yaml': readFileSync(join(sd, 'services.yaml'), 'utf8') }, { request: 'web', verifyServices: [web], verifyTimeoutMs: 10_000 })).ok).toBe(true);
    docker('stop', '-t', '1', web);
    const b = ctxFor(sd);
    b.ctx.env.CLAUDE_LLM_REPLAY = join(packageRoot(), 'fixtures/llm-replies/anthropic-diagnose.json');
    const code = await maybeTroubleshoot(b.ctx, 'the website is down', { noFix: true });
    const text = b.out();
    expect(text).toContain('The web server container was stopped by hand');
    expect(text).not.toContain('I found the problem:');
    expect(text).toContain(`1. Restart ${web}`);
    expect(code).toBe(1); // not fixed: --no-fix

    // what the model is sent: the user's words and the findings, fenced as data
    const c = ctxFor(sd);
    c.ctx.env.CLAUDE_LLM_REPLAY = b.ctx.env.CLAUDE_LLM_REPLAY;
    const llm = await llmExplainer(c.ctx);
    expect(llm).not.toBeNull();
    try {
      const { diagnosis } = await runTroubleshoot(ctxFor(sd).ctx, { service: web, noFix: true }).then((r) => r.result);
      await llm!.explain({ findings: findingsContext(diagnosis), diagnosis, proposal: { explanation: '', options: [], manual: [] }, message: 'the website is down' });
      const sent = llm!.sent().join('\n');
      expect(sent).toContain('the website is down');
      expect(sent).toContain('BEGIN UNTRUSTED DATA');
      expect(sent).toContain(`${web}: Container exited (exit code 0)`);
    } finally {
      await llm!.close();
    }
  }, 60_000);

  it('Example 2: an unmanaged container holds the port; diagnose names it and the fix moves the service', async () => {
    const site = n('site');
    const squat = n('squat');
    const port = await freePort();
    docker('run', '-d', '--name', squat, '-p', `127.0.0.1:${port}:8000`, 'claude-os-local/busybox:latest', 'httpd', '-f', '-p', '8000');
    const sd = stateDir('state-ex2', { 'services.yaml': servicesYaml([{ name: site, port }]) });
    const a = ctxFor(sd);
    const first = await applyStateFiles(a.ctx, { 'services.yaml': readFileSync(join(sd, 'services.yaml'), 'utf8') }, { request: 'set up the site', verifyServices: [site], verifyTimeoutMs: 5000 });
    // the planner sees the squatter and refuses before anything changes
    expect(first.ok).toBe(false);
    expect(first.apply).toBeNull();
    expect(a.err()).toMatch(new RegExp(`CLA4002: .*already published by container ${squat}`));

    const b = ctxFor(sd);
    const { code, result } = await runTroubleshoot(b.ctx, { message: 'the website is down', service: site, yes: true, verifyTimeoutMs: 10_000 });
    const text = b.out();
    if (code !== 0) console.log(text, b.err());
    const conflict = result.diagnosis.findings.find((f) => f.analyzer === 'port-conflict');
    expect(conflict?.data?.holder).toEqual({ container: squat, managed: false, pid: Number(docker('inspect', '-f', '{{.State.Pid}}', squat)) });
    expect(text).toContain(`Port ${port} is already in use by '${squat}'`);
    expect(text).toMatch(/which Claude\.OS does not manage/);
    // the plan never removes an unmanaged container: the fix moves the service instead
    expect(result.proposal?.options[0]?.changed).toEqual(['services.yaml']);
    const moved = Number(/Move .* to port (\d+)/.exec(text)?.[1]);
    expect(moved).toBeGreaterThan(0);
    expect(moved).not.toBe(port);
    expect(code).toBe(0);
    expect(text).toContain(`✓ Website is now accessible at http://127.0.0.1:${moved}`);
    expect(readFileSync(join(sd, 'services.yaml'), 'utf8')).toContain(`host: ${moved}`);
    // the squatter was left alone
    expect(docker('inspect', '-f', '{{.State.Running}}', squat)).toBe('true');
  }, 90_000);

  it('Example 2 with an orphaned managed container: the fix removes the orphan and restarts the service', async () => {
    const web = n('front');
    const orphan = n('apache2');
    const port = await freePort();
    const sd = stateDir('state-orphan', { 'services.yaml': servicesYaml([{ name: web, port }]) });
    const a = ctxFor(sd);
    const first = await applyStateFiles(a.ctx, { 'services.yaml': readFileSync(join(sd, 'services.yaml'), 'utf8') }, { request: 'set up front', verifyServices: [web], verifyTimeoutMs: 10_000 });
    expect(first.ok).toBe(true);
    docker('stop', '-t', '1', web);
    // a container from a previous configuration, still carrying the managed labels (this instance's host id), grabs the port
    const hostId = readHostId(join(dir, 'data'));
    docker('run', '-d', '--name', orphan, '-l', 'claude.os/managed=true', '-l', `claude.os/service=${orphan}`, '-l', `claude.os/host=${hostId}`, '-p', `127.0.0.1:${port}:8000`, 'claude-os-local/busybox:latest', 'httpd', '-f', '-p', '8000');

    const b = ctxFor(sd);
    const { code, result } = await runTroubleshoot(b.ctx, { message: 'the website is down', service: web, yes: true, verifyTimeoutMs: 10_000 });
    const text = b.out();
    if (code !== 0) console.log(text, b.err());
    expect(text).toMatch(new RegExp(`orphaned container \\('${orphan}', PID \\d+\\) from a previous configuration`));
    expect(text).toContain(`1. Stop and remove the orphaned container '${orphan}'`);
    expect(text).toContain(`2. Restart ${web}`);
    expect(result.proposal?.options[0]?.changed).toEqual([]);
    expect(code).toBe(0);
    expect(text).toContain(`✓ Website is now accessible at http://127.0.0.1:${port}`);
    expect(docker('ps', '-aq', '--filter', `name=^${orphan}$`)).toBe('');
  }, 90_000);
});
