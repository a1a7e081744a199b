/**
 * The approval question through the CLI socket (docs/architecture.md, "The CLI socket"), as a
 * person sees it: a real `claude serve` keeps the warm CLI worker; `claude apply` runs in a
 * real terminal (tmux) with CLAUDE_DAEMON=require (so it is the worker that runs it, or the
 * command fails), shows the plan and the question; `no` (typed, echoed once: the terminal's
 * raw mode is the worker's readline's) changes nothing; `yes` starts the service and the
 * command exits 0. A second apply that waits is told so in the terminal: for the apply lock
 * held by another process (the runtime's event), and for the state repo's commit lock (pidlock's
 * notice, written to the worker's process.stderr). Each test seeds the state files it needs and
 * brings the system to its own starting point, so either runs alone (`-t`) or in any order.
 * Needs dockerd, tmux and `npm run build`.
 * Names carry this run's tag; the daemon, the lock holder, the containers, the network, the tmux
 * server and the temp dir are removed afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { CLAUDE_BIN, seedSleepers, tempHost, tmuxTerminal, until, type TempHost } from '../runtime/testutil/cli-host.js';
import { removeDockerByName } from '../runtime/testutil/docker-cleanup.js';
import { transpileForChild } from '../runtime/testutil/transpile-child.js';

const tag = `clid${randomBytes(3).toString('hex')}`;
const term = tmuxTerminal(`claude-clidaemon-${tag}`);
let host: TempHost;
let daemon: ChildProcess;
let daemonLog = '';

const containers = () => execFileSync('docker', ['ps', '--filter', `name=${tag}`, '--format', '{{.Names}} {{.State}}'], { encoding: 'utf8' }).trim();

/**
 * Starts `claude apply ARGS` in tmux through the socket and waits for `shown`; retried while
 * no worker was warm yet ("still starting").
 */
async function applyInTerminal(args = '', shown = (x: string) => x.includes('Apply these changes? [yes/no]')): Promise<string> {
  return until(
    'claude apply to run through the socket',
    async () => {
      term.start(['sh', '-c', `"$0" apply ${args}; echo "exit status $?"`, CLAUDE_BIN], { env: { ...host.env, CLAUDE_DAEMON: 'require' }, cwd: host.base, width: 200, height: 60 });
      const s = await term.waitFor('the expected screen or a refusal', (x) => shown(x) || x.includes('did not take the command'), 180_000);
      if (s.includes('the CLI worker is still starting')) return null;
      expect(s).not.toContain('did not take the command');
      return s;
    },
    { ms: 300_000, everyMs: 500 },
  );
}

// Another process holding the apply lock and the state repo's commit lock: `apply` on stdin
// releases the first, `state` the second (and it exits).
const lockHolder = transpileForChild(
  ['runtime/lock.ts'],
  `import { createInterface } from 'node:readline';
import { acquireApplyLock } from './runtime/lock.js';
import { acquirePidLock } from './runtime/pidlock.js';
const [dataDir, stateLock] = process.argv.slice(2);
const apply = await acquireApplyLock(dataDir, { planId: 'plan-held-by-test' });
const state = await acquirePidLock(stateLock, { purpose: 'held by the test' });
process.stdout.write('held ' + apply.owner.token + '\\n');
for await (const line of createInterface({ input: process.stdin })) {
  if (line === 'apply') apply.release();
  if (line === 'state') { state(); process.exit(0); }
}
`,
);
let holder: ChildProcess | undefined;

beforeAll(async () => {
  host = tempHost('clidaemon', tag);
  seedSleepers(host, tag, [{ name: `${tag}-app` }]); // state files for the socket check's `claude validate`; each test seeds its own
  daemon = spawn(process.execPath, [CLAUDE_BIN, 'serve', '--port', '0'], { env: host.env, cwd: host.base, stdio: ['ignore', 'pipe', 'pipe'] });
  daemon.stdout!.on('data', (d) => (daemonLog += d));
  daemon.stderr!.on('data', (d) => (daemonLog += d));
  await until('the CLI socket', () => spawnSync(process.execPath, [CLAUDE_BIN, 'validate'], { env: { ...host.env, CLAUDE_DAEMON: 'require' }, encoding: 'utf8' }).status === 0, { ms: 180_000, everyMs: 500, detail: () => daemonLog });
}, 240_000);

