/**
 * The CLI socket (docs/architecture.md, "The CLI socket"), with a real `claude serve` (bin/claude
 * as a process, its own data dir) keeping a warm CLI worker: commands handed to it by
 * bin/claude's thin client say and exit exactly what the in-process CLI says (CLAUDE_DAEMON=0),
 * byte for byte; stdin is forwarded (a secret read from a pipe); the socket is mode 0600 and
 * used only when owned by the client's user; a client in another mount namespace, with the
 * daemon off, or of a command that always runs in-process, falls back silently to the
 * in-process path. CLAUDE_DAEMON=require proves which path ran (it fails instead of falling
 * back). The wire format copy in bin/client.cjs agrees with common/cli-wire.ts. The same cases
 * go through bin/client.pl (bin/claude run as a program: its sh part hands the command to Perl,
 * no Node in the client), and the worker takes its hello (no Node version, the client's
 * dist/cli/main.js) only for this build and this Node on the client's PATH. Needs `npm run
 * build`. The daemon, its worker and the temp dir are removed afterwards.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { frame, frameReader, CLI_WIRE_VERSION } from '../common/cli-wire.js';
import { packageRoot } from '../common/paths.js';
import { until } from '../runtime/testutil/cli-host.js';
import { expectSameOutput, parityCases, type ParityCase } from './cli-cases.js';

const root = packageRoot();
const bin = join(root, 'bin', 'claude');
const example = join(root, 'fixtures', 'states', 'spec-example');
let tmp: string;
let env: NodeJS.ProcessEnv;
let daemon: ChildProcess;
let daemonLog = '';

const claude = (args: string[], extra: NodeJS.ProcessEnv = {}, input?: string) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...env, ...extra }, cwd: tmp, input, timeout: 120_000 });
/**
 * Through the socket (CLAUDE_DAEMON=require: an error, not the in-process path, when it is not
 * taken). Right after a command the next worker may still be loading on this busy machine;
 * the client is then told to run it itself: asked again until a worker takes it.
 */
const viaDaemon = (args: string[], input?: string) => {
  const end = Date.now() + 90_000;
  for (;;) {
    const r = claude(args, { CLAUDE_DAEMON: 'require' }, input);
    if (r.status !== 70 || !r.stderr.includes('the CLI worker is still starting') || Date.now() > end) return r;
  }
};
const inProcess = (args: string[], input?: string) => claude(args, { CLAUDE_DAEMON: '0' }, input);
/** Perl (bin/client.pl needs it; on Debian it is perl-base, always there), or null. */
const perl = spawnSync('sh', ['-c', 'command -v perl'], { encoding: 'utf8' }).stdout.trim() || null;
/**
 * bin/claude run as a program (its sh part), with a `perl` first on PATH that leaves a mark in
 * perl-ran before it runs the real one: with CLAUDE_DAEMON=require, a status other than 70 and
 * the mark prove that bin/client.pl handed the command over (it runs Node only to fall back).
 */
