/**
 * Lock files shared by several processes, and the one way the runtime waits for them.
 *
 * The pid lock: `open(path, 'wx')` creates it exclusively and writes the owner (`{pid,
 * procStart, host, acquiredAt, purpose}`). Used around read-modify-write of files shared by
 * several processes (the audit log's tail, the state repo's commit, the jobs, the request
 * queue). The runtime's apply lock (runtime/lock.ts) has a file format of its own (a fencing
 * token, the plan id) but waits in the same loop, `waitForLock`, with its holder kept fresh by
 * the same heartbeat, `keepFresh`.
 *
 * Waiting, in the order a waiter checks on each try:
 * 1. the owner is dead (same host, `kill(pid, 0)` says ESRCH), or its pid now belongs to a
 *    process that started later (pid reuse), or (pid locks only) the file has had no readable
 *    owner for `unreadableStaleMs`: the lock is stale and is taken over;
 * 2. the owner is alive but its lock is not fresh: the holder refreshes the file's mtime every
 *    `heartbeatMs` while it holds it, so a lock not refreshed for `freshMs` belongs to a process
 *    that is stopped (Ctrl-Z, SIGSTOP) or stuck: the waiter gives up (reason `stuck`), naming it
 *    and how to stop it;
 * 3. the overall limit `timeoutMs` has passed: it gives up (reason `limit`);
 * 4. otherwise it keeps waiting, however long each holder takes, and after `noticeAfterMs`
 *    says once per holder who it waits for (`onWait`; by default a line on stderr).
 */
