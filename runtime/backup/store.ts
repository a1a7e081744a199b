/**
 * Where backups live and what is recorded about each (docs/backups.md):
 *
 *   <destination>/<volume>/<volume>-<id>.<ext>        the backup (id = UTC yyyymmddThhmmssZ)
 *   <destination>/<volume>/<volume>-<id>.<ext>.json   its record: type, method, size, sha256, times
 *   <destination>/<volume>/<volume>-<id>.<ext>.partial  only while it is being written
 *
 * `<destination>` is the backup's `destination` under CLAUDE_ROOT, or `<data dir>/backups`.
 * A backup without its record (or a record without its file) is not listed: the record is
 * written last, after the file is complete and renamed into place.
 */
import { existsSync, readdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { underRoot } from '../../common/paths.js';
import type { JobSpec } from '../../plan/types.js';
import type { BackupSpec } from '../../generated/plan.js';
import { readSchedule } from '../jobs/store.js';

export type { BackupSpec };

export const BACKUPS_DIR = 'backups';

/** What is recorded beside each backup file (`<file>.json`). */
export interface BackupRecord {
  /** The backup set: the volume's name. */
  name: string;
  /** UTC time it started, `yyyymmddThhmmssZ` (a `-N` suffix when two start in one second). */
  id: string;
  /** Absolute host path of the backup file. */
  file: string;
  type: BackupSpec['type'];
  engine?: BackupSpec['engine'];
  /** What made it: `tar of /data/pg`, `pg_dumpall in container app-db-1`, `redis BGSAVE in container cache-1`. */
  method: string;
  /** The content before compression: a tar of the directory, an SQL script, an RDB file. */
  format: 'tar' | 'sql' | 'rdb';
  compression: 'zstd' | 'gzip';
  /** Size and sha256 of the file as written (compressed). */
  bytes: number;
  sha256: string;
  createdAt: string;
  finishedAt: string;
  durationMs: number;
  /** The volume's logical host path. */
  volumePath: string;
  services: string[];
  /** For a redis dump: the RDB file's path inside the volume (e.g. `dump.rdb`). */
  fileInVolume?: string;
  /** e.g. tar saw files change while it read them. */
  warning?: string;
}

export interface BackupSet {
  name: string;
  /** The schedule table's backup spec, when one is installed for this volume. */
  spec?: BackupSpec;
  schedule?: string;
  /** The directory holding this set's backups. */
  dir: string;
  /** Newest first. */
  backups: BackupRecord[];
}

/** The destination directory (host path) of a backup spec. */
export function destinationDir(spec: Pick<BackupSpec, 'destination'>, o: { dataDir: string; root: string }): string {
  return spec.destination ? underRoot(o.root, spec.destination) : join(o.dataDir, BACKUPS_DIR);
}

export function setDir(spec: BackupSpec, o: { dataDir: string; root: string }): string {
  return join(destinationDir(spec, o), spec.volume);
}

/** True when `inner` is `outer` or lies inside it (symlinks resolved where the paths exist). */
export function isInside(inner: string, outer: string): boolean {
  const real = (p: string) => {
    // resolve the longest existing prefix, keep the rest as written
    let head = p;
    const tail: string[] = [];
    while (!existsSync(head) && head !== '/') {
      tail.unshift(head.slice(head.lastIndexOf('/') + 1));
      head = head.slice(0, head.lastIndexOf('/')) || '/';
    }
    try {
      return join(realpathSync(head), ...tail);
    } catch {
      return p;
    }
  };
  const i = real(inner);
  const o = real(outer);
  return i === o || i.startsWith(o.endsWith('/') ? o : o + '/');
}

/** The records in one set directory, newest first (damaged records are skipped). */
export function readSetDir(dir: string): BackupRecord[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const out: BackupRecord[] = [];
  for (const n of names) {
    if (!n.endsWith('.json')) continue;
    try {
      const r = JSON.parse(readFileSync(join(dir, n), 'utf8')) as BackupRecord;
      if (typeof r.id !== 'string' || typeof r.file !== 'string') continue;
      // the record travels with its file: use the file beside it (the directory may have moved)
      const file = join(dir, n.slice(0, -'.json'.length));
      if (!existsSync(file)) continue;
      out.push({ ...r, file });
    } catch {
      /* not a record */
    }
  }
  return out.sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
}

/** The backup jobs of the installed schedule table. */
export function scheduledBackups(dataDir: string): (JobSpec & { backup: BackupSpec })[] {
  return readSchedule(dataDir).filter((j): j is JobSpec & { backup: BackupSpec } => j.backup !== undefined);
}

/**
 * Every backup set: those the schedule table installs, and any other set directory in the
 * default destination (a volume whose backups were turned off keeps its backups).
 */
export function listSets(o: { dataDir: string; root: string }): BackupSet[] {
  const sets = new Map<string, BackupSet>();
  for (const j of scheduledBackups(o.dataDir)) {
    const dir = setDir(j.backup, o);
    sets.set(j.backup.volume, { name: j.backup.volume, spec: j.backup, schedule: j.schedule, dir, backups: readSetDir(dir) });
  }
  const def = join(o.dataDir, BACKUPS_DIR);
  try {
    for (const n of readdirSync(def).sort()) {
      if (sets.has(n)) continue;
      const backups = readSetDir(join(def, n));
      if (backups.length) sets.set(n, { name: n, dir: join(def, n), backups });
    }
  } catch {
    /* no default destination yet */
  }
  return [...sets.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Removes a backup (its file, then its record). */
export function removeBackup(r: BackupRecord): void {
  rmSync(r.file, { force: true });
  rmSync(r.file + '.json', { force: true });
}
