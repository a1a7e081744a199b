import { describe, expect, it } from 'vitest';
import { caseFailures } from '../../fixtures/intent-eval/run.js';

// Round 31 (intent3), docs/intent.md "After round 31" → "Mechanisms (intent3)": a job named by
// its name or by what it does. "move the nightly purge to 3am", "the weekly report should go out
// on tuesdays", "delete the purge job" find the one job whose command, name or schedule the words
// describe and change it (never a second job beside it); two jobs that fit ask which. A job said
// with its name ("a job called warm …", "job 'mail-digest': …") keeps that name and its schedule.
// A job said with no container runs in the one service that runs the application's code (not a
// database, a cache or a proxy); with several, it asks which. A command with a quoted argument
// keeps its program ("psql -U postgres -c '…'", review 23 MED-7).
// Written from English before the engine was run on it; none of held-out 24's or para-23's words.
// First run on main (7dfbe7f): 10/30.
type Want = Record<string, unknown>;
const APPS = ['deploy python:3.12-slim as worker', 'run ghcr.io/acme/shop:3 as shop on port 8000', 'add postgres'];
const JOBS = [...APPS, 'every night at 2 run python purge.py in worker', 'run bin/report in shop every monday at 8am'];
const purge = (schedule: string | string[]): Want[] => [{ job_schedule: schedule, container: 'worker', command_has: 'purge.py' }, { jobs_running: 1, command_has: 'purge.py' }, { jobs_running: 1, command_has: 'bin/report' }];
const report = (schedule: string | string[]): Want[] => [{ job_schedule: schedule, container: 'shop', command_has: 'bin/report' }, { jobs_running: 1, command_has: 'bin/report' }, { jobs_running: 1, command_has: 'purge.py' }];
const ASKS: Want[] = [{ asks: true, no_change: true }];

describe('a job named by what it does', () => {
  it.each<[string, Want[]]>([
    ['move the nightly purge to 3am', purge('0 3 * * *')],
    ['change the purge job to run at 5', purge('0 5 * * *')],
    ['the weekly report should go out on tuesdays instead', report(['0 8 * * 2', '0 8 * * TUE', '0 8 * * tue'])],
    ['push the report back to 10am', report(['0 10 * * 1', '0 10 * * MON', '0 10 * * mon'])],
    ['make the purge run every 6 hours', purge('0 */6 * * *')],
    ['reschedule the monday report for 9:30', report(['30 9 * * 1', '30 9 * * MON', '30 9 * * mon'])],
    ['the purge.py job: 4:15 please', purge('15 4 * * *')],
    ['the report in shop should run at 7:45 instead', report(['45 7 * * 1', '45 7 * * MON', '45 7 * * mon'])],
    ['can the purge happen at midnight instead of 2?', purge('0 0 * * *')],
    ['have the cleanup (purge.py) run at 1am', purge('0 1 * * *')],
    ['Purge at 3:30 from now on, not 2.', purge('30 3 * * *')],
    ['delete the purge job', [{ jobs_running: 0, command_has: 'purge.py' }, { jobs_running: 1, command_has: 'bin/report' }]],
    ['get rid of the monday report', [{ jobs_running: 0, command_has: 'bin/report' }, { jobs_running: 1, command_has: 'purge.py' }]],
  ])('"%s"', (request, want) => expect(caseFailures(request, want, JOBS)).toEqual([]));

  it('two jobs fit: it asks which', () => {
    const two = [...APPS, 'every night at 2 run python purge.py in worker', 'every sunday at 5 run python purge.py --deep in worker'];
    expect(caseFailures('move the purge to 4am', ASKS, two)).toEqual([]);
  });
});

