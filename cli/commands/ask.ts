/**
 * `claude "<what you want>" [--yes] [--state-dir DIR] [--json]`: the main job.
 *
 *   request → provider (offline engine by default) → vetted state files → signed plan
 *   → the proposed-changes box → [yes/no/modify] → apply (runtime/apply.ts)
 *
 * In a terminal it asks; "modify" takes a refinement and proposes again on top of the
 * previous proposal. Without a terminal (ssh host claude "…", scripts) it never prompts:
 * it prints the plan, saves it, and applies only with --yes. `claude plan "<msg>"` stops
 * after the plan (see planFromMessage). Each request is kept as a conversation in the data
 * dir (`claude history --conversations`).
 */
import { parse } from '../args.js';
import { Cancelled, EXIT, println, type Command, type CommandContext } from '../context.js';
import { renderPlan } from '../../compiler/show.js';
import { compileFiles } from '../../compiler/compile.js';
import { renderDiagnostic } from '../../compiler/diagnostics.js';
import { checkRequestLength, ProviderError, type ConversationTurn } from '../../compiler/intent/provider.js';
import { inspectPlan } from '../../plan/inspect.js';
import { KeyError, loadTrustedKeys } from '../../plan/keys.js';
import { adminReason } from '../../plan/policy.js';
import { needsAdminSignature, withAdminSignature } from '../../agent/approval.js';
import { openIntentSession, type IntentSession, type PlannedIntent } from '../../agent/intent.js';
import { appendTurn, newConversationId } from '../../agent/conversations.js';
import { isFlagged, learn, notePending, recordOutcome, similarity, takePending, terminalSession } from '../../agent/learning.js';
import { openFlowHost } from '../../agent/flow.js';
import { applyApproved, printSigningSteps } from '../approve.js';
import { lineReader as flowLineReader, REQUEST_FLAGS, type LineReader } from '../prompt.js';
import { askApproval } from '../answers.js';
import { acceptVettedTurn, changedFiles, explanationBesideQuestions, isSecuritySensitive, proposeTurn, reproposeOnCurrentState, savePending, unapprovedRiskySteps, type TurnResult } from '../../agent/request.js';
import { ProgressRenderer, renderResult } from '../progress.js';
import { reviewOnHost } from '../../agent/review.js';
import { cleanText, SGR_RESET } from '../../common/terminal.js';
import { authorFromEnv } from '../../runtime/state/repo.js';
import { offerBackupNow } from '../operations.js';

const usage = `usage: claude "<what you want>" [--yes] [--json] [--state-dir DIR] [--admin-key FILE] [--i-know-what-i-am-doing]

Turns the request into state file changes (with the offline engine, or the LLM provider
configured in manifest.yaml spec.llm), compiles and plans them, shows the proposed changes
and, after you answer yes, applies them. Nothing changes without your yes (or --yes).

  --yes            apply without asking (needed when there is no terminal)
  --json           print the outcome as JSON (never prompts)
  --state-dir DIR  the state dir (default: $CLAUDE_STATE_DIR or /etc/claude.d)
  --admin-key FILE also sign with this admin key: plans that change users, SSH keys,
                   sudo or sshd need it (policy P2); without it they are saved, not
                   applied (exit 1)
  --i-know-what-i-am-doing
                   plan a firewall that would drop your current SSH connection or the API
                   port anyway (a warning instead of a refusal)

Exit status: 0 applied, declined, saved without --yes or nothing to do; 1 not understood,
refused, failed, or not applied because it needs an admin signature (--admin-key) and was
saved for signing instead (after --yes and after yes at the prompt alike); 2 usage error;
130 cancelled with Ctrl-C at any prompt (nothing changed).

Examples:
  claude "set up a web server with nginx"
  claude "only allow SSH from 10.0.0.0/8" --yes
  claude plan "add redis" --out plan.json     (plan only)`;

