/**
 * The apply lock: one apply (or recover) at a time on this host.
 *
 * `<dataDir>/apply.lock` holds the owner: `{token, pid, procStart, host, startedAt, planId,
 * purpose}`. It is created atomically (a fully written temp file hard-linked into place, so a
 * reader never sees a half-written owner). `token` is a fencing token: a counter persisted in
 * `<dataDir>/lock.token` that grows by one with every acquisition, so a holder whose lock was
 * broken can tell (`assertHeld`) and must stop writing.
 *
 * A lock whose owner is dead (same host; the pid is gone, or the pid now belongs to another
 * process, told by its start time in /proc) is broken safely: renamed aside first (only one
 * breaker wins), and linked back if what was renamed turns out not to be the dead owner's.
 * `claude unlock --force ID` removes a lock by its token or plan id when the operator knows
 * better.
 */
import { existsSync, linkSync, readdirSync, readFileSync, renameSync, unlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { writeFileAtomic } from '../common/fsutil.js';
import { pidAlive, procStartTime } from './pidlock.js';

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
  constructor(readonly owner: LockOwner | null, waitedMs: number) {
    super(
      (owner
        ? `another apply holds the lock: ${describeOwner(owner)}`
        : 'another apply holds the lock (its owner is not readable yet)') +
        (waitedMs >= 100 ? `; waited ${(waitedMs / 1000).toFixed(1)} s` : ''),
    );
  }
  readonly hint = 'wait for it to finish; if that process is gone for good, run `claude unlock --force <token>`';
}

/** Thrown by assertHeld when the lock was broken or taken over: the holder must stop. */
export class LockLostError extends Error {
  override name = 'LockLostError';
}

export function describeOwner(o: LockOwner): string {
  return `token ${o.token}, pid ${o.pid} on ${o.host}, ${o.purpose}${o.planId ? ` ${o.planId}` : ''}, since ${o.startedAt}`;
}

/** True when the owner is known to be gone: same host, and its pid is dead or reused. */
export function ownerIsDead(o: LockOwner): boolean {
  if (o.host !== hostname()) return false;
  if (!pidAlive(o.pid)) return true;
  const start = procStartTime(o.pid);
  return o.procStart !== null && start !== null && start !== o.procStart;
}

export function readLock(dataDir: string): LockOwner | null {
  try {
    const o = JSON.parse(readFileSync(join(dataDir, LOCK_FILE), 'utf8')) as LockOwner;
    return typeof o.token === 'number' && typeof o.pid === 'number' ? o : null;
  } catch {
    return null;
  }
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
  const n = text === null || text === '' ? NaN : Number(text);
  if (Number.isSafeInteger(n) && n >= 0) return n;
  return Math.max(0, readLock(dataDir)?.token ?? 0, journalTokens(dataDir));
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
  /** Called once when the lock is busy and we start waiting. */
  onWait?: (owner: LockOwner | null) => void;
}

function tryLink(lockPath: string, owner: LockOwner): boolean {
  const tmp = `${lockPath}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileAtomic(tmp, JSON.stringify(owner) + '\n', 0o600);
  try {
    linkSync(tmp, lockPath);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  } finally {
    try {
      unlinkSync(tmp);
    } catch {
      /* gone */
    }
  }
}

function breakDead(lockPath: string, seen: LockOwner): void {
  const aside = `${lockPath}.${process.pid}.${randomBytes(4).toString('hex')}.stale`;
  try {
    renameSync(lockPath, aside);
  } catch {
    return; // someone else broke or released it
  }
  let now: LockOwner | null = null;
  try {
    now = JSON.parse(readFileSync(aside, 'utf8')) as LockOwner;
  } catch {
    now = null;
  }
  if (!now || now.token !== seen.token) {
    try {
      linkSync(aside, lockPath); // not the dead owner's file: put it back
    } catch {
      /* re-created meanwhile */
    }
  }
  try {
    unlinkSync(aside);
  } catch {
    /* gone */
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Takes the apply lock, breaking a dead owner's lock; waits up to `waitMs` for a live one. */
export async function acquireApplyLock(dataDir: string, opts: AcquireOptions = {}): Promise<ApplyLock> {
  const lockPath = join(dataDir, LOCK_FILE);
  const now = opts.now ?? (() => new Date());
  removeLeftovers(dataDir);
  const t0 = Date.now();
  const waitMs = opts.waitMs ?? 0;
  let announced = false;
  for (;;) {
    const owner: LockOwner = {
      token: readToken(dataDir) + 1,
      pid: process.pid,
      procStart: procStartTime(process.pid),
      host: hostname(),
      startedAt: now().toISOString(),
      planId: opts.planId ?? null,
      purpose: opts.purpose ?? 'apply',
    };
    if (tryLink(lockPath, owner)) {
      try {
        writeFileAtomic(join(dataDir, TOKEN_FILE), `${owner.token}\n`, 0o600);
      } catch (e) {
        // Not taken after all (a full disk, say): never leave a lock nobody will release.
        try {
          unlinkSync(lockPath);
        } catch {
          /* gone */
        }
        throw e;
      }
      return makeHandle(dataDir, owner);
    }
    const seen = readLock(dataDir);
    if (seen && ownerIsDead(seen)) {
      breakDead(lockPath, seen);
      continue;
    }
    const waited = Date.now() - t0;
    if (waited >= waitMs) throw new LockHeldError(seen, waited);
    if (!announced) {
      announced = true;
      opts.onWait?.(seen);
    }
    await sleep(Math.min(50 + Math.floor(Math.random() * 50), Math.max(1, waitMs - waited)));
  }
}

function makeHandle(dataDir: string, owner: LockOwner): ApplyLock {
  let released = false;
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
