/**
 * Renders a plan for people: the spec's "Proposed Changes" box, one terraform-style line
 * per step, warnings for security and destructive steps, the exposure map, and the
 * signatures with their trust and the policy. Pure (a report in, text out), so its output
 * is golden-tested (compiler/__golden__/show-*.txt).
 *
 * It lives in plan/, not compiler/, because a device shows the plan it is asked to apply and
 * a device's CLI loads without the compiler (`claude apply PLAN.json`, `claude rollback`;
 * test/runtime-cli.test.ts). compiler/show.ts re-exports it.
 */
import { compareCodePoints } from '../common/order.js';
import type { PlanReport } from './inspect.js';
import type { PlanPayload, PlanStep } from './types.js';
import { confirmNotes, evaluatePolicy } from './policy.js';
import type { PlanReview, ResourceChange } from './review.js';

/** `+` create/start, `~` change/stop (and limits changed in place), `-` remove, `-/+` replace. */
export function stepSymbol(s: PlanStep): string {
  switch (s.op) {
    case 'container.replace':
      return s.params.limitsOnly ? '~' : '-/+';
    case 'network.remove':
    case 'volume.remove':
    case 'container.remove':
    case 'firewall.remove':
    case 'mount.remove':
      return '-';
    case 'mount.apply':
      return s.inverse?.op === 'mount.apply' ? '~' : '+';
    case 'container.stop':
    case 'host.apply':
    case 'schedule.apply':
    case 'firewall.apply':
      return '~';
    case 'volume.create':
      return s.inverse?.op === 'volume.create' ? '~' : '+';
    case 'network.create':
      return s.phase === 4 ? '-/+' : '+';
    default:
      return '+';
  }
}

/**
 * Splits a line into pieces of at most `width` characters at spaces; continuation lines are
 * indented past the line's own indentation (a field line under a service stays under it).
 */
export function wrap(line: string, width: number, indent = '  '): string[] {
  if (line.length <= width) return [line];
  const lead = /^ */.exec(line)![0];
  const out: string[] = [];
  let cur = lead;
  for (const word of line.slice(lead.length).split(' ')) {
    const next = cur.trim() ? `${cur} ${word}` : cur + word;
    if (next.length > width && cur.trim()) {
      out.push(cur);
      cur = lead + indent + word;
    } else cur = next;
  }
  if (cur.trim()) out.push(cur);
  return out;
}

export function box(title: string, lines: readonly string[], minWidth = 61, maxWidth = 77): string[] {
  // in loops, not flatMap, a spread into Math.max and one into the result: the box of 10,000
  // services has 10,000 lines (docs/plans.md, "Session 33")
  const width = maxWidth - 2;
  const wrapped: string[] = [];
  let inner = Math.max(minWidth, title.length + 2);
  for (const l of lines) {
    if (l.length <= width) {
      wrapped.push(l);
      if (l.length + 2 > inner) inner = l.length + 2;
    } else {
      for (const w of wrap(l, width)) {
        wrapped.push(w);
        if (w.length + 2 > inner) inner = w.length + 2;
      }
    }
  }
  // the padding of each width made once
  const pads: string[] = [];
  const row = (t: string) => {
    const n = inner - 1 - t.length;
    return `│ ${t}${(pads[n] ??= ' '.repeat(n))}│`;
  };
  const out = ['┌' + '─'.repeat(inner) + '┐', row(title), '├' + '─'.repeat(inner) + '┤'];
  for (const l of wrapped) out.push(row(l));
  out.push('└' + '─'.repeat(inner) + '┘');
  return out;
}

interface Display {
  overview?: string[];
  changes?: string[];
  exposure?: { service: string; port: number; protocol: string; allowedFrom: string[]; note?: string }[];
  kept?: string[];
  warnings?: string[];
  /** The firewall lock-out gate's notes ("Current connection from 10.0.1.50 will remain active"), when the plan changes the firewall. */
  lockout?: string[];
  /** What the plan's security.yaml change does, one line each ("user bob added"; agent/security-changes.ts). */
  security?: string[];
}

function plural(n: number, w: string): string {
  return `${n} ${w}${n === 1 ? '' : 's'}`;
}

