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
import { readFailing } from './failing.js';
import type { ObservedState } from '../../plan/types.js';
import { PREFETCH_MAX_AGE_MS, Reconciler, type ReconcileHost } from './reconciler.js';

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
    let r: Reconciler | undefined;
    try {
      saveNotifyConfig(host.paths.dataDir, { version: 1, minSeverity: 'info', webhook: { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/`, timeoutMs: 60_000, retries: 0 } });
      writeFileSync(join(host.paths.stateDir, 'services.yaml'), SERVICES + 'invalid: yaml: {{{{\n');
      const logs: string[] = [];
      r = new Reconciler({ host, log: (l) => logs.push(l) });
      const rec = await r.trigger('watch (services.yaml)');
      expect(rec.outcome.status).toBe('invalid');
      expect(touched).toEqual([]);
      expect(logs.join('\n')).toMatch(/^claude-reconciler: services\.yaml:9:\d+: error CLA\d+: .*\n  hint: /m);
      // The webhook got the notification and is still holding the request open: the pass did not wait for it.
      await expect.poll(() => open.length).toBe(1);
      expect(open[0]!.writableEnded).toBe(false);
      const events = readFileSync(join(host.paths.dataDir, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(events.filter((e) => e.type === 'reconcile.failed')).toMatchObject([{ stage: 'validate', rolledBack: false, trigger: 'watch (services.yaml)' }]);
      expect(readFailing(host.paths.dataDir)).toMatchObject({ stage: 'validate', passes: 1 });
      // The same failure at the next (periodic) passes: not said again in full, evented or sent
      // again, only counted; the log says the count at the 2nd, 4th, 8th … pass in a row.
      const repeats: string[][] = [];
      for (let i = 2; i <= 8; i++) {
        const before = logs.length;
        expect((await r.trigger('interval')).outcome.status).toBe('invalid');
        repeats.push(logs.slice(before));
      }
      expect(repeats.map((l) => l.length)).toEqual([1, 0, 1, 0, 0, 0, 1]);
      expect(repeats[0]![0]).toMatch(/^claude-reconciler: still failing \(validate\): 2 passes in a row since \S+, the same as logged then: the state files do not validate/);
      expect(repeats[2]![0]).toContain('4 passes in a row');
      expect(repeats[6]![0]).toContain('8 passes in a row');
      expect(readFailing(host.paths.dataDir)).toMatchObject({ stage: 'validate', passes: 8, title: expect.stringMatching(/do not validate/) });
      expect(readFileSync(join(host.paths.dataDir, 'events.jsonl'), 'utf8').match(/"type":"reconcile.failed"/g)).toHaveLength(1);
      expect(readFileSync(join(host.paths.dataDir, 'notifications.jsonl'), 'utf8').trim().split('\n')).toHaveLength(1);
      expect(touched).toEqual([]);
    } finally {
      for (const res of open) res.destroy();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      // The delivery cut off above records notification.undelivered in events.jsonl: wait for
      // it here, or it lands after afterEach removed the temp dir and makes it again (a leak).
      await r?.idle();
    }
    expect(readFileSync(join(host.paths.dataDir, 'events.jsonl'), 'utf8')).toMatch(/"type":"notification.undelivered"/);
  });

  it('a file written slowly, in pieces, is read only once it is complete (the daemon waits for the quiet period)', async () => {
    const dir = tmp.make();
    const seen: string[] = [];
    const host = untouchable(dir, []);
    // Record what the pass read when it got past validation and observation (to planning), then
    // stop it there. (The system is observed while the change settles: that is not a read.)
    host.snapshot = async () => ({}) as ObservedState;
    host.plan = async () => {
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

describe('observing the system while a change settles', () => {
  it('the daemon observes during the debounce and the pass plans on that observation; a container event or age makes the pass observe again', async () => {
    const dir = tmp.make();
    const host = untouchable(dir, []);
    let snapshots = 0;
    const planned: ObservedState[] = [];
    host.snapshot = async () => ({ n: ++snapshots }) as unknown as ObservedState;
    host.plan = async (_c, p) => {
      planned.push(p.observed);
      throw new Error('stop here');
    };
    const daemon = new ReconcilerDaemon({ paths: host.paths, host, pidFile: join(dir, 'pid'), debounceMs: 400, intervalMs: 3_600_000 });
    await daemon.start();
    try {
      expect(snapshots).toBe(1); // the start-up pass
      writeFileSync(join(host.paths.stateDir, 'services.yaml'), SERVICES);
      // observed before the quiet period is over…
      await expect.poll(() => snapshots, { timeout: 5_000 }).toBe(2);
      expect(planned).toHaveLength(1);
      // …and the pass after it planned on that observation, without observing again
      await expect.poll(() => planned.length, { timeout: 10_000 }).toBe(2);
      await daemon.reconciler.idle();
      expect(snapshots).toBe(2);
      expect(planned[1]).toEqual({ n: 2 });

      // a container event in between: the observation in flight is out of date, the pass observes again
      const r = daemon.reconciler;
      r.prefetch();
      expect(snapshots).toBe(3);
      r.invalidateObservation();
      await r.trigger('container-event');
      expect(snapshots).toBe(4);
      expect(planned.at(-1)).toEqual({ n: 4 });
      // too old: observed again
      const realNow = performance.now.bind(performance);
      r.prefetch();
      expect(snapshots).toBe(5);
      const skew = PREFETCH_MAX_AGE_MS + 1;
      performance.now = () => realNow() + skew;
      try {
        await r.trigger('interval');
      } finally {
        performance.now = realNow;
      }
      expect(snapshots).toBe(6);
      expect(planned.at(-1)).toEqual({ n: 6 });
    } finally {
      await daemon.stop();
    }
  });
});
