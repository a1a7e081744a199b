/**
 * Restoring a backup (docs/backups.md). `planRestore` is pure apart from reading the backup
 * records and the containers: it says exactly what `executeRestore` will do, for the user to
 * approve. `executeRestore` then:
 *
 *   1. checks the backup file against its recorded size and sha256 (a damaged file is refused),
 *   2. stops the containers of the services that mount the volume,
 *   3. moves the volume directory aside (`<path>.pre-restore-<id>`: a rename, nothing is copied)
 *      and makes an empty one with the same owner and mode,
 *   4. fills it: an archive or snapshot is unpacked; a redis dump becomes its RDB file;
 *      a postgres dump starts from an empty data directory (the image initialises it),
 *   5. starts the containers (postgres: then loads the dump with psql),
 *   6. waits until every container is healthy (its health command) or running.
 *
 * If any of 3–6 fails, it rolls back: stops the containers, puts the directory it moved aside
 * back, starts what was running before and waits for it. On success the old directory is
 * removed.
 */
import { chownSync, createWriteStream, mkdirSync, mkdtempSync, renameSync, rmSync, statSync, chmodSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type Docker from 'dockerode';
import { underRoot } from '../../common/paths.js';
import type { HealthSpec } from '../../plan/types.js';
import { copyIntoContainer, execText, fileDigest, readDecompressed, serviceContainers, start, stop, tarExtract, type ServiceContainer } from '../drivers/backup.js';
import { waitReady } from '../health.js';
import { listSets, type BackupRecord, type BackupSet } from './store.js';

export interface RestoreOptions {
  docker: Docker;
  dataDir: string;
  root: string;
  hostId: string;
  now: () => Date;
  /** How long each container may take to become healthy after the restore (ms). Default 120 s. */
  healthTimeoutMs?: number;
  /** One line per step as it happens. */
  progress?: (line: string) => void;
}

export interface RestorePlan {
  set: string;
  backup: BackupRecord;
  /** The volume's host path. */
  volumeHostPath: string;
  containers: ServiceContainer[];
  /** What will happen, in order (shown for approval). */
  steps: string[];
}

export class RestoreError extends Error {
  override name = 'RestoreError';
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

/**
 * Picks the set (a volume name, or a service that mounts exactly one backed-up volume) and the
 * backup (its id, file name or a unique id prefix; default the newest) and plans the restore.
 */
export async function planRestore(o: RestoreOptions, name: string, which?: string): Promise<RestorePlan> {
  const sets = listSets(o);
  let set: BackupSet | undefined = sets.find((s) => s.name === name);
  if (!set) {
    const bySvc = sets.filter((s) => (s.spec?.services ?? s.backups[0]?.services ?? []).includes(name));
    if (bySvc.length === 1) set = bySvc[0];
    else if (bySvc.length > 1) throw new RestoreError(`service ${name} mounts ${bySvc.length} backed-up volumes: ${bySvc.map((s) => s.name).join(', ')}`, `name the volume: claude restore ${bySvc[0]!.name}`);
  }
  if (!set) throw new RestoreError(`no backups named ${name}`, sets.length ? `the backup sets are: ${sets.map((s) => s.name).join(', ')} (claude backups)` : 'nothing has been backed up yet: add backup: to a volume in storage.yaml, or run claude backups run VOLUME');
  if (set.backups.length === 0) throw new RestoreError(`volume ${set.name} has no backups yet`, `make one now with claude backups run ${set.name}`);
  let backup: BackupRecord | undefined = set.backups[0];
  if (which !== undefined) {
    const exact = set.backups.find((b) => b.id === which || b.file.endsWith('/' + which));
    const prefix = set.backups.filter((b) => b.id.startsWith(which));
    backup = exact ?? (prefix.length === 1 ? prefix[0] : undefined);
    if (!backup) throw new RestoreError(`volume ${set.name} has ${prefix.length > 1 ? `${prefix.length} backups starting with ${which}` : `no backup ${which}`}`, `its backups are: ${set.backups.map((b) => b.id).join(', ')}`);
  }
  const b = backup!;
  const volumeHostPath = underRoot(o.root, b.volumePath);
  const services = set.spec?.services ?? b.services;
  const containers = await serviceContainers(o.docker, services, o.hostId);
  if (b.format === 'sql' && !containers.length) throw new RestoreError(`a postgres dump is loaded by the database itself, and service ${services[0] ?? '(none)'} has no container`, 'apply the state first (claude apply), then restore');
  const names = containers.map((c) => c.name);
  const steps = [
    `check ${b.file} (${b.bytes} bytes, sha256 ${b.sha256.slice(0, 16)}…)`,
    ...(names.length ? [`stop ${names.join(', ')}`] : []),
    `move ${volumeHostPath} aside to ${volumeHostPath}.pre-restore-${b.id} (kept until the restore is healthy)`,
    b.format === 'tar'
      ? `unpack the ${b.type} ${b.id} into ${volumeHostPath}`
      : b.format === 'rdb'
        ? `put the RDB file of ${b.id} at ${join(volumeHostPath, b.fileInVolume ?? 'dump.rdb')}`
        : `start from an empty data directory`,
    ...(names.length ? [`start ${names.join(', ')}`] : []),
    ...(b.format === 'sql' ? [`load the dump ${b.id} with psql in ${names[0]}`] : []),
    ...(names.length ? [`health-check ${names.join(', ')}; if one is unhealthy, put the old directory back and start them again`] : []),
  ];
  return { set: set.name, backup: b, volumeHostPath, containers, steps };
}

/** The container's Docker health check as the runtime's probe (null without one). */
async function probeOf(docker: Docker, id: string): Promise<HealthSpec | null> {
  const hc = (await docker.getContainer(id).inspect()).Config.Healthcheck;
  const test = hc?.Test;
  if (!test || test.length < 2 || test[0] === 'NONE') return null;
  const ms = (ns: number | undefined, d: number) => (ns ? Math.round(ns / 1e6) : d);
  return { test: test as HealthSpec['test'], intervalMs: ms(hc.Interval, 30_000), timeoutMs: ms(hc.Timeout, 30_000), retries: hc.Retries ?? 3, startPeriodMs: ms(hc.StartPeriod, 0) };
}

async function waitAll(o: RestoreOptions, containers: ServiceContainer[]): Promise<void> {
  for (const c of containers) {
    await waitReady(o.docker, c.id, { probe: await probeOf(o.docker, c.id), timeoutMs: o.healthTimeoutMs ?? 120_000, ports: [], startWindowMs: 2_000 });
  }
}

/** psql's errors that a load into a fresh cluster always has: the bootstrap superuser exists already. */
const EXPECTED_PSQL_ERRORS = [/role "[^"]+" already exists/, /current user cannot be dropped/];

export interface RestoreResult {
  ok: boolean;
  rolledBack: boolean;
  durationMs: number;
  error?: string;
}

export async function executeRestore(plan: RestorePlan, o: RestoreOptions): Promise<RestoreResult> {
  const t0 = Date.now();
  const say = (l: string) => o.progress?.(l);
  const b = plan.backup;
  const vol = plan.volumeHostPath;
  const aside = `${vol}.pre-restore-${b.id}`;
  // 1. the file is what was recorded
  const d = await fileDigest(b.file);
  if (d.sha256 !== b.sha256 || d.bytes !== b.bytes) {
    return { ok: false, rolledBack: false, durationMs: Date.now() - t0, error: `backup ${b.file} is damaged: it holds ${d.bytes} bytes with sha256 ${d.sha256.slice(0, 16)}…, but ${b.bytes} bytes with sha256 ${b.sha256.slice(0, 16)}… were recorded; nothing was changed (choose another backup: claude backups)` };
  }
  if (existsSync(aside)) return { ok: false, rolledBack: false, durationMs: Date.now() - t0, error: `${aside} exists (left by an earlier restore); look at it, remove or rename it, then restore again; nothing was changed` };
  const wasRunning = plan.containers.filter((c) => c.running);
  // 2. stop
  for (const c of plan.containers) {
    say(`stopping ${c.name}`);
    await stop(o.docker, c.id);
  }
  let moved = false;
  try {
    // 3. aside
    const st = existsSync(vol) ? statSync(vol) : null;
    if (st) {
      renameSync(vol, aside);
      moved = true;
      say(`moved ${vol} aside to ${aside}`);
    }
    mkdirSync(vol, { recursive: true, mode: st ? st.mode & 0o7777 : 0o755 });
    if (st) {
      chmodSync(vol, st.mode & 0o7777);
      chownSync(vol, st.uid, st.gid);
    }
    // 4. fill
    if (b.format === 'tar') {
      say(`unpacking ${b.id} into ${vol}`);
      const src = readDecompressed(b.file, b.compression);
      await Promise.all([tarExtract(src.stream, vol), src.done]);
    } else if (b.format === 'rdb') {
      const target = join(vol, b.fileInVolume ?? 'dump.rdb');
      mkdirSync(dirname(target), { recursive: true });
      const src = readDecompressed(b.file, b.compression);
      await Promise.all([pipeline(src.stream, createWriteStream(target, { mode: 0o644 })), src.done]);
      const owner = existsSync(join(aside, b.fileInVolume ?? 'dump.rdb')) ? statSync(join(aside, b.fileInVolume ?? 'dump.rdb')) : st;
      if (owner) chownSync(target, owner.uid, owner.gid);
      say(`put ${b.id} at ${target}`);
    }
    // 5. start
    for (const c of plan.containers) {
      say(`starting ${c.name}`);
      await start(o.docker, c.id);
    }
    if (b.format === 'sql') {
      const db = plan.containers[0]!;
      await waitAll(o, [db]);
      say(`loading ${b.id} into ${db.name}`);
      await loadPostgresDump(o, db, b);
    }
    // 6. health
    await waitAll(o, plan.containers);
    say(`healthy: ${plan.containers.map((c) => c.name).join(', ') || '(no containers)'}`);
  } catch (e) {
    const error = (e as Error).message;
    say(`restore failed: ${error}; rolling back`);
    const back = await rollBack(o, plan, moved, aside, wasRunning).catch((e2: Error) => `the rollback failed too: ${e2.message}; the old directory is ${aside}`);
    return { ok: false, rolledBack: back === null, durationMs: Date.now() - t0, error: `restore of ${plan.set} from ${b.id} failed: ${error}${back ? `; ${back}` : `; rolled back: ${vol} is as it was and ${wasRunning.map((c) => c.name).join(', ') || 'nothing'} running again`}` };
  }
  if (moved) rmSync(aside, { recursive: true, force: true });
  return { ok: true, rolledBack: false, durationMs: Date.now() - t0 };
}

async function rollBack(o: RestoreOptions, plan: RestorePlan, moved: boolean, aside: string, wasRunning: ServiceContainer[]): Promise<string | null> {
  for (const c of plan.containers) await stop(o.docker, c.id).catch(() => undefined);
  if (moved) {
    rmSync(plan.volumeHostPath, { recursive: true, force: true });
    renameSync(aside, plan.volumeHostPath);
  }
  for (const c of wasRunning) await start(o.docker, c.id);
  try {
    await waitAll(o, wasRunning);
  } catch (e) {
    return `after the rollback ${wasRunning.map((c) => c.name).join(', ')} did not become healthy: ${(e as Error).message}`;
  }
  return null;
}

async function loadPostgresDump(o: RestoreOptions, db: ServiceContainer, b: BackupRecord): Promise<void> {
  const tmp = mkdtempSync(join(tmpdir(), 'claude-restore-'));
  try {
    const sql = join(tmp, `claude-restore-${b.id}.sql`);
    const src = readDecompressed(b.file, b.compression);
    await Promise.all([pipeline(src.stream, createWriteStream(sql, { mode: 0o644 })), src.done]);
    await copyIntoContainer(o.docker, db.id, sql, '/tmp');
    const inCt = `/tmp/claude-restore-${b.id}.sql`;
    try {
      const r = await execText(o.docker, db.id, ['sh', '-c', `psql -X -q -v ON_ERROR_STOP=0 -U "\${POSTGRES_USER:-postgres}" -d postgres -f '${inCt}' >/dev/null`]);
      const errors = r.stderr.split('\n').filter((l) => /\bERROR:/.test(l) && !EXPECTED_PSQL_ERRORS.some((re) => re.test(l)));
      if (r.code !== 0 || errors.length) throw new Error(`psql could not load the dump (exit ${r.code}): ${errors.slice(0, 3).join(' | ') || r.stderr.trim().slice(-300)}`);
    } finally {
      await execText(o.docker, db.id, ['rm', '-f', inCt]).catch(() => undefined);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
