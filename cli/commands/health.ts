/**
 * `claude health [--json] [--right-size [--yes] [--out FILE]] [--state-dir DIR]`: a health
 * score and predictions with their evidence (agent/health.ts, runtime/observe/predict.ts),
 * and right-sized memory and CPU limits proposed as an ordinary signed plan. See docs/health.md.
 */
import { writeFileSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { parse } from '../args.js';
import { EXIT, UsageError, println, type Command, type CommandContext } from '../context.js';
import { healthOf, rightSizeProposal, type RightSizeProposal } from '../../agent/health.js';
import type { HealthReport } from '../../runtime/observe/health.js';
import { bytesText, durationText, type Prediction } from '../../runtime/observe/predict.js';
import { safeText } from '../../agent/render/observe.js';

const usage = `usage: claude health [--json] [--right-size [--yes] [--out FILE]] [--state-dir DIR]

A health score (0-100) and predictions, each with its evidence and a confidence:
when each disk fills up (a trend over the last 24 h), services whose memory grows
steadily (a likely leak) and when they reach their limit, crash-loop risk, certificate
expiry, backup freshness, CPU/memory/I/O pressure (PSI) and CPU throttling. Trends need
an hour of metrics from the observer (claude observe --serve); until then they say
"not enough data yet".

  --right-size   propose memory and CPU limits from the last 24 h (headroom over the
                 p99 / p95, never below the observed peak), as a plan to approve
  --yes          apply the right-sizing plan without asking
  --out FILE     write the signed right-sizing plan to FILE instead (claude show / apply)
  --json         print the report (and the right-sizing proposal) as JSON
  --state-dir DIR  the state dir (default: $CLAUDE_STATE_DIR or /etc/claude.d)

Exit status: 0 no risk found (or the plan applied / written); 1 a risk was found or
the plan failed; 2 usage error; 130 cancelled with Ctrl-C at the prompt.`;

const MARK = { critical: '✗', warning: '⚠', info: '·' } as const;

function predictionLines(p: Prediction): string[] {
  if (p.status === 'ok') return [`  ✓ ${safeText(p.summary)}`];
  if (p.status === 'unknown') return [`  ? ${p.kind} ${safeText(p.subject)}: ${safeText(p.summary)}`];
  return [`  ${MARK[p.severity]} ${safeText(p.summary)}  (confidence ${p.confidence})`, ...p.evidence.map((e) => `      ${safeText(e)}`)];
}

export function healthText(r: HealthReport): string[] {
  const out = [`Health: ${r.score}/100 (${r.grade}) · ${r.historyS > 0 ? `${durationText(r.historyS)} of metrics history` : 'no metrics history yet (start the observer: claude observe --serve)'}`];
  const risks = r.predictions.filter((p) => p.status === 'risk');
  const unknown = r.predictions.filter((p) => p.status === 'unknown');
  const ok = r.predictions.filter((p) => p.status === 'ok');
  out.push('', risks.length ? 'Risks:' : 'Risks: none found');
  for (const p of risks) out.push(...predictionLines(p));
  if (unknown.length) {
    out.push('', 'Not enough data yet:');
    for (const p of unknown) out.push(...predictionLines(p));
  }
  if (ok.length) {
    out.push('', 'Fine:');
    for (const p of ok) out.push(...predictionLines(p));
  }
  const psi = r.host.pressure;
  if (psi.cpu || psi.memory || psi.io) {
    const f = (k: 'cpu' | 'memory' | 'io') => (psi[k] ? `${k} ${psi[k]!.some.avg10}/${psi[k]!.some.avg60}/${psi[k]!.some.avg300}%` : `${k} n/a`);
    out.push('', `Pressure (stalled share, 10 s/60 s/300 s): ${f('cpu')} · ${f('memory')} · ${f('io')} · load ${r.host.load1} on ${r.host.cores} cores`);
  }
  for (const e of r.errors) out.push(`(could not read: ${safeText(e)})`);
  return out;
}

export function rightSizeText(p: RightSizeProposal): string[] {
  const out = ['', 'Right-sizing from the last 24 h:'];
  for (const s of p.sizes) {
    const parts: string[] = [];
    if (s.memory) parts.push(`memory ${s.memory.currentBytes !== undefined ? bytesText(s.memory.currentBytes) : 'unlimited'} → ${bytesText(s.memory.suggestedBytes)} (peak ${bytesText(s.memory.peakBytes)}, p99 ${bytesText(s.memory.p99Bytes)})`);
    if (s.cpu) parts.push(`cpu ${s.cpu.currentCores ?? 'unlimited'} → ${s.cpu.suggestedCores} (peak ${s.cpu.peakCores}, p95 ${s.cpu.p95Cores})`);
    out.push(`  ${safeText(s.service)}: ${parts.length ? parts.join(' · ') : 'no change'}${s.notes.length ? `  (${s.notes.map(safeText).join('; ')})` : ''}`);
  }
  if (p.sizes.length === 0) out.push('  no running services');
  return out;
}

async function applyRightSize(ctx: CommandContext, p: RightSizeProposal, o: { yes: boolean; out?: string; stateDirFlag?: string }): Promise<number> {
  const { resolvePaths } = await import('../../common/paths.js');
  const { openFlowHost, planFiles, stateHeadOf } = await import('../../agent/flow.js');
  const paths = resolvePaths(ctx.env, ctx.cwd, o.stateDirFlag);
  if (o.out) {
    const host = await openFlowHost(paths);
    const planned = await planFiles(host, p.files, { request: 'right-size my services', engine: 'diagnose', base: await stateHeadOf(paths.stateDir), now: ctx.now(), env: ctx.env });
    if (!planned.ok) {
      for (const l of planned.problems) println(ctx.stderr, l);
      println(ctx.stderr, 'claude: the right-sizing plan cannot be made; nothing was changed.');
      return EXIT.FAILURE;
    }
    const file = resolvePath(ctx.cwd, o.out);
    writeFileSync(file, planned.planned.envelopeText);
    println(ctx.stdout, `\nWrote the signed plan (${planned.planned.payload.steps.length} steps) to ${file}; review it with \`claude show ${o.out}\`, apply it with \`claude apply ${o.out}\`.`);
    return EXIT.OK;
  }
  if (!o.yes) {
    if (!ctx.isTTY) {
      println(ctx.stdout, '\nTo apply it, run again with --yes, or write the plan with --out plan.json.');
      return EXIT.FAILURE;
    }
    const { lineReader } = await import('../prompt.js');
    const reader = ctx.reader ?? lineReader(ctx, { terminal: ctx.isTTY, promptTypedAhead: false });
    const { askApproval } = await import('../answers.js');
    let answer: string;
    try {
      answer = (await askApproval(reader, '\nApply these limits? [yes/no] ', { modify: false })).answer;
    } finally {
      if (reader !== ctx.reader) reader.close();
    }
    if (answer !== 'yes') {
      println(ctx.stdout, 'Nothing was changed.');
      return EXIT.FAILURE;
    }
  }
  const { applyStateFiles } = await import('../troubleshoot.js');
  const services = p.sizes.filter((s) => s.memory || s.cpu).map((s) => s.service);
  const r = await applyStateFiles(ctx, p.files, { request: 'right-size my services', verifyServices: services, ...(o.stateDirFlag ? { stateDirFlag: o.stateDirFlag } : {}) });
  return r.ok ? EXIT.OK : EXIT.FAILURE;
}

/** `claude health` for a message ("when will the disk be full?", "right-size my services"). */
export async function runHealth(ctx: CommandContext, o: { json?: boolean; rightSize?: boolean; yes?: boolean; out?: string; stateDirFlag?: string }): Promise<number> {
  const { report, store } = await healthOf(ctx, o.stateDirFlag ? { stateDirFlag: o.stateDirFlag } : {});
  const proposal = o.rightSize ? await rightSizeProposal(ctx, { store, ...(o.stateDirFlag ? { stateDirFlag: o.stateDirFlag } : {}) }) : null;
  if (o.json) {
    const { files: _files, ...rest } = proposal ?? { files: null };
    println(ctx.stdout, JSON.stringify({ ...report, ...(proposal ? { rightSize: rest } : {}) }, null, 2));
    if (!proposal || !proposal.changed || (!o.yes && !o.out)) return report.predictions.some((p) => p.status === 'risk') ? EXIT.FAILURE : EXIT.OK;
  } else {
    for (const l of healthText(report)) println(ctx.stdout, l);
  }
  if (!proposal) return report.predictions.some((p) => p.status === 'risk') ? EXIT.FAILURE : EXIT.OK;
  if (!o.json) for (const l of rightSizeText(proposal)) println(ctx.stdout, l);
  for (const pr of proposal.problems) println(ctx.stderr, `claude: ${pr}`);
  if (!proposal.changed) {
    if (!o.json) println(ctx.stdout, '\nNothing to change: every limit already fits (or there is not enough data yet).');
    return proposal.problems.length ? EXIT.FAILURE : EXIT.OK;
  }
  return applyRightSize(ctx, proposal, { yes: o.yes === true, ...(o.out ? { out: o.out } : {}), ...(o.stateDirFlag ? { stateDirFlag: o.stateDirFlag } : {}) });
}

const command: Command = {
  summary: 'health score, predictions (disk full, memory leaks, crash loops, …) and right-sizing',
  usage,
  async run(ctx) {
    const { values, positionals } = parse(ctx.argv, {
      json: { type: 'boolean' },
      'right-size': { type: 'boolean' },
      yes: { type: 'boolean', short: 'y' },
      out: { type: 'string' },
      'state-dir': { type: 'string' },
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
    if ((values.yes || values.out) && !values['right-size']) throw new UsageError('--yes and --out go with --right-size');
    return runHealth(ctx, {
      json: values.json ?? false,
      rightSize: values['right-size'] ?? false,
      yes: values.yes ?? false,
      ...(values.out ? { out: values.out } : {}),
      ...(values['state-dir'] ? { stateDirFlag: values['state-dir'] } : {}),
    });
  },
};

export default command;
