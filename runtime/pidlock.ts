/**
 * A small inter-process lock file: `open(path, 'wx')` creates it exclusively and writes the
 * owner (`{pid, procStart, host, acquiredAt, purpose}`). Used around read-modify-write of files
 * shared by several processes (the audit log's tail, the state repo's commit). It is not the
 * runtime's apply lock.
 *
 * Waiting, in the order a waiter checks on each try:
 * 1. the owner is dead (same host, `kill(pid, 0)` says ESRCH), or its pid now belongs to a
 *    process that started later (pid reuse), or the file has had no readable owner for
 *    `unreadableStaleMs`: the lock is stale and is taken over;
 * 2. the owner is alive but its lock is not fresh: the holder refreshes the file's mtime every
 *    `heartbeatMs` while it holds it, so a lock not refreshed for `freshMs` belongs to a process
 *    that is stopped (Ctrl-Z, SIGSTOP) or stuck: the waiter gives up (`LockTimeoutError`,
 *    reason `stuck`), naming it and how to stop it;
 * 3. the overall limit `timeoutMs` has passed: it gives up (reason `limit`);
 * 4. otherwise it keeps waiting, however long each holder takes, and after `noticeAfterMs`
 *    says once per holder who it waits for (`onWait`; by default a line on stderr).
 */
import { closeSync, fsyncSync, linkSync, openSync, readFileSync, renameSync, statSync, unlinkSync, utimesSync, writeSync } from 'node:fs';
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

/** Told to a waiter once per holder, after it has waited `noticeAfterMs`. */
export interface LockWait {
  lockPath: string;
  owner: LockOwner;
  /** How long this waiter has waited so far (ms). */
  waitedMs: number;
}

/** The overall limit on one wait: generous, since a live holder that keeps its lock fresh is making progress. */
export const DEFAULT_LOCK_WAIT_MS = 10 * 60_000;
/** How often a holder refreshes its lock file's mtime. */
export const LOCK_HEARTBEAT_MS = 10_000;
/** A live holder's lock not refreshed for this long is stopped or stuck. */
export const LOCK_FRESH_MS = 120_000;

export interface PidLockOptions {
  /** Give up after waiting this long in all (ms). Default DEFAULT_LOCK_WAIT_MS (10 min); 0 tries once. */
  timeoutMs?: number;
  /** What the holder is doing; shown to waiters. */
  purpose?: string;
  /** A lock file with no readable owner (a crash between create and write) is stale after this long (ms). Default 10 s. */
  unreadableStaleMs?: number;
  /** While held, the lock file's mtime is refreshed this often (ms). Default LOCK_HEARTBEAT_MS. */
  heartbeatMs?: number;
  /** A waiter gives up on a live holder whose lock was not refreshed for this long (ms). Default LOCK_FRESH_MS. */
  freshMs?: number;
  /** Say who this waiter waits for after this long (ms). Default 3 s. */
  noticeAfterMs?: number;
  /** Called once per holder after `noticeAfterMs`. Default: one line on stderr (lockWaitText). */
  onWait?: (w: LockWait) => void;
}

