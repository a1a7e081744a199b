/**
 * The lines that close an apply or a recovery ("Applied … in 2.1 s.", "Reachable: …",
 * "✗ Apply failed …", "Rolled back …"), as plain strings: the CLI prints them, the API
 * returns them. Nothing here writes anywhere.
 */
import { primaryAddress } from '../../runtime/observe/host.js';
import type { ApplyResult, Reachable, RecoverResult } from '../../runtime/apply.js';

/** This host's primary IPv4 address (for "reachable at" lines; runtime/observe/host.ts), else 127.0.0.1. */
export function hostAddress(): string {
  return primaryAddress() ?? '127.0.0.1';
}

const HTTP_PORTS = new Set([80, 8080, 8000, 3000]);

export function reachableLines(reachable: readonly Reachable[], host = hostAddress()): string[] {
  return reachable.map((r) => {
    const ip = r.hostIp && r.hostIp !== '0.0.0.0' && r.hostIp !== '::' ? r.hostIp : host;
    const where = r.port === 443 ? `https://${ip}` : HTTP_PORTS.has(r.port) || r.service === 'nginx' || r.service === 'web' ? `http://${ip}:${r.port}` : `${ip}:${r.port}`;
    return `${r.service}: ${where.replace(/^http:\/\/(.*):80$/, 'http://$1')}${r.protocol === 'udp' ? ' (udp)' : ''}`;
  });
}

/** The closing lines of a human apply. */
export function renderResult(r: ApplyResult): string[] {
  const out: string[] = [];
  if (r.status === 'applied') {
    const took = (r.durationMs / 1000).toFixed(1);
    out.push('', `Applied ${r.planId} in ${took} s.`);
    // A plan that only changes security.yaml has no step: what it did is said here, as the plan listed it.
    if (r.securityChanges?.length) out.push('Changed in security.yaml:', ...r.securityChanges.map((l) => `  • ${l}`));
    const lines = reachableLines(r.reachable);
    if (lines.length) out.push('Reachable:', ...lines.map((l) => `  ${l}`));
    if (r.stateCommit) out.push(`State committed: ${r.stateCommit.slice(0, 12)}`);
    for (const w of r.warnings ?? []) out.push(`! ${w}`);
    return out;
  }
  if (r.status === 'incomplete') {
    out.push('', `✗ ${r.planId} is not complete: ${r.error?.message ?? 'completing it failed'}`);
    if (r.error?.hint) out.push(`  hint: ${r.error.hint}`);
    for (const w of r.warnings ?? []) out.push(`! ${w}`);
    return out;
  }
  out.push('', `✗ Apply failed${r.error?.step ? ` at step ${r.error.step}` : ''}: ${r.error?.message ?? 'unknown error'}`);
  if (r.error?.hint) out.push(`  hint: ${r.error.hint}`);
  if (r.status === 'rolled-back') out.push(`Rolled back: the system is as it was before this plan (verified; ${r.rollback?.undone.length ?? 0} step(s) undone).`);
  else {
    out.push('✗ The rollback did not restore everything. The runtime needs attention:');
    for (const p of r.rollback?.problems ?? []) out.push(`  - ${p}`);
    out.push('New plans are refused until `claude recover` succeeds.');
  }
  return out;
}

export function renderRecover(r: RecoverResult): string[] {
  const notes = (r.notes ?? []).map((n) => `! ${n}`);
  if (r.found === 'nothing') return [...notes, 'Nothing to recover: no interrupted apply, no pending rollback, and what is observed agrees with the journal.'];
  if (r.found === 'inconsistent' && !r.planId) return [...notes, '✗ The journal and the system disagree, and there is no snapshot to go by:', ...r.problems.map((p) => `  - ${p}`), 'Fix what is listed, then run `claude recover` again.'];
  const what = r.found === 'interrupted' ? 'an interrupted apply' : r.found === 'inconsistent' ? 'an apply the journal does not account for' : 'a failed rollback (needs attention)';
  const lines = [...notes, `Found ${what}: ${r.planId}.`];
  if (r.ok) lines.push(r.action === 'complete' ? '✓ Completed it: the plan is applied.' : '✓ Rolled it back: the system is as it was before that plan (verified).');
  else lines.push(`✗ Recovery did not succeed (${r.action}):`, ...r.problems.map((p) => `  - ${p}`), 'Fix what is listed, then run `claude recover` again.');
  return lines;
}
