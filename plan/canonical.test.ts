import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { canonicalJson } from '../common/canonical.js';
import { canonicalJsonFast } from './canonical.js';
import { plan } from '../compiler/planner.js';
import { webStack, emptyObserved } from '../compiler/__fixtures__/models.js';

// Property runs are CPU-bound: on a busy 2-core CI machine they take many times their quiet
// duration (measured up to 5x), so the budget is generous.
describe('canonicalJsonFast', { timeout: 300_000 }, () => {
  it('gives the same bytes as the canonicalize library on random JSON values (unicode keys and strings, floats)', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), fc.object({ key: fc.string({ unit: 'binary' }), values: [fc.string({ unit: 'binary' }), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer()] }), (a, b) => {
        expect(canonicalJsonFast(a)).toBe(canonicalJson(a));
        expect(canonicalJsonFast(b)).toBe(canonicalJson(b));
      }),
      { numRuns: 500 },
    );
  });
  it('keeps an own "__proto__" key (fast-check found it dropped)', () => {
    const v = JSON.parse('{"b":1,"__proto__":{"x":2},"a":[{"__proto__":0}]}');
    expect(canonicalJsonFast(v)).toBe(canonicalJson(v));
    expect(canonicalJsonFast(v)).toBe('{"__proto__":{"x":2},"a":[{"__proto__":0}],"b":1}');
  });
  it('on a plan payload, and it refuses non-finite numbers', () => {
    const p = plan(webStack(), emptyObserved(), { request: 'r', now: new Date(0), nonce: 'c'.repeat(32), hostId: 'h', provenance: { engine: 'user' }, compilerVersion: '0' });
    expect(canonicalJsonFast(p)).toBe(canonicalJson(p));
    expect(() => canonicalJsonFast({ a: Infinity })).toThrow(/not allowed/);
  });
});
