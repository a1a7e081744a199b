import { describe, expect, it } from 'vitest';
import { caseFailures, caseFiles, runCase } from '../../fixtures/intent-eval/run.js';

// Held-out 32 (written blind 2026-12-07; run blind before round 38), read by the lead afterwards:
// classes of its ordinary misses about services given to FIT32A, each with the phrasing that showed
// it, paraphrases of our own, and near misses that keep their meaning. docs/intent.md "Round 38, fit32a".
type Want = Record<string, unknown>;
const refused = (request: string, before: string[]) => runCase({ id: 'unit', request, dangerous: true, before, expect: [] }).failures;

describe('services said to stay after a removal are kept, never more objects of it (h32-svc-54)', () => {
  const before = ['add nginx', 'add prometheus', 'add grafana'];
  const kept: Want[] = [{ service: 'prometheus', absent: true }, { service: 'grafana', depends_absent: 'prometheus' }, { service: 'nginx' }];
  it.each([
    'delete the prometheus service, grafana and nginx stay',
    'get rid of prometheus; grafana and nginx remain',
    'remove prometheus, keep grafana and nginx',
    'remove prometheus but leave grafana and nginx alone',
    'remove prometheus. grafana stays',
  ])('%j', (request) => {
    expect(caseFailures(request, kept, before)).toEqual([]);
    expect(caseFailures(request, [{ unchanged: 'nginx' }], before)).toEqual([]);
  });
  it('near miss: both named as objects are both removed', () => {
    expect(caseFailures('delete prometheus and grafana', [{ service: 'prometheus', absent: true }, { service: 'grafana', absent: true }, { unchanged: 'nginx' }], before)).toEqual([]);
  });
  it('near miss: the removal of what another depends on, said alone, still asks', () => {
    expect(caseFailures('delete the prometheus service', [{ asks: true, no_change: true, says: 'grafana' }], before)).toEqual([]);
  });
});

describe('a verb said of nothing is no order (h32-svc-83)', () => {
  const before = ['deploy ghcr.io/acme/api:1.0 as api', 'add postgres'];
  it.each<[string, Want]>([
    ['api env: remove nothing, just add SENTRY_ENVIRONMENT=production', { SENTRY_ENVIRONMENT: 'production' }],
    ['api env: delete nothing, only add SENTRY_ENVIRONMENT=staging', { SENTRY_ENVIRONMENT: 'staging' }],
    ['api: change nothing else, only set LOG_LEVEL=debug', { LOG_LEVEL: 'debug' }],
    ["don't remove anything, just add FOO=bar to api", { FOO: 'bar' }],
  ])('%j', (request, env) => {
    expect(caseFailures(request, [{ service: 'api', env }, { unchanged: 'postgres' }], before)).toEqual([]);
  });
  it('near miss: "nothing else" after a removal keeps the removal', () => {
    expect(caseFailures('remove postgres, nothing else', [{ service: 'postgres', absent: true }, { unchanged: 'api' }], before)).toEqual([]);
  });
});

describe('"reachable from the host network" is no host networking (h32-svc-47)', () => {
  const before = ['add redis', 'add postgres'];
  it.each([
    "postgres shouldn't be reachable from the host network at all, remove its published port",
    'postgres must not be reachable from the host network, stop publishing its port',
    'postgres should not be reachable from the host network, so remove its published port',
  ])('%j', (request) => {
    expect(caseFailures(request, [{ service: 'postgres', no_ports: true }, { unchanged: 'redis' }], before)).toEqual([]);
  });
  it.each(['run postgres on the host network', 'give redis host networking', 'put redis in the host network namespace'])('near miss %j is still refused', (request) => {
    expect(refused(request, before)).toEqual([]);
  });
});

