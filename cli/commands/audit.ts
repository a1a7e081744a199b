/**
 * `claude audit verify [--json]`: checks the hash chain of the audit log
 * (`<data dir>/audit.jsonl`). Exit 0 when intact, 1 when a record was edited, deleted,
 * reordered or is malformed (the line is named).
 */
import { join } from 'node:path';
import { parse } from '../args.js';
import { EXIT, UsageError, println, type Command } from '../context.js';
import { resolvePaths } from '../../common/paths.js';
import { AUDIT_FILE, verifyAudit } from '../../runtime/audit.js';

const usage = `usage: claude audit verify [--json]

Checks the audit log (<data dir>/audit.jsonl, data dir from $CLAUDE_DATA_DIR or
/var/lib/claude): every record's hash, the chain of previous-record hashes, the sequence
numbers and the last record kept in audit.head. Names the first line that was edited,
deleted, reordered or is malformed.

  --json   print {"file", "ok", "records", "head"} or {"file", "ok": false, "line", "reason", "message"}

Exit status: 0 intact, 1 tampered, 2 usage error.`;

const command: Command = {
  summary: 'verify the hash chain of the audit log',
  usage,
  async run(ctx) {
    const { values, positionals } = parse(ctx.argv, { json: { type: 'boolean' } });
    if (positionals[0] !== 'verify' || positionals.length !== 1) {
      throw new UsageError(positionals.length === 0 ? 'missing subcommand: verify' : `unknown subcommand '${positionals.join(' ')}'`);
    }
    const { dataDir } = resolvePaths(ctx.env, ctx.cwd);
    const file = join(dataDir, AUDIT_FILE);
    const result = verifyAudit(dataDir);
    if (values.json) {
      println(ctx.stdout, JSON.stringify({ file, ...result }, null, 2));
    } else if (result.ok) {
      println(ctx.stdout, `audit log ${file}: intact, ${result.records} record(s), last hash ${result.head}`);
    } else if (result.reason === 'clock') {
      println(ctx.stderr, `audit log ${file}: TIME WENT BACKWARDS at line ${result.line}: ${result.message} (the hash chain is intact)`);
    } else {
      println(ctx.stderr, `audit log ${file}: TAMPERED at line ${result.line} (${result.reason}): ${result.message}`);
    }
    return result.ok ? EXIT.OK : EXIT.FAILURE;
  },
};

export default command;
