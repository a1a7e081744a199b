/**
 * Learning mode: the user's own phrasings, kept on this machine only
 * (`<data dir>/learned.json`, never sent anywhere, never in a provider's context).
 *
 *   - A request the engine did not understand, then a rephrase (or a correction "no, I
 *     meant …") whose plan was applied: the pair is recorded.
 *   - The next time that phrasing, or a close one, is not understood, the applied request
 *     is proposed instead (and the reply says so).
 *   - Outcomes of plans made from a learned phrasing (applied, rolled back, refused) are
 *     counted; a phrasing whose plans keep rolling back is flagged and no longer used.
 *   - `claude learn list | forget N` manages the records.
 *
 * The REPL keeps the request not understood in memory. One-shot runs (`claude "<msg>"`, each
 * its own process) keep it in `<data dir>/learn-pending.json` for PENDING_MS with the terminal
 * it was typed in (`terminalSession`: the tty and the shell), so a rephrase typed in the same
 * terminal within that time and approved there with `yes` is learned from in the same way.
 * Nothing is learned from a run without a terminal, from another terminal or shell, or from a
 * `--yes` run (review 20 MED-3: a script's `claude "remove redis" --yes` is not a rephrase).
 */
import { existsSync, mkdirSync, readFileSync, readlinkSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface LearnedRecord {
  /** What the user said first, as typed. */
  phrasing: string;
  /** The request whose plan was applied (refinements joined by "; "). */
  applied: string;
  createdAt: string;
  outcomes: { applied: number; rolledBack: number; refused: number };
}

export type Outcome = 'applied' | 'rolled-back' | 'refused';

const FILLER = new Set(['please', 'pls', 'mate', 'thanks', 'thank', 'you', 'can', 'could', 'would', 'will', 'kindly', 'just', 'the', 'a', 'an', 'hey', 'ok', 'okay', 'so', 'now', 'me', 'for', 'i', 'we']);

export function learnedPath(dataDir: string): string {
  return join(dataDir, 'learned.json');
}

/** Words that carry meaning, lowercased, without punctuation or filler. */
export function tokens(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9./:@-]+/g, ' ')
    .split(' ')
    .map((w) => w.replace(/^[.:-]+|[.:-]+$/g, ''))
    .filter((w) => w.length > 0 && !FILLER.has(w));
}

/** Jaccard similarity of the token sets (1 = the same words). */
export function similarity(a: string, b: string): number {
  const x = new Set(tokens(a));
  const y = new Set(tokens(b));
  if (x.size === 0 || y.size === 0) return 0;
  let both = 0;
  for (const w of x) if (y.has(w)) both++;
  return both / (x.size + y.size - both);
}

/** Close enough to be the same phrasing: most words shared, none of the numbers different. */
export const CLOSE = 0.75;

export function loadLearned(dataDir: string): LearnedRecord[] {
  const p = learnedPath(dataDir);
  if (!existsSync(p)) return [];
  try {
    const v = JSON.parse(readFileSync(p, 'utf8')) as { records?: LearnedRecord[] };
    return Array.isArray(v.records) ? v.records : [];
  } catch {
    return [];
  }
}

