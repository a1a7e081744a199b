/**
 * The CLI socket (docs/architecture.md, "The CLI socket"): a resident process (`claude serve`,
 * `claude reconcile --serve`) listens on `$CLAUDE_DATA_DIR/cli.sock` and keeps two CLI workers
 * warm (bin/claude with CLAUDE_CLI_WORKER=1, cli/remote.ts: the CLI and every command loaded,
 * and the paths of validate, status, plan and verify already run once). bin/claude's thin
 * client (bin/client.cjs) connects and the connection is handed, unread, to a warm worker,
 * which runs that one command and exits; the other one is there for a command typed right
 * after. A new worker is started when no command runs (loading it beside one would take CPU
 * from it), or at once when a command waits for one. This process never reads a command or
 * runs one: it only passes sockets.
 *
 * A new build (`npm run build` rewrites dist/cli/main.js) replaces the idle workers: the
 * build is checked at each connection and every 2 s, and workers of the new build are started
 * once dist/ has not changed for SETTLE_MS (a worker loaded from a half-written dist/ would
 * mix two builds). A client of another build than the workers' is told to fall back by the
 * worker itself (cli/remote.ts).
 *
 * Only the owner can connect: the socket is made mode 0600 (under umask 0177, so there is no
 * moment when it is open wider) in the data dir, and the client uses it only when it is owned
 * by the client's own user. A socket file left by a process that died is replaced; one that
 * another live process answers on is left alone (that process serves the CLI).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { chmodSync, lstatSync, statSync, unlinkSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { dirname, join } from 'node:path';
import { CLI_SOCKET_NAME, frame } from '../common/cli-wire.js';

export interface CliSocketOptions {
  dataDir: string;
  /** bin/claude (the worker is `CLAUDE_CLI_WORKER=1 node bin/claude`). */
  bin: string;
  log: (line: string) => void;
  /** How long a connection waits for a worker that is still starting before the client is told to run the command itself. Default 5 s. */
  waitMs?: number;
  /** How many warm workers to keep. Default 2: the second takes a command typed while the first runs or right after it. */
  workers?: number;
}

export interface CliSocket {
  path: string;
  /** The pids of the workers that are warm and waiting for a command. */
  idleWorkers(): number[];
  /** The workers still loading, and whether each is stopped while a command runs (`pace`). */
  loadingWorkers(): { pid: number; paused: boolean }[];
  /** Whether a command runs through the socket now (a worker has one), or one waits for a worker. */
  busy(): boolean;
  /** Stops listening, removes the socket file and the idle workers; a command already running finishes. */
  close(): void;
}

/** How long dist/ must stay unchanged after a new build is seen before workers of it are started. */
export const SETTLE_MS = 2000;

function answers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(path);
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

/** The build a worker or a client of `bin` runs: dist/cli/main.js's mtime, as bin/claude and cli/remote.ts say it. */
function buildOf(mainJs: string): string {
  try {
    return String(statSync(mainJs).mtimeMs);
  } catch {
    return '-1';
  }
}

/** dist/'s files a worker loads first: a change to any of them means a build is being written. */
function distStamp(files: string[]): string {
  return files.map(buildOf).join(' ');
}