/** Prints what the provider said and the plan box. */
export async function printTurn(ctx: CommandContext, s: IntentSession, t: TurnResult, o: { offering?: boolean } = {}): Promise<void> {
  const { result } = t;
  const p = result.proposal;
  if (result.status === 'refused') {
    println(ctx.stdout, cleanText(p.refused ? p.explanation : `I can't use that proposal: ${result.problems.join('; ')}`));
    return;
  }
  // Everything the provider wrote is cleaned of control and bidi characters (common/terminal.ts).
  // An engine that asks may say its question in the explanation too: it is printed once, as the question.
  // An offer the CLI asks next ("Back up postgres-data now? [yes/no]") replaces the line naming its command.
  const explanation = explanationBesideQuestions(explanationBesideQuestions(p.explanation, result.questions), o.offering && p.offer ? [p.offer.said] : []);
  if (explanation) println(ctx.stdout, cleanText(explanation));
  if (result.status === 'invalid') {
    println(ctx.stdout, '');
    println(ctx.stdout, `The ${p.provider} provider could not produce valid state files after ${result.attempts} attempt${result.attempts === 1 ? '' : 's'}; nothing was planned. The last problems:`);
    for (const line of result.problems) println(ctx.stdout, '  ' + cleanText(line).replace(/\n/g, '\n  '));
  }
  for (const w of result.warnings) println(ctx.stdout, `⚠ ${cleanText(w)}`);
  for (const q of result.questions) println(ctx.stdout, `? ${cleanText(q)}`);
  if (t.planProblems) {
    println(ctx.stdout, 'The proposal cannot be planned:');
    for (const line of t.planProblems) println(ctx.stdout, '  ' + cleanText(line).replace(/\n/g, '\n  '));
  }
  if (t.planned) await printPlanBox(ctx, s, t.planned);
}

/** The plan as the approval prompt shows it: the Proposed Changes box, steps, policy. */
async function printPlanBox(ctx: CommandContext, s: IntentSession, planned: PlannedIntent): Promise<void> {
  const report = inspectPlan(planned.envelopeText, { trusted: loadTrustedKeys(s.paths.dataDir), now: s.now(), hostId: planned.payload.hostId });
  // What changes in each service, old → new, against what was last applied (agent/review.ts).
  const review = await reviewOnHost(s.paths.stateDir, planned.payload, s.now);
  println(ctx.stdout, '');
  // The box is drawn after an SGR reset (nothing printed before it can conceal or recolour
  // it) and is the last thing printed before the prompt.
  if (ctx.isTTY) ctx.stdout.write(SGR_RESET);
  ctx.stdout.write(cleanText(renderPlan(planned.payload, report, review)));
  println(ctx.stdout);
}

/** Why this plan needs an admin signature, said for the prompt ("this plan …, so …"). */
const p2Why = (planned: PlannedIntent) => `this plan ${adminReason(planned.payload).person}, so it also needs an admin signature (policy P2)`;

/** Whether applying the plan needs an admin key this session was not given (policy P2). */
export function lacksAdminKey(planned: PlannedIntent, adminKey: string | undefined): boolean {
  return !adminKey && needsAdminSignature(planned.payload);
}

/**
 * The approval question for a plan. A plan that needs an admin signature the session does not
 * have cannot be applied here, so a yes saves it for signing rather than promising an apply.
 */
export function approvalQuestion(planned: PlannedIntent, adminKey: string | undefined): string {
  if (lacksAdminKey(planned, adminKey)) return `This plan cannot be applied yet: ${p2Why(planned)}, and none was given (--admin-key). Save it for signing? [yes/no/modify]`;
  return isSecuritySensitive(planned) ? 'This is a significant security change. Proceed? [yes/no/modify]' : 'Apply these changes? [yes/no/modify]';
}

/**
 * A plan the runtime would refuse whatever the answer is said at once, before any question: a
 * yes could not apply it. With --admin-key, the plan is signed with that key here and inspected
 * as the runtime will see it (plan/inspect.ts: signatures, policy P1/P2, expiry, host): a key
 * file that cannot be read, or a key this host does not trust as 'admin', was asked "Proceed?"
 * and refused (V3) after the yes. Prints the refusal and returns true; false when it would apply.
 * A plan that needs an admin key and was given none is not refused here: it is saved for signing.
 */
