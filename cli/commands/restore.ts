/**
 * `claude restore NAME [BACKUP] [--yes] [--json]`: restores a volume from one of its backups
 * (default the newest). Like any change it is shown first (stop, restore, start,
 * health-check) and needs approval (`yes`); it holds the apply lock, so no apply or
 * reconcile runs meanwhile, and rolls back when the restored service is not healthy.
 * Recorded in the audit log and the event log. docs/backups.md.
 */
import { parse } from '../args.js';
import { EXIT, UsageError, println, type Command } from '../context.js';
import { lineReader } from '../prompt.js';
import { askApproval } from '../answers.js';
import { resolvePaths } from '../../common/paths.js';
import { appendLineDurable } from '../../common/fsutil.js';
import { readHostId } from '../../plan/keys.js';
import { authorFromEnv } from '../../runtime/state/repo.js';
import { join } from 'node:path';
import { humanBytes } from './backups.js';

const usage = `usage: claude restore NAME [BACKUP] [--yes] [--json]

Restores volume NAME (or the one backed-up volume of service NAME) from BACKUP (an id from
claude backups, or a unique prefix of one; default the newest). Shows the plan — stop the
services that mount it, move the current data aside, restore, start, health-check — and asks.
If a service is not healthy afterwards, the old data is put back and the services started
again. The data it replaces is removed once the restore is healthy.

  --yes    do not ask (scripts); without a terminal, --yes is required
  --json   print the result as JSON

Exit status: 0 restored; 1 refused, declined, failed (rolled back) or no such backup; 2 usage; 130 cancelled with Ctrl-C at the prompt.`;

const command: Command = {
  summary: 'restore a volume from a backup (a plan: stop, restore, start, health-check; rolls back)',
  usage,
  async run(ctx) {
    const { values, positionals } = parse(ctx.argv, { yes: { type: 'boolean', short: 'y' }, json: { type: 'boolean' } });
    if (positionals.length < 1 || positionals.length > 2) throw new UsageError('claude restore takes a volume (or service) name and optionally a backup id: claude restore NAME [BACKUP]');
    const [name, which] = positionals as [string, string | undefined];
    const { dataDir, root } = resolvePaths(ctx.env, ctx.cwd);
    const { planRestore, executeRestore, RestoreError } = await import('../../runtime/backup/restore.js');
    const { dockerFromEnv } = await import('../../runtime/jobs/index.js');
    const { acquireApplyLock, LockHeldError, describeOwner } = await import('../../runtime/lock.js');
    const { appendAudit } = await import('../../runtime/audit.js');
    const o = { docker: await dockerFromEnv(ctx.env), dataDir, root, hostId: readHostId(dataDir) ?? '', now: ctx.now, progress: values.json ? undefined : (l: string) => println(ctx.stdout, `  … ${l}`) };
    let plan;
    try {
      plan = await planRestore(o, name, which);
    } catch (e) {
      if (e instanceof RestoreError) {
        println(ctx.stderr, `claude restore: ${e.message}\n  hint: ${e.hint}`);
        return EXIT.FAILURE;
      }
      throw e;
    }
    const b = plan.backup;
    if (!values.json) {
      println(ctx.stdout, `Restore volume ${plan.set} from backup ${b.id} (${b.type}${b.engine ? ` ${b.engine}` : ''}, ${humanBytes(b.bytes)}, made ${b.createdAt.replace(/\.\d+Z$/, 'Z')})`);
      println(ctx.stdout, `  ! destructive: the current data of ${plan.volumeHostPath} is replaced (what was written since ${b.id} is lost)`);
      plan.steps.forEach((s, i) => println(ctx.stdout, `  ${i + 1}. ${s}`));
    }
    if (!values.yes) {
      if (!ctx.isTTY) {
        println(ctx.stderr, 'claude restore: no terminal to ask for approval; run it in a terminal, or pass --yes');
        return EXIT.FAILURE;
      }
      const reader = ctx.reader ?? lineReader(ctx); // the interactive mode's own, left open
      const { answer } = await askApproval(reader, 'Restore? [yes/no] ', { modify: false });
      if (reader !== ctx.reader) reader.close();
      if (answer !== 'yes') {
        println(ctx.stdout, 'Nothing changed.');
        return EXIT.FAILURE;
      }
    }
    let lock;
    try {
      lock = await acquireApplyLock(dataDir, { purpose: `restore ${plan.set} from ${b.id}`, waitMs: 30_000, now: ctx.now });
    } catch (e) {
      if (e instanceof LockHeldError) {
        println(ctx.stderr, `claude restore: ${e.owner ? describeOwner(e.owner) : 'another apply'} holds the apply lock; try again when it has finished; nothing was changed`);
        return EXIT.FAILURE;
      }
      throw e;
    }
    const actor = authorFromEnv(ctx.env).name;
    let result;
    try {
      result = await executeRestore(plan, o);
    } finally {
      lock.release();
    }
    const details = { set: plan.set, backup: b.id, file: b.file, sha256: b.sha256, ok: result.ok, rolledBack: result.rolledBack, durationMs: result.durationMs, error: result.error ?? null };
    await appendAudit(dataDir, { actor, event: result.ok ? 'backup.restored' : 'backup.restore-failed', planId: null, details }, ctx.now);
    appendLineDurable(join(dataDir, 'events.jsonl'), JSON.stringify({ ts: ctx.now().toISOString(), type: result.ok ? 'backup.restored' : 'backup.restore-failed', ...details }));
    if (values.json) println(ctx.stdout, JSON.stringify({ ...details, steps: plan.steps }, null, 2));
    else if (result.ok) println(ctx.stdout, `✓ restored ${plan.set} from ${b.id} in ${(result.durationMs / 1000).toFixed(1)} s; ${plan.containers.map((c) => c.name).join(', ') || 'no service'} healthy`);
    else println(ctx.stdout, `✗ ${result.error}`);
    return result.ok ? EXIT.OK : EXIT.FAILURE;
  },
};

export default command;
