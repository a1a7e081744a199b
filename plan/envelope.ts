/**
 * DSSE envelopes for plans (https://github.com/secure-systems-lab/dsse, protocol v1).
 *
 *   envelope = { payloadType, payload: base64(canonical JSON of the payload), signatures: [{keyid, sig}] }
 *   sig      = ed25519 over PAE(payloadType, payloadBytes)
 *   PAE      = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body   (LEN: decimal byte count)
 *
 * Only the verified bytes are ever used: `verifyEnvelope` returns the payload decoded from
 * the exact bytes whose signatures it checked.
 */
import type { KeyObject } from 'node:crypto';
import { nodeCrypto } from '../common/node-crypto.js';
import { canonicalJson, sha256Hex } from '../common/canonical.js';
import { writeFileAtomic, writeFilesAtomic, type Pieces } from '../common/fsutil.js';
import { parseStrictJson } from './strict-json.js';
import { PAYLOAD_TYPE } from './types.js';

export interface Signature {
  keyid: string;
  sig: string;
}

export interface Envelope {
  payloadType: string;
  payload: string;
  signatures: Signature[];
}

export function pae(payloadType: string, payload: Uint8Array): Buffer {
  const prefix = paePrefix(payloadType, payload.length);
  // Payload bytes signPlan made sit right after their PAE prefix in one buffer (compiler/sign.ts):
  // when the bytes before them are exactly the prefix, the message is that memory, not a copy
  // (27 MB for 10,000 services, ~0.15 s in fresh pages). Any other payload is copied behind
  // the prefix once.
  const at = payload.byteOffset - prefix.length;
  if (at >= 0 && Buffer.from(payload.buffer, at, prefix.length).equals(prefix)) return Buffer.from(payload.buffer, at, prefix.length + payload.length);
  return Buffer.concat([prefix, payload]);
}

