/**
 * `claude notifications [--since D] [-n N] [--json]`: the notifications the reconciler, the
 * observer and the scheduled jobs sent (runtime/notify), oldest first.
 */
import { parse } from '../args.js';
import { EXIT, UsageError, println, type Command } from '../context.js';
import { resolvePaths } from '../../common/paths.js';
import { parseSince } from '../../runtime/observe/events.js';
import { listNotifications } from '../../runtime/notify/index.js';

const usage = `usage: claude notifications [--since DURATION|TIME] [-n N] [--json]

The notifications sent by the reconciler (invalid state files, drift, plans waiting for
approval, applies), the observer (anomalies: crash loop, OOM, disk, …) and scheduled jobs
(on_failure / on_success), oldest first. They also go to the event log, the API
(GET /api/v1/notifications) and, when manifest.yaml sets notifications.webhook, a webhook.

  --since D   only after D: a duration before now (30s, 15m, 2h, 1d) or a time
  -n N        the newest N (default 50)
  --json      print {"notifications": [{id, time, source, kind, severity, title, detail, service, planId}]}`;

const command: Command = {
  summary: 'show the notifications (reconciler, observer anomalies, scheduled jobs)',
  usage,
  async run(ctx) {
    const { values } = parse(ctx.argv, { since: { type: 'string' }, n: { type: 'string', short: 'n' }, json: { type: 'boolean' } }, false);
    let sinceMs: number | undefined;
    if (values.since !== undefined) {
      const d = parseSince(values.since, ctx.now());
      if (!d) throw new UsageError(`--since '${values.since}' is neither a duration (30s, 15m, 2h, 1d) nor a time (2025-01-11T10:00:00Z)`);
      sinceMs = d.getTime();
    }
    const limit = values.n === undefined ? 50 : Number(values.n);
    if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`-n must be a positive integer, not '${values.n}'`);
    const { dataDir } = resolvePaths(ctx.env, ctx.cwd);
    const list = listNotifications(dataDir, { limit, ...(sinceMs !== undefined ? { sinceMs } : {}) });
    if (values.json) {
      println(ctx.stdout, JSON.stringify({ notifications: list }, null, 2));
      return EXIT.OK;
    }
    if (list.length === 0) println(ctx.stdout, 'No notifications.');
    for (const n of list) {
      println(ctx.stdout, `${n.time.replace('T', ' ').replace(/\.\d+Z$/, 'Z')}  ${n.severity.padEnd(8)} ${n.source.padEnd(10)} ${n.kind}: ${n.title}`);
      for (const d of n.detail ?? []) for (const l of d.split('\n')) println(ctx.stdout, `    ${l}`);
    }
    return EXIT.OK;
  },
};

export default command;