export function refusedBeforeAsking(ctx: CommandContext, s: IntentSession, planned: PlannedIntent, adminKey: string | undefined): boolean {
  if (lacksAdminKey(planned, adminKey)) return false;
  const refuse = (why: string, message: string, hint: string) => {
    println(ctx.stderr, `claude: the plan was refused (${why}): ${message}`);
    println(ctx.stderr, `  hint: ${hint}`);
    println(ctx.stderr, 'Nothing was changed.');
    return true;
  };
  let signed: PlannedIntent;
  try {
    signed = withAdminSignature(planned, adminKey, ctx.cwd) ?? planned;
  } catch (e) {
    if (!(e instanceof KeyError)) throw e;
    return refuse('admin key', e.message, e.hint);
  }
  const report = inspectPlan(signed.envelopeText, { trusted: loadTrustedKeys(s.paths.dataDir), now: s.now(), hostId: planned.payload.hostId });
  const failed = report.checks.filter((c) => !c.ok);
  if (failed.length === 0) return false;
  const p2 = failed.some((c) => c.check === 'policy') && adminKey !== undefined && needsAdminSignature(planned.payload);
  const hint = p2
    ? `${p2Why(planned)}, and the key in ${adminKey} is not trusted as 'admin' on this host. Trust it once with \`claude keys add ${adminKey}.pub --role admin --name YOUR-NAME\`, or give a trusted admin key (\`claude keys list\`), and ask again.`
    : 'nothing was applied; ask again (`claude verify` on a saved plan shows each check).';
  return refuse(failed.map((c) => c.check).join(', '), failed.map((c) => c.detail).join('; '), hint);
}

/** Saves a plan that waits for an admin signature and says how to sign and apply it. */
export function saveForAdminSignature(ctx: CommandContext, s: IntentSession, planned: PlannedIntent, lead: string): string {
  const path = savePending(s, planned);
  println(ctx.stdout, `${lead}${p2Why(planned)}.`);
  printSigningSteps(ctx, s.paths.dataDir, path, 'or ask again with --admin-key KEYFILE.');
  return path;
}

/** Learning mode: records that `unclear` meant `applied`, and says so. */
export function learnAndSay(ctx: CommandContext, dataDir: string, unclear: string, applied: string): void {
  learn(dataDir, unclear, applied, ctx.now());
  println(ctx.stdout, `Learned: next time "${unclear}" means "${applied}" (kept in this machine's data dir only; \`claude learn list\`, \`claude learn forget N\`).`);
}

/**
 * Learning mode for one-shot runs: a plan just applied from `applied`, approved with `yes` at
 * this run's prompt, after a request an earlier run in the same terminal did not understand
 * (agent/learning.ts takePending), is learned as its meaning. Never from a `--yes` run.
 */
function learnFromEarlierMiss(ctx: CommandContext, s: IntentSession, t: TurnResult, applied: string): void {
  const session = terminalSession(ctx.env);
  const unclear = session ? takePending(s.paths.dataDir, ctx.now(), session) : undefined;
  if (!unclear || t.learned || similarity(unclear, applied) === 1) return;
  learnAndSay(ctx, s.paths.dataDir, unclear, applied);
}

/**
 * Applies a signed plan made by this session; prints progress and the result. When the
 * runtime refuses it as stale (another apply changed the state or the system between plan
 * and apply) and `t` is given, the request is proposed again on the current state files,
 * planned, shown and applied, at most twice more. A new plan with security or destructive
 * steps the user did not see is not applied without asking again.
 */
export async function applyPlanned(ctx: CommandContext, s: IntentSession, first: PlannedIntent, t?: TurnResult, adminKey?: string): Promise<number> {
  const code = await applyPlannedUnrecorded(ctx, s, first, t, adminKey);
  // Learning mode: how plans made from a learned phrasing turn out.
  if (t?.learned) {
    const r = recordOutcome(s.paths.dataDir, t.learned.index, code === EXIT.OK ? 'applied' : 'rolled-back');
    if (r && isFlagged(r)) println(ctx.stdout, `Note: plans made from the learned phrasing "${r.phrasing}" keep rolling back (${r.outcomes.rolledBack} times); I will not use it again. \`claude learn list\` shows it.`);
  }
  return code;
}

