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
import { SERVICE_PORT_WORD } from './ports.js';

export interface FirewallFrame {
  /** A port, or a range "low-high" (round 31). */
  ports: (number | string)[];
  /** 'both': one rule for each (round 31). */
  protocol?: 'tcp' | 'udp' | 'both';
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
  // "its name web-in", "the name is web-in", "name it web-in" (round 32).
  new RegExp(String.raw`\b(?:its|the|with)\s+name\s+(?:is\s+|=\s*|:\s*|being\s+)?${Q}?${NAME}${Q}?`, 'i'),
  new RegExp(String.raw`\bname\s+it\s+${Q}?${NAME}${Q}?`, 'i'),
  new RegExp(String.raw`(?:^\s*|[,;]\s*)name\s*:\s*${Q}?${NAME}${Q}?`, 'i'),
];

/** A place said in words: an address nobody said. */
const PLACE = /\b(?:(?:the|our|my|your|their)\s+(?:(?:branch|main|head|home|remote|corporate|company|team)\s+)?(office|home|vpn|lan|hq|headquarters|branch|work)|(?:from|at|to|for)\s+(home|hq|headquarters|work|the\s+office)|(?:allow|open|give|grant|permit|let)\s+(office|hq|vpn|lan)\s+(?=access\b|traffic\b|in\b))(?:\s+(?:network|net|ips?|ip\s+address|addresses|range|subnet|users|people|wifi|connection|machines))?\b/i;
const ANYWHERE = /\b(?:any\s*where|everywhere|every\s*one|every\s*body|any\s*one|any\s*body|(?:the\s+)?(?:whole\s+)?world|(?:the\s+)?internet|public(?:ly)?|outside|all\s+(?:ips|addresses|sources)|any\s+(?:ip|address|source))\b|\b(?:to|for|from)\s+all\b|\bfrom\s+any\s*$/i;
const DROP = /\b(?:block|blocked|deny|denied|drop|dropped|reject|rejected|close|closed|ban|banned|forbid)\b/i;
const OPENING = /\b(?:allows?|allowed|opens?|opened|accepts?|accepted|permits?|permitted|keep|let|unblock|unblocked|whitelist)\b/i;
/**
 * A complaint that is a request (round 31): "I can't reach my app on 8000 from outside", "port
 * 9443 is blocked from outside", "nobody can get to … from the internet", "… times out from
 * outside": the port opened (an accept rule), whatever blocking word the complaint says.
 */
const COMPLAINT = /\b(?:can'?t|cannot|can\s+not|could\s*n'?t|unable\s+to|not\s+able\s+to|nobody\s+can|no\s*one\s+can)\s+(?:\w+\s+){0,2}?(?:reach|connect|access|get\s+(?:to|in|through|at)|hit|load|open|join|use|play|see|log\s*in|login)\b|\b(?:is|are|seems?|looks?|gets?|getting)\s+(?:\w+\s+)?(?:blocked|unreachable|closed|firewalled|refused|not\s+(?:reachable|accessible|open))\b|\bunreachable\b|\btim(?:es|ing)\s+out\b|\bconnection\s+refused\b|\b(?:isn'?t|aren'?t|is\s+not|are\s+not)\s+(?:\w+\s+)?(?:reachable|accessible|open|visible|loading)\b/i;
const COMPLAINT_WORDS = "can't cant t cannot not couldn't couldnt unable nobody noone no one connect connecting get through hit load is are seems seem looks look gets getting blocked unreachable closed firewalled refused times timing out fix help it up pls please me my friends friend people users clients customers outside world from the isn isnt aren arent see seen visible web them".split(' ');
const ONLY = /\b(?:only|restrict\w*|limit\w*|narrow\w*|lock\w*\s+(?:\w+\s+)?down|just)\b/i;
/** Words of the frame itself: verbs, prepositions, the nouns of a rule, fillers. */
const FRAME_WORDS = new Set(
  (
    'a an the this that it one new add create make set up please pls plz kindly to from for in on at of with and or also too as via over into ' +
    'firewall fw rule rules port ports network net networks source sources src subnet range addresses address ips ip ' +
    'whitelist whitelisted allowlist give open opens opened opening allow allowed allowing allows accept accepts accepted accepting permit permits permitted let lets in grant access reach reached reachable accessible able get hit ' +
    'should can could may must need needs needed we i you u want wants would like is are be being will shall it its ' +
    'only just restrict restricted limit limited narrow narrowed lock locked down block blocked deny denied drop dropped reject rejected close closed ban ' +
    'traffic incoming inbound connections connection connect connecting tcp udp protocol named called name call everything anything packets packet coming going hitting hits headed ' +
    'anywhere everywhere everyone everybody anyone anybody world whole internet public publicly outside all any ' +
    'visit visiting visitors clients customers website site over through both wants want requires require uses use now from on going forward anymore any more there here so ok okay hey thanks thx then instead rather ' +
    'office home vpn lan hq headquarters branch work main head remote corporate company team our my your their users people wifi machines'
  ).split(' '),
);