/**
 * What a service field is when services.yaml does not set it: the compiler's DEFAULTS
 * (compiler/resolve.ts), as text; compiler/show.test.ts checks the two agree.
 */
export const SERVICE_DEFAULTS: Readonly<Record<string, string>> = { replicas: '1', state: 'running', enabled: 'true', restart: 'unless-stopped' };

/**
 * A field change as a box line: `    replicas: 1 → 3`. A side that is not set reads as the
 * default when there is one (`replicas: 1 (default) → 3`), else as added or removed
 * (`environment.LOG_LEVEL: debug (added)`, `labels.tier: web (removed)`).
 */
function fieldLine(f: { field: string; old: string | null; new: string | null }, kind?: string): string {
  const dflt = kind === 'service' ? SERVICE_DEFAULTS[f.field] : undefined;
  if (f.old === null && f.new !== null) return dflt !== undefined ? `    ${f.field}: ${dflt} (default) → ${f.new}` : `    ${f.field}: ${f.new} (added)`;
  if (f.new === null && f.old !== null) return dflt !== undefined ? `    ${f.field}: ${f.old} → ${dflt} (default)` : `    ${f.field}: ${f.old} (removed)`;
  return `    ${f.field}: ${f.old ?? '(not set)'} → ${f.new ?? '(not set)'}`;
}

/** Resource kinds whose changes the planner's overview does not already list by name. */
const REVIEW_KINDS = new Set(['user', 'group', 'SSH key', 'job', 'secret', 'certificate', 'mount', 'interface']);

/**
 * The planner's overview lines with the review's field changes (plan/review.ts) woven in:
 * under each changed service its fields old → new; a changed service the overview does not
 * list (only its other replicas change) gets its own line; other named resources (users,
 * jobs, …) that the plan changes get a line each.
 */
function withReview(overview: string[], review: PlanReview, steps: readonly PlanStep[]): string[] {
  const lines = [...overview];
  const mark = (r: ResourceChange) => (r.action === 'create' ? '+' : r.action === 'delete' ? '-' : '~');
  const extra: string[] = backupLines(review, steps);
  for (const r of review.resources) {
    if (r.steps.length === 0) continue; // nothing on the system carries it out
    if (r.kind === 'service') {
      if (r.action !== 'update' || r.fields.length === 0) continue;
      const at = lines.findIndex((l) => new RegExp(`^[~+-]+ ${r.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}( |$)`).test(l));
      const fields = r.fields.map((f) => fieldLine(f, r.kind));
      if (at >= 0) lines.splice(at + 1, 0, ...fields);
      else extra.push(`~ ${r.name}`, ...fields);
    } else if (REVIEW_KINDS.has(r.kind)) {
      extra.push(`${mark(r)} ${r.kind} ${r.name}`, ...(r.action === 'update' ? r.fields.map((f) => fieldLine(f, r.kind)) : []));
    }
  }
  if (extra.length) {
    // after the service lines, before the Storage/Network/firewall paragraphs
    const blank = lines.indexOf('');
    lines.splice(blank < 0 ? lines.length : blank, 0, ...extra);
  }
  return lines;
}

/**
 * The whole `claude show` text for a payload and (optionally) its verification report. With
 * a review (plan/review.ts planReview, against the state files at the plan's base), the
 * box also names what changes in each changed service and resource, old → new.
 */
export function renderPlan(payload: PlanPayload, report?: PlanReport, review?: PlanReview): string {
  return [...renderPlanLines(payload, report, review)].join('\n') + '\n';
}

/**
 * `renderPlan`'s lines (without their newline), one at a time: a plan of 10,000 services is
 * 90,000 lines (8 MB), which `claude plan` writes as they come instead of holding them and
 * their joined text at once (docs/plans.md, "What a real `claude plan` costs").
 */