async function applyPlannedUnrecorded(ctx: CommandContext, s: IntentSession, first: PlannedIntent, t?: TurnResult, adminKey?: string): Promise<number> {
  // Policy P2: users, SSH keys, sudo and sshd changes also need an admin signature.
  const withAdmin = (p: PlannedIntent): PlannedIntent | undefined => withAdminSignature(p, adminKey, ctx.cwd);
  let signed: PlannedIntent | undefined;
  try {
    signed = withAdmin(first);
  } catch (e) {
    if (!(e instanceof KeyError)) throw e;
    println(ctx.stderr, `claude: ${e.message}\n  hint: ${e.hint}`);
    return EXIT.FAILURE;
  }
  if (!signed) {
    saveForAdminSignature(ctx, s, first, 'Not applied: ');
    return EXIT.FAILURE;
  }
  first = signed;
  const { LockHeldError } = await import('../../runtime/lock.js');
  const { PlanRefusedError, StalePlanError } = await import('../../runtime/verify.js');
  let planned = first;
  for (let attempt = 0; ; attempt++) {
    try {
      return await applyOnce(ctx, s, planned);
    } catch (e) {
      if (e instanceof StalePlanError && t?.ictx && attempt < 2) {
        const reproposed = await reproposeOnCurrentState(s, t);
        const again = reproposed ? withAdmin(reproposed) : undefined;
        if (again) {
          println(ctx.stdout, 'The system changed while planning; re-planned against the current state:');
          ctx.stdout.write(renderPlan(again.payload));
          println(ctx.stdout);
          const unseen = unapprovedRiskySteps(planned, again);
          if (unseen.length) {
            println(ctx.stderr, `claude: the new plan has steps you have not approved (${unseen.join('; ')}); nothing was changed. Run the request again to review it.`);
            return EXIT.FAILURE;
          }
          planned = again;
          continue;
        }
      }
      if (e instanceof PlanRefusedError || e instanceof LockHeldError) {
        println(ctx.stderr, `claude: the plan was refused (${e instanceof PlanRefusedError ? e.clause : 'lock'}): ${e.message}`);
        println(ctx.stderr, `  hint: ${e.hint}`);
        println(ctx.stderr, 'Nothing was changed.');
        return EXIT.FAILURE;
      }
      throw e;
    }
  }
}

async function applyOnce(ctx: CommandContext, s: IntentSession, planned: PlannedIntent): Promise<number> {
  s.host ??= await openFlowHost(s.paths);
  const renderer = new ProgressRenderer(ctx.stdout, ctx.isTTY);
  try {
    // The user has just seen the plan, warnings included, and said yes (or passed --yes).
    const result = await applyApproved(s.host, planned, {
      now: ctx.now,
      lockWaitMs: 60_000,
      actor: authorFromEnv(ctx.env, { hostname: s.host.hostId }),
      onEvent: renderer.onEvent,
    });
    renderer.stop();
    for (const l of renderResult(result)) println(ctx.stdout, l);
    return result.status === 'applied' ? EXIT.OK : EXIT.FAILURE;
  } catch (e) {
    renderer.stop();
    throw e;
  }
}

/**
 * The request's reader (cli/prompt.ts lineReader): readline drives the terminal; answers typed
 * ahead get no prompt. `session`: the REPL's, where Ctrl-D answers only the prompt it is typed at.
 */
export function lineReader(ctx: CommandContext, o: { session?: boolean } = {}): LineReader {
  return flowLineReader(ctx, { terminal: ctx.isTTY, promptTypedAhead: false, ...o });
}

function exitOf(t: TurnResult): number {
  const st = t.result.status;
  if (st === 'answer') return t.result.proposal.understood === false ? EXIT.FAILURE : EXIT.OK;
  if (st === 'proposed' && t.planned) return EXIT.OK;
  return EXIT.FAILURE;
}

function turnStatus(t: TurnResult): string {
  return t.planProblems ? 'unplannable' : t.result.status;
}

/**
 * The whole of `claude "<msg>"` and `claude plan "<msg>"`. `planOnly` stops after the plan
 * (written to `out`, default plan.json).
 */
