/**
 * The pre-change snapshot: what rollback needs to put the system back, taken under the
 * lock right after the base check and written (fsynced) to `<dataDir>/snapshots/<planId>.json`
 * BEFORE the journal's `apply.started` record.
 *
 * It holds every container the plan names, with its full create options (so it can be
 * recreated) and whether it was running; the networks the plan names; the volume directories the plan touches and whether they
 * existed; the volume registry; the host files the plan writes or removes (content and
 * mode) and the schedule it rewrites; the firewall
 * table when the plan changes it; and the per-resource fingerprints at that moment, which
 * the verification of a rollback compares against.
 *
 * Secret values never appear in plain text: the docker engine encrypts container
 * environments in `recreate` with the host's age key.
 */
import { compareCodePoints } from '../common/order.js';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../common/fsutil.js';
import { resourceFingerprints } from '../plan/fingerprint.js';
import { FIREWALL_RECORD, HOST_FILES_RECORD, LIMITS_RECORD, MOUNTS_RECORD, SCHEDULE_RECORD, VOLUMES_RECORD } from '../plan/host-state.js';
import type { ObservedState, PlanPayload } from '../plan/types.js';
import type { ContainerRecord, Engine, HostFile, NetworkRecord, VolumeDirState } from './engine.js';

export const SNAPSHOT_DIR = 'snapshots';

/** The data-dir records a snapshot keeps and a rollback writes back. */
export const RECORDS = [FIREWALL_RECORD, HOST_FILES_RECORD, LIMITS_RECORD, MOUNTS_RECORD, SCHEDULE_RECORD, VOLUMES_RECORD] as const;

export interface Snapshot {
  version: 1;
  planId: string;
  takenAt: string;
  /** Per-resource fingerprints when the snapshot was taken (equal to the plan's base). */
  fingerprints: Record<string, string>;
  containers: ContainerRecord[];
  networks: NetworkRecord[];
  /** Volume directories named by the plan's volume steps, by logical path. */
  volumeDirs: Record<string, VolumeDirState>;
  /** The data-dir records (plan/host-state.ts) as they were: name → text or null. */
  records: Record<string, string | null>;
  /** Present only when the plan has host.apply steps. */
  hostFiles: HostFile[] | null;
  /** The nft text that restores the table; only when the plan has firewall steps. */
  firewall: string | null;
  /** Only when the plan has mount steps: CLAUDE_ROOT/etc/fstab as it was (null: absent). */
  fstab?: string | null;
  /** Only when the plan has mount steps: what was mounted at each logical target they name (null: nothing). */
  mounted?: Record<string, { source: string; fstype: string; majmin: string } | null>;
}

/** Container names a plan's steps refer to. */
export function containerNamesOf(payload: PlanPayload): string[] {
  const names = new Set<string>();
  for (const s of payload.steps) {
    switch (s.op) {
      case 'container.create':
        names.add(s.params.name);
        break;
      case 'container.replace':
        names.add(s.params.spec.name);
        break;
      case 'container.start':
      case 'container.stop':
      case 'container.remove':
        names.add(s.params.name);
        break;
      default:
        break;
    }
  }
  return [...names].sort();
}

export function networkNamesOf(payload: PlanPayload): string[] {
  const names = new Set<string>();
  for (const s of payload.steps) if (s.op === 'network.create' || s.op === 'network.remove') names.add(s.params.name);
  return [...names].sort();
}

export function volumePathsOf(payload: PlanPayload): string[] {
  const paths = new Set<string>();
  for (const s of payload.steps) {
    if (s.op === 'volume.create') paths.add(s.params.path);
    if (s.op === 'volume.remove') paths.add(s.params.volume.path);
  }
  return [...paths].sort();
}

/** The logical targets a plan's mount steps name. */
export function mountTargetsOf(payload: PlanPayload): string[] {
  const out = new Set<string>();
  for (const s of payload.steps) {
    if (s.op === 'mount.apply') {
      out.add(s.params.mount.target);
      if (s.params.previous) out.add(s.params.previous.target);
    }
    if (s.op === 'mount.remove') out.add(s.params.mount.target);
  }
  return [...out].sort();
}

export function hostPathsOf(payload: PlanPayload): string[] {
  const paths = new Set<string>();
  for (const s of payload.steps) {
    if (s.op !== 'host.apply') continue;
    for (const f of s.params.files) paths.add(f.path);
    // removed files too: their content and mode, so a rollback writes them back
    for (const p of s.params.remove ?? []) paths.add(p);
  }
  return [...paths].sort();
}

/** A snapshot's engine reads: all of it but the fingerprints (`readSnapshotParts`). */
export type SnapshotParts = Pick<Snapshot, 'containers' | 'networks' | 'volumeDirs' | 'records' | 'hostFiles' | 'firewall' | 'fstab' | 'mounted'>;

