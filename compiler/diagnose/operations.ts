/**
 * Operations said in plain words: "undo the last change", "roll back to 3cc64a7d", "show me
 * the logs of web", "what changed today?", "restore the db from the last backup". They are
 * not changes to the state files, so the intent engine never sees them: the CLI
 * (cli/operations.ts) runs the command a person would type, the API's conversation
 * (server/service.ts) answers or plans as its endpoints do. Pure text: no I/O.
 *
 * The patterns match the whole message (a polite word around it is fine), so a request that
 * only mentions one of these words ("roll back postgres to 15", "keep the logs for a week")
 * stays a request.
 */

import { isUndo } from '../intent/offline/undo.js';

export type OperationRequest =
  /** `rev` absent: pick from the list (a terminal), as `claude rollback` does. */
  | { kind: 'rollback'; rev?: string; undo: boolean; that?: boolean }
  | { kind: 'history'; since?: string }
  | { kind: 'logs'; service?: string; lines?: number }
  /** `name` a volume or a service (claude restore takes either); `backup` an id, else the newest. */
  | { kind: 'restore'; name: string; backup?: string };

const POLITE_HEAD = String.raw`(?:(?:ok(?:ay)?|hey|so|hmm+|ugh|oops|please|pls|plz|can\s+you|could\s+you|would\s+you|will\s+you|i\s+want\s+(?:you\s+)?to|i\s+need\s+(?:you\s+)?to|let'?s|just|now)[,\s]+)*`;
const POLITE_TAIL = String.raw`(?:[,\s]+(?:please|pls|plz|now|thanks|thank\s+you|asap|for\s+me))*\s*[.!?]*`;
const whole = (body: string) => new RegExp(`^\\s*${POLITE_HEAD}${body}${POLITE_TAIL}$`, 'i');

/** What "the last change" is called. */
const LAST = String.raw`(?:the\s+|my\s+|your\s+)?(?:last|latest|previous|most\s+recent|recent)\s+(?:change|changes|apply|deploy(?:ment)?|commit|update|one|thing(?:\s+you\s+did)?)`;
const UNDO = [
  whole(String.raw`(?:undo|revert|reverse|roll\s*back|rollback)(?:\s+(?:that|this|it|everything\s+you\s+just\s+did|what\s+you\s+(?:just\s+)?(?:did|changed|applied)|${LAST}))?`),
  whole(String.raw`(?:go|put\s+(?:it|things|everything)|set\s+(?:it|things|everything))\s+back\s+(?:to\s+)?(?:how|the\s+way|what)\s+(?:it|they|things|everything)\s+(?:was|were)(?:\s+before(?:\s+(?:that|${LAST}))?)?`),
];
/** A commit said after "roll back to" / "revert to": hex, HEAD~N, main^. */
const ROLLBACK_TO = whole(String.raw`(?:undo|revert|roll\s*back|rollback|go\s+back|restore(?:\s+the\s+state)?)\s+(?:to|back\s+to)\s+(?:commit\s+|change\s+)?([0-9a-f]{6,40}|HEAD(?:[~^]\d*)*|main(?:[~^]\d*)*)`);
/** A bare "roll back" with nothing after it: which change is a choice, so the list is shown. */
const ROLLBACK_PICK = whole(String.raw`(?:roll\s*back|rollback|revert)(?:\s+(?:the\s+)?(?:state|system|server|config(?:uration)?))?`);

const SINCE = String.raw`(today|yesterday|this\s+week|this\s+morning|recently|lately|so\s+far|in\s+the\s+last\s+(\d+)\s+(hours?|days?))`;
const HISTORY = [
  whole(String.raw`(?:show|list|display|give|print|what(?:'s|\s+is)|see)?\s*(?:me\s+)?(?:the\s+)?(?:change\s+|state\s+|git\s+)?(?:history|log\s+of\s+changes|changelog|change\s+log)`),
  whole(String.raw`(?:show|list|display|what\s+are|what\s+were)?\s*(?:me\s+)?(?:the\s+)?(?:recent|latest|last)\s+(?:changes|applies|deploys|commits)`),
  whole(String.raw`(?:what|which\s+changes)\s+(?:has\s+|have\s+)?(?:changed|was\s+changed|were\s+made|got\s+changed|happened|did\s+you\s+(?:change|do|apply))(?:\s+${SINCE})?`),
  whole(String.raw`what\s+(?:did|have)\s+(?:you|we|i|they|people|anyone|someone)\s+(?:changed?|done|do|appl(?:y|ied))(?:\s+${SINCE})?`),
  whole(String.raw`who\s+changed\s+(?:what|things|stuff|something)(?:\s+${SINCE})?`),
];

/** "today" → a date the history command takes. */
function sinceWord(text: string): string | undefined {
  const m = new RegExp(SINCE, 'i').exec(text);
  if (!m) return undefined;
  const w = m[1]!.toLowerCase().replace(/\s+/g, ' ');
  if (m[2]) return `${m[2]}${m[3]!.toLowerCase().startsWith('h') ? 'h' : 'd'}`;
  if (w === 'today' || w === 'this morning' || w === 'so far') return 'today';
  if (w === 'yesterday') return 'yesterday';
  if (w === 'this week') return '7d';
  return undefined; // "recently", "lately": the newest changes, as history lists them
}

