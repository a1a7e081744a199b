/**
 * plan/strict-json.ts: the duplicate-key scan, which skips each string in one step, finds the
 * same duplicates (same message, same offset) as the plain character loop it replaced, on
 * random JSON texts with escaped quotes, backslashes and keys spelled two ways.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkDuplicateKeys, parseStrictJson } from './strict-json.js';

/** The scan as it was: one character at a time. */
function referenceCheck(text: string): void {
  const stack: (Set<string> | null)[] = [];
  let i = 0;
  let expectKey = false;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      const raw = text.slice(i, j + 1);
      const top = stack[stack.length - 1];
      if (expectKey && top) {
        const key = JSON.parse(raw) as string;
        if (top.has(key)) throw new SyntaxError(`duplicate key ${raw} at offset ${i}`);
        top.add(key);
        expectKey = false;
      }
      i = j + 1;
      continue;
    }
    if (c === '{') {
      stack.push(new Set());
      expectKey = true;
    } else if (c === '[') stack.push(null);
    else if (c === '}' || c === ']') stack.pop();
    else if (c === ',') expectKey = stack[stack.length - 1] != null;
    i++;
  }
}

const outcome = (f: (t: string) => void, t: string): string => {
  try {
    f(t);
    return 'ok';
  } catch (e) {
    return (e as Error).message;
  }
};

// Keys as written: "a" twice over (plain and \u0061), and strings that end in backslashes or hold escaped quotes.
const KEYS = ['"a"', '"\\u0061"', '"b"', '"a\\\\"', '"\\"q"', '"x\\\\\\"y"', '"{\\"k\\":1,"', '"[,]"'];
const STRINGS = ['"plain"', '"\\\\"', '"\\"}"', '"a,b"', '"{\\"a\\":1}"', '"\\\\\\\\"', '"é"'];
const ws = fc.constantFrom('', ' ', '\n  ');
const { value } = fc.letrec<{ value: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom('1', '-2.5e3', 'true', 'null', ...STRINGS),
    fc.array(tie('value'), { maxLength: 4 }).map((xs) => `[${xs.join(',')}]`),
    fc
      .array(fc.tuple(fc.constantFrom(...KEYS), ws, tie('value')), { maxLength: 5 })
      .map((kvs) => `{${kvs.map(([k, s, v]) => `${s}${k}${s}:${s}${v}`).join(',')}}`),
  ),
}));

describe('parseStrictJson', () => {
  it('finds the same duplicate keys as the character-by-character scan', () => {
    let dups = 0;
    fc.assert(
      fc.property(value, (text) => {
        JSON.parse(text); // the generator writes JSON
        const want = outcome(referenceCheck, text);
        if (want !== 'ok') dups++;
        expect(outcome(checkDuplicateKeys, text)).toBe(want);
      }),
      { numRuns: 2000, seed: 21 },
    );
    expect(dups).toBeGreaterThan(100);
  });

  it('refuses a key written twice, also when spelled with an escape, and names it with its offset', () => {
    expect(() => parseStrictJson('{"steps":[],"x":{"a":1},"steps":[1]}')).toThrow('duplicate key "steps" at offset 24');
    expect(() => parseStrictJson('{"a":1,"\\u0061":2}')).toThrow('duplicate key "\\u0061" at offset 7');
    // the same key in different objects, or a key-like string inside a value, is fine
    expect(parseStrictJson('{"a":{"a":1},"b":"\\"a\\":","c":["a","a"]}')).toStrictEqual({ a: { a: 1 }, b: '"a":', c: ['a', 'a'] });
    expect(() => parseStrictJson('{"a":1,')).toThrow(SyntaxError);
  });
});
