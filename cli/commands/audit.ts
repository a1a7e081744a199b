/**
 * `claude audit [-n N] [--json]`: the last records of the audit log (`<data dir>/audit.jsonl`):
 * who, when, what (the event, the plan, the request) and how it ended, then one line saying
 * whether the hash chain verifies (what `claude audit verify` says).
 *
 * `claude audit verify [--json]`: checks the hash chain. Exit 0 when intact, 1 when a record
 * was edited, deleted, reordered or is malformed (the line is named).
 */
import { join } from 'node:path';
import { parse } from '../args.js';
import { EXIT, UsageError, println, type CommandContext, type Command } from '../context.js';
import { resolvePaths } from '../../common/paths.js';
import { cleanText } from '../../common/terminal.js';
import { AUDIT_FILE, readAuditLines, verifyAudit, type AuditLine, type AuditRecord, type AuditVerifyResult, type JsonValue } from '../../runtime/audit.js';

const DEFAULT_LINES = 20;

const usage = `usage: claude audit [-n N] [--json]
       claude audit verify [--json]

claude audit shows the last records of the audit log (<data dir>/audit.jsonl, data dir from
$CLAUDE_DATA_DIR or /var/lib/claude), oldest first: the record's number, when (UTC), who,
what happened (the event, the plan id, the request) and how it ended; then one line saying
whether the hash chain verifies, as claude audit verify would.

  -n, --lines N   the last N records (default ${DEFAULT_LINES}; 0 for every record)
  --json          print {"file", "total", "records": [...], "damaged": [{"line", "damaged"}], "verify": {...}}

A damaged line (not valid JSON, or a record missing fields) is shown where it stands, by its
line number and what is wrong with it, and the listing goes on past it.

claude audit verify checks the whole log: every record's hash, the chain of previous-record
hashes, the sequence numbers and the last record kept in audit.head. Names the first line
that was edited, deleted, reordered or is malformed.

  --json   print {"file", "ok", "records", "head"} or {"file", "ok": false, "line", "reason", "message"}

Exit status: 0 shown / intact, 1 the chain does not verify, 2 usage error.`;

const str = (v: JsonValue | undefined): string | null => (typeof v === 'string' && v.length > 0 ? v : null);

/** How the recorded action ended, in a few words, from the event and its details. */
export function outcomeOf(r: AuditRecord): string {
  const d = r.details;
  switch (r.event) {
    case 'plan.applied':
      return d.incomplete ? 'applied, incomplete' : `applied${typeof d.steps === 'number' ? `, ${d.steps} step(s)` : ''}`;
    case 'plan.refused':
      return `refused${str(d.clause) ? ` (${str(d.clause)})` : ''}: ${str(d.reason) ?? 'no reason recorded'}`;
    case 'rollback':
      return d.ok === false ? 'rollback incomplete' : `rolled back${str(d.to) ? ` to ${str(d.to)!.slice(0, 12)}` : ''}${str(d.reason) ? `: ${str(d.reason)}` : ''}`;
    case 'recover':
      return `${str(d.action) ?? 'recovered'}${d.ok === false ? ', incomplete' : ''}`;
    case 'job.succeeded':
    case 'job.failed':
      return `job ${str(d.job) ?? '?'} ${str(d.status) ?? (r.event === 'job.succeeded' ? 'succeeded' : 'failed')}${str(d.error) ? `: ${str(d.error)}` : ''}`;
    case 'backup.restored':
    case 'backup.restore-failed':
      return `${str(d.set) ?? '?'} from ${str(d.backup) ?? '?'}: ${r.event === 'backup.restored' ? 'restored' : `failed${str(d.error) ? `: ${str(d.error)}` : ''}`}`;
    case 'state.imported':
      return `imported ${str(d.file) ?? ''}`.trim();
    default:
      return typeof d.ok === 'boolean' ? (d.ok ? 'ok' : 'failed') : '';
  }
}

function renderRecord(r: AuditRecord): string[] {
  const when = r.ts.replace(/\.\d+Z$/, 'Z').replace('T', ' ');
  const head = [`#${r.seq}`, when, r.actor, r.event, ...(r.planId ? [`plan ${r.planId}`] : [])].join('  ');
  const request = str(r.details.request);
  const outcome = outcomeOf(r);
  return [cleanText(head, { multiline: false }), ...(request ? [`    "${cleanText(request, { multiline: false })}"`] : []), ...(outcome ? [`    ${cleanText(outcome, { multiline: false })}`] : [])];
}

