/**
 * `claude show plan.json [--json]`: the review of a plan file: the Proposed Changes box,
 * one terraform-style line per step, warnings, exposure, and its signatures with their
 * trust here. Read-only; works offline (no Docker needed).
 */
import { parse } from '../args.js';
import { EXIT, println, type Command } from '../context.js';
import { inspectPlanFile } from '../plan-file.js';
import { renderPlan } from '../../compiler/show.js';

const usage = `usage: claude show PLAN.json [--json]

Shows what a plan would do, step by step (+ create, ~ change, - remove, -/+ replace),
with warnings for security and destructive steps, and who signed it.

  --json   print {"payload", "checks", "signatures"} instead`;

const command: Command = {
  summary: 'show what a plan file would change, and who signed it',
  usage,
  async run(ctx) {
    const { values, positionals } = parse(ctx.argv, { json: { type: 'boolean' } });
    const inspected = inspectPlanFile(ctx, 'show', positionals);
    if (typeof inspected === 'number') return inspected;
    const { file, report } = inspected;
    if (values.json) {
      println(ctx.stdout, JSON.stringify({ payload: report.payload ?? null, checks: report.checks, signatures: report.signatures }, null, 2));
      return report.payload ? EXIT.OK : EXIT.FAILURE;
    }
    if (!report.payload) {
      for (const c of report.checks) if (!c.ok) println(ctx.stderr, `claude show: ${file}: ${c.check}: ${c.detail}`);
      return EXIT.FAILURE;
    }
    ctx.stdout.write(renderPlan(report.payload, report));
    const failed = report.checks.filter((c) => !c.ok);
    if (failed.length) {
      println(ctx.stdout);
      for (const c of failed) println(ctx.stdout, `✗ ${c.check}: ${c.detail}`);
    }
    return EXIT.OK;
  },
};

export default command;
