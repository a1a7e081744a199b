import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runOfflineEngine } from './engine.js';

const NOW = new Date('2026-05-01T10:00:00Z');
interface Fw { default_input_policy?: string; rules?: { name: string; protocol?: string; port?: unknown; source?: unknown; action: string }[] }
const firewall = (message: string): Fw => {
  const r = runOfflineEngine({ message, files: {}, history: [], secretNames: [], imageCatalog: {}, now: NOW });
  expect(r.refused, message).toBeUndefined();
  return (parse(r.files['network.yaml'] ?? 'spec: {}') as { spec: { firewall?: Fw } }).spec.firewall ?? {};
};
const rule = (message: string, name: string) => (firewall(message).rules ?? []).find((r) => r.name === name);

// Round 18, my own wording: a firewall rule said every way — its name last after a comma or a
// dash, a port in brackets or by a service's name, a range of ports, reject, ping, a default
// policy with what stays open, several sources.
describe('firewall rules said every way', () => {
  it.each([
    ['open 8443 from 10.1.0.0/16 - rule admin-ui', 'admin-ui', { port: 8443, source: '10.1.0.0/16', action: 'accept' }],
    ['permit tcp 6443 from 172.20.0.0/16 only, name k8s-api', 'k8s-api', { port: 6443, source: '172.20.0.0/16', action: 'accept' }],
    ['allow mysql (3306) from 10.9.0.0/24, call the rule db-lan', 'db-lan', { port: 3306, source: '10.9.0.0/24' }],
    ['open ports 7000 to 7010', 'allow-ports-7000-7010', { port: '7000-7010', protocol: 'tcp' }],
    ['allow udp 10000-20000 for rtp, call it rtp', 'rtp', { port: '10000-20000', protocol: 'udp' }],
    ['Open TCP ports 5000 through 5005', 'allow-ports-5000-5005', { port: '5000-5005' }],
    ['allow 3000..3005 from 192.168.0.0/16', 'allow-ports-3000-3005', { port: '3000-3005', source: '192.168.0.0/16' }],
    ['reject incoming telnet on 23', 'reject-port-23', { port: 23, action: 'reject' }],
    ['reject port 25 from anywhere, call it no-mail', 'no-mail', { port: 25, action: 'reject' }],
    ['block telnet', 'deny-port-23', { port: 23, action: 'drop' }],
    ['let 10.1.0.0/16 and 10.2.0.0/16 reach port 9100', 'allow-port-9100', { source: ['10.1.0.0/16', '10.2.0.0/16'] }],
    ['allow 5432 from 10.0.1.0/24, 10.0.2.0/24 & 10.0.3.5', 'allow-port-5432', { source: ['10.0.1.0/24', '10.0.2.0/24', '10.0.3.5'] }],
  ])('%s', (message, name, want) => {
    expect(rule(message, name)).toMatchObject(want);
  });

  it.each([
    ['allow ping', 'allow-ping', 'accept'],
    ['let people ping the server', 'allow-ping', 'accept'],
    ['pls block icmp', 'block-ping', 'drop'],
  ])('ping is an ICMP rule: %s', (message, name, action) => {
    expect(rule(message, name)).toMatchObject({ protocol: 'icmp', action });
  });

  it.each([
    ['set the default input policy to drop', [22]],
    ['set the default policy for incoming to drop', [22]],
    ['deny all incoming by default, but keep ssh and https open', [22, 443]],
    ['default deny inbound except http and ssh', [22, 80]],
    ['drop everything incoming by default except 8080', [22, 8080]],
  ])('a default policy of drop, SSH and what is said kept open: %s', (message, open) => {
    const fw = firewall(message);
    expect(fw.default_input_policy).toBe('drop');
    const accepted = (fw.rules ?? []).filter((r) => r.action === 'accept' && r.port !== undefined).map((r) => r.port);
    expect(accepted.sort()).toEqual(open.sort());
  });

  it('a port moved from one number to another is not a range', () => {
    const r = runOfflineEngine({ message: 'change the api port from 8080 to 8088', files: {}, history: [], secretNames: [], imageCatalog: {}, now: NOW });
    expect(r.files['network.yaml']).toBeUndefined();
  });
});

