/**
 * The browser-facing defences of `claude serve`:
 *
 *  - Host allowlist (DNS rebinding): a request is answered only when its Host header names
 *    this server: the loopback names, the listen address (every local interface address
 *    when it listens on all of them), and the names the admin configures (manifest.yaml
 *    spec.api.hostnames, `--hostname`). A page served under a rebinding name reaches our
 *    port with its own name in Host and is refused before anything else runs.
 *  - Same-origin check on every state-changing request (POST): a browser's `Origin` must be
 *    this server's own origin, and `Sec-Fetch-Site` (when sent) must be same-origin or none.
 *    A request authenticated by the session cookie must carry one of the two (browsers
 *    always do); curl and scripts use the bearer token and send neither.
 *  - Login codes: one-time, short-lived codes (`claude serve` prints one; `claude serve
 *    --login-code` makes another) that the UI exchanges for a session cookie, so the token
 *    never appears in a URL, the browser's history or its storage. Codes are kept hashed in
 *    `<data dir>/api/login-codes.json` (mode 0600), so a running server sees codes made by
 *    another process; each works once.
 *  - Sessions: random ids in an HttpOnly, SameSite=Strict cookie (Secure under TLS), kept
 *    hashed with an absolute expiry in `<data dir>/api/sessions.json` (mode 0600), so a
 *    restart of `claude serve` logs nobody out; logout ends one, `--rotate-token` all.
 */
import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../common/fsutil.js';

export const SESSION_COOKIE = 'claude_session';
export const DEFAULT_SESSION_TTL_MS = 12 * 3600_000;
export const DEFAULT_LOGIN_CODE_TTL_MS = 10 * 60_000;
/** Wrong login codes allowed per window before exchanges are refused for the rest of it. */
export const MAX_CODE_FAILURES = 10;
const FAILURE_WINDOW_MS = 60_000;

// ── Host allowlist ─────────────────────────────────────────────────────────────────

const WILDCARDS = new Set(['0.0.0.0', '::', '']);

/** The host names and addresses this server answers to (lowercase, IPv6 without brackets). */
export function allowedHosts(listen: string, configured: readonly string[] = []): Set<string> {
  const out = new Set<string>(['localhost', '127.0.0.1', '::1']);
  const l = listen.toLowerCase().replace(/^\[|\]$/g, '');
  if (WILDCARDS.has(l)) {
    for (const addrs of Object.values(networkInterfaces())) for (const a of addrs ?? []) out.add(a.address.toLowerCase().replace(/%.*$/, ''));
  } else out.add(l);
  for (const n of configured) out.add(n.toLowerCase().replace(/\.$/, ''));
  return out;
}

/** The host part of a Host header value (`name:port`, `[v6]:port`), lowercase; null when malformed. */
export function hostOf(header: string | undefined): string | null {
  if (!header) return null;
  const h = header.trim().toLowerCase();
  const v6 = /^\[([0-9a-f:.]+)\](?::(\d{1,5}))?$/.exec(h);
  if (v6) return v6[1]!;
  const m = /^([a-z0-9.-]+)(?::(\d{1,5}))?$/.exec(h);
  return m ? m[1]!.replace(/\.$/, '') : null;
}

/** Whether a Host header names this server; 127.0.0.0/8 counts as loopback. */
export function hostAllowed(header: string | undefined, allowed: Set<string>): boolean {
  const h = hostOf(header);
  if (h === null) return false;
  return allowed.has(h) || /^127\.\d+\.\d+\.\d+$/.test(h);
}

// ── same-origin check ──────────────────────────────────────────────────────────────

/**
 * Why a state-changing request must be refused as cross-site, or null when it may go on.
 * `viaCookie`: the request is authenticated by the session cookie (a browser), which then
 * must show where it comes from.
 */
export function crossSiteReason(headers: { origin?: string | undefined; host?: string | undefined; 'sec-fetch-site'?: string | undefined }, o: { allowed: Set<string>; tls: boolean; viaCookie: boolean }): string | null {
  const site = headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return `Sec-Fetch-Site is '${site}'`;
  const origin = headers.origin;
  if (origin !== undefined) {
    if (origin === 'null') return "the Origin is 'null'";
    let u: URL;
    try {
      u = new URL(origin);
    } catch {
      return `the Origin '${origin}' is not a URL`;
    }
    const expected = `${o.tls ? 'https:' : 'http:'}//${(headers.host ?? '').toLowerCase()}`;
    if (`${u.protocol}//${u.host}` !== expected) return `the Origin ${origin} is not this server (${expected})`;
    if (!hostAllowed(u.host, o.allowed)) return `the Origin ${origin} is not an allowed host`;
    return null;
  }
  if (o.viaCookie && site === undefined) return 'the request carries neither Origin nor Sec-Fetch-Site';
  return null;
}

// ── login codes ────────────────────────────────────────────────────────────────────

const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'; // no 0/O, 1/I
export const LOGIN_CODES_FILE = join('api', 'login-codes.json');

interface CodeEntry {
  /** sha256 of the normalized code, hex. */
  hash: string;
  expiresAt: string;
}

function codesPath(dataDir: string): string {
  return join(dataDir, LOGIN_CODES_FILE);
}

function readCodes(dataDir: string, now: Date): CodeEntry[] {
  try {
    const v = JSON.parse(readFileSync(codesPath(dataDir), 'utf8')) as { codes?: CodeEntry[] };
    return (v.codes ?? []).filter((c) => typeof c.hash === 'string' && Date.parse(c.expiresAt) > now.getTime());
  } catch {
    return [];
  }
}

function writeCodes(dataDir: string, codes: CodeEntry[]): void {
  mkdirSync(join(dataDir, 'api'), { recursive: true, mode: 0o700 });
  writeFileAtomic(codesPath(dataDir), JSON.stringify({ version: 1, codes }) + '\n', 0o600);
}

