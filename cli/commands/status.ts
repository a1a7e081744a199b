/**
 * `claude status [--yaml | --json] [--state-dir DIR]`: the banner line
 * (`System: <host> | N services running | alerts`), then a short view (each service's state,
 * health and ports, the firewall, the jobs, the last apply, the alerts: agent/render/status.ts).
 * `--yaml` prints the whole state summary instead (the spec's YAML format, the same text the
 * LLM gets as context), `--json` the same as JSON. When the container engine cannot be
 * reached, one line on stderr instead, naming it (Docker, or containerd and its socket) and how
 * to start it (`--json` still gives the summary, with the alert).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from '../args.js';
import { FIREWALL_RECORD } from '../../plan/host-state.js';
import { EXIT, println, type Command } from '../context.js';
import { observeStatus } from '../../agent/observe-env.js';
import { banner } from '../../agent/render/observe.js';
import { FULL_STATUS_HINT, statusLines } from '../../agent/render/status.js';
import { trace } from '../../common/trace.js';

const usage = `usage: claude status [--yaml | --json] [--state-dir DIR]

Shows the current system state at a glance: each service's state, health and published
ports, the firewall, the scheduled jobs and how each last ran, the last apply, and the alerts.

  --yaml           the whole observed state instead: host, network, resources, services, recent
                   events, alerts, anomalies and the last log lines of each service (the text an
                   LLM provider gets as context)
  --json           print {"banner": {...}, "summary": {...}, "pending": …, "failing": …, "paused": …} (the summary's fields as
                   in the YAML; pending: the reconciler's plan waiting for approval; failing: the failure its passes keep
                   meeting; paused: its back-off after an apply that failed and rolled back)
  --state-dir DIR  the state dir, to compare with the desired state (default: $CLAUDE_STATE_DIR or /etc/claude.d)`;

const command: Command = {
  summary: 'show the current system state summary',
  usage,
  async run(ctx) {
    const { values } = parse(ctx.argv, { json: { type: 'boolean' }, yaml: { type: 'boolean' }, 'state-dir': { type: 'string' } }, false);
    if (values.json && values.yaml) {
      println(ctx.stderr, 'claude status: --yaml and --json are two forms of the same document; give one');
      return EXIT.USAGE;
    }
    const { env, summary, firewall } = await observeStatus(ctx, values['state-dir']);
    trace('status: observed');
    const d = summary.data;
    // The engine cannot be reached: one line naming it, its socket and how to start it, not a summary without services.
    const down = d.alerts.find((a) => a.message.startsWith('observer: docker: cannot reach '));
    if (down && !values.json) {
      println(ctx.stderr, `claude status: ${down.message.slice('observer: docker: '.length)}`);
      return EXIT.FAILURE;
    }
    const { readPending } = await import('../../agent/reconcile/pending.js');
    const p = readPending(env.dataDir);
    const failing = (await import('../../agent/reconcile/failing.js')).readFailing(env.dataDir);
    const { currentPause, pausedLine } = await import('../../agent/reconcile/paused.js');
    const paused = currentPause(env.dataDir);
    const pending = p ? { planId: p.planId, kind: p.kind, reason: p.reason, rule: p.rule, changedFiles: p.changedFiles, steps: p.steps, ...(p.drift ? { drift: p.drift } : {}), createdAt: p.createdAt, expiresAt: p.expiresAt } : null;
    if (values.json) {
      const running = d.services.filter((s) => s.state === 'running').length;
      println(ctx.stdout, JSON.stringify({ banner: { hostname: d.system.hostname, running, services: d.services.length, alerts: d.alerts.length }, summary: d, pending, failing, paused }, null, 2));
    } else {
      let short: string[] | undefined;
      if (values.yaml) println(ctx.stdout, banner(d));
      else {
        const [{ readAppliedRecord }, { readSchedule, readLastRuns }] = await Promise.all([import('../../runtime/state/applied.js'), import('../../runtime/jobs/store.js')]);
        const last = readLastRuns(env.dataDir);
        let jobs: { name: string; schedule: string; last?: (typeof last)[string] }[];
        try {
          jobs = readSchedule(env.dataDir).map((j) => ({ name: j.name, schedule: j.schedule, ...(last[j.name] ? { last: last[j.name] } : {}) }));
        } catch (e) {
          println(ctx.stderr, `claude status: ${(e as Error).message}`);
          jobs = [];
        }
        short = statusLines({ summary: d, firewallLoaded: existsSync(join(env.dataDir, FIREWALL_RECORD)), lastApply: readAppliedRecord(env.dataDir), jobs, now: ctx.now(), ...(firewall !== undefined ? { firewall } : {}) });
        for (const l of short) println(ctx.stdout, l);
      }
      if (pending) {
        println(ctx.stdout);
        println(ctx.stdout, `Pending approval: plan ${pending.planId} (${pending.kind === 'drift' ? 'corrects drift' : `changes ${pending.changedFiles.join(', ')}`}), ${pending.steps.length} step${pending.steps.length === 1 ? '' : 's'}, since ${pending.createdAt}`);
        println(ctx.stdout, `  why: ${pending.reason}`);
        for (const st of pending.steps) println(ctx.stdout, `  - ${st}`);
        println(ctx.stdout, '  review and apply it with: claude apply');
      }
      if (failing) {
        println(ctx.stdout);
        println(ctx.stdout, `Reconciler failing (${failing.stage}): ${failing.passes} pass${failing.passes === 1 ? '' : 'es'} in a row since ${failing.since}, the last at ${failing.lastAt}`);
        println(ctx.stdout, `  ${failing.title}`);
        for (const pr of failing.problems) println(ctx.stdout, `  ${pr.replace(/\n/g, '\n  ')}`);
      }
      if (paused) {
        println(ctx.stdout);
        println(ctx.stdout, pausedLine(paused).replace(/^./, (c) => c.toUpperCase()));
        println(ctx.stdout, `  plan ${paused.planId}, failing since ${paused.since}; the reconciler tries it again then (\`claude reconcile\` tries it now)`);
      }
      println(ctx.stdout);
      if (short) println(ctx.stdout, FULL_STATUS_HINT);
      else ctx.stdout.write(summary.yaml);
    }
    trace('status: shown');
    return d.alerts.some((a) => a.message.startsWith('observer: docker')) ? EXIT.FAILURE : EXIT.OK;
  },
};

export default command;
