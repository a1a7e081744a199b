import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { canonicalJson } from '../common/canonical.js';
import { isDeepStrictEqual } from 'node:util';
import { canonicalJsonFast, canonicalJsonInto, growableBuffer, inCanonicalOrder, sortKeysDeep, wholeInCanonicalOrder } from './canonical.js';
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
  it('sortKeysDeep puts every key in order, copies only what was out of order, and its result gives the same canonical bytes', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 5 }), (v) => {
        const before = JSON.stringify(v);
        const s = sortKeysDeep(v);
        expect(JSON.stringify(v)).toBe(before); // the input is not changed
        expect(canonicalJsonFast(s)).toBe(canonicalJson(v));
        const inOrder = (x: unknown): boolean =>
          x === null || typeof x !== 'object' ? true : Array.isArray(x) ? x.every(inOrder) : Object.keys(x).every((k, i, ks) => (i === 0 || ks[i - 1]! < k || /^(0|[1-9][0-9]*)$/.test(k) || /^(0|[1-9][0-9]*)$/.test(ks[i - 1]!)) && inOrder((x as Record<string, unknown>)[k]));
        expect(inOrder(s)).toBe(true);
      }),
      { numRuns: 300 },
    );
    const sorted = { a: [1, { b: 2, c: 3 }], d: { e: null } };
    expect(sortKeysDeep(sorted)).toBe(sorted); // nothing to copy
    const v = { a: sorted.a, z: { y: 1, x: [{ q: 1, p: 2 }] }, d: sorted.d };
    const s = sortKeysDeep(v);
    expect(Object.keys(s)).toEqual(['a', 'd', 'z']);
    expect(s.a).toBe(sorted.a); // sorted children are shared
    expect(s.d).toBe(sorted.d);
    expect(Object.keys(s.z.x[0]!)).toEqual(['p', 'q']);
    const proto = JSON.parse('{"b":1,"__proto__":{"y":1,"x":2}}') as object;
    expect(canonicalJsonFast(sortKeysDeep(proto))).toBe('{"__proto__":{"x":2,"y":1},"b":1}');
  });
  it('the planner builds its payload with every key in order, so it is signed without a replacer', () => {
    const p = plan(webStack(), emptyObserved(), { request: 'r', now: new Date(0), nonce: 'c'.repeat(32), hostId: 'h', provenance: { engine: 'user' }, compilerVersion: '0' });
    const bad: string[] = [];
    const walk = (x: unknown, path: string): void => {
      if (x === null || typeof x !== 'object') return;
      if (Array.isArray(x)) return x.forEach((y, i) => walk(y, `${path}[${i}]`));
      const ks = Object.keys(x);
      if (ks.some((k, i) => i > 0 && ks[i - 1]! > k)) bad.push(`${path}: ${ks.join(',')}`);
      for (const k of ks) walk((x as Record<string, unknown>)[k], `${path}.${k}`);
    };
    walk(p, '$');
    expect(bad).toEqual([]);
    expect(canonicalJsonFast(p)).toBe(JSON.stringify(p));
    expect(canonicalJsonFast(p)).toBe(canonicalJson(p));
  });
  it('canonicalJsonInto answers null for an object that sees an enumerable key it does not own (one put on Object.prototype): the replacer path then gives the same canonical bytes', () => {
    const v = { a: 1, b: { c: [1, { d: 'x' }] } };
    Object.defineProperty(Object.prototype, 'zz', { value: 1, enumerable: true, configurable: true, writable: true });
    let r0: unknown;
    try {
      r0 = canonicalJsonInto(v, 0);
    } finally {
      delete (Object.prototype as { zz?: unknown }).zz;
    }
    expect(r0).toBeNull();
    expect(canonicalJsonFast(v)).toBe(canonicalJson(v));
    const r = canonicalJsonInto(v, 0)!;
    expect(r.buf.toString('utf8', 0, r.end)).toBe(canonicalJson(v));
  });

  it('canonicalJsonInto writes the canonical bytes after the headroom, piece by piece, or answers null when the value is not in order', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), fc.nat(80), (v, headroom) => {
        const s = sortKeysDeep(v);
        const r = canonicalJsonInto(s, headroom);
        if (s === null || typeof s !== 'object' || /"(0|[1-9][0-9]*)":/.test(JSON.stringify(s))) return; // integer-like keys may answer null
        expect(r).not.toBeNull();
        expect(r!.buf.subarray(headroom, r!.end).toString('utf8')).toBe(canonicalJson(v));
      }),
      { numRuns: 300 },
    );
    // large enough to grow the buffer several times, with non-ASCII text
    const big = { a: Array.from({ length: 3000 }, (_, i) => ({ n: i, t: 'ü→🚀'.repeat(i % 40) })), b: [undefined, 1], c: undefined };
    const r = canonicalJsonInto(big, 10)!;
    expect(r.buf.subarray(10, r.end).toString('utf8')).toBe(canonicalJson(big));
    // lists written 64 elements at a time: every length around the chunk's edges, at the top and under a key, with holes, undefined and multi-byte text
    for (const n of [0, 1, 2, 63, 64, 65, 127, 128, 129, 200]) {
      const xs: unknown[] = Array.from({ length: n }, (_, i) => (i % 17 === 5 ? undefined : i % 3 ? { k: i, t: '→'.repeat(i % 5) } : [i, 'ü']));
      if (n > 10) delete xs[9];
      for (const v of [xs, { a: xs, b: 'x', c: xs }]) {
        const r = canonicalJsonInto(v, 7)!;
        expect(r.buf.subarray(7, r.end).toString('utf8'), `${n} elements`).toBe(canonicalJson(JSON.parse(JSON.stringify(v))));
        expect(r.exact).toBe(n <= 5);
      }
    }
    expect(canonicalJsonInto({ b: 1, a: 2 }, 0)).toBeNull();
    expect(canonicalJsonInto({ a: new Date(0) }, 0)).toBeNull();
    expect(canonicalJsonInto('text', 0)).toBeNull();
  });
  it('wholeInCanonicalOrder answers as inCanonicalOrder on random values (class instances, null prototypes, holes, -0, NaN, undefined, own toJSON), and `exact` says whether the text parses back to the value', () => {
    const values = fc.oneof(
      fc.anything({ withNullPrototype: true, withSparseArray: true, withDate: true, withMap: true, withBoxedValues: true, withTypedArray: true, withObjectString: true }),
      fc.jsonValue({ maxDepth: 4 }).map((v) => sortKeysDeep(v)),
      fc.record({ a: fc.constantFrom(-0, 0, 1.5, NaN, Infinity, undefined, null, 'x', true), b: fc.array(fc.constantFrom(-0, 2, 'y', undefined, null, false)) }).map((r) => ({ ...r })),
    );
    fc.assert(
      fc.property(values, (v) => {
        expect(wholeInCanonicalOrder(v)).toBe(inCanonicalOrder(v));
        const r = canonicalJsonInto(v, 3);
        if (!r) return;
        const text = r.buf.toString('utf8', 3, r.end);
        expect(text).toBe(canonicalJson(JSON.parse(JSON.stringify(v)))); // (the library drops an array's holes; JSON.stringify writes null)
        if (!hasNullPrototype(v)) expect(r.exact).toBe(isDeepStrictEqual(JSON.parse(text), v));
      }),
      { numRuns: 1000 },
    );
    const own = { a: 1, toJSON: () => 'x' };
    expect(wholeInCanonicalOrder({ b: [own] })).toBe(false);
    const hidden = { a: 1 };
    Object.defineProperty(hidden, 'toJSON', { value: () => 'x', enumerable: false });
    expect(wholeInCanonicalOrder([hidden])).toBe(false);
    expect(wholeInCanonicalOrder({ a: [1, -0] })).toBe(true);
    expect(canonicalJsonInto({ a: [1, -0] }, 0)!.exact).toBe(false);
    expect(wholeInCanonicalOrder({ a: [1, NaN] })).toBe(false);
    // an enumerable key on Object.prototype: the walk that asks each key is the one that answers
    const v = { a: 1, b: { c: 2 } };
    expect(wholeInCanonicalOrder(v)).toBe(true);
    Object.defineProperty(Object.prototype, 'zz', { value: 1, enumerable: true, configurable: true, writable: true });
    try {
      expect(wholeInCanonicalOrder(v)).toBe(false);
    } finally {
      delete (Object.prototype as { zz?: unknown }).zz;
    }
  });
  it('growableBuffer keeps what was written across each growth, with a resizable ArrayBuffer (no copy) and without one (a copy)', () => {
    for (const resizable of [true, false]) {
      const g = growableBuffer(16, resizable);
      const first = g.buf;
      let end = 0;
      const want: string[] = [];
      for (let i = 0; i < 200; i++) {
        const piece = `${i}:ü→🚀;`.repeat(1 + (i % 50));
        if (end + piece.length * 3 > g.buf.length) g.grow(end + piece.length * 3, end);
        end += g.buf.write(piece, end, 'utf8');
        want.push(piece);
      }
      expect(g.buf.subarray(0, end).toString('utf8')).toBe(want.join(''));
      expect(g.buf.length).toBeGreaterThan(first.length);
      // the resizable one grew in place: the first view still sees the start of the text
      if (resizable) expect(first.subarray(0, 16).equals(Buffer.from(want.join('')).subarray(0, 16))).toBe(true);
    }
  });
});

/** Whether a null-prototype object is anywhere in `v` (JSON.parse gives Object.prototype ones, so a deep strict comparison differs though the text is exact). */
function hasNullPrototype(v: unknown): boolean {
  if (v === null || typeof v !== 'object') return false;
  if (Object.getPrototypeOf(v) === null) return true;
  return Object.values(v).some(hasNullPrototype);
}
