/**
 * Round 29 (issue 22), INTENT2: the paradigm of a **firewall frame said in any order**. A rule is
 * a frame with slots (port, protocol, source(s), action, name); a person says them in any order,
 * after a colon, in quotes, with the name before or after, and "only" after a port that already
 * has a rule means "restrict that rule" (the open rule becomes the restricted one, never a
 * second rule beside it).
 *
 * Written from English before the engine was run on it (other ports, words and people than
 * held-out 22's h22-fw-17/24/26 and h20-082). docs/intent.md "After round 29", "Mechanisms
 * (intent2)". First run on main (a30697b, 16:50 UTC): 15/33; after the build (round 29): all pass.
 */
import { describe, expect, it } from 'vitest';
import { lastTurnFailures, type Expect } from '../../../test/offline-engine.js';

type Row = [request: string, want: Expect[], before?: string[]];
export const FIREWALL_FRAMES: Row[] = [
  // The rule's name said before, after or around the other slots, quoted or not.
  ['udp 1194, allow from anywhere, call the rule openvpn', [{ rule: 'openvpn', port: 1194, action: 'accept' }]],
  ['rule named ovpn: open udp port 1194 for everyone', [{ rule: 'ovpn', port: 1194, action: 'accept' }]],
  ["create a firewall rule called 'monitoring' allowing tcp 9100 from 10.1.0.0/16", [{ rule: 'monitoring', port: 9100, source: '10.1.0.0/16', action: 'accept' }]],
  ['add rule "dns" - 53/udp open to all', [{ rule: 'dns', port: 53, action: 'accept' }]],
  ['open 4443 to the world, name the rule admin-tls', [{ rule: 'admin-tls', port: 4443, action: 'accept' }]],
  ['name: grafana-lan, port 3000, source 192.168.1.0/24, allow', [{ rule: 'grafana-lan', port: 3000, source: '192.168.1.0/24', action: 'accept' }]],
  ['fw rule `ntp`: udp/123 accept from anywhere', [{ rule: 'ntp', port: 123, action: 'accept' }]],
  ["add an allow rule 'mqtt' for 1883 from 10.0.0.0/8", [{ rule: 'mqtt', port: 1883, source: '10.0.0.0/8', action: 'accept' }]],
  ['block tcp 25 from everyone, rule name no-smtp', [{ rule: 'no-smtp', port: 25, action: 'drop' }]],
  ["'wireguard' rule: 51820/udp open to everyone", [{ rule: 'wireguard', port: 51820, action: 'accept' }]],
  ['new firewall rule wg, udp 51820, open for all', [{ rule: 'wg', port: 51820, action: 'accept' }]],
  // The source before the port, the purpose before a colon, the verb last.
  ['from 192.168.5.0/24 allow port 3306', [{ rule_for: 3306, source: '192.168.5.0/24', action: 'accept' }]],
  ['192.168.5.0/24 should be able to reach 5432', [{ rule_for: 5432, source: '192.168.5.0/24', action: 'accept' }]],
  ['open this one: tcp 6443 from 10.0.0.0/8', [{ rule_for: 6443, source: '10.0.0.0/8', action: 'accept' }]],
  ['metrics scraping: 9100 from 172.20.0.0/16', [{ rule_for: 9100, source: '172.20.0.0/16', action: 'accept' }]],
  ['for the game server: udp 27015 open to everyone', [{ rule_for: 27015, protocol: 'udp', action: 'accept' }]],
  ['port 8843 only from 10.0.0.0/16, please open it', [{ rule_for: 8843, source: '10.0.0.0/16', action: 'accept' }]],
  ['allow, from 10.9.0.0/16, tcp port 2049', [{ rule_for: 2049, source: '10.9.0.0/16', action: 'accept' }]],
  ['permit 10.0.0.0/8 to 9200', [{ rule_for: 9200, source: '10.0.0.0/8', action: 'accept' }]],
  ['let 172.16.0.0/12 in on 5000', [{ rule_for: 5000, source: '172.16.0.0/12', action: 'accept' }]],
  ['the switches send snmp traps: udp 162 from 10.30.0.0/24', [{ rule_for: 162, protocol: 'udp', source: '10.30.0.0/24', action: 'accept' }]],
  ['Please to open port 9000 in the firewall, for the dashboard, only from network 192.168.10.0/24', [{ rule_for: 9000, source: '192.168.10.0/24', action: 'accept' }]],
  ['udp 5353 from 192.168.0.0/16, allow', [{ rule_for: 5353, protocol: 'udp', source: '192.168.0.0/16', action: 'accept' }]],
  ['tcp/8883 open for 10.0.0.0/8', [{ rule_for: 8883, source: '10.0.0.0/8', action: 'accept' }]],
  ['we want netflow from the routers: udp 2055 from 10.40.0.0/16 and 10.41.0.0/16', [{ rule_for: 2055, source: ['10.40.0.0/16', '10.41.0.0/16'], action: 'accept' }]],
  // "only" after a port that already has a rule: that rule is narrowed, not doubled.
  ['restrict 9090 to 192.168.0.0/16 only', [{ rule_for: 9090, source: '192.168.0.0/16', action: 'accept' }], ['allow 9090 from anywhere']],
  ['3000 should only be reachable from 10.0.0.0/8', [{ rule_for: 3000, source: '10.0.0.0/8', action: 'accept' }], ['open port 3000 to everyone']],
  ['only 172.16.0.0/12 may reach 5601', [{ rule_for: 5601, source: '172.16.0.0/12', action: 'accept' }], ['allow 5601 from anywhere']],
  ['limit 8081 to 10.10.0.0/16', [{ rule_for: 8081, source: '10.10.0.0/16', action: 'accept' }], ['open 8081 for everyone']],
  ['lock 6380 down to 10.0.0.0/8 only', [{ rule_for: 6380, source: '10.0.0.0/8', action: 'accept' }], ['open port 6380 to all']],
  ['8000: only from 192.168.1.0/24 from now on', [{ rule_for: 8000, source: '192.168.1.0/24', action: 'accept' }], ['allow 8000 from anywhere']],
  ['allow 443 from 10.0.0.0/8 only', [{ rule_for: 443, source: '10.0.0.0/8', action: 'accept' }], ['allow 443 from anywhere']],
  ['narrow 7000 to just 192.168.50.0/24', [{ rule_for: 7000, source: '192.168.50.0/24', action: 'accept' }], ['open 7000 to the world']],
];

describe('a firewall frame said in any order (port, protocol, source, action, name; "only" narrows)', () => {
  it.each(FIREWALL_FRAMES)('"%s"', (request, want, before = []) => expect(lastTurnFailures(before, [request], want)).toEqual([]));
});