export function* renderPlanLines(payload: PlanPayload, report?: Pick<PlanReport, 'signatures' | 'payload' | 'policy'>, review?: PlanReview): Generator<string> {
  const d = (payload.display ?? {}) as Display;
  // A plan that only changes security.yaml (a secret, a user, a key, a certificate) has no
  // step, but it is a change, confirmed at apply: said as one, never "No Changes".
  const fileOnly = payload.steps.length === 0 ? confirmNotes(payload) : [];
  const security = payload.steps.some((s) => s.risk === 'security') || fileOnly.length > 0;
  const title = payload.steps.length === 0 && fileOnly.length === 0 ? 'No Changes' : security ? 'Proposed Changes (security-sensitive)' : 'Proposed Changes';
  const base = d.overview?.length ? [...d.overview] : [];
  const overview = review && payload.steps.length ? withReview(base, review, payload.steps) : base;
  for (const n of fileOnly) overview.push(`⚠ ${n}`);
  if (d.security?.length) {
    if (!fileOnly.length) overview.push(...(overview.length ? [''] : []), 'security.yaml:');
    for (const l of d.security) overview.push(`  • ${l}`);
  }
  if (overview.length === 0 && payload.steps.length === 0) overview.push('The system already matches the state files.');
  const sec = payload.steps.filter((s) => s.risk === 'security' || s.risk === 'destructive');
  if (sec.length) {
    if (overview.length) overview.push('');
    for (const s of sec) overview.push(`⚠ ${s.risk === 'destructive' ? 'DESTRUCTIVE: ' : ''}${s.description}`);
  }
  for (const k of d.kept ?? []) overview.push(`Kept: ${k} is no longer declared; its data stays`);
  if (d.lockout?.length) {
    if (overview.length) overview.push('');
    overview.push(...d.lockout);
  }
  yield* box(title, overview);
  yield* headerLines(payload);
  if (payload.steps.length) {
    yield `Steps (${payload.steps.length}, in order; each starts once the steps it depends on are done):`;
    const w = Math.max(...payload.steps.map((s) => stepSymbol(s).length));
    // The groups a person sees are numbered 1, 2, 3 … in order, whatever phases are empty
    // (the phase numbers went 1, 2, 3, 6 when there was nothing to stop or to firewall).
    let phase = 0;
    let group = 0;
    for (const s of payload.steps) {
      if (s.phase !== phase) {
        phase = s.phase;
        yield `  ${++group} ${PHASES[phase] ?? `phase ${phase}`}`;
      }
      const risk = s.risk === 'safe' ? '' : `  [${s.risk}]`;
      yield `    ${stepSymbol(s).padStart(w)} ${s.description}${risk}`;
      // Every job's command, in full: a reviewer sees what will run on a schedule.
      if (s.op === 'schedule.apply') {
        for (const j of (s.params as { jobs?: ReviewedJob[] }).jobs ?? []) yield `      ${jobLine(j)}`;
      }
    }
    yield '';
  }
  yield* trailerLines(payload, report, Infinity);
}

/** The plan's id, request, clock and base, between the box and the steps (renderPlanLines and the summary). */
function* headerLines(payload: PlanPayload): Generator<string> {
  yield '';
  yield `Plan ${payload.id} for host ${payload.hostId}`;
  yield `  request:  ${payload.request}`;
  yield `  made:     ${payload.createdAt} by ${payload.provenance.engine}${payload.provenance.model ? ` (${payload.provenance.model})` : ''}, compiler ${payload.provenance.compilerVersion}`;
  yield `  expires:  ${payload.expiresAt}`;
  yield `  base:     state ${payload.base.stateCommit ? payload.base.stateCommit.slice(0, 12) : '(no commit yet)'}, fingerprint ${payload.base.fingerprint.slice(0, 16)}… over ${plural(Object.keys(payload.base.resources).length, 'resource')}`;
  yield '';
}

/** `items` up to `cap`, then one line saying how many more the review file holds. */
function* capped<T>(items: readonly T[], cap: number, line: (t: T) => string, indent = '  '): Generator<string> {
  const n = Math.min(items.length, cap);
  for (let i = 0; i < n; i++) yield line(items[i]!);
  if (items.length > n) yield `${indent}… and ${count(items.length - n)} more (in the full review)`;
}

/**
 * After the steps: the plan's counts, its warnings, the exposure map, the signatures and the
 * policy. `cap`: the most warnings and exposure lines shown (Infinity: all, as `claude show`).
 */
