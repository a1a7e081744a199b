/**
 * The HTTP side of `claude serve` (node:http, no framework): routes, bearer-token auth,
 * JSON bodies with a size limit, `{error, hint}` errors, and the static web UI.
 *
 *   GET  /                          the web UI (server/ui/index.html; no auth: it holds no data)
 *   GET  /ui/app.js, /ui/app.css    its script and style
 *   GET  /api/v1/status             observe summary: banner, services, alerts, anomalies
 *   POST /api/v1/conversation       {message, conversationId?} → explanation and a saved plan
 *   GET  /api/v1/conversations/:id  the turns of a conversation
 *   GET  /api/v1/plans              the saved API plans, newest first
 *   GET  /api/v1/plans/:id          a plan: show text, steps, risks, approval needed, progress
 *   POST /api/v1/plans/:id/apply    {approve: true, confirmSecurity?: true} → the apply result
 *   POST /api/v1/plans/:id/cancel   the plan can no longer be applied
 *   POST /api/v1/session            {code} (a one-time login code) or {token} → session cookie
 *   GET  /api/v1/session            who is logged in, and until when
 *   POST /api/v1/logout             ends the cookie's session
 *   POST /api/v1/login-codes        a new one-time login code (for another browser)
 *   POST /api/v1/rollback           {commit} → a saved rollback plan
 *   GET  /api/v1/history            the state repo's commits
 *   GET  /api/v1/events             recent events (?since=1h)
 *   GET  /api/v1/metrics            CPU and memory per service and host (?range=1h|24h), from the metric rings
 *   GET  /api/v1/services/:name/logs  the newest log lines (?lines=200&since=<time> for a live tail)
 *   POST /api/v1/services/:name/actions  {action: restart|stop|start} → a saved plan (applied like any other)
 *   GET  /api/v1/conversations      past conversations, newest first
 *   GET  /api/v1/notifications      the notifications (?since=1h&limit=100): reconciler, anomalies, jobs
 *   GET  /api/v1/pending            the reconciler's plan waiting for approval, or null
 *
 * Every /api request (except POST /api/v1/session) needs `Authorization: Bearer <token>`
 * (server/token.ts) or the session cookie the UI gets for a login code. Every request's Host
 * must name this server, and every POST must come from this server's own origin
 * (server/security.ts). The server patterns follow runtime/observe/daemon.ts.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../common/paths.js';
import { bearerMatches } from './token.js';
import { SESSION_COOKIE, Sessions, allowedHosts, cookieValue, crossSiteReason, hostAllowed, hostOf, newLoginCode, redeemLoginCode, sessionCookie } from './security.js';
import { ApiError, ApiService, type ApiServiceOptions } from './service.js';
import { PLAN_ID } from './plans.js';
import { openApiDocument } from './openapi.js';
import { StateFileError } from '../common/state-read.js';

export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;

export interface ApiServerOptions extends ApiServiceOptions {
  token: string;
  listen: string;
  /** 0: any free port (tests). */
  port: number;
  /** Largest accepted request body. Default 64 KiB. */
  maxBodyBytes?: number;
  /**
   * Where the server says why it answered 500 or more: one line per such answer, with the
   * method, the path and the cause (the stack of an unexpected error). Required, so that no
   * server answers 500 with its cause said nowhere (`claude serve` gives its stderr).
   */
  log: (line: string) => void;
  /** Names the server is reached by besides loopback and the listen address (manifest spec.api.hostnames, --hostname). */
  hostnames?: string[];
  /** Serve HTTPS with this certificate and key (PEM); the session cookie is then Secure. */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** Session lifetime. Default 12 h. */
  sessionTtlMs?: number;
  /** Login code lifetime. Default 10 min. */
  loginCodeTtlMs?: number;
}

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cache-control': 'no-store',
};

/** Only our own files: no inline script, nothing from elsewhere. */
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/** The page and its stylesheet come from server/ui; the script bundle (with uPlot) from dist/ui, made by `npm run build`. */
const STATIC: Record<string, { file: string; type: string; built?: boolean }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/index.html': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/ui/app.css': { file: 'app.css', type: 'text/css; charset=utf-8' },
  '/ui/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8', built: true },
  '/ui/uplot.css': { file: 'uplot.css', type: 'text/css; charset=utf-8', built: true },
};

/** The UI's source files (server/ui), also when running from dist/. */
export function uiDir(): string {
  return join(packageRoot(), 'server', 'ui');
}

