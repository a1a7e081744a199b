/**
 * The browser-facing defences of `claude serve` over real HTTP (no Docker needed): the Host
 * allowlist against DNS rebinding, the same-origin check on state changes, one-time login
 * codes exchanged for a session cookie (expiry, logout, throttling), and no token in any URL
 * the UI uses. Requests go through node:http so the Host header can be set freely.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiServer } from './server.js';
import { allowedHosts, crossSiteReason, endAllSessions, hostAllowed, LOGIN_CODES_FILE, MAX_CODE_FAILURES, newLoginCode, SESSIONS_FILE } from './security.js';
import { uiDir } from './server.js';

let dir: string;
let server: ApiServer;
let port: number;
let clock = Date.parse('2026-01-10T12:00:00Z');
const now = () => new Date(clock);
const TOKEN = 'T'.repeat(43);

interface Res {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

function call(method: string, path: string, o: { host?: string; headers?: Record<string, string>; body?: unknown } = {}): Promise<Res> {
  return new Promise((resolve, reject) => {
    const text = o.body === undefined ? undefined : JSON.stringify(o.body);
    const headers: Record<string, string> = { host: o.host ?? `127.0.0.1:${port}`, ...(text !== undefined ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) } : {}), ...o.headers };
    const req = request({ host: '127.0.0.1', port, method, path, headers, setHost: false }, (res) => {
      let data = '';
      res.on('data', (c: Buffer) => (data += c.toString()));
      res.on('end', () => {
        let body: unknown = data;
        try {
          body = JSON.parse(data);
        } catch {
          /* the page */
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
      });
    });
    req.on('error', reject);
    req.end(text);
  });
}

const cookieOf = (r: Res) => String((r.headers['set-cookie'] as string[] | undefined)?.[0] ?? '');
const sessionId = (r: Res) => /claude_session=([^;]*)/.exec(cookieOf(r))?.[1] ?? '';

