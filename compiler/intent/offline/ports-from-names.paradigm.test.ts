/**
 * Round 30 (issue 22), INTENT2: the paradigm of **ports from names**. A firewall rule's port may
 * be said as a well-known service word (imap, ntp, mysql, postgres, ldap, sip, mqtt, pop3, …) or
 * as a running service's name ("grafana's port", "the shop port", "restrict grafana to …": the
 * port that service publishes on the host), and its protocol anywhere in the clause ("open 27015,
 * udp", "udp please: …", "(udp)", "both tcp and udp", "tcp+udp": one rule per protocol).
 *
 * Written from English before the engine was run on it (other services, ports and people than
 * held-out 23's h23-fw-07/14/16/29/31). docs/intent.md "After round 30", "Mechanisms (intent2)".
 * First run on main (5325d0a, 19:56 UTC): 17/32; after the build: 31/32; round 31: 32/32 (the gap passes).
 */
import { describe, expect, it } from 'vitest';
import { after, lastTurnFailures, rules, talk, type Expect } from '../../../test/offline-engine.js';

type Row = [request: string, want: Expect[], before?: string[]];
export const PORTS_FROM_NAMES: Row[] = [
  // A well-known service word is its registered port.
  ['allow imap', [{ rule_for: 143, action: 'accept' }]],
  ['we need imaps open', [{ rule_for: 993, action: 'accept' }]],
  ['please let mysql traffic in from 10.1.0.0/16', [{ rule_for: 3306, source: '10.1.0.0/16' }]],
  ['postgres should be reachable from 192.168.2.0/24', [{ rule_for: 5432, source: '192.168.2.0/24' }]],
  ['open https to the world', [{ rule_for: 443, action: 'accept' }]],
  ['allow pop3 from 10.0.0.0/8', [{ rule_for: 110, source: '10.0.0.0/8' }]],
  ['block telnet', [{ rule_for: 23, action: 'drop' }]],
  ['allow ldap from 192.168.0.0/16', [{ rule_for: 389, source: '192.168.0.0/16' }]],
  ['accept mqtt connections from 10.7.0.0/16', [{ rule_for: 1883, source: '10.7.0.0/16' }]],
  ['open sip', [{ rule_for: 5060, action: 'accept' }]],
  ['open the submission port', [{ rule_for: 587, action: 'accept' }]],
  ['Open up NTP for everybody.', [{ rule_for: 123, protocol: 'udp' }]],
  ['open the mysql port for 10.2.0.0/16', [{ rule_for: 3306, source: '10.2.0.0/16' }]],
  // A running service's name is the port it publishes.
  ["open grafana's port to 172.16.0.0/12", [{ rule_for: 3000, source: '172.16.0.0/12' }, { unchanged: 'grafana' }], ['add grafana']],
  ['allow the shop port from 10.0.0.0/8 only', [{ rule_for: 8123, source: '10.0.0.0/8' }, { unchanged: 'shop' }], ['run ghcr.io/acme/shop:2 as shop on port 8123']],
  ['restrict grafana to 10.20.0.0/16', [{ rule_for: 3000, source: '10.20.0.0/16' }, { unchanged: 'grafana' }], ['add grafana']],
  ['only 192.168.7.0/24 should reach wiki', [{ rule_for: 8300, source: '192.168.7.0/24' }, { unchanged: 'wiki' }], ['run ghcr.io/acme/wiki:1 as wiki on port 8300']],
  ["prometheus's port: 10.0.0.0/8 only", [{ rule_for: 9090, source: '10.0.0.0/8' }, { unchanged: 'prometheus' }], ['add prometheus']],
  ['firewall the wiki so only 10.3.0.0/16 gets to it', [{ rule_for: 8300, source: '10.3.0.0/16' }, { unchanged: 'wiki' }], ['run ghcr.io/acme/wiki:1 as wiki on port 8300']],
  // The protocol said anywhere in the clause.
  ['open 27015, udp', [{ rule_for: 27015, protocol: 'udp' }]],
  ['open 4789 for vxlan, protocol udp', [{ rule_for: 4789, protocol: 'udp' }]],
  ['udp please: open 10000 for the media relay', [{ rule_for: 10000, protocol: 'udp' }]],
  ['let 3479 in over udp', [{ rule_for: 3479, protocol: 'udp' }]],
  ['allow 5000 udp from 10.0.0.0/8', [{ rule_for: 5000, protocol: 'udp', source: '10.0.0.0/8' }]],
  ['allow 9995 (udp) from anywhere', [{ rule_for: 9995, protocol: 'udp' }]],
  ['open port 1812 for radius, UDP only', [{ rule_for: 1812, protocol: 'udp' }]],
  ['open 2055, it is udp', [{ rule_for: 2055, protocol: 'udp' }]],
  // Review 23 MED-2: a protocol belongs to the port it is said with, or to a port word that has
  // one; said apart from several ports it is none of theirs (each tcp, and the reply says so).
  ['allow 53 over udp and 80', [{ rule_for: 53, protocol: 'udp' }, { rule_for: 80, protocol: 'tcp' }]],
  ['open port 9000 for minio and port 53 for dns, udp', [{ rule_for: 9000, protocol: 'tcp' }, { says: 'no one port' }]],
  ['block ntp but allow http', [{ rule_for: 80, protocol: 'tcp', action: 'accept' }, { says: 'Not done: port 123' }]],
  ['open 5060/udp and 5061/tcp', [{ rule_for: 5060, protocol: 'udp' }, { rule_for: 5061, protocol: 'tcp' }]],
  ['open udp ports 27015 and 27016', [{ rule_for: 27015, protocol: 'udp' }, { rule_for: 27016, protocol: 'udp' }]],
  ['allow ntp and 8080', [{ rule_for: 123, protocol: 'udp' }, { rule_for: 8080, protocol: 'tcp' }]],
  // Both protocols: one rule each.
  ['allow both tcp and udp on 3478', [{ rule_for: 3478, protocol: 'tcp' }, { rule_for: 3478, protocol: 'udp' }]],
  ['open 8472 on tcp and udp', [{ rule_for: 8472, protocol: 'tcp' }, { rule_for: 8472, protocol: 'udp' }]],
  ['allow dns, tcp and udp', [{ rule_for: 53, protocol: 'tcp' }, { rule_for: 53, protocol: 'udp' }]],
  ['open 7777 tcp+udp for the game', [{ rule_for: 7777, protocol: 'tcp' }, { rule_for: 7777, protocol: 'udp' }]],
  ['port 64738 needs udp and tcp, open it to everyone', [{ rule_for: 64738, protocol: 'tcp' }, { rule_for: 64738, protocol: 'udp' }]],
];