/** The one line `claude audit` and `claude audit verify` both say about the chain. */
function verifyLine(file: string, result: AuditVerifyResult): string {
  if (result.ok) return `audit log ${file}: intact, ${result.records} record(s), last hash ${result.head}`;
  if (result.reason === 'clock') return `audit log ${file}: TIME WENT BACKWARDS at line ${result.line}: ${result.message} (the hash chain is intact)`;
  return `audit log ${file}: TAMPERED at line ${result.line} (${result.reason}): ${result.message}`;
}

/** A damaged line, shown where it stands: its number and what is wrong with it. */
function renderDamaged(d: { line: number; damaged: string }): string {
  return cleanText(`line ${d.line}: DAMAGED, ${d.damaged}; skipped (claude audit verify)`, { multiline: false });
}

function show(ctx: CommandContext, file: string, dataDir: string, lines: number, json: boolean): number {
  // Every line, a record or a damaged line: a damaged line is named by its number and the
  // listing goes on past it (it never stops the command).
  const all = readAuditLines(dataDir);
  const total = all.filter((l) => 'record' in l).length;
  const damaged = all.filter((l): l is Extract<AuditLine, { damaged: string }> => 'damaged' in l);
  let shown = all;
  if (lines > 0) {
    // The last N records, with the damaged lines among them.
    let seen = 0;
    let from = all.length;
    while (from > 0 && seen < lines) if ('record' in all[--from]!) seen++;
    shown = all.slice(from);
  }
  const records = shown.flatMap((l) => ('record' in l ? [l.record] : []));
  const result = verifyAudit(dataDir);
  if (json) {
    println(ctx.stdout, JSON.stringify({ file, total, records: records.map((r) => ({ ...r, outcome: outcomeOf(r) })), damaged, verify: result }, null, 2));
  } else {
    if (all.length === 0) println(ctx.stdout, `the audit log ${file} has no record yet (the first apply, refusal or job run writes one)`);
    else {
      const also = damaged.length ? ` and ${damaged.length} damaged line(s)` : '';
      println(ctx.stdout, records.length < total ? `the last ${records.length} of ${total} records${also}, oldest first (claude audit -n N for more):` : `all ${total} record(s)${also}, oldest first:`);
      for (const l of shown) {
        if ('record' in l) for (const t of renderRecord(l.record)) println(ctx.stdout, t);
        else println(ctx.stdout, renderDamaged(l));
      }
      println(ctx.stdout);
    }
    println(result.ok ? ctx.stdout : ctx.stderr, verifyLine(file, result) + (result.ok ? ' (claude audit verify)' : ''));
  }
  return result.ok ? EXIT.OK : EXIT.FAILURE;
}

const command: Command = {
  summary: 'show the last records of the audit log and whether its hash chain verifies',
  usage,
  async run(ctx) {
    const { values, positionals } = parse(ctx.argv, { json: { type: 'boolean' }, lines: { type: 'string', short: 'n' } });
    const { dataDir } = resolvePaths(ctx.env, ctx.cwd);
    const file = join(dataDir, AUDIT_FILE);
    if (positionals.length === 0) {
      const n = values.lines === undefined ? DEFAULT_LINES : Number(values.lines);
      if (!Number.isInteger(n) || n < 0) throw new UsageError(`-n must be a whole number of records (0 for all), not '${values.lines}'`);
      return show(ctx, file, dataDir, n, values.json === true);
    }
    if (positionals[0] !== 'verify' || positionals.length !== 1) throw new UsageError(`unknown subcommand '${positionals.join(' ')}' (claude audit shows the log; claude audit verify checks it)`);
    if (values.lines !== undefined) throw new UsageError('-n is for claude audit (the last records); claude audit verify always checks the whole log');
    const result = verifyAudit(dataDir);
    if (values.json) println(ctx.stdout, JSON.stringify({ file, ...result }, null, 2));
    else println(result.ok ? ctx.stdout : ctx.stderr, verifyLine(file, result));
    return result.ok ? EXIT.OK : EXIT.FAILURE;
  },
};

export default command;
