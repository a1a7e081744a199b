// Part of `npm run generate` (scripts/gen-plan-validator.mjs, scripts/gen-validators.mjs): the
// length of a string as ajv counts it for maxLength/minLength (code points: a high surrogate
// followed by a low one is one), without ajv's runtime loop over every character.
//
// ajv's standalone code requires ajv/dist/runtime/ucs2length, a JavaScript loop that reads
// each UTF-16 unit. In a cold process it runs in the interpreter: the plan check walks the six
// state files' text (plan base.files, maxLength 8 MiB), its largest cost in `claude plan`'s
// check as apply would. The same count made by one regular expression (V8's native matcher):
// the UTF-16 length less the high+low pairs, matched left to right without overlap as the loop
// pairs them (a lone surrogate counts one). plan/schema.test.ts compares the two.

/** What ajv's standalone code writes for its ucs2length function. */
export const AJV_UCS2LENGTH = 'require("ajv/dist/runtime/ucs2length").default';

/** The same function, as code that needs no module. */
export const NATIVE_UCS2LENGTH = '((s) => s.length - (s.match(/[\\uD800-\\uDBFF][\\uDC00-\\uDFFF]/g)?.length ?? 0))';

/** ajv standalone `code` with its ucs2length replaced by NATIVE_UCS2LENGTH. */
export function withNativeUcs2length(code) {
  return code.replaceAll(AJV_UCS2LENGTH, NATIVE_UCS2LENGTH);
}
