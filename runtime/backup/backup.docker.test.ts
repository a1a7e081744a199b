/**
 * Backups and restores against the real Docker Engine and the local postgres and redis
 * images: rows written, backed up (dump, snapshot), changed and deleted, restored, and the
 * original rows read back; redis keys the same; retention keeps exactly N; a backup that
 * fails on a full disk (a small tmpfs the test mounts) prunes nothing and says so; a restore
 * whose service does not come up healthy is rolled back. Every name carries this run's tag;
 * containers, the tmpfs and temp dirs are removed afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { writeFileAtomic } from '../../common/fsutil.js';
import { tempHost, until, type TempHost } from '../testutil/cli-host.js';
import { removeDockerByName } from '../testutil/docker-cleanup.js';
import { dockerFromEnv } from '../jobs/index.js';
import { executeRestore, listSets, planRestore, runBackup, runBackupJob, type BackupSpec } from './index.js';
import { fileDigest } from '../drivers/backup.js';

const tag = `cbak${randomBytes(3).toString('hex')}`;
const hostId = `host-test-${tag}`;
let host: TempHost;
const pg = `pg-${tag}`;
const rd = `rd-${tag}`;
let base: string;
let dataDir: string;
let root: string;
let tmpfsDir: string | null = null;

const docker = (...args: string[]) => execFileSync('docker', args, { encoding: 'utf8' }).trim();
const psql = (sql: string) => docker('exec', pg, 'psql', '-X', '-A', '-t', '-q', '-U', 'postgres', '-d', 'app', '-c', sql);
const redis = (...args: string[]) => docker('exec', rd, 'redis-cli', ...args);
const opts = async () => ({ docker: await dockerFromEnv({}), dataDir, root, hostId, now: () => new Date(), healthTimeoutMs: 120_000 });
const pgSpec = (o: Partial<BackupSpec> = {}): BackupSpec => ({ volume: `pgdata-${tag}`, path: '/data/pg', type: 'dump', engine: 'postgres', services: [pg], retain: 7, ...o });
const rdSpec = (o: Partial<BackupSpec> = {}): BackupSpec => ({ volume: `rddata-${tag}`, path: '/data/redis', type: 'dump', engine: 'redis', services: [rd], retain: 7, ...o });

function installSchedule(specs: BackupSpec[]): void {
  writeFileAtomic(join(dataDir, 'schedule.json'), JSON.stringify({ jobs: specs.map((b) => ({ name: `backup-${b.volume}`, schedule: '0 3 * * *', command: [], timeoutMs: 3_600_000, backup: b })) }, null, 2) + '\n', 0o600);
}

const labels = (svc: string) => ['--label', 'claude.os/managed=true', '--label', `claude.os/service=${svc}`, '--label', `claude.os/host=${hostId}`];

beforeAll(async () => {
  host = tempHost('backup', tag);
  ({ base, dataDir, root } = host);
  mkdirSync(join(root, 'data/pg'), { recursive: true });
  mkdirSync(join(root, 'data/redis'), { recursive: true });
  execFileSync('chown', ['999:999', join(root, 'data/redis')]);
  docker('run', '-d', '--name', pg, ...labels(pg), '-e', 'POSTGRES_PASSWORD=secret-pw', '-e', 'POSTGRES_DB=app', '-v', `${join(root, 'data/pg')}:/var/lib/postgresql/data`, '--health-cmd', 'pg_isready -q -h 127.0.0.1 -U postgres', '--health-interval', '1s', 'claude-os-local/postgres:latest');
  docker('run', '-d', '--name', rd, ...labels(rd), '-v', `${join(root, 'data/redis')}:/data`, '--health-cmd', '[ "$(redis-cli ping)" = PONG ]', '--health-interval', '1s', 'claude-os-local/redis:latest', 'redis-server', '--protected-mode', 'no');
  await until('postgres healthy', () => docker('inspect', '-f', '{{.State.Health.Status}}', pg) === 'healthy');
  await until('redis healthy', () => docker('inspect', '-f', '{{.State.Health.Status}}', rd) === 'healthy');
  installSchedule([pgSpec(), rdSpec()]);
}, 180_000);

afterAll(() => {
  removeDockerByName(tag);
  if (tmpfsDir) {
    try {
      execFileSync('umount', [tmpfsDir]);
    } catch {
      /* not mounted */
    }
  }
  host?.remove();
});

