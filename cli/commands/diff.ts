/**
 * `claude diff [--json] [--state-dir DIR]`: the two differences an operator asks about.
 *
 *   pending  what is in the state dir but not applied yet: the files changed since the last
 *            commit (repo.status) and what a plan of the current files would do against the
 *            observed system (its change lines and summary; nothing is signed or written)
 *   drift    what changed on the system since the last successful apply: today's
 *            fingerprints against those the runtime recorded after that apply
 *            (runtime/state/applied.ts), each drifted resource described
 *
 * Read-only: it changes nothing on the system (it may create the host id and host key, as
 * `claude plan` does: it plans through the same agent/flow.ts planFiles).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from '../args.js';
import { EXIT, println, type Command } from '../context.js';
import { resolvePaths } from '../../common/paths.js';
import { compileStateDir } from '../../compiler/compile.js';
import type { ObservedState, PlanPayload } from '../../plan/types.js';
import { driftSince, readAppliedRecord, type Drift } from '../../runtime/state/applied.js';
import { openStateRepo, StateRepoDamagedError, type StateFileChange } from '../../runtime/state/repo.js';
import { openFlowHost, planFiles } from '../../agent/flow.js';

const usage = `usage: claude diff [--json] [--state-dir DIR]

Shows what is pending and what has drifted:
  - the state files changed since the last commit, and the changes a plan of the current
    files would make on this system (\`claude plan\` makes that plan; \`claude "<msg>"\` and
    \`claude apply\` apply it)
  - what changed on the system since the last successful apply, outside Claude.OS (a
    container stopped or removed by hand, the firewall table edited, a host file changed)

  --json           print {"stateDir", "head", "files", "plan", "problems", "drift"}
  --state-dir DIR  the state dir (default: $CLAUDE_STATE_DIR or /etc/claude.d)

Exit status: 0 shown (whether or not there are differences); 1 the state cannot be read or
the system cannot be observed.`;

export interface DiffReport {
  stateDir: string;
  /** HEAD of the state repo, or null before the first commit. */
  head: string | null;
  /** State files that differ from HEAD (every present file is "added" before the first commit). */
  files: StateFileChange[];
  /** What applying the current files would do; null when they do not compile. */
  plan: { summary: PlanPayload['summary']; changes: string[]; steps: { id: string; op: string; target: string; description: string }[] } | null;
  /** Why there is no plan (diagnostics, rendered). */
  problems: string[];
  drift: {
    /** The apply the comparison is against, or null when none was recorded. */
    since: { planId: string; stateCommit: string | null; appliedAt: string } | null;
    resources: Drift[];
  };
}

const CHANGE_WORD: Record<StateFileChange['change'], string> = { added: 'added   ', modified: 'modified', deleted: 'deleted ' };

export function renderDiff(r: DiffReport): string[] {
  const out: string[] = [];
  out.push(`State dir ${r.stateDir}${r.head ? ` (last commit ${r.head.slice(0, 12)})` : ' (no commit yet)'}`);
  out.push('');
  out.push('Changed since the last commit:');
  if (r.files.length === 0) out.push('  (no state file changed)');
  for (const f of r.files) out.push(`  ${CHANGE_WORD[f.change]}  ${f.file}`);
  out.push('');
  if (r.plan) {
    const s = r.plan.summary;
    if (r.plan.steps.length === 0) out.push('Not yet applied: nothing; the system matches the state files.');
    else {
      out.push(`Not yet applied (what a plan of the current files would do): ${s.create} to create, ${s.update} to update, ${s.delete} to delete`);
      for (const c of r.plan.changes.length ? r.plan.changes : r.plan.steps.map((st) => `  ${st.description}`)) out.push(`  ${c.trim()}`);
      out.push('  Review and apply: `claude plan`, then `claude apply plan.json`.');
    }
  } else {
    out.push('Not yet applied: unknown; the state files do not compile:');
    for (const p of r.problems) out.push('  ' + p.replace(/\n/g, '\n  '));
  }
  out.push('');
  const d = r.drift;
  if (!d.since) out.push('Drift: no successful apply recorded yet on this host; nothing to compare with.');
  else if (d.resources.length === 0) out.push(`Drift since the last apply (${d.since.planId}, ${d.since.appliedAt}): none.`);
  else {
    out.push(`Drift since the last apply (${d.since.planId}, ${d.since.appliedAt}): ${d.resources.length} resource${d.resources.length === 1 ? '' : 's'} changed outside Claude.OS`);
    for (const x of d.resources) out.push(`  ${x.change === 'added' ? '+' : x.change === 'removed' ? '-' : '~'} ${x.description}`);
    out.push('  A plan of the state files puts them back (`claude plan`, then `claude apply`).');
  }
  return out;
}