export async function runRequest(ctx: CommandContext, message: string, opts: { yes: boolean; json: boolean; stateDir?: string; planOnly?: boolean; out?: string; adminKey?: string; force?: boolean }): Promise<number> {
  let s: IntentSession;
  try {
    // Before anything is opened or recorded: a paste too long to be a request is not read.
    checkRequestLength(message);
    s = await openIntentSession(ctx, opts.stateDir, opts.force ? { force: true } : {});
  } catch (e) {
    if (e instanceof ProviderError) {
      println(ctx.stderr, `claude: ${e.message}\n  hint: ${e.hint}`);
      return EXIT.FAILURE;
    }
    throw e;
  }
  // State files that do not compile: each problem at file:line:col. The offline engine
  // edits the files as they are, so it cannot work on top of them: refused, exit 1, nothing
  // changed. An LLM may be asked to repair them, so there they are only shown.
  const broken = compileFiles(s.files as Record<string, string>).diagnostics.filter((d) => d.severity === 'error');
  if (broken.length > 0) {
    for (const d of broken) println(ctx.stderr, renderDiagnostic(d));
    if (s.kind === 'offline') {
      println(ctx.stderr, `claude: the state files in ${s.paths.stateDir} have errors (above); nothing was changed. Fix them (see \`claude validate\`) and ask again.`);
      if (opts.json) println(ctx.stdout, JSON.stringify({ status: 'invalid-state', problems: broken.map(renderDiagnostic) }, null, 2));
      await s.close();
      return EXIT.FAILURE;
    }
    println(ctx.stderr, `claude: warning: the state files in ${s.paths.stateDir} have errors (above); the proposal must fix them to be planned.`);
  }
  const convo = newConversationId(ctx.now());
  const history: ConversationTurn[] = [];
  let files = s.files;
  let msg = message;
  const chain: string[] = [];
  /** The planned turn a "modify" answer changes: asked about again when the change gives no plan. */
  let before: TurnResult | undefined;
  const reader = ctx.isTTY && !opts.yes && !opts.json && !opts.planOnly ? lineReader(ctx) : undefined;
  try {
    for (;;) {
      appendTurn(s.paths.dataDir, convo, { at: ctx.now().toISOString(), role: 'user', text: msg });
      let t: TurnResult;
      try {
        t = await proposeTurn(s, msg, history, files, [...chain, msg].join('; '));
        t.messages = [...chain, msg];
      } catch (e) {
        if (e instanceof ProviderError) {
          println(ctx.stderr, `claude: ${e.message}\n  hint: ${e.hint}`);
          appendTurn(s.paths.dataDir, convo, { at: ctx.now().toISOString(), role: 'assistant', text: e.message, provider: s.provider.name, status: 'failed' });
          return EXIT.FAILURE;
        }
        throw e;
      }
      history.push({ role: 'user', text: msg }, { role: 'assistant', text: t.result.proposal.explanation });
      const record = (status: string) =>
        appendTurn(s.paths.dataDir, convo, {
          at: ctx.now().toISOString(),
          role: 'assistant',
          text: t.result.proposal.explanation,
          provider: t.result.proposal.provider,
          status,
          files: changedFiles(t),
          ...(t.planned ? { planId: t.planned.payload.id } : {}),
        });
      if (opts.json) {
        const out: Record<string, unknown> = {
          status: turnStatus(t),
          provider: t.result.proposal.provider,
          explanation: t.result.proposal.explanation,
          warnings: t.result.warnings,
          questions: t.result.questions,
          problems: t.planProblems ?? t.result.problems,
          files: t.result.files,
        };
        if (t.planned) out.plan = t.planned.payload;
        if (t.result.proposal.offer) out.offer = { kind: t.result.proposal.offer.kind, volumes: t.result.proposal.offer.volumes };
        if (t.planned && opts.planOnly) out.planFile = savePending(s, t.planned, opts.out ?? 'plan.json', ctx.cwd);
        let code = exitOf(t);
        if (t.planned && opts.yes && !opts.planOnly) {
          code = await applyPlanned({ ...ctx, stdout: ctx.stderr }, s, t.planned, t, opts.adminKey);
          out.applied = code === EXIT.OK;
        }
        println(ctx.stdout, JSON.stringify(out, null, 2));
        record(out.applied ? 'applied' : turnStatus(t));
        return code;
      }
      // A backup now (the engine's offer): asked at a terminal, run with --yes (cli/operations.ts).
      const offer = t.result.status === 'answer' && !opts.planOnly && (reader || opts.yes) ? t.result.proposal.offer : undefined;
      await printTurn(ctx, s, t, { offering: offer !== undefined });
      if (!t.planned) {
        record(turnStatus(t));
        if (offer) {
          const code = await offerBackupNow(ctx, offer, { yes: opts.yes, ...(reader ? { reader } : {}) });
          if (code !== null) return code;
        }
        let accepted: TurnResult | undefined;
        if (reader && (t.result.status === 'ask' || t.result.questions.length > 0) && t.result.status !== 'refused') {
          const more = await reader.next('Your answer (or press enter to stop): ');
          // A plain yes to the vetting's questions plans the proposal as it was (agent/request.ts).
          accepted = more && more.trim() ? await acceptVettedTurn(s, t, more) : undefined;
          if (accepted) {
            appendTurn(s.paths.dataDir, convo, { at: ctx.now().toISOString(), role: 'user', text: more!.trim() });
            history.push({ role: 'user', text: more!.trim() });
            t = accepted;
            if (t.planned) await printPlanBox(ctx, s, t.planned);
          } else if (more && more.trim()) {
            msg = more.trim();
            continue;
          }
        }
        if (!t.planned) {
          if (accepted?.planProblems) {
            println(ctx.stdout, 'The proposal cannot be planned:');
            for (const line of accepted.planProblems) println(ctx.stdout, '  ' + cleanText(line).replace(/\n/g, '\n  '));
          }
          // A change asked at the approval prompt ("modify") that gave no plan: the plan shown
          // before still stands and is asked about again (walkthrough 23: the plan was dropped,
          // and the learning mode then took the next run's request, the same stack said again,
          // as what "name the network …" meant). Not a miss to learn from either.
          if (reader && before?.planned && !accepted) {
            println(ctx.stdout, `The plan above is unchanged: "${msg}" changed nothing in it.`);
            t = before;
            msg = chain.pop()!;
            before = undefined;
          } else {
            // Learning mode: the next run's rephrase, once applied, is learned as what this meant.
            const session = terminalSession(ctx.env);
            if (t.result.status === 'answer' && t.result.proposal.understood === false && session && chain.length === 0) notePending(s.paths.dataDir, msg, ctx.now(), session);
            return exitOf(t);
          }
        }
      }
      if (!t.planned) return exitOf(t);
      const nothing = t.planned.payload.steps.length === 0 && changedFiles(t).length === 0;
      if (nothing) {
        record('no-op');
        println(ctx.stdout, 'Nothing to do: the system already matches.');
        return EXIT.OK;
      }
      if (opts.planOnly) {
        const path = savePending(s, t.planned, opts.out ?? 'plan.json', ctx.cwd);
        record('planned');
        println(ctx.stdout, `Saved the plan to ${path}. Review it with \`claude show ${opts.out ?? 'plan.json'}\`, apply it with \`claude apply ${opts.out ?? 'plan.json'}\`.`);
        return EXIT.OK;
      }
      // A plan that needs an admin signature this run was not given (policy P2) is saved, not
      // applied: after --yes and after yes at the prompt alike, with exit 1 (not applied, so a
      // script that passed --yes cannot take it for done).
      const planned = t.planned;
      // Refused whatever the answer (an --admin-key this host does not trust, …): said now.
      if (refusedBeforeAsking(ctx, s, planned, opts.adminKey)) {
        record('refused');
        return EXIT.FAILURE;
      }
      const saveUnsigned = () => {
        saveForAdminSignature(ctx, s, planned, 'Saved, not applied: ');
        record('planned');
        return EXIT.FAILURE;
      };
      if (opts.yes) {
        if (lacksAdminKey(t.planned, opts.adminKey)) return saveUnsigned();
        const code = await applyPlanned(ctx, s, t.planned, t, opts.adminKey);
        record(code === EXIT.OK ? 'applied' : 'failed');
        return code;
      }
      if (!reader) {
        const path = savePending(s, t.planned);
        record('planned');
        println(ctx.stdout, `Not applied: there is no terminal to ask for approval. Run again with --yes, or apply this plan with \`claude apply ${path}\`.`);
        return EXIT.OK;
      }
      // The same words mean yes and no at every approval prompt (cli/prompt.ts readApproval;
      // a security-sensitive plan is still confirmed explicitly: it is asked on its own, with
      // the warnings above it). An unclear answer is asked again, never taken as a change.
      const a = await askApproval(reader, approvalQuestion(t.planned, opts.adminKey) + ' ', { modify: true }).catch((e: unknown) => {
        // Ctrl-C: the turn is kept as cancelled; the CLI entry says so and exits 130.
        if (e instanceof Cancelled) record('cancelled');
        throw e;
      });
      if (a.answer === 'yes' && lacksAdminKey(t.planned, opts.adminKey)) return saveUnsigned();
      if (a.answer === 'yes') {
        const code = await applyPlanned(ctx, s, t.planned, t, opts.adminKey);
        record(code === EXIT.OK ? 'applied' : 'failed');
        if (code === EXIT.OK) learnFromEarlierMiss(ctx, s, t, [...chain, msg].join('; '));
        return code;
      }
      if (a.answer === 'modify') {
        record('modify');
        const more = a.change ?? (await reader.next('What should change? '));
        if (!more || !more.trim()) {
          println(ctx.stdout, 'Nothing changed.');
          return EXIT.OK;
        }
        files = t.result.merged;
        chain.push(msg);
        before = t;
        msg = more.trim();
        continue;
      }
      // Ctrl-D leaves the cursor after the prompt.
      if (a.why === 'end') println(ctx.stdout);
      record('declined');
      println(ctx.stdout, 'Nothing changed.');
      return EXIT.OK;
    }
  } finally {
    reader?.close();
    await s.close();
  }
}

