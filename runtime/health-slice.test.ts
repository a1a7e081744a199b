/**
 * The quick rounds of the readiness wait (runtime/health.ts `readinessLoop`, `waitProbe`,
 * `raceClock`) on a host whose CPUs are saturated. With a host-side check (`quick`: the HTTP
 * GET, pg_isready or redis-cli ping asked over TCP), the check is asked again every
 * QUICK_ROUND_MAX_MS of wall time while the health command runs. The command's own clock counts
 * only uncontended time (cpu-budget.ts), so the slice used to be measured on that clock and
 * lasted up to ten times longer on a busy host: a service the host-side check would have found
 * ready waited for the exec (postgres's `pg_isready` exec took 0.6 s at load 10).
 *
 * Here the budget clock is frozen (a fully saturated host: no uncontended time passes at all),
 * the health command is a real process that runs for 30 s, and the service is a real TCP server
 * that starts listening 50 ms after the command started. The wait must end through the host-side
 * check while the command still runs; before the fix it waited for the command forever.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, connect, type Server } from 'node:net';
import { CANNOT_PASS_MAX_MS, cannotPassNow, QUICK_ROUND_MAX_MS, raceClock, readinessLoop, type ReadyTarget, type RunningExec } from './health.js';
import type { ReadyResult } from './engine.js';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CpuBudgetClock } from './cpu-budget.js';

const children: ChildProcess[] = [];
const servers: Server[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** A clock on which no time passes: the host's tasks wait for a CPU twice as long as the wall clock runs, and no floor. */
const frozen = () => new CpuBudgetClock({ hostStall: () => Date.now() * 2, maxStretch: 1e12 });

/** A free loopback port (a server's, closed again). */
async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

const answers = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });

describe('readiness: the quick rounds are wall time, not budget time', () => {
  it('raceClock ends at wallMs although the budget clock does not move', async () => {
    const clock = frozen();
    expect(clock.elapsed()).toBeLessThan(1e-6); // wall/1e12: nothing, in practice
    const never = new Promise<string>(() => undefined);
    const t0 = Date.now();
    expect(await raceClock(never, clock, 1000, 60)).toBeNull();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(55);
  });

  it('a service the host-side check finds ready is not kept waiting for the health command in flight', async () => {
    const port = await freePort();
    let execs = 0;
    let execRunning = false;
    let checks = 0;
    // the service starts listening only once the health command is in flight
    const listenSoon = () =>
      setTimeout(() => {
        const s = createServer((c) => c.destroy());
        servers.push(s);
        s.listen(port, '127.0.0.1');
      }, 50);
    const result = await readinessLoop({ probe: { test: ['CMD', 'sleep', '30'], intervalMs: 600_000, timeoutMs: 1000, retries: 3, startPeriodMs: 0 }, timeoutMs: 5000, ports: [] }, async () => {
      const clock = frozen();
      return {
        budget: clock,
        target: {
          name: 'slice-test',
          secrets: [],
          logsHint: '',
          quick: true,
          look: async () => ({ running: true as const }),
          async beforeProbe() {
            checks++;
            return (await answers(port)) ? { ready: { state: 'healthy' as const, ms: 0, via: 'http' as const } } : { refused: false };
          },
          async startExec(argv: string[]): Promise<RunningExec> {
            execs++;
            const child = spawn(argv[0]!, argv.slice(1), { stdio: 'ignore' });
            children.push(child);
            execRunning = true;
            listenSoon();
            const ended = new Promise<{ code: number | null; output: string }>((r) => child.once('exit', (code) => ((execRunning = false), r({ code, output: '' }))));
            return { clock, wait: (until, wallMs) => raceClock(ended, clock, until, wallMs), detach: () => child.kill('SIGKILL') };
          },
        },
      };
    });
    expect(result.state).toBe('healthy');
    expect(result.via).toBe('http');
    expect(execs).toBe(1); // the health command started once and was still running
    expect(execRunning).toBe(true);
    expect(checks).toBeGreaterThanOrEqual(2); // asked again while it ran
  }, 15_000);
});

/**
 * With a host-side check that asks what the command asks (`sparseExec`: pg_isready, redis-cli
 * ping over TCP), a failed health command is run again only REFUSED_PROBE_INTERVAL_MS after it
 * ended, not at its own back-off: on a loaded host the execs ran back to back through
 * postgres's initdb, each taking the engine's CPU. Real `false` processes as the command, a
 * host-side check that keeps saying "not ready" (the port answers, nothing is ready), and the
 * same wait without `sparseExec` beside it: the command's back-off runs it far more often.
 */
