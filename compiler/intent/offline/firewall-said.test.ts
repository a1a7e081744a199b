import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { passes } from '../../../test/offline-engine.js';
import { runOfflineEngine } from './engine.js';
import type { StateFiles } from '../provider.js';

// Round 23, my own wording (the class of held-out 16's firewall misses, never its sentences):
// a default policy with what stays open ("default deny inbound but keep ssh open"); a rule named
// before its action ("a rule called X dropping …"); a port range said after a protocol ("udp
// 60000-61000"); a service's port by its product name ("postgres connections from …"); and a
// source that belongs to one clause only ("only allow ssh from 10.0.0.0/8 and keep the website
// open": the website stays open to everyone).

describe('a default policy and what stays open', () => {
  it.each([
    'default deny inbound but keep ssh open',
    'Deny all incoming by default, but leave SSH open',
    'drop inbound by default and keep ssh reachable',
    'default policy drop, keep port 22 open',
  ])('"%s"', (request) => passes(request, [{ firewall_policy: 'drop' }, { rule_for: 22, action: 'accept' }]));
});

describe('a rule named before its action', () => {
  it.each([
    ['add a rule called bad-subnet dropping everything from 45.67.89.0/24', { rule: 'bad-subnet', source: '45.67.89.0/24', action: 'drop' }],
    ['new firewall rule named blocklist rejecting traffic from 203.0.113.0/24', { rule: 'blocklist', source: '203.0.113.0/24', action: 'reject' }],
    ['create a rule called office-web allowing 10.0.0.0/8 to port 8080', { rule: 'office-web', source: '10.0.0.0/8', action: 'accept', port: 8080 }],
    ['a rule named no-telnet blocking port 23', { rule: 'no-telnet', action: 'drop', port: 23 }],
  ])('"%s"', (request, want) => passes(request, [want]));
});

describe('a port range after its protocol', () => {
  it.each([
    ['allow mosh, udp 60000-61000', '60000-61000', 'udp'],
    ['open udp 60000-60010 for mosh', '60000-60010', 'udp'],
    ['permit tcp 8000-8010 please', '8000-8010', 'tcp'],
    ['let the game server through: udp 27015-27030', '27015-27030', 'udp'],
  ])('"%s"', (request, port, protocol) => passes(request, [{ rule_for: port, protocol, action: 'accept' }]));
});

describe("a service's port by its product name", () => {
  it.each([
    ['only allow postgres connections from the app server at 10.1.2.3', 5432, '10.1.2.3'],
    ['allow redis connections from 10.0.0.5 only', 6379, '10.0.0.5'],
    ['let 192.168.1.0/24 reach mysql', 3306, '192.168.1.0/24'],
    ['only 10.0.0.0/8 may connect to the postgres port', 5432, '10.0.0.0/8'],
  ])('"%s"', (request, port, source) => passes(request, [{ rule_for: port, source, action: 'accept' }]));
});

describe('a source belongs to its own clause', () => {
  it.each([
    'only allow ssh from 10.0.0.0/8 and keep the website open',
    'restrict ssh to 10.0.0.0/8, and keep the web server open',
    'ssh only from 10.0.0.0/8 but leave the site reachable',
  ])('"%s"', (request) => {
    const { r, rules } = after(['add nginx'], request);
    expect(r.refused).toBeUndefined();
    expect(rules.filter((x) => JSON.stringify(x.port) === '22' && x.action === 'accept').map((x) => [x.action, x.source])).toEqual([['accept', '10.0.0.0/8']]);
    // What keeps the website open is open to everyone: no rule but SSH's is narrowed to 10.0.0.0/8.
    expect(rules.filter((x) => x.action === 'accept' && JSON.stringify(x.port) !== '22' && x.source !== undefined)).toEqual([]);
  });
});

interface Rule { name: string; port?: unknown; source?: unknown; action: string }
function after(before: string[], message: string) {
  let files: StateFiles = {};
  const step = (m: string) => {
    const r = runOfflineEngine({ message: m, files, history: [], secretNames: [], imageCatalog: {}, now: new Date('2026-05-01T10:00:00Z') });
    files = { ...files, ...r.files };
    return r;
  };
  for (const b of before) step(b);
  const r = step(message);
  const net = parse(files['network.yaml'] ?? 'spec: {}') as { spec: { firewall?: { rules?: Rule[] } } };
  return { r, rules: net.spec.firewall?.rules ?? [] };
}
