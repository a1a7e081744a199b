/**
 * A small inter-process lock file: `open(path, 'wx')` creates it exclusively and writes the
 * owner (`{pid, procStart, host, acquiredAt, purpose}`); a waiter retries with jitter until its
 * deadline. A lock whose owner process is dead (same host, `kill(pid, 0)` says ESRCH) is
 * broken, and so is one whose pid now belongs to a process that started later (pid reuse).
 * Used around read-modify-write of files shared by several processes (the audit
 * log's tail, the state repo's commit). It is not the runtime's apply lock.
 */
import { closeSync, fsyncSync, linkSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';

export interface LockOwner {
  pid: number;
  /** The owner's start time (/proc/<pid>/stat field 22), to tell a reused pid; null off Linux. */
  procStart: string | null;
  host: string;
  acquiredAt: string;
  purpose: string;
}

export interface PidLockOptions {
  /** Give up after this long (ms). Default 30 s. */
  timeoutMs?: number;
  /** What the holder is doing; shown to waiters that time out. */
  purpose?: string;
  /** A lock file with no readable owner (a crash between create and write) is stale after this long (ms). Default 10 s. */
  unreadableStaleMs?: number;
}

export class LockTimeoutError extends Error {
  constructor(
    readonly lockPath: string,
    readonly owner: LockOwner | null,
  ) {
    super(
      `timed out waiting for the lock ${lockPath}` +
        (owner ? `, held by pid ${owner.pid} on ${owner.host} since ${owner.acquiredAt} (${owner.purpose})` : '') +
        `. If that process is gone, remove the file: rm ${lockPath}`,
    );
    this.name = 'LockTimeoutError';
  }
}

/** True when a process with this pid exists on this host (EPERM counts as alive). */
export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A process's start time in clock ticks since boot (/proc/<pid>/stat field 22), or null. */
export function procStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

/** True when the recorded owner still runs: the pid exists and, when known, started at the same time. */
export function ownerAlive(owner: LockOwner): boolean {
  if (!pidAlive(owner.pid)) return false;
  if (owner.procStart === null) return true;
  const now = procStartTime(owner.pid);
  return now === null || now === owner.procStart;
}

/** Reads the owner recorded in a lock file, or null when it is missing or unreadable. */
export function readLockOwner(lockPath: string): LockOwner | null {
  try {
    const o = JSON.parse(readFileSync(lockPath, 'utf8')) as Partial<LockOwner>;
    if (typeof o.pid !== 'number' || typeof o.host !== 'string') return null;
    return { pid: o.pid, procStart: typeof o.procStart === 'string' ? o.procStart : null, host: o.host, acquiredAt: String(o.acquiredAt ?? ''), purpose: String(o.purpose ?? '') };
  } catch {
    return null;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function tryCreate(lockPath: string, owner: LockOwner): boolean {
  let fd: number;
  try {
    fd = openSync(lockPath, 'wx', 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
  try {
    writeSync(fd, JSON.stringify(owner));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return true;
}

/**
 * Breaks a lock whose owner is dead. The file is first renamed aside (only one breaker
 * wins the rename); if what was renamed is not the dead owner's file (another process took
 * the lock in between), it is linked back.
 */
function breakStale(lockPath: string, seen: LockOwner | null): void {
  const aside = `${lockPath}.${process.pid}.${randomBytes(4).toString('hex')}.stale`;
  try {
    renameSync(lockPath, aside);
  } catch {
    return; // someone else broke or released it
  }
  const now = readLockOwner(aside);
  const same = seen === null ? now === null : now !== null && now.pid === seen.pid && now.acquiredAt === seen.acquiredAt;
  if (!same) {
    try {
      linkSync(aside, lockPath);
    } catch {
      // the lock was re-created meanwhile; the live owner keeps going on its own file
    }
  }
  try {
    unlinkSync(aside);
  } catch {
    /* already gone */
  }
}

/** True when the lock file's owner is known to be gone (so it may be broken). */
export function lockIsStale(lockPath: string, unreadableStaleMs = 10_000): boolean {
  const owner = readLockOwner(lockPath);
  if (owner) return owner.host === hostname() && !ownerAlive(owner);
  try {
    return Date.now() - statSync(lockPath).mtimeMs > unreadableStaleMs;
  } catch {
    return false;
  }
}

/** Acquires the lock; returns the release function. */
export async function acquirePidLock(lockPath: string, opts: PidLockOptions = {}): Promise<() => void> {
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  const owner: LockOwner = {
    pid: process.pid,
    procStart: procStartTime(process.pid),
    host: hostname(),
    acquiredAt: new Date().toISOString() + '#' + randomBytes(4).toString('hex'),
    purpose: opts.purpose ?? 'lock',
  };
  for (;;) {
    if (tryCreate(lockPath, owner)) break;
    const seen = readLockOwner(lockPath);
    if (lockIsStale(lockPath, opts.unreadableStaleMs)) {
      breakStale(lockPath, seen);
      continue;
    }
    if (Date.now() > deadline) throw new LockTimeoutError(lockPath, seen);
    await sleep(3 + Math.floor(Math.random() * 20));
  }
  return () => {
    const cur = readLockOwner(lockPath);
    if (cur && cur.pid === owner.pid && cur.acquiredAt === owner.acquiredAt) {
      try {
        unlinkSync(lockPath);
      } catch {
        /* already gone */
      }
    }
  };
}

/** Runs `fn` while holding the lock. */
export async function withPidLock<T>(lockPath: string, fn: () => Promise<T> | T, opts: PidLockOptions = {}): Promise<T> {
  const release = await acquirePidLock(lockPath, opts);
  try {
    return await fn();
  } finally {
    release();
  }
}
