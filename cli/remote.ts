/**
 * The CLI socket's worker (docs/architecture.md, "The CLI socket"): a CLI entry of its own,
 * like cli/main.ts's `run`, for a command forwarded by bin/client.cjs.
 *
 * A resident process (agent/cli-socket.ts, in `claude serve` and `claude reconcile --serve`)
 * keeps two of these warm: started as `CLAUDE_CLI_WORKER=1 bin/claude`, it loads the CLI (the
 * bundle when fresh, as bin/claude would) and every command's module, runs the common
 * commands' paths once with their output discarded (`warmUp`), says `ready` with its build,
 * and waits. The daemon hands it one connection (the socket itself, over the IPC channel,
 * unread). This one reads the hello, and answers `F` (fall back: the client
 * runs the command itself) unless it is the same build, wire version, Node, user and mount
 * namespace and it can enter the client's working dir; else `A`. On the client's `G` it
 * takes the client's environment and umask and runs the command through the same
 * `runWith` as the in-process CLI, its streams framed over the socket (process.stderr too,
 * while the command runs); then it sends the
 * exit code and exits. One command per worker: process state (environment, cwd, exit code,
 * signal handlers, module state) never carries over from one command to the next.
 *
 * It changes nothing about what a command may do: the same code checks the plan's
 * signatures and policy, asks at the user's terminal (raw mode and the size are forwarded)
 * and decrypts secrets only where the in-process command would. Only a process of the same
 * user can reach it (the socket is mode 0600 in the data dir, and the client checks its owner).
 */
import { accessSync, constants, mkdirSync, mkdtempSync, readFileSync, readlinkSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Socket } from 'node:net';
import { Readable, Writable } from 'node:stream';
import { CLI_WIRE_VERSION, frame, frameReader, type CliHello } from '../common/cli-wire.js';
import { trace } from '../common/trace.js';
import type * as CliMain from './main.js';

function mtime(u: URL | string): number {
  try {
    return statSync(u).mtimeMs;
  } catch {
    return -1;
  }
}

function mountNamespace(): string {
  try {
    return readlinkSync('/proc/self/ns/mnt');
  } catch {
    return '';
  }
}

/** Loads the CLI as bin/claude would (the bundle when it is at least as new as dist/cli/main.js) and every command. */
async function loadCli(): Promise<{ cli: typeof CliMain; build: string }> {
  const built = mtime(new URL('./main.js', import.meta.url));
  const bundle = new URL('../bundle/main.js', import.meta.url);
  const cli = (await import(mtime(bundle) >= built ? bundle.href : new URL('./main.js', import.meta.url).href)) as typeof CliMain;
  await cli.preloadCommands();
  return { cli, build: String(built) };
}

/**
 * Runs, with the output discarded, what the commands a person types most run first, so that
 * V8 has compiled their code (and the modules they load lazily are loaded) before a command
 * arrives: `validate` of the daemon's state dir, `status` (observes Docker and the host,
 * read-only), and, when this host already has its id and its host key, `plan` of the
 * daemon's state dir into a private temp dir with a 1 s validity, then `verify` of that plan
 * (the plan validator and the signature check apply runs first). Nothing is cached from
 * these runs but code: each command observes and reads the files itself. Nothing is written
 * outside the temp dir (plan would make the host id and key on first use: it is skipped then),
 * where a state commit in a repo of its own loads the git library an apply's commit needs.
 */
