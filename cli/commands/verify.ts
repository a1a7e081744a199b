/**
 * `claude verify plan.json [--json]`: checks a plan as the runtime would before applying it
 * (envelope, schema, signatures, trust, policy, expiry, host), one line each; exit 0 when
 * every check passes, 1 otherwise. Read-only and offline.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from '../args.js';
import { EXIT, UsageError, println, type Command } from '../context.js';
import { resolvePaths } from '../../common/paths.js';
import { inspectPlan } from '../../plan/inspect.js';
import { KeyError, loadTrustedKeys, readHostId } from '../../plan/keys.js';

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
    if (positionals.length !== 1) throw new UsageError('give exactly one plan file');
    const file = resolve(ctx.cwd, positionals[0]!);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      println(ctx.stderr, `claude verify: cannot read ${file}: ${(e as Error).message}`);
      return EXIT.FAILURE;
    }
    const { dataDir } = resolvePaths(ctx.env, ctx.cwd);
    let report;
    try {
      const hostId = readHostId(dataDir);
      report = inspectPlan(text, { trusted: loadTrustedKeys(dataDir), now: ctx.now(), ...(hostId ? { hostId } : {}) });
    } catch (e) {
      if (!(e instanceof KeyError)) throw e;
      println(ctx.stderr, `claude verify: ${e.message}\n  hint: ${e.hint}`);
      return EXIT.FAILURE;
    }
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
