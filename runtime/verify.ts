/**
 * Plan verification: the runtime's gate. It verifies before it trusts, always in the same
 * order, and every refusal happens before anything on the system changes. Each kind of
 * refusal has its own error class, and each check names the clause it implements
 * (docs/runtime.md, "Verification").
 *
 *   V1 envelope   strict DSSE envelope parse (no duplicate keys); only the verified bytes are used
 *   V2 schema     the payload against schemas/plan.schema.json (ajv 2020-12 + formats), DAG sanity
 *   V3 signature  trusted keys only, a keyid listed twice is refused, the policy's required roles present
 *   V4 host       payload.hostId is this host
 *   V5 expiry     createdAt ≤ now < expiresAt, the clock read once; a clock earlier than the
 *                 latest recorded time (audit log, applied plans) refuses every plan
 *   V6 replay     the plan id is not in <dataDir>/applied-plans.jsonl
 *   V7 allow-list every op (and every inverse op) is in OPS
 *   V8 base       current per-resource fingerprints equal the plan's base (after the lock)
 *   V9 confirm    security/destructive steps need --yes, an interactive yes, or an admin signature
 *
 * V1–V7 are pure (`verifyPlan`); V8 and V9 need the observed state and the operator, so
 * `checkBase` and `checkConfirmation` are separate and apply.ts calls them under the lock.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { ValidateFunction } from 'ajv';
import { writeFileAtomic } from '../common/fsutil.js';
import { packageRoot } from '../common/paths.js';
import { EnvelopeFormatError, parseEnvelope, verifyEnvelope, type Envelope, type TrustedKey } from '../plan/envelope.js';
import { diffFingerprints, type StaleChange } from '../plan/fingerprint.js';
import { PLAN_POLICY, stepsNeedingConfirmation as policyStepsNeedingConfirmation } from '../plan/policy.js';
import { currentPlanValidatorKey, formatAjvErrors, generatedPlanValidator, PLAN_VALIDATOR_OPTIONS, planValidatorKey } from '../plan/schema.js';
import { CLOCK_SLACK_MS, clockFloor } from './audit.js';
import { OPS, type PlanPayload, type PlanStep } from '../plan/types.js';

/** Base of every refusal: `clause` names the check (V1…V9) and `hint` says how to fix it. */
export class PlanRefusedError extends Error {
  constructor(
    readonly clause: string,
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

/** V1: the envelope is not strict JSON or not a DSSE envelope. */
export class PlanFormatError extends PlanRefusedError {
  override name = 'PlanFormatError';
  constructor(message: string) {
    super('V1 envelope', message, 'plan.json must be the file `claude plan` wrote, unmodified');
  }
}

/** V2: the payload does not match schemas/plan.schema.json, or its step graph is broken. */
export class PlanSchemaError extends PlanRefusedError {
  override name = 'PlanSchemaError';
  constructor(readonly problems: string[]) {
    super('V2 schema', `the plan does not match schemas/plan.schema.json:\n  ${problems.join('\n  ')}`, 'make the plan again with `claude plan` from this version of Claude.OS');
  }
}

/** V3: no valid signature by a trusted key, or a required role is missing. */
export class SignatureError extends PlanRefusedError {
  override name = 'SignatureError';
  constructor(message: string, hint = 'sign the plan with a trusted key (`claude sign plan.json`), or trust the signer\'s key in $CLAUDE_DATA_DIR/keys/') {
    super('V3 signature', message, hint);
  }
}

/** V4: the plan was made for another host. */
export class HostMismatchError extends PlanRefusedError {
  override name = 'HostMismatchError';
  constructor(readonly planHost: string, readonly thisHost: string) {
    super('V4 host', `the plan was made for host '${planHost}', but this is host '${thisHost}'`, 'make the plan on this host: `claude plan`');
  }
}

/** V5: the clock reads earlier than the latest time this host recorded (it was set back). */
export class ClockBackwardsError extends PlanRefusedError {
  override name = 'ClockBackwardsError';
  constructor(now: Date, floor: { ts: string; source: string }) {
    super(
      'V5 expiry',
      `the clock reads ${now.toISOString()}, earlier than ${floor.ts}, the latest time recorded in ${floor.source}: the clock was set back, so no plan's time can be trusted`,
      'set the clock right (e.g. `timedatectl set-ntp true`), then make a fresh plan: `claude plan`',
    );
  }
}

/** V5: the plan has expired (or claims to be made in the future). */
export class PlanExpiredError extends PlanRefusedError {
  override name = 'PlanExpiredError';
  constructor(message: string) {
    super('V5 expiry', message, 'make a fresh plan: `claude plan`');
  }
}

/** V6: the plan id was already applied on this host. */
export class ReplayError extends PlanRefusedError {
  override name = 'ReplayError';
  constructor(readonly planId: string) {
    super('V6 replay', `plan ${planId} was already applied on this host; a plan is applied at most once`, 'make a new plan for the change you want: `claude plan`');
  }
}

/** V7: a step (or its inverse) uses an op outside the allow-list. */
export class DisallowedOpError extends PlanRefusedError {
  override name = 'DisallowedOpError';
  constructor(readonly stepId: string, readonly op: string) {
    super('V7 allow-list', `step '${stepId}' uses op '${op}', which is not on the runtime's allow-list (${OPS.join(', ')})`, 'the runtime has a fixed set of operations; make the plan with `claude plan`');
  }
}

/** V8: the observed state no longer matches the plan's base (Terraform's "Saved plan is stale"). */
export class StalePlanError extends PlanRefusedError {
  override name = 'StalePlanError';
  constructor(readonly changes: StaleChange[]) {
    super(
      'V8 base',
      `Saved plan is stale: the system changed since this plan was made, so it cannot be applied.\n` +
        changes.map((c) => `  ${c.change === 'added' ? '+' : c.change === 'removed' ? '-' : '~'} ${c.key} (${c.change})`).join('\n'),
      'make the plan again against the current state: `claude plan`',
    );
  }
}

/** V9: a security or destructive step has no confirmation. */
export class ConfirmationRequiredError extends PlanRefusedError {
  override name = 'ConfirmationRequiredError';
  constructor(readonly steps: { id: string; risk: string; description: string }[]) {
    super(
      'V9 confirmation',
      `the plan has ${steps.length} step(s) that need confirmation:\n` + steps.map((s) => `  [${s.risk}] ${s.description} (${s.id})`).join('\n'),
      'review the plan (`claude show plan.json`), then run `claude apply plan.json --yes`, answer yes at the prompt, or have an admin key sign it (`claude sign`)',
    );
  }
}

/** Which signatures a plan needs. The planner's plan/policy.ts supplies the real one. */
export interface SignaturePolicy {
  /** Roles that must each be present among the valid signers (e.g. ['admin'] for security.yaml changes). */
  requiredRoles(payload: PlanPayload): TrustedKey['role'][];
}

/** Default: plan/policy.ts (P1 a host signature; P2 an admin one for security.yaml host files). */
export const DEFAULT_POLICY: SignaturePolicy = PLAN_POLICY;

export interface VerifyOptions {
  trustedKeys: readonly TrustedKey[];
  hostId: string;
  dataDir: string;
  /** The clock, read exactly once. */
  now: () => Date;
  policy?: SignaturePolicy;
}

export interface VerifiedPlan {
  envelope: Envelope;
  /** The exact bytes whose signatures were checked; `payload` is parsed from them. */
  payloadBytes: Buffer;
  payload: PlanPayload;
  signers: TrustedKey[];
  /** The instant used for the expiry check. */
  checkedAt: Date;
}

// ── V2: the plan validator, compiled once per schema and cached as standalone code ─────

let cached: { key: string; fn: ValidateFunction } | undefined;

export { PLAN_VALIDATOR_OPTIONS, planValidatorKey };

/**
 * The validator of schemas/plan.schema.json: generated/plan-validator.cjs when it was made
 * from this schema, ajv version and options (`npm run generate`). Otherwise (a stale file,
 * or `generated: false`) compiling it with ajv takes ~0.3 s, so the
 * compiled (ajv "standalone") code is cached in `<dataDir>/cache/plan-validator-<key>.cjs`,
 * keyed by `planValidatorKey` (ajv version, options, schema text), and loaded from there on
 * later runs; a change to any of them compiles (and caches) a new one.
 */
export function planValidator(dataDir: string, o: { generated?: boolean } = {}): ValidateFunction {
  const { key, schemaText } = currentPlanValidatorKey();
  if (o.generated !== false && cached?.key === key) return cached.fn;
  const generated = o.generated === false ? null : generatedPlanValidator(key);
  if (generated) {
    cached = { key, fn: generated };
    return generated;
  }
  const require = createRequire(join(packageRoot(), 'package.json'));
  const file = join(dataDir, 'cache', `plan-validator-${key}.cjs`);
  const load = (code: string): ValidateFunction => {
    const mod: { exports: unknown } = { exports: {} };
    new Function('require', 'module', 'exports', code)(require, mod, mod.exports);
    return mod.exports as ValidateFunction;
  };
  let fn: ValidateFunction | undefined;
  if (existsSync(file)) {
    try {
      fn = load(readFileSync(file, 'utf8'));
    } catch {
      fn = undefined; // a broken cache entry is rebuilt
    }
  }
  if (!fn) {
    const Ajv2020 = require('ajv/dist/2020').default as typeof import('ajv/dist/2020.js').default;
    const addFormats = require('ajv-formats').default as typeof import('ajv-formats').default;
    const standalone = require('ajv/dist/standalone').default as (ajv: unknown, v: ValidateFunction) => string;
    const ajv = new Ajv2020({ ...PLAN_VALIDATOR_OPTIONS, code: { ...PLAN_VALIDATOR_OPTIONS.code } });
    addFormats(ajv);
    const compiled = ajv.compile(JSON.parse(schemaText) as object);
    fn = compiled;
    try {
      writeFileAtomic(file, standalone(ajv, compiled), 0o600);
    } catch {
      /* a read-only data dir: no cache, still correct */
    }
  }
  if (o.generated !== false) cached = { key, fn };
  return fn;
}

/** Graph sanity beyond the schema: unique step ids, dependencies that exist, no cycle. */
export function checkStepGraph(steps: readonly PlanStep[]): string[] {
  const problems: string[] = [];
  const ids = new Set<string>();
  for (const s of steps) {
    if (ids.has(s.id)) problems.push(`/steps: duplicate step id '${s.id}'`);
    ids.add(s.id);
  }
  for (const s of steps) for (const d of s.dependsOn) if (!ids.has(d)) problems.push(`/steps/${s.id}: depends on unknown step '${d}'`);
  if (problems.length) return problems;
  const byId = new Map(steps.map((s) => [s.id, s]));
  const state = new Map<string, 1 | 2>();
  const visit = (id: string, path: string[]): void => {
    if (state.get(id) === 2) return;
    if (state.get(id) === 1) {
      problems.push(`/steps: dependency cycle ${[...path.slice(path.indexOf(id)), id].join(' → ')}`);
      return;
    }
    state.set(id, 1);
    for (const d of byId.get(id)!.dependsOn) visit(d, [...path, id]);
    state.set(id, 2);
  };
  for (const s of steps) if (problems.length === 0) visit(s.id, []);
  return problems;
}

/**
 * V2, host paths: every path the runtime places under CLAUDE_ROOT (host files written or
 * removed, volume directories, bind-mount sources of containers and jobs) is absolute and
 * has no `..` segment, so no step can reach outside the root. (The drivers check again,
 * and also refuse a symlink on the way that leads out.)
 */
export function checkHostPaths(steps: readonly PlanStep[]): string[] {
  const problems: string[] = [];
  const check = (where: string, p: string) => {
    if (!p.startsWith('/')) problems.push(`${where}: host path '${p}' is not absolute`);
    else if (p.split('/').includes('..')) problems.push(`${where}: host path '${p}' contains a \`..\` segment (host paths stay under CLAUDE_ROOT)`);
  };
  steps.forEach((s, i) => {
    const at = `/steps/${i}/params`;
    switch (s.op) {
      case 'host.apply':
        s.params.files.forEach((f, j) => check(`${at}/files/${j}/path`, f.path));
        (s.params.remove ?? []).forEach((p, j) => check(`${at}/remove/${j}`, p));
        break;
      case 'volume.create':
        check(`${at}/path`, s.params.path);
        break;
      case 'mount.apply':
        check(`${at}/mount/target`, s.params.mount.target);
        if (s.params.previous) check(`${at}/previous/target`, s.params.previous.target);
        break;
      case 'mount.remove':
        check(`${at}/mount/target`, s.params.mount.target);
        break;
      case 'volume.remove':
        check(`${at}/volume/path`, s.params.volume.path);
        break;
      case 'container.create':
        s.params.mounts.forEach((m, j) => check(`${at}/mounts/${j}/source`, m.source));
        break;
      case 'container.replace':
        s.params.spec.mounts.forEach((m, j) => check(`${at}/spec/mounts/${j}/source`, m.source));
        break;
      case 'schedule.apply':
        s.params.jobs.forEach((job, j) =>
          (job.mounts ?? []).forEach((m, k) => {
            const src = (m as { source?: unknown }).source;
            if (typeof src === 'string') check(`${at}/jobs/${j}/mounts/${k}/source`, src);
            else problems.push(`${at}/jobs/${j}/mounts/${k}: a job mount needs a string 'source'`);
          }),
        );
        break;
      default:
        break;
    }
  });
  return problems;
}

// ── V6 replay: the applied plan ids ────────────────────────────────────────────────────

export const APPLIED_PLANS_FILE = 'applied-plans.jsonl';

export function appliedPlanIds(dataDir: string): Set<string> {
  const file = join(dataDir, APPLIED_PLANS_FILE);
  const out = new Set<string>();
  if (!existsSync(file)) return out;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      const rec = JSON.parse(line) as { planId?: unknown };
      if (typeof rec.planId === 'string') out.add(rec.planId);
    } catch {
      // a torn last line (crash mid-append) carries no complete id
    }
  }
  return out;
}

