import { describe, expect, it } from 'vitest';
import { caseFailures, runConversation } from '../../../fixtures/intent-eval/run.js';

// Round 28 (intent2), docs/intent.md "After round 28": how long backups are kept, said the way
// people say it. The paradigm was written from English before the engine was run on it: a
// duration said as a noun ("a fortnight", "a quarter", "half a year"), as a count with "worth"
// ("ten days' worth"), in ops shorthand ("14d", "2w"), and a plain count of copies ("the last
// 10", "a dozen"). A duration becomes copies by the schedule (a week of 6-hourly backups is 28).
type Want = Record<string, unknown>;
const DB = ['add postgres'];
const daily = (keep: string) => `back up postgres every day at 2am, ${keep}`;
const retain = (n: number): Want[] => [{ volume: 'postgres-data', retain: n }];

describe('a retention said as a duration noun or a count of copies (RETENTION, retentionPhrase)', () => {
  it.each<[string, number]>([
    ['keep a fortnight of them', 14],
    ['keep a week of backups', 7],
    ["keep two weeks' worth", 14],
    ['keep a month of them', 30],
    ['retain a quarter', 91],
    ['keep 90 days', 90],
    ['keep a year of backups', 365],
    ['keep the last 10', 10],
    ["ten days' worth is enough", 10],
    ['hang on to 3 weeks of them', 21],
    ['retention 2 weeks', 14],
    ['keep 5 copies', 5],
    ['keep a couple of weeks', 14],
    ['keep half a year', 183],
    ['keep backups for a fortnight', 14],
    ['keep twelve backups', 12],
    ['keep thirty days', 30],
    ['keep 14d', 14],
    ['keep 2w of them', 14],
    ["keep 'em for a month", 30],
    ["keep one week's worth", 7],
    ['keep a dozen', 12],
    ['keep the last fifteen', 15],
    ['keep 6 months', 183],
    ['hold onto two months of dumps', 61],
    ['keep a few weeks', 21],
  ])('"%s" keeps %i daily backups', (keep, n) => expect(caseFailures(daily(keep), retain(n), DB)).toEqual([]));

  it('a week of 6-hourly backups is 28 copies', () =>
    expect(caseFailures('back up postgres every 6 hours and keep a week', retain(28), DB)).toEqual([]));
  it('h21-138: "backups for the db: daily 02:00, keep a fortnight of them"', () =>
    expect(caseFailures('backups for the db: daily 02:00, keep a fortnight of them', [{ job_schedule: ['0 2 * * *'], container: 'postgres' }, ...retain(14)], DB)).toEqual([]));
});

// Fresh requests of the same mechanism in another setting (turns, another service, said first),
// written after the mechanism was built and before they were run; the first-run count is in the docs.
describe('retention said as a duration, fresh: turns, redis, and the retention said first', () => {
  const turns = (before: string[], said: string[], expect: Want[]) =>
    runConversation({ id: 't', request: '', before, turns: said.map((request, i) => ({ request, expect: i === said.length - 1 ? expect : [] })) }).flatMap((r) => r.failures);
  it.each<[string[], string[], Want[]]>([
    [DB, ['back up postgres nightly', 'keep a fortnight'], retain(14)],
    [DB, ['back up postgres nightly at 3', "actually just a week's worth"], retain(7)],
    [DB, ['back up postgres nightly, keep 30', 'make that a quarter'], retain(91)],
    [['add redis'], ['back up redis every 12 hours', 'keep a fortnight of those'], [{ volume: 'redis-data', retain: 28 }]],
  ])('%j then %j', (before, said, want) => expect(turns(before, said, want)).toEqual([]));
  it.each<[string, Want[], string[]]>([
    ['keep a fortnight of redis backups, daily at 1', [{ volume: 'redis-data', retain: 14 }], ['add redis']],
    ['redis: hourly backups, one day of them', [{ volume: 'redis-data', retain: 24 }], ['add redis']],
    ['back up the database weekly and keep a year', retain(52), DB],
    ["nightly backups of postgres, two weeks' worth", retain(14), DB],
    ['back up postgres every sunday, keep a quarter of them', retain(13), DB],
  ])('"%s"', (request, want, before) => expect(caseFailures(request, want, before)).toEqual([]));
  // The tenth fresh request fails for another reason: "pg dumps" is not read as backups at all
  // ("daily pg dumps, keep 30" is not understood either). Left for the next round.
  it.fails('"daily pg dumps, retention: a month"', () => expect(caseFailures('daily pg dumps, retention: a month', retain(30), DB)).toEqual([]));
});
