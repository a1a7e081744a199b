/**
 * `claude apply plan.json [--yes] [--json] [--wait SECONDS]`: verify a signed plan and
 * execute it on this host, or refuse it with the reason, or roll it back completely.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from '../args.js';
import { Cancelled, EXIT, println, type Command, type CommandContext } from '../context.js';
import { resolvePaths } from '../../common/paths.js';
import type { PlanStep } from '../../plan/types.js';
import type { ApplyResult } from '../../runtime/apply.js';
import { LockHeldError } from '../../runtime/lock.js';
import { PlanExpiredError, PlanRefusedError, ReplayError, StalePlanError } from '../../runtime/verify.js';
import { applyPlanned, openFlowHost, planAndApply, planFiles, stateHeadOf, type Planned } from '../../agent/flow.js';
import { lineReader, type LineReader } from '../prompt.js';
import { askApproval } from '../answers.js';
import { authorFromEnv } from '../../runtime/state/repo.js';
import { ProgressRenderer, renderResult } from '../progress.js';
import { trace } from '../../common/trace.js';
import { confirmNotes } from '../../plan/policy.js';

const usage = `usage: claude apply PLAN.json [--yes] [--json] [-v] [--wait SECONDS] [--state-dir DIR]
       claude apply [--yes] [--json] [-v] [--wait SECONDS] [--state-dir DIR]

Without PLAN.json: the plan pending approval (queued by the reconciler, claude
reconcile --serve, by the policy of manifest.yaml spec.safety: docs/reconciler.md) is shown
and, after you answer yes (or with --yes), applied. With none pending: the pending changes
of the state dir, planned against the running system (as \`claude plan\` does), shown,
asked about, and applied on yes.

Verifies the signed plan (envelope, schema, signatures and policy, host, expiry, replay,
allowed operations, base state, confirmation), then executes it: networks, volumes,
images, containers (started in dependency order, each waited for until healthy). Any
failure rolls the whole stack back to the snapshot taken before. See docs/runtime.md.

  --yes           confirm security and destructive steps without a prompt
  --json          print the result as JSON (no progress lines)
  -v, --verbose   also print the quiet steps (container created, image already present)
  --wait SECONDS  wait this long for another apply to finish (default 60; 0 refuses at once)
  --state-dir DIR the state dir whose git repo records the applied state

Exit status: 0 applied; 1 refused, rolled back, incomplete (applied but not committed: run claude recover), or needs attention; 2 usage error; 130 cancelled with Ctrl-C at the prompt (nothing changed).`;

/** Prints an apply's result, as JSON or as the lines a person reads, and returns the exit code it means. */
function printResult(ctx: CommandContext, result: ApplyResult, json: boolean): number {
  if (json) println(ctx.stdout, JSON.stringify(result, null, 2));
  else for (const l of renderResult(result)) println(ctx.stdout, l);
  return result.status === 'applied' ? EXIT.OK : EXIT.FAILURE;
}

/** Asks until the answer is clear, with the words of every approval prompt (cli/answers.ts). */
async function ask(reader: LineReader, question: string): Promise<boolean> {
  return (await askApproval(reader, question, { modify: false })).answer === 'yes';
}

