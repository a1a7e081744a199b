import { describe, expect, it } from 'vitest';
import { caseFailures, caseFiles } from '../../fixtures/intent-eval/run.js';

// Round 36 (INTENT-A), docs/intent.md "Round 36": the classes of held-out 29's and para-28's
// ordinary misses about services and multi-service apps (offline/services-said.ts). Each class has
// the phrasing that showed it and three or four paraphrases of our own, written from English before
// they were run, and near-misses that keep their meaning.
type Want = Record<string, unknown>;
const API = 'add ghcr.io/acme/api:1.0 as api on port 8080';
const WORKER = 'add ghcr.io/acme/worker:3 as worker';

describe('a command said as a field of a service being added is its command', () => {
  it.each<[string, Want[]]>([
    ['run redis with persistence on, command redis-server --appendonly yes', [{ service: 'redis', command: 'redis-server --appendonly yes' }]],
    ['add memcached, command memcached -m 64', [{ service: 'memcached', command: 'memcached -m 64' }]],
    ["I'd like a minio server: image minio/minio, console on 9001, command `server /data --console-address :9001`", [{ service: 'minio', image: 'minio/minio', host_port: 9001, command: 'server /data --console-address :9001' }]],
    ["add ghcr.io/acme/worker:2 as jobs with the command 'python -m jobs --queue default'", [{ service: 'jobs', image: 'ghcr.io/acme/worker:2', command: 'python -m jobs --queue default' }]],
  ])('%j', (request, want) => expect(caseFailures(request, want)).toEqual([]));
});

describe("a command said for a service that is there is that service's command, whatever the order", () => {
  it.each<string>([
    "Can we run the worker with the command 'python -m worker --concurrency 4'?",
    'could the worker start with `python -m worker --concurrency 4` instead of its default command?',
    'start command for worker: `python -m worker --concurrency 4`',
    'use `python -m worker --concurrency 4` to start the worker container',
    "the startup command of the worker should be 'python -m worker --concurrency 4'",
  ])('%j', (request) => expect(caseFailures(request, [{ service: 'worker', command: 'python -m worker --concurrency 4' }, { unchanged: 'redis' }], [WORKER, 'add redis'])).toEqual([]));
  it('a quoted command said with a time stays a job of that service', () => {
    expect(caseFailures('run `python -m worker --sweep` in the worker every night at 2am', [{ job_schedule: '0 2 * * *', container: 'worker', command_has: 'python -m worker --sweep' }, { unchanged: 'worker' }], [WORKER])).toEqual([]);
  });
});

describe('a proxy "in front of" a service is added and waits for it', () => {
  it.each<[string, Want[], string[]]>([
    ['put nginx in front of the api as a reverse proxy on port 80', [{ service: 'nginx', host_port: 80, depends_on: ['api'] }, { unchanged: 'api' }], [API]],
    ['caddy on 443 in front of grafana', [{ service: 'caddy', host_port: 443, depends_on: ['grafana'] }, { unchanged: 'grafana' }], ['add grafana']],
    ['set up traefik on port 80 to proxy the api', [{ service: 'traefik', host_port: 80, depends_on: ['api'] }, { unchanged: 'api' }], [API]],
    ['api = ghcr.io/acme/api:2.0 on 8000, nginx on 80 in front of it', [{ service: 'api', image: 'ghcr.io/acme/api:2.0', host_port: 8000 }, { service: 'nginx', host_port: 80, depends_on: ['api'] }], []],
    ['set up nginx on port eighty to proxy my api; the api is ghcr.io/acme/api:2.0 on port 8000', [{ service: 'api', image: 'ghcr.io/acme/api:2.0', host_port: 8000 }, { service: 'nginx', host_port: 80, depends_on: ['api'] }], []],
  ])('%j', (request, want, before) => expect(caseFailures(request, want, before)).toEqual([]));
  it('a service "only reachable through" a proxy publishes nothing, and the proxy waits for it', () => {
    expect(caseFailures('n8n (n8nio/n8n) with a postgres, n8n only reachable through an nginx on port 80', [{ service: 'n8n', image: 'n8nio/n8n', no_ports: true, depends_on: ['postgres'] }, { service: 'nginx', host_port: 80, depends_on: ['n8n'] }])).toEqual([]);
    expect(caseFailures('grafana only reachable through a caddy on port 443', [{ service: 'grafana', no_ports: true }, { service: 'caddy', host_port: 443, depends_on: ['grafana'] }])).toEqual([]);
  });
  it('a proxy put on a network is not put in front of anything', () => {
    expect(caseFailures('put nginx on the backend network', [{ service: 'nginx', network: 'backend' }], ['add nginx'])).toEqual([]);
  });
});

