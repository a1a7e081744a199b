/**
 * `claude supervise [--once] [--interval SECONDS]`: on the containerd backend, starts the
 * managed containers whose task exited (or is gone after a reboot) again, as their
 * `restart:` policy says, with back-off (runtime/drivers/containerd/supervisor.ts). Docker
 * Engine does this itself, so on Docker there is nothing to supervise.
 */
import type { Writable } from 'node:stream';
import { parse } from '../args.js';
import { EXIT, UsageError, println, type Command } from '../context.js';
import { resolvePaths } from '../../common/paths.js';
import { readHostId } from '../../plan/keys.js';
import { engineKind, openSupervisedEngine, restoreFirewallAtBoot } from '../../agent/supervise.js';
import { newSupervisorState, supervisePass, type SupervisionResult } from '../../runtime/drivers/containerd/supervisor.js';

const usage = `usage: claude supervise [--once] [--interval SECONDS]

On containerd (CLAUDE_ENGINE=containerd), restarts the services' containers that exited,
as their restart policy says (always, unless-stopped, on-failure; back-off from 1 s to
60 s), and starts them again after a reboot. Containers a plan stopped stay stopped.
Docker Engine restarts containers itself: there this command has nothing to do.

  --once              one pass, then exit (the image runs it at boot before the banner);
                      it also loads the firewall applied last when the table is missing
  --interval SECONDS  seconds between passes of the daemon (default 2)

Prints one line per container started, and "running: N of M managed containers".`;

function report(out: Writable, r: SupervisionResult, now: Date): void {
  for (const a of r.actions) println(out, `${now.toISOString()} ${a.action} ${a.name}: ${a.reason}`);
}

const command: Command = {
  summary: 'restart exited containers as their restart policy says (containerd backend)',
  usage,
  async run(ctx) {
    const { values, positionals } = parse(ctx.argv, { once: { type: 'boolean' }, interval: { type: 'string' } });
    if (positionals.length) throw new UsageError(`claude supervise takes no arguments, got '${positionals[0]}'`);
    const intervalS = values.interval === undefined ? 2 : Number(values.interval);
    if (!Number.isFinite(intervalS) || intervalS < 0.1 || intervalS > 3600) throw new UsageError(`--interval must be a number of seconds from 0.1 to 3600, not '${values.interval}'`);
    if (engineKind(ctx.env) !== 'containerd') {
      println(ctx.stderr, 'claude supervise: this host runs Docker Engine, which restarts containers itself; supervise is for CLAUDE_ENGINE=containerd');
      return EXIT.FAILURE;
    }
    const paths = resolvePaths(ctx.env, ctx.cwd);
    const hostId = readHostId(paths.dataDir);
    if (!hostId) {
      println(ctx.stdout, `no host id in ${paths.dataDir} yet: nothing is managed here`);
      println(ctx.stdout, 'running: 0 of 0 managed containers');
      if (values.once) return EXIT.OK;
    }
    const engine = await openSupervisedEngine(paths, hostId ?? '');
    const state = newSupervisorState();
    try {
      if (values.once) {
        // At boot: the firewall is kernel state a reboot lost; load the one applied last.
        try {
          const done = await restoreFirewallAtBoot(paths.dataDir);
          if (done) println(ctx.stdout, `${ctx.now().toISOString()} firewall: ${done}`);
        } catch (e) {
          println(ctx.stderr, `claude supervise: the firewall applied last could not be loaded: ${(e as Error).message}`);
        }
        const r = await supervisePass(engine, state);
        report(ctx.stdout, r, ctx.now());
        println(ctx.stdout, `running: ${r.running} of ${r.managed} managed containers`);
        return r.actions.some((a) => a.action === 'failed') ? EXIT.FAILURE : EXIT.OK;
      }
      let stop = false;
      const onSignal = () => {
        stop = true;
      };
      process.once('SIGTERM', onSignal);
      process.once('SIGINT', onSignal);
      println(ctx.stdout, `${ctx.now().toISOString()} supervising the containers of ${hostId ?? '(no host id yet)'} every ${intervalS} s`);
      while (!stop) {
        try {
          // The host id appears with the first plan: read it again until then.
          const id = hostId ?? readHostId(paths.dataDir);
          if (id) {
            const eng = id === hostId ? engine : await openSupervisedEngine(paths, id);
            report(ctx.stdout, await supervisePass(eng, state), ctx.now());
            if (eng !== engine) eng.close();
          }
        } catch (e) {
          println(ctx.stderr, `${ctx.now().toISOString()} supervise: ${(e as Error).message} (trying again)`);
        }
        for (let waited = 0; waited < intervalS * 1000 && !stop; waited += 100) await new Promise((r) => setTimeout(r, 100));
      }
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      return EXIT.OK;
    } finally {
      engine.close();
    }
  },
};

export default command;
