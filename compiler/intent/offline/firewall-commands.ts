/**
 * A firewall rule said as another tool's command (round 31): `iptables -A INPUT -p tcp --dport
 * 8883 -j ACCEPT`, `ufw allow from 10.0.0.0/8 to any port 5432`, `firewall-cmd --permanent
 * --add-port=8081/tcp`, `nft add rule inet filter input udp dport 1194 accept`. Claude.OS runs no
 * command: the command is read as the rule it describes and said in the words the firewall
 * handler reads ("allow tcp port 8883 from anywhere"), which then goes through every guard as
 * any request does.
 *
 * Read only when every token of the command is understood: an input rule with a destination
 * port (or a whole source blocked), its protocol, source and verdict. Anything else (another
 * chain, an interface, a policy, a flush, `ufw disable`, a rate limit, an unknown flag) is left
 * as typed, so the engine's own readers and guards see it (a host command is refused). Pure.
 */
import { findCidrs } from './nlu.js';

export interface CommandRule {
  /** The tool the command was written for. */
  tool: 'iptables' | 'ufw' | 'firewall-cmd' | 'nft';
  /** The rule in the firewall handler's words. */
  request: string;
}

type Verdict = 'accept' | 'drop' | 'reject';
interface Parsed {
  ports: string[];
  /** Port words ufw and firewall-cmd take ("ssh", "http"). */
  words: string[];
  protocol?: 'tcp' | 'udp';
  sources: string[];
  verdict: Verdict;
}

const PORT = /^\d{1,5}$/;
const RANGE = /^(\d{1,5})[:-](\d{1,5})$/;
const SERVICE_WORDS = new Set(['ssh', 'http', 'https', 'openssh', 'smtp', 'dns', 'imap', 'imaps', 'pop3', 'mysql', 'postgresql', 'ntp']);
/**
 * What may stand before the command: a polite frame with no value of its own ("please", "run:",
 * "can you do the equivalent of:"), every word of it one of these. A negation or an undo ("don't
 * run …", "never run …", "revert …", "remove …", review 24 HIGH-1) is none of them: the command is
 * then not read as its rule.
 */
const LEAD_WORDS = new Set('please pls plz kindly hi hey hello ok okay so just can could would will you u do run apply execute add set up make the this that a equivalent of same as like something similar rule firewall i i\'d id want need to for me us here is what'.split(' '));

/** Words that may follow a command without being any of its tokens ("<- do that pls", "thanks"). */
const TAIL_WORDS = new Set('please pls plz thanks thank thx ty you do that this it run apply for me us on the server box host ok'.split(' '));

/** A port or a range, checked and said as the handler reads it ("8000-8100"); undefined when out of range. */
function portOf(s: string): string | undefined {
  if (PORT.test(s)) return Number(s) >= 1 && Number(s) <= 65535 ? String(Number(s)) : undefined;
  const r = RANGE.exec(s);
  if (r && Number(r[1]) < Number(r[2]) && Number(r[2]) <= 65535 && Number(r[1]) >= 1) return `${Number(r[1])}-${Number(r[2])}`;
  return undefined;
}

function cidrOf(s: string): string | undefined {
  const c = findCidrs(s);
  return c.length === 1 && c[0] === s ? s : s === '0.0.0.0/0' || s === 'any' || s === 'anywhere' ? '' : undefined;
}

function iptables(tokens: string[]): Parsed | undefined {
  const p: Parsed = { ports: [], words: [], sources: [], verdict: 'accept' };
  let chain = false;
  let verdict: Verdict | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const next = () => tokens[++i];
    if (t === '-A' || t === '--append' || t === '-I' || t === '--insert') {
      if (next()?.toUpperCase() !== 'INPUT') return undefined;
      chain = true;
      if ((t === '-I' || t === '--insert') && PORT.test(tokens[i + 1] ?? '')) i++;
    } else if (t === '-p' || t === '--protocol') {
      const v = next()?.toLowerCase();
      if (v !== 'tcp' && v !== 'udp') return undefined;
      p.protocol = v;
    } else if (t === '-m' || t === '--match') {
      if (!/^(?:tcp|udp|multiport|state|conntrack|comment)$/.test(next() ?? '')) return undefined;
    } else if (t === '--dport' || t === '--destination-port') {
      const v = portOf(next() ?? '');
      if (!v) return undefined;
      p.ports.push(v);
    } else if (t === '--dports' || t === '--destination-ports') {
      for (const x of (next() ?? '').split(',')) {
        const v = portOf(x);
        if (!v) return undefined;
        p.ports.push(v);
      }
    } else if (t === '-s' || t === '--source' || t === '--src') {
      const v = cidrOf(next() ?? '');
      if (v === undefined) return undefined;
      if (v) p.sources.push(v);
    } else if (t === '--state' || t === '--ctstate') {
      if (!/^NEW$/i.test(next() ?? '')) return undefined;
    } else if (t === '--comment') {
      next();
    } else if (t === '-j' || t === '--jump') {
      const v = next()?.toUpperCase();
      if (v !== 'ACCEPT' && v !== 'DROP' && v !== 'REJECT') return undefined;
      verdict = v.toLowerCase() as Verdict;
    } else return undefined;
  }
  if (!chain || !verdict) return undefined;
  p.verdict = verdict;
  return p;
}

