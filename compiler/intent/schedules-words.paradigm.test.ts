import { describe, expect, it } from 'vitest';
import { caseFailures } from '../../fixtures/intent-eval/run.js';

// Round 30 (intent3), docs/intent.md "After round 30" → "Mechanisms (intent3)": a schedule read
// from any words. Dates ("christmas day", "the 1st of every month", "on the 15th"), several times
// ("at 6am and 6pm", "twice a day, at 9 and 21"), 24-hour forms ("23:00", "22 o'clock", "23h"),
// day names short, misspelt or listed ("thurs", "wendsday", "mon and thu"), for a job and for a
// backup alike. A schedule cron cannot say (seconds, every 90 minutes, the last day of a month,
// every other week) asks and changes nothing.
// Written from English before the engine was run on it; none of held-out 23's or para-22's words.
// First run on main (5325d0a): 14/34.
type Want = Record<string, unknown>;
const BEFORE = ['run ghcr.io/acme/ledger:2 as ledger', 'set up postgres', 'add a service called mailer from image ghcr.io/acme/mailer:1'];
const job = (schedule: string | string[], container: string, command: string): Want[] => [{ understood: true }, { job_schedule: schedule, container, command_has: command }];
const backup = (schedule: string | string[], retain?: number): Want[] => [{ volume: 'postgres-data', backup_schedule: schedule, ...(retain === undefined ? {} : { retain }) }, { unchanged: 'ledger' }];
const day = (m: number, h: number, d: number, names: string[]) => [`${m} ${h} * * ${d}`, ...names.map((n) => `${m} ${h} * * ${n}`)];
const ASKS: Want[] = [{ asks: true, no_change: true }];

