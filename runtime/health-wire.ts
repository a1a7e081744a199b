/**
 * Two more health commands whose verdict the runtime can get from the host, without a
 * `docker exec` (≈ 150 ms idle, far more on a busy host, on the critical path of every
 * service that depends on the one probed): `pg_isready` and `redis-cli ping`, recognised
 * only in the plain forms below, asked with the same request over TCP to the container's
 * own address. As with the HTTP GET of health.ts (httpHealthOf), only an answer that makes
 * the command exit 0 counts; anything else (no answer, a refusal, another reply) proves
 * nothing and the command itself is run as before.
 *
 * - `pg_isready [-q] [-h 127.0.0.1|localhost] [-p PORT] [-U USER] [-d DB] [-t SECS]`: libpq's
 *   ping (PQping) sends a startup packet and counts the server as accepting connections
 *   when it asks for authentication or answers with any error but 57P03 "the database system
 *   is starting up" (a bad user, database or password still means it accepts connections).
 *   The user and database do not change that verdict, so `-U "${POSTGRES_USER:-postgres}"`
 *   is allowed. Without `-h` it would use the Unix socket: not recognised.
 * - `redis-cli [-h 127.0.0.1|localhost] [-p PORT] ping`, alone, piped to `grep -q PONG`, or in
 *   `[ "$(redis-cli ping)" = PONG ]`: each exits 0 when the reply is `+PONG`. A password,
 *   protected mode (`-DENIED`, the host is not loopback) or `-LOADING` give another reply.
 *
 * One "no" is certain: postgres's 57P03 ("the database system is starting up"), which
 * pg_isready also reports as not accepting connections. `wireAnswer` says `starting` then, and
 * the readiness wait holds the health command's exec back while it lasts (health.ts
 * `cannotPass`): the exec would fail, and on a 2-core host it takes the engine's CPU from the
 * start-up it waits for.
 *
 * When postgres becomes ready, the rounds need not wait for their next turn: postgres writes its
 * status into `$PGDATA/postmaster.pid` (line 8: `starting`, then `ready` once it accepts
 * connections, as `pg_ctl -w` reads it), and `watchPostgresStatus` has the readiness wait woken
 * by each write to that file, seen through the container's root from the host (inotify on
 * /proc/<pid>/root$PGDATA). A wake only brings the next host-side request forward; the request's
 * answer is still what counts.
 *
 * Must not: decide a failure (a success shortens the wait; `starting` only holds an exec back,
 * the verdict stays the command's or the timeout's), or run anything in the container.
 */
import { watch, type FSWatcher } from 'node:fs';
import { connect } from 'node:net';

/** A health command the host can ask itself: which protocol, on which container port. */
export type WireHealth = { kind: 'postgres'; port: number } | { kind: 'redis'; port: number };

const LOOPBACK = new Set(['127.0.0.1', 'localhost']);
/** One shell word that is a plain word or a quoted `${NAME}` / `${NAME:-default}` expansion (only for -U/-d, whose value does not change the verdict). */
const NAME_ARG = /^(?:[A-Za-z0-9_.-]+|"\$\{[A-Za-z_][A-Za-z0-9_]*(?::-[A-Za-z0-9_.-]*)?\}")$/;

/** The command line of a CMD-SHELL or CMD test, with a trailing `|| exit 1` and output redirections off; null for NONE. */
function commandLine(test: readonly string[]): string | null {
  const [kind, ...rest] = test;
  if (kind !== 'CMD-SHELL' && kind !== 'CMD') return null;
  if (kind === 'CMD' && rest.some((a) => !/^[A-Za-z0-9_./:=-]+$/.test(a))) return null;
  return rest
    .join(' ')
    .replace(/\s*>\s*\/dev\/null/g, ' ')
    .replace(/\s2>&1/g, ' ')
    .replace(/\s*\|\|\s*exit\s+1\s*$/, ' ')
    .trim();
}

function portOf(s: string | undefined): number | null {
  if (s === undefined || !/^\d{1,5}$/.test(s)) return null;
  const n = Number(s);
  return n >= 1 && n <= 65535 ? n : null;
}

