/**
 * The reconciler's back-off for an apply that keeps failing. A self-heal (or a hand edit)
 * whose apply fails and rolls back would be tried again at every pass: every 60 s, and at
 * once after the container events its own rollback causes. So after a failed apply the same
 * plan (`pendingKey`: its steps and desired files) is paused: tried again 1 min after the
 * first failure, then 2, 4, 8 … min, at most 1 h apart (manifest.yaml `spec.reconcile.backoff`
 * `first` and `max` change these; the compiler checks them). It is kept in
 * `<dataDir>/reconciler/paused.json`, which `claude status` and `GET /api/v1/status` show
 * (`Self-heal paused until …, 3 attempts failed: …`), so a restart of the daemon does not
 * start over.
 *
 * The pause ends when: the plan changes (the drift or the files changed), the system matches
 * the state files, or an apply succeeds (the reconciler's, or anyone's: the last applied plan
 * is no longer the one it was when the pause began). A person's `claude reconcile` tries at
 * once, during the pause (a failure counts on).
 * (docs/reconciler.md, "Repeated failures")
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { readJsonIf, writeFileAtomic } from '../../common/fsutil.js';
import { readAppliedRecord } from '../../runtime/state/applied.js';
import { doublingDelayMs } from '../backoff.js';

export const PAUSED_FILE = 'reconciler/paused.json';
/** The pause after the first failed apply of a plan; it doubles with each failure after it, up to PAUSE_MAX_MS. */
export const PAUSE_FIRST_MS = 60_000;
export const PAUSE_MAX_MS = 3_600_000;

export interface Paused {
  version: 1;
  /** What the plan does (pending.ts pendingKey): another plan is not paused. */
  key: string;
  /** A correction of drift (a self-heal) or a hand edit of the state files. */
  kind: 'drift' | 'edit';
  /** The last plan tried. */
  planId: string;
  /** Failed applies of this plan in a row. */
  attempts: number;
  /** Why the last one failed (the runtime's error and the step). */
  reason: string;
  /** The first failure, the last one, and when the next attempt may be made. */
  since: string;
  lastAt: string;
  until: string;
  /** The last applied plan (runtime/state/applied.ts) when the pause began: another one means an apply succeeded since. */
  appliedPlanId: string | null;
}

/** The back-off's two settings (manifest.yaml spec.reconcile.backoff, resolved by the compiler). */
export interface Backoff {
  firstMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: Backoff = { firstMs: PAUSE_FIRST_MS, maxMs: PAUSE_MAX_MS };

/** The wait after the n-th failed apply in a row. */
export function pauseMs(attempts: number, b: Backoff = DEFAULT_BACKOFF): number {
  return doublingDelayMs(attempts, b.firstMs, b.maxMs);
}

/** A wait as people say it: 1h, 90s, 2m30s. */
export function waitText(ms: number): string {
  const parts: string[] = [];
  let s = Math.round(ms / 1000);
  for (const [unit, size] of [['h', 3600], ['m', 60], ['s', 1]] as const) {
    if (s >= size) parts.push(`${Math.floor(s / size)}${unit}`);
    s %= size;
  }
  return parts.join('') || '0s';
}

export function readPaused(dataDir: string): Paused | null {
  return readJsonIf<Paused>(join(dataDir, PAUSED_FILE), (p) => p.version === 1 && typeof p.key === 'string' && typeof p.attempts === 'number' && typeof p.until === 'string');
}

/** The pause as `claude status` and the API show it: null once an apply succeeded since it began (the next pass ends it). */
export function currentPause(dataDir: string): Paused | null {
  const p = readPaused(dataDir);
  return p && p.appliedPlanId === (readAppliedRecord(dataDir)?.planId ?? null) ? p : null;
}

export function writePaused(dataDir: string, p: Paused): void {
  writeFileAtomic(join(dataDir, PAUSED_FILE), JSON.stringify(p, null, 2) + '\n', 0o600);
}

export function clearPaused(dataDir: string): void {
  rmSync(join(dataDir, PAUSED_FILE), { force: true });
}

/** One line for people: `self-heal paused until …, 3 attempts failed: <reason>`. */
export function pausedLine(p: Paused): string {
  return `${p.kind === 'drift' ? 'self-heal' : 'applying the hand edit'} paused until ${p.until}, ${p.attempts} attempt${p.attempts === 1 ? '' : 's'} failed: ${p.reason}`;
}
