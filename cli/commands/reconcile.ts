/**
 * `claude reconcile [--serve] [--interval S] [--debounce MS] [--pid-file F] [--state-dir DIR] [--json]`:
 * without --serve, one reconcile pass now (the same pass the daemon runs), its outcome
 * printed; with --serve, the reconciler daemon (agent/reconcile/daemon.ts) until SIGTERM /
 * SIGINT. The systemd unit claude-reconciler.service runs `claude reconcile --serve`
 * (docs/reconciler.md).
 */
import { parse } from '../args.js';
import { EXIT, UsageError, println, type Command } from '../context.js';
import { resolvePaths } from '../../common/paths.js';
import { pausedLine } from '../../agent/reconcile/paused.js';

const usage = `usage: claude reconcile [--json] [--state-dir DIR]
       claude reconcile --serve [--interval SECONDS] [--debounce MS] [--pid-file FILE] [--state-dir DIR] [--no-cli-socket]

Compares the state files with the running system and acts on the difference, by the policy
of manifest.yaml (spec.safety, spec.reconcile): applies a hand edit or a drift correction,
or queues the plan for approval (\`claude apply\` shows and applies it), or reports it.
Invalid state files are reported at file:line:col and nothing is applied.

Without --serve: one pass now. With --serve: the reconciler daemon. It settles an apply a
crash interrupted, runs a pass at start-up, then watches the state dir (a pass 500 ms after
the last change), runs a full pass every 60 s and when a managed container stops. One
daemon per data dir; its PID goes to /run/claude-reconciler.pid.

  --interval SECONDS  full pass interval (default: manifest.yaml reconcile.interval, 60 s)
  --debounce MS       quiet time after a change (default: reconcile.debounce, 500 ms)
  --pid-file FILE     the PID file (default /run/claude-reconciler.pid, or $CLAUDE_RECONCILER_PID_FILE)
  --no-cli-socket     (--serve) do not serve the CLI on $CLAUDE_DATA_DIR/cli.sock (by default the
                      claude command of the same user hands its commands to this daemon's warm
                      CLI workers, unless claude serve already does for this data dir)
  --json              (one pass) print the outcome as JSON

Exit status (one pass): 0 applied, nothing to do, queued or reported; 1 invalid files, a
refused or failed apply.`;

