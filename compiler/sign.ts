/**
 * The last compiler phase: payload → DSSE envelope (RFC 8785 canonical JSON, ed25519), and
 * co-signing an existing plan. With `validate`, a payload that fails the schema throws (a planner bug).
 *
 *   signPlan(payload, privateKey) → Envelope
 *   cosignPlan(planText, privateKey) → { envelope, added }
 */
import { sign as edSign, type KeyObject } from 'node:crypto';
import { addSignature, envelopeOver, keyIdOf, paePrefix, parseEnvelope, type Envelope } from '../plan/envelope.js';
import { canonicalJsonFast, canonicalJsonInto, sortKeysDeep } from '../plan/canonical.js';
import { validatePlanPayload } from '../plan/schema.js';
import { PAYLOAD_TYPE, type PlanPayload } from '../plan/types.js';

/**
 * Signs a payload. `validate: true` checks it against the schema first (tests do; the
 * planner's property tests check every random plan against the schema, and `claude verify`
 * and the runtime validate before trusting, so the hot path does not pay ajv's compile).
 */
export function signPlan(payload: PlanPayload, privateKey: KeyObject, opts: { validate?: boolean } = {}): Envelope {
  if (opts.validate === true) {
    const problems = validatePlanPayload(payload);
    if (problems.length) throw new Error(`signPlan: the payload does not match schemas/plan.schema.json (a planner bug):\n  ${problems.join('\n  ')}`);
  }
  // The same bytes as plan/envelope.ts signPayload, canonicalised by the fast equivalent. The
  // canonical text is written straight into the PAE message that is signed, piece by piece
  // when the payload is in canonical key order (the planner's always is), and the envelope's
  // base64 is made from that part of it: no payload text as one string, no separate payload
  // buffer and no copy (27 MB each for 10,000 services; docs/plans.md, "Performance").
  // A payload put out of key order after planning (agent/flow.ts adds display.lockout and
  // display.confirm behind the planner's keys) is first given its keys in order: a shallow
  // copy of only the objects out of order (sortKeysDeep), the rest shared. Without it such a
  // plan took the replacer path (a call per value, the whole text as one string) and, not
  // exact, was parsed again by its own plan check: at 10,000 services +1.3 s of CPU and
  // +120 MB of peak memory for every plan that changes security.yaml (docs/plans.md).
  let into = canonicalJsonInto(payload, PAE_HEADROOM);
  if (!into) {
    const sorted = sortKeysDeep(payload);
    if (sorted !== payload) {
      into = canonicalJsonInto(sorted, PAE_HEADROOM);
      if (into) payload = sorted;
    }
  }
  let message: Buffer;
  let body: Buffer;
  let exact = false;
  if (into) {
    exact = into.exact;
    const prefix = paePrefix(PAYLOAD_TYPE, into.end - PAE_HEADROOM);
    const start = PAE_HEADROOM - prefix.length;
    prefix.copy(into.buf, start);
    message = into.buf.subarray(start, into.end);
    body = into.buf.subarray(PAE_HEADROOM, into.end);
  } else {
    const text = canonicalJsonFast(payload);
    const length = Buffer.byteLength(text, 'utf8');
    const prefix = paePrefix(PAYLOAD_TYPE, length);
    message = Buffer.allocUnsafe(prefix.length + length);
    prefix.copy(message, 0);
    if (message.write(text, prefix.length, 'utf8') !== length) throw new Error('signPlan: the payload was not written whole');
    body = message.subarray(prefix.length);
  }
  const sig = edSign(null, message, privateKey).toString('base64');
  // the base64 payload is made when read; writeEnvelope writes the file from the bytes. When
  // the bytes parse back to exactly `payload`, the envelope keeps it for this process's plan check.
  return envelopeOver(PAYLOAD_TYPE, body, [{ keyid: keyIdOf(privateKey), sig }], exact ? payload : undefined);
}

/** Room for the longest PAE prefix of a plan (its length field at most 16 digits). */
const PAE_HEADROOM = paePrefix(PAYLOAD_TYPE, Number.MAX_SAFE_INTEGER).length;

/**
 * Adds a signature over the plan's exact payload bytes. A keyid counts once: signing again
 * with the same key leaves the envelope as it is (`added: false`). The payload is not
 * re-encoded, so earlier signatures stay valid.
 */
export function cosignPlan(planText: string, privateKey: KeyObject): { envelope: Envelope; added: boolean; keyid: string } {
  const env = parseEnvelope(planText);
  const keyid = keyIdOf(privateKey);
  const added = !env.signatures.some((s) => s.keyid === keyid);
  return { envelope: addSignature(env, privateKey), added, keyid };
}
