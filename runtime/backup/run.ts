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

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

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
  const cli = async (...args: string[]) => {
    const r = await execText(o.docker, ct.id, ['redis-cli', ...args]);
    if (r.code !== 0) throw new Error(`redis-cli ${args[0]} in container ${ct.name} exited with code ${r.code}: ${(r.stderr || r.stdout).trim()}`);
    return r.stdout.trim();
  };
  const info = async () => Object.fromEntries((await cli('INFO', 'persistence')).split(/\r?\n/).filter((l) => l.includes(':')).map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()]));
  const i0 = await info();
  const saves0 = Number(i0.rdb_saves ?? NaN);
  const last0 = Number(await cli('LASTSAVE'));
  const reply = await cli('BGSAVE');
  if (!/started|scheduled|in progress/i.test(reply)) throw new Error(`redis BGSAVE in container ${ct.name} answered: ${reply}`);
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    const i = await info();
    const done = i.rdb_bgsave_in_progress === '0' && (Number.isFinite(saves0) ? Number(i.rdb_saves) > saves0 : Number(i.rdb_last_save_time) > last0);
    if (done) {
      if (i.rdb_last_bgsave_status !== 'ok') throw new Error(`redis BGSAVE in container ${ct.name} failed (rdb_last_bgsave_status:${i.rdb_last_bgsave_status}); see docker logs ${ct.name}`);
      break;
    }
    if (Date.now() > deadline) throw new Error(`redis BGSAVE in container ${ct.name} did not finish within 10 minutes`);
    await sleep(100);
  }
  const dirReply = (await cli('CONFIG', 'GET', 'dir')).split(/\r?\n/);
  const fileReply = (await cli('CONFIG', 'GET', 'dbfilename')).split(/\r?\n/);
  const rdb = posix.join(dirReply[1] ?? '/data', fileReply[1] ?? 'dump.rdb');
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
