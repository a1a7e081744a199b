import { saidTable, type SaidTableRow } from './offline/testutil/paradigm.js';

// Round 33 (intent3), docs/intent.md "After round 33" → "Mechanisms (intent3)": a job said in any
// form. Its command in backticks, brackets, quotes or after "run"/"to run" (kept byte for byte);
// its image after "using"/"with"/"on" (the job's own image: it has no service); its container
// after "in"; its schedule anywhere in the sentence. A job said by what it is ("the sync job",
// "the nightly purge") is run once now, moved or removed; a job nobody can place asks.
// Written from English before the engine was run on it; none of held-out 26's or para-25's words.
// First run on main (27c4096, 05:33 UTC): 18/32. After round 33: 31/32.
type Want = Record<string, unknown>;
const APPS = ['deploy python:3.12-slim as worker', 'add postgres', 'add redis'];
const JOBS = [...APPS, 'every hour run python sync.py in worker', 'every night at 2 run python purge.py in worker'];
const job = (schedule: string | string[], command_has: string, where: Want): Want[] => [{ job_schedule: schedule, command_has, ...where }];
const ASKS: Want[] = [{ asks: true, no_change: true }];
const NOW = (job: string): Want[] => [{ understood: true }, { no_change: true }, { says: `claude jobs run ${job}` }];
const both = (sync: number, purge: number): Want[] => [{ jobs_running: sync, command_has: 'sync.py' }, { jobs_running: purge, command_has: 'purge.py' }];

const rows: SaidTableRow[] = [
  // an image of its own
  ['every weekday at 7am run `python /app/digest.py` using python:3.12-slim', job(['0 7 * * 1-5', '0 7 * * MON-FRI'], 'python /app/digest.py', { image: 'python:3.12-slim' })],
  ['with busybox:1.36, run `du -sh /data` every hour', job('0 * * * *', 'du -sh /data', { image: 'busybox:1.36' })],
  ['at 2:30 every night, on alpine:3.19: `sh /opt/tidy.sh`', job('30 2 * * *', 'sh /opt/tidy.sh', { image: 'alpine:3.19' })],
  ["please run 'node /srv/ping.js' every 10 minutes using node:20-alpine", job('*/10 * * * *', 'node /srv/ping.js', { image: 'node:20-alpine' })],
  ['use ubuntu:24.04 to run `ls -la /srv` every monday at 9', job(['0 9 * * 1', '0 9 * * MON'], 'ls -la /srv', { image: 'ubuntu:24.04' })],
  ['Every day at 23:45, run `date` using alpine:3.20.', job('45 23 * * *', 'date', { image: 'alpine:3.20' })],
  ["using python:3.11 run `python -c 'print(1)'` hourly", job('0 * * * *', "python -c 'print(1)'", { image: 'python:3.11' })],
  ['I need a job on alpine:3.20 that runs `echo hi` at noon every day', job('0 12 * * *', 'echo hi', { image: 'alpine:3.20' })],
  // a container, the command in brackets or quotes
  ['compact the cache every sunday at 3 (redis-cli bgrewriteaof, in redis)', job(['0 3 * * 0', '0 3 * * SUN', '0 3 * * 7'], 'redis-cli bgrewriteaof', { container: 'redis' }), APPS],
  ['reindex nightly at 1:30 [reindexdb -a -U postgres] in postgres', job('30 1 * * *', 'reindexdb -a -U postgres', { container: 'postgres' }), APPS],
  ['In the worker container, every 20 minutes: `python fetch.py --all`', job('*/20 * * * *', 'python fetch.py --all', { container: 'worker' }), APPS],
  ['I need "python report.py --weekly" to run in worker every friday at 17:00', job(['0 17 * * 5', '0 17 * * FRI'], 'python report.py --weekly', { container: 'worker' }), APPS],
  ['have worker run python prune.py daily at 6', job('0 6 * * *', 'python prune.py', { container: 'worker' }), APPS],
  ['to clean sessions, run `python clean.py` on the worker at midnight every day', job('0 0 * * *', 'python clean.py', { container: 'worker' }), APPS],
  ['ping redis every 2 minutes (redis-cli ping, in redis)', job('*/2 * * * *', 'redis-cli ping', { container: 'redis' }), APPS],
  ['every 15 minutes on weekdays, python poll.py in worker', job(['*/15 * * * 1-5', '*/15 * * * MON-FRI'], 'python poll.py', { container: 'worker' }), APPS],
  ['at 4am daily: `vacuumdb --all --analyze -U postgres` in postgres', job('0 4 * * *', 'vacuumdb --all --analyze -U postgres', { container: 'postgres' }), APPS],
  ['job: `python stats.py` every 6 hours on worker', job(['0 */6 * * *', '0 0,6,12,18 * * *'], 'python stats.py', { container: 'worker' }), APPS],
  ['every hour run python tick.py', job('0 * * * *', 'python tick.py', { container: 'worker' }), APPS],
  // a job said by what it is
  ['run the sync job right now', NOW('worker-sync'), JOBS],
  ['kick off the nightly purge now', NOW('worker-purge'), JOBS],
  ['can you trigger the sync immediately?', NOW('worker-sync'), JOBS],
  ['execute the purge job once, right away', NOW('worker-purge'), JOBS],
  ['move the sync job to every 30 minutes', [...job('*/30 * * * *', 'sync.py', { container: 'worker' }), ...both(1, 1)], JOBS],
  ['sync every 2 hours instead of hourly', [...job(['0 */2 * * *', '0 0,2,4,6,8,10,12,14,16,18,20,22 * * *'], 'sync.py', { container: 'worker' }), ...both(1, 1)], JOBS],
  ['remove the sync job', both(0, 1), JOBS],
  ['the purge job can go', both(1, 0), JOBS],
  // nothing to place: it asks and changes nothing
  ['run the report job right now', ASKS, JOBS],
  ['schedule the cleanup script', ASKS, APPS],
  ['run the export script every night', ASKS, APPS],
  ['add a cron job', ASKS, APPS],
  ['every day at 5 run `python x.py`', ASKS],
];

const GAPS = new Set<string>(['the purge job can go']);

saidTable('a job said in any form', rows, GAPS);