afterAll(async () => {
  term.kill();
  if (holder && holder.exitCode === null) holder.kill('SIGKILL');
  lockHolder.cleanup();
  if (daemon && daemon.exitCode === null) {
    const exited = new Promise((r) => daemon.once('exit', r));
    daemon.kill('SIGTERM');
    await exited;
  }
  removeDockerByName(tag);
  host?.remove();
}, 60_000);

describe('a prompt through the CLI socket', () => {
  it('claude apply asks in the terminal: no changes nothing, yes applies, each answer echoed once', async () => {
    // Its own service, so the plan starts it whatever ran before (the other test leaves others running).
    seedSleepers(host, tag, [{ name: `${tag}-one` }]);
    const before = containers();
    let s = await applyInTerminal();
    expect(s).toContain(`${tag}-one`);
    term.type('no');
    s = await term.waitFor('Nothing changed', (x) => x.includes('Nothing changed.'));
    expect(s).toMatch(/Apply these changes\? \[yes\/no\] no\n/);
    expect(s).not.toContain('nono');
    expect(containers()).toBe(before);

    s = await applyInTerminal();
    term.type('yes');
    const status = await until('claude apply to exit', () => /^exit status (\d+)$/m.exec(term.screen())?.[1], { ms: 300_000, detail: () => term.screen() });
    s = term.screen();
    expect(s).toMatch(/Apply these changes\? \[yes\/no\] yes\n/);
    expect(s).not.toContain('yesyes');
    expect(s.split('Apply these changes?')[1]).toContain(`Started ${tag}-one`);
    expect(status, s).toBe('0');
    expect(containers()).toBe(`${tag}-one running`);
  }, 600_000);

  it('a second apply that waits is told so in the terminal: for the apply lock, and for the state commit lock', async () => {
    // Its starting point: `${tag}-app` applied (so the state repo has a commit and its lock file) and running.
    seedSleepers(host, tag, [{ name: `${tag}-app` }]);
    const first = spawnSync(process.execPath, [CLAUDE_BIN, 'apply', '--yes'], { env: host.env, cwd: host.base, encoding: 'utf8', timeout: 300_000 });
    expect(first.status, first.stdout + first.stderr).toBe(0);
    expect(containers()).toBe(`${tag}-app running`);
    seedSleepers(host, tag, [{ name: `${tag}-app` }, { name: `${tag}-two` }]);
    const stateLock = join(host.stateDir, '.git', 'claude-state.lock');
    holder = spawn(process.execPath, [lockHolder.script, host.dataDir, stateLock], { stdio: ['pipe', 'pipe', 'inherit'] });
    let held = '';
    holder.stdout!.on('data', (d) => (held += d));
    const token = await until('the other process to hold both locks', () => /^held (\d+)$/m.exec(held)?.[1], { ms: 60_000 });
    let s = await applyInTerminal('--yes', (x) => x.includes('waiting for another apply'));
    expect(s).toMatch(new RegExp(`… waiting for another apply to finish \\(pid ${holder.pid}, apply plan-held-by-test, token ${token}\\)\n`));
    holder.stdin!.write('apply\n');
    s = await term.waitFor('the commit lock notice', (x) => x.includes('claude-state.lock ('), 120_000);
    expect(s).toMatch(new RegExp(`waiting for ${stateLock.replace(/[.]/g, '\\.')} \\(\\d+ s so far\\): held by pid ${holder.pid} on \\S+ since \\S+ \\(held by the test\\), which is alive and still working\n`));
    holder.stdin!.write('state\n');
    const status = await until('claude apply to exit', () => /^exit status (\d+)$/m.exec(term.screen())?.[1], { ms: 300_000, detail: () => term.screen() });
    s = term.screen();
    expect(s).toContain(`Started ${tag}-two`);
    expect(status, s).toBe('0');
    expect(daemonLog).not.toContain('claude-state.lock');
    expect(containers().split('\n').sort()).toEqual([`${tag}-app running`, `${tag}-two running`]);
  }, 600_000);
});