describe('a schedule from any words (schedule.ts)', () => {
  it.each<[string, Want[]]>([
    // dates
    ['on the 1st of every month at 4am run bin/invoice in ledger', job('0 4 1 * *', 'ledger', 'bin/invoice')],
    ['run bin/rollover in ledger on the 15th of each month at midnight', job('0 0 15 * *', 'ledger', 'bin/rollover')],
    ['christmas day at 8am run bin/greet in mailer', job('0 8 25 12 *', 'mailer', 'bin/greet')],
    ['every january 1st at 00:05 run bin/yearly in ledger', job('5 0 1 1 *', 'ledger', 'bin/yearly')],
    ["on new year's eve at 23:00 run bin/close-year in ledger", job('0 23 31 12 *', 'ledger', 'bin/close-year')],
    ['ledger: bin/pay, monthly on the 28th at 6pm', job('0 18 28 * *', 'ledger', 'bin/pay')],
    ['on the 1st and 15th of every month at 6am run bin/half in ledger', job('0 6 1,15 * *', 'ledger', 'bin/half')],
    ['4th of july at noon, mailer, `bin/fireworks`', job('0 12 4 7 *', 'mailer', 'bin/fireworks')],
    // several times
    ['run bin/report in ledger at 6am and 6pm every day', job('0 6,18 * * *', 'ledger', 'bin/report')],
    ['twice a day, at 9 and 21, run bin/sync in mailer', job('0 9,21 * * *', 'mailer', 'bin/sync')],
    ['run bin/pulse in mailer three times a day: 8am, noon and 4pm', job('0 8,12,16 * * *', 'mailer', 'bin/pulse')],
    // 24-hour forms
    ['every day at 23:00 run bin/nightly in ledger', job('0 23 * * *', 'ledger', 'bin/nightly')],
    ["at 22 o'clock each day run bin/late in ledger", job('0 22 * * *', 'ledger', 'bin/late')],
    ['ledger, 21:45 daily: bin/wrap', job('45 21 * * *', 'ledger', 'bin/wrap')],
    ['Sundays @ 23h, mailer: bin/digest', job(day(0, 23, 0, ['7', 'SUN', 'sun']), 'mailer', 'bin/digest')],
    ['run bin/y in ledger every weekday at 23:15', job(['15 23 * * 1-5', '15 23 * * MON-FRI', '15 23 * * mon-fri'], 'ledger', 'bin/y')],
    // day names short, misspelt, listed
    ['run bin/weekly in mailer every thurs at 07:30', job(day(30, 7, 4, ['THU', 'thu']), 'mailer', 'bin/weekly')],
    ['every wendsday at 5pm run bin/mid in mailer', job(day(0, 17, 3, ['WED', 'wed']), 'mailer', 'bin/mid')],
    ['tuesdys at 10 run bin/tues in ledger', job(day(0, 10, 2, ['TUE', 'tue']), 'ledger', 'bin/tues')],
    ['sat 14:00 ledger: bin/weekend', job(day(0, 14, 6, ['SAT', 'sat']), 'ledger', 'bin/weekend')],
    ['mon and thu at 8am run bin/twice-weekly in mailer', job(['0 8 * * 1,4', '0 8 * * MON,THU', '0 8 * * mon,thu'], 'mailer', 'bin/twice-weekly')],
    ['every saturday and sunday at 10:30 run bin/brunch in mailer', job(['30 10 * * 0,6', '30 10 * * 6,0', '30 10 * * SAT,SUN', '30 10 * * sat,sun', '30 10 * * 6-7'], 'mailer', 'bin/brunch')],
    ['friday 18:00 (ledger) bin/payroll', job(day(0, 18, 5, ['FRI', 'fri']), 'ledger', 'bin/payroll')],
    // backups, the same words
    ['back up the postgres volume at 1am and 1pm, keep 10', backup('0 1,13 * * *', 10)],
    ['backup postgres twice a day (7am and 7pm), keep 14', backup('0 7,19 * * *', 14)],
    ['postgres backups on the 1st of each month at 2am, keep 12', backup('0 2 1 * *', 12)],
    ['back up postgres every sunday at 23:30', backup(day(30, 23, 0, ['7', 'SUN', 'sun']))],
    ['i want the postgres volume backed up every 6 hours - keep 8', backup('0 */6 * * *', 8)],
    // cron cannot say it: ask, change nothing
    ['run bin/poll in ledger every 20 seconds', ASKS],
    ['every 90 minutes run bin/sync in ledger', ASKS],
    ['run bin/tick in mailer every 45 secs please', ASKS],
    ['on the last day of every month at 6pm run bin/close in ledger', ASKS],
    ['every other tuesday at 9 run bin/biweekly in mailer', ASKS],
    ['back up postgres every 10 seconds', ASKS],
  ])('"%s"', (request, want) => expect(caseFailures(request, want, BEFORE)).toEqual([]));

  // Review 23 HIGH-3: the day and holiday repairs read a day only where one is said; a name people
  // type stays theirs (frida was "friday", sundry "sunday", halloween and xmas "every year on …").
  it.each<[string, Want[]]>([
    ['add user frida with sudo', [{ user: 'frida', sudo: true }, { user: 'friday', absent: true }]],
    ['add a service called frida from image nginx:alpine on port 8082', [{ service: 'frida', image: 'nginx:alpine' }, { service: 'friday', absent: true }]],
    ['add a service called sundry from image busybox', [{ service: 'sundry', image: 'busybox' }, { service: 'sunday', absent: true }]],
    ['add a service called halloween from image nginx:alpine on port 8083', [{ service: 'halloween', image: 'nginx:alpine' }, { service: 'every', absent: true }]],
    ['deploy ghcr.io/acme/xmas:1 as xmas', [{ service: 'xmas', image: 'ghcr.io/acme/xmas:1' }, { service: 'every', absent: true }]],
    ['run bin/report in ledger every night at 2 for frida', job('0 2 * * *', 'ledger', 'bin/report')],
  ])('a name stays a name: "%s"', (request, want) => expect(caseFailures(request, want, BEFORE)).toEqual([]));

  // Review 23 MED-1: the cron check reads a schedule, not every message: "every second day/hour" is
  // every 2, a port pair or "at 80" of a service is no time, a troubleshooting question is answered.
  it.each<[string, Want[]]>([
    ['back up postgres every second day', backup('0 3 */2 * *')],
    ['run bin/report in ledger every second hour', job('0 */2 * * *', 'ledger', 'bin/report')],
    ['why does ledger restart every 30 seconds?', [{ understood: true, no_change: true, says: 'ledger' }]],
    ["ledger crashes every 10 seconds, what's wrong", [{ understood: true, no_change: true, says: 'ledger' }]],
    ['run pihole/pihole with ports 53:53 and 8053:80', [{ service: 'pihole', host_port: 53 }]],
  ])('no cron question: "%s"', (request, want) => expect(caseFailures(request, want, BEFORE)).toEqual([]));
});
