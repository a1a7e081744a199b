/**
 * The port frame: every port a clause says for one service, read once, and placed on the
 * service's port list by one rule. A port is said as a number ("on 8080", "ports 80, 443",
 * "listen on 80 and 443"), as a host-to-container mapping ("8080:80", "map host 8080 to
 * container 80", "container port 80 on host 8082"), as a move ("from 8080 to 8088", "80 -> 8000",
 * "use 18080 for it") or after a word that names which of its ports ("its ssh on 2222", "the
 * console on 9001").
 *
 * It reads text and edits a port list; it never reads or writes the state files.
 */
import type { PortMapping } from '../../../generated/services.js';
import { findImageRefs, findPorts } from './nlu.js';

/** One port said in a request. */
export interface SaidPort {
  /** The host port to publish on. */
  host: number;
  /** The container port, when the request says it ("8080:80", "to container 80"). */
  container?: number;
  /** The port it replaces ("from 8080 to 8088", "80 -> 8000"): a host port, else a container port. */
  from?: number;
  /** The words before it, back to the port said before ("its ssh on "), lower case. */
  before: string;
  /** The host address it is bound to, when the request says one as Docker does ("127.0.0.1:8081:8080"). */
  hostIp?: string;
}

/** Every port a clause says, and whether they are added beside the ports there. */
export interface PortFrame {
  said: SaidPort[];
  /** "also", "too", "as well", "in addition", "another port", "keep 80": the ports there are kept. */
  add: boolean;
}

/** A port of a container with a name people use for it ("console", "web"). */
export interface NamedPort {
  container: number;
  name?: string;
}

/** Protocol words and the container port a service speaks them on: "its ssh on 2222" publishes container port 22. */
export const WELL_KNOWN: Record<string, number> = { ssh: 22, sftp: 22, http: 80, https: 443, tls: 443, ssl: 443, dns: 53, smtp: 25, imap: 143, imaps: 993, ldap: 389, mqtt: 1883 };
/** Words for a service's main port (its first). */
const MAIN_WORDS = /\b(?:web(?:\s*(?:ui|interface|frontend|page|site|app))?|ui|gui|frontend|interface|dashboard|http|site|app|main)\b[^,;.\d]{0,24}$/;

const NUM = String.raw`(\d{2,5})`;
const PORT_WORD = String.raw`(?:port\s+)?`;
/** Not a port: a size, a count, a time or a version after the number. */
const NOT_PORT = String.raw`(?!\s*(?:%|[kmgt]i?b?\b|megs?|gigs?|cpus?|cores?|replicas?|instances|copies|connections?|times|minutes?|hours?|days?|am\b|pm\b|\.\d))`;

/** Host-to-container mappings, each with which group is the host and which the container. */
const MAPPINGS: { re: RegExp; host: 1 | 2 }[] = [
  // "host 8080 to container 80", "host port 8081 -> container port 80"
  { re: new RegExp(String.raw`\bhost\s+${PORT_WORD}${NUM}\s*(?:to|->|→|=>|:|on|maps?\s+to)\s*(?:the\s+)?container(?:'s)?\s+${PORT_WORD}${NUM}\b`, 'g'), host: 1 },
  // "container port 80 on host port 8082", "container 80 to host 8080"
  { re: new RegExp(String.raw`\bcontainer(?:'s)?\s+${PORT_WORD}${NUM}\s+(?:on|to|at|as|via|through|->|→)\s+(?:the\s+)?host(?:'s)?\s+${PORT_WORD}${NUM}\b`, 'g'), host: 2 },
  // "8080 on the host to 80 in the container"
  { re: new RegExp(String.raw`\b${NUM}\s+(?:on|of)\s+the\s+host\s+(?:to|->|→|=>)\s+${NUM}\s+(?:in|on|inside|of)\s+the\s+container\b`, 'g'), host: 1 },
  // "map 8080 to 80", "forward host port 8083 to 80"
  { re: new RegExp(String.raw`\b(?:map|maps|mapping|mapped|forward|forwards|forwarding|route|routes|routing)\s+(?:the\s+)?(?:host\s+)?${PORT_WORD}${NUM}\s+(?:to|->|→|=>|onto|into)\s+(?:the\s+)?(?:container(?:'s)?\s+)?${PORT_WORD}${NUM}\b`, 'g'), host: 1 },
  // "expose its port 80 on 9090", "publish the container port 3000 as 8300"
  { re: new RegExp(String.raw`\b(?:expose|exposes|exposing|publish|publishes|publishing)\s+(?:its|the|their|[\w-]+'s)?\s*(?:container(?:'s)?\s+)?port\s+${NUM}\s+(?:on|at|as|to)\s+(?:the\s+)?(?:host(?:'s)?\s+)?${PORT_WORD}${NUM}\b`, 'g'), host: 2 },
  // Docker's own "8080:80" (never a time such as 12:30).
  { re: /(?<![\w.:/@-])(\d{2,5}):(\d{2,5})(?![\w.:/-])/g, host: 1 },
];