function normalizeCode(code: string): string {
  return code.toUpperCase().replace(/[^A-Z0-9]/g, '');
}

function sha256(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

/** Makes a one-time login code (`ABCD-EFGH`, 40 bits), valid for `ttlMs`; kept hashed in the data dir. */
export function newLoginCode(dataDir: string, o: { now: Date; ttlMs?: number }): { code: string; expiresAt: string } {
  let raw = '';
  for (let i = 0; i < 8; i++) raw += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  const expiresAt = new Date(o.now.getTime() + (o.ttlMs ?? DEFAULT_LOGIN_CODE_TTL_MS)).toISOString();
  writeCodes(dataDir, [...readCodes(dataDir, o.now), { hash: sha256(raw).toString('hex'), expiresAt }]);
  return { code: `${raw.slice(0, 4)}-${raw.slice(4)}`, expiresAt };
}

/** Uses up a login code: true when it was valid (it is removed), false otherwise. */
export function redeemLoginCode(dataDir: string, code: string, now: Date): boolean {
  const want = sha256(normalizeCode(code));
  const codes = readCodes(dataDir, now);
  const hit = codes.findIndex((c) => {
    const h = Buffer.from(c.hash, 'hex');
    return h.length === want.length && timingSafeEqual(h, want);
  });
  if (hit < 0) return false;
  codes.splice(hit, 1);
  writeCodes(dataDir, codes);
  return true;
}

// ── sessions ───────────────────────────────────────────────────────────────────────

export const SESSIONS_FILE = join('api', 'sessions.json');

interface SessionEntry {
  /** sha256 of the session id, hex: the file never holds a usable cookie. */
  hash: string;
  expiresAt: string;
}

function sessionsPath(dataDir: string): string {
  return join(dataDir, SESSIONS_FILE);
}

/** The live sessions in the data dir (expired and malformed entries left out). */
function readSessions(dataDir: string, now: Date): SessionEntry[] {
  try {
    const v = JSON.parse(readFileSync(sessionsPath(dataDir), 'utf8')) as { sessions?: SessionEntry[] };
    return (v.sessions ?? []).filter((s) => typeof s.hash === 'string' && /^[0-9a-f]{64}$/.test(s.hash) && Date.parse(s.expiresAt) > now.getTime());
  } catch {
    return []; // none yet, or unreadable: everyone logs in again
  }
}

function writeSessions(dataDir: string, sessions: SessionEntry[]): void {
  mkdirSync(join(dataDir, 'api'), { recursive: true, mode: 0o700 });
  writeFileAtomic(sessionsPath(dataDir), JSON.stringify({ version: 1, sessions }) + '\n', 0o600);
}

/** Ends every web UI session (`claude serve --rotate-token`): each browser logs in again. */
export function endAllSessions(dataDir: string): void {
  rmSync(sessionsPath(dataDir), { force: true });
}

/**
 * The web UI's sessions, kept in `<data dir>/api/sessions.json` (mode 0600, in a 0700 dir):
 * only the sha256 of each id with its absolute expiry, so a restart of `claude serve` keeps
 * everyone logged in until their session expires, and reading the file gives no cookie.
 * The file is read on every check, so it is the one truth (a rotated token clears it).
 */
export class Sessions {
  private failures: number[] = [];

  constructor(private readonly o: { dataDir: string; now: () => Date; ttlMs?: number }) {}

  get ttlMs(): number {
    return this.o.ttlMs ?? DEFAULT_SESSION_TTL_MS;
  }

  /** A new session: its id (for the cookie only) and expiry. */
  create(): { id: string; expiresAt: Date } {
    const id = randomBytes(32).toString('base64url');
    const now = this.o.now();
    const expiresAt = new Date(now.getTime() + this.ttlMs);
    writeSessions(this.o.dataDir, [...readSessions(this.o.dataDir, now), { hash: sha256(id).toString('hex'), expiresAt: expiresAt.toISOString() }]);
    return { id, expiresAt };
  }

  /** The session's expiry when the id names a live one, else null. */
  check(id: string | undefined): Date | null {
    if (!id) return null;
    const want = sha256(id);
    const s = readSessions(this.o.dataDir, this.o.now()).find((e) => timingSafeEqual(Buffer.from(e.hash, 'hex'), want));
    return s ? new Date(s.expiresAt) : null;
  }

  /** Ends one session (logout); expired ones are dropped from the file at the same time. */
  end(id: string | undefined): boolean {
    if (!id) return false;
    const key = sha256(id).toString('hex');
    const all = readSessions(this.o.dataDir, this.o.now());
    const rest = all.filter((e) => e.hash !== key);
    writeSessions(this.o.dataDir, rest);
    return rest.length < all.length;
  }

  /** Records a wrong code. */
  noteFailure(): void {
    this.failures.push(this.o.now().getTime());
  }

  /** True once too many wrong codes came in this window: exchanges are refused for the rest of it. */
  throttled(): boolean {
    const since = this.o.now().getTime() - FAILURE_WINDOW_MS;
    this.failures = this.failures.filter((t) => t > since);
    return this.failures.length >= MAX_CODE_FAILURES;
  }
}

/** The value of one cookie in a Cookie header. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return undefined;
}

/** The Set-Cookie value of a session (or of its removal, with maxAgeS 0). */
export function sessionCookie(id: string, maxAgeS: number, tls: boolean): string {
  return `${SESSION_COOKIE}=${id}; Path=/; Max-Age=${Math.max(0, Math.floor(maxAgeS))}; HttpOnly; SameSite=Strict${tls ? '; Secure' : ''}`;
}
