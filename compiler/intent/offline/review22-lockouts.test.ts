/**
 * Review 22's three HIGH findings (/work/notes/review-22.md, 2026-12-06), each a lockout that
 * round 29's readers let through:
 * - HIGH-1: every admin removed when said as a list of names ("remove the users alice and bob")
 *   or one at a time: judged by the outcome now (engine.ts `adminsLost`: the proposal leaves no
 *   user with sudo while the current state has one), however it is worded;
 * - HIGH-2: "block ssh, allow http" gave both ports the first action (firewall-frame.ts read one
 *   action for the whole message); two actions now go to the clause reader, which splits them;
 * - HIGH-3: "default policy drop and open 80, then close 22" was read as ssh opened (the MED-9
 *   exclusion took any opening verb before 22, across a later "close"); and, judged by the
 *   outcome (outcome-guard.ts `sshLost`), a drop policy left with no accept rule for 22 where ssh
 *   got in before ("set the default policy to drop, allow 443, and close port 22").
 * Each near-miss beside them must still be planned.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { after, refusalAfter, say } from '../../../test/offline-engine.js';

const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIP8kL2mN4oQ6sU8wY0aC2eG4iK6mO8qS0uW2yA4cE6gI';
const admins = after('add nginx on port 80', `add user alice with sudo and ssh key ${KEY} alice@laptop`, 'add user bob with sudo', 'add user carol');
const rulesOf = (files: Record<string, unknown>) =>
  ((parse(String(files['network.yaml'] ?? '')) as { spec?: { firewall?: { rules?: { port?: unknown; action?: string }[] } } } | null)?.spec?.firewall?.rules ?? []).map((r) => `${String(r.port)}:${r.action}`);

describe('HIGH-1: no request may leave the machine without an admin', () => {
  it('the fixture has two admins', () => {
    expect(String(admins['security.yaml'])).toMatch(/name: alice[\s\S]*sudo: true/);
    expect(String(admins['security.yaml'])).toMatch(/name: bob[\s\S]*sudo: true/);
  });
  it.each(['remove the users alice and bob', 'remove sudo from alice and bob'])('%s', (message) => {
    const refused = refusalAfter(message, admins);
    expect(refused?.reason, message).toMatch(/no user with sudo/);
  });
  // Read in part today (only alice is taken): whatever is read, an admin is left or it is refused.
  it.each(['delete alice and bob', 'take sudo away from alice and from bob', 'alice and bob: no more sudo', 'remove alice, then remove bob'])('an admin is left or it is refused: %s', (message) => {
    const p = say(message, admins);
    if (p.refused) return expect(p.files).toEqual({});
    const users = ((parse(String({ ...admins, ...p.files }['security.yaml'])) as { spec: { users: { name: string; sudo?: boolean }[] } }).spec.users ?? []).filter((u) => u.sudo === true);
    expect(users.length, message).toBeGreaterThan(0);
  });
  it.each(['remove the user bob', 'remove sudo from bob', 'delete carol', 'give carol sudo'])('near-miss: %s', (message) => {
    const p = say(message, admins);
    expect(p.refused, message).toBeUndefined();
    expect(Object.keys(p.files), message).toContain('security.yaml');
  });
});

describe('HIGH-2: a drop and an allow in one message keep their own ports', () => {
  it.each([
    ['block ssh, allow http', '22', '80'],
    ['deny 22, allow 443', '22', '443'],
    ['block 3306, open 443', '3306', '443'],
  ])('%s', (message, closed, opened) => {
    const p = say(message, admins);
    if (p.refused) return expect(p.files).toEqual({}); // closing ssh for everyone may be refused as a lockout
    const rules = rulesOf({ ...admins, ...p.files });
    expect(rules, message).toContain(`${opened}:accept`);
    expect(rules, message).not.toContain(`${opened}:drop`);
    expect(rules.filter((r) => r.startsWith(`${closed}:`)).every((r) => !r.endsWith(':accept')), message).toBe(true);
  });
});

describe('HIGH-3: "open 80, then close 22" under a drop policy closes ssh: refused', () => {
  it.each(['default policy drop and open 80, then close 22', 'set the default policy to drop, allow 443, and close port 22'])('%s', (message) => {
    expect(refusalAfter(message, admins), message).toBeDefined();
  });
  it.each(['default policy drop, keep 22 and 80 open', 'set the default policy to drop and keep ssh open', 'turn on the firewall', 'set the default policy to drop', 'allow 443'])('near-miss: %s', (message) => {
    expect(refusalAfter(message, admins), message).toBeUndefined();
  });
});
