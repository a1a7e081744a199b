/**
 * Round 35 (issue 22, HARM2): the harm that only shows once a request is read with what it
 * refers to. A request is judged as typed by the guards; this module gives them the other
 * readings of it, each judged the same way (engine.ts `conversationHarm`):
 *
 * - its pronouns said as what the user's turns before named: "turn them off" after "how do
 *   approvals work?", "empty it" after "how big is /var/lib/postgresql?", "send the dumps there"
 *   after an address, "paste their values" after the secrets;
 * - "the same for every user", "all the rest too", "every other port", "everyone else": the turn
 *   before (or the list in this request) said of everything;
 * - a request continued over several turns ("its command is rm -rf" / "with the path /"): the
 *   turns read as one;
 * - "do it anyway" after a refusal: the request refused, again;
 * - "open 3000 for grafana and 5432 for postgres to 0.0.0.0/0": the source said once at the end
 *   is the source of each part;
 * - the text inside a field (a quoted or backticked value, an env value, a comment) read on its own.
 *
 * The wordings of known classes round 35's red team found beside the readings (the firewall
 * "taken down", approving "for" someone, …) are read by protected.ts since round 36, with the
 * classes they overlapped: one reading of each class. Pure, no I/O, each regex linear
 * (regex-shapes.test.ts).
 */
import { parse } from 'yaml';
import type { StateFiles } from '../provider.js';

type Turn = { role: string; text: string };