const command: Command = {
  summary: 'reconcile the system with the state files once, or run the reconciler daemon (--serve)',
  usage,
  async run(ctx) {
    const { values } = parse(
      ctx.argv,
      { serve: { type: 'boolean' }, interval: { type: 'string' }, debounce: { type: 'string' }, 'pid-file': { type: 'string' }, 'state-dir': { type: 'string' }, json: { type: 'boolean' }, 'no-cli-socket': { type: 'boolean' } },
      false,
    );
    const paths = resolvePaths(ctx.env, ctx.cwd, values['state-dir']);
    const intervalMs = values.interval === undefined ? undefined : Number(values.interval) * 1000;
    if (intervalMs !== undefined && (!Number.isFinite(intervalMs) || intervalMs < 1000 || intervalMs > 86_400_000)) throw new UsageError(`--interval must be 1-86400 seconds, not '${values.interval}'`);
    const debounceMs = values.debounce === undefined ? undefined : Number(values.debounce);
    if (debounceMs !== undefined && (!Number.isInteger(debounceMs) || debounceMs < 0 || debounceMs > 60_000)) throw new UsageError(`--debounce must be 0-60000 ms, not '${values.debounce}'`);
    if (!values.serve && (values.interval || values.debounce || values['pid-file'] || values['no-cli-socket'])) throw new UsageError('--interval, --debounce, --pid-file and --no-cli-socket go with --serve');
    const log = (l: string) => println(ctx.stderr, l);
    const { openReconcileHost } = await import('../../agent/reconcile/host.js');
    let host;
    try {
      host = await openReconcileHost({ paths, env: ctx.env, now: ctx.now, warn: log });
    } catch (e) {
      println(ctx.stderr, `claude reconcile: ${(e as Error).message}`);
      return EXIT.FAILURE;
    }
    if (!values.serve) {
      const { Reconciler } = await import('../../agent/reconcile/reconciler.js');
      const r = new Reconciler({ host, now: ctx.now, log });
      const rec = await r.trigger('manual');
      await r.idle();
      const o = rec.outcome;
      if (values.json) println(ctx.stdout, JSON.stringify({ ...rec, outcome: 'result' in o ? { ...o, result: { status: o.result.status, stateCommit: o.result.stateCommit, error: o.result.error ?? null } } : o }, null, 2));
      else println(ctx.stdout, outcomeLine(o));
      return o.status === 'invalid' || o.status === 'unplanned' || o.status === 'refused' || o.status === 'rolled-back' || o.status === 'needs-attention' ? EXIT.FAILURE : EXIT.OK;
    }
    const { ReconcilerDaemon, ReconcilerRunningError } = await import('../../agent/reconcile/daemon.js');
    const { recoverHost } = await import('../../agent/flow.js');
    const { dockerFor } = await import('../../runtime/observe/engine-client.js');
    const docker = await dockerFor(ctx.env);
    const daemon = new ReconcilerDaemon({
      paths,
      host,
      now: ctx.now,
      pidFile: values['pid-file'] ?? ctx.env['CLAUDE_RECONCILER_PID_FILE'] ?? '/run/claude-reconciler.pid',
      ...(intervalMs !== undefined ? { intervalMs } : {}),
      ...(debounceMs !== undefined ? { debounceMs } : {}),
      recover: async () => (await recoverHost(host.flow, { now: ctx.now })).result,
      containerEvents: () => docker.getEvents({ filters: { type: ['container'], label: [`claude.os/host=${host.hostId}`] } }) as Promise<NodeJS.ReadableStream & { destroy?: () => void }>,
      log,
    });
    try {
      await daemon.start();
    } catch (e) {
      if (e instanceof ReconcilerRunningError) {
        println(ctx.stderr, `claude reconcile: ${e.message}\n  hint: ${e.hint}`);
        return EXIT.FAILURE;
      }
      println(ctx.stderr, `claude reconcile: ${(e as Error).message}`);
      await daemon.stop().catch(() => undefined);
      return EXIT.FAILURE;
    }
    // The CLI socket (docs/architecture.md, "The CLI socket"): the claude command (same user)
    // hands its commands to a warm worker, as with claude serve.
    const { startCliSocket } = await import('../../agent/cli-socket.js');
    const { packageRoot } = await import('../../common/paths.js');
    const { join } = await import('node:path');
    const cliSocket = values['no-cli-socket'] ? null : await startCliSocket({ dataDir: paths.dataDir, bin: join(packageRoot(), 'bin', 'claude'), log: (l) => log(`claude-reconciler: ${l}`) });
    // Runs until systemd (or a person) stops it; the pass in progress finishes first.
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    });
    log('claude-reconciler: stopping');
    cliSocket?.close();
    await daemon.stop();
    return EXIT.OK;
  },
};

function outcomeLine(o: import('../../agent/reconcile/reconciler.js').PassOutcome): string {
  switch (o.status) {
    case 'invalid':
      return `The state files do not validate; nothing was applied:\n${o.problems.join('\n')}`;
    case 'unplanned':
      return `Cannot plan (${o.stage}); nothing was applied:\n${o.problems.join('\n')}`;
    case 'noop':
      return o.committed ? 'The system matches the state files; the edit was recorded in the history.' : 'The system matches the state files.';
    case 'reported':
      return `Drift reported, not corrected (${o.decision.reason}).`;
    case 'queued':
      return `Plan ${o.planId} is pending approval: ${o.decision.reason}.\nReview and apply it with: claude apply`;
    case 'refused':
      return `Refused: ${o.error}`;
    case 'paused':
      return `Not applied: ${pausedLine(o.paused)}.`;
    default:
      return `${o.status === 'applied' ? 'Applied' : o.status === 'rolled-back' ? 'Failed and rolled back:' : 'Failed, NOT fully rolled back (claude recover):'} ${o.planId}${o.drift ? ' (drift corrected)' : ''}${o.result.error ? ` — ${o.result.error.message}` : ''}`;
  }
}

export default command;
