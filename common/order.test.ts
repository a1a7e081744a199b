/**
 * compareCodePoints (common/order.ts): the order of the strings' code points, for random
 * strings over the whole of Unicode (surrogate pairs against U+E000–U+FFFF above all), and
 * never the locale's.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareCodePoints } from './order.js';

/** The reference: compare arrays of code points. */
function byCodePoints(a: string, b: string): number {
  const x = [...a].map((c) => c.codePointAt(0)!);
  const y = [...b].map((c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

describe('compareCodePoints', () => {
  it('orders as the code points do, for random strings (a shared prefix, then anything up to U+10FFFF)', () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'B', '-', 'ı', 'ä', '\uE000', '\uFFFD', '\u{1F600}', '\u{10FFFF}', 'z'), maxLength: 6 });
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 3 }), text, text, (p, a, b) => {
        expect(Math.sign(compareCodePoints(p + a, p + b))).toBe(Math.sign(byCodePoints(p + a, p + b)));
      }),
      { numRuns: 3000 },
    );
  });

  it('puts a character above U+FFFF after U+FFFD (UTF-16 units would not), and capitals before small letters', () => {
    expect(['\u{1F600}', '\uFFFD', 'b', 'B', 'a'].sort(compareCodePoints)).toStrictEqual(['B', 'a', 'b', '\uFFFD', '\u{1F600}']);
    expect(['\u{1F600}', '\uFFFD'].sort()).toStrictEqual(['\u{1F600}', '\uFFFD']);
    expect(compareCodePoints('ab', 'ab')).toBe(0);
    expect(compareCodePoints('ab', 'abc')).toBeLessThan(0);
  });
});
