/**
 * Events: the runtime's own `reconcile.*` records from `<dataDir>/events.jsonl` (written by
 * apply.ts; the jobs', the notifier's and the containerd driver's `logs.*` lines beside them), Docker's container events, and the retention rule: keep the last 100 events
 * plus every event of the last 24 hours.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ObsEvent } from '../../plan/observed.js';

export const RUNTIME_EVENTS_FILE = 'events.jsonl';
/** Where the daemon keeps the Docker events it followed (retention applied). */
export const EVENTS_STORE = 'observe/events.json';
export const KEEP_LAST = 100;
export const KEEP_WINDOW_MS = 24 * 60 * 60 * 1000;

/** Applies the retention rule to events sorted oldest first. */
export function retain(events: ObsEvent[], now: Date): ObsEvent[] {
  const cutoff = now.getTime() - KEEP_WINDOW_MS;
  const firstRecent = events.findIndex((e) => Date.parse(e.time) >= cutoff);
  const recentFrom = firstRecent < 0 ? events.length : firstRecent;
  const from = Math.min(recentFrom, Math.max(0, events.length - KEEP_LAST));
  return events.slice(from);
}

/** Sorts by time (stable), then dedupes exact repeats (the same event read twice). */
export function mergeEvents(...lists: ObsEvent[][]): ObsEvent[] {
  const all = lists.flat().map((e, i) => ({ e, i }));
  all.sort((a, b) => (a.e.time < b.e.time ? -1 : a.e.time > b.e.time ? 1 : a.i - b.i));
  const seen = new Set<string>();
  const out: ObsEvent[] = [];
  for (const { e } of all) {
    const k = JSON.stringify([e.time, e.type, e.container ?? '', e.detail ?? '', e.exitCode ?? '', e.planId ?? '']);
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(e);
  }
  return out;
}

interface RuntimeRecord {
  ts?: string;
  type?: string;
  planId?: string;
  target?: string;
  step?: string;
  status?: string;
  error?: string;
  success?: boolean;
  changes?: number;
  rolledBack?: boolean;
  /** reconcile.refused: the refusing check (e.g. firewall-preflight). */
  clause?: string;
  message?: string;
  /** reconcile.pending (why it waits), drift.detected (what drifted, what the reconciler does) */
  reason?: string;
  drift?: string[];
  action?: string;
  /** notification */
  kind?: string;
  severity?: string;
  /** reconcile.paused / reconcile.resumed: the back-off of an apply that keeps failing (also kind, reason) */
  attempts?: number;
  until?: string;
  why?: string;
  /** reconcile.recovered: how long the failure lasted (passes in a row, since when) and where it stopped */
  passes?: number;
  since?: string;
  stage?: string;
  /** job.succeeded / job.failed */
  job?: string;
  exitCode?: number;
}

/**
 * Maps one events.jsonl record; null for lines that are not reconcile/rollback/job/drift/logs
 * events or notifications. `logs.writer-down`: the containerd driver stopped a container while
 * no log writer could be started, so its last lines may be lost (runtime/drivers/containerd).
 */
