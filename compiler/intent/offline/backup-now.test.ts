import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { runOfflineEngine } from './engine.js';
import type { StateFiles } from '../provider.js';

// Found in the lead's tmux walkthrough (2026-12-05): with postgres backed up daily at 03:00 and
// 3 kept, "back up lw14db now" proposed moving the schedule to 12:00 every day and keeping 7. A
// backup now is not a state change: it is answered with the command that runs the volume's
// backup job (`claude backups run <volume>`), and nothing is changed. A new schedule keeps
// the count kept unless the request says one.
const NOW = new Date('2026-05-01T10:00:00Z');
const CATALOG = { 'postgres:16-alpine': 'claude-os-local/postgres:latest', 'redis:7-alpine': 'claude-os-local/redis:latest' };
const run = (message: string, files: StateFiles = {}) => runOfflineEngine({ message, files, history: [], secretNames: [], imageCatalog: CATALOG, now: NOW });
const setUp = (first: string) => run(first).files;
const backup = (files: StateFiles, v: string) =>
  ((parseYaml(files['storage.yaml'] ?? 'spec: {volumes: []}') as { spec: { volumes?: { name: string; backup?: { schedule?: string; retain?: number; enabled?: boolean } }[] } }).spec.volumes ?? []).find((x) => x.name === v)?.backup;

describe('a backup now is a command to run, not a change', () => {
  const files = setUp('set up postgres called lw14db with daily backups, keep 3');
  it('the set-up keeps 3, daily', () => {
    expect(backup(files, 'lw14db-data')).toMatchObject({ enabled: true, schedule: '0 3 * * *', retain: 3 });
  });
  it.each([
    'back up lw14db now',
    'run a backup of the db right now',
    'back up postgres immediately',
    'take a backup now please',
    'Backup lw14db NOW',
    'can you back it up right away',
    'do a backup of lw14db asap',
    'backup the database now, im about to upgrade it',
  ])('%s', (message) => {
    const p = run(message, files);
    expect(Object.keys(p.files), p.explanation).toEqual([]);
    expect(p.explanation).toContain('claude backups run lw14db-data');
  });

  it('a volume with no backup yet says how to set one up, and changes nothing', () => {
    const bare = setUp('set up postgres called lw14db');
    const p = run('back up lw14db now', bare);
    expect(Object.keys(p.files)).toEqual([]);
    expect(p.explanation).toMatch(/lw14db-data has no backup set up yet: say "back it up every night"/);
  });

  it('"now and every night" still sets the schedule', () => {
    const bare = setUp('set up postgres called lw14db');
    const p = run('back up lw14db every night at 1am from now on', bare);
    expect(backup({ ...bare, ...p.files }, 'lw14db-data')).toMatchObject({ enabled: true, schedule: '0 1 * * *' });
  });

  it('a new time keeps the count kept; a count said with it is taken', () => {
    const p = run('back up lw14db at noon every day', files);
    expect(backup({ ...files, ...p.files }, 'lw14db-data')).toMatchObject({ schedule: '0 12 * * *', retain: 3 });
    expect(p.explanation).toContain('last 3 kept');
    const q = run('back up lw14db at noon every day, keep 5', files);
    expect(backup({ ...files, ...q.files }, 'lw14db-data')).toMatchObject({ schedule: '0 12 * * *', retain: 5 });
  });

  it('a clause with now that is not about a backup gets no backup note', () => {
    for (const message of ['add redis now', 'give lw14db 1gb of memory now']) {
      expect(run(message, files).explanation, message).not.toMatch(/backup/i);
    }
  });
});

describe('the backup now is offered for the CLI to ask and run (Proposal.offer)', () => {
  const two = ['set up postgres called pga1 with daily backups', 'add postgres called pgb1', 'back up pgb1 every night'].reduce<StateFiles>((f, m) => ({ ...f, ...run(m, f).files }), {});
  it.each([
    ['back up the database now', ['pga1-data', 'pgb1-data']],
    ['take a backup now', ['pga1-data', 'pgb1-data']],
    ['back up the pgb1 database now', ['pgb1-data']],
    ['back up pga1 right away', ['pga1-data']],
  ])('%s', (message, volumes) => {
    const p = run(message, two);
    expect(Object.keys(p.files)).toEqual([]);
    expect(p.offer).toMatchObject({ kind: 'backup-now', volumes });
    expect(p.explanation).toContain(p.offer!.said);
  });
  it('a volume with no backup is not offered', () => {
    expect(run('back up lw14db now', setUp('set up postgres called lw14db')).offer).toBeUndefined();
  });
});

