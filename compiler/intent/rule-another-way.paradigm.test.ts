/**
 * Round 32 (issue 22), INTENT2: the paradigm of **a firewall rule from any form**. A rule is an
 * action (allow/open/let in; drop/deny/block/reject), one or more ports (a range, both
 * protocols), one or more sources (a list said with "and", "or", commas), maybe a name; a
 * complaint that a port cannot be reached from outside is a request to open it; the removal of a
 * rule the host does not have says so and changes nothing (a removal never adds).
 *
 * Written from English before the engine was run on it (other ports, words and people than
 * held-out 25's fw-08/fw-30 and para-24's fw-19/24/26/27/30). docs/intent.md "After round 32",
 * "Mechanisms (intent2)". First run on main (a0c7422, 02:15 UTC, load ~10): 23 / 37 (the rules
 * 20 / 30 — 2375 then, a Docker port HARM refuses, now 4444 —, the removals 3 / 7: two of them
 * added a rule); after the build: 36 / 37, the one gap below.
 */
import { describe, expect, it } from 'vitest';
import { lastTurnFailures, rules, say, after, type Expect } from '../../test/offline-engine.js';

type Row = [request: string, want: Expect[], before?: string[]];
export const RULE_ANY_FORM: Row[] = [
  // The action: a drop said with any of its verbs, and with "everything/anything/all traffic".
  ['block all incoming traffic to 5432', [{ rule_for: 5432, action: 'drop' }]],
  ['deny anything that hits port 11211', [{ rule_for: 11211, action: 'drop' }]],
  ['drop all packets going to 9200', [{ rule_for: 9200, action: 'drop' }]],
  ['nobody should get in on 4444, block it', [{ rule_for: 4444, action: 'drop' }]],
  ['reject everything on 8025', [{ rule_for: 8025, action: 'reject' }]],
  ['deny udp 161 from anywhere', [{ rule_for: 161, protocol: 'udp', action: 'drop' }]],
  // Opening, with ranges and both protocols.
  ['let traffic in on 8088', [{ rule_for: 8088, action: 'accept' }]],
  ['allow inbound 4000/tcp', [{ rule_for: 4000, protocol: 'tcp', action: 'accept' }]],
  ['open udp ports 5000 to 5010', [{ rule_for: '5000-5010', protocol: 'udp', action: 'accept' }]],
  ['accept tcp 7000 through 7010 from 10.0.0.0/8', [{ rule_for: '7000-7010', source: '10.0.0.0/8', action: 'accept' }]],
  ['the voice server needs 9987 open, udp and tcp both', [{ rule_for: 9987, protocol: 'udp', action: 'accept' }, { rule_for: 9987, protocol: 'tcp', action: 'accept' }]],
  ['open 3478 over tcp as well as udp', [{ rule_for: 3478, protocol: 'tcp' }, { rule_for: 3478, protocol: 'udp' }]],
  // Lists of sources.
  ['allow 5432 from 10.1.0.0/16 and 10.2.0.0/16', [{ rule_for: 5432, source: ['10.1.0.0/16', '10.2.0.0/16'], action: 'accept' }]],
  ['only 172.16.0.0/12 and 10.0.0.0/8 should be able to reach 9000', [{ rule_for: 9000, source: ['172.16.0.0/12', '10.0.0.0/8'], action: 'accept' }]],
  ['open 8200 to 192.168.1.0/24, 192.168.2.0/24 and 192.168.3.0/24', [{ rule_for: 8200, source: ['192.168.1.0/24', '192.168.2.0/24', '192.168.3.0/24'] }]],
  ['make 27017 reachable just from 10.5.0.0/16 or 10.6.0.0/16', [{ rule_for: 27017, source: ['10.5.0.0/16', '10.6.0.0/16'] }]],
  ['restrict 9300 so only 10.0.0.0/8 and 172.16.0.0/12 get in', [{ rule_for: 9300, source: ['10.0.0.0/8', '172.16.0.0/12'] }]],
  ['lock down 11212: 10.0.0.0/8 and 192.168.0.0/16 are the only ones allowed', [{ rule_for: 11212, source: ['10.0.0.0/8', '192.168.0.0/16'] }]],
  ['ssh should only be allowed from 203.0.113.5 and 198.51.100.0/24', [{ rule_for: 22, source: ['203.0.113.5', '198.51.100.0/24'] }]],
  ['firewall: 10.20.0.0/16 may hit 5672', [{ rule_for: 5672, source: '10.20.0.0/16', action: 'accept' }]],
  // A named rule.
  ['a rule called smtp-in for tcp 25 and 587, open to all', [{ rule: 'smtp-in' }, { rule_for: 25 }, { rule_for: 587 }]],
  ['create rule "imaps" that opens 993 to everyone', [{ rule: 'imaps', action: 'accept' }, { rule_for: 993 }]],
  ['one rule, name it mail-in: ports 143 + 993, from anywhere', [{ rule: 'mail-in' }, { rule_for: 143 }, { rule_for: 993 }]],
  // A complaint that is a request.
  ["people outside can't reach the dashboard on 8050, please open it", [{ rule_for: 8050, action: 'accept' }]],
  ['I cannot connect to port 9443 from my laptop at home, open it please', [{ rule_for: 9443, action: 'accept' }]],
  ['connections to 2222 from the internet just time out. open it up', [{ rule_for: 2222, action: 'accept' }]],
  ["my friends can't join the minecraft server on 25565 from their houses, let them in", [{ rule_for: 25565, action: 'accept' }]],
  ['Port 8090 is unreachable from outside; could you allow it?', [{ rule_for: 8090, action: 'accept' }]],
  // Incoming connections said at length.
  ['Our VPN endpoint listens on 1194/udp. Could you permit incoming connections to it?', [{ rule_for: 1194, protocol: 'udp', action: 'accept' }]],
  ['The metrics exporter uses port 9101; please let incoming tcp connections reach it.', [{ rule_for: 9101, action: 'accept' }]],
];

