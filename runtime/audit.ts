/**
 * The audit log: an append-only, hash-chained JSONL file, `<dataDir>/audit.jsonl`.
 *
 * Each line is the RFC 8785 canonical JSON of one record:
 *
 *   {seq, ts, actor, event, planId, details, prev, hash}
 *
 * - `seq`  1, 2, 3, … with no gap;
 * - `prev` sha256 (hex) of the previous record's line (without its newline), or 64 zeros;
 * - `hash` sha256 (hex) of the canonical JSON of the record without `hash`.
 *
 * Appends from several processes are serialised by a lock file (`audit.jsonl.lock`) held
 * around "read the last line, append the next", and every write is fsynced. After each
 * append, `audit.head` records the last `seq` and `hash`, so a truncated log (the last
 * records deleted) is detected too. No secret value is ever written: the appender redacts
 * every string that contains one of the secret values it is given, and refuses the record
 * if a secret still shows up in the final line.
 */
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readFileSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalJson, hashCanonical, sha256Hex } from '../common/canonical.js';
import { appendLineDurable, writeFileAtomic } from '../common/fsutil.js';
import { containsSecret as containsEncodedSecret, redactText } from '../common/redact.js';
import { withPidLock } from './pidlock.js';

export const AUDIT_FILE = 'audit.jsonl';
export const AUDIT_HEAD_FILE = 'audit.head';
export const ZERO_HASH = '0'.repeat(64);
export const REDACTED = '[redacted]';

/** The events the runtime records. Open to more: any `word.word` string is accepted. */
export type AuditEvent =
  | 'state.changed'
  | 'state.imported'
  | 'service.started'
  | 'service.stopped'
  | 'security.modified'
  | 'plan.applied'
  | 'plan.refused'
  | 'rollback'
  | 'recover'
  | (string & {});

export type JsonValue = null | boolean | number | string | JsonValue[] | { [k: string]: JsonValue };

export interface AuditEntry {
  /** Who: the invoking user (`SUDO_USER`/`USER`), or the API user. */
  actor: string;
  event: AuditEvent;
  planId?: string | null;
  details?: { [k: string]: JsonValue };
}

export interface AuditRecord {
  seq: number;
  /** ISO 8601 UTC, from the injected clock. */
  ts: string;
  actor: string;
  event: AuditEvent;
  planId: string | null;
  details: { [k: string]: JsonValue };
  /** sha256 hex of the previous record's line, or 64 zeros for the first record. */
  prev: string;
  /** sha256 hex of the canonical JSON of this record without `hash`. */
  hash: string;
}

export type AuditVerifyResult =
  /** `torn`: lines holding a record cut by a crash mid-write (skipped; the chain continues past them). */
  | { ok: true; records: number; head: string; torn?: number[] }
  | { ok: false; line: number; reason: 'edited' | 'deleted' | 'reordered' | 'malformed' | 'clock'; message: string };

/** How far a record's time may be before the previous one's before it counts as the clock set back. */
export const CLOCK_SLACK_MS = 1000;

export class AuditSecretError extends Error {
  constructor() {
    super('refusing to write an audit record that contains a secret value (it survived redaction)');
    this.name = 'AuditSecretError';
  }
}

export interface AppendAuditOptions {
  /** Plaintext secret values that must never be written; strings containing one are redacted. */
  secrets?: readonly string[];
  /** How long to wait for another appender in all (ms). Default pidlock's DEFAULT_LOCK_WAIT_MS (10 min); a holder that is stopped or stuck is given up on sooner. */
  lockTimeoutMs?: number;
}

function usableSecrets(secretValues: readonly string[]): string[] {
  // Longest first, so a secret that contains another is replaced whole.
  return [...new Set(secretValues.filter((s) => typeof s === 'string' && s.length > 0))].sort((a, b) => b.length - a.length);
}

function redactString(s: string, secrets: readonly string[]): string {
  let out = redactText(s, secrets);
  for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  return out;
}