const since = (owner: LockOwner) => owner.acquiredAt.replace(/#.*$/, '');
const seconds = (ms: number) => `${Math.round(ms / 1000)} s`;

/** The line a waiter prints by default: who holds the lock and for what. */
export function lockWaitText(w: LockWait): string {
  return `waiting for ${w.lockPath} (${seconds(w.waitedMs)} so far): held by pid ${w.owner.pid} on ${w.owner.host} since ${since(w.owner)} (${w.owner.purpose}), which is alive and still working`;
}

export class LockTimeoutError extends Error {
  constructor(
    readonly lockPath: string,
    readonly owner: LockOwner | null,
    /** `limit`: the overall limit passed; `stuck`: the live holder stopped refreshing its lock. */
    readonly reason: 'limit' | 'stuck' = 'limit',
    readonly waitedMs = 0,
    /** For `stuck`: how long the lock has gone without a refresh (ms). */
    readonly quietMs = 0,
  ) {
    super(
      reason === 'stuck' && owner
        ? `gave up waiting for the lock ${lockPath}: pid ${owner.pid} on ${owner.host} has held it since ${since(owner)} (${owner.purpose}) and is alive, ` +
            `but has not refreshed it for ${seconds(quietMs)}, so it is stopped or stuck. See it with: ps -o pid,stat,etime,args -p ${owner.pid}; ` +
            `if it is stuck, stop it (kill ${owner.pid}) and the next waiter takes the lock over`
        : `timed out waiting for the lock ${lockPath} after ${seconds(waitedMs)}` +
            (owner
              ? `, held by pid ${owner.pid} on ${owner.host} since ${since(owner)} (${owner.purpose}). It is still working; try again when it has finished (ps -o pid,etime,args -p ${owner.pid})`
              : `. If no process holds it, remove the file: rm ${lockPath}`),
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

/** How long ago the lock file was last written or refreshed (ms), or null when it is gone. */
function lockQuietMs(lockPath: string): number | null {
  try {
    return Date.now() - statSync(lockPath).mtimeMs;
  } catch {
    return null;
  }
}

const isOwner = (a: LockOwner | null, b: LockOwner) => a !== null && a.pid === b.pid && a.acquiredAt === b.acquiredAt;

/** Acquires the lock; returns the release function. See the file's comment for how it waits. */
export async function acquirePidLock(lockPath: string, opts: PidLockOptions = {}): Promise<() => void> {
  const started = Date.now();
  const deadline = started + (opts.timeoutMs ?? DEFAULT_LOCK_WAIT_MS);
  const freshMs = opts.freshMs ?? LOCK_FRESH_MS;
  const noticeAfterMs = opts.noticeAfterMs ?? 3_000;
  const onWait = opts.onWait ?? ((w: LockWait) => process.stderr.write(lockWaitText(w) + '\n'));
  const owner: LockOwner = {
    pid: process.pid,
    procStart: procStartTime(process.pid),
    host: hostname(),
    acquiredAt: new Date().toISOString() + '#' + randomBytes(4).toString('hex'),
    purpose: opts.purpose ?? 'lock',
  };
  let told: LockOwner | null = null;
  for (;;) {
    if (tryCreate(lockPath, owner)) break;
    const seen = readLockOwner(lockPath);
    if (lockIsStale(lockPath, opts.unreadableStaleMs)) {
      breakStale(lockPath, seen);
      continue;
    }
    const now = Date.now();
    const quiet = seen ? lockQuietMs(lockPath) : null;
    if (seen && quiet !== null && quiet > freshMs && isOwner(readLockOwner(lockPath), seen)) throw new LockTimeoutError(lockPath, seen, 'stuck', now - started, quiet);
    if (now > deadline) throw new LockTimeoutError(lockPath, seen, 'limit', now - started);
    if (seen && now - started >= noticeAfterMs && !isOwner(told, seen)) {
      told = seen;
      onWait({ lockPath, owner: seen, waitedMs: now - started });
    }
    await sleep(3 + Math.floor(Math.random() * 20));
  }
  // The heartbeat: keeps the lock fresh for waiters while this process runs; it stops with the
  // process (or its event loop), which is what a waiter reads as stopped or stuck.
  const heartbeat = setInterval(() => {
    try {
      if (isOwner(readLockOwner(lockPath), owner)) {
        const t = new Date();
        utimesSync(lockPath, t, t);
      }
    } catch {
      /* released or taken over meanwhile */
    }
  }, opts.heartbeatMs ?? LOCK_HEARTBEAT_MS);
  heartbeat.unref();
  return () => {
    clearInterval(heartbeat);
    if (isOwner(readLockOwner(lockPath), owner)) {
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