async function warmUp(cli: typeof CliMain): Promise<void> {
  const discard = () => new Writable({ write: (_c, _e, cb) => cb() });
  const run = (argv: string[], env: NodeJS.ProcessEnv = process.env) => cli.runWith(argv, { stdout: discard(), stderr: discard(), stdin: Readable.from([]), isTTY: false, env: { ...env }, cwd: process.cwd() });
  // The observation's firewall listing through a resident `nft -j -i` (runtime/drivers/nft.ts
  // ResidentNftReader): a spawn of nft from this ≈ 240 MB process forks it, and the apply's
  // Engine API requests waited behind that fork (docs/runtime.md, session 22). Started here,
  // while no command runs; `status` below then lists through it once.
  await cli.startResidentNftReader();
  // the modules `apply` loads (runtime/apply.ts and its lazy imports): none of the runs below loads them
  await cli.preloadApplyPath();
  await run(['validate', '--json']);
  await run(['status', '--json']);
  const { resolvePaths } = await import('../common/paths.js');
  const { loadHostKey, loadTrustedKeys, readHostId } = await import('../plan/keys.js');
  let planned = false;
  try {
    const { dataDir } = resolvePaths(process.env, process.cwd());
    // V2's validator, also when the plan below is skipped or fails (cli/main.ts preloadPlanValidator)
    await cli.preloadPlanValidator(dataDir).catch(() => undefined);
    const key = readHostId(dataDir) ? loadHostKey(dataDir) : null;
    planned = key !== null && loadTrustedKeys(dataDir).some((k) => k.keyid === key.keyid);
  } catch {
    planned = false; // a damaged key or id: the command says so when it runs
  }
  await warmApply(run);
  if (!planned) return;
  const dir = mkdtempSync(join(tmpdir(), 'claude-warm-'));
  // Removed however the worker ends meanwhile (the daemon stops, or replaces it for a new build).
  const gone = () => rmSync(dir, { recursive: true, force: true });
  const stopped = () => process.exit(143);
  process.once('exit', gone);
  process.once('SIGTERM', stopped);
  try {
    await run(['plan', '--json', '--ttl', '1s', '--out', join(dir, 'plan.json')]);
    await run(['verify', join(dir, 'plan.json'), '--json']);
    // An apply's state commit (after its services serve, before the command returns) loads
    // isomorphic-git: ≈ 0.3 s of CPU the first time in a process, and a worker that applied
    // exits, so every apply through the daemon paid it (session 20, --profile-daemon: 400 ms
    // of the worker's CPU in "finalize: state committed"). One commit in a repo in the temp
    // dir loads it and compiles its paths here, while no command runs.
    try {
      const { openStateRepo } = await import('../runtime/state/repo.js');
      const repo = await openStateRepo(join(dir, 'state'));
      await repo.commitState({ 'services.yaml': 'apiVersion: claude.os/v1\n' }, { request: 'warm-up', planId: 'plan-warmup', summary: 'warm-up', author: { name: 'claude', email: 'claude@localhost' } });
    } catch {
      // only a warm-up: the apply's own commit says what is wrong, if anything is
    }
  } finally {
    process.off('exit', gone);
    process.off('SIGTERM', stopped);
    gone();
  }
}

/**
 * Runs the apply path once, on a host of its own in a temp dir, so that V8 has compiled it
 * before an apply arrives (session 25: the worker's CPU from the lock to the first step was
 * ≈ 17 ms against the cold CLI's ≈ 12, the functions there compiled on their first call).
 * The temp dir holds its data dir (a host id and key made by its `plan`), a state dir with an
 * empty services.yaml and its CLAUDE_ROOT; its `plan` observes the engine with that host id,
 * which owns nothing, and only a plan of no steps is applied: the apply then reads the engine
 * and writes only into the temp dir (its lock, snapshot, journal, state commit, audit). The
 * process environment names the temp dirs while it runs, as a forwarded command's does.
 */
async function warmApply(run: (argv: string[], env?: NodeJS.ProcessEnv) => Promise<number>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'claude-warm-apply-'));
  const gone = () => rmSync(dir, { recursive: true, force: true });
  const stopped = () => process.exit(143);
  process.once('exit', gone);
  process.once('SIGTERM', stopped);
  const saved = { ...process.env };
  try {
    const state = join(dir, 'state');
    mkdirSync(state);
    mkdirSync(join(dir, 'root'));
    writeFileSync(join(state, 'services.yaml'), 'apiVersion: claude.os/v1\nkind: ServiceManifest\nmetadata:\n  name: warm-up\nspec:\n  services: []\n');
    Object.assign(process.env, { CLAUDE_DATA_DIR: join(dir, 'data'), CLAUDE_STATE_DIR: state, CLAUDE_ROOT: join(dir, 'root') });
    const plan = join(dir, 'plan.json');
    if ((await run(['plan', '--json', '--out', plan])) !== 0) return;
    const payload = JSON.parse(Buffer.from((JSON.parse(readFileSync(plan, 'utf8')) as { payload: string }).payload, 'base64').toString('utf8')) as { steps?: unknown[] };
    if (!Array.isArray(payload.steps) || payload.steps.length !== 0) return;
    await run(['apply', plan, '--yes', '--json']);
  } catch {
    // only a warm-up: an apply that arrives compiles what this did not
  } finally {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
    process.off('exit', gone);
    process.off('SIGTERM', stopped);
    gone();
  }
}