describe('postgres', () => {
  it('dump: rows written, backed up, changed and deleted, restored: the original rows come back', async () => {
    psql("CREATE TABLE items (id int PRIMARY KEY, name text); INSERT INTO items SELECT g, 'item ' || g FROM generate_series(1, 500) g;");
    const original = psql('SELECT count(*), md5(string_agg(id || name, \',\' ORDER BY id)) FROM items');
    const b = await runBackup(pgSpec(), await opts());
    expect(b.error).toBeUndefined();
    expect(b.ok).toBe(true);
    const rec = b.record!;
    expect(rec.file).toMatch(new RegExp(`/backups/pgdata-${tag}/pgdata-${tag}-\\d{8}T\\d{6}Z\\.sql\\.(zst|gz)$`));
    expect(rec.file.startsWith(join(root, 'data/pg'))).toBe(false);
    // size and checksum recorded are those of the file
    expect(await fileDigest(rec.file)).toEqual({ bytes: rec.bytes, sha256: rec.sha256 });
    expect(rec.method).toBe(`pg_dumpall in container ${pg}`);

    psql("DELETE FROM items WHERE id > 100; UPDATE items SET name = 'changed'; CREATE TABLE junk (x int);");
    expect(psql('SELECT count(*) FROM items')).toBe('100');

    const o = await opts();
    const plan = await planRestore(o, `pgdata-${tag}`);
    expect(plan.backup.id).toBe(rec.id);
    expect(plan.steps.join('\n')).toContain(`stop ${pg}`);
    expect(plan.steps.join('\n')).toContain(`load the dump ${rec.id} with psql in ${pg}`);
    const r = await executeRestore(plan, o);
    expect(r.error).toBeUndefined();
    expect(r.ok).toBe(true);
    expect(psql('SELECT count(*), md5(string_agg(id || name, \',\' ORDER BY id)) FROM items')).toBe(original);
    expect(psql("SELECT count(*) FROM pg_tables WHERE tablename = 'junk'")).toBe('0');
    expect(existsSync(join(root, `data/pg.pre-restore-${rec.id}`))).toBe(false);
  }, 240_000);

  it('snapshot: the volume copied with postgres paused; restored, the rows are back', async () => {
    const spec = pgSpec({ type: 'snapshot', engine: undefined, volume: `pgsnap-${tag}` });
    const original = psql('SELECT count(*), md5(string_agg(id || name, \',\' ORDER BY id)) FROM items');
    const b = await runBackup(spec, await opts());
    expect(b.error).toBeUndefined();
    expect(b.record!.method).toBe('tar of /data/pg with 1 container paused');
    expect(docker('inspect', '-f', '{{.State.Status}}', pg)).toBe('running'); // unpaused again
    psql('DROP TABLE items;');
    installSchedule([pgSpec(), rdSpec(), spec]);
    const o = await opts();
    const r = await executeRestore(await planRestore(o, spec.volume), o);
    expect(r.error).toBeUndefined();
    expect(psql('SELECT count(*), md5(string_agg(id || name, \',\' ORDER BY id)) FROM items')).toBe(original);
  }, 240_000);
});

