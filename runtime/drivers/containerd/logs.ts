/**
 * Container logs on the containerd backend, with size-based rotation.
 *
 * The log writer the shim runs beside each task (./log-writer.ts, the shim's `binary://`
 * stdio) appends each line of the task's stdout and stderr to `<id>.log` with the time it was
 * written and its stream (containerd's CRI log format, `<time> <stream> <F|P> <text>`), and
 * keeps the file open for the task's life, so the file cannot be renamed under it. Rotation is copy-and-truncate, as logrotate's `copytruncate`:
 * once the live file reaches `maxBytes`, the rotated files shift up (`.1` → `.2` …, the one
 * beyond `keep` is deleted), the live file's content is copied to `.1` and the live file is
 * truncated; the shim's next write, being an append, lands at its new end. The copy reads
 * until the file stops growing and truncates right after its last read, so only what the
 * task writes in the instant between that read and the truncate could be lost.
 *
 * Readers (`claude logs`, the observer, the readiness errors) read the rotated files and
 * the live one as one stream, oldest first, so a line split by a rotation reads whole.
 */
import { closeSync, existsSync, ftruncateSync, openSync, readFileSync, readSync, renameSync, rmSync, statSync, writeFileSync, fstatSync } from 'node:fs';

export interface LogRotation {
  /** Rotate when the live file reaches this many bytes. */
  maxBytes: number;
  /** How many rotated files to keep (`.1` … `.keep`). */
  keep: number;
}

export const DEFAULT_LOG_ROTATION: LogRotation = { maxBytes: 10 * 1024 * 1024, keep: 3 };

/** The rotation from CLAUDE_LOG_MAX_BYTES and CLAUDE_LOG_KEEP (defaults: 10 MiB, 3 files); a clear error for a bad value. */
export function logRotationFromEnv(env: Record<string, string | undefined>): LogRotation {
  const num = (name: string, dflt: number, min: number): number => {
    const v = env[name]?.trim();
    if (!v) return dflt;
    if (!/^\d+$/.test(v) || Number(v) < min) throw new Error(`${name}='${v}' is not valid: use a whole number of at least ${min}${name === 'CLAUDE_LOG_MAX_BYTES' ? ' (bytes; the default is 10485760, 10 MiB)' : ' (rotated files kept; the default is 3)'}`);
    return Number(v);
  };
  return { maxBytes: num('CLAUDE_LOG_MAX_BYTES', DEFAULT_LOG_ROTATION.maxBytes, 1024), keep: num('CLAUDE_LOG_KEEP', DEFAULT_LOG_ROTATION.keep, 1) };
}

/** The log's files, oldest first: the rotated ones that exist (`.N` … `.1`), then the live one (if it exists). */
export function logFiles(live: string, keep = 100): string[] {
  const out: string[] = [];
  for (let i = keep; i >= 1; i--) if (existsSync(`${live}.${i}`)) out.push(`${live}.${i}`);
  if (existsSync(live)) out.push(live);
  return out;
}

/** The log as one text, oldest first, across the rotated files (reading at most `maxBytes` from the end). */
export function readLog(live: string, maxBytes = 64 * 1024 * 1024): string {
  const parts: Buffer[] = [];
  let total = 0;
  for (const f of logFiles(live).reverse()) {
    if (total >= maxBytes) break;
    const b = readFileSync(f);
    parts.unshift(b.length + total > maxBytes ? b.subarray(b.length - (maxBytes - total)) : b);
    total += b.length;
  }
  return Buffer.concat(parts).toString('utf8');
}

/** One line of a container's log: when the log writer received it (RFC 3339, '' when not known), its stream, its text. */
export interface LogEntry {
  time: string;
  stream: 'stdout' | 'stderr';
  text: string;
}

const RECORD = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z) (stdout|stderr) ([FP]) (.*)$/s;

/**
 * How long a follower waits for the rest of a line written in `P` parts. A line's parts come
 * within milliseconds of each other (a line over 16 KiB, or a writer stopped mid-line and the
 * next one going on); a run of parts whose last one is older than this, by the clock or by the
 * log's own newer records, is an orphan (its task exited before a writer finished it) and is
 * shown as it is.
 */
export const PARTIAL_WAIT_MS = 2000;

/** A record's time in ms since the epoch (the writer's RFC 3339 time has up to 9 fraction digits). */
const recordMs = (t: string): number => Date.parse(t.replace(/(\.\d{3})\d*Z$/, '$1Z'));

/**
 * The log's lines, oldest first, across the rotated files: the log writer's records
 * (./log-writer.ts) with their time and stream, a line split into `P` records joined again;
 * a line without the record prefix (written by the shim's `file://` stdio before the writer
 * existed) is a stdout line with no time.
 *
 * `complete` (a follower, `logs -f`): only what is whole now. Left out: a record the writer is
 * still writing (after the last newline), and a line whose `P` parts have no `F` yet with all
 * that came after it, while its last part is under PARTIAL_WAIT_MS old (by `now`, and by the
 * newest record of the log). An older unfinished line is shown as it is, and what came after it
 * too: one orphan part never holds the log back (review 17 LOW-1). Its parts that come later
 * than PARTIAL_WAIT_MS after the one before start a line of their own, with their own time, so
 * a follower that showed the first parts gets the rest as a new line rather than losing it.
 */