/**
 * The files this worker's code and the compiler's checks come from, and their dirs: what
 * compiler/compile-cache.ts keys its entries on (compilerBuildFiles: dist's compiler, common
 * and plan modules, the generated validators, the state schemas, the lock file of
 * node_modules), the CLI's entry points and the bundle's inputs. Listed once, before the worker
 * loads anything; their sizes and mtimes (`stampOf`) are read again at each connection. The
 * build the client and the daemon compare is dist/cli/main.js's mtime alone: a schema edited,
 * the validators generated again or a bundle rebuilt without it left a warm worker checking
 * with what it had loaded. Now such a worker refuses the command (the client runs it itself,
 * from the files as they are) and exits; the daemon starts one from the new files.
 */
let watched: { files: string[]; stamp: string } | undefined;

async function watchFiles(): Promise<void> {
  const { compilerBuildFiles } = await import('../compiler/compile-cache.js');
  const dist = dirname(dirname(fileURLToPath(import.meta.url)));
  const files = [...(compilerBuildFiles() ?? []), ...['cli/main.js', 'cli/remote.js', 'bundle/main.js', 'bundle/inputs.json'].map((f) => join(dist, f))];
  // Each file's dir too, but not node_modules' own (the dir of its .package-lock.json): any tool
  // that makes a cache at its top level (.vite, .cache) moves its mtime, and the worker refused
  // every command after it. The packages are watched through .package-lock.json, which npm
  // rewrites whenever one is added, removed or changed.
  const all = [...new Set([...files, ...files.map((f) => dirname(f)).filter((d) => basename(d) !== 'node_modules')])];
  watched = { files: all, stamp: stampOf(all) };
}

/** Each file's size and mtime (a dir's mtime moves when a file is added, removed or renamed in it). */
function stampOf(files: readonly string[]): string {
  return files
    .map((f) => {
      try {
        const st = statSync(f);
        return `${st.size}:${st.mtimeMs}`;
      } catch {
        return '-';
      }
    })
    .join(' ');
}

let own: string | undefined;
function ownNode(): string {
  return (own ??= realpathSync(process.execPath));
}

/** The `node` a shell finds on PATH (relative entries from cwd; an empty one is cwd), its real path; null when there is none. */
function nodeOnPath(path: string | undefined, cwd: string): string | null {
  for (const dir of (path ?? '').split(':')) {
    const p = resolve(cwd, dir || '.', 'node');
    try {
      accessSync(p, constants.X_OK);
      if (statSync(p).isFile()) return realpathSync(p);
    } catch {
      // not here: the next entry
    }
  }
  return null;
}

/** Why this worker will not run the client's command (the client then runs it itself), or null. */
function refusal(h: CliHello, build: string, mnt: string): string | null {
  if (h.v !== CLI_WIRE_VERSION) return `wire version ${h.v}, not ${CLI_WIRE_VERSION}`;
  // bin/client.pl names its dist/cli/main.js instead of its mtime as Node writes it
  const clientBuild = h.main === undefined ? h.build : String(mtime(resolve(h.cwd, h.main)));
  if (clientBuild !== build) return 'another build of Claude.OS';
  if (watched && stampOf(watched.files) !== watched.stamp) return 'another build of Claude.OS: its files changed since this worker loaded them';
  if (h.node === undefined) {
    // bin/client.pl: the Node its bin/claude would run is the `node` on its PATH
    const node = nodeOnPath(h.env.PATH, h.cwd);
    if (node !== ownNode()) return `Node ${node ?? '(none on PATH)'}, not ${ownNode()}`;
  } else if (h.node !== process.version) return `Node ${h.node}, not ${process.version}`;
  if (h.uid !== process.getuid?.()) return 'another user';
  if ((h.env.NODE_OPTIONS ?? '') !== (process.env.NODE_OPTIONS ?? '')) return 'NODE_OPTIONS of its own';
  if (h.mnt !== mnt) return 'another mount namespace';
  try {
    process.chdir(h.cwd);
  } catch {
    return `cannot enter ${h.cwd}`;
  }
  return null;
}

