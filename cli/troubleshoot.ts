/**
 * The troubleshooting flow at the terminal (`claude diagnose [service]`, and `claude "the
 * website is down"` through maybeTroubleshoot): agent/troubleshoot.ts runs the flow; this
 * module wires its lines to stdout and stderr, its question to a prompt (only in a
 * terminal), prints the --json result and turns the outcome into an exit code.
 */
import { EXIT, println, type CommandContext } from './context.js';
import { lineReader, type LineReader } from './prompt.js';
import {
  applyFix,
  llmExplainer,
  troubleshoot,
  troubleshootingRequestFor,
  troubleshootJson,
  type ApplyFilesOptions,
  type TroubleshootIO,
  type TroubleshootOptions,
  type TroubleshootOutcome,
  type TroubleshootResult,
} from '../agent/troubleshoot.js';

export { llmExplainer, resourceLines, type TroubleshootResult } from '../agent/troubleshoot.js';

export interface CliTroubleshootOptions extends TroubleshootOptions {
  /** Print the result as JSON (and no other lines on stdout). */
  json?: boolean;
}

const CODES: Record<TroubleshootOutcome, number> = { ok: EXIT.OK, failed: EXIT.FAILURE, declined: EXIT.FAILURE, usage: EXIT.USAGE };

/**
 * Runs the flow; returns the exit code (0: healthy, or fixed and verified; 1: a problem
 * remains or the fix failed; 2: no such --option) and the result for --json.
 */
export async function runTroubleshoot(ctx: CommandContext, o: CliTroubleshootOptions): Promise<{ code: number; result: TroubleshootResult }> {
  const { json, ...flow } = o;
  // Only a terminal is asked; one reader, made at the first question, serves the whole prompt
  // loop (a line is resolved as typed; answers typed ahead are kept).
  let reader: LineReader | undefined = ctx.reader; // the interactive mode's own, left open
  const io: TroubleshootIO = {
    out: (l = '') => {
      if (!json) println(ctx.stdout, l);
    },
    err: (l) => println(ctx.stderr, l),
    ...(ctx.isTTY ? { ask: (q: string) => (reader ??= lineReader(ctx, { terminal: ctx.isTTY, promptTypedAhead: false })).next(q) } : {}),
  };
  try {
    const { outcome, result } = await troubleshoot(ctx, io, flow);
    if (json && outcome !== 'usage' && outcome !== 'declined') println(ctx.stdout, JSON.stringify(troubleshootJson(result), null, 2));
    return { code: CODES[outcome], result };
  } finally {
    if (reader !== ctx.reader) reader?.close();
  }
}

/**
 * State files → plan → apply → verify (agent/troubleshoot.ts applyFix), with progress on
 * stdout (or `o.out`) and problems on stderr. The approval has already been given.
 */
export async function applyStateFiles(
  ctx: CommandContext,
  files: Readonly<Record<string, string>>,
  o: ApplyFilesOptions & { out?: (l?: string) => void },
): Promise<Awaited<ReturnType<typeof applyFix>>> {
  const { out, ...rest } = o;
  return applyFix(ctx, { out: out ?? ((l = '') => println(ctx.stdout, l)), err: (l) => println(ctx.stderr, l) }, files, rest);
}

/**
 * For `claude "<message>"` (cli/commands/ask.ts): when the message is a troubleshooting
 * question ("the website is down", "why is the database slow?"), runs the flow and returns
 * its exit code; otherwise returns null and the caller proposes state changes as usual.
 */
export async function maybeTroubleshoot(ctx: CommandContext, message: string, o: Omit<CliTroubleshootOptions, 'message' | 'service'> = {}): Promise<number | null> {
  const req = await troubleshootingRequestFor(ctx, message, o.stateDirFlag);
  if (!req) return null;
  const llm = o.explain ? null : await llmExplainer(ctx, o.stateDirFlag);
  try {
    const { code } = await runTroubleshoot(ctx, { ...o, message, kind: req.kind, ...(req.service ? { service: req.service } : {}), ...(llm ? { explain: llm.explain } : {}) });
    return code;
  } finally {
    await llm?.close();
  }
}
