/**
 * `claude recover --repair-state`: checks the state repository (runtime/state/repo.ts
 * `inspectStateRepo`, all of history), makes the repairs that are safe (stale lock files:
 * `repairStateRepo`), and reports what it repaired and what is left, with the manual steps
 * for what is left (`repairHint`, the same text as docs/state-and-audit.md). It never
 * rewrites history. Exit 0 when the repository is healthy afterwards, 1 otherwise.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT, println, type CommandContext } from './context.js';
import { inspectStateRepo, repairHint, repairStateRepo, type StateRepoProblem } from '../runtime/state/repo.js';

export interface RepairStateReport {
  stateDir: string;
  /** False when the state dir has no `.git` yet (nothing to check; the first apply creates it). */
  exists: boolean;
  repaired: StateRepoProblem[];
  remaining: StateRepoProblem[];
  healthy: boolean;
  /** The manual steps for what remains ('' when nothing does). */
  hint: string;
}

export async function repairState(stateDir: string): Promise<RepairStateReport> {
  const exists = existsSync(join(stateDir, '.git'));
  if (!exists) return { stateDir, exists, repaired: [], remaining: [], healthy: true, hint: '' };
  const { repaired } = await repairStateRepo(stateDir, { deep: true });
  // Look again after the repairs: what is left is what a human has to fix.
  const remaining = await inspectStateRepo(stateDir, { deep: true });
  return { stateDir, exists, repaired, remaining, healthy: remaining.length === 0, hint: remaining.length ? repairHint(stateDir, remaining) : '' };
}

export function renderRepairState(r: RepairStateReport): string[] {
  const gitdir = join(r.stateDir, '.git');
  if (!r.exists) return [`No state repository at ${gitdir} yet (the first apply creates it): nothing to repair.`];
  const lines: string[] = [];
  for (const p of r.repaired) lines.push(`✓ removed ${p.path}: ${p.detail}`);
  for (const p of r.remaining) lines.push(`✗ ${p.path}: ${p.detail}`);
  if (r.healthy) lines.push(r.repaired.length ? `The state repository ${gitdir} is healthy again.` : `The state repository ${gitdir} is healthy: nothing to repair.`);
  else lines.push(`The state repository ${gitdir} still needs a repair by hand (${r.remaining.length} problem${r.remaining.length === 1 ? '' : 's'}):`, ...r.hint.split('\n').map((l) => (l.startsWith('  ') ? l : `  ${l}`)));
  return lines;
}

export async function runRepairState(ctx: CommandContext, stateDir: string, json: boolean): Promise<number> {
  let r: RepairStateReport;
  try {
    r = await repairState(stateDir);
  } catch (e) {
    println(ctx.stderr, `claude recover --repair-state: ${(e as Error).message}`);
    return EXIT.FAILURE;
  }
  if (json) println(ctx.stdout, JSON.stringify(r, null, 2));
  else for (const l of renderRepairState(r)) println(ctx.stdout, l);
  return r.healthy ? EXIT.OK : EXIT.FAILURE;
}
