/**
 * The observer's planning snapshot: a read-only ObservedState (schemas/observed.schema.json)
 * of what Claude.OS manages, for the planner and for apply's stale-plan check. It only lists
 * and reads: Docker through the Engine API (drivers/engine-api.ts; list containers, networks, images: one call each),
 * the nft table through the injected driver, and the runtime's records in the data dir with
 * the files they name under CLAUDE_ROOT. Formats and hashes: plan/host-state.ts.
 *
 * Managed means `claude.os/managed=true` AND `claude.os/host` = this instance's host id
 * (plan/types.ts managedBy): on a Docker Engine shared by several Claude.OS instances (two
 * data dirs), the others' containers are reported as unmanaged (never adopted, never pruned;
 * a desired host port they hold is CLA4002) and their networks likewise.
 *
 * Everything is sorted so that the same system gives the same snapshot.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type Docker from 'dockerode';
import type { DockerApi } from '../drivers/engine-api.js';
import { underRoot } from '../../common/paths.js';
import {
  FIREWALL_RECORD,
  HOST_FILES_RECORD,
  LIMITS_RECORD,
  MOUNTS_RECORD,
  SCHEDULE_RECORD,
  VOLUMES_RECORD,
  firewallObservedHash,
  fstabBlockLines,
  fstabLine,
  hostFileDigest,
  hostFilesHash,
  normalizeMode,
  scheduleHash,
  type FirewallRecord,
  type HostFilesRecord,
  type LimitsRecord,
  type MountsRecord,
  type ScheduleRecord,
  type VolumesRecord,
} from '../../plan/host-state.js';
import { LABEL_CONFIG_HASH, LABEL_REPLICA, LABEL_SERVICE, managedBy } from '../../plan/types.js';
import type { ObservedContainer, ObservedMount, ObservedNetwork, ObservedState, ObservedVolume } from '../../plan/types.js';
import { mountedAt, readMountTable } from '../drivers/mounts.js';

export interface ObserveOptions {
  docker: Pick<DockerApi, 'listContainers' | 'listNetworks' | 'listImages'>;
  /** CLAUDE_DATA_DIR: the runtime's records. */
  dataDir: string;
  /** CLAUDE_ROOT: volumes and host files are read under it. */
  root: string;
  /** This instance's host id: only resources labelled with it are managed. */
  hostId: string;
  /** HEAD of the state repo, or null before the first commit. */
  stateCommit: string | null;
  /** The nft driver (runtime/drivers/nft.ts NftDriver fits); without it the firewall reads as absent. */
  nft?: { observe(): Promise<LiveFirewall> };
}

/** What the nft reader says of the live table: its hash (null when absent) and its input chain's policy. */
export interface LiveFirewall {
  hash: string | null;
  inputPolicy?: 'accept' | 'drop' | null;
}

/** observed.firewall from the live table and the runtime's record of its last load. */
function observedFirewall(live: LiveFirewall, dataDir: string): ObservedState['firewall'] {
  const hash = firewallObservedHash(live.hash, readRecord<FirewallRecord>(dataDir, FIREWALL_RECORD));
  return { present: live.hash !== null, hash, inputPolicy: live.hash !== null ? (live.inputPolicy ?? null) : null };
}

/** A record file that exists but cannot be used. */
export class ObserveError extends Error {
  override name = 'ObserveError';
}

const STATUSES = new Set<ObservedContainer['status']>(['created', 'running', 'paused', 'restarting', 'removing', 'exited', 'dead']);

