/**
 * The apply lock waits in pidlock's loop, against real holder processes: a holder that keeps
 * its lock fresh is waited for past the freshness limit (and named, on stderr by default),
 * a stopped one (SIGSTOP) is given up on without its lock being taken, a killed one is taken over.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { tempDirs } from './testutil/tempdirs.js';
import { runChild, transpileForChild } from './testutil/transpile-child.js';
import { acquireApplyLock, LockHeldError, readLock } from './lock.js';

const tmp = tempDirs('claude-applylock-test-');
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  tmp.cleanup();
});

// `hold DATADIR MS HEARTBEAT PLANID`: takes the apply lock, prints "held", releases after MS.
// `wait DATADIR FRESH`: waits (default notice on stderr after 0.3 s), prints "got TOKEN".
const child = transpileForChild(
  ['runtime/lock.ts'],
  `import { acquireApplyLock } from './runtime/lock.js';
const [mode, dir, a, b, planId] = process.argv.slice(2);
if (mode === 'hold') {
  const l = await acquireApplyLock(dir, { planId, heartbeatMs: Number(b) });
  process.stdout.write('held\\n');
  setTimeout(() => { l.release(); process.exit(0); }, Number(a));
} else {
  const l = await acquireApplyLock(dir, { waitMs: 60_000, freshMs: Number(a), noticeAfterMs: 300 });
  process.stdout.write('got ' + l.owner.token + '\\n');
  l.release();
}
`,
);
afterAll(() => child.cleanup());

const run = (args: string[]) => runChild(child.script, args, children);

/** Starts a holder and resolves once it holds the lock. */
async function holder(dir: string, holdMs: number, planId: string, heartbeatMs = 200) {
  const h = run(['hold', dir, String(holdMs), String(heartbeatMs), planId]);
  await h.started('held');
  return h;
}

describe('apply lock: the wait', () => {
  it('waits for a live holder that keeps its lock fresh, says who it waits for, and takes the lock when it is released', async () => {
    const dir = tmp.make();
    const h = await holder(dir, 2500, 'plan-slow');
    const t0 = Date.now();
    // The waiter gives up on a holder silent for 1 s; the holder's heartbeat (every 0.2 s) keeps it waiting 2.5 s.
    const w = run(['wait', dir, '1000']);
    expect(await w.exited).toBe(0);
    expect(w.out()).toBe('got 2\n');
    expect(Date.now() - t0).toBeGreaterThan(1500);
    const lock = join(dir, 'apply.lock');
    expect(w.err()).toMatch(new RegExp(`^waiting for ${lock} \\(\\d+ s so far\\): held by pid ${h.proc.pid} on \\S+ since \\S+ \\(apply plan-slow, token 1\\), which is alive and still working\\n$`));
    expect(await h.exited).toBe(0);
  }, 60_000);

  it('gives up on a live holder that stopped refreshing its lock (SIGSTOP), naming it and how to stop it, and leaves its lock', async () => {
    const dir = tmp.make();
    const h = await holder(dir, 60_000, 'plan-stopped');
    h.proc.kill('SIGSTOP');
    const err = await acquireApplyLock(dir, { waitMs: 60_000, freshMs: 1000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LockHeldError);
    expect((err as LockHeldError).reason).toBe('stuck');
    const pid = h.proc.pid!;
    expect((err as Error).message).toMatch(
      new RegExp(`^gave up waiting for the apply lock: pid ${pid} on \\S+ has held it since \\S+ \\(apply plan-stopped, token 1\\) and is alive, but has not refreshed it for \\d+ s, so it is stopped or stuck\\. See it with: ps -o pid,stat,etime,args -p ${pid}; if it is stuck, stop it \\(kill ${pid}\\) and the next waiter takes the lock over$`),
    );
    expect((err as LockHeldError).hint).toBe(`if pid ${pid} is stuck, stop it (kill ${pid}); the next apply then settles what it left`);
    expect(readLock(dir)).toMatchObject({ pid, token: 1 });
  }, 60_000);

  it('takes over the lock of a holder killed while it waits', async () => {
    const dir = tmp.make();
    const h = await holder(dir, 60_000, 'plan-doomed');
    const got = acquireApplyLock(dir, { waitMs: 60_000, noticeAfterMs: 0, onWait: () => h.proc.kill('SIGKILL') });
    const l = await got;
    expect(l.owner).toMatchObject({ pid: process.pid, token: 2 });
    l.release();
    expect(readLock(dir)).toBeNull();
  }, 60_000);
});
