/**
 * The CLI socket's workers (agent/cli-socket.ts, cli/remote.ts; docs/architecture.md, "The CLI
 * socket"), with the real bin/claude as the worker and the client:
 * - a worker that ran a read-only command takes the next one, with its own environment and
 *   working dir (byte for byte what the in-process CLI says), and is not replaced;
 * - two warm workers: two commands typed at once are both taken at once (the wait for a
 *   worker that is still starting is cut to 1 ms here, so a command no warm worker took
 *   would fall back, which CLAUDE_DAEMON=require turns into exit 70);
 * - a new build (dist/cli/main.js rewritten, in a copy of the package) replaces the idle
 *   workers without waiting for a command, and the next command is taken by a worker of the
 *   new build instead of falling back ("another build of Claude.OS");
 * - `claude reconcile --serve` serves the CLI socket too (on a state dir that does not
 *   validate, so its passes apply nothing).
 * The workers' warm-up observes the shared dockerd (read-only). Needs `npm run build`. The
 * sockets, workers, daemon and temp dirs are removed afterwards.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCliSocket, type CliSocket } from '../agent/cli-socket.js';
import { packageRoot } from '../common/paths.js';
import { until } from '../runtime/testutil/cli-host.js';

const root = packageRoot();
const example = join(root, 'fixtures', 'states', 'spec-example');
let tmp: string;
const sockets: CliSocket[] = [];
const procs: ChildProcess[] = [];

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'claude-cli-socket-'));
});

afterAll(async () => {
  for (const s of sockets) s.close();
  for (const p of procs) {
    if (p.exitCode === null && p.signalCode === null) {
      const exited = new Promise((r) => p.once('exit', r));
      p.kill('SIGTERM');
      await exited;
    }
  }
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

function envFor(dataDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, CLAUDE_DATA_DIR: dataDir, CLAUDE_ROOT: join(tmp, 'root'), CLAUDE_STATE_DIR: example, NO_COLOR: '1' };
  delete env.CLAUDE_TRACE;
  delete env.CLAUDE_DAEMON;
  return env;
}

/** bin/claude `args` as its own process; resolves with its status and output. */
function claude(bin: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return claudeIn(bin, args, env, tmp);
}

function claudeIn(bin: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [bin, ...args], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout!.on('data', (d) => (stdout += d));
    p.stderr!.on('data', (d) => (stderr += d));
    p.once('close', (status) => resolve({ status, stdout, stderr }));
  });
}

async function socketFor(name: string, bin: string, waitMs: number, log: string[]): Promise<{ sock: CliSocket; env: NodeJS.ProcessEnv }> {
  const dataDir = join(tmp, name);
  mkdirSync(dataDir);
  mkdirSync(join(tmp, 'root'), { recursive: true });
  // the workers are forked with this process's environment: the data dir is the test's
  const saved = { ...process.env };
  Object.assign(process.env, envFor(dataDir));
  let sock: CliSocket | null;
  try {
    sock = await startCliSocket({ dataDir, bin, log: (l) => log.push(l), waitMs });
  } finally {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  }
  expect(sock, log.join('\n')).not.toBeNull();
  sockets.push(sock!);
  return { sock: sock!, env: envFor(dataDir) };
}