const command: Command = {
  summary: 'show pending state changes and what drifted on the system since the last apply',
  usage,
  async run(ctx) {
    const { values } = parse(ctx.argv, { json: { type: 'boolean' }, 'state-dir': { type: 'string' } }, false);
    const paths = resolvePaths(ctx.env, ctx.cwd, values['state-dir']);
    const err = (s: string) => println(ctx.stderr, `claude diff: ${s}`);
    if (!existsSync(paths.stateDir)) {
      err(`the state dir ${paths.stateDir} does not exist; set --state-dir or CLAUDE_STATE_DIR, or create it with \`claude "<what you want>"\``);
      return EXIT.FAILURE;
    }
    // (a) files vs HEAD
    let head: string | null = null;
    let files: StateFileChange[] = [];
    try {
      if (existsSync(join(paths.stateDir, '.git'))) {
        const repo = await openStateRepo(paths.stateDir, { now: ctx.now, create: false });
        head = await repo.headCommit();
        files = await repo.status();
      } else {
        const { STATE_FILE_NAMES } = await import('../../runtime/state/repo.js');
        files = STATE_FILE_NAMES.filter((n) => existsSync(join(paths.stateDir, n))).map((file) => ({ file, change: 'added' as const }));
      }
    } catch (e) {
      if (e instanceof StateRepoDamagedError) {
        err(e.message);
        return EXIT.FAILURE;
      }
      throw e;
    }
    // observe once for both halves
    let observed: ObservedState;
    let host;
    try {
      host = await openFlowHost(paths);
      observed = await host.snapshot();
    } catch (e) {
      err(`cannot observe the system: ${(e as Error).message}`);
      println(ctx.stderr, '  hint: is dockerd running and is its socket readable (docker ps)? The diff compares with what is running.');
      return EXIT.FAILURE;
    }
    // (a) the plan the current files would make
    // The same planning path as `claude plan` (agent/flow.ts), on the same observation; the signed plan is not kept.
    const r = await planFiles(host, compileStateDir(paths.stateDir), { request: `diff of state dir ${paths.stateDir}`, engine: 'user', base: head, now: ctx.now(), env: ctx.env, observed });
    let planInfo: DiffReport['plan'] = null;
    let problems: string[] = [];
    if (r.ok) {
      const payload = r.planned.payload;
      const display = (payload.display ?? {}) as { changes?: string[] };
      planInfo = {
        summary: payload.summary,
        changes: display.changes ?? [],
        steps: payload.steps.map((s) => ({ id: s.id, op: s.op, target: s.target, description: s.description })),
      };
    } else problems = r.problems;
    // (b) drift since the last apply (this instance's resources only: the observation counts no other as managed)
    const rec = readAppliedRecord(paths.dataDir);
    const resources = rec ? driftSince(rec, observed) : [];
    const report: DiffReport = {
      stateDir: paths.stateDir,
      head,
      files,
      plan: planInfo,
      problems,
      drift: { since: rec ? { planId: rec.planId, stateCommit: rec.stateCommit, appliedAt: rec.appliedAt } : null, resources },
    };
    if (values.json) println(ctx.stdout, JSON.stringify(report, null, 2));
    else for (const l of renderDiff(report)) println(ctx.stdout, l);
    return EXIT.OK;
  },
};

export default command;