function ufw(tokens: string[]): Parsed | undefined {
  let i = 0;
  if (tokens[i] === '--dry-run') i++;
  const verb = tokens[i++]?.toLowerCase();
  if (verb !== 'allow' && verb !== 'deny' && verb !== 'reject') return undefined;
  const p: Parsed = { ports: [], words: [], sources: [], verdict: verb === 'allow' ? 'accept' : verb === 'deny' ? 'drop' : 'reject' };
  if (tokens[i] === 'in') i++;
  const rest = tokens.slice(i);
  // "ufw allow 8443/tcp", "ufw allow 8000:8100/tcp", "ufw allow ssh"
  if (rest.length === 1) {
    const [port, proto] = rest[0]!.split('/');
    const v = portOf(port!);
    if (v) p.ports.push(v);
    else if (SERVICE_WORDS.has(port!.toLowerCase()) && proto === undefined) p.words.push(port!.toLowerCase() === 'openssh' ? 'ssh' : port!.toLowerCase());
    else return undefined;
    if (proto !== undefined) {
      if (proto !== 'tcp' && proto !== 'udp') return undefined;
      p.protocol = proto;
    }
    return p;
  }
  // "ufw allow [proto tcp] from X [to any] [port N] [proto tcp]"
  for (let j = 0; j < rest.length; j++) {
    const t = rest[j]!.toLowerCase();
    const next = () => rest[++j];
    if (t === 'proto') {
      const v = next()?.toLowerCase();
      if (v !== 'tcp' && v !== 'udp') return undefined;
      p.protocol = v;
    } else if (t === 'from') {
      const v = cidrOf(next() ?? '');
      if (v === undefined) return undefined;
      if (v) p.sources.push(v);
    } else if (t === 'to') {
      if (!/^(?:any|0\.0\.0\.0\/0)$/i.test(next() ?? '')) return undefined;
    } else if (t === 'port') {
      for (const x of (next() ?? '').split(',')) {
        const v = portOf(x);
        if (!v) return undefined;
        p.ports.push(v);
      }
    } else return undefined;
  }
  return p;
}

function firewallCmd(tokens: string[]): Parsed | undefined {
  const p: Parsed = { ports: [], words: [], sources: [], verdict: 'accept' };
  for (const t of tokens) {
    if (t === '--permanent' || t === '--reload' || /^--zone=[\w-]+$/.test(t)) continue;
    const port = /^--add-port=([\d:-]+)\/(tcp|udp)$/.exec(t);
    const service = /^--add-service=([\w-]+)$/.exec(t);
    const source = /^--add-source=(\S+)$/.exec(t);
    if (port) {
      const v = portOf(port[1]!);
      if (!v || (p.protocol && p.protocol !== port[2])) return undefined;
      p.ports.push(v);
      p.protocol = port[2] as 'tcp' | 'udp';
    } else if (service && SERVICE_WORDS.has(service[1]!.toLowerCase())) p.words.push(service[1]!.toLowerCase());
    else if (source && cidrOf(source[1]!)) p.sources.push(source[1]!);
    else return undefined;
  }
  return p;
}

