/**
 * The write-ahead journal of applies: `<dataDir>/journal/apply.jsonl`, one JSON record per
 * line, each appended with an fsync BEFORE the change it announces. A `step.end` is written
 * at once and made durable by the next record's fsync (`appendUnsynced`): lost in a power cut,
 * it is as if the process died just before writing it (the step counts as begun, and is undone).
 *
 *   apply.started    {planId, token, snapshot, steps}    snapshot written and fsynced first; durable with the first begins
 *   step.begin       {planId, step}                        before the step touches anything
 *   step.end         {planId, step, detail}                after it succeeded
 *   step.fail        {planId, step, error}
 *   rollback.begin   {planId, reason}
 *   rollback.step    {planId, step, ok, error?}
 *   rollback.end     {planId, ok, problems}
 *   finalize.begin   {planId}                              from here recovery completes forward
 *   committed        {planId, stateCommit}                 the apply is over
 *   recover.begin / recover.end {planId, action, ok}
 *
 * No record ever holds a secret value: details carry names, ids and hashes only.
 * Every append checks the fencing token first (when a lock is given), so a process whose
 * lock was taken away cannot write.
 */
import { closeSync, existsSync, fstatSync, openSync, readFileSync, readSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { appendLineDurable, appendLineFramed } from '../common/fsutil.js';
import type { ApplyLock } from './lock.js';

export const JOURNAL_DIR = 'journal';
export const JOURNAL_FILE = 'apply.jsonl';

export type JournalRecord =
  | { t: 'apply.started'; planId: string; token: number; snapshot: string; steps: string[]; ts: string }
  | { t: 'step.begin'; planId: string; step: string; ts: string }
  | { t: 'step.end'; planId: string; step: string; detail: Record<string, unknown>; ts: string }
  | { t: 'step.fail'; planId: string; step: string; error: string; ts: string }
  | { t: 'rollback.begin'; planId: string; reason: string; ts: string }
  | { t: 'rollback.step'; planId: string; step: string; ok: boolean; error?: string; ts: string }
  | { t: 'rollback.end'; planId: string; ok: boolean; problems: string[]; ts: string }
  | { t: 'finalize.begin'; planId: string; ts: string }
  | { t: 'committed'; planId: string; stateCommit: string | null; ts: string }
  | { t: 'recover.begin'; planId: string; action: 'rollback' | 'complete'; ts: string }
  | { t: 'recover.end'; planId: string; action: 'rollback' | 'complete'; ok: boolean; problems: string[]; ts: string };

type Unstamped<R> = R extends unknown ? Omit<R, 'ts'> : never;

export function journalPath(dataDir: string): string {
  return join(dataDir, JOURNAL_DIR, JOURNAL_FILE);
}

export class Journal {
  /** The records this journal appended, as written: an apply's own, without reading the file back. */
  readonly written: JournalRecord[] = [];

  constructor(
    readonly dataDir: string,
    private readonly now: () => Date,
    private readonly lock?: ApplyLock,
  ) {}

  append(rec: Unstamped<JournalRecord>): void {
    this.appendAll([rec]);
  }

  /**
   * A record written (visible to readers, framed) but not fsynced: it becomes durable with the
   * next append (an fsync flushes the whole file), which comes before any further change: the
   * next steps' `step.begin`, `step.fail`, `finalize.begin` or a rollback's records. For
   * `step.end` only: without it a crash leaves the step begun and not ended, which recovery
   * already handles (it undoes every begun step: a crash between the step's change and its end
   * record leaves exactly that), so a power cut that loses it is no new state. Its fsync was on
   * the stack's critical path between a step's end and the next step's engine request.
   * And for `apply.started`: the first steps' `step.begin` records (or the `finalize.begin` of a
   * plan without steps, or a `step.fail`) come before any change and make it durable with one
   * fsync; a power cut before that fsync loses both, which leaves the snapshot of a plan with no
   * journal record, the state a crash between the snapshot's write and this record always could
   * leave (recovery goes by the snapshot: docs/runtime.md, "What recover does").
   */
  appendUnsynced(rec: Extract<Unstamped<JournalRecord>, { t: 'step.end' | 'apply.started' }>): void {
    this.lock?.assertHeld();
    const stamped = { ...rec, ts: this.now().toISOString() } as JournalRecord;
    appendLineFramed(journalPath(this.dataDir), JSON.stringify(stamped), false);
    this.written.push(stamped);
  }

  /**
   * Several records with one write and one fsync, each on its own line: all durable before any
   * change they announce, as if appended one by one (a crash mid-write tears only the last line,
   * which the reader skips; a failed write is cut back off, so none of them is recorded). The
   * apply's DAG walk records the begin of every step it starts at once this way: the steps'
   * engine requests wait for one journal fsync instead of one each (runtime/apply.ts).
   */
  appendAll(recs: readonly Unstamped<JournalRecord>[]): void {
    if (recs.length === 0) return;
    this.lock?.assertHeld();
    const ts = this.now().toISOString();
    const stamped = recs.map((rec) => ({ ...rec, ts }) as JournalRecord);
    appendLineDurable(journalPath(this.dataDir), stamped.map((r) => JSON.stringify(r)).join('\n'));
    this.written.push(...stamped);
  }
}

/** All complete records (a torn line from a crash mid-write is skipped). */
export function readJournal(dataDir: string): JournalRecord[] {
  return readJournalChecked(dataDir).records;
}

/**
 * The complete records and the (1-based) line numbers of damaged ones. Appends are framed
 * (common/fsutil.ts `appendLineDurable`): a torn record is alone on its line, so skipping
 * it never loses the record after it.
 */
export function readJournalChecked(dataDir: string): { records: JournalRecord[]; torn: number[] } {
  const file = journalPath(dataDir);
  if (!existsSync(file)) return { records: [], torn: [] };
  const records: JournalRecord[] = [];
  const torn: number[] = [];
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (!line.trim()) return;
      try {
        const r = JSON.parse(line) as JournalRecord;
        if (r && typeof r === 'object' && typeof r.t === 'string') records.push(r);
        else torn.push(i + 1);
      } catch {
        torn.push(i + 1);
      }
    });
  return { records, torn };
}

