/**
 * The apply lock: one apply (or recover) at a time on this host.
 *
 * `<dataDir>/apply.lock` holds the owner: `{token, pid, procStart, host, startedAt, planId,
 * purpose}`. It is created atomically (a fully written temp file hard-linked into place, so a
 * reader never sees a half-written owner). `token` is a fencing token: a counter persisted in
 * `<dataDir>/lock.token` that grows by one with every acquisition, so a holder whose lock was
 * broken can tell (`assertHeld`) and must stop writing. Since session 24 `lock.token` is the
 * same file as the lock it was taken with (the temp file, renamed over it once linked), so it
 * holds that owner's JSON; a plain number (written before) is read too. Taking the lock is two
 * rounds of the disk's flush latency: the owner's file, then the directory (for the link and
 * the rename at once), instead of three (a token file of its own was a second file to fsync).
 *
 * A lock whose owner is dead (same host; the pid is gone, or the pid now belongs to another
 * process, told by its start time in /proc) is broken safely: renamed aside first (only one
 * breaker wins), and linked back if what was renamed turns out not to be the dead owner's.
 * `claude unlock --force ID` removes a lock by its token or plan id when the operator knows
 * better.
 *
 * A waiter waits in runtime/pidlock.ts's loop (`waitForLock`), as for every other lock file:
 * the holder refreshes the file's mtime (`keepFresh`), a waiter says who it waits for, and it
 * gives up at its `waitMs` limit or at once on a live holder that stopped refreshing the lock
 * (stopped with Ctrl-Z, or stuck).
 */
