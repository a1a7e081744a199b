/**
 * Asking instead of guessing (round 17). A request that lacks what is needed to act — a slot
 * of its frame that nothing filled ("add a user": no name), or one that several things fit
 * ("remove the database" with postgres and mysql, "set the timezone to CST") — asks one
 * short question naming the choices and changes nothing. The next turn, when it answers
 * ("the postgres one", "alice", "the chinese one"), completes the request.
 *
 * One rule for every frame: the frame's reader builds an `Ask` (the slot, the choices, how
 * the answer fills the clause) and hands it to the engine's `need()`. With no answer the
 * engine records the ask and the whole request changes nothing; re-read with the answer,
 * `fill` rewrites the clause and it is read as if it had been said that way.
 *
 * Nothing is stored between turns: the question ends with `ASK_TAIL`, and the next turn
 * re-reads the request that asked (the user turn before it, on the same files, which the
 * ask did not change) to find the slot again. Pure functions, no I/O.
 */
import type { ConversationTurn } from '../provider.js';

/** What a slot holds: one of the choices, or a free value of a kind. */
export type SlotKind = 'service' | 'user' | 'username' | 'zone' | 'port' | 'hostname' | 'job' | 'ssh-key';

/** One answer a question offers, and the words that pick it ("postgres", "the chinese one"). */
export interface Choice {
  value: string;
  words: string[];
}

export interface Ask {
  slot: SlotKind;
  /** One short question naming the choices. */
  question: string;
  /** The values that may answer; none for a free value (a name, a port). */
  choices?: Choice[];
  /** The clause as if it had been said with the value. */
  fill(value: string): string;
}

export interface Answer {
  slot: SlotKind;
  value: string;
}

/** The last line of every question that waits for an answer: how the next turn knows. */
export const ASK_TAIL = 'Nothing was changed; answer and I will carry on.';

/** The request the conversation's last reply asked about, if it asked. */
export function askedRequest(history: ConversationTurn[]): { request: string; before: ConversationTurn[] } | undefined {
  const last = history[history.length - 1];
  const user = history[history.length - 2];
  if (!last || !user || last.role !== 'assistant' || user.role !== 'user' || !last.text.includes(ASK_TAIL)) return undefined;
  return { request: user.text, before: history.slice(0, -2) };
}

