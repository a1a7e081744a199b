/**
 * Readiness during start-up. The runtime probes a container itself instead of waiting for
 * Docker's first health interval: it runs the declared health command with `docker exec`
 * at a fine cadence with back-off (PROBE_FIRST_INTERVAL_MS, growing by PROBE_BACKOFF up to
 * PROBE_MAX_INTERVAL_MS) until the first success, then leaves Docker's own healthcheck (set
 * at create time) running. Docker's own verdict counts too: a container Docker already
 * reports `healthy` is ready. Without a health command, a container is ready when it runs
 * and each published TCP port accepts a connection.
 *
 * Timeouts (the whole wait, and each probe attempt) are counted in uncontended time
 * (cpu-budget.ts): on a host whose CPUs are saturated, waiting for a CPU does not count, so
 * a healthy service is not rolled back because the host is busy.
 *
 * A health command that only makes one HTTP request to the container's own loopback
 * (`wget -q -O- http://127.0.0.1:8080/health`, `curl -fsS http://localhost/`: httpHealthOf)
 * on a port the container publishes is first tried as that same request from the host,
 * through the published port (same path, same Host header): a 2xx answer is what makes the
 * command exit 0, so the service is healthy without a `docker exec` (≈ 150 ms on the way to
 * serving). Any other answer, or none, proves nothing: the command itself is run as before.
 *
 * A container that exits while we wait fails at once, with its exit code and last log
 * lines; one that is not ready within the timeout fails with the last probe output.
 *
 * With neither a health command nor a published TCP port there is no readiness signal, so
 * the container must stay up through a start window (`startWindowMs`, START_WINDOW_MS, counted
 * in uncontended time like the timeouts, from a look sent after it has passed): one
 * that exits, or that Docker restarts, inside it has failed to start (issue 13: `exit 3`
 * used to show "Started … (running)"). A one-shot (restart policy `no` or `on-failure`)
 * that exits 0 has done its job: `completed`.
 */
import { connect } from 'node:net';
import type { ContainerApi, DockerApi } from './drivers/engine-api.js';
import type { ContainerSpec, HealthSpec } from '../plan/types.js';
import { containerThrottledMs, CpuBudgetClock } from './cpu-budget.js';
import { ContainerExitedError, HealthTimeoutError, type ReadyResult } from './engine.js';
import { demuxLogs, redactLines, secretValuesOf } from './observe/docker.js';
import { listenersInNetns, tcpAnswers } from './observe/ports.js';
import { redact } from './secrets.js';
import { watchPostgresStatus, wireAnswer, wireHealthOf } from './health-wire.js';
import { trace } from '../common/trace.js';

/** The pause after the first failed probe; each later pause is PROBE_BACKOFF times longer, up to PROBE_MAX_INTERVAL_MS. */
export const PROBE_FIRST_INTERVAL_MS = 20;
/**
 * How long a container without any readiness signal must stay up to count as started: in
 * uncontended ms (the budget clock, cpu-budget.ts), from a look sent after that long.
 */
export const START_WINDOW_MS = 500;
export const PROBE_BACKOFF = 1.5;
export const PROBE_MAX_INTERVAL_MS = 250;
/** How long a probed TCP connection must stay open (without a byte) to count: see `portAnswers`. */
export const PORT_HOLD_MS = 50;
/** A probe still running after this many times its timeout (uncontended) is given up and a new one starts. */
export const PROBE_PATIENCE = 3;
/**
 * While every TCP port the container declares refuses connections on its own address, the
 * health command is run at most this often (wall ms): see `portsRefused`.
 */
export const REFUSED_PROBE_INTERVAL_MS = 1000;
/**
 * The longest a health command is held back in a row (wall ms) because it looked certain to
 * fail (`cannotPassNow`): then it runs anyway, and the hold starts again after it. A safety
 * net for a reading that is wrong (review 31 MED-1: a port the command takes from somewhere
 * its words do not say), so the wait never times out without the command having run.
 */
export const CANNOT_PASS_MAX_MS = 2000;
/**
 * With a check the host makes itself before each probe (the HTTP GET, pg_isready or
 * redis-cli ping asked over TCP: ≈ 1 ms of CPU, no `docker exec`), the rounds come at least
 * this often (wall ms); the health command itself keeps its own back-off.
 */
export const QUICK_ROUND_MAX_MS = 50;
/**
 * With a host-side check (`quick`), the first pause between rounds; each later one is
 * QUICK_BACKOFF times longer, up to QUICK_ROUND_MAX_MS. A round is the check itself (≈ 1 ms of
 * CPU: a GET or a startup packet over TCP, no `docker exec`), so the pause stays about a
 * fifth of the time waited: a service that answers 30–150 ms after its start is seen ≈ 12 ms
 * later on average, 300–1000 ms after it ≈ 25 ms later, where the health command's back-off
 * (20 ms ×1.5, rounds capped at 100 ms) left ≈ 28 and ≈ 50 ms (session 21). The container is
 * still looked at (an Engine API call) only every LOOK_EVERY_MS.
 */
export const QUICK_FIRST_INTERVAL_MS = 5;
export const QUICK_BACKOFF = 1.2;
/** With a health command, how often (wall ms) a round looks at the container again (its state, Docker's own health verdict). */
export const LOOK_EVERY_MS = 250;
/**
 * The first HTTP request of a readiness wait (sent beside the first inspect) is sent again while
 * nothing answers (refused, or docker-proxy's reset) for this long (wall ms), first
 * QUICK_FIRST_INTERVAL_MS apart, backing off by QUICK_BACKOFF up to FIRST_HTTP_RETRY_MAX_GAP_MS
 * (≈ 30 requests at most). A service that listens a moment after its start returned (a held
 * container just released: its /bin/sh still has to read the FIFO and exec nginx) answers one of
 * them, before the inspect or as the first round begins; before, the one refused request waited
 * for the inspect's answer and a second request (≈ 70 ms from the release to ready at load 15).
 */
export const FIRST_HTTP_RETRY_MS = 500;
export const FIRST_HTTP_RETRY_MAX_GAP_MS = 25;

