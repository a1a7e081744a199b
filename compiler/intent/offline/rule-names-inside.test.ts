import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runOfflineEngine } from './engine.js';

const NOW = new Date('2026-05-01T10:00:00Z');
const run = (message: string) => runOfflineEngine({ message, files: {}, history: [], secretNames: [], imageCatalog: {}, now: NOW });
type Rule = { name: string; action: string; port?: number | number[] | string; source?: string | string[] };
const firewall = (message: string) => {
  const r = run(message);
  const doc = parse(r.files['network.yaml'] ?? 'spec: {}') as { spec: { firewall?: { default_input_policy?: string; rules?: Rule[] } } };
  return { refused: r.refused !== undefined, policy: doc.spec.firewall?.default_input_policy, rules: doc.spec.firewall?.rules ?? [] };
};

// Round 19, my own wording: a rule's name said in the middle of the sentence ("a rule called X
// that …", "rule X: …"), the rule's verb in the third person ("that drops"), reject kept as
// reject when the name is said after it, and a drop default with the ports kept open.
describe('a firewall rule named mid-sentence', () => {
  it.each([
    ['add a firewall rule called office-ssh that lets 203.0.113.0/24 in on port 22', 'office-ssh', 'accept', 22],
    ['make a rule named deny-telnet that drops tcp 23', 'deny-telnet', 'drop', 23],
    ['firewall rule mon: accept 9100 from 10.0.5.10', 'mon', 'accept', 9100],
    ['create a rule called no-smtp which rejects port 25', 'no-smtp', 'reject', 25],
    ['new firewall rule named lan-dns that allows udp 53 from 192.168.0.0/16', 'lan-dns', 'accept', 53],
    ['rule metrics: allow 9090 from 10.1.0.0/16 please', 'metrics', 'accept', 9090],
    ['Add A Rule Called Block-RDP That Blocks 3389', 'block-rdp', 'drop', 3389],
    ['please add a firewall rule named office-web to allow 8443 from 203.0.113.7', 'office-web', 'accept', 8443],
  ])('%s', (message, name, action, port) => {
    const { rules } = firewall(message);
    expect(rules).toEqual([expect.objectContaining({ name, action, port })]);
  });

  it.each([
    ['reject everything from 198.51.100.23, they keep hammering us. call the rule ban-scanner', 'ban-scanner'],
    ['reject all traffic from 203.0.113.9 - rule name no-9', 'no-9'],
  ])('%s keeps reject', (message, name) => {
    expect(firewall(message).rules).toEqual([expect.objectContaining({ name, action: 'reject' })]);
  });
});

describe('a drop default with the ports kept open is not an accept default', () => {
  it.each([
    'tighten it up: default policy drop, allow only 22, 80 and 443 in',
    'default input policy drop and allow 22, 80, 443',
    'set the default policy to drop but allow ports 22, 80 and 443',
  ])('%s', (message) => {
    const f = firewall(message);
    expect(f.refused).toBe(false);
    expect(f.policy).toBe('drop');
    const open = f.rules.filter((r) => r.action === 'accept').flatMap((r) => [r.port ?? []].flat().map(Number));
    expect(open).toEqual(expect.arrayContaining([22, 80, 443]));
  });

  // Round 22 (the lead's decision): an accept policy is done, with a warning (firewall-ports.test.ts).
  it.each(['set the default input policy to accept', 'default policy: allow', 'accept as the default policy'])('%s sets the policy to accept', (message) => {
    const f = firewall(message);
    expect(f.refused).toBe(false);
    expect(f.policy).toBe('accept');
  });
});