const command: Command = {
  summary: 'say what you want: "set up a web server with nginx" (plans, asks, applies)',
  usage,
  async run(ctx) {
    const { values, positionals } = parse(ctx.argv, { ...REQUEST_FLAGS, 'admin-key': { type: 'string' } });
    const message = positionals.join(' ').trim();
    if (!message) {
      println(ctx.stderr, usage);
      return EXIT.USAGE;
    }
    // "undo the last change", "show me the logs of web", "what changed today?": the command itself.
    const { maybeOperation } = await import('../operations.js');
    const op = await maybeOperation(ctx, message, { yes: values.yes === true, json: values.json === true, ...(values['state-dir'] ? { stateDir: values['state-dir'] } : {}) });
    if (op !== null) return op;
    // "when will the disk be full?", "right-size my services": claude health (docs/health.md).
    const { healthQuestion } = await import('../../compiler/diagnose/intent.js');
    const hq = healthQuestion(message);
    if (hq) {
      const { runHealth } = await import('./health.js');
      return runHealth(ctx, { json: values.json === true, rightSize: hq === 'right-size', yes: values.yes === true, ...(values['state-dir'] ? { stateDirFlag: values['state-dir'] } : {}) });
    }
    // "the website is down", "why is the database slow?": diagnose first, fix through a plan.
    const { maybeTroubleshoot } = await import('../troubleshoot.js');
    const troubleshot = await maybeTroubleshoot(ctx, message, { yes: values.yes === true, json: values.json === true, ...(values['state-dir'] ? { stateDirFlag: values['state-dir'] } : {}) });
    if (troubleshot !== null) return troubleshot;
    return runRequest(ctx, message, { yes: values.yes === true, json: values.json === true, force: values['i-know-what-i-am-doing'] === true, ...(values['state-dir'] ? { stateDir: values['state-dir'] } : {}), ...(values['admin-key'] ? { adminKey: values['admin-key'] } : {}) });
  },
};

export default command;