/**
 * Review 23 HIGH-4: a restriction ("only", "NET only", "lock … down to", "restrict/limit … to",
 * "nobody else") under the default accept policy is the accept rule for the source AND a drop
 * rule for the port from everywhere else; an accept rule alone leaves the port open to all.
 */
type Restriction = [request: string, port: number, source: string, before: string[]];
export const RESTRICTIONS: Restriction[] = [
  ["open grafana's port to 172.16.0.0/12, nobody else", 3000, '172.16.0.0/12', ['add grafana']],
  ['allow the shop port from 10.0.0.0/8 only', 8123, '10.0.0.0/8', ['run ghcr.io/acme/shop:2 as shop on port 8123']],
  ['restrict grafana to 10.20.0.0/16', 3000, '10.20.0.0/16', ['add grafana']],
  ['only 192.168.7.0/24 should reach wiki', 8300, '192.168.7.0/24', ['run ghcr.io/acme/wiki:1 as wiki on port 8300']],
  ["prometheus's port: 10.0.0.0/8 only", 9090, '10.0.0.0/8', ['add prometheus']],
  ['firewall the wiki so only 10.3.0.0/16 gets to it', 8300, '10.3.0.0/16', ['run ghcr.io/acme/wiki:1 as wiki on port 8300']],
  // The review's rows (fw.txt): each added only the accept rule.
  ["lock grafana's port down to the vpn range 10.66.0.0/16", 3000, '10.66.0.0/16', ['add grafana on port 3000']],
  ['3000: 10.66.0.0/16 only', 3000, '10.66.0.0/16', ['add grafana on port 3000']],
  ["restrict redis's port to 10.0.0.0/8", 6379, '10.0.0.0/8', ['add redis']],
  ["only let the vpn range 10.66.0.0/16 reach grafana's port", 3000, '10.66.0.0/16', ['add grafana on port 3000']],
  ['limit port 8200 to 192.168.0.0/16', 8200, '192.168.0.0/16', []],
  // One conversation ("a || b"): the port under discussion narrowed.
  ['open port 8443 || restrict it to 10.0.0.0/8', 8443, '10.0.0.0/8', []],
  ['open port 8443 || only let 10.0.0.0/8 reach that', 8443, '10.0.0.0/8', []],
];

function restrictionFailures(request: string, port: number, source: string, before: string[]): string[] {
  const turns = request.split(' || ');
  const f = [...lastTurnFailures(before, turns, [{ rule_for: port, source, action: 'accept' }])];
  const list = rules(talk(turns, after(...before)).files);
  const holds = (r: { port?: unknown }) => JSON.stringify(r.port) === String(port) || (Array.isArray(r.port) && r.port.includes(port));
  if (!list.some((r) => holds(r) && r.action === 'drop' && r.source === undefined)) f.push(`no drop rule for port ${port} from everywhere else: ${JSON.stringify(list)}`);
  return f;
}

// Round 31: the one gap, "port 64738 needs udp and tcp, open it to everyone", passes (the firewall frame reads both protocols) and is in the table above.

describe('ports from names: a service word or a running service is its port; the protocol anywhere in the clause', () => {
  it.each(PORTS_FROM_NAMES)('"%s"', (request, want, before = []) => expect(lastTurnFailures(before, [request], want)).toEqual([]));
});

describe('a restriction drops the port from every other address (review 23 HIGH-4)', () => {
  it.each(RESTRICTIONS)('"%s"', (request, port, source, before) => expect(restrictionFailures(request, port, source, before)).toEqual([]));
});

