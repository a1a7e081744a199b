/**
 * What the reconciler does with a plan it made: apply it, queue it for approval, or only
 * report it. A pure function of the plan, the resolved `spec.safety` / `spec.reconcile`
 * settings and a few facts about the pass (docs/reconciler.md, "Policy"), checked in this
 * order; the first rule that matches decides:
 *
 *   Drift (the state files equal the last commit; the system moved):
 *     D1  every step's target is ignored (`reconcile.ignore`)       → nothing (not drift)
 *     D2  `reconcile.drift: report`                                  → report only
 *     D3  `reconcile.drift: queue`                                   → queue
 *     D4  some step targets an ignored resource                      → queue (a restore would touch it)
 *     D5  a step is destructive (deletes data)                       → queue
 *     R   more applies than `max_changes_per_hour` in the last hour  → queue, saying so
 *     D6  otherwise                                                  → apply (self-heal), confirmed:
 *         it puts back what was approved and committed
 *
 *   A change of the state files (a hand edit, a `git checkout`, a copied file):
 *     E1  a changed file is in `restricted_files` (security.yaml always) → queue
 *     E2  a step is of risk security or destructive                  → queue
 *     E3  `require_approval: true` (the default), unless every step's category is in
 *         `auto_approve_categories`                                 → queue
 *     R   more applies than `max_changes_per_hour` in the last hour  → queue, saying so
 *     E4  every step's category is in `auto_approve_categories`      → apply
 *     E5  otherwise                                                  → apply
 *
 * Categories name what a step does to what, as `auto_approve_categories` lists them (the
 * spec's example is `service.restart`): see `categoryOf`.
 */
import type { PlanStep } from '../../plan/types.js';

export interface SafetySettings {
  requireApproval: boolean;
  autoApproveCategories: readonly string[];
  restrictedFiles: readonly string[];
  maxChangesPerHour?: number;
}

export interface ReconcileSettings {
  drift: 'self_heal' | 'queue' | 'report';
  ignore: readonly string[];
}

export interface PassFacts {
  /** State files that differ from the last commit (empty: the plan corrects drift). */
  changedFiles: readonly string[];
  /** Applies the reconciler made in the last hour. */
  appliesLastHour: number;
}

export type Decision =
  | { action: 'none'; rule: string; reason: string }
  | { action: 'report'; rule: string; reason: string }
  | { action: 'queue'; rule: string; reason: string }
  /** `confirmed`: the apply counts as the confirmation security/destructive steps need (P3). */
  | { action: 'apply'; rule: string; reason: string; confirmed: boolean };

/**
 * The category of a step, for `auto_approve_categories`:
 *
 *   container.start → service.start        container.stop → service.stop
 *   container.create → service.create      container.remove → service.remove
 *   container.replace → service.update     image.ensure → image.pull
 *   network.create/remove → network.create/remove    firewall.* → network.firewall
 *   volume.create → storage.create         volume.remove → storage.delete
 *   host.apply → host.files, or security.users when it changes users/SSH/sudo (risk security)
 *   schedule.apply → schedule.update
 *   mount.apply → storage.mount, or storage.format when it may format (risk destructive); mount.remove → storage.unmount
 *
 * A plan that only stops and starts existing containers (no create, replace or remove) is
 * also in `service.restart`.
 */
export function categoryOf(step: Pick<PlanStep, 'op' | 'risk'>): string {
  switch (step.op) {
    case 'container.start':
      return 'service.start';
    case 'container.stop':
      return 'service.stop';
    case 'container.create':
      return 'service.create';
    case 'container.remove':
      return 'service.remove';
    case 'container.replace':
      return 'service.update';
    case 'image.ensure':
      return 'image.pull';
    case 'network.create':
      return 'network.create';
    case 'network.remove':
      return 'network.remove';
    case 'firewall.apply':
    case 'firewall.remove':
      return 'network.firewall';
    case 'volume.create':
      return 'storage.create';
    case 'volume.remove':
      return 'storage.delete';
    case 'host.apply':
      return step.risk === 'security' ? 'security.users' : 'host.files';
    case 'schedule.apply':
      return 'schedule.update';
    case 'mount.apply':
      return step.risk === 'destructive' ? 'storage.format' : 'storage.mount';
    case 'mount.remove':
      return 'storage.unmount';
    default:
      return `other.${String(step.op).replace(/[^a-z]/g, '_')}`;
  }
}