/** The request a health command makes, when one HTTP GET is all it does (httpHealthOf). */
export interface HttpHealth {
  /** The container port the URL names. */
  port: number;
  path: string;
  /** The URL's authority, sent as the Host header (what the command sends). */
  host: string;
}

const URL_RE = /^http:\/\/(127\.0\.0\.1|localhost)(?::(\d{1,5}))?(\/[A-Za-z0-9._~\/-]*)?$/;

/**
 * The one HTTP GET a health command makes, when that is all it does: `wget` (-q, -O- or
 * -O /dev/null; not --spider, which asks with HEAD) or `curl` with -f/--fail (-s, -S, -o /dev/null) of one
 * http://127.0.0.1 or http://localhost URL (a plain path, no query), optionally followed by
 * `>/dev/null`, `2>&1` or `|| exit 1`. Both exit 0 exactly when the answer is 2xx (wget also
 * follows a redirect, which the host-side try does not count). Anything else (another
 * program, a pipe, `&&`, quotes, variables, https): null, and only the command itself says.
 */
export function httpHealthOf(test: readonly string[]): HttpHealth | null {
  const [kind, ...rest] = test;
  let tokens: string[];
  if (kind === 'CMD-SHELL') {
    // the allowed redirections and `|| exit 1` off; then no shell syntax may be left
    const line = rest.join(' ').replace(/\s*>\s*\/dev\/null/g, ' ').replace(/\s2>&1/g, ' ').replace(/\s*\|\|\s*exit\s+1\s*$/, ' ');
    if (/["'`$;&|<>\\(){}*?!#~]/.test(line)) return null;
    tokens = line.trim().split(/\s+/);
  } else if (kind === 'CMD') tokens = [...rest];
  else return null;
  const [prog, ...args] = tokens;
  const name = prog?.replace(/^\/(usr\/)?bin\//, '');
  let url: RegExpExecArray | null = null;
  let fail = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const u = URL_RE.exec(a);
    if (u) {
      if (url) return null;
      url = u;
    } else if (name === 'wget' && ['-q', '--quiet', '-O-', '-qO-'].includes(a)) continue;
    else if (name === 'wget' && ['-O', '-qO'].includes(a) && ['-', '/dev/null'].includes(args[i + 1] ?? '')) i++;
    else if (name === 'curl' && /^-[fsS]+$/.test(a)) fail ||= a.includes('f');
    else if (name === 'curl' && ['--fail', '--silent', '--show-error'].includes(a)) fail ||= a === '--fail';
    else if (name === 'curl' && a === '-o' && args[i + 1] === '/dev/null') i++;
    else return null;
  }
  if (!url || (name !== 'wget' && !(name === 'curl' && fail))) return null;
  const port = url[2] ? Number(url[2]) : 80;
  if (port < 1 || port > 65535) return null;
  return { port, path: url[3] ?? '/', host: url[2] ? `${url[1]}:${url[2]}` : url[1]! };
}

/** The status of one GET (body read to its end, at most 1 MiB), or null: no answer, an error, or none within `timeoutMs`. */
export async function httpStatus(address: string, port: number, h: HttpHealth, timeoutMs: number): Promise<number | null> {
  const a = await httpAnswer(address, port, h, timeoutMs);
  return a === 'refused' ? null : a;
}

/**
 * `httpStatus`, with `refused` when the connection was refused (nothing listens on that address and port yet).
 *
 * The request is written over node:net, as curl or wget would send it (HTTP/1.1, the command's
 * Host, `Connection: close`), and the reply read by hand: loading node:http for it cost a cold
 * `claude apply` ≈ 10–15 ms of CPU on the way to serving (docs/runtime.md, "The cold CLI's apply,
 * session 35"). The reply counts once it is whole: its `Content-Length` bytes, a chunked body's
 * last chunk, or the connection's end; interim 1xx replies are skipped. A reply that cannot be
 * read (no status line, cut short, over 1 MiB) is null, as any other failure.
 */
export function httpAnswer(address: string, port: number, h: HttpHealth, timeoutMs: number): Promise<number | null | 'refused'> {
  return new Promise((resolve) => {
    let done = false;
    let got: Buffer = Buffer.alloc(0);
    const end = (v: number | null | 'refused') => {
      if (!done) {
        done = true;
        clearTimeout(timer);
        socket.destroy();
        resolve(v);
      }
    };
    const socket = connect({ host: address, port });
    const timer = setTimeout(() => end(null), timeoutMs);
    socket.on('connect', () => socket.write(`GET ${h.path} HTTP/1.1\r\nHost: ${h.host}\r\nAccept: */*\r\nConnection: close\r\n\r\n`));
    socket.on('data', (b: Buffer) => {
      got = got.length ? Buffer.concat([got, b]) : b;
      if (got.length > 1 << 20) return end(null);
      const r = httpReply(got, false);
      if (r !== undefined) end(r);
    });
    socket.on('end', () => end(httpReply(got, true) ?? null));
    socket.on('error', (e: NodeJS.ErrnoException) => end(e.code === 'ECONNREFUSED' ? 'refused' : null));
    socket.on('close', () => end(null));
  });
}

/**
 * The status of the HTTP/1.x reply in `got` once it is whole, null when it is not a reply or
 * was cut short (`ended`: the connection's end came), undefined while more is to come.
 * Exported for the tests.
 */
export function httpReply(got: Buffer, ended: boolean): number | null | undefined {
  let off = 0;
  for (;;) {
    const head = got.indexOf('\r\n\r\n', off);
    if (head < 0) return ended ? null : undefined;
    const lines = got.toString('latin1', off, head).split('\r\n');
    const m = /^HTTP\/1\.[01] (\d{3})(?: |$)/.exec(lines[0]!);
    if (!m) return null;
    const status = Number(m[1]);
    // 100 Continue, 102, 103: another status line follows
    if (status >= 100 && status < 200 && status !== 101) {
      off = head + 4;
      continue;
    }
    const header = (name: string) => lines.find((l) => l.slice(0, l.indexOf(':')).trim().toLowerCase() === name)?.slice(name.length + 1).trim();
    const body = got.length - (head + 4);
    if (status === 204 || status === 304) return status;
    if (/\bchunked\b/i.test(header('transfer-encoding') ?? '')) return lastChunkSeen(got, head + 4) ? status : ended ? null : undefined;
    const length = header('content-length');
    if (length !== undefined) {
      const n = Number(length);
      if (!Number.isSafeInteger(n) || n < 0) return null;
      return body >= n ? status : ended ? null : undefined;
    }
    return ended ? status : undefined;
  }
}

/** A chunked body starting at `from` has come to its last (zero-size) chunk and the blank line after it. */
function lastChunkSeen(got: Buffer, from: number): boolean {
  let off = from;
  for (;;) {
    const eol = got.indexOf('\r\n', off);
    if (eol < 0) return false;
    const size = parseInt(got.toString('latin1', off, eol).split(';')[0]!.trim(), 16);
    if (!Number.isSafeInteger(size) || size < 0) return false;
    if (size === 0) return got.indexOf('\r\n\r\n', eol) >= 0;
    off = eol + 2 + size + 2;
    if (off > got.length) return false;
  }
}

/** Where to reach a port published on `ip` from the host. */
const hostOf = (ip: string | undefined) => (!ip || ip === '0.0.0.0' || ip === '::' ? '127.0.0.1' : ip);

/** The argv a Docker health test runs: CMD-SHELL → sh -c, CMD → as is; NONE → null. */
export function healthArgv(test: readonly string[]): string[] | null {
  const [kind, ...rest] = test;
  if (kind === 'CMD-SHELL') return ['/bin/sh', '-c', rest.join(' ')];
  if (kind === 'CMD') return rest;
  return null;
}

type Clock = { elapsed(): number; wallElapsed(): number };

/**
 * `ended`, or null once `clock` reaches `until` first (checked every 50 ms at most, so a clock
 * that counts only uncontended time stretches the wait on a busy host), or once `wallMs` of wall
 * time have passed (a slice: the caller looks again, whatever the budget clock says). Both
 * engines' execs use it.
 */
export async function raceClock<T>(ended: Promise<T>, clock: Clock, until: number, wallMs = Infinity): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  const wallEnd = Date.now() + wallMs;
  const expired = new Promise<null>((r) => {
    const check = () => {
      const left = until - clock.elapsed();
      const wallLeft = wallEnd - Date.now();
      if (left <= 0 || wallLeft <= 0) r(null);
      else timer = setTimeout(check, Math.min(left, wallLeft, 50));
    };
    check();
  });
  const r = await Promise.race([ended, expired]);
  clearTimeout(timer);
  return r;
}

/**
 * One wait on the probe in flight (both engines' readiness loops): for the rest of the budget,
 * but no later than the end of its current probe-timeout period, and (`sliceMs`, wall time) no
 * longer than one quick round: the probe's clock counts only uncontended time, so a slice
 * measured on it lasted up to ten times longer on a busy host, and a service the host-side
 * check would have found ready waited for the exec. On no result, a probe that has run
 * PROBE_PATIENCE timeouts is detached (`givenUp`), so the caller starts a new one.
 */
export async function waitProbe(inflight: RunningExec, leftMs: number, probeTimeout: number, sliceMs = Infinity): Promise<{ r: { code: number | null; output: string } | null; givenUp: boolean; sliced?: boolean }> {
  const ran = inflight.clock.elapsed();
  const boundary = Math.min(ran + leftMs, (Math.floor(ran / probeTimeout) + 1) * probeTimeout);
  const r = await inflight.wait(boundary, sliceMs);
  if (r) return { r, givenUp: false };
  // `sliceMs` ran out first: the probe is still within its timeout; the caller looks again
  if (inflight.clock.elapsed() < boundary) return { r: null, givenUp: false, sliced: true };
  const givenUp = inflight.clock.elapsed() >= PROBE_PATIENCE * probeTimeout;
  if (givenUp) inflight.detach();
  return { r: null, givenUp };
}

/** A command started in a container with `docker exec`; `wait` waits for its end within a budget. */
export interface RunningExec {
  /** The exit code and (truncated, printable) output, or null when `until` (on `clock`) or `wallMs` (wall time) passed first. */
  wait(until: number, wallMs?: number): Promise<{ code: number | null; output: string } | null>;
  /** Stops listening (the process itself may still run in the container). */
  detach(): void;
  readonly clock: Clock;
}

export async function startExec(container: ContainerApi, argv: string[], clock: Clock = wallClock()): Promise<RunningExec> {
  const exec = await container.exec({ Cmd: argv, AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({ hijack: true, stdin: false });
  let output = '';
  const finished = new Promise<void>((resolve) => {
    stream.on('data', (b: Buffer) => {
      // Multiplexed frames: 8-byte headers; keep printable text only.
      if (output.length < 2000) output += b.toString('utf8').replace(/[\x00-\x08\x0e-\x1f]/g, '');
    });
    stream.on('end', () => resolve());
    stream.on('close', () => resolve());
    stream.on('error', () => resolve());
  });
  let result: { code: number | null; output: string } | undefined;
  const ended = finished.then(async () => (result = { code: (await exec.inspect()).ExitCode ?? null, output: output.trim() }));
  return {
    clock,
    wait: async (until, wallMs) => result ?? raceClock(ended, clock, until, wallMs),
    detach: () => stream.destroy(),
  };
}

/**
 * Runs a command in a container; resolves with its exit code and (truncated) output.
 * `timeoutMs` is counted by `clock` (default: wall time).
 */
export async function execIn(container: ContainerApi, argv: string[], timeoutMs: number, clock: Clock = wallClock()): Promise<{ code: number | null; output: string }> {
  const run = await startExec(container, argv, clock);
  const r = await run.wait(timeoutMs);
  if (r) return r;
  run.detach();
  return { code: null, output: timedOutText(timeoutMs, clock) };
}

function timedOutText(timeoutMs: number, clock: Clock): string {
  const wall = Math.round(clock.wallElapsed());
  return `(timed out after ${Math.round(timeoutMs)} ms${wall > timeoutMs * 1.2 ? `; ${wall} ms on the wall clock, the host was busy` : ''})`;
}

function wallClock(): { elapsed(): number; wallElapsed(): number } {
  const t0 = Date.now();
  return { elapsed: () => Date.now() - t0, wallElapsed: () => Date.now() - t0 };
}

/**
 * Whether a TCP port accepts a connection and keeps it. Docker's userland proxy (docker-proxy,
 * used for ports published on 127.0.0.1) accepts every connection at once and only then dials
 * the container, closing the connection when nothing listens there yet: so a connection that
 * is closed within `holdMs` without a byte does not count.
 */
function portAnswers(host: string, port: number, timeoutMs = 300, holdMs = PORT_HOLD_MS): Promise<boolean> {
  return tcpAnswers(port, host, timeoutMs, holdMs);
}

/**
 * The port-only readiness check of both engines (Docker here, containerd in
 * drivers/containerd/engine.ts): the host ports among `ports` (TCP, published) that do not
 * answer yet, as `portAnswers` judges them; empty when every one answers.
 */
export async function silentPorts(ports: ContainerSpec['ports'], holdMs = PORT_HOLD_MS): Promise<number[]> {
  const tcp = ports.filter((p) => p.protocol === 'tcp' && p.host !== undefined);
  const answers = await Promise.all(tcp.map((p) => portAnswers(hostOf(p.hostIp), p.host!, 300, holdMs)));
  return tcp.filter((_, i) => !answers[i]).map((p) => p.host!);
}

/**
 * Whether a TCP port on a container's own address refuses connections (a reset: nothing
 * listens there). Timeouts and other errors (a firewall, no route) are not a refusal.
 */
function portRefused(host: string, port: number, timeoutMs = 200): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host, port });
    const done = (refused: boolean) => {
      s.destroy();
      resolve(refused);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.once('connect', () => done(false));
    s.once('error', (e: NodeJS.ErrnoException) => done(e.code === 'ECONNREFUSED'));
  });
}