/** The process state a command could leave changed (cli/remote.ts `reusable`). */
const WATCHED_EVENTS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGWINCH', 'exit', 'beforeExit', 'uncaughtException', 'unhandledRejection'] as const;
function listenerCounts(): number[] {
  return WATCHED_EVENTS.map((e) => process.listenerCount(e));
}

/** The commands that only read (files, the engine) and leave no process state behind: a worker that ran one may take the next command. */
const REUSABLE = new Set(['validate', 'status', 'plan', 'verify', 'show', 'history', 'services']);
/** plan's options that take a value (a word that is not one of these values is a request for the intent engine: not reusable). */
const PLAN_VALUE_FLAGS = new Set(['--state-dir', '--out', '--ttl']);
/** How many commands one worker runs at most before it is replaced. */
const MAX_COMMANDS = 100;

/**
 * Whether this worker may take another command after `argv`: a read-only command (REUSABLE;
 * `plan` without a request), ended by its own exit code (not a signal), that left no
 * handlers on the process and no exit code set. Anything else: the worker exits, as an
 * in-process CLI would, and a fresh one replaces it.
 */
function reusable(argv: string[], before: number[], served: number): boolean {
  const [cmd, ...rest] = argv;
  if (!cmd || !REUSABLE.has(cmd) || served >= MAX_COMMANDS) return false;
  if (cmd === 'plan') {
    for (let i = 0; i < rest.length; i++) {
      const a = rest[i]!;
      if (PLAN_VALUE_FLAGS.has(a)) i++;
      else if (!a.startsWith('-')) return false;
    }
  }
  if (process.exitCode !== undefined && process.exitCode !== 0) return false;
  const after = listenerCounts();
  return after.every((n, i) => n === before[i]);
}

/**
 * Runs the one command forwarded over `sock`. When it is done, `again` is called when this
 * worker may take another command (`reusable`); else the process exits.
 */