/**
 * A deep copy of `value` in which every occurrence of a secret value inside a string (or an
 * object key) is replaced by `[redacted]`.
 */
export function redactSecrets<T>(value: T, secretValues: readonly string[]): T {
  const secrets = usableSecrets(secretValues);
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return redactString(v, secrets);
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) Object.defineProperty(out, redactString(k, secrets), { value: walk(x), enumerable: true, writable: true, configurable: true });
      return out;
    }
    return v;
  };
  return (secrets.length === 0 ? structuredClone(value) : walk(value)) as T;
}

/** True when `text` (a JSON line) contains a secret, raw or JSON-escaped. */
function containsSecret(text: string, secrets: readonly string[]): boolean {
  return secrets.some((s) => text.includes(s) || text.includes(JSON.stringify(s).slice(1, -1))) || containsEncodedSecret(text, secrets);
}

/** Reads the last non-empty line of a file without reading the whole file. */
function readLastLine(path: string): string | null {
  if (!existsSync(path)) return null;
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    let end = size;
    let tail = Buffer.alloc(0);
    const chunk = 64 * 1024;
    while (end > 0) {
      const start = Math.max(0, end - chunk);
      const buf = Buffer.alloc(end - start);
      readSync(fd, buf, 0, buf.length, start);
      tail = Buffer.concat([buf, tail]);
      end = start;
      const text = tail.toString('utf8').replace(/\n+$/, '');
      const nl = text.lastIndexOf('\n');
      if (nl >= 0) return text.slice(nl + 1);
      if (end === 0) return text.length > 0 ? text : null;
    }
    return null;
  } finally {
    closeSync(fd);
  }
}

function parses(line: string): boolean {
  try {
    JSON.parse(line);
    return true;
  } catch {
    return false;
  }
}

/** The file does not end with a newline: its last record was cut by a crash. */
function tornTail(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return false;
    const b = Buffer.alloc(1);
    readSync(fd, b, 0, 1, size - 1);
    return b[0] !== 0x0a;
  } finally {
    closeSync(fd);
  }
}

/** The last line that parses as JSON (null when none does). */
function lastWholeLine(path: string): string | null {
  const lines = readFileSync(path, 'utf8').split('\n');
  for (let i = lines.length - 1; i >= 0; i--) if (lines[i] && parses(lines[i]!)) return lines[i]!;
  return null;
}

function recordHash(r: Omit<AuditRecord, 'hash'>): string {
  return hashCanonical(r);
}

/**
 * Appends one record and returns it. The record's `ts` comes from `now`. Serialised with
 * other processes by `<dataDir>/audit.jsonl.lock`; fsynced before it returns.
 */
export async function appendAudit(
  dataDir: string,
  entry: AuditEntry,
  now: () => Date,
  opts: AppendAuditOptions = {},
): Promise<AuditRecord> {
  const secrets = usableSecrets(opts.secrets ?? []);
  const clean = redactSecrets(
    { actor: entry.actor, event: entry.event, planId: entry.planId ?? null, details: entry.details ?? {} },
    secrets,
  );
  const file = join(dataDir, AUDIT_FILE);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  return withPidLock(
    file + '.lock',
    () => {
      let last = readLastLine(file);
      let seq = 1;
      let prev = ZERO_HASH;
      if (last !== null && !parses(last) && tornTail(file)) {
        // A torn last record (a crash mid-write, no newline after it): the new record is
        // framed onto a line of its own (appendLineDurable) and chained to the last whole
        // record, so it is not lost; `claude audit verify` names the torn line.
        last = lastWholeLine(file);
      }
      if (last !== null) {
        let parsed: Partial<AuditRecord>;
        try {
          parsed = JSON.parse(last) as Partial<AuditRecord>;
        } catch {
          throw new Error(`the last line of ${file} is not valid JSON; run \`claude audit verify\` and repair the log before appending`);
        }
        if (parsed === null || typeof parsed !== 'object' || typeof parsed.seq !== 'number') throw new Error(`the last record of ${file} has no seq; run \`claude audit verify\``);
        seq = parsed.seq + 1;
        prev = sha256Hex(last);
      }
      const body: Omit<AuditRecord, 'hash'> = {
        seq,
        ts: now().toISOString(),
        actor: clean.actor,
        event: clean.event,
        planId: clean.planId,
        details: clean.details,
        prev,
      };
      const record: AuditRecord = { ...body, hash: recordHash(body) };
      const line = canonicalJson(record);
      if (containsSecret(line, secrets)) throw new AuditSecretError();
      appendLineDurable(file, line);
      writeFileAtomic(join(dataDir, AUDIT_HEAD_FILE), canonicalJson({ seq, hash: record.hash }) + '\n', 0o600);
      return record;
    },
    { ...(opts.lockTimeoutMs !== undefined ? { timeoutMs: opts.lockTimeoutMs } : {}), purpose: 'audit append' },
  );
}

