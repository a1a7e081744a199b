/**
 * The order of the start calls on Docker: the slowest gate's start goes first.
 *
 * Why: dockerd's `start` is the slow call of a stack on Docker (the task's creation: the shim
 * and `runc create`, the network sandbox; ≈ 0.4 s quiet with two at once). Two start calls
 * sent together share the two cores, so each returns late: the Engine API called directly
 * (docs/runtime.md "The stack on Docker, session 28"), postgres's start call returned in
 * 1,212 ms beside redis's and 727 ms alone, and postgres was ready 177 ms sooner with redis's
 * call sent after postgres's had returned (load 10; at load 16–20, the cores saturated, redis's
 * start then takes the same CPU from postgres's start-up and the order gains nothing). In the
 * bench, 18 stacks each in the same rounds at load 15–22: 0.86× the build before (geometric mean
 * of 0.725×, 1.052×, 0.823×). What a dependent service (web) waits for is
 * its slowest gate's readiness: the start call plus the start-up of the gate that takes longest.
 * Its start going first, alone, and the other gates' starts after its call has returned (their
 * short start-ups still end before it) shortens that path; it lengthens it when the one sent
 * first is not the slowest, so the order is taken only from what this host has seen.
 *
 * The record: `<data dir>/startup.json`, each image's last start-up (ms from its start call's
 * return to ready, the `readyMs` of a successful `container.start`), written after an apply
 * succeeded (a hint: not fsynced, a damaged file is ignored). The lead: the gate (a start step
 * another start step waits for) whose image's record is the longest; every other start step of
 * a container whose image's record is at least LEAD_MIN_MS shorter (and that is not one the
 * lead waits for) sends its start call once the lead's has returned. Nothing recorded, or no
 * clear slowest, and every start goes as it comes (as before). Only on an engine whose start
 * call is the slow part (`holdStart`: Docker; containerd creates the task at create and starts
 * it in ≈ 30 ms).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ContainerSpec, PlanStep } from '../plan/types.js';
import type { Engine } from './engine.js';

/** The record of each image's last start-up, in the data dir. */
export const STARTUP_RECORD = 'startup.json';
/** How much longer (ms) the lead's recorded start-up must be than a start's for that start to go after the lead's call. */
export const LEAD_MIN_MS = 150;

/** image → ms from its start call's return to ready, the last time this host started it; {} when there is no readable record. */
export function readStartupRecord(dataDir: string): Record<string, number> {
  try {
    const rec = JSON.parse(readFileSync(join(dataDir, STARTUP_RECORD), 'utf8')) as { images?: Record<string, unknown> };
    const out: Record<string, number> = {};
    for (const [image, ms] of Object.entries(rec.images ?? {})) if (typeof ms === 'number' && Number.isFinite(ms) && ms >= 0) out[image] = ms;
    return out;
  } catch {
    return {};
  }
}

/** Adds `seen` (image → start-up ms) to the record; a failure to write is ignored (a hint only). */
export function writeStartupRecord(dataDir: string, seen: Record<string, number>): void {
  if (!Object.keys(seen).length) return;
  try {
    const images = { ...readStartupRecord(dataDir), ...seen };
    writeFileSync(join(dataDir, STARTUP_RECORD), JSON.stringify({ images }, null, 2) + '\n');
  } catch {
    /* a hint only: the next apply starts everything as it comes */
  }
}

/**
 * The lead start step and the start steps that send their start call after the lead's has
 * returned (see the header), or null.
 */
export function startLead(
  steps: readonly PlanStep[],
  specs: ReadonlyMap<string, Pick<ContainerSpec, 'image'>>,
  record: Readonly<Record<string, number>>,
  engine: Pick<Engine, 'holdStart'>,
): { lead: string; after: Set<string> } | null {
  if (!engine.holdStart) return null;
  const starts = steps.filter((s): s is Extract<PlanStep, { op: 'container.start' }> => s.op === 'container.start');
  if (starts.length < 2) return null;
  const recorded = (s: Extract<PlanStep, { op: 'container.start' }>) => {
    const image = specs.get(s.params.name)?.image;
    return image !== undefined && Object.hasOwn(record, image) ? record[image]! : undefined;
  };
  const startIds = new Set(starts.map((s) => s.id));
  const gates = new Set(starts.flatMap((s) => s.dependsOn.filter((d) => startIds.has(d))));
  let lead: { id: string; ms: number } | null = null;
  for (const s of starts) {
    const ms = recorded(s);
    if (gates.has(s.id) && ms !== undefined && (lead === null || ms > lead.ms)) lead = { id: s.id, ms };
  }
  if (lead === null) return null;
  // what the lead waits for, however far back: those must not wait for it
  const byId = new Map(steps.map((s) => [s.id, s]));
  const before = new Set<string>();
  const walk = [lead.id];
  while (walk.length) {
    for (const d of byId.get(walk.pop()!)?.dependsOn ?? []) {
      if (before.has(d)) continue;
      before.add(d);
      walk.push(d);
    }
  }
  const after = new Set<string>();
  for (const s of starts) {
    const ms = recorded(s);
    if (s.id !== lead.id && !before.has(s.id) && !s.dependsOn.includes(lead.id) && ms !== undefined && ms <= lead.ms - LEAD_MIN_MS) after.add(s.id);
  }
  return after.size ? { lead: lead.id, after } : null;
}
