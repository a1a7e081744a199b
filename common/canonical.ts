/**
 * Canonical JSON (RFC 8785, via the `canonicalize` library) and sha256 helpers. Anything
 * that is hashed or signed goes through here so the bytes are the same everywhere.
 */
import canonicalizeLib from 'canonicalize';
import { nodeCrypto } from './node-crypto.js';

const canonicalizeFn = canonicalizeLib as unknown as (v: unknown) => string | undefined;

export function canonicalJson(value: unknown): string {
  const s = canonicalizeFn(value);
  if (s === undefined) throw new Error('canonicalJson: value is not serialisable');
  return s;
}

export function sha256Hex(data: string | Uint8Array): string {
  if (oneShot === undefined) oneShot = (nodeCrypto() as { hash?: OneShot }).hash ?? null;
  return oneShot ? oneShot('sha256', data, 'hex') : nodeCrypto().createHash('sha256').update(data).digest('hex');
}

/**
 * node:crypto's one-shot `hash` (Node ≥ 20.12): the same digest without a Hash object per
 * call, about twice as fast for the planner's 10,000 config hashes (docs/plans.md,
 * "Performance"). Older Node 20 releases use createHash (null). Looked up on first use: node:crypto
 * is loaded only by what hashes (common/node-crypto.ts).
 */
type OneShot = (algorithm: string, data: string | Uint8Array, encoding: 'hex') => string;
let oneShot: OneShot | null | undefined;

/** sha256 of the canonical JSON of a value. */
export function hashCanonical(value: unknown): string {
  return sha256Hex(canonicalJson(value));
}
