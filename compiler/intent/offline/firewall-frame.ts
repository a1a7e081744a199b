/**
 * A firewall rule as a frame (round 29): its slots — port(s), protocol, source(s), action, name —
 * read wherever and in whatever order they are said ("udp 514 from 10.20.0.0/24" after a colon,
 * "'vpn' rule: 1194/udp open to everyone", "from 192.168.5.0/24 allow port 3306", "permit
 * 10.0.0.0/8 to 9200"), and said back in the one order the firewall handler reads
 * ("allow udp port 514 from 10.20.0.0/24, call the rule vpn"). "only", "restrict", "limit",
 * "narrow", "lock … down" with an address, for a port that already has an accept rule, narrow
 * that rule (the open rule becomes the restricted one; never a second rule beside it).
 *
 * A source said as a place ("the office", "our vpn", "the lan", "home", "HQ") is not an address:
 * with no address said beside it and none known (a rule already named for the place), the frame
 * asks which network (and which port, when none is said), and nothing changes.
 *
 * The frame is read only when every word of the request is a slot, a word of the frame (verbs,
 * prepositions, "firewall", "rule", "port") or what the rule is for (the words before a colon,
 * "for the admin panel"): a request that says anything else (a service, a policy, a key) is
 * left to the engine's own readers. The engine uses the frame's reading when its own reading of
 * the request does not carry every slot the frame holds (engine.ts `runOfflineEngine`). Pure.
 */
import { parse } from 'yaml';
import { findCidrs, findServiceMentions } from './nlu.js';

export interface FirewallFrame {
  ports: number[];
  protocol?: 'tcp' | 'udp';
  /** Addresses said; empty for anywhere. */
  sources: string[];
  action: 'accept' | 'drop' | 'reject';
  /** The rule's name as said, or the name of the rule "only" narrows. */
  name?: string;
  /** The request as the firewall handler reads it. */
  request: string;
  /** "only …": the port's other accept rules must not stay open wider. */
  narrows: boolean;
}

type Rule = { name: string; port?: unknown; source?: unknown; action?: string; protocol?: string };

const Q = String.raw`['"“”‘’\`]`;
const NAME = String.raw`([a-z][a-z0-9-]{0,40})`;
const NOT_NAME = /^(?:allow|accept|block|deny|drop|reject|open|close|permit|for|to|that|which|from|named|called|port|ports|on|a|an|the|tcp|udp|in|name|it|rule|rules|new|let|is|with)$/;
/** Where a rule's name is said: quoted before "rule", after "rule named", after "call the rule", after "name:". */
const NAMED: RegExp[] = [
  new RegExp(String.raw`\b(?:fw\s+|firewall\s+)?rule\s+(?:named|called)\s+${Q}?${NAME}${Q}?`, 'i'),
  new RegExp(String.raw`${Q}${NAME}${Q}\s+(?:fw\s+|firewall\s+)?rule\b`, 'i'),
  new RegExp(String.raw`\b(?:(?:allow|accept|block|deny|drop|reject)\s+)?(?:fw|firewall)?\s*rule\s+${Q}${NAME}${Q}`, 'i'),
  new RegExp(String.raw`(?:^\s*|\b(?:new|add|create|make)\s+(?:an?\s+)?)(?:(?:allow|accept|block|deny|drop|reject)\s+)?(?:fw\s+|firewall\s+)?rule\s+${NAME}(?=\s*(?:[:,]|\s[-–—]\s|$))`, 'i'),
  // "a firewall rule with the name 'vpn'" (round 30).
  new RegExp(String.raw`\brule\s+with\s+(?:the\s+|a\s+)?name\s+${Q}?${NAME}${Q}?`, 'i'),
  new RegExp(String.raw`\b(?:call|name)\s+(?:it|the\s+rule|this\s+rule)\s+${Q}?${NAME}${Q}?`, 'i'),
  new RegExp(String.raw`\brule\s+name\s*:?\s+${Q}?${NAME}${Q}?`, 'i'),
  new RegExp(String.raw`(?:^\s*|[,;]\s*)name\s*:\s*${Q}?${NAME}${Q}?`, 'i'),
];

