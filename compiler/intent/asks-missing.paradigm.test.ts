import { saidTable, type SaidTableRow } from './offline/testutil/paradigm.js';

// Round 34 (intent2), docs/intent.md "After round 34" → "Mechanisms (intent2)": a request with a
// missing value asks back, naming what is missing with the candidates from the state, and changes
// nothing: a setting said with no value in any order and with any politeness around it ("the
// port, please change it", "I'd like to change the port, can you do that?"), a size with no unit
// ("set the memory to 2"), a script or report to schedule that no job runs, a service pointed at
// that fits several ("the othr one").
// Written from English before the engine was run on it; none of held-out 27's or para-26's words.
// After round 34: 28/31 ('hostname needs to be different' set the hostname to "different"); after
// round 35 (INTENT's known bug 4: it asks for the name) 29/31, the two gaps below. Not run on main
// before the change (the machine at load 20; see the report).
type Want = Record<string, unknown>;
const ASKS: Want[] = [{ asks: true, no_change: true }];
const asksNaming = (says: string): Want[] => [{ asks: true, no_change: true, says }];
const WEB = ['add nginx'];
const TWO = ['add redis', 'add postgres'];
const THREE = ['add redis', 'add grafana', 'add nginx'];
const WORKER = ['run python:3.12-slim as worker with command `python worker.py`'];

const rows: SaidTableRow[] = [
  // a setting with no value, any order, any politeness
  ['another port', ASKS, WEB],
  ['new port pls', ASKS, WEB],
  ['the port needs changing', ASKS, WEB],
  ['Port: change it, please.', ASKS, WEB],
  ['could you change the port for me?', ASKS, WEB],
  ["I'd like a different image, is that possible?", ASKS, WEB],
  ['the image, update it please', ASKS, WEB],
  ['i want to change the memory, can you do it?', ASKS, TWO],
  ['memory limit, change it pls', ASKS, TWO],
  ['change teh image', ASKS, WEB],
  ['pls swap the port', ASKS, WEB],
  ['The timezone, please change it.', ASKS],
  ['hostname needs to be different', ASKS],
  // a size with no unit, or for no service
  ['set the memory to 4', asksNaming('redis'), TWO],
  ['memory 512 please', ASKS, TWO],
  ['give it 3 of memory', ASKS, TWO],
  ['cap the ram at 8', ASKS, TWO],
  ['ram to 1', ASKS, TWO],
  // a script or report to schedule that nothing runs
  ['schedule the backup script', ASKS, WORKER],
  ['schedule nightly report', ASKS, WORKER],
  ['Please set up a schedule for the export script.', ASKS, WORKER],
  ['make the purge script run on a schedule', ASKS, WORKER],
  ['schedule the digest', ASKS, WORKER],
  ['can you schedule the invoice report?', ASKS, WORKER],
  ['put the sync script on a schedule', ASKS, WORKER],
  // a service pointed at that fits several, with typos
  ['remove the othr one', asksNaming('grafana'), THREE],
  ['delete the other 1', ASKS, THREE],
  ['stop the 2nd one', ASKS, THREE],
  ['that other service can go', ASKS, THREE],
  ['get rid of teh other one', ASKS, THREE],
  ['restart the othr container', ASKS, THREE],
];

const GAPS = new Set<string>(["I'd like a different image, is that possible?", 'that other service can go']);

saidTable('a missing value is asked, with the candidates', rows, GAPS);
