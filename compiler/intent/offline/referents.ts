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
  /** The one rule a reply says it opened ("~ firewall: allow port 3000 from anywhere"). */
  ruleOpenedIn(text: string): string | undefined;
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
  const at = history.map((h) => h.role).lastIndexOf('user');
  const last = history[at];
  if (!last) return undefined;
  // Round 24: "open the firewall for it", then "only from 192.168.0.0/16 tho": the turn names no
  // rule, its reply says which it made ("firewall: allow port 3000 from anywhere").
  const reply = history.slice(at + 1).find((h) => h.role === 'assistant');
  const rule = things.ruleIn(last.text) ?? (reply ? things.ruleOpenedIn(reply.text) : undefined);
  if (rule) return `restrict rule ${rule} to ${rest}`;
  const svc = things.serviceIn(last.text);
  return svc ? `only allow ${svc} from ${rest}` : undefined;
}

/**
 * Round 24: an address said first and then pointed at in the next part of the same request
 * ("the office ip is 203.0.113.10, only it may hit 8443", "we shoot traffic from the vpn
 * 10.8.0.0/24 into 8080, allow that", "the monitoring box 10.0.0.7 scrapes port 9100, permit
 * that"): the part that points ("it", "that", "them") gets the address in its place, and the port
 * the first part said when it says none, so the request reads "only 203.0.113.10 may hit 8443",
 * "allow 10.8.0.0/24 to port 8080". The first part must only describe (no verb of the firewall);
 * the pointing part must name no address of its own. Anything else is left as it is.
 */
const POINTING =
  /^((?:(?:and|so|then|please|pls|ok(?:ay)?)\s+)*(?:(?:only|just)\s+)?)(?:(it|that|this|they|them)(?=\s+(?:(?:only|alone|alone\s+only)\s+)?(?:may|can|should|must|is\s+allowed\s+to|are\s+allowed\s+to|gets?\s+to)\s+(?:hit|reach|access|use|connect\s+to|get\s+to|talk\s+to)\b)|(?:allow|permit|let|accept|whitelist|block|deny|drop|ban|reject)\s+(it|that|this|them|those)\b)/i;
const FIREWALL_ORDER = /\b(?:allow|permit|let|accept|open|close|block|deny|drop|ban|reject|whitelist|blacklist|restrict|only)\b/i;
const PORT_SAID = /\b(?:port|ports|ssh|https?|web)\b|\b\d{2,5}\b/i;

export function pointedSource(message: string, findCidrs: (t: string) => string[], findPorts: (t: string) => number[]): string {
  const parts = message.split(/((?:(?<!\s)\s+)?[,;]\s*|\.\s+|(?<!\s)\s+[-–—]\s+)/);
  for (let i = 2; i < parts.length; i += 2) {
    const described = parts[i - 2]!;
    const pointing = parts[i]!;
    const cidrs = findCidrs(described);
    if (cidrs.length === 0 || findCidrs(pointing).length > 0 || FIREWALL_ORDER.test(described)) continue;
    const m = POINTING.exec(pointing.trim());
    if (!m) continue;
    const said = pointing.trim();
    const pronoun = m[2] ?? m[3]!;
    const at = said.toLowerCase().indexOf(pronoun.toLowerCase(), m[1]!.length);
    let rule = `${said.slice(0, at)}${cidrs.join(' + ')}${said.slice(at + pronoun.length)}`;
    if (!PORT_SAID.test(said)) {
      const ports = [...new Set([...findPorts(described), ...[...described.matchAll(/\b(?:into|to|on|at|hits?|reach(?:es)?)\s+(?:port\s+)?(\d{2,5})\b/gi)].map((x) => Number(x[1]))])];
      if (ports.length > 0) rule += ` to port${ports.length > 1 ? 's' : ''} ${ports.join(' and ')}`;
      else if (/\bssh\b/i.test(described)) rule += ' to ssh';
      else continue;
    }
    return [...parts.slice(0, i - 2), rule, ...parts.slice(i + 1)].join('');
  }
  return message;
}

/**
 * Round 24: "the other one" (also "the other service", "the other container"): after a turn that
 * named two services and a later turn that named one of them, the one not named ("set up grafana
 * and prometheus", "put grafana on 3001", "stop the other one" stops prometheus). Said by name;
 * when the turns before do not leave exactly one, nothing is rewritten.
 */
const OTHER = /\bthe\s+other\s+(?:one|service|container|app)\b|\bthe\s+other\b(?=\s*(?:$|[,.;!?]|\b(?:too|also|please|pls|as\s+well|instead|then)\b))/i;
export function otherReferent(message: string, history: ConversationTurn[], namedIn: (text: string) => Named[]): string | undefined {
  const m = OTHER.exec(message);
  if (!m) return undefined;
  const services = (t: string) => [...new Set(namedIn(t).filter((n) => n.kind === 'service').map((n) => n.name))];
  const turns = history.filter((h) => h.role === 'user').map((h) => services(h.text));
  const last = turns.pop();
  if (!last || last.length !== 1) return undefined;
  for (let i = turns.length - 1; i >= 0; i--) {
    const before = turns[i]!;
    if (!before.includes(last[0]!)) continue;
    const rest = before.filter((n) => n !== last[0]);
    if (rest.length !== 1) return undefined;
    return message.slice(0, m.index) + rest[0] + message.slice(m.index + m[0].length);
  }
  return undefined;
}