/** A place said in words: an address nobody said. */
const PLACE = /\b(?:(?:the|our|my|your|their)\s+(?:(?:branch|main|head|home|remote|corporate|company|team)\s+)?(office|home|vpn|lan|hq|headquarters|branch|work)|(?:from|at|to|for)\s+(home|hq|headquarters|work|the\s+office)|(?:allow|open|give|grant|permit|let)\s+(office|hq|vpn|lan)\s+(?=access\b|traffic\b|in\b))(?:\s+(?:network|net|ips?|ip\s+address|addresses|range|subnet|users|people|wifi|connection|machines))?\b/i;
const ANYWHERE = /\b(?:any\s*where|everywhere|every\s*one|every\s*body|any\s*one|any\s*body|(?:the\s+)?(?:whole\s+)?world|(?:the\s+)?internet|public(?:ly)?|outside|all\s+(?:ips|addresses|sources)|any\s+(?:ip|address|source))\b|\b(?:to|for|from)\s+all\b|\bfrom\s+any\s*$/i;
const DROP = /\b(?:block|blocked|deny|denied|drop|dropped|reject|rejected|close|closed|ban|banned|forbid)\b/i;
const OPENING = /\b(?:allow|allowed|open|opened|accept|accepted|permit|permitted|keep|let|unblock|unblocked|whitelist)\b/i;
const ONLY = /\b(?:only|restrict\w*|limit\w*|narrow\w*|lock\w*\s+(?:\w+\s+)?down|just)\b/i;
/** Words of the frame itself: verbs, prepositions, the nouns of a rule, fillers. */
const FRAME_WORDS = new Set(
  (
    'a an the this that it one new add create make set up please pls plz kindly to from for in on at of with and also too as via over into ' +
    'firewall fw rule rules port ports network net networks source sources src subnet range addresses address ips ip ' +
    'whitelist whitelisted allowlist give open opened opening allow allowed allowing allows accept accepted accepting permit permitted let lets in grant access reach reached reachable accessible able get hit ' +
    'should can could may must need needs needed we i you u want wants would like is are be being will shall it its ' +
    'only just restrict restricted limit limited narrow narrowed lock locked down block blocked deny denied drop dropped reject rejected close closed ban ' +
    'traffic incoming inbound connections connection tcp udp protocol named called name call ' +
    'anywhere everywhere everyone everybody anyone anybody world whole internet public publicly outside all any ' +
    'now from on going forward anymore any more there here so ok okay hey thanks thx then instead rather ' +
    'office home vpn lan hq headquarters branch work main head remote corporate company team our my your their users people wifi machines'
  ).split(' '),
);

function nameIn(text: string): { name: string; span: [number, number] } | undefined {
  for (const re of NAMED) {
    const m = re.exec(text);
    if (m && m[1] && !NOT_NAME.test(m[1].toLowerCase())) return { name: m[1].toLowerCase(), span: [m.index, m.index + m[0].length] };
  }
  return undefined;
}

function rulesIn(files: Record<string, string | undefined>): Rule[] {
  try {
    return ((parse(files['network.yaml'] ?? '') ?? {}).spec?.firewall?.rules ?? []) as Rule[];
  } catch {
    return [];
  }
}

const NAMED_PORTS: Record<string, number> = { ssh: 22, http: 80, https: 443 };

export type FrameReading = FirewallFrame | { ask: string };

/**
 * The request read as one firewall rule, or a question when its source is a place with no
 * address; undefined when it is not only a firewall rule (then the engine reads it as before).
 */
