/**
 * `claude` with no arguments: the interactive REPL. A banner with the system's state, then
 * requests in turn. Each proposal is planned and shown; "yes" applies it, "no" drops it,
 * anything else refines it ("with daily backups", "and a connection limit of 100"), so
 * several turns build up one plan. `exit` (or Ctrl-D) leaves. Needs a terminal: without
 * one, use `claude "<msg>" --yes`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from '../args.js';
import { Cancelled, EXIT, println, withContext, type Command, type CommandContext } from '../context.js';
import type { LineReader } from '../prompt.js';
import { maybeOperation, offerBackupNow, operationRequest, runOperation } from '../operations.js';
import { openStateRepo } from '../../runtime/state/repo.js';

/** The commit before `commit` in the state repo (its first parent), or null when it is the first. */
async function commitBefore(stateDir: string, commit: string): Promise<string | null> {
  try {
    return await (await openStateRepo(stateDir, { create: false })).resolveRev(`${commit}~1`);
  } catch {
    return null;
  }
}
import { healthQuestion } from '../../compiler/diagnose/intent.js';
import { stateHeadOf } from '../../agent/flow.js';
import { resolvePaths } from '../../common/paths.js';
import { packageRoot } from '../../common/paths.js';
import { ProviderError, type ConversationTurn, type StateFiles } from '../../compiler/intent/provider.js';
import { openIntentSession, reloadState } from '../../agent/intent.js';
import { appendTurn, newConversationId } from '../../agent/conversations.js';
import { applyPlanned, approvalQuestion, lacksAdminKey, learnAndSay, lineReader, printTurn, refusedBeforeAsking, saveForAdminSignature } from './ask.js';
import { readApproval } from '../answers.js';
import { observeStatus } from '../../agent/observe-env.js';
import { banner } from '../../agent/render/observe.js';
import { changedFiles, proposeTurn, type TurnResult } from '../../agent/request.js';

const usage = `usage: claude [--state-dir DIR] [--admin-key FILE]

The interactive mode. Type what you want; each answer shows the proposed changes.
  yes       apply the proposed changes
  no        drop them
  modify    say what to change (or just type the refinement)
  help      this text
  exit      leave (Ctrl-D works too)

Exit status: 0 when you leave; 130 when Ctrl-C cancels (the proposal pending is dropped).`;

const HELP = [
  'Type a request, e.g. "I need a PostgreSQL database", then refine it ("with daily backups").',
  'After a proposal: yes applies it, no drops it, anything else refines it. clear clears the screen; exit leaves.',
  'Other commands run from the shell: claude status, claude history --conversations, claude help.',
];

/**
 * Runs `line` outside the intent engine when it is an operation, a health question or a
 * troubleshooting question; null when it is a request for the engine.
 */
async function routeOutsideEngine(ctx: CommandContext, line: string, stateDir: string | undefined, reader: LineReader, rollbackTo?: string): Promise<{ code: number; ran: string; headBefore: string | null } | null> {
  const inner = withContext(ctx, { reader });
  const headBefore = await stateHeadOf(resolvePaths(ctx.env, ctx.cwd, stateDir).stateDir);
  const op = rollbackTo !== undefined
    ? await runOperation(inner, { kind: 'rollback', rev: rollbackTo, undo: true }, { ...(stateDir ? { stateDir } : {}), reader, services: [] })
    : await maybeOperation(inner, line, { ...(stateDir ? { stateDir } : {}), reader });
  if (op !== null) return { code: op, ran: 'operation', headBefore };
  const hq = healthQuestion(line);
  if (hq) {
    const { runHealth } = await import('./health.js');
    return { code: await runHealth(inner, { json: false, rightSize: hq === 'right-size', yes: false, ...(stateDir ? { stateDirFlag: stateDir } : {}) }), ran: 'health', headBefore };
  }
  const { maybeTroubleshoot } = await import('../troubleshoot.js');
  const t = await maybeTroubleshoot(inner, line, stateDir ? { stateDirFlag: stateDir } : {});
  return t === null ? null : { code: t, ran: 'troubleshoot', headBefore };
}

