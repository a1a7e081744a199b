/**
 * `claude confirm [--json]`: confirms a pending commit-confirmed firewall change by hand,
 * inside its window, so the previous table does not come back at the deadline.
 */
import { parse } from '../args.js';
import { EXIT, println, type Command } from '../context.js';
import { resolvePaths } from '../../common/paths.js';
import { confirmPending, listPending } from '../../runtime/firewall-confirm.js';
import { firewallJournalDir } from '../../runtime/firewall-backend.js';

const usage = `usage: claude confirm [--json]

A firewall change is applied "commit-confirmed": unless it is confirmed before its
deadline (60 s by default), the previous table comes back. The runtime confirms by itself
when its reachability probes pass; this command confirms by hand — run it from a new SSH
session to prove you can still get in. See docs/firewall.md.

Exit status: 0 confirmed, or nothing was pending; 1 every pending change had passed its
deadline (it is being reverted; \`claude recover\` finishes the revert).`;

const command: Command = {
  summary: 'confirm a pending firewall change before it is reverted',
  usage,
  async run(ctx) {
    const { values } = parse(ctx.argv, { json: { type: 'boolean' } }, false);
    const { dataDir } = resolvePaths(ctx.env, ctx.cwd);
    const dir = firewallJournalDir(dataDir);
    const now = () => ctx.now().getTime();
    const pending = listPending(dir);
    const expired = pending.filter((p) => p.deadline <= now()).map((p) => ({ id: p.id, deadline: new Date(p.deadline).toISOString() }));
    const confirmed = confirmPending(dir, now);
    if (values.json) {
      println(ctx.stdout, JSON.stringify({ confirmed, expired }, null, 2));
    } else {
      for (const id of confirmed) println(ctx.stdout, `✓ confirmed firewall change ${id}; it stays in place`);
      for (const e of expired) println(ctx.stdout, `✗ firewall change ${e.id} passed its deadline (${e.deadline}); it is being reverted — run \`claude recover\` if it is still listed`);
      if (pending.length === 0) println(ctx.stdout, 'no firewall change is waiting for confirmation');
    }
    return expired.length > 0 && confirmed.length === 0 ? EXIT.FAILURE : EXIT.OK;
  },
};

export default command;
