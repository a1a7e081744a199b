/**
 * What the system looked like right after the last successful apply, so that `claude diff`
 * can say what drifted since (a container stopped by hand, the firewall table edited).
 *
 * `<dataDir>/last-applied.json` holds `{planId, stateCommit, appliedAt, fingerprints,
 * resources}`: the per-resource fingerprints of plan/fingerprint.ts (the same ones a plan's
 * base holds) and, per resource, the facts each fingerprint is made of, so a difference can
 * be described ("was running, now stopped") and not only detected. It is written by the
 * runtime's finalize phase (runtime/apply.ts), after the state commit, with a fresh
 * observation; it is advisory: failing to write it never fails an apply.
 *
 * Must not: decide anything (the planner and the runtime's base check do), or hold secrets
 * (facts are names, hashes, images and ports).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../common/fsutil.js';
import { diffFingerprints, resourceFingerprints } from '../../plan/fingerprint.js';
import type { ObservedState } from '../../plan/types.js';

export const LAST_APPLIED_FILE = 'last-applied.json';

/** The facts one resource's fingerprint is made of (kept in step with plan/fingerprint.ts). */
export type ResourceFacts = Record<string, string | number | boolean | null | string[]>;

export interface AppliedRecord {
  /** The plan whose apply (or completion by recovery) wrote this record. */
  planId: string;
  /** The state commit it made, or null when the apply had no state dir. */
  stateCommit: string | null;
  /** ISO 8601 UTC, from the runtime's clock. */
  appliedAt: string;
  /** resourceFingerprints() of the system observed right after the apply. */
  fingerprints: Record<string, string>;
  /** The same resources, as facts, for describing drift. */
  resources: Record<string, ResourceFacts>;
}

/** One resource that differs between the last apply and now. */
export interface Drift {
  key: string;
  change: 'added' | 'removed' | 'changed';
  /** One line, e.g. "container web-1: was running, now stopped (stopped outside Claude.OS)". */
  description: string;
  was: ResourceFacts | null;
  now: ResourceFacts | null;
}

/** The facts behind each fingerprint: same keys and same fields as resourceFingerprints(). */
export function resourceFacts(o: ObservedState): Record<string, ResourceFacts> {
  const out: Record<string, ResourceFacts> = {};
  for (const n of o.networks) {
    if (!n.managed) continue;
    out[`network/${n.name}`] = { driver: n.driver, internal: n.internal, subnet: n.subnet ?? null };
  }
  for (const v of o.volumes) out[`volume/${v.name}`] = { path: v.path, exists: v.exists, permissions: v.permissions ?? null, owner: v.owner ?? null };
  for (const c of o.containers) {
    if (!c.managed) continue;
    const ports = [...c.ports].map((p) => `${p.hostIp ?? ''}:${p.host ?? ''}:${p.container}/${p.protocol}`).sort();
    out[`container/${c.name}`] = { configHash: c.configHash ?? null, image: c.image, running: c.status === 'running' || c.status === 'restarting', status: c.status, ports };
  }
  if (o.firewall.present) out['firewall/inet-claude'] = { hash: o.firewall.hash };
  if (o.hostFilesHash) out['host/files'] = { hash: o.hostFilesHash, files: Object.keys(o.hostFiles ?? {}).sort() };
  if (o.scheduleHash) out['schedule/jobs'] = { hash: o.scheduleHash };
  return Object.fromEntries(Object.keys(out).sort().map((k) => [k, out[k]!]));
}

/** The record for an observation made right after an apply. */
export function appliedRecordOf(observed: ObservedState, info: { planId: string; stateCommit: string | null; appliedAt: Date }): AppliedRecord {
  return {
    planId: info.planId,
    stateCommit: info.stateCommit,
    appliedAt: info.appliedAt.toISOString(),
    fingerprints: resourceFingerprints(observed),
    resources: resourceFacts(observed),
  };
}

export function writeAppliedRecord(dataDir: string, rec: AppliedRecord): void {
  writeFileAtomic(join(dataDir, LAST_APPLIED_FILE), JSON.stringify(rec, null, 2) + '\n', 0o600);
}

