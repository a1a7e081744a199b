import { describe, expect, it } from 'vitest';
import { caseFailures } from '../../fixtures/intent-eval/run.js';

// Held-out 30 (written blind 2026-12-07; run blind before and after round 36), read by the lead
// afterwards: classes of its ordinary misses, each with the phrasing that showed it, paraphrases of
// our own written before they were run, and near-misses that keep their meaning. docs/intent.md
// "Held-out 30".
type Want = Record<string, unknown>;

describe('"nite" is night: a job said "evry nite at 11" runs at 23:00', () => {
  it.each<[string, string]>([
    ['evry nite at 11 run cleanup.sh in worker', '0 23 * * *'],
    ['every nite at 10 run cleanup.sh in worker', '0 22 * * *'],
    ['nitely at 3 run cleanup.sh in worker', '0 3 * * *'],
    ['each nite at 9 run cleanup.sh in the worker', '0 21 * * *'],
  ])('%j', (request, cron) => {
    expect(caseFailures(request, [{ job_schedule: cron, container: 'worker', command_has: 'cleanup.sh' }], ['run ghcr.io/acme/worker:2 as worker'])).toEqual([]);
  });
});

describe('a role word finds a catalog app as it finds a template ("the cache" is memcached)', () => {
  it.each<[string, Want]>([
    ['kill the cache', { service: 'memcached', state: 'stopped' }],
    ['stop the cache for now', { service: 'memcached', state: 'stopped' }],
    ['shut the cache down', { service: 'memcached', state: 'stopped' }],
  ])('%j', (request, want) => {
    expect(caseFailures(request, [want, { unchanged: 'nginx' }], ['add memcached', 'add nginx'])).toEqual([]);
  });
  it('with two caches it asks which', () => {
    expect(caseFailures('stop the cache', [{ asks: true }, { unchanged: 'redis' }, { unchanged: 'memcached' }], ['add memcached', 'add redis'])).toEqual([]);
  });
});

describe("a user's rights said as what they should not have, or need", () => {
  const before = ['add user test with sudo', 'add user kevin with sudo'];
  it.each<[string, string]>([
    ["the user 'test' shouldn't have root rights", 'test'],
    ["strip kevin's root access, he moved to marketing", 'kevin'],
    ['revoke admin rights from kevin', 'kevin'],
    ['kevin no longer needs sudo', 'kevin'],
    ['test should not have sudo access', 'test'],
  ])('%j takes sudo away', (request, user) => {
    const other = user === 'test' ? 'kevin' : 'test';
    expect(caseFailures(request, [{ user, sudo: false }, { user: other, sudo: true }], before)).toEqual([]);
  });
  it.each([
    'raj needs to run docker without sudo',
    'let raj use docker',
    'raj should be able to use docker',
    'allow raj to run docker',
  ])('%j puts raj in the docker group', (request) => {
    expect(caseFailures(request, [{ user: 'raj', groups: ['docker'], sudo: false }], ['add user raj'])).toEqual([]);
  });
  it('a ticket that names another group keeps every group (para-25 usr-03-b)', () => {
    const request = 'Hi, a colleague called Carol needs an account on here (username carol). She should be in both the docker group and the developers group.';
    expect(caseFailures(request, [{ user: 'carol', groups: ['docker', 'developers'] }])).toEqual([]);
  });
  it('sudo taken from everyone is not read as one user', () => {
    expect(caseFailures("everyone shouldn't have root rights", [{ user: 'test', sudo: false }], before)).not.toEqual([]);
  });
});

describe("a city's hour said as 'like in CITY'", () => {
  it.each<[string, string]>([
    ['please put the hour of the server like in Madrid', 'Europe/Madrid'],
    ['set the clock of this box as in Lisbon', 'Europe/Lisbon'],
    ['make the server time like in Berlin please', 'Europe/Berlin'],
  ])('%j', (request, timezone) => {
    expect(caseFailures(request, [{ timezone }])).toEqual([]);
  });
});

describe("a job's image said before its command, with a schedule", () => {
  it.each<[string, string, string, string]>([
    ['every january 1st at 00:00 run ghcr.io/acme/yearly:1 with `archive --year last`', '0 0 1 1 *', 'ghcr.io/acme/yearly:1', 'archive --year last'],
    ['on the first of every month at midnight run the invoice job: image ghcr.io/acme/invoices:3, command `invoice run --month previous`', '0 0 1 * *', 'ghcr.io/acme/invoices:3', 'invoice run'],
    ["nightly at 2 run alpine:3.19 with 'rm -rf /tmp/cache'", '0 2 * * *', 'alpine:3.19', 'rm -rf /tmp/cache'],
  ])('%j', (request, cron, image, command) => {
    expect(caseFailures(request, [{ job_schedule: cron, image, command_has: command }])).toEqual([]);
  });
  it('with no schedule it is a service with its command', () => {
    expect(caseFailures('run ghcr.io/acme/api:2 as api with the command `serve`', [{ service: 'api', command: 'serve' }])).toEqual([]);
  });
});

describe('a proxy said as "proxying to" the service', () => {
  it.each([
    'A Django app (ghcr.io/acme/django:1) called backend, a Postgres for it, and nginx proxying to it on port 8080.',
    'run ghcr.io/acme/django:1 as backend with postgres, and nginx proxying requests to backend on 8080',
  ])('%j', (request) => {
    expect(caseFailures(request, [{ service: 'nginx', host_port: 8080, depends_on: ['backend'] }, { service: 'backend', image: 'ghcr.io/acme/django:1' }])).toEqual([]);
  });
});

describe('"depends on the existing X" is X (held-out 30 multi-08, a regression of round 36)', () => {
  it.each([
    'run ghcr.io/acme/worker:3 as worker that depends on the existing redis',
    'run ghcr.io/acme/worker:3 as worker, depending on the current redis',
    'add ghcr.io/acme/worker:3 as worker which relies on the running redis',
  ])('%j', (request) => {
    expect(caseFailures(request, [{ service: 'worker', depends_on: ['redis'] }, { unchanged: 'redis' }], ['add redis'])).toEqual([]);
  });
});
