import { afterEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { tempDirs } from './testutil/tempdirs.js';
import { LockTimeoutError, acquirePidLock, procStartTime, readLockOwner, withPidLock } from './pidlock.js';

const tmp = tempDirs('claude-pidlock-test-');
afterEach(() => tmp.cleanup());
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
    expect((err as Error).message).toContain(`held by pid ${process.pid}`);
    expect((err as Error).message).toContain('(holder)');
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
});
