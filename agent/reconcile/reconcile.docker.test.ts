/**
 * The reconciler daemon end to end, as a person runs it: `claude reconcile --serve` in its
 * own process against the real Docker Engine, a webhook receiver on 127.0.0.1, the state
 * files edited by hand, `docker stop` by hand, `claude apply` answered in a terminal (tmux).
 *
 *   - start-up pass applies the state files; a second daemon on the same data dir refuses
 *   - Spec Test 6: a corrupted services.yaml is logged at file:line:col, a notification
 *     reaches the webhook, nothing changes; after the fix the change applies, committed by
 *     "claude-reconciler (hand edit)"
 *   - `docker stop` of a managed container: drift reported (event + webhook), self-healed
 *   - require_approval: a valid hand edit waits as the pending plan (status, API file),
 *     `claude apply` with no argument shows it and applies it on "yes"
 *   - kill -9 in the middle of an apply: the next start settles it before watching
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDockerByName } from '../../runtime/testutil/docker-cleanup.js';
import { transpileForChild, type ChildBuild } from '../../runtime/testutil/transpile-child.js';
import { until } from '../../runtime/testutil/cli-host.js';

const tag = `rcl${randomBytes(3).toString('hex')}`;
const web = `${tag}-web`;
const slow = `${tag}-slow`;
let dir: string;
let child: ChildBuild;
let receiver: Server;
let hookUrl: string;
const hooks: { kind: string; title: string; detail?: string[] }[] = [];
const daemons: ChildProcess[] = [];

const state = () => join(dir, 'state');
const env = () => ({ ...process.env, CLAUDE_STATE_DIR: state(), CLAUDE_DATA_DIR: join(dir, 'data'), CLAUDE_ROOT: join(dir, 'root'), CLAUDE_RECONCILER_PID_FILE: join(dir, 'reconciler.pid'), USER: 'tester' });

function manifest(o: { requireApproval: boolean }): string {
  return `apiVersion: claude.os/v1
kind: SystemManifest
metadata:
  name: ${tag}
spec:
  safety:
    require_approval: ${o.requireApproval}
  reconcile:
    drift: self_heal
    interval: 3s
  notifications:
    webhook:
      url: ${hookUrl}
      timeout: 2s
      retries: 1
  images:
    pull: false
    aliases:
      nginx: claude-os-local/web:latest
`;
}

function services(envValue: string, extra = ''): string {
  return `apiVersion: claude.os/v1
kind: ServiceManifest
metadata:
  name: ${tag}
spec:
  services:
    - name: ${web}
      image: nginx:alpine
      environment:
        GREETING: "${envValue}"
      healthcheck:
        test: "wget -q -O- http://127.0.0.1/ || exit 1"
        interval: 500ms
        timeout: 2s
        retries: 20
${extra}`;
}

interface Daemon {
  proc: ChildProcess;
  log(): string;
  exited: Promise<number | null>;
}

function startDaemon(): Daemon {
  const proc = spawn(process.execPath, [child.script, 'reconcile', '--serve'], { env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
  daemons.push(proc);
  let log = '';
  proc.stdout!.on('data', (d: Buffer) => (log += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  return { proc, log: () => log, exited };
}

async function stopDaemon(d: Daemon): Promise<void> {
  if (d.proc.exitCode !== null || d.proc.signalCode !== null) return;
  d.proc.kill('SIGTERM');
  await d.exited;
}

function inspect(name: string): { id: string; running: boolean; env: string[]; labels: Record<string, string> } | null {
  try {
    const j = JSON.parse(execFileSync('docker', ['inspect', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })) as { Id: string; State: { Running: boolean }; Config: { Env: string[]; Labels: Record<string, string> } }[];
    return { id: j[0]!.Id, running: j[0]!.State.Running, env: j[0]!.Config.Env, labels: j[0]!.Config.Labels };
  } catch {
    return null;
  }
}

function git(...args: string[]): string {
  return execFileSync('git', ['-C', state(), ...args], { encoding: 'utf8' }).trim();
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'claude-reconcile-'));
  mkdirSync(state());
  child = transpileForChild(['cli/main.ts'], "import { run } from './cli/main.js';\nrun(process.argv.slice(2));\n");
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      try {
        hooks.push(JSON.parse(body) as (typeof hooks)[number]);
      } catch {
        /* not JSON: the assertions on hooks fail */
      }
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
  hookUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hook`;
}, 120_000);

afterAll(async () => {
  for (const d of daemons) if (d.exitCode === null && d.signalCode === null) d.kill('SIGKILL');
  try {
    execFileSync('tmux', ['-L', tag, 'kill-server'], { stdio: 'ignore' });
  } catch {
    /* no tmux server */
  }
  removeDockerByName(tag);
  receiver?.closeAllConnections();
  await new Promise((r) => receiver?.close(r));
  child?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 120_000);

describe('claude reconcile --serve', () => {
  let d: Daemon;

  it('applies the state files at start-up; a second daemon on the same data dir refuses to start', async () => {
    writeFileSync(join(state(), 'manifest.yaml'), manifest({ requireApproval: false }));
    writeFileSync(join(state(), 'services.yaml'), services('one'));
    d = startDaemon();
    await until('the start-up apply', () => d.log().includes('watching '), { ms: 120_000, detail: d.log });
    expect(inspect(web)?.running).toBe(true);
    expect(readFileSync(join(dir, 'reconciler.pid'), 'utf8').trim()).toBe(String(d.proc.pid));
    const second = startDaemon();
    expect(await second.exited).toBe(1);
    expect(second.log()).toContain('another claude-reconciler is already running on');
    expect(second.log()).toContain(`(pid ${d.proc.pid})`);
    expect(readFileSync(join(dir, 'reconciler.pid'), 'utf8').trim()).toBe(String(d.proc.pid));
  }, 180_000);

  it('Spec Test 6: a corrupted file is logged at file:line:col, notified to the webhook, and nothing changes; the fix applies', async () => {
    const before = inspect(web)!;
    const head = git('rev-parse', 'HEAD');
    appendFileSync(join(state(), 'services.yaml'), 'invalid: yaml: {{{{\n');
    const hook = await until('the webhook notification', () => hooks.find((h) => h.kind === 'reconcile.failed'), { ms: 30_000, detail: d.log });
    expect(hook.title).toMatch(/do not validate/);
    expect(hook.detail!.join('\n')).toMatch(/^services\.yaml:\d+:\d+: error CLA\d+/m);
    expect(d.log()).toMatch(/claude-reconciler: services\.yaml:\d+:\d+: error CLA\d+/);
    const events = readFileSync(join(dir, 'data', 'events.jsonl'), 'utf8');
    expect(events).toMatch(/"type":"reconcile.failed","stage":"validate"/);
    // Periodic passes later (one every 3 s here): the same failure is counted, not said again in
    // full nor sent again; the log says the count at the 2nd and 4th pass in a row; nothing changed.
    await until('the 4th failed pass in a row', () => d.log().includes('still failing (validate): 4 passes in a row since'), { ms: 60_000, detail: d.log });
    expect(d.log()).toMatch(/claude-reconciler: still failing \(validate\): 2 passes in a row since \S+, the same as logged then: the state files do not validate/);
    expect(d.log().match(/services\.yaml:\d+:\d+: error CLA\d+/g)!.length).toBe(hook.detail!.filter((l) => /^services\.yaml:/.test(l)).length);
    expect(inspect(web)!.id).toBe(before.id);
    expect(git('rev-parse', 'HEAD')).toBe(head);
    expect(hooks.filter((h) => h.kind === 'reconcile.failed')).toHaveLength(1);
    expect(readFileSync(join(dir, 'data', 'events.jsonl'), 'utf8').match(/"type":"reconcile.failed"/g)).toHaveLength(1);
    // `claude status` shows the failure with its count.
    const status = execFileSync(process.execPath, [child.script, 'status'], { env: env(), encoding: 'utf8' });
    expect(status).toMatch(/^Reconciler failing \(validate\): \d+ passes in a row since \S+, the last at \S+$/m);
    expect(status).toMatch(/^ {2}services\.yaml:\d+:\d+: error CLA\d+/m);
    const failing = (JSON.parse(execFileSync(process.execPath, [child.script, 'status', '--json'], { env: env(), encoding: 'utf8' })) as { failing: { stage: string; passes: number } }).failing;
    expect(failing.stage).toBe('validate');
    expect(failing.passes).toBeGreaterThanOrEqual(4);

    // The fix, with a change: the container is replaced, the edit committed by the reconciler.
    writeFileSync(join(state(), 'services.yaml'), services('two'));
    const after = await until('the fixed change applied', () => {
      const c = inspect(web);
      return c && c.running && c.env.includes('GREETING=two') ? c : null;
    }, { ms: 120_000, detail: d.log });
    expect(after.id).not.toBe(before.id);
    await until('the commit', () => git('rev-parse', 'HEAD') !== head, { ms: 30_000, detail: d.log });
    expect(git('log', '-1', '--format=%an')).toBe('claude-reconciler (hand edit)');
    expect(git('log', '-1', '--format=%B')).toContain('hand edit of services.yaml');
    const recovered = await until('the recovery notice', () => hooks.find((h) => h.kind === 'reconcile.recovered'), { ms: 30_000 });
    // How long the failure lasted is said once: in the log, the notification and `claude events`.
    expect(recovered.title).toMatch(/^the state files validate and plan again, after \d+ failed passes since \S+$/);
    expect(d.log()).toMatch(/the state files validate and plan again, after \d+ failed passes \(validate\) since/);
    const shown = execFileSync(process.execPath, [child.script, 'events', '--since', '1h'], { env: env(), encoding: 'utf8' });
    expect(shown).toMatch(/reconcile\.recovered.*recovered after \d+ failed passes \(validate\) since \S+: was the state files do not validate/);
    expect(execFileSync(process.execPath, [child.script, 'status', '--json'], { env: env(), encoding: 'utf8' })).toContain('"failing": null');
  }, 240_000);

  it('docker stop of a managed container is reported and self-healed', async () => {
    const n = hooks.length;
    execFileSync('docker', ['stop', '-t', '1', web], { stdio: 'ignore' });
    const drift = await until('the drift notification', () => hooks.slice(n).find((h) => h.kind === 'drift.detected'), { ms: 60_000, detail: d.log });
    expect(drift.detail!.join('\n')).toContain(`container ${web}: was running, now exited (stopped outside Claude.OS)`);
    await until('the self-heal', () => inspect(web)?.running, { ms: 60_000, detail: d.log });
    await until('the corrected notification', () => hooks.slice(n).find((h) => h.kind === 'drift.corrected'), { ms: 30_000, detail: d.log });
    expect(git('log', '-1', '--format=%an')).toBe('claude-reconciler (self-heal)');
    expect(readFileSync(join(dir, 'data', 'events.jsonl'), 'utf8')).toMatch(/"type":"reconcile.started","planId":"plan-[0-9a-f]+","steps":1,"trigger":"drift \(/);
  }, 180_000);

  it('require_approval: a hand edit waits as the pending plan; `claude apply` shows it and applies it on yes', async () => {
    writeFileSync(join(state(), 'manifest.yaml'), manifest({ requireApproval: true }));
    await until('the manifest edit recorded', () => git('log', '-1', '--format=%B').includes('hand edit of manifest.yaml'), { ms: 30_000, detail: d.log });
    const before = inspect(web)!;
    writeFileSync(join(state(), 'services.yaml'), services('three'));
    const pendingFile = join(dir, 'data', 'reconciler', 'pending.json');
    await until('the pending plan', () => existsSync(pendingFile), { ms: 30_000, detail: d.log });
    const pending = JSON.parse(readFileSync(pendingFile, 'utf8')) as { planId: string; rule: string; changedFiles: string[] };
    expect(pending.rule).toBe('E3');
    expect(pending.changedFiles).toEqual(['services.yaml']);
    await until('the pending notification', () => hooks.find((h) => h.kind === 'reconcile.pending'), { ms: 30_000 });
    // A few passes later it is still waiting, the same plan (not superseded by itself), nothing applied.
    await new Promise((r) => setTimeout(r, 4000));
    expect(inspect(web)!.id).toBe(before.id);
    expect((JSON.parse(readFileSync(pendingFile, 'utf8')) as { planId: string }).planId).toBe(pending.planId);
    const status = execFileSync(process.execPath, [child.script, 'status', '--json'], { env: env(), encoding: 'utf8' });
    expect((JSON.parse(status) as { pending: { planId: string } }).pending.planId).toBe(pending.planId);

    // `claude apply` in a terminal: it shows the pending plan and asks.
    const tmux = (...a: string[]) => execFileSync('tmux', ['-L', tag, ...a], { encoding: 'utf8' });
    const envArgs = Object.entries(env()).filter(([k]) => k.startsWith('CLAUDE_') || k === 'USER' || k === 'PATH').map(([k, v]) => `${k}=${v}`);
    tmux('new-session', '-d', '-s', tag, '-x', '200', '-y', '50', 'env', ...envArgs, process.execPath, child.script, 'apply');
    tmux('set-option', '-t', tag, 'remain-on-exit', 'on');
    const screen = () => tmux('capture-pane', '-p', '-J', '-S', '-500', '-t', tag);
    let s = await until('the prompt', () => (screen().includes('Apply this plan? [yes/no]') ? screen() : null), { ms: 60_000, detail: screen });
    expect(s).toContain(`Pending approval since`);
    expect(s).toContain('a change of services.yaml');
    expect(s).toContain('require_approval is true');
    expect(s).toMatch(/Replace container '.*-web'/);
    tmux('send-keys', '-t', tag, 'yes', 'Enter');
    s = await until('the apply', () => (/Applied|applied/.test(screen().split('Apply this plan?')[1] ?? '') ? screen() : null), { ms: 120_000, detail: screen });
    await until('the new container', () => inspect(web)?.env.includes('GREETING=three'), { ms: 60_000, detail: d.log });
    expect(existsSync(pendingFile)).toBe(false);
    expect(git('log', '-1', '--format=%an')).toBe('tester');
  }, 300_000);

  it('kill -9 in the middle of an apply: the next start settles it before watching', async () => {
    writeFileSync(join(state(), 'manifest.yaml'), manifest({ requireApproval: false }));
    await until('the manifest edit recorded', () => git('log', '-1', '--format=%B').includes('hand edit of manifest.yaml'), { ms: 30_000, detail: d.log });
    // A service that never becomes healthy: the apply waits for it, and is killed there.
    const slowSvc = `    - name: ${slow}
      image: nginx:alpine
      healthcheck:
        test: "exit 1"
        interval: 1s
        timeout: 1s
        retries: 100
`;
    writeFileSync(join(state(), 'services.yaml'), services('three', slowSvc));
    await until('the slow container created', () => inspect(slow), { ms: 60_000, detail: d.log });
    d.proc.kill('SIGKILL');
    await d.exited;
    // While no daemon runs, the slow service is taken out of the files again.
    writeFileSync(join(state(), 'services.yaml'), services('three'));
    d = startDaemon();
    await until('watching again', () => d.log().includes('watching '), { ms: 120_000, detail: d.log });
    const log = d.log();
    expect(log).toMatch(/recovered plan-[0-9a-f]+ at start-up: rollback/);
    expect(log.indexOf('recovered ')).toBeLessThan(log.indexOf('watching '));
    expect(inspect(slow)).toBeNull();
    expect(inspect(web)?.running).toBe(true);
    expect(execFileSync('docker', ['ps', '-a', '--filter', `name=${tag}`, '--format', '{{.Names}}'], { encoding: 'utf8' }).trim().split('\n')).toEqual([web]);
    await stopDaemon(d);
    expect(existsSync(join(dir, 'reconciler.pid'))).toBe(false);
  }, 300_000);
});
