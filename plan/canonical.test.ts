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
    expect(() => canonicalJsonFast({ a: [1, { b: -Infinity }] })).toThrow(/not allowed/);
  });
  it('sorts an object nested in one whose keys are already in order, and hands integer-like keys at any depth to the library', () => {
    const v = { a: { z: 1, y: [{ d: 1, c: 2 }] }, b: { c: { '10': 1, '2': 0, x: null } }, c: new Date(0), d: undefined, e: [undefined] };
    expect(canonicalJsonFast(v)).toBe(canonicalJson(v));
    expect(canonicalJsonFast(v)).toBe('{"a":{"y":[{"c":2,"d":1}],"z":1},"b":{"c":{"10":1,"2":0,"x":null}},"c":"1970-01-01T00:00:00.000Z","e":[null]}');
  });
});
