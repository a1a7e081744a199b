/**
 * `claude import FILE [--force] [--state-dir DIR]`: replaces the state dir with a tarball
 * made by `claude export`, after validating it; all or nothing. Recorded in the audit log.
 */
import { resolve } from 'node:path';
import { parse } from '../args.js';
import { EXIT, UsageError, println, type Command } from '../context.js';
import { resolvePaths } from '../../common/paths.js';
import { appendAudit } from '../../runtime/audit.js';
import { StateImportError, importState } from '../../runtime/state/export.js';
import { authorFromEnv } from '../../runtime/state/repo.js';
import { validateStateFiles } from '../../agent/validate-adapter.js';

const usage = `usage: claude import FILE [--force] [--state-dir DIR]

Imports a tarball made by \`claude export\` (state files and history). The files are
validated first; nothing is changed unless all of it is accepted. The import replaces the
state dir's files but does not apply them: run \`claude diff\` and apply afterwards.

  --force          replace a state dir that already holds state (it is kept beside it as
                   <dir>.before-import-<time>)
  --state-dir DIR  the state dir (default: $CLAUDE_STATE_DIR or /etc/claude.d)`;

const command: Command = {
  summary: 'replace the state dir with a validated export tarball',
  usage,
  async run(ctx) {
    const { values, positionals } = parse(ctx.argv, { force: { type: 'boolean' }, 'state-dir': { type: 'string' } });
    if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'missing FILE' : `expected one FILE, got ${positionals.length}`);
    const { stateDir, dataDir } = resolvePaths(ctx.env, ctx.cwd, values['state-dir']);
    const file = resolve(ctx.cwd, positionals[0] as string);
    let r;
    try {
      r = await importState(file, stateDir, validateStateFiles, { force: values.force ?? false, now: ctx.now });
    } catch (e) {
      if (e instanceof StateImportError) {
        println(ctx.stderr, `claude import: ${e.message}`);
        return EXIT.FAILURE;
      }
      throw e;
    }
    println(ctx.stdout, `imported ${r.files.length} state file(s) and ${r.commits} commit(s) (HEAD ${r.head ?? 'none'}) into ${r.stateDir}`);
    if (r.backup) println(ctx.stdout, `the previous state dir is kept in ${r.backup}; remove it when you no longer need it`);
    try {
      await appendAudit(
        dataDir,
        { actor: authorFromEnv(ctx.env).name, event: 'state.imported', planId: null, details: { file, stateDir: r.stateDir, head: r.head, commits: r.commits, backup: r.backup } },
        ctx.now,
      );
    } catch (e) {
      println(ctx.stderr, `claude import: the import succeeded, but the audit record could not be written: ${(e as Error).message}`);
      return EXIT.FAILURE;
    }
    return EXIT.OK;
  },
};

export default command;