/**
 * What a snapshot reads from the engine for `payload`: the containers, networks, volume dirs,
 * mounts, records, host files and firewall the plan names. Only reads; runtime/apply.ts starts
 * them as soon as the lock is held, beside the pre-flight (session 24).
 */
export async function readSnapshotParts(engine: Engine, payload: PlanPayload): Promise<SnapshotParts> {
  const containers = await engine.listContainers(containerNamesOf(payload));
  const networks: NetworkRecord[] = [];
  for (const name of networkNamesOf(payload)) {
    const n = await engine.inspectNetwork(name);
    if (n) networks.push(n);
  }
  const volumeDirs: Record<string, VolumeDirState> = {};
  for (const p of volumePathsOf(payload)) volumeDirs[p] = await engine.volumeDir(p);
  const hasOp = (op: string) => payload.steps.some((s) => s.op === op);
  const hostPaths = hostPathsOf(payload);
  const targets = mountTargetsOf(payload);
  const mountState: Pick<Snapshot, 'fstab' | 'mounted'> = {};
  if (targets.length && engine.mountedAt && engine.readFstab) {
    mountState.fstab = await engine.readFstab();
    mountState.mounted = {};
    for (const t of targets) mountState.mounted[t] = await engine.mountedAt(t);
  }
  return {
    containers: containers.sort((a, b) => compareCodePoints(a.name, b.name)),
    networks,
    volumeDirs,
    records: Object.fromEntries(await Promise.all(RECORDS.map(async (r) => [r, await engine.readRecord(r)] as const))),
    hostFiles: hostPaths.length ? await engine.readHostFiles(hostPaths) : null,
    firewall: hasOp('firewall.apply') || hasOp('firewall.remove') ? await engine.firewallSnapshot() : null,
    ...mountState,
  };
}

/**
 * `observed`: the observation the base check just used (taken under the same lock), to save
 * a second one. `parts`: the engine reads, when they were started earlier under the same lock
 * (`readSnapshotParts`). Only what the plan names is recorded in full: a resource the plan
 * does not touch is not restored by a rollback (nor compared by its verification).
 */
export async function takeSnapshot(engine: Engine, payload: PlanPayload, now: () => Date, observedAlready?: ObservedState, parts?: Promise<SnapshotParts>): Promise<Snapshot> {
  const observed = observedAlready ?? (await engine.observe());
  const p = await (parts ?? readSnapshotParts(engine, payload));
  // the keys in the order the file has always had
  return {
    version: 1,
    planId: payload.id,
    takenAt: now().toISOString(),
    fingerprints: resourceFingerprints(observed),
    containers: p.containers,
    networks: p.networks,
    volumeDirs: p.volumeDirs,
    records: p.records,
    hostFiles: p.hostFiles,
    firewall: p.firewall,
    ...(p.fstab !== undefined ? { fstab: p.fstab } : {}),
    ...(p.mounted !== undefined ? { mounted: p.mounted } : {}),
  };
}

export function snapshotRef(planId: string): string {
  return `${SNAPSHOT_DIR}/${planId}.json`;
}

export function saveSnapshot(dataDir: string, snap: Snapshot): string {
  const f = snapshotFile(dataDir, snap);
  writeFileAtomic(f.path, f.data, f.mode);
  return snapshotRef(snap.planId);
}

/** The snapshot's file as saveSnapshot writes it (for a write beside other records: runtime/apply.ts prepareRecords). */
export function snapshotFile(dataDir: string, snap: Snapshot): { path: string; data: string; mode: number } {
  return { path: join(dataDir, snapshotRef(snap.planId)), data: JSON.stringify(snap) + '\n', mode: 0o600 };
}

export function loadSnapshot(dataDir: string, ref: string): Snapshot {
  const file = join(dataDir, ref);
  if (!existsSync(file)) throw new Error(`the snapshot ${file} is missing; the journal refers to it`);
  return JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
}

/** How many applies' snapshots are kept (the older ones are deleted after a successful apply). */
export const SNAPSHOTS_KEPT = 20;

/**
 * Deletes the snapshots (and saved payloads) of all but the newest `keep` applies, never
 * the one named by `except` (a needs-attention marker's). Only called once an apply is
 * settled, so no interrupted apply needs an old snapshot.
 */
export function pruneSnapshots(dataDir: string, keep = SNAPSHOTS_KEPT, except: readonly string[] = []): void {
  const dir = join(dataDir, SNAPSHOT_DIR);
  if (!existsSync(dir)) return;
  const plans = readdirSync(dir)
    .filter((f) => /^plan-[0-9a-f]+\.json$/.test(f))
    .map((f) => ({ id: f.slice(0, -'.json'.length), mtime: statSync(join(dir, f)).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime || (a.id < b.id ? 1 : -1));
  for (const p of plans.slice(keep)) {
    if (except.includes(p.id)) continue;
    rmSync(join(dir, `${p.id}.json`), { force: true });
    rmSync(join(dir, `${p.id}.plan.json`), { force: true });
  }
}
