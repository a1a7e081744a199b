import { describe, expect, it } from 'vitest';
import { caseFailures } from '../../fixtures/intent-eval/run.js';
import { expectRow } from './offline/testutil/paradigm.js';

// Round 32 (intent3), docs/intent.md "After round 32" → "Mechanisms (intent3)": a job's schedule
// from any form. Times (6:30pm, quarter past 3, half past midnight, 5 in the afternoon), days and
// day lists, months, "every N minutes/hours", "twice a day at 6 and 18", "weekdays only", a
// question that asks for a change, a command with a quoted part; what cron cannot say (every 30
// seconds, the last day of the month, every 90 minutes) asks; a container the host lacks says so
// and lists the services (never runs it in another one).
// Written from English before the engine was run on it; none of held-out 25's or para-24's words.
// First run on main (a0c7422): 29/36. After round 32: 31/36 (the container the host lacks asks and names it).
type Want = Record<string, unknown>;
// Rows still failing (asserted to fail, so a fix turns them into plain rows).
const GAPS = new Set<string>([
  'create a cron job: psql -c "vacuum analyze" in postgres at 4 each night',
  'I want python stats.py in worker twice a day, 8 in the morning and 8 at night',
  'every hour: bin/x in ghostsvc',
]);
const BEFORE = ['run ghcr.io/acme/shop:3 as shop on port 8000', 'deploy python:3.12-slim as worker', 'add postgres'];
const job = (schedule: string | string[], container: string, command: string): Want[] => [{ understood: true }, { job_schedule: schedule, container, command_has: command }];
const w = (schedule: string | string[], command: string) => job(schedule, 'worker', command);
const s = (schedule: string | string[], command: string) => job(schedule, 'shop', command);
const WEEKDAYS = (m: number, h: number) => [`${m} ${h} * * 1-5`, `${m} ${h} * * MON-FRI`, `${m} ${h} * * mon-fri`];
const ASKS: Want[] = [{ asks: true, no_change: true }];

describe('times, days and months in any form', () => {
  it.each<[string, Want[]]>([
    ['run bin/digest in shop every day at 6:30pm', s('30 18 * * *', 'bin/digest')],
    ['twice a day at 6 and 18 run python sync.py in worker', w('0 6,18 * * *', 'python sync.py')],
    ['every 15 minutes run python poll.py in worker', w('*/15 * * * *', 'python poll.py')],
    ['in worker, python ping.py every 2 hours', w('0 */2 * * *', 'python ping.py')],
    ['weekdays only: python report.py in worker at 8am', w(WEEKDAYS(0, 8), 'python report.py')],
    ['could you have worker run python tidy.py every sunday at 11pm?', w(['0 23 * * 0', '0 23 * * SUN', '0 23 * * 7'], 'python tidy.py')],
    ['Is it possible to run `bin/warm` in shop each morning at 5?', s('0 5 * * *', 'bin/warm')],
    ['run python bill.py in worker on the 1st of every month at 2am', w('0 2 1 * *', 'python bill.py')],
    ['run python q.py in worker on the first day of jan, apr, jul and oct at 4am', w(['0 4 1 1,4,7,10 *', '0 4 1 JAN,APR,JUL,OCT *', '0 4 1 */3 *'], 'python q.py')],
    ['python scrape.py in worker at 9, 13 and 17 every day', w('0 9,13,17 * * *', 'python scrape.py')],
    ['three times a day (7, 15, 23) run python sync.py in worker', w('0 7,15,23 * * *', 'python sync.py')],
    ['every monday and thursday at 10:15 run bin/mail in shop', s(['15 10 * * 1,4', '15 10 * * MON,THU'], 'bin/mail')],
    ['run bin/purge in shop at quarter past 3 every night', s('15 3 * * *', 'bin/purge')],
    ['at half past midnight run python compact.py in worker', w('30 0 * * *', 'python compact.py')],
    ['every 5 min: python heartbeat.py in worker', w('*/5 * * * *', 'python heartbeat.py')],
    ['worker should run python nightly.py at 1am mon-fri', w(WEEKDAYS(0, 1), 'python nightly.py')],
    ['run python weekend.py in worker saturdays and sundays at noon', w(['0 12 * * 0,6', '0 12 * * 6,0', '0 12 * * 6-7', '0 12 * * SAT,SUN'], 'python weekend.py')],
    ['on the 15th at 8pm run bin/invoice in shop', s('0 20 15 * *', 'bin/invoice')],
    ['run bin/sitemap in shop once a week, sunday 4am', s(['0 4 * * 0', '0 4 * * SUN', '0 4 * * 7'], 'bin/sitemap')],
    ['every other day at 3am run python rotate.py in worker', w(['0 3 */2 * *', '0 3 1-31/2 * *'], 'python rotate.py')],
    ['can python digest.py run in worker at 7 every evening?', w('0 19 * * *', 'python digest.py')],
    ['create a cron job: psql -c "vacuum analyze" in postgres at 4 each night', job('0 4 * * *', 'postgres', 'psql')],
    ["schedule `python manage.py clearsessions` for 2:30 every day in worker", w('30 2 * * *', 'clearsessions')],
    ['at 06:00 and 18:00 run python sync.py in worker', w('0 6,18 * * *', 'python sync.py')],
    ['every weekday at 17:45, shop runs bin/close', s(WEEKDAYS(45, 17), 'bin/close')],
    ['every day at 5 in the afternoon run bin/stats in shop', s('0 17 * * *', 'bin/stats')],
    ['Tuesdays, 11am: bin/newsletter in shop', s(['0 11 * * 2', '0 11 * * TUE'], 'bin/newsletter')],
    ["in postgres run psql -U postgres -c 'select now()' every minute", job('* * * * *', 'postgres', 'psql')],
    ['I want python stats.py in worker twice a day, 8 in the morning and 8 at night', w('0 8,20 * * *', 'python stats.py')],
    ['run python report.py in worker every friday at 4:45 pm', w(['45 16 * * 5', '45 16 * * FRI'], 'python report.py')],
  ])('"%s"', (request, want) => expectRow(caseFailures(request, want, BEFORE), GAPS.has(request)));

  it('a script said with no container runs in the one service that runs code', () => {
    const one = ['deploy python:3.12-slim as worker', 'add postgres'];
    // Gap: the script is not yet found in "there's a script X, have it run" (p24-job-10-b's class).
    expectRow(caseFailures("there's a script /opt/prune.sh, please have it run on its own every night at 1", w('0 1 * * *', '/opt/prune.sh'), one), true);
  });
});

describe('what cron cannot say, and a container the host lacks, ask', () => {
  it.each<[string, Want[]]>([
    ['python gc.py in worker every 30 seconds', ASKS],
    ['run python x.py in worker every 90 minutes', ASKS],
    ['run python x.py in nosuchservice every hour', [...ASKS, { says: 'nosuchservice' }, { says: 'worker' }]],
    ['every hour: bin/x in ghostsvc', [...ASKS, { says: 'ghostsvc' }, { says: 'shop' }]],
    ['run a job in nosuchservice every hour: bin/x', [...ASKS, { says: 'nosuchservice' }, { says: 'worker' }]],
  ])('"%s"', (request, want) => expectRow(caseFailures(request, want, BEFORE), GAPS.has(request)));
});
