/**
 * A warm CLI worker never checks with what its files no longer hold (cli/remote.ts
 * `watchFiles`): a `claude serve` runs from a copy of this built checkout (its own data dir);
 * a schema or a generated validator of the copy is then changed, as `npm run generate` does,
 * without dist/cli/main.js (the build the client and the daemon compare). The warm worker
 * must refuse the next command (CLAUDE_DAEMON=require: exit 70, saying why) instead of running
 * it with what it loaded; without CLAUDE_DAEMON the client runs it itself and it succeeds; and
 * the daemon's next worker, loaded from the changed files, takes commands again. Needs `npm
 * run build`. The daemon, its workers and the temp dir are removed afterwards.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../common/paths.js';
import { until } from '../runtime/testutil/cli-host.js';

const root = packageRoot();
let tmp: string;
let copy: string;
let env: NodeJS.ProcessEnv;
let daemon: ChildProcess | undefined;
let daemonLog = '';

const claude = (args: string[], extra: NodeJS.ProcessEnv = {}) => spawnSync(process.execPath, [join(copy, 'bin', 'claude'), ...args], { encoding: 'utf8', env: { ...env, ...extra }, cwd: tmp, timeout: 120_000 });
const example = () => join(copy, 'fixtures', 'states', 'spec-example');
/**
 * Through the worker, asked again while the next worker is still loading: 250 ms between tries,
 * so the tries (each a whole Node start) do not take the 2 cores from the worker they wait for
 * (review 20 LOW-4).
 */
const viaDaemon = (args: string[]) => {
  const end = Date.now() + 90_000;
  for (;;) {
    const r = claude(args, { CLAUDE_DAEMON: 'require' });
    if (r.status !== 70 || !r.stderr.includes('the CLI worker is still starting') || Date.now() > end) return r;
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 250);
  }
};

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), `claude-cli-stale-${process.pid}-`));
  copy = join(tmp, 'checkout');
  mkdirSync(copy);
  // the built checkout, times kept (bin/claude picks the bundles by their mtimes)
  for (const d of ['dist', 'bin', 'schemas', 'generated', 'fixtures', 'stdlib-templates', 'compiler', 'server', 'package.json']) cpSync(join(root, d), join(copy, d), { recursive: true, preserveTimestamps: true });
  // node_modules a dir of its own (each entry a link to this checkout's), so an entry can be added at its top level
  mkdirSync(join(copy, 'node_modules'));
  for (const e of readdirSync(join(root, 'node_modules'))) symlinkSync(join(root, 'node_modules', e), join(copy, 'node_modules', e));
  mkdirSync(join(tmp, 'root'));
  env = { ...process.env, CLAUDE_DATA_DIR: join(tmp, 'data'), CLAUDE_ROOT: join(tmp, 'root'), NO_COLOR: '1' };
  delete env.CLAUDE_TRACE;
  delete env.CLAUDE_DAEMON;
  daemon = spawn(process.execPath, [join(copy, 'bin', 'claude'), 'serve', '--port', '0'], { env: { ...env, CLAUDE_STATE_DIR: example() }, stdio: ['ignore', 'pipe', 'pipe'] });
  daemon.stdout!.on('data', (d) => (daemonLog += d));
  daemon.stderr!.on('data', (d) => (daemonLog += d));
  await until('the CLI socket to take a command', () => viaDaemon(['validate', '--state-dir', example()]).status === 0, { ms: 150_000, everyMs: 500, detail: () => daemonLog });
}, 200_000);

afterAll(async () => {
  if (daemon && daemon.exitCode === null) {
    const exited = new Promise((r) => daemon!.once('exit', r));
    daemon.kill('SIGTERM');
    await exited;
  }
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('a warm CLI worker whose files changed', () => {
  // Until session 22 the worker watched node_modules' own dir (the dir of .package-lock.json), so
  // any entry made at its top level (a tool's cache: .vite, .cache; here node_modules is shared by
  // every worktree) made it refuse every command ('its files changed'), and the client ran each one
  // cold. The packages are watched through .package-lock.json, which npm rewrites on every change.
  it('takes the command after an entry unrelated to the build appeared at the top of node_modules', async () => {
    await until('a warm worker', () => viaDaemon(['validate', '--state-dir', example()]).status === 0, { ms: 90_000, everyMs: 300, detail: () => daemonLog });
    mkdirSync(join(copy, 'node_modules', `.cache-${process.pid}`));
    const r = viaDaemon(['validate', '--state-dir', example()]);
    expect(r.stderr).not.toMatch(/its files changed/);
    expect(r.status, r.stderr).toBe(0);
  }, 200_000);

  for (const [what, file] of [
    ['a state schema', () => join(copy, 'schemas', 'services.schema.json')],
    ['a generated validator', () => join(copy, 'generated', 'validators', readdirSync(join(copy, 'generated', 'validators')).filter((f) => f.endsWith('.cjs')).sort()[0]!)],
  ] as const) {
    it(`refuses the command after ${what} changed; the client runs it itself, and the next worker takes commands`, async () => {
      await until('a warm worker', () => viaDaemon(['validate', '--state-dir', example()]).status === 0, { ms: 90_000, everyMs: 300, detail: () => daemonLog });
      // the same meaning, another size and mtime: what a regenerated file looks like to the worker
      appendFileSync(file(), '\n');
      const refused = viaDaemon(['validate', '--state-dir', example()]);
      expect(refused.status, refused.stderr).toBe(70);
      expect(refused.stderr).toMatch(/its files changed since this worker loaded them/);
      const here = claude(['validate', '--state-dir', example()]);
      expect(here.status, here.stderr).toBe(0);
      // the refusing worker exits; the daemon's next one, loaded from the changed files, takes it
      await until('a worker of the changed files', () => viaDaemon(['validate', '--state-dir', example()]).status === 0, { ms: 90_000, everyMs: 300, detail: () => daemonLog });
    }, 200_000);
  }
});
