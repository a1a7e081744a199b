/**
 * `claude recover [--json]`: settles an apply that was interrupted (rolled back, or
 * completed when it had already succeeded and was cleaning up), retries a rollback that
 * left the runtime needing attention, and reverts firewall changes whose confirmation
 * window passed.
 */
import { parse } from '../args.js';
import { EXIT, println, type Command } from '../context.js';
import { resolvePaths } from '../../common/paths.js';
import { openFlowHost, recoverHost } from '../../agent/flow.js';
import { ProgressRenderer, renderRecover } from '../progress.js';
import { dockerHint } from './apply.js';

const usage = `usage: claude recover [--json] [--state-dir DIR]
       claude recover --repair-state [--json] [--state-dir DIR]

After a crash or a failed rollback: rolls an interrupted apply back to the snapshot taken
before it (or completes it when it had reached its final clean-up), verifies the result,
and clears the "needs attention" state. See docs/runtime.md.

With --repair-state: checks the state repository (the state dir's .git) instead, removes
stale lock files (the safe repair), and lists what is left with the steps to repair it by
hand (docs/state-and-audit.md). Exit 0 when the repository is healthy afterwards, 1 otherwise.

Exit status: 0 recovered or nothing to do; 1 recovery did not succeed (the problems are listed).`;

const command: Command = {
  summary: 'roll back or complete an interrupted apply; clear "needs attention"',
  usage,
  async run(ctx) {
    const { values } = parse(ctx.argv, { json: { type: 'boolean' }, 'state-dir': { type: 'string' }, 'repair-state': { type: 'boolean' } }, false);
    const paths = resolvePaths(ctx.env, ctx.cwd, values['state-dir']);
    if (values['repair-state']) return (await import('../repair-state.js')).runRepairState(ctx, paths.stateDir, values.json ?? false);
    const renderer = values.json ? null : new ProgressRenderer(ctx.stdout, ctx.isTTY);
    let result;
    let firewall: string[];
    try {
      ({ result, firewall } = await recoverHost(await openFlowHost(paths), { now: ctx.now, ...(renderer ? { onEvent: (e) => e.type !== 'recover' && renderer.onEvent(e) } : {}) }));
    } catch (e) {
      renderer?.stop();
      println(ctx.stderr, `claude recover: ${dockerHint(e)}`);
      const hint = (e as { hint?: unknown }).hint;
      if (typeof hint === 'string') println(ctx.stderr, `  hint: ${hint}`);
      return EXIT.FAILURE;
    }
    renderer?.stop();
    if (values.json) println(ctx.stdout, JSON.stringify({ ...result, firewall }, null, 2));
    else for (const l of [...firewall.map((f) => `✓ ${f}`), ...renderRecover(result)]) println(ctx.stdout, l);
    return result.ok ? EXIT.OK : EXIT.FAILURE;
  },
};

export default command;
