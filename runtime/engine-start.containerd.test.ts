/**
 * A command typed while the device's containerd is still starting (runtime/engine-start.ts):
 * the real `bin/claude services` on containerd, with the boot's marker present and no socket
 * yet, says "the container engine is still starting (N s)" and waits; a private containerd
 * started only after the command was (runtime/testutil/containerd.ts) then answers it, and the
 * command succeeds. Bounded: with no engine ever coming it gives up after the wait it was
 * given, saying how long and where to look. Without the marker nothing waits: a down engine
 * fails at once, as before. And the wait itself on a real Unix socket that starts listening
 * late.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { startContainerd, type TestContainerd } from './testutil/containerd.js';
import { awaitEngineStart, EngineStartTimeout, engineStartFromEnv } from './engine-start.js';

const CLAUDE = resolve(__dirname, '../bin/claude');
const suffix = randomBytes(4).toString('hex');
let tmp: string;
let ctd: TestContainerd | undefined;

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), `claude-engine-start-${suffix}-`));
});
afterAll(async () => {
  await ctd?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  out: string;
  err: string;
  ms: number;
}

/** Runs bin/claude with the device's environment; `onStderr` sees the stderr as it comes. */
function claude(args: string[], env: Record<string, string>, onStderr?: (text: string) => void): Promise<Run> {
  return new Promise((done) => {
    const t0 = Date.now();
    const child = spawn(CLAUDE, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => {
      err += b.toString();
      onStderr?.(err);
    });
    child.on('close', (code) => done({ code, out, err, ms: Date.now() - t0 }));
  });
}

function deviceEnv(name: string, extra: Record<string, string> = {}): Record<string, string> {
  const dir = join(tmp, name);
  mkdirSync(join(dir, 'data'), { recursive: true });
  mkdirSync(join(dir, 'state'), { recursive: true });
  return {
    CLAUDE_ENGINE: 'containerd',
    CLAUDE_CONTAINERD_ADDRESS: join(dir, 'containerd.sock'),
    CLAUDE_CONTAINERD_NAMESPACE: `claude-start-${suffix}`,
    CLAUDE_DATA_DIR: join(dir, 'data'),
    CLAUDE_STATE_DIR: join(dir, 'state'),
    CLAUDE_ROOT: join(dir, 'root'),
    CLAUDE_NO_DAEMON: '1',
    ...extra,
  };
}

describe('a command while the container engine is still starting', () => {
  it('says so, waits, and answers once containerd (started after it) does', async () => {
    const env = deviceEnv('late', { CLAUDE_ENGINE_STARTING: join(tmp, 'late', 'engine-starting'), CLAUDE_ENGINE_START_WAIT: '240' });
    writeFileSync(env.CLAUDE_ENGINE_STARTING!, '');
    // The marker is 7 s old, as if containerd had been started 7 s before the command.
    const t = (Date.now() - 7000) / 1000;
    utimesSync(env.CLAUDE_ENGINE_STARTING!, t, t);
    let said!: () => void;
    const saidIt = new Promise<void>((r) => (said = r));
    const run = claude(['services'], env, (err) => err.includes('still starting') && said());
    // (a command that does not wait ends instead: the assertions below then say what it said)
    void run.then(() => said());
    await saidIt;
    // Only now does the engine come up: a real containerd, its socket linked where the command looks.
    ctd = await startContainerd(`start-${suffix}`);
    symlinkSync(ctd.address, env.CLAUDE_CONTAINERD_ADDRESS!);
    const r = await run;
    expect(r.err).toMatch(/claude services: the container engine is still starting \((\d+) s\); waiting for it to answer \(up to 240 s\)/);
    const started = Number(/still starting \((\d+) s\)/.exec(r.err)![1]);
    expect(started).toBeGreaterThanOrEqual(7);
    expect(r.err).toContain('claude services: the container engine answered');
    expect(r.out).toContain('No services.');
    expect(r.code).toBe(0);
  }, 180_000);

  // `claude status` and a request in plain words (`claude "set up nginx"`, the main flow: `claude ask`) wait as every engine command does.
  it.each([
    ['status', ['status']],
    ['ask', ['set up nginx']],
  ])('claude %s gives up after the wait it was given, and says how long and where to look', async (name, args) => {
    const env = deviceEnv(`never-${name}`, { CLAUDE_ENGINE_STARTING: join(tmp, `never-${name}`, 'engine-starting'), CLAUDE_ENGINE_START_WAIT: '3' });
    writeFileSync(env.CLAUDE_ENGINE_STARTING!, '');
    const r = await claude(args, env);
    expect(r.err).toContain(`claude ${name}: the container engine is still starting`);
    expect(r.err).toMatch(/did not answer within the 3 s waited .*\/var\/log\/containerd\.log/);
    expect(r.err).toContain('Nothing was changed.');
    expect(r.code).toBe(1);
  }, 120_000);

  it('without the marker it does not wait: a down engine fails at once, in one line naming containerd and its socket (services, logs, status)', async () => {
    const env = deviceEnv('down');
    for (const args of [['services'], ['logs', 'web'], ['status']]) {
      const r = await claude(args, env);
      expect(r.err).not.toContain('still starting');
      expect(r.err).not.toContain('Docker');
      // one line: the engine, its socket, how to start it; no summary without services beside it
      expect(r.err).toBe(`claude ${args[0]}: cannot reach containerd at ${env.CLAUDE_CONTAINERD_ADDRESS} (connect ENOENT ${env.CLAUDE_CONTAINERD_ADDRESS}); start containerd (on the device /init starts it at boot: see /var/log/containerd.log), or set CLAUDE_CONTAINERD_ADDRESS to its socket\n`);
      expect(r.out).toBe('');
      expect(r.code).toBe(1);
    }
  }, 120_000);

  it('a wait that is not a number of seconds is refused with the fix', async () => {
    const env = deviceEnv('bad', { CLAUDE_ENGINE_STARTING: join(tmp, 'bad', 'engine-starting'), CLAUDE_ENGINE_START_WAIT: '2m' });
    const r = await claude(['services'], env);
    expect(r.err).toContain("claude services: CLAUDE_ENGINE_START_WAIT='2m' is not a number of seconds: set a whole number, e.g. 300");
    expect(r.code).toBe(2);
  }, 60_000);
});