/** What an apply's own readiness check found of a container it started: its `ready` ('healthy', 'running'…) and when. */
export interface ReadinessVerdict {
  ready: string;
  /** ISO 8601 UTC: the end of the start step, after the check. */
  at: string;
}

/**
 * The newest readiness verdict of each container in `names` that a committed apply started
 * (`step.end` of `container.start:<name>` or `container.replace:<name>`, its detail's `ready`).
 * Only the journal's last `tailBytes` are read: the verdict that matters is of the last
 * applies, and a status stays cheap however long the journal grows (up to 4 MiB, then rotated).
 */
export function readinessVerdicts(dataDir: string, names: readonly string[], tailBytes = 256 * 1024): Map<string, ReadinessVerdict> {
  const out = new Map<string, ReadinessVerdict>();
  if (names.length === 0) return out;
  let text: string;
  try {
    const fd = openSync(journalPath(dataDir), 'r');
    try {
      const size = fstatSync(fd).size;
      const len = Math.min(size, tailBytes);
      const buf = Buffer.alloc(len);
      readSync(fd, buf, 0, len, size - len);
      text = buf.toString('utf8');
    } finally {
      closeSync(fd);
    }
  } catch {
    return out; // no journal yet (or unreadable): no verdicts
  }
  const wanted = new Set(names);
  const committed = new Set<string>();
  const ends: Extract<JournalRecord, { t: 'step.end' }>[] = [];
  // The first line of the tail may be cut: it fails to parse and is skipped, as a torn record is.
  for (const line of text.split('\n')) {
    let r: JournalRecord;
    try {
      r = JSON.parse(line) as JournalRecord;
    } catch {
      continue;
    }
    if (r?.t === 'committed') committed.add(r.planId);
    else if (r?.t === 'step.end' && typeof r.detail?.ready === 'string') ends.push(r);
  }
  for (const r of ends) {
    const name = /^container\.(?:start|replace):(.+)$/.exec(r.step)?.[1];
    if (name && wanted.has(name) && committed.has(r.planId)) out.set(name, { ready: r.detail.ready as string, at: r.ts });
  }
  return out;
}

export interface InterruptedApply {
  planId: string;
  snapshot: string;
  steps: string[];
  /** Steps with a begin record, in journal order (those may have changed something). */
  begun: string[];
  /** Steps with an end record, and what they recorded. */
  ended: Map<string, Record<string, unknown>>;
  /** A finalize.begin was written: the apply succeeded and only clean-up remained. */
  finalizing: boolean;
  /** A rollback was started (and not finished successfully). */
  rollingBack: boolean;
}

/**
 * The last apply that did not reach `committed` or a successful rollback/recovery end, or
 * null when every apply is settled.
 */
export function findInterrupted(records: readonly JournalRecord[]): InterruptedApply | null {
  let cur: InterruptedApply | null = null;
  for (const r of records) {
    if (r.t === 'apply.started') {
      cur = { planId: r.planId, snapshot: r.snapshot, steps: r.steps, begun: [], ended: new Map(), finalizing: false, rollingBack: false };
      continue;
    }
    if (!cur || r.planId !== cur.planId) continue;
    switch (r.t) {
      case 'step.begin':
        if (!cur.begun.includes(r.step)) cur.begun.push(r.step);
        break;
      case 'step.end':
        cur.ended.set(r.step, r.detail);
        break;
      case 'rollback.begin':
        cur.rollingBack = true;
        break;
      case 'rollback.end':
        if (r.ok) cur = null;
        break;
      case 'finalize.begin':
        cur.finalizing = true;
        break;
      case 'committed':
        cur = null;
        break;
      case 'recover.end':
        if (r.ok) cur = null;
        break;
      default:
        break;
    }
  }
  return cur;
}

/** Journal size above which a settled journal is moved aside (apply.jsonl → apply.jsonl.<ms>). */
export const JOURNAL_ROTATE_BYTES = 4 * 1024 * 1024;

/**
 * Moves a large journal aside, so each apply reads a short one. Only called under the lock
 * when no apply is interrupted (everything in it is settled).
 */
export function rotateJournalIfLarge(dataDir: string, limit = JOURNAL_ROTATE_BYTES): void {
  const file = journalPath(dataDir);
  try {
    if (statSync(file).size > limit) renameSync(file, `${file}.${Date.now()}`);
  } catch {
    /* no journal yet */
  }
}
