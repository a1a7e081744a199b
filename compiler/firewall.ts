/**
 * The firewall compiler: `network.yaml` `firewall` → the nftables text that replaces the
 * `inet claude` table in one transaction, plus a structured form of the same rules that the
 * lock-out check and the exposure map evaluate. Pure: no I/O, deterministic (the same spec
 * gives the same bytes).
 *
 * Layout of the generated table (see docs/firewall.md):
 *
 *   table inet claude {}          ┐ "create if missing, then delete": with the new table below,
 *   delete table inet claude      ┘ `nft -f` replaces the table in one atomic transaction
 *   table inet claude {
 *     set ports-<rule> { … }       port lists (named, so the `published` chain can share them)
 *     set saddr4-<rule> { … }      address lists longer than `namedSetThreshold`
 *     chain input   { hook input,   policy from the spec; input rules in declared order }
 *     chain forward { hook forward; `ct status dnat jump published`; forward rules;
 *                     container egress (docker0, br-*, claude*) left to the engine's own chains }
 *     chain output  { hook output;  output rules }
 *     chain published { the input rules again, on the connection's ORIGINAL destination
 *                       (`ct original proto-dst`), ending in the input policy }
 *   }
 *
 * Docker publishes ports with DNAT in PREROUTING, so that traffic never reaches INPUT but
 * FORWARD (moby#22054). The `published` chain makes the input rules govern it too.
 */
import type { FirewallConfig, FirewallRule } from '../generated/network.js';
import type { DiagnosticSink, Diagnostic, SourcePos } from './diagnostics.js';
import type { DiagnosticCode } from './messages.js';
import { MESSAGES } from './messages.js';
import { DiagnosticsError, format } from './diagnostics.js';
import { sha256Hex } from '../common/canonical.js';
import {
  type Cidr,
  type IpFamily,
  type Interval,
  cidrContains,
  cidrToInterval,
  formatCidr,
  fullInterval,
  intersectIntervals,
  intervalsToCidrs,
  mergeIntervals,
  normaliseCidrs,
  parseAddress,
  parseCidr,
  subtractIntervals,
} from './ipnet.js';
import { CONTAINER_BRIDGES } from '../plan/bridges.js';

/**
 * How many ports an accept rule from anywhere opens before it counts as every port. One number
 * for both sides of the trust boundary: the planner asks for the admin's signature at this size
 * (`acceptsEveryPort` in planner.ts), and the offline engine refuses a request to open a range
 * this wide from anywhere (harm-classes.ts, "opening everything").
 */
export const OPEN_PORTS = 30_000;

/** The written firewall section of network.yaml (generated from schemas/network.schema.json). */
export type FirewallSpec = FirewallConfig;
export type FirewallRuleSpec = FirewallRule;

export type Direction = 'input' | 'output' | 'forward';
export type Protocol = 'tcp' | 'udp' | 'icmp' | 'icmpv6' | 'all';
export type Action = 'accept' | 'drop' | 'reject';
export type Policy = 'accept' | 'drop';
export type CtState = 'new' | 'established' | 'related' | 'invalid';
export type ChainName = Direction | 'published';

/** The table Claude.OS owns. Nothing outside it is ever touched. */
export const TABLE = 'inet claude';

/** `nft -f` text that removes the table if present and does nothing otherwise. */
export const REMOVE_TABLE_RULESET = `table ${TABLE} {}\ndelete table ${TABLE}\n`;

/** One nft rule as loaded, with its matches in structured form for evaluation. */
export interface CompiledRule {
  /** Name of the spec rule it comes from. */
  name: string;
  /** Index of that rule in `firewall.rules`. */
  index: number;
  chain: ChainName;
  /** `inet` when the rule has no addresses; `ip`/`ip6` when its addresses fix the family. */
  family: 'inet' | 'ip' | 'ip6';
  protocol: Protocol;
  /** Destination port ranges, inclusive; empty = any port. */
  ports: [number, number][];
  /** Source prefixes (normalised text); empty = any source of the family. */
  sources: string[];
  /** Destination prefixes (normalised text); empty = any. In `published`: the original destination. */
  destinations: string[];
  /** `iifname` (input, forward, published) or `oifname` (output); a trailing `*` is a prefix match. */
  iifname?: string;
  oifname?: string;
  /** Conntrack states; empty = any. */
  states: CtState[];
  action: Action;
  /** The rule line exactly as it appears in the ruleset. */
  text: string;
}

export interface CompiledFirewall {
  enabled: boolean;
  /** The `nft -f` text. With `enabled: false` it only removes the table. */
  ruleset: string;
  /** sha256 (hex) of `ruleset`. */
  hash: string;
  policies: Record<Direction, Policy>;
  rules: CompiledRule[];
  /** Whether the `published` chain (container forwarding handling) is in the ruleset. */
  containerForwarding: boolean;
  /** Diagnostics (warnings) when no sink was given; with a sink they went there. */
  diagnostics: Diagnostic[];
}

