import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { tempDirs } from './testutil/tempdirs.js';
import { runChild, transpileForChild } from './testutil/transpile-child.js';
import { LockTimeoutError, acquirePidLock, procStartTime, readLockOwner, withPidLock, type LockWait } from './pidlock.js';

const tmp = tempDirs('claude-pidlock-test-');
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  tmp.cleanup();
});

// A real process that holds the lock (`hold LOCK MS HEARTBEAT PURPOSE`: prints "held", releases
// after MS) or waits for it (`wait LOCK FRESH`: the default notice on stderr, prints "got").
const child = transpileForChild(
  ['runtime/pidlock.ts'],
  `import { acquirePidLock } from './runtime/pidlock.js';
const [mode, lock, a, b, purpose] = process.argv.slice(2);
if (mode === 'hold') {
  const release = await acquirePidLock(lock, { heartbeatMs: Number(b), purpose });
  process.stdout.write('held\\n');
  setTimeout(() => { release(); process.exit(0); }, Number(a));
} else {
  const release = await acquirePidLock(lock, { freshMs: Number(a), noticeAfterMs: 300 });
  process.stdout.write('got\\n');
  release();
}
`,
);
afterAll(() => child.cleanup());

const run = (args: string[]) => runChild(child.script, args, children);

async function holder(p: string, holdMs: number, purpose: string, heartbeatMs = 200) {
  const h = run(['hold', p, String(holdMs), String(heartbeatMs), purpose]);
  await h.started('held');
  return h;
}
function lockPath(): string {
  return join(tmp.make(), 'x.lock');
}

function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

describe('pid lock', () => {
  it('records the owner while held and removes the file on release', async () => {
    const p = lockPath();
    const seen = await withPidLock(p, () => readLockOwner(p), { purpose: 'test' });
    expect(seen).toMatchObject({ pid: process.pid, host: hostname(), purpose: 'test', procStart: procStartTime(process.pid) });
    expect(existsSync(p)).toBe(false);
  });

  it('breaks a lock whose owner is dead, or whose pid was reused', async () => {
    const p = lockPath();
    writeFileSync(p, JSON.stringify({ pid: deadPid(), procStart: '1', host: hostname(), acquiredAt: 'x', purpose: 'crashed' }));
    await expect(withPidLock(p, () => 'got it', { timeoutMs: 2000 })).resolves.toBe('got it');
    // Our own pid, but a different start time: a reused pid.
    writeFileSync(p, JSON.stringify({ pid: process.pid, procStart: 'not-our-start', host: hostname(), acquiredAt: 'x', purpose: 'old' }));
    await expect(withPidLock(p, () => 'again', { timeoutMs: 2000 })).resolves.toBe('again');
  });

  it('waits for a live owner and names it when it gives up', async () => {
    const p = lockPath();
    const release = await acquirePidLock(p, { purpose: 'holder' });
    const err = await acquirePidLock(p, { timeoutMs: 150 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LockTimeoutError);
    expect((err as LockTimeoutError).reason).toBe('limit');
    expect((err as Error).message).toContain(`held by pid ${process.pid}`);
    expect((err as Error).message).toContain('(holder). It is still working');
    release();
    const again = await acquirePidLock(p, { timeoutMs: 150 });
    again();
  });

  it('does not break a fresh lock file whose owner is not written yet', async () => {
    const p = lockPath();
    writeFileSync(p, '');
    await expect(acquirePidLock(p, { timeoutMs: 100 })).rejects.toBeInstanceOf(LockTimeoutError);
    await expect(withPidLock(p, () => 1, { timeoutMs: 1000, unreadableStaleMs: 0 })).resolves.toBe(1);
  });

  it('keeps waiting for a live holder that keeps its lock fresh, says who it waits for, and takes the lock when it is released', async () => {
    const p = lockPath();
    const h = await holder(p, 2500, 'slow state commit');
    const t0 = Date.now();
    // The waiter gives up on a holder silent for 1 s; the holder's heartbeat (every 0.2 s) keeps it waiting 2.5 s.
    const w = run(['wait', p, '1000']);
    expect(await w.exited).toBe(0);
    expect(w.out()).toBe('got\n');
    expect(Date.now() - t0).toBeGreaterThan(1500);
    expect(w.err()).toMatch(new RegExp(`^waiting for ${p} \\(\\d+ s so far\\): held by pid ${h.proc.pid} on \\S+ since \\S+ \\(slow state commit\\), which is alive and still working\\n$`));
    expect(await h.exited).toBe(0);
  }, 60_000);

  it('takes over the lock of a holder killed while it waits', async () => {
    const p = lockPath();
    const h = await holder(p, 60_000, 'doomed');
    const told: LockWait[] = [];
    const got = acquirePidLock(p, { noticeAfterMs: 100, onWait: (w) => told.push(w) });
    while (told.length === 0) await new Promise((r) => setTimeout(r, 20));
    expect(told[0]!.owner).toMatchObject({ pid: h.proc.pid, purpose: 'doomed' });
    h.proc.kill('SIGKILL');
    const release = await got;
    expect(readLockOwner(p)).toMatchObject({ pid: process.pid });
    expect(told).toHaveLength(1);
    release();
    expect(existsSync(p)).toBe(false);
  }, 60_000);

  it('gives up on a live holder that stopped refreshing its lock (SIGSTOP), naming it and how to stop it', async () => {
    const p = lockPath();
    const h = await holder(p, 60_000, 'stopped commit');
    h.proc.kill('SIGSTOP');
    const t0 = Date.now();
    const err = await acquirePidLock(p, { freshMs: 1000, noticeAfterMs: 60_000 }).catch((e: unknown) => e);
    expect(Date.now() - t0).toBeLessThan(30_000);
    expect(err).toBeInstanceOf(LockTimeoutError);
    expect((err as LockTimeoutError).reason).toBe('stuck');
    const pid = h.proc.pid!;
    expect((err as Error).message).toMatch(new RegExp(`^gave up waiting for the lock ${p}: pid ${pid} on \\S+ has held it since \\S+ \\(stopped commit\\) and is alive, but has not refreshed it for \\d+ s, so it is stopped or stuck\\. See it with: ps -o pid,stat,etime,args -p ${pid}; if it is stuck, stop it \\(kill ${pid}\\) and the next waiter takes the lock over$`));
    // The lock is left to its holder: a waiter never takes a live process's lock.
    expect(readLockOwner(p)).toMatchObject({ pid });
  }, 60_000);
});
