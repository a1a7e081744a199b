/**
 * The pending plan: a signed plan the reconciler made and may not apply on its own (policy.ts
 * says queue), kept in `<dataDir>/reconciler/pending.json` until someone approves it
 * (`claude apply` with no argument, or the API) or a newer pass supersedes it. There is at
 * most one: the reconciler is level-based, so the newest plan always describes everything
 * that differs, and an older one is stale by then.
 *
 * `key` identifies what the plan would do (its steps and desired files, not its id, nonce or
 * times), so a pass that plans the same change again keeps the existing entry (and does not
 * notify again) instead of superseding it.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalJson, sha256Hex } from '../../common/canonical.js';
import { readJsonIf, writeFileAtomic } from '../../common/fsutil.js';
import type { PlanPayload } from '../../plan/types.js';

export const PENDING_FILE = 'reconciler/pending.json';

export interface PendingPlan {
  version: 1;
  /** What the plan would do (pendingKey). */
  key: string;
  planId: string;
  /** The signed plan (DSSE envelope text), applied as it is on approval. */
  envelopeText: string;
  /** A change of the state files (`edit`) or a correction of drift (`drift`). */
  kind: 'edit' | 'drift';
  /** Why it was queued (policy.ts), for people. */
  reason: string;
  /** The policy rule that queued it (E1, D3, R, …). */
  rule: string;
  /** State files that differ from the last commit. */
  changedFiles: string[];
  /** One line per step (its description). */
  steps: string[];
  /** Drift found, one line per resource (kind `drift`). */
  drift?: string[];
  createdAt: string;
  expiresAt: string;
}

/** What a plan would do, independent of its id, nonce and times. */
export function pendingKey(payload: Pick<PlanPayload, 'steps' | 'desired'>): string {
  return sha256Hex(canonicalJson({ steps: payload.steps.map((s) => ({ id: s.id, op: s.op, target: s.target, params: s.params })), desired: payload.desired }));
}

export function readPending(dataDir: string): PendingPlan | null {
  return readJsonIf<PendingPlan>(join(dataDir, PENDING_FILE), (p) => p.version === 1 && typeof p.envelopeText === 'string' && typeof p.planId === 'string');
}

/** Stores `p` as the pending plan (replacing any); returns the plan it superseded, if any. */
export function writePending(dataDir: string, p: PendingPlan): PendingPlan | null {
  const old = readPending(dataDir);
  writeFileAtomic(join(dataDir, PENDING_FILE), JSON.stringify(p, null, 2) + '\n', 0o600);
  return old && old.planId !== p.planId ? old : null;
}

/** Removes the pending plan when it is `planId` (or any, without an id); returns whether one was removed. */
export function clearPending(dataDir: string, planId?: string): boolean {
  const old = readPending(dataDir);
  if (!old || (planId !== undefined && old.planId !== planId)) return false;
  rmSync(join(dataDir, PENDING_FILE), { force: true });
  return true;
}
