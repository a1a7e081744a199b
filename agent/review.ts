/**
 * The review of a plan on this host (plan/review.ts planReview) with its "old" side read
 * from the state repo: the state files at the plan's base commit, i.e. what was last
 * applied. The CLI's proposed-changes box and the API's plan view both use it, so they show
 * the same fields old → new.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { planReview, type ParsedOf, type PlanReview } from '../plan/review.js';
import type { PlanPayload } from '../plan/types.js';

/** The state files at `commit` in the state repo ({} without a commit, a repo or that commit: everything is new). */
export async function baseFilesAt(stateDir: string, commit: string | null, now: () => Date = () => new Date()): Promise<Record<string, string>> {
  if (!commit || !existsSync(join(stateDir, '.git'))) return {};
  const { openStateRepo } = await import('../runtime/state/repo.js');
  try {
    const repo = await openStateRepo(stateDir, { now, create: false });
    return await repo.filesAt(commit);
  } catch {
    return {}; // a damaged repo or a commit it no longer has: the review shows everything as new
  }
}

/** The review of `payload` against the state files at its base commit (`parsedOf`: plan/review.ts planReview). */
export async function reviewOnHost(stateDir: string, payload: Pick<PlanPayload, 'desired' | 'steps' | 'summary' | 'display' | 'base'>, now?: () => Date, parsedOf?: ParsedOf): Promise<PlanReview> {
  return planReview(payload, await baseFilesAt(stateDir, payload.base.stateCommit, now), parsedOf);
}
