/**
 * The approval rules: who must sign or confirm what before the runtime applies a plan
 * (docs/plans.md, "Trust and policy"; the runtime checks the same rules again). The
 * interfaces ask; these functions decide what to ask for.
 *
 *   security steps (firewall, users, SSH)     the word "yes", not just "y" (isSecuritySensitive)
 *   users, SSH keys, sudo, sshd (policy P2)   also an admin signature (needsAdminSignature,
 *                                             withAdminSignature)
 *   a re-planned plan                         a new approval when it has security or
 *                                             destructive steps the user has not seen
 *                                             (agent/request.ts unapprovedRiskySteps)
 */
import { resolve } from 'node:path';
import { cosignPlan } from '../compiler/sign.js';
import { serializeEnvelope } from '../plan/envelope.js';
import { readPrivateKeyFile } from '../plan/keys.js';
import { requiredRoles } from '../plan/policy.js';
import type { PlanPayload } from '../plan/types.js';

/** Whether the plan needs an admin signature besides the host key's (policy P2). */
export function needsAdminSignature(payload: PlanPayload): boolean {
  return requiredRoles(payload).includes('admin');
}

/**
 * The plan with the admin key's signature added when policy P2 asks for one; unchanged when
 * it does not; undefined when it does and no key file was given. Throws plan/keys.ts
 * KeyError for a key file that cannot be read.
 */
export function withAdminSignature<P extends { payload: PlanPayload; envelopeText: string }>(planned: P, adminKeyFile: string | undefined, cwd: string): P | undefined {
  if (!needsAdminSignature(planned.payload)) return planned;
  if (!adminKeyFile) return undefined;
  // without `envelope` (agent/flow.ts plannedOf): it is the plan before this signature
  const { envelope: _before, ...rest } = planned as P & { envelope?: unknown };
  return { ...rest, envelopeText: serializeEnvelope(cosignPlan(planned.envelopeText, readPrivateKeyFile(resolve(cwd, adminKeyFile))).envelope) } as P;
}
