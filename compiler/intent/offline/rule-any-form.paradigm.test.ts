/**
 * Round 31 (issue 22), INTENT2: the paradigm of **a rule from any form**. A firewall rule may be
 * said as ports, a range ("6000 to 6010", "30000-30100", ufw's "8000:8100"), with one protocol,
 * both ("tcp and udp", "tcp/udp", "both protocols"), as a named rule holding several ports, as a
 * complaint ("nobody can get to … from the internet", "… is blocked from outside, let it
 * through"), or as a command in another tool's syntax (iptables, ufw, firewall-cmd, nft), which
 * is read as the rule it describes and never run. An image's tag is never a port, and an allow
 * from one more range adds a rule beside the world's, never narrows it (review 23 LOW-6).
 *
 * Written from English before the engine was changed (other ports, names and words than
 * held-out 24's h24-fw-19/24/26/27/30 and para-23's fw rows). docs/intent.md "After round 31",
 * "Mechanisms (intent2)". First run on main (7dfbe7f, 23:07 UTC, load ~4): 19/37; after the build: all
 * 37 (and the rows added while building, below the first-run rows).
 */
import { describe, expect, it } from 'vitest';
import { after, lastTurnFailures, rules, talk, type Expect } from '../../../test/offline-engine.js';

type Row = [request: string, want: Expect[], before?: string[]];
export const RULE_ANY_FORM: Row[] = [
  // A range, in its forms.
  ['open ports 6000 to 6010', [{ rule_for: '6000-6010', action: 'accept' }]],
  ['allow tcp 30000-30100 from 10.4.0.0/16', [{ rule_for: '30000-30100', protocol: 'tcp', source: '10.4.0.0/16' }]],
  ['please open the range 49152 through 49200 for passive ftp', [{ rule_for: '49152-49200', action: 'accept' }]],
  ['udp 5000..5010 needs to be reachable from anywhere', [{ rule_for: '5000-5010', protocol: 'udp' }]],
  ['let 7000-7005/udp in', [{ rule_for: '7000-7005', protocol: 'udp' }]],
  ['open 4000 to 4010 udp for the voice server', [{ rule_for: '4000-4010', protocol: 'udp' }]],
  // One protocol, or both.
  ['open 3478/udp', [{ rule_for: 3478, protocol: 'udp' }]],
  ['the voip box wants 5060 on both tcp and udp', [{ rule_for: 5060, protocol: 'tcp' }, { rule_for: 5060, protocol: 'udp' }]],
  ['open 9987 tcp/udp', [{ rule_for: 9987, protocol: 'tcp' }, { rule_for: 9987, protocol: 'udp' }]],
  ['allow 25565 over tcp and udp from everyone', [{ rule_for: 25565, protocol: 'tcp' }, { rule_for: 25565, protocol: 'udp' }]],
  ['minecraft bedrock needs 19132 udp open', [{ rule_for: 19132, protocol: 'udp' }]],
  ['both protocols on 4500 please, it is for ipsec', [{ rule_for: 4500, protocol: 'tcp' }, { rule_for: 4500, protocol: 'udp' }]],
  ['Open 3074 TCP + UDP.', [{ rule_for: 3074, protocol: 'tcp' }, { rule_for: 3074, protocol: 'udp' }]],
  // A named rule with several ports.
  ['create a rule named mail-in for 25, 465 and 587', [{ rule: 'mail-in' }, { rule_for: 25 }, { rule_for: 465 }, { rule_for: 587 }]],
  ["firewall rule 'monitoring': 9090 and 9100 from 10.0.0.0/8", [{ rule: 'monitoring' }, { rule_for: 9090, source: '10.0.0.0/8' }, { rule_for: 9100, source: '10.0.0.0/8' }]],
  ['add a rule called dev-ports allowing 3000 and 3001 from 192.168.50.0/24', [{ rule: 'dev-ports' }, { rule_for: 3000, source: '192.168.50.0/24' }, { rule_for: 3001, source: '192.168.50.0/24' }]],
  ['rule kube-api: tcp 6443 and 10250 from 10.10.0.0/16', [{ rule: 'kube-api' }, { rule_for: 6443, source: '10.10.0.0/16' }, { rule_for: 10250, source: '10.10.0.0/16' }]],
  // A complaint that is a request.
  ['nobody can get to my site on port 8443 from the internet, can you fix it', [{ rule_for: 8443, action: 'accept' }]],
  ['port 9443 is blocked from outside, please let it through', [{ rule_for: 9443, action: 'accept' }]],
  ["my friends can't connect to the game server on 7777 from outside, help", [{ rule_for: 7777, action: 'accept' }]],
  ['people outside cant reach port 3000, open it up', [{ rule_for: 3000, action: 'accept' }]],
  ['the webhook listener on 9000 is unreachable from the outside world, please open it', [{ rule_for: 9000, action: 'accept' }]],
  // Another tool's command, read as the rule it describes.
  ['ufw allow 8443/tcp', [{ rule_for: 8443, protocol: 'tcp', action: 'accept' }]],
  ['ufw allow from 10.0.0.0/8 to any port 5432', [{ rule_for: 5432, source: '10.0.0.0/8', action: 'accept' }]],
  ['firewall-cmd --permanent --add-port=8081/tcp', [{ rule_for: 8081, protocol: 'tcp', action: 'accept' }]],
  ['iptables -I INPUT -p udp --dport 1194 -j ACCEPT', [{ rule_for: 1194, protocol: 'udp', action: 'accept' }]],
  ['iptables -A INPUT -p tcp -s 192.168.1.0/24 --dport 3306 -j ACCEPT', [{ rule_for: 3306, source: '192.168.1.0/24', action: 'accept' }]],
  ['iptables -A INPUT -p tcp --dport 23 -j DROP', [{ rule_for: 23, action: 'drop' }]],
  ['ufw deny 6379', [{ rule_for: 6379, action: 'drop' }]],
  ['nft add rule inet filter input tcp dport 8088 accept', [{ rule_for: 8088, protocol: 'tcp', action: 'accept' }]],
  ['can you do the equivalent of: ufw allow 51820/udp', [{ rule_for: 51820, protocol: 'udp', action: 'accept' }]],
  ['sudo ufw allow 8000:8100/tcp', [{ rule_for: '8000-8100', protocol: 'tcp', action: 'accept' }]],
  ['firewall-cmd --zone=public --add-port=60000-61000/udp --permanent', [{ rule_for: '60000-61000', protocol: 'udp', action: 'accept' }]],
  // Added while building (not in the first-run figure): a port said with its label, a sentence
  // of context first, both protocols said apart, a port item with its protocols after a comma.
  ['open 143 (imap) and 993 (imaps)', [{ rule_for: 143 }, { rule_for: 993 }]],
  ['We run our own mail now. Please allow pop3 on port 110 and pop3s on port 995.', [{ rule_for: 110 }, { rule_for: 995 }]],
  ['open port 3478 for the turn server, on tcp and on udp', [{ rule_for: 3478, protocol: 'tcp' }, { rule_for: 3478, protocol: 'udp' }]],
  ['let ntp in, 123 tcp+udp', [{ rule_for: 123, protocol: 'tcp' }, { rule_for: 123, protocol: 'udp' }]],
  ['visitors should reach my site over https, please allow it in the firewall', [{ rule_for: 443, action: 'accept' }]],
  ['iptables -A INPUT -s 198.51.100.7 -j DROP', [{ says: '198.51.100.7' }]],
  // Review 24 MED-1: a deny with a range keeps the range, its protocol and source.
  ['deny udp 6000 to 6010 from 198.51.100.0/24', [{ rule_for: '6000-6010', protocol: 'udp', source: '198.51.100.0/24', action: 'drop' }]],
];

