/**
 * The CLI socket (docs/architecture.md, "The CLI socket"): a resident process (`claude serve`,
 * `claude reconcile --serve`) listens on `$CLAUDE_DATA_DIR/cli.sock` and keeps one CLI worker
 * warm (bin/claude with CLAUDE_CLI_WORKER=1, cli/remote.ts: the CLI and every command already
 * loaded). bin/claude's thin client (bin/client.cjs) connects and the connection is handed,
 * unread, to the warm worker, which runs that one command and exits; the next worker is
 * started at once. This process never reads a command or runs one: it only passes sockets.
 *
 * Only the owner can connect: the socket is made mode 0600 (under umask 0177, so there is no
 * moment when it is open wider) in the data dir, and the client uses it only when it is owned
 * by the client's own user. A socket file left by a process that died is replaced; one that
 * another live process answers on is left alone (that process serves the CLI).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { chmodSync, lstatSync, unlinkSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { CLI_SOCKET_NAME, frame } from '../common/cli-wire.js';

export interface CliSocketOptions {
  dataDir: string;
  /** bin/claude (the worker is `CLAUDE_CLI_WORKER=1 node bin/claude`). */
  bin: string;
  log: (line: string) => void;
  /** How long a connection waits for a worker that is still starting before the client is told to run the command itself. Default 5 s. */
  waitMs?: number;
}

export interface CliSocket {
  path: string;
  /** Stops listening, removes the socket file and the idle worker; a command already running finishes. */
  close(): void;
}

function answers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(path);
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
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
  let ready: ChildProcess | null = null;
  let starting: ChildProcess | null = null;
  let closed = false;
  let failures = 0;
  const waiting: Socket[] = [];
  const idle = new Set<ChildProcess>();

  // The next worker starts when this command has ended: loading the CLI beside it would take
  // CPU from it (measured: a single-service apply was slower with the next worker loading
  // beside it on the busy 2-core machine). A command that comes meanwhile starts one at once
  // and waits for it (at most waitMs), then runs in its own process.
  const hand = (sock: Socket, child: ChildProcess) => {
    idle.delete(child);
    child.once('exit', () => spawnWorker());
    child.send('conn', sock, (err) => {
      if (err) sock.destroy();
    });
  };
  const spawnWorker = () => {
    if (closed || starting || ready) return;
    const child = fork(o.bin, [], { env: { ...process.env, CLAUDE_CLI_WORKER: '1' }, stdio: ['ignore', 'ignore', 'inherit', 'ipc'], execArgv: [] });
    starting = child;
    idle.add(child);

    child.once('message', (m) => {
      if (m !== 'ready' || starting !== child) return;
      starting = null;
      failures = 0;
      const next = waiting.shift();
      if (next) hand(next, child);
      else ready = child;
    });
    child.once('exit', (code, signal) => {
      idle.delete(child);
      if (ready === child) ready = null;
      if (starting !== child) return;
      starting = null;
      failures++;
      o.log(`CLI socket: the CLI worker exited before it was ready (${signal ?? `exit ${code}`}); ${failures < 5 ? 'starting another' : 'giving up: the CLI runs each command itself'}`);
      for (const s of waiting.splice(0)) s.end(frame('F', 'no CLI worker'));
      if (failures < 5) setTimeout(spawnWorker, 1000 * failures).unref();
    });
  };

  const server: Server = createServer({ pauseOnConnect: true }, (sock) => {
    sock.on('error', () => undefined); // a client that went away: nothing to tell it
    if (ready) {
      const child = ready;
      ready = null;
      hand(sock, child);
      return;
    }
    if (failures >= 5) {
      sock.end(frame('F', 'no CLI worker'));
      return;
    }
    spawnWorker();
    waiting.push(sock);
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
  spawnWorker();
  return {
    path,
    close() {
      closed = true;
      // Not waiting for close's callback: it waits for every connection ever handed to a worker.
      server.close();
      try {
        unlinkSync(path);
      } catch {
        // already gone
      }
      for (const s of waiting.splice(0)) s.destroy();
      for (const c of idle) c.kill();
    },
  };
}