describe('redis', () => {
  it('dump (BGSAVE): keys written, backed up, flushed and overwritten, restored: the original keys come back', async () => {
    docker('exec', rd, 'sh', '-c', 'i=0; while [ $i -lt 50 ]; do redis-cli SET key:$i "value $i" >/dev/null; i=$((i+1)); done');
    const b = await runBackup(rdSpec(), await opts());
    expect(b.error).toBeUndefined();
    expect(b.record!.fileInVolume).toBe('dump.rdb');
    redis('FLUSHALL');
    redis('SET', 'other', 'x');
    const o = await opts();
    const r = await executeRestore(await planRestore(o, rd), o); // by service name
    expect(r.error).toBeUndefined();
    expect(redis('DBSIZE')).toBe('50');
    expect(redis('GET', 'key:7')).toBe('value 7');
    expect(redis('GET', 'other')).toBe('');
  }, 240_000);

  it('retention keeps exactly N: the oldest pruned after each successful run', async () => {
    const spec = rdSpec({ volume: `rdret-${tag}`, retain: 3 });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const b = await runBackup(spec, await opts());
      expect(b.error).toBeUndefined();
      ids.push(b.record!.id);
      expect(b.kept).toBe(Math.min(i + 1, 3));
    }
    const dir = join(dataDir, 'backups', spec.volume);
    const files = readdirSync(dir).filter((f) => !f.endsWith('.json'));
    expect(files).toHaveLength(3);
    expect(readdirSync(dir).filter((f) => f.endsWith('.json'))).toHaveLength(3);
    installSchedule([pgSpec(), rdSpec(), spec]);
    const set = listSets({ dataDir, root }).find((s) => s.name === spec.volume)!;
    expect(set.backups.map((x) => x.id)).toEqual(ids.slice(2).reverse());
  }, 240_000);

  it('a backup that fails on a full disk prunes nothing, says so, and notifies', async () => {
    tmpfsDir = join(base, 'small');
    mkdirSync(tmpfsDir);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', `claude-test-${tag}`, tmpfsDir]);
    const spec = rdSpec({ volume: `rdfull-${tag}`, type: 'archive', engine: undefined, retain: 1, destination: '/full' });
    // the destination lives under CLAUDE_ROOT: point root/full at the tmpfs
    execFileSync('ln', ['-s', tmpfsDir, join(root, 'full')]);
    const first = await runBackup(spec, await opts());
    expect(first.error).toBeUndefined();
    // now the volume holds more than the tmpfs can take
    writeFileSync(join(root, 'data/redis/big.bin'), randomBytes(600 * 1024));
    const out = await runBackupJob({ name: `backup-${spec.volume}`, schedule: '0 3 * * *', command: [], timeoutMs: 60_000, backup: spec }, await opts());
    rmSync(join(root, 'data/redis/big.bin'));
    expect(out.ok).toBe(false);
    expect(out.error).toMatch(/no space left on the device of .*\/full\/rdfull-.* \(\d+ bytes free\)/);
    expect(out.error).toContain('nothing was pruned: the 1 earlier backup is kept');
    const left = readdirSync(join(tmpfsDir, spec.volume));
    expect(left.sort()).toEqual([first.record!.file.split('/').pop()!, first.record!.file.split('/').pop()! + '.json'].sort());
    const notes = readFileSync(join(dataDir, 'notifications.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { kind: string; severity: string; title: string });
    expect(notes).toContainEqual(expect.objectContaining({ kind: 'backup.failed', severity: 'critical', title: `backup of volume ${spec.volume} failed` }));
  }, 240_000);

  it('a restore whose service does not come up healthy is rolled back: the data and the service are as before', async () => {
    // a backup holding a damaged RDB file: redis refuses to start from it
    const spec = rdSpec({ volume: `rdbad-${tag}`, type: 'archive', engine: undefined });
    redis('SET', 'keep', 'me');
    docker('stop', rd);
    const good = join(base, 'good.rdb');
    copyFileSync(join(root, 'data/redis/dump.rdb'), good);
    writeFileSync(join(root, 'data/redis/dump.rdb'), 'REDIS0011 this is not an rdb file');
    const bad = await runBackup(spec, await opts());
    expect(bad.error).toBeUndefined();
    copyFileSync(good, join(root, 'data/redis/dump.rdb'));
    docker('start', rd);
    await until('redis healthy', () => redis('PING') === 'PONG');
    installSchedule([pgSpec(), rdSpec(), spec]);
    const o = await opts();
    const r = await executeRestore(await planRestore(o, spec.volume), { ...o, healthTimeoutMs: 20_000 });
    expect(r.ok).toBe(false);
    expect(r.rolledBack).toBe(true);
    expect(r.error).toContain('rolled back');
    expect(docker('inspect', '-f', '{{.State.Running}}', rd)).toBe('true');
    expect(redis('GET', 'keep')).toBe('me');
    expect(readdirSync(join(root, 'data')).filter((n) => n.includes('pre-restore'))).toEqual([]);
  }, 240_000);
});