import { closeSync, fsyncSync, linkSync, openSync, readFileSync, renameSync, statSync, unlinkSync, utimesSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { nodeCrypto } from '../common/node-crypto.js';

export interface LockOwner {
  pid: number;
  /** The owner's start time (/proc/<pid>/stat field 22), to tell a reused pid; null off Linux. */
  procStart: string | null;
  host: string;
  acquiredAt: string;
  purpose: string;
}

/** Who holds a lock, as a waiter tells it: the same for every lock file's format. */
export interface LockHolder {
  pid: number;
  host: string;
  /** When it took the lock (ISO 8601). */
  since: string;
  /** What it is doing. */
  purpose: string;
}

/** Told to a waiter once per holder, after it has waited `noticeAfterMs`. */
export interface LockWait {
  lockPath: string;
  owner: LockHolder;
  /** How long this waiter has waited so far (ms). */
  waitedMs: number;
}

/** The overall limit on one wait: generous, since a live holder that keeps its lock fresh is making progress. */
export const DEFAULT_LOCK_WAIT_MS = 10 * 60_000;
/** How often a holder refreshes its lock file's mtime. */
export const LOCK_HEARTBEAT_MS = 10_000;
/** A live holder's lock not refreshed for this long is stopped or stuck. */
export const LOCK_FRESH_MS = 120_000;
/** A waiter says who it waits for after this long. */
export const LOCK_NOTICE_AFTER_MS = 3_000;

/** How a waiter waits (`waitForLock`), whatever the lock file's format. */
export interface LockWaitOptions {
  /** Give up after waiting this long in all (ms); 0 tries once. */
  timeoutMs: number;
  /** A waiter gives up on a live holder whose lock was not refreshed for this long (ms). Default LOCK_FRESH_MS. */
  freshMs?: number;
  /** Say who this waiter waits for after this long (ms). Default LOCK_NOTICE_AFTER_MS. */
  noticeAfterMs?: number;
  /** Called once per holder after `noticeAfterMs`. Default: one line on stderr (lockWaitText). */
  onWait?: (w: LockWait) => void;
  /** Between tries it sleeps this long plus a random part of up to max(20, pollMs) (ms). Default 3. */
  pollMs?: number;
}

export interface PidLockOptions extends Partial<LockWaitOptions> {
  /** Give up after waiting this long in all (ms). Default DEFAULT_LOCK_WAIT_MS (10 min); 0 tries once. */
  timeoutMs?: number;
  /** What the holder is doing; shown to waiters. */
  purpose?: string;
  /** A lock file with no readable owner (a crash between create and write) is stale after this long (ms). Default 10 s. */
  unreadableStaleMs?: number;
  /** While held, the lock file's mtime is refreshed this often (ms). Default LOCK_HEARTBEAT_MS. */
  heartbeatMs?: number;
}

const since = (s: string) => s.replace(/#.*$/, '');
const seconds = (ms: number) => `${Math.round(ms / 1000)} s`;

/** The line a waiter prints by default: who holds the lock and for what. */
export function lockWaitText(w: LockWait): string {
  return `waiting for ${w.lockPath} (${seconds(w.waitedMs)} so far): held by pid ${w.owner.pid} on ${w.owner.host} since ${since(w.owner.since)} (${w.owner.purpose}), which is alive and still working`;
}

/** Why a waiter gave up: `limit`, the overall limit passed; `stuck`, the live holder stopped refreshing its lock. */
export interface GaveUp<O> {
  owner: O | null;
  reason: 'limit' | 'stuck';
  waitedMs: number;
  /** For `stuck`: how long the lock has gone without a refresh (ms). */
  quietMs: number;
}

/** The sentence that says a live holder is stopped or stuck, and how to see and stop it. */
export function stuckText(h: LockHolder, quietMs: number): string {
  return (
    `pid ${h.pid} on ${h.host} has held it since ${since(h.since)} (${h.purpose}) and is alive, ` +
    `but has not refreshed it for ${seconds(quietMs)}, so it is stopped or stuck. See it with: ps -o pid,stat,etime,args -p ${h.pid}; ` +
    `if it is stuck, stop it (kill ${h.pid}) and the next waiter takes the lock over`
  );
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
        ? `gave up waiting for the lock ${lockPath}: ${stuckText(pidHolder(owner), quietMs)}`
        : `timed out waiting for the lock ${lockPath} after ${seconds(waitedMs)}` +
            (owner
              ? `, held by pid ${owner.pid} on ${owner.host} since ${since(owner.acquiredAt)} (${owner.purpose}). It is still working; try again when it has finished (ps -o pid,etime,args -p ${owner.pid})`
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
export function ownerAlive(owner: { pid: number; procStart: string | null }): boolean {
  if (!pidAlive(owner.pid)) return false;
  if (owner.procStart === null) return true;
  const now = procStartTime(owner.pid);
  return now === null || now === owner.procStart;
}

/** True when the owner is known to be gone: on this host, and its pid is dead or reused. */
export function ownerDead(owner: { pid: number; procStart: string | null; host: string }): boolean {
  return owner.host === hostname() && !ownerAlive(owner);
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

/** A lock file's format, as the wait loop needs it. */
export interface LockFile<O> {
  readonly path: string;
  /** Creates the lock file for this process, atomically; false when it exists already. */
  take(): boolean;
  /** The owner recorded in the file at `path` (the lock, or its renamed-aside copy), or null. */
  read(path: string): O | null;
  /** The lock may be broken: its owner (`seen`, just read) is known to be gone. */
  stale(seen: O | null): boolean;
  /** The same acquisition (not only the same process). */
  same(a: O | null, b: O): boolean;
  holder(o: O): LockHolder;
}

/**
 * Breaks a lock whose owner is gone. The file is first renamed aside (only one breaker wins
 * the rename); if what was renamed is not `seen`'s file (another process took the lock in
 * between), it is linked back.
 */
function breakStale<O>(lock: LockFile<O>, seen: O | null): void {
  const aside = `${lock.path}.${process.pid}.${nodeCrypto().randomBytes(4).toString('hex')}.stale`;
  try {
    renameSync(lock.path, aside);
  } catch {
    return; // someone else broke or released it
  }
  const now = lock.read(aside);
  if (seen === null ? now !== null : !lock.same(now, seen)) {
    try {
      linkSync(aside, lock.path);
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

/** How long ago the lock file was last written or refreshed (ms), or null when it is gone. */
function lockQuietMs(lockPath: string): number | null {
  try {
    return Date.now() - statSync(lockPath).mtimeMs;
  } catch {
    return null;
  }
}

/**
 * The wait loop (see the file's comment): resolves once `lock.take()` succeeded; otherwise
 * throws what `giveUp` makes of a stuck holder or of the limit.
 */
export async function waitForLock<O>(lock: LockFile<O>, o: LockWaitOptions, giveUp: (g: GaveUp<O>) => Error): Promise<void> {
  const started = Date.now();
  const freshMs = o.freshMs ?? LOCK_FRESH_MS;
  const noticeAfterMs = o.noticeAfterMs ?? LOCK_NOTICE_AFTER_MS;
  const onWait = o.onWait ?? ((w: LockWait) => process.stderr.write(lockWaitText(w) + '\n'));
  let told: O | null = null;
  for (;;) {
    if (lock.take()) return;
    const seen = lock.read(lock.path);
    if (lock.stale(seen)) {
      breakStale(lock, seen);
      continue;
    }
    const waitedMs = Date.now() - started;
    const quietMs = seen ? lockQuietMs(lock.path) : null;
    if (seen && quietMs !== null && quietMs > freshMs && lock.same(lock.read(lock.path), seen)) throw giveUp({ owner: seen, reason: 'stuck', waitedMs, quietMs });
    if (waitedMs >= o.timeoutMs) throw giveUp({ owner: seen, reason: 'limit', waitedMs, quietMs: 0 });
    if (seen && waitedMs >= noticeAfterMs && !(told !== null && lock.same(told, seen))) {
      told = seen;
      onWait({ lockPath: lock.path, owner: lock.holder(seen), waitedMs });
    }
    const poll = o.pollMs ?? 3;
    await sleep(Math.min(poll + Math.floor(Math.random() * Math.max(20, poll)), Math.max(1, o.timeoutMs - waitedMs)));
  }
}

/**
 * The heartbeat: refreshes the lock file's mtime every `everyMs` while `mine()` says the file
 * is still this holder's, so waiters see it is working. It stops with the process (or its
 * event loop), which is what a waiter reads as stopped or stuck. Returns the stop function.
 */
export function keepFresh(lockPath: string, mine: () => boolean, everyMs = LOCK_HEARTBEAT_MS): () => void {
  const heartbeat = setInterval(() => {
    try {
      if (mine()) {
        const t = new Date();
        utimesSync(lockPath, t, t);
      }
    } catch {
      /* released or taken over meanwhile */
    }
  }, everyMs);
  heartbeat.unref();
  return () => clearInterval(heartbeat);
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

/** True when the lock file's owner is known to be gone (so it may be broken). */
export function lockIsStale(lockPath: string, unreadableStaleMs = 10_000): boolean {
  const owner = readLockOwner(lockPath);
  if (owner) return ownerDead(owner);
  try {
    return Date.now() - statSync(lockPath).mtimeMs > unreadableStaleMs;
  } catch {
    return false;
  }
}

const isOwner = (a: LockOwner | null, b: LockOwner) => a !== null && a.pid === b.pid && a.acquiredAt === b.acquiredAt;
const pidHolder = (o: LockOwner): LockHolder => ({ pid: o.pid, host: o.host, since: o.acquiredAt, purpose: o.purpose });

/** Acquires the lock; returns the release function. See the file's comment for how it waits. */
export async function acquirePidLock(lockPath: string, opts: PidLockOptions = {}): Promise<() => void> {
  const owner: LockOwner = {
    pid: process.pid,
    procStart: procStartTime(process.pid),
    host: hostname(),
    acquiredAt: new Date().toISOString() + '#' + nodeCrypto().randomBytes(4).toString('hex'),
    purpose: opts.purpose ?? 'lock',
  };
  const file: LockFile<LockOwner> = {
    path: lockPath,
    take: () => tryCreate(lockPath, owner),
    read: readLockOwner,
    // Read again: `seen` is null both for a missing file and for one not written yet.
    stale: () => lockIsStale(lockPath, opts.unreadableStaleMs),
    same: isOwner,
    holder: pidHolder,
  };
  await waitForLock(file, { ...opts, timeoutMs: opts.timeoutMs ?? DEFAULT_LOCK_WAIT_MS }, (g) => new LockTimeoutError(lockPath, g.owner, g.reason, g.waitedMs, g.quietMs));
  const stop = keepFresh(lockPath, () => isOwner(readLockOwner(lockPath), owner), opts.heartbeatMs);
  return () => {
    stop();
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
