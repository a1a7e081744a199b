/**
 * Backup and restore of a ~100 MB PostgreSQL database (on demand, not a test; root, dockerd,
 * the local postgres image):
 *
 *   npm run build && npm run bench -- backup [--mb 100] [--runs 1]
 *
 * A postgres container (claude-os-local/postgres) is filled with --mb MB of rows
 * (pg_database_size). Then, side by side in one run:
 *   - `claude`-dump: runtime/backup runBackup type dump (pg_dumpall streamed out, zstd, sha256)
 *     against its peer, the shell one-liner `docker exec … pg_dumpall | zstd -3 > file`;
 *   - snapshot: runBackup type snapshot (tar of the data dir with the container paused);
 *   - restore: executeRestore of the dump (stop, move aside, fresh initdb, psql load,
 *     health-check) against its peer, `docker exec -i … psql < dump` into the running server.
 * The container and the temp dirs are removed at the end.
 */
import { execFileSync, execSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../common/fsutil.js';
import { dockerFromEnv } from '../runtime/jobs/index.js';
import { executeRestore, planRestore, runBackup, type BackupSpec } from '../runtime/backup/index.js';
import { median, ratioLine } from './common.js';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : dflt;
};
const mb = Number(arg('--mb', '100'));
const runs = Number(arg('--runs', '1'));
const tag = `bbak${randomBytes(3).toString('hex')}`;
const hostId = `host-bench-${tag}`;
const pg = `pg-${tag}`;
const base = mkdtempSync(join(tmpdir(), `claude-bench-backup-${tag}-`));
const dataDir = join(base, 'data');
const root = join(base, 'root');
const docker = (...a: string[]) => execFileSync('docker', a, { encoding: 'utf8', maxBuffer: 1 << 26 }).trim();
const psql = (sql: string) => docker('exec', pg, 'psql', '-X', '-A', '-t', '-q', '-U', 'postgres', '-d', 'app', '-c', sql);
const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function main(): Promise<void> {
  mkdirSync(join(root, 'data/pg'), { recursive: true });
  writeFileAtomic(join(dataDir, 'host-id'), hostId + '\n');
  docker('run', '-d', '--name', pg, '--label', 'claude.os/managed=true', '--label', `claude.os/service=${pg}`, '--label', `claude.os/host=${hostId}`, '-e', 'POSTGRES_PASSWORD=bench', '-e', 'POSTGRES_DB=app', '-v', `${join(root, 'data/pg')}:/var/lib/postgresql/data`, '--health-cmd', 'pg_isready -q -h 127.0.0.1 -U postgres', '--health-interval', '1s', 'claude-os-local/postgres:latest');
  for (let i = 0; ; i++) {
    try {
      if (docker('inspect', '-f', '{{.State.Health.Status}}', pg) === 'healthy') break;
    } catch {
      /* starting */
    }
    if (i > 600) throw new Error('postgres did not become healthy');
    await new Promise((r) => setTimeout(r, 200));
  }
  // ~ 330 bytes a row on disk with its index
  const rows = Math.round((mb * 1024 * 1024) / 330);
  psql(`CREATE TABLE items (id bigint PRIMARY KEY, name text, body text); INSERT INTO items SELECT g, md5(g::text), repeat(md5((g * 7)::text), 6) FROM generate_series(1, ${rows}) g; ANALYZE items;`);
  const size = Number(psql("SELECT pg_database_size('app')"));
  const checksum = psql("SELECT count(*) || ':' || md5(string_agg(md5(id || name || body), '' ORDER BY id)) FROM items");
  console.log(`database app: ${(size / 1048576).toFixed(1)} MB (${rows} rows)`);
  writeFileAtomic(join(dataDir, 'schedule.json'), JSON.stringify({ jobs: [] }), 0o600);
  const o = { docker: await dockerFromEnv(process.env), dataDir, root, hostId, now: () => new Date(), healthTimeoutMs: 600_000 };
  const spec: BackupSpec = { volume: `pg-${tag}`, path: '/data/pg', type: 'dump', engine: 'postgres', services: [pg], retain: 100 };
  writeFileAtomic(join(dataDir, 'schedule.json'), JSON.stringify({ jobs: [{ name: `backup-${spec.volume}`, schedule: '0 3 * * *', command: [], timeoutMs: 3_600_000, backup: spec }] }), 0o600);

  const ours: number[] = [];
  const peer: number[] = [];
  const snap: number[] = [];
  let dumpBytes = 0;
  let snapBytes = 0;
  for (let r = 0; r < runs; r++) {
    let t = performance.now();
    const b = await runBackup(spec, o);
    ours.push(performance.now() - t);
    if (!b.ok) throw new Error(b.error);
    dumpBytes = b.record!.bytes;
    const peerFile = join(base, `peer-${r}.sql.zst`);
    t = performance.now();
    execSync(`docker exec ${pg} sh -c 'exec pg_dumpall -U postgres --clean --if-exists' | zstd -q -3 -T0 > ${peerFile}`);
    peer.push(performance.now() - t);
    t = performance.now();
    const s = await runBackup({ ...spec, type: 'snapshot', engine: undefined, volume: `pgsnap-${tag}` }, o);
    snap.push(performance.now() - t);
    if (!s.ok) throw new Error(s.error);
    snapBytes = s.record!.bytes;
  }
  console.log(`backup, dump (pg_dumpall → zstd, sha256, record): median ${sec(median(ours))} → ${(dumpBytes / 1048576).toFixed(1)} MB`);
  console.log(`peer: docker exec pg_dumpall | zstd -3 > file: median ${sec(median(peer))} → ${(statSync(join(base, 'peer-0.sql.zst')).size / 1048576).toFixed(1)} MB`);
  console.log(`backup, snapshot (tar of the data dir, container paused, zstd): median ${sec(median(snap))} → ${(snapBytes / 1048576).toFixed(1)} MB`);
  ratioLine('backup dump vs docker exec pg_dumpall | zstd', median(ours) / median(peer), 1.2);

  // restore: ours (stop, aside, fresh initdb, load, health) vs psql < dump into the live server
  psql('DELETE FROM items WHERE id % 2 = 0;');
  let t = performance.now();
  const plan = await planRestore(o, spec.volume);
  const res = await executeRestore(plan, o);
  const oursRestore = performance.now() - t;
  if (!res.ok) throw new Error(res.error);
  const back = psql("SELECT count(*) || ':' || md5(string_agg(md5(id || name || body), '' ORDER BY id)) FROM items");
  if (back !== checksum) throw new Error(`restored data differs: ${back} vs ${checksum}`);
  psql('DELETE FROM items WHERE id % 2 = 0;');
  t = performance.now();
  execSync(`zstd -q -d -c ${join(base, 'peer-0.sql.zst')} | docker exec -i ${pg} psql -X -q -U postgres -d postgres >/dev/null 2>&1`);
  const peerRestore = performance.now() - t;
  console.log(`restore of the dump (stop, set aside, initdb, psql load, health-check): ${sec(oursRestore)}; data checked (${checksum.split(':')[0]} rows, md5 equal)`);
  console.log(`peer: zstd -d | docker exec -i psql into the running server: ${sec(peerRestore)}`);
  ratioLine('restore dump vs psql < dump', oursRestore / peerRestore, 1.5);
}

try {
  await main();
} finally {
  try {
    docker('rm', '-f', pg);
  } catch {
    /* not created */
  }
  rmSync(base, { recursive: true, force: true });
}