const viaPerl = (args: string[], input?: string, extra: NodeJS.ProcessEnv = {}) => {
  const end = Date.now() + 90_000;
  for (;;) {
    rmSync(join(tmp, 'perl-ran'), { force: true });
    const r = spawnSync(bin, args, { encoding: 'utf8', env: { ...env, CLAUDE_DAEMON: 'require', PATH: `${join(tmp, 'perl-bin')}:${env.PATH}`, ...extra }, cwd: tmp, input, timeout: 120_000 });
    if (r.status !== 70 || !r.stderr.includes('the CLI worker is still starting') || Date.now() > end) return Object.assign(r, { perlRan: existsSync(join(tmp, 'perl-ran')) });
  }
};

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'claude-cli-daemon-'));
  const bad = join(tmp, 'bad');
  mkdirSync(bad);
  writeFileSync(join(bad, 'services.yaml'), 'apiVersion: claude.os/v1\nkind: ServiceManifest\nmetadata: {name: x}\nspec:\n  services:\n    - name: a\n      image: [\n');
  writeFileSync(join(bad, 'network.yaml'), 'apiVersion: claude.os/v1\nkind: NetworkConfig\nmetadata: {name: n}\nspec:\n  bogus: 1\n');
  mkdirSync(join(tmp, 'root'));
  env = { ...process.env, CLAUDE_DATA_DIR: join(tmp, 'data'), CLAUDE_ROOT: join(tmp, 'root'), CLAUDE_STATE_DIR: bad, NO_COLOR: '1' };
  if (perl) {
    mkdirSync(join(tmp, 'perl-bin'));
    writeFileSync(join(tmp, 'perl-bin', 'perl'), `#!/bin/sh\n: > '${join(tmp, 'perl-ran')}'\nexec '${perl}' "$@"\n`, { mode: 0o755 });
  }
  delete env.CLAUDE_TRACE;
  daemon = spawn(process.execPath, [bin, 'serve', '--port', '0'], { env: { ...env, CLAUDE_STATE_DIR: example }, stdio: ['ignore', 'pipe', 'pipe'] });
  daemon.stdout!.on('data', (d) => (daemonLog += d));
  daemon.stderr!.on('data', (d) => (daemonLog += d));
  // Ready when a command is taken (a worker still loading makes the client fall back: 70 with require).
  await until('the CLI socket to take a command', () => viaDaemon(['validate', '--state-dir', example]).status === 0, { ms: 120_000, everyMs: 500, detail: () => daemonLog });
}, 180_000);

