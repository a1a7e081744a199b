/**
 * The readiness wait woken by postgres's status (health-wire.ts `watchPostgresStatus`, health.ts
 * `readinessLoop`'s `wake`): a write to postmaster.pid in the container's data directory, seen
 * from the host through /proc/<pid>/root (inotify), brings the next round forward, so a server
 * that turns ready is asked at once instead of at the rounds' next turn. Here the "container" is
 * this test process (its /proc/<pid>/root is /) and PGDATA a temp dir; the round's check reads
 * the status line as postgres writes it. The real engines' rows are in health-host.containerd
 * and health-wire.docker (postgres found ready through its own protocol).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pgDataOf, watchPostgresStatus } from './health-wire.js';
import { readinessLoop, type ReadyTarget } from './health.js';
import { CpuBudgetClock } from './cpu-budget.js';
import type { ReadyResult } from './engine.js';
import { tempDirs } from './testutil/tempdirs.js';

const temp = tempDirs('claude-health-wake-');
afterEach(() => temp.cleanup());
const tempDir = () => temp.make();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** postmaster.pid as postgres 15 writes it (line 8: the postmaster's status). */
const pidFile = (status: string) => ['1', '/var/lib/postgresql/data', '1796610000', '5432', '/var/run/postgresql', '*', '  5432001         0', status.padEnd(8), ''].join('\n');

describe('pgDataOf', () => {
  it("is the container's PGDATA, else the official image's data directory", () => {
    expect(pgDataOf(['PATH=/bin', 'PGDATA=/srv/pg/data'])).toBe('/srv/pg/data');
    expect(pgDataOf(['PGDATA=/srv/pg/data/'])).toBe('/srv/pg/data');
    expect(pgDataOf(['PATH=/bin'])).toBe('/var/lib/postgresql/data');
    // not an absolute path inside the container: the default, never a path outside it
    expect(pgDataOf(['PGDATA=data'])).toBe('/var/lib/postgresql/data');
    expect(pgDataOf(['PGDATA=/srv/../../etc'])).toBe('/var/lib/postgresql/data');
  });
});

describe('watchPostgresStatus', () => {
  it('calls back at each write to postmaster.pid in the data directory, and only for that file', async () => {
    const d = tempDir();
    const seen: number[] = [];
    const stop = watchPostgresStatus(process.pid, [`PGDATA=${d}`], () => seen.push(Date.now()));
    expect(stop).not.toBeNull();
    writeFileSync(join(d, 'PG_VERSION'), '15\n');
    await sleep(100);
    expect(seen).toHaveLength(0);
    writeFileSync(join(d, 'postmaster.pid'), pidFile('starting'));
    // delivered within moments (a loaded host's event loop may take a while: up to 10 s here)
    for (let i = 0; i < 200 && seen.length === 0; i++) await sleep(50);
    expect(seen.length).toBeGreaterThan(0);
    stop!();
    const n = seen.length;
    writeFileSync(join(d, 'postmaster.pid'), pidFile('ready'));
    await sleep(100);
    expect(seen).toHaveLength(n); // closed: no more calls
  });

  it('is null when there is nothing to watch yet: no pid, no such directory', () => {
    expect(watchPostgresStatus(undefined, [], () => undefined)).toBeNull();
    expect(watchPostgresStatus(process.pid, [`PGDATA=${join(tempDir(), 'not-yet')}`], () => undefined)).toBeNull();
  });
});

describe('readinessLoop: a wake brings the next round forward', () => {
  it("a server that writes 'ready' is asked at once, not at the rounds' next turn (3 s here), and the watch is closed", async () => {
    const d = tempDir();
    writeFileSync(join(d, 'postmaster.pid'), pidFile('starting'));
    let closed = 0;
    let rounds = 0;
    const t0 = Date.now();
    setTimeout(() => writeFileSync(join(d, 'postmaster.pid'), pidFile('ready')), 300);
    const r: ReadyResult = await readinessLoop({ probe: { test: ['CMD-SHELL', 'pg_isready -h 127.0.0.1'], intervalMs: 3000, timeoutMs: 1000, retries: 3, startPeriodMs: 0 }, timeoutMs: 30_000, ports: [], intervalMs: 3000 }, async ({ wake }) => {
      let unwatch: (() => void) | null = null;
      const target: ReadyTarget = {
        name: 'pg',
        secrets: [],
        logsHint: '',
        look: async () => ({ running: true }),
        startExec: () => Promise.reject(new Error('no exec in this test')),
        // the round's own check decides (here: the status line; in the engines: postgres's answer over TCP)
        beforeProbe: async () => {
          rounds++;
          unwatch ??= watchPostgresStatus(process.pid, [`PGDATA=${d}`], wake);
          if (readFileSync(join(d, 'postmaster.pid'), 'utf8').split('\n')[7]!.trim() === 'ready') return { ready: { state: 'healthy', ms: Date.now() - t0 } };
          return { refused: false, cannotPass: () => 'postgres says it is starting up' };
        },
        close: () => {
          closed++;
          unwatch?.();
        },
      };
      return { target, budget: new CpuBudgetClock({}) };
    });
    const ms = Date.now() - t0;
    expect(r.state).toBe('healthy');
    expect(ms).toBeGreaterThanOrEqual(300);
    expect(ms).toBeLessThan(2900); // without the wake: the second round, 3 s after the first
    expect(rounds).toBeLessThanOrEqual(3);
    expect(closed).toBe(1);
  });
});
