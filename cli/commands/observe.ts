/**
 * `claude observe [--serve] [--host ADDR] [--port N] [--interval SECONDS]`: without
 * --serve, print the state summary YAML once (what the LLM gets as context); with --serve,
 * run the observer daemon (agent/observer.ts: runtime/observe/daemon.ts and the job
 * scheduler) until the process is stopped. The
 * systemd unit claude-observe.service runs `claude observe --serve` (docs/observe.md).
 */
import { parse } from '../args.js';
import { EXIT, UsageError, println, type Command } from '../context.js';
import { desiredFromStateDir, observeEnv } from '../../agent/observe-env.js';
import { observeSystem } from '../../runtime/observe/index.js';

const usage = `usage: claude observe [--serve [--host ADDR] [--port N] [--interval SECONDS]]

Without --serve: prints the state summary (YAML) once.
With --serve: runs the observer daemon. Every interval it observes containers, host and
events (read-only), keeps metrics (1 h at 10 s, 24 h at 1 min, saved in the data dir),
the last 1,000 log lines per service and the events of the last 24 h, and serves:
  GET /metrics          Prometheus metrics
  GET /api/v1/status    the summary and anomalies as JSON
  GET /api/v1/summary   the summary as YAML
  GET /healthz          ok
It also runs the scheduled jobs on their cron schedule (see claude jobs, docs/jobs.md).

  --host ADDR         listen address (default 127.0.0.1; the summary holds log lines)
  --port N            listen port (default 9101)
  --interval SECONDS  observation interval (default 10)`;

const command: Command = {
  summary: 'print the state summary, or run the observer daemon (--serve)',
  usage,
  async run(ctx) {
    const { values } = parse(ctx.argv, { serve: { type: 'boolean' }, host: { type: 'string' }, port: { type: 'string' }, interval: { type: 'string' } }, false);
    const env = await observeEnv(ctx);
    if (!values.serve) {
      if (values.host || values.port || values.interval) throw new UsageError('--host, --port and --interval go with --serve');
      const desired = await desiredFromStateDir(env.stateDir);
      const { summary } = await observeSystem({ docker: env.docker, dataDir: env.dataDir, root: env.root, now: ctx.now, hostId: env.hostId, ...(desired ? { desired } : {}) });
      ctx.stdout.write(summary.yaml);
      return EXIT.OK;
    }
    const port = values.port === undefined ? 9101 : Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be 0-65535, not '${values.port}'`);
    const interval = values.interval === undefined ? 10 : Number(values.interval);
    if (!Number.isFinite(interval) || interval < 1 || interval > 3600) throw new UsageError(`--interval must be 1-3600 seconds, not '${values.interval}'`);
    // The daemon's wiring lives in the agent (agent/observer.ts), like the CLI's and the API's.
    const { startObserver } = await import('../../agent/observer.js');
    let addr: { host: string; port: number };
    try {
      addr = (await startObserver(ctx, { host: values.host ?? '127.0.0.1', port, intervalMs: interval * 1000, log: (l) => println(ctx.stderr, l) })).address;
    } catch (e) {
      println(ctx.stderr, `claude observe: cannot listen on ${values.host ?? '127.0.0.1'}:${port}: ${(e as Error).message}`);
      println(ctx.stderr, '  hint: another claude-observe may be running; pick another --port');
      return EXIT.FAILURE;
    }
    println(ctx.stderr, `claude-observe: serving http://${addr.host}:${addr.port}/metrics, /api/v1/status, /api/v1/summary, /healthz (every ${interval} s)`);
    // Runs until the process is stopped (systemd sends SIGTERM); metrics and events are
    // saved every minute, so at most the last minute is lost.
    await new Promise<void>(() => undefined);
    return EXIT.OK;
  },
};

export default command;
