import { describe, expect, it } from 'vitest';
import { caseFailures } from '../../fixtures/intent-eval/run.js';

// Round 31 (intent3), docs/intent.md "After round 31" → "Mechanisms (intent3)": a schedule's
// limits. Months said by name or listed ("in december", "on the 1st of mar, jun, sep and dec"),
// a restriction said after the time ("…at 2am, but only on weekdays", "except weekends", "just
// on fridays"), bare 24-hour hours after "like/say/at" ("twice a day, say 8 and 20"), a request
// said as a question ("would it be possible to …?", "any chance you could …?") is a request, and
// what cron cannot say ("every fifteen seconds", "evrey 5 secs", "twice a minute") asks. An
// ordinary request or a complaint that says "every N seconds" gets no cron question (review 23
// MED-1).
// Written from English before the engine was run on it; none of held-out 24's or para-23's words.
// First run on main (7dfbe7f): 14/35.
type Want = Record<string, unknown>;
const BEFORE = ['run ghcr.io/acme/shop:3 as shop on port 8000', 'add postgres'];
const job = (schedule: string | string[], command: string): Want[] => [{ understood: true }, { job_schedule: schedule, container: 'shop', command_has: command }];
const backup = (schedule: string | string[], retain?: number): Want[] => [{ volume: 'postgres-data', backup_schedule: schedule, ...(retain === undefined ? {} : { retain }) }, { unchanged: 'shop' }];
const WEEKDAYS = (m: number, h: number) => [`${m} ${h} * * 1-5`, `${m} ${h} * * MON-FRI`, `${m} ${h} * * mon-fri`];
const WEEKENDS = (m: number, h: number) => [`${m} ${h} * * 0,6`, `${m} ${h} * * 6,0`, `${m} ${h} * * 6-7`, `${m} ${h} * * SAT,SUN`, `${m} ${h} * * sat,sun`];
const ASKS: Want[] = [{ asks: true, no_change: true }];
const TALK: Want[] = [{ understood: true, no_change: true }];

describe('months by name and listed', () => {
  it.each<[string, Want[]]>([
    ['run bin/tax in shop at 6am on the 1st of march, june, september and december', job(['0 6 1 3,6,9,12 *', '0 6 1 MAR,JUN,SEP,DEC *', '0 6 1 3-12/3 *'], 'bin/tax')],
    ['on feb 14 at 9 in the morning run bin/hearts in shop', job('0 9 14 2 *', 'bin/hearts')],
    ['every day in december at 8pm run bin/advent in shop', job(['0 20 * 12 *', '0 20 * DEC *'], 'bin/advent')],
    ['shop: bin/summer, 7am daily during july and august', job(['0 7 * 7,8 *', '0 7 * 7-8 *', '0 7 * JUL,AUG *'], 'bin/summer')],
    ['run bin/q in shop on the 15th of january, april, july, october at noon', job(['0 12 15 1,4,7,10 *', '0 12 15 JAN,APR,JUL,OCT *', '0 12 15 */3 *'], 'bin/q')],
    ['at midnight on the first of january run bin/reset in shop', job('0 0 1 1 *', 'bin/reset')],
    ['run bin/fy in shop on 1 july at 00:30', job('30 0 1 7 *', 'bin/fy')],
    ['Quarterly (1st of the month, 3am): bin/quarter in shop', job(['0 3 1 */3 *', '0 3 1 1,4,7,10 *', '0 3 1 JAN,APR,JUL,OCT *'], 'bin/quarter')],
  ])('"%s"', (request, want) => expect(caseFailures(request, want, BEFORE)).toEqual([]));
});

describe('a restriction said after the time', () => {
  it.each<[string, Want[]]>([
    ['run bin/sync in shop at 2am, but only on weekdays', job(WEEKDAYS(0, 2), 'bin/sync')],
    ['run bin/sync in shop every day at 7pm except weekends', job(WEEKDAYS(0, 19), 'bin/sync')],
    ['at 10:30 run bin/tidy in shop, weekends only', job(WEEKENDS(30, 10), 'bin/tidy')],
    ['run bin/close in shop at 11pm, but just on fridays', job(['0 23 * * 5', '0 23 * * FRI', '0 23 * * fri'], 'bin/close')],
    ['every morning at 6 run bin/warm in shop, only mon to fri', job(WEEKDAYS(0, 6), 'bin/warm')],
    ['back up postgres nightly at 1, only on weekdays', backup(WEEKDAYS(0, 1))],
    ['run bin/pay in shop at 9am, only on the 1st', job('0 9 1 * *', 'bin/pay')],
    ['In shop, run `bin/batch --all` at 4 in the morning - weekdays only please', job(WEEKDAYS(0, 4), 'bin/batch --all')],
  ])('"%s"', (request, want) => expect(caseFailures(request, want, BEFORE)).toEqual([]));
});

