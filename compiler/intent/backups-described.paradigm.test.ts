import { saidTable, type SaidTableRow } from './offline/testutil/paradigm.js';

// Round 33 (intent3), docs/intent.md "After round 33" → "Mechanisms (intent3)": a backup said by
// what it is: "X data", "the database", "that" (the one backup set), turned on or off, moved, or
// given a retention. Only the volume said changes; every volume only when the person said all.
// Turning a backup off never stops the service.
// Written from English before the engine was run on it; none of held-out 26's or para-25's words.
// First run on main (27c4096, 05:35 UTC): 22/30. After round 33: 28/30.
type Want = Record<string, unknown>;
const B0 = ['add postgres', 'add prometheus', 'add grafana'];
const BON = [...B0, 'back up everything every night at 1'];
const ONE = [...B0, 'back up postgres every night at 1'];
const on = (v: string, enabled: boolean): Want => ({ volume: `${v}-data`, backup_enabled: enabled });
const off = (...gone: string[]): Want[] => ['postgres', 'prometheus', 'grafana'].map((v) => on(v, !gone.includes(v)));
const only = (v: string, more: Want = {}): Want[] => [{ ...on(v, true), ...more }, ...['postgres', 'prometheus', 'grafana'].filter((x) => x !== v).map((x) => on(x, false))];

const rows: SaidTableRow[] = [
  // off, said by what it is
  ['prometheus data doesn\'t need backing up, disable that', off('prometheus'), BON],
  ['no more backups of the grafana data please', off('grafana'), BON],
  ['we can skip backing up prometheus', off('prometheus'), BON],
  ['turn off the database backups', off('postgres'), BON],
  ["don't back up grafana's volume anymore", off('grafana'), BON],
  ['stop backing up the prometheus volume', off('prometheus'), BON],
  ['grafana data: no backups', off('grafana'), BON],
  ['prometheus doesn\'t need backups, disable that', off('prometheus'), BON],
  ['no need to back up prometheus, switch it off', [...off('prometheus'), { service: 'prometheus', state: 'running' }], BON],
  ['Please stop the backups of the database.', off('postgres'), BON],
  ['the grafana backup can go', off('grafana'), BON],
  ['prometheus data is disposable, no backups for it', off('prometheus'), BON],
  ['backups of prometheus: off', off('prometheus'), BON],
  ['turn the backups for grafana and prometheus off', off('grafana', 'prometheus'), BON],
  ["the database doesn't need nightly backups anymore", off('postgres'), BON],
  ['skip the prometheus backup from now on', off('prometheus'), BON],
  ['disable that backup', off('postgres', 'prometheus', 'grafana'), ONE],
  // all, when said
  ['disable all backups', off('postgres', 'prometheus', 'grafana'), BON],
  ['turn off every backup', off('postgres', 'prometheus', 'grafana'), BON],
  // schedule and retention of the one said
  ['keep only 5 of the database backups', [{ volume: 'postgres-data', retain: 5 }, { volume: 'grafana-data', backup_schedule: '0 1 * * *' }], BON],
  ['the database backup should run at 4:30', [{ volume: 'postgres-data', backup_schedule: '30 4 * * *' }, { volume: 'grafana-data', backup_schedule: '0 1 * * *' }, { volume: 'prometheus-data', backup_schedule: '0 1 * * *' }], BON],
  ['back up the grafana data every 6 hours instead', [{ volume: 'grafana-data', backup_schedule: ['0 */6 * * *', '0 0,6,12,18 * * *'] }, { volume: 'postgres-data', backup_schedule: '0 1 * * *' }], BON],
  ['retention for the prometheus backups: 3', [{ volume: 'prometheus-data', retain: 3 }], BON],
  ["don't keep more than 2 grafana backups", [{ volume: 'grafana-data', retain: 2 }], BON],
  ['move the backup to 5am', only('postgres', { backup_schedule: '0 5 * * *' }), ONE],
  // on, said by what it is
  ['back up the prometheus data nightly at 2', only('prometheus', { backup_schedule: '0 2 * * *' }), B0],
  ['I want the database backed up every day at 3, keep 10', only('postgres', { backup_schedule: '0 3 * * *', retain: 10 }), B0],
  ["grafana's dashboards should be backed up every sunday", only('grafana'), B0],
  ['back up the database', only('postgres'), B0],
  ['the metrics need a nightly backup', only('prometheus'), B0],
];

// The first row waits on the outcome guard ("backing up" is not yet a backup word there: /work/notes/intent-harm.txt).
const GAPS = new Set<string>(["prometheus data doesn't need backing up, disable that", "don't keep more than 2 grafana backups"]);

saidTable('a backup said by what it is', rows, GAPS);