describe('a service said to be for another, or to talk to it, waits for it', () => {
  it.each<[string, Want[], string[]]>([
    ['adminer for the existing mysql, on port 8082', [{ service: 'adminer', host_port: 8082, depends_on: ['mysql'] }, { unchanged: 'mysql' }], ['add mysql']],
    ['phpmyadmin for the existing mariadb on 8081', [{ service: 'phpmyadmin', host_port: 8081, depends_on: ['mariadb'] }, { unchanged: 'mariadb' }], ['add mariadb']],
    ['ghcr.io/acme/shop:1 as shop on 3000 and a redis cache for it', [{ service: 'shop', host_port: 3000, depends_on: ['redis'] }, { service: 'redis' }], []],
    ['api (ghcr.io/acme/api:2.1) on 8080 talking to a postgres db; the db must not be exposed', [{ service: 'api', host_port: 8080, depends_on: ['postgres'] }, { service: 'postgres', no_ports: true }], []],
    ['ghcr.io/acme/web:3 as web on 8080, talking to a redis', [{ service: 'web', depends_on: ['redis'] }, { service: 'redis' }], []],
  ])('%j', (request, want, before) => expect(caseFailures(request, want, before)).toEqual([]));
  it.each<[string, Want[], string[]]>([
    ["add a celery worker called celery-worker using the api's image ghcr.io/acme/api:1.0, command 'celery -A app worker', depending on redis and postgres", [{ service: 'celery-worker', image: 'ghcr.io/acme/api:1.0', command: 'celery -A app worker', depends_on: ['redis', 'postgres'] }, { unchanged: 'api' }, { unchanged: 'redis' }, { unchanged: 'postgres' }], ['add ghcr.io/acme/api:1.0 as api', 'add redis', 'add postgres']],
    ['add ghcr.io/acme/beat:1 as beat, depending on redis', [{ service: 'beat', depends_on: ['redis'] }, { unchanged: 'redis' }], ['add redis']],
    ['add a poller from ghcr.io/acme/poller:2 that depends on postgres', [{ service: 'poller', image: 'ghcr.io/acme/poller:2', depends_on: ['postgres'] }, { unchanged: 'postgres' }], ['add postgres']],
  ])('%j', (request, want, before) => expect(caseFailures(request, want, before)).toEqual([]));
  it('"that depends on it" in the next turn is the service the turn before added', () => {
    const files = caseFiles({ id: 't', request: '', turns: [{ request: 'add redis' }, { request: 'and a worker from ghcr.io/acme/worker:1 that depends on it' }] });
    expect(files['services.yaml']).toMatch(/name: worker\n\s+image: ghcr.io\/acme\/worker:1[\s\S]*depends_on:\n\s+- redis/);
  });
});

describe('a network said with its name last holds the services named', () => {
  it.each<[string, Want[], string[]]>([
    ['put the api and postgres on the same network, call it backend', [{ service: 'api', network: 'backend' }, { service: 'postgres', network: 'backend' }], [API, 'add postgres']],
    ['put redis and the worker on one network named jobs', [{ service: 'redis', network: 'jobs' }, { service: 'worker', network: 'jobs' }], [WORKER, 'add redis']],
    ['ghcr.io/acme/shop:1 as shop on 3000, a redis for it, and put both on a network called shop-net', [{ service: 'shop', network: 'shop-net', depends_on: ['redis'] }, { service: 'redis', network: 'shop-net' }], []],
  ])('%j', (request, want, before) => expect(caseFailures(request, want, before)).toEqual([]));
});

describe('an image in brackets after "a NAME container" is that service\'s image', () => {
  it.each<[string, Want[]]>([
    ['add a mailpit container (axllent/mailpit) with the web ui on 8025', [{ service: 'mailpit', image: 'axllent/mailpit', host_port: 8025 }]],
    ['spin up a whoami service (traefik/whoami) on 8081', [{ service: 'whoami', image: 'traefik/whoami', host_port: 8081 }]],
    ['I want an echo container (ealen/echo-server:0.9) on port 8090', [{ service: 'echo', image: 'ealen/echo-server:0.9', host_port: 8090 }]],
  ])('%j', (request, want) => expect(caseFailures(request, want)).toEqual([]));
});

describe('a variable "pointing at" a value is set to it', () => {
  it.each<[string, string, string]>([
    ['api needs DATABASE_URL pointing at postgres://app@postgres:5432/app', 'DATABASE_URL', 'postgres://app@postgres:5432/app'],
    ['the api needs REDIS_URL pointing to redis://redis:6379/0', 'REDIS_URL', 'redis://redis:6379/0'],
    ['api should have API_BASE pointing at http://web:8080', 'API_BASE', 'http://web:8080'],
  ])('%j', (request, key, value) => expect(caseFailures(request, [{ service: 'api', env: { [key]: value } }, { unchanged: 'postgres' }], [API, 'add postgres'])).toEqual([]));
});

describe('a host port said as the host side, or as "make the X port N", moves that service', () => {
  it.each<[string, string, number]>([
    ["let's have postgres listen on 5433 on the host side", 'postgres', 5433],
    ['redis on 6380 on the host side please', 'redis', 6380],
    ['please to make the nginx port 8088, is possible?', 'nginx', 8088],
    ['could you make the nginx port 8090?', 'nginx', 8090],
  ])('%j', (request, name, port) => {
    const other = name === 'nginx' ? 'redis' : 'nginx';
    expect(caseFailures(request, [{ service: name, host_port: port }, { unchanged: other }], ['add postgres', 'add redis', 'add nginx on port 8080'])).toEqual([]);
  });
});