export async function observe(opts: ObserveOptions): Promise<ObservedState> {
  const [containers, networks, images, fwLive] = await Promise.all([
    opts.docker.listContainers({ all: true }),
    opts.docker.listNetworks(),
    opts.docker.listImages(),
    opts.nft ? opts.nft.observe() : Promise.resolve({ hash: null }),
  ]);
  const hostFiles = observeHostFiles(opts.dataDir, opts.root);
  const schedule = readRecord<ScheduleRecord>(opts.dataDir, SCHEDULE_RECORD);
  return {
    hostId: opts.hostId,
    stateCommit: opts.stateCommit,
    networks: networks.map((n) => toNetwork(n, opts.hostId)).sort(byName),
    volumes: observeVolumes(opts.dataDir, opts.root),
    images: [...new Set(images.flatMap((i) => i.RepoTags ?? []).filter((t) => t !== '<none>:<none>'))].sort(),
    containers: withLimitsUpdated(containers.map((c) => toContainer(c, opts.hostId)), readRecord<LimitsRecord>(opts.dataDir, LIMITS_RECORD)).sort(byName),
    firewall: observedFirewall(fwLive, opts.dataDir),
    hostFilesHash: hostFilesHash(hostFiles),
    hostFiles,
    scheduleHash: schedule ? scheduleHash(schedule.jobs ?? []) : null,
    ...observeMounts(opts.dataDir, opts.root),
  };
}

/**
 * The engine-independent part of the snapshot: volume dirs, the firewall, host files and the
 * schedule, from the records in the data dir and the files under CLAUDE_ROOT. The containerd
 * driver's observer (drivers/containerd/engine.ts) adds its containers, networks and images.
 */
export async function observeHostSide(opts: Pick<ObserveOptions, 'dataDir' | 'root' | 'nft'>): Promise<Pick<ObservedState, 'volumes' | 'firewall' | 'hostFilesHash' | 'hostFiles' | 'scheduleHash' | 'mounts'>> {
  const fwLive = opts.nft ? await opts.nft.observe() : { hash: null };
  const hostFiles = observeHostFiles(opts.dataDir, opts.root);
  const schedule = readRecord<ScheduleRecord>(opts.dataDir, SCHEDULE_RECORD);
  return {
    volumes: observeVolumes(opts.dataDir, opts.root),
    firewall: observedFirewall(fwLive, opts.dataDir),
    hostFilesHash: hostFilesHash(hostFiles),
    hostFiles,
    scheduleHash: schedule ? scheduleHash(schedule.jobs ?? []) : null,
    ...observeMounts(opts.dataDir, opts.root),
  };
}

/**
 * A container whose limits were changed in place (container-limits.json, by its id) has the
 * config hash of the spec it was updated to; its label still says the one it was created with.
 */
function withLimitsUpdated(containers: ObservedContainer[], record: LimitsRecord | null): ObservedContainer[] {
  const updated = record?.containers ?? {};
  return containers.map((c) => {
    const r = updated[c.name];
    return c.managed && r && r.id === c.id && c.configHash !== undefined ? { ...c, configHash: r.configHash } : c;
  });
}

