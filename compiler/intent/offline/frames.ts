/**
 * Two operations on the frame the turn before said (round 28), for every area: the turn is
 * read as the request before, changed, and that request is read again (as a correction is,
 * correction.ts), so whatever reads the request before reads this one.
 *
 * - An elliptical turn ("and mailhog too", "same for the worker", "X as well", "ditto for X",
 *   "likewise X", "+ X", "and https from anywhere"): the request before with one slot replaced
 *   by what is said. A name replaces the service the request before named (a name its reply
 *   listed as changed, or a name in the state or the catalogue); a protocol word or a port
 *   replaces the port; "from …" replaces the source.
 * - A relative amount ("half that", "double it", "2x", "50% more", "25% less", "triple it"): the
 *   request before with each amount it set (a size, a number of cores, replicas, copies, days)
 *   multiplied; ports, times and versions are never amounts. A vague amount ("a bit more",
 *   "make it bigger", "smaller") asks how much, never guesses.
 *
 * The reply starts with `(Read "…" as: …)` (correctionNote), so the next turn reads the new
 * request ("and postgres too" after "and mailhog too"). Pure functions, no I/O; the message is
 * a few words (over 80 characters it is never one of these).
 */
import type { ConversationTurn } from '../provider.js';
import { lastRequest } from './correction.js';
import { WELL_KNOWN } from './ports.js';

export interface Framed {
  request: string;
  before: ConversationTurn[];
}

/** Words that carry no slot of an elliptical turn or a relative amount (leads, politeness, pointers). */
const FILLER = new Set(
  'ok okay oh hmm hmmm um well so now then and but just please pls plz thanks thx it that this them those its the one ones service services container containers again instead maybe actually no nah wait sorry too much many go make do set bump cut take bring scale try let lets can could you we to by in of as up down rather say'.split(' '),
);