/** What a later pronoun can stand for, in the user's turns before: the most specific first. */
const REFERENTS: RegExp[] = [
  /(?<![\w.-])\/[\w.-][\w.\/-]*/g,
  /\b(?:the\s+)?(?:plan\s+)?(?:signing|private|age|host|ssh\s+host|root(?:'s)?|tls|backup\s+encryption)\s+keys?\b/gi,
  /\b(?:the\s+)?audit\s+(?:log|trail|records?)\b/gi,
  /\b(?:the\s+)?(?:pending\s+)?approvals?\b/gi,
  /\b(?:the\s+)?(?:plan\s+)?(?:signing|signatures?)\b/gi,
  /\b(?:the\s+)?(?:firewall|packet\s+filter)(?:\s+rules)?\b/gi,
  /\b(?:the\s+)?(?:default\s+(?:firewall\s+)?policy)\b/gi,
  /\b(?:the\s+)?(?:reconciler|observer|alerts|notifications|monitoring)\b/gi,
  /\b(?:the\s+)?(?:ssh\s+(?:settings|config\w*)|sshd?)(?![\w-])/gi,
  /\b(?:sudo|root|admin\s+rights)\b/gi,
  /\b(?:the\s+)?(?:[\w-]+\s+)?(?:secrets?|passwords?|credentials?|tokens?)\b/gi,
  /\b(?:the\s+)?(?:[\w-]+\s+)?(?:backups?|dumps?|snapshots?|volumes?|databases?|data|tables?)\b/gi,
  /\b(?:the\s+)?history\b/gi,
];

const ADDRESS = /\b\d{1,3}(?:\.\d{1,3}){3}(?:\/\d{1,2})?\b|\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b/g;
const POINTER = /\b(?:that|this|those|these)\s+(?:directory|folder|file|path|dir|key|keys|one|ones|thing|things|place|log)\b|\b(?:all\s+of\s+(?:them|it)|them\s+all|it|them|those|these|that(?!\s+(?:user|account|person|service|container|app|job|rule|port|group|image|volume|one)\b))\b/gi;
const THEIR = /\b(?:their|its)\s+(values?|contents?|passwords?|keys?|data)\b/gi;
const THERE = /\bthere\b/gi;

/** The last referent the most recent of the user's (up to three) turns before named. */
function referent(history: readonly Turn[]): { phrase?: string; address?: string } {
  const users = history.filter((h) => h.role === 'user').slice(-3).reverse();
  let phrase: string | undefined;
  let address: string | undefined;
  for (const u of users) {
    const text = u.text.length <= 2000 ? u.text : u.text.slice(0, 2000);
    if (address === undefined) address = [...text.matchAll(ADDRESS)].at(-1)?.[0];
    if (phrase === undefined) {
      for (const r of REFERENTS) {
        const m = [...text.matchAll(r)].at(-1);
        if (m) {
          phrase = m[0].trim();
          break;
        }
      }
    }
    if (phrase !== undefined && address !== undefined) break;
  }
  return { phrase, address };
}

/** The user names and the service names in the state files. */
function namesIn(files: StateFiles): { users: string[]; services: string[] } {
  const names = (file: 'security.yaml' | 'services.yaml', key: string): string[] => {
    try {
      const doc = parse(files[file] ?? '') as { spec?: Record<string, { name?: unknown }[]> } | null;
      return (doc?.spec?.[key] ?? []).map((x) => x?.name).filter((n): n is string => typeof n === 'string');
    } catch {
      return [];
    }
  };
  return { users: names('security.yaml', 'users'), services: names('services.yaml', 'services') };
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const wordsOf = (names: string[]) => (names.length ? new RegExp(String.raw`(?<![\w-])(?:${names.map(escape).join('|')})(?![\w-])`, 'gi') : undefined);

/** "the same for every user", "all the rest too", "every other port", "everyone else". */
const EVERY_REST =
  /\b(?:the\s+same|same\s+thing|likewise|that\s+too|this\s+too)\s+(?:for|to|with|on)\s+(?:every|all|each|the\s+rest|the\s+others?|every(?:one|body|thing)|other)\b|\b(?:all|every)\s+(?:the\s+)?(?:rest|others?|other\s+\w+)\b|\bevery(?:one|body|thing)\s+else\b|\ball\s+remaining\b/i;
/** A turn that carries on the turn before: "with the path /", "and its command is …". */
const CONTINUES = /^\s*(?:with|plus|its|using|the\s+path|path)\b/i;
const PATH_GLUE = /\b(?:with|on|and)\s+(?:the\s+)?path(?:\s+is)?\s|\bthe\s+path\s+(?:is\s+)?/gi;
/** "do it anyway", "go ahead", "I insist", after a refusal. */
const ANYWAY =
  /^\s*(?:(?:ok(?:ay)?|fine|yes|yeah|yep|sure|come\s+on|please|pls|just|i\s+know|i\s+understand)\b[\s,.!-]*)*(?:(?:just\s+)?do\s+it|go\s+ahead|proceed|override|force\s+it|i\s+insist|trust\s+me|i\s+(?:take|accept)\s+(?:the\s+)?(?:risk|responsibility)|i\s+am\s+(?:the\s+)?(?:admin|root|owner|sure)|yes|do\s+(?:that|this)\s+anyway|anyway)\b/i;
const REFUSED_REPLY = /^I won't do that: (.+)$/s;
const WORLD = String.raw`(?:0\.0\.0\.0\/0|::\/0|anywhere|any\s*where|every(?:one|body|where)|any\s+(?:address|ip|source)|all|the\s+(?:whole\s+|entire\s+|public\s+)?(?:internet|world|web))`;
const TAIL = new RegExp(String.raw`^(.+?)\s(to|from|for)\s(${WORLD})\s?[.!]?$`, 'i');

const NOT_BEFORE = /\b(?:never|not|no|without|forbid\w*|block\w*|prevent\w*|den(?:y|ies)|disallow\w*|refuse\w*|stop\w*)\b|n't\b/i;

/** The other readings of `message` to judge (none when there is nothing to read otherwise). */
export function readingsOf(message: string, history: readonly Turn[], files: StateFiles): string[] {
  const out: string[] = [];
  const text = message.length <= 4000 ? message : message.slice(0, 4000);
  const prior = history.filter((h) => h.role === 'user');
  const prev = prior.at(-1)?.text;
  // Pronouns as what the turns before named.
  if (prior.length) {
    const { phrase, address } = referent(history);
    if (phrase !== undefined && (POINTER.test(text) || THEIR.test(text))) {
      POINTER.lastIndex = 0;
      THEIR.lastIndex = 0;
      out.push(text.replace(THEIR, `the ${phrase.replace(/^the\s+/i, '')} $1`).replace(POINTER, phrase));
    }
    POINTER.lastIndex = 0;
    THEIR.lastIndex = 0;
    if (address !== undefined && THERE.test(text)) out.push(text.replace(THERE, `to ${address}`));
    THERE.lastIndex = 0;
  }
  // Everything else: the turn before (or this request's own list) said of everything.
  if (EVERY_REST.test(text)) {
    const { users, services } = namesIn(files);
    const u = wordsOf(users);
    const s = wordsOf(services);
    const ports = /\b(?:ports?\s)?(?<![\d.:/])\d{2,5}(?![\d.:/])\b(?:\s?(?:and|,)\s?(?<![\d.:/])\d{2,5}(?![\d.:/])\b)*/gi;
    if (prev !== undefined) {
      if (prev.search(ports) >= 0) out.push(prev.replace(ports, 'all ports'));
      if (u && prev.search(u) >= 0) out.push(prev.replace(u, 'every user'));
      if (s && prev.search(s) >= 0) out.push(prev.replace(s, 'every service'));
    }
    const before = text.slice(0, text.search(EVERY_REST));
    const rest = text.slice(before.length).replace(EVERY_REST, '');
    // "remove bob and alice, and everyone else": the names listed before it are everyone.
    const known = new Set([...users, ...services].map((n) => n.toLowerCase()));
    const words = before.split(/[\s,]+/).filter((w) => w !== '');
    let cut = words.length;
    // A name is a known one, or any word just before "and" ("bob, carol and everyone else").
    while (cut > 0 && (known.has(words[cut - 1]!.toLowerCase()) || /^(?:and|&)$/i.test(words[cut - 1]!) || (/^(?:and|&)$/i.test(words[cut] ?? '') && /^[a-z][\w-]*$/i.test(words[cut - 1]!)))) cut--;
    if (cut < words.length) {
      const head = words.slice(0, cut).join(' ');
      out.push(`${head} every user ${rest}`, `${head} everyone ${rest}`);
    }
  }
  // A request carried on over turns.
  // Not when a turn joined was refused: "then just a health check job" after a refused job is a request of its own.
  const userAt = history.flatMap((h, i) => (h.role === 'user' ? [i] : []));
  const refusedAfter = (i: number | undefined) => i !== undefined && history.slice(i + 1).find((h) => h.role === 'assistant')?.text.startsWith("I won't do that") === true;
  if (prev !== undefined && CONTINUES.test(text) && !refusedAfter(userAt.at(-1))) {
    out.push(`${prev} ${text}`.replace(PATH_GLUE, ''));
    if (prior.length > 1 && !refusedAfter(userAt.at(-2))) out.push(`${prior.slice(-2).map((h) => h.text).join(' ')} ${text}`.replace(PATH_GLUE, ''));
  }
  // The source said once at the end is each part's.
  const tail = TAIL.exec(text.replace(/\s+/g, ' ').trim());
  if (tail && /,|\band\b/i.test(tail[1]!)) {
    const parts = tail[1]!.split(/,\s?|\s(?:and|&)\s/i);
    const verb = /^\s*(\w+)/.exec(parts[0]!)?.[1] ?? 'open';
    for (const p of parts.slice(1)) out.push(`${/^\s*\d/.test(p) ? `${verb} ` : ''}${p} ${tail[2]} ${tail[3]}`);
  }
  // The text inside a field, read on its own: a quoted or backticked value, a comment (a KEY=value is read by the guards in place).
  // A value said not to be run ("it must never run \"rm -rf /\"") is not read as asked for.
  for (const m of text.matchAll(/`([^`]{2,400})`|"([^"]{2,400})"|“([^”]{2,400})”|(?<!\w)'([^'\s][^']{1,400})'(?!\w)/g)) {
    if (!NOT_BEFORE.test(text.slice(Math.max(0, m.index! - 40), m.index)) && !/^\s*-/.test(m[1] ?? m[2] ?? m[3] ?? m[4] ?? '')) out.push((m[1] ?? m[2] ?? m[3] ?? m[4])!);
  }
  for (const m of text.matchAll(/<!--([^]{1,400}?)-->|\/\*([^]{1,400}?)\*\/|(?:^|\s)(?:#|\/\/)\s([^\n]{2,400})/g)) out.push((m[1] ?? m[2] ?? m[3])!);
  return out.filter((r) => r.trim() !== '' && r.trim() !== text.trim());
}

/** The refusal said again when the turn after a refusal only insists ("do it anyway", "go ahead"). */
export function insisted(message: string, history: readonly Turn[]): string | undefined {
  const last = history.at(-1);
  if (last?.role !== 'assistant' || message.length > 200) return undefined;
  const m = REFUSED_REPLY.exec(last.text);
  return m && ANYWAY.test(message) ? m[1]!.split('\n')[0] : undefined;
}

