/**
 * `claude events [--since DURATION|TIME] [--json]`: container events (start, stop, die with
 * its exit code, oom, health_status) and the runtime's reconcile events, oldest first.
 */
import { parse } from '../args.js';
import { EXIT, UsageError, println, type Command } from '../context.js';
import { observeEnv } from '../../agent/observe-env.js';
import { eventLine } from '../../agent/render/observe.js';
import { recentEvents } from '../../runtime/observe/index.js';
import { parseSince } from '../../runtime/observe/events.js';

const usage = `usage: claude events [--since DURATION|TIME] [--json]

Shows recent events: container start, stop, die (with exit code), oom, kill and health
changes from the Docker Engine, and the runtime's reconcile.* events (applies, steps,
rollbacks). Without --since: the last 100 events plus everything from the last 24 hours.

  --since D   only events after D: a duration before now (30s, 15m, 2h, 1d, 1h30m)
              or a time (2025-01-11T10:00:00Z, 2025-01-11)
  --json      print {"events": [{time, type, source, container, service, exitCode, detail, planId}], "errors": []}`;

const command: Command = {
  summary: 'show recent events (containers and applies)',
  usage,
  async run(ctx) {
    const { values } = parse(ctx.argv, { since: { type: 'string' }, json: { type: 'boolean' } }, false);
    let since: Date | undefined;
    if (values.since !== undefined) {
      const d = parseSince(values.since, ctx.now());
      if (!d) throw new UsageError(`--since '${values.since}' is neither a duration (30s, 15m, 2h, 1d) nor a time (2025-01-11T10:00:00Z)`);
      since = d;
    }
    const env = await observeEnv(ctx);
    const r = await recentEvents({ docker: env.docker, dataDir: env.dataDir, now: ctx.now, hostId: env.hostId, ...(since ? { since } : {}) });
    if (values.json) println(ctx.stdout, JSON.stringify({ events: r.events, errors: r.errors }, null, 2));
    else {
      if (r.events.length === 0) println(ctx.stdout, 'No events.');
      for (const e of r.events) println(ctx.stdout, eventLine(e));
      for (const e of r.errors) println(ctx.stderr, `claude events: ${e}`);
    }
    return r.errors.length > 0 && r.events.length === 0 ? EXIT.FAILURE : EXIT.OK;
  },
};

export default command;