afterAll(async () => {
  if (daemon && daemon.exitCode === null) {
    const exited = new Promise((r) => daemon.once('exit', r));
    daemon.kill('SIGTERM');
    await exited;
  }
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('the CLI socket', () => {
  it('is mode 0600, owned by the daemon user, in the data dir', () => {
    const st = statSync(join(tmp, 'data', 'cli.sock'));
    expect(st.isSocket()).toBe(true);
    expect(st.mode & 0o777).toBe(0o600);
    expect(st.uid).toBe(process.getuid!());
  });

  it("the worker's warm-up apply (a host of its own in a temp dir) writes nothing in the daemon's data dir", () => {
    // a worker has warmed up (beforeAll's command ran in one, and its successor is loading or ready)
    const data = readdirSync(join(tmp, 'data'));
    for (const f of ['journal', 'lock.token', 'apply.lock', 'audit.jsonl', 'snapshots', 'applied-plans.jsonl', 'last-applied.json']) expect(data, f).not.toContain(f);
    const workers = spawnSync('pgrep', ['-P', String(daemon.pid)], { encoding: 'utf8' }).stdout.trim().split('\n').filter(Boolean);
    expect(workers.length).toBeGreaterThan(0);
  });

  it('commands handed to the warm worker say and exit what the in-process CLI says, byte for byte', () => {
    const cases: ParityCase[] = [
      ...parityCases(example, tmp),
      [['frobnicate'], 2],
      [['history', '--json'], 0],
      [['secret', 'set', 'Bad-Name'], 2],
    ];
    expectSameOutput(cases, viaDaemon, inProcess);
    // the invalid files are reported with file:line:col through the socket too
    expect(viaDaemon(['validate']).stdout).toMatch(/services\.yaml:\d+:\d+: error CLA1/);
  }, 300_000);

  it.skipIf(!perl)('bin/client.pl (no Node in the client): the same output and exit codes, stdin and the umask forwarded', () => {
    const cases: ParityCase[] = [...parityCases(example, tmp), [['frobnicate'], 2], [['history', '--json'], 0]];
    expectSameOutput(cases, (args) => {
      const r = viaPerl(args);
      expect(r.perlRan, `${args.join(' ')}: bin/client.pl did not run`).toBe(true);
      return r;
    }, inProcess);
    const a = join(tmp, 'pa');
    const b = join(tmp, 'pb');
    for (const d of [a, b]) cpSync(example, d, { recursive: true });
    const r1 = viaPerl(['secret', 'set', 'api_key', '--state-dir', a], 'hunter2\n', {});
    const r2 = inProcess(['secret', 'set', 'api_key', '--state-dir', b], 'hunter2\n');
    expect({ status: r1.status, stdout: r1.stdout.replaceAll(a, 'DIR'), stderr: r1.stderr }).toEqual({ status: r2.status, stdout: r2.stdout.replaceAll(b, 'DIR'), stderr: r2.stderr });
    expect(r1.status, r1.stderr).toBe(0);
    expect(readFileSync(join(a, 'security.yaml'), 'utf8')).toMatch(/- name: api_key\n\s+value: encrypted:v1:/);
    expect(statSync(join(a, 'security.yaml')).mode & 0o777).toBe(statSync(join(b, 'security.yaml')).mode & 0o777);
  }, 300_000);

  it.skipIf(!perl)('bin/client.pl falls back to Node, silently: another mount namespace; with require, it says why', () => {
    const args = ['validate', '--state-dir', example];
    const want = inProcess(args);
    const ns = spawnSync('unshare', ['-m', bin, ...args], { encoding: 'utf8', env: { ...env, PATH: `${join(tmp, 'perl-bin')}:${env.PATH}` }, cwd: tmp });
    expect({ status: ns.status, stdout: ns.stdout, stderr: ns.stderr }).toEqual({ status: want.status, stdout: want.stdout, stderr: want.stderr });
    expect(existsSync(join(tmp, 'perl-ran'))).toBe(true);
    let required;
    do required = spawnSync('unshare', ['-m', bin, ...args], { encoding: 'utf8', env: { ...env, CLAUDE_DAEMON: 'require' }, cwd: tmp });
    while (required.stderr.includes('the CLI worker is still starting'));
    expect(required.status).toBe(70);
    expect(required.stderr).toContain('did not take the command: another mount namespace');
  }, 120_000);

  it.skipIf(!perl)('`sh claude` run from bin/ (no slash in $0) goes through bin/client.pl too', () => {
    const args = ['validate', '--state-dir', example];
    const want = inProcess(args);
    let r;
    do {
      rmSync(join(tmp, 'perl-ran'), { force: true });
      r = spawnSync('sh', ['claude', ...args], { encoding: 'utf8', env: { ...env, CLAUDE_DAEMON: 'require', PATH: `${join(tmp, 'perl-bin')}:${env.PATH}` }, cwd: join(root, 'bin') });
    } while (r.status === 70 && r.stderr.includes('the CLI worker is still starting'));
    // before: perl was given "claude/client.pl", which is no file (exit 2, "Can't open perl script")
    expect({ status: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual({ status: want.status, stdout: want.stdout, stderr: want.stderr });
    expect(existsSync(join(tmp, 'perl-ran'))).toBe(true);
  }, 120_000);

  it('without perl on PATH (the device image), bin/claude hands the command over with Node (bin/client.cjs)', () => {
    // PATH holds only a `node` that leaves a mark: no perl to be found, the sh part must pick Node
    const dir = join(tmp, 'no-perl-bin');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'node'), `#!/bin/sh\n: > '${join(tmp, 'node-ran')}'\nexec '${process.execPath}' "$@"\n`, { mode: 0o755 });
    expect(spawnSync('/bin/sh', ['-c', 'command -v perl'], { env: { PATH: dir } }).status).not.toBe(0);
    const args = ['validate', '--state-dir', example];
    const want = inProcess(args);
    let r;
    do {
      rmSync(join(tmp, 'node-ran'), { force: true });
      r = spawnSync(bin, args, { encoding: 'utf8', env: { ...env, CLAUDE_DAEMON: 'require', PATH: dir }, cwd: tmp });
    } while (r.status === 70 && r.stderr.includes('the CLI worker is still starting'));
    // with require, 70 is what a client that could not hand it over says: 0 and the same output is the worker's
    expect({ status: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual({ status: want.status, stdout: want.stdout, stderr: want.stderr });
    expect(existsSync(join(tmp, 'node-ran'))).toBe(true);
  }, 120_000);

  it("a hello without Node's fields (bin/client.pl's) is taken only for this build's dist/cli/main.js and this Node on the client's PATH", async () => {
    const { connect } = await import('node:net');
    const mnt = readlinkSync('/proc/self/ns/mnt');
    const main = join(root, 'dist', 'cli', 'main.js');
    const nodeDir = mkdtempSync(join(tmp, 'node-'));
    symlinkSync(process.execPath, join(nodeDir, 'node'));
    const ask = (fields: Record<string, unknown>) => new Promise<{ type: string; text: string }>((resolve, reject) => {
      const s = connect(join(tmp, 'data', 'cli.sock'));
      const hello = { v: CLI_WIRE_VERSION, mnt, uid: process.getuid!(), argv: ['validate'], cwd: tmp, env: { PATH: nodeDir }, umask: 0o22, tty: { stdin: false, stdout: false, stderr: false }, ...fields };
      s.on('connect', () => s.write(frame('H', JSON.stringify(hello))));
      s.on('data', frameReader((type, p) => (resolve({ type, text: p.toString() }), s.destroy())));
      s.on('error', reject);
    });
    const answer = async (fields: Record<string, unknown>) => {
      let reply;
      do reply = await ask(fields);
      while (reply.text === 'the CLI worker is still starting');
      return reply;
    };
    expect(await answer({ main: join(root, 'package.json') })).toEqual({ type: 'F', text: 'another build of Claude.OS' });
    expect(await answer({ main, env: { PATH: join(tmp, 'none') } })).toEqual({ type: 'F', text: `Node (none on PATH), not ${realpathSync(process.execPath)}` });
    const other = join(tmp, 'other-node');
    mkdirSync(other);
    copyFileSync('/bin/true', join(other, 'node'));
    expect(await answer({ main, env: { PATH: other } })).toEqual({ type: 'F', text: `Node ${join(other, 'node')}, not ${realpathSync(process.execPath)}` });
    // this build, the Node on PATH a symlink to this one: accepted (A); the command is not run (no G)
    expect((await answer({ main })).type).toBe('A');
    await until('a worker again', () => viaDaemon(['validate', '--state-dir', example]).status === 0, { ms: 60_000, everyMs: 300 });
  }, 120_000);

  it('forwards stdin and the umask: a secret read from a pipe lands in security.yaml as in-process', () => {
    const a = join(tmp, 'sa');
    const b = join(tmp, 'sb');
    for (const d of [a, b]) cpSync(example, d, { recursive: true });
    const r1 = viaDaemon(['secret', 'set', 'api_key', '--state-dir', a], 'hunter2\n');
    const r2 = inProcess(['secret', 'set', 'api_key', '--state-dir', b], 'hunter2\n');
    expect({ status: r1.status, stdout: r1.stdout.replaceAll(a, 'DIR'), stderr: r1.stderr }).toEqual({ status: r2.status, stdout: r2.stdout.replaceAll(b, 'DIR'), stderr: r2.stderr });
    expect(r1.status, r1.stderr).toBe(0);
    const ya = readFileSync(join(a, 'security.yaml'), 'utf8');
    expect(ya).toMatch(/- name: api_key\n\s+value: encrypted:v1:/);
    expect(ya).not.toContain('hunter2');
    expect(statSync(join(a, 'security.yaml')).mode & 0o777).toBe(statSync(join(b, 'security.yaml')).mode & 0o777);
  }, 120_000);

  it('falls back silently to the in-process path: daemon off, another mount namespace, a socket of another user, a command that stays in-process', () => {
    const args = ['validate', '--state-dir', example];
    const want = inProcess(args);
    // CLAUDE_DAEMON=0: never connects (with NODE_DEBUG=module, Node names client.cjs only when it is loaded)
    const off = claude(args, { CLAUDE_DAEMON: '0', NODE_DEBUG: 'module' });
    expect(off.stderr).not.toMatch(/client\.cjs/);
    expect(off.stderr).toMatch(/dist\/bundle\/cold\/validate\.cjs/);
    // another mount namespace: the worker says no, the client runs it itself, same output
    const ns = spawnSync('unshare', ['-m', process.execPath, bin, ...args], { encoding: 'utf8', env, cwd: tmp });
    expect({ status: ns.status, stdout: ns.stdout, stderr: ns.stderr }).toEqual({ status: want.status, stdout: want.stdout, stderr: want.stderr });
    let nsRequired;
    do nsRequired = spawnSync('unshare', ['-m', process.execPath, bin, ...args], { encoding: 'utf8', env: { ...env, CLAUDE_DAEMON: 'require' }, cwd: tmp });
    while (nsRequired.stderr.includes('the CLI worker is still starting'));
    expect(nsRequired.status).toBe(70);
    expect(nsRequired.stderr).toContain('did not take the command: another mount namespace');
    // a socket owned by another user is not used
    const sock = join(tmp, 'data', 'cli.sock');
    chownSync(sock, 65534, 65534);
    try {
      const other = claude(args);
      expect({ status: other.status, stdout: other.stdout, stderr: other.stderr }).toEqual({ status: want.status, stdout: want.stdout, stderr: want.stderr });
      expect(viaDaemon(args).stderr).toContain('owned by uid 65534, not this user');
    } finally {
      chownSync(sock, process.getuid!(), process.getgid!());
      chmodSync(sock, 0o600);
    }
    // --version stays in-process (already as fast as node): require does not apply to it
    expect(viaDaemon(['--version']).status).toBe(0);
    // and the daemon still serves
    expect(viaDaemon(args).status).toBe(0);
  }, 120_000);

  it('a worker of another build falls back: the hello carries the build, the worker compares it', async () => {
    const { connect } = await import('node:net');
    const ask = () => new Promise<{ type: string; text: string }>((resolve, reject) => {
      const s = connect(join(tmp, 'data', 'cli.sock'));
      const hello = { v: CLI_WIRE_VERSION, build: 'not-this-build', node: process.version, mnt: '', uid: process.getuid!(), argv: ['validate'], cwd: tmp, env: {}, umask: 0o22, tty: { stdin: false, stdout: false, stderr: false } };
      s.on('connect', () => s.write(frame('H', JSON.stringify(hello))));
      s.on('data', frameReader((type, p) => (resolve({ type, text: p.toString() }), s.destroy())));
      s.on('error', reject);
    });
    let reply;
    do reply = await ask();
    while (reply.text === 'the CLI worker is still starting');
    expect(reply).toEqual({ type: 'F', text: 'another build of Claude.OS' });
    await until('a worker again', () => viaDaemon(['validate', '--state-dir', example]).status === 0, { ms: 60_000, everyMs: 300 });
  }, 120_000);

  it("bin/client.cjs's copy of the frames is common/cli-wire.ts's", () => {
    const client = createRequire(import.meta.url)(join(root, 'bin', 'client.cjs')) as { frame(t: string, p?: string | Buffer): Buffer; frameReader(on: (t: string, p: Buffer) => void): (c: Buffer) => void; WIRE_VERSION: number };
    expect(client.WIRE_VERSION).toBe(CLI_WIRE_VERSION);
    for (const [t, p] of [['H', '{"a":"é"}'], ['E', ''], ['O', Buffer.from([0, 255, 10])]] as const) expect(client.frame(t, p)).toEqual(frame(t, p));
    const got: string[] = [];
    const feed = client.frameReader((t, p) => got.push(`${t}:${p.toString('hex')}`));
    const bytes = Buffer.concat([frame('O', 'ab'), frame('X', '{"code":0}')]);
    for (const b of bytes) feed(Buffer.from([b])); // one byte at a time
    const want: string[] = [];
    frameReader((t, p) => want.push(`${t}:${p.toString('hex')}`))(bytes);
    expect(got).toEqual(want);
    expect(got).toHaveLength(2);
  });

  it('stopping the daemon removes the socket and its idle worker; the CLI then runs in-process', async () => {
    const workers = spawnSync('pgrep', ['-P', String(daemon.pid)], { encoding: 'utf8' }).stdout.trim().split('\n').filter(Boolean).map(Number);
    expect(workers.length).toBeGreaterThan(0);
    const exited = new Promise((r) => daemon.once('exit', r));
    daemon.kill('SIGTERM');
    await exited;
    expect(existsSync(join(tmp, 'data', 'cli.sock'))).toBe(false);
    const r = claude(['validate', '--state-dir', example]);
    expect(r.status).toBe(0);
    expect(viaDaemon(['validate', '--state-dir', example]).stderr).toContain('no such socket');
    // no worker of this daemon is left (each exits when its daemon goes)
    const alive = (pid: number) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    await until('the idle worker to exit', () => workers.every((w) => !alive(w)), { ms: 20_000 });
  }, 60_000);
});
