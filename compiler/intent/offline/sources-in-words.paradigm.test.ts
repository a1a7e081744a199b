/**
 * Round 29 (issue 22), INTENT2: the paradigm of a **source said in words**: "the office", "home",
 * "our vpn", "the lan", "HQ", "the branch office" is a place, not an address. With no CIDR said
 * and none known (a rule already named for the place) the engine asks which network (and which
 * port, when none is said) and changes nothing; with a CIDR said beside the place, or one known,
 * it uses it. "anywhere", "the internet", "everyone" are not places: they are read as before.
 *
 * Written from English before the engine was run on it (not held-out 22's h22-ask-09 words).
 * docs/intent.md "After round 29", "Mechanisms (intent2)". First run on main (a30697b, 16:50 UTC):
 * 10/32; after the build (round 29): all pass.
 */
import { describe, expect, it } from 'vitest';
import { lastTurnFailures, type Expect } from '../../../test/offline-engine.js';

type Row = [request: string, want: Expect[], before?: string[]];
const ASKS: Expect[] = [{ asks: true, no_change: true }];
export const SOURCES_IN_WORDS: Row[] = [
  ['let the office in', ASKS],
  ['open 5432 to the office', ASKS],
  ['let our vpn reach 9090', ASKS],
  ['allow ssh from home only', ASKS],
  ['make port 3000 reachable from the lan', ASKS],
  ['allow the office to reach 8080', ASKS],
  ['open 22 for my home ip', ASKS],
  ['open 8443 to the vpn users', ASKS],
  ['whitelist the office for port 443', ASKS],
  ['only the lan should reach 9100', ASKS],
  ['give the office access to 6379', ASKS],
  ['let people at HQ hit port 5000', ASKS],
  ['allow traffic from our branch office', ASKS],
  ['open 1194 for the home network', ASKS],
  ['permit the office on 8080', ASKS],
  ['allow 9000 from the office', ASKS],
  ['allow ssh from the office only', ASKS],
  ['make 3306 accessible from our vpn only', ASKS],
  ['port 8888 for the lan only please', ASKS],
  ['grant access from the office network', ASKS],
  ['we need to get in from the office', ASKS],
  // A CIDR said beside the place, or known from a rule named for it: used.
  ['allow 8080 from the office (10.1.2.0/24)', [{ rule_for: 8080, source: '10.1.2.0/24', action: 'accept' }]],
  ['allow 9090 from the office, which is 192.168.7.0/24', [{ rule_for: 9090, source: '192.168.7.0/24', action: 'accept' }]],
  ['the office is 203.0.113.0/24, open 5000 to it', [{ rule_for: 5000, source: '203.0.113.0/24', action: 'accept' }]],
  ['allow 5432 from our vpn 10.8.0.0/24', [{ rule_for: 5432, source: '10.8.0.0/24', action: 'accept' }]],
  ['open 3000 to the lan, 192.168.0.0/16', [{ rule_for: 3000, source: '192.168.0.0/16', action: 'accept' }]],
  ['allow 8443 from the office too', [{ rule_for: 8443, source: '198.51.100.0/24', action: 'accept' }], ['add a firewall rule named office allowing 443 from 198.51.100.0/24']],
  ['open 9090 to the vpn', [{ rule_for: 9090, source: '10.99.0.0/16', action: 'accept' }], ['allow 22 from 10.99.0.0/16, call the rule vpn']],
  // Not places: read as before.
  ['open 80 and 443 from anywhere', [{ rule_for: 80, action: 'accept' }, { rule_for: 443, action: 'accept' }]],
  ['allow ssh from 10.0.0.0/8', [{ rule_for: 22, source: '10.0.0.0/8', action: 'accept' }]],
  ['allow 3000 from the internet', [{ rule_for: 3000, action: 'accept' }]],
  ['open port 8080 for everyone', [{ rule_for: 8080, action: 'accept' }]],
];

describe('a source said in words asks for its address unless one is said or known', () => {
  it.each(SOURCES_IN_WORDS)('"%s"', (request, want, before = []) => expect(lastTurnFailures(before, [request], want)).toEqual([]));
});
