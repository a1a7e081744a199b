/**
 * Approve, then apply: the part of `agent/flow.ts` planAndApply that `claude apply` (the
 * state dir, and the reconciler's plan pending approval) and `claude rollback` share. It shows the signed plan (its review included),
 * asks at the terminal, and applies what was approved with `yes: true`, because the user
 * has seen the whole plan, its security and destructive lines included.
 */
import { println, type CommandContext } from './context.js';
import type { LineReader } from './prompt.js';
import { askApproval } from './answers.js';
import type { ProgressRenderer } from './progress.js';
import { renderPlan } from '../plan/show.js';
import { inspectPlan } from '../plan/inspect.js';
import { loadTrustedKeys } from '../plan/keys.js';
import { reviewOnHost } from '../agent/review.js';
import { applyPlanned, REPLANNED_MESSAGE, type ApplyPlannedOptions, type FlowHost, type PlanAndApplyOptions, type Planned } from '../agent/flow.js';
import type { ApplyResult } from '../runtime/apply.js';
import { PlanRefusedError } from '../runtime/verify.js';
import { writeFileAtomic } from '../common/fsutil.js';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export interface ApproveThenApply {
  host: FlowHost;
  actor: { name: string; email: string };
  /** Print nothing but the caller's JSON; never prompt. */
  json: boolean;
  /** --yes: approved without asking. */
  yes: boolean;
  /** The terminal to ask at; without one (and without --yes) nothing is applied. */
  reader: LineReader | undefined;
  /** The question, e.g. "Apply these changes? [yes/no] ". */
  question: string;
  /** --wait, in seconds: how long applying waits for the runtime's apply lock. */
  waitS: number;
  renderer: ProgressRenderer | null;
  /** Runs first, before the plan is shown (e.g. saving it to --out, printing warnings). */
  beforeShow?(planned: Planned): void;
  /** There is no terminal and no --yes: what to do and say (nothing is applied). */
  noTerminal(planned: Planned): void;
  /** Runs once approved, before applying (under the request lock when there is one); throws to apply nothing. */
  beforeApply?(planned: Planned): void;
}

/**
 * Applies a plan the person approved: they have seen the whole plan (its security and
 * destructive lines included) and said yes at the terminal, or passed --yes. The one place in
 * cli/ that applies with `yes: true` (test/architecture.test.ts rule 7): approveThenApply
 * below, and `claude "<msg>"` (cli/commands/ask.ts) after its own [yes/no/modify].
 */
export function applyApproved(host: FlowHost, planned: Planned, o: Omit<ApplyPlannedOptions, 'yes'>): Promise<ApplyResult> {
  return applyPlanned(host, planned, { ...o, yes: true });
}

/** The `approve`, `apply` and `onReplan` of planAndApply for a command that asks at the terminal. */
export function approveThenApply(ctx: CommandContext, o: ApproveThenApply): Pick<PlanAndApplyOptions<Planned>, 'approve' | 'apply' | 'onReplan'> {
  const { paths } = o.host;
  return {
    async approve(planned, info) {
      o.beforeShow?.(planned);
      const report = inspectPlan(planned.envelopeText, { trusted: loadTrustedKeys(paths.dataDir), now: ctx.now(), hostId: o.host.hostId });
      if (!o.json) {
        if (info.replanned) println(ctx.stdout, REPLANNED_MESSAGE);
        ctx.stdout.write(renderPlan(planned.payload, report, await reviewOnHost(paths.stateDir, planned.payload, ctx.now)));
        println(ctx.stdout);
      }
      // A plan the policy cannot let through without another signature (P2: an admin's) is
      // not asked about: a yes could not apply it (the walkthrough of 2026-12-06 was asked "Roll
      // back?", answered yes, and was refused with a hint to sign a plan.json that was not it).
      // It is saved where it can be signed, with the steps to sign and apply it.
      const missing = report.policy?.missingSignatures ?? [];
      if (missing.length > 0) {
        const dir = join(paths.dataDir, 'plans');
        mkdirSync(dir, { recursive: true });
        const path = join(dir, `${planned.payload.id}.json`);
        writeFileAtomic(path, planned.envelopeText, 0o644);
        if (!o.json) {
          println(ctx.stdout, `This plan cannot be applied yet: it needs ${missing.join(' and ')}.`);
          printSigningSteps(ctx, paths.dataDir, path);
        }
        throw new PlanRefusedError('P2 admin signature', `the plan needs ${missing.join(' and ')}; it was saved to ${path}`, `sign it with a trusted admin key (\`claude sign ${path} --key ADMIN.key\`), then \`claude apply ${path}\``);
      }
      if (o.yes) return true;
      if (!o.reader) {
        o.noTerminal(planned);
        return false;
      }
      // The words of every approval prompt (cli/answers.ts); an unclear answer is asked again.
      return (await askApproval(o.reader, o.question, { modify: false })).answer === 'yes';
    },
    apply(planned) {
      o.beforeApply?.(planned);
      return applyApproved(o.host, planned, { now: ctx.now, actor: o.actor, lockWaitMs: o.waitS * 1000, ...(o.renderer ? { onEvent: o.renderer.onEvent } : {}) });
    },
    onReplan(e, n) {
      if (!o.json) println(ctx.stdout, `The plan was refused as stale (attempt ${n}): ${e.message.split('\n')[0]}`);
    },
  };
}

/**
 * How to sign and apply a saved plan that waits for an admin signature. A person on their own
 * box often has no admin key yet: how to make and trust one comes first.
 */
export function printSigningSteps(ctx: CommandContext, dataDir: string, path: string, orElse?: string): void {
  const noAdmin = !loadTrustedKeys(dataDir).some((k) => k.role === 'admin');
  const keyFile = noAdmin ? 'admin.key' : 'ADMIN.key';
  if (noAdmin) {
    println(ctx.stdout, '  No admin key is trusted on this host yet. Make one and trust it (once):');
    println(ctx.stdout, '    claude keys generate --out admin.key');
    println(ctx.stdout, '    claude keys add admin.key.pub --role admin --name YOUR-NAME');
    println(ctx.stdout, '  (keep admin.key off this host if you can: whoever holds it approves users, sudo and SSH changes).');
  }
  println(ctx.stdout, `  Saved to ${path}. Sign it with \`claude sign ${path} --key ${keyFile}\` and apply it with \`claude apply ${path}\`${orElse ? ',' : '.'}`);
  if (orElse) println(ctx.stdout, `  ${orElse.replace(/KEYFILE/g, keyFile)}`);
}