/** One line of the log as read: a record, or a damaged line (what is wrong with it). */
export type AuditLine = { line: number; record: AuditRecord } | { line: number; damaged: string };

/**
 * Every line of the log, numbered from 1, each a record or a damaged line with what is wrong
 * with it (invalid JSON, or the fields it lacks). Never throws on a damaged line: a reader
 * shows it and goes on (no verification; `verifyAudit` checks the chain).
 */
export function readAuditLines(dataDir: string): AuditLine[] {
  const file = join(dataDir, AUDIT_FILE);
  if (!existsSync(file)) return [];
  const out: AuditLine[] = [];
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((l, i) => {
      if (l.length === 0) return;
      const problem = recordProblem(l);
      out.push(problem === null ? { line: i + 1, record: JSON.parse(l) as AuditRecord } : { line: i + 1, damaged: problem });
    });
  return out;
}

/** The records of the log (no verification); damaged lines are left out (`readAuditLines` names them). */
export function readAudit(dataDir: string): AuditRecord[] {
  return readAuditLines(dataDir).flatMap((l) => ('record' in l ? [l.record] : []));
}

/** Null when `line` is a well-formed audit record, else what is wrong with it, in a few words. */
export function recordProblem(line: string): string | null {
  let x: unknown;
  try {
    x = JSON.parse(line);
  } catch (e) {
    return `not valid JSON (${(e as Error).message.replace(/^Unexpected /, 'unexpected ')})`;
  }
  if (isRecord(x)) return null;
  if (x === null || typeof x !== 'object' || Array.isArray(x)) return `not a record (a JSON ${x === null ? 'null' : Array.isArray(x) ? 'array' : typeof x})`;
  const r = x as Record<string, unknown>;
  const bad = [
    !Number.isInteger(r.seq) && 'seq',
    typeof r.ts !== 'string' && 'ts',
    typeof r.actor !== 'string' && 'actor',
    typeof r.event !== 'string' && 'event',
    !(r.planId === null || typeof r.planId === 'string') && 'planId',
    (r.details === null || typeof r.details !== 'object' || Array.isArray(r.details)) && 'details',
    !(typeof r.prev === 'string' && /^[0-9a-f]{64}$/.test(r.prev)) && 'prev',
    !(typeof r.hash === 'string' && /^[0-9a-f]{64}$/.test(r.hash)) && 'hash',
  ].filter((f): f is string => typeof f === 'string');
  return `a record with missing or wrong fields: ${bad.join(', ')}`;
}

function isRecord(x: unknown): x is AuditRecord {
  if (x === null || typeof x !== 'object' || Array.isArray(x)) return false;
  const r = x as Record<string, unknown>;
  return (
    Number.isInteger(r.seq) &&
    typeof r.ts === 'string' &&
    typeof r.actor === 'string' &&
    typeof r.event === 'string' &&
    (r.planId === null || typeof r.planId === 'string') &&
    r.details !== null &&
    typeof r.details === 'object' &&
    !Array.isArray(r.details) &&
    typeof r.prev === 'string' &&
    /^[0-9a-f]{64}$/.test(r.prev) &&
    typeof r.hash === 'string' &&
    /^[0-9a-f]{64}$/.test(r.hash)
  );
}