export interface FirewallCompileOptions {
  /** Diagnostics go here. Without a sink, any error throws `FirewallCompileError`. */
  sink?: DiagnosticSink;
  /** State file named in diagnostics. Default `network.yaml`. */
  file?: string;
  /**
   * Maps a path inside the firewall section (e.g. `['rules', 2, 'port']`) to its source
   * position, so diagnostics point at file:line:col.
   */
  locate?: (path: readonly (string | number)[]) => { line: number; column: number } | undefined;
  /**
   * Handling of container forwarding. Default: the bridges of both container engines
   * (`{ interfaces: ['docker0', 'br-*', 'claude*'] }`, plan/bridges.ts): DNAT'ed
   * (published-port) traffic is filtered by the input rules, and traffic entering from those
   * bridges (container egress) and its replies are left to the engine's own chains (Docker's,
   * or the CNI plugins' on containerd). `false` leaves the forward chain to the forward rules alone.
   */
  containerForwarding?: false | { interfaces: string[] };
  /** Address lists longer than this become named sets (shorter ones anonymous sets). Default 16. */
  namedSetThreshold?: number;
  /** Accept IPv6 neighbour discovery (hop limit 255) first in input and output. Default true. */
  ipv6NeighbourDiscovery?: boolean;
}

export class FirewallCompileError extends DiagnosticsError {
  constructor(diagnostics: Diagnostic[]) {
    super('firewall', diagnostics);
    this.name = 'FirewallCompileError';
  }
}

const DEFAULT_CONTAINER_IFACES = [...CONTAINER_BRIDGES];
const STATES: readonly CtState[] = ['new', 'established', 'related', 'invalid'];
const NAME_RE = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const IFACE_RE = /^[A-Za-z0-9_.:@+-]{1,15}$|^[A-Za-z0-9_.:@+-]{0,14}\*$/;

/** Collects diagnostics either into the caller's sink or locally (then thrown on error). */
class Reporter {
  readonly local: Diagnostic[] = [];
  constructor(private readonly opts: FirewallCompileOptions) {}
  report(code: DiagnosticCode, path: readonly (string | number)[], args: Record<string, string | number>): void {
    const at = this.opts.locate?.(path);
    const pos: SourcePos = { file: this.opts.file ?? 'network.yaml', line: at?.line ?? 0, column: at?.column ?? 0 };
    if (this.opts.sink) {
      this.opts.sink.report(code, pos, args);
    } else {
      const e = MESSAGES[code];
      this.local.push({ code, severity: e.severity, ...pos, message: format(e.message, args), hint: format(e.hint, args) });
    }
    if (MESSAGES[code].severity === 'error') this.errors++;
  }
  errors = 0;
}

interface NormalisedRule {
  spec: FirewallRule;
  index: number;
  name: string;
  direction: Direction;
  protocol: Protocol;
  ports: [number, number][];
  src: Cidr[];
  dst: Cidr[];
  iface?: string;
  states: CtState[];
  action: Action;
  comment: string;
}

