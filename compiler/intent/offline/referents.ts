/**
 * What a turn points back at (round 21): "stop the second one" after "add nginx and grafana",
 * "restrict that to 198.51.100.0/24" after a firewall rule was made. The engine passes in the
 * things that exist (services, users, rules) and where the turns before name them; these pure
 * functions pick the one meant and say it by name, so the request is read as if it had been
 * said that way ("stop grafana", "restrict rule wg to …"). When the turns before name too few
 * things, or the pick is not one thing, nothing is rewritten and the message is read as it is.
 */
import type { ConversationTurn } from '../provider.js';

export type ThingKind = 'service' | 'user' | 'rule';
/** A thing that exists, named at `at` in a turn's text. */
export interface Named {
  name: string;
  kind: ThingKind;
  at: number;
}

const ORDINALS: Record<string, number> = { first: 0, '1st': 0, former: 0, second: 1, '2nd': 1, third: 2, '3rd': 2, fourth: 3, '4th': 3, fifth: 4, '5th': 4, last: -1, latter: -1 };
/**
 * "the second one", "the first service", "the last of them", "the latter": an ordinal with
 * "the" before it and a noun for a thing (or nothing) after it; "the first time", "last night",
 * "every second" are not ordinals of a list.
 */
const ORDINAL =
  /\bthe\s+(first|1st|second|2nd|third|3rd|fourth|4th|fifth|5th|last|latter|former)(?:\s+(?:one|of\s+(?:them|those|the\s+(?:two|three|four|five))|(service|container|app|user|account|login|person|guy|rule|firewall\s+rule)s?)|(?=\s*(?:$|[,.;!?)]|\b(?:and|too|also|please|pls|again|as\s+well|instead|for\s+now|then)\b)))/i;

function kindOfNoun(noun: string | undefined): ThingKind | undefined {
  if (!noun) return undefined;
  if (/^(?:service|container|app)/i.test(noun)) return 'service';
  if (/^(?:user|account|login|person|guy)/i.test(noun)) return 'user';
  return 'rule';
}

/**
 * The message with an ordinal ("the second one") replaced by the name of that thing in the
 * list the latest user turn before it named (the most recent of the last four that named two
 * or more of a kind). Undefined when there is no ordinal or no such list.
 */
export function ordinalReferent(message: string, history: ConversationTurn[], namedIn: (text: string) => Named[]): string | undefined {
  const m = ORDINAL.exec(message);
  if (!m) return undefined;
  const pos = ORDINALS[m[1]!.toLowerCase()]!;
  const wanted = kindOfNoun(m[2]);
  const users = history.filter((h) => h.role === 'user').slice(-4).reverse();
  for (const turn of users) {
    const said = namedIn(turn.text).sort((a, b) => a.at - b.at);
    const list: Named[] = [];
    for (const n of said) if (!list.some((x) => x.name === n.name && x.kind === n.kind)) list.push(n);
    // The list is of one kind: the one asked for, else the kind the turn named most.
    const kinds = (['service', 'user', 'rule'] as ThingKind[]).map((k) => ({ k, items: list.filter((x) => x.kind === k) })).sort((a, b) => b.items.length - a.items.length);
    const items = wanted ? list.filter((x) => x.kind === wanted) : kinds[0]!.items;
    if (items.length < 2 || (!wanted && kinds[1]!.items.length === items.length)) continue;
    const pick = pos < 0 ? items[items.length - 1] : items[pos];
    if (!pick) return undefined;
    const said2 = pick.kind === 'rule' ? `rule ${pick.name}` : pick.name;
    return message.slice(0, m.index) + said2 + message.slice(m.index + m[0].length);
  }
  return undefined;
}

/**
 * "restrict that to 198.51.100.0/24", "limit it to 10.0.0.0/8", "only from 10.0.0.0/8 please",
 * "make that only 192.168.1.0/24", "restrict grafana to 10.0.0.0/8": an address said for one thing
 * ("limit web to 1.5 cpus" is no address, and is not read here).
 * Said with "that"/"it" (or nothing), it is the rule the turn before made or named, else the
 * one service that turn named; said with a service's name, that service. The message is said
 * again as the firewall reads it ("restrict rule wg to …", "only allow grafana from …").
 */
const SUBJECT = (g: string) => String.raw`(?<${g}>that|it|this|the\s+(?:new\s+)?rule|that\s+rule|this\s+rule|that\s+one|(?!(?:it|that|this|the|access|traffic|port|only|just|down|to|for)\b)[a-z][\w-]*)`;
const RESTRICT = new RegExp(
  String.raw`^(?:(?:ok(?:ay)?|and|also|now|actually|then|but|please|pls|hmm+|oh)[\s,]+)*(?:(?:restrict|limit|lock|narrow|tighten|scope|cut)\s+(?:${SUBJECT('a')}\s+)?(?:down\s+)?(?:to|for)|(?:make|set|change)\s+${SUBJECT('b')}\s+(?:to\s+)?(?:only|just)(?:\s+(?:from|for|to|allow))?|(?:(?:that|it|this|the\s+rule)\s+should\s+)?(?:only|just)(?:\s+(?:allow|from|for|let\s+in))?(?:\s+from)?)\s+(?=\d{1,3}(?:\.\d{1,3}){3}(?:\/\d{1,2})?(?![\w.]))`,
  'i',
);
const PRONOUN = /^(?:that|it|this|the\s+(?:new\s+)?rule|that\s+rule|this\s+rule|that\s+one)$/i;

export interface Things {
  /** The one rule a turn's text made or named. */
  ruleIn(text: string): string | undefined;
  /** The one service a turn's text named that publishes a port. */
  serviceIn(text: string): string | undefined;
  isService(name: string): boolean;
  /** The message names a port, service or rule of its own. */
  namesOwn(text: string): boolean;
}

export function restrictedSource(message: string, history: ConversationTurn[], things: Things): string | undefined {
  const said = message.trim();
  const m = RESTRICT.exec(said);
  if (!m) return undefined;
  const rest = said.slice(m[0].length);
  const subject = (m.groups?.a ?? m.groups?.b)?.replace(/\s+/g, ' ');
  if (subject && !PRONOUN.test(subject)) return things.isService(subject.toLowerCase()) ? `only allow ${subject.toLowerCase()} from ${rest}` : undefined;
  if (things.namesOwn(said)) return undefined;
  const last = [...history].reverse().find((h) => h.role === 'user');
  if (!last) return undefined;
  const rule = things.ruleIn(last.text);
  if (rule) return `restrict rule ${rule} to ${rest}`;
  const svc = things.serviceIn(last.text);
  return svc ? `only allow ${svc} from ${rest}` : undefined;
}
