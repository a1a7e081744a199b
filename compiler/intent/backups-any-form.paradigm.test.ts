import { describe, expect, it } from 'vitest';
import { caseFailures } from '../../fixtures/intent-eval/run.js';
import { expectRow } from './offline/testutil/paradigm.js';

// Round 32 (intent3), docs/intent.md "After round 32" → "Mechanisms (intent3)": backups said in
// any form. A schedule (times, days, "twice a day at 6 and 18", "every 6 hours"), a retention by
// count or by age ("keep the last 3", "only 7 days", "the 10 newest"), off, moved ("move the
// nightly backup to 4am"), of a named service's volume only. Never every volume unless the
// person said all ("everything", "all volumes") or no backup is set yet (review 24 MED-5: "move
// the nightly backup to 4am" backed up every volume).
// Written from English before the engine was run on it; none of held-out 25's or para-24's words.
// First run on main (a0c7422): 19/32. After round 32: 30/32.
type Want = Record<string, unknown>;
// Rows still failing (asserted to fail, so a fix turns them into plain rows).
const GAPS = new Set<string>([
  'the nightly backup at 1 is too early, could it be at 3:15?',
  'postgres: backups 3 times a day (8, 14, 20)',
]);
const STACK = ['add postgres', 'add redis', 'add grafana'];
const BACKED = [...STACK, 'back up postgres every night at 1'];
const pg = (more: Want): Want => ({ volume: 'postgres-data', ...more });
const NONE = (...vols: string[]): Want[] => vols.map((volume) => ({ volume, backup_enabled: false }));
const WEEKLY = (m: number, h: number) => [`${m} ${h} * * 0`, `${m} ${h} * * 1`, `${m} ${h} * * SUN`, `${m} ${h} * * MON`, `${m} ${h} * * 7`];

describe('a backup already set: moved, kept, off, only its own volume', () => {
  it.each<[string, Want[]]>([
    ['move the nightly backup to 4am', [pg({ backup_schedule: '0 4 * * *' }), ...NONE('redis-data', 'grafana-data')]],
    ['push the backups to 5:30', [pg({ backup_schedule: '30 5 * * *' }), ...NONE('redis-data', 'grafana-data')]],
    ['can the db backup happen at 2 instead?', [pg({ backup_schedule: '0 2 * * *' }), ...NONE('redis-data', 'grafana-data')]],
    ['the backup should run at 4am from now on', [pg({ backup_schedule: '0 4 * * *' }), ...NONE('redis-data', 'grafana-data')]],
    ['reschedule the daily backup to half past two', [pg({ backup_schedule: '30 2 * * *' }), ...NONE('redis-data', 'grafana-data')]],
    ['keep the last 3', [pg({ retain: 3, backup_schedule: '0 1 * * *' }), ...NONE('redis-data', 'grafana-data')]],
    ['only keep 5 postgres backups', [pg({ retain: 5 }), ...NONE('redis-data', 'grafana-data')]],
    ['only 7 days of backups please', [pg({ retain: 7 }), ...NONE('redis-data', 'grafana-data')]],
    ['keep two weeks of postgres backups', [pg({ retain: 14 }), ...NONE('redis-data', 'grafana-data')]],
    ['hold on to the 10 newest postgres dumps', [pg({ retain: 10 }), ...NONE('redis-data', 'grafana-data')]],
    ['Only keep the 4 newest backups.', [pg({ retain: 4 }), ...NONE('redis-data', 'grafana-data')]],
    ['keep backups for only 7 days', [pg({ retain: 7 }), ...NONE('redis-data', 'grafana-data')]],
    ['back up redis every sunday at 3', [{ volume: 'redis-data', backup_schedule: ['0 3 * * 0', '0 3 * * SUN', '0 3 * * 7'] }, pg({ backup_schedule: '0 1 * * *' }), ...NONE('grafana-data')]],
    ["back up grafana's data weekly", [{ volume: 'grafana-data', backup_enabled: true }, pg({ backup_schedule: '0 1 * * *' }), ...NONE('redis-data')]],
    ['stop backing up postgres', [pg({ backup_enabled: false }), ...NONE('redis-data', 'grafana-data')]],
    ['turn the backups off', [pg({ backup_enabled: false }), ...NONE('redis-data', 'grafana-data')]],
    ['make the postgres backups weekly instead', [pg({ backup_schedule: [...WEEKLY(0, 1), ...WEEKLY(0, 3)] }), ...NONE('redis-data', 'grafana-data')]],
    ['the nightly backup at 1 is too early, could it be at 3:15?', [pg({ backup_schedule: '15 3 * * *' }), ...NONE('redis-data', 'grafana-data')]],
  ])('"%s"', (request, want) => expectRow(caseFailures(request, want, BACKED), GAPS.has(request)));
});

describe('a backup set from nothing', () => {
  it.each<[string, Want[]]>([
    ['back up everything nightly at 2', ['postgres-data', 'redis-data', 'grafana-data'].map((volume) => ({ volume, backup_schedule: '0 2 * * *' }))],
    ['back up all volumes at midnight', ['postgres-data', 'redis-data', 'grafana-data'].map((volume) => ({ volume, backup_schedule: '0 0 * * *' }))],
    // With no backup set, backups said of nothing are every service's data (the blind sets: held-out 17, 18, 20).
    ['set up nightly backups', ['postgres-data', 'redis-data', 'grafana-data'].map((volume) => ({ volume, backup_enabled: true }))],
    ['backups for the database twice a day at 6 and 18', [pg({ backup_schedule: '0 6,18 * * *' }), ...NONE('redis-data', 'grafana-data')]],
    ['I want postgres backed up 2x daily, 7am and 7pm', [pg({ backup_schedule: '0 7,19 * * *' }), ...NONE('redis-data', 'grafana-data')]],
    ['can postgres be backed up every 6 hours?', [pg({ backup_schedule: '0 */6 * * *' }), ...NONE('redis-data', 'grafana-data')]],
    ['back up postgres on weekdays at 23:00', [pg({ backup_schedule: ['0 23 * * 1-5', '0 23 * * MON-FRI'] }), ...NONE('redis-data', 'grafana-data')]],
    ['postgres backup: 1st of each month, 4am, keep 12', [pg({ backup_schedule: '0 4 1 * *', retain: 12 }), ...NONE('redis-data', 'grafana-data')]],
    ['back up the postgres volume every night and keep them for a month', [pg({ retain: 30 }), ...NONE('redis-data', 'grafana-data')]],
    ['daily 3am backup of redis, keep 4', [{ volume: 'redis-data', backup_schedule: '0 3 * * *', retain: 4 }, ...NONE('postgres-data', 'grafana-data')]],
    ['nightly backups at 2 for postgres and redis', [pg({ backup_schedule: '0 2 * * *' }), { volume: 'redis-data', backup_schedule: '0 2 * * *' }, ...NONE('grafana-data')]],
    ['back up the db at 1:30 every day, and keep 10', [pg({ backup_schedule: '30 1 * * *', retain: 10 }), ...NONE('redis-data', 'grafana-data')]],
    ['please make sure postgres gets backed up at 6 in the morning and at 6 in the evening', [pg({ backup_schedule: '0 6,18 * * *' }), ...NONE('redis-data', 'grafana-data')]],
    ['postgres: backups 3 times a day (8, 14, 20)', [pg({ backup_schedule: '0 8,14,20 * * *' }), ...NONE('redis-data', 'grafana-data')]],
  ])('"%s"', (request, want) => expectRow(caseFailures(request, want, STACK), GAPS.has(request)));
});