/**
 * Checks the whole chain. Lines are numbered from 1. The first problem found wins:
 * - `malformed`: a line is not a JSON audit record;
 * - `edited`: a record's hash does not match its content, or the next record's `prev` does
 *   not match it (edited and re-hashed), or the last record differs from `audit.head`;
 * - `deleted`: a `seq` is missing (or the log is shorter than `audit.head` says);
 * - `reordered`: a `seq` appears out of order;
 * - `clock`: the chain is sound but a record is dated before the one it follows (by more
 *   than CLOCK_SLACK_MS): the clock was set back, e.g. to revive an expired plan.
 */
export function verifyAudit(dataDir: string): AuditVerifyResult {
  const file = join(dataDir, AUDIT_FILE);
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const lines = text.length === 0 ? [] : text.replace(/\n$/, '').split('\n');
  const records: (AuditRecord | null)[] = lines.map((l) => {
    try {
      const x = JSON.parse(l) as unknown;
      return isRecord(x) ? x : null;
    } catch {
      return null;
    }
  });
  const seqLine = new Map<number, number>();
  records.forEach((r, i) => {
    if (r && !seqLine.has(r.seq)) seqLine.set(r.seq, i + 1);
  });

  let prevLine: string | null = null;
  const torn: number[] = [];
  let prevRec: AuditRecord | null = null;
  let prevNo = 0;
  let backwards: { line: number; message: string } | null = null;
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const r = records[i];
    if (!r) {
      // A torn record (a crash mid-write) that the next record chains past.
      const next = records[i + 1];
      const isTornTail = i === lines.length - 1 && !parses(lines[i]!) && !text.endsWith('\n');
      if (isTornTail || (next && prevLine !== null && next.prev === sha256Hex(prevLine) && !parses(lines[i]!))) {
        torn.push(lineNo);
        continue;
      }
      const before = prevRec ? `line ${prevNo}, seq ${prevRec.seq}` : 'the start of the log';
      const j = records.findIndex((x, k) => k > i && x !== null);
      const after = ` (between ${before} and ${j >= 0 ? `line ${j + 1}, seq ${records[j]!.seq}` : 'the end of the log'})`;
      return {
        ok: false,
        line: lineNo,
        reason: 'malformed',
        message: `line ${lineNo} of ${file} is damaged, ${recordProblem(lines[i]!) ?? 'not an audit record'}: the hash chain is broken at line ${lineNo}${after}; the records before it verify`,
      };
    }
    const { hash, ...body } = r;
    if (recordHash(body) !== hash) {
      return { ok: false, line: lineNo, reason: 'edited', message: `line ${lineNo} (seq ${r.seq}) was edited: its content does not match its hash` };
    }
    const expected = prevRec ? prevRec.seq + 1 : 1;
    if (r.seq !== expected) {
      const later = seqLine.get(expected);
      if (r.seq < expected || (later !== undefined && later > lineNo)) {
        return {
          ok: false,
          line: lineNo,
          reason: 'reordered',
          message: `line ${lineNo} holds seq ${r.seq} where seq ${expected} was expected` + (later !== undefined ? ` (seq ${expected} is on line ${later})` : '') + ': records were reordered',
        };
      }
      const missing = r.seq - expected === 1 ? `seq ${expected} is` : `seqs ${expected}–${r.seq - 1} are`;
      return { ok: false, line: lineNo, reason: 'deleted', message: `${missing} missing before line ${lineNo}: records were deleted` };
    }
    const wantPrev = prevLine === null ? ZERO_HASH : sha256Hex(prevLine);
    if (r.prev !== wantPrev) {
      if (prevLine === null) {
        return { ok: false, line: lineNo, reason: 'edited', message: `line 1 does not start the chain (prev is not zero): the log was altered` };
      }
      return { ok: false, line: lineNo - 1, reason: 'edited', message: `line ${lineNo - 1} (seq ${r.seq - 1}) was edited: line ${lineNo} no longer links to it` };
    }
    // Time going backwards (the clock was set back): reported once the chain itself is sound.
    if (!backwards && prevRec && Date.parse(r.ts) < Date.parse(prevRec.ts) - CLOCK_SLACK_MS) {
      backwards = { line: lineNo, message: `line ${lineNo} (seq ${r.seq}) is dated ${r.ts}, before line ${lineNo - 1} (${prevRec.ts}): the clock was set back` };
    }
    prevLine = lines[i] as string;
    prevRec = r;
    prevNo = lineNo;
  }

  const headFile = join(dataDir, AUDIT_HEAD_FILE);
  if (existsSync(headFile)) {
    let head: { seq?: unknown; hash?: unknown };
    try {
      head = JSON.parse(readFileSync(headFile, 'utf8')) as { seq?: unknown; hash?: unknown };
    } catch {
      return { ok: false, line: lines.length, reason: 'malformed', message: `${headFile} is not valid JSON` };
    }
    const last = prevRec;
    const lastSeq = last?.seq ?? 0;
    if (typeof head.seq === 'number' && head.seq > lastSeq) {
      return {
        ok: false,
        line: lines.length + 1,
        reason: 'deleted',
        message: `the log ends at seq ${lastSeq} (line ${lines.length}) but ${AUDIT_HEAD_FILE} records seq ${head.seq}: the last ${head.seq - lastSeq} record(s) were deleted`,
      };
    }
    if (typeof head.seq === 'number' && head.seq > 0) {
      const at = seqLine.get(head.seq);
      const rec = at !== undefined ? records[at - 1] : undefined;
      if (rec && rec.hash !== head.hash) {
        return { ok: false, line: at as number, reason: 'edited', message: `line ${at} (seq ${head.seq}) differs from the hash kept in ${AUDIT_HEAD_FILE}: it was rewritten` };
      }
    }
  }
  if (backwards) return { ok: false, line: backwards.line, reason: 'clock', message: backwards.message };
  const lastRec = prevRec;
  return { ok: true, records: lines.length - torn.length, head: lastRec ? lastRec.hash : ZERO_HASH, ...(torn.length ? { torn } : {}) };
}