/** The last record, or null when nothing was applied yet (or the file is unreadable). */
export function readAppliedRecord(dataDir: string): AppliedRecord | null {
  const f = join(dataDir, LAST_APPLIED_FILE);
  if (!existsSync(f)) return null;
  try {
    const r = JSON.parse(readFileSync(f, 'utf8')) as AppliedRecord;
    return r && typeof r.fingerprints === 'object' && typeof r.planId === 'string' ? r : null;
  } catch {
    return null;
  }
}

/**
 * Called by the runtime at the end of a successful apply: observes the system and records it.
 * Never throws (the apply has succeeded; a missing record only makes `claude diff` say so).
 * Returns the problem, if any, for the caller's warnings.
 */
export async function recordApplied(
  engine: { observe(): Promise<ObservedState> },
  dataDir: string,
  info: { planId: string; stateCommit: string | null; now: () => Date },
): Promise<string | null> {
  try {
    const observed = await engine.observe();
    writeAppliedRecord(dataDir, appliedRecordOf(observed, { planId: info.planId, stateCommit: info.stateCommit, appliedAt: info.now() }));
    return null;
  } catch (e) {
    return `could not record the applied state for \`claude diff\`: ${(e as Error)?.message ?? String(e)}`;
  }
}

function kindAndName(key: string): [string, string] {
  const i = key.indexOf('/');
  return [key.slice(0, i), key.slice(i + 1)];
}

function describeChange(key: string, was: ResourceFacts | null, now: ResourceFacts | null): string {
  const [kind, name] = kindAndName(key);
  const label = kind === 'firewall' ? 'firewall table inet claude' : kind === 'host' ? 'host files' : kind === 'schedule' ? 'scheduled jobs' : `${kind} ${name}`;
  if (!was) return `${label}: appeared since the last apply (not created by it)`;
  if (!now) {
    if (kind === 'container') return `${label}: removed outside Claude.OS (it was ${was.running ? 'running' : 'stopped'})`;
    if (kind === 'firewall') return `${label}: deleted outside Claude.OS`;
    return `${label}: removed outside Claude.OS`;
  }
  const parts: string[] = [];
  if (kind === 'container') {
    if (was.running !== now.running) parts.push(was.running ? `was running, now ${String(now.status ?? 'stopped')} (stopped outside Claude.OS)` : 'was stopped, now running (started outside Claude.OS)');
    if (was.configHash !== now.configHash) parts.push('recreated with a different configuration');
    if (was.image !== now.image) parts.push(`image ${String(was.image)} → ${String(now.image)}`);
    if (JSON.stringify(was.ports) !== JSON.stringify(now.ports)) parts.push('published ports changed');
  } else if (kind === 'firewall') {
    parts.push('the ruleset was edited outside Claude.OS');
  } else if (kind === 'host') {
    parts.push('edited outside Claude.OS');
  } else if (kind === 'volume') {
    if (was.exists !== now.exists) parts.push(now.exists ? 'its directory came back' : 'its directory is gone');
    if (was.permissions !== now.permissions) parts.push(`permissions ${String(was.permissions)} → ${String(now.permissions)}`);
    if (was.owner !== now.owner) parts.push(`owner ${String(was.owner)} → ${String(now.owner)}`);
  } else if (kind === 'network') {
    parts.push('recreated with different settings');
  }
  return `${label}: ${parts.length ? parts.join('; ') : 'changed outside Claude.OS'}`;
}

/** What differs between the record and a fresh observation, sorted by resource key. */
export function driftSince(rec: AppliedRecord, observed: ObservedState): Drift[] {
  const facts = resourceFacts(observed);
  return diffFingerprints(rec.fingerprints, resourceFingerprints(observed)).map((c) => {
    const was = rec.resources[c.key] ?? null;
    const now = facts[c.key] ?? null;
    return { key: c.key, change: c.change, description: describeChange(c.key, c.change === 'added' ? null : was, now), was, now };
  });
}