/** Compiles the firewall section. See the module comment for the table layout. */
export function compileFirewall(spec: FirewallSpec | undefined, opts: FirewallCompileOptions = {}): CompiledFirewall {
  const rep = new Reporter(opts);
  const fw = spec ?? {};
  const enabled = fw.enabled !== false;
  const policies: Record<Direction, Policy> = {
    input: policyOf(fw.default_input_policy, 'input', rep),
    output: policyOf(fw.default_output_policy, 'output', rep),
    forward: policyOf(fw.default_forward_policy, 'forward', rep),
  };
  const cf = opts.containerForwarding === undefined ? { interfaces: DEFAULT_CONTAINER_IFACES } : opts.containerForwarding;
  if (cf) for (const i of cf.interfaces) if (!IFACE_RE.test(i)) throw new Error(`compileFirewall: bad container interface pattern ${JSON.stringify(i)}`);

  const seen = new Set<string>();
  const normalised: NormalisedRule[] = [];
  (fw.rules ?? []).forEach((r, i) => {
    if (typeof r.name === 'string' && seen.has(r.name)) {
      rep.report('CLA6005', ['rules', i, 'name'], { rule: r.name });
      return;
    }
    if (typeof r.name === 'string') seen.add(r.name);
    const n = normaliseRule(r, i, rep);
    if (n) normalised.push(n);
  });

  if (!opts.sink && rep.errors > 0) throw new FirewallCompileError(rep.local);

  if (!enabled) {
    return { enabled, ruleset: REMOVE_TABLE_RULESET, hash: sha256Hex(REMOVE_TABLE_RULESET), policies, rules: [], containerForwarding: false, diagnostics: rep.local };
  }

  const threshold = opts.namedSetThreshold ?? 16;
  const sets: string[] = [];
  const chains: Record<ChainName, string[]> = { input: [], output: [], forward: [], published: [] };
  const rules: CompiledRule[] = [];

  for (const r of normalised) {
    const variants = familyVariants(r);
    if (variants.length === 0) {
      rep.report('CLA6007', ['rules', r.index], { rule: r.name, reason: neverReason(r) });
      continue;
    }
    const setBase = r.name;
    let portRef: string | undefined;
    if (r.ports.length > 1) {
      const setName = `ports-${setBase}`;
      sets.push(renderSet(setName, 'inet_service', r.ports.map(fmtPortRange), r.ports.some(([a, b]) => a !== b)));
      portRef = '@' + setName;
    } else if (r.ports.length === 1) {
      portRef = fmtPortRange(r.ports[0]!);
    }
    for (const v of variants) {
      const fam = v.family;
      const addrRef = (list: Cidr[], kind: 'saddr' | 'daddr'): string | undefined => {
        if (list.length === 0) return undefined;
        const items = list.map(formatCidr);
        if (items.length === 1) return items[0];
        if (items.length > threshold) {
          const setName = `${kind}${fam === 'ip' ? '4' : '6'}-${setBase}`;
          sets.push(renderSet(setName, fam === 'ip' ? 'ipv4_addr' : 'ipv6_addr', items, true));
          return '@' + setName;
        }
        return `{ ${items.join(', ')} }`;
      };
      const srcRef = addrRef(v.src, 'saddr');
      const dstRef = addrRef(v.dst, 'daddr');
      const chainsFor: ChainName[] = r.direction === 'input' && cf ? ['input', 'published'] : [r.direction];
      for (const chain of chainsFor) {
        const published = chain === 'published';
        const parts: string[] = [];
        if (r.iface) parts.push(`${r.direction === 'output' ? 'oifname' : 'iifname'} ${quote(r.iface)}`);
        if (v.anyOfFamily) parts.push(`meta nfproto ${fam === 'ip' ? 'ipv4' : 'ipv6'}`);
        if (srcRef) parts.push(`${fam} saddr ${srcRef}`);
        if (dstRef) parts.push(published ? `ct original ${fam} daddr ${dstRef}` : `${fam} daddr ${dstRef}`);
        if (r.protocol === 'tcp' || r.protocol === 'udp') {
          if (portRef) parts.push(published ? `meta l4proto ${r.protocol} ct original proto-dst ${portRef}` : `${r.protocol} dport ${portRef}`);
          else parts.push(`meta l4proto ${r.protocol}`);
        } else if (r.protocol === 'icmp') parts.push('meta l4proto icmp');
        else if (r.protocol === 'icmpv6') parts.push('meta l4proto ipv6-icmp');
        if (r.states.length) parts.push(`ct state ${r.states.join(',')}`);
        parts.push(r.action === 'reject' ? (r.protocol === 'tcp' ? 'reject with tcp reset' : 'reject') : r.action);
        parts.push(`comment ${quote(r.comment)}`);
        const text = parts.join(' ');
        chains[chain].push(text);
        const cr: CompiledRule = {
          name: r.name,
          index: r.index,
          chain,
          family: variants.length === 1 && v.src.length === 0 && v.dst.length === 0 && !v.anyOfFamily ? 'inet' : fam,
          protocol: r.protocol,
          ports: r.ports.map(([a, b]) => [a, b]),
          sources: v.src.map(formatCidr),
          destinations: v.dst.map(formatCidr),
          states: [...r.states],
          action: r.action,
          text,
        };
        if (r.iface) {
          if (r.direction === 'output') cr.oifname = r.iface;
          else cr.iifname = r.iface;
        }
        rules.push(cr);
      }
    }
  }

  if (!opts.sink && rep.errors > 0) throw new FirewallCompileError(rep.local);

  const out: string[] = [];
  out.push('# Claude.OS firewall: the table inet claude, generated from network.yaml. Do not edit;');
  out.push('# manual changes show up as drift. The first two lines make `nft -f` replace the table atomically.');
  out.push(`table ${TABLE} {}`);
  out.push(`delete table ${TABLE}`);
  out.push(`table ${TABLE} {`);
  for (const s of sets) out.push(s, '');
  const chainBlock = (name: ChainName, head: string | undefined, body: string[]): void => {
    out.push(`\tchain ${name} {`);
    if (head) out.push(`\t\t${head}`);
    for (const l of body) out.push(`\t\t${l}`);
    out.push('\t}', '');
  };
  // IPv6 neighbour discovery is IPv6's ARP (which inet tables never see): without it a drop
  // policy silently cuts every IPv6 peer off, the admin's SSH session included, and no TCP
  // rule can help. So it is the one rule Claude.OS adds itself (link-local by RFC 4861:
  // hop limit 255, never forwarded).
  const nd = 'icmpv6 type { nd-router-solicit, nd-router-advert, nd-neighbor-solicit, nd-neighbor-advert } ip6 hoplimit 255 accept comment "claude: IPv6 neighbour discovery"';
  const withNd = (body: string[]): string[] => (opts.ipv6NeighbourDiscovery === false ? body : [nd, ...body]);
  chainBlock('input', `type filter hook input priority filter; policy ${policies.input};`, withNd(chains.input));
  const fwd: string[] = [];
  if (cf) fwd.push('ct status dnat jump published comment "claude: published container ports follow the input rules"');
  fwd.push(...chains.forward);
  if (cf) {
    for (const i of cf.interfaces) fwd.push(`iifname ${quote(i)} accept comment "claude: container egress, the engine decides"`);
    for (const i of cf.interfaces) fwd.push(`oifname ${quote(i)} ct state established,related accept comment "claude: replies to containers"`);
  }
  chainBlock('forward', `type filter hook forward priority filter; policy ${policies.forward};`, fwd);
  chainBlock('output', `type filter hook output priority filter; policy ${policies.output};`, withNd(chains.output));
  if (cf) {
    chainBlock('published', undefined, [
      'ct direction reply accept comment "claude: replies of an accepted connection"',
      ...cf.interfaces.map((i) => `iifname ${quote(i)} accept comment "claude: from a container, the engine decides"`),
      ...chains.published,
      `${policies.input} comment "claude: input policy"`,
    ]);
  }
  if (out[out.length - 1] === '') out.pop();
  out.push('}', '');
  const ruleset = out.join('\n');
  const compiled: CompiledFirewall = { enabled, ruleset, hash: sha256Hex(ruleset), policies, rules, containerForwarding: !!cf, diagnostics: rep.local };
  // A drop input policy drops what the file does not accept, also the replies to this host's own
  // connections and loopback: say so (nothing is added that the file does not say, docs/firewall.md).
  if (policies.input === 'drop' && fw.default_input_policy !== undefined) {
    const dropped = hostTrafficDropped(compiled);
    if (dropped.replies) rep.report('CLA6013', ['default_input_policy'], {});
    if (dropped.loopback) rep.report('CLA6014', ['default_input_policy'], {});
  }
  return compiled;
}

