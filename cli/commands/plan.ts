/**
 * `claude plan [--state-dir DIR] [--out FILE] [--json] [--full] [--detailed-exitcode] [--allow-destructive] [--ttl DURATION] [--i-know-what-i-am-doing]`:
 * compile the state dir, observe the system (read-only), plan, sign with the host key and
 * write plan.json (agent/flow.ts planFiles: the one planning path, firewall lock-out gate
 * included). Exit codes follow terraform's -detailed-exitcode.
 */
import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { parse } from '../args.js';
import { EXIT, UsageError, println, type Command } from '../context.js';
import { resolvePaths } from '../../common/paths.js';
import { writeFileAtomic } from '../../common/fsutil.js';
import { renderDiagnostic } from '../../compiler/diagnostics.js';
import { planCheckDiagnostics } from '../../compiler/plan-check.js';
import { compileStateDirCached } from '../../compiler/compile-cache.js';
import { SUMMARY_OVER_STEPS, renderPlanLines, renderPlanSummaryLines } from '../../compiler/show.js';
import { reviewOnHost } from '../../agent/review.js';
import { inspectPlan, type PlanReport } from '../../plan/inspect.js';
import { releaseEnvelope, writeEnvelopeDurably } from '../../plan/envelope.js';
import { KeyError, loadTrustedKeys } from '../../plan/keys.js';
import { observeEarly, openFlowHost, planFiles, stateHeadOf, type FlowHost } from '../../agent/flow.js';
import { preloadPlanValidator } from '../../plan/schema.js';
import { collectIfLarge } from '../../common/collect.js';
import { trace } from '../../common/trace.js';

const usage = `usage: claude plan [--state-dir DIR] [--out FILE] [--json] [--full] [--detailed-exitcode] [--allow-destructive] [--ttl DURATION] [--i-know-what-i-am-doing]

Compiles the state files, compares them with what is running (read-only), and writes a
signed plan: the exact steps that would make the system match. Nothing is changed.
Review it with \`claude show FILE\`, approve it with more keys with \`claude sign\`.

  --state-dir DIR       the state dir (default: $CLAUDE_STATE_DIR or /etc/claude.d)
  --out FILE            where to write the plan (default: plan.json)
  --json                print the plan payload as JSON instead of the review text
  --full                print the whole review even for a large plan (over ${SUMMARY_OVER_STEPS} steps: a
                        summary by kind and risk is printed, the whole review written beside
                        the plan, plan.json -> plan.review.txt)
  --detailed-exitcode   exit 0 when there is nothing to do, 2 when the plan has steps, 1 on error
  --allow-destructive   also plan the deletion of volumes (and their data) that are no longer declared
  --ttl DURATION        how long the plan stays valid, e.g. 30m, 2h (default 1h)
  --i-know-what-i-am-doing
                        plan a firewall that would drop your current SSH connection or the
                        API port anyway (a warning instead of a refusal)

With a message (\`claude plan "add redis"\`), the intent engine proposes the state files
first; the plan is written to --out and never applied.`;

/** Where `claude plan` writes the whole review of a large plan: beside it, plan.json → plan.review.txt. */
export function reviewFileOf(out: string): string {
  return (out.endsWith('.json') ? out.slice(0, -5) : out) + '.review.txt';
}

/**
 * Writes `lines` (each followed by a newline) to `path` as they come, through a temp file
 * renamed over it (a reader sees the old review or the whole new one); returns how many lines.
 * Each line is encoded straight into one 256 KiB buffer, written when full: no chunk string is
 * built by concatenation and flattened for each write (the 8 MB review of 10,000 services;
 * docs/plans.md, "Round 35"). Not fsynced: the review is derived from plan.json (durable), and
 * `claude show` makes it again.
 */
export function writeLines(path: string, lines: Iterable<string>): number {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  const fd = openSync(tmp, 'w', 0o644);
  let n = 0;
  try {
    const buf = Buffer.allocUnsafe(LINES_BUFFER);
    let used = 0;
    for (const line of lines) {
      // a line may hold newlines of its own (a warning with its fix): counted as the file has them
      for (let i = line.indexOf('\n'); i >= 0; i = line.indexOf('\n', i + 1)) n++;
      n++;
      // UTF-8 needs at most 3 bytes per UTF-16 unit, and the newline one
      const most = line.length * 3 + 1;
      if (used + most > buf.length) {
        writeAll(fd, buf.subarray(0, used));
        used = 0;
      }
      if (most > buf.length) writeAll(fd, Buffer.from(line + '\n', 'utf8'));
      else {
        used += buf.write(line, used, 'utf8');
        buf[used++] = 0x0a;
      }
    }
    writeAll(fd, buf.subarray(0, used));
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  closeSync(fd);
  renameSync(tmp, path);
  return n;
}

/** writeLines' buffer. */
const LINES_BUFFER = 256 * 1024;

/** writeSync until all of `bytes` is written (a regular file takes it in one call; a short write is retried). */
function writeAll(fd: number, bytes: Buffer): void {
  for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off, bytes.length - off);
}

