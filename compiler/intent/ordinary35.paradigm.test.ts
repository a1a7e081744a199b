import { describe, expect, it } from 'vitest';
import { caseFailures, caseFiles } from '../../fixtures/intent-eval/run.js';

// Round 35 (INTENT), docs/intent.md "Round 35": the classes of the ordinary requests the engine got
// wrong (issue 22's known bugs and held-out 28's ordinary failures). Each class has the phrasing that
// showed it and three or four paraphrases of our own, written from English before they were run.
type Want = Record<string, unknown>;
const API = 'run ghcr.io/acme/api:1.0 as api on port 8000';

describe('an address after "but only from" is a source, never an image or a port', () => {
  it.each<[string, number, string]>([
    ['open port 80 but only from 10.0.0.0/8', 80, '10.0.0.0/8'],
    ['open 22 but only from 192.168.1.0/24', 22, '192.168.1.0/24'],
    ['allow port 53 but just from 172.16.0.0/12', 53, '172.16.0.0/12'],
    ['open port 25 but only from 10.1.0.0/16 please', 25, '10.1.0.0/16'],
  ])('%j', (request, port, source) => {
    expect(caseFailures(request, [{ rule_for: port, source }])).toEqual([]);
    // The first octet of the range is no port of a rule.
    const octet = Number(source.split('.')[0]);
    expect(caseFiles({ id: 't', request })['network.yaml'] ?? '').not.toMatch(new RegExp(`port: ${octet}\\n`));
  });
});

describe('"then" after a sentence end starts the next service, which keeps its own port', () => {
  it.each<[string, string, string, number]>([
    ['Add mariadb; then wordpress on 8081', 'mariadb', 'wordpress', 8081],
    ['add postgres. Then grafana on 3001', 'postgres', 'grafana', 3001],
    ['set up redis; and then nginx on 8088', 'redis', 'nginx', 8088],
    ['add mysql; then adminer on 8082', 'mysql', 'adminer', 8082],
  ])('%j', (request, first, second, port) => {
    expect(caseFailures(request, [{ service: second, host_port: port }, { service: first }])).toEqual([]);
    const f = caseFiles({ id: 't', request })['services.yaml'] ?? '';
    expect(f.match(new RegExp(`\\b${port}\\b`, 'g'))?.length ?? 0).toBe(1);
  });
});

describe('an image that is an item of a list of services is added', () => {
  it.each<[string, Want[]]>([
    ['add postgres, adminer:4 and redis', [{ service: 'postgres' }, { service: 'adminer', image: 'adminer:4' }, { service: 'redis' }]],
    ['I need postgres, adminer:4 and redis', [{ service: 'postgres' }, { service: 'adminer', image: 'adminer:4' }, { service: 'redis' }]],
    ['set up mariadb, phpmyadmin:5 and nginx on 8088', [{ service: 'mariadb' }, { service: 'phpmyadmin', image: 'phpmyadmin:5' }, { service: 'nginx', host_port: 8088 }]],
    ['deploy redis, ghcr.io/acme/api:1 and postgres', [{ service: 'redis' }, { service: 'api', image: 'ghcr.io/acme/api:1' }, { service: 'postgres' }]],
  ])('%j', (request, want) => expect(caseFailures(request, want)).toEqual([]));
});

describe('a word that only says the hostname should change asks for the name', () => {
  it.each([
    'the hostname needs to be different',
    'change the hostname to something else',
    'the server name should be something new',
    'hostname should be different please',
  ])('%j', (request) => expect(caseFailures(request, [{ asks: true }, { no_change: true }])).toEqual([]));
  it('a name with such a word in it is a name', () => {
    expect(caseFailures('set the hostname to web-different', [{ hostname: 'web-different' }])).toEqual([]);
  });
});

describe('a count said before a product no service here is adds it with that many replicas', () => {
  it.each<[string, Want[]]>([
    ['three replicas of nginx', [{ service: 'nginx', replicas: 3 }]],
    ['I want 2 copies of redis', [{ service: 'redis', replicas: 2 }]],
    ['two containers of the uptime-kuma app', [{ service: 'uptime-kuma', replicas: 2 }]],
    ['please run 4 instances of caddy', [{ service: 'caddy', replicas: 4 }]],
  ])('%j', (request, want) => expect(caseFailures(request, want)).toEqual([]));
  it('a service here of that name is scaled, not added again', () => {
    expect(caseFailures('three replicas of nginx', [{ service: 'nginx', replicas: 3 }], ['add nginx'])).toEqual([]);
  });
});

