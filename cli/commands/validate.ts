/**
 * `claude validate [--state-dir DIR] [--json]`: parse, check and resolve the state files,
 * and print every diagnostic. Exit 0 when valid (warnings allowed), 1 when invalid, 2 on a
 * usage error. Nothing is planned or applied.
 */
import { parse } from '../args.js';
import { EXIT, println, type Command } from '../context.js';
import { resolvePaths } from '../../common/paths.js';
import { renderDiagnostic } from '../../compiler/diagnostics.js';
import { compileStateDirCached } from '../../compiler/compile-cache.js';
import { trace } from '../../common/trace.js';

const usage = `usage: claude validate [--state-dir DIR] [--json]

Checks the state files (manifest, services, network, storage, security, scheduled .yaml):
YAML syntax, the schemas, and the references between files. Prints one line per problem,
file:line:col: error CODE: message, with a hint on how to fix it on the next line.

  --state-dir DIR  the state dir (default: $CLAUDE_STATE_DIR or /etc/claude.d)
  --json           print {"ok": bool, "diagnostics": [{code, severity, file, line, column, message, hint}]}

Exit status: 0 valid (warnings allowed), 1 invalid, 2 usage error.`;

const command: Command = {
  summary: 'check the state files and print their problems with file:line:col',
  usage,
  async run(ctx) {
    const { values } = parse(ctx.argv, { 'state-dir': { type: 'string' }, json: { type: 'boolean' } }, false);
    const { stateDir, dataDir } = resolvePaths(ctx.env, ctx.cwd, values['state-dir']);
    const { diagnostics, model } = compileStateDirCached(stateDir, dataDir, ctx.env);
    trace('validate: compiled');
    const errors = diagnostics.filter((d) => d.severity === 'error').length;
    const warnings = diagnostics.length - errors;
    const ok = errors === 0 && model !== undefined;
    if (values.json) {
      println(ctx.stdout, JSON.stringify({ ok, diagnostics }, null, 2));
      return ok ? EXIT.OK : EXIT.FAILURE;
    }
    for (const d of diagnostics) println(ctx.stdout, renderDiagnostic(d).replace(/^<state>/, stateDir));
    const counts = [plural(errors, 'error'), plural(warnings, 'warning')].join(', ');
    if (ok) {
      const n = Object.keys(model.files).length;
      const s = model.services.length;
      println(ctx.stdout, `${stateDir}: valid (${plural(n, 'file')}, ${plural(s, 'service')}${warnings ? `, ${plural(warnings, 'warning')}` : ''})`);
      return EXIT.OK;
    }
    println(ctx.stdout, `${stateDir}: invalid (${counts})`);
    return EXIT.FAILURE;
  },
};

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export default command;
