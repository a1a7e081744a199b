import { describe, expect, it } from 'vitest';
import { caseFailures } from '../../fixtures/intent-eval/run.js';

// Round 30 (intent3), docs/intent.md "After round 30" → "Mechanisms (intent3)": the engine's
// output always compiles. Every change it writes is checked by the compiler in process before it
// is proposed; one that would not compile is not proposed: nothing changes and the reply says in
// one line what could not be done and why. Each row is a request whose result must compile (the
// eval's own check) and, where the right reading is clear, what it must leave.
// Written from English before the engine was run on it; none of held-out 23's or para-22's words.
// First run on main (5325d0a): 21/32.
type Want = Record<string, unknown>;
const BEFORE = ['run ghcr.io/acme/web:1 as web on 8080', 'set up postgres', 'add redis'];
const NOTHING: Want[] = [{ no_change: true }];

describe('what the engine writes compiles, or nothing changes', () => {
  it.each<[string, Want[]]>([
    // a volume named by its service: the service's volume, never a new one inside it
    ['I want the redis volume backed up every 4 hours, keep 6', [{ volume: 'redis-data', backup_schedule: '0 */4 * * *', retain: 6 }]],
    ['the postgres volume should be backed up daily at 1, keep 9', [{ volume: 'postgres-data', backup_schedule: '0 1 * * *', retain: 9 }]],
    ['back up the postgres data volume at 3am', [{ volume: 'postgres-data', backup_schedule: '0 3 * * *' }]],
    ['postgres volume backup nightly at 2, retain 30', [{ volume: 'postgres-data', backup_schedule: '0 2 * * *', retain: 30 }]],
    ['keep 20 backups of the postgres volume', [{ volume: 'postgres-data', retain: 20 }]],
    ["the redis volume: back it up hourly, keep a day's worth", [{ volume: 'redis-data', backup_schedule: '0 * * * *' }]],
    ['create a volume named pgdata at /data/postgres', []],
    ['add a volume for postgres', []],
    ['mount the postgres volume into web at /data', []],
    // a value the compiler refuses: nothing changes
    ['put redis on port 8080', []],
    ['add nginx on port 8080', []],
    ['publish postgres on port 70000', NOTHING],
    ['allow port 99999', NOTHING],
    ['set the hostname to -bad-', NOTHING],
    ['timezone Mars/Olympus', NOTHING],
    ['every day at 7:75 run bin/y in web', NOTHING],
    ['schedule `bin/x` in web at 25:00', NOTHING],
    ['two replicas of web on port 8080', []],
    ['give redis 0 cpus', []],
    ['add a service called Web_2 from image nginx', []],
    ['add user Bob!', []],
    ['set up https for web at example..com', NOTHING],
    ['run a job in nosuchservice every hour: bin/x', NOTHING],
    ['add a service called a from image nginx:latest', []],
    ['web should depend on itself', []],
    ['rename postgres to redis', []],
    ['call the redis volume postgres-data', []],
    ['add another postgres', []],
  ])('"%s"', (request, want) => expect(caseFailures(request, want, BEFORE)).toEqual([]));

  // Written with [] (compiles, or nothing changes) before the first run; keeping no backup at all
  // is the guard's data destruction, a refusal (nothing changes), which is what the row meant.
  // Gaps at the round's end (docs/intent.md "After round 30"): both compile, neither is what was
  // said (a /33 read as the address, two volumes listed backed up as one at 03:00). Asserted to
  // fail, so a fix moves them up into the table.
  it.fails('"back up the postgres-data and redis-data volumes every night at 2"', () =>
    expect(caseFailures('back up the postgres-data and redis-data volumes every night at 2', [{ volume: 'postgres-data', backup_schedule: '0 2 * * *' }, { volume: 'redis-data', backup_schedule: '0 2 * * *' }], BEFORE)).toEqual([]));
  it.fails('"allow 10.0.0.0/33 to port 80"', () => expect(caseFailures('allow 10.0.0.0/33 to port 80', NOTHING, BEFORE)).toEqual([]));

  // A value the request asks for that the compiler refuses is said back as such (and refused, as
  // the provider's repair path did before the engine checked its own output).
  it('"give web 1kb of memory" cannot be done as asked', () => expect(caseFailures('give web 1kb of memory', [{ no_change: true }], BEFORE)).toEqual([expect.stringMatching(/^refused: the value asked for/)]));
  it('"back up postgres, keep 0" is refused', () => expect(caseFailures('back up postgres, keep 0', [{ no_change: true }], BEFORE)).toEqual([expect.stringMatching(/^refused: /)]));
});
