/**
 * `claude serve [--listen ADDR] [--port N] [--state-dir DIR] [--rotate-token]`: the API and
 * the web UI (server/, docs/api.md), until the process is stopped (systemd unit
 * claude-api.service). Plans through the API are made like `claude plan "<msg>"`; nothing is
 * applied without `POST /api/v1/plans/:id/apply {"approve": true}`.
 *
 * This is the server's own entry: bin/claude hands `claude serve …` here and every other
 * command to cli/main.ts, so the CLI and the server never import each other. Like
 * cli/main.ts, only `run` touches process.argv, the process streams and the exit code;
 * `main` gets them injected (tests drive it in-process).
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { Readable, Writable } from 'node:stream';
import { join } from 'node:path';
import { packageRoot, resolvePaths } from '../common/paths.js';

/** What `claude serve` gets from its entry: streams, environment, working dir, clock. */
export interface ServeContext {
  stdout: Writable;
  stderr: Writable;
  stdin?: Readable;
  isTTY?: boolean;
  env: Record<string, string | undefined>;
  cwd: string;
  now: () => Date;
  /**
   * Resolves when the server should stop (run: SIGTERM or SIGINT). It then stops cleanly:
   * the embedded observer saves its metrics and events, connections close, exit code 0.
   * Omitted: it runs until the process is killed.
   */
  stopped?: Promise<string>;
}

const EXIT = { OK: 0, FAILURE: 1, USAGE: 2 } as const;

class UsageError extends Error {}

function println(s: Writable, line = ''): void {
  s.write(line + '\n');
}