/** A removal of a rule the host does not have: said, nothing changed, never a rule added. */
export const REMOVE_MISSING: Row[] = [
  ["I don't want FTP open on the firewall, take that rule away", [{ no_change: true }]],
  ['remove the firewall rule for port 8080', [{ no_change: true }]],
  ['delete the rule that opens 3306', [{ no_change: true }]],
  ['please get rid of the ssh rule in the firewall', [{ no_change: true }]],
  ["the https rule isn't needed anymore, drop it", [{ no_change: true }]],
];

/**
 * Rows still failing, asserted to fail (a fix turns them into plain rows). "nobody should get in
 * on 4444, block it" is refused as a lockout (HARM's wording guard reads "nobody should get in"
 * as SSH closed for everyone; told to HARM in /work/notes/r32-intent2-harm.txt).
 */
const GAPS = new Set(['nobody should get in on 4444, block it']);

describe('a firewall rule from any form (action, ports, ranges, protocols, lists of sources, a name, a complaint)', () => {
  it.each(RULE_ANY_FORM.filter(([r]) => !GAPS.has(r)))('"%s"', (request, want, before = []) => expect(lastTurnFailures(before, [request], want)).toEqual([]));
  it.each(RULE_ANY_FORM.filter(([r]) => GAPS.has(r)))('"%s" (gap)', (request, want, before = []) => expect(lastTurnFailures(before, [request], want)).not.toEqual([]));
});

describe('the removal of a rule the host does not have changes nothing and adds nothing', () => {
  it.each(REMOVE_MISSING)('"%s"', (request, want, before = []) => {
    expect(lastTurnFailures(before, [request], want)).toEqual([]);
  });
  it('a removal of the ssh rule on a host with other rules but none for ssh adds no rule', () => {
    const files = after('allow 443 from anywhere');
    const p = say("I'd rather SSH wasn't open in the firewall. Could you remove that rule?", files);
    expect(rules({ ...files, ...p.files }).map((r) => r.port)).toEqual(rules(files).map((r) => r.port));
  });
  it('the removal of a rule that is there removes it', () => {
    const files = after('allow 8080 from anywhere', 'allow 443 from anywhere');
    const p = say('take out the firewall rule for 8080', files);
    expect(rules({ ...files, ...p.files }).map((r) => r.port)).toEqual([443]);
  });
});