/**
 * True when the container has an address and every TCP port it declares refuses connections
 * there. Then its service is not listening yet (postgres during initdb, for one), and its
 * health command, a `docker exec` costing ~0.1 s of CPU in dockerd, containerd and runc, is run
 * only every REFUSED_PROBE_INTERVAL_MS instead of every PROBE_MAX_INTERVAL_MS: on a 2-core
 * host those execs compete with the start-up itself (docs/runtime.md, "Performance"). It only
 * spaces out the probes: readiness is still decided by the health command (or Docker's own
 * verdict), so a command that does not need the port still passes, at most one interval later.
 */
type WithAddress = { NetworkSettings?: { Networks?: Record<string, { IPAddress?: string }> } };
/** The container's own address on its first network that has one. */
const ipOf = (info: WithAddress): string | undefined => Object.values(info.NetworkSettings?.Networks ?? {}).find((n) => n.IPAddress)?.IPAddress;

async function portsRefused(info: WithAddress, ports: ContainerSpec['ports']): Promise<boolean> {
  const tcp = ports.filter((p) => p.protocol === 'tcp');
  const ip = ipOf(info);
  if (!ip || tcp.length === 0) return false;
  return portsRefusedAt(ip, tcp.map((p) => p.container));
}

/**
 * True when each of `ports` refuses connections on `ip`; false for none (nothing declared says
 * nothing listens: a service bound to 127.0.0.1 inside its container refuses at its address).
 * See `portRefused`.
 */