/** `pg_isready` with only the options above: the port it asks on, or null. */
function pgIsReadyOf(line: string): WireHealth | null {
  const [prog, ...args] = line.split(/\s+/);
  if (prog?.replace(/^\/(usr\/)?(local\/)?bin\//, '').replace(/^\/usr\/lib\/postgresql\/\d+\/bin\//, '') !== 'pg_isready') return null;
  let port = 5432;
  let host: string | null = null;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const v = args[i + 1];
    if (a === '-q' || a === '--quiet') continue;
    if (a === '-h' || a === '--host') {
      if (!v || !LOOPBACK.has(v)) return null;
      host = v;
      i++;
    } else if (a === '-p' || a === '--port') {
      const p = portOf(v);
      if (p === null) return null;
      port = p;
      i++;
    } else if (a === '-U' || a === '--username' || a === '-d' || a === '--dbname') {
      if (!v || !NAME_ARG.test(v)) return null;
      i++;
    } else if (a === '-t' || a === '--timeout') {
      if (!v || !/^\d+$/.test(v)) return null;
      i++;
    } else return null;
  }
  return host ? { kind: 'postgres', port } : null;
}

/** `redis-cli [-h loopback] [-p N] ping` as a word list: the port, or null. */
function redisCliPingOf(words: string[]): number | null {
  const [prog, ...args] = words;
  if (prog?.replace(/^\/(usr\/)?(local\/)?bin\//, '') !== 'redis-cli') return null;
  let port = 6379;
  let ping = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const v = args[i + 1];
    if (a === '-h') {
      if (!v || !LOOPBACK.has(v)) return null;
      i++;
    } else if (a === '-p') {
      const p = portOf(v);
      if (p === null) return null;
      port = p;
      i++;
    } else if (/^ping$/i.test(a) && !ping && i === args.length - 1) ping = true;
    else return null;
  }
  return ping ? port : null;
}

function redisPingOf(line: string): WireHealth | null {
  // [ "$(redis-cli ping)" = PONG ]   (also with == or 'PONG' / "PONG")
  const sub = /^\[\s+"\$\(([^()"'`$;&|<>\\]+)\)"\s+==?\s+(?:PONG|"PONG"|'PONG')\s+\]$/.exec(line);
  // redis-cli ping | grep -q PONG
  const grep = /^([^()"'`$;&|<>\\]+)\|\s*grep\s+-q\s+(?:PONG|"PONG"|'PONG'|\^PONG\$?|"\^PONG\$?")$/.exec(line);
  const cmd = sub?.[1] ?? grep?.[1] ?? (/["'`$;&|<>\\(){}*?!#~[\]]/.test(line) ? null : line);
  if (cmd === null) return null;
  const port = redisCliPingOf(cmd.trim().split(/\s+/));
  return port === null ? null : { kind: 'redis', port };
}

/** The health command as a request the host can make itself (see the file's comment), or null. */
export function wireHealthOf(test: readonly string[]): WireHealth | null {
  const line = commandLine(test);
  if (!line) return null;
  return pgIsReadyOf(line) ?? redisPingOf(line);
}

/**
 * Asks `host:port` what the health command would ask. True only for an answer that makes the
 * command exit 0; false for anything else, within `timeoutMs`.
 */
export async function wireHealthy(h: WireHealth, host: string, timeoutMs: number): Promise<boolean> {
  return (await wireAnswer(h, host, timeoutMs)) === 'ready';
}

/**
 * What `wireHealthy` asks, with the kind of "no": `ready` (the command would exit 0), `refused`
 * (the connection was refused: nothing listens on that address and port yet), `starting`
 * (postgres answered 57P03, "the database system is starting up": pg_isready would say it
 * rejects connections) or `no` (any other answer, an error, or none within `timeoutMs`).
 */
export function wireAnswer(h: WireHealth, host: string, timeoutMs: number): Promise<'ready' | 'refused' | 'starting' | 'no'> {
  return new Promise((resolve) => {
    const s = connect({ host, port: h.port });
    let buf = Buffer.alloc(0);
    let done = false;
    const end = (ok: boolean | 'refused' | 'starting', bye?: Buffer) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (bye && s.writable) s.end(bye);
      else s.destroy();
      resolve(ok === 'refused' || ok === 'starting' ? ok : ok ? 'ready' : 'no');
    };
    const timer = setTimeout(() => end(false), timeoutMs);
    s.on('error', (e: NodeJS.ErrnoException) => end(e.code === 'ECONNREFUSED' ? 'refused' : false));
    s.on('close', () => end(false));
    s.on('connect', () => s.write(h.kind === 'postgres' ? startupPacket() : '*1\r\n$4\r\nPING\r\n'));
    s.on('data', (b: Buffer) => {
      buf = Buffer.concat([buf, b]);
      if (h.kind === 'redis') {
        const nl = buf.indexOf('\r\n');
        if (nl >= 0) end(buf.subarray(0, nl).toString('latin1') === '+PONG');
        else if (buf.length > 512) end(false);
        return;
      }
      const v = pgVerdict(buf);
      if (v === undefined) return;
      // Let in (trust): say goodbye with a Terminate message; asked for a password: just close
      // (as libpq does without one; the server ends that session quietly).
      const authOk = v && buf[0] === 0x52 && buf.length >= 9 && buf.readInt32BE(5) === 0;
      end(!v && pgSqlState(buf) === '57P03' ? 'starting' : v, authOk ? Buffer.from([0x58, 0, 0, 0, 4]) : undefined);
    });
  });
}

/** A protocol 3.0 StartupMessage for user and database `claude-probe` (neither changes PQping's verdict). */
function startupPacket(): Buffer {
  const body = Buffer.from('user\0claude-probe\0database\0claude-probe\0application_name\0claude-readiness\0\0', 'latin1');
  const head = Buffer.alloc(8);
  head.writeInt32BE(8 + body.length, 0);
  head.writeInt32BE(196608, 4);
  return Buffer.concat([head, body]);
}

/**
 * PQping's verdict on the server's first message, once it is whole: 'R' (an authentication
 * request) → accepting; 'E' → accepting unless its SQLSTATE (field 'C') is 57P03; anything
 * else (a server that does not speak the protocol) → not proven. undefined: not whole yet.
 */
export function pgVerdict(buf: Buffer): boolean | undefined {
  if (buf.length < 5) return undefined;
  const type = String.fromCharCode(buf[0]!);
  const len = buf.readInt32BE(1);
  if (type === 'R') return buf.length >= 9 ? true : undefined;
  if (type !== 'E' || len < 4 || len > 65536) return false;
  if (buf.length < 1 + len) return undefined;
  const code = pgSqlState(buf);
  return code !== null && code !== '57P03';
}

/** The SQLSTATE (field 'C') of a whole ErrorResponse ('E') message, else null. */
export function pgSqlState(buf: Buffer): string | null {
  if (buf.length < 5 || buf[0] !== 0x45) return null;
  const len = buf.readInt32BE(1);
  if (len < 4 || len > 65536 || buf.length < 1 + len) return null;
  let i = 5;
  while (i < 1 + len && buf[i] !== 0) {
    const field = String.fromCharCode(buf[i]!);
    const z = buf.indexOf(0, i + 1);
    if (z < 0) return null;
    if (field === 'C') return buf.subarray(i + 1, z).toString('latin1');
    i = z + 1;
  }
  return null;
}

/** The data directory of the postgres in a container: its environment's PGDATA, else the official image's. */
export function pgDataOf(env: readonly string[]): string {
  const v = env.find((kv) => kv.startsWith('PGDATA='))?.slice('PGDATA='.length);
  return v && v.startsWith('/') && !v.split('/').includes('..') ? v.replace(/\/+$/, '') || '/' : '/var/lib/postgresql/data';
}

/**
 * Calls `onChange` at each write to postmaster.pid in the container's data directory (seen from
 * the host through /proc/<pid>/root; postgres rewrites it when its status changes, `ready` among
 * them), until the returned function is called. Best effort: null when there is nothing to watch
 * yet (no pid, no such directory, no permission; the caller may try again later), and the rounds
 * keep their own cadence. A wake is a hint to ask now, never a verdict: a symlinked PGDATA
 * pointing elsewhere only wakes the rounds.
 */
export function watchPostgresStatus(pid: number | undefined, env: readonly string[], onChange: () => void): (() => void) | null {
  if (!pid) return null;
  let w: FSWatcher;
  try {
    w = watch(`/proc/${pid}/root${pgDataOf(env)}`, { persistent: false }, (_ev, file) => {
      if (String(file) === 'postmaster.pid') onChange();
    });
  } catch {
    return null;
  }
  w.on('error', () => w.close());
  return () => w.close();
}
