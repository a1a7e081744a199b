// The thin client of the CLI socket (docs/architecture.md, "The CLI socket"). When a resident
// Claude.OS process (`claude serve`, `claude reconcile --serve`) keeps a warm CLI worker behind
// $CLAUDE_DATA_DIR/cli.sock, bin/claude hands the command to it here instead of loading the
// CLI: the arguments, working dir, environment, umask and terminal go over the socket; stdout,
// stderr, raw mode and the exit code (or the signal) come back; stdin and signals go on
// forwarding until the command ends. Output and exit code are those of the in-process path
// (test/cli-daemon.test.ts). Loads nothing but node:net.
//
// `forward` resolves false, having read no stdin and written nothing, when the socket is
// missing, not a socket owned by this user, refuses the connection, or the worker says to fall
// back (another build or Node, another mount namespace, a cwd it cannot enter): bin/claude then
// runs the command itself, as without a daemon. CLAUDE_DAEMON=0 turns the socket off;
// CLAUDE_DAEMON=require makes a command that cannot be handed over an error (exit 70) instead.
// The frames are those of common/cli-wire.ts (this copy is checked against it by the test).
'use strict';
const { connect } = require('node:net');
const { readlinkSync, statSync } = require('node:fs');
const { join, resolve } = require('node:path');

const WIRE_VERSION = 1;

function frame(type, payload = '') {
  const body = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  const head = Buffer.allocUnsafe(5);
  head[0] = type.charCodeAt(0);
  head.writeUInt32BE(body.length, 1);
  return Buffer.concat([head, body]);
}

function frameReader(on) {
  let buf = Buffer.alloc(0);
  return (chunk) => {
    buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
    while (buf.length >= 5) {
      const len = buf.readUInt32BE(1);
      if (buf.length < 5 + len) break;
      const type = String.fromCharCode(buf[0]);
      const payload = buf.subarray(5, 5 + len);
      buf = buf.subarray(5 + len);
      on(type, payload);
    }
  };
}

/**
 * Commands that always run in this process: the daemons themselves, the chat session, help and
 * version (already as fast as Node); and any command traced (CLAUDE_TRACE) or with the tests'
 * fault injection (CLAUDE_TEST_FAILPOINTS: read once per process, so never in a shared worker).
 */
function eligible(argv, env) {
  if (env.CLAUDE_DAEMON === '0' || env.CLAUDE_DAEMON === 'off' || env.CLAUDE_TRACE || env.CLAUDE_TEST_FAILPOINTS) return false;
  const c = argv[0];
  if (c === undefined || c.startsWith('-')) return false;
  if (['serve', 'chat', 'supervise', 'cluster', 'help', 'version'].includes(c)) return false;
  if (c === 'reconcile' && argv.includes('--serve')) return false;
  return true;
}

/** $CLAUDE_DATA_DIR/cli.sock (common/paths.ts resolves the data dir the same way). */
function socketPath(env) {
  return join(resolve(process.cwd(), env.CLAUDE_DATA_DIR ?? '/var/lib/claude'), 'cli.sock');
}

/** How long to wait for the worker's yes or no before running the command here instead. */
const ANSWER_MS = 10_000;

/**
 * The command could not be handed over: false (bin/claude runs it itself), or with
 * CLAUDE_DAEMON=require (tests, benches, checking a set-up) an error that says why.
 */
function notSent(path, why) {
  if (process.env.CLAUDE_DAEMON !== 'require') return false;
  process.stderr.write(`claude: CLAUDE_DAEMON=require, but the CLI socket ${path} did not take the command: ${why}\n  hint: start claude serve (or claude reconcile --serve) for this data dir, or unset CLAUDE_DAEMON\n`);
  process.exit(70);
}