describe('readiness: a health command the host-side check stands for is run sparsely', () => {
  async function execsIn(sparseExec: boolean, budgetMs: number): Promise<{ execs: number; checks: number; error: string }> {
    let execs = 0;
    let checks = 0;
    const clock = new CpuBudgetClock({ hostStall: () => 0 }); // the wall clock: nothing stalls
    const error = await readinessLoop({ probe: { test: ['CMD', 'false'], intervalMs: 600_000, timeoutMs: 1000, retries: 3, startPeriodMs: 0 }, timeoutMs: budgetMs, ports: [] }, async () => ({
      budget: clock,
      target: {
        name: 'sparse-test',
        secrets: [],
        logsHint: 'no logs',
        quick: true,
        sparseExec,
        look: async () => ({ running: true as const }),
        async beforeProbe() {
          checks++;
          return { refused: false };
        },
        async startExec(argv: string[]): Promise<RunningExec> {
          execs++;
          const child = spawn(argv[0]!, argv.slice(1), { stdio: 'ignore' });
          children.push(child);
          const ended = new Promise<{ code: number | null; output: string }>((r) => child.once('exit', (code) => r({ code, output: '' })));
          return { clock, wait: (until, wallMs) => raceClock(ended, clock, until, wallMs), detach: () => child.kill('SIGKILL') };
        },
      },
    })).then(
      () => 'ready',
      (e: Error) => e.message,
    );
    return { execs, checks, error };
  }

  it('runs the command once per REFUSED_PROBE_INTERVAL_MS after it failed, and asks the host-side check every round', async () => {
    const [sparse, dense] = await Promise.all([execsIn(true, 1500), execsIn(false, 1500)]);
    expect(sparse.error).toMatch(/did not become healthy within 1500 ms/);
    expect(dense.error).toMatch(/did not become healthy within 1500 ms/);
    expect(sparse.execs).toBeGreaterThanOrEqual(1);
    expect(sparse.execs).toBeLessThanOrEqual(2); // at the start, and ≥ 1 s after the first ended
    expect(dense.execs).toBeGreaterThanOrEqual(4); // 20 ms growing ×1.5 to 250 ms
    expect(sparse.checks).toBeGreaterThanOrEqual(8); // the host-side check every ≤ 100 ms
  }, 20_000);
});

/**
 * The rounds' cadence with a host-side check (`quick`, session 21): the check costs ≈ 1 ms of
 * CPU, so the pause between rounds starts at QUICK_FIRST_INTERVAL_MS and grows by QUICK_BACKOFF
 * up to QUICK_ROUND_MAX_MS, instead of the health command's 20 ms ×1.5 capped at 100 ms. On a
 * fake clock (vitest's timers: deterministic, no wall time), a service that starts answering
 * `readyAt` ms into the wait is found within about a fifth of that (≤ 50 ms once the pause is
 * capped); before, within up to half of it (a service answering at 130 ms was seen at 162 ms,
 * one at 600 ms at 662 ms).
 */
describe('readiness: the host-side check is asked at a fine cadence with back-off', () => {
  afterEach(() => void vi.useRealTimers());

  async function foundAfter(readyAt: number): Promise<{ lag: number; checks: number }> {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const t0 = Date.now();
    let checks = 0;
    const clock = new CpuBudgetClock({ hostStall: () => 0, wall: () => Date.now() });
    const done = readinessLoop({ probe: { test: ['CMD', 'false'], intervalMs: 600_000, timeoutMs: 1000, retries: 3, startPeriodMs: 0 }, timeoutMs: 60_000, ports: [] }, async () => ({
      budget: clock,
      target: {
        name: 'cadence-test',
        secrets: [],
        logsHint: '',
        quick: true,
        sparseExec: true,
        look: async () => ({ running: true as const }),
        async beforeProbe() {
          checks++;
          return Date.now() - t0 >= readyAt ? { ready: { state: 'healthy' as const, ms: Date.now() - t0, via: 'http' as const } } : { refused: true };
        },
        async startExec(): Promise<RunningExec> {
          throw new Error('not run: the ports refuse, so the command is deferred');
        },
      },
    }));
    await vi.advanceTimersByTimeAsync(readyAt + 1000);
    const r = await done;
    return { lag: r.ms - readyAt, checks };
  }

  it('finds a service within about a fifth of the time it took to answer, and ≤ QUICK_ROUND_MAX_MS later', async () => {
    for (const readyAt of [30, 60, 130, 250, 600, 1500]) {
      const { lag, checks } = await foundAfter(readyAt);
      expect(lag, `answering at ${readyAt} ms`).toBeLessThanOrEqual(Math.min(50, readyAt * 0.2 + 6));
      expect(checks).toBeGreaterThan(1);
    }
    expect(QUICK_ROUND_MAX_MS).toBeLessThanOrEqual(50);
  });
});


