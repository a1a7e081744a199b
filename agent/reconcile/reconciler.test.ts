/**
 * The pass on invalid state files, in process: every error at file:line:col, the event, the
 * notification, nothing planned or applied; and a webhook that never answers does not hold
 * the pass up (the receiver still has the request open when the pass is over).
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDirs } from '../../runtime/testutil/tempdirs.js';
import { saveNotifyConfig } from '../../runtime/notify/index.js';
import { ReconcilerDaemon } from './daemon.js';
import { Reconciler, type ReconcileHost } from './reconciler.js';

const tmp = tempDirs('claude-reconciler-');
afterEach(() => tmp.cleanup());

/** A host that must not be reached: an invalid set is never observed, planned or applied. */
function untouchable(dir: string, touched: string[]): ReconcileHost {
  mkdirSync(join(dir, 'state'), { recursive: true });
  return {
    paths: { stateDir: join(dir, 'state'), dataDir: join(dir, 'data'), root: join(dir, 'root') },
    hostId: 'host-test',
    snapshot: async () => {
      touched.push('snapshot');
      throw new Error('observed an invalid set');
    },
    plan: async () => {
      touched.push('plan');
      throw new Error('planned an invalid set');
    },
    apply: async () => {
      touched.push('apply');
      throw new Error('applied an invalid set');
    },
  };
}

const SERVICES = `apiVersion: claude.os/v1
kind: ServiceManifest
metadata:
  name: t
spec:
  services:
    - name: web
      image: nginx:1.25
`;

describe('a pass over invalid state files', () => {
  it('logs every error at file:line:col, writes reconcile.failed, notifies once, touches nothing; a hanging webhook does not hold it up', async () => {
    const dir = tmp.make();
    const touched: string[] = [];
    const host = untouchable(dir, touched);
    const open: ServerResponse[] = [];
    const server = createServer((_req, res) => open.push(res)); // never answers
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    try {
      saveNotifyConfig(host.paths.dataDir, { version: 1, minSeverity: 'info', webhook: { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/`, timeoutMs: 60_000, retries: 0 } });
      writeFileSync(join(host.paths.stateDir, 'services.yaml'), SERVICES + 'invalid: yaml: {{{{\n');
      const logs: string[] = [];
      const r = new Reconciler({ host, log: (l) => logs.push(l) });
      const rec = await r.trigger('watch (services.yaml)');
      expect(rec.outcome.status).toBe('invalid');
      expect(touched).toEqual([]);
      expect(logs.join('\n')).toMatch(/^claude-reconciler: services\.yaml:9:\d+: error CLA\d+: .*\n  hint: /m);
      // The webhook got the notification and is still holding the request open: the pass did not wait for it.
      await expect.poll(() => open.length).toBe(1);
      expect(open[0]!.writableEnded).toBe(false);
      const events = readFileSync(join(host.paths.dataDir, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(events.filter((e) => e.type === 'reconcile.failed')).toMatchObject([{ stage: 'validate', rolledBack: false, trigger: 'watch (services.yaml)' }]);
      // The same failure at the next (periodic) pass: not logged, evented or sent again.
      const before = logs.length;
      expect((await r.trigger('interval')).outcome.status).toBe('invalid');
      expect(logs.length).toBe(before);
      expect(readFileSync(join(host.paths.dataDir, 'notifications.jsonl'), 'utf8').trim().split('\n')).toHaveLength(1);
      expect(touched).toEqual([]);
    } finally {
      for (const res of open) res.destroy();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  it('a file written slowly, in pieces, is read only once it is complete (the daemon waits for the quiet period)', async () => {
    const dir = tmp.make();
    const seen: string[] = [];
    const host = untouchable(dir, []);
    // Record what the pass read when it got past validation (to the observation), then stop it there.
    host.snapshot = async () => {
      seen.push(existsSync(join(host.paths.stateDir, 'services.yaml')) ? readFileSync(join(host.paths.stateDir, 'services.yaml'), 'utf8') : '(none)');
      throw new Error('stop here');
    };
    const daemon = new ReconcilerDaemon({ paths: host.paths, host, pidFile: join(dir, 'pid'), debounceMs: 300, intervalMs: 3_600_000 });
    await daemon.start();
    try {
      expect(seen).toEqual(['(none)']);
      const fd = openSync(join(host.paths.stateDir, 'services.yaml'), 'w');
      const pieces = SERVICES.match(/[^]{1,12}/g)!;
      for (const p of pieces) {
        writeSync(fd, p);
        await new Promise((r) => setTimeout(r, 40));
      }
      closeSync(fd);
      await expect.poll(() => seen.length, { timeout: 10_000 }).toBe(2);
      await new Promise((r) => setTimeout(r, 700));
      expect(seen).toEqual(['(none)', SERVICES]);
      expect(pieces.length).toBeGreaterThan(5);
    } finally {
      await daemon.stop();
    }
  });
});