/**
 * The latest time this host has recorded: the last audit record's `ts` and the latest
 * `appliedAt` in applied-plans.jsonl (both written with the clock of their day). A clock that
 * reads earlier than this was set back; the runtime refuses every plan then (V5). Reads
 * only the tail of the audit log. Null when nothing has been recorded yet.
 */
export function clockFloor(dataDir: string, appliedFile: string): { at: number; ts: string; source: string } | null {
  let best: { at: number; ts: string; source: string } | null = null;
  const consider = (ts: unknown, source: string) => {
    if (typeof ts !== 'string') return;
    const at = Date.parse(ts);
    if (Number.isFinite(at) && (!best || at > best.at)) best = { at, ts, source };
  };
  const audit = join(dataDir, AUDIT_FILE);
  for (const line of tailLines(audit, 64 * 1024).reverse()) {
    try {
      consider((JSON.parse(line) as { ts?: unknown }).ts, AUDIT_FILE);
      break;
    } catch {
      // a torn last line: the one before it holds the time
    }
  }
  for (const line of tailLines(join(dataDir, appliedFile), 64 * 1024)) {
    try {
      consider((JSON.parse(line) as { appliedAt?: unknown }).appliedAt, appliedFile);
    } catch {
      // torn
    }
  }
  return best;
}

/** The whole lines in the last `bytes` of a file ([] when it does not exist). */
function tailLines(file: string, bytes: number): string[] {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return [];
  }
  try {
    const size = fstatSync(fd).size;
    const start = Math.max(0, size - bytes);
    const buf = Buffer.alloc(size - start);
    readSync(fd, buf, 0, buf.length, start);
    const lines = buf.toString('utf8').split('\n').filter((l) => l.length > 0);
    if (start > 0) lines.shift(); // cut in the middle
    return lines;
  } finally {
    closeSync(fd);
  }
}