export async function portsRefusedAt(ip: string, ports: readonly number[]): Promise<boolean> {
  if (ports.length === 0) return false;
  const refused = await Promise.all(ports.map((p) => portRefused(ip, p)));
  return refused.every(Boolean);
}

/**
 * Variables of the container's environment (the command runs with it) that move the
 * connection away from the port its words name: libpq's (PGPORT, PGHOST, PGHOSTADDR,
 * PGSERVICE, PGSERVICEFILE, PGSYSCONFDIR: pg_isready and the postgres server both read
 * PGPORT), and an HTTP proxy for wget and curl. With one of them set, nothing is held back
 * (review 31 MED-1: `PGPORT=5433` and `pg_isready -h 127.0.0.1` were held forever on 5432).
 */
const MOVES_POSTGRES = /^(PGPORT|PGHOST|PGHOSTADDR|PGSERVICE|PGSERVICEFILE|PGSYSCONFDIR)=/;
const MOVES_HTTP = /^(https?_proxy|HTTPS?_PROXY|all_proxy|ALL_PROXY)=/;

function whereItAsksIsKnown(asked: { kind?: string }, env: readonly string[]): boolean {
  if (asked.kind === 'postgres') return !env.some((e) => MOVES_POSTGRES.test(e));
  if (asked.kind === undefined) return !env.some((e) => MOVES_HTTP.test(e)); // the HTTP GET
  return true; // redis-cli takes its port from its words only
}

/**
 * Why a health command that asks one port of the container's own loopback (the HTTP GET of
 * `httpHealthOf`, pg_isready or redis-cli ping of health-wire.ts) cannot pass now, or
 * undefined. Read from the sockets of the network namespace of the container's process `pid`
 * (its /proc/<pid>/net/tcp and tcp6; unknown when they cannot be read) and from the host's own
 * request to the container's IPv4 address (`answer`, health-wire.ts `wireAnswer`):
 * - postgres answered 57P03, "starting up" (`starting`): pg_isready says the same;
 * - no socket listens on that port on any address: the command's connection is refused too;
 * - the host's request was refused, yet a socket listens on 0.0.0.0 there now: it began to
 *   listen after the request (the next round asks again; a `::` socket may be IPv6-only and
 *   a 127.0.0.1 one is out of the host's reach, so those leave the command to run).
 * Both engines hold the command's exec back then: it would fail, and on a 2-core host its CPU
 * in the engine (dockerd, containerd, runc: ≈ 0.1 s) is taken from the start-up it waits for.
 * Not a verdict: the command (or the host-side check) still decides, nothing is held when the
 * container's `env` moves the connection elsewhere (`whereItAsksIsKnown`), and `readinessLoop`
 * runs the command anyway after CANNOT_PASS_MAX_MS of holds in a row.
 */