/**
 * Words of another change, or of a negation: a request holding one of them is never read as a
 * rule from its other words (round 32). Told apart from the words around a rule ("My MQTT broker
 * uses port 8883. Could you allow incoming TCP connections to that port?", "game srv needs 27015
 * open, tcp AND udp", "ok quick one before my coffee goes cold: …"): what a rule is for, who asks.
 */
const OTHER_CHANGE = new Set(
  (
    'deploy deployed deploying install installed installing run runs running start started starting stop stopped stopping restart restarted restarting ' +
    'remove removed removing delete deleted deleting update upgrade downgrade backup backups back schedule scheduled cron job jobs memory ram cpu cpus ' +
    'replica replicas image images container containers volume volumes domain domains certificate certificates cert certs tls ssl user users account accounts ' +
    'sudo key keys password passwords publish published publishing expose exposed exposing forward forwarded forwarding map mapped mapping bind bound proxy reverse ' +
    'change changed changing move moved moving rename replace replaced swap instead rather except unless never nothing none neither nor without ' +
    'don doesn didn isn aren wasn shouldn won wouldn mustn shan stop scale env environment variable variables secret secrets hostname timezone ' +
    'log logs health healthcheck disable disabled enable enabled turn off switch kill undo revert rid take'
  ).split(' '),
);
/** Words a complaint may hold that a plain request may not ("it works but … times out", "it's not reachable"). */
const COMPLAINT_ONLY = new Set('but not no'.split(' '));

/** Whether the words the frame does not know are only said around a rule: an action said, no word of another change. */
function toldAround(unknown: string[], t: string, complaint: boolean): boolean {
  if (unknown.length > 30 || unknown.some((w) => /\d/.test(w))) return false;
  if (!complaint && !OPENING.test(t) && !DROP.test(t)) return false;
  // A firewall tool's command is read whole or not at all (firewall-commands.ts): its flags are no words around a rule.
  if (/\b(?:iptables|ip6tables|ufw|firewall-cmd|nft|nftables)\b|(?:^|\s)--?[a-z]/i.test(t)) return false;
  // A second request after "and", "also", "then" ("open port 8443 and also call the isp"; the rule's own name
  // was taken out before): not a word around the rule.
  for (const m of t.toLowerCase().matchAll(/\b(?:and|also|then|plus)\s+(?:(?:also|then)\s+)?([a-z]+)/g)) if (unknown.includes(m[1]!) || /^(?:call|name)$/.test(m[1]!)) return false;
  return !unknown.some((w) => OTHER_CHANGE.has(w) || (!complaint && COMPLAINT_ONLY.has(w)));
}

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
/** An image reference: a registry host and a path ("ghcr.io/acme/api", "registry.example.com:5000/x"), a path with a tag ("acme/api:1"), or the word "image". Never a CIDR, "tcp/udp", "http/https" or "80/tcp". */
const IMAGE_SAID = /(?<![\w.\/@:-])(?:[a-z][\w-]*(?:\.[\w-]+)*\.[a-z]{2,}(?::\d+)?\/[\w.-]+(?:\/[\w.-]+)*|[a-z][\w.-]*(?:\/[a-z0-9][\w.-]*)+:[\w][\w.-]*)(?![\w\/@-])|\b(?:docker\s+)?image\b/i;

