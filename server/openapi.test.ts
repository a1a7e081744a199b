/**
 * The OpenAPI 3.1 document names exactly the routes the server serves, with their methods,
 * and is served at GET /api/v1/openapi.json without auth (Host rules still apply).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiServer } from './server.js';
import { OPERATIONS } from './openapi.js';

let dir: string;
let server: ApiServer;
let base: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'claude-openapi-'));
  mkdirSync(join(dir, 'state'));
  server = new ApiServer({ paths: { stateDir: join(dir, 'state'), dataDir: dir, root: dir }, env: {}, now: () => new Date(), token: 'x'.repeat(43), listen: '127.0.0.1', port: 0, log: (l) => process.stderr.write(`${l}\n`) });
  base = (await server.start()).url;
});
afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('OpenAPI', () => {
  it('documents every route with its method, and nothing else', () => {
    const documented = Object.entries(OPERATIONS)
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path.replace(/\{[^}]+\}/g, '{}')}`))
      .sort();
    const served = server.routeList().sort();
    expect(served.length).toBeGreaterThan(15);
    expect(documented).toEqual(served);
  });

  it('is served as OpenAPI 3.1 JSON without a token', async () => {
    const res = await fetch(`${base}api/v1/openapi.json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { openapi: string; paths: Record<string, unknown>; info: { version: string } };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toContain('/api/v1/plans/{id}/apply');
    expect(doc.info.version).toMatch(/^\d+\.\d+\.\d+/);
  });
});