export function cannotPassNow(asked: { port: number; kind?: string } | null, answer: string | undefined, pid: number | undefined, env: readonly string[] = [], procRoot = '/proc'): string | undefined {
  if (!asked || !whereItAsksIsKnown(asked, env)) return undefined;
  if (answer === 'starting') return `${asked.kind ?? 'the service'} says it is starting up`;
  if (pid === undefined) return undefined;
  // IPv4 first: a listener there settles it without the second walk of the host's TCP table
  const v4 = listenersInNetns(pid, asked.port, procRoot, ['tcp']);
  const listening = v4?.length ? v4 : listenersInNetns(pid, asked.port, procRoot, ['tcp6']) ?? v4;
  if (listening === null) return undefined;
  if (listening.length === 0) return `nothing listens on port ${asked.port} in the container yet`;
  if (answer === 'refused' && listening.includes('0.0.0.0')) return `port ${asked.port} began listening after the host's request`;
  return undefined;
}

/**
 * The container's last log lines for an error message: demultiplexed, with the values of
 * its secret-derived env variables redacted (the container may have been created by an
 * earlier apply, so this apply's own resolved secrets do not cover it).
 */
async function lastLogLines(container: ContainerApi, n = 5): Promise<string> {
  try {
    const info = await container.inspect();
    const raw = (await container.logs({ stdout: true, stderr: true, tail: n, follow: false })) as unknown as Buffer;
    const buf = Buffer.isBuffer(raw) ? raw : Buffer.from(String(raw));
    return redactLines(demuxLogs(buf, !!info.Config?.Tty), secretValuesOf(info))
      .map((l) => l.text.replace(/[\x00-\x08\x0e-\x1f]/g, '').trim())
      .filter(Boolean)
      .slice(-n)
      .map((l) => `    > ${l}`)
      .join('\n');
  } catch {
    return '';
  }
}

export interface WaitReadyOptions {
  probe: HealthSpec | null;
  /** The budget, in uncontended ms (cpu-budget.ts). */
  timeoutMs: number;
  ports: ContainerSpec['ports'];
  /** The first pause between probes (default PROBE_FIRST_INTERVAL_MS); later pauses back off. */
  intervalMs?: number;
  /** The budget clocks (tests); default: PSI and the container's cgroup. */
  clock?: (containerId: string) => CpuBudgetClock;
  /** Without a health command or a TCP port: how long it must stay up (default START_WINDOW_MS). */
  startWindowMs?: number;
  /** Fail as soon as Docker's own healthcheck reports `unhealthy` and our probe fails too (a container a rollback restored: it ran before, so its health has a history). */
  failOnUnhealthy?: boolean;
}

/** A budget clock for one container: the host's CPU stall and the container's own throttling. */
export function containerBudgetClock(containerId: string): CpuBudgetClock {
  return new CpuBudgetClock({ throttled: () => containerThrottledMs(containerId) });
}

/** What one look at the container found: the wait ends (`ready`), or the probe may run (`running`), or a status to report. */
export type ReadyLook = { ready: ReadyResult } | { running: true } | { status: string };

/**
 * One engine's view of the container whose readiness is awaited, as `readinessLoop` needs it:
 * Docker's below (`waitReady`), containerd's in drivers/containerd/engine.ts.
 */
export interface ReadyTarget {
  /** The container's name, for messages. */
  name: string;
  /**
   * Looks at the container (round 0 first). Throws ContainerExitedError (or another refusal)
   * when it exited or is being restarted. `ownProbeFailed`: our health command has failed at
   * least once (Docker's `unhealthy` counts only then).
   */
  look(round: number, ownProbeFailed: boolean): Promise<ReadyLook>;
  /** Starts the health command in the container, its timeout counted on `clock`. */
  startExec(argv: string[]): Promise<RunningExec>;
  /**
   * Before a probe, while none is in flight (Docker: the HTTP request from the host, and
   * whether every declared port refuses connections). `ready` ends the wait; `refused` spaces
   * the health command out to REFUSED_PROBE_INTERVAL_MS and adds a note to the last result;
   * `cannotPass`, asked only when the command would otherwise start (it may read /proc: see
   * `cannotPassNow`), says why it is certain to fail now: it is held back this round, and
   * while the ports refuse it is asked again only REFUSED_PROBE_INTERVAL_MS later.
   */
  beforeProbe?(round: number): Promise<{ ready: ReadyResult } | { refused: boolean; cannotPass?: () => string | undefined }>;
  /**
   * `beforeProbe` asks the service itself from the host (cheap): it is asked every round, also
   * while the health command runs (waited for QUICK_ROUND_MAX_MS at a time), rounds come every
   * QUICK_ROUND_MAX_MS at most, and the command keeps its own back-off.
   */
  quick?: boolean;
  /** With `quick`: the longest pause between rounds (wall ms; default QUICK_ROUND_MAX_MS), and the longest wait on a running health command before the next round. */
  quickMaxMs?: number;
  /**
   * `beforeProbe` asks what the health command asks, the same way (pg_isready's startup packet,
   * redis-cli's PING, over TCP: health-wire.ts): while it says "not ready", the command would
   * too, so after one has run and failed the next waits REFUSED_PROBE_INTERVAL_MS from its end.
   * On a loaded host an exec lasts about a second and costs dockerd, containerd and runc ≈ 0.1 s
   * of CPU: at the command's own back-off they ran back to back through postgres's initdb.
   */
  sparseExec?: boolean;
  /** The health command could not run (its exec failed): the container may have exited. */
  probeFailed?(): Promise<void>;
  /** Secret values to redact from a probe's output. */
  secrets: readonly string[];
  /** The timeout error's hint: where the service's output is. */
  logsHint: string;
  /** Called once when the wait ends, however it ends (a watch set up for `wake` is closed). */
  close?(): void;
}

/** What the readiness wait goes by, worked out once by `readinessLoop` and given to the engine's set-up. */
export interface ReadyShape {
  /** The health command's argv (null: none, or `NONE`). */
  argv: string[] | null;
  /** One probe's timeout (ms, at least 200). */
  probeTimeout: number;
  /** The published TCP ports (those with a host port). */
  tcpPorts: ContainerSpec['ports'];
  /** Neither a health command nor a published TCP port: only the start window tells. */
  noSignal: boolean;
  /** When the wait started (wall ms). */
  t0: number;
  /**
   * Brings the next round forward: a pause under way ends now, and the next one after a round
   * that was under way when it was called is skipped (health-wire.ts `watchPostgresStatus`:
   * postgres wrote its status). Only the round's own checks decide.
   */
  wake: () => void;
}

