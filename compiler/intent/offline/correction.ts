/**
 * A correction of the turn before (round 20): "actually make that 2" right after "give it 1 gig
 * of ram", "make that 10.1.0.0/16 instead" after a rule from 10.0.0.0/8, "no, 4am" after a job
 * at 3. The value said replaces the one value of its kind in the request before, and that
 * request is read again, as if it had been said that way, on the files as they are now (so it
 * changes what it made, never adds a second one). Its references ("it") are read with the
 * conversation as it was when it was first said.
 *
 * The value's kind picks the slot: an address or range replaces an address or range, a size
 * ("2 gigs") a size, a time ("4am", "4:30") a time, and a bare number the one number of the
 * request before (a size keeps its unit: "1 gig" → "2 gig"). When the request before holds
 * no value of that kind, or several, this is not a correction and the message is read on its
 * own. A reply to a correction starts with `(Read "…" as: …)`, so a second correction ("make
 * that 3") corrects what the first one made. Pure functions, no I/O.
 */
import type { ConversationTurn } from '../provider.js';
import { parseNumberWord } from './nlu.js';

/** The line a correction's reply starts with; the next correction reads the request from it. */
export function correctionNote(message: string, request: string): string {
  return `(Read "${message.trim()}" as: ${request})`;
}
const NOTE = /^\(Read ".*" as: (.*)\)$/m;

// A hedge is a lead word too ("I think 2 is enough", "on reflection, 4 should suffice", "you know what, 3 is fine"): round 31.
// "let's make it 5", "let us say 2": a suggestion's lead (round 35).
const LEAD = String.raw`(?:let'?s|let\s+us|actually|no|nah|nope|sorry|apologies|oops|wait|hmm+|oh|ok(?:ay)?|um+|er+m?|scratch\s+that|on\s+(?:second\s+thought|reflection)|my\s+(?:bad|mistake)|correction|hang\s+on|hold\s+on|i\s+meant|you\s+know\s+what|come\s+to\s+think\s+of\s+it|(?:i\s+)?(?:think|guess|reckon|believe|suppose|figure)|maybe|perhaps|probably)`;
const VERB = String.raw`(?:(?:make|change|set|switch|put|bump|turn)\s+(?:that|it|this)(?:\s+(?:to|at|up\s+to|down\s+to|into))?|make\s+it|i\s+meant?|rather|(?:let'?s\s+)?(?:go\s+with|do|say)|how\s+about)`;
// "3 is plenty", "1g is better", "2 will do", "4 should be enough": the value judged, not a new subject (round 30).
const JUDGED = String.raw`(?:is|are|'s|will|would|should|'ll|could|might)\s+(?:be\s+)?(?:plenty|enough|fine|ok(?:ay)?|good(?:\s+enough)?|better|do|suffice|sufficient|right|more\s+like\s+it|(?:the\s+)?(?:better|right)\s+(?:call|choice|number))`;
const TAIL = String.raw`(?:\s*(?:,\s*)?(?:instead|rather|actually|then|please|pls|plz|thanks|thx|not\s+[\w./:]+|after\s+all|${JUDGED}))*\s*[.!]*$`;
/** "make that V", "actually make that V instead", "no, V", "i meant V", "V is enough": with a verb, a lead word or a judgement. */
const SAID = new RegExp(String.raw`^(?:${LEAD}[\s,.:;!-]+)*(?:${VERB}\s+)(.+?)${TAIL}|^(?:${LEAD}[\s,.:;!-]+)+(.+?)${TAIL}|^(\S+(?:\s*[a-z]+)?)\s+${JUDGED}\s*[.!]*$`, 'i');

/**
 * The value a short message says as a correction ("actually 2 is enough" → "2", "no, 9001",
 * "make that 1g"), or undefined when it is no correction's form. Said of the value only: what it
 * corrects is the request before (`correctedRequest`), or nothing, and then the engine asks.
 */
export function correctionValue(message: string): string | undefined {
  const value = saidValue(message);
  return value !== undefined && carriesValue(value) ? value : undefined;
}