describe('a job said with its name', () => {
  it.each<[string, Want[]]>([
    ["add a job called 'warm' at 6:45 on weekdays: `bin/warm --all` in shop", [{ job: 'warm', container: 'shop' }, { job_schedule: ['45 6 * * 1-5', '45 6 * * MON-FRI'], command_has: 'bin/warm --all' }]],
    ['new job named sitemap, every sunday at 4am, runs `bin/sitemap` in shop', [{ job: 'sitemap', container: 'shop' }, { job_schedule: ['0 4 * * 0', '0 4 * * SUN', '0 4 * * 7'], command_has: 'bin/sitemap' }]],
    ["job 'mail-digest': in shop run bin/digest daily at 7pm", [{ job: 'mail-digest', schedule: '0 19 * * *', container: 'shop' }]],
    ['create a scheduled task named rotate that runs bin/rotate in shop at 00:10 every day', [{ job: 'rotate', schedule: '10 0 * * *', container: 'shop' }]],
    ['schedule "nightly-export" for 11:30pm in worker: python export.py', [{ job: 'nightly-export', schedule: '30 23 * * *', container: 'worker' }, { job_schedule: '30 23 * * *', command_has: 'python export.py' }]],
  ])('"%s"', (request, want) => expect(caseFailures(request, want, APPS)).toEqual([]));

  it('and is found by that name later', () => {
    expect(caseFailures('move tidy to 2am', [{ job: 'tidy', schedule: '0 2 * * *', container: 'shop' }], [...APPS, 'add a job called tidy: every day at 1am run bin/tidy in shop'])).toEqual([]);
  });
});

describe('a job with no container', () => {
  const ONE = ['deploy python:3.12-slim as worker', 'add postgres', 'set up nginx', 'add redis'];
  const TWO = ['deploy python:3.12-slim as worker', 'deploy python:3.12-slim as crawler', 'add postgres'];
  it.each<[string, Want[]]>([
    ['every night at 1 run /app/purge.sh', [{ job_schedule: '0 1 * * *', container: 'worker', command_has: '/app/purge.sh' }]],
    ['run python rollup.py hourly', [{ job_schedule: '0 * * * *', container: 'worker', command_has: 'python rollup.py' }]],
    ['at 5:30 each morning, execute scripts/cleanup.sh', [{ job_schedule: '30 5 * * *', container: 'worker', command_has: 'scripts/cleanup.sh' }]],
    ['schedule `python mail.py --batch` for 8am every weekday', [{ job_schedule: ['0 8 * * 1-5', '0 8 * * MON-FRI'], container: 'worker', command_has: 'python mail.py --batch' }]],
  ])('one service runs code: "%s"', (request, want) => expect(caseFailures(request, want, ONE)).toEqual([]));
  it.each<[string, Want[]]>([
    ['every night at 1 run /app/purge.sh', [...ASKS, { says: 'crawler' }]],
    ['run python rollup.py hourly', [...ASKS, { says: 'worker' }]],
  ])('several do: it asks which: "%s"', (request, want) => expect(caseFailures(request, want, TWO)).toEqual([]));
});

describe('a command with a quoted argument keeps its program (review 23 MED-7)', () => {
  it.each<[string, Want[]]>([
    ["every night at 1 in postgres: psql -U postgres -c 'VACUUM ANALYZE'", [{ job_schedule: '0 1 * * *', container: 'postgres', command_has: 'psql -U postgres -c' }]],
    ["every night at 1 in postgres run psql -U postgres -c 'VACUUM ANALYZE'", [{ job_schedule: '0 1 * * *', container: 'postgres', command_has: 'VACUUM ANALYZE' }, { job_schedule: '0 1 * * *', command_has: 'psql' }]],
    ['in worker run python -c "import tasks; tasks.flush()" at 4am daily', [{ job_schedule: '0 4 * * *', container: 'worker', command_has: 'python -c' }]],
    ["hourly, run sh -c 'python purge.py --old' in worker", [{ job_schedule: '0 * * * *', container: 'worker', command_has: 'sh -c' }]],
  ])('"%s"', (request, want) => expect(caseFailures(request, want, APPS)).toEqual([]));
});
