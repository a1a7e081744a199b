/**
 * The records the runtime keeps in the data dir about what it applied, and the hashes that
 * the planner (from the desired state) and the observer (from the system) both compute, so
 * that "nothing changed" means equal strings on both sides.
 *
 * Records (all JSON, written by the runtime's drivers after a step succeeds, read by the
 * observer in runtime/observe/snapshot.ts):
 *
 *   <dataDir>/volumes.json     { "volumes": { "<name>": { "path": "/data/x", "permissions"?: "0700", "owner"?: "999" } } }
 *   <dataDir>/host-files.json  { "files": { "/etc/hostname": "0644", ... } }        path → mode written
 *   <dataDir>/schedule.json    { "jobs": JobSpec[] }                                 exactly a schedule.apply step's params.jobs
 *   <dataDir>/firewall.json    { "rulesetHash": "<sha256 of the nft -f text loaded>", "tableHash": "<NftDriver.observe().hash right after loading>" }
 *   <dataDir>/mounts.json      { "mounts": { "/data": MountSpec } }                  logical target → the mount.apply step's params.mount
 *   <dataDir>/container-limits.json { "containers": { "<name>": { "id": "<container id>", "configHash": "<the spec's>" } } }
 *                              a container whose limits were changed in place (docker update): its label still
 *                              carries the config hash it was created with; the observer reports this one while the id matches
 *
 * This module only defines formats and hashes; it does no I/O.
 */
import { hashCanonical } from '../common/canonical.js';
import type { JobSpec, MountSpec } from './types.js';

export const VOLUMES_RECORD = 'volumes.json';
export const HOST_FILES_RECORD = 'host-files.json';
export const SCHEDULE_RECORD = 'schedule.json';
export const FIREWALL_RECORD = 'firewall.json';
export const MOUNTS_RECORD = 'mounts.json';
export const LIMITS_RECORD = 'container-limits.json';

export interface VolumesRecord {
  volumes: Record<string, { path: string; permissions?: string; owner?: string }>;
}
export interface HostFilesRecord {
  files: Record<string, string>;
}
export interface ScheduleRecord {
  jobs: JobSpec[];
}
export interface MountsRecord {
  mounts: Record<string, MountSpec>;
}
export interface LimitsRecord {
  containers: Record<string, { id: string; configHash: string }>;
}
export interface FirewallRecord {
  rulesetHash: string;
  tableHash: string;
}

/** "700" → "0700"; "0644" stays. */
export function normalizeMode(mode: string): string {
  return mode.length === 3 ? '0' + mode : mode;
}

/** Digest of one host file: its exact content and its mode (e.g. "0600"). */
export function hostFileDigest(content: string | Uint8Array, mode: string): string {
  const text = typeof content === 'string' ? content : Buffer.from(content).toString('utf8');
  return hashCanonical({ content: text, mode: normalizeMode(mode) });
}

/** Hash of the host files map (path → digest); null when there are none. */
export function hostFilesHash(digests: Record<string, string>): string | null {
  return Object.keys(digests).length === 0 ? null : hashCanonical(digests);
}

/** Hash of a schedule table (the jobs in the order given; the planner sorts them by name); null when empty. */
export function scheduleHash(jobs: readonly JobSpec[]): string | null {
  return jobs.length === 0 ? null : hashCanonical(jobs);
}

/**
 * What the observer reports as the firewall hash. The planner compares it with the sha256 of
 * the ruleset text it would load, while nft can only show the live table. The runtime records
 * both right after loading; when the live table still hashes to the recorded tableHash, the
 * table is exactly what that ruleset made, and its rulesetHash is reported. Otherwise (edited
 * by hand, or never loaded by Claude.OS) the live table hash is reported, which matches no
 * ruleset, so the planner re-applies the firewall.
 */
export function firewallObservedHash(liveTableHash: string | null, record: FirewallRecord | null): string | null {
  if (liveTableHash === null) return null;
  if (record && record.tableHash === liveTableHash) return record.rulesetHash;
  return liveTableHash;
}

/** The marker lines around the block of CLAUDE_ROOT/etc/fstab that Claude.OS owns (docs/storage.md). */
export const FSTAB_BEGIN = '# BEGIN Claude.OS mounts (storage.yaml): edits inside this block are overwritten';
export const FSTAB_END = '# END Claude.OS mounts';

/** The fstab(5) line of a mount: the source as written, the logical target, type, options, no dump, fsck pass 2 (0 for xfs and btrfs, which fsck at boot does not check). */
export function fstabLine(m: Pick<MountSpec, 'source' | 'target' | 'type' | 'options'>): string {
  const esc = (s: string) => s.replace(/[\\ \t\n]/g, (c) => '\\' + c.charCodeAt(0).toString(8).padStart(3, '0'));
  return `${esc(m.source)} ${esc(m.target)} ${m.type} ${m.options.length ? m.options.join(',') : 'defaults'} 0 ${m.type === 'xfs' || m.type === 'btrfs' ? 0 : 2}`;
}

/** `text` with Claude.OS's block replaced by `lines` (removed when there are none); other lines untouched. */
export function fstabWithBlock(text: string | null, lines: readonly string[]): string | null {
  const kept: string[] = [];
  let inside = false;
  for (const line of (text ?? '').split('\n')) {
    if (line === FSTAB_BEGIN) inside = true;
    else if (line === FSTAB_END) inside = false;
    else if (!inside) kept.push(line);
  }
  while (kept.length && kept[kept.length - 1] === '') kept.pop();
  if (lines.length) kept.push(FSTAB_BEGIN, ...lines, FSTAB_END);
  if (kept.length === 0) return text === null ? null : '';
  return kept.join('\n') + '\n';
}

/** The lines of Claude.OS's block in an fstab text. */
export function fstabBlockLines(text: string | null): string[] {
  const out: string[] = [];
  let inside = false;
  for (const line of (text ?? '').split('\n')) {
    if (line === FSTAB_BEGIN) inside = true;
    else if (line === FSTAB_END) inside = false;
    else if (inside && line.trim()) out.push(line);
  }
  return out;
}
