/**
 * `claude status`'s short view: what a person asks of a server at a glance. Each service's
 * state, health and published ports; the firewall; the scheduled jobs and how each last ran;
 * the last apply; the alerts. The whole observed state (resources, events, log lines: the
 * document the LLM gets as context) stays behind `claude status --yaml` / `--json`.
 * A pure function of what was read; names and messages are printed with control characters
 * made visible (safeText).
 */
import { hostPortText } from '../../common/host-port.js';
import type { SummaryData } from '../../runtime/observe/summary.js';
import type { ResolvedFirewall } from '../../compiler/model.js';
import type { JobRun } from '../../runtime/jobs/store.js';
import type { AppliedRecord } from '../../runtime/state/applied.js';
import { banner, safeText } from './observe.js';

export interface StatusView {
  summary: SummaryData;
  /** The firewall network.yaml asks for (null: none); undefined when the state files could not be compiled. */
  firewall?: ResolvedFirewall | null;
  /** Whether an applied plan loaded Claude.OS's nftables table (the data dir's firewall.json record). */
  firewallLoaded: boolean;
  /** The last apply's record (runtime/state/applied.ts), or null before the first. */
  lastApply: AppliedRecord | null;
  /** The applied job schedule, with each job's last run. */
  jobs: { name: string; schedule: string; last?: JobRun }[];
  now: Date;
}

/** "3 min ago", "2 h ago", "4 d ago". */
function ago(iso: string, now: Date): string {
  const s = Math.max(0, Math.round((now.getTime() - Date.parse(iso)) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86400)} d ago`;
}

const minute = (iso: string) => iso.replace(/:\d\d(?:\.\d+)?Z$/, 'Z');

function table(rows: string[][]): string[] {
  const w = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => ('  ' + r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(w[i]! + 2))).join('')).trimEnd());
}

function firewallLine(v: StatusView): string {
  const loaded = v.firewallLoaded;
  const fw = v.firewall;
  if (fw === undefined) return `Firewall: ${loaded ? 'on' : 'none loaded'} (its rules are not shown: the state dir is missing or does not compile, see claude validate)`;
  if (!fw || !fw.enabled) return `Firewall: off (network.yaml enables none)${loaded ? '; the table applied before is still loaded until the next apply' : ''}`;
  const input = fw.rules.filter((r) => (r.direction ?? 'input') === 'input');
  const names = input.map((r) => `${safeText(r.name)} ${r.action}`);
  const head = `Firewall: on, incoming ${fw.defaultInputPolicy === 'drop' ? 'dropped' : 'accepted'} by default; ${input.length} input rule${input.length === 1 ? '' : 's'}${names.length ? `: ${names.join(', ')}` : ''}`;
  return loaded ? head : `${head} (not applied yet: claude apply)`;
}

/** The lines of the short view, banner first. */
export function statusLines(v: StatusView): string[] {
  const d = v.summary;
  const out = [banner(d), ''];
  if (d.services.length === 0) out.push('Services: none yet (say what you want: claude "set up nginx")');
  else {
    out.push('Services:');
    out.push(
      ...table([
        ['SERVICE', 'STATE', 'HEALTH', 'PORTS'],
        ...d.services.map((s) => [
          safeText(s.name),
          s.state === 'running' ? `running${s.uptime ? ` ${s.uptime}` : ''}${s.replicas && s.replicas > 1 ? ` (${s.replicas} replicas)` : ''}` : `${s.state}${s.exit_code !== undefined ? ` (exit ${s.exit_code})` : ''}${s.oom_killed ? ' OOM' : ''}`,
          s.health === 'none' ? '-' : s.health,
          s.ports.length ? s.ports.map(hostPortText).join(', ') : '-',
        ]),
      ]),
    );
  }
  if (d.other_containers.length) out.push(`  (${d.other_containers.length} other container${d.other_containers.length === 1 ? '' : 's'} on this engine, not managed by Claude.OS)`);
  out.push(firewallLine(v));
  if (v.jobs.length === 0) out.push('Jobs: none scheduled');
  else {
    out.push('Jobs:');
    out.push(...table(v.jobs.map((j) => [safeText(j.name), j.schedule, j.last ? `last ${j.last.status} ${minute(j.last.finishedAt)}` : 'not run yet'])));
  }
  const a = v.lastApply;
  out.push(a ? `Last apply: ${minute(a.appliedAt)} (${ago(a.appliedAt, v.now)}), plan ${a.planId}${a.stateCommit ? `, state commit ${a.stateCommit.slice(0, 7)}` : ''}` : 'Last apply: none yet');
  if (d.alerts.length) {
    out.push('Alerts:');
    for (const al of d.alerts) out.push(`  ${al.severity}: ${safeText(al.message)}`);
  }
  if (d.anomalies.length) out.push(`Anomalies: ${d.anomalies.length} (claude status --yaml lists them)`);
  return out;
}

/** The last line of the short view: where the whole document is. */
export const FULL_STATUS_HINT = 'The whole observed state (resources, events, anomalies, log lines): claude status --yaml, or --json.';
