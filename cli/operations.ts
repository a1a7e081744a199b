/**
 * Operations said in plain words (compiler/diagnose/operations.ts reads them), in `claude
 * "<message>"` and in the interactive mode: each runs the command a person would type
 * (`claude rollback HEAD~1`, `claude logs web -n 50`, `claude history --since today`,
 * `claude restore pg-data`), with its own plan, prompt and approval. A rollback or a restore
 * is shown and asked for, never applied silently.
 */
import { withContext, type CommandContext } from './context.js';
import type { LineReader } from './prompt.js';
import type { OperationRequest } from '../compiler/diagnose/operations.js';

export { operationRequest, type OperationRequest } from '../compiler/diagnose/operations.js';

/** The command line the operation runs (argv after `claude`), for the reply and the tests. */
export function operationArgv(op: OperationRequest, o: { yes?: boolean; json?: boolean; stateDir?: string } = {}): string[] {
  const common = [...(o.stateDir ? ['--state-dir', o.stateDir] : [])];
  switch (op.kind) {
    case 'rollback':
      return ['rollback', ...(op.rev ? [op.rev] : []), ...(o.yes ? ['--yes'] : []), ...(o.json ? ['--json'] : []), ...common];
    case 'history':
      return ['history', ...(op.since ? ['--since', op.since] : ['--limit', '10']), ...(o.json ? ['--json'] : []), ...common];
    case 'logs':
      return ['logs', op.service!, '-n', String(op.lines ?? 50), ...(o.json ? ['--json'] : [])];
    case 'restore':
      return ['restore', op.name, ...(op.backup ? [op.backup] : []), ...(o.yes ? ['--yes'] : []), ...(o.json ? ['--json'] : [])];
  }
}

/**
 * Runs `op` as its command would run; `reader` is the interactive mode's own reader, so an
 * answer typed at the rollback's prompt is read once (two readers on one terminal would both
 * take it). Returns the command's exit code.
 */
export async function runOperation(
  ctx: CommandContext,
  op: OperationRequest,
  o: { yes?: boolean; json?: boolean; stateDir?: string; reader?: LineReader; services: readonly string[] },
): Promise<number> {
  const { println, EXIT } = await import('./context.js');
  if (op.kind === 'logs' && !op.service) {
    println(ctx.stdout, o.services.length ? `Which service? ${o.services.join(', ')} (e.g. "show me the logs of ${o.services[0]}", or claude logs ${o.services[0]})` : 'There is no service yet, so there are no logs to show.');
    return o.services.length ? EXIT.USAGE : EXIT.OK;
  }
  const argv = operationArgv(op, o);
  if (!o.json) println(ctx.stdout, `(claude ${argv.filter((a, i) => !(a === '--state-dir' || argv[i - 1] === '--state-dir')).join(' ')})`);
  const { COMMANDS } = await import('./commands/index.js');
  const command = await COMMANDS[argv[0]!]!();
  return command.run(withContext(ctx, { argv: argv.slice(1), ...(o.reader ? { reader: o.reader } : {}) }));
}

/**
 * For `claude "<message>"` and the interactive mode: when `message` is an operation, runs it
 * and returns its exit code; otherwise null (the caller goes on to troubleshooting or the
 * intent engine). The host's services are looked up only when the message speaks of logs.
 */
export async function maybeOperation(ctx: CommandContext, message: string, o: { yes?: boolean; json?: boolean; stateDir?: string; reader?: LineReader } = {}): Promise<number | null> {
  const { operationRequestFor } = await import('../agent/troubleshoot.js');
  const found = await operationRequestFor(ctx, message, o.stateDir);
  return found === null ? null : runOperation(ctx, found.op, { ...o, services: found.services });
}
