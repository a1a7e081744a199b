import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runOfflineEngine } from './engine.js';

const NOW = new Date('2026-05-01T10:00:00Z');
const ruleNames = (message: string) => {
  const r = runOfflineEngine({ message, files: {}, history: [], secretNames: [], imageCatalog: {}, now: NOW });
  const doc = parse(r.files['network.yaml'] ?? 'spec: {}') as { spec: { firewall?: { rules?: { name: string }[] } } };
  return (doc.spec.firewall?.rules ?? []).map((x) => x.name);
};

// Round 16, my own wording: the name a person gives a firewall rule, said before, after or in
// its own sentence, is the rule's name (and not read as part of the rule).
describe('firewall rules given a name', () => {
  it.each([
    ['allow tcp 8443 from 10.0.0.0/8, call it lan-admin', 'lan-admin'],
    ['deny 10.9.9.9 - rule name deny-one', 'deny-one'],
    ['reject 172.16.5.0/24. name the rule lab-out', 'lab-out'],
    ["rule 'metrics-in': allow tcp 9100 from 10.2.0.0/16", 'metrics-in'],
    ['add rule named syslog-in: accept udp 514 from 10.3.0.0/16', 'syslog-in'],
  ])('%s', (message, name) => {
    expect(ruleNames(message)).toEqual([name]);
  });

  it('without a name the rule keeps its made-up one', () => {
    expect(ruleNames('allow tcp 8443 from 10.0.0.0/8')).toEqual(['allow-port-8443']);
  });
});
