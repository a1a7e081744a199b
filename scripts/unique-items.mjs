// Part of `npm run generate` (scripts/gen-plan-validator.mjs): ajv's
// `uniqueItems` check of a list of strings with a Map as its index instead of a plain object.
//
// ajv's standalone code indexes the strings seen in a plain object (`const indices0 = {}`, one
// property per string). For the plan schema that is each step's `dependsOn` (30,101 steps at
// 10,000 services): an object per step, keyed by step ids such as
// "image.ensure:registry.local:5000/app-0:1.0", which V8 turns into a dictionary-mode object.
// A Map does the same lookups without it: the plan check of the 10,000-service plan ≈ 80 → 43 ms
// warm, 131 → 91 ms in a cold process (docs/plans.md, "Round 35"). The same answer and the same
// error (params i and j: the same pair, found from the end); and a duplicate "__proto__" is now
// found, which the object missed (assigning a number to its `__proto__` does nothing).
// plan/schema.test.ts compares the generated validator with ajv's own on random lists.

/** ajv's loop over a list of strings for `uniqueItems`, up to where it reads the index. */
const START = /const (indices\d+) = \{\};(for\(;(i\d+)--;\)\{let (item\d+) = (data\d+)\[\3\];if\(typeof \4 !== "string"\)\{continue;\})if\(typeof \1\[\4\] == "number"\)\{(j\d+) = \1\[\4\];/g;

/** ajv standalone `code` with each string `uniqueItems` index a Map; throws on an index it does not recognise whole. */
export function withMapUniqueItems(code) {
  const objects = code.match(/const indices\d+ = \{\};/g)?.length ?? 0;
  const names = new Set();
  let rewritten = 0;
  let out = code.replace(START, (_m, ind, loop, _i, item, _data, j) => {
    names.add(ind);
    rewritten++;
    return `const ${ind} = new Map();${loop}if(${ind}.has(${item})){${j} = ${ind}.get(${item});`;
  });
  let sets = 0;
  out = out.replace(/(indices\d+)\[(item\d+)\] = (i\d+);/g, (m, ind, item, i) => {
    if (!names.has(ind)) return m;
    sets++;
    return `${ind}.set(${item}, ${i});`;
  });
  const left = out.match(/indices\d+\[/g)?.length ?? 0;
  if (rewritten !== objects || sets < rewritten || left) {
    throw new Error(`scripts/unique-items.mjs: ajv's uniqueItems code has changed (${objects} index objects, ${rewritten} rewritten, ${sets} stores, ${left} left): update the patterns or drop the rewrite`);
  }
  return out;
}
