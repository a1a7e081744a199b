/**
 * "undo that", "that broke everything, go back", "revert the last change" as a turn (round 26,
 * intent3). Undo has one meaning (review 20 MED-2, docs/intent.md): the last applied change, as
 * `claude rollback HEAD~1`. The CLI, the REPL and the API route every wording read here
 * (`isUndo`) to that rollback before the engine (compiler/diagnose/operations.ts), so this turn
 * is reached only by a caller that talks to the engine directly (the eval, where every proposal
 * of a conversation is applied, so the last proposal is the last applied change). It takes back
 * the last proposal of the conversation, read from the lines under its "Proposed changes:"
 * heading (never an answer's lines, such as a service's log lines), each turned into the
 * request that reverses it:
 *   `+ NAME: …` (a service added)          → remove NAME (its volumes' data is kept)
 *   `~ NAME: image X`                      → NAME's image as the turn before set or made it
 *   `~ NAME: stopped …` / `~ NAME: started` → start NAME / stop NAME
 *   `+ user NAME`                          → remove user NAME
 * When any line of that reply has no reverse here (a firewall rule, a backup, a size, a removal),
 * nothing is changed and the reply says so and names `claude rollback` (back to the commit before
 * the last apply), rather than undoing half of it. With no proposal in the conversation it says
 * that there is nothing to undo in this conversation, and names `claude rollback` too.
 */
import type { ConversationTurn } from '../provider.js';

const UNDO = /^\s*(?:(?:ok|okay|hmm+|ugh|no+|nope|oops|argh|damn|wait|sorry|please|pls)[\s,.!]+)*(?:(?:that|this|it)\s+(?:broke|ruined|killed|messed\s+up|wrecked)\s+(?:everything|it|things|the\s+\w+)[\s,.!;-]+(?:(?:please|pls|so)\s+)?)?(?:please\s+|pls\s+|just\s+)?(?:undo|revert|roll\s*back|rollback|roll\s+(?:it|that|this)\s+back|go\s+back|take\s+(?:that|it|this)\s+back|put\s+(?:it|that|things)\s+back|change\s+(?:it|that)\s+back|set\s+(?:it|that)\s+back)\b(?:\s+(?:that|this|it|the\s+last\s+(?:change|one|step|thing)|your\s+last\s+change|what\s+you\s+(?:just\s+)?did|to\s+(?:how|what)\s+it\s+was(?:\s+before)?|(?:to\s+)?(?:the\s+)?(?:previous|last)\s+(?:version|state|one)|to\s+before|please|pls|now|again))*\s*[.!]*\s*$/i;

export const isUndo = (message: string): boolean => message.length < 200 && UNDO.test(message);

export type Undo = { request: string } | { cannot: string };

const ROLLBACK = '`claude rollback` returns the whole system to the commit before the last apply.';

/**
 * The change lines of a reply: only the indented block under its "Proposed changes:" heading.
 * An answer's lines (a service's own log lines under "Last log lines of web:", which may well
 * read `+ db: migrating schema`) are never a proposal (review 20 MED-2).
 */
function proposed(reply: string): string[] {
  const out: string[] = [];
  let inside = false;
  for (const line of reply.split('\n')) {
    if (/^Proposed changes:\s*$/.test(line)) inside = true;
    else if (inside && /^\s+[+~-] /.test(line)) out.push(line);
    else if (!/^\s/.test(line)) inside = false;
  }
  return out;
}

/** The requests that reverse the last proposal of the conversation, or why it cannot. */
export function undoRequest(history: ConversationTurn[]): Undo {
  const replies = history.filter((h) => h.role === 'assistant');
  const last = [...replies].reverse().find((h) => proposed(h.text).length > 0);
  if (!last) return { cannot: `Nothing was proposed earlier in this conversation, so there is nothing here to undo. ${ROLLBACK}` };
  const earlier = replies.slice(0, replies.lastIndexOf(last)).map((h) => proposed(h.text).join('\n')).join('\n');
  const steps: string[] = [];
  const left: string[] = [];
  for (const raw of proposed(last.text)) {
    const line = raw.trim();
    if (!/^[+~-] /.test(line)) continue;
    let m: RegExpExecArray | null;
    if ((m = /^\+ user ([a-z_][a-z0-9_-]*)\b/.exec(line))) steps.push(`remove user ${m[1]}`);
    else if (/^\+ network \S+:/.test(line)) continue; // goes with the last service on it
    else if ((m = /^\+ ([a-z][a-z0-9-]*): /.exec(line))) steps.push(`remove ${m[1]}`);
    else if ((m = /^~ ([a-z][a-z0-9-]*): stopped\b/.exec(line))) steps.push(`start ${m[1]}`);
    else if ((m = /^~ ([a-z][a-z0-9-]*): (?:started|running)\b/.exec(line))) steps.push(`stop ${m[1]}`);
    else if ((m = /^~ ([a-z][a-z0-9-]*): image (\S+)/.exec(line))) {
      const name = m[1]!;
      const before = [...earlier.matchAll(new RegExp(`^\\s*[+~] ${name}: (?:image )?([a-z0-9][\\w./-]*:[\\w.-]+)`, 'gm'))].pop();
      if (before) steps.push(`set the ${name} image to ${before[1]}`);
      else left.push(line);
    } else left.push(line);
  }
  if (left.length > 0 || steps.length === 0) return { cannot: `I cannot take back all of the last change by myself (${(left.length > 0 ? left : ['nothing listed']).join('; ')}), so nothing was changed. ${ROLLBACK}` };
  return { request: steps.join('. ') };
}