/** True when every step is allowed by the auto-approve list (each by its category, or the whole plan as a `service.restart`). */
export function autoApproved(steps: readonly Pick<PlanStep, 'op' | 'risk'>[], categories: readonly string[]): boolean {
  if (steps.length === 0 || categories.length === 0) return false;
  const allowed = new Set(categories);
  const restartOnly = steps.every((s) => s.op === 'container.start' || s.op === 'container.stop');
  if (restartOnly && allowed.has('service.restart')) return true;
  return steps.every((s) => allowed.has(categoryOf(s)));
}

/** `*` matches any run of characters (including none); everything else is literal. */
export function globMatch(pattern: string, text: string): boolean {
  const re = new RegExp('^' + pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*') + '$');
  return re.test(text);
}

export function ignored(target: string, ignore: readonly string[]): boolean {
  return ignore.some((g) => globMatch(g, target));
}

export function decide(steps: readonly Pick<PlanStep, 'op' | 'risk' | 'target'>[], safety: SafetySettings, rec: ReconcileSettings, facts: PassFacts): Decision {
  if (steps.length === 0) return { action: 'none', rule: 'empty', reason: 'the system matches the state files' };
  const overLimit = safety.maxChangesPerHour !== undefined && facts.appliesLastHour >= safety.maxChangesPerHour;
  const limitReason = `max_changes_per_hour is ${safety.maxChangesPerHour} and the reconciler applied ${facts.appliesLastHour} change${facts.appliesLastHour === 1 ? '' : 's'} in the last hour`;
  if (facts.changedFiles.length === 0) {
    const counted = steps.filter((s) => !ignored(s.target, rec.ignore));
    if (counted.length === 0) return { action: 'none', rule: 'D1', reason: `only ignored resources differ (${[...new Set(steps.map((s) => s.target))].join(', ')})` };
    if (rec.drift === 'report') return { action: 'report', rule: 'D2', reason: 'reconcile.drift is report: drift is reported, not corrected' };
    if (rec.drift === 'queue') return { action: 'queue', rule: 'D3', reason: 'reconcile.drift is queue: the correcting plan waits for approval' };
    if (counted.length < steps.length) return { action: 'queue', rule: 'D4', reason: `restoring would also touch ignored resources (${[...new Set(steps.filter((s) => ignored(s.target, rec.ignore)).map((s) => s.target))].join(', ')})` };
    if (steps.some((s) => s.risk === 'destructive')) return { action: 'queue', rule: 'D5', reason: 'the correcting plan deletes data, which needs explicit approval' };
    if (overLimit) return { action: 'queue', rule: 'R', reason: limitReason };
    return { action: 'apply', rule: 'D6', reason: 'reconcile.drift is self_heal: restoring the applied state', confirmed: true };
  }
  const restricted = facts.changedFiles.filter((f) => safety.restrictedFiles.includes(f));
  if (restricted.length) return { action: 'queue', rule: 'E1', reason: `${restricted.join(', ')} ${restricted.length === 1 ? 'is' : 'are'} restricted (restricted_files): changes need explicit approval` };
  const risky = steps.filter((s) => s.risk === 'security' || s.risk === 'destructive');
  if (risky.length) return { action: 'queue', rule: 'E2', reason: `the plan has ${risky.length} security/destructive step${risky.length === 1 ? '' : 's'}, which need explicit approval` };
  const auto = autoApproved(steps, safety.autoApproveCategories);
  if (!auto && safety.requireApproval) return { action: 'queue', rule: 'E3', reason: 'require_approval is true: the plan waits for `claude apply`' };
  if (overLimit) return { action: 'queue', rule: 'R', reason: limitReason };
  if (auto) return { action: 'apply', rule: 'E4', reason: `every step is in auto_approve_categories (${safety.autoApproveCategories.join(', ')})`, confirmed: false };
  return { action: 'apply', rule: 'E5', reason: 'require_approval is false', confirmed: false };
}