const norm = (message: string) => message.trim().toLowerCase().replace(/[’`]/g, "'").replace(/\s+/g, ' ');

// ---- An elliptical turn -------------------------------------------------------------------

/** The words that make a turn elliptical (one of them must be said), said before or after what replaces the slot. */
const ELLIPSIS_LEAD = /^(?:(?:and|also|plus|now|then|ok(?:ay)?|oh|but)\s+)*(?:(?:(?:do|apply|repeat)\s+)?(?:the\s+)?same(?:\s+thing)?(?:\s+goes)?\s+(?:for|with|to|fr|on)|ditto(?:\s+(?:for|with))?|likewise(?:\s+(?:for|with))?|repeat\s+(?:that|it|this)\s+(?:for|with|on)|(?:and|also)\s+(?:for|with)|also(?:\s+do)?|\+|plus)\s+/;
const ELLIPSIS_TAIL = /(?:\s*,?\s+|^)(?:too|to|as\s*well|also|please|pls|plz|thanks|thx)(?:\s+(?:too|please|pls|plz|thanks|thx))*$/;

/** What an elliptical turn says in place of a slot ("mailhog", "the worker", "https from anywhere"), or undefined. */
function ellipsis(message: string): string | undefined {
  let t = norm(message).replace(/[.!?]+$/, '');
  if (t.length > 80) return undefined;
  let marked = false;
  // "and https from anywhere", "and redis": a bare "and" marks it only before a name there is, a port or a source (checked by the caller).
  const bare = /^(?:and|plus|also)\s+(?!(?:the\s+)?same\b|for\b|with\b)/.exec(t) && !ELLIPSIS_TAIL.test(t);
  const lead = ELLIPSIS_LEAD.exec(t);
  if (lead) [t, marked] = [t.slice(lead[0].length), true];
  const tail = ELLIPSIS_TAIL.exec(t);
  // "and mailhog too", "the worker too", "mailhog as well": the tail marks it (not "to" alone: "move it to").
  if (tail && tail.index > 0 && (lead || /\b(?:too|as\s*well|also)\b/.test(tail[0]))) [t, marked] = [t.slice(0, tail.index), true];
  t = t.replace(/^(?:and|now|then|ok(?:ay)?)\s+/, '').replace(/^(?:the|for|with)\s+/, '').replace(/\s+(?:one|service|container|app)$/, '').trim();
  if (bare) [t, marked] = [t.replace(/^(?:and|plus|also)\s+(?:the\s+)?/, ''), true];
  // "and port 80" after "open port 443": the port said with its word (round 38, fit32b: h32-dng-60).
  t = t.replace(/^ports?\s+(?=\d{2,5}(?:\s+from\s|$))/, '');
  if (!marked || !/^[a-z0-9][\w.-]*(?:\s+from\s+[\w./: -]+)?$/.test(t)) return undefined;
  return bare ? `${t}\u0000` : t;
}

const portWord = (w: string) => WELL_KNOWN[w] !== undefined || /^\d{2,5}$/.test(w);

/**
 * The request before with the slot an elliptical turn replaces; `names`: the services there are
 * and the catalogue's products (a name the reply before listed as changed is a slot too).
 */
function ellipticalRequest(message: string, history: ConversationTurn[], names: readonly string[]): Framed | undefined {
  const marked = ellipsis(message);
  if (!marked) return undefined;
  const said = marked.replace(/\u0000$/, '');
  // Said with a bare "and" ("and https from anywhere", "and redis"): a port, a source, or a name there is.
  if (marked !== said && !/\sfrom\s/.test(said) && !portWord(said) && !names.some((n) => n.toLowerCase() === said)) return undefined;
  const last = lastRequest(history);
  if (!last) return undefined;
  const [what, source] = said.split(/\s+from\s+/) as [string, string | undefined];
  let request = last.request;
  if (source !== undefined) request = /\bfrom\s+[^,;]+/i.test(request) ? request.replace(/\bfrom\s+[^,;]+/i, `from ${source}`) : `${request} from ${source}`;
  const words = [...request.matchAll(/[a-z0-9][\w.-]*/gi)];
  if (portWord(what)) {
    const slot = words.filter((m) => portWord(m[0].toLowerCase()) && !/[\w.:/@-]$/.test(request.slice(0, m.index)));
    if (slot.length !== 1) return undefined;
    return { request: request.slice(0, slot[0]!.index) + what + request.slice(slot[0]!.index! + slot[0]![0].length), before: last.before };
  }
  const reply = history[history.length - 1]?.role === 'assistant' ? history[history.length - 1]!.text : '';
  const changed = new Set([...reply.matchAll(/^\s*[-+~]\s+([a-z0-9][\w.-]*)/gim)].map((m) => m[1]!.toLowerCase()));
  const known = new Set(names.map((n) => n.toLowerCase()));
  const isName = (w: string) => changed.has(w) || known.has(w);
  const slot = words.filter((m) => isName(m[0].toLowerCase()) && m[0].toLowerCase() !== what && !/[:/@]$/.test(request.slice(0, m.index)));
  // One service the request before named (several: the one its reply changed, when that is one).
  const one = slot.length === 1 ? slot : slot.filter((m) => changed.has(m[0].toLowerCase()));
  if (one.length !== 1) return undefined;
  const m = one[0]!;
  let next = request.slice(0, m.index) + what + request.slice(m.index! + m[0].length);
  // "add grafana on 3000" then "and prometheus": another service added is added on its own port
  // (a host port is one service's; carried over it clashes and asks). Sizes, counts and the rest are kept.
  if (/^\s*(?:add|run|deploy|install|set\s*up|setup|create|spin\s+up|start|launch)\b/i.test(next)) {
    next = next.replace(/\s+(?:on|at)\s+(?:(?:host\s+)?port\s+)?:?\d{2,5}(?:\/(?:tcp|udp))?\b|\s+(?:with\s+)?(?:host\s+)?port\s+\d{2,5}(?:\/(?:tcp|udp))?\b|(?<=\S):\d{2,5}\b(?!:)/gi, '');
  }
  return { request: next, before: last.before };
}

// ---- A relative amount --------------------------------------------------------------------

type Amount = number | 'vague';
/** The ways a person says how much the amount before changes, each as a factor ('vague': how much is not said). */
const FACTORS: [RegExp, (m: RegExpExecArray) => Amount][] = [
  [/\b(\d{1,3}(?:\.\d+)?)\s*(?:%|percent|pct)\s+(?:more|higher|bigger|larger|extra|up)\b|\b(?:up|increase|raise|bump|grow)\s+(?:it\s+|that\s+|this\s+)?(?:by\s+)?(\d{1,3}(?:\.\d+)?)\s*(?:%|percent|pct)/, (m) => 1 + Number(m[1] ?? m[2]) / 100],
  [/\b(\d{1,2}(?:\.\d+)?)\s*(?:%|percent|pct)\s+(?:less|lower|smaller|fewer|down)\b|\b(?:down|decrease|reduce|lower|cut|drop|shrink)\s+(?:it\s+|that\s+|this\s+)?(?:by\s+)?(\d{1,2}(?:\.\d+)?)\s*(?:%|percent|pct)/, (m) => 1 - Number(m[1] ?? m[2]) / 100],
  [/\b(?:half|halve|halv|halfe|halved|halves)\b/, () => 0.5],
  [/\b(?:double|doubled|dubble|twice|times\s+two|two\s+times)\b/, () => 2],
  [/\b(?:triple|tripled|thrice|times\s+three|three\s+times)\b/, () => 3],
  [/\b(\d(?:\.\d+)?)\s*x\b|\bx\s*(\d(?:\.\d+)?)\b|\btimes\s+(\d(?:\.\d+)?)\b/, (m) => Number(m[1] ?? m[2] ?? m[3])],
  [/\b(?:(?:a\s+(?:bit|little|tad|touch|smidge|lil)|slightly|somewhat|abit|way|much)\s+)?(?:more|less|bigger|smaller|larger|higher|lower|fewer)\b/, () => 'vague'],
];

/** How much the amount before changes, when that is all the message says. */
function relative(message: string): Amount | undefined {
  const t = norm(message).replace(/[!?,;:]|\.(?!\d)/g, ' ').replace(/\s+/g, ' ').trim();
  if (t.length > 80 || t === '') return undefined;
  for (const [re, f] of FACTORS) {
    const m = re.exec(t);
    if (!m) continue;
    const rest = (t.slice(0, m.index) + ' ' + t.slice(m.index + m[0].length)).split(' ').filter((w) => w !== '');
    if (!rest.every((w) => FILLER.has(w))) return undefined;
    const f0 = f(m);
    return f0 === 'vague' || (Number.isFinite(f0) && f0 > 0 && f0 !== 1) ? f0 : undefined;
  }
  return undefined;
}

/** An amount in the request before: a size, or a number counted in cores, replicas, copies, days (never a port or a time). */
const AMOUNT = /(?<![\w.:/@-])(\d+(?:\.\d+)?)(\s*)(gigs?|gigabytes?|gb|gib|gi|g|megs?|megabytes?|mb|mib|mi|m|tb|t)(?![\w])|(?<![\w.:/@-])(\d+(?:\.\d+)?)(?=\s*(?:cores?|cpus?|vcpus?|replicas?|instances?|copies|workers|containers|backups|snapshots|days?|weeks?)\b)|(?<=\b(?:scale\s+(?:the\s+)?[\w-]+\s+(?:up\s+|down\s+|out\s+)?to|replicas?\s*(?:to|=|:)?|keep|retain)\s+)(\d+)(?![\w.:])/gi;

const fmt = (n: number) => String(Math.round(n * 100) / 100);

/** One amount times a factor, in the unit it was said in (a fraction of a gig in megs). */
function scaled(m: RegExpExecArray, f: number): string {
  if (m[1] !== undefined) {
    const [n, sp, unit] = [Number(m[1]) * f, m[2]!, m[3]!];
    if (/^[gt]/i.test(unit) && !Number.isInteger(n)) return `${Math.round(n * (/^t/i.test(unit) ? 1024 * 1024 : 1024))}mb`;
    return `${Math.max(1, Math.round(n))}${sp}${unit}`;
  }
  if (m[4] !== undefined) return fmt(Number(m[4]) * f);
  return String(Math.max(1, Math.round(Number(m[5]) * f)));
}

/** The request before with each of its amounts multiplied; an ask when how much is vague. */
function relativeRequest(message: string, history: ConversationTurn[]): Framed | { ask: string } | undefined {
  const f = relative(message);
  if (f === undefined) return undefined;
  const last = lastRequest(history);
  const found = last ? [...last.request.matchAll(AMOUNT)] : [];
  if (f === 'vague') {
    const what = last && found.length ? `than in "${last.request}"` : 'and for which service';
    return { ask: `How much ${/\b(?:less|smaller|lower|fewer)\b/i.test(message) ? 'less' : 'more'} ${what}? Say an amount ("2 gigs of memory for the api", "3 replicas") or a factor ("double it", "half that", "50% more").` };
  }
  if (!last || found.length === 0) return undefined;
  let out = '';
  let at = 0;
  for (const m of found) {
    out += last.request.slice(at, m.index) + scaled(m, f);
    at = m.index + m[0].length;
  }
  return { request: out + last.request.slice(at), before: last.before };
}

/**
 * The request an elliptical turn or a relative amount stands for, read from the turn before;
 * `{ ask }` when the amount is vague; undefined when the message is neither.
 */
export function framedRequest(message: string, history: ConversationTurn[], names: readonly string[]): Framed | { ask: string } | undefined {
  return relativeRequest(message, history) ?? ellipticalRequest(message, history, names);
}
