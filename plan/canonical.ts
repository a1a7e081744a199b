/**
 * RFC 8785 canonical JSON for large payloads. RFC 8785 (JCS) is defined as ECMAScript's
 * JSON.stringify of numbers and strings with object keys sorted by UTF-16 code units; so
 * the engine's JSON.stringify with a replacer that hands it each object with sorted keys gives the
 * same bytes as the `canonicalize` library (common/canonical.ts), about ten times faster on
 * a 25 MB plan (the library concatenates strings recursively). One exception: JavaScript
 * objects always enumerate integer-like keys ("0", "17") first, whatever the insertion
 * order, so a value holding such a key is handed to the library. plan/canonical.test.ts
 * checks the two agree on random JSON values and on plans. Used to sign plan payloads.
 */
import { canonicalJson } from '../common/canonical.js';

const INDEX_KEY = /^(?:0|[1-9][0-9]*)$/;
const FALLBACK = Symbol('fallback');

export function canonicalJsonFast(value: unknown): string {
  let out: string | undefined;
  try {
    out = JSON.stringify(value, sortingReplacer);
  } catch (e) {
    if (e === FALLBACK) return canonicalJson(value);
    throw e;
  }
  if (out === undefined) throw new Error('canonicalJson: value is not serialisable');
  return out;
}

/**
 * JSON.stringify's replacer (called for every value, after its toJSON): an object whose keys
 * are already in order is serialised as it is, any other gets a shallow copy with sorted keys
 * (null prototype, so a "__proto__" key stays an own property). Each copy is garbage as soon
 * as it is written, instead of a sorted deep copy of the whole payload that lives until the
 * end: on a 10,000-service plan (27 MB) this halves the CPU time and the garbage collector's
 * share (docs/plans.md, "Performance").
 */
function sortingReplacer(this: unknown, _key: string, v: unknown): unknown {
  if (v === null || typeof v !== 'object') {
    if (typeof v === 'number' && !Number.isFinite(v)) throw new Error(`canonicalJson: ${v} is not allowed`);
    return v;
  }
  if (Array.isArray(v)) return v;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o);
  let inOrder = true;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    const c = k.charCodeAt(0);
    if (c >= 48 && c <= 57 && INDEX_KEY.test(k)) throw FALLBACK;
    if (i > 0 && keys[i - 1]! > k) inOrder = false;
  }
  if (inOrder) return o;
  const out = Object.create(null) as Record<string, unknown>;
  for (const k of keys.sort()) out[k] = o[k];
  return out;
}
