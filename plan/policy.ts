/**
 * The signing policy: which signatures and confirmations a plan needs before it may be
 * applied. Pure functions of the payload; the runtime enforces them (runtime/verify.ts V3
 * takes `PLAN_POLICY` as its SignaturePolicy, V9 is the confirmation rule), and `claude show`
 * and `claude verify` describe them. The rule, also in docs/plans.md ("Policy"):
 *
 *   P1  Every plan needs a valid signature by a trusted key with role `host`.
 *   P2  A plan that changes security.yaml's host files (a `host.apply` step of risk `security`:
 *       users, SSH keys, sudo, sshd), or that gives a container or a job a dangerous host
 *       mount (the engine socket, `/`, `/etc`, … allowed by `spec.safety.allow_host_mounts`;
 *       plan/trust.ts), or whose firewall input policy is set to accept in network.yaml, or that
 *       turns the live table's input policy drop into accept by any edit (the key dropped, the
 *       firewall disabled: every port no rule drops is open; `opensEveryPort`), also needs a
 *       valid signature by a trusted key with role `admin`.
 *   P3  A plan with a step of risk `security` or `destructive` needs a confirmation: an admin
 *       signature, or `--yes`, or a "yes" at the interactive prompt that lists those steps.
 *
 * `ci` signatures are recorded reviews; no rule requires them.
 */
import type { PlanPayload, PlanStep } from './types.js';
import type { Role } from './keys.js';
import { dangerousMountsOfStep, opensEveryPort, stepNeedsAdmin } from './trust.js';

/** P1 and P2: roles that must each be among the valid signers. */
export function requiredRoles(payload: Pick<PlanPayload, 'steps'>): Role[] {
  const roles: Role[] = ['host'];
  if (payload.steps.some(stepNeedsAdmin)) roles.push('admin');
  return roles;
}

/** P3: the steps that need a confirmation (an admin signature, --yes, or an interactive yes). */
export function stepsNeedingConfirmation(payload: Pick<PlanPayload, 'steps'>): PlanStep[] {
  return payload.steps.filter((s) => s.risk === 'security' || s.risk === 'destructive');
}

/**
 * P3 for what is not a step: the planner's notes (`display.confirm`, agent/flow.ts) that the plan
 * changes security.yaml, which the apply confirms like a security step (runtime V9 checks it
 * itself against the state repo; the note only lets `plan`, `show` and a reviewer see it).
 */
export function confirmNotes(payload: Pick<PlanPayload, 'display'>): string[] {
  const c = (payload.display as { confirm?: unknown } | undefined)?.confirm;
  return Array.isArray(c) ? c.filter((x): x is string => typeof x === 'string') : [];
}

/** The SignaturePolicy runtime/verify.ts takes. */
export const PLAN_POLICY = { requiredRoles };

export interface PolicyResult {
  /** Signature requirements still missing (P1, P2), e.g. "a signature by a trusted 'admin' key (P2: …)". */
  missingSignatures: string[];
  /** Whether P3 still needs a confirmation at apply time (no admin signature yet). */
  confirmationNeeded: boolean;
  /** One line per rule that applies, for display. */
  lines: string[];
}

/** Evaluates P1–P3 against the roles of the valid trusted signers. */
export function evaluatePolicy(payload: Pick<PlanPayload, 'steps'> & Partial<Pick<PlanPayload, 'display'>>, signerRoles: readonly Role[]): PolicyResult {
  const have = new Set(signerRoles);
  const lines: string[] = [];
  const missing: string[] = [];
  const p1 = have.has('host');
  lines.push(`P1 host signature: ${p1 ? 'present' : 'missing'}`);
  if (!p1) missing.push("a signature by a trusted 'host' key (P1: every plan)");
  if (requiredRoles(payload).includes('admin')) {
    const p2 = have.has('admin');
    const why = adminReason(payload);
    lines.push(`P2 admin signature (${why.short}): ${p2 ? 'present' : 'missing'}`);
    if (!p2) missing.push(`a signature by a trusted 'admin' key (P2: the plan ${why.plan})`);
  }
  const need = stepsNeedingConfirmation(payload);
  const notes = confirmNotes(payload);
  let confirmationNeeded = false;
  if (need.length || notes.length) {
    const byAdmin = have.has('admin');
    confirmationNeeded = !byAdmin;
    const what = [need.length ? `${need.length} security/destructive step${need.length === 1 ? '' : 's'}` : '', notes.length ? 'the security.yaml change' : ''].filter(Boolean).join(' and ');
    lines.push(`P3 confirmation for ${what}: ${byAdmin ? 'given by the admin signature' : 'needed at apply (--yes, or answer yes at the prompt)'}`);
  }
  return { missingSignatures: missing, confirmationNeeded, lines };
}

/**
 * Why a plan needs an admin signature (P2): every reason that applies, in this order: a dangerous
 * host mount, the firewall opening every port, security.yaml's host files (users, SSH, sudo,
 * sshd); with none found (a step marked by another rule), the host files' wording.
 * `short` is the policy line's, `plan` completes "the plan …", `person` completes "this plan …"
 * in a sentence a person reads at the prompt.
 */
export function adminReason(payload: Pick<PlanPayload, 'steps'>): { short: string; plan: string; person: string } {
  const mounts = [...new Set(payload.steps.flatMap(dangerousMountsOfStep))].sort();
  const paths = `host path${mounts.length === 1 ? '' : 's'} ${mounts.join(', ')}`;
  const reasons: { short: string; plan: string; person: string }[] = [];
  if (mounts.length) reasons.push({ short: `mounts ${paths}`, plan: `mounts ${paths}`, person: `gives a container or job the ${paths}` });
  if (payload.steps.some(opensEveryPort)) reasons.push({ short: 'the firewall accepts incoming traffic by default', plan: 'sets the firewall input policy to accept', person: 'sets the firewall to accept incoming traffic by default' });
  const hostFiles = { short: 'security.yaml changes users/SSH/sudo', plan: 'changes security.yaml host files', person: 'changes users, SSH keys, sudo or sshd (security.yaml)' };
  if (payload.steps.some((st) => st.op === 'host.apply' && st.risk === 'security') || reasons.length === 0) reasons.push(hostFiles);
  return { short: reasons.map((r) => r.short).join('; '), plan: reasons.map((r) => r.plan).join(' and '), person: reasons.map((r) => r.person).join(', and ') };
}