/**
 * Docker's and compose's "ADDRESS:HOST:CONTAINER" ("127.0.0.1:8081:8080"): the port published on
 * that address only (review 20 HIGH-2: the address was dropped and the port published on every
 * address). Read before the mappings above, which would take "8081:8080" out of it.
 */
const ADDRESSED = /(?<![\w.:/@-])(\d{1,3}(?:\.\d{1,3}){3}):(\d{2,5}):(\d{2,5})(?![\w.:/-])/g;
/** "127.0.0.1:8081" (no container port), "on 127.0.0.1 port 8081", "127.0.0.1 on port 8081". */
const ADDRESS_PORT = /(?<![\w.:/@-])(\d{1,3}(?:\.\d{1,3}){3}):(\d{2,5})(?![\w.:/-])|(?<![\w.:/@-])(\d{1,3}(?:\.\d{1,3}){3})\s+(?:on\s+)?port\s+(\d{2,5})\b/g;
/** "bound to 127.0.0.1", "bind it to localhost", "only on 127.0.0.1", "listening on localhost only". */
const BOUND_TO = /\b(?:bound|bind(?:ed)?(?:\s+(?:it|them))?|only|listen(?:s|ing)?|reachable)\s+(?:to|on|at|from)\s+(?:the\s+)?(?:address\s+)?(\d{1,3}(?:\.\d{1,3}){3}|localhost)\b(?![\w.:/-])/;

/** Moves of a port: the group of the old number and of the new one. */
const MOVES: RegExp[] = [
  // "from 8080 to 8088", "from port 80 over to 8000"
  new RegExp(String.raw`\bfrom\s+${PORT_WORD}${NUM}\s+(?:(?:over\s+|across\s+)?to|->|→|=>|onto)\s+${PORT_WORD}${NUM}\b`, 'g'),
  // "80 -> 8000", "80 => 8001"
  new RegExp(String.raw`(?<![\w.])${NUM}\s*(?:->|-->|→|=>)\s*${PORT_WORD}${NUM}\b`, 'g'),
  // "switch 8080 for 9080", "swap port 80 with 8000", "replace 8080 by 9090"
  new RegExp(String.raw`\b(?:switch|swap|change|replace|trade|exchange)\s+${PORT_WORD}${NUM}\s+(?:for|with|to|by|into)\s+${PORT_WORD}${NUM}\b`, 'g'),
];

/** "use 18080 for it", "use port 18081 for the api": a port to use instead (80 or more: "use 16" is a version). */
const USE = new RegExp(String.raw`\buse\s+${PORT_WORD}${NUM}\b${NOT_PORT}`, 'g');

/** A list after a port: "80 and 443", "80, 443 & 8443", "80 + 443". */
const LIST_TAIL = new RegExp(String.raw`^(?:\s*(?:,\s*(?:and\s+)?|\s+and\s+|\s*&\s*|\s*\+\s*|\s+or\s+)${PORT_WORD}\d{2,5}\b${NOT_PORT})+`);