import { existsSync, linkSync, readdirSync, readFileSync, renameSync, unlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { failpoint, SimulatedCrash } from '../common/failpoints.js';
import { fsyncDir, writeNewFileSynced } from '../common/fsutil.js';
import { keepFresh, LOCK_HEARTBEAT_MS, ownerDead, pidAlive, procStartTime, stuckText, waitForLock, type GaveUp, type LockFile, type LockHolder, type LockWait } from './pidlock.js';

export const LOCK_FILE = 'apply.lock';
export const TOKEN_FILE = 'lock.token';

export interface LockOwner {
  /** Fencing token: strictly greater than every earlier holder's. */
  token: number;
  pid: number;
  /** Start time of the owner process (/proc/<pid>/stat field 22), to detect pid reuse. */
  procStart: string | null;
  host: string;
  startedAt: string;
  planId: string | null;
  purpose: string;
}

export class LockHeldError extends Error {
  override name = 'LockHeldError';
  readonly hint: string;
  constructor(
    readonly owner: LockOwner | null,
    waitedMs: number,
    /** `limit`: waited `waitMs` for a live holder; `stuck`: the live holder stopped refreshing the lock. */
    readonly reason: 'limit' | 'stuck' = 'limit',
    quietMs = 0,
  ) {
    super(
      reason === 'stuck' && owner
        ? `gave up waiting for the apply lock: ${stuckText(applyHolder(owner), quietMs)}`
        : (owner ? `another apply holds the lock: ${describeOwner(owner)}` : 'another apply holds the lock (its owner is not readable yet)') +
            (waitedMs >= 100 ? `; waited ${(waitedMs / 1000).toFixed(1)} s` : ''),
    );
    this.hint =
      reason === 'stuck' && owner
        ? `if pid ${owner.pid} is stuck, stop it (kill ${owner.pid}); the next apply then settles what it left`
        : 'wait for it to finish; if that process is gone for good, run `claude unlock --force <token>`';
  }
}

/** Thrown by assertHeld when the lock was broken or taken over: the holder must stop. */
export class LockLostError extends Error {
  override name = 'LockLostError';
}

export function describeOwner(o: LockOwner): string {
  return `token ${o.token}, pid ${o.pid} on ${o.host}, ${o.purpose}${o.planId ? ` ${o.planId}` : ''}, since ${o.startedAt}`;
}

/** The holder as a waiter is told of it: `apply plan-…, token 12`. */
function applyHolder(o: LockOwner): LockHolder {
  return { pid: o.pid, host: o.host, since: o.startedAt, purpose: `${o.purpose}${o.planId ? ` ${o.planId}` : ''}, token ${o.token}` };
}

function readLockFile(path: string): LockOwner | null {
  try {
    const o = JSON.parse(readFileSync(path, 'utf8')) as LockOwner;
    return typeof o.token === 'number' && typeof o.pid === 'number' ? o : null;
  } catch {
    return null;
  }
}

export function readLock(dataDir: string): LockOwner | null {
  return readLockFile(join(dataDir, LOCK_FILE));
}

/**
 * The last fencing token handed out. `lock.token` normally says; when it is missing, empty
 * or damaged (a crash, a full disk), the counter is rebuilt from what else carries tokens
 * (the lock file's owner and every `apply.started` record of the journals), so it never
 * goes back to a value an earlier holder had.
 */
export function readToken(dataDir: string): number {
  let text: string | null = null;
  try {
    text = readFileSync(join(dataDir, TOKEN_FILE), 'utf8').trim();
  } catch {
    text = null;
  }
  // the owner's JSON (the lock file it was taken with), or a plain number (before session 24)
  let n = text === null || text === '' ? NaN : Number(text);
  if (text?.startsWith('{')) {
    try {
      n = (JSON.parse(text) as { token?: unknown }).token as number;
    } catch {
      n = NaN;
    }
  }
  if (Number.isSafeInteger(n) && n >= 0) return n;
  return Math.max(0, readLock(dataDir)?.token ?? 0, journalTokens(dataDir));
}

/**
 * The last fencing token handed out when nobody holds the apply lock now, else null. A holder
 * that takes the lock later gets a greater token, so an acquisition that returns exactly
 * this + 1 proves nobody held the lock in between: whatever was read after this call (the
 * journal, the needs-attention marker, an observation of the system) is still what a reader
 * under the lock would have seen (runtime/apply.ts reads them before the lock and keeps them).
 */
export function tokenIfFree(dataDir: string): number | null {
  const token = readToken(dataDir);
  return existsSync(join(dataDir, LOCK_FILE)) ? null : token;
}

/** The highest token an `apply.started` record names, over the journal and its rotated parts. */
function journalTokens(dataDir: string): number {
  const dir = join(dataDir, 'journal');
  let max = 0;
  let files: string[] = [];
  try {
    files = readdirSync(dir).filter((f) => /^apply\.jsonl(\.\d+)?$/.test(f));
  } catch {
    return 0;
  }
  for (const f of files) {
    let text = '';
    try {
      text = readFileSync(join(dir, f), 'utf8');
    } catch {
      continue;
    }
    for (const m of text.matchAll(/"t":"apply\.started"[^\n]*?"token":(\d+)/g)) max = Math.max(max, Number(m[1]));
  }
  return max;
}

/** Temp and aside files of the lock (`apply.lock.<pid>.<hex>.tmp|.stale`) whose process is gone: removed. */
function removeLeftovers(dataDir: string): void {
  let names: string[] = [];
  try {
    names = readdirSync(dataDir);
  } catch {
    return;
  }
  for (const f of names) {
    const m = /^\.?apply\.lock\.(\d+)\.[0-9a-f]{8}\.(?:tmp|stale)(?:\.\d+\.[0-9a-f]{8}\.tmp)?$/.exec(f);
    if (!m || Number(m[1]) === process.pid || pidAlive(Number(m[1]))) continue;
    try {
      unlinkSync(join(dataDir, f));
    } catch {
      /* gone */
    }
  }
}

export interface ApplyLock {
  readonly owner: LockOwner;
  readonly dataDir: string;
  /** Throws LockLostError unless the lock file still names this holder's token. */
  assertHeld(): void;
  release(): void;
}

export interface AcquireOptions {
  planId?: string | null;
  purpose?: string;
  /** How long to wait for a live holder (ms); 0 refuses at once. */
  waitMs?: number;
  now?: () => Date;
  /** Called once per holder, after `noticeAfterMs`, while this one waits. Default: pidlock's line on stderr. */
  onWait?: (w: LockWait) => void;
  /** Default 3 s (pidlock's). */
  noticeAfterMs?: number;
  /** While held, the lock file's mtime is refreshed this often (ms). Default 10 s. */
  heartbeatMs?: number;
  /** A waiter gives up on a live holder whose lock was not refreshed for this long (ms). Default 2 min. */
  freshMs?: number;
}

/** The owner's temp file, linked into place: its path (acquireApplyLock renames it over lock.token), or null when the lock exists. */
function tryLink(lockPath: string, owner: LockOwner): string | null {
  const tmp = `${lockPath}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  // Whole and fsynced before it is linked into place; the link is made durable by the
  // directory fsync right after, with the rename of this same file over lock.token
  // (acquireApplyLock: the same directory). Until session 22 the temp file went through
  // writeFileAtomic, whose rename and directory fsync made a name that is unlinked at once
  // durable; until session 24 the token had a file of its own, fsynced after this one.
  writeNewFileSynced(tmp, JSON.stringify(owner) + '\n', 0o600);
  try {
    linkSync(tmp, lockPath);
    return tmp;
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      /* gone */
    }
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return null;
    throw e;
  }
}

/** Takes the apply lock, breaking a dead owner's lock; waits up to `waitMs` for a live one that keeps its lock fresh. */
export async function acquireApplyLock(dataDir: string, opts: AcquireOptions = {}): Promise<ApplyLock> {
  const lockPath = join(dataDir, LOCK_FILE);
  const now = opts.now ?? (() => new Date());
  removeLeftovers(dataDir);
  let owner: LockOwner | null = null;
  let linked: string | null = null;
  const file: LockFile<LockOwner> = {
    path: lockPath,
    take() {
      owner = {
        token: readToken(dataDir) + 1,
        pid: process.pid,
        procStart: procStartTime(process.pid),
        host: hostname(),
        startedAt: now().toISOString(),
        planId: opts.planId ?? null,
        purpose: opts.purpose ?? 'apply',
      };
      linked = tryLink(lockPath, owner);
      return linked !== null;
    },
    read: readLockFile,
    // An unreadable apply lock is never broken by a waiter: it is written whole before it is linked into place.
    stale: (seen) => seen !== null && ownerDead(seen),
    same: (a, b) => a !== null && a.token === b.token,
    holder: applyHolder,
  };
  const giveUp = (g: GaveUp<LockOwner>) => new LockHeldError(g.owner, g.waitedMs, g.reason, g.quietMs);
  await waitForLock(file, { timeoutMs: opts.waitMs ?? 0, pollMs: 50, ...pick(opts) }, giveUp);
  const taken = owner!;
  try {
    // The owner's file is lock.token too: one directory fsync makes the link and the token durable.
    failpoint('fs.rename', join(dataDir, TOKEN_FILE));
    renameSync(linked!, join(dataDir, TOKEN_FILE));
    fsyncDir(dataDir);
  } catch (e) {
    if (e instanceof SimulatedCrash) throw e; // a dead process cleans nothing up
    // Not taken after all (a full disk, say): never leave a lock nobody will release.
    for (const f of [lockPath, linked!]) {
      try {
        unlinkSync(f);
      } catch {
        /* gone */
      }
    }
    throw e;
  }
  return makeHandle(dataDir, taken, opts.heartbeatMs ?? LOCK_HEARTBEAT_MS);
}

const pick = (o: AcquireOptions) => ({
  ...(o.onWait ? { onWait: o.onWait } : {}),
  ...(o.noticeAfterMs !== undefined ? { noticeAfterMs: o.noticeAfterMs } : {}),
  ...(o.freshMs !== undefined ? { freshMs: o.freshMs } : {}),
});

function makeHandle(dataDir: string, owner: LockOwner, heartbeatMs: number): ApplyLock {
  let released = false;
  const stop = keepFresh(join(dataDir, LOCK_FILE), () => readLock(dataDir)?.token === owner.token, heartbeatMs);
  return {
    owner,
    dataDir,
    assertHeld() {
      const cur = readLock(dataDir);
      if (!cur || cur.token !== owner.token) {
        throw new LockLostError(`the apply lock was taken away (held: ${cur ? describeOwner(cur) : 'nobody'}; ours: token ${owner.token}); stopping`);
      }
    },
    release() {
      if (released) return;
      released = true;
      stop();
      const cur = readLock(dataDir);
      if (cur && cur.token === owner.token) {
        try {
          unlinkSync(join(dataDir, LOCK_FILE));
        } catch {
          /* gone */
        }
      }
    },
  };
}

/**
 * `claude unlock --force ID`: removes the lock when ID is its token or its plan id. Returns
 * the owner that was removed. The fencing token makes the removed holder stop at its next
 * journal write if it was still alive.
 */
export function forceUnlock(dataDir: string, id: string): LockOwner {
  const cur = readLock(dataDir);
  if (!cur) {
    if (existsSync(join(dataDir, LOCK_FILE))) {
      unlinkSync(join(dataDir, LOCK_FILE));
      return { token: 0, pid: 0, procStart: null, host: '?', startedAt: '?', planId: null, purpose: 'unreadable lock' };
    }
    throw new Error(`no apply lock is held (${join(dataDir, LOCK_FILE)} does not exist)`);
  }
  if (String(cur.token) !== id && cur.planId !== id) {
    throw new Error(`the lock is held by ${describeOwner(cur)}; '${id}' matches neither its token nor its plan id`);
  }
  unlinkSync(join(dataDir, LOCK_FILE));
  return cur;
}