/** The PAE message up to the payload's bytes: "DSSEv1 <len(type)> <type> <len(payload)> ". */
export function paePrefix(payloadType: string, payloadLength: number): Buffer {
  const type = Buffer.from(payloadType, 'utf8');
  return Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `, 'utf8'), type, Buffer.from(` ${payloadLength} `, 'utf8')]);
}

/** keyid of a public key: sha256 of its SPKI DER encoding, hex. */
export function keyIdOf(key: KeyObject): string {
  const pub = key.type === 'private' ? nodeCrypto().createPublicKey(key) : key;
  return sha256Hex(pub.export({ type: 'spki', format: 'der' }));
}

/** Signs a payload object: canonical JSON bytes, base64 in the envelope. */
export function signPayload(payload: unknown, privateKey: KeyObject, payloadType = PAYLOAD_TYPE): Envelope {
  const bytes = Buffer.from(canonicalJson(payload), 'utf8');
  const sig = nodeCrypto().sign(null, pae(payloadType, bytes), privateKey).toString('base64');
  return { payloadType, payload: bytes.toString('base64'), signatures: [{ keyid: keyIdOf(privateKey), sig }] };
}

/** Adds a signature over the envelope's existing payload bytes; a keyid appears at most once. */
export function addSignature(env: Envelope, privateKey: KeyObject): Envelope {
  const keyid = keyIdOf(privateKey);
  if (env.signatures.some((s) => s.keyid === keyid)) return env;
  const bytes = Buffer.from(env.payload, 'base64');
  const sig = nodeCrypto().sign(null, pae(env.payloadType, bytes), privateKey).toString('base64');
  return { ...env, signatures: [...env.signatures, { keyid, sig }] };
}

/** The payload bytes of the envelopes envelopeOver made, so they are written and serialised without decoding or scanning their base64. */
const PAYLOAD_BYTES = new WeakMap<Envelope, Buffer>();

/** The value the payload bytes were made from, when parsing them gives it back exactly (envelopeOver's `value`). */
const SIGNED_VALUE = new WeakMap<Envelope, object>();

/**
 * An envelope over `payloadBytes` (the exact bytes that were signed). Its `payload`, the base64
 * text, is made when first read and kept: writeEnvelope writes the file from the bytes without
 * ever making it (for 10,000 services a 37 MB string in fresh pages, ~0.25 s; docs/plans.md,
 * "Performance"). Assigning `payload` replaces it (and forgets the bytes).
 *
 * `value`: the object `payloadBytes` are the canonical JSON of, given only when parsing the
 * bytes gives back exactly that object (canonicalJsonInto's `exact`). A plan check in the same
 * process (plan/inspect.ts) then uses it instead of decoding, parsing and scanning the bytes
 * again: they cannot hold a duplicate key or anything else the object does not. The signer
 * must not change the object afterwards (the planner's payloads are never changed once made).
 */
export function envelopeOver(payloadType: string, payloadBytes: Buffer, signatures: Signature[], value?: object): Envelope {
  let text: string | undefined;
  const env = { payloadType } as Envelope;
  Object.defineProperty(env, 'payload', {
    get: () => (text ??= payloadBytes.toString('base64')),
    set: (v: string) => {
      text = v;
      PAYLOAD_BYTES.delete(env);
      SIGNED_VALUE.delete(env);
    },
    enumerable: true,
    configurable: true,
  });
  env.signatures = signatures;
  PAYLOAD_BYTES.set(env, payloadBytes);
  if (value !== undefined) SIGNED_VALUE.set(env, value);
  return env;
}

/** The value an envelope made by envelopeOver was signed from, when its bytes parse back to exactly it (else undefined). */
export function signedValueOf(env: Envelope): object | undefined {
  return SIGNED_VALUE.get(env);
}

/** The payload bytes of an envelope made by envelopeOver (undefined for any other). */
export function payloadBytesOf(env: Envelope): Buffer | undefined {
  return PAYLOAD_BYTES.get(env);
}

/**
 * Gives the memory of an envelope's signed bytes back now, not at V8's next major collection:
 * the bytes signPlan wrote into a resizable buffer (plan/canonical.ts growableBuffer, 27 MB at
 * 10,000 services) are shrunk to nothing. For a caller that is done with the envelope (`claude
 * plan` once the file is written and checked, before the review and its text, where the
 * command's memory peaks; docs/plans.md, "Session 15"). Reading its payload afterwards throws;
 * bytes in an ordinary buffer are left to the collector.
 */
export function releaseEnvelope(env: Envelope): void {
  const bytes = PAYLOAD_BYTES.get(env);
  PAYLOAD_BYTES.delete(env);
  SIGNED_VALUE.delete(env);
  Object.defineProperty(env, 'payload', {
    get: () => {
      throw new Error('claude-os: this plan envelope was released (releaseEnvelope); its payload is no longer held');
    },
    enumerable: true,
    configurable: true,
  });
  const ab = bytes?.buffer as { resizable?: boolean; resize?: (n: number) => void } | undefined;
  if (ab?.resizable === true) ab.resize!(0);
}

/**
 * Writes an envelope as plan.json (serializeEnvelope's bytes), atomically and fsynced
 * (writeFileAtomic). An envelope made by envelopeOver is written piece by piece: the text
 * around the payload, then the payload's base64 made B64_CHUNK bytes at a time from its bytes,
 * so neither the base64 nor the file's text ever exists whole.
 */
export function writeEnvelope(path: string, env: Envelope, mode = 0o644): void {
  writeFileAtomic(path, envelopePieces(env), mode);
}

/**
 * writeEnvelope with the disk's flush waited for off the main thread: the file's bytes are
 * written before this returns, and the promise resolves once they are fsynced, renamed into
 * place and the rename made durable (common/fsutil.ts writeFilesAtomic: the fsyncs on libuv's
 * thread pool). `claude plan` checks the plan while the disk flushes (≈ 30–40 ms for the 37 MB
 * of 10,000 services on this project's VM) and awaits the promise before it lets the envelope
 * go (a retried write reads its bytes again) and before it says where the plan is. With
 * `placeIf`, the file is renamed into place only when that resolves true (the check passed);
 * false leaves `path` as it was and resolves false.
 */
export function writeEnvelopeDurably(path: string, env: Envelope, mode = 0o644, placeIf?: Promise<boolean>): Promise<boolean> {
  return writeFilesAtomic([{ path, data: envelopePieces(env), mode }], placeIf ? { placeIf } : {});
}

/** plan.json's bytes (serializeEnvelope's) as pieces: the payload's base64 made B64_CHUNK bytes at a time from its bytes when it has them. */
function envelopePieces(env: Envelope): Pieces | string {
  const bytes = PAYLOAD_BYTES.get(env);
  const text = JSON.stringify({ payloadType: env.payloadType, payload: '', signatures: env.signatures }, null, 2) + '\n';
  const at = text.indexOf(PAYLOAD_SLOT);
  if (!bytes || at < 0) return serializeEnvelope(env);
  const cut = at + PAYLOAD_SLOT.length - 1;
  return {
    each(put) {
      put(text.slice(0, cut));
      for (let i = 0; i < bytes.length; i += B64_CHUNK) put(bytes.toString('base64', i, Math.min(i + B64_CHUNK, bytes.length)));
      put(text.slice(cut));
    },
  };
}

/** Payload bytes encoded at a time by writeEnvelope: a multiple of 3, so the chunks' base64 joins into the whole's (no padding inside); 64 KiB of text, a short-lived string. */
const B64_CHUNK = 48 * 1024;

/**
 * Serialises an envelope as plan.json text (stable key order, two-space indent, trailing
 * newline: JSON.stringify(…, null, 2)). A base64 payload needs no escaping, so it is joined
 * in as it is instead of being scanned and copied by JSON.stringify (37 MB for 10,000
 * services: a copy into fresh pages and a scan, ~0.3 s; docs/plans.md, "Performance").
 */
export function serializeEnvelope(env: Envelope): string {
  const text = JSON.stringify({ payloadType: env.payloadType, payload: '', signatures: env.signatures }, null, 2) + '\n';
  if (env.payload === '') return text;
  const at = text.indexOf(PAYLOAD_SLOT); // unique: a string in JSON holds no raw newline
  // base64 made here from the bytes (envelopeOver) needs no check
  if (at < 0 || (!PAYLOAD_BYTES.has(env) && NOT_BASE64.test(env.payload))) return JSON.stringify({ payloadType: env.payloadType, payload: env.payload, signatures: env.signatures }, null, 2) + '\n';
  const cut = at + PAYLOAD_SLOT.length - 1;
  return text.slice(0, cut) + env.payload + text.slice(cut);
}

const PAYLOAD_SLOT = '\n  "payload": ""';
const NOT_BASE64 = /[^A-Za-z0-9+/=]/;

export class EnvelopeFormatError extends Error {
  override name = 'EnvelopeFormatError';
}

/**
 * Parses plan.json text strictly: valid JSON, no duplicate keys anywhere, exactly the
 * envelope fields with the right types, canonical base64. Throws EnvelopeFormatError.
 */
export function parseEnvelope(text: string): Envelope {
  let raw: unknown;
  try {
    raw = parseStrictJson(text);
  } catch (e) {
    throw new EnvelopeFormatError(`plan is not valid JSON: ${(e as Error).message}`);
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new EnvelopeFormatError('plan must be a JSON object (a DSSE envelope)');
  const o = raw as Record<string, unknown>;
  const keys = Object.keys(o).sort().join(',');
  if (keys !== 'payload,payloadType,signatures') {
    throw new EnvelopeFormatError(`envelope must have exactly payloadType, payload and signatures (found: ${Object.keys(o).join(', ') || 'nothing'})`);
  }
  if (typeof o.payloadType !== 'string') throw new EnvelopeFormatError('payloadType must be a string');
  if (typeof o.payload !== 'string' || !isCanonicalBase64(o.payload)) throw new EnvelopeFormatError('payload must be standard base64');
  if (!Array.isArray(o.signatures)) throw new EnvelopeFormatError('signatures must be an array');
  const signatures: Signature[] = o.signatures.map((s, i) => {
    if (!s || typeof s !== 'object' || Array.isArray(s)) throw new EnvelopeFormatError(`signatures[${i}] must be an object`);
    const so = s as Record<string, unknown>;
    if (Object.keys(so).sort().join(',') !== 'keyid,sig' || typeof so.keyid !== 'string' || typeof so.sig !== 'string' || !isCanonicalBase64(so.sig)) {
      throw new EnvelopeFormatError(`signatures[${i}] must be {keyid: string, sig: base64}`);
    }
    return { keyid: so.keyid, sig: so.sig };
  });
  return { payloadType: o.payloadType, payload: o.payload, signatures };
}

function isCanonicalBase64(s: string): boolean {
  return /^[A-Za-z0-9+/]*={0,2}$/.test(s) && s.length % 4 === 0 && Buffer.from(s, 'base64').toString('base64') === s;
}

export interface TrustedKey {
  keyid: string;
  role: 'host' | 'admin' | 'ci';
  publicKey: KeyObject;
  name?: string;
}

export interface VerifiedEnvelope {
  /** The exact payload bytes whose signatures were checked. */
  payloadBytes: Buffer;
  /** Parsed from payloadBytes (strict JSON). */
  payload: unknown;
  /** Valid signatures by trusted keys, each keyid once. */
  signers: TrustedKey[];
  /** Signatures that did not verify or whose key is unknown. */
  rejected: { keyid: string; reason: 'unknown-key' | 'bad-signature' | 'duplicate-keyid' }[];
}

/**
 * Checks every signature against the trusted keys. Does not decide policy (which roles are
 * required): that is the caller's. Throws EnvelopeFormatError for a wrong payloadType or a
 * payload that is not strict JSON.
 */
export function verifyEnvelope(env: Envelope, trusted: readonly TrustedKey[], payloadType = PAYLOAD_TYPE): VerifiedEnvelope {
  if (env.payloadType !== payloadType) throw new EnvelopeFormatError(`payloadType is ${JSON.stringify(env.payloadType)}, expected ${payloadType}`);
  const payloadBytes = Buffer.from(env.payload, 'base64');
  const signers: TrustedKey[] = [];
  const rejected: VerifiedEnvelope['rejected'] = [];
  for (const c of checkSignatures(env, trusted)) {
    if (c.status === 'valid') signers.push(c.key!);
    else rejected.push({ keyid: c.keyid, reason: c.status === 'duplicate' ? 'duplicate-keyid' : c.status });
  }
  let payload: unknown;
  try {
    payload = parseStrictJson(payloadBytes.toString('utf8'));
  } catch (e) {
    throw new EnvelopeFormatError(`payload is not valid JSON: ${(e as Error).message}`);
  }
  return { payloadBytes, payload, signers, rejected };
}

export interface SignatureCheck {
  keyid: string;
  status: 'valid' | 'unknown-key' | 'bad-signature' | 'duplicate';
  /** The trusted key, when the keyid is known. */
  key?: TrustedKey;
}

/**
 * Checks each signature of the envelope over PAE(payloadType, payload bytes), in order:
 * a keyid that appears again is a duplicate (it counts once), an unknown keyid is
 * reported as such, and a known key's signature either verifies or does not.
 */
export function checkSignatures(env: Envelope, trusted: readonly TrustedKey[]): SignatureCheck[] {
  const message = pae(env.payloadType, PAYLOAD_BYTES.get(env) ?? Buffer.from(env.payload, 'base64'));
  const seen = new Set<string>();
  return env.signatures.map((s): SignatureCheck => {
    if (seen.has(s.keyid)) return { keyid: s.keyid, status: 'duplicate' };
    seen.add(s.keyid);
    const key = trusted.find((k) => k.keyid === s.keyid);
    if (!key) return { keyid: s.keyid, status: 'unknown-key' };
    let ok = false;
    try {
      ok = nodeCrypto().verify(null, message, key.publicKey, Buffer.from(s.sig, 'base64'));
    } catch {
      ok = false;
    }
    return { keyid: s.keyid, status: ok ? 'valid' : 'bad-signature', key };
  });
}

