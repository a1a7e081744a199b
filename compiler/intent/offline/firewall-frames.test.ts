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
