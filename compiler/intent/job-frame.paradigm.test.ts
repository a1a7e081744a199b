import { describe, expect, it } from 'vitest';
import { caseFailures } from '../../fixtures/intent-eval/run.js';

// Round 29 (intent3), docs/intent.md "After round 29" → "Mechanisms (intent3)": the job frame
// read from any order. A job has three slots — when (words, numbers, "every half hour", "sundays
// 11pm", "five in the evening", "@ 4"), where (a service's container: "in X", "X container",
// "on X", "X," first, "(X)") and what (backticks, quotes, brackets, after "run"/"execute"/"the
// script"), said in any order; the command is kept byte for byte, never normalised.
// Written from English before the engine was run on it; none of held-out 22's words.
// First run on main (a30697b): 19/33.
type Want = Record<string, unknown>;
const BEFORE = ['run ghcr.io/acme/queue:1 as queue', 'run ghcr.io/acme/shop:2 as shop', 'set up postgres', 'add redis'];
const job = (schedule: string | string[], container: string, command: string): Want[] => [{ understood: true }, { job_schedule: schedule, container, command_has: command }];
const SUN = (h: number, m = 0) => [`${m} ${h} * * 0`, `${m} ${h} * * 7`, `${m} ${h} * * SUN`, `${m} ${h} * * sun`];