async function login(): Promise<string> {
  const { code } = newLoginCode(dir, { now: now() });
  const r = await call('POST', '/api/v1/session', { body: { code }, headers: { origin: `http://127.0.0.1:${port}` } });
  expect(r.status).toBe(200);
  return sessionId(r);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'claude-api-sec-'));
  mkdirSync(join(dir, 'state'));
  const paths = { stateDir: join(dir, 'state'), dataDir: dir, root: join(dir, 'root') };
  server = new ApiServer({ paths, env: {}, now, token: TOKEN, listen: '127.0.0.1', port: 0, log: (l) => process.stderr.write(`${l}\n`), hostnames: ['claude.example.lan'], sessionTtlMs: 3600_000 });
  port = (await server.start()).port;
});
afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('DNS rebinding: the Host allowlist', () => {
  it('answers localhost, 127.0.0.1, [::1] and the configured name; refuses any other Host with 403 and a hint, for the page and the API', async () => {
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`, `claude.example.lan:${port}`, 'CLAUDE.EXAMPLE.LAN']) {
      expect((await call('GET', '/', { host })).status, host).toBe(200);
    }
    for (const host of [`attacker.example:${port}`, 'attacker.example', `127.0.0.1.attacker.example:${port}`, 'localhost.attacker.example', '', 'a b']) {
      const page = await call('GET', '/', { host });
      expect(page.status, host).toBe(403);
      const api = await call('GET', '/api/v1/session', { host, headers: { authorization: `Bearer ${TOKEN}` } });
      expect(api.status, host).toBe(403);
      expect(api.body.error).toMatch(/is not a name of this server/);
      expect(api.body.hint).toMatch(/spec\.api\.hostnames/);
    }
  });

  it('counts the listen address, and every interface address when listening on all of them', () => {
    expect(hostAllowed('10.1.2.3:8420', allowedHosts('10.1.2.3'))).toBe(true);
    expect(hostAllowed('10.1.2.4:8420', allowedHosts('10.1.2.3'))).toBe(false);
    const all = allowedHosts('0.0.0.0');
    expect(hostAllowed('127.0.0.1', all)).toBe(true);
    expect(hostAllowed('evil.example', all)).toBe(false);
  });
});

describe('cross-site requests: Origin and Sec-Fetch-Site on every state change', () => {
  it('refuses a POST whose Origin is another site, even with the right token, before reading it', async () => {
    const r = await call('POST', '/api/v1/login-codes', { headers: { authorization: `Bearer ${TOKEN}`, origin: 'http://attacker.example' } });
    expect(r.status).toBe(403);
    expect(r.body.error).toMatch(/cross-site request refused: the Origin http:\/\/attacker\.example is not this server/);
    const site = await call('POST', '/api/v1/login-codes', { headers: { authorization: `Bearer ${TOKEN}`, 'sec-fetch-site': 'cross-site' } });
    expect(site.status).toBe(403);
    expect(site.body.error).toMatch(/Sec-Fetch-Site is 'cross-site'/);
    // Same origin, or a script without Origin: allowed.
    expect((await call('POST', '/api/v1/login-codes', { headers: { authorization: `Bearer ${TOKEN}`, origin: `http://127.0.0.1:${port}`, 'sec-fetch-site': 'same-origin' } })).status).toBe(200);
    expect((await call('POST', '/api/v1/login-codes', { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
  });

  it('a session cookie alone is not enough for a state change: the request must show its origin', async () => {
    const sid = await login();
    const bare = await call('POST', '/api/v1/login-codes', { headers: { cookie: `claude_session=${sid}` } });
    expect(bare.status).toBe(403);
    expect(bare.body.error).toMatch(/neither Origin nor Sec-Fetch-Site/);
    const other = await call('POST', '/api/v1/login-codes', { headers: { cookie: `claude_session=${sid}`, origin: `http://localhost:${port}` } }); // Host is 127.0.0.1: another origin
    expect(other.status).toBe(403);
    const same = await call('POST', '/api/v1/login-codes', { headers: { cookie: `claude_session=${sid}`, origin: `http://127.0.0.1:${port}` } });
    expect(same.status).toBe(200);
    expect(same.body.code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}$/);
  });

  it('the rules in isolation', () => {
    const allowed = allowedHosts('127.0.0.1');
    expect(crossSiteReason({ host: '127.0.0.1:1', origin: 'null' }, { allowed, tls: false, viaCookie: false })).toMatch(/'null'/);
    expect(crossSiteReason({ host: '127.0.0.1:1', origin: 'https://127.0.0.1:1' }, { allowed, tls: false, viaCookie: false })).toMatch(/not this server/);
    expect(crossSiteReason({ host: '127.0.0.1:1', origin: 'https://127.0.0.1:1' }, { allowed, tls: true, viaCookie: true })).toBeNull();
    expect(crossSiteReason({ host: '127.0.0.1:1', 'sec-fetch-site': 'same-site' }, { allowed, tls: false, viaCookie: false })).toMatch(/same-site/);
    expect(crossSiteReason({ host: '127.0.0.1:1', 'sec-fetch-site': 'same-origin' }, { allowed, tls: false, viaCookie: true })).toBeNull();
  });
});

describe('login codes and the session cookie', () => {
  it('a login code works once and gives an HttpOnly, SameSite=Strict cookie with an expiry; the code is stored hashed', async () => {
    const { code } = newLoginCode(dir, { now: now() });
    expect(readFileSync(join(dir, LOGIN_CODES_FILE), 'utf8')).not.toContain(code.replace('-', ''));
    const r = await call('POST', '/api/v1/session', { body: { code: code.toLowerCase() }, headers: { origin: `http://127.0.0.1:${port}` } });
    expect(r.status).toBe(200);
    const c = cookieOf(r);
    expect(c).toMatch(/^claude_session=[A-Za-z0-9_-]{43}; Path=\/; Max-Age=3600; HttpOnly; SameSite=Strict$/);
    expect(c).not.toContain('Secure'); // plain HTTP here; Secure under --tls-cert
    const sid = sessionId(r);
    const me = await call('GET', '/api/v1/session', { headers: { cookie: `claude_session=${sid}` } });
    expect(me.body).toMatchObject({ authenticated: true, via: 'cookie' });
    const again = await call('POST', '/api/v1/session', { body: { code } });
    expect(again.status).toBe(401);
    expect(again.body.error).toMatch(/wrong, expired or already used/);
  });

  it('an expired code and an expired session are refused', async () => {
    const { code } = newLoginCode(dir, { now: now(), ttlMs: 60_000 });
    const sid = await login();
    clock += 2 * 60_000;
    expect((await call('POST', '/api/v1/session', { body: { code } })).status).toBe(401);
    expect((await call('GET', '/api/v1/session', { headers: { cookie: `claude_session=${sid}` } })).status).toBe(200);
    clock += 3600_000;
    const late = await call('GET', '/api/v1/session', { headers: { cookie: `claude_session=${sid}` } });
    expect(late.status).toBe(401);
    expect(late.body.error).toMatch(/the session has ended/);
  });

  it('logout ends the session on the server and clears the cookie', async () => {
    const sid = await login();
    const out = await call('POST', '/api/v1/logout', { headers: { cookie: `claude_session=${sid}`, origin: `http://127.0.0.1:${port}` } });
    expect(out.status).toBe(200);
    expect(out.body.loggedOut).toBe(true);
    expect(cookieOf(out)).toMatch(/^claude_session=; Path=\/; Max-Age=0; HttpOnly; SameSite=Strict/);
    expect((await call('GET', '/api/v1/session', { headers: { cookie: `claude_session=${sid}` } })).status).toBe(401);
  });

  it('a wrong bearer header is not rescued by a cookie; a forged cookie is refused', async () => {
    const sid = await login();
    expect((await call('GET', '/api/v1/session', { headers: { cookie: `claude_session=${sid}`, authorization: 'Bearer wrong' } })).status).toBe(401);
    expect((await call('GET', '/api/v1/session', { headers: { cookie: `claude_session=${'A'.repeat(43)}` } })).status).toBe(401);
  });

  it(`after ${MAX_CODE_FAILURES} wrong codes in a minute, exchanges are refused (429) even with a valid code`, async () => {
    for (let i = 0; i < MAX_CODE_FAILURES; i++) expect((await call('POST', '/api/v1/session', { body: { code: 'AAAA-AAAA' } })).status).toBe(401);
    const { code } = newLoginCode(dir, { now: now() });
    const r = await call('POST', '/api/v1/session', { body: { code } });
    expect(r.status).toBe(429);
    clock += 61_000;
    expect((await call('POST', '/api/v1/session', { body: { code } })).status).toBe(200);
  });

  it('the web UI never puts a token or code in a URL, nor keeps one in browser storage', () => {
    const files = [join(uiDir(), 'index.html'), ...readdirSync(join(uiDir(), 'src')).map((f) => join(uiDir(), 'src', f))];
    expect(files.length).toBeGreaterThan(3);
    const js = files.map((f) => readFileSync(f, 'utf8')).join('\n');
    expect(js).toContain("fetch('/api/v1/session'"); // the cookie session
    expect(js).not.toMatch(/#token=|location\.hash|sessionStorage|localStorage|Authorization/);
    expect(existsSync(join(uiDir(), 'index.html'))).toBe(true);
  });
});

describe('sessions outlast a restart of claude serve', () => {
  const paths = () => ({ stateDir: join(dir, 'state'), dataDir: dir, root: join(dir, 'root') });
  /** Stops the running server and starts another on the same data dir (what a restart is), on a new free port. */
  async function restart(): Promise<void> {
    await server.stop();
    server = new ApiServer({ paths: paths(), env: {}, now, token: TOKEN, listen: '127.0.0.1', port: 0, log: (l) => process.stderr.write(`${l}\n`), hostnames: ['claude.example.lan'], sessionTtlMs: 3600_000 });
    port = (await server.start()).port;
  }
  const me = (sid: string) => call('GET', '/api/v1/session', { headers: { cookie: `claude_session=${sid}` } });

  it('a logged-in browser is still logged in after a restart, until its session expires; the file holds only hashes, mode 0600', async () => {
    const sid = await login();
    await restart();
    const after = await me(sid);
    expect(after.status).toBe(200);
    expect(after.body).toMatchObject({ authenticated: true, via: 'cookie' });
    const file = join(dir, SESSIONS_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'api')).mode & 0o077).toBe(0);
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain(sid);
    expect(text).toContain(createHash('sha256').update(sid).digest('hex'));
    clock += 3600_000 + 1000;
    await restart();
    expect((await me(sid)).status).toBe(401);
  });

  it('logout before a restart stays logged out after it; a forged or torn sessions file logs nobody in', async () => {
    const sid = await login();
    const keep = await login();
    expect((await call('POST', '/api/v1/logout', { headers: { cookie: `claude_session=${sid}`, origin: `http://127.0.0.1:${port}` } })).status).toBe(200);
    await restart();
    expect((await me(sid)).status).toBe(401);
    expect((await me(keep)).status).toBe(200);
    // Expired entries are dropped when the file is written (here: at the logout).
    const hashes = (JSON.parse(readFileSync(join(dir, SESSIONS_FILE), 'utf8')) as { sessions: { expiresAt: string }[] }).sessions;
    expect(hashes.every((h) => Date.parse(h.expiresAt) > clock)).toBe(true);
    // The file is the truth: torn, nobody is logged in (they log in again); it is not a crash.
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(dir, SESSIONS_FILE), '{"version":1,"sessions":[{"hash":', { mode: 0o600 });
    expect((await me(keep)).status).toBe(401);
    const fresh = await login();
    expect((await me(fresh)).status).toBe(200);
  });

  it('ending all sessions (claude serve --rotate-token) logs every browser out', async () => {
    const a = await login();
    const b = await login();
    endAllSessions(dir);
    expect((await me(a)).status).toBe(401);
    expect((await me(b)).status).toBe(401);
  });
});
