/**
 * Round 29 (INTENT2): review 21's findings in the firewall and users, and the answers to the
 * questions the frames ask (docs/intent.md "After round 29", "Mechanisms (intent2)").
 */
import { describe, expect, it } from 'vitest';
import { after, doc, passes, refusalAfter, rules, say, talk, users } from '../../../test/offline-engine.js';

describe('review 21: the firewall', () => {
  it('MED-9: "default policy drop, keep 22 and 80 open" is done (22 stays open), not refused as a lockout', () => {
    const p = say('default policy drop, keep 22 and 80 open');
    expect(p.refused).toBeUndefined();
    expect(doc(p.files, 'network.yaml').spec.firewall.default_input_policy).toBe('drop');
    const ports = rules(p.files).map((r) => r.port);
    expect(ports).toContain(22);
    expect(ports).toContain(80);
  });
  it('closing ssh and opening another port is still a lockout', () => {
    expect(refusalAfter('close 22 and open 80', {})).toBeDefined();
    expect(refusalAfter('open 80 and close 22', {})).toBeDefined();
  });
  it('"enable the firewall but keep nginx reachable": nginx\'s published ports stay open', () => {
    const p = say('enable the firewall but keep nginx reachable', after('add nginx'));
    expect(doc(p.files, 'network.yaml').spec.firewall.default_input_policy).toBe('drop');
    const ports = rules(p.files).map((r) => r.port);
    expect(ports).toContain(80);
    expect(ports).toContain(22);
  });
  it('"turn on the firewall but keep 22 and 443 accessible" is read once, as the lock-down\'s allow list', () => {
    const p = say('turn on the firewall but keep 22 and 443 accessible');
    expect(doc(p.files, 'network.yaml').spec.firewall.default_input_policy).toBe('drop');
    expect(rules(p.files).map((r) => r.port)).toEqual(expect.arrayContaining([22, 443]));
  });
  it('a question about a port is never read as a rule to add', () => {
    expect(say('is ssh open to the world?').files).toEqual({});
    expect(say('is port 8080 open to the office?').files).toEqual({});
  });
});

describe('the questions the frames ask, and their answers', () => {
  it('"give al sudo" with alice and alex asks, and "alice" completes it', () => {
    const { replies, files } = talk(['give al sudo', 'alice'], after('add user alice', 'add user alex'));
    expect(replies[0]!.questions?.[0]).toMatch(/alice or alex/);
    expect(replies[0]!.files).toEqual({});
    expect(users(files).find((u) => u.name === 'alice')?.sudo).toBe(true);
    expect(users(files).find((u) => u.name === 'alex')?.sudo).toBeFalsy();
    expect(users(files).some((u) => u.name === 'al')).toBe(false);
  });
  it('"remove sudo from everyone except carol" when carol has no sudo changes nothing (nobody would have it: refused by the guard, or asked)', () => {
    const p = say('remove sudo from everyone except carol', after('add user carol', 'add user dan with sudo'));
    expect(p.files).toEqual({});
    expect(p.refused !== undefined || (p.questions ?? []).length > 0).toBe(true);
  });
  it('"only carol keeps sudo" when carol has no sudo asks', () => {
    passes('only carol keeps sudo', [{ asks: true, no_change: true }], ['add user carol', 'add user dan with sudo']);
  });
  it('"allow access from the office" asks which network and port, and changes nothing', () => {
    const p = say('allow access from the office');
    expect(p.files).toEqual({});
    expect(p.questions?.[0]).toMatch(/office.*port/);
  });
  // Not done (docs/intent.md "Still missed"): existingFor takes the first service of a template.
  it.fails('two nginx-image services and "change the nginx port to 8080" asks which (h20-160)', () => {
    passes('change the nginx port to 8080', [{ asks: true }, { unchanged: 'web' }, { unchanged: 'docs' }], ['add a service called web from image nginx:alpine on port 80', 'add a service called docs from image nginx:alpine on port 8081']);
  });
});