// Round 21, my own wording: a rule's name said after it ("… - name it no-smtp", ". rule:
// vpn-ssh"), a rule about "anything going to port N", http and https said with where ("on the
// firewall"), a service's published port closed because it need not be public, and the accept
// policy refused with how to set it by hand.
describe('round 21: names said last, ports said with where, closing what need not be public', () => {
  it.each([
    ['reject (not drop) anything going to port 25 - name it no-smtp', 'no-smtp', { port: 25, action: 'reject' }],
    ['reject anything going to port 25, name it no-smtp', 'no-smtp', { port: 25, action: 'reject' }],
    ['drop traffic to port 8081 — call the rule no-8081', 'no-8081', { port: 8081, action: 'drop' }],
    ['only my vpn range 100.64.0.0/10 should be able to ssh in. rule: vpn-ssh', 'vpn-ssh', { port: 22, source: '100.64.0.0/10', action: 'accept' }],
    ['allow ssh from 10.8.0.0/16. rule: office-ssh', 'office-ssh', { port: 22, source: '10.8.0.0/16' }],
    ['open 9100 from 10.0.0.0/8. name it node-exporter', 'node-exporter', { port: 9100, source: '10.0.0.0/8' }],
    ['block connections to port 6379 - rule: no-redis', 'no-redis', { port: 6379, action: 'drop' }],
    ['open up http and https on the firewall', 'allow-web', { port: [80, 443] }],
    ['let http and https through the firewall', 'allow-web', { port: [80, 443] }],
    ['allow http and https on the server please', 'allow-web', { port: [80, 443] }],
  ])('%s', (message, name, want) => {
    expect(rule(message, name)).toMatchObject(want);
  });

  it('a range said with spaced dashes stays a range', () => {
    expect(rule('open ports 8000 - 8010', 'allow-ports-8000-8010')).toMatchObject({ port: '8000-8010' });
  });

  const api = runOfflineEngine({ message: 'deploy ghcr.io/acme/api:2.3.0 as api on port 8080', files: {}, history: [], secretNames: [], imageCatalog: {}, now: NOW }).files;
  const onApi = (message: string) => {
    const r = runOfflineEngine({ message, files: api, history: [], secretNames: [], imageCatalog: {}, now: NOW });
    const files = { ...api, ...r.files };
    const svc = (parse(files['services.yaml']!) as { spec: { services: { name: string; ports?: unknown[] }[] } }).spec.services.find((s) => s.name === 'api')!;
    return { ports: svc.ports, rules: (parse(files['network.yaml'] ?? 'spec: {}') as { spec: { firewall?: Fw } }).spec.firewall?.rules ?? [] };
  };
  it.each([
    "close 8080, the api doesn't need to be public",
    "close 8080 - api doesn't need to be reachable from outside",
    "close port 8080 since the api isn't public",
    'block 8080, the api should not be public',
    'the api does not need to be public',
    'api is not meant to be public, close 8080',
  ])('the port is no longer published, no rule: "%s"', (message) => {
    expect(onApi(message)).toEqual({ ports: undefined, rules: [] });
  });
  it.each(['close 8080 on the firewall', 'close port 8080'])('closing a port alone is a rule, the api keeps its port: "%s"', (message) => {
    const r = onApi(message);
    expect(r.ports).toHaveLength(1);
    expect(r.rules.map((x) => [x.port, x.action])).toEqual([[8080, 'drop']]);
  });

  // Round 22 (the lead's decision): the accept policy is done, with a warning (firewall-ports.test.ts);
  // accepting everything, or the firewall off, is still refused and says how to do it by hand.
  it.each(['accept all incoming traffic by default', 'let everything in by default', 'turn the firewall off'])('accepting everything is refused and the reply says how to set it by hand: "%s"', (message) => {
    const r = runOfflineEngine({ message, files: {}, history: [], secretNames: [], imageCatalog: {}, now: NOW });
    expect(r.files).toEqual({});
    expect(r.refused?.reason).toContain('network.yaml');
    expect(r.explanation).toMatch(/under spec\.firewall set default_input_policy: accept(?: \(or enabled: false\))?, then run `claude plan` and `claude apply`/);
  });
  it.each(['deny all incoming by default', 'allow ssh by default from 10.0.0.0/8 only'])('no accept policy: "%s" is not refused', (message) => {
    const r = runOfflineEngine({ message, files: {}, history: [], secretNames: [], imageCatalog: {}, now: NOW });
    expect(r.refused).toBeUndefined();
  });
});