const ADDITIVE = /\b(?:also|too|as\s+well|additionally|in\s+addition|(?:another|extra|additional|second|one\s+more)\s+(?:host\s+)?port|keep(?:ing)?\s+(?:port\s+)?\d+)\b/;
const REPLACING = /\b(?:instead|rather|move|moving|switch|change|replace|swap|only|just)\b/;

const blank = (s: string) => ' '.repeat(s.length);

/** The ports a clause says (lower case or not), in the order said. */
export function readPortFrame(clause: string): PortFrame {
  // "listen on both 80 and 443", "on either 8080 or 8081": the list is what follows.
  let t = clause.toLowerCase().replace(/\b(?:both|either)\s+(?=(?:ports?\s+)?\d)/g, '');
  // An image's tag or registry port is no port of the service ("ghcr.io:5000/x:8080").
  for (const ref of findImageRefs(t)) if (/[a-z/]/.test(ref)) t = t.replace(ref, blank(ref));
  const said: (SaidPort & { at: number })[] = [];
  const take = (m: RegExpMatchArray, port: Omit<SaidPort, 'before'>) => {
    said.push({ ...port, before: t.slice(0, m.index), at: m.index! });
    t = t.slice(0, m.index) + blank(m[0]) + t.slice(m.index! + m[0].length);
  };
  for (const m of [...t.matchAll(ADDRESSED)]) {
    const [h, c] = [Number(m[2]), Number(m[3])];
    if (!m[1]!.split('.').every((o) => Number(o) <= 255) || !valid(h) || !valid(c)) continue;
    take(m, { host: h, container: c, ...(m[1] !== '0.0.0.0' ? { hostIp: m[1]! } : {}) });
  }
  // Round 29: the address said in words or as "ADDR:PORT" ("on 127.0.0.1 port 8081", "127.0.0.1:8081").
  for (const m of [...t.matchAll(ADDRESS_PORT)]) {
    const ip = m[1] ?? m[3]!;
    const h = Number(m[2] ?? m[4]);
    if (!ip.split('.').every((o) => Number(o) <= 255) || !valid(h)) continue;
    take(m, { host: h, ...(ip !== '0.0.0.0' ? { hostIp: ip } : {}) });
  }
  for (const { re, host } of MAPPINGS) {
    for (const m of [...t.matchAll(re)]) {
      const h = Number(m[host]);
      const c = Number(m[host === 1 ? 2 : 1]);
      // "at 12:30": a time.
      if (re === MAPPINGS[MAPPINGS.length - 1]!.re && (/\b(?:at|by|until|till|from)\s*$/.test(t.slice(0, m.index)) || (h <= 23 && m[2]!.length === 2))) continue;
      if (valid(h) && valid(c)) take(m, { host: h, container: c });
    }
  }
  for (const re of MOVES) for (const m of [...t.matchAll(re)]) if (valid(Number(m[1])) && valid(Number(m[2]))) take(m, { host: Number(m[2]), from: Number(m[1]) });
  for (const m of [...t.matchAll(USE)]) if (Number(m[1]) >= 80 && valid(Number(m[1]))) take(m, { host: Number(m[1]) });
  // The numbers only a port fits (nlu.ts findPorts), each with the list said after it.
  const rest = findPorts(t);
  const seen = new Set<number>();
  for (const p of rest) {
    const m = new RegExp(String.raw`(?<![\w.:/-])${p}(?![\w.:/])`).exec(t);
    const at = m ? m.index : t.length;
    if (!seen.has(p)) said.push({ host: p, before: t.slice(0, at), at });
    seen.add(p);
    const tail = m ? LIST_TAIL.exec(t.slice(at + String(p).length)) : null;
    if (!tail) continue;
    for (const n of tail[0].matchAll(/\d{2,5}/g)) {
      const q = Number(n[0]);
      const qAt = at + String(p).length + n.index!;
      if (!seen.has(q) && valid(q)) said.push({ host: q, before: t.slice(at + String(p).length, qAt), at: qAt });
      seen.add(q);
    }
  }
  said.sort((a, b) => a.at - b.at);
  // "…on port 8089, bound to 127.0.0.1", "only on localhost": the address of every port said without one.
  const bound = BOUND_TO.exec(t);
  const boundIp = bound ? (bound[1] === 'localhost' ? '127.0.0.1' : bound[1]!) : undefined;
  if (boundIp !== undefined && boundIp !== '0.0.0.0' && boundIp.split('.').every((o) => Number(o) <= 255)) for (const p of said) p.hostIp ??= boundIp;
  const lower = clause.toLowerCase();
  return { said: said.map(({ at: _at, ...p }) => p), add: ADDITIVE.test(lower) && !REPLACING.test(lower) };
}