function serveConnection(sock: Socket, cli: typeof CliMain, build: string, mnt: string, served: number, again: () => void): void {
  let hello: CliHello | null = null;
  let state: 'hello' | 'accepted' | 'running' | 'done' = 'hello';
  const leave = (code = 0) => {
    state = 'done';
    setTimeout(() => process.exit(code), 2000).unref();
  };
  const send = (type: string, payload?: string | Uint8Array) => {
    if (state !== 'done' && !sock.destroyed) sock.write(frame(type, payload));
  };
  let asked = false;
  const stdin = new Readable({
    read() {
      if (!asked) {
        asked = true;
        send('N');
      }
    },
  });
  const sinks: (Writable & { columns?: number; rows?: number })[] = [];
  const sink = (type: 'O' | 'R', tty: boolean, size: CliHello['tty']) => {
    const w = new Writable({
      write(chunk: Buffer, _enc, cb) {
        send(type, chunk);
        cb();
      },
    }) as Writable & { isTTY?: boolean; columns?: number; rows?: number };
    if (tty) {
      Object.assign(w, { isTTY: true, columns: size.columns ?? 80, rows: size.rows ?? 24, getColorDepth: () => 8, hasColors: (n = 16) => n <= 256 });
      sinks.push(w);
    }
    return w;
  };
  let before: number[] = [];
  const finish = (r: { code: number } | { signal: string }) => {
    if (state === 'done') return;
    send('X', JSON.stringify(r));
    state = 'done';
    if ('code' in r && hello && reusable(hello.argv, before, served)) {
      sock.end();
      again();
      return;
    }
    sock.end(() => process.exit(0));
    leave();
  };
  const run = async (h: CliHello) => {
    state = 'running';
    before = listenerCounts();
    for (const k of Object.keys(process.env)) delete process.env[k];
    Object.assign(process.env, h.env);
    process.umask(h.umask);
    if (h.tty.stdin) {
      const raw = stdin as Readable & { isTTY?: boolean; isRaw?: boolean; setRawMode?: (on: boolean) => Readable };
      raw.isTTY = true;
      raw.isRaw = false;
      raw.setRawMode = (on: boolean) => {
        send('T', on ? '1' : '0');
        raw.isRaw = on;
        return raw;
      };
    }
    const stderr = sink('R', h.tty.stderr, h.tty);
    // What the command's code writes to process.stderr itself (a lock waiter's notice, runtime/
    // pidlock.ts; a Node warning) goes to the client's stderr too, as in-process it would reach
    // the terminal; the worker's own process.stderr is the daemon's log.
    const ownWrite = process.stderr.write;
    process.stderr.write = stderr.write.bind(stderr) as typeof process.stderr.write;
    let code: number;
    try {
      code = await cli.runWith(h.argv, {
        stdout: sink('O', h.tty.stdout, h.tty),
        stderr,
        stdin,
        isTTY: h.tty.stdin && h.tty.stdout,
        env: process.env,
        cwd: h.cwd,
      });
    } finally {
      process.stderr.write = ownWrite;
    }
    finish({ code });
  };
  const onSignal = (sig: string) => {
    if (!['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'].includes(sig)) return;
    // The command's own handler runs as it would in-process; without one, the command ends
    // by the signal, as the in-process CLI would, and the client ends itself the same way.
    if (process.listenerCount(sig) > 0) process.kill(process.pid, sig as NodeJS.Signals);
    else finish({ signal: sig });
  };
  sock.on(
    'data',
    frameReader((type, payload) => {
      if (state === 'hello' && type === 'H') {
        try {
          hello = JSON.parse(payload.toString('utf8')) as CliHello;
        } catch {
          hello = null;
        }
        const why = hello ? refusal(hello, build, mnt) : 'a hello that is not JSON';
        trace('cli worker: hello checked');
        if (why) {
          sock.end(frame('F', why));
          leave();
        } else {
          state = 'accepted';
          send('A');
        }
      } else if (state === 'accepted' && type === 'G') {
        trace('cli worker: go');
        void run(hello!).catch((e) => {
          process.stderr.write(`claude CLI worker: ${(e as Error)?.stack ?? String(e)}\n`);
          process.exit(70);
        });
      } else if (state === 'running') {
        if (type === 'I') stdin.push(payload);
        else if (type === 'E') stdin.push(null);
        else if (type === 'S') onSignal(payload.toString('utf8'));
        else if (type === 'W') {
          const size = JSON.parse(payload.toString('utf8')) as { columns: number; rows: number };
          for (const s of sinks) {
            s.columns = size.columns;
            s.rows = size.rows;
            s.emit('resize');
          }
        }
      }
    }),
  );
  sock.on('error', () => undefined);
  sock.on('close', () => {
    // The client went away mid-command (its terminal closed, it was killed): as the in-process
    // CLI would get SIGHUP, so does this one.
    if (state === 'running') process.kill(process.pid, 'SIGHUP');
    else if (state !== 'done') leave();
  });
  sock.resume();
}

/**
 * The worker's life: load, warm up, say ready (with its build), take a connection; after a
 * read-only command (`reusable`) put back the daemon's environment, working dir and umask
 * and say free (the daemon gives it the next command or keeps it warm); after any other, exit.
 * Called by bin/claude (CLAUDE_CLI_WORKER=1).
 */
export async function worker(): Promise<void> {
  if (!process.send) throw new Error('the CLI worker runs only under a Claude.OS daemon (it needs the IPC channel)');
  let busy = false;
  let served = 0;
  // The daemon stopped while this worker had no command: nothing to do.
  process.on('disconnect', () => {
    if (!busy) process.exit(0);
  });
  const home = { env: { ...process.env }, cwd: process.cwd(), umask: process.umask() };
  await watchFiles(); // before loading: a file changed while the worker loads is a change
  const { cli, build } = await loadCli();
  await warmUp(cli);
  const mnt = mountNamespace();
  if (!process.connected) process.exit(0);
  const free = () => {
    for (const k of Object.keys(process.env)) delete process.env[k];
    Object.assign(process.env, home.env);
    process.chdir(home.cwd);
    process.umask(home.umask);
    busy = false;
    if (!process.connected) process.exit(0);
    process.send!({ free: build });
  };
  process.on('message', (m: unknown, handle: unknown) => {
    if (m !== 'conn' || busy || !handle) return;
    busy = true;
    served++;
    // the wall clock's offset: the bench (--profile-daemon) puts the worker's marks on the client's timeline
    trace(`cli worker: connection handed (clock offset ${(Date.now() - performance.now()).toFixed(1)} ms)`);
    serveConnection(handle as Socket, cli, build, mnt, served, free);
  });
  process.send({ ready: build });
}
