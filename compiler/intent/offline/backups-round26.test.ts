import { describe, expect, it } from 'vitest';
import { after, doc, passes, say } from '../../../test/offline-engine.js';

// Round 26 (intent2), my own wording for held-out 19's and practice 20's backups: a restore is
// not a change of state (it says how, with `claude restore`, and changes nothing); a retention
// said as a setting ("bump retention on X to 30", "X: keep 5", "keep only 3 backups of X") sets
// the number of copies kept and nothing else; a backup moved to another time keeps its type.
const BEFORE = ['add postgres with its data on a volume named pgdata', 'back up pgdata every night at 1am and keep 14'];
const backup = (files: ReturnType<typeof after>) => (doc(files, 'storage.yaml').spec?.volumes ?? []).find((v: { name: string }) => v.name === 'pgdata')?.backup;

describe('a restore says how and changes nothing', () => {
  const base = after(...BEFORE);
  it.each([
    "restore pgdata from last night's backup",
    'Restore PGDATA From Last Nights Backup',
    'restore the database from the latest backup, the migration went wrong',
    "roll pgdata back to yesterday's backup",
    'recover pgdata from a backup',
    'can you restore postgres from backup?',
    'put back the pgdata backup from last night',
    'i need the data from the backup of monday restored',
  ])('"%s"', (message) => {
    const r = say(message, base);
    expect(r.files).toEqual({});
    expect(r.refused).toBeUndefined();
    expect(r.understood).not.toBe(false);
    expect(r.explanation).toMatch(/claude restore/);
  });
  it('"restore" of a stopped service still starts it', () => {
    const files = after('add redis', 'stop redis');
    expect(say('restore redis', files).files['services.yaml']).toBeDefined();
  });
});

describe('retention said as a setting', () => {
  it.each([
    ['bump retention on pgdata to 30 backups', 30],
    ['set pgdata retention to 10', 10],
    ['change the pgdata retention to 9 backups', 9],
    ['retention for pgdata: 20 copies', 20],
    ['pgdata: keep 5', 5],
    ['keep only 3 backups of pgdata, the disk is small', 3],
    ['Keep Only 3 Backups Of pgdata', 3],
    ['only keep the last 3 of the pgdata backups', 3],
    ['lower the retention of pgdata to 4', 4],
  ])('"%s"', (message, n) => passes(message, [{ volume: 'pgdata', retain: n, backup_schedule: '0 1 * * *' }], BEFORE));
  it('the image is never the number', () => {
    const base = after(...BEFORE);
    expect(say('bump retention on pgdata to 30 backups', base).files['services.yaml']).toBeUndefined();
  });
});

describe('a backup moved keeps its type', () => {
  it.each([
    ['move the pgdata backup to 4:30am', '30 4 * * *'],
    ['move the nightly pgdata dump to 4:45 am, it collides with the etl', '45 4 * * *'],
    ['shift the pgdata backups to 2am', '0 2 * * *'],
    ['push the postgres backup to 5am', '0 5 * * *'],
    ['Move The pgdata Backup To 4:30am', '30 4 * * *'],
  ])('"%s"', (message, cron) => {
    const base = after(...BEFORE);
    const was = backup(base);
    const r = say(message, base);
    const now = backup({ ...base, ...r.files });
    expect(now?.schedule).toBe(cron);
    expect(now?.type).toBe(was?.type);
    expect(now?.retain).toBe(14);
    expect(r.files['services.yaml']).toBeUndefined();
  });
});
