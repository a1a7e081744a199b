/**
 * `claude export [FILE] [--state-dir DIR]`: a .tar.gz of the state files and their git
 * history, for backup or to move a machine's state to another.
 */
import { resolve } from 'node:path';
import { parse } from '../args.js';
import { EXIT, UsageError, println, type Command } from '../context.js';
import { resolvePaths } from '../../common/paths.js';
import { exportState } from '../../runtime/state/export.js';
import { StateRepoDamagedError, StateRepoNotFoundError } from '../../runtime/state/repo.js';

const usage = `usage: claude export [FILE] [--state-dir DIR]

Writes a .tar.gz with the state files and the whole history (.git) of the state dir.
FILE defaults to ./claude-state-<UTC time>.tar.gz. Restore it with \`claude import FILE\`.

  --state-dir DIR  the state dir (default: $CLAUDE_STATE_DIR or /etc/claude.d)`;

const command: Command = {
  summary: 'write the state files and their history to a .tar.gz',
  usage,
  async run(ctx) {
    const { values, positionals } = parse(ctx.argv, { 'state-dir': { type: 'string' } });
    if (positionals.length > 1) throw new UsageError(`expected at most one FILE, got ${positionals.length}`);
    const { stateDir } = resolvePaths(ctx.env, ctx.cwd, values['state-dir']);
    const stamp = ctx.now().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
    const file = resolve(ctx.cwd, positionals[0] ?? `claude-state-${stamp}.tar.gz`);
    try {
      const r = await exportState(stateDir, file, { now: ctx.now });
      println(ctx.stdout, `exported ${r.files.length} state file(s) and the history (HEAD ${r.head ?? 'none'}) of ${stateDir} to ${r.file}`);
      return EXIT.OK;
    } catch (e) {
      if (e instanceof StateRepoDamagedError || e instanceof StateRepoNotFoundError) {
        println(ctx.stderr, `claude export: ${e.message}`);
        return EXIT.FAILURE;
      }
      throw e;
    }
  },
};

export default command;
