/**
 * The log writer of the containerd backend: one process for all tasks of a state dir, which
 * gives each line of each task's stdout and stderr the time it was written and its stream.
 *
 * The shim's side (containerd, pkg/process/io.go `NewBinaryIO`, the `binary://` stdio): before
 * it creates a task the shim starts the program named by the URI's path, with each query key
 * (and its value) as arguments; fd 3 is the task's stdout, fd 4 its stderr, and the shim waits
 * until fd 5 is closed before the task runs. When the task is deleted it closes its ends of the
 * pipes, sends SIGTERM and waits (12 s, then SIGKILL) for that program to exit.
 *
 * That program is a small /bin/sh helper per task (`log-helper.sh`, ~0.1 MB of private memory:
 * a node process per task was 7.15 MB, bench/logwriter.bench.ts). It registers the task with
 * the shared writer by writing `log-tasks/<its pid>.task` (the log file) and waits on its own
 * FIFO `log-tasks/<pid>.ack`:
 *   1. the writer opens `/proc/<helper pid>/fd/3` and `/4` (the same pipes, its own read ends)
 *      and the log file, and writes `ready`: the helper closes fd 5 and the task starts. When
 *      no writer of the state dir runs yet (`log-writer.pid` names no live one: the driver
 *      starts it beside the task's create, so a first start after boot does not wait for a node
 *      process to load, 5 s at a load of 25), the helper closes fd 5 at once; the task's first
 *      lines wait in the pipes and take the time the writer, once up, adopts them;
 *   2. the helper ignores the shim's SIGTERM and waits for `done`, which the writer writes once
 *      both pipes are read to their end (every writer of them closed): so once a task delete
 *      returns, every line the task wrote is in the file, as with a writer per task.
 * The helper keeps its read ends open all along, so a task never gets SIGPIPE, even while no
 * writer runs.
 *
 * The writer (`log-writer.cjs <state dir> <socket>`, a node program the driver writes into the
 * state dir, a `#!` line naming the node that runs Claude.OS, so it does not depend on where
 * the code is installed) runs detached, one per state dir: it binds an abstract Unix socket named
 * after the state dir for its whole life (a second writer, even one started late, finds it bound
 * and exits; the kernel frees it when the writer dies), and answers on `log-writer.sock`
 * (`ensureLogWriter` starts one when none answers, before each task start and on each
 * supervisor pass). It watches `log-tasks/` and, when it starts,
 * adopts every helper still registered: a writer that died (killed, out of memory) is replaced
 * by the next `ensureLogWriter`, which reads on from where the pipes are. Nothing a task wrote
 * is lost meanwhile: it waits in the pipe (a task blocks once 64 KiB of its output is unread).
 * A writer stopped by SIGTERM writes the unfinished last line of each stream as a `P` record
 * (continued by the next writer's record); one killed outright loses only that unfinished line.
 * It exits by itself when its state dir is removed.
 *
 * Each line is appended, in one write, as containerd's CRI log format:
 * `<RFC 3339 time, 9 fraction digits> <stdout|stderr> <F|P> <text>` (`P`: a part of a line
 * longer than 16 KiB, continued by the next record of its stream; `F`: the end of a line).
 * The file is opened for append, so the size rotation (./logs.ts, copy-and-truncate) works as
 * before; the readers (./logs.ts `readLogEntries`) read lines without this prefix (a log
 * written by the shim's `file://` stdio before this writer existed) as stdout lines with no time.
 */