function policyOf(v: string | undefined, dir: Direction, rep: Reporter): Policy {
  if (v === undefined || v === 'accept') return 'accept';
  if (v === 'drop') return 'drop';
  rep.report('CLA6011', [`default_${dir}_policy`], { direction: dir, value: String(v) });
  return 'accept';
}

function normaliseRule(r: FirewallRule, index: number, rep: Reporter): NormalisedRule | undefined {
  const errorsBefore = rep.errors;
  const name = String(r.name ?? '');
  const label = name || `#${index + 1}`;
  if (!NAME_RE.test(name)) rep.report('CLA6009', ['rules', index, 'name'], { rule: label, field: 'name', value: JSON.stringify(r.name ?? null), allowed: 'a DNS-label-like name: lowercase letters, digits and -, 1-63 characters' });
  const direction = (r.direction ?? 'input') as Direction;
  if (!['input', 'output', 'forward'].includes(direction)) rep.report('CLA6009', ['rules', index, 'direction'], { rule: label, field: 'direction', value: String(direction), allowed: 'direction is input, output or forward' });
  const protocol = (r.protocol ?? 'all') as Protocol;
  if (!['tcp', 'udp', 'icmp', 'icmpv6', 'all'].includes(protocol)) rep.report('CLA6009', ['rules', index, 'protocol'], { rule: label, field: 'protocol', value: String(protocol), allowed: 'protocol is tcp, udp, icmp, icmpv6 or all' });
  const action = r.action as Action;
  if (!['accept', 'drop', 'reject'].includes(action)) rep.report('CLA6009', ['rules', index, 'action'], { rule: label, field: 'action', value: String(action), allowed: 'action is accept, drop or reject' });

  const ports: [number, number][] = [];
  if (r.port !== undefined) {
    const list = Array.isArray(r.port) ? r.port : [r.port];
    list.forEach((p, j) => {
      const path = Array.isArray(r.port) ? ['rules', index, 'port', j] : ['rules', index, 'port'];
      const pr = parsePort(p);
      if (!pr) rep.report('CLA6002', path, { rule: label, value: JSON.stringify(p) });
      else ports.push(pr);
    });
    if (protocol !== 'tcp' && protocol !== 'udp') rep.report('CLA6003', ['rules', index, 'port'], { rule: label, protocol });
  }
  const addrs = (field: 'source' | 'destination'): Cidr[] => {
    const v = r[field];
    if (v === undefined) return [];
    const list = Array.isArray(v) ? v : [v];
    const out: Cidr[] = [];
    list.forEach((s, j) => {
      const path = Array.isArray(v) ? ['rules', index, field, j] : ['rules', index, field];
      const c = typeof s === 'string' ? parseCidr(s.trim()) : undefined;
      if (!c) {
        rep.report('CLA6001', path, { rule: label, field, value: JSON.stringify(s) });
        return;
      }
      if (c.hostBitsSet) rep.report('CLA6008', path, { rule: label, value: String(s), normalised: formatCidr(c) });
      out.push({ family: c.family, addr: c.addr, prefix: c.prefix });
    });
    const norm = normaliseCidrs(out);
    // 0.0.0.0/0 together with ::/0 is "anywhere": no address match at all.
    if (norm.some((c) => c.family === 4 && c.prefix === 0) && norm.some((c) => c.family === 6 && c.prefix === 0)) return [];
    return norm;
  };
  const src = addrs('source');
  const dst = addrs('destination');
  let iface: string | undefined;
  if (r.interface !== undefined) {
    if (typeof r.interface !== 'string' || !IFACE_RE.test(r.interface)) rep.report('CLA6006', ['rules', index, 'interface'], { rule: label, value: JSON.stringify(r.interface) });
    else iface = r.interface;
  }
  const states: CtState[] = [];
  if (r.state !== undefined) {
    for (const raw of String(r.state).split(',')) {
      const s = raw.trim().toLowerCase();
      if (!STATES.includes(s as CtState)) rep.report('CLA6004', ['rules', index, 'state'], { rule: label, value: JSON.stringify(raw.trim()) });
      else if (!states.includes(s as CtState)) states.push(s as CtState);
    }
    states.sort((a, b) => STATES.indexOf(a) - STATES.indexOf(b));
  }
  if (rep.errors > errorsBefore) return undefined;
  return {
    spec: r,
    index,
    name,
    direction,
    protocol,
    ports: mergePorts(ports),
    src,
    dst,
    ...(iface ? { iface } : {}),
    states,
    action,
    comment: commentText(name, r.comment),
  };
}

function parsePort(p: unknown): [number, number] | undefined {
  const one = (s: string): number | undefined => (/^\d{1,5}$/.test(s) && Number(s) >= 1 && Number(s) <= 65535 ? Number(s) : undefined);
  if (typeof p === 'number') return Number.isInteger(p) && p >= 1 && p <= 65535 ? [p, p] : undefined;
  if (typeof p !== 'string') return undefined;
  const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(p);
  if (!m) return undefined;
  const a = one(m[1]!);
  const b = m[2] === undefined ? a : one(m[2]);
  if (a === undefined || b === undefined || b < a) return undefined;
  return [a, b];
}

