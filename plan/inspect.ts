/**
 * An offline report on a plan file: each check on its own line, in the runtime's order
 * (envelope, schema, signatures, trust and policy, expiry, host). It never stops at the
 * first failure after the envelope parses, so a reviewer sees everything that is wrong.
 * `claude verify` and `claude show` print it; the runtime has its own gate (runtime/verify.ts)
 * built from the same pieces.
 */
import { EnvelopeFormatError, checkSignatures, parseEnvelope, payloadBytesOf, signedValueOf, type Envelope, type TrustedKey } from './envelope.js';
import { parseStrictJson } from './strict-json.js';
import { validatePlanPayload } from './schema.js';
import { evaluatePolicy, type PolicyResult } from './policy.js';
import { PAYLOAD_TYPE, type PlanPayload } from './types.js';
import type { Role } from './keys.js';

export type CheckName = 'envelope' | 'schema' | 'signatures' | 'trust' | 'policy' | 'expiry' | 'host';

export interface CheckLine {
  check: CheckName;
  ok: boolean;
  detail: string;
}

export interface SignatureReport {
  keyid: string;
  status: 'valid' | 'bad-signature' | 'unknown-key' | 'duplicate';
  role?: Role;
  name?: string;
}

export interface PlanReport {
  ok: boolean;
  checks: CheckLine[];
  envelope?: Envelope;
  /** Present when the payload parsed (even if other checks failed). */
  payload?: PlanPayload;
  signatures: SignatureReport[];
  /** The policy for `payload` and the valid signers' roles, when the payload matched the schema (plan/show.ts shows it without evaluating it again). */
  policy?: PolicyResult;
  /** The schema check's problems, one "instancePath: message" each, when it failed (`claude plan` places them in the state files: compiler/plan-check.ts). */
  schemaProblems?: string[];
}

export interface InspectOptions {
  trusted: readonly TrustedKey[];
  /** The clock, read once by the caller. */
  now: Date;
  /** When given, the plan must be for this host. */
  hostId?: string;
}

/**
 * The report on a plan file's text, or on an envelope this process just signed (the plan
 * `claude plan` wrote: its envelope text is ours, so it is not parsed back). A file's payload
 * is decoded, parsed strictly (a duplicate key anywhere is refused) and validated. An envelope
 * signPlan made from a payload whose canonical bytes parse back to exactly that payload
 * (plan/envelope.ts `signedValueOf`) skips the decode and the parse: they would give that same
 * object, and bytes serialised from an object cannot hold a duplicate key. Everything else is
 * checked as for a file: the schema, every signature over the bytes, the policy, the expiry and
 * the host (plan/inspect.test.ts: the same verdicts for the plan built in-process and read back).
 */
export function inspectPlan(text: string | Envelope, opts: InspectOptions): PlanReport {
  const checks: CheckLine[] = [];
  const signatures: SignatureReport[] = [];
  let env: Envelope;
  try {
    env = typeof text === 'string' ? parseEnvelope(text) : text;
    if (env.payloadType !== PAYLOAD_TYPE) throw new EnvelopeFormatError(`payloadType is ${JSON.stringify(env.payloadType)}, expected ${PAYLOAD_TYPE}`);
  } catch (e) {
    if (!(e instanceof EnvelopeFormatError)) throw e;
    checks.push({ check: 'envelope', ok: false, detail: e.message });
    return { ok: false, checks, signatures };
  }
  const bytes = payloadBytesOf(env) ?? Buffer.from(env.payload, 'base64');
  let payload: unknown;
  try {
    payload = (typeof text === 'string' ? undefined : signedValueOf(env)) ?? parseStrictJson(bytes.toString('utf8'));
    checks.push({ check: 'envelope', ok: true, detail: `DSSE envelope, ${PAYLOAD_TYPE}, ${bytes.length} payload bytes` });
  } catch (e) {
    checks.push({ check: 'envelope', ok: false, detail: `payload is not valid JSON: ${(e as Error).message}` });
    return { ok: false, checks, envelope: env, signatures };
  }

  const problems = validatePlanPayload(payload);
  checks.push(problems.length ? { check: 'schema', ok: false, detail: `does not match schemas/plan.schema.json: ${problems.join('; ')}` } : { check: 'schema', ok: true, detail: 'matches schemas/plan.schema.json' });
  const plan = problems.length === 0 ? (payload as PlanPayload) : undefined;

  for (const c of checkSignatures(env, opts.trusted)) {
    signatures.push({ keyid: c.keyid, status: c.status, ...(c.key ? { role: c.key.role, ...(c.key.name ? { name: c.key.name } : {}) } : {}) });
  }
  const valid = signatures.filter((s) => s.status === 'valid');
  const bad = signatures.filter((s) => s.status === 'bad-signature' || s.status === 'duplicate');
  checks.push(
    env.signatures.length === 0
      ? { check: 'signatures', ok: false, detail: 'the plan is unsigned' }
      : bad.length
        ? { check: 'signatures', ok: false, detail: bad.map((s) => `${s.keyid.slice(0, 16)}…: ${s.status === 'duplicate' ? 'keyid appears twice' : 'does not verify (the plan was modified after signing)'}`).join('; ') }
        : { check: 'signatures', ok: true, detail: `${env.signatures.length} signature${env.signatures.length === 1 ? '' : 's'}, ${valid.length} verified with trusted keys` },
  );
  checks.push(
    valid.length
      ? { check: 'trust', ok: true, detail: valid.map((s) => `${s.role} '${s.name ?? '?'}' (${s.keyid.slice(0, 16)}…)`).join(', ') }
      : { check: 'trust', ok: false, detail: 'no valid signature by a trusted key' + (signatures.some((s) => s.status === 'unknown-key') ? ` (unknown keys: ${signatures.filter((s) => s.status === 'unknown-key').map((s) => s.keyid.slice(0, 16) + '…').join(', ')})` : '') },
  );
  let pol: PolicyResult | undefined;
  if (plan) {
    pol = evaluatePolicy(plan, valid.map((s) => s.role!));
    checks.push({ check: 'policy', ok: pol.missingSignatures.length === 0, detail: pol.missingSignatures.length ? `needs ${pol.missingSignatures.join(' and ')}` : pol.lines.join('; ') });
    const now = opts.now.getTime();
    const exp = Date.parse(plan.expiresAt);
    const created = Date.parse(plan.createdAt);
    checks.push(
      !(now < exp)
        ? { check: 'expiry', ok: false, detail: `expired at ${plan.expiresAt} (now ${opts.now.toISOString()})` }
        : created - now > 5 * 60_000
          ? { check: 'expiry', ok: false, detail: `created at ${plan.createdAt}, in the future (now ${opts.now.toISOString()}); check the clock` }
          : { check: 'expiry', ok: true, detail: `valid until ${plan.expiresAt} (${Math.floor((exp - now) / 60_000)} min left)` },
    );
    if (opts.hostId !== undefined) {
      checks.push(plan.hostId === opts.hostId ? { check: 'host', ok: true, detail: `made for this host (${plan.hostId})` } : { check: 'host', ok: false, detail: `made for host '${plan.hostId}', this is '${opts.hostId}'` });
    }
  }
  return { ok: checks.every((c) => c.ok), checks, envelope: env, ...(plan ? { payload: plan } : {}), signatures, ...(pol ? { policy: pol } : {}), ...(problems.length ? { schemaProblems: problems } : {}) };
}
