/**
 * Text rendering for the observation commands: the status banner, the services table (the
 * spec's box table), log lines, events and the diagnosis transcript. Pure functions of the
 * data; untrusted strings (log lines, names) are printed as they are, never interpreted,
 * with control characters made visible so a log line cannot move the cursor or recolour
 * the terminal.
 */
import type { ContainerFacts, Facts, LogLine, ObsEvent } from '../../plan/observed.js';
import type { SummaryData } from '../../runtime/observe/summary.js';
import type { Diagnosis, Finding } from '../../plan/diagnosis.js';
import { compareCodePoints } from '../../common/order.js';
import { hostPortEntries, hostPortText } from '../../common/host-port.js';

/** Control characters (except tab) shown as \xNN: terminals must not act on log content. */
export function safeText(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u0008\u000a-\u001f\u007f\u009b]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

export function banner(d: SummaryData): string {
  const running = d.services.filter((s) => s.state === 'running').length;
  const alerts = d.alerts.length === 0 ? 'No alerts' : `${d.alerts.length} alert${d.alerts.length === 1 ? '' : 's'}`;
  return `System: ${d.system.hostname} | ${running} service${running === 1 ? '' : 's'} running | ${alerts}`;
}

export interface ServiceRow {
  service: string;
  container: string;
  image: string;
  /** healthy / unhealthy / starting / running / exited (1) / restarting / … */
  status: string;
  state: string;
  health: string;
  memoryMb: number | null;
  /** A number on every address, `ADDR:PORT` on one (common/host-port.ts). */
  ports: (number | string)[];
  /** Cluster mode (docs/cluster.md): the node the replica runs on. */
  node?: string;
}

export function serviceRows(f: Facts): ServiceRow[] {
  return f.containers
    .filter((c) => c.managed)
    .map((c: ContainerFacts) => ({
      service: c.service ? (c.replica && c.replica > 1 ? c.name : c.service) : c.name,
      container: c.name,
      image: c.image,
      status: statusWord(c),
      state: c.status,
      health: c.health,
      memoryMb: c.stats ? Math.round(c.stats.memoryBytes / (1024 * 1024)) : null,
      ports: hostPortEntries(c.ports),
    }))
    .sort((a, b) => compareCodePoints(a.service, b.service));
}

function statusWord(c: ContainerFacts): string {
  if (c.status === 'running') return c.health === 'none' ? 'running' : c.health;
  if (c.status === 'exited') return `exited (${c.exitCode ?? '?'})${c.oomKilled ? ' OOM' : ''}`;
  return c.status;
}

/** The spec's box table (service, image, status, memory, ports). */
export function servicesTable(rows: ServiceRow[]): string {
  const cluster = rows.some((r) => r.node !== undefined);
  const head = ['Service', 'Image', 'Status', 'Memory', 'Ports', ...(cluster ? ['Node'] : [])];
  const body = rows.map((r) => [r.service, r.image, r.status, r.memoryMb === null ? '-' : `${r.memoryMb}MB`, r.ports.length ? r.ports.map(hostPortText).join(', ') : '-', ...(cluster ? [r.node ?? '-'] : [])]);
  const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (l: string, m: string, r: string) => l + w.map((x) => '─'.repeat(x + 2)).join(m) + r;
  const row = (cells: string[]) => '│' + cells.map((c, i) => ` ${c.padEnd(w[i]!)} `).join('│') + '│';
  return [line('┌', '┬', '┐'), row(head), line('├', '┼', '┤'), ...body.map(row), line('└', '┴', '┘')].join('\n');
}

/** The longest log line `claude logs` prints in full (characters); longer ones are cut, saying how much. */
export const MAX_LOG_LINE = 2000;

/** One log line for a terminal: a line longer than MAX_LOG_LINE is shortened (`--json` keeps it whole). */
export function logLine(l: LogLine, withTime: boolean): string {
  const text = l.text.length > MAX_LOG_LINE ? `${l.text.slice(0, MAX_LOG_LINE)} … (${l.text.length - MAX_LOG_LINE} more characters cut; --json has the whole line)` : l.text;
  return (withTime && l.time ? `${l.time} ` : '') + (l.stream === 'stderr' ? '! ' : '  ') + safeText(text);
}

export function eventLine(e: ObsEvent): string {
  const who = e.service ?? e.container ?? '';
  const extra = [e.exitCode !== undefined ? `exit code ${e.exitCode}` : '', e.detail ? safeText(e.detail) : '', e.planId ? e.planId : ''].filter(Boolean).join(' · ');
  return `${e.time.replace(/\.\d{3}Z$/, 'Z')}  ${e.type.padEnd(26)} ${who}${extra ? `  ${extra}` : ''}`;
}