export function toContainer(c: Docker.ContainerInfo, hostId: string): ObservedContainer {
  const labels: Record<string, string> = sortRecord(c.Labels ?? {});
  const managed = managedBy(labels, hostId);
  const status = (STATUSES.has(c.State as ObservedContainer['status']) ? c.State : 'dead') as ObservedContainer['status'];
  const text = c.Status ?? '';
  const health: ObservedContainer['health'] = /\(unhealthy\)/.test(text) ? 'unhealthy' : /\(healthy\)/.test(text) ? 'healthy' : /\(health: starting\)/.test(text) ? 'starting' : 'none';
  const exit = /^Exited \((-?\d+)\)/.exec(text);
  const seen = new Set<string>();
  const ports: ObservedContainer['ports'] = [];
  for (const p of c.Ports ?? []) {
    const port = p.PublicPort ? { host: p.PublicPort, container: p.PrivatePort, protocol: p.Type, ...(p.IP ? { hostIp: p.IP } : {}) } : { container: p.PrivatePort, protocol: p.Type };
    const key = JSON.stringify(port);
    if (seen.has(key)) continue;
    seen.add(key);
    ports.push(port);
  }
  ports.sort((a, b) => a.container - b.container || cmp(a.protocol, b.protocol) || (a.host ?? 0) - (b.host ?? 0) || cmp(a.hostIp ?? '', b.hostIp ?? ''));
  const replica = Number(labels[LABEL_REPLICA]);
  return {
    name: (c.Names?.[0] ?? c.Id).replace(/^\//, ''),
    id: c.Id,
    managed,
    ...(managed && labels[LABEL_SERVICE] ? { service: labels[LABEL_SERVICE] } : {}),
    ...(managed && Number.isInteger(replica) && replica > 0 ? { replica } : {}),
    ...(managed && labels[LABEL_CONFIG_HASH] ? { configHash: labels[LABEL_CONFIG_HASH] } : {}),
    image: c.Image,
    status,
    health,
    ...(exit ? { exitCode: Number(exit[1]) } : {}),
    labels,
    ports,
  };
}

export function toNetwork(n: Docker.NetworkInspectInfo, hostId: string): ObservedNetwork {
  const labels = sortRecord(n.Labels ?? {});
  const subnet = n.IPAM?.Config?.[0]?.Subnet;
  return {
    name: n.Name,
    managed: managedBy(labels, hostId),
    driver: n.Driver,
    internal: n.Internal === true,
    ...(subnet ? { subnet } : {}),
    labels,
  };
}

function observeVolumes(dataDir: string, root: string): ObservedVolume[] {
  const rec = readRecord<VolumesRecord>(dataDir, VOLUMES_RECORD);
  const out: ObservedVolume[] = [];
  for (const [name, v] of Object.entries(rec?.volumes ?? {})) {
    if (!v || typeof v.path !== 'string') throw new ObserveError(`${join(dataDir, VOLUMES_RECORD)}: volume ${JSON.stringify(name)} has no path`);
    let exists = false;
    let permissions = v.permissions;
    try {
      const st = statSync(underRoot(root, v.path));
      exists = st.isDirectory();
      if (exists) permissions = normalizeMode((st.mode & 0o777).toString(8).padStart(3, '0'));
    } catch {
      exists = false;
    }
    out.push({ name, path: v.path, exists, ...(permissions ? { permissions: normalizeMode(permissions) } : {}), ...(v.owner ? { owner: v.owner } : {}) });
  }
  return out.sort(byName);
}

function observeHostFiles(dataDir: string, root: string): Record<string, string> {
  const rec = readRecord<HostFilesRecord>(dataDir, HOST_FILES_RECORD);
  const out: Record<string, string> = {};
  for (const path of Object.keys(rec?.files ?? {}).sort()) {
    const file = underRoot(root, path);
    try {
      const st = statSync(file);
      if (!st.isFile()) continue;
      out[path] = hostFileDigest(readFileSync(file), (st.mode & 0o777).toString(8).padStart(3, '0'));
    } catch {
      // gone: absent from the map, so the planner writes it again
    }
  }
  return out;
}

function readRecord<T>(dataDir: string, name: string): T | null {
  const file = join(dataDir, name);
  if (!existsSync(file)) return null;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch (e) {
    throw new ObserveError(`${file} is not valid JSON (${(e as Error).message}); the runtime writes it after each apply`);
  }
}

function byName(a: { name: string }, b: { name: string }): number {
  return cmp(a.name, b.name);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortRecord(o: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(o).sort()) out[k] = o[k]!;
  return out;
}

/**
 * The mounts Claude.OS recorded (mounts.json), each with whether it is mounted at
 * CLAUDE_ROOT + target with its type (/proc/self/mountinfo: no process runs) and whether
 * Claude.OS's block of CLAUDE_ROOT/etc/fstab still holds its line. `{}` when none are
 * recorded, so a host without mounts observes exactly as before.
 */
export function observeMounts(dataDir: string, root: string, mountinfo?: string): { mounts?: ObservedMount[] } {
  const record = readRecord<MountsRecord>(dataDir, MOUNTS_RECORD);
  const list = Object.values(record?.mounts ?? {});
  if (list.length === 0) return {};
  const table = readMountTable(mountinfo);
  const fstabFile = underRoot(root, '/etc/fstab');
  const lines = new Set(fstabBlockLines(existsSync(fstabFile) ? readFileSync(fstabFile, 'utf8') : null));
  const mounts = list
    .map((m): ObservedMount => {
      const e = mountedAt(table, resolve(underRoot(root, m.target)));
      return { target: m.target, source: m.source, type: m.type, options: [...m.options], ...(m.format ? { format: true } : {}), mounted: !!e && e.fstype === m.type, fstab: lines.has(fstabLine(m)) };
    })
    .sort((a, b) => cmp(a.target, b.target));
  return { mounts };
}