/** Listens on `<dataDir>/cli.sock`; resolves to null (and logs why) when it cannot. */
export async function startCliSocket(o: CliSocketOptions): Promise<CliSocket | null> {
  const path = join(o.dataDir, CLI_SOCKET_NAME);
  try {
    if (lstatSync(path).isSocket() && (await answers(path))) {
      o.log(`CLI socket: ${path} is served by another process; the CLI uses that one`);
      return null;
    }
    unlinkSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
      o.log(`CLI socket: cannot replace ${path}: ${(e as Error).message}; the CLI runs each command itself`);
      return null;
    }
  }
  const waitMs = o.waitMs ?? 5000;
  const pool = Math.max(1, o.workers ?? 2);
  const dist = join(dirname(o.bin), '..', 'dist');
  const mainJs = join(dist, 'cli', 'main.js');
  const distFiles = [mainJs, join(dist, 'cli', 'remote.js'), join(dist, 'bundle', 'main.js')];
  let build = buildOf(mainJs);
  let stamp = distStamp(distFiles);
  let changedAt = 0;
  let settleTimer: NodeJS.Timeout | undefined;
  /** Each worker's life: loading, warm and waiting, running a command, or being stopped. */
  const workers = new Map<ChildProcess, 'starting' | 'ready' | 'busy' | 'retired'>();
  const ready: ChildProcess[] = []; // the warm ones, oldest first
  const count = (st: string) => [...workers.values()].filter((v) => v === st).length;
  let closed = false;
  let failures = 0;
  const waiting: Socket[] = [];

  const retire = (child: ChildProcess) => {
    workers.set(child, 'retired');
    const i = ready.indexOf(child);
    if (i >= 0) ready.splice(i, 1);
    child.kill();
    if (paused.delete(child)) child.kill('SIGCONT'); // a stopped one takes the SIGTERM once continued
  };

  /** A new build: the idle workers are of the old one; replace them once dist/ has settled. */
  const checkBuild = () => {
    const now = distStamp(distFiles);
    if (now === stamp) return;
    stamp = now;
    changedAt = Date.now();
    const b = buildOf(mainJs);
    if (b !== build) {
      build = b;
      failures = 0;
      // the warm ones, and one loading from the old (or a half-written) dist/
      for (const [child, st] of workers) if (st === 'ready' || st === 'starting') retire(child);
      o.log('CLI socket: a new build of Claude.OS; starting CLI workers of it');
    }
    fill();
  };

  /**
   * A worker still loading is stopped (SIGSTOP) while a command runs and no connection waits for
   * a worker, and continued (SIGCONT) once none runs or one waits. `fill` starts none beside a
   * command, but one started before it (after the command before, which a non-read-only
   * command's worker leaves by exiting) kept loading beside it: ≈ 0.9 s of CPU with the apply
   * and dockerd on 2 cores, so the apply through the daemon came out slower than the cold one
   * (1.54× bare `docker run` against 1.48×, session 18's quiet run). A stopped worker whose
   * daemon dies is continued by the kernel (its process group is orphaned: SIGHUP, SIGCONT).
   */
  const paused = new Set<ChildProcess>();
  const signal = (child: ChildProcess, sig: NodeJS.Signals) => {
    try {
      return child.kill(sig);
    } catch {
      return false;
    }
  };
  const pace = () => {
    const hold = !closed && count('busy') > 0 && waiting.length === 0;
    for (const [child, st] of workers) {
      if (st === 'starting' && hold) {
        if (!paused.has(child) && signal(child, 'SIGSTOP')) paused.add(child);
      } else if (paused.delete(child)) signal(child, 'SIGCONT');
    }
  };

  // A worker is started when there are fewer than `pool` and no command runs (loading it beside
  // a command would take CPU from it: a single-service apply measured slower with the next
  // worker loading beside it on the busy 2-core machine), or when a command waits for one.
  const fill = () => {
    pace();
    if (closed || count('starting') || failures >= 5 || ready.length >= pool) return;
    if (count('busy') > 0 && waiting.length === 0) return;
    const settle = changedAt + SETTLE_MS - Date.now();
    if (settle > 0) {
      clearTimeout(settleTimer);
      settleTimer = setTimeout(fill, settle).unref();
      return;
    }
    spawnWorker();
  };
  const hand = (sock: Socket, child: ChildProcess) => {
    workers.set(child, 'busy');
    pace();
    child.send('conn', sock, (err) => {
      if (err) sock.destroy();
    });
  };
  /** A worker is warm: it takes the connection waiting longest, or waits for one. */
  const warm = (child: ChildProcess) => {
    const next = waiting.shift();
    if (next) hand(next, child);
    else {
      workers.set(child, 'ready');
      ready.push(child);
    }
    fill();
  };
  const spawnWorker = () => {
    // Not the daemon's NODE_OPTIONS (claude-reconciler.service caps its heap at 64 MB): a worker
    // runs what an in-process CLI would, with Node's defaults; a client with NODE_OPTIONS of its
    // own runs in-process (cli/remote.ts refusal).
    // CLAUDE_CLI_WORKER_CPU_PROF=DIR (a dev tool: `apply.bench.js --profile-daemon --cpu-prof DIR`):
    // each worker runs under `node --cpu-prof`, its profile written to DIR when it exits.
    const { NODE_OPTIONS: _daemonOptions, ...env } = process.env;
    const prof = env.CLAUDE_CLI_WORKER_CPU_PROF ? ['--cpu-prof', '--cpu-prof-interval', '100', '--cpu-prof-dir', env.CLAUDE_CLI_WORKER_CPU_PROF] : [];
    const child = fork(o.bin, [], { env: { ...env, CLAUDE_CLI_WORKER: '1' }, stdio: ['ignore', 'ignore', 'inherit', 'ipc'], execArgv: prof });
    workers.set(child, 'starting');
    child.on('message', (m: unknown) => {
      const said = m as { ready?: string; free?: string } | null;
      const st = workers.get(child);
      if (typeof said?.ready === 'string' && st === 'starting') {
        failures = 0;
        // dist/ changed while it loaded: of another build than the clients'
        if (said.ready !== build) retire(child);
        else warm(child);
        fill();
      } else if (typeof said?.free === 'string' && st === 'busy') {
        // It ran a read-only command and can take another (cli/remote.ts says when).
        if (said.free !== build || ready.length >= pool) retire(child);
        else warm(child);
        fill();
      }
    });
    child.once('exit', (code, signal) => {
      const st = workers.get(child);
      workers.delete(child);
      paused.delete(child);
      const i = ready.indexOf(child);
      if (i >= 0) ready.splice(i, 1);
      if (st === 'starting' && !closed) {
        failures++;
        o.log(`CLI socket: the CLI worker exited before it was ready (${signal ?? `exit ${code}`}); ${failures < 5 ? 'starting another' : 'giving up: the CLI runs each command itself'}`);
        if (failures >= 5) for (const s of waiting.splice(0)) s.end(frame('F', 'no CLI worker'));
        else setTimeout(fill, 1000 * failures).unref();
        return;
      }
      fill();
    });
  };

  const server: Server = createServer({ pauseOnConnect: true }, (sock) => {
    sock.on('error', () => undefined); // a client that went away: nothing to tell it
    checkBuild();
    const w = ready.shift();
    if (w) {
      hand(sock, w);
      return;
    }
    if (failures >= 5) {
      sock.end(frame('F', 'no CLI worker'));
      return;
    }
    waiting.push(sock);
    fill();
    setTimeout(() => {
      const i = waiting.indexOf(sock);
      if (i >= 0) {
        waiting.splice(i, 1);
        sock.end(frame('F', 'the CLI worker is still starting'));
      }
    }, waitMs).unref();
  });
  const listening = new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.once('listening', () => resolve());
  });
  // The socket file is made (bound) inside listen(), synchronously: only then is the umask narrowed.
  const old = process.umask(0o177);
  try {
    server.listen(path);
  } finally {
    process.umask(old);
  }
  try {
    await listening;
  } catch (e) {
    o.log(`CLI socket: cannot listen on ${path}: ${(e as Error).message}; the CLI runs each command itself`);
    return null;
  }
  chmodSync(path, 0o600);
  server.unref();
  // A new build is noticed without waiting for a command: its workers are then ready for it.
  const watcher = setInterval(checkBuild, 2000).unref();
  fill();
  return {
    path,
    idleWorkers: () => ready.map((w) => w.pid!),
    busy: () => count('busy') > 0 || waiting.length > 0,
    close() {
      closed = true;
      clearInterval(watcher);
      clearTimeout(settleTimer);
      // Not waiting for close's callback: it waits for every connection ever handed to a worker.
      server.close();
      try {
        unlinkSync(path);
      } catch {
        // already gone
      }
      for (const s of waiting.splice(0)) s.destroy();
      for (const [c, st] of workers) if (st !== 'busy') c.kill();
      for (const c of paused) c.kill('SIGCONT');
      paused.clear();
    },
    loadingWorkers: () => [...workers].filter(([, st]) => st === 'starting').map(([c]) => ({ pid: c.pid!, paused: paused.has(c) })),
  };
}