function nft(tokens: string[]): Parsed | undefined {
  // "nft add rule inet filter input [ip saddr X] tcp dport N|N-M|{ a, b } [ct state new] accept"
  const s = tokens.join(' ');
  const m = /^(?:add|insert)\s+rule\s+(?:(?:inet|ip|ip6)\s+)?[\w-]+\s+input\s+(?:ip6?\s+saddr\s+(\S+)\s+)?(tcp|udp)\s+dport\s+(\{[\d\s,:-]+\}|[\d-]+)\s+(?:ct\s+state\s+new\s+)?(accept|drop|reject)$/i.exec(s);
  if (!m) return undefined;
  const p: Parsed = { ports: [], words: [], sources: [], protocol: m[2]!.toLowerCase() as 'tcp' | 'udp', verdict: m[4]!.toLowerCase() as Verdict };
  if (m[1]) {
    const v = cidrOf(m[1]);
    if (v === undefined) return undefined;
    if (v) p.sources.push(v);
  }
  for (const x of m[3]!.replace(/[{}]/g, ' ').split(/[\s,]+/).filter((x) => x !== '')) {
    const v = portOf(x);
    if (!v) return undefined;
    p.ports.push(v);
  }
  return p;
}

/** The rule a firewall tool's command describes, in the handler's words; undefined when it is not one such command read whole. */
export function ruleFromCommand(message: string): CommandRule | undefined {
  // A polite tail after the command ("… -j ACCEPT   <- do that pls", "… ACCEPT, thanks"): no token of it (round 32).
  const text = message
    .trim()
    .replace(/[`]/g, ' ')
    .replace(/\s*[.!]+$/, '')
    .replace(/(?:\s+(?:<-+|←|<=|#|--)\s*|\s*[,;]\s*|\s+)((?:[a-z'’]+\s+){0,5}[a-z'’]+\s*)$/i, (m, tail: string) => (tail.trim().split(/\s+/).every((w) => TAIL_WORDS.has(w.toLowerCase().replace(/’/g, "'"))) ? '' : m))
    .replace(/\s*[.!]+$/, '');
  const at = /(?:^|[\s:;,(])(?:sudo\s+)?(iptables|ip6tables|ufw|firewall-cmd|nft)\s+(?=\S)/.exec(text);
  if (!at) return undefined;
  const lead = text.slice(0, at.index);
  if (lead.length > 80 || lead.toLowerCase().split(/[^a-z'’]+/).some((w) => w !== '' && !LEAD_WORDS.has(w.replace(/’/g, "'")))) return undefined;
  const tool = at[1] === 'ip6tables' ? 'iptables' : (at[1] as CommandRule['tool']);
  const tokens = text.slice(at.index + at[0].length).split(/\s+/).filter((t) => t !== '');
  const p = tool === 'iptables' ? iptables(tokens) : tool === 'ufw' ? ufw(tokens) : tool === 'firewall-cmd' ? firewallCmd(tokens) : nft(tokens);
  if (!p) return undefined;
  const verb = p.verdict === 'accept' ? 'allow' : p.verdict === 'reject' ? 'reject' : 'block';
  const from = p.sources.length > 0 ? p.sources.join(' and ') : 'anywhere';
  if (p.ports.length === 0 && p.words.length === 0) {
    // A whole source blocked ("iptables -A INPUT -s 198.51.100.7 -j DROP"); a whole source let in is not read (every port).
    if (p.verdict === 'accept' || p.sources.length === 0) return undefined;
    return { tool, request: `${verb} traffic from ${from}` };
  }
  const what = [...p.words, ...(p.ports.length > 0 ? [`${p.protocol ? `${p.protocol} ` : ''}port${p.ports.length > 1 || p.ports[0]!.includes('-') ? 's' : ''} ${p.ports.join(' and ')}`] : [])].join(' and ');
  return { tool, request: `${verb} ${what} from ${from}` };
}

/**
 * A firewall tool's command said with a negation or an undo before it ("don't run iptables …",
 * "never run ufw allow 9000", "revert iptables …", "remove ufw allow 8443"): not an order to make
 * the rule it describes (review 24 HIGH-1). The engine says so and changes nothing.
 */
export function commandNegated(message: string): boolean {
  const at = /(?:^|[\s:;,(`])(?:sudo\s+)?(?:iptables|ip6tables|ufw|firewall-cmd|nft)\s+\S/i.exec(message);
  if (!at) return false;
  return /\b(?:don'?t|don’t|do\s+not|never|not|no|without|remove|delete|undo|revert|reverse|stop|drop|disable|get\s+rid\s+of|instead\s+of|rather\s+than|cancel|roll\s*back|take\s+(?:out|away|back))\b/i.test(message.slice(0, at.index + 1));
}