/** A pg_isready wait on the fake clock (vitest's timers): the quick target of the tests below, with the parts each one varies. */
function pgWait(clock: CpuBudgetClock, timeoutMs: number, ports: { container: number; protocol: 'tcp' }[], probeTimeoutMs: number, target: Pick<ReadyTarget, 'beforeProbe' | 'startExec'> & Partial<ReadyTarget>): Promise<ReadyResult> {
  const probe = { test: ['CMD', 'pg_isready', '-h', '127.0.0.1'] as [string, string, ...string[]], intervalMs: 600_000, timeoutMs: probeTimeoutMs, retries: 3, startPeriodMs: 0 };
  return readinessLoop({ probe, timeoutMs, ports }, async () => ({
    budget: clock,
    target: { name: 'held-test', secrets: [], logsHint: '', quick: true, look: async () => ({ running: true as const }), ...target },
  }));
}

/**
 * Two things the readiness wait no longer does on the way to a service that is not up yet
 * (session 24, issue 21), on vitest's fake clock:
 * - run the health command while `beforeProbe` says it cannot pass (`cannotPass`: nothing
 *   listens on the port it asks in the container, or postgres says it is starting up; health.ts
 *   `cannotPassNow`). Before, it ran once a second while the ports refused and at once when
 *   postgres began to answer 57P03: each exec took ≈ 0.1 s of the engine's CPU beside the
 *   start-up it waited for;
 * - pause again after a slice of the wait on a command in flight: the slice (QUICK_ROUND_MAX_MS
 *   of wall time) is the round's pause, and with a second one the host-side check came every
 *   ≈ 100 ms while an exec ran (postgres found ≈ 50 ms late on average).
 */
describe('readiness: no exec that cannot pass, no second pause after a slice', () => {
  afterEach(() => void vi.useRealTimers());

  async function wait(readyAt: number, opts: { cannotPassUntil?: number; execNeverEnds?: boolean }): Promise<{ lag: number; execs: number; gaps: number[]; asked: number }> {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const t0 = Date.now();
    let execs = 0;
    let asked = 0; // how often `cannotPass` was asked (it reads /proc: not every round)
    let execAt = Infinity;
    const checks: number[] = [];
    const clock = new CpuBudgetClock({ hostStall: () => 0, wall: () => Date.now() });
    const never = new Promise<{ code: number | null; output: string }>(() => undefined);
    const done = pgWait(clock, 60_000, [], 30_000, {
        sparseExec: true,
        async beforeProbe() {
          const now = Date.now() - t0;
          checks.push(now);
          if (now >= readyAt) return { ready: { state: 'healthy' as const, ms: now, via: 'postgres' as const } };
          const cannotPass = () => {
            asked++;
            return Date.now() - t0 < (opts.cannotPassUntil ?? -1) ? 'nothing listens on port 5432 in the container yet' : undefined;
          };
          return { refused: now < (opts.cannotPassUntil ?? -1), cannotPass };
        },
        async startExec(): Promise<RunningExec> {
          execs++;
          execAt = Math.min(execAt, Date.now() - t0);
          if (!opts.execNeverEnds) throw new Error('the command ran although it could not pass');
          return { clock, wait: (until, wallMs) => raceClock(never, clock, until, wallMs), detach: () => undefined };
        },
    });
    await vi.advanceTimersByTimeAsync(readyAt + 1000);
    const r = await done;
    const during = checks.filter((c) => c > execAt);
    return { lag: r.ms - readyAt, execs, gaps: during.slice(1).map((c, i) => c - during[i]!), asked };
  }

  it('holds the command back for as long as it cannot pass (3 s here: before, 3 execs), and still finds the service at the quick cadence', async () => {
    const { lag, execs, asked } = await wait(3000, { cannotPassUntil: 3000 });
    expect(execs).toBe(0);
    expect(lag).toBeLessThanOrEqual(QUICK_ROUND_MAX_MS);
    // asked where the command would have run (once a second while the ports refuse), not every round
    expect(asked).toBeGreaterThanOrEqual(1);
    expect(asked).toBeLessThanOrEqual(3);
  });

  it('once it can pass, the command runs (here at once: the hold is over)', async () => {
    const { execs } = await wait(1500, { cannotPassUntil: 500, execNeverEnds: true });
    expect(execs).toBe(1);
  });

  it('while a command runs, the host-side check comes every QUICK_ROUND_MAX_MS, not every two', async () => {
    const { lag, execs, gaps } = await wait(1200, { execNeverEnds: true });
    expect(execs).toBe(1);
    expect(gaps.length).toBeGreaterThan(5);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(QUICK_ROUND_MAX_MS + 5);
    expect(lag).toBeLessThanOrEqual(QUICK_ROUND_MAX_MS + 5);
  });
});