function writeAtomic(p: string, text: string): void {
  mkdirSync(dirname(p), { recursive: true });
  const tmp = `${p}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode: 0o600 });
  renameSync(tmp, p);
}

function save(dataDir: string, records: LearnedRecord[]): void {
  writeAtomic(learnedPath(dataDir), JSON.stringify({ records }, null, 2) + '\n');
}

/** How long a one-shot run's request not understood waits for the rephrase that gets applied. */
export const PENDING_MS = 2 * 60_000;

const pendingPath = (dataDir: string) => join(dataDir, 'learn-pending.json');

/**
 * The terminal a command was typed in: the tty of its stdin and its parent process (the shell),
 * or undefined without a terminal. A command handed to the resident worker (bin/client.cjs)
 * gets the client's, in CLAUDE_TERMINAL_SESSION.
 */
export function terminalSession(env: Record<string, string | undefined>): string | undefined {
  if (env.CLAUDE_TERMINAL_SESSION !== undefined) return env.CLAUDE_TERMINAL_SESSION || undefined;
  if (!process.stdin.isTTY) return undefined;
  try {
    return `${readlinkSync('/proc/self/fd/0')}|${process.ppid}`;
  } catch {
    return undefined;
  }
}

/** A one-shot run's request not understood, kept for the same terminal's next applied rephrase. */
export function notePending(dataDir: string, text: string, now: Date, session: string): void {
  writeAtomic(pendingPath(dataDir), JSON.stringify({ text, at: now.toISOString(), session }) + '\n');
}

/**
 * The request a one-shot run in the same terminal (`session`) left not understood, if it is
 * recent; it is taken (removed), so one miss is learned from at most once. Another terminal's
 * miss is left for that terminal (an expired or unreadable one is removed).
 */
export function takePending(dataDir: string, now: Date, session: string): string | undefined {
  const p = pendingPath(dataDir);
  if (!existsSync(p)) return undefined;
  let v: { text?: unknown; at?: unknown; session?: unknown } = {};
  try {
    v = JSON.parse(readFileSync(p, 'utf8')) as typeof v;
  } catch {
    /* unreadable: dropped below */
  }
  const at = typeof v.at === 'string' ? Date.parse(v.at) : NaN;
  const age = now.getTime() - at;
  const fresh = typeof v.text === 'string' && age >= 0 && age <= PENDING_MS;
  if (fresh && v.session !== session) return undefined;
  rmSync(p, { force: true });
  return fresh ? (v.text as string) : undefined;
}

/** Records (or updates) what a phrasing meant. */
export function learn(dataDir: string, phrasing: string, applied: string, now: Date): void {
  const records = loadLearned(dataDir);
  const i = records.findIndex((r) => similarity(r.phrasing, phrasing) === 1);
  const rec: LearnedRecord = { phrasing, applied, createdAt: now.toISOString(), outcomes: { applied: 1, rolledBack: 0, refused: 0 } };
  if (i >= 0) records[i] = rec;
  else records.push(rec);
  save(dataDir, records);
}

/** A phrasing whose plans keep rolling back: two or more, more often than applied. */
export function isFlagged(r: LearnedRecord): boolean {
  return r.outcomes.rolledBack >= 2 && r.outcomes.rolledBack > r.outcomes.applied;
}

/** The learned record for this phrasing or a close one (flagged ones are not used). */
export function recall(dataDir: string, text: string): { record: LearnedRecord; index: number; score: number } | undefined {
  const numbers = (s: string) => (s.match(/\d+/g) ?? []).join(',');
  let best: { record: LearnedRecord; index: number; score: number } | undefined;
  loadLearned(dataDir).forEach((record, index) => {
    if (isFlagged(record) || numbers(record.phrasing) !== numbers(text)) return;
    const score = similarity(record.phrasing, text);
    if (score >= CLOSE && (!best || score > best.score)) best = { record, index, score };
  });
  return best;
}

export function recordOutcome(dataDir: string, index: number, outcome: Outcome): LearnedRecord | undefined {
  const records = loadLearned(dataDir);
  const r = records[index];
  if (!r) return undefined;
  if (outcome === 'applied') r.outcomes.applied++;
  else if (outcome === 'rolled-back') r.outcomes.rolledBack++;
  else r.outcomes.refused++;
  save(dataDir, records);
  return r;
}

/** Forgets record N (1-based, as `claude learn list` numbers them). */
export function forget(dataDir: string, n: number): LearnedRecord | undefined {
  const records = loadLearned(dataDir);
  if (!Number.isInteger(n) || n < 1 || n > records.length) return undefined;
  const [gone] = records.splice(n - 1, 1);
  save(dataDir, records);
  return gone;
}
