/**
 * Reads a plan file named on the command line and inspects it against this host's trusted
 * keys and host id, as `claude show` and `claude verify` both do. Read-only and offline.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { resolvePaths } from '../common/paths.js';
import { inspectPlan, type PlanReport } from '../plan/inspect.js';
import { KeyError, loadTrustedKeys, readHostId } from '../plan/keys.js';
import { EXIT, UsageError, println, type CommandContext } from './context.js';

/** The inspected plan, or the exit code after a message on stderr. */
export function inspectPlanFile(ctx: CommandContext, command: string, positionals: string[]): { file: string; report: PlanReport } | number {
  if (positionals.length !== 1) throw new UsageError('give exactly one plan file');
  const file = resolve(ctx.cwd, positionals[0]!);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    println(ctx.stderr, `claude ${command}: cannot read ${file}: ${(e as Error).message}`);
    return EXIT.FAILURE;
  }
  const { dataDir } = resolvePaths(ctx.env, ctx.cwd);
  try {
    const hostId = readHostId(dataDir);
    return { file, report: inspectPlan(text, { trusted: loadTrustedKeys(dataDir), now: ctx.now(), ...(hostId ? { hostId } : {}) }) };
  } catch (e) {
    if (!(e instanceof KeyError)) throw e;
    println(ctx.stderr, `claude ${command}: ${e.message}\n  hint: ${e.hint}`);
    return EXIT.FAILURE;
  }
}