/**
 * Review 31 MED-1: a hold that is wrong must not last. `pg_isready -h 127.0.0.1` names no port,
 * so the wait reads 5432; with `PGPORT=5433` in the service's environment both the server and
 * the command use 5433, nothing ever listens on 5432, and the command was held every round: the
 * wait timed out and a healthy service was rolled back. Now the environment's libpq and proxy
 * variables turn the hold off, and a hold lasts CANNOT_PASS_MAX_MS at most before the command
 * runs anyway.
 */
describe('readiness: a hold never outlives its reading', () => {
  afterEach(() => void vi.useRealTimers());

  it('a command held on every round still runs within CANNOT_PASS_MAX_MS of holds, and its success ends the wait', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const t0 = Date.now();
    let execAt = -1;
    const clock = new CpuBudgetClock({ hostStall: () => 0, wall: () => Date.now() });
    const done = pgWait(clock, 10_000, [], 3000, {
        sparseExec: true,
        async beforeProbe() {
          return { refused: true, cannotPass: () => 'nothing listens on port 5432 in the container yet' };
        },
        async startExec(): Promise<RunningExec> {
          execAt = Date.now() - t0;
          const ok = Promise.resolve({ code: 0, output: '' });
          return { clock, wait: () => ok, detach: () => undefined };
        },
    });
    await vi.advanceTimersByTimeAsync(6000);
    const r = await done;
    expect(r.state).toBe('healthy');
    expect(r.via).toBeUndefined(); // the command said so
    // the first hold comes at REFUSED_PROBE_INTERVAL_MS (1 s), the command CANNOT_PASS_MAX_MS after it
    expect(execAt).toBeGreaterThanOrEqual(CANNOT_PASS_MAX_MS);
    expect(execAt).toBeLessThanOrEqual(1000 + CANNOT_PASS_MAX_MS + 2 * QUICK_ROUND_MAX_MS);
  });

  it("a wait that times out while held says why the command was not run", async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const clock = new CpuBudgetClock({ hostStall: () => 0, wall: () => Date.now() });
    const done = pgWait(clock, 1500, [{ container: 5432, protocol: 'tcp' }], 3000, {
        async beforeProbe() {
          return { refused: true, cannotPass: () => 'nothing listens on port 5432 in the container yet' };
        },
        async startExec(): Promise<RunningExec> {
          throw new Error('not run: held');
        },
    }).then(
      () => 'ready',
      (e: Error) => e.message,
    );
    await vi.advanceTimersByTimeAsync(2000);
    expect(await done).toMatch(/did not become healthy within 1500 ms.*last result: the health command was not run: nothing listens on port 5432 in the container yet; port\(s\) 5432 not listening yet/);
  });

  it('cannotPassNow: no hold when the environment moves the connection (PGPORT, PGHOST, a proxy); a hold without', () => {
    const proc = mkdtempSync(join(tmpdir(), 'held-proc-'));
    try {
      mkdirSync(join(proc, '4242', 'net'), { recursive: true });
      const head = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';
      writeFileSync(join(proc, '4242', 'net', 'tcp'), head); // nothing listens
      writeFileSync(join(proc, '4242', 'net', 'tcp6'), head);
      const pg = { kind: 'postgres', port: 5432 };
      const http = { port: 80 };
      expect(cannotPassNow(pg, 'refused', 4242, [], proc)).toBe('nothing listens on port 5432 in the container yet');
      expect(cannotPassNow(pg, 'refused', 4242, ['PGPORT=5433'], proc)).toBeUndefined();
      expect(cannotPassNow(pg, 'refused', 4242, ['PGHOST=/var/run/postgresql'], proc)).toBeUndefined();
      expect(cannotPassNow(pg, 'starting', 4242, ['PGSERVICE=main'], proc)).toBeUndefined();
      expect(cannotPassNow(http, undefined, 4242, [], proc)).toBe('nothing listens on port 80 in the container yet');
      expect(cannotPassNow(http, undefined, 4242, ['http_proxy=http://10.0.0.1:3128'], proc)).toBeUndefined();
      expect(cannotPassNow({ kind: 'redis', port: 6379 }, 'refused', 4242, ['PGPORT=5433'], proc)).toBe('nothing listens on port 6379 in the container yet');
      // a listener on 0.0.0.0:5432 (1538 hex) after a refused request: it began listening since
      writeFileSync(join(proc, '4242', 'net', 'tcp'), head + '   0: 00000000:1538 00000000:0000 0A 00000000:00000000 00:00000000 00000000   999        0 12345 1\n');
      expect(cannotPassNow(pg, 'refused', 4242, [], proc)).toBe("port 5432 began listening after the host's request");
      expect(cannotPassNow(pg, 'no', 4242, [], proc)).toBeUndefined();
      // no such process: nothing is known, nothing held
      expect(cannotPassNow(pg, 'refused', 999999, [], proc)).toBeUndefined();
    } finally {
      rmSync(proc, { recursive: true, force: true });
    }
  });
});
