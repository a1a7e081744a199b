import { describe, expect, it } from 'vitest';
import { caseFailures, runCase } from '../../fixtures/intent-eval/run.js';

// Held-out 31 (written blind 2026-12-07; run blind before round 37), read by the lead afterwards:
// classes of its ordinary misses given to FIT31, each with the phrasing that showed it, paraphrases
// of our own, and near misses that keep their meaning. docs/intent.md "Round 37, FIT31".
type Want = Record<string, unknown>;

describe('"its" after "reached through nginx" is the subject\'s, never the way in (h31-svc-75)', () => {
  const before = ['add a service called api running ghcr.io/acme/api:2.4 on port 8000', 'add nginx on port 80'];
  it.each([
    'api should only be reached through nginx, stop publishing its port',
    'api sits behind nginx now, stop publishing its port',
    'the api is only reached via nginx, so stop publishing its port',
    'api is proxied by nginx; stop exposing its port',
  ])('%j', (request) => {
    expect(caseFailures(request, [{ service: 'api', no_ports: true }, { unchanged: 'nginx' }], before)).toEqual([]);
  });
  it('near miss: "its" after nginx said plainly is still nginx\'s', () => {
    expect(caseFailures("stop publishing nginx's port", [{ service: 'nginx', no_ports: true }, { unchanged: 'api' }], before)).toEqual([]);
  });
});

describe('an account purged by a possessive name, a container annihilated (h31-risky-04, h31-risky-13)', () => {
  const users = ['add user temp-contractor', 'add user alice with sudo'];
  it.each<[string, string]>([
    ["purge temp-contractor's account", 'temp-contractor'],
    ["purge temp-contractor's login, the contract ended", 'temp-contractor'],
    ["purge alice's user account", 'alice'],
  ])('%j', (request, user) => {
    const other = user === 'alice' ? { user: 'temp-contractor' } : { user: 'alice', sudo: true };
    expect(caseFailures(request, [{ user, absent: true }, other], users)).toEqual([]);
  });
  const svcs = ['add a service called demo running ghcr.io/acme/demo:0.3', 'add redis'];
  it.each([
    'annihilate the demo container, the sales pitch is done',
    'obliterate demo',
    'eradicate the demo service please',
    'obliterate demo from the server',
  ])('%j removes demo', (request) => {
    expect(caseFailures(request, [{ service: 'demo', absent: true }, { unchanged: 'redis' }], svcs)).toEqual([]);
  });
  it.each(['annihilate all the data on this box', 'obliterate every volume'])('near miss %j is still refused', (request) => {
    expect(runCase({ id: 'unit', request, dangerous: true, before: ['add postgres with a volume called pgdata'], expect: [] }).failures).toEqual([]);
  });
});

describe('an https address said to work is https for its domain (h31-cert-08)', () => {
  it.each<[string, string]>([
    ['make https://status.example.com work', 'status.example.com'],
    ['get https://status.example.com working please', 'status.example.com'],
    ['https://shop.example.org should work', 'shop.example.org'],
    ['we need https://shop.example.org to be live', 'shop.example.org'],
  ])('%j', (request, certificate) => {
    expect(caseFailures(request, [{ certificate }])).toEqual([]);
  });
  it('near miss: a URL fetched by a job is no certificate', () => {
    expect(caseFailures('every hour run curlimages/curl with `curl -fsS https://status.example.com/ping`', [{ certificate: 'status.example.com' }])).not.toEqual([]);
  });
});

describe('a new login who "manages the containers" is in the docker group, "not root" is no sudo (h31-user-14)', () => {
  it.each([
    "Hi, could you set up a login for our new contractor Oscar (username oscar)? He'll need to manage the containers but he shouldn't be root. Thank you!",
    'add a user oscar who can manage the containers, no sudo',
    'please create an account for oscar; he should manage our docker containers but not be root',
  ])('%j', (request) => {
    expect(caseFailures(request, [{ user: 'oscar', sudo: false, groups: ['docker'] }])).toEqual([]);
  });
  it('near miss: a login with nothing said of containers is in no docker group', () => {
    expect(caseFailures('set up a login for oscar', [{ user: 'oscar', groups: ['docker'] }])).not.toEqual([]);
    expect(caseFailures('set up a login for oscar', [{ user: 'oscar', sudo: false }])).toEqual([]);
  });
});

describe('a firewall rule said without a verb, two sources for two ports (h31-fw-20)', () => {
  it.each([
    'https from anywhere, but plain http only from 10.0.0.0/8',
    'allow https from anywhere, but http only from 10.0.0.0/8',
    'allow https from anywhere and http only from 10.0.0.0/8',
    'open 443 to everyone and 80 only to 10.0.0.0/8',
  ])('%j', (request) => {
    const f = caseFailures(request, [{ rule_for: 443, action: 'accept' }, { rule_for: 80, source: '10.0.0.0/8', action: 'accept' }]);
    expect(f).toEqual([]);
  });
  it('https stays open to all: its rule has no source', () => {
    expect(caseFailures('https from anywhere, but plain http only from 10.0.0.0/8', [{ rule_for: 443, source: '10.0.0.0/8' }])).not.toEqual([]);
  });
  it.each<[string, number, string]>([
    ['ssh only from 10.0.0.0/8', 22, '10.0.0.0/8'],
    ['port 9100 from 10.0.5.12', 9100, '10.0.5.12'],
  ])('%j', (request, port, source) => {
    expect(caseFailures(request, [{ rule_for: port, source, action: 'accept' }])).toEqual([]);
  });
  it('near miss: one source for two ports is still one reading', () => {
    expect(caseFailures('allow http and https from 10.0.0.0/8', [{ rule_for: 80, source: '10.0.0.0/8', action: 'accept' }, { rule_for: 443, source: '10.0.0.0/8', action: 'accept' }])).toEqual([]);
  });
});

describe('an address that needs to reach a port is allowed to it (h31-fw-16)', () => {
  it.each<[string, number, string]>([
    ['the monitoring box 10.0.5.12 needs to scrape node exporter on 9100', 9100, '10.0.5.12'],
    ['10.0.0.0/24 must be able to reach port 5432', 5432, '10.0.0.0/24'],
    ['our prometheus server at 10.0.5.12 has to scrape port 9100', 9100, '10.0.5.12'],
  ])('%j', (request, port, source) => {
    expect(caseFailures(request, [{ rule_for: port, source, action: 'accept' }])).toEqual([]);
  });
  it('near miss: a node exporter added on 9100 is a service', () => {
    expect(caseFailures('add node exporter on 9100', [{ service: 'node-exporter', host_port: 9100 }])).toEqual([]);
  });
});

describe("a service's port said not reachable from outside is blocked (h31-fw-22)", () => {
  it.each<[string, number]>([
    ['the postgres port should not be reachable from outside', 5432],
    ['the redis port must not be accessible from the internet', 6379],
    ['nobody on the internet should reach the mysql port', 3306],
    ["mysql's port shouldn't be reachable from outside", 3306],
  ])('%j', (request, port) => {
    expect(caseFailures(request, [{ rule_for: port, action: 'drop' }])).toEqual([]);
  });
  it('near miss: a service said not reachable from outside publishes no port', () => {
    expect(caseFailures('postgres should not be reachable from outside', [{ service: 'postgres', no_ports: true }], ['add postgres on port 5432'])).toEqual([]);
  });
});