const NAME = String.raw`([a-z0-9][a-z0-9_.-]*)`;
const BACKUP_ID = String.raw`(\d{8}T\d{4,6}Z?)`;
const RESTORE = [
  // "restore lw-db from the last backup", "restore postgres-data from backup 20261205T1757", "restore web's data from its backup"
  whole(String.raw`restore\s+(?:the\s+)?(?:data\s+of\s+|volume\s+)?${NAME}(?:'s\s+data|\s+data|\s+volume)?\s+(?:from|to|using|with)\s+(?:the\s+|its\s+|a\s+)?(?:(?:last|latest|newest|most\s+recent|previous|last\s+night'?s|today'?s)\s+)?(?:backup|dump|snapshot)(?:\s+${BACKUP_ID})?`),
  // "restore the last backup of lw-db", "restore backup 20261205T1757 of postgres-data"
  whole(String.raw`restore\s+(?:the\s+)?(?:(?:last|latest|newest|most\s+recent|previous)\s+)?(?:backup|dump|snapshot)(?:\s+${BACKUP_ID})?\s+(?:of|for)\s+(?:the\s+)?${NAME}`),
];

function restoreRequest(t: string): OperationRequest | null {
  const a = RESTORE[0]!.exec(t);
  if (a) return { kind: 'restore', name: a[1]!, ...(a[2] ? { backup: a[2] } : {}) };
  const b = RESTORE[1]!.exec(t);
  if (b) return { kind: 'restore', name: b[2]!, ...(b[1] ? { backup: b[1] } : {}) };
  return null;
}

const LOG_WORDS = String.raw`(?:logs?|log\s+lines?|log\s+output|output|errors?\s+log)`;
const NUM = String.raw`(\d{1,4})`;

/**
 * The operation `message` asks for, or null when it is a request for a change (or a
 * question) for the intent engine. `services` are the names the host knows (state files and
 * managed containers): a logs request names one of them.
 */
export function operationRequest(message: string, services: readonly string[]): OperationRequest | null {
  const t = message.trim();
  if (!t || t.length > 200) return null;
  const to = ROLLBACK_TO.exec(t);
  if (to) return { kind: 'rollback', rev: to[1]!, undo: false };
  // Undo has one meaning, however it is said ("undo that", "roll it back", "go back", "that
  // broke everything, go back"): the last applied change, as `claude rollback HEAD~1`
  // (docs/intent.md). The engine's own wordings (undo.ts isUndo) are read here too, so none of
  // them reaches the engine from the CLI, the REPL or the API.
  if (UNDO.some((r) => r.test(t)) || isUndo(t)) {
    // A bare "roll back" / "revert" picks from the list; "undo", "undo that", "roll back the last change" go one back.
    if (ROLLBACK_PICK.test(t)) return { kind: 'rollback', undo: false };
    // "undo that", "roll it back", "undo": what was just said; while a proposal waits, that proposal.
    const that = /\b(?:undo|revert|reverse|roll\s*back|rollback)\s+(?:that|this|it)\b/i.test(t) || /\b(?:roll|take|put|change|set)\s+(?:that|this|it)\s+back\b/i.test(t) || /^\s*(?:(?:ok(?:ay)?|oops|no|hmm+|ugh|please|pls)[,\s]+)*undo\s*[.!?]*$/i.test(t);
    return { kind: 'rollback', rev: 'HEAD~1', undo: true, ...(that ? { that: true } : {}) };
  }
  if (ROLLBACK_PICK.test(t)) return { kind: 'rollback', undo: false };
  const restore = restoreRequest(t);
  if (restore) return restore;
  if (HISTORY.some((r) => r.test(t))) {
    const since = sinceWord(t);
    return { kind: 'history', ...(since ? { since } : {}) };
  }
  return logsRequest(t, services);
}

function logsRequest(t: string, services: readonly string[]): OperationRequest | null {
  const names = [...services].sort((a, b) => b.length - a.length).map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const svc = names.length ? `(${names.join('|')})` : '(?!)';
  const lines = String.raw`(?:(?:the\s+)?(?:last|latest|final)\s+${NUM}\s+(?:lines?\s+(?:of\s+|from\s+|in\s+)?)?)?`;
  const forms = [
    // "show me the logs of web", "last 50 lines of the api's logs", "logs for web", "tail web's logs"
    whole(String.raw`(?:show|get|give|print|display|tail|check|see|read|view|open|pull\s+up|look\s+at|dump)?\s*(?:me\s+)?${lines}(?:the\s+)?(?:${LOG_WORDS})\s+(?:of|for|from)\s+(?:the\s+)?${svc}(?:\s+(?:service|container))?`),
    whole(String.raw`(?:show|get|give|print|display|tail|check|see|read|view|open|pull\s+up|look\s+at|dump)?\s*(?:me\s+)?${lines}(?:the\s+)?${svc}(?:'s|’s|\s+service'?s?|\s+container'?s?)?\s+${LOG_WORDS}`),
    whole(String.raw`(?:show|get|give|print|display|tail|check|see|read|view)\s+(?:me\s+)?(?:the\s+)?${LOG_WORDS}\s+${svc}`),
    whole(String.raw`what\s+(?:does|did|is)\s+(?:the\s+)?${svc}\s+(?:log|logging|say|saying|print|printing|output|outputting)`),
  ];
  for (const r of forms) {
    const m = r.exec(t);
    if (!m) continue;
    const n = m.slice(1).find((g) => g !== undefined && /^\d+$/.test(g));
    const service = m.slice(1).find((g) => g !== undefined && !/^\d+$/.test(g) && services.includes(g));
    return { kind: 'logs', ...(service ? { service } : {}), ...(n ? { lines: Number(n) } : {}) };
  }
  // "show me the logs", "logs?": which service is a choice (unless there is only one).
  if (whole(String.raw`(?:show|get|give|print|display|tail|check|see|read|view)?\s*(?:me\s+)?${lines}(?:the\s+)?${LOG_WORDS}`).test(t)) {
    return { kind: 'logs', ...(services.length === 1 ? { service: services[0]! } : {}) };
  }
  return null;
}

export { sinceTime } from '../../common/since.js';
