/**
 * `claude serve`'s refusals and the token rules, without Docker: a non-loopback address the
 * manifest names without `spec.api.enabled: true` is refused; a token file readable by
 * others is refused; the bearer comparison accepts only the exact token.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from './main.js';
import { isLoopback } from './server.js';
import { Sessions } from './security.js';
import { ApiTokenError, bearerMatches, loadOrCreateApiToken } from './token.js';

let dir: string;

async function claude(argv: string[], stopped?: Promise<string>) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  stdout.on('data', (b: Buffer) => (out += b.toString()));
  stderr.on('data', (b: Buffer) => (out += b.toString()));
  const env = { CLAUDE_DATA_DIR: join(dir, 'data'), CLAUDE_STATE_DIR: join(dir, 'state'), CLAUDE_ROOT: join(dir, 'root'), PATH: process.env.PATH ?? '' };
  const code = await main(argv, { stdout, stderr, stdin: new PassThrough(), isTTY: false, env, cwd: dir, now: () => new Date(), ...(stopped ? { stopped } : {}) });
  return { code, out };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'claude-serve-'));
  mkdirSync(join(dir, 'state'));
  mkdirSync(join(dir, 'root'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('claude serve', () => {
  it('refuses a non-loopback listen address from the manifest unless spec.api.enabled is true', async () => {
    writeFileSync(join(dir, 'state', 'manifest.yaml'), 'apiVersion: claude.os/v1\nkind: SystemManifest\nmetadata:\n  name: t\nspec:\n  api:\n    listen: 0.0.0.0\n    port: 8420\n');
    const r = await claude(['serve']);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/sets spec.api.listen to 0.0.0.0, which is not loopback, but spec.api.enabled is not true; refusing/);
    expect(r.out).toMatch(/hint: set spec.api.enabled: true/);
  });

  it('rejects a bad --port with a usage error', async () => {
    const r = await claude(['serve', '--port', '70000']);
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/--port must be 0-65535, not '70000'/);
  });

  it('refuses a token file other users can read, and rotates it on request', () => {
    const data = join(dir, 'tok');
    const t = loadOrCreateApiToken(data);
    expect(t.created).toBe(true);
    chmodSync(t.path, 0o644);
    expect(() => loadOrCreateApiToken(data)).toThrow(ApiTokenError);
    expect(() => loadOrCreateApiToken(data)).toThrow(/readable by other users \(mode 0644\)/);
    const fresh = loadOrCreateApiToken(data, { rotate: true });
    expect(fresh.created).toBe(true);
    expect(fresh.token).not.toBe(t.token);
  });

  it('accepts only "Bearer <the token>"', () => {
    const tok = 'a'.repeat(43);
    expect(bearerMatches(`Bearer ${tok}`, tok)).toBe(true);
    expect(bearerMatches(`bearer ${tok}`, tok)).toBe(true);
    expect(bearerMatches(tok, tok)).toBe(false);
    expect(bearerMatches(`Bearer ${tok}x`, tok)).toBe(false);
    expect(bearerMatches(`Basic ${tok}`, tok)).toBe(false);
    expect(bearerMatches(undefined, tok)).toBe(false);
    expect(bearerMatches('Bearer ', '')).toBe(false);
  });

  it('counts only loopback addresses as loopback', () => {
    expect(['127.0.0.1', '127.1.2.3', '::1', 'localhost'].every(isLoopback)).toBe(true);
    expect(['0.0.0.0', '10.0.0.1', '::', '192.168.1.5'].some(isLoopback)).toBe(false);
  });

  it('stops cleanly when told to (SIGTERM), and --rotate-token ends every web UI session', async () => {
    rmSync(join(dir, 'state', 'manifest.yaml'), { force: true });
    const data = join(dir, 'data');
    // An observer daemon "runs" (its latest.json is fresh), so serve starts no loop of its own here.
    mkdirSync(join(data, 'observe'), { recursive: true });
    writeFileSync(join(data, 'observe', 'latest.json'), JSON.stringify({ version: 1, at: Math.floor(Date.now() / 1000) + 600, services: {} }));
    const sessions = new Sessions({ dataDir: data, now: () => new Date() });
    const kept = sessions.create();
    const plain = await claude(['serve', '--port', '0'], Promise.resolve('SIGTERM'));
    expect(plain.code).toBe(0);
    expect(plain.out).toMatch(/Web UI login code: [A-Z2-9]{4}-[A-Z2-9]{4}/);
    expect(plain.out).toMatch(/claude serve: SIGTERM: stopping\nclaude serve: stopped/);
    expect(sessions.check(kept.id)).not.toBeNull(); // a plain restart keeps them
    const rotated = await claude(['serve', '--port', '0', '--rotate-token'], Promise.resolve('SIGTERM'));
    expect(rotated.code).toBe(0);
    expect(rotated.out).toMatch(/API token \(shown once/);
    expect(sessions.check(kept.id)).toBeNull();
  });
});