import { spawn } from 'node:child_process';
import { chmodSync, closeSync, existsSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { LockTimeoutError, withPidLock } from '../../pidlock.js';

/** The longest piece of a line written as one record; a longer line is split into `P` records. */
export const MAX_RECORD_BYTES = 16 * 1024;

const HELPER = `# Claude.OS log helper for containerd's shim (binary:// stdio): see runtime/drivers/containerd/log-writer.ts.
# $1: the task's log file. fd 3: its stdout, fd 4: its stderr; fd 5 is closed when the writer reads them.
d="\${0%/*}/log-tasks"
a="$d/$$.ack"
{ [ -d "$d" ] || mkdir -p "$d"; } && { [ ! -e "$a" ] || rm -f "$a"; } && mkfifo -m 600 "$a" || exit 1
exec 6<>"$a"
trap '' TERM
printf '%s\\n' "$1" >"$d/$$.tmp" && mv -f "$d/$$.tmp" "$d/$$.task" || exit 1
# A writer of this state dir running: wait until it reads the pipes, so each line has the time it
# was written. None yet (the driver starts it beside the task's create, not before): the task goes
# on at once; what it writes waits in the pipes and the writer, once up, adopts them.
# (builtins only: each program run is a fork on the task's create path)
w=
p=
read -r p 2>/dev/null <"\${0%/*}/log-writer.pid"
case "$p" in
''|*[!0-9]*) ;;
*) c=; read -r x c x 2>/dev/null <"/proc/$p/stat"; [ "$c" = '(log-writer.cjs)' ] && read -r w <&6 ;;
esac
exec 5>&-
while [ "$w" != done ]; do read -r w <&6 || break; done
rm -f "$a"
`;

const PROGRAM = `'use strict';
// Claude.OS shared log writer for containerd's tasks: see runtime/drivers/containerd/log-writer.ts.
const fs = require('node:fs');
const net = require('node:net');
const MAX = ${MAX_RECORD_BYTES};
const [dir, sock] = process.argv.slice(2);
if (!dir || !sock) { process.stderr.write('usage: log-writer.cjs <state dir> <socket>\\n'); process.exit(2); }
const tasksDir = dir + '/log-tasks';
// The wall clock, read per line, with the monotonic clock's sub-millisecond part. Date.now() is
// the system clock cut to whole milliseconds, so the true time is in [wall, wall + 1): the anchor
// is moved only when the two disagree beyond that (a clock step, NTP after boot, or slew). A move
// of under a second backwards (slew, or the cut) never puts a line before the one written ahead of
// it; a step back of a second or more is the clock's new time and is taken as it is.
let anchor = performance.timeOrigin;
let last = 0;
function stamp() {
  const mono = performance.now();
  const wall = Date.now();
  let t = anchor + mono;
  if (t < wall - 1 || t >= wall + 2) { anchor = wall + 0.5 - mono; t = anchor + mono; }
  if (t <= last && last - t < 1000) t = last + 0.001;
  last = t;
  const ms = Math.floor(t);
  const sub = Math.min(999999, Math.floor((t - ms) * 1e6));
  return new Date(ms).toISOString().slice(0, 23) + String(sub).padStart(6, '0') + 'Z';
}
const tasks = new Map(); // helper pid -> { out, streams }
// To log-writer.err (its stderr): why a helper was not adopted.
const say = (pid, what) => process.stderr.write(new Date().toISOString() + ' helper ' + pid + ' ' + what + '\\n');
function tell(pid, word) {
  try {
    const fd = fs.openSync(tasksDir + '/' + pid + '.ack', fs.constants.O_WRONLY | fs.constants.O_NONBLOCK);
    try { fs.writeSync(fd, word + '\\n'); } finally { fs.closeSync(fd); }
  } catch {}
}
function forget(pid) {
  fs.rmSync(tasksDir + '/' + pid + '.task', { force: true });
}
function pump(t, fd, stream, ended) {
  const record = (tag, body) => fs.writeSync(t.out, Buffer.concat([Buffer.from(stamp() + ' ' + stream + ' ' + tag + ' '), body, Buffer.from('\\n')]));
  const s = { pending: Buffer.alloc(0), record, done: false };
  t.streams.push(s);
  const sock = new net.Socket({ fd, readable: true, writable: false });
  sock.on('data', (chunk) => {
    let pending = s.pending.length ? Buffer.concat([s.pending, chunk]) : chunk;
    let nl;
    while ((nl = pending.indexOf(10)) >= 0) {
      let line = pending.subarray(0, nl);
      while (line.length > MAX) { record('P', line.subarray(0, MAX)); line = line.subarray(MAX); }
      record('F', line);
      pending = pending.subarray(nl + 1);
    }
    while (pending.length > MAX) { record('P', pending.subarray(0, MAX)); pending = pending.subarray(MAX); }
    s.pending = pending;
  });
  const finish = () => {
    if (s.done) return;
    s.done = true;
    if (s.pending.length) record('F', s.pending);
    s.pending = Buffer.alloc(0);
    sock.destroy();
    ended();
  };
  sock.once('end', finish);
  sock.once('close', finish);
  sock.on('error', () => {});
}
function adopt(pid) {
  if (tasks.has(pid)) return;
  let logPath;
  try { logPath = fs.readFileSync(tasksDir + '/' + pid + '.task', 'utf8').trim(); } catch { return; }
  let cmdline = '';
  try { cmdline = fs.readFileSync('/proc/' + pid + '/cmdline', 'utf8'); } catch {}
  if (!cmdline.includes('log-helper')) { say(pid, 'is gone'); forget(pid); return; } // gone (or its pid taken by another program)
  const fds = [];
  try {
    for (const n of [3, 4]) fds.push(fs.openSync('/proc/' + pid + '/fd/' + n, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK));
  } catch (e) { for (const fd of fds) fs.closeSync(fd); say(pid, 'cannot be read: ' + e.message); forget(pid); return; }
  const t = { out: fs.openSync(logPath, 'a', 0o640), streams: [] };
  tasks.set(pid, t);
  let open = 2;
  const ended = () => {
    if (--open > 0) return;
    fs.closeSync(t.out);
    forget(pid);
    tasks.delete(pid);
    tell(pid, 'done');
  };
  pump(t, fds[0], 'stdout', ended);
  pump(t, fds[1], 'stderr', ended);
  tell(pid, 'ready');
}
function scan() {
  let names;
  try { names = fs.readdirSync(tasksDir); } catch { process.exit(0); } // the state dir is gone
  for (const f of names) { const m = /^(\\d+)\\.task$/.exec(f); if (m) adopt(Number(m[1])); }
}
function start() {
  fs.mkdirSync(tasksDir, { recursive: true });
  fs.writeFileSync(dir + '/log-writer.pid', process.pid + '\\n');
  try { fs.watch(tasksDir, scan).on('error', () => {}); } catch {}
  setInterval(scan, 2000);
  scan();
}
const server = net.createServer((c) => { c.on('error', () => {}); c.end(String(process.pid)); });
// One writer per state dir for its whole life: it first binds an abstract Unix socket named after
// the state dir, which Linux frees when its process dies, however it dies. A writer that finds
// it bound exits: also one started late (its starter gave up waiting, another was started and
// took over), which would otherwise remove the socket file of the one running and read the same
// pipes beside it. Only the holder removes a socket file left by a dead writer and listens.
let real = dir;
try { real = fs.realpathSync(dir); } catch {}
const only = net.createServer();
only.on('error', (e) => { if (e.code === 'EADDRINUSE') process.exit(0); throw e; });
only.listen('\\0claude-os-log-writer-' + require('node:crypto').createHash('sha256').update(real).digest('hex').slice(0, 40), () => {
  fs.rmSync(sock, { force: true });
  server.listen(sock, start);
});
// One task's trouble must not stop the others' logs: said in log-writer.err, and it goes on.
process.on('uncaughtException', (e) => process.stderr.write(new Date().toISOString() + ' ' + (e && e.stack || e) + '\\n'));
// Stopped: each unfinished last line is written as a part, which the next writer's record continues.
process.on('SIGTERM', () => {
  for (const t of tasks.values()) for (const s of t.streams) if (s.pending.length) s.record('P', s.pending);
  process.exit(0);
});
`;

export interface LogWriterFiles {
  /** The per-task helper the shim runs (`binary://` stdio). */
  helper: string;
  /** The shared writer. */
  writer: string;
  /** Where a running writer answers. */
  socket: string;
}

function writeIfChanged(path: string, text: string): void {
  if (existsSync(path) && readFileSync(path, 'utf8') === text) return;
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode: 0o755 });
  chmodSync(tmp, 0o755);
  renameSync(tmp, path);
}