export function firewallFrame(message: string, files: Record<string, string | undefined>, serviceNames: readonly string[]): FrameReading | undefined {
  // "my web site" is the website (round 35), never a port labelled "web".
  let t = ` ${message.trim().replace(/[.!]+$/, '').replace(/\bweb\s+site\b/gi, 'website')} `;
  // "let's say 2 actually", "let us open 8080": a suggestion's "let's" is no letting through (round 35: a count's
  // correction was read as "allow port 2").
  t = t.replace(/\blet(?:'|’)?s\b|\blet\s+us\b/gi, ' ');
  // "actually make 8080 only reachable from 10.0.0.0/8", "ok so, …": a lead word before the frame is none of its slots (round 35).
  t = t.replace(/^\s*(?:(?:actually|ok(?:ay)?|so|now|also|and|oh|hmm+|right|alright|well|then|please|pls|wait|no)\b[\s,]+)+/i, ' ');
  if (t.length > 300 || /ssh-|->/i.test(t)) return undefined;
  // An image said ("drop ghcr.io/acme/billing:2 onto port 8200"): a deploy, whatever its verb (round 33).
  if (IMAGE_SAID.test(t)) return undefined;
  // One protocol said apart from several ports ("open port 9000 for minio and port 53 for dns, udp"):
  // it is none of theirs, and the engine's readers say so (review 23 MED-2; CI ci-33b).
  {
    const ports = new Set((t.replace(/\d{1,3}(?:\.\d{1,3}){3}(?:\/\d{1,2})?/g, ' ').match(/\b\d{2,5}\b/g) ?? []));
    const protos = t.match(/\b(?:tcp|udp)\b/gi) ?? [];
    if (ports.size >= 2 && protos.length === 1 && !/\d\s*\/?\s*(?:tcp|udp)\b|\b(?:tcp|udp)\s*\/?\s*(?:ports?\s+)?\d|\b(?:tcp|udp)\s+ports\b/i.test(t)) return undefined;
  }
  // An IPv6 address ("only allow ssh from ::1", "2001:db8::/32"): the frame reads no IPv6 source, and
  // its digits are never a port; the engine's own readers (and the lockout guard) read it (CI ci-33a,
  // harm31 ssh-07 was read as "allow port 1 from anywhere").
  if (/(?:^|[\s(,'"`])(?:[0-9a-f]{0,4}::[0-9a-f:]*|(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4})(?:\/\d{1,3})?(?=[\s),.;'"`]|$)/i.test(t)) return undefined;
  // A complaint with a port is a request to open it (round 31).
  const complaint = COMPLAINT.test(t) && /\d/.test(t);
  if (!complaint && !/\b(?:tcp|udp)\b|\bboth\s+protocols\b/i.test(t) && !/\b(?:fw|firewall|rule|allow|open|permit|accept|let|whitelist|grant|reach|access|hit|restrict|limit|narrow|lock|block|deny|drop|reject|close|ban|whitelist|allowlist|give|only)\b|\b(?:reach|access)\w*/i.test(t) && !PLACE.test(t) && !/\b(?:from|to|for)\s+\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\/\d/.test(t)) return undefined;
  // Two opening clauses, each with its own port ("only allow ssh from 10.0.0.0/8 and open port 8080"):
  // a source said in one is not the other's; the clause reader reads them apart (and the vetting asks
  // when one is opened wider than the range named).
  const clauses = t.split(/(?:,|;|\band\b|\bthen\b)\s*(?:also\s+)?(?=(?:allow|open|accept|permit|let|whitelist|unblock)\b)/i);
  if (clauses.filter((c) => /\b(?:ssh|https?|\d{1,5})\b/i.test(c.replace(/\d{1,3}(?:\.\d{1,3}){3}(?:\/\d{1,2})?/g, ' '))).length > 1) return undefined;
  const said = nameIn(t);
  if (said) t = t.slice(0, said.span[0]) + ' , ' + t.slice(said.span[1]);
  // A port said with its label: "25 (smtp)", "587 for the submission", "smtp 25", "mail
  // submission on port 587", "fifty-three for DNS": the number is the port, the word what it
  // is for (round 31). Only beside a number: "allow smtp" alone is the engine's own reading.
  const LABEL = String.raw`(?:${SERVICE_PORT_WORD}|mail|web|http|https)`;
  let labels = '';
  t = t
    .replace(/(?<=\d)\s*\(\s*[a-z][\w\s-]{0,30}\)/gi, (m) => ((labels += m), ' '))
    .replace(new RegExp(String.raw`(?<=\d)\s+for\s+(?:the\s+)?${LABEL}\b(?:\s+(?:server|traffic))?`, 'gi'), (m) => ((labels += m), ' '))
    .replace(new RegExp(String.raw`\b(?:mail\s+)?${LABEL}\s+(?:on\s+)?(?:port\s+)?(?=\d)`, 'gi'), (m) => ((labels += m), ' port '));
  // "drop everything coming to 3306": everything said of a port is the port's traffic; "block
  // everything except 22", "everything else" is the default policy's (round 32).
  if (/\b(?:every|any)thing\b/i.test(t) && (!/\d/.test(t) || /\b(?:else|other|but|except|apart|besides)\b/i.test(t))) return undefined;
  if (/\bdefault\b|\bpolic(?:y|ies)\b|\b(?:all\s+ports|except|but\s+not|icmp|ping|web|dns|smtp)\b|\btimes?\b(?!\s+out)|\bevery\s+\w+/i.test(t)) return undefined;
  // What the rule is for, said first and ended by a colon ("we need syslog from the switches: …").
  const colon = /^([^:]{3,80}):(?!\d)(?=\s*\S)/.exec(t);
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
  // A sentence of context first ("I'm setting up a mail server."): no port, address or verb of the frame in it.
  t = t.replace(/^\s*([^.!?]{3,80})[.!]\s+(?=\S)/, (m, first: string) => (/\d/.test(first) || OPENING.test(first) || DROP.test(first) || /\b(?:only|firewall|rule|ports?|ssh|https?|tcp|udp)\b/i.test(first) || new RegExp(String.raw`\b${SERVICE_PORT_WORD}\b`, 'i').test(first) ? m : ((purpose += m), ' ')));
  // What needs the port, said as the subject ("the game server needs 27015 …", "the voip box
  // wants 5060 …") or after it ("…, it is for ipsec"): not a slot (round 31).
  t = t.replace(/^\s*(?:the|my|our|a)\s+[a-z][\w-]*(?:\s+[a-z][\w-]*)?(?=\s+(?:needs?|wants?|requires?|uses?)\s+(?:port\s+)?\d)/i, (m) => {
    if (serviceNames.some((n) => new RegExp(String.raw`(?<![\w-])${n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\w-])`, 'i').test(m))) return m;
    purpose += m;
    return ' ';
  });
  t = t.replace(/,?\s+(?:it'?s|it\s+is|this\s+is|that'?s)\s+for\s+[a-z][\w-]*(?:\s+[a-z][\w-]*)?\s*$/i, (m) => ((purpose += m), ' '));
  // "visit my website over http and https": the site is what the ports are for, not a service to set up.
  if (/\b(?:https?|ports?\s+\d|\d{2,5})\b/i.test(t)) t = t.replace(/\b(?:my|our|the)\s+(?:web\s*)?site\b/gi, (m) => ((purpose += m), ' '));
  // "only from A and B, the others no", "… and nobody else": the narrowing said again, not a negation of the rule (round 33).
  if (ONLY.test(t)) t = t.replace(/(?:,|;|\band\b|\bbut\b)?\s*(?:(?:all\s+)?the\s+others?|the\s+rest|every(?:one|body|thing)\s+else|no\s*(?:one|body)\s+else|nothing\s+else|nobody\s+else)(?:\s+(?:no|not|denied|blocked|dropped|refused))?(?=\s*[,;.]|\s*$)/gi, ' ');
  const cidrs = findCidrs(t).filter((c) => /^\d/.test(c));
  for (const c of cidrs) t = t.replace(c, ' ');
  // "both protocols", "tcp and udp", "tcp/udp", "tcp+udp": one rule for each (round 31).
  const both = /\bboth\s+protocols\b/i.test(t);
  t = t.replace(/\bboth\s+protocols\b/gi, ' ');
  const protocols = new Set([...t.matchAll(/\b(tcp|udp)\b/gi)].map((m) => m[1]!.toLowerCase() as 'tcp' | 'udp'));
  const ports: (number | string)[] = [];
  // A range: "10000-10100", "6000 to 6010", "5000..5010", ufw's "8000:8100" (round 31).
  t = t.replace(/(?<![\w.\/:-])(?:(?:tcp|udp)\s*\/\s*)?(\d{2,5})\s*(?:-|–|\.\.|:|\s(?:to|through|thru|till|until)\s)\s*(?:port\s+)?(\d{2,5})(?:\s*\/\s*(?:tcp|udp))?(?![\w\/%:-]|\.\w)/gi, (m, a: string, b: string) => {
    if (Number(a) >= Number(b) || Number(b) > 65535) return m;
    ports.push(`${Number(a)}-${Number(b)}`);
    return ' port ';
  });
  // The ports said by their service's word: ssh, http, https.
  t = t.replace(/\b(ssh|https?)\b/gi, (_m, w: string) => {
    ports.push(NAMED_PORTS[w.toLowerCase()]!);
    return ' port ';
  });
  // What the complaint is about ("my app on port 8000", "the game server on 7777"): what listens there, not a service to change.
  if (complaint) t = t.replace(/\b(?:my|our|the|this|that|a)\s+([a-z][\w-]*)(?:\s+([a-z][\w-]*))?(?=\s+(?:on|at)\s+(?:port\s+)?\d)/gi, (m, a: string, b?: string) => (serviceNames.includes(a.toLowerCase()) || (b !== undefined && serviceNames.includes(b.toLowerCase())) ? m : ((purpose += m), ' ')));
  t = t.replace(/(?<![\w.\/-])(?:(?:tcp|udp)\s*\/\s*)?(\d{1,5})(?:\s*\/\s*(?:tcp|udp))?(?![\w\/%-]|\.\w|\s*(?:[kmgt]i?b?|megs?|gigs?|gb|mb|cpus?|cores?|replicas?|instances|copies|minutes?|hours?|days?|am|pm|seconds?|secs?|mins?)\b)/gi, (_m, n: string) => {
    ports.push(Number(n));
    return ' port ';
  });
  if (ports.some((p) => typeof p === 'number' && (p < 1 || p > 65535)) || ports.length > 6) return undefined;
  const anywhere = ANYWHERE.test(t);
  // "https from anywhere, but plain http only from 10.0.0.0/8" (held-out 31 fw-20): two sources for
  // two ports are two rules, never one rule with the address for both: the clause reader splits them.
  if (anywhere && cidrs.length > 0 && ports.length > 1) return undefined;
  // "our VPN endpoint listens on 1194", "the office printer": what the rule is for, not a source;
  // "from my home computer" in a complaint: where the person tried, and the port is opened (round 32).
  let place = PLACE.exec(t);
  if (place && (complaint || /^\s+(?:server|endpoint|service|daemon|box|host|gateway|listens?|runs?|uses?|printer|app|instance)\b/i.test(t.slice(place.index + place[0].length)))) place = null;
  // Every word left must be a word of the frame: anything else (a service, an image, a size) is another reading's.
  const words = t.toLowerCase().replace(/['"“”‘’`]/g, ' ').split(/[^a-z0-9-]+/).filter((w) => w !== '' && w !== '-');
  const unknown = words.filter((w) => !FRAME_WORDS.has(w) && !(complaint && COMPLAINT_WORDS.includes(w)));
  if (unknown.length > 0 && !toldAround(unknown, t, complaint)) return undefined;
  if (findServiceMentions(t).length > 0 || serviceNames.some((n) => new RegExp(String.raw`(?<![\w-])${n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\w-])`, 'i').test(t))) return undefined;
  // Two actions in one message ("block ssh, allow http"): the clause reader splits them (review 22 HIGH-2).
  if (DROP.test(t) && OPENING.test(t) && !complaint) return undefined;
  const action = DROP.test(t) && !complaint ? (/\breject/i.test(t) ? 'reject' : 'drop') : 'accept';
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
    // No source at all: "open 8080" is read as before (the engine's own reading); a complaint, a
    // range, both protocols or a named rule is the frame's.
    if (!said && !complaint && !both && labels === '' && unknown.length === 0 && purpose === '' && !/\bfirewall\b/i.test(message) && protocols.size < 2 && !ports.some((p) => typeof p === 'string')) return undefined;
  }
  if (ports.length === 0) return undefined;
  if (action !== 'accept' && sources.length > 0) return undefined;
  let name = said?.name;
  if (only && !name && ports.length === 1) {
    const open = existing.find((r) => r.action === 'accept' && JSON.stringify(r.port) === JSON.stringify(ports[0]));
    if (open) name = open.name;
  }
  const protocol = both || protocols.size > 1 ? 'both' : [...protocols][0];
  const verb = action === 'accept' ? 'allow' : action === 'reject' ? 'reject' : 'block';
  const from = sources.length > 0 ? sources.join(' + ') : 'anywhere';
  const request = `${verb} ${protocol === 'both' ? 'tcp and udp ' : protocol ? `${protocol} ` : ''}port${ports.length > 1 || typeof ports[0] === 'string' ? 's' : ''} ${ports.join(' and ')} from ${from}${only && action === 'accept' ? ' only' : ''}${name ? `, call the rule ${name}` : ''}`;
  void purpose;
  void labels;
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
    // A rule holds the port alone or in its list (a named rule of several ports, round 31).
    const mine = all.filter((r) => JSON.stringify(r.port) === JSON.stringify(port) || (Array.isArray(r.port) && r.port.some((p) => JSON.stringify(p) === JSON.stringify(port))));
    const fits = (r: Rule, protocol?: string) => r.action === frame.action && JSON.stringify(r.source) === JSON.stringify(source) && (!protocol || (r.protocol ?? 'tcp') === protocol) && (!frame.name || r.name === frame.name || r.name === `${frame.name}-udp`);
    const ok = frame.protocol === 'both' ? mine.some((r) => fits(r, 'tcp')) && mine.some((r) => fits(r, 'udp')) : mine.some((r) => fits(r, frame.protocol));
    if (!ok) return false;
    if (frame.narrows && mine.some((r) => r.action === 'accept' && JSON.stringify(r.source) !== JSON.stringify(source))) return false;
  }
  if (frame.name && !all.some((r) => r.name === frame.name)) return false;
  return true;
}