/** "x, y or z". */
export function orList(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Words around an answer that are not the answer ("the postgres one please", "call him alice"). */
const LEAD =
  /^(?:(?:oh|ah|um+|uh+|sorry|ok(?:ay)?|yes|yeah|yep|sure|well|hmm+|please|pls|i\s+meant?|i\s+mean|meant|i\s+want|i'?d\s+like|let'?s\s+(?:go\s+with|do|use)|go\s+with|use|pick|choose|take|it'?s|its|it\s+is|that'?s|make\s+it|set\s+it\s+to|(?:call|name)\s+(?:it|him|her|them|the\s+user|the\s+account)|(?:his|her|their|the|its)\s+(?:user\s*)?name\s+(?:is|will\s+be|should\s+be)|(?:user\s*name|login|name)\s*[:=]?|named|called|the|a|an|port|host\s*name\s*[:=]?|to)\b[\s,:;.!-]*)+/i;
const TRAIL =
  /(?:[\s,;.!-]+(?:one|service|container|instance|db|database|user|account|time|zone|timezone|port|please|pls|thanks|thank\s+you|thx|ty|instead|then|obviously|of\s+course|i\s+guess|i\s+think))+[\s.!]*$/i;
/** Replies that are not a value even when they look like one. */
const NOT_VALUES = new Set(['yes', 'no', 'ok', 'okay', 'cancel', 'stop', 'none', 'nothing', 'nevermind', 'never', 'it', 'that', 'this', 'both', 'all', 'either', 'neither', 'whatever', 'any', 'dunno', 'idk', 'what', 'why', 'huh', 'hmm', 'same', 'default']);

/** The bare value of a short reply, or undefined when the reply says more than a value. */
function bare(message: string): string | undefined {
  const v = message.trim().replace(/[?!.]+$/, '').replace(LEAD, '').replace(TRAIL, '').trim().replace(/^['"“‘`]|['"”’`]$/g, '');
  return v === '' || /\s/.test(v) ? undefined : v;
}

/**
 * The value a reply gives for the slot asked, or undefined when the reply is something else
 * (then it is read as a request of its own). A choice is picked when the reply names it and
 * no other; a free value only when the reply is that value with at most a few words around it.
 */
export function answerFor(ask: Ask, message: string): string | undefined {
  const t = ` ${message.toLowerCase().replace(/[’`]/g, "'")} `;
  if (ask.choices) {
    const exact = ask.choices.find((c) => c.value.toLowerCase() === message.trim().toLowerCase());
    if (exact) return exact.value;
    const hit = ask.choices.filter((c) => c.words.some((w) => w !== '' && new RegExp(String.raw`(?<![\w-])${escapeRe(w.toLowerCase())}(?![\w-])`).test(t)));
    if (hit.length === 1) return hit[0]!.value;
    if (hit.length > 1) return undefined;
    // "the maria one", "postgre": a word of four letters or more that begins one choice's word.
    const tokens = t.split(/[^a-z0-9_-]+/).filter((w) => w.length >= 4);
    const begun = ask.choices.filter((c) => c.words.some((w) => tokens.some((k) => w.toLowerCase().startsWith(k))));
    return begun.length === 1 ? begun[0]!.value : undefined;
  }
  // A public key pasted as the answer: the line as it is.
  if (ask.slot === 'ssh-key') return /^(?:ssh-(?:ed25519|rsa|dss)|ecdsa-sha2-[\w-]+|sk-[\w@.-]+)\s+[A-Za-z0-9+/=]{20,}(?:\s+\S+)?$/.test(message.trim()) ? message.trim() : undefined;
  if (message.trim().split(/\s+/).length > 8) return undefined;
  const v = bare(message);
  if (v === undefined || NOT_VALUES.has(v.toLowerCase())) return undefined;
  switch (ask.slot) {
    case 'username':
      return /^[a-z_][a-z0-9_-]{0,31}$/i.test(v) ? v.toLowerCase() : undefined;
    case 'hostname':
      return /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i.test(v) && !/^\d+$/.test(v) ? v.toLowerCase() : undefined;
    case 'port': {
      const m = /^(\d{1,5})(?:\/(?:tcp|udp))?$/i.exec(v);
      return m && Number(m[1]) >= 1 && Number(m[1]) <= 65535 ? v.toLowerCase() : undefined;
    }
    default:
      return undefined;
  }
}

/**
 * Time-zone abbreviations that name more than one zone: "CST" is US Central, China and Cuba;
 * "IST" is India, Ireland and Israel. A clear one (EST, PST, CET, JST) is read as before.
 */
export const AMBIGUOUS_ZONES: Record<string, Choice[]> = {
  cst: [
    { value: 'America/Chicago', words: ['us', 'usa', 'america', 'american', 'central', 'chicago', 'texas', 'north america', 'north american', 'us central'] },
    { value: 'Asia/Shanghai', words: ['china', 'chinese', 'shanghai', 'beijing', 'prc'] },
    { value: 'America/Havana', words: ['cuba', 'cuban', 'havana'] },
  ],
  ist: [
    { value: 'Asia/Kolkata', words: ['india', 'indian', 'kolkata', 'mumbai', 'delhi', 'bangalore', 'bengaluru', 'calcutta'] },
    { value: 'Europe/Dublin', words: ['ireland', 'irish', 'dublin'] },
    { value: 'Asia/Jerusalem', words: ['israel', 'israeli', 'jerusalem', 'tel aviv'] },
  ],
  ast: [
    { value: 'America/Halifax', words: ['atlantic', 'canada', 'canadian', 'halifax', 'nova scotia', 'puerto rico', 'caribbean'] },
    { value: 'Asia/Riyadh', words: ['arabia', 'arabian', 'saudi', 'riyadh', 'kuwait', 'qatar', 'baghdad', 'iraq'] },
  ],
};