function* trailerLines(payload: PlanPayload, report: Pick<PlanReport, 'signatures' | 'payload' | 'policy'> | undefined, cap: number): Generator<string> {
  const d = (payload.display ?? {}) as Display;
  const sm = payload.summary;
  const risks = (['safe', 'disruptive', 'destructive', 'security'] as const).filter((r) => sm.byRisk[r]).map((r) => `${sm.byRisk[r]} ${r}`);
  yield `Plan: ${sm.create} to create, ${sm.update} to change, ${sm.delete} to delete${risks.length ? ` (steps: ${risks.join(', ')})` : ''}.`;
  const warnings = payload.steps.filter((s) => s.risk === 'security' || s.risk === 'destructive');
  const other = (d.warnings ?? []).filter((w) => !w.startsWith('security: ') && !w.startsWith('destructive: '));
  const notes = confirmNotes(payload);
  if (warnings.length || other.length || notes.length) {
    yield '';
    yield 'Warnings:';
    yield* capped(warnings, cap, (s) => (s.risk === 'destructive' ? `  ⚠ DESTRUCTIVE: ${s.description}: this deletes data and cannot be undone` : `  ⚠ SECURITY: ${s.description}`));
    for (const n of notes) yield `  ⚠ SECURITY: ${n}`;
    yield* capped(other, cap, (w) => `  ⚠ ${w}`);
  }
  if (d.exposure?.length) {
    yield '';
    yield 'Exposure (published ports, from where a new connection gets through):';
    yield* capped(d.exposure, cap, (e) => `  ${e.service} ${e.port}/${e.protocol} ← ${e.allowedFrom.join(', ')}${e.note ? ` (${e.note})` : ''}`);
  }
  yield '';
  if (report) {
    yield `Signatures (${report.signatures.length}):`;
    if (report.signatures.length === 0) yield '  (none: the plan is unsigned)';
    for (const s of report.signatures) {
      const who = s.role ? `${s.role} '${s.name ?? '?'}'` : 'unknown key';
      const st = s.status === 'valid' ? '✓ valid, trusted' : s.status === 'unknown-key' ? '? not trusted here (cannot check)' : s.status === 'duplicate' ? '✗ keyid listed twice' : '✗ does not verify';
      yield `  ${s.keyid.slice(0, 16)}…  ${who}: ${st}`;
    }
    // the report's own when it is of this payload (inspectPlan evaluated it for the same signers)
    const pol = report.payload === payload && report.policy ? report.policy : evaluatePolicy(payload, report.signatures.filter((s) => s.status === 'valid').map((s) => s.role!));
    yield 'Policy:';
    for (const l of pol.lines) yield `  ${l}`;
    for (const m of pol.missingSignatures) yield `  missing: ${m}`;
  }
}