export function parseDuration(s: string): number {
  const m = /^(\d+)(ms|s|m|h)?$/.exec(s.trim());
  if (!m) throw new UsageError(`--ttl ${JSON.stringify(s)} is not a duration; write e.g. 90s, 30m or 2h`);
  const n = Number(m[1]);
  const unit = m[2] ?? 'ms';
  const ms = unit === 'h' ? n * 3_600_000 : unit === 'm' ? n * 60_000 : unit === 's' ? n * 1000 : n;
  if (ms < 1000 || ms > 30 * 24 * 3_600_000) throw new UsageError(`--ttl ${s} must be between 1s and 30 days`);
  return ms;
}


const command: Command = {
  summary: 'compute the signed plan that makes the system match the state files (changes nothing)',
  usage,
  async run(ctx) {
    const { values, positionals } = parse(ctx.argv, {
      'state-dir': { type: 'string' },
      out: { type: 'string' },
      json: { type: 'boolean' },
      'detailed-exitcode': { type: 'boolean' },
      'allow-destructive': { type: 'boolean' },
      ttl: { type: 'string' },
      'i-know-what-i-am-doing': { type: 'boolean' },
      full: { type: 'boolean' },
    });
    const force = values['i-know-what-i-am-doing'] === true;
    if (positionals.length) {
      // A message: the intent engine writes the files, then the same plan (never applied).
      const { runRequest } = await import('./ask.js');
      return runRequest(ctx, positionals.join(' '), { yes: false, json: values.json === true, planOnly: true, force, ...(values.out ? { out: values.out } : {}), ...(values['state-dir'] ? { stateDir: values['state-dir'] } : {}) });
    }
    const ttlMs = values.ttl !== undefined ? parseDuration(values.ttl) : undefined;
    const paths = resolvePaths(ctx.env, ctx.cwd, values['state-dir']);
    // HEAD before the files: the plan's base is the commit they were read from (docs/state-and-audit.md, Concurrency).
    const head = await stateHeadOf(paths.stateDir);
    // The observation (nft's child, the engine's lists) runs beside the compile (agent/flow.ts observeEarly).
    const early = await observeEarly(paths);
    let compiled: ReturnType<typeof compileStateDirCached> | undefined = compileStateDirCached(paths.stateDir, paths.dataDir, ctx.env);
    trace('plan: compiled');
    if (!compiled.model) {
      for (const d of compiled.diagnostics) println(ctx.stderr, renderDiagnostic(d));
      println(ctx.stderr, `claude plan: ${paths.stateDir} has errors; nothing was planned. Fix them (see \`claude validate\`) and plan again.`);
      return EXIT.FAILURE;
    }
    const warn = (s: string) => println(ctx.stderr, `claude plan: warning: ${s}`);
    let host: FlowHost;
    try {
      host = await openFlowHost(paths, { warn });
    } catch (e) {
      if (e instanceof KeyError) {
        println(ctx.stderr, `claude plan: ${e.message}\n  hint: ${e.hint}`);
        return EXIT.FAILURE;
      }
      throw e;
    }
    early?.warnTo(warn);
    const observed = early?.hostId === host.hostId ? { observed: early.observed } : {};
    // the check as apply would (below) needs the plan validator's part: loaded while nft and the engine answer
    if (early) preloadPlanValidator();
    // the review needs the parsed files only: the model is let go once planned (at 10,000
    // services it would otherwise be held through the review and its rendering, the peak)
    let { parsedOf } = compiled as { parsedOf: ((text: string) => unknown) | undefined };
    let r;
    try {
      r = await planFiles(host, compiled, {
        ...observed,
        request: `apply state dir ${paths.stateDir}`,
        engine: 'user',
        base: head,
        now: ctx.now(),
        env: ctx.env,
        ...(ttlMs !== undefined ? { ttlMs } : {}),
        allowDestructive: values['allow-destructive'] === true,
        force,
        // let go before signing: the review needs the parsed files only (parsedOf)
        letGo: () => (compiled = undefined),
      });
    } catch (e) {
      if (e instanceof KeyError) {
        println(ctx.stderr, `claude plan: ${e.message}\n  hint: ${e.hint}`);
        return EXIT.FAILURE;
      }
      throw e;
    }
    compiled = undefined;
    trace('plan: planned and signed');
    for (const w of r.warnings) println(ctx.stderr, w);
    if (!r.ok) {
      for (const p of r.problems) println(ctx.stderr, r.stage === 'observe' ? `claude plan: ${p}` : p);
      if (r.stage === 'observe') println(ctx.stderr, '  hint: is dockerd running and is its socket readable (docker ps)? Planning needs to read the current state.');
      else if (r.stage === 'lockout') println(ctx.stderr, 'claude plan: the new firewall would cut off your way in; nothing was written. Fix network.yaml, or plan with --i-know-what-i-am-doing if you are sure.');
      else println(ctx.stderr, 'claude plan: the plan cannot be made; nothing was written.');
      return EXIT.FAILURE;
    }
    if (r.hostKey.created) println(ctx.stderr, `claude plan: generated the host key ${r.hostKey.keyid.slice(0, 16)}… in ${join(paths.dataDir, 'keys')}`);
    const { payload } = r.planned;
    const hostId = host.hostId;
    const out = resolve(ctx.cwd, values.out ?? 'plan.json');
    // The plan is checked as apply would check it (plan/inspect.ts) before it is kept: one that
    // fails a check no signature can mend (its schema, its signature, its expiry, its host:
    // compiler/plan-check.ts) is said with where and how to fix it, and nothing is written. Its
    // bytes are written to a temp file beside `out` from the envelope's bytes (without making the
    // whole text) while it is checked; the disk's flush (fsync) runs on libuv's pool and the
    // rename into place waits for the check's verdict (plan/envelope.ts writeEnvelopeDurably).
    let place: (ok: boolean) => void = () => undefined;
    const placeIf = new Promise<boolean>((res) => (place = res));
    let durable: Promise<boolean> | undefined;
    if (r.planned.envelope) (durable = writeEnvelopeDurably(out, r.planned.envelope, 0o644, placeIf)).catch(() => undefined);
    trace('plan: written');
    // (let go with the envelope below: the report holds it)
    let checked: PlanReport | undefined = inspectPlan(r.planned.envelope ?? r.planned.envelopeText, { trusted: loadTrustedKeys(paths.dataDir), now: ctx.now(), hostId });
    const { signatures, policy } = checked;
    const failed = checked.ok ? [] : planCheckDiagnostics(checked.checks, payload, checked.schemaProblems);
    checked = undefined;
    place(failed.length === 0);
    if (failed.length) {
      await durable;
      for (const d of failed) println(ctx.stderr, renderDiagnostic(d));
      println(ctx.stderr, `claude plan: the plan fails the check apply would make; nothing was written to ${out}.`);
      return EXIT.FAILURE;
    }
    if (!r.planned.envelope) writeFileAtomic(out, r.planned.envelopeText, 0o644);
    if (values.json) {
      await durable;
      println(ctx.stdout, JSON.stringify(payload, null, 2));
      // stdout is the payload; where the signed plan went is said on stderr, never silently.
      println(ctx.stderr, `claude plan: saved the signed plan to ${out}`);
    } else {
      // what the review and its text need of the check: the signed bytes (27 MB at 10,000
      // services) and the envelope are let go here, before the review and its rendering, the peak
      const report = { signatures, payload, ...(policy ? { policy } : {}) };
      // durable and in place before the envelope's bytes go (a retried write reads them again)
      await durable;
      if (r.planned.envelope) releaseEnvelope(r.planned.envelope);
      r = undefined;
      trace('plan: checked as apply would');
      // the signing's and the check's garbage collected before the review's values are made (a large plan only)
      collectIfLarge('before the review');
      const review = await reviewOnHost(paths.stateDir, payload, ctx.now, parsedOf);
      parsedOf = undefined; // the parsed files (21 MB at 10,000 services): the review was their last reader
      trace('plan: reviewed');
      const reviewFile = reviewFileOf(out);
      if (!values.full && payload.steps.length > SUMMARY_OVER_STEPS) {
        // a large plan: the whole review goes to a file beside the plan, the terminal gets its summary
        const lines = writeLines(reviewFile, renderPlanLines(payload, report, review));
        trace('plan: review written');
        const summary: string[] = [];
        for (const line of renderPlanSummaryLines(payload, report, review, { reviewFile, reviewLines: lines, planFile: values.out ?? 'plan.json' })) summary.push(line);
        println(ctx.stdout, summary.join('\n'));
      } else {
        // one written for an earlier large plan to the same file no longer describes it
        rmSync(reviewFile, { force: true });
        // written as it is rendered, 64 KiB at a time: with --full at 10,000 services the text is
        // 8 MB, and holding its lines, the joined text and its UTF-8 bytes at once set the peak
        let chunk = '';
        for (const line of renderPlanLines(payload, report, review)) {
          chunk += line + '\n';
          if (chunk.length >= 65536) {
            ctx.stdout.write(chunk);
            chunk = '';
          }
        }
        ctx.stdout.write(chunk);
      }
      println(ctx.stdout);
      const fileOnly = payload.steps.length === 0 && (payload.display as { confirm?: unknown[] } | undefined)?.confirm?.length;
      println(ctx.stdout, payload.steps.length || fileOnly ? `Saved the plan to ${out}. Review: claude show ${values.out ?? 'plan.json'}` : `No changes. Saved the (empty) plan to ${out}.`);
    }
    trace('plan: shown');
    if (values['detailed-exitcode']) return payload.steps.length ? 2 : EXIT.OK;
    return EXIT.OK;
  },
};

export default command;
