/**
 * The API's notifications list and pending plan, without Docker: GET /api/v1/notifications
 * (the sink's records, ?limit, ?since, bad values refused) and GET /api/v1/pending (the
 * reconciler's queued plan without its signed text, or null).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDirs } from '../runtime/testutil/tempdirs.js';
import { Notifier } from '../runtime/notify/index.js';
import { writePending } from '../agent/reconcile/pending.js';
import { ApiServer } from './server.js';

const tmp = tempDirs('claude-api-notify-');
const servers: ApiServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.stop();
  tmp.cleanup();
});

async function start(dir: string): Promise<(path: string) => Promise<{ status: number; body: Record<string, unknown> }>> {
  const paths = { stateDir: join(dir, 'state'), dataDir: join(dir, 'data'), root: join(dir, 'root') };
  mkdirSync(paths.stateDir, { recursive: true });
  const server = new ApiServer({ paths, env: {}, now: () => new Date(), token: 't0ken-for-tests', listen: '127.0.0.1', port: 0, log: (l) => process.stderr.write(`${l}\n`) });
  servers.push(server);
  const { url } = await server.start();
  return async (path) => {
    const r = await fetch(new URL(path, url), { headers: { authorization: 'Bearer t0ken-for-tests' } });
    return { status: r.status, body: (await r.json()) as Record<string, unknown> };
  };
}

describe('GET /api/v1/notifications and /api/v1/pending', () => {
  it('lists the notifications, newest last, with limit and since', async () => {
    const dir = tmp.make();
    const get = await start(dir);
    expect((await get('/api/v1/notifications')).body).toEqual({ notifications: [] });
    let t = Date.parse('2026-01-01T10:00:00Z');
    const n = new Notifier({ dataDir: join(dir, 'data'), now: () => new Date((t += 60_000)) });
    n.notify({ source: 'observer', kind: 'anomaly.crash-loop', severity: 'warning', title: 'web is crash-looping', service: 'web' });
    n.notify({ source: 'reconciler', kind: 'reconcile.failed', severity: 'critical', title: 'services.yaml does not validate', detail: ['services.yaml:3:7: error'] });
    n.notify({ source: 'scheduler', kind: 'job.failed', severity: 'warning', title: 'job backup failed' });
    const all = (await get('/api/v1/notifications')).body.notifications as { kind: string }[];
    expect(all.map((x) => x.kind)).toEqual(['anomaly.crash-loop', 'reconcile.failed', 'job.failed']);
    expect(((await get('/api/v1/notifications?limit=1')).body.notifications as { kind: string }[]).map((x) => x.kind)).toEqual(['job.failed']);
    expect(((await get('/api/v1/notifications?since=2026-01-01T10:02:00Z')).body.notifications as { kind: string }[]).map((x) => x.kind)).toEqual(['reconcile.failed', 'job.failed']);
    const bad = await get('/api/v1/notifications?limit=0');
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/limit must be a whole number from 1 to 1000, not '0'/);
  });

  it('shows the pending plan without its signed text, or null', async () => {
    const dir = tmp.make();
    const get = await start(dir);
    expect((await get('/api/v1/pending')).body).toEqual({ pending: null });
    writePending(join(dir, 'data'), {
      version: 1,
      key: 'k',
      planId: 'plan-0123456789abcdef0123456789abcdef',
      envelopeText: '{"signed":"text"}',
      kind: 'edit',
      reason: 'require_approval is true: the plan waits for `claude apply`',
      rule: 'E3',
      changedFiles: ['services.yaml'],
      steps: ["Create container 'web' from nginx"],
      createdAt: '2026-01-01T10:00:00.000Z',
      expiresAt: '2026-01-02T10:00:00.000Z',
    });
    const p = (await get('/api/v1/pending')).body.pending as Record<string, unknown>;
    expect(p).toMatchObject({ planId: 'plan-0123456789abcdef0123456789abcdef', kind: 'edit', rule: 'E3', changedFiles: ['services.yaml'], steps: ["Create container 'web' from nginx"] });
    expect(p).not.toHaveProperty('envelopeText');
    expect(p).not.toHaveProperty('key');
  });
});
