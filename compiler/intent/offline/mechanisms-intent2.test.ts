import { describe, expect, it } from 'vitest';
import { caseFailures, runConversation } from '../../../fixtures/intent-eval/run.js';

// Round 27, after each mechanism of intent2's (docs/intent.md "After round 27"): requests that
// are not in the grid (grid-intent2.test.ts) and not rewordings of it, written before they were
// run. Each block says the mechanism; the first-run count of each is in the docs.
type Want = Record<string, unknown>;
const WORKER = 'run ghcr.io/acme/worker:1 as worker';
const WEB = 'run ghcr.io/acme/web:3 as web on port 3000';

const check = (request: string, expect: Want[], before: string[] = []) => caseFailures(request, expect, before);
const turns = (before: string[], said: string[], expect: Want[]) =>
  runConversation({ id: 't', request: '', before, turns: said.map((request, i) => ({ request, expect: i === said.length - 1 ? expect : [] })) }).flatMap((r) => r.failures);

describe('a job that fetches a URL, and a database chore, run inside a service (job-forms.ts endpointForm, chore)', () => {
  it.each<[string, Want[], string[]]>([
    ['poll the web /ready endpoint every 2 minutes', [{ job_schedule: '*/2 * * * *', container: 'web', command_has: 'localhost:3000/ready' }], [WEB]],
    ['every hour wget http://web:3000/cache/warm from the web container', [{ job_schedule: '0 * * * *', container: 'web', command_has: '/cache/warm' }], [WEB]],
    ["check the web's status page every 5 min", [{ job_schedule: '*/5 * * * *', container: 'web', command_has: '/status' }], [WEB]],
    ['reindex the database every saturday at 1am', [{ job_schedule: ['0 1 * * 6', '0 1 * * sat', '0 1 * * SAT'], container: 'postgres', command_has: 'reindexdb' }], ['add postgres']],
    ["empty the redis cache nightly at 2 ('FLUSHALL')", [{ job_schedule: '0 2 * * *', container: 'redis', command_has: 'FLUSHALL' }], ['add redis']],
  ])('"%s"', (request, want, before) => expect(check(request, want, before)).toEqual([]));
  it('a removal said with a schedule that repeats never removes the service now', () =>
    expect(check('delete the redis keys every night at 4', [{ service: 'redis' }], ['add redis'])).toEqual([]));
});

describe('a job said in pieces (jobWords, containerInBrackets, quotedAfterWhen)', () => {
  it.each<[string, Want[], string[]]>([
    ['create a task named warm at 6:10 every morning running ./warm.sh in worker', [{ job: 'warm', schedule: '10 6 * * *', container: 'worker' }], [WORKER]],
    ['sundays at 10pm, `./weekly.sh` in the worker', [{ job_schedule: ['0 22 * * 0', '0 22 * * 7', '0 22 * * sun', '0 22 * * SUN'], container: 'worker', command_has: 'weekly.sh' }], [WORKER]],
    ['every 20 minutes: python tick.py (the worker container)', [{ job_schedule: '*/20 * * * *', container: 'worker', command_has: 'tick.py' }], [WORKER]],
  ])('"%s"', (request, want, before) => expect(check(request, want, before)).toEqual([]));
});

describe('backups under discussion, a service volume too (backupTargets, keptCorrection)', () => {
  it.each<[string[], string[], Want[]]>([
    [['add redis'], ['back redis up every 6 hours', 'push the backup to every 12 hours'], [{ volume: 'redis-data', backup_schedule: ['0 */12 * * *', '0 0,12 * * *'] }]],
    [['add postgres'], ['nightly db backups at 1 please, keep 20', 'nah, 5 is enough'], [{ volume: 'postgres-data', retain: 5 }]],
    [['add postgres'], ['back up postgres daily', 'shift the backup to 05:45'], [{ volume: 'postgres-data', backup_schedule: '45 5 * * *' }]],
  ])('%j then %j', (before, said, want) => expect(turns(before, said, want)).toEqual([]));
});

describe('users of the turn before, said with a pronoun or with nothing (usersPointed)', () => {
  it.each<[string[], Want[]]>([
    [['create the user gus', 'make him a sudoer'], [{ user: 'gus', sudo: true }]],
    [['add users ivy and jo', 'both need sudo'], [{ user: 'ivy', sudo: true }, { user: 'jo', sudo: true }]],
    [['add user kai with sudo', 'hmm, no admin'], [{ user: 'kai', sudo: false }]],
    [['add user lou', 'add her to wheel'], [{ user: 'lou', sudo: true }]],
  ])('%j', (said, want) => expect(turns([], said, want)).toEqual([]));
});

describe('the machine named and put on a zone, https said of the site (handleHostname, handleTimezone, CERT_WANTED)', () => {
  it.each<[string, Want[], string[]]>([
    ['this machine will be known as pi-hole-2', [{ hostname: 'pi-hole-2' }], []],
    ['switch the box to Europe/Lisbon', [{ timezone: 'Europe/Lisbon' }], []],
    ['serve the shop over https, the domain is tea.example.org', [{ certificate: 'tea.example.org' }], ['add nginx on port 80']],
  ])('"%s"', (request, want, before) => expect(check(request, want, before)).toEqual([]));
});
