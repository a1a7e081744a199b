/**
 * One request turned into a signed plan, shared by `claude "<msg>"`, the REPL and the API:
 * the provider's vetted proposal → (when there is something to do) a plan through the one
 * planning path (agent/intent.ts planIntent → agent/flow.ts planFiles); what to do when the
 * plan is refused as stale (propose again on the current state); which steps need a new
 * approval; and where a plan that is not applied is kept.
 */
import { recall, recordOutcome } from './learning.js';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeFileAtomic } from '../common/fsutil.js';
import { checkRequestLength, type ConversationTurn, type IntentContext, type StateFiles } from '../compiler/intent/provider.js';
import { isWiderThanNamedQuestion, proposeValidated, type IntentResult } from '../compiler/intent/validate-proposal.js';
import { buildIntentContext, planIntent, reloadState, type IntentSession, type PlannedIntent } from './intent.js';

export interface TurnResult {
  /** The context the provider got (kept to plan again when the system moved). */
  ictx?: IntentContext;
  /** What the plan records as its request. */
  request?: string;
  /** The messages that led to this proposal, first to last (refinements included). */
  messages?: string[];
  result: IntentResult;
  planned?: PlannedIntent;
  /** Why no plan could be made (rendered), when the files were valid but planning failed. */
  planProblems?: string[];
  /** Set when a learned phrasing (agent/learning.ts) was used: its record's index. */
  learned?: { index: number; phrasing: string; applied: string };
}

/**
 * One request → vetted proposal → (when there is something to do) a signed plan.
 * `request` is what the plan records: the chain of refinements that built it ("I need a
 * PostgreSQL database; with daily backups").
 */
export async function proposeTurn(s: IntentSession, message: string, history: ConversationTurn[], files: StateFiles, request?: string): Promise<TurnResult> {
  checkRequestLength(message);
  const first = await proposeOnce(s, message, history, files, request);
  // Learning mode: a phrasing not understood that the user taught before (a rephrase that
  // was applied) is read as what was applied then.
  if (first.result.status !== 'answer' || first.result.proposal.understood !== false) return first;
  const hit = recall(s.paths.dataDir, message);
  if (!hit) return first;
  const t = await proposeOnce(s, hit.record.applied, history, files, request ?? message);
  t.learned = { index: hit.index, phrasing: hit.record.phrasing, applied: hit.record.applied };
  t.result.proposal = { ...t.result.proposal, explanation: `(Learned: when you said "${hit.record.phrasing}" before, you meant "${hit.record.applied}". \`claude learn list\` shows what I learned.)\n${t.result.proposal.explanation}` };
  if (t.result.status === 'refused') recordOutcome(s.paths.dataDir, hit.index, 'refused');
  return t;
}

async function proposeOnce(s: IntentSession, message: string, history: ConversationTurn[], files: StateFiles, request?: string): Promise<TurnResult> {
  const ictx = await buildIntentContext(s, message, history, files);
  const result = await proposeValidated(s.provider, ictx);
  if (result.status !== 'proposed') return { result, ictx };
  const planned = await planIntent(s, ictx, result, request ? { request } : {});
  if (!('payload' in planned)) return { result, ictx, planProblems: planned.problems };
  return { result, ictx, planned, ...(request ? { request } : {}) };
}

/**
 * A plain yes to the vetting's questions: "yes", "ok", "sure, do it", "yes, the website is for
 * everyone", "open it to everyone". Not when the answer changes something ("yes but only …",
 * an address, a port, a negation): that is a new request.
 */
const YES = String.raw`(?:y|yes|yeah|yep|yup|ok|okay|sure|correct|confirm(?:ed)?|go\s+ahead|do\s+it|proceed|that'?s\s+(?:right|fine|ok|what\s+i\s+want)|open\s+it\s+to\s+every(?:one|body)|(?:it|that|the\s+\w+)\s+(?:should\s+be|is)\s+(?:open\s+to|for)\s+every(?:one|body)|(?:it|that|the\s+\w+)\s+is\s+public)`;
/** The whole answer is affirmations and filler, nothing else: "yes", "ok, do it", "yes, the website is for everyone". */
const PLAIN_YES = new RegExp(String.raw`^(?:${YES}|please|pls|thanks|thx)(?:[\s,.!]+(?:${YES}|please|pls|thanks|thx))*[\s.!]*$`, 'i');

