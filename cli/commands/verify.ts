/**
 * `claude verify plan.json [--json]`: checks a plan as the runtime would before applying it
 * (envelope, schema, signatures, trust, policy, expiry, host), one line each; exit 0 when
 * every check passes, 1 otherwise. Read-only and offline.
 */
import { parse } from '../args.js';
import { EXIT, println, type Command } from '../context.js';
import { inspectPlanFile } from '../plan-file.js';

const usage = `usage: claude verify PLAN.json [--json]

Checks a plan: the DSSE envelope, the schema, every signature, that a trusted key signed
it and the signing policy is met, that it has not expired, and that it is for this host.
Prints one line per check. Exit 0 when all pass, 1 otherwise.

  --json   print {"ok", "checks": [{check, ok, detail}], "signatures"}`;

const command: Command = {
  summary: 'check a plan file: signatures, trust, policy, expiry, schema',
  usage,
  async run(ctx) {
    const { values, positionals } = parse(ctx.argv, { json: { type: 'boolean' } });
    const inspected = inspectPlanFile(ctx, 'verify', positionals);
    if (typeof inspected === 'number') return inspected;
    const { file, report } = inspected;
    if (values.json) {
      println(ctx.stdout, JSON.stringify({ ok: report.ok, checks: report.checks, signatures: report.signatures }, null, 2));
    } else {
      for (const c of report.checks) println(ctx.stdout, `${c.ok ? '✓' : '✗'} ${c.check.padEnd(10)} ${c.detail}`);
      println(ctx.stdout, report.ok ? `${file}: OK` : `${file}: NOT OK`);
    }
    return report.ok ? EXIT.OK : EXIT.FAILURE;
  },
};

export default command;
