/**
 * One backup run (docs/backups.md): writes `<set dir>/<volume>-<id>.<ext>.partial`, renames it
 * into place, records its size and sha256 beside it, and only then prunes the oldest backups
 * beyond `retain`. A run that fails removes its partial file, prunes nothing and says why
 * (a full disk names the destination and its free space).
 *
 *   archive   tar of the volume directory as it is (files written meanwhile may be torn)
 *   snapshot  the same, with every running container of the services that mount the
 *             volume paused (cgroup freezer) for the time of the copy: a crash-consistent copy
 *   dump      postgres: `pg_dumpall --clean --if-exists` in the database's container;
 *             redis: BGSAVE, wait for it, copy the RDB file out of the container
 */
import { mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';
import { underRoot } from '../../common/paths.js';
import { fsyncDir, writeFileAtomic } from '../../common/fsutil.js';
import {
  compressionExt,
  defaultCompression,
  execText,
  execToStream,
  freeBytes,
  isDir,
  mountTarget,
  pause,
  serviceContainers,
  tarCreate,
  unpause,
  writeCompressed,
  type Compression,
} from '../drivers/backup.js';
import { isInside, readSetDir, removeBackup, setDir, type BackupRecord, type BackupSpec } from './store.js';

export interface BackupRunOptions {
  docker: Docker;
  dataDir: string;
  root: string;
  hostId: string;
  now: () => Date;
  /** Default: zstd when the host has it, else gzip. */
  compression?: Compression;
}

export interface BackupOutcome {
  ok: boolean;
  record?: BackupRecord;
  /** Backups removed by retention (only after a successful run). */
  pruned: string[];
  /** How many backups the set holds after the run. */
  kept: number;
  error?: string;
  /** Human lines for the job's output. */
  lines: string[];
}

/** A disk-full (or quota) error, with the destination's free space. */
export class BackupSpaceError extends Error {
  override name = 'BackupSpaceError';
}

export function backupId(now: Date): string {
  return now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

/** Runs one backup now. Never throws for a failed backup: the outcome says what went wrong. */
export async function runBackup(spec: BackupSpec, o: BackupRunOptions): Promise<BackupOutcome> {
  const dir = setDir(spec, o);
  const volHost = underRoot(o.root, spec.path);
  const before = readSetDir(dir);
  const fail = (error: string): BackupOutcome => ({
    ok: false,
    pruned: [],
    kept: before.length,
    error: `${error}; nothing was pruned: ${before.length === 0 ? 'there are no earlier backups' : `the ${before.length} earlier backup${before.length === 1 ? ' is' : 's are'} kept`}`,
    lines: [],
  });
  if (isInside(dir, volHost)) return fail(`backup of volume ${spec.volume} refused: its destination ${dir} is inside the volume (${volHost}); set another destination`);
  if (spec.type !== 'dump' && !isDir(volHost)) return fail(`backup of volume ${spec.volume} failed: its directory ${volHost} does not exist (apply the state first)`);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (e) {
    return fail(`backup of volume ${spec.volume} failed: cannot create ${dir}: ${(e as Error).message}`);
  }
  const started = o.now();
  const t0 = Date.now();
  let id = backupId(started);
  for (let n = 2; before.some((b) => b.id === id); n++) id = `${backupId(started)}-${n}`;
  const c = o.compression ?? defaultCompression();
  const format: BackupRecord['format'] = spec.type === 'dump' ? (spec.engine === 'redis' ? 'rdb' : 'sql') : 'tar';
  const file = join(dir, `${spec.volume}-${id}.${format}.${compressionExt(c)}`);
  const partial = file + '.partial';
  let method = '';
  let warning: string | undefined;
  let fileInVolume: string | undefined;
  let written: { bytes: number; sha256: string };
  try {
    if (spec.type === 'dump') {
      const r = spec.engine === 'redis' ? await redisDump(spec, o, volHost, partial, c) : await postgresDump(spec, o, partial, c);
      method = r.method;
      written = r.written;
      fileInVolume = r.fileInVolume;
    } else {
      const paused: string[] = [];
      try {
        if (spec.type === 'snapshot') {
          for (const ct of await serviceContainers(o.docker, spec.services, o.hostId)) {
            if (!ct.running || ct.paused) continue;
            await pause(o.docker, ct.id);
            paused.push(ct.id);
          }
        }
        const tar = tarCreate(volHost);
        written = await writeCompressed(tar.stream, partial, c, [tar.done.then((r) => void (warning = r.warning))]);
        method = `tar of ${spec.path}${spec.type === 'snapshot' ? (paused.length ? ` with ${paused.length} container${paused.length === 1 ? '' : 's'} paused` : ' (no running container to pause)') : ''}`;
      } finally {
        for (const id of paused) await unpause(o.docker, id).catch(() => undefined);
      }
      if (spec.type === 'snapshot') warning = undefined; // nothing changed while paused
    }
    const size = statSync(partial).size;
    if (size !== written.bytes) throw new Error(`wrote ${written.bytes} bytes but ${partial} holds ${size}`);
  } catch (e) {
    rmSync(partial, { force: true });
    const err = e as NodeJS.ErrnoException;
    const msg = err.message ?? String(e);
    if (err.code === 'ENOSPC' || err.code === 'EDQUOT' || /no space left|ENOSPC|quota exceeded/i.test(msg)) {
      const free = await freeBytes(dir);
      return fail(`backup of volume ${spec.volume} failed: no space left on the device of ${dir}${free !== null ? ` (${free} bytes free)` : ''}; free some space or set another destination`);
    }
    return fail(`backup of volume ${spec.volume} failed: ${msg}`);
  }
  renameSync(partial, file);
  const finished = o.now();
  const record: BackupRecord = {
    name: spec.volume,
    id,
    file,
    type: spec.type,
    ...(spec.engine ? { engine: spec.engine } : {}),
    method,
    format,
    compression: c,
    bytes: written.bytes,
    sha256: written.sha256,
    createdAt: started.toISOString(),
    finishedAt: finished.toISOString(),
    durationMs: Date.now() - t0,
    volumePath: spec.path,
    services: [...spec.services],
    ...(fileInVolume ? { fileInVolume } : {}),
    ...(warning ? { warning } : {}),
  };
  try {
    writeFileAtomic(file + '.json', JSON.stringify(record, null, 2) + '\n', 0o600);
    fsyncDir(dir);
  } catch (e) {
    rmSync(file, { force: true });
    rmSync(file + '.json', { force: true });
    return fail(`backup of volume ${spec.volume} failed: cannot write its record ${file}.json: ${(e as Error).message}`);
  }
  // Retention: only now, after this backup is complete, the oldest beyond `retain` go.
  const all = readSetDir(dir);
  const pruned = all.slice(spec.retain);
  for (const p of pruned) removeBackup(p);
  const lines = [
    `backup ${record.id} of volume ${spec.volume}: ${record.file} (${record.bytes} bytes, sha256 ${record.sha256.slice(0, 16)}…) by ${method} in ${record.durationMs} ms`,
    ...(warning ? [`warning: ${warning}`] : []),
    ...(pruned.length ? [`pruned ${pruned.length} (retain ${spec.retain}): ${pruned.map((p) => p.id).join(', ')}`] : []),
  ];
  return { ok: true, record, pruned: pruned.map((p) => p.id), kept: all.length - pruned.length, lines };
}

/** Runs in the redis container (busybox or any POSIX sh): BGSAVE and wait for it; prints dir/dbfilename. */
const REDIS_SAVE_SCRIPT = [
  'info() { redis-cli INFO persistence | tr -d "\\r"; }',
  'field() { echo "$1" | sed -n "s/^$2://p"; }',
  's0=$(field "$(info)" rdb_saves); t0=$(redis-cli LASTSAVE)',
  'r=$(redis-cli BGSAVE) || exit 2',
  'case "$r" in *started*|*scheduled*|*progress*) ;; *) echo "BGSAVE answered: $r" >&2; exit 3;; esac',
  'i=0',
  'while :; do',
  '  cur=$(info); p=$(field "$cur" rdb_bgsave_in_progress); n=$(field "$cur" rdb_saves)',
  '  if [ "$p" = 0 ]; then if [ -n "$s0" ] && [ -n "$n" ]; then [ "$n" -gt "$s0" ] && break; elif [ "$(redis-cli LASTSAVE)" != "$t0" ]; then break; fi; fi',
  '  i=$((i+1)); [ $i -lt 6000 ] || { echo "BGSAVE did not finish within 10 minutes" >&2; exit 4; }',
  '  sleep 0.1',
  'done',
  'st=$(field "$cur" rdb_last_bgsave_status); [ "$st" = ok ] || { echo "BGSAVE failed (rdb_last_bgsave_status:$st); see the container log" >&2; exit 5; }',
  'printf "%s/%s\\n" "$(redis-cli CONFIG GET dir | sed -n 2p)" "$(redis-cli CONFIG GET dbfilename | sed -n 2p)"',
].join('\n');

async function dbContainer(spec: BackupSpec, o: BackupRunOptions): Promise<{ id: string; name: string }> {
  const service = spec.services[0];
  if (!service) throw new Error(`no service mounts volume ${spec.volume}, so there is no database to dump`);
  const c = (await serviceContainers(o.docker, [service], o.hostId)).find((x) => x.running && !x.paused);
  if (!c) throw new Error(`service ${service} has no running container to dump from; start it (claude apply)`);
  return c;
}

/** postgres: `pg_dumpall --clean --if-exists` as the image's superuser, streamed out and compressed. */
async function postgresDump(spec: BackupSpec, o: BackupRunOptions, partial: string, c: Compression) {
  const ct = await dbContainer(spec, o);
  const pt = new PassThrough();
  const writing = writeCompressed(pt, partial, c);
  writing.catch(() => undefined);
  const r = await execToStream(o.docker, ct.id, ['sh', '-c', 'exec pg_dumpall -U "${POSTGRES_USER:-postgres}" --clean --if-exists'], pt);
  const written = await writing;
  if (r.code !== 0) throw new Error(`pg_dumpall in container ${ct.name} exited with code ${r.code}: ${r.stderr.trim().split('\n').slice(-3).join(' ')}`);
  return { method: `pg_dumpall in container ${ct.name}`, written, fileInVolume: undefined };
}

/** redis: BGSAVE, wait until it finished, then the RDB file copied out of the container. */
async function redisDump(spec: BackupSpec, o: BackupRunOptions, volHost: string, partial: string, c: Compression) {
  const ct = await dbContainer(spec, o);
  // One exec for the whole save (each exec costs a round trip to the Engine): BGSAVE, wait
  // until redis has finished it (its save counter moved on), check its status, print the path.
  const r0 = await execText(o.docker, ct.id, ['sh', '-c', REDIS_SAVE_SCRIPT]);
  if (r0.code !== 0) throw new Error(`redis BGSAVE in container ${ct.name} failed (exit ${r0.code}): ${(r0.stderr || r0.stdout).trim().split('\n').slice(-3).join(' ')}`);
  const rdb = r0.stdout.trim().split('\n').pop() ?? '/data/dump.rdb';
  const target = await mountTarget(o.docker, ct.id, volHost);
  const fileInVolume = target && (rdb === target || rdb.startsWith(target.replace(/\/$/, '') + '/')) ? posix.relative(target, rdb) : undefined;
  const pt = new PassThrough();
  const writing = writeCompressed(pt, partial, c);
  writing.catch(() => undefined);
  const r = await execToStream(o.docker, ct.id, ['cat', rdb], pt);
  const written = await writing;
  if (r.code !== 0) throw new Error(`copying ${rdb} out of container ${ct.name} failed (exit ${r.code}): ${r.stderr.trim()}`);
  return { method: `redis BGSAVE in container ${ct.name} (${rdb})`, written, fileInVolume: fileInVolume ?? posix.basename(rdb) };
}