export interface ReadinessOptions {
  probe: HealthSpec | null;
  timeoutMs: number;
  ports: ContainerSpec['ports'];
  intervalMs?: number | undefined;
  startWindowMs?: number | undefined;
}

/**
 * The readiness wait of both engines (see the file's comment): the health command, one probe
 * at a time (a probe that outlived its timeout is waited for a little longer: on a busy host it
 * is slow, not failed, and a late success counts; after PROBE_PATIENCE timeouts a new one
 * starts), or the published TCP ports, or the start window; each round looks at the container
 * first, and the whole wait is counted on the budget clock (uncontended time). `setup` gets
 * the shape of the wait and returns the engine's target and that clock.
 */
export async function readinessLoop(opts: ReadinessOptions, setup: (shape: ReadyShape) => Promise<{ target: ReadyTarget; budget: CpuBudgetClock }>): Promise<ReadyResult> {
  const t0 = Date.now();
  const argv = opts.probe ? healthArgv(opts.probe.test) : null;
  const probeTimeout = Math.max(200, opts.probe?.timeoutMs ?? 1000);
  const tcpPorts = opts.ports.filter((p) => p.protocol === 'tcp' && p.host !== undefined);
  const noSignal = !argv && tcpPorts.length === 0;
  // `wake`: a pause under way ends at once; one called during a round makes the next pause none
  let woken = false;
  let endPause: (() => void) | null = null;
  const wake = () => {
    woken = true;
    endPause?.();
  };
  const pauseFor = (ms: number) =>
    woken
      ? Promise.resolve()
      : new Promise<void>((r) => {
          const timer = setTimeout(() => {
            endPause = null;
            r();
          }, ms);
          endPause = () => {
            clearTimeout(timer);
            endPause = null;
            r();
          };
        });
  const { target: t, budget } = await setup({ argv, probeTimeout, tcpPorts, noSignal, t0, wake });
  const window = opts.startWindowMs ?? START_WINDOW_MS;
  const quickMax = t.quickMaxMs ?? QUICK_ROUND_MAX_MS;
  let pause = opts.intervalMs ?? PROBE_FIRST_INTERVAL_MS;
  let quickPause = Math.min(pause, QUICK_FIRST_INTERVAL_MS); // the rounds' pause with a host-side check (`quick`)
  let last = '';
  let ownProbeFailed = false;
  let inflight: RunningExec | null = null;
  let lastExec = t0; // wall ms of the last health command started
  let lastExecAt: number | null = null; // the same, null before the first
  let lastExecEnd: number | null = null; // wall ms when the last one ended (or was given up)
  let execPause = pause; // the health command's own back-off (rounds may come sooner: `quick`)
  let lastProbe = ''; // its last result
  let refused = false; // every declared TCP port refused connections at the last look
  let cannotPass: (() => string | undefined) | undefined; // beforeProbe's, from the last round without a command in flight
  let heldWhy: string | undefined; // why the command was last held back (until one runs)
  let heldSince: number | null = null; // wall ms of the first hold since the last command started
  const notProbed = () => lastProbe || (heldWhy ? `the health command was not run: ${heldWhy}` : 'not probed yet');
  try {
    for (let round = 0; ; round++) {
      let sliced = false; // this round waited a slice on the command in flight: that was its pause
      // The start window's clock is read before this round's look: the look's answer (an
      // inspect, a task status) is of a moment after this, so "running" in it covers the
      // whole `seen`. Read after it, a look that took 0.5 s at load counted as 0.5 s up.
      const seen = budget.elapsed();
      const look = await t.look(round, ownProbeFailed);
      if ('ready' in look) return look.ready;
      if ('running' in look) {
        if (argv) {
          try {
            // with a host-side check (`quick`), it is asked every round, also while the command runs
            const pre = (!inflight || t.quick) && t.beforeProbe ? await t.beforeProbe(round) : null;
            if (pre && 'ready' in pre) return pre.ready;
            if (pre && !inflight) {
              refused = pre.refused;
              cannotPass = 'cannotPass' in pre ? pre.cannotPass : undefined;
            }
            // certain to fail (nothing listens where it asks, or the service says it is starting):
            // no exec, whose CPU in the engine would be taken from the start-up it waits for. Asked
            // only where the command would start now (reading /proc/<pid>/net/tcp walks the host's
            // whole TCP table: ≈ 7 ms of CPU at load 20, too much for every round).
            const held = (): string | undefined => {
              if (inflight) return undefined;
              const why = cannotPass?.();
              if (why === undefined) return undefined;
              heldSince ??= Date.now();
              if (Date.now() - heldSince < CANNOT_PASS_MAX_MS) return why;
              trace(`ready: ${t.name} probe ${round} held ${CANNOT_PASS_MAX_MS} ms (${why}): run anyway`);
              return undefined;
            };
            let why: string | undefined;
            if (!inflight && refused && Date.now() - lastExec < REFUSED_PROBE_INTERVAL_MS) {
              last = notProbed();
              trace(`ready: ${t.name} ports refused, probe ${round} deferred`);
            } else if (!inflight && t.quick && lastExecAt !== null && Date.now() - lastExecAt < execPause) {
              last = notProbed();
            } else if (!inflight && t.sparseExec && lastExecEnd !== null && Date.now() - lastExecEnd < REFUSED_PROBE_INTERVAL_MS) {
              last = notProbed();
            } else if ((why = held())) {
              lastExec = Date.now(); // while the ports refuse, asked again REFUSED_PROBE_INTERVAL_MS later
              heldWhy = why;
              last = notProbed();
              trace(`ready: ${t.name} probe ${round} held: ${why}`);
            } else {
              if (!inflight) {
                inflight = await t.startExec(argv);
                lastExec = lastExecAt = Date.now();
                heldSince = null;
                if (round > 0) execPause = Math.min(PROBE_MAX_INTERVAL_MS, execPause * PROBE_BACKOFF);
                trace(`ready: ${t.name} probe ${round} started`);
              }
              const w = await waitProbe(inflight, Math.max(50, opts.timeoutMs - budget.elapsed()), probeTimeout, t.quick ? quickMax : Infinity);
              const { r, givenUp } = w;
              sliced = !!w.sliced;
              if (sliced) {
                // still running within its timeout: ask the host-side check again next round
              } else if (r) {
                inflight = null;
                lastExecEnd = Date.now();
                trace(`ready: ${t.name} probe ${round} exit ${r.code}`);
                if (r.code === 0) return { state: 'healthy', ms: Date.now() - t0 };
                ownProbeFailed = true;
                last = lastProbe = `exit ${r.code ?? '?'}${r.output ? `: ${redact(r.output, t.secrets).slice(0, 300)}` : ''}`;
              } else {
                last = `${timedOutText(probeTimeout, inflight.clock)} still running`;
                if (givenUp) {
                  inflight = null;
                  lastExecEnd = Date.now();
                }
              }
            }
          } catch (e) {
            inflight?.detach();
            inflight = null;
            last = (e as Error).message;
            await t.probeFailed?.(); // it may have exited: the next round sees it
          }
          if (refused) last += `; port(s) ${opts.ports.filter((p) => p.protocol === 'tcp').map((p) => p.container).join(', ')} not listening yet`;
        } else if (noSignal) {
          // No health command and no port: it must stay up through its start window, counted
          // on the budget clock (uncontended ms, as the probes' timeouts): a container that
          // crashes after 0.2 s of its own running is not accepted because a busy host took
          // 0.5 s of wall time to let it run that long.
          if (seen >= window) return { state: 'running', ms: Date.now() - t0 };
          last = `running for ${Math.round(seen)} ms (uncontended) of its ${window} ms start window`;
        } else {
          const silent = await silentPorts(tcpPorts);
          if (silent.length === 0) return { state: 'running', ms: Date.now() - t0 };
          last = `port(s) ${silent.join(', ')} not accepting connections`;
        }
      } else {
        last = look.status;
      }
      const used = budget.elapsed();
      if (used >= opts.timeoutMs) {
        const wall = budget.wallElapsed();
        throw new HealthTimeoutError(
          `${t.name} did not become ${argv ? 'healthy' : 'ready'} within ${opts.timeoutMs} ms` +
            (argv ? ` (health command: ${opts.probe!.test.slice(1).join(' ')})` : '') +
            (last ? `; last result: ${last}` : '') +
            (wall > opts.timeoutMs * 1.2 ? ` (${Math.round(wall)} ms on the wall clock: time the host's CPUs were saturated is not counted)` : ''),
          `check the service's health command and that it can start; ${t.logsHint}`,
        );
      }
      // After a slice of the command's wait (quickMax of wall time) the next round comes at once:
      // a second pause there left ≈ 100 ms between the host-side checks while an exec ran
      // (postgres found ready ≈ 50 ms late on average), where the rounds are meant ≤ quickMax apart.
      if (!sliced) await pauseFor(Math.min(t.quick ? quickPause : pause, Math.max(10, opts.timeoutMs - used)));
      woken = false;
      pause = Math.min(PROBE_MAX_INTERVAL_MS, pause * PROBE_BACKOFF);
      quickPause = Math.min(quickMax, quickPause * QUICK_BACKOFF);
    }
  } finally {
    inflight?.detach();
    t.close?.();
  }
}

