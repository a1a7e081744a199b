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
 *    hashed in memory with an absolute expiry; logout ends one. A restart ends them all.
 */
import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
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

export class Sessions {
  private readonly live = new Map<string, { expiresAt: number }>();
  private failures: number[] = [];

  constructor(private readonly o: { now: () => Date; ttlMs?: number }) {}

  get ttlMs(): number {
    return this.o.ttlMs ?? DEFAULT_SESSION_TTL_MS;
  }

  /** A new session: its id (for the cookie only) and expiry. */
  create(): { id: string; expiresAt: Date } {
    const id = randomBytes(32).toString('base64url');
    const expiresAt = new Date(this.o.now().getTime() + this.ttlMs);
    this.live.set(sha256(id).toString('hex'), { expiresAt: expiresAt.getTime() });
    return { id, expiresAt };
  }

  /** The session's expiry when the id names a live one; expired ones are dropped. */
  check(id: string | undefined): Date | null {
    if (!id) return null;
    const key = sha256(id).toString('hex');
    const s = this.live.get(key);
    if (!s) return null;
    if (s.expiresAt <= this.o.now().getTime()) {
      this.live.delete(key);
      return null;
    }
    return new Date(s.expiresAt);
  }

  end(id: string | undefined): boolean {
    return id ? this.live.delete(sha256(id).toString('hex')) : false;
  }

  /** Records a wrong code; true while exchanges are still allowed in this window. */
  noteFailure(): void {
    this.failures.push(this.o.now().getTime());
  }

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
