/**
 * `claude rollback [COMMIT] [--yes] [--json] [--out FILE] [--state-dir DIR] [--wait SECONDS] [--i-know-what-i-am-doing]`:
 * brings back the state recorded by an earlier commit of the state repo, as a new plan.
 *
 *   pick a commit (argument, or from the list in a terminal) → its files (repo.filesAt)
 *   → compile → plan against the observed system (provenance engine 'rollback') → show
 *   → approve (yes at the prompt, or --yes) → apply like any other plan (agent/flow.ts)
 *
 * The apply commits those files as a NEW commit ("rollback to <short> (…)"): history only
 * grows. It needs no network: images are used as they are present locally (a plan step
 * that would pull fails and rolls back, as for any plan).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from '../args.js';
import { EXIT, UsageError, println, type Command, type CommandContext } from '../context.js';
import { resolvePaths } from '../../common/paths.js';
import { writeFileAtomic } from '../../common/fsutil.js';
import { appendAudit } from '../../runtime/audit.js';
import { LockHeldError } from '../../runtime/lock.js';
import { authorFromEnv, openStateRepo, StateRepoDamagedError, UnknownRevisionError, type HistoryEntry } from '../../runtime/state/repo.js';
import { PlanRefusedError } from '../../runtime/verify.js';
import { openFlowHost, planAndApply, planFiles, stateHeadOf, type Planned } from '../../agent/flow.js';
import { approveThenApply } from '../approve.js';
import { lineReader, REQUEST_FLAGS, type LineReader } from '../prompt.js';
import { ProgressRenderer, renderResult } from '../progress.js';

const usage = `usage: claude rollback [COMMIT] [--yes] [--json] [--out FILE] [--state-dir DIR] [--wait SECONDS] [--i-know-what-i-am-doing]

Brings back the state recorded by an earlier change: takes that commit's state files,
plans them against the running system, shows the plan and, once you approve, applies it
like any other plan. The result is a new commit; history is never rewritten.

  COMMIT           a commit id (full or short), HEAD~N, main^ … (see \`claude history\`);
                   without it, a terminal shows the recent changes to pick from
  --yes            apply without asking (needed when there is no terminal)
  --json           print the outcome as JSON (never prompts; needs COMMIT)
  --out FILE       also save the signed plan to FILE (review: claude show FILE)
  --state-dir DIR  the state dir (default: $CLAUDE_STATE_DIR or /etc/claude.d)
  --wait SECONDS   wait this long for another request or apply to finish (default 600)
  --i-know-what-i-am-doing
                   roll back to a firewall that would drop your current SSH connection or
                   the API port anyway (a warning instead of a refusal)

Exit status: 0 applied (or nothing to do, or not approved); 1 refused, failed or rolled
back; 2 usage error; 130 cancelled with Ctrl-C at a prompt (nothing changed).`;

const PICK_LIMIT = 10;

function sameFiles(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && a[k] === b[k]);
}

function oneLine(s: string, max = 60): string {
  const l = s.replace(/\s+/g, ' ').trim();
  return l.length > max ? l.slice(0, max - 1) + '…' : l;
}

/** The numbered list a terminal user picks from. */
export function renderPickList(entries: readonly HistoryEntry[]): string[] {
  const lines = ['Recent changes (newest first); rolling back to one restores the state right after it:'];
  entries.forEach((e, i) => {
    lines.push(`  ${String(i + 1).padStart(2)}) ${e.commit.slice(0, 12)}  ${e.time.replace('.000Z', 'Z')}  ${e.author.name.padEnd(8)}  ${oneLine(e.request)}${i === 0 ? '   (current)' : ''}`);
  });
  return lines;
}

async function pick(reader: LineReader, ctx: CommandContext, entries: readonly HistoryEntry[]): Promise<string | null> {
  for (const l of renderPickList(entries)) println(ctx.stdout, l);
  for (;;) {
    const line = await reader.next(`Roll back to which change? [1-${entries.length}, or a commit id; empty to cancel] `);
    const answer = line?.trim() ?? '';
    if (!answer) return null;
    if (/^\d+$/.test(answer) && Number(answer) >= 1 && Number(answer) <= entries.length) return entries[Number(answer) - 1]!.commit;
    if (/^[0-9a-f]{4,40}$/i.test(answer) || /[~^]|HEAD|main/.test(answer)) return answer;
    println(ctx.stdout, `'${answer}' is neither a number from the list nor a commit id.`);
  }
}