/**
 * A value a correction can carry on its own: an address, a size, a time, a number (a number word
 * is one by now), a day (typed or mistyped), a repeat. "make it snappy" carries none; a name
 * ("actually tokyo") is a value only of the host setting said before (`correctedRequest`).
 */
function carriesValue(value: string): boolean {
  const k = kindOf(value);
  if (k !== undefined && k !== 'word') return true;
  return /(?<![\w.-])\d+(?:[.,]\d+)?\s*[a-z]{0,3}(?![\w.-])|^\s*[x×]\s*\d|\b(?:twice|half|double|\w*d[a-z]?ys?|weekly|daily|nightly|hourly|monthly|midnight|noon|weekdays?|weekends?)\b/i.test(value);
}

/** What a short message says in a correction's form, whatever it is (a value or a name). */
function saidValue(message: string): string | undefined {
  const said = message.trim().replace(/[’`]/g, "'").replace(/\s+/g, ' ');
  if (said.length > 120) return undefined;
  const m = SAID.exec(said);
  if (!m) return undefined;
  const value = (m[1] ?? m[2] ?? m[3])!.trim().replace(/^(?:port|at|to)\s+/i, '');
  const word = parseNumberWord(value.toLowerCase());
  return word !== undefined ? String(word) : value;
}

/** A request that sets the host's time zone or name. */
const HOST_SETTING = /\b(?:time\s?zone|tz|host\s?name|(?:rename|call|name)\s+(?:the\s+|this\s+)?(?:server|machine|box|computer|host))\b/i;
/** The name a host setting ends with ("… to tokyo", "timezone: new york", "call the server edge-1"). */
const WORD_AT_END = /((?:\b(?:to|is|as|be)\s+|[:=]\s*|\b(?:server|machine|box|host|hostname|computer)\s+))['"]?(?!(?:to|is|as|be)\b)[a-z][\w./+-]*(?:\s+[a-z][\w./+-]*){0,2}['"]?(?=\s*[.!]*$)/gi;

type Kind = 'address' | 'size' | 'time' | 'number' | 'word';
const ADDRESS = String.raw`(?<![\w.])\d{1,3}(?:\.\d{1,3}){3}(?:\/\d{1,2})?(?![\w.]|\/\d)`;
const UNIT = String.raw`(?:gigs?|gigabytes?|gb|gib|gi|g|megs?|megabytes?|mb|mib|mi|m|tb|t|k|kb)`;
const SIZE = String.raw`(?<![\w.:/-])(\d+(?:\.\d+)?)(\s*)(${UNIT})(?![\w])`;
const TIME = String.raw`(?<![\w.:/-])(\d{1,2})(?::(\d{2}))?\s*(am|pm|a\.m\.|p\.m\.|o'?clock)?(?![\w:/-]|\.\d)`;

/** The kind of a said value, or undefined when it is not a single value. */
function kindOf(value: string): Kind | undefined {
  if (new RegExp(`^${ADDRESS}$`).test(value)) return 'address';
  if (new RegExp(`^${SIZE}$`, 'i').test(value)) return 'size';
  if (/^\d{1,2}(?::\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.|o'?clock)$|^\d{1,2}:\d{2}$/i.test(value)) return 'time';
  if (/^\d+$/.test(value)) return 'number';
  // "UTC", "paris", "Europe/Lisbon", "new york", "web-02": a name (of a zone, of the host).
  if (/^['"]?[a-z][\w./+-]*(?:\s+[a-z][\w./+-]*){0,2}['"]?$/i.test(value)) return 'word';
  return undefined;
}

interface Slot {
  at: number;
  text: string;
  /** The text with the value put in. */
  put(value: string): string;
}

/** The values of a kind in a request, each where it stands and how a new value replaces it. */
function slots(request: string, kind: Kind): Slot[] {
  const all = (re: RegExp, put: (m: RegExpExecArray, value: string) => string) => [...request.matchAll(re)].map((m) => ({ at: m.index!, text: m[0], put: (v: string) => put(m as RegExpExecArray, v) }));
  const sizes = all(new RegExp(SIZE, 'gi'), (m, v) => (kindOf(v) === 'size' ? v : `${v}${m[2]}${m[3]}`));
  if (kind === 'address') return all(new RegExp(ADDRESS, 'g'), (_m, v) => v);
  if (kind === 'size') return sizes;
  // A name only replaces the host's setting said last ("timezone to tokyo", "set the hostname
  // to web-01", "rename the box to alpha"): never a service, user or group said another way.
  if (kind === 'word') return HOST_SETTING.test(request) ? all(WORD_AT_END, (m, v) => `${m[1]}${v}`) : [];
  // A time is said with "at" or a clock word; a bare number after "at" is an hour too.
  const times = all(new RegExp(TIME, 'gi'), (_m, v) => v).filter((s) => /[:a-z]/i.test(s.text) || /\b(?:at|around|by|from|until|till)\s+$/i.test(request.slice(0, s.at)));
  if (kind === 'time') return times;
  // A bare number: the one number of the request, a size's or a time's included (never a
  // digit inside a name, a version, a path or an address).
  const numbers = all(/(?<![\w.:/@-])\d+(?![\w.:/@-]|\.\d)/g, (_m, v) => v).filter((n) => !sizes.some((s) => s.at === n.at) && !times.some((s) => s.at === n.at));
  return [...sizes, ...times, ...numbers];
}

/** The request the turn before made, as it was read (a correction's reply names its reading). */
export function lastRequest(history: ConversationTurn[]): { request: string; before: ConversationTurn[] } | undefined {
  for (let i = history.length - 1; i >= 0; i--) {
    if (history[i]!.role !== 'user') continue;
    const reply = history[i + 1]?.role === 'assistant' ? history[i + 1]!.text : '';
    return { request: NOTE.exec(reply)?.[1] ?? history[i]!.text, before: history.slice(0, i) };
  }
  return undefined;
}

/**
 * The request before with the corrected value in its slot, and the conversation before it;
 * undefined when the message is not a correction of a value that request said once.
 */
export function correctedRequest(message: string, history: ConversationTurn[]): { request: string; before: ConversationTurn[] } | undefined {
  // A correction is a few words ("actually make that 2"); a long message is never one, and the
  // pattern's lead words repeat, so it is not run on long text at all (the review's 2^k input:
  // "sorry, i meant " many times and a line break): `correctionValue` reads at most 120 characters.
  const value = saidValue(message);
  if (value === undefined) return undefined;
  const kind = kindOf(value);
  if (!kind) return undefined;
  const last = lastRequest(history);
  if (!last) return undefined;
  const found = slots(last.request, kind);
  if (found.length !== 1) return undefined;
  const s = found[0]!;
  return { request: last.request.slice(0, s.at) + s.put(value) + last.request.slice(s.at + s.text.length), before: last.before };
}

/**
 * A bare number correcting a size, when the size's unit cannot be the one meant (round 32,
 * review 24 LOW-2): "sorry, I think 2 is sufficient" after "give grafana 512m" would be 2m. A number
 * within 16 times the size before keeps its unit ("512m" → "make that 256"); further off, the
 * question to ask ("2 what?"), never a guess. Undefined when this is not such a correction.
 */
export function unclearSizeCorrection(message: string, history: ConversationTurn[]): string | undefined {
  const value = saidValue(message);
  if (value === undefined || kindOf(value) !== 'number') return undefined;
  const last = lastRequest(history);
  if (!last) return undefined;
  const found = slots(last.request, 'number');
  if (found.length !== 1) return undefined;
  const size = new RegExp(`^${SIZE}$`, 'i').exec(found[0]!.text);
  if (!size) return undefined;
  const ratio = Number(value) / Number(size[1]);
  if (ratio >= 1 / 16 && ratio <= 16) return undefined;
  return `"${value}" what? The value before was ${found[0]!.text}: say "${value}g" or "${value}m" (for example "make that ${value}g"). Nothing was changed.`;
}
