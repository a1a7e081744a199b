/**
 * Operations said in plain words (compiler/diagnose/operations.ts reads them), in `claude
 * "<message>"` and in the interactive mode: each runs the command a person would type
 * (`claude rollback HEAD~1`, `claude logs web -n 50`, `claude history --since today`,
 * `claude restore pg-data`), with its own plan, prompt and approval. A rollback or a restore
 * is shown and asked for, never applied silently.
 */
import { withContext, type CommandContext } from './context.js';
import type { LineReader } from './prompt.js';
import type { Proposal } from '../compiler/intent/provider.js';
import type { OperationRequest } from '../compiler/diagnose/operations.js';

export { operationRequest, type OperationRequest } from '../compiler/diagnose/operations.js';

/** An operation read from the words (OperationRequest), or a backup now the intent engine offered (offerBackupNow). */
type Operation = OperationRequest | { kind: 'backup'; volume: string };

/** The command line the operation runs (argv after `claude`), for the reply and the tests. */
export function operationArgv(op: Operation, o: { yes?: boolean; json?: boolean; stateDir?: string } = {}): string[] {
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
    case 'backup':
      return ['backups', 'run', op.volume, ...(o.json ? ['--json'] : [])];
  }
}

/**
 * Runs `op` as its command would run; `reader` is the interactive mode's own reader, so an
 * answer typed at the rollback's prompt is read once (two readers on one terminal would both
 * take it). Returns the command's exit code.
 */
export async function runOperation(
  ctx: CommandContext,
  op: Operation,
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

/**
 * A backup now the intent engine offered (Proposal.offer: "back up the database now"): the
 * person is asked and, on yes, `claude backups run VOLUME` runs (the same output and audit
 * record as typed). One volume: "Back up VOLUME now? [yes/no]"; several that the request could
 * mean: a numbered choice. `yes` (--yes) runs the one volume without asking (with several it
 * says which and runs nothing). Returns the exit code, or null when nothing was asked (no
 * terminal and no --yes: the engine's reply already names the command).
 */
export async function offerBackupNow(ctx: CommandContext, offer: NonNullable<Proposal['offer']>, o: { yes?: boolean; reader?: LineReader; stateDir?: string }): Promise<number | null> {
  const { println, EXIT } = await import('./context.js');
  const volumes = offer.volumes;
  const run = (volume: string) => runOperation(ctx, { kind: 'backup', volume }, { services: [], ...(o.reader ? { reader: o.reader } : {}) });
  if (o.yes) {
    if (volumes.length === 1) return run(volumes[0]!);
    println(ctx.stdout, `Not backed up: ${volumes.join(' and ')} could be meant. Name one (claude "back up ${volumes[0]} now" --yes), or run claude backups run NAME.`);
    return EXIT.FAILURE;
  }
  if (!o.reader) return null;
  const { askApproval } = await import('./answers.js');
  if (volumes.length === 1) {
    const a = await askApproval(o.reader, `Back up ${volumes[0]} now? [yes/no] `, { modify: false });
    if (a.answer === 'yes') return run(volumes[0]!);
    println(ctx.stdout, 'Not backed up. Nothing was run.');
    return EXIT.OK;
  }
  println(ctx.stdout, 'Which volume should be backed up now?');
  volumes.forEach((v, i) => println(ctx.stdout, `  ${i + 1}) ${v}`));
  for (;;) {
    const line = await o.reader.next(`Back up which one? [1-${volumes.length}, or no] `);
    const answer = line?.trim() ?? '';
    const n = Number(answer);
    const chosen = /^\d+$/.test(answer) && n >= 1 && n <= volumes.length ? volumes[n - 1] : volumes.find((v) => v === answer);
    if (chosen) return run(chosen);
    const { readApproval } = await import('./answers.js');
    if (line === null || answer === '' || readApproval(answer, { modify: false }).answer === 'no') {
      println(ctx.stdout, 'Not backed up. Nothing was run.');
      return EXIT.OK;
    }
    println(ctx.stdout, `'${answer}' is not a number from the list; type 1-${volumes.length}, or no.`);
  }
}
