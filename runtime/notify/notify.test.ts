/**
 * The notification sink against a real HTTP receiver on 127.0.0.1: the JSON body, the
 * signature header (and no secret in the body), retries after a 500, a timeout on a
 * receiver that never answers, and `notify` returning at once whatever the receiver does.
 */
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDirs } from '../testutil/tempdirs.js';
import { listNotifications, loadNotifyConfig, Notifier, saveNotifyConfig, type NotifyConfig } from './index.js';

const tmp = tempDirs('claude-notify-');
const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
  tmp.cleanup();
});

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
}

/** A receiver on 127.0.0.1 (port 0: the kernel picks a free one) answering with `answer(n)` for the n-th request (1-based). */
async function receiver(answer: (n: number, res: ServerResponse) => void): Promise<{ url: string; got: Received[] }> {
  const got: Received[] = [];
  const s = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      got.push({ headers: req.headers, body });
      answer(got.length, res);
    });
  });
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(s.address() as { port: number }).port}/hook`, got };
}

function config(url: string, extra: Partial<NonNullable<NotifyConfig['webhook']>> = {}): NotifyConfig {
  return { version: 1, minSeverity: 'info', webhook: { url, timeoutMs: 2000, retries: 2, ...extra } };
}

describe('Notifier', () => {
  it('records the notification, posts it as JSON and signs it without putting the secret in the body', async () => {
    const dataDir = tmp.make();
    const r = await receiver((_, res) => res.writeHead(204).end());
    const key = 'hunter2-webhook-signing-key';
    saveNotifyConfig(dataDir, config(r.url, { secret: { name: 'hook_key', value: 'encrypted:v1:opaque' } }));
    const n = new Notifier({ dataDir, hostId: 'h-1', decrypt: async (v, name) => (v === 'encrypted:v1:opaque' && name === 'hook_key' ? key : 'wrong') });
    const sent = n.notify({ source: 'reconciler', kind: 'reconcile.failed', severity: 'critical', title: 'services.yaml does not validate', detail: ['services.yaml:3:7: error'] });
    await n.drain();
    expect(r.got).toHaveLength(1);
    const body = JSON.parse(r.got[0]!.body) as Record<string, unknown>;
    expect(body).toMatchObject({ id: sent.id, kind: 'reconcile.failed', severity: 'critical', source: 'reconciler', host: 'h-1', detail: ['services.yaml:3:7: error'] });
    expect(r.got[0]!.headers['content-type']).toBe('application/json');
    expect(r.got[0]!.headers['x-claude-signature']).toBe('sha256=' + createHmac('sha256', key).update(r.got[0]!.body).digest('hex'));
    expect(r.got[0]!.body).not.toContain(key);
    expect(r.got[0]!.body).not.toContain('encrypted:v1');
    expect(listNotifications(dataDir).map((x) => x.id)).toEqual([sent.id]);
    const events = readFileSync(join(dataDir, 'events.jsonl'), 'utf8');
    expect(events).toContain('"type":"notification"');
    expect(events).toContain('"type":"notification.delivered"');
    expect(events).not.toContain(key);
  });

  it('retries after a 500 and delivers on a later attempt', async () => {
    const dataDir = tmp.make();
    const r = await receiver((i, res) => res.writeHead(i < 3 ? 500 : 200).end());
    saveNotifyConfig(dataDir, config(r.url, { retries: 3 }));
    const n = new Notifier({ dataDir });
    n.notify({ source: 'observer', kind: 'anomaly.crash-loop', severity: 'warning', title: 'web is crash-looping', service: 'web' });
    await n.drain();
    expect(r.got).toHaveLength(3);
    expect(new Set(r.got.map((g) => g.body)).size).toBe(1);
    expect(readFileSync(join(dataDir, 'events.jsonl'), 'utf8')).toMatch(/"notification.delivered".*"attempts":3/);
  });

  it('gives up after the retries on a receiver that always fails, and records it', async () => {
    const dataDir = tmp.make();
    const r = await receiver((_, res) => res.writeHead(500).end());
    saveNotifyConfig(dataDir, config(r.url, { retries: 1 }));
    const logs: string[] = [];
    const n = new Notifier({ dataDir, log: (l) => logs.push(l) });
    n.notify({ source: 'scheduler', kind: 'job.failed', severity: 'warning', title: 'job backup failed' });
    await n.drain();
    expect(r.got).toHaveLength(2);
    expect(readFileSync(join(dataDir, 'events.jsonl'), 'utf8')).toMatch(/"notification.undelivered".*"status":500/);
    expect(logs.join('\n')).toMatch(/failed after 2 attempt/);
  });

  it('returns at once when the receiver hangs; the delivery times out in the background', async () => {
    const dataDir = tmp.make();
    const r = await receiver(() => undefined); // never answers
    saveNotifyConfig(dataDir, config(r.url, { timeoutMs: 300, retries: 1 }));
    const n = new Notifier({ dataDir });
    const t0 = performance.now();
    n.notify({ source: 'reconciler', kind: 'drift.detected', severity: 'warning', title: 'web was stopped by hand' });
    expect(performance.now() - t0).toBeLessThan(250);
    await n.drain();
    await expect.poll(() => r.got.length).toBe(2);
    expect(readFileSync(join(dataDir, 'events.jsonl'), 'utf8')).toMatch(/"notification.undelivered".*no answer within 300 ms/);
  });

  it('sends nothing below min_severity but still records it; no settings: recorded only', async () => {
    const dataDir = tmp.make();
    const r = await receiver((_, res) => res.writeHead(200).end());
    saveNotifyConfig(dataDir, { ...config(r.url), minSeverity: 'warning' });
    const n = new Notifier({ dataDir });
    n.notify({ source: 'reconciler', kind: 'reconcile.applied', severity: 'info', title: 'applied' });
    n.notify({ source: 'reconciler', kind: 'reconcile.failed', severity: 'critical', title: 'failed' });
    await n.drain();
    expect(r.got.map((g) => (JSON.parse(g.body) as { kind: string }).kind)).toEqual(['reconcile.failed']);
    expect(listNotifications(dataDir).map((x) => x.kind)).toEqual(['reconcile.applied', 'reconcile.failed']);
    const bare = tmp.make();
    expect(loadNotifyConfig(bare).webhook).toBeUndefined();
    new Notifier({ dataDir: bare }).notify({ source: 'observer', kind: 'anomaly.disk-full', severity: 'critical', title: 'disk' });
    expect(listNotifications(bare)).toHaveLength(1);
  });
});