function parse<T extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: T, allowPositionals = true) {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

export const SERVE_USAGE = `usage: claude serve [--listen ADDR] [--port N] [--hostname NAME]... [--tls-cert FILE --tls-key FILE]
                    [--state-dir DIR] [--rotate-token] [--no-cli-socket] [--no-observer]
       claude serve --login-code

Serves the Claude.OS API (JSON, under /api/v1/) and the web UI (/) until stopped.
Every API request needs the bearer token in $CLAUDE_DATA_DIR/api-token (made on the
first start, mode 0600, and printed then), or the web UI's session. The web UI logs in
with a one-time login code: claude serve prints one when it starts, and
\`claude serve --login-code\` makes another (each works once, for 10 minutes).
Requests are planned, never applied, until a client approves a plan:
POST /api/v1/plans/<id>/apply {"approve": true}.

  --listen ADDR    listen address (default: manifest.yaml spec.api.listen, else 127.0.0.1).
                   An address other than loopback is used only when asked for explicitly:
                   with this flag, or in manifest.yaml with spec.api.enabled: true. The API
                   speaks plain HTTP unless --tls-cert is given: use TLS, or an SSH tunnel.
  --port N         listen port (default: manifest.yaml spec.api.port, else 8420)
  --state-dir DIR  the state dir (default: $CLAUDE_STATE_DIR or /etc/claude.d)
  --hostname NAME  a name the server is reached by, besides localhost and the listen
                   address (repeatable; also manifest.yaml spec.api.hostnames). Requests
                   naming any other Host are refused (DNS rebinding).
  --tls-cert FILE, --tls-key FILE
                   serve HTTPS with this certificate and key (PEM)
  --rotate-token   make a new token (the old one stops working) and print it; every web UI
                   session ends too (browsers log in again)
  --login-code     print a new one-time login code for the web UI and exit
  --no-cli-socket  do not serve the CLI on $CLAUDE_DATA_DIR/cli.sock (by default the
                   claude command of the same user hands its commands to a warm worker
                   kept by this process: docs/architecture.md, "The CLI socket")
  --no-observer    never run the observer loop inside the server (by default it runs
                   when no \`claude observe\` daemon is recording; a machine that starts
                   that daemon beside claude serve, as the device image does, passes this)

See docs/api.md for the endpoints and a systemd unit.`;

const DEFAULT_PORT = 8420;
const DEFAULT_LISTEN = '127.0.0.1';

/** manifest.yaml spec.api as written (undefined fields: not set), or null when it does not compile. */
async function manifestApi(stateDir: string): Promise<{ enabled?: boolean; listen?: string; port?: number; hostnames?: string[] } | null> {
  const { readStateFileText } = await import('../common/state-read.js');
  try {
    // No link, nothing but a regular file, at most 1 MiB (common/state-read.ts); refused → null.
    const text = readStateFileText(stateDir, 'manifest.yaml');
    if (text === null) return null;
    const { parse: parseYaml } = await import('yaml');
    const v = parseYaml(text) as { spec?: { api?: { enabled?: unknown; listen?: unknown; port?: unknown; hostnames?: unknown } } } | null;
    const api = v?.spec?.api ?? {};
    return {
      ...(typeof api.enabled === 'boolean' ? { enabled: api.enabled } : {}),
      ...(typeof api.listen === 'string' ? { listen: api.listen } : {}),
      ...(typeof api.port === 'number' ? { port: api.port } : {}),
      ...(Array.isArray(api.hostnames) ? { hostnames: api.hostnames.filter((h): h is string => typeof h === 'string') } : {}),
    };
  } catch {
    return null;
  }
}

/** `claude serve` with its arguments (after the word serve); returns the exit code. Runs until the process is stopped. */
async function serve(argv: string[], ctx: ServeContext): Promise<number> {
  const { values } = parse(
    argv,
    { listen: { type: 'string' }, port: { type: 'string' }, hostname: { type: 'string', multiple: true }, 'tls-cert': { type: 'string' }, 'tls-key': { type: 'string' }, 'state-dir': { type: 'string' }, 'rotate-token': { type: 'boolean' }, 'login-code': { type: 'boolean' }, 'no-cli-socket': { type: 'boolean' }, 'no-observer': { type: 'boolean' } },
    false,
  );
  const paths = resolvePaths(ctx.env, ctx.cwd, values['state-dir']);
  const { isLoopback, ApiServer } = await import('./server.js');
  const { newLoginCode, endAllSessions } = await import('./security.js');
  if (values['login-code']) {
    const c = newLoginCode(paths.dataDir, { now: ctx.now() });
    println(ctx.stdout, `Login code for the web UI: ${c.code} (works once, until ${c.expiresAt})`);
    return EXIT.OK;
  }
  for (const h of values.hostname ?? []) {
    if (!/^[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/.test(h)) throw new UsageError(`--hostname '${h}' is not a host name (letters, digits, '-' and dots)`);
  }
  if ((values['tls-cert'] === undefined) !== (values['tls-key'] === undefined)) throw new UsageError('--tls-cert and --tls-key go together');
  const { ApiTokenError, loadOrCreateApiToken } = await import('./token.js');
  const api = await manifestApi(paths.stateDir);
  let port = api?.port ?? DEFAULT_PORT;
  if (values.port !== undefined) {
    port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be 0-65535, not '${values.port}'`);
  }
  const listen = values.listen ?? api?.listen ?? DEFAULT_LISTEN;
  if (!isLoopback(listen)) {
    const askedByManifest = values.listen === undefined && api?.enabled === true;
    if (values.listen === undefined && !askedByManifest) {
      println(ctx.stderr, `claude serve: manifest.yaml sets spec.api.listen to ${listen}, which is not loopback, but spec.api.enabled is not true; refusing to listen there`);
      println(ctx.stderr, '  hint: set spec.api.enabled: true in manifest.yaml (through a plan) to serve on the network, pass --listen ADDR explicitly, or use --listen 127.0.0.1 and an SSH tunnel');
      return EXIT.FAILURE;
    }
    if (values['tls-cert'] === undefined) println(ctx.stderr, `claude serve: warning: listening on ${listen}, not loopback. The API is plain HTTP: the token and the plans cross the network unencrypted unless TLS or an SSH tunnel is in front of it.`);
  }
  let token;
  try {
    token = loadOrCreateApiToken(paths.dataDir, { rotate: values['rotate-token'] === true });
    if (values['rotate-token']) endAllSessions(paths.dataDir);
  } catch (e) {
    if (e instanceof ApiTokenError) {
      println(ctx.stderr, `claude serve: ${e.message}\n  hint: ${e.hint}`);
      return EXIT.FAILURE;
    }
    throw e;
  }
  let tls: { cert: Buffer; key: Buffer } | undefined;
  if (values['tls-cert'] !== undefined && values['tls-key'] !== undefined) {
    const { readFileSync } = await import('node:fs');
    try {
      tls = { cert: readFileSync(values['tls-cert']), key: readFileSync(values['tls-key']) };
    } catch (e) {
      println(ctx.stderr, `claude serve: cannot read the TLS certificate or key: ${(e as Error).message}`);
      return EXIT.FAILURE;
    }
  }
  const hostnames = [...(api?.hostnames ?? []), ...(values.hostname ?? [])];
  // The observer's periodic tick waits while a command runs through the CLI socket (made below).
  let cliSocket: import('../agent/cli-socket.js').CliSocket | null = null;
  const server = new ApiServer({ paths, env: ctx.env, now: ctx.now, token: token.token, listen, port, hostnames, observe: values['no-observer'] ? false : 'auto', commandRunning: () => cliSocket?.busy() ?? false, ...(tls ? { tls } : {}), log: (l) => println(ctx.stderr, l) });
  let addr;
  try {
    addr = await server.start();
    await server.service.flowHost(); // the host id, made on first use
  } catch (e) {
    await server.stop();
    println(ctx.stderr, `claude serve: cannot listen on ${listen}:${port}: ${(e as Error).message}`);
    println(ctx.stderr, '  hint: another claude serve may be running; pick another --port');
    return EXIT.FAILURE;
  }
  // The CLI socket: the claude command (same user) hands its commands to a warm worker.
  const { startCliSocket } = await import('../agent/cli-socket.js');
  cliSocket = values['no-cli-socket'] ? null : await startCliSocket({ dataDir: paths.dataDir, bin: join(packageRoot(), 'bin', 'claude'), log: (l) => println(ctx.stderr, `claude serve: ${l}`) });
  println(ctx.stdout, `Claude.OS API and web UI: ${addr.url}`);
  const code = newLoginCode(paths.dataDir, { now: ctx.now() });
  println(ctx.stdout, `Web UI login code: ${code.code} (works once, for 10 minutes; claude serve --login-code makes another)`);
  if (token.created) {
    println(ctx.stdout, `API token (shown once; kept in ${token.path}, mode 0600): ${token.token}`);
  } else println(ctx.stdout, `API token: in ${token.path} (sudo cat it; --rotate-token makes a new one)`);
  println(ctx.stdout, `Try: curl -s -H "Authorization: Bearer $(cat ${token.path})" ${addr.url}api/v1/status`);
  // Runs until the process is stopped (systemd sends SIGTERM): then the observer loop saves
  // its metrics and events (a restart keeps the last minute's too) and the port is freed.
  const signal = await (ctx.stopped ?? new Promise<string>(() => undefined));
  println(ctx.stderr, `claude serve: ${signal}: stopping`);
  cliSocket?.close();
  await server.stop();
  println(ctx.stderr, 'claude serve: stopped (metrics and events saved; web UI sessions kept)');
  return EXIT.OK;
}

/** `claude serve …` in-process: argv starts with `serve`; usage errors print the usage and give 2. */
export async function main(argv: string[], ctx: ServeContext): Promise<number> {
  const [first, ...rest] = argv;
  if (first !== 'serve') {
    println(ctx.stderr, `claude: the server's entry runs only 'claude serve', not '${first ?? ''}'`);
    return EXIT.USAGE;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    println(ctx.stdout, SERVE_USAGE);
    return EXIT.OK;
  }
  try {
    return await serve(rest, ctx);
  } catch (e) {
    if (e instanceof UsageError) {
      println(ctx.stderr, `claude serve: ${e.message}`);
      println(ctx.stderr, SERVE_USAGE);
      return EXIT.USAGE;
    }
    throw e;
  }
}

/** Called by `bin/claude` for `claude serve …`. */
export async function run(argv: string[]): Promise<void> {
  const stopped = new Promise<string>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  try {
    process.exitCode = await main(argv, { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, isTTY: Boolean(process.stdin.isTTY && process.stdout.isTTY), env: process.env, cwd: process.cwd(), now: () => new Date(), stopped });
  } catch (e) {
    process.stderr.write(`claude: internal error: ${(e as Error)?.stack ?? String(e)}\n`);
    process.exitCode = 70;
  }
  // Stopped: exit even if a client's keep-alive connection or the Docker client lingers.
  setTimeout(() => process.exit(), 2000).unref();
}