/**
 * Writes the helper and the writer into `dir` (once per content: a node upgrade or a new
 * version rewrites them; atomically, so a shim never runs half a file) and returns their paths.
 */
export function installLogWriter(dir: string, node = process.execPath): LogWriterFiles {
  const helper = join(dir, 'log-helper.sh');
  const writer = join(dir, 'log-writer.cjs');
  writeIfChanged(helper, `#!/bin/sh\n${HELPER}`);
  writeIfChanged(writer, `#!${node}\n${PROGRAM}`);
  return { helper, writer, socket: join(dir, 'log-writer.sock') };
}

/** How long a writer has to answer on its socket before it counts as not answering. */
const ANSWER_MS = 2_000;

/**
 * Asks the writer on `socket` for its pid: the pid, 'silent' when something accepted the
 * connection but did not answer within `answerMs` (a writer stopped with SIGSTOP, or stuck: the
 * listen backlog accepts for it), or null when nothing listens.
 */
function askWriter(socket: string, answerMs = ANSWER_MS): Promise<number | 'silent' | null> {
  return new Promise((resolve) => {
    const c = connect(socket);
    let got = '';
    let connected = false;
    const timer = setTimeout(() => {
      c.destroy();
      resolve(connected ? 'silent' : null);
    }, answerMs);
    c.once('connect', () => (connected = true));
    c.on('data', (d) => (got += d));
    c.once('end', () => {
      clearTimeout(timer);
      c.destroy();
      resolve(/^\d+$/.test(got) ? Number(got) : null);
    });
    c.once('error', () => {
      clearTimeout(timer);
      resolve(null);
    });
  });
}

