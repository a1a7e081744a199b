/**
 * `claude logs <service> [-n N] [-f] [--json] [--timestamps]`: the last log lines of a
 * service (its first replica) or of a container by name; `-f` follows until interrupted.
 */
import { parse } from '../args.js';
import { EXIT, UsageError, println, type Command } from '../context.js';
import { observeEnv } from '../../agent/observe-env.js';
import { engineDownMessage, engineUnreachable } from '../../runtime/observe/engine-client.js';
import { logLine } from '../../agent/render/observe.js';
import { followLogs, serviceLogs, UnknownServiceError } from '../../runtime/observe/index.js';

const usage = `usage: claude logs <service> [-n N] [-f] [--timestamps] [--json]

Shows the last lines a service wrote (stdout and stderr; stderr lines are marked "!").

  -n, --lines N    how many lines (default 100, at most 1000); --tail N is the same, as docker logs spells it
  -f, --follow     keep printing new lines until interrupted (Ctrl-C)
  -t, --timestamps prefix each line with Docker's timestamp
  --json           print {"service", "container", "lines": [{time, stream, text}]} (with -f: one JSON line per log line)`;

const command: Command = {
  summary: 'show the logs of a service',
  usage,
  async run(ctx) {
    const { values, positionals } = parse(ctx.argv, {
      lines: { type: 'string', short: 'n' },
      // docker logs' spelling of -n: people who use docker type it.
      tail: { type: 'string' },
      follow: { type: 'boolean', short: 'f' },
      timestamps: { type: 'boolean', short: 't' },
      json: { type: 'boolean' },
    });
    if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'name the service: claude logs <service>' : `one service at a time, got ${positionals.length}`);
    const service = positionals[0]!;
    if (values.lines !== undefined && values.tail !== undefined) throw new UsageError('-n and --tail say the same thing (how many lines); give one');
    const asked = values.lines ?? values.tail;
    const n = asked === undefined ? 100 : Number(asked);
    if (!Number.isInteger(n) || n < 0 || n > 1000) throw new UsageError(`${values.tail !== undefined ? '--tail' : '-n'} must be a whole number from 0 to 1000, not '${asked}'`);
    const env = await observeEnv(ctx);
    try {
      if (values.follow) {
        // Follows until the process is interrupted (Ctrl-C ends it) or stdout closes.
        const ac = new AbortController();
        const stop = () => ac.abort();
        ctx.stdout.once('close', stop);
        ctx.stdout.once('error', stop);
        try {
          await followLogs({
            docker: env.docker,
            dataDir: env.dataDir,
            hostId: env.hostId,
            service,
            tail: n,
            signal: ac.signal,
            onLine: (l) => {
              if (!ac.signal.aborted) println(ctx.stdout, values.json ? JSON.stringify(l) : logLine(l, !!values.timestamps));
            },
          });
        } finally {
          ctx.stdout.off('close', stop);
          ctx.stdout.off('error', stop);
        }
        return EXIT.OK;
      }
      const r = await serviceLogs({ docker: env.docker, dataDir: env.dataDir, hostId: env.hostId, service, lines: n });
      if (values.json) println(ctx.stdout, JSON.stringify({ service, container: r.container, lines: r.lines }, null, 2));
      else for (const l of r.lines) println(ctx.stdout, logLine(l, !!values.timestamps));
      return EXIT.OK;
    } catch (e) {
      if (e instanceof UnknownServiceError) {
        println(ctx.stderr, `claude logs: ${e.message}`);
        println(ctx.stderr, '  run `claude services` to see the services');
        return EXIT.FAILURE;
      }
      if (engineUnreachable(e)) {
        println(ctx.stderr, `claude logs: ${engineDownMessage(e, ctx.env)}`);
        return EXIT.FAILURE;
      }
      throw e;
    }
  },
};

export default command;
