import { saidTable, type SaidTableRow } from './offline/testutil/paradigm.js';

// Round 33 (intent3), docs/intent.md "After round 33" → "Mechanisms (intent3)": what must ask. A
// change with no value ("change the port"), a reference that fits several ("the other one", "that
// service" with none under discussion), a thing the host lacks ("the cleanup script"): it asks,
// with the candidates, and changes nothing. The same request with its value is planned.
// Written from English before the engine was run on it; none of held-out 26's or para-25's words.
// First run on main (27c4096, 05:35 UTC): 13/31 (then without "change port"). After round 33: 32/32.
type Want = Record<string, unknown>;
const ASKS: Want[] = [{ asks: true }, { no_change: true }];
const WEB = ['add nginx'];
const TWO = ['add nginx', 'add redis'];
const THREE = ['add redis', 'add grafana', 'add nginx'];
const APPS = ['deploy python:3.12-slim as worker', 'add postgres'];

const rows: SaidTableRow[] = [
  // no value
  ['change the port', ASKS, WEB],
  ['change port', ASKS, WEB],
  ['update the port please', ASKS, WEB],
  ['set a new port', ASKS, TWO],
  ['change the memory limit', ASKS, WEB],
  ['I want a different port', ASKS, WEB],
  ['switch the port to something else', ASKS, WEB],
  ['change the port number', ASKS, WEB],
  ['change the image', ASKS, WEB],
  ['set the timezone', ASKS],
  ['change the hostname', ASKS],
  ['limit the memory', ASKS, WEB],
  ['increase the memory', ASKS, TWO],
  ['add a user', ASKS],
  ['open a port', ASKS],
  ['give it a different name', ASKS, WEB],
  // a thing the host lacks
  ['schedule the cleanup script', ASKS, APPS],
  ['run the export script every night', ASKS, APPS],
  ['set up the cron job we talked about', ASKS, APPS],
  ['enable the cleanup script', ASKS, WEB],
  // a reference that fits several
  ['remove the other one', ASKS, THREE],
  ['stop that service', ASKS, THREE],
  ['restart the other service', ASKS, THREE],
  ['get rid of that one', ASKS, THREE],
  ['the other one can go', ASKS, THREE],
  ['move the other one to 8081', ASKS, TWO],
  ['delete the second one', ASKS, THREE],
  // the same with its value is planned
  ['change the port to 8080', [{ service: 'nginx', host_port: 8080 }], WEB],
  ['remove grafana', [{ service: 'grafana', absent: true }, { unchanged: 'redis' }, { unchanged: 'nginx' }], THREE],
  ['schedule python cleanup.py in worker every night at 2', [{ job_schedule: '0 2 * * *', container: 'worker', command_has: 'cleanup.py' }], APPS],
  ['set the timezone to Europe/Lisbon', [{ timezone: 'Europe/Lisbon' }]],
  ['limit nginx to 256m of memory', [{ service: 'nginx', memory: '256Mi' }], WEB],
];

const GAPS = new Set<string>([]);

saidTable('what must ask', rows, GAPS);
