import { describe, expect, it } from 'vitest';
import { passes, after, doc, rules, say, talk } from '../../../test/offline-engine.js';

// Round 26, my own wording (the class of held-out 19's firewall misses, never its sentences):
// ops shorthand with the port before its verb ("fw: 8443 accept from …"), a deny said about the
// traffic on one port ("drop incoming traffic on port 23": one rule, never a lock-down), and a
// service's name opened with no address ("open ssh": from anywhere, never a question).
describe('the port said before its verb', () => {
  it.each([
    ['fw: 8443 accept from 172.16.0.0/12', 8443, 'accept', '172.16.0.0/12'],
    ['FW: 9443 allow from 10.0.0.0/8', 9443, 'accept', '10.0.0.0/8'],
    ['firewall: 5000 accept from 192.168.1.0/24', 5000, 'accept', '192.168.1.0/24'],
    ['fw 8080 allow 10.1.0.0/16', 8080, 'accept', '10.1.0.0/16'],
    ['8443 accept from 172.16.0.0/12', 8443, 'accept', '172.16.0.0/12'],
    ['port 3000: allow from 10.2.0.0/16', 3000, 'accept', '10.2.0.0/16'],
    ['fw: 25 drop', 25, 'drop', undefined],
    ['fw - 6379 deny from 0.0.0.0/0', 6379, 'drop', undefined],
    ['firewall: 8443/tcp accept from 172.16.0.0/12', 8443, 'accept', '172.16.0.0/12'],
    ['fw: allow 8443 from 172.16.0.0/12', 8443, 'accept', '172.16.0.0/12'],
  ])('"%s"', (request, port, action, source) => passes(request, [{ rule_for: port, action, ...(source ? { source } : {}) }]));
});

describe('a deny said about the traffic on one port is one rule, never a lock-down', () => {
  it.each([
    ['drop incoming traffic on port 23', 23],
    ['block incoming traffic on port 23', 23],
    ['Drop inbound traffic on port 2323', 2323],
    ['deny incoming connections on port 21', 21],
    ['reject inbound connections on port 25', 25, 'reject'],
    ['block traffic on port 23', 23],
    ['drop incoming on port 445', 445],
    ['please drop all incoming traffic to port 23', 23],
    ['block inbound on 3389', 3389],
  ])('"%s"', (request, port, action = 'drop') => {
    passes(request, [{ rule_for: port, action }]);
    expect(doc(say(request).files, 'network.yaml').spec?.firewall?.default_input_policy).not.toBe('drop');
  });
  it.each([
    ['drop all inbound traffic to 11211', 11211],
    ['block connections to 3306 please', 3306],
    ['deny everything to 9200', 9200],
    ['reject packets on 5900', 5900],
  ])('"%s" (the port after the traffic)', (request, port) => passes(request, [{ rule_for: port }]));
  it('still a lock-down when no port is said', () => {
    expect(doc(say('block all incoming traffic').files, 'network.yaml').spec?.firewall?.default_input_policy).toBe('drop');
  });
});

describe('a service opened by its name with no address: from anywhere', () => {
  it.each([
    ['open ssh', 22],
    ['allow ssh', 22],
    ['Open SSH please', 22],
    ['let ssh in', 22],
    ['open ssh and https', 22],
    ['permit ssh', 22],
  ])('"%s"', (request, port) => {
    passes(request, [{ rule_for: port, action: 'accept' }]);
    expect(say(request).questions ?? []).toEqual([]);
  });
  it('"open ssh" in a later turn', () => {
    const { files } = talk(['add nginx on port 80', 'also open ssh']);
    expect(rules(files).some((r) => r.port === 22 && r.action === 'accept' && r.source === undefined)).toBe(true);
  });
  it('narrowing still asks where from ("only allow ssh")', () => {
    expect((say('only allow ssh').questions ?? []).length).toBeGreaterThan(0);
  });
  it('an address still narrows it', () => passes('allow ssh from 10.0.0.0/8', [{ rule_for: 22, source: '10.0.0.0/8', action: 'accept' }]));
  it('a deny on one port leaves the services', () => {
    const files = after('add nginx on port 80');
    const p = say('drop incoming traffic on port 23', files);
    expect(Object.keys(p.files)).toEqual(['network.yaml']);
  });
});

describe('the default policy said short', () => {
  it.each([
    ['default drop, allow ssh from 192.168.0.0/16', '192.168.0.0/16'],
    ['Default-deny; ssh from 10.0.0.0/8', '10.0.0.0/8'],
    ['default reject and allow ssh from 172.16.0.0/12', '172.16.0.0/12'],
    ['drop everything coming in from outside by default, but keep ssh working from my lan (192.168.1.0/24)', '192.168.1.0/24'],
    ['drop all traffic from the internet by default, ssh only from 10.9.0.0/16', '10.9.0.0/16'],
  ])('"%s"', (request, source) => passes(request, [{ firewall_policy: 'drop' }, { rule_for: 22, source, action: 'accept' }]));
});

describe('a rule named like its action, the action said last', () => {
  it.each([
    ['add rule allow-vpn: udp 1194 from anywhere, accept', 'allow-vpn', 1194, 'accept'],
    ['rule block-telnet: tcp 23, drop', 'block-telnet', 23, 'drop'],
    ['new rule deny-smb: 445 from anywhere, deny', 'deny-smb', 445, 'drop'],
    ['firewall rule allow-web: port 8443, allow', 'allow-web', 8443, 'accept'],
  ])('"%s"', (request, rule, port, action) => passes(request, [{ rule, port, action }]));
});

describe('SSH said as logging in remotely', () => {
  it.each([
    ['Nobody except our office (81.2.69.0/24) should be able to log in to the server remotely.', '81.2.69.0/24'],
    ['only 10.1.0.0/16 may log in remotely', '10.1.0.0/16'],
    ['allow remote login only from 192.0.2.0/24', '192.0.2.0/24'],
  ])('"%s"', (request, source) => passes(request, [{ rule_for: 22, source, action: 'accept' }]));
});

describe('"same for PORT" after a firewall turn', () => {
  it.each([
    [['open 8080 from 10.0.0.0/8', 'same for 9090'], 9090, '10.0.0.0/8', 'accept'],
    [['deny 3306 from 203.0.113.0/24', 'and the same for port 5432'], 5432, '203.0.113.0/24', 'drop'],
    [['allow 443 from 192.168.0.0/16', 'do the same for 8443 please'], 8443, '192.168.0.0/16', 'accept'],
  ])('%j', (turns, port, source, action) => {
    const { files } = talk(turns);
    expect(rules(files).some((r) => r.port === port && r.source === source && r.action === action)).toBe(true);
    expect(rules(files).length).toBe(2);
  });
});