function valid(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && n <= 65535;
}

/** The words said before a port that name which container port it is: a name of the app's, or a protocol's. */
function portByWord(before: string, names: NamedPort[]): { container: number } | undefined {
  const tail = before.split(/\d/).pop() ?? before;
  const named = names.find((n) => n.name && new RegExp(String.raw`\b${n.name}\b[^,;.\d]{0,24}$`).test(tail));
  if (named) return { container: named.container };
  for (const [word, port] of Object.entries(WELL_KNOWN)) if (new RegExp(String.raw`\b${word}\b[^,;.\d]{0,24}$`).test(tail)) return { container: port };
  return MAIN_WORDS.test(tail) && names.length > 0 ? { container: names[0]!.container } : undefined;
}

/**
 * The port list after the ports said. In order, for each port said:
 * 1. a mapping ("8080:80") publishes that container port on that host port;
 * 2. a move ("from 8080 to 8088") changes the entry published on the old number (else the one
 *    listening on it);
 * 3. a port already published stays as it is ("caddy on 443");
 * 4. a port after a word ("its ssh on 2222", "the console on 9001") goes to the container port
 *    the word names (an app's own port name, else the protocol's port), added when there is none;
 * 5. a port the container listens on ("traefik on 80") is published as itself; after 3 or 5
 *    the rest of the list is added beside it ("80 and 443");
 * 6. with "also", "too", "as well" a port is added, to the same container port;
 * 7. else the ports replace the published ones in order ("nginx on 8080": its first port), and
 *    any left over are added.
 * `names` are the container's ports with their names (a catalogue app's), first the main one.
 */
export function placePorts(entries: PortMapping[], frame: PortFrame, names: NamedPort[] = []): PortMapping[] {
  const list = entries.map((p) => ({ ...p }));
  const used = new Set<number>();
  const containers: NamedPort[] = names.length > 0 ? names : list.map((p) => ({ container: p.container }));
  let listed = frame.add;
  const publish = (host: number, container: number, hostIp?: string) => {
    // A host port can be published once: the entry that had it gives it up.
    const i = list.findIndex((p) => p.container === container && !used.has(list.indexOf(p)));
    const j = i >= 0 ? i : list.findIndex((p) => p.container === container);
    if (j >= 0) list[j] = { ...list[j]!, host, ...(hostIp !== undefined ? { host_ip: hostIp } : {}) };
    else list.push({ host, container, ...(hostIp !== undefined ? { host_ip: hostIp } : {}) });
    used.add(j >= 0 ? j : list.length - 1);
  };
  for (const s of frame.said) {
    if (s.container !== undefined) {
      publish(s.host, s.container, s.hostIp);
      continue;
    }
    placeOne(s);
    // The address said with the port ("on 127.0.0.1 port 8081") goes to the entry it now publishes.
    const placed = s.hostIp !== undefined ? list.find((p) => p.host === s.host) : undefined;
    if (placed) placed.host_ip = s.hostIp;
  }
  return list;

  function placeOne(s: SaidPort): void {
    if (s.from !== undefined) {
      const i = list.findIndex((p) => p.host === s.from);
      const j = i >= 0 ? i : list.findIndex((p) => p.container === s.from);
      if (j >= 0) {
        list[j] = { ...list[j]!, host: s.host };
        used.add(j);
        return;
      }
    }
    const same = list.findIndex((p) => p.host === s.host);
    if (same >= 0) {
      used.add(same);
      listed = true;
      return;
    }
    const byWord = portByWord(s.before, containers);
    if (byWord) {
      publish(s.host, byWord.container);
      return;
    }
    const listens = list.findIndex((p, i) => p.container === s.host && !used.has(i));
    if (listens >= 0) {
      list[listens] = { ...list[listens]!, host: s.host };
      used.add(listens);
      listed = true;
      return;
    }
    if (listed) {
      list.push({ host: s.host, container: s.host });
      used.add(list.length - 1);
      return;
    }
    const next = list.findIndex((_, i) => !used.has(i));
    if (next >= 0) {
      list[next] = { ...list[next]!, host: s.host };
      used.add(next);
    } else {
      list.push({ host: s.host, container: s.host });
      used.add(list.length - 1);
    }
  }
}