/** The readiness wait on Docker: `readinessLoop` with Docker's inspect, exec, HTTP shortcut and health verdicts. */
export async function waitReady(docker: DockerApi, nameOrId: string, opts: WaitReadyOptions): Promise<ReadyResult> {
  const container = docker.getContainer(nameOrId);
  const makeClock = opts.clock ?? containerBudgetClock;
  // The health command's HTTP request, made from the host through its published port.
  const http = opts.probe ? httpHealthOf(opts.probe.test) : null;
  const httpPort = http ? opts.ports.find((p) => p.protocol === 'tcp' && p.host !== undefined && p.container === http.port) : undefined;
  const probeTimeout = Math.max(200, opts.probe?.timeoutMs ?? 1000);
  const t0 = Date.now();
  // The first HTTP request goes out at once, beside the first inspect, not after it. A 2xx
  // through the container's published port is its service answering (the port is this
  // container's since its start returned): ready, without waiting for the inspect (session 25:
  // one Engine API round trip, 4–21 ms at load 14, less before the "✓ Started" line). Any
  // other answer, or none before the inspect's, is taken in the first round as before, where it
  // counts only if the inspect says the container runs. While nothing answers it is sent again
  // for up to FIRST_HTTP_RETRY_MS (a service that listens a moment after its start returned).
  const firstAnswer = async (h: HttpHealth, p: { host?: number; hostIp?: string }): Promise<number | null> => {
    const until = Date.now() + FIRST_HTTP_RETRY_MS;
    for (let gap = QUICK_FIRST_INTERVAL_MS; ; gap = Math.min(FIRST_HTTP_RETRY_MAX_GAP_MS, gap * QUICK_BACKOFF)) {
      const code = await httpStatus(hostOf(p.hostIp), p.host!, h, Math.min(probeTimeout, 500));
      if (code !== null || Date.now() + gap >= until) return code;
      await new Promise((r) => setTimeout(r, gap));
    }
  };
  let firstHttp = http && httpPort ? firstAnswer(http, httpPort) : null;
  const inspecting = container.inspect();
  inspecting.catch(() => undefined); // its error is the first round's (below)
  if (firstHttp) {
    const first = await Promise.race([firstHttp.then((code) => ({ code })), inspecting.then(() => null, () => null)]);
    if (first && first.code !== null && first.code >= 200 && first.code < 300) {
      trace(`ready: ${nameOrId} http ${first.code} (before the inspect)`);
      return { state: 'healthy', ms: Date.now() - t0, via: 'http' };
    }
  }
  return readinessLoop(opts, async ({ argv, tcpPorts, noSignal, t0, wake }) => {
    // pg_isready or redis-cli ping: asked over TCP at the container's own address (health-wire.ts)
    const wire = opts.probe && !(http && httpPort) ? wireHealthOf(opts.probe.test) : null;
    let info = await inspecting;
    let lookedAt = Date.now();
    trace(`ready: ${nameOrId} inspected`);
    const name = info.Name.replace(/^\//, '');
    const restarts0 = info.RestartCount ?? 0;
    // postgres's status writes wake the rounds (health-wire.ts watchPostgresStatus): asked as it becomes ready
    let unwatch: (() => void) | null = null;
    const oneShot = ['no', 'on-failure', ''].includes(info.HostConfig?.RestartPolicy?.Name ?? 'no');
    const target: ReadyTarget = {
      name,
      secrets: secretValuesOf(info),
      logsHint: `\`docker logs ${name}\` shows its output`,
      close: () => unwatch?.(),
      async look(round, ownProbeFailed) {
        if (round > 0) firstHttp = null; // only the first round uses the answer sent beside its inspect
        // With a health command, the container's state is read on the first round, then every
        // LOOK_EVERY_MS, and whenever a probe could not run (probeFailed): fewer Engine API calls
        // while the command (or the host-side check, at its finer cadence) is polled. Without
        // one, every round.
        if (round > 0 && (!argv || Date.now() - lookedAt >= LOOK_EVERY_MS)) {
          info = await container.inspect();
          lookedAt = Date.now();
        }
        const st = info.State;
        if (noSignal && oneShot && st.Status === 'exited' && st.ExitCode === 0) return { ready: { state: 'completed', ms: Date.now() - t0 } };
        if (st.Status === 'restarting' || (info.RestartCount ?? 0) > restarts0) {
          // Once Docker has started it again, its state says exit code 0: the code of the exit is
          // seen at the next one (a crash at start comes again within moments), or not at all.
          let code: number | undefined = st.Running && !st.Restarting ? undefined : st.ExitCode;
          for (let i = 0; code === undefined && i < 20; i++) {
            await new Promise((r) => setTimeout(r, 100));
            const again = (await container.inspect()).State;
            if (again.Restarting || !again.Running) code = again.ExitCode;
          }
          const logs = await lastLogLines(container);
          throw new ContainerExitedError(
            `container ${name} exited (${code === undefined ? 'its exit code was not seen: Docker had started it again' : `exit code ${code}`}) and Docker is restarting it: it failed to start${logs ? `; last log lines:\n${logs}` : ''}`,
            'look at the log lines above; `docker logs ' + name + '` shows more',
          );
        }
        if (st.Status === 'exited' || st.Status === 'dead') {
          const logs = await lastLogLines(container);
          throw new ContainerExitedError(
            `container ${name} exited (exit code ${st.ExitCode}${st.OOMKilled ? ', killed: out of memory' : ''}) before it became ready${logs ? `; last log lines:\n${logs}` : ''}`,
            'look at the log lines above; `docker logs ' + name + '` shows more',
          );
        }
        // Docker's own healthcheck may have succeeded first (it runs the same command).
        if (argv && st.Running && st.Health?.Status === 'healthy') return { ready: { state: 'healthy', ms: Date.now() - t0, via: 'docker' } };
        // Docker's `unhealthy` is history: it counts only once our own probe has failed now too
        // (a service repaired by hand stays `unhealthy` in Docker until its next check).
        if (argv && opts.failOnUnhealthy && ownProbeFailed && st.Running && st.Health?.Status === 'unhealthy') {
          const log = st.Health.Log?.[st.Health.Log.length - 1];
          throw new HealthTimeoutError(
            `${name} is unhealthy (health command: ${opts.probe!.test.slice(1).join(' ')}; Docker's last result: exit ${log?.ExitCode ?? '?'}${log?.Output ? `: ${redact(log.Output.trim(), secretValuesOf(info)).slice(0, 300)}` : ''})`,
            `check what the service depends on (its volume data, its configuration); \`docker logs ${name}\` shows its output`,
          );
        }
        return st.Running ? { running: true } : { status: `status ${st.Status}` };
      },
      async beforeProbe() {
        if (http && httpPort) {
          // the request sent beside the first inspect; when it found nothing listening yet (it
          // went out as soon as Docker's start returned), asked again now, after the inspect
          let code = firstHttp ? await firstHttp : null;
          if (code === null || code < 200 || code >= 300) code = await httpStatus(hostOf(httpPort.hostIp), httpPort.host!, http, Math.min(probeTimeout, 500));
          firstHttp = null;
          trace(`ready: ${nameOrId} http ${code ?? 'no answer'}`);
          if (code !== null && code >= 200 && code < 300) return { ready: { state: 'healthy', ms: Date.now() - t0, via: 'http' } };
        }
        const ip = wire ? ipOf(info) : undefined;
        let answer: string | undefined;
        if (wire?.kind === 'postgres' && ip) unwatch ??= watchPostgresStatus(info.State?.Pid, info.Config?.Env ?? [], () => (trace(`ready: ${nameOrId} postgres status written`), wake()));
        if (wire && ip) {
          answer = await wireAnswer(wire, ip, Math.min(probeTimeout, 500));
          trace(`ready: ${nameOrId} ${wire.kind} ${answer === 'ready' ? 'ready' : `not ready (${answer})`}`);
          if (answer === 'ready') return { ready: { state: 'healthy', ms: Date.now() - t0, via: wire.kind } };
        }
        // the host's request to the one declared TCP port was refused: that is the ports' answer too
        const tcp = opts.ports.filter((p) => p.protocol === 'tcp');
        const refused = answer === 'refused' && tcp.length === 1 && tcp[0]!.container === wire!.port ? true : await portsRefused(info, opts.ports);
        const pid = info.State?.Pid;
        return { refused, cannotPass: () => cannotPassNow(wire ?? (http && httpPort ? http : null), answer, pid, info.Config?.Env ?? []) };
      },
      quick: !!(http && httpPort) || !!wire,
      sparseExec: !!wire,
      startExec: (cmd) => startExec(container, cmd, makeClock(info.Id)),
      async probeFailed() {
        info = await container.inspect();
        lookedAt = Date.now();
      },
    };
    return { target, budget: makeClock(info.Id) };
  });
}