// ── V1–V7 ──────────────────────────────────────────────────────────────────────────────

/**
 * Checks V1–V7 on plan.json text. Pure apart from reading the schema and the applied-plan
 * ids; throws the first refusal in clause order.
 */
export function verifyPlan(planText: string, opts: VerifyOptions): VerifiedPlan {
  return verifyOpenedPlan(openPlan(planText, opts.trustedKeys), opts);
}

/** A plan after V1: its envelope parsed and each signature checked against the trusted keys. */
export interface OpenedPlan {
  envelope: Envelope;
  verified: ReturnType<typeof verifyEnvelope>;
}

/**
 * V1 envelope: strict parse; from here on only the bytes whose signatures are checked count.
 * Throws PlanFormatError; whether the signatures suffice is V3's (verifyOpenedPlan).
 */
export function openPlan(planText: string, trustedKeys: VerifyOptions['trustedKeys']): OpenedPlan {
  try {
    const envelope = parseEnvelope(planText);
    return { envelope, verified: verifyEnvelope(envelope, trustedKeys) };
  } catch (e) {
    if (e instanceof EnvelopeFormatError) throw new PlanFormatError(e.message);
    throw e;
  }
}

/**
 * The plan id an opened plan claims when a trusted key's signature over it verifies, else
 * null. Before V2–V7: only for naming the apply lock's holder (runtime/apply.ts takes the lock
 * early to observe beside V2–V7); nothing is decided on it.
 */
