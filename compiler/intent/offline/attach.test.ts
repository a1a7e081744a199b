/**
 * attach.ts reads in linear time: a long run of spaces, of commas or of promises never makes a
 * pattern try every start of the run again (fieldsSaid's separators and BOUND_AFTER began with
 * `\s*` and were quadratic: 2,000 spaces took seconds before). n and 4n in the same run, CPU time.
 */
import { describe, expect, it } from 'vitest';
import { attachedSaid } from './attach.js';
import { shortestPairMs } from '../../../test/offline-engine.js';

const SHAPES: [string, (n: number) => string][] = [
  ['spaces before a command', (n) => `${' '.repeat(n)}command to: x`],
  ['spaces inside a field list', (n) => `name: a,${' '.repeat(n)}image: b/c:1`],
  ['spaces before a comma', (n) => `add x on port 8080${' '.repeat(n)}, bound to 127.0.0.1`],
  ['commas in a bracket', (n) => `redis (${'1gb, '.repeat(n / 4)})`],
  ['promises after a stop', (n) => `stop x${', we will bring it back'.repeat(n / 20)}`],
];

describe('attach.ts reads in linear time', () => {
  for (const [what, make] of SHAPES) {
    it(what, () => {
      const [small, large] = shortestPairMs(() => attachedSaid(make(4000), []), () => attachedSaid(make(16000), []));
      // Linear is 4x; quadratic would be 16x. Under load, allow room, and a floor for tiny timings.
      expect(large).toBeLessThan(Math.max(10 * small, 20));
    });
  }
  it('still reads what it is for', () => {
    expect(attachedSaid('name: ledger, image: ghcr.io/acme/ledger:4, port: 9400')).toBe('add a service called ledger using image ghcr.io/acme/ledger:4 on port 9400');
    expect(attachedSaid('add redis (256mb) and mariadb (1gb)')).toBe('add redis with 256mb of memory and mariadb with 1gb of memory');
    expect(attachedSaid("shut the worker down for a bit, we'll bring it back later")).toBe('shut the worker down for a bit');
    expect(attachedSaid('block telnet (port 23)')).toBe('block telnet (port 23)');
  });
});