// ── ports from names (round 30) ─────────────────────────────────────────────

/**
 * A service said by its word in a firewall request is its registered port, and, for the few
 * that speak only udp, its protocol ("allow imap", "open up ntp", "block telnet"). ssh, http and
 * https have readers of their own (the SSH rule, allow-web); a product with a template or a
 * running service of that name ("postgres", "grafana's port") is the engine's portsNamedBy.
 */
export const SERVICE_PORTS: readonly { word: RegExp; port: number; protocol?: 'udp' }[] = [
  { word: /\bdns\b/, port: 53 },
  { word: /\btelnet\b/, port: 23 },
  { word: /\bsmtp\b(?!s)/, port: 25 },
  { word: /\bsmtps\b/, port: 465 },
  { word: /\b(?:mail\s+)?submission\b/, port: 587 },
  { word: /\bimaps\b/, port: 993 },
  { word: /\bimap\b(?!s)/, port: 143 },
  { word: /\bpop3s\b/, port: 995 },
  { word: /\bpop3\b/, port: 110 },
  { word: /\bntp\b/, port: 123, protocol: 'udp' },
  { word: /\bsnmp\b/, port: 161, protocol: 'udp' },
  { word: /\bsyslog\b/, port: 514, protocol: 'udp' },
  { word: /\bldaps\b/, port: 636 },
  { word: /\bldap\b(?!s)/, port: 389 },
  { word: /\bmqtts\b/, port: 8883 },
  { word: /\bmqtt\b(?!s)/, port: 1883 },
  { word: /\bsips\b/, port: 5061 },
  { word: /\bsip\b(?!s)/, port: 5060 },
  { word: /\bxmpp\b|\bjabber\b/, port: 5222 },
  { word: /\bftp\b/, port: 21 },
  { word: /\brsync\b/, port: 873 },
  { word: /\bsmb\b|\bsamba\b|\bcifs\b/, port: 445 },
  { word: /\bnfs\b/, port: 2049 },
  { word: /\bkerberos\b/, port: 88 },
  { word: /\bopenvpn\b/, port: 1194, protocol: 'udp' },
  { word: /\bwireguard\b/, port: 51820, protocol: 'udp' },
  { word: /\brdp\b|\bremote\s+desktop\b/, port: 3389 },
  { word: /\bvnc\b/, port: 5900 },
  { word: /\bminecraft\b/, port: 25565 },
];

/** The words of SERVICE_PORTS, for a list item that is only another service ("…, imaps", "and submission 587"). */
export const SERVICE_PORT_WORD = String.raw`(?:dns|telnet|smtps?|(?:mail\s+)?submission|imaps?|pop3s?|ntp|snmp|syslog|ldaps?|mqtts?|sips?|xmpp|jabber|ftp|rsync|smb|samba|cifs|nfs|kerberos|openvpn|wireguard|rdp|vnc|minecraft)`;

/** Where one subject of a list ends and the next begins ("imap and imaps", "smtp (25), submission 587"). */
const ITEM_SEPARATOR = /\s*(?:,|;|\band\b|\bplus\b|&|\+|\bas\s+well\s+as\b)\s*/i;