describe('bare 24-hour hours after like/say/at', () => {
  it.each<[string, Want[]]>([
    ['back up postgres two times a day, say 8 and 20', backup('0 8,20 * * *')],
    ['run bin/ping in shop at 9, 13 and 17 every day', job('0 9,13,17 * * *', 'bin/ping')],
    ['back up postgres every day at 14', backup('0 14 * * *')],
  ])('"%s"', (request, want) => expect(caseFailures(request, want, BEFORE)).toEqual([]));
});

describe('a request said as a question', () => {
  it.each<[string, Want[]]>([
    ['can you make postgres get backed up every night at 1?', backup('0 1 * * *')],
    ['would it be possible to run bin/report in shop every monday at 8?', job(['0 8 * * 1', '0 8 * * MON', '0 8 * * mon'], 'bin/report')],
    ['is it possible to back up postgres each day at 5am and keep 7?', backup('0 5 * * *', 7)],
    ['any chance you could schedule bin/digest in shop for 6pm daily?', job('0 18 * * *', 'bin/digest')],
    ['how would I get postgres backed up every 12 hours? go ahead and set it up', backup('0 */12 * * *')],
    // a question that asks what is, not for a change
    ['is postgres being backed up?', TALK],
  ])('"%s"', (request, want) => expect(caseFailures(request, want, BEFORE)).toEqual([]));
});

describe('what cron cannot say asks; an ordinary request or a complaint does not', () => {
  it.each<[string, Want[]]>([
    ['run bin/beat in shop every fifteen seconds', ASKS],
    ['run bin/beat in shop evrey 5 secs', ASKS],
    ['back up postgres every ninety minutes', ASKS],
    ['run bin/beat in shop twice a minute', ASKS],
    ['each half minute run bin/beat in shop', ASKS],
    ['add redis on port 6379', [{ service: 'redis', host_port: 6379 }]],
    ['set shop to 2 replicas', [{ service: 'shop', replicas: 2 }]],
  ])('"%s"', (request, want) => expect(caseFailures(request, want, BEFORE)).toEqual([]));
});

// A complaint that says how often something happens asks no cron question (review 23 MED-1).
it('a complaint gets no cron question', () => {
  expect(caseFailures('shop retries every 10 seconds and floods the log, how come?', [{ asks: true }], BEFORE)).not.toEqual([]);
});

// Review 24 HIGH-1: a possibility question is a request only for a plain schedule; anything with a
// condition, a manner, a quantifier or a removal stays a question (answered, nothing changed).
// HIGH-2: a month after "except"/"but not" is taken out, never the only month.
describe('questions that stay questions; months taken out', () => {
  const FIX = ['set up nginx', 'add postgres', 'add redis', 'add user alice with sudo', 'back up postgres every night at 2'];
  it.each<[string, Want[]]>([
    // 'give everyone sudo' is refused since round 34 (HARM2: a question about a dangerous act gets the refusal); a quantifier still keeps a question a question:
    ['is it possible to give every developer a login?', [{ no_change: true }]],
    ['is it possible to remove redis without losing its data?', [{ no_change: true }]],
    ['is there a way to stop postgres while the backup runs?', [{ no_change: true }]],
    ['is there any way to restart nginx without downtime?', [{ no_change: true }]],
    ['is it possible to run two copies of nginx?', [{ no_change: true }]],
    ["any chance you could remove alice's sudo?", [{ no_change: true }]],
    ['is it possible to add a user for each developer?', [{ no_change: true }]],
    ['back up postgres every night except in august', [{ volume: 'postgres-data', backup_schedule: ['0 3 * 1,2,3,4,5,6,7,9,10,11,12 *', '0 3 * 1-7,9-12 *'] }]],
    ['back up postgres every night but not in december', [{ volume: 'postgres-data', backup_schedule: ['0 3 * 1,2,3,4,5,6,7,8,9,10,11 *', '0 3 * 1-11 *'] }]],
    ['back up postgres every night except on dec 25', ASKS],
  ])('"%s"', (request, want) => expect(caseFailures(request, want, FIX)).toEqual([]));
});

// Gaps, asserted as failing until they are read: a request said as "could X get a backup …?" is
// answered as a status question; "3x a day, e.g. 7, 15 and 23" keeps the every-8-hours reading.
describe('gaps', () => {
  it.fails.each<[string, Want[]]>([
    ['could postgres get a backup at 0 and 12 each day?', backup('0 0,12 * * *')],
    ['postgres backups 3x a day, e.g. 7, 15 and 23, keep 9', backup('0 7,15,23 * * *', 9)],
  ])('"%s"', (request, want) => expect(caseFailures(request, want, BEFORE)).toEqual([]));
});

// Out of the gaps after round 31 (it changed a file before): the complaint is answered, nothing changed.
it('a complaint about how often something happens changes nothing', () => {
  expect(caseFailures('shop retries every 10 seconds and floods the log, how come?', [{ no_change: true }], BEFORE)).toEqual([]);
});
