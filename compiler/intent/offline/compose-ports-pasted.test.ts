import { describe, expect, it } from 'vitest';
import { say, svc } from '../../../test/offline-engine.js';

// Review 20 (found and left, compose.ts fromYaml): a pasted port in compose's long syntax (an
// object with target, published, host_ip) or with an IPv6 address was dropped without a word:
// the service was added with no port and the reply said nothing. The long syntax is now read;
// what is still not read (IPv6, a key of the long syntax not known) is said back as not done.
/** What the person reads: the explanation and the questions (where "Not done" lines go). */
const told = (p: { explanation: string; questions?: string[] }) => [p.explanation, ...(p.questions ?? [])].join('\n');
const fragment = (ports: string) => `services:\n  adminer:\n    image: adminer:4\n    ports:\n${ports}`;

describe('a pasted port in a form the reader knows is read, and one it does not is said', () => {
  it.each([
    ['long syntax with host_ip', '      - target: 8080\n        published: 8081\n        host_ip: 127.0.0.1', [{ host: 8081, container: 8080, host_ip: '127.0.0.1' }]],
    ['long syntax, published as a string, protocol tcp', '      - target: 8080\n        published: "8081"\n        protocol: tcp', [{ host: 8081, container: 8080 }]],
    ['long syntax with host_ip 0.0.0.0 (every address)', '      - target: 8080\n        published: 8081\n        host_ip: 0.0.0.0', [{ host: 8081, container: 8080 }]],
  ])('%s', (_how, ports, want) => {
    const p = say(fragment(ports));
    expect(svc(p.files, 'adminer')?.ports, p.explanation).toEqual(want);
    expect(told(p)).not.toMatch(/Not done: the port/);
  });

  it.each([
    ['IPv6 in the short syntax', '      - "[::1]:8081:8080"', '[::1]:8081:8080'],
    ['IPv6 host_ip in the long syntax', '      - target: 8080\n        published: 8081\n        host_ip: "::1"', '"host_ip":"::1"'],
    ['a port range', '      - "9000-9001:9000-9001"', '9000-9001:9000-9001'],
  ])('%s: nothing is published for it, and the reply says so', (_how, ports, said) => {
    const p = say(fragment(ports));
    expect(svc(p.files, 'adminer')?.ports ?? [], p.explanation).toEqual([]);
    expect(told(p)).toContain(`Not done: the port `);
    expect(told(p)).toContain(said);
  });

  it('a port read beside one not read: the one read is published, the other said', () => {
    const p = say(fragment('      - "8082:8080"\n      - "[::1]:8081:8080"'));
    expect(svc(p.files, 'adminer')?.ports, p.explanation).toEqual([{ host: 8082, container: 8080 }]);
    expect(told(p)).toContain('Not done: the port [::1]:8081:8080 of adminer');
  });
});