const command: Command = {
  summary: 'verify a signed plan and apply it (rolls back on any failure)',
  usage,
  async run(ctx) {
    const { values, positionals } = parse(ctx.argv, { yes: { type: 'boolean' }, json: { type: 'boolean' }, verbose: { type: 'boolean', short: 'v' }, wait: { type: 'string' }, 'state-dir': { type: 'string' } });
    if (positionals.length > 1) {
      println(ctx.stderr, usage);
      return EXIT.USAGE;
    }
    const waitS = values.wait === undefined ? 60 : Number(values.wait);
    if (!Number.isFinite(waitS) || waitS < 0) {
      println(ctx.stderr, `claude apply: --wait must be a number of seconds, got '${values.wait}'`);
      return EXIT.USAGE;
    }
    if (positionals.length === 0) {
      const pending = await applyPending(ctx, { yes: values.yes ?? false, json: values.json ?? false, verbose: values.verbose ?? false, waitS, stateDir: values['state-dir'] });
      if (pending !== null) return pending;
      return applyStateDir(ctx, { yes: values.yes === true, json: values.json === true, verbose: values.verbose === true, waitS, ...(values['state-dir'] ? { stateDir: values['state-dir'] } : {}) });
    }
    const file = resolve(ctx.cwd, positionals[0]!);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      println(ctx.stderr, `claude apply: cannot read ${file}: ${(e as Error).message}`);
      return EXIT.FAILURE;
    }
    const paths = resolvePaths(ctx.env, ctx.cwd, values['state-dir']);
    const host = await openFlowHost(paths);
    trace('cli: host opened');
    const renderer = values.json ? null : new ProgressRenderer(ctx.stdout, ctx.isTTY, values.verbose ?? false);
    try {
      const result = await applyPlanned(host, text, {
        now: ctx.now,
        yes: values.yes ?? false,
        lockWaitMs: waitS * 1000,
        actor: authorFromEnv(ctx.env, { hostname: host.hostId }),
        ...(ctx.isTTY && !values.json
          ? {
              interactiveConfirm: async (steps: PlanStep[]) => {
                println(ctx.stdout, 'These steps need your confirmation:');
                for (const s of steps) println(ctx.stdout, `  [${s.risk}] ${s.description}`);
                // The line reader of every prompt (cli/prompt.ts): it keeps the lines typed ahead
                // and answers null (no) once the input has ended, however often it asks again.
                const reader = lineReader(ctx, { terminal: true, promptTypedAhead: false });
                try {
                  return await ask(reader, 'Apply them? [yes/no] ');
                } finally {
                  reader.close();
                }
              },
            }
          : {}),
        ...(renderer ? { onEvent: renderer.onEvent } : {}),
      });
      renderer?.stop();
      const code = printResult(ctx, result, values.json === true);
      trace('cli: result printed');
      return code;
    } catch (e) {
      renderer?.stop();
      // Ctrl-C at the prompt: runWith says "Cancelled. Nothing changed." and exits 130.
      if (e instanceof Cancelled) throw e;
      if (e instanceof PlanRefusedError || e instanceof LockHeldError) {
        // The runtime's hint names no file: the one given here, and the key a signature needs.
        const hint = e.hint.replace('`claude sign plan.json`', `\`claude sign ${positionals[0]} --key ${/'admin'/.test(e.message) ? 'ADMIN' : 'KEY'}.key\``);
        if (values.json) println(ctx.stdout, JSON.stringify({ status: 'refused', error: { name: e.name, clause: e instanceof PlanRefusedError ? e.clause : 'lock', message: e.message, hint } }, null, 2));
        else {
          println(ctx.stderr, `claude apply: refused (${e instanceof PlanRefusedError ? e.clause : 'lock'}): ${e.message}`);
          println(ctx.stderr, `  hint: ${hint}`);
          println(ctx.stderr, 'Nothing was changed.');
        }
        return EXIT.FAILURE;
      }
      println(ctx.stderr, `claude apply: ${dockerHint(e)}`);
      return EXIT.FAILURE;
    }
  },
};

/**
 * `claude apply` with no plan file: the reconciler's pending plan (agent/reconcile/pending.ts),
 * shown, asked about (a terminal; or --yes), applied as it was signed, and then no longer
 * pending. Null when nothing is pending (the caller goes on as without one). Shown, asked and
 * applied by cli/approve.ts, as the state dir's changes are; never re-planned here (a stale
 * plan is dropped and the reconciler plans again).
 */