function mergePorts(list: [number, number][]): [number, number][] {
  const sorted = [...list].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const out: [number, number][] = [];
  for (const [a, b] of sorted) {
    const last = out[out.length - 1];
    if (last && a <= last[1] + 1) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

function fmtPortRange([a, b]: [number, number]): string {
  return a === b ? String(a) : `${a}-${b}`;
}

interface Variant {
  family: 'ip' | 'ip6';
  src: Cidr[];
  dst: Cidr[];
  /** The rule's addresses are all /0 of this family: match the family only. */
  anyOfFamily: boolean;
}

/**
 * The per-family copies of a rule: a rule whose addresses mix IPv4 and IPv6 becomes two nft
 * rules. A rule without addresses gets one `inet` copy (represented as family 'ip' with no
 * addresses and later marked `inet`). Returns [] when the rule can never match.
 */
function familyVariants(r: NormalisedRule): Variant[] {
  const fixed: IpFamily | undefined = r.protocol === 'icmp' ? 4 : r.protocol === 'icmpv6' ? 6 : undefined;
  if (r.src.length === 0 && r.dst.length === 0) {
    // `meta l4proto icmp` already implies the family; no address match needed.
    return [{ family: fixed === 6 ? 'ip6' : 'ip', src: [], dst: [], anyOfFamily: false }];
  }
  const out: Variant[] = [];
  for (const f of [4, 6] as const) {
    if (fixed && fixed !== f) continue;
    const s = r.src.filter((c) => c.family === f);
    const d = r.dst.filter((c) => c.family === f);
    if (r.src.length && !s.length) continue;
    if (r.dst.length && !d.length) continue;
    const isAll = (l: Cidr[]): boolean => l.length === 1 && l[0]!.prefix === 0;
    const sAll = isAll(s);
    const dAll = isAll(d);
    out.push({
      family: f === 4 ? 'ip' : 'ip6',
      src: sAll ? [] : s,
      dst: dAll ? [] : d,
      anyOfFamily: (sAll || s.length === 0) && (dAll || d.length === 0),
    });
  }
  return out;
}

function neverReason(r: NormalisedRule): string {
  if (r.protocol === 'icmp') return 'protocol icmp is IPv4 only but its addresses are IPv6';
  if (r.protocol === 'icmpv6') return 'protocol icmpv6 is IPv6 only but its addresses are IPv4';
  return 'its source and destination are of different IP families';
}

function renderSet(name: string, type: string, items: string[], interval: boolean): string {
  const lines = [`\tset ${name} {`, `\t\ttype ${type}`];
  if (interval) lines.push('\t\tflags interval');
  const chunks: string[] = [];
  for (let i = 0; i < items.length; i += 8) chunks.push(items.slice(i, i + 8).join(', '));
  lines.push(`\t\telements = { ${chunks.join(',\n\t\t\t     ')} }`);
  lines.push('\t}');
  return lines.join('\n');
}

/** nft strings cannot hold `"` or `\`; comments are limited to 128 bytes. */
function commentText(name: string, comment: string | undefined): string {
  let s = comment ? `${name}: ${comment}` : name;
  s = s.replace(/"/g, "'").replace(/[\u0000-\u001f\u007f\\]/g, ' ');
  while (Buffer.byteLength(s, 'utf8') > 127) s = s.slice(0, -1);
  return s;
}

function quote(s: string): string {
  return `"${s}"`;
}

// ── evaluation (lock-out proof, exposure map) ─────────────────────────────────────────

/** A packet as the evaluator sees it. Unknown fields are evaluated worst-case. */
export interface EvalPacket {
  chain: Direction | 'published';
  protocol: 'tcp' | 'udp' | 'icmp' | 'icmpv6';
  src?: string;
  dst?: string;
  dport?: number;
  /** Incoming interface (input/forward), outgoing (output). Unknown: undefined. */
  iif?: string;
  oif?: string;
  /** Known not to arrive on the loopback interface (the interface is otherwise unknown). */
  notLoopback?: boolean;
  state: CtState;
}

export interface EvalResult {
  verdict: Action;
  /** Rule name, or `policy`. */
  by: string;
  /** What was assumed about unknown fields (worst case: accept rules do not match, drop rules do). */
  assumptions: string[];
}

type Tri = 'yes' | 'no' | 'maybe';

function ifaceMatches(pattern: string, name: string): boolean {
  return pattern.endsWith('*') ? name.startsWith(pattern.slice(0, -1)) : pattern === name;
}

function matchRule(r: CompiledRule, p: EvalPacket): { m: Tri; why: string[] } {
  const why: string[] = [];
  let m: Tri = 'yes';
  const and = (t: Tri, reason?: string): void => {
    if (t === 'no') m = 'no';
    else if (t === 'maybe' && m === 'yes') {
      m = 'maybe';
      if (reason) why.push(reason);
    } else if (t === 'maybe' && reason) why.push(reason);
  };
  const pf = packetFamily(p);
  if (r.family !== 'inet') {
    const want = r.family === 'ip' ? 4 : 6;
    and(pf === undefined ? 'maybe' : pf === want ? 'yes' : 'no', 'address family unknown');
  }
  if (r.protocol !== 'all') and(r.protocol === p.protocol ? 'yes' : 'no');
  if (r.ports.length) {
    if (p.protocol !== 'tcp' && p.protocol !== 'udp') and('no');
    else if (p.dport === undefined) and('maybe', 'port unknown');
    else and(r.ports.some(([a, b]) => p.dport! >= a && p.dport! <= b) ? 'yes' : 'no');
  }
  const addrMatch = (list: string[], addr: string | undefined, what: string): void => {
    if (!list.length) return;
    if (addr === undefined) return and('maybe', `${what} address unknown`);
    const a = parseAddress(addr);
    if (!a) return and('maybe', `${what} address unreadable`);
    and(list.some((c) => { const pc = parseCidr(c); return !!pc && cidrContains(pc, a.family, a.addr); }) ? 'yes' : 'no');
  };
  addrMatch(r.sources, p.src, 'source');
  addrMatch(r.destinations, p.dst, 'destination');
  const ifPattern = r.iifname ?? r.oifname;
  if (ifPattern) {
    const name = r.oifname ? p.oif : p.iif;
    if (name !== undefined) and(ifaceMatches(ifPattern, name) ? 'yes' : 'no');
    else if (p.notLoopback && ifPattern === 'lo') and('no');
    else and('maybe', `interface unknown (rule needs ${ifPattern})`);
  }
  if (r.states.length) and(r.states.includes(p.state) ? 'yes' : 'no');
  return { m, why };
}

function packetFamily(p: EvalPacket): IpFamily | undefined {
  if (p.protocol === 'icmp') return 4;
  if (p.protocol === 'icmpv6') return 6;
  const a = (p.src && parseAddress(p.src)) || (p.dst && parseAddress(p.dst));
  return a ? a.family : undefined;
}

/**
 * First-match evaluation of one chain (the kernel's semantics for a single base chain),
 * ending in the chain's policy. Unknown packet fields are resolved worst-case.
 */
/**
 * What the table does to this host's own traffic: the replies to the connections it makes
 * (`replies`) and a connection to itself over loopback to `port` (`loopback`, as the observer's
 * probes of published ports go), each true when not accepted. CLA6013/CLA6014 and the
 * troubleshooting fix for a port that does not answer (compiler/diagnose/fix.ts) read it.
 */
export function hostTrafficDropped(fw: CompiledFirewall, port = 5432): { replies: boolean; loopback: boolean } {
  return {
    replies: evaluate(fw, { chain: 'input', protocol: 'tcp', src: '192.0.2.1', dst: '192.0.2.2', dport: 40000, notLoopback: true, state: 'established' }).verdict !== 'accept',
    loopback: evaluate(fw, { chain: 'input', protocol: 'tcp', src: '127.0.0.1', dst: '127.0.0.1', dport: port, iif: 'lo', state: 'new' }).verdict !== 'accept',
  };
}

export function evaluate(fw: CompiledFirewall, p: EvalPacket): EvalResult {
  const assumptions: string[] = [];
  if (!fw.enabled) return { verdict: 'accept', by: 'disabled', assumptions };
  for (const r of fw.rules) {
    if (r.chain !== p.chain) continue;
    const { m, why } = matchRule(r, p);
    if (m === 'no') continue;
    if (m === 'yes') return { verdict: r.action, by: r.name, assumptions };
    if (r.action === 'accept') {
      assumptions.push(`assumed rule ${r.name} does not match (${why.join(', ')})`);
      continue;
    }
    assumptions.push(`assumed rule ${r.name} matches (${why.join(', ')})`);
    return { verdict: r.action, by: r.name, assumptions };
  }
  const pol = p.chain === 'published' ? fw.policies.input : fw.policies[p.chain];
  return { verdict: pol, by: 'policy', assumptions };
}

// ── lock-out proof ─────────────────────────────────────────────────────────────────────

export interface LockoutContext {
  /** `SSH_CONNECTION`: "clientip clientport serverip serverport". */
  sshConnection?: string;
  /** `SSH_CLIENT`: "clientip clientport serverport" (used when SSH_CONNECTION is absent). */
  sshClient?: string;
  /** The Claude.OS API port: must stay reachable from the admin (or from loopback when local). */
  apiPort?: number;
}

export interface LockoutResult {
  ok: boolean;
  problems: string[];
  notes: string[];
  /**
   * The admin's side the proof checked: their address and the ports they come in on (the
   * SSH server port, the API port). A forced change is confirmed by a new connection from
   * there (runtime/firewall-backend.ts); absent when the proof knows no admin address.
   */
  admin?: { address: string; ports: number[] };
}

/**
 * Proves, before planning, that the new ruleset keeps the admin's way in: the current SSH
 * connection (established), a new SSH connection from the same address, the replies on the
 * output chain, and the API port. Rules are evaluated first-match with the policies; what
 * the environment does not tell (the interface, the server address with SSH_CLIENT) is
 * resolved worst-case, and said so in the notes.
 */
export function checkLockout(spec: FirewallSpec | CompiledFirewall | undefined, ctx: LockoutContext, opts: FirewallCompileOptions = {}): LockoutResult {
  const fw = isCompiled(spec) ? spec : compileFirewall(spec, opts);
  const problems: string[] = [];
  const notes: string[] = [];
  if (!fw.enabled) {
    notes.push('Firewall disabled: the table inet claude is removed and Claude.OS filters nothing');
    return { ok: true, problems, notes };
  }
  let client: { ip: string; port: number; serverIp?: string; serverPort: number } | undefined;
  if (ctx.sshConnection?.trim()) {
    const f = ctx.sshConnection.trim().split(/\s+/);
    if (f.length === 4 && parseAddress(f[0]!) && parseAddress(f[2]!) && isPort(f[1]!) && isPort(f[3]!)) {
      client = { ip: f[0]!, port: Number(f[1]), serverIp: f[2]!, serverPort: Number(f[3]) };
    } else notes.push(`SSH_CONNECTION ${JSON.stringify(ctx.sshConnection)} is not "clientip clientport serverip serverport"; ignored`);
  }
  if (!client && ctx.sshClient?.trim()) {
    const f = ctx.sshClient.trim().split(/\s+/);
    if (f.length === 3 && parseAddress(f[0]!) && isPort(f[1]!) && isPort(f[2]!)) {
      client = { ip: f[0]!, port: Number(f[1]), serverPort: Number(f[2]) };
      notes.push('SSH_CLIENT does not name the server address; rules with a destination are assumed against you');
    } else notes.push(`SSH_CLIENT ${JSON.stringify(ctx.sshClient)} is not "clientip clientport serverport"; ignored`);
  }

  const check = (what: string, from: string, to: string | undefined, port: number, clientPort: number | undefined, local: boolean): boolean => {
    const base = { protocol: 'tcp' as const };
    const loopback = local || isLoopback(from);
    const inbound = (state: CtState): EvalPacket => ({
      ...base,
      chain: 'input',
      src: from,
      ...(to ? { dst: to } : {}),
      dport: port,
      state,
      ...(loopback ? { iif: 'lo' } : to === from ? {} : { notLoopback: true }),
    });
    const outbound: EvalPacket = {
      ...base,
      chain: 'output',
      ...(to ? { src: to } : {}),
      dst: from,
      ...(clientPort !== undefined ? { dport: clientPort } : {}),
      state: 'established',
      ...(loopback ? { oif: 'lo' } : to === from ? {} : { notLoopback: true }),
    };
    const est = evaluate(fw, inbound('established'));
    const neu = evaluate(fw, inbound('new'));
    const rep = evaluate(fw, outbound);
    let ok = true;
    const by = (r: EvalResult): string => (r.by === 'policy' ? 'the default policy' : `rule ${r.by}`);
    for (const a of [...est.assumptions, ...neu.assumptions, ...rep.assumptions]) if (!notes.includes(a)) notes.push(a);
    if (neu.verdict !== 'accept') {
      ok = false;
      problems.push(`${what}: a new TCP connection from ${from} to port ${port} would be ${neu.verdict === 'drop' ? 'dropped' : 'rejected'} by ${by(neu)}`);
    }
    if (est.verdict !== 'accept') {
      ok = false;
      problems.push(`${what}: the established connection from ${from} to port ${port} would be ${est.verdict === 'drop' ? 'dropped' : 'rejected'} by ${by(est)}`);
    }
    if (rep.verdict !== 'accept') {
      ok = false;
      problems.push(`${what}: replies to ${from} would be ${rep.verdict === 'drop' ? 'dropped' : 'rejected'} by ${by(rep)} on the output chain`);
    }
    return ok;
  };

  if (client) {
    const ok = check('SSH', client.ip, client.serverIp, client.serverPort, client.port, false);
    if (ok) {
      notes.push(`Current connection from ${client.ip} will remain active`);
      notes.push(`New SSH connections from ${client.ip} to port ${client.serverPort} will be accepted`);
    }
  } else {
    notes.push('No SSH_CONNECTION or SSH_CLIENT: not connected over SSH, no session to protect');
  }
  if (ctx.apiPort !== undefined) {
    const from = client?.ip ?? '127.0.0.1';
    const to = client ? client.serverIp : '127.0.0.1';
    if (check('API', from, to, ctx.apiPort, undefined, !client)) notes.push(`The Claude.OS API (port ${ctx.apiPort}) stays reachable from ${from}`);
  }
  const ports = [...(client ? [client.serverPort] : []), ...(ctx.apiPort !== undefined ? [ctx.apiPort] : [])];
  const address = client?.ip ?? (ctx.apiPort !== undefined ? '127.0.0.1' : undefined);
  return { ok: problems.length === 0, problems, notes, ...(address && ports.length ? { admin: { address, ports: [...new Set(ports)] } } : {}) };
}

/**
 * Reports lock-out problems: CLA6010 errors (the plan is refused), or CLA6012 warnings when
 * the admin passed `--i-know-what-i-am-doing` (`force`).
 */
export function reportLockout(result: LockoutResult, sink: DiagnosticSink, file = 'network.yaml', force = false): void {
  for (const p of result.problems) sink.report(force ? 'CLA6012' : 'CLA6010', { file, line: 0, column: 0 }, { reason: p });
}

/**
 * The compile-time gate `claude plan` runs before planning a firewall change: reads
 * `SSH_CONNECTION` / `SSH_CLIENT` from the environment it is given, checks the new
 * firewall, and reports CLA6010 (or CLA6012 with `force`). Returns the result; its notes
 * ("Current connection from 10.0.1.50 will remain active") belong in the plan display.
 */
export function lockoutGate(
  firewall: FirewallSpec | CompiledFirewall | undefined,
  env: Record<string, string | undefined>,
  opts: { sink: DiagnosticSink; apiPort?: number; force?: boolean; file?: string },
): LockoutResult {
  const ctx: LockoutContext = {};
  if (env.SSH_CONNECTION) ctx.sshConnection = env.SSH_CONNECTION;
  if (env.SSH_CLIENT) ctx.sshClient = env.SSH_CLIENT;
  if (opts.apiPort !== undefined) ctx.apiPort = opts.apiPort;
  const result = checkLockout(firewall, ctx);
  reportLockout(result, opts.sink, opts.file ?? 'network.yaml', opts.force === true);
  return result;
}

function isCompiled(x: unknown): x is CompiledFirewall {
  return !!x && typeof x === 'object' && typeof (x as CompiledFirewall).ruleset === 'string' && Array.isArray((x as CompiledFirewall).rules);
}

function isPort(s: string): boolean {
  return /^\d{1,5}$/.test(s) && Number(s) >= 1 && Number(s) <= 65535;
}

function isLoopback(ip: string): boolean {
  const a = parseAddress(ip);
  if (!a) return false;
  return a.family === 4 ? a.addr >> 24n === 127n : a.addr === 1n;
}

// ── exposure map ───────────────────────────────────────────────────────────────────────

export interface PublishedPort {
  service: string;
  hostPort: number;
  protocol: 'tcp' | 'udp';
  /** The host address the port is published on; absent, `0.0.0.0` or `::` = all. */
  hostIp?: string;
}

export interface Exposure {
  service: string;
  port: number;
  protocol: 'tcp' | 'udp';
  /** Source prefixes that can open a connection, or `anywhere`, or `nowhere`. Conditional entries read "10.0.0.0/8 (only via eth0)". */
  allowedFrom: string[];
  note?: string;
}

/**
 * For each published container port: from where a new connection gets through. Published
 * ports are DNAT'ed by Docker and bypass the input chain; with container forwarding handled
 * (the default) the `published` chain applies the input rules to them, so the answer is the
 * input rules' answer. Without it they are exposed to anywhere, and the map says so.
 */
export function exposureMap(firewall: FirewallSpec | CompiledFirewall | undefined, published: readonly PublishedPort[], opts: FirewallCompileOptions = {}): Exposure[] {
  const fw = isCompiled(firewall) ? firewall : compileFirewall(firewall, opts);
  const out = published.map((p): Exposure => {
    // keys in sorted order: the plan's display holds these, and signing writes them as they are (plan/canonical.ts)
    const at = (allowedFrom: string[], note?: string): Exposure =>
      note === undefined ? { allowedFrom, port: p.hostPort, protocol: p.protocol, service: p.service } : { allowedFrom, note, port: p.hostPort, protocol: p.protocol, service: p.service };
    const hip = p.hostIp && p.hostIp !== '0.0.0.0' && p.hostIp !== '::' ? p.hostIp : undefined;
    if (hip && isLoopback(hip)) return at(['nowhere'], `published on ${hip}: reachable from this host only`);
    if (!fw.enabled) return at(['anywhere'], 'firewall disabled');
    if (!fw.containerForwarding) return at(['anywhere'], 'published ports bypass the input rules (container forwarding handling is off)');
    const hipAddr = hip ? parseAddress(hip) : undefined;
    const families: IpFamily[] = hipAddr ? [hipAddr.family] : [4, 6];
    let remaining: Interval[] = families.map(fullInterval);
    let allowed: Interval[] = [];
    const conditional: string[] = [];
    for (const r of fw.rules) {
      if (r.chain !== 'published') continue;
      if (r.protocol !== 'all' && r.protocol !== p.protocol) continue;
      if (r.ports.length && !r.ports.some(([a, b]) => p.hostPort >= a && p.hostPort <= b)) continue;
      if (r.states.length && !r.states.includes('new')) continue;
      if (r.iifname === 'lo') continue;
      const conds: string[] = [];
      if (r.destinations.length) {
        if (hipAddr) {
          if (!r.destinations.some((c) => { const pc = parseCidr(c); return !!pc && cidrContains(pc, hipAddr.family, hipAddr.addr); })) continue;
        } else conds.push(`to ${r.destinations.join(', ')}`);
      }
      if (r.iifname) conds.push(`via ${r.iifname}`);
      const space: Interval[] = r.sources.length
        ? r.sources.map((c) => cidrToInterval(parseCidr(c)!))
        : r.family === 'inet'
          ? [fullInterval(4), fullInterval(6)]
          : [fullInterval(r.family === 'ip' ? 4 : 6)];
      if (conds.length) {
        if (r.action === 'accept') {
          const hit = intersectIntervals(remaining, space);
          for (const d of describe(hit, families)) conditional.push(`${d} (only ${conds.join(', ')})`);
        }
        continue;
      }
      if (r.action === 'accept') allowed = mergeIntervals([...allowed, ...intersectIntervals(remaining, space)]);
      remaining = subtractIntervals(remaining, space);
    }
    if (fw.policies.input === 'accept') allowed = mergeIntervals([...allowed, ...remaining]);
    const from: string[] = [];
    if (allowed.length) from.push(...describe(allowed, families));
    from.push(...conditional);
    return at(from.length ? from : ['nowhere']);
  });
  return out.sort((a, b) => (a.service < b.service ? -1 : a.service > b.service ? 1 : 0) || a.port - b.port || (a.protocol < b.protocol ? -1 : a.protocol > b.protocol ? 1 : 0));
}

/** `anywhere` when the intervals cover every family considered, else the CIDR list. */
function describe(iv: Interval[], families: IpFamily[]): string[] {
  const merged = mergeIntervals(iv);
  if (!merged.length) return [];
  const full = families.every((f) => merged.some((x) => x.family === f && x.lo === 0n && x.hi === fullInterval(f).hi));
  if (full) return ['anywhere'];
  return intervalsToCidrs(merged).map((c) => (c.prefix === 0 ? (c.family === 4 ? '0.0.0.0/0' : '::/0') : formatCidr(c)));
}