/** The UI's built bundle (dist/ui). */
export function uiBundleDir(): string {
  return join(packageRoot(), 'dist', 'ui');
}

/** A response with a status other than 200. */
class Reply {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {}
}

type Handler = (req: IncomingMessage, params: string[], q: URLSearchParams) => Promise<unknown>;
interface Route {
  method: 'GET' | 'POST';
  path: RegExp;
  handler: Handler;
  /** Needs no token or session (the login exchange). */
  open?: boolean;
}

/** How a request was authenticated. */
type Via = 'bearer' | 'cookie' | null;

/** Fields each POST body may have, with their types: anything else is a 400 (catches "approved": true). */
const BODIES: Record<string, Record<string, { type: 'string' | 'boolean'; required?: boolean }>> = {
  conversation: { message: { type: 'string', required: true }, conversationId: { type: 'string' } },
  apply: { approve: { type: 'boolean' }, confirmSecurity: { type: 'boolean' } },
  rollback: { commit: { type: 'string', required: true } },
  session: { code: { type: 'string' }, token: { type: 'string' } },
  action: { action: { type: 'string', required: true } },
  empty: {},
};

export class ApiServer {
  private server: Server | null = null;
  readonly service: ApiService;
  private readonly routes: Route[];
  readonly sessions: Sessions;
  private readonly allowed: Set<string>;
  private readonly via = new WeakMap<IncomingMessage, Via>();

  constructor(private readonly o: ApiServerOptions) {
    this.service = new ApiService(o);
    this.sessions = new Sessions({ dataDir: o.paths.dataDir, now: o.now, ...(o.sessionTtlMs !== undefined ? { ttlMs: o.sessionTtlMs } : {}) });
    this.allowed = allowedHosts(o.listen, o.hostnames ?? []);
    const s = this.service;
    this.routes = [
      { method: 'GET', path: /^\/api\/v1\/openapi\.json$/, open: true, handler: async () => openApiDocument(packageVersion()) },
      { method: 'POST', path: /^\/api\/v1\/session$/, open: true, handler: async (req) => this.login(req, await this.body(req, 'session')) },
      { method: 'GET', path: /^\/api\/v1\/session$/, handler: async (req) => this.session(req) },
      { method: 'POST', path: /^\/api\/v1\/logout$/, handler: async (req) => this.logout(req, await this.body(req, 'empty')) },
      { method: 'POST', path: /^\/api\/v1\/login-codes$/, handler: async (req) => {
          await this.body(req, 'empty');
          return newLoginCode(this.o.paths.dataDir, { now: this.o.now(), ...(this.o.loginCodeTtlMs !== undefined ? { ttlMs: this.o.loginCodeTtlMs } : {}) });
        },
      },
      { method: 'GET', path: /^\/api\/v1\/status$/, handler: () => s.status() },
      { method: 'POST', path: /^\/api\/v1\/conversation$/, handler: async (req) => s.conversation((await this.body(req, 'conversation')) as { message: string; conversationId?: string }) },
      { method: 'GET', path: /^\/api\/v1\/conversations$/, handler: async () => s.conversations() },
      { method: 'GET', path: /^\/api\/v1\/metrics$/, handler: (_r, _p, q) => s.metrics(q) },
      { method: 'GET', path: /^\/api\/v1\/services\/([^/]+)\/logs$/, handler: (_r, [name], q) => s.logs(name!, q) },
      { method: 'POST', path: /^\/api\/v1\/services\/([^/]+)\/actions$/, handler: async (req, [name]) => s.serviceAction(name!, (await this.body(req, 'action')) as { action: string }) },
      { method: 'GET', path: /^\/api\/v1\/conversations\/([^/]+)$/, handler: async (_r, [id]) => s.conversationTurns(id!) },
      { method: 'GET', path: /^\/api\/v1\/plans$/, handler: async () => s.plans() },
      { method: 'GET', path: /^\/api\/v1\/plans\/([^/]+)$/, handler: async (_r, [id]) => s.plan(checkPlanId(id!)) },
      { method: 'POST', path: /^\/api\/v1\/plans\/([^/]+)\/apply$/, handler: async (req, [id]) => {
          const r = await s.applyPlan(checkPlanId(id!), await this.body(req, 'apply'));
          return new Reply(r.status, r.body);
        },
      },
      { method: 'POST', path: /^\/api\/v1\/plans\/([^/]+)\/cancel$/, handler: async (req, [id]) => {
          await this.body(req, 'empty');
          return s.cancelPlan(checkPlanId(id!));
        },
      },
      { method: 'POST', path: /^\/api\/v1\/rollback$/, handler: async (req) => s.rollback((await this.body(req, 'rollback')) as { commit: string }) },
      { method: 'GET', path: /^\/api\/v1\/history$/, handler: (_r, _p, q) => s.history(q) },
      { method: 'GET', path: /^\/api\/v1\/events$/, handler: (_r, _p, q) => s.events(q) },
      { method: 'GET', path: /^\/api\/v1\/notifications$/, handler: (_r, _p, q) => s.notifications(q) },
      { method: 'GET', path: /^\/api\/v1\/pending$/, handler: () => s.pendingPlan() },
    ];
  }