/**
 * The ports a firewall clause names by a service's word, one per word said without a number of
 * its own in the same list item ("allow smtp (port 25), submission 587" names none: both have
 * their numbers; "open the mqtt port, 8883" names 1883; "udp 53 for dns" none). With the protocol
 * the service speaks when it speaks only udp.
 */
export function servicePortsIn(clause: string): { port: number; protocol?: 'udp' }[] {
  const out: { port: number; protocol?: 'udp' }[] = [];
  // "both tcp and udp" joins no items: it is one protocol phrase.
  // Addresses are no numbers of an item ("allow ldap from 192.168.0.0/16").
  const t = clause.toLowerCase().replace(/\b(tcp|udp)\s*(?:and|&|\+|\/|or)\s*(tcp|udp)\b/g, '$1/$2').replace(/\b\d{1,3}(?:\.\d{1,3}){3}(?:\/\d{1,2})?/g, ' ');
  for (const item of t.split(ITEM_SEPARATOR)) {
    if (/\d/.test(item.replace(/\b(?:pop3s?|mqtts?)\b/g, ''))) continue;
    for (const s of SERVICE_PORTS) if (s.word.test(item) && !out.some((o) => o.port === s.port)) out.push({ port: s.port, ...(s.protocol ? { protocol: s.protocol } : {}) });
  }
  return out;
}

/** "both tcp and udp", "tcp+udp", "udp/tcp", "tcp & udp": one rule for each protocol. */
export const BOTH_PROTOCOLS = /\b(?:both\s+(?:of\s+)?)?(?:(?:on|over)\s+)?(?:tcp\s*(?:and|&|\+|\/|or|,)\s*(?:(?:on|over)\s+)?udp|udp\s*(?:and|&|\+|\/|or|,)\s*(?:(?:on|over)\s+)?tcp)\b(?:\s+both)?/i;

/**
 * A list item that only says the protocol of the clause before ("open 27015, udp", "…, protocol
 * udp", "…, UDP only", "…, it is udp", "both tcp and udp on 53"): it belongs to that clause.
 */
export const PROTOCOL_FRAGMENT = /^(?:(?:and|but|oh|also)\s+)?(?:(?:it'?s|it\s+is|that'?s|this\s+is|(?:over|via|using|with|on|in)(?:\s+the)?)\s+)?(?:(?:both|only|just)\s+(?:of\s+)?)?(?:(?:the\s+)?proto(?:col)?\s*[:=]?\s*)?(?:tcp|udp)(?:\s*(?:and|&|\+|\/|or)\s*(?:tcp|udp))?(?:\s+(?:proto(?:col)?|traffic|only|too|both|please|pls|as\s+well|for\s+(?:it|that|this)))*(?:\s+(?:on|for|at)\s+(?:port\s+)?\d{1,5})?\s*[.!]*$/i;

/**
 * The numbers said as ports in a firewall clause beside a service's word or as list items of
 * their own ("submission 587", "pop3s on 995", "the mqtt port, 8883", "imaps (993)"): what
 * findPorts leaves, since a bare number is a port only where a port is being talked about.
 */
export function listedPortsIn(clause: string): number[] {
  const t = clause.toLowerCase();
  const out: number[] = [];
  for (const m of t.matchAll(new RegExp(String.raw`\b${SERVICE_PORT_WORD}\s+(?:on\s+)?(?:port\s+)?(\d{2,5})\b(?![.:/]\d)`, 'g'))) out.push(Number(m[1]));
  for (const m of t.matchAll(/(?:,\s*|\b(?:and|plus)\s+|&\s*)(?:port\s+)?(\d{2,5})(?:\s*\/\s*(?:tcp|udp))?(?=\s*(?:,|$|\band\b|\btoo\b|\bas\s+well\b|\bthrough\b|\bplease\b|\bpls\b|\bfrom\b|\bto\b))/g)) out.push(Number(m[1]));
  return [...new Set(out.filter((p) => p >= 1 && p <= 65535))];
}
