import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runOfflineEngine } from './engine.js';
import type { StateFiles } from '../provider.js';

const NOW = new Date('2026-05-01T10:00:00Z');
const say = (message: string, files: StateFiles = {}) => runOfflineEngine({ message, files, history: [], secretNames: [], imageCatalog: {}, now: NOW });
const after = (...requests: string[]): StateFiles => requests.reduce<StateFiles>((files, r) => ({ ...files, ...say(r, files).files }), {});
const jobs = (files: StateFiles) => (parse(files['scheduled.yaml'] ?? 'spec: {jobs: []}') as { spec: { jobs: { schedule: string; container?: string; command?: string }[] } }).spec.jobs;

// Round 19, my own wording: a job said with its command first, in brackets or after a colon,
// the time after, several times of day in one list, clock words and a mistyped "every".
describe('jobs: command, container and time in any order', () => {
  const base = after('run ghcr.io/acme/shop:2 as worker', 'deploy ghcr.io/acme/api:1.4 as api on port 8080', 'add redis', 'add postgres');
  it.each([
    ['redis-cli FLUSHALL on the redis cache every sunday at 4am', '0 4 * * 0', 'redis', 'FLUSHALL'],
    ['evry 15 mins run `node scripts/sync.js` in the api container', '*/15 * * * *', 'api', 'sync.js'],
    ['twice a day, 6am and 6pm, run prune.sh on the worker', '0 6,18 * * *', 'worker', 'prune.sh'],
    ['flush the redis cache every night at 3 (redis-cli FLUSHALL)', '0 3 * * *', 'redis', 'FLUSHALL'],
    ['at 11pm every friday run weekly-digest in worker', '0 23 * * 5', 'worker', 'weekly-digest'],
    ['cron job in worker: `python sync.py` at half past midnight', '30 0 * * *', 'worker', 'sync.py'],
    ['in the worker run cleanup.sh at quarter past 2 every day', '15 2 * * *', 'worker', 'cleanup.sh'],
    ['run report.sh in worker at quarter to 6 on weekdays', '45 5 * * 1-5', 'worker', 'report.sh'],
    ['vacuumdb --all --analyze on postgres every monday at 9am and 5pm', '0 9,17 * * 1', 'postgres', 'vacuumdb'],
    ['run vacuumdb --all --analyze on postgres every sunday at 4am', '0 4 * * 0', 'postgres', 'vacuumdb'],
    ['every day at noon and midnight run rotate.sh in the worker', '0 0,12 * * *', 'worker', 'rotate.sh'],
    ['Every Twelve Hours run sync.sh in the api', '0 */12 * * *', 'api', 'sync.sh'],
  ])('%s', (message, cron, container, command) => {
    const j = jobs({ ...base, ...say(message, base).files });
    expect(j).toEqual([expect.objectContaining({ schedule: cron, container, command: expect.stringContaining(command) })]);
  });
});