export function claimedPlanId(opened: OpenedPlan): string | null {
  if (opened.verified.signers.length === 0) return null;
  const id = (opened.verified.payload as { id?: unknown } | null)?.id;
  return typeof id === 'string' ? id : null;
}

/** V2–V7 on a plan that passed V1 (openPlan); throws the first refusal in clause order. */
export function verifyOpenedPlan(opened: OpenedPlan, opts: VerifyOptions): VerifiedPlan {
  const { envelope, verified } = opened;

  // V2 schema.
  const validate = planValidator(opts.dataDir);
  if (!validate(verified.payload)) throw new PlanSchemaError(formatAjvErrors(validate.errors));
  const payload = verified.payload as PlanPayload;
  const graph = [...checkStepGraph(payload.steps), ...checkHostPaths(payload.steps)];
  if (graph.length) throw new PlanSchemaError(graph);

  // V3 signature: trusted keys, each keyid once (a keyid listed twice is refused), roles.
  // A signature by a trusted key that does not verify means the bytes were changed: refuse
  // even when another signature is valid.
  const bad = verified.rejected.filter((r) => r.reason === 'bad-signature');
  // A keyid listed twice: no tool of ours writes that (claude sign skips a key that already
  // signed), so the envelope was edited by hand. Refused, as `claude verify` reports it.
  const dup = verified.rejected.find((r) => r.reason === 'duplicate-keyid');
  if (dup) {
    throw new SignatureError(`the key ${dup.keyid.slice(0, 16)}… signs the plan twice: the envelope was edited after signing`, 'make the plan again with `claude plan` (or keep one copy of the signature)');
  }
  if (bad.length) {
    throw new SignatureError(`the signature by trusted key ${bad[0]!.keyid.slice(0, 16)}… does not verify: the plan was modified after it was signed`, 'do not edit plan.json; make the plan again with `claude plan`');
  }
  if (verified.signers.length === 0) {
    const why = verified.rejected.map((r) => `${r.keyid.slice(0, 16)}…: ${r.reason}`).join('; ');
    throw new SignatureError(`the plan has no valid signature by a trusted key${why ? ` (${why})` : ' (it is unsigned)'}`);
  }
  const roles = new Set(verified.signers.map((s) => s.role));
  const missing = (opts.policy ?? DEFAULT_POLICY).requiredRoles(payload).filter((r) => !roles.has(r));
  if (missing.length) {
    throw new SignatureError(`the policy requires a signature by a key with role ${missing.map((r) => `'${r}'`).join(' and ')}; the plan is signed by: ${[...roles].sort().join(', ')}`, `have a key with role ${missing.join(', ')} sign it: \`claude sign plan.json\``);
  }

  // V4 host.
  if (payload.hostId !== opts.hostId) throw new HostMismatchError(payload.hostId, opts.hostId);

  // V5 expiry, one clock read.
  const now = opts.now();
  const expires = Date.parse(payload.expiresAt);
  const created = Date.parse(payload.createdAt);
  if (!(now.getTime() < expires)) throw new PlanExpiredError(`the plan expired at ${payload.expiresAt} (now ${now.toISOString()})`);
  if (created - now.getTime() > 5 * 60_000) throw new PlanExpiredError(`the plan was created at ${payload.createdAt}, in the future (now ${now.toISOString()}); check the clock`);
  // The clock floor: a clock earlier than the latest time this host recorded was set back
  // (e.g. to revive an expired plan); every plan is refused until it is right again.
  const floor = clockFloor(opts.dataDir, APPLIED_PLANS_FILE);
  if (floor && now.getTime() < floor.at - CLOCK_SLACK_MS) throw new ClockBackwardsError(now, floor);

  // V6 replay.
  if (appliedPlanIds(opts.dataDir).has(payload.id)) throw new ReplayError(payload.id);

  // V7 allow-list.
  checkAllowList(payload.steps);

  return { envelope, payloadBytes: verified.payloadBytes, payload, signers: verified.signers, checkedAt: now };
}