  /** Every route as `METHOD /path/{}/…` (the OpenAPI test compares them with the document). */
  routeList(): string[] {
    return this.routes.map((r) => `${r.method} ${r.path.source.replace(/^\^|\$$/g, '').replace(/\(\[\^\/\]\+\)/g, '{}').replace(/\\(.)/g, '$1')}`);
  }

  async start(): Promise<{ host: string; port: number; url: string }> {
    // A failure in the error path itself (a log sink that throws) must not become an
    // unhandled rejection, which would end the whole server.
    const handler = (req: IncomingMessage, res: ServerResponse) =>
      void this.handle(req, res).catch((e: unknown) => {
        if (!res.headersSent) res.writeHead(500).end();
        else res.end();
        try {
          this.o.log(`claude serve: ${req.method} ${req.url}: answering the request failed: ${(e as Error)?.stack ?? String(e)}`);
        } catch {
          /* the log itself failed: nothing else to tell */
        }
      });
    this.server = this.o.tls ? createTlsServer({ cert: this.o.tls.cert, key: this.o.tls.key }, handler) : createServer(handler);
    this.server.requestTimeout = 15 * 60_000; // an apply may take minutes
    this.server.headersTimeout = 30_000;
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.o.port, this.o.listen, () => resolve());
    });
    const addr = this.server.address() as { port: number };
    // The observer loop starts in the background: its first observation must not hold up serving.
    this.service.startObserver().catch((e: Error) => this.o.log(`claude serve: the observer loop did not start: ${e.message}`));
    const host = this.o.listen.includes(':') ? `[${this.o.listen}]` : this.o.listen;
    return { host: this.o.listen, port: addr.port, url: `${this.o.tls ? 'https' : 'http'}://${host}:${addr.port}/` };
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    const s = this.server;
    this.server = null;
    await this.service.stopObserver();
    s.closeAllConnections?.();
    await new Promise<void>((r) => s.close(() => r()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    try {
      // DNS rebinding: answer only requests addressed to one of this server's names.
      if (!hostAllowed(req.headers.host, this.allowed)) {
        throw new ApiError(403, `the Host '${req.headers.host ?? ''}' is not a name of this server`, `open it as http://localhost:PORT/ or by the listen address, or add the name to manifest.yaml spec.api.hostnames (or claude serve --hostname ${hostOf(req.headers.host) ?? 'NAME'})`);
      }
      if (!path.startsWith('/api/')) return this.serveStatic(req, res, path);
      const matching = this.routes.filter((r) => r.path.test(path));
      const via = this.authenticate(req);
      if (!via && !matching.some((r) => r.open && r.method === req.method)) {
        res.setHeader('www-authenticate', 'Bearer realm="claude-os"');
        throw new ApiError(401, 'missing or wrong API token, or the session has ended', 'send the header Authorization: Bearer <token> (the token is in $CLAUDE_DATA_DIR/api-token on the host), or log in to the web UI with a login code (claude serve --login-code)');
      }
      // A second line against cross-site requests: every state change comes from our own origin.
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        const why = crossSiteReason(req.headers, { allowed: this.allowed, tls: this.o.tls !== undefined, viaCookie: via === 'cookie' });
        if (why) throw new ApiError(403, `cross-site request refused: ${why}`, 'use the web UI served by this server, or send the bearer token from a script without an Origin header');
      }
      if (matching.length === 0) throw new ApiError(404, `no such endpoint: ${path}`, 'see docs/api.md for the endpoints (GET /api/v1/status, POST /api/v1/conversation, …)');
      const route = matching.find((r) => r.method === req.method);
      if (!route) {
        res.setHeader('allow', matching.map((r) => r.method).join(', '));
        throw new ApiError(405, `${req.method} is not allowed on ${path}`, `use ${matching.map((r) => r.method).join(' or ')}`);
      }
      const params = route.path.exec(path)!.slice(1).map((p) => decodeURIComponent(p));
      const out = await route.handler(req, params, url.searchParams);
      if (out instanceof Reply) {
        // e.g. an apply that failed and was rolled back: its error is in the body
        if (out.status >= 500) this.logServerError(req, path, out.status, errorOf(out.body));
        this.json(res, out.status, out.body, out.headers);
      } else this.json(res, 200, out);
    } catch (e) {
      if (e instanceof ApiError) {
        if (e.status >= 500) this.logServerError(req, path, e.status, e.message);
        return this.json(res, e.status, { error: e.message, hint: e.hint, ...e.extra });
      }
      // A symlink, a pipe or an oversized file in the state dir: refused before reading it.
      if (e instanceof StateFileError) return this.json(res, 409, { error: e.message, hint: e.hint });
      this.logServerError(req, path, 500, (e as Error)?.stack ?? String(e));
      this.json(res, 500, { error: `internal error: ${(e as Error)?.message ?? String(e)}`, hint: 'see the claude serve log on the host (journalctl -u claude-api)' });
    }
  }

  /** Every answer of 500 or more says its cause in the server's log. */
  private logServerError(req: IncomingMessage, path: string, status: number, cause: string): void {
    try {
      this.o.log(`claude serve: ${req.method} ${path}: ${status}: ${cause}`);
    } catch {
      // A log sink that throws must not turn this answer (a 503 with its hint) into a bare 500.
    }
  }

  private json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    if (res.headersSent) return void res.end();
    const text = JSON.stringify(body, null, 2) + '\n';
    res.writeHead(status, { ...SECURITY_HEADERS, ...headers, 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) }).end(text);
  }

  /** The bearer token, else a live session cookie (only when no Authorization header is sent). */
  private authenticate(req: IncomingMessage): Via {
    let via: Via = null;
    if (req.headers.authorization !== undefined) via = bearerMatches(req.headers.authorization, this.o.token) ? 'bearer' : null;
    else if (this.sessions.check(cookieValue(req.headers.cookie, SESSION_COOKIE))) via = 'cookie';
    this.via.set(req, via);
    return via;
  }

  /** POST /api/v1/session: a one-time login code (or the token) → a session cookie. */
  private login(_req: IncomingMessage, body: Record<string, unknown>): Reply {
    const code = body.code as string | undefined;
    const token = body.token as string | undefined;
    if ((code === undefined) === (token === undefined)) throw new ApiError(400, 'send either "code" (a login code) or "token"', 'claude serve prints a login code; make another with `claude serve --login-code` on the host');
    if (this.sessions.throttled()) throw new ApiError(429, 'too many wrong login codes; try again in a minute', 'make a fresh code with `claude serve --login-code` on the host', { retryAfter: 60 });
    const ok = code !== undefined ? redeemLoginCode(this.o.paths.dataDir, code, this.o.now()) : bearerMatches(`Bearer ${token}`, this.o.token);
    if (!ok) {
      this.sessions.noteFailure();
      throw new ApiError(401, code !== undefined ? 'that login code is wrong, expired or already used' : 'that is not the API token', 'make a fresh code with `claude serve --login-code` on the host (each code works once, for 10 minutes)');
    }
    const s = this.sessions.create();
    return new Reply(200, { authenticated: true, expiresAt: s.expiresAt.toISOString() }, { 'set-cookie': sessionCookie(s.id, this.sessions.ttlMs / 1000, this.o.tls !== undefined) });
  }

  private session(req: IncomingMessage): unknown {
    const via = this.via.get(req) ?? null;
    const expiresAt = via === 'cookie' ? this.sessions.check(cookieValue(req.headers.cookie, SESSION_COOKIE)) : null;
    return { authenticated: true, via, expiresAt: expiresAt?.toISOString() ?? null };
  }

  private logout(req: IncomingMessage, _body: Record<string, unknown>): Reply {
    const ended = this.sessions.end(cookieValue(req.headers.cookie, SESSION_COOKIE));
    return new Reply(200, { loggedOut: ended }, { 'set-cookie': sessionCookie('', 0, this.o.tls !== undefined) });
  }

  private serveStatic(req: IncomingMessage, res: ServerResponse, path: string): void {
    const f = STATIC[path];
    if (!f) throw new ApiError(404, `not found: ${path}`, 'the web UI is at /, the API under /api/v1/');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      throw new ApiError(405, `${req.method} is not allowed on ${path}`, 'use GET');
    }
    const file = join(f.built ? uiBundleDir() : uiDir(), f.file);
    if (!existsSync(file)) throw new ApiError(503, `the web UI is not built: ${file} is missing`, 'run `npm run build` in the claude-os package');
    const data = readFileSync(file);
    res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': f.type, 'content-length': data.length, 'content-security-policy': CSP });
    res.end(req.method === 'HEAD' ? undefined : data);
  }

  /** Reads a JSON object body: application/json only, at most maxBodyBytes, known fields only. */
  private async body(req: IncomingMessage, kind: keyof typeof BODIES): Promise<Record<string, unknown>> {
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (kind === 'empty' && type === '' && Number(req.headers['content-length'] ?? 0) === 0 && req.headers['transfer-encoding'] === undefined) return {};
    if (type !== 'application/json') throw new ApiError(415, `the body must be JSON (Content-Type: application/json), not '${type || 'none'}'`, `send -H 'Content-Type: application/json' with a JSON object`);
    const max = this.o.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (Number.isFinite(declared) && declared > max) {
      req.resume();
      throw new ApiError(413, `the body is ${declared} bytes; at most ${max}`, 'send a shorter request');
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const c of req) {
      size += (c as Buffer).length;
      if (size > max) {
        req.resume();
        throw new ApiError(413, `the body is larger than ${max} bytes`, 'send a shorter request');
      }
      chunks.push(c as Buffer);
    }
    const text = Buffer.concat(chunks).toString('utf8');
    let v: unknown;
    try {
      v = text.trim() === '' ? {} : JSON.parse(text);
    } catch (e) {
      throw new ApiError(400, `the body is not valid JSON: ${(e as Error).message}`, 'send a JSON object, e.g. {"message": "set up a web server with nginx"}');
    }
    if (!v || typeof v !== 'object' || Array.isArray(v)) throw new ApiError(400, 'the body must be a JSON object', 'e.g. {"message": "…"}');
    const spec = BODIES[kind]!;
    const obj = v as Record<string, unknown>;
    for (const [k, val] of Object.entries(obj)) {
      const f = spec[k];
      if (!f) {
        const near = Object.keys(spec).find((n) => editDistance(n.toLowerCase(), k.toLowerCase()) <= 2);
        throw new ApiError(400, `unknown field '${k}'`, `the fields are ${Object.keys(spec).join(', ')}${near ? `; did you mean '${near}'?` : ''}`);
      }
      if (typeof val !== f.type) throw new ApiError(400, `'${k}' must be a ${f.type}, not ${val === null ? 'null' : typeof val}`, kind === 'apply' ? 'send {"approve": true} (the literal true), and "confirmSecurity": true for security or destructive steps' : `e.g. {"${k}": ${f.type === 'string' ? '"…"' : 'true'}}`);
    }
    for (const [k, f] of Object.entries(spec)) if (f.required && !(k in obj)) throw new ApiError(400, `'${k}' is missing`, `the body needs ${Object.keys(spec).filter((n) => spec[n]!.required).map((n) => `"${n}"`).join(', ')}`);
    return obj;
  }
}

/** The `error` of a reply's body, as the log says it. */
function errorOf(body: unknown): string {
  const e = (body as { error?: unknown } | null)?.error;
  return typeof e === 'string' ? e : JSON.stringify(e ?? body);
}

/** Levenshtein distance (field names are short). */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}

function checkPlanId(id: string): string {
  if (!PLAN_ID.test(id)) throw new ApiError(400, `'${id}' is not a plan id`, 'plan ids look like plan-<hex>; POST /api/v1/conversation returns them');
  return id;
}

/** Whether an address is loopback only (127.0.0.0/8, ::1, localhost). */
export function isLoopback(addr: string): boolean {
  return /^127\.\d+\.\d+\.\d+$/.test(addr) || addr === '::1' || addr === 'localhost';
}

/** The package's version (package.json), for the OpenAPI document. */
function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version?: string }).version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}