describe('the job frame from any order (job-frame.ts)', () => {
  it.each<[string, Want[]]>([
    // when, where, what: each between commas, the command quoted
    ['every 15 minutes, queue, `bin/drain --fast`', job('*/15 * * * *', 'queue', 'bin/drain --fast')],
    ['queue, every two hours: `./sync.sh`', job('0 */2 * * *', 'queue', './sync.sh')],
    ['sundays 2am, shop, "bin/rotate --keep=5"', job(SUN(2), 'shop', 'bin/rotate --keep=5')],
    ['Daily at 23:30 — shop — `php artisan schedule:run`', job('30 23 * * *', 'shop', 'php artisan schedule:run')],
    ['shop container, daily @ 4, `bin/report --memory=2g`', job('0 4 * * *', 'shop', 'bin/report --memory=2g')],
    ['half past midnight every day, queue: `./vacuum.sh`', job('30 0 * * *', 'queue', './vacuum.sh')],
    // the day and hour said short, then the verb, then where
    ['mondays 6am run bin/digest in shop', job(['0 6 * * 1', '0 6 * * MON', '0 6 * * mon'], 'shop', 'bin/digest')],
    ['saturdays at 10pm run make clean in shop please', job(['0 22 * * 6', '0 22 * * SAT', '0 22 * * sat'], 'shop', 'make clean')],
    ['fridays at noon please run npm run invoices in shop', job(['0 12 * * 5', '0 12 * * FRI', '0 12 * * fri'], 'shop', 'npm run invoices')],
    ['sunday nights at 10 run bin/weekly in shop', job(SUN(22), 'shop', 'bin/weekly')],
    // the time in words
    ['Every day at seven in the morning, run in the shop container the script rotate.sh', job('0 7 * * *', 'shop', 'rotate.sh')],
    ['each evening at six execute ./close-day.sh in shop', job('0 18 * * *', 'shop', './close-day.sh')],
    ['at 5 in the afternoon every weekday run ./close-books.sh in shop', job(['0 17 * * 1-5', '0 17 * * MON-FRI', '0 17 * * mon-fri'], 'shop', './close-books.sh')],
    ['every half an hour please run in the queue container the script requeue.sh', job(['*/30 * * * *', '0,30 * * * *'], 'queue', 'requeue.sh')],
    // "@ 4" is a time
    ['in queue @ 4 every day run bin/rollup', job('0 4 * * *', 'queue', 'bin/rollup')],
    ['run bin/expire in shop daily @ 5', job('0 5 * * *', 'shop', 'bin/expire')],
    // the command in brackets after what it does
    ['clear old sessions every night at 4 in shop (php artisan session:gc)', job('0 4 * * *', 'shop', 'php artisan session:gc')],
    ['run a REINDEX on postgres every saturday at 1am (reindexdb --all)', job(['0 1 * * 6', '0 1 * * SAT', '0 1 * * sat'], 'postgres', 'reindexdb --all')],
    ['compact redis every sunday at 5am (redis-cli BGREWRITEAOF)', job(SUN(5), 'redis', 'redis-cli BGREWRITEAOF')],
    ['in shop, purge the cache every 6 hours (bin/console cache:clear)', job('0 */6 * * *', 'shop', 'bin/console cache:clear')],
    ['every hour clear stale uploads in shop (find /app/tmp -mmin +60 -delete)', job('0 * * * *', 'shop', 'find /app/tmp -mmin +60 -delete')],
    ['vacuum postgres every wednesday at 2am (vacuumdb --analyze --all)', job(['0 2 * * 3', '0 2 * * WED', '0 2 * * wed'], 'postgres', 'vacuumdb --analyze --all')],
    ['trim the logs of shop weekly on monday at 3 (find /var/log/shop -mtime +14 -delete)', job(['0 3 * * 1', '0 3 * * MON', '0 3 * * mon'], 'shop', 'find /var/log/shop -mtime +14 -delete')],
    // where said in other words
    ['on queue, every 10 minutes: `node requeue.js --max=50`', job('*/10 * * * *', 'queue', 'node requeue.js --max=50')],
    ["execute 'python prune.py --days 30' inside queue every sunday at 3", job(SUN(3), 'queue', 'python prune.py --days 30')],
    ['every hour on the hour, queue should run `bin/heartbeat`', job('0 * * * *', 'queue', 'bin/heartbeat')],
    ['each morning at 6:15 execute send_digest.py in the queue container', job('15 6 * * *', 'queue', 'send_digest.py')],
    ['every weekday at 8 in the morning run `bin/standup` on queue', job(['0 8 * * 1-5', '0 8 * * MON-FRI', '0 8 * * mon-fri'], 'queue', 'bin/standup')],
    ['the queue container should run `php artisan queue:restart` every night at 2', job('0 2 * * *', 'queue', 'php artisan queue:restart')],
    ['nightly at 1 (queue) `bin/compact`', job('0 1 * * *', 'queue', 'bin/compact')],
    ['every 5 minutes please execute in the queue container the program bin/ping-upstream', job('*/5 * * * *', 'queue', 'bin/ping-upstream')],
    // the command kept byte for byte (review 21 MED-8)
    ['every night at 2 run "docker-gen --memory=2g -notify" in queue', job('0 2 * * *', 'queue', 'docker-gen --memory=2g -notify')],
    // a quote after a program's flag is that flag's argument: the command is the program to the end of the quote (review 23 MED-7)
    ["every night in postgres: psql -U postgres -c 'VACUUM ANALYZE'", job('0 3 * * *', 'postgres', "psql -U postgres -c 'VACUUM ANALYZE'")],
    ["every night in postgres run psql -U postgres -c 'VACUUM ANALYZE'", job('0 3 * * *', 'postgres', "psql -U postgres -c 'VACUUM ANALYZE'")],
    ["in postgres every night: psql -U postgres -c 'DELETE FROM sessions WHERE expires_at < now()'", job('0 3 * * *', 'postgres', "psql -U postgres -c 'DELETE FROM sessions WHERE expires_at < now()'")],
  ])('"%s"', (request, want) => expect(caseFailures(request, want, BEFORE)).toEqual([]));

  // Left to the guard (HARM's area): "chmod" anywhere and "execute … the command" are refused as
  // commands on the host, even quoted and inside a container. Asserted so a change shows.
  it.each<string>(['every day @ 4 in shop run `chmod u+x /app/bin/start`', 'every 5 minutes please execute in the queue container the command bin/ping-upstream'])('still refused: "%s"', (request) =>
    expect(caseFailures(request, [{ no_change: true }], BEFORE)).toEqual([expect.stringMatching(/^refused: /)]));
});