export async function applyPending(
  ctx: CommandContext,
  o: { yes: boolean; json: boolean; verbose: boolean; waitS: number; stateDir?: string | undefined },
): Promise<number | null> {
  const paths = resolvePaths(ctx.env, ctx.cwd, o.stateDir);
  const { readPending, clearPending } = await import('../../agent/reconcile/pending.js');
  const pending = readPending(paths.dataDir);
  if (!pending) return null;
  const [{ parseEnvelope }, { approveThenApply }] = await Promise.all([import('../../plan/envelope.js'), import('../approve.js')]);
  const payload = JSON.parse(Buffer.from(parseEnvelope(pending.envelopeText).payload, 'base64').toString('utf8')) as import('../../plan/types.js').PlanPayload;
  const host = await openFlowHost(paths);
  const interactive = ctx.isTTY && !o.yes && !o.json;
  const reader = interactive ? lineReader(ctx, { terminal: true, promptTypedAhead: false }) : undefined;
  const renderer = o.json ? null : new ProgressRenderer(ctx.stdout, ctx.isTTY, o.verbose);
  const stillPending = () => readPending(paths.dataDir)?.planId === pending.planId;
  const noLongerPending = () => {
    println(ctx.stderr, `claude apply: plan ${pending.planId} is no longer pending (the reconciler replaced or dropped it while you decided); run \`claude apply\` again to see what waits now.`);
    println(ctx.stderr, 'Nothing was changed.');
    return EXIT.FAILURE;
  };
  const refused = (e: PlanRefusedError | LockHeldError) => {
    const outdated = e instanceof StalePlanError || e instanceof PlanExpiredError || e instanceof ReplayError;
    if (outdated) clearPending(paths.dataDir, pending.planId);
    println(ctx.stderr, `claude apply: refused (${e instanceof PlanRefusedError ? e.clause : 'lock'}): ${e.message}`);
    println(ctx.stderr, `  hint: ${outdated ? 'the system or the state files changed since the plan was made; it is no longer pending. `claude reconcile` plans again (the daemon does at its next pass)' : e.hint}`);
    println(ctx.stderr, 'Nothing was changed.');
    return EXIT.FAILURE;
  };
  class NoLongerPending extends Error {}
  let noTerminal = false;
  try {
    const outcome = await planAndApply<Planned>({
      // Queued with the reconciler's passes on the request lock: a pass during this apply would
      // plan against a half-changed system and queue that as a new pending plan.
      requestLock: { dataDir: paths.dataDir, waitMs: o.waitS * 1000 },
      releaseLockForApproval: interactive,
      // Applied as it was signed or not at all.
      maxReplans: 0,
      makePlan: async () => (stillPending() ? { payload, envelopeText: pending.envelopeText } : null),
      ...approveThenApply(ctx, {
        host,
        actor: authorFromEnv(ctx.env, { hostname: host.hostId }),
        json: o.json,
        yes: o.yes,
        reader,
        question: 'Apply this plan? [yes/no] ',
        waitS: o.waitS,
        renderer,
        beforeShow() {
          if (o.json) return;
          println(ctx.stdout, `Pending approval since ${pending.createdAt}: ${pending.kind === 'drift' ? 'a correction of drift' : `a change of ${pending.changedFiles.join(', ')}`}`);
          println(ctx.stdout, `  why it waits: ${pending.reason}`);
          for (const d of pending.drift ?? []) println(ctx.stdout, `  drift: ${d}`);
        },
        noTerminal() {
          noTerminal = true;
          println(ctx.stderr, `claude apply: plan ${pending.planId} needs your approval: run \`claude apply\` in a terminal and answer yes, or \`claude apply --yes\`.`);
        },
        // Under the request lock again after the person decided.
        beforeApply() {
          if (!stillPending()) throw new NoLongerPending();
        },
      }),
    });
    renderer?.stop();
    if (outcome.status === 'unplanned') return noLongerPending();
    if (outcome.status === 'declined') {
      if (noTerminal) return EXIT.FAILURE;
      println(ctx.stdout, 'Not applied; the plan stays pending.');
      return EXIT.OK;
    }
    if (outcome.status === 'stale') return refused(outcome.error);
    clearPending(paths.dataDir, pending.planId);
    return printResult(ctx, outcome.result, o.json);
  } catch (e) {
    renderer?.stop();
    if (e instanceof Cancelled) throw e;
    if (e instanceof NoLongerPending) return noLongerPending();
    if (e instanceof PlanRefusedError || e instanceof LockHeldError) return refused(e);
    println(ctx.stderr, `claude apply: ${dockerHint(e)}`);
    return EXIT.FAILURE;
  } finally {
    reader?.close();
  }
}

/**
 * `claude apply` with no plan file and no plan pending approval: the pending changes of the
 * state dir. Plans the state dir against the
 * running system (the one planning path of cli/flow.ts), shows the plan, asks (or --yes),
 * applies; re-plans when the system changed meanwhile. "Nothing to do" when it matches.
 */
