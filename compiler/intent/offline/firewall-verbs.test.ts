import { describe, it } from 'vitest';
import { passes } from '../../../test/offline-engine.js';

// Round 24, my own wording (the class of held-out 17's firewall misses, never its sentences): the
// verb decides the action wherever the port is said; a rule named with its action; a port said in
// words; an address said first and pointed at after ("it", "that").
describe('the verb decides the action', () => {
  it.each([
    ['block 198.51.100.77 from ssh', 22, '198.51.100.77'],
    ['deny 203.0.113.5 from ssh, it is attacking us', 22, '203.0.113.5'],
    ['keep 203.0.113.0/24 out of ssh', 22, '203.0.113.0/24'],
    ['Block 45.1.2.3 from reaching ssh', 22, '45.1.2.3'],
    ['ban 45.1.2.3 from port 443', 443, '45.1.2.3'],
    ['block 10.9.9.9 from port 8080', 8080, '10.9.9.9'],
  ])('"%s"', (request, port, source) => passes(request, [{ rule_for: port, source, action: 'drop' }]));
});

describe('a rule named with its action', () => {
  it.each([
    ['make a rule named no-cache that drops 6379', { rule: 'no-cache', port: 6379, action: 'drop' }],
    ['add a rule called no-mysql that blocks 3306', { rule: 'no-mysql', port: 3306, action: 'drop' }],
    ['a firewall rule called drop-telnet that drops port 23', { rule: 'drop-telnet', port: 23, action: 'drop' }],
    ['create a rule named office-only which allows 8443 from 10.0.0.0/8', { rule: 'office-only', port: 8443, action: 'accept', source: '10.0.0.0/8' }],
  ])('"%s"', (request, want) => passes(request, [want]));
});

describe('a port in words', () => {
  it.each([
    ['open the port number nine thousand nine hundred and ninety nine for tcp', 9999],
    ['open port number 8888', 8888],
    ['open port eighty', 80],
    ['allow port four four three', 443],
    ['open port nine thousand and one', 9001],
  ])('"%s"', (request, port) => passes(request, [{ rule_for: port, action: 'accept' }]));
});

describe('an address said first, then pointed at', () => {
  it.each([
    ['the office ip is 203.0.113.20, only it may hit 9443', 9443, '203.0.113.20'],
    ['our vpn is 10.8.0.0/24, only it should reach 9000', 9000, '10.8.0.0/24'],
    ['the office is 192.168.5.0/24; allow it to reach port 8080', 8080, '192.168.5.0/24'],
    ['my home ip is 198.51.100.4, let it reach ssh', 22, '198.51.100.4'],
    ['we send traffic from the vpn 10.9.0.0/24 into 8081, allow that', 8081, '10.9.0.0/24'],
    ['traffic from 10.1.0.0/16 comes in on 9090, let it through', 9090, '10.1.0.0/16'],
    ['the monitoring box 10.0.0.7 scrapes port 9100, permit that', 9100, '10.0.0.7'],
  ])('"%s"', (request, port, source) => passes(request, [{ rule_for: port, source, action: 'accept' }]));
});