describe('removal and stop said in other words (h32-svc-68, h32-svc-85, h32-risky-06, h32-svc-80)', () => {
  it.each([
    "memcached isn't needed, tear it down. leave redis alone",
    'memcached is not needed any more, remove it, but leave redis alone',
    "we don't use memcached, tear it down and keep redis",
  ])('%j removes memcached only', (request) => {
    expect(caseFailures(request, [{ service: 'memcached', absent: true }, { unchanged: 'redis' }], ['add redis', 'add memcached'])).toEqual([]);
  });
  const three = ['add grafana', 'add redis', 'add nginx'];
  it.each(["grafana's toast, pull it off the server", 'grafana is history, take it off the server', 'pull grafana off the server', 'yank grafana off the box for good'])('%j removes grafana', (request) => {
    expect(caseFailures(request, [{ service: 'grafana', absent: true }, { unchanged: 'redis' }, { unchanged: 'nginx' }], three)).toEqual([]);
  });
  it.each(["flush redis out of existence, we don't use it", 'wipe redis out of existence', 'redis -> gone'])('%j removes redis', (request) => {
    expect(caseFailures(request, [{ service: 'redis', absent: true }, { unchanged: 'postgres' }], ['add redis', 'add postgres'])).toEqual([]);
  });
  it.each(['mongodb -> stopped', 'mongodb: stopped', 'mongodb => off', 'mongodb → down'])('%j stops mongodb', (request) => {
    expect(caseFailures(request, [{ service: 'mongodb', state: 'stopped' }, { unchanged: 'redis' }], ['add mongodb', 'add redis'])).toEqual([]);
  });
  it('near miss: a size after a colon is a size, no state', () => {
    expect(caseFailures('redis: 512mb', [{ service: 'redis', memory: '512M', state: 'running' }], ['add redis', 'add postgres'])).toEqual([]);
  });
  it('near miss: "take it off the host" is its host port, no removal', () => {
    expect(caseFailures('postgres: take it off the host, only other containers need it', [{ service: 'postgres', no_ports: true }], ['add redis', 'add postgres'])).toEqual([]);
  });
  it('near miss: off the host port is no removal', () => {
    expect(caseFailures('take postgres off the host port', [{ service: 'postgres', no_ports: true }], ['add redis', 'add postgres'])).toEqual([]);
  });
  it('near miss: a cache flushed is no service removed', () => {
    expect(caseFailures('flush the redis cache', [{ service: 'redis' }], ['add redis', 'add postgres'])).toEqual([]);
  });
});

describe('some of the replicas taken away leaves the rest (h32-risky-04)', () => {
  const before = ['add nginx with 6 replicas', 'add redis'];
  it.each<[string, number]>([
    ['eliminate five of the six nginx replicas', 1],
    ["remove 2 of nginx's 6 replicas", 4],
    ['get rid of 4 of the nginx replicas', 2],
    ['kill three nginx replicas', 3],
  ])('%j', (request, replicas) => {
    expect(caseFailures(request, [{ service: 'nginx', replicas }, { unchanged: 'redis' }], before)).toEqual([]);
  });
  it('near miss: every replica but one said the old way still keeps one', () => {
    expect(caseFailures('kill all the nginx replicas but one', [{ service: 'nginx', replicas: 1 }, { unchanged: 'redis' }], before)).toEqual([]);
  });
  it('near miss: the service itself removed is removed', () => {
    expect(caseFailures('remove nginx', [{ service: 'nginx', absent: true }, { unchanged: 'redis' }], before)).toEqual([]);
  });
});

describe('a count of a product wanted, said first, adds it with that many replicas (h32-svc-08)', () => {
  it.each<[string, string, number]>([
    ['we want three copies of nginx running', 'nginx', 3],
    ["we'd like 2 instances of redis", 'redis', 2],
    ['could we get four replicas of nginx up and running?', 'nginx', 4],
  ])('%j', (request, service, replicas) => {
    expect(caseFailures(request, [{ service, replicas }])).toEqual([]);
  });
  it('near miss: with nginx there, the count is its replicas', () => {
    expect(caseFailures('we want three copies of nginx running', [{ service: 'nginx', replicas: 3 }], ['add nginx'])).toEqual([]);
  });
});

