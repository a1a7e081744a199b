/**
 * The log writer of the containerd backend: the program containerd's shim runs beside each
 * task to receive its output (the shim's `binary://` stdio, containerd's "logging binary"
 * protocol), so each line gets the time it was written and its stream.
 *
 * The protocol (containerd, pkg/process/io.go `NewBinaryIO`): the shim starts the program
 * named by the URI's path, with each query key (and its value) as arguments, before it
 * creates the task; fd 3 is the task's stdout, fd 4 its stderr, and the shim waits until fd 5
 * is closed (the writer is ready) before the task runs. The shim keeps its own ends of the
 * pipes until the task is deleted; then it closes them, sends SIGTERM and waits for the
 * writer to exit, so once a task delete returns, every line the task wrote is in the file.
 *
 * Each line is appended, in one write, as containerd's CRI log format:
 * `<RFC 3339 time, 9 fraction digits> <stdout|stderr> <F|P> <text>` (`P`: a part of a line
 * longer than 16 KiB, continued by the next record of its stream; `F`: the end of a line).
 * The file is opened for append, so the size rotation (./logs.ts, copy-and-truncate) works as
 * before; the readers (./logs.ts `readLogEntries`) read lines without this prefix (a log
 * written by the shim's `file://` stdio before this writer existed) as stdout lines with no time.
 *
 * The writer is a small CommonJS program for the node that runs Claude.OS, written by the
 * driver into its state dir (`log-writer.cjs`, a `#!` line naming that node), so it does not
 * depend on where the code is installed (dist/, or the sources under a test run).
 */
import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The longest piece of a line written as one record; a longer line is split into `P` records. */
export const MAX_RECORD_BYTES = 16 * 1024;

const PROGRAM = `'use strict';
// Claude.OS log writer for containerd's shim (binary:// stdio): see runtime/drivers/containerd/log-writer.ts.
const fs = require('node:fs');
const net = require('node:net');
const MAX = ${MAX_RECORD_BYTES};
const logPath = process.argv[2];
if (!logPath) { process.stderr.write('usage: log-writer.cjs <log file>\\n'); process.exit(2); }
const out = fs.openSync(logPath, 'a', 0o640);
const origin = performance.timeOrigin;
function stamp() {
  const t = origin + performance.now();
  const ms = Math.floor(t);
  const sub = Math.min(999999, Math.floor((t - ms) * 1e6));
  return new Date(ms).toISOString().slice(0, 23) + String(sub).padStart(6, '0') + 'Z';
}
function record(stream, tag, body) {
  fs.writeSync(out, Buffer.concat([Buffer.from(stamp() + ' ' + stream + ' ' + tag + ' '), body, Buffer.from('\\n')]));
}
let open = 0;
const flushers = [];
function pump(fd, stream) {
  let sock;
  try { sock = new net.Socket({ fd, readable: true, writable: false }); } catch { return; }
  open++;
  let pending = Buffer.alloc(0);
  let done = false;
  sock.on('data', (chunk) => {
    pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    let nl;
    while ((nl = pending.indexOf(10)) >= 0) {
      let line = pending.subarray(0, nl);
      while (line.length > MAX) { record(stream, 'P', line.subarray(0, MAX)); line = line.subarray(MAX); }
      record(stream, 'F', line);
      pending = pending.subarray(nl + 1);
    }
    while (pending.length > MAX) { record(stream, 'P', pending.subarray(0, MAX)); pending = pending.subarray(MAX); }
  });
  const flush = () => {
    if (pending.length) record(stream, 'F', pending);
    pending = Buffer.alloc(0);
  };
  flushers.push(flush);
  const finish = () => {
    if (done) return;
    done = true;
    flush();
    sock.destroy();
    if (--open === 0) { fs.closeSync(out); process.exit(0); }
  };
  sock.once('end', finish);
  sock.once('close', finish);
  sock.on('error', () => {});
}
pump(3, 'stdout');
pump(4, 'stderr');
// Ready: the shim waits for fd 5 to close before it creates the task.
try { fs.closeSync(5); } catch {}
// The shim closes its ends of the pipes and then sends SIGTERM when the task is deleted, and
// waits for the writer to exit: what is still in the pipes is read to their end first (then
// both streams end and the writer exits); only a writer that does not get there in 2 s stops
// where it is, keeping an unfinished last line.
process.on('SIGTERM', () => { setTimeout(() => { for (const f of flushers) f(); process.exit(0); }, 2000).unref(); });
`;

/**
 * Writes the log writer into `dir` (once per content: a node upgrade or a new version rewrites
 * it; atomically, so a shim never runs half a file) and returns its path.
 */
export function installLogWriter(dir: string, node = process.execPath): string {
  const path = join(dir, 'log-writer.cjs');
  const text = `#!${node}\n${PROGRAM}`;
  if (existsSync(path) && readFileSync(path, 'utf8') === text) return path;
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode: 0o755 });
  chmodSync(tmp, 0o755);
  renameSync(tmp, path);
  return path;
}

/** The stdio URI that has the shim run the writer for a task whose log is `logFile`. */
export function logWriterUri(writer: string, logFile: string): string {
  // The only query key is the log file: the shim passes it as the writer's first argument
  // (keys are passed in no fixed order, so there is only one).
  return `binary://${encodeURI(writer)}?${encodeURIComponent(logFile)}`;
}
