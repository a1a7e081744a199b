/**
 * Canonical JSON (RFC 8785, via the `canonicalize` library) and sha256 helpers. Anything
 * that is hashed or signed goes through here so the bytes are the same everywhere.
 */
import canonicalizeLib from 'canonicalize';
import { createHash } from 'node:crypto';

const canonicalizeFn = canonicalizeLib as unknown as (v: unknown) => string | undefined;

export function canonicalJson(value: unknown): string {
  const s = canonicalizeFn(value);
  if (s === undefined) throw new Error('canonicalJson: value is not serialisable');
  return s;
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** sha256 of the canonical JSON of a value. */
export function hashCanonical(value: unknown): string {
  return sha256Hex(canonicalJson(value));
}