describe('a variable named before the word "env" is that variable', () => {
  it.each<[string, Record<string, string>]>([
    ["set the api's TZ env to Europe/Oslo", { TZ: 'Europe/Oslo' }],
    ['set TZ env on api to Europe/Oslo', { TZ: 'Europe/Oslo' }],
    ["set the api's LOG_LEVEL env var to debug", { LOG_LEVEL: 'debug' }],
    ["change api's DEBUG variable to false", { DEBUG: 'false' }],
  ])('%j', (request, env) => expect(caseFailures(request, [{ service: 'api', env }, { unchanged: 'nginx' }], [API, 'add nginx'])).toEqual([]));
});

describe('"firewall off PORT" walls that port off', () => {
  it.each<[string, number]>([
    ['firewall off port 3306 from the internet', 3306],
    ['firewall off 5432 from outside', 5432],
    ['firewall off port 6379 please', 6379],
    ['fw off port 8080 from the internet', 8080],
  ])('%j', (request, port) => expect(caseFailures(request, [{ rule_for: port, action: 'drop' }])).toEqual([]));
});

describe('a lead word before a firewall frame is none of its slots', () => {
  it.each<[string, string, number, string]>([
    ['open port 8080', 'actually make 8080 only reachable from 10.0.0.0/8', 8080, '10.0.0.0/8'],
    ['open port 8443', 'actually, 8443 only from 10.1.0.0/16', 8443, '10.1.0.0/16'],
    ['open port 9000', 'ok so 9000 should only be reachable from 192.168.0.0/16', 9000, '192.168.0.0/16'],
    ['open port 3000', 'oh and make 3000 reachable only from 172.16.0.0/12', 3000, '172.16.0.0/12'],
  ])('%j then %j', (before, request, port, source) => expect(caseFailures(request, [{ rule_for: port, source }], [before])).toEqual([]));
});

describe('a port blocked for the world and allowed from a range: "it" is that port', () => {
  it.each<[string, number, string]>([
    ['block 9090 from the outside but allow it from 192.168.1.0/24', 9090, '192.168.1.0/24'],
    ['close 3000 to the world but let 10.0.0.0/8 reach it', 3000, '10.0.0.0/8'],
    ['deny port 5432 from the internet, allow it from 172.16.0.0/12', 5432, '172.16.0.0/12'],
    ['drop 8081 for everyone; allow it from 10.0.0.0/8', 8081, '10.0.0.0/8'],
  ])('%j', (request, port, source) => {
    expect(caseFailures(request, [{ rule_for: port, source, action: 'accept' }])).toEqual([]);
    // The range's rule comes before the drop, so it is reached.
    const f = caseFiles({ id: 't', request })['network.yaml'] ?? '';
    expect(f.indexOf(`source: ${source}`)).toBeLessThan(f.indexOf('action: drop'));
  });
});

describe('a port said with what is done to it ("6379 dropped") is a rule', () => {
  it.each<[string, number, string]>([
    ['6379 dropped', 6379, 'drop'],
    ['no public access to postgres: 5432 blocked', 5432, 'drop'],
    ['memcached stays internal and 11211 rejected', 11211, 'reject'],
    ['9200 blocked please', 9200, 'drop'],
  ])('%j', (request, port, action) => expect(caseFailures(request, [{ rule_for: port, action }], ['add redis', 'add postgres', 'add memcached'])).toEqual([]));
});

describe('"a full cpu" is one cpu', () => {
  it.each<[string, Want[]]>([
    ['give it 1 gig and a full cpu', [{ service: 'prometheus', memory: '1G', cpu: '1' }]],
    ['give it a whole core', [{ service: 'prometheus', cpu: '1' }]],
    ['limit prometheus to 2g and an entire cpu', [{ service: 'prometheus', memory: '2G', cpu: '1' }]],
    ['prometheus gets a dedicated core', [{ service: 'prometheus', cpu: '1' }]],
  ])('%j', (request, want) => expect(caseFailures(request, want, ['deploy prometheus'])).toEqual([]));
});

describe('a quoted command a service "should run with" is its command', () => {
  it.each<[string, string]>([
    ['api should run with `gunicorn app:app -w 4 -b 0.0.0.0:8000`', 'gunicorn app:app -w 4 -b 0.0.0.0:8000'],
    ['the api needs to start with the command `uvicorn main:app --port 8000`', 'uvicorn main:app --port 8000'],
    ['api must launch using `node server.js`', 'node server.js'],
    ['api should start with `gunicorn app:app -w 4`', 'gunicorn app:app -w 4'],
  ])('%j', (request, command) => expect(caseFailures(request, [{ service: 'api', command }], [API])).toEqual([]));
});