export function readLogEntries(live: string, opts: { complete?: boolean; now?: number } = {}): LogEntry[] {
  const out: LogEntry[] = [];
  // Per stream, the entry its `P` parts are gathered in: placed where its first part is, so the
  // entries stay in the order (and so the times) the writer wrote them in. Placed at its `F`,
  // a long line whose end came after the other stream's next line had an older time than that
  // line: a follower, past that time already, dropped it (review M4).
  const partial: Record<'stdout' | 'stderr', number | null> = { stdout: null, stderr: null };
  // Per stream, the time of the last part of its open run (complete mode).
  const lastPart: Record<'stdout' | 'stderr', number> = { stdout: 0, stderr: 0 };
  let newest = 0;
  const text = readLog(live);
  const whole = opts.complete ? text.slice(0, text.lastIndexOf('\n') + 1) : text;
  for (const raw of whole.split('\n')) {
    const m = RECORD.exec(raw);
    if (!m) {
      if (raw !== '') out.push({ time: '', stream: 'stdout', text: raw });
      continue;
    }
    const stream = m[2] as 'stdout' | 'stderr';
    let at = partial[stream];
    if (opts.complete) {
      const ms = recordMs(m[1]!);
      if (at !== null && ms - lastPart[stream] > PARTIAL_WAIT_MS) at = null;
      lastPart[stream] = ms;
      if (ms > newest) newest = ms;
    }
    if (at === null) out.push({ time: m[1]!, stream, text: m[4]! });
    else out[at]!.text += m[4]!;
    partial[stream] = m[3] === 'P' ? (at ?? out.length - 1) : null;
  }
  if (opts.complete) {
    const now = opts.now ?? Date.now();
    const waiting = (['stdout', 'stderr'] as const).filter((s) => partial[s] !== null && now - lastPart[s] <= PARTIAL_WAIT_MS && newest - lastPart[s] <= PARTIAL_WAIT_MS);
    if (waiting.length) out.length = Math.min(...waiting.map((s) => partial[s]!));
  }
  return out;
}

/**
 * Where a follower of the log is: the time of the last line it delivered and how many lines
 * with exactly that time it has delivered (two lines can share a time; by time alone, one
 * written after the read at the same microsecond was lost). Lines with no time (from before
 * the log writer) are never new.
 */
export interface LogCursor {
  time: string;
  same: number;
}

/** The cursor after `entries` (all the whole lines of the log so far, oldest first). */
export function cursorAfter(entries: readonly LogEntry[]): LogCursor {
  let time = '';
  let same = 0;
  for (const e of entries) {
    if (!e.time || e.time < time) continue;
    if (e.time === time) same++;
    else {
      time = e.time;
      same = 1;
    }
  }
  return { time, same };
}

/** The lines of `entries` after `cursor` (a line at the cursor's time past the `same` first is new). */
export function entriesAfter(entries: readonly LogEntry[], cursor: LogCursor): LogEntry[] {
  let seen = 0;
  return entries.filter((e) => {
    if (!e.time || e.time < cursor.time) return false;
    if (e.time > cursor.time) return true;
    return ++seen > cursor.same;
  });
}

/** The last `n` lines of the log (0: all), across the rotated files, as text (empty lines left out). */
export function readLogLines(live: string, n = 0): string[] {
  const lines = readLogEntries(live)
    .map((e) => e.text)
    .filter(Boolean);
  return n > 0 ? lines.slice(-n) : lines;
}

/** When the log was last written (the live file, else the newest rotated one), ms; null without a file. */
export function logMtimeMs(live: string): number | null {
  const files = logFiles(live);
  const f = files[files.length - 1];
  return f ? statSync(f).mtimeMs : null;
}

/** Rotates the log when the live file reached `maxBytes`; true when it did. */
export function rotateLog(live: string, r: LogRotation): boolean {
  let size: number;
  try {
    size = statSync(live).size;
  } catch {
    return false;
  }
  if (size < r.maxBytes) return false;
  rmSync(`${live}.${r.keep}`, { force: true });
  for (let i = r.keep - 1; i >= 1; i--) if (existsSync(`${live}.${i}`)) renameSync(`${live}.${i}`, `${live}.${i + 1}`);
  const fd = openSync(live, 'r+');
  try {
    // Copy what is there, then what was appended meanwhile, then truncate at once.
    const chunks: Buffer[] = [];
    let pos = 0;
    for (;;) {
      const end = fstatSync(fd).size;
      if (end <= pos) break;
      const b = Buffer.alloc(end - pos);
      const got = readSync(fd, b, 0, b.length, pos);
      chunks.push(b.subarray(0, got));
      pos += got;
      if (got < b.length) break;
    }
    ftruncateSync(fd, 0);
    writeFileSync(`${live}.1`, Buffer.concat(chunks));
  } finally {
    closeSync(fd);
  }
  return true;
}