/** Commands that are not one rule read whole: never run, never read as a rule (refused or not understood). */
export const NOT_A_RULE: string[] = ['iptables -F', 'ufw disable', 'iptables -P INPUT ACCEPT', 'iptables -A FORWARD -p tcp --dport 80 -j ACCEPT', 'nft flush ruleset'];

/** What must not be read: an image's tag as a port, the world's rule narrowed by one more range. */
type Guard = [request: string, check: (list: { name: string; port?: unknown; source?: unknown; action: string }[]) => string | undefined, before?: string[]];
const holds = (r: { port?: unknown }, port: number) => JSON.stringify(r.port) === String(port) || (Array.isArray(r.port) && r.port.includes(port));
export const RULE_GUARDS: Guard[] = [
  ['deploy image acme/relay:9000 as relay and open port 7000', (l) => (l.some((r) => holds(r, 9000)) ? `a rule for the tag 9000: ${JSON.stringify(l)}` : !l.some((r) => holds(r, 7000)) ? 'no rule for 7000' : undefined)],
  ['run ghcr.io/acme/hook:8080 as hook, allow 9001 from 10.0.0.0/8', (l) => (l.some((r) => holds(r, 8080)) ? `a rule for the tag 8080: ${JSON.stringify(l)}` : !l.some((r) => holds(r, 9001)) ? 'no rule for 9001' : undefined)],
  [
    'allow http and https from 192.168.1.0/24',
    (l) => (!l.some((r) => holds(r, 443) && r.action === 'accept' && r.source === undefined) ? `the world's 443 rule was narrowed: ${JSON.stringify(l)}` : !l.some((r) => holds(r, 443) && r.source === '192.168.1.0/24') ? 'no 443 rule from 192.168.1.0/24' : undefined),
    ['allow 443 from anywhere'],
  ],
  [
    'open 8080 to 10.9.0.0/16 as well',
    (l) => (!l.some((r) => holds(r, 8080) && r.source === undefined) ? `the world's 8080 rule was narrowed: ${JSON.stringify(l)}` : !l.some((r) => holds(r, 8080) && r.source === '10.9.0.0/16') ? 'no 8080 rule from 10.9.0.0/16' : undefined),
    ['open port 8080 to everyone'],
  ],
];

describe('a rule from any form: ranges, protocols, named rules, complaints, other tools\' commands', () => {
  it.each(RULE_ANY_FORM)('"%s"', (request, want, before = []) => expect(lastTurnFailures(before, [request], want)).toEqual([]));
});

/** Review 24 HIGH-1: a command said with a negation or an undo before it never adds an accept rule. */
export const NEGATED: string[] = [
  "don't run iptables -A INPUT -p tcp --dport 8080 -j ACCEPT",
  "don't ever do iptables -A INPUT -p tcp --dport 3000 -j ACCEPT",
  'never run ufw allow 9000',
  'delete ufw allow 8443',
  'revert iptables -A INPUT -p tcp --dport 8443 -j ACCEPT',
  'stop doing ufw allow 8443',
  'please do not run firewall-cmd --add-port=8081/tcp',
];

describe('a rule from any form: a command said with a negation or an undo opens nothing', () => {
  it.each(NEGATED)('"%s"', (request) => expect(rules(talk([request]).files).filter((r) => r.action === 'accept')).toEqual([]));
});

describe('a rule from any form: a command that is not one rule changes nothing', () => {
  it.each(NOT_A_RULE)('"%s"', (request) => expect(Object.keys(talk([request]).last.files)).toEqual([]));
});

describe('a rule from any form: never the wrong rule', () => {
  it.each(RULE_GUARDS)('"%s"', (request, check, before = []) => expect(check(rules(talk([request], after(...before)).files))).toBeUndefined());
});