describe('the CLI socket keeps warm workers', () => {
  it('two commands typed at once are both taken at once: a spare worker is warm beside the first', async () => {
    const log: string[] = [];
    const bin = join(root, 'bin', 'claude');
    const { sock, env } = await socketFor('spare', bin, 1, log);
    await until('two warm workers', () => sock.idleWorkers().length === 2, { ms: 180_000, everyMs: 200, detail: () => log.join('\n') });
    const args = ['validate', '--state-dir', example];
    const [a, b] = await Promise.all([claude(bin, args, { ...env, CLAUDE_DAEMON: 'require' }), claude(bin, args, { ...env, CLAUDE_DAEMON: 'require' })]);
    const want = await claude(bin, args, { ...env, CLAUDE_DAEMON: '0' });
    expect(want.status, want.stderr).toBe(0);
    for (const r of [a, b]) expect(r).toEqual(want);
  }, 240_000);

  it('a worker that ran a read-only command takes the next one, with that command\'s own environment and working dir', async () => {
    const log: string[] = [];
    const bin = join(root, 'bin', 'claude');
    const { sock, env } = await socketFor('reuse', bin, 60_000, log);
    await until('two warm workers', () => sock.idleWorkers().length === 2, { ms: 180_000, everyMs: 200, detail: () => log.join('\n') });
    const warm = [...sock.idleWorkers()].sort();
    const bad = join(tmp, 'reuse-bad');
    mkdirSync(bad);
    writeFileSync(join(bad, 'network.yaml'), 'apiVersion: claude.os/v1\nkind: NetworkConfig\nmetadata: {name: n}\nspec:\n  bogus: 1\n');
    // the state dir from the environment, then from the working dir: each command sees its own
    const cases: [NodeJS.ProcessEnv, string[], string, number][] = [
      [{ ...env, CLAUDE_STATE_DIR: bad }, ['validate'], tmp, 1],
      [{ ...env, CLAUDE_STATE_DIR: example }, ['validate'], tmp, 0],
      [{ ...env, CLAUDE_STATE_DIR: '/nonexistent' }, ['validate', '--state-dir', '.'], example, 0],
      [{ ...env, CLAUDE_STATE_DIR: '/nonexistent' }, ['validate', '--state-dir', '.'], bad, 1],
      [{ ...env, CLAUDE_STATE_DIR: bad }, ['validate', '--json'], tmp, 1],
    ];
    for (const [e, args, cwd, code] of cases) {
      const via = await claudeIn(bin, args, { ...e, CLAUDE_DAEMON: 'require' }, cwd);
      const own = await claudeIn(bin, args, { ...e, CLAUDE_DAEMON: '0' }, cwd);
      expect({ args, cwd, ...via }).toEqual({ args, cwd, ...own });
      expect(via.status, via.stderr).toBe(code);
    }
    // the same two workers ran all five (none was replaced)
    await until('both workers warm again', () => sock.idleWorkers().length === 2, { ms: 60_000, everyMs: 100 });
    expect([...sock.idleWorkers()].sort()).toEqual(warm);
  }, 400_000);

  it('a new build replaces the idle workers; the next command is taken by a worker of it, not sent back', async () => {
    // a copy of the package whose build can change without touching the checkout's dist/
    const pkg = join(tmp, 'pkg');
    mkdirSync(pkg);
    cpSync(join(root, 'bin'), join(pkg, 'bin'), { recursive: true });
    cpSync(join(root, 'dist'), join(pkg, 'dist'), { recursive: true, preserveTimestamps: true });
    for (const f of readdirSync(root)) if (!['bin', 'dist', '.git'].includes(f)) symlinkSync(join(root, f), join(pkg, f));
    const bin = join(pkg, 'bin', 'claude');
    const log: string[] = [];
    const { sock, env } = await socketFor('build', bin, 60_000, log);
    await until('two warm workers', () => sock.idleWorkers().length === 2, { ms: 180_000, everyMs: 200, detail: () => log.join('\n') });
    const old = sock.idleWorkers();
    const args = ['validate', '--state-dir', example];
    expect((await claude(bin, args, { ...env, CLAUDE_DAEMON: 'require' })).status).toBe(0);
    // `npm run build` rewrites dist/cli/main.js: a new build. The daemon sees it within 2 s
    // (without a command) and replaces its warm workers with workers of the new build.
    const later = new Date(Date.now() + 5000);
    utimesSync(join(pkg, 'dist', 'cli', 'main.js'), later, later);
    await until('warm workers of the new build', () => sock.idleWorkers().length >= 1 && sock.idleWorkers().every((p) => !old.includes(p)), { ms: 180_000, everyMs: 200, detail: () => log.join('\n') });
    expect(log.join('\n')).toContain('a new build of Claude.OS');
    const r = await claude(bin, args, { ...env, CLAUDE_DAEMON: 'require' });
    expect(r.stderr).not.toContain('another build');
    expect(r.status, r.stderr).toBe(0);
  }, 400_000);

  it('a worker still loading is stopped while a command runs and continued after it', async () => {
    // The next worker loading beside a running command took ≈ 0.9 s of CPU from it (an apply
    // through the daemon came out slower than the cold one, agent/cli-socket.ts `pace`).
    const log: string[] = [];
    const bin = join(root, 'bin', 'claude');
    const { sock, env } = await socketFor('pace', bin, 60_000, log);
    await until('two warm workers', () => sock.idleWorkers().length === 2, { ms: 180_000, everyMs: 200, detail: () => log.join('\n') });
    // `events` is not read-only (cli/remote.ts REUSABLE): its worker exits after it, and a new one starts loading.
    const first = await claude(bin, ['events'], { ...env, CLAUDE_DAEMON: 'require' });
    expect(first.stderr).not.toMatch(/still starting|no such socket|another build/);
    const loading = await until('a worker loading', () => sock.loadingWorkers()[0] ?? null, { ms: 30_000, everyMs: 5 });
    // Held by the test until the command below has begun, so it cannot finish loading first
    // (at this machine's load it takes 1-5 s): the socket must then keep it stopped, and continue it.
    process.kill(loading.pid, 'SIGSTOP');
    const state = (pid: number) => readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '')[0];
    // A command that runs until its stdin closes takes the other warm worker.
    const long = spawn(process.execPath, [bin, 'secret', 'set', 'x'], { env: { ...env, CLAUDE_DAEMON: 'require' }, cwd: tmp, stdio: ['pipe', 'ignore', 'ignore'] });
    procs.push(long);
    await until('the command taken by the warm worker', () => sock.idleWorkers().length === 0, { ms: 60_000, everyMs: 20 });
    expect(sock.loadingWorkers()).toEqual([{ pid: loading.pid, paused: true }]);
    // what `claude serve`'s observer asks before its periodic tick (runtime/observe/daemon.ts `busy`)
    expect(sock.busy()).toBe(true);
    await new Promise((r) => setTimeout(r, 500));
    expect(state(loading.pid)).toBe('T');
    // The command ends: the loading worker is continued and becomes warm.
    const ended = new Promise((r) => long.once('exit', r));
    long.stdin!.end();
    await ended;
    await until('the stopped worker continued and warm', () => sock.idleWorkers().includes(loading.pid), { ms: 180_000, everyMs: 100, detail: () => log.join('\n') });
    expect(state(loading.pid)).not.toBe('T');
    await until('no command running', () => !sock.busy(), { ms: 30_000, everyMs: 20 });
  }, 400_000);

  it('claude reconcile --serve serves the CLI socket too', async () => {
    const dataDir = join(tmp, 'reconciler');
    mkdirSync(dataDir);
    mkdirSync(join(tmp, 'root'), { recursive: true });
    const bad = join(tmp, 'bad-state');
    mkdirSync(bad);
    writeFileSync(join(bad, 'services.yaml'), 'apiVersion: claude.os/v1\nkind: ServiceManifest\nmetadata: {name: x}\nspec:\n  services:\n    - name: a\n      image: [\n');
    const bin = join(root, 'bin', 'claude');
    const env = { ...envFor(dataDir), CLAUDE_STATE_DIR: bad };
    let daemonLog = '';
    const d = spawn(process.execPath, [bin, 'reconcile', '--serve', '--pid-file', join(tmp, 'reconciler.pid')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    procs.push(d);
    d.stdout!.on('data', (x) => (daemonLog += x));
    d.stderr!.on('data', (x) => (daemonLog += x));
    const args = ['validate', '--state-dir', example];
    const want = await claude(bin, args, { ...env, CLAUDE_DAEMON: '0' });
    const got = await until(
      'the reconciler to take a command on its CLI socket',
      async () => {
        const r = await claude(bin, args, { ...env, CLAUDE_DAEMON: 'require' });
        return r.status === 70 && /still starting|no such socket/.test(r.stderr) ? null : r;
      },
      { ms: 180_000, everyMs: 500, detail: () => daemonLog },
    );
    expect(got).toEqual(want);
    // its workers are the reconciler's children
    expect(spawnSync('pgrep', ['-P', String(d.pid)], { encoding: 'utf8' }).stdout.trim()).not.toBe('');
    const exited = new Promise((r) => d.once('exit', r));
    d.kill('SIGTERM');
    await exited;
    expect((await claude(bin, args, { ...env, CLAUDE_DAEMON: 'require' })).stderr).toContain('no such socket');
  }, 240_000);
});