export function fromRuntimeRecord(r: RuntimeRecord): ObsEvent | null {
  if (!r.ts || !r.type || !/^(reconcile|rollback|job|drift|logs)\.|^notification$/.test(r.type)) return null;
  const ev: ObsEvent = { time: r.ts, type: r.type, source: 'runtime' };
  if (r.planId) ev.planId = r.planId;
  if (r.target) {
    ev.container = r.target.replace(/^container\//, '');
    if (!r.target.startsWith('container/')) delete ev.container;
  }
  if (r.type === 'reconcile.step') ev.detail = `${r.status ?? ''} ${r.message ?? r.step ?? ''}`.trim() + (r.error ? `: ${r.error}` : '');
  else if (r.type === 'reconcile.completed') ev.detail = `${r.changes ?? 0} ${(r.changes ?? 0) === 1 ? 'change' : 'changes'}`;
  else if (r.type === 'reconcile.failed') ev.detail = `${r.error ?? ''}${r.rolledBack ? ' (rolled back)' : ''}`;
  else if (r.type === 'reconcile.recovered') ev.detail = `recovered after ${r.passes ?? '?'} failed pass${r.passes === 1 ? '' : 'es'} (${r.stage ?? '?'}) since ${r.since ?? '?'}: was ${r.error ?? ''}`;
  else if (r.type === 'reconcile.paused') ev.detail = `${r.kind === 'edit' ? 'applying the hand edit' : 'self-heal'} paused until ${r.until ?? '?'}, ${r.attempts ?? '?'} attempt${r.attempts === 1 ? '' : 's'} failed: ${r.reason ?? ''}`;
  else if (r.type === 'reconcile.resumed') ev.detail = `${r.kind === 'edit' ? 'the hand edit' : 'self-heal'} resumes: ${r.why ?? ''} (paused after ${r.attempts ?? '?'} failed attempt${r.attempts === 1 ? '' : 's'} since ${r.since ?? '?'})`;
  else if (r.type === 'reconcile.refused') ev.detail = `refused (${r.clause ?? '?'}): ${r.error ?? ''}`;
  else if (r.type === 'reconcile.pending') ev.detail = `pending approval: ${r.reason ?? ''}`;
  else if (r.type === 'drift.detected') ev.detail = `${(r.drift ?? []).join('; ')} → ${r.action ?? '?'}`;
  else if (r.type === 'notification') ev.detail = `${r.severity ?? ''} ${r.kind ?? ''}: ${r.message ?? ''}`;
  else if (r.type.startsWith('job.')) ev.detail = `${r.job ?? '?'}: exit ${r.exitCode ?? '?'}${r.error ? ` (${r.error})` : ''}`;
  else if (r.message) ev.detail = r.message;
  return ev;
}

/**
 * The runtime's events since `sinceMs` (inclusive). `reconcile.step` "started" records are
 * left out: the matching done/failed record says the same and more.
 */
export function readRuntimeEvents(dataDir: string, sinceMs = 0): ObsEvent[] {
  let text: string;
  try {
    text = readFileSync(join(dataDir, RUNTIME_EVENTS_FILE), 'utf8');
  } catch {
    return [];
  }
  const out: ObsEvent[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let r: RuntimeRecord;
    try {
      r = JSON.parse(line) as RuntimeRecord;
    } catch {
      continue; // a torn last line after a crash
    }
    if (r.type === 'reconcile.step' && r.status === 'started') continue;
    const ev = fromRuntimeRecord(r);
    if (ev && Date.parse(ev.time) >= sinceMs) out.push(ev);
  }
  return out;
}

/**
 * Parses a `--since` value: a duration (`30s`, `15m`, `2h`, `1d`, `1h30m`) before now, or an
 * ISO date/time. Returns null when it is neither.
 */
export function parseSince(value: string, now: Date): Date | null {
  const v = value.trim();
  const dur = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(v);
  if (dur && v !== '') {
    const [, d, h, m, s] = dur;
    const ms = ((Number(d ?? 0) * 24 + Number(h ?? 0)) * 60 + Number(m ?? 0)) * 60_000 + Number(s ?? 0) * 1000;
    return new Date(now.getTime() - ms);
  }
  if (/^\d{4}-\d\d-\d\d/.test(v)) {
    const t = Date.parse(v);
    if (Number.isFinite(t)) return new Date(t);
  }
  return null;
}

/** The Docker events the daemon saved (oldest first); empty when there is no daemon. */
export function loadStoredEvents(dataDir: string): ObsEvent[] {
  try {
    const d = JSON.parse(readFileSync(join(dataDir, EVENTS_STORE), 'utf8')) as { version?: number; events?: ObsEvent[] };
    return d.version === 1 && Array.isArray(d.events) ? d.events.filter((e) => typeof e?.time === 'string' && typeof e?.type === 'string') : [];
  } catch {
    return [];
  }
}