function forward(argv, build) {
  const env = process.env;
  if (!eligible(argv, env)) return Promise.resolve(false);
  const path = socketPath(env);
  try {
    const st = statSync(path);
    if (!st.isSocket()) return Promise.resolve(notSent(path, 'not a socket'));
    if (st.uid !== process.getuid()) return Promise.resolve(notSent(path, `owned by uid ${st.uid}, not this user`));
  } catch (e) {
    return Promise.resolve(notSent(path, e.code === 'ENOENT' ? 'no such socket' : e.message));
  }
  let mnt = '';
  try {
    mnt = readlinkSync('/proc/self/ns/mnt');
  } catch {
    mnt = '';
  }
  const tty = { stdin: Boolean(process.stdin.isTTY), stdout: Boolean(process.stdout.isTTY), stderr: Boolean(process.stderr.isTTY) };
  if (tty.stdout) Object.assign(tty, { columns: process.stdout.columns, rows: process.stdout.rows });
  // The terminal this command was typed in (its tty and the shell), for learning mode: a miss
  // is learned from only by a rephrase typed in the same terminal (agent/learning.ts
  // terminalSession, which reads the same two things when the command runs in this process).
  let session = '';
  try {
    if (tty.stdin) session = `${readlinkSync('/proc/self/fd/0')}|${process.ppid}`;
  } catch {
    session = '';
  }
  const hello = { v: WIRE_VERSION, build, node: process.version, mnt, uid: process.getuid(), argv, cwd: process.cwd(), env: { ...env, CLAUDE_TERMINAL_SESSION: env.CLAUDE_TERMINAL_SESSION ?? session }, umask: process.umask(), tty };
  return new Promise((done) => {
    let state = 'asking'; // → 'running' once the worker accepted and was told to go, or 'fallen back'
    const sock = connect(path);
    const timer = setTimeout(() => fallBack('no answer'), ANSWER_MS);
    function fallBack(why) {
      if (state !== 'asking') return;
      state = 'fallen back';
      clearTimeout(timer);
      sock.destroy();
      done(notSent(path, why));
    }
    sock.on('error', (e) => (state === 'asking' ? fallBack(e.code ?? e.message) : lost()));
    sock.on('close', () => (state === 'asking' ? fallBack('closed') : lost()));
    sock.on('connect', () => sock.write(frame('H', JSON.stringify(hello))));
    let raw = false;
    const setRaw = (on) => {
      if (process.stdin.isTTY && raw !== on) {
        process.stdin.setRawMode(on);
        raw = on;
      }
    };
    const signals = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'];
    const onSignal = (sig) => sock.write(frame('S', sig));
    function lost() {
      if (state !== 'running') return;
      state = 'done';
      setRaw(false);
      process.stderr.write('claude: the CLI worker behind ' + path + ' stopped before the command ended\n  hint: run it again, or without the daemon: CLAUDE_DAEMON=0 claude ...\n');
      process.exit(70);
    }
    function finish(payload) {
      state = 'done';
      const r = JSON.parse(payload.toString('utf8'));
      setRaw(false);
      if (r.signal) {
        for (const s of signals) process.removeAllListeners(s);
        process.kill(process.pid, r.signal);
        setTimeout(() => process.exit(128 + (require('node:os').constants.signals[r.signal] ?? 1)), 1000); // not reached: the default action ends the process
        return;
      }
      process.exit(r.code);
    }
    let reading = false;
    const readStdin = () => {
      if (reading) return;
      reading = true;
      process.stdin.on('data', (d) => sock.write(frame('I', d)));
      process.stdin.on('end', () => sock.write(frame('E')));
    };
    for (const s of [process.stdout, process.stderr]) {
      // `claude help | head -5`: the reader went away; stop quietly, as the in-process CLI does.
      s.on('error', (e) => {
        if (e.code === 'EPIPE') process.exit(0);
        throw e;
      });
    }
    sock.on(
      'data',
      frameReader((type, payload) => {
        if (state === 'asking') {
          if (type === 'A') {
            state = 'running';
            clearTimeout(timer);
            for (const s of signals) process.on(s, onSignal);
            if (process.stdout.isTTY) process.stdout.on('resize', () => sock.write(frame('W', JSON.stringify({ columns: process.stdout.columns, rows: process.stdout.rows }))));
            sock.write(frame('G'));
          } else fallBack(type === 'F' ? payload.toString('utf8') : `frame ${type}`);
          return;
        }
        if (state !== 'running') return;
        if (type === 'O') process.stdout.write(payload);
        else if (type === 'R') process.stderr.write(payload);
        else if (type === 'N') readStdin();
        else if (type === 'T') setRaw(payload.toString() === '1');
        else if (type === 'X') finish(payload);
      }),
    );
  });
}

module.exports = { forward, eligible, socketPath, frame, frameReader, WIRE_VERSION };
