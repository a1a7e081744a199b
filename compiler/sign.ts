/**
 * The last compiler phase: payload → DSSE envelope (RFC 8785 canonical JSON, ed25519), and
 * co-signing an existing plan. With `validate`, a payload that fails the schema throws (a planner bug).
 *
 *   signPlan(payload, privateKey) → Envelope
 *   cosignPlan(planText, privateKey) → { envelope, added }
 */
import { sign as edSign, type KeyObject } from 'node:crypto';
import { addSignature, keyIdOf, pae, parseEnvelope, type Envelope } from '../plan/envelope.js';
import { canonicalJsonFast } from '../plan/canonical.js';
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
  // the same bytes as plan/envelope.ts signPayload, canonicalised by the fast equivalent
  const bytes = Buffer.from(canonicalJsonFast(payload), 'utf8');
  const sig = edSign(null, pae(PAYLOAD_TYPE, bytes), privateKey).toString('base64');
  return { payloadType: PAYLOAD_TYPE, payload: bytes.toString('base64'), signatures: [{ keyid: keyIdOf(privateKey), sig }] };
}

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
