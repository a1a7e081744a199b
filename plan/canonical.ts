/**
 * RFC 8785 canonical JSON for large payloads. RFC 8785 (JCS) is defined as ECMAScript's
 * JSON.stringify of numbers and strings with object keys sorted by UTF-16 code units; so
 * rebuilding the value with sorted keys and calling the engine's JSON.stringify gives the
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
  let sorted: unknown;
  try {
    sorted = sortDeep(value);
  } catch (e) {
    if (e === FALLBACK) return canonicalJson(value);
    throw e;
  }
  const out = JSON.stringify(sorted);
  if (out === undefined) throw new Error('canonicalJson: value is not serialisable');
  return out;
}

function sortDeep(v: unknown): unknown {
  if (v === null || typeof v !== 'object') {
    if (typeof v === 'number' && !Number.isFinite(v)) throw new Error(`canonicalJson: ${v} is not allowed`);
    return v;
  }
  if (typeof (v as { toJSON?: unknown }).toJSON === 'function') return sortDeep((v as { toJSON(): unknown }).toJSON());
  if (Array.isArray(v)) return v.map((x) => (x === undefined || typeof x === 'symbol' || typeof x === 'function' ? null : sortDeep(x)));
  const o = v as Record<string, unknown>;
  // Null prototype: a "__proto__" key stays an own property instead of setting the prototype.
  const out = Object.create(null) as Record<string, unknown>;
  for (const k of Object.keys(o).sort()) {
    if (INDEX_KEY.test(k)) throw FALLBACK;
    const x = o[k];
    if (x === undefined || typeof x === 'symbol' || typeof x === 'function') continue;
    out[k] = sortDeep(x);
  }
  return out;
}