/** A count with its thousands grouped by commas (10,000), the same in every locale. */
function count(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * The most steps a plan has for `claude plan` to print its whole review; above it, the command
 * prints renderPlanSummaryLines and writes the whole review to a file beside the plan
 * (docs/plans.md, "What `claude plan` prints for a large plan"). 200 steps is about 60 services
 * changed, a few screens; 10,000 services are 30,000 steps and 90,000 lines (8 MB).
 */
export const SUMMARY_OVER_STEPS = 200;

/** The most security/destructive lines, warnings and exposure lines the summary shows; the rest are counted. */
export const SUMMARY_CAP = 10;

/**
 * What `claude plan` prints for a plan over SUMMARY_OVER_STEPS steps, instead of the whole
 * review (which it writes to `reviewFile`, `reviewLines` lines): the box with the changed
 * resources counted by kind and action with each kind's highest step risk, how many steps are
 * destructive or security-sensitive, the confirmation notes and the firewall lock-out notes in
 * full; then the plan's id and base, its counts, its warnings and
 * exposure (the first SUMMARY_CAP of each, then a count; the destructive and security steps are
 * named there), the signatures and the policy in full, as renderPlanLines has them, and
 * where the whole review is.
 */
export function* renderPlanSummaryLines(payload: PlanPayload, report: Pick<PlanReport, 'signatures' | 'payload' | 'policy'> | undefined, review: PlanReview, o: { reviewFile: string; reviewLines: number; planFile: string }): Generator<string> {
  const d = (payload.display ?? {}) as Display;
  const fileOnly = payload.steps.length === 0 ? confirmNotes(payload) : [];
  const security = payload.steps.some((s) => s.risk === 'security') || fileOnly.length > 0;
  const title = `${security ? 'Proposed Changes (security-sensitive)' : 'Proposed Changes'}: ${count(review.resources.length)} resources, ${count(payload.steps.length)} steps`;
  // by kind, in the order kinds first appear in the review (its resources are in file and name order)
  const kinds = new Map<string, { create: number; update: number; delete: number; risk: number }>();
  for (const r of review.resources) {
    let k = kinds.get(r.kind);
    if (!k) kinds.set(r.kind, (k = { create: 0, update: 0, delete: 0, risk: -1 }));
    k[r.action]++;
    const rank = r.risk === null ? -1 : RISK_RANK[r.risk];
    if (rank > k.risk) k.risk = rank;
  }
  const rows: string[][] = [['', 'create', 'change', 'delete', 'risk']];
  for (const [kind, k] of kinds) rows.push([kind, count(k.create), count(k.update), count(k.delete), k.risk < 0 ? '-' : RISKS[k.risk]!]);
  if (review.otherSteps.length) rows.push(['other steps', '', count(review.otherSteps.length), '', RISKS[Math.max(...review.otherSteps.map((s) => RISK_RANK[s.risk]))]!]);
  const w = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const lines = rows.map((r) => r.map((v, c) => (c === 0 ? v.padEnd(w[c]!) : v.padStart(w[c]!))).join('  ').trimEnd());
  for (const n of fileOnly) lines.push(`⚠ ${n}`);
  if (d.security?.length) {
    lines.push('', 'security.yaml:');
    for (const l of capped(d.security, SUMMARY_CAP, (x) => `  • ${x}`)) lines.push(l);
  }
  // the steps themselves are under Warnings (the first SUMMARY_CAP of each kind)
  const destructive = payload.summary.byRisk.destructive ?? 0;
  const securitySteps = payload.summary.byRisk.security ?? 0;
  if (destructive || securitySteps) lines.push('');
  if (destructive) lines.push(`⚠ ${count(destructive)} DESTRUCTIVE step${destructive === 1 ? '' : 's'}: data is deleted and cannot be undone`);
  if (securitySteps) lines.push(`⚠ ${count(securitySteps)} security-sensitive step${securitySteps === 1 ? '' : 's'}`);
  const kept = d.kept ?? [];
  for (const l of capped(kept, SUMMARY_CAP, (k) => `Kept: ${k} is no longer declared; its data stays`, '')) lines.push(l);
  if (d.lockout?.length) lines.push('', ...d.lockout);
  yield* box(title, lines);
  yield* headerLines(payload);
  yield* trailerLines(payload, report, SUMMARY_CAP);
  yield '';
  yield `The full review (${count(o.reviewLines)} lines, every resource with its fields and every step): ${o.reviewFile}`;
  yield `  (\`claude show ${o.planFile}\` prints it too; \`claude plan --full\` prints it instead of this summary)`;
}

const RISKS = ['safe', 'disruptive', 'security', 'destructive'] as const;
const RISK_RANK: Record<PlanStep['risk'], number> = { safe: 0, disruptive: 1, security: 2, destructive: 3 };

/** What each phase of the plan does (generated/plan.ts PlanStep.phase); show numbers the groups it prints. */
const PHASES: Record<number, string> = {
  1: 'networks',
  2: 'volumes',
  3: 'images',
  4: 'stop',
  5: 'firewall and host',
  6: 'start (depends_on order)',
  7: 'prune',
};

interface ReviewedJob {
  name: string;
  schedule: string;
  command: string[];
  container?: string;
  image?: string;
  backup?: { volume: string; type: string; engine?: string; services?: string[]; retain?: number; destination?: string };
}

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/**
 * A cron schedule in words, for the shapes a person asks for ("every day at 02:00", "every
 * Sunday at 03:30", "on day 1 of every month at 04:00", "every hour at minute 15"); null for
 * any other expression (it is then shown as it is).
 */
export function cronWords(expr: string): string | null {
  const f = expr.trim().split(/\s+/);
  if (f.length !== 5) return null;
  const [mi, h, dom, mon, dow] = f as [string, string, string, string, string];
  const num = (s: string, max: number) => /^\d{1,2}$/.test(s) && Number(s) <= max;
  if (!num(mi, 59) || mon !== '*') return null;
  if (h === '*') return dom === '*' && dow === '*' ? `every hour at minute ${Number(mi)}` : null;
  if (!num(h, 23)) return null;
  const at = `at ${h.padStart(2, '0')}:${mi.padStart(2, '0')}`;
  if (dom === '*' && dow === '*') return `every day ${at}`;
  if (dom === '*' && num(dow, 7)) return `every ${WEEKDAYS[Number(dow) % 7]} ${at}`;
  if (dow === '*' && num(dom, 31) && dom !== '0') return `on day ${Number(dom)} of every month ${at}`;
  return null;
}

/** How a backup is made, as a reviewer reads it ("postgres dump", "snapshot, web paused"). */
function backupHow(b: NonNullable<ReviewedJob['backup']>): string {
  return b.type === 'dump' ? `${b.engine ?? 'database'} dump` : b.type === 'snapshot' ? `snapshot, ${(b.services ?? []).join(', ') || 'no service'} paused` : b.type;
}

/**
 * The box's lines for the volume backups the plan adds, changes or drops: a volume whose
 * `backup` changes in storage.yaml, or every backup when manifest.yaml's `backup` defaults
 * change; each with its schedule (in words and as cron), how it is made, where it goes and
 * how many are kept, from the schedule table the plan installs (the defaults filled in), and
 * under a change the fields old → new. Nothing when the plan does not install the table.
 */
function backupLines(review: PlanReview, steps: readonly PlanStep[]): string[] {
  const table = steps.find((s) => s.op === 'schedule.apply');
  if (!table) return [];
  const jobs = new Map<string, ReviewedJob>();
  for (const j of (table.params as { jobs?: ReviewedJob[] }).jobs ?? []) if (j.backup) jobs.set(j.backup.volume, j);
  const isBackup = (f: { field: string }) => f.field === 'backup' || f.field.startsWith('backup.');
  const defaults = review.resources.some((r) => r.kind === 'settings' && r.name === 'manifest' && r.fields.some(isBackup));
  const out: string[] = [];
  const said = new Set<string>();
  const line = (mark: string, volume: string, j: ReviewedJob) => {
    const b = j.backup!;
    const words = cronWords(j.schedule);
    return `${mark} backup of volume ${volume}: ${words ? `${words} (${j.schedule})` : j.schedule}, ${backupHow(b)}${b.destination ? `, to ${b.destination}` : ''}${b.retain ? `, last ${b.retain} kept` : ''}`;
  };
  for (const r of review.resources) {
    if (r.kind !== 'volume') continue;
    const fields = r.fields.filter(isBackup);
    if (fields.length === 0) continue;
    const j = jobs.get(r.name);
    said.add(r.name);
    if (!j) out.push(`- backup of volume ${r.name} (no longer backed up)`);
    else if (r.action === 'create') out.push(line('+', r.name, j));
    // a volume that is kept: its backup is new or changed, the fields say which
    else out.push(line('~', r.name, j), ...fields.map((f) => fieldLine(f)));
  }
  if (defaults) for (const [volume, j] of [...jobs].sort(([a], [b]) => compareCodePoints(a, b))) if (!said.has(volume)) out.push(line('~', volume, j));
  return out;
}

/** One scheduled job as a reviewer reads it: what runs, where, on which schedule. */
function jobLine(j: ReviewedJob): string {
  if (j.backup) {
    const b = j.backup;
    const how = backupHow(b);
    const keep = b.retain ? `, last ${b.retain} kept` : '';
    const to = b.destination ? ` to ${b.destination}` : '';
    return `job ${j.name} (${j.schedule}): back up volume ${b.volume} (${how})${to}${keep}`;
  }
  const where = j.container ? `container ${j.container}` : `image ${j.image ?? '?'}`;
  return `job ${j.name} (${j.schedule}, in ${where}): ${j.command.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : JSON.stringify(a))).join(' ')}`;
}