export function firewallFrame(message: string, files: Record<string, string | undefined>, serviceNames: readonly string[]): FrameReading | undefined {
  let t = ` ${message.trim().replace(/[.!]+$/, '')} `;
  if (t.length > 300 || /ssh-|->/i.test(t)) return undefined;
  if (!/\b(?:fw|firewall|rule|allow|open|permit|accept|let|whitelist|grant|reach|access|hit|restrict|limit|narrow|lock|block|deny|drop|reject|close|ban|whitelist|allowlist|give|only)\b|\b(?:reach|access)\w*/i.test(t) && !PLACE.test(t) && !/\b(?:from|to|for)\s+\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\/\d/.test(t)) return undefined;
  // Two opening clauses, each with its own port ("only allow ssh from 10.0.0.0/8 and open port 8080"):
  // a source said in one is not the other's; the clause reader reads them apart (and the vetting asks
  // when one is opened wider than the range named).
  const clauses = t.split(/(?:,|;|\band\b|\bthen\b)\s*(?:also\s+)?(?=(?:allow|open|accept|permit|let|whitelist|unblock)\b)/i);
  if (clauses.filter((c) => /\b(?:ssh|https?|\d{1,5})\b/i.test(c.replace(/\d{1,3}(?:\.\d{1,3}){3}(?:\/\d{1,2})?/g, ' '))).length > 1) return undefined;
  const said = nameIn(t);
  if (said) t = t.slice(0, said.span[0]) + ' , ' + t.slice(said.span[1]);
  if (/\bdefault\b|\bpolic(?:y|ies)\b|\b(?:everything|all\s+ports|except|but\s+not|icmp|ping|web|dns|smtp)\b|\btimes?\b|\bevery\s+\w+/i.test(t)) return undefined;
  // What the rule is for, said first and ended by a colon ("we need syslog from the switches: …").
  const colon = /^([^:]{3,80}):(?=\s*\S)/.exec(t);
  let purpose = '';
  if (colon && !/\d/.test(colon[1]!) && !findCidrs(colon[1]!).length) {
    purpose = colon[1]!;
    t = ' ' + t.slice(colon[0].length);
  }
  // "for the admin panel", "for the dashboard": what the port is for, never a source.
  t = t.replace(/,?\s+for\s+(?:the|our|my|a)\s+(?!(?:office|home|vpn|lan|hq|headquarters|branch|work|whole|world|internet|public)\b)[a-z][\w-]*(?:\s+[a-z][\w-]*)?(?=\s*(?:,|$|\s(?:only|from|on|to)\b))/gi, (m) => {
    purpose += m;
    return ' ';
  });
  const cidrs = findCidrs(t).filter((c) => /^\d/.test(c));
  for (const c of cidrs) t = t.replace(c, ' ');
  const protocols = new Set([...t.matchAll(/\b(tcp|udp)\b/gi)].map((m) => m[1]!.toLowerCase() as 'tcp' | 'udp'));
  if (protocols.size > 1) return undefined;
  const ports: number[] = [];
  // The ports said by their service's word: ssh, http, https.
  t = t.replace(/\b(ssh|https?)\b/gi, (_m, w: string) => {
    ports.push(NAMED_PORTS[w.toLowerCase()]!);
    return ' port ';
  });
  t = t.replace(/(?<![\w.\/-])(?:(?:tcp|udp)\s*\/\s*)?(\d{1,5})(?:\s*\/\s*(?:tcp|udp))?(?![\w.\/%-]|\s*(?:[kmgt]i?b?|megs?|gigs?|gb|mb|cpus?|cores?|replicas?|instances|copies|minutes?|hours?|days?|am|pm|seconds?|secs?|mins?)\b)/gi, (_m, n: string) => {
    ports.push(Number(n));
    return ' port ';
  });
  if (ports.some((p) => p < 1 || p > 65535) || ports.length > 4) return undefined;
  const place = PLACE.exec(t);
  const anywhere = ANYWHERE.test(t);
  // Every word left must be a word of the frame: anything else (a service, an image, a size) is another reading's.
  const words = t.toLowerCase().replace(/['"“”‘’`]/g, ' ').split(/[^a-z0-9-]+/).filter((w) => w !== '' && w !== '-');
  if (words.some((w) => !FRAME_WORDS.has(w))) return undefined;
  if (findServiceMentions(t).length > 0 || serviceNames.some((n) => new RegExp(String.raw`(?<![\w-])${n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\w-])`, 'i').test(t))) return undefined;
  // Two actions in one message ("block ssh, allow http"): the clause reader splits them (review 22 HIGH-2).
  if (DROP.test(t) && OPENING.test(t)) return undefined;
  const action = DROP.test(t) ? (/\breject/i.test(t) ? 'reject' : 'drop') : 'accept';
  const only = ONLY.test(t) && cidrs.length > 0;
  const existing = rulesIn(files);
  let sources = cidrs;
  if (place && cidrs.length === 0) {
    const word = (place[1] ?? place[2] ?? place[3]!).replace(/^the\s+/i, '').toLowerCase();
    const known = [...new Set(existing.filter((r) => r.name.split('-').includes(word) && r.source !== undefined).map((r) => JSON.stringify(r.source)))];
    if (known.length !== 1 || ports.length === 0) {
      const what = `the ${word}`;
      const port = ports[0];
      const portAsk = ports.length === 0 ? ' and which port (or service) it should reach' : '';
      return { ask: `Which addresses are "${what}"? Say its network${portAsk}, e.g. "allow ${port ?? 8443} from 203.0.113.0/24". I will not guess an address range for the firewall.` };
    }
    const src = JSON.parse(known[0]!) as string | string[];
    sources = Array.isArray(src) ? src : [src];
  } else if (place === null && cidrs.length === 0 && !anywhere && action === 'accept') {
    // No source at all: "open 8080" is read as before (the engine's own reading).
    if (!said) return undefined;
  }
  if (ports.length === 0) return undefined;
  if (action !== 'accept' && sources.length > 0) return undefined;
  let name = said?.name;
  if (only && !name && ports.length === 1) {
    const open = existing.find((r) => r.action === 'accept' && JSON.stringify(r.port) === JSON.stringify(ports[0]));
    if (open) name = open.name;
  }
  const protocol = [...protocols][0];
  const verb = action === 'accept' ? 'allow' : action === 'reject' ? 'reject' : 'block';
  const from = sources.length > 0 ? sources.join(' + ') : 'anywhere';
  const request = `${verb} ${protocol ? `${protocol} ` : ''}port ${ports.join(' and ')} from ${from}${only && action === 'accept' ? ' only' : ''}${name ? `, call the rule ${name}` : ''}`;
  void purpose;
  return { ports, protocol, sources, action, name, request, narrows: only };
}

/**
 * Whether a reading of the request (its files over the files before) carries every slot of the
 * frame: a rule for each port with the frame's action, source, protocol and name, and, when the
 * frame narrows, no wider accept rule left for the port.
 */
export function carriesFrame(frame: FirewallFrame, filesAfter: Record<string, string | undefined>): boolean {
  const all = rulesIn(filesAfter);
  const source = frame.sources.length === 0 ? undefined : frame.sources.length === 1 ? frame.sources[0] : frame.sources;
  for (const port of frame.ports) {
    const mine = all.filter((r) => JSON.stringify(r.port) === JSON.stringify(port));
    const ok = mine.some((r) => r.action === frame.action && JSON.stringify(r.source) === JSON.stringify(source) && (!frame.protocol || (r.protocol ?? 'tcp') === frame.protocol) && (!frame.name || r.name === frame.name));
    if (!ok) return false;
    if (frame.narrows && mine.some((r) => r.action === 'accept' && JSON.stringify(r.source) !== JSON.stringify(source))) return false;
  }
  if (frame.name && !all.some((r) => r.name === frame.name)) return false;
  return true;
}