describe("a service's command said after \"command\" or in brackets (h32-svc-36, h32-svc-81)", () => {
  it.each([
    'start redis with appendonly: command redis-server --appendonly yes',
    'redis: command redis-server --appendonly yes',
    'turn on appendonly for redis (redis-server --appendonly yes)',
  ])('%j', (request) => {
    expect(caseFailures(request, [{ service: 'redis', command: 'redis-server --appendonly yes' }, { unchanged: 'nginx' }], ['add redis', 'add nginx'])).toEqual([]);
  });
  it.each<[string, Want]>([
    ['Could I please get a Redis instance? Port 6380, half a gig of memory, and appendonly turned on (redis-server --appendonly yes).', { service: 'redis', host_port: 6380, memory: '512M', command: 'redis-server --appendonly yes' }],
    ['add mongodb (mongod --bind_ip_all --quiet)', { service: 'mongodb', command: 'mongod --bind_ip_all --quiet' }],
    ['I need memcached on 11212 with the command memcached -m 64 -v', { service: 'memcached', host_port: 11212, command: 'memcached -m 64 -v' }],
  ])('%j', (request, want) => {
    expect(caseFailures(request, [want])).toEqual([]);
  });
  it('near miss: a version in brackets is no command', () => {
    expect(caseFailures('add redis (version 7)', [{ service: 'redis', command: 'version 7' }])).not.toEqual([]);
    expect(caseFailures('add redis (version 7)', [{ service: 'redis', image: 'redis:7-alpine' }])).toEqual([]);
  });
  it('near miss: a program of another product in brackets is no command of this one', () => {
    expect(caseFailures('add redis (like nginx -g daemon)', [{ service: 'redis', command: 'like nginx -g daemon' }])).not.toEqual([]);
  });
});

describe('a share of a core said as a fraction, a size after it its memory (h32-svc-50, h32-svc-84)', () => {
  it.each<[string, Want]>([
    ['launch a quarter-core memcached with 64m', { service: 'memcached', cpu: '0.25', memory: '64M' }],
    ['run a half-core redis with 128m', { service: 'redis', cpu: '0.5', memory: '128M' }],
    ['add memcached on 11212 w/ 1/2 core', { service: 'memcached', host_port: 11212, cpu: '0.5' }],
    ['add nginx with 1/4 cpu', { service: 'nginx', cpu: '0.25' }],
    ['give me memcached with three quarters of a core', { service: 'memcached', cpu: '0.75' }],
  ])('%j', (request, want) => {
    expect(caseFailures(request, [want])).toEqual([]);
  });
  it('near miss: a CPU said in millicores is still millicores', () => {
    expect(caseFailures('add memcached with 500m cpu', [{ service: 'memcached', cpu: '500m' }])).toEqual([]);
  });
  it('near miss: a size alone is memory', () => {
    expect(caseFailures('add memcached with 64m', [{ service: 'memcached', memory: '64M' }])).toEqual([]);
  });
});