/** The "Let me investigate…" transcript of a diagnosis (spec, Example 2). */
export function diagnosisText(d: Diagnosis): string {
  const out: string[] = ['Let me investigate...', ''];
  for (const c of d.checks) out.push(`Checking ${c.subject}... ${c.ok ? '✓' : '✗'} ${safeText(c.line)}`);
  if (d.checks.length === 0) out.push(d.service ? `Checking ${d.service}... no such service or container` : 'No services to check.');
  const problems = d.findings.filter((f) => f.severity !== 'info' || f.analyzer === 'orphan');
  if (problems.length === 0) {
    out.push('', 'I found no problem: every service that should run is running and answering.');
    return out.join('\n');
  }
  for (const f of problems) out.push('', ...findingText(f));
  return out.join('\n');
}

/**
 * "explain more" after a diagnosis: the detail behind it, not the diagnosis again. Per problem
 * (each finding of diagnosisText) what was observed of its container (state, exit code, times,
 * restarts, OOM), every run of the health check Docker kept (exit code and output: the check
 * that failed), the last log lines collected, and the exact commands to look for yourself;
 * then, per fix option, the files it changes and the command that applies it without asking.
 */
export function explainMoreText(d: Diagnosis, facts: Pick<Facts, 'containers' | 'logs'>, options: readonly { n: number; changed: readonly string[] }[], command: string): string[] {
  const out: string[] = [];
  const problems = d.findings.filter((f) => f.severity !== 'info' || f.analyzer === 'orphan');
  for (const f of problems) {
    const c = facts.containers.find((x) => x.name === f.container) ?? facts.containers.find((x) => x.managed && x.service === f.service);
    out.push('', `The detail behind "${safeText(f.title)}" [${f.code}]:`);
    if (!c) {
      out.push(`  No container${f.service ? ` of ${safeText(f.service)}` : ''} was found on the engine.`);
    } else {
      const state = [`state ${c.status}`, c.exitCode !== undefined ? `exit code ${c.exitCode}` : '', c.oomKilled ? 'killed for lack of memory (OOM)' : '', c.restartCount > 0 ? `restarted ${c.restartCount} time${c.restartCount === 1 ? '' : 's'}` : '', c.health !== 'none' ? `health ${c.health}` : ''].filter(Boolean);
      out.push(`  Container ${safeText(c.name)} (${safeText(c.image)}): ${state.join(', ')}.`);
      if (c.startedAt) out.push(`  Started ${c.startedAt}${c.finishedAt && c.status !== 'running' ? `, ended ${c.finishedAt}` : ''}.`);
      if (c.error) out.push(`  The engine said: ${safeText(c.error)}`);
      if (c.healthLog.length > 0) {
        out.push('  The health check, as Docker last ran it:');
        for (const h of c.healthLog) out.push(`  > ${h.start.replace(/\.\d+.*$/, '')} exit code ${h.exitCode}${h.output ? `: ${safeText(h.output.split('\n').slice(-1)[0]!)}` : ''}`);
      }
      const logs = facts.logs[c.name] ?? [];
      if (logs.length > 0) {
        out.push(`  Its last ${logs.length} log line${logs.length === 1 ? '' : 's'}:`);
        for (const l of logs) out.push(`  > ${l.stream === 'stderr' ? '! ' : ''}${safeText(l.text)}`);
      } else out.push('  It wrote no log lines.');
      out.push('  To look yourself:', `    docker logs --tail 50 ${c.name}`, `    docker inspect --format '{{json .State}}' ${c.name}`);
    }
    if (f.service) out.push(`    claude logs ${f.service} -n 50`);
    out.push('    claude events --since 1h');
  }
  for (const x of options) {
    out.push('', `Option ${x.n} changes: ${x.changed.length ? x.changed.join(', ') : 'no files (the state files already describe the fix; the plan re-applies them)'}`);
    out.push(`  To apply it without asking: ${command} --yes${options.length > 1 ? ` --option ${x.n}` : ''}`);
  }
  return out;
}

export function findingText(f: Finding): string[] {
  const out = [`${f.severity === 'critical' ? '✗' : f.severity === 'warning' ? '!' : '·'} ${safeText(f.title)}  [${f.code}]`, `  ${safeText(f.explanation)}`];
  for (const e of f.evidence) {
    if (e.lines.length === 0) continue;
    out.push(`  ${safeText(e.label[0]!.toUpperCase() + e.label.slice(1))}:`);
    for (const l of e.lines) out.push(`  > ${safeText(l)}`);
  }
  return out;
}