const command: Command = {
  summary: 'restore the state of an earlier change (plans it, asks, applies; history grows)',
  usage,
  async run(ctx) {
    const { values, positionals } = parse(ctx.argv, { ...REQUEST_FLAGS, out: { type: 'string' }, wait: { type: 'string' } });
    if (positionals.length > 1) throw new UsageError(`expected at most one commit, got ${positionals.length}: ${positionals.join(' ')}`);
    const waitS = values.wait === undefined ? 600 : Number(values.wait);
    if (!Number.isFinite(waitS) || waitS < 0) throw new UsageError(`--wait must be a number of seconds, not '${values.wait}'`);
    const interactive = ctx.isTTY && !values.json;
    if (positionals.length === 0 && !interactive) {
      throw new UsageError('name the commit to roll back to: `claude rollback <commit>` (list them with `claude history`); picking from a list needs a terminal');
    }
    const paths = resolvePaths(ctx.env, ctx.cwd, values['state-dir']);
    const err = (s: string) => println(ctx.stderr, `claude rollback: ${s}`);
    if (!existsSync(join(paths.stateDir, '.git'))) {
      err(`${paths.stateDir} has no history yet (the first apply records it); there is nothing to roll back to`);
      return EXIT.FAILURE;
    }
    let repo;
    try {
      repo = await openStateRepo(paths.stateDir, { now: ctx.now, create: false });
    } catch (e) {
      if (e instanceof StateRepoDamagedError) {
        err(e.message);
        return EXIT.FAILURE;
      }
      throw e;
    }
    // Inside the interactive mode its reader asks (ctx.reader), and stays open afterwards.
    const reader = interactive ? (ctx.reader ?? lineReader(ctx)) : undefined;
    try {
      const history = await repo.history();
      let rev = positionals[0];
      if (rev === undefined) {
        const chosen = await pick(reader!, ctx, history.slice(0, PICK_LIMIT));
        if (!chosen) {
          println(ctx.stdout, 'Nothing changed.');
          return EXIT.OK;
        }
        rev = chosen;
      }
      let target: string;
      try {
        target = await repo.resolveRev(rev);
      } catch (e) {
        if (e instanceof UnknownRevisionError) {
          err(`${e.message}\n  hint: \`claude history\` lists the commits; give one of their ids (12 characters are enough)`);
          return EXIT.FAILURE;
        }
        throw e;
      }
      const files = await repo.filesAt(target);
      const headFiles = history.length ? await repo.filesAt(history[0]!.commit) : {};
      const uncommitted = await repo.status();
      const entry = history.find((h) => h.commit === target);
      const short = target.slice(0, 12);
      const request = `rollback to ${short} ("${oneLine(entry?.request ?? '', 120)}")`;
      const host = await openFlowHost(paths);
      const actor = authorFromEnv(ctx.env, { hostname: host.hostId });
      let planWarnings: string[] = [];
      let problems: string[] = [];
      let savedTo: string | null = null;
      let nothing = false;
      if (uncommitted.length && !values.json) {
        println(ctx.stderr, `claude rollback: warning: the state dir has edits that are in no commit (${uncommitted.map((c) => `${c.file} ${c.change}`).join(', ')}); the rollback replaces them.`);
      }
      const renderer = values.json ? null : new ProgressRenderer(ctx.stdout, ctx.isTTY);
      const outcome = await planAndApply<Planned>({
        requestLock: {
          dataDir: paths.dataDir,
          waitMs: waitS * 1000,
          onWait: (o) => println(ctx.stderr, `… waiting for another request to finish (pid ${o.pid}, ${o.purpose})`),
        },
        releaseLockForApproval: interactive && !values.yes,
        async makePlan() {
          const base = await stateHeadOf(paths.stateDir);
          const r = await planFiles(host, files, { request, engine: 'rollback', base, now: ctx.now(), env: ctx.env, force: values['i-know-what-i-am-doing'] === true });
          if (!r.ok) {
            problems = r.problems;
            return null;
          }
          planWarnings = r.warnings;
          if (r.planned.payload.steps.length === 0 && uncommitted.length === 0 && sameFiles(files, headFiles)) {
            nothing = true;
            return null;
          }
          return r.planned;
        },
        ...approveThenApply(ctx, {
          host,
          actor,
          json: values.json === true,
          yes: values.yes === true,
          reader,
          question: `Roll back to ${short}? [yes/no] `,
          waitS,
          renderer,
          beforeShow(planned) {
            if (values.out) {
              savedTo = resolve(ctx.cwd, values.out);
              writeFileAtomic(savedTo, planned.envelopeText, 0o644);
            }
            if (!values.json) for (const w of planWarnings) println(ctx.stderr, w);
          },
          noTerminal(planned) {
            savedTo ??= join(paths.dataDir, 'plans', `${planned.payload.id}.json`);
            writeFileAtomic(savedTo, planned.envelopeText, 0o644);
            if (!values.json) println(ctx.stdout, `Not applied: there is no terminal to ask for approval. Run again with --yes, or apply the saved plan: claude apply ${savedTo}`);
          },
        }),
      }).catch((e: unknown) => {
        renderer?.stop();
        if (e instanceof PlanRefusedError || e instanceof LockHeldError) return { status: 'refused' as const, error: e };
        throw e;
      });
      renderer?.stop();

      if (outcome.status === 'refused') {
        const e = outcome.error;
        const clause = e instanceof PlanRefusedError ? e.clause : 'lock';
        if (values.json) println(ctx.stdout, JSON.stringify({ status: 'refused', to: target, error: { name: e.name, clause, message: e.message, hint: e.hint } }, null, 2));
        else {
          err(`refused (${clause}): ${e.message}`);
          println(ctx.stderr, `  hint: ${e.hint}`);
          println(ctx.stderr, 'Nothing was changed.');
        }
        return EXIT.FAILURE;
      }
      if (outcome.status === 'unplanned' && nothing) {
        if (values.json) println(ctx.stdout, JSON.stringify({ status: 'nothing', to: target }, null, 2));
        else println(ctx.stdout, `Nothing to do: the state files and the system already match ${short}.`);
        return EXIT.OK;
      }
      if (outcome.status === 'unplanned') {
        if (values.json) println(ctx.stdout, JSON.stringify({ status: 'unplannable', to: target, problems }, null, 2));
        else {
          err(`the state of ${short} cannot be planned on this system; nothing was changed:`);
          for (const p of problems) println(ctx.stderr, '  ' + p.replace(/\n/g, '\n  '));
        }
        return EXIT.FAILURE;
      }
      if (outcome.status === 'declined') {
        if (values.json) println(ctx.stdout, JSON.stringify({ status: 'not-applied', to: target, plan: outcome.planned.payload, planFile: savedTo }, null, 2));
        else if (reader) println(ctx.stdout, 'Nothing changed.');
        return EXIT.OK;
      }
      if (outcome.status === 'stale') {
        if (values.json) println(ctx.stdout, JSON.stringify({ status: 'stale', to: target, replans: outcome.replans, error: outcome.error.message }, null, 2));
        else err(`the system kept changing while planning (refused as stale ${outcome.replans + 1} times); nothing was changed. Try again.`);
        return EXIT.FAILURE;
      }
      const result = outcome.result;
      if (result.status === 'applied') {
        await appendAudit(
          paths.dataDir,
          { actor: actor.name, event: 'rollback', planId: result.planId, details: { to: target, request: entry?.request ?? null, stateCommit: result.stateCommit, replans: outcome.replans } },
          ctx.now,
        );
      }
      if (values.json) println(ctx.stdout, JSON.stringify({ status: result.status, to: target, replans: outcome.replans, planFile: savedTo, result }, null, 2));
      else for (const l of renderResult(result)) println(ctx.stdout, l);
      return result.status === 'applied' ? EXIT.OK : EXIT.FAILURE;
    } finally {
      if (reader !== ctx.reader) reader?.close();
    }
  },
};

export default command;