describe("a database's name and user said as fields are the image's variables, never a login of the host (h32-svc-34, h32-svc-69, h32-svc-88)", () => {
  it.each<[string, string, Want]>([
    ["postgres with database name 'shop' and user 'shop', generate the password", 'postgres', { POSTGRES_DB: 'shop', POSTGRES_USER: 'shop' }],
    ['add postgres on port 5433 with db name ledger and username acct', 'postgres', { POSTGRES_DB: 'ledger', POSTGRES_USER: 'acct' }],
    ['mariadb, db name wiki, user wiki, random pw', 'mariadb', { MARIADB_DATABASE: 'wiki', MARIADB_USER: 'wiki' }],
    ['set up mariadb: database name=notes, user=notes', 'mariadb', { MARIADB_DATABASE: 'notes', MARIADB_USER: 'notes' }],
    ["install mysql, database 'crm', let the system pick a secure password", 'mysql', { MYSQL_DATABASE: 'crm' }],
    ['mysql with db name shop and user app', 'mysql', { MYSQL_DATABASE: 'shop', MYSQL_USER: 'app' }],
  ])('%j', (request, service, env) => {
    expect(caseFailures(request, [{ service, env, secret_ref: true }])).toEqual([]);
    const f = caseFiles({ id: 'unit', request });
    expect(f['security.yaml'] ?? '').not.toMatch(/users:\s*\n\s*-/);
  });
  it('near miss: a host login said with sudo stays a login of the host', () => {
    expect(caseFailures('add postgres and a linux user shop with sudo', [{ service: 'postgres' }, { user: 'shop', sudo: true }])).toEqual([]);
  });
  it('near miss: "a postgres database called analytics" names the service', () => {
    expect(caseFailures('add a postgres database called analytics', [{ service: 'analytics', image: 'postgres:16-alpine' }])).toEqual([]);
    expect(caseFailures('add a mysql db named crm', [{ service: 'crm' }])).toEqual([]);
  });
  it('near miss: a word after "the db" is no database name, an owner said as such keeps its version', () => {
    expect(caseFailures('api (ghcr.io/acme/api:2.1) on 8080 talking to a postgres db; the db must not be exposed', [{ service: 'postgres', no_ports: true }])).toEqual([]);
    expect(caseFailures("postgres 15 for my app, owner should be a user called 'ledger'", [{ service: 'postgres', image: 'postgres:15-alpine', env: { POSTGRES_USER: 'ledger' } }, { user: 'ledger', absent: true }])).toEqual([]);
    expect(caseFailures("postgres 15 with database name 'shop' and user 'app'", [{ service: 'postgres', image: 'postgres:15-alpine', env: { POSTGRES_DB: 'shop', POSTGRES_USER: 'app' } }])).toEqual([]);
  });
  it('near miss: the database behind wordpress is named by wordpress, no field said', () => {
    expect(caseFailures('wordpress with a mysql database', [{ service: 'mysql', env: { MYSQL_DATABASE: 'wordpress' } }])).toEqual([]);
  });
});

describe('a data service behind what it serves is not published (h32-multi-01)', () => {
  it.each<[string, string, string]>([
    ['wordpress with a mysql database behind it', 'wordpress', 'mysql'],
    ['set up wordpress with mariadb behind it.', 'wordpress', 'mariadb'],
    ['add gitea with a postgres db behind it', 'gitea', 'postgres'],
  ])('%j', (request, app, db) => {
    expect(caseFailures(request, [{ service: app, depends_on: [db] }, { service: db, no_ports: true }])).toEqual([]);
  });
  it('near miss: said with "behind it" mid-sentence, what follows keeps its subject', () => {
    expect(caseFailures('setup wordpress with a mariadb behind it, site on port 8081', [{ service: 'wordpress', host_port: 8081 }, { service: 'mariadb', no_ports: true }])).toEqual([]);
  });
  it('near miss: said with no "behind", the database keeps its loopback port', () => {
    expect(caseFailures('wordpress with a mysql database', [{ service: 'mysql', host_port: 3306 }])).toEqual([]);
  });
});

describe('a product said with what it is and its own image in brackets is named after the product (h32-svc-74)', () => {
  it.each<[string, Want]>([
    ['I want to host a ghost blog (ghost:5) on port 2368', { service: 'ghost', image: 'ghost:5', host_port: 2368 }],
    ['add a grafana dashboard (grafana/grafana:11.1.0)', { service: 'grafana', image: 'grafana/grafana:11.1.0' }],
    ['run a redis cache (redis:7.2) please', { service: 'redis', image: 'redis:7.2' }],
  ])('%j', (request, want) => {
    expect(caseFailures(request, [want])).toEqual([]);
  });
  it('near miss: a noun alone before an image names the service', () => {
    expect(caseFailures('add a blog (ghost:5)', [{ service: 'blog', image: 'ghost:5' }])).toEqual([]);
  });
});