/**
 * V7: every op and every inverse op is on the runtime's own allow-list (OPS). The schema
 * enumerates ops too; this check is independent of it, so a schema change cannot widen
 * what the runtime does.
 */
export function checkAllowList(steps: readonly Pick<PlanStep, 'id' | 'op' | 'inverse'>[]): void {
  const allowed = new Set<string>(OPS);
  for (const s of steps) {
    if (!allowed.has(s.op)) throw new DisallowedOpError(s.id, s.op);
    if (s.inverse && !allowed.has(s.inverse.op)) throw new DisallowedOpError(`${s.id} (inverse)`, s.inverse.op);
  }
}

/** V8 base: refuses when the current fingerprints differ from the plan's base. */
export function checkBase(payload: PlanPayload, current: Record<string, string>): void {
  const changes = diffFingerprints(payload.base.resources, current);
  if (changes.length) throw new StalePlanError(changes);
}

/**
 * The pseudo-step V9 lists when the plan changes security.yaml (its text differs from the
 * state repo's HEAD): every change to it is confirmed, even one that makes no security step
 * (a rotated or swapped secret, a certificate, an audit setting).
 */
export function securityYamlChange(before: string | undefined, after: string | undefined): PlanStep | undefined {
  if ((before ?? null) === (after ?? null)) return undefined;
  const what = before === undefined ? 'creates' : after === undefined ? 'removes' : 'changes';
  return {
    id: 'state:security.yaml',
    op: 'host.apply',
    target: 'state/security.yaml',
    params: {},
    dependsOn: [],
    risk: 'security',
    phase: 0,
    inverse: null,
    description: `The plan ${what} security.yaml (secrets, users, SSH keys, certificates); every change to it is confirmed`,
  } as unknown as PlanStep;
}