describe('awaitEngineStart on a real Unix socket', () => {
  let server: Server | undefined;
  afterAll(() => server?.close());

  it('returns at once when there is no marker, and when the socket answers already', async () => {
    const address = join(tmp, 'u1.sock');
    const said: string[] = [];
    expect(await awaitEngineStart({ address, marker: join(tmp, 'no-marker'), limitMs: 5000, notify: (m) => said.push(m) })).toBe(0);
    server = createServer().listen(address);
    await new Promise((r) => server!.once('listening', r));
    const marker = join(tmp, 'u1.marker');
    writeFileSync(marker, '');
    expect(await awaitEngineStart({ address, marker, limitMs: 5000, notify: (m) => said.push(m) })).toBe(0);
    expect(said).toEqual([]);
    server.close();
    server = undefined;
  });

  it('waits for a socket that starts listening late, and stops waiting when the marker goes', async () => {
    const address = join(tmp, 'u2.sock');
    const marker = join(tmp, 'u2.marker');
    writeFileSync(marker, '');
    const said: string[] = [];
    setTimeout(() => (server = createServer().listen(address)), 1200);
    const waited = await awaitEngineStart({ address, marker, limitMs: 20_000, pollMs: 100, notify: (m) => said.push(m) });
    expect(waited).toBeGreaterThanOrEqual(900);
    expect(said[0]).toMatch(/^the container engine is still starting \(\d+ s\); waiting for it to answer \(up to 20 s\)$/);
    expect(said.at(-1)).toMatch(/^the container engine answered/);
    server!.close();
    server = undefined;

    // The start failed: /init removes the marker and the socket never answers: no error here,
    // the command then fails as it does when the engine is down.
    const gone = join(tmp, 'u3.marker');
    writeFileSync(gone, '');
    setTimeout(() => unlinkSync(gone), 500);
    await expect(awaitEngineStart({ address: join(tmp, 'u3.sock'), marker: gone, limitMs: 20_000, pollMs: 100, notify: () => {} })).resolves.toBeGreaterThan(0);
    await expect(awaitEngineStart({ address: join(tmp, 'u4.sock'), marker, limitMs: 600, pollMs: 100, notify: () => {} })).rejects.toBeInstanceOf(EngineStartTimeout);
  });

  it('reads its settings from the environment only for containerd with a marker', () => {
    expect(engineStartFromEnv({ CLAUDE_ENGINE: 'docker', CLAUDE_ENGINE_STARTING: '/run/x' })).toBeNull();
    expect(engineStartFromEnv({ CLAUDE_ENGINE: 'containerd' })).toBeNull();
    expect(engineStartFromEnv({ CLAUDE_ENGINE: 'containerd', CLAUDE_ENGINE_STARTING: '/run/x' })).toEqual({ address: '/run/containerd/containerd.sock', marker: '/run/x', limitMs: 300_000 });
  });
});