const command: Command = {
  summary: 'interactive mode (the default with no arguments)',
  usage,
  async run(ctx) {
    const { values } = parse(ctx.argv, { 'state-dir': { type: 'string' }, 'admin-key': { type: 'string' } }, false);
    if (!ctx.isTTY) {
      println(ctx.stderr, 'claude: the interactive mode needs a terminal. Without one, say what you want in one go: claude "<request>" --yes');
      return EXIT.USAGE;
    }
    let s;
    try {
      s = await openIntentSession(ctx, values['state-dir']);
    } catch (e) {
      if (e instanceof ProviderError) {
        println(ctx.stderr, `claude: ${e.message}\n  hint: ${e.hint}`);
        return EXIT.FAILURE;
      }
      throw e;
    }
    const version = (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
    println(ctx.stdout, `Claude.OS v${version} - Type 'exit' to quit, 'help' for commands`);
    // The same observation as `claude status` (port probes, desired services), so the banner
    // and status never disagree about the alerts; from the state files when Docker is down.
    let line: string;
    try {
      line = banner((await observeStatus(ctx, values['state-dir'])).summary.data);
    } catch {
      const summary = await s.summarySource.summary();
      const running = summary.services.filter((x) => x.state === 'running').length;
      const alerts = summary.alerts?.length ? `${summary.alerts.length} alert${summary.alerts.length === 1 ? '' : 's'}` : 'No alerts';
      line = `System: ${summary.hostname ?? 'claude-os'} | ${running} service${running === 1 ? '' : 's'} running | ${alerts}`;
    }
    println(ctx.stdout, `${line} | intelligence: ${s.kind === 'offline' ? 'offline engine' : s.kind}`);
    println(ctx.stdout);
    // Ctrl-D at a prompt of a command run from here (a rollback's "Roll back to …?", the
    // troubleshooting "Apply this fix?") answers that prompt only; at claude> it leaves.
    const reader = lineReader(ctx, { session: true });
    const convo = newConversationId(ctx.now());
    const history: ConversationTurn[] = [];
    let files: StateFiles = s.files;
    let pending: TurnResult | undefined;
    /** The requests that built the pending proposal. */
    let chain: string[] = [];
    /** The last undo of this session: the state HEAD it made, and the commit whose state it put back. */
    let lastUndo: { head: string; restored: string } | null = null;
    /** Learning mode: the last request not understood (or corrected), waiting for a rephrase that gets applied. */
    let unclear: string | undefined;
    /** Plans applied in this session: Ctrl-C says they stay. */
    let applied = 0;
    try {
      for (;;) {
        // Ctrl-D (null) leaves with "Goodbye!", exit 0; Ctrl-C rejects with Cancelled: exit 130 (cli/prompt.ts).
        const raw = await reader.next('claude> ');
        if (raw === null) break;
        const line = raw.trim();
        if (line === '') continue;
        if (/^(exit|quit|bye|:q)$/i.test(line)) break;
        // As in a shell: the screen is cleared (cursor home, erase the screen and the scrollback).
        if (/^(clear|cls)$/i.test(line)) {
          ctx.stdout.write('\x1b[H\x1b[2J\x1b[3J');
          continue;
        }
        if (/^(help|\?)$/i.test(line)) {
          for (const h of HELP) println(ctx.stdout, h);
          continue;
        }
        // The approval words of every prompt (cli/answers.ts): "yes please", "ok", "nope", "cancel"…
        const said = readApproval(line, { modify: true }).answer;
        if (pending?.planned && said === 'yes' && lacksAdminKey(pending.planned, values['admin-key'])) {
          appendTurn(s.paths.dataDir, convo, { at: ctx.now().toISOString(), role: 'user', text: line });
          saveForAdminSignature(ctx, s, pending.planned, 'Saved, not applied: ');
          pending = undefined;
          chain = [];
          continue;
        }
        if (pending?.planned && said === 'yes') {
          appendTurn(s.paths.dataDir, convo, { at: ctx.now().toISOString(), role: 'user', text: line });
          const code = await applyPlanned(ctx, s, pending.planned, pending, values['admin-key']);
          if (code === 0) applied++;
          appendTurn(s.paths.dataDir, convo, { at: ctx.now().toISOString(), role: 'assistant', text: code === 0 ? 'applied' : 'apply failed', status: code === 0 ? 'applied' : 'failed', planId: pending.planned.payload.id });
          if (code === 0 && unclear && !pending.learned) {
            learnAndSay(ctx, s.paths.dataDir, unclear, chain.join('; '));
          }
          unclear = undefined;
          // Start the next request from what is on disk now (the apply commits the files).
          await reloadState(s);
          files = s.files;
          pending = undefined;
          chain = [];
          continue;
        }
        if (pending && (said === 'no' || /^discard$/i.test(line))) {
          appendTurn(s.paths.dataDir, convo, { at: ctx.now().toISOString(), role: 'user', text: line });
          pending = undefined;
          chain = [];
          println(ctx.stdout, 'Dropped. Nothing changed.');
          continue;
        }
        if (/^(m|modify)$/i.test(line)) {
          println(ctx.stdout, pending ? 'What should change? (type it)' : 'There is nothing proposed yet; say what you want.');
          continue;
        }
        appendTurn(s.paths.dataDir, convo, { at: ctx.now().toISOString(), role: 'user', text: line });
        // "undo that" while a proposal waits: nothing of it was applied, so it is dropped.
        const undo = operationRequest(line, []);
        if (pending && undo?.kind === 'rollback' && undo.that) {
          pending = undefined;
          chain = [];
          println(ctx.stdout, 'Dropped the proposal: none of it was applied, so there is nothing to undo. Nothing changed.');
          continue;
        }
        // Operations ("undo the last change", "show me the logs of web", "what changed today?"),
        // health questions and troubleshooting ("the website is down") run as they do from the
        // shell, asking through this reader; the engine only sees requests for changes.
        // "undo" said again right after an undo of this session undoes the change before the one
        // undone (HEAD~1 would undo the undo); when there is none, it says so (docs/intent.md).
        let rollbackTo: string | undefined;
        if (undo?.kind === 'rollback' && undo.undo && lastUndo) {
          const stateDir = resolvePaths(ctx.env, ctx.cwd, values['state-dir']).stateDir;
          if ((await stateHeadOf(stateDir)) === lastUndo.head) {
            const before = await commitBefore(stateDir, lastUndo.restored);
            if (!before) {
              println(ctx.stdout, 'There is nothing more to undo: the change undone last was the first one recorded. Nothing changed.');
              continue;
            }
            rollbackTo = before;
          }
        }
        const undoFrom = undo?.kind === 'rollback' && undo.undo ? (rollbackTo ?? (await stateHeadOf(resolvePaths(ctx.env, ctx.cwd, values['state-dir']).stateDir))) : null;
        const routed = await routeOutsideEngine(ctx, line, values['state-dir'], reader, rollbackTo);
        if (routed !== null) {
          appendTurn(s.paths.dataDir, convo, { at: ctx.now().toISOString(), role: 'assistant', text: `ran: ${routed.ran} (exit ${routed.code})` });
          const head = await stateHeadOf(s.paths.stateDir);
          // The state an undo put back, so a second "undo" goes one further back (null: not an undo).
          const restored = undoFrom && head !== routed.headBefore ? (rollbackTo ?? (await commitBefore(s.paths.stateDir, undoFrom))) : null;
          lastUndo = restored && head ? { head, restored } : null;
          if (head !== routed.headBefore) {
            // It changed the state (a rollback, a fix): the next request starts from it.
            applied++;
            await reloadState(s);
            files = s.files;
            if (pending) println(ctx.stdout, 'The proposal from before was dropped: the state changed under it. Say it again to plan it on the new state.');
            pending = undefined;
            chain = [];
          }
          continue;
        }
        // A correction ("no, I meant …") replaces the pending proposal, and is learned from.
        const corrected = /^(?:no[,.!]?\s+)?(?:i meant|i mean|what i meant was|actually,? i meant)\s+(.+)$/i.exec(line);
        let request = line;
        if (corrected && pending) {
          unclear = chain.join('; ');
          pending = undefined;
          chain = [];
          request = corrected[1]!.trim();
        }
        const base = pending?.result.merged ?? files;
        let t: TurnResult;
        try {
          t = await proposeTurn(s, request, history, base, [...(pending ? chain : []), request].join('; '));
        } catch (e) {
          if (e instanceof ProviderError) {
            println(ctx.stdout, `${e.message}\n  hint: ${e.hint}`);
            continue;
          }
          throw e;
        }
        history.push({ role: 'user', text: line }, { role: 'assistant', text: t.result.proposal.explanation });
        if (t.result.status === 'answer' && t.result.proposal.understood === false) unclear = line;
        // A backup now (the engine's offer) is asked here and run as `claude backups run` runs it.
        const offer = t.result.status === 'answer' ? t.result.proposal.offer : undefined;
        await printTurn(ctx, s, t, { offering: offer !== undefined });
        appendTurn(s.paths.dataDir, convo, {
          at: ctx.now().toISOString(),
          role: 'assistant',
          text: t.result.proposal.explanation,
          provider: t.result.proposal.provider,
          status: t.planProblems ? 'unplannable' : t.result.status,
          files: changedFiles(t),
          ...(t.planned ? { planId: t.planned.payload.id } : {}),
        });
        if (offer) {
          const code = await offerBackupNow(ctx, offer, { reader });
          appendTurn(s.paths.dataDir, convo, { at: ctx.now().toISOString(), role: 'assistant', text: `offered a backup now of ${offer.volumes.join(' or ')} (exit ${code})` });
          continue;
        }
        // Refused whatever the answer (an --admin-key this host does not trust, …): said now, not asked.
        if (t.planned && refusedBeforeAsking(ctx, s, t.planned, values['admin-key'])) {
          pending = undefined;
          chain = [];
        } else if (t.planned) {
          chain = [...(pending ? chain : []), request];
          pending = t;
          println(ctx.stdout, `${approvalQuestion(t.planned, values['admin-key'])} (or keep refining)`);
        }
      }
    } catch (e) {
      // Ctrl-C here or at a prompt of a command run from here: what was applied before stays.
      if (e instanceof Cancelled && applied > 0) throw new Cancelled(`Nothing more changed; the ${applied === 1 ? 'change' : `${applied} changes`} applied in this session stay${applied === 1 ? 's' : ''}.`);
      throw e;
    } finally {
      reader.close();
      await s.close();
    }
    println(ctx.stdout, 'Goodbye!');
    return EXIT.OK;
  },
};

export default command;