/** Steps that need confirmation (V9): risk security or destructive. */
export function stepsNeedingConfirmation(payload: PlanPayload): PlanStep[] {
  return policyStepsNeedingConfirmation(payload);
}

/**
 * V9 confirmation. The rule (docs/runtime.md): a plan with security or destructive steps is
 * applied only when (a) a trusted key with role 'admin' signed it, or (b) the operator passed
 * --yes, or (c) the operator answered yes at an interactive prompt listing those steps.
 */
export async function checkConfirmation(
  v: Pick<VerifiedPlan, 'payload' | 'signers'>,
  opts: { yes: boolean; interactiveConfirm?: ((steps: PlanStep[]) => Promise<boolean>) | undefined },
  /** Changes that are not steps but need the same confirmation (a changed security.yaml). */
  extra: readonly PlanStep[] = [],
): Promise<'not-needed' | 'admin-signature' | 'yes-flag' | 'interactive'> {
  const need = [...stepsNeedingConfirmation(v.payload), ...extra];
  if (need.length === 0) return 'not-needed';
  if (v.signers.some((s) => s.role === 'admin')) return 'admin-signature';
  if (opts.yes) return 'yes-flag';
  if (opts.interactiveConfirm && (await opts.interactiveConfirm(need))) return 'interactive';
  throw new ConfirmationRequiredError(need.map((s) => ({ id: s.id, risk: s.risk, description: s.description })));
}