export function isPlainYes(answer: string): boolean {
  return PLAIN_YES.test(answer.trim());
}

/**
 * The answer to a turn that stopped only on the vetting's questions (the proposal was complete
 * and compiled: a firewall rule wider than the range named, a port or address the files do not
 * use): a plain yes plans that same proposal as it is; the approval prompt still follows.
 * Undefined when `t` is not such a turn or the answer is not a plain yes (then the answer is a
 * new message, as before).
 */
export async function acceptVettedTurn(s: IntentSession, t: TurnResult, answer: string): Promise<TurnResult | undefined> {
  const questions = t.result.questions;
  if (t.result.status !== 'ask' || (t.result.proposal.questions ?? []).length > 0 || !t.ictx || questions.length === 0) return undefined;
  // Only the "wider than the range you named" stop: every other stop needs the request said again.
  if (!questions.every(isWiderThanNamedQuestion) || !isPlainYes(answer)) return undefined;
  const result: IntentResult = { ...t.result, status: 'proposed', questions: [] };
  const planned = await planIntent(s, t.ictx, result, t.request ? { request: t.request } : {});
  if (!('payload' in planned)) return { ...t, result, planProblems: planned.problems };
  return { ...t, result, planned };
}

/** Security steps (firewall, users, SSH) need the word "yes", not just "y". */
export function isSecuritySensitive(p: PlannedIntent): boolean {
  return p.payload.steps.some((s) => s.risk === 'security');
}

export function changedFiles(t: TurnResult): string[] {
  return Object.keys(t.result.files).sort();
}

/**
 * After a stale refusal: reads the state again (another apply may have committed), asks
 * the provider again with the same messages on top of it (so that apply's changes are
 * kept, not undone: no lost update), and plans the result. Null when that fails.
 */
export async function reproposeOnCurrentState(s: IntentSession, t: TurnResult): Promise<PlannedIntent | null> {
  await reloadState(s);
  let files = s.files;
  const history: ConversationTurn[] = [];
  let last: TurnResult | undefined;
  for (const m of t.messages ?? [t.ictx!.message]) {
    last = await proposeTurn(s, m, [...history], files, t.request);
    if (last.result.status !== 'proposed') return null;
    history.push({ role: 'user', text: m }, { role: 'assistant', text: last.result.proposal.explanation });
    files = last.result.merged;
  }
  return last?.planned ?? null;
}

/** Security or destructive steps of `next` that `approved` did not have (by description). */
export function unapprovedRiskySteps(approved: PlannedIntent, next: PlannedIntent): string[] {
  const risky = (p: PlannedIntent) => p.payload.steps.filter((x) => x.risk === 'security' || x.risk === 'destructive').map((x) => x.description);
  const seen = new Set(risky(approved));
  return risky(next).filter((d) => !seen.has(d));
}

/** Saves a plan that was not applied, so it can be reviewed and applied later. */
export function savePending(s: IntentSession, planned: PlannedIntent, out?: string, cwd = '.'): string {
  const path = out ? resolve(cwd, out) : join(s.paths.dataDir, 'plans', `${planned.payload.id}.json`);
  mkdirSync(resolve(path, '..'), { recursive: true });
  writeFileAtomic(path, planned.envelopeText, 0o644);
  return path;
}

/**
 * The explanation to show beside the questions: a line of it that is one of the questions is
 * left out, since the question is shown as a question (the offline engine's asks put the
 * question in both; an LLM may too). The CLI's printer and the API's reply (the web UI) both
 * show this, so a question is said once on either.
 */
export function explanationBesideQuestions(explanation: string, questions: readonly string[]): string {
  if (questions.length === 0) return explanation;
  const asked = new Set(questions.map((q) => q.trim()));
  return explanation
    .split('\n')
    .filter((l) => !asked.has(l.trim()))
    .join('\n')
    .trim();
}