// MEND-22 (the last walkthrough): with two postgres services, "back up postgres now" offered
// the first one found (pga1-data) and never asked which; each is offered now, and the CLI asks
// (offerBackupNow's numbered choice). Also when one of them is called postgres.
describe('"back up postgres now" with two postgres services offers each (the CLI asks which)', () => {
  const two = ['set up postgres called pga1 with daily backups', 'add postgres called pgb1', 'back up pgb1 every night'].reduce<StateFiles>((f, m) => ({ ...f, ...run(m, f).files }), {});
  it.each(['back up postgres now', 'take a postgres backup right away', 'Backup Postgres NOW'])('%s', (message) => {
    const p = run(message, two);
    expect(Object.keys(p.files)).toEqual([]);
    expect(p.offer).toMatchObject({ kind: 'backup-now', volumes: ['pga1-data', 'pgb1-data'] });
  });
  it('one called postgres and one called mydb, both backed up: both offered; "back up mydb now" is mydb alone', () => {
    const files = ['set up postgres with daily backups', 'set up postgres called mydb with daily backups'].reduce<StateFiles>((f, m) => ({ ...f, ...run(m, f).files }), {});
    expect(run('back up postgres now', files).offer).toMatchObject({ volumes: ['postgres-data', 'mydb-data'] });
    expect(run('back up mydb now', files).offer).toMatchObject({ volumes: ['mydb-data'] });
  });
  it('with one postgres, the word is that one', () => {
    expect(run('back up postgres now', setUp('set up postgres called lw14db with daily backups')).offer).toMatchObject({ volumes: ['lw14db-data'] });
  });
});

// MEND-22: "set up postgres called mydb with daily backups" beside a postgres there already put
// the backup on the old database's volume (postgres-data: the word postgres was read as the
// service called postgres); the backup belongs to the database this request adds.
describe('a new postgres "with daily backups" beside an old one backs up the new one', () => {
  it.each([
    ['set up postgres', 'set up postgres called mydb with daily backups', 'mydb-data', 'postgres-data'],
    ['set up postgres called olddb', 'add a postgres called newdb with nightly backups', 'newdb-data', 'olddb-data'],
    ['set up postgres', 'set up another postgres called reports and back it up every day', 'reports-data', 'postgres-data'],
  ])('%s, then "%s"', (first, second, fresh, old) => {
    const before = setUp(first);
    const p = run(second, before);
    const after = { ...before, ...p.files };
    expect(backup(after, fresh), p.explanation).toMatchObject({ enabled: true });
    expect(backup(after, old), p.explanation).toBeUndefined();
    expect(p.explanation).not.toContain(`volume ${old}`);
  });
  it('an old service said by its own name is still backed up with it', () => {
    const before = setUp('set up postgres called olddb');
    const p = run('add postgres called newdb and back up olddb nightly', before);
    const after = { ...before, ...p.files };
    expect(p.explanation).toContain('+ newdb: postgres');
    expect(backup(after, 'olddb-data'), p.explanation).toMatchObject({ enabled: true });
  });
});

describe('a CPU limit above the host cores is said, not proposed (CLA4008 at plan time)', () => {
  it('"give web 64 cpus" on a 2-core host changes nothing and says why; 2 cpus is proposed', () => {
    const files = setUp('add redis');
    const summary = { generatedAt: NOW.toISOString(), hostname: 'h', uptime: '1h', resources: { cpuCores: 2 }, services: [] };
    const ask = (message: string) => runOfflineEngine({ message, files, history: [], secretNames: [], imageCatalog: CATALOG, now: NOW, summary } as Parameters<typeof runOfflineEngine>[0]);
    const p = ask('give redis 64 cpus');
    expect(Object.keys(p.files)).toEqual([]);
    expect(p.explanation).toContain('That cannot be done as asked: redis cannot get 64 CPUs, this host has 2 cores (Docker refuses more). Nothing was changed');
    expect(ask('give redis 2 cpus').files['services.yaml']).toContain('cpu: "2"');
  });
});