async function applyStateDir(ctx: CommandContext, o: { yes: boolean; json: boolean; verbose: boolean; waitS: number; stateDir?: string }): Promise<number> {
  const paths = resolvePaths(ctx.env, ctx.cwd, o.stateDir);
  const err = (s: string) => println(ctx.stderr, `claude apply: ${s}`);
  // Loaded here: `claude apply PLAN.json` (a saved, signed plan) needs none of the compiler,
  // and a device's image may ship without it (test/runtime-cli.test.ts).
  const [{ compileStateDir }, { renderDiagnostic }, { approveThenApply }] = await Promise.all([
    import('../../compiler/compile.js'),
    import('../../compiler/diagnostics.js'),
    import('../approve.js'),
  ]);
  const compiled = compileStateDir(paths.stateDir);
  if (!compiled.model) {
    for (const d of compiled.diagnostics) println(ctx.stderr, renderDiagnostic(d));
    err(`${paths.stateDir} has errors; nothing was changed. Fix them (see \`claude validate\`) and apply again.`);
    return EXIT.FAILURE;
  }
  const host = await openFlowHost(paths);
  const actor = authorFromEnv(ctx.env, { hostname: host.hostId });
  const interactive = ctx.isTTY && !o.yes && !o.json;
  const reader = interactive ? lineReader(ctx, { terminal: true, promptTypedAhead: false }) : undefined;
  let problems: string[] = [];
  let nothing = false;
  const renderer = o.json ? null : new ProgressRenderer(ctx.stdout, ctx.isTTY, o.verbose);
  try {
    const outcome = await planAndApply<Planned>({
      requestLock: { dataDir: paths.dataDir, waitMs: o.waitS * 1000, onWait: (w) => println(ctx.stderr, `… waiting for another request to finish (pid ${w.pid}, ${w.purpose})`) },
      releaseLockForApproval: interactive,
      async makePlan() {
        const base = await stateHeadOf(paths.stateDir);
        const r = await planFiles(host, compileStateDir(paths.stateDir), { request: `apply state dir ${paths.stateDir}`, engine: 'user', base, now: ctx.now(), env: ctx.env });
        if (!r.ok) {
          problems = r.problems;
          return null;
        }
        for (const w of r.warnings) println(ctx.stderr, w);
        // A plan whose only change is security.yaml (a secret set) has no step, and is a change.
        if (r.planned.payload.steps.length === 0 && confirmNotes(r.planned.payload).length === 0) {
          nothing = true;
          return null;
        }
        return r.planned;
      },
      ...approveThenApply(ctx, {
        host,
        actor,
        json: o.json,
        yes: o.yes,
        reader,
        question: 'Apply these changes? [yes/no] ',
        waitS: o.waitS,
        renderer,
        noTerminal() {
          if (!o.json) println(ctx.stdout, 'Not applied: there is no terminal to ask for approval. Run again with --yes.');
        },
      }),
    });
    renderer?.stop();
    if (outcome.status === 'unplanned' && nothing) {
      if (o.json) println(ctx.stdout, JSON.stringify({ status: 'nothing' }, null, 2));
      else println(ctx.stdout, 'Nothing to do: the system already matches the state files.');
      return EXIT.OK;
    }
    if (outcome.status === 'unplanned') {
      if (o.json) println(ctx.stdout, JSON.stringify({ status: 'unplannable', problems }, null, 2));
      else {
        err('the state files cannot be planned on this system; nothing was changed:');
        for (const p of problems) println(ctx.stderr, '  ' + p.replace(/\n/g, '\n  '));
      }
      return EXIT.FAILURE;
    }
    if (outcome.status === 'declined') {
      if (o.json) println(ctx.stdout, JSON.stringify({ status: 'not-applied', plan: outcome.planned.payload }, null, 2));
      else if (reader) println(ctx.stdout, 'Nothing changed.');
      return EXIT.OK;
    }
    if (outcome.status === 'stale') {
      if (o.json) println(ctx.stdout, JSON.stringify({ status: 'stale', replans: outcome.replans, error: outcome.error.message }, null, 2));
      else err(`the system kept changing while planning (refused as stale ${outcome.replans + 1} times); nothing was changed. Try again.`);
      return EXIT.FAILURE;
    }
    const result = outcome.result;
    return printResult(ctx, result, o.json);
  } catch (e) {
    renderer?.stop();
    if (e instanceof PlanRefusedError || e instanceof LockHeldError) {
      if (o.json) println(ctx.stdout, JSON.stringify({ status: 'refused', error: { name: e.name, clause: e instanceof PlanRefusedError ? e.clause : 'lock', message: e.message, hint: e.hint } }, null, 2));
      else {
        err(`refused (${e instanceof PlanRefusedError ? e.clause : 'lock'}): ${e.message}`);
        println(ctx.stderr, `  hint: ${e.hint}`);
        println(ctx.stderr, 'Nothing was changed.');
      }
      return EXIT.FAILURE;
    }
    err(dockerHint(e));
    return EXIT.FAILURE;
  } finally {
    reader?.close();
  }
}

/** A failure outside the plan's steps (Docker unreachable, a damaged data dir): said plainly. */
export function dockerHint(e: unknown): string {
  const err = e as NodeJS.ErrnoException & { address?: string };
  if (err?.syscall === 'connect' && (err.code === 'ECONNREFUSED' || err.code === 'ENOENT' || err.code === 'EACCES')) {
    return `cannot reach the Docker Engine (${err.code} on ${err.address ?? 'the docker socket'}); is dockerd running, and may this user use it? (scripts/setup-host.sh starts it)`;
  }
  return err instanceof Error ? err.message : String(e);
}

export default command;