/** The pid of the writer answering on `socket`, or null when none answers (within 2 s). */
export async function logWriterPid(socket: string): Promise<number | null> {
  const a = await askWriter(socket);
  return typeof a === 'number' ? a : null;
}

/** The shared writer of a state dir, running: its files and its pid. */
export interface RunningLogWriter extends LogWriterFiles {
  pid: number;
}

/**
 * Makes sure the shared writer of `dir` runs: starts it (detached: it outlives this process)
 * when none answers, and waits until one does. Throws after `timeoutMs` with what to check.
 *
 * The start is made under `log-writer.lock` (runtime/pidlock.ts: a dead holder's lock is taken
 * over): two starts that find no writer together (a task start and a supervisor pass, or two
 * applies) would otherwise each spawn one, and both writers, finding the socket of a dead one,
 * could each remove it and listen: two writers reading the same pipes, lines torn between them.
 * Under the lock the second start asks again and finds the first one's writer. A writer that
 * starts after its starter gave up (and the lock passed on) exits by itself: the writer's own
 * abstract socket admits one per state dir. A writer that cannot be started at all (its program
 * not executable, no node) is an error at once, naming the program.
 */
export async function ensureLogWriter(dir: string, timeoutMs = 15_000): Promise<RunningLogWriter> {
  const f = installLogWriter(dir);
  if (Buffer.byteLength(f.socket) > 107) throw new Error(`the containerd log writer's socket path is too long for a Unix socket (${Buffer.byteLength(f.socket)} bytes, at most 107): ${f.socket}; use a shorter containerd state dir`);
  const running = await logWriterPid(f.socket);
  if (running !== null) return { ...f, pid: running };
  const t0 = Date.now();
  const lock = join(dir, 'log-writer.lock');
  const pid = await withPidLock(
    lock,
    async () => {
      const again = await logWriterPid(f.socket);
      if (again !== null) return again;
      // Its own errors go to log-writer.err beside it; it runs from / so it holds no directory.
      const err = openSync(join(dir, 'log-writer.err'), 'a', 0o640);
      let failed: Error | null = null;
      try {
        const child = spawn(f.writer, [dir, f.socket], { detached: true, stdio: ['ignore', 'ignore', err], cwd: '/' });
        child.on('error', (e) => (failed = e));
        child.unref();
      } finally {
        closeSync(err);
      }
      for (;;) {
        const a = await askWriter(f.socket);
        if (typeof a === 'number') return a;
        if (failed) throw new Error(`the containerd log writer ${f.writer} could not be started: ${(failed as Error).message}; check that it is executable and that its first line names a node that exists`);
        if (Date.now() - t0 > timeoutMs) {
          if (a === 'silent') throw new Error(`the containerd log writer holds ${f.socket} but does not answer (stopped or stuck; its pid is in ${join(dir, 'log-writer.pid')}): kill it, and the next start runs a new one`);
          throw new Error(`the containerd log writer (${f.writer} did not start within ${timeoutMs} ms; run it by hand to see why: ${f.writer} ${dir} ${f.socket}`);
        }
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    { purpose: 'starting the containerd log writer', timeoutMs, onWait: () => undefined },
  ).catch((e: unknown) => {
    if (e instanceof LockTimeoutError) throw new Error(`the containerd log writer was not started within ${timeoutMs} ms: ${e.message}`);
    throw e;
  });
  return { ...f, pid };
}

/** Stops the shared writer of `dir` (SIGTERM) and waits until it is gone; tests and the bench. */
export async function stopLogWriter(dir: string): Promise<void> {
  const pid = await logWriterPid(join(dir, 'log-writer.sock'));
  if (pid === null) return;
  process.kill(pid, 'SIGTERM');
  while (existsSync(`/proc/${pid}`) && !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ')) await new Promise((r) => setTimeout(r, 20));
}

/** The stdio URI that has the shim run the helper for a task whose log is `logFile`. */
export function logWriterUri(helper: string, logFile: string): string {
  // The only query key is the log file: the shim passes it as the helper's first argument
  // (keys are passed in no fixed order, so there is only one).
  return `binary://${encodeURI(helper)}?${encodeURIComponent(logFile)}`;
}
