/**
 * Round 37 (issue 22: "every clause either fills a frame or is reported back; nothing is ever
 * dropped without a word"): the slots a reading left out, found and filled.
 *
 * The readers are regular expressions fitted to the shapes people have typed; on a shape they
 * have not seen they often read most of a request and drop one slot of it: "mariadb on the db
 * network with 1g ram, port 3306" gets mariadb with its memory and port but on no network; "spin
 * up 3 nginx replicas" one nginx; "run … as reports but keep it stopped" a running service. After
 * the reading, a slot finder (the trained tagger of tagger.ts, and a small lexical finder beside
 * it) lists the slots the request says: a network, replicas, memory, cpu, a host port, a
 * command, a dependency, a stopped state. Each one is given to the service it is said of (the
 * one service the reading added or changed, or the nearest one named before it in its sentence)
 * and compared with what the reading wrote. A slot the reading already holds is left alone, and
 * so is every value the reading set differently (the readers are precise where they read).
 *
 * A slot the reading left out is said again in the engine's own words ("put mariadb on the
 * network db", "scale nginx to 3 replicas") and read by the engine itself on top of the reading's
 * state, so the network is declared, a dependency's network joined and every guard applied as
 * for any request. That second reading may change nothing but the service the slot is for (and a
 * dependency's networks); otherwise, or when it is refused or asks back, the slot is not filled
 * and the reply says so: "Not done: …".
 */
import { parse as parseYaml } from 'yaml';
import type { EngineInput } from './engine.js';
import { findCpu, findSizes, parseNumberWord, sizeToBytes } from './nlu.js';
import type { Proposal, StateFiles } from '../provider.js';
import { tagSlots } from './tagger.js';

export type FillKind = 'port' | 'mem' | 'cpu' | 'replicas' | 'net' | 'cmd' | 'dep' | 'stopped';

/** A slot said in a request: its kind, the words that say it and where (char offsets). */
export interface Slot {
  kind: string;
  text: string;
  start: number;
  end: number;
}

interface Svc {
  name: string;
  image?: string;
  ports?: { host?: number; container?: number }[];
  replicas?: number;
  state?: string;
  command?: string | string[];
  networks?: string[];
  depends_on?: string[];
  resources?: { memory?: string; cpu?: string | number };
}

function servicesOf(files: StateFiles): Svc[] {
  try {
    const doc = parseYaml(files['services.yaml'] ?? '') as { spec?: { services?: Svc[] } } | null;
    return (doc?.spec?.services ?? []).filter((s) => s && typeof s.name === 'string');
  } catch {
    return [];
  }
}

const NUMBER_WORD = String.raw`(?:\d{1,3}|two|three|four|five|six|seven|eight|nine|ten|twelve)`;
/** Words that name no network of their own ("the host network", "a private network called internal"). */
const NOT_A_NETWORK = /^(?:host|same|a|an|the|this|that|its|their|new|one|separate|own|other|default|bridge|none|private|internal|shared|dedicated|docker|isolated|backend|frontend|local|office|home|corporate|company|public|vpn|lan|wan|my|our|your)$/;
const NETWORK_NAME_OK = /^(?:internal|backend|frontend)$/;

/**
 * The lexical slot finder: the few forms each slot is said in, written once (the tagger of
 * tagger.ts learns the rest from the eval corpus). Every span is a slot's value.
 */
export function lexicalSlots(message: string): Slot[] {
  const out: Slot[] = [];
  const t = message;
  const push = (kind: FillKind, m: RegExpExecArray | RegExpMatchArray, group = 1): void => {
    const text = m[group];
    if (text === undefined || m.index === undefined) return;
    const start = m.index + m[0].indexOf(text);
    out.push({ kind, text, start, end: start + text.length });
  };
  // A network: "on the db network", "network called internal", "in the backend network", "network: db".
  for (const m of t.matchAll(/\b(?:on|to|in|into|onto|join|joins|attach(?:ed)?\s+to|connect(?:ed)?\s+to)\s+(?:the|a|an|its|their|our)?\s*(?:(?:private|internal|separate|shared|new|own|dedicated|isolated|docker|user-defined)\s+)*(?:docker\s+)?network\s+(?:called|named|=|:)?\s*["'`“]?([a-z][\w-]{0,30})/gi)) {
    if (!NOT_A_NETWORK.test(m[1]!.toLowerCase()) || NETWORK_NAME_OK.test(m[1]!.toLowerCase())) push('net', m);
  }
  for (const m of t.matchAll(/\b(?:on|to|in|into|onto|join|joins)\s+(?:the|a|an|its|their)\s+(?:own\s+)?["'`“]?([a-z][\w-]{0,30})["'`”]?\s+network\b(?!\s+(?:called|named)\b)/gi)) {
    if (!NOT_A_NETWORK.test(m[1]!.toLowerCase()) || NETWORK_NAME_OK.test(m[1]!.toLowerCase())) push('net', m);
  }
  for (const m of t.matchAll(/\bnetworks?\s*[:=]\s*["'`]?([a-z][\w-]{0,30})/gi)) push('net', m);
  // Replicas: "3 replicas", "three nginx instances", "replicas: 3", "scale it to 4".
  for (const m of t.matchAll(new RegExp(String.raw`\b(${NUMBER_WORD})\s+(?:[a-z][\w.-]*\s+)?(?:replicas?|instances?|copies)\b`, 'gi'))) push('replicas', m);
  for (const m of t.matchAll(new RegExp(String.raw`\breplicas?\s*(?:[:=]|of|to|at)\s*(${NUMBER_WORD})\b`, 'gi'))) push('replicas', m);
  // A stopped state: "keep it stopped", "added stopped", "don't start it yet".
  for (const m of t.matchAll(/\b(?:keep|leave|have)\s+(?:it|them|that|this)\s+(stopped|switched\s+off|turned\s+off)\b|\b(?:but|and)\s+(?:don'?t|do\s+not)\s+(start)\s+it\b|\b(?:create|add|define|set\s+up)(?:ed)?\s+(?:it\s+)?(?:but\s+)?(stopped)\b|\bin\s+(?:a|the)\s+(stopped)\s+state\b/gi)) {
    const g = [1, 2, 3, 4].find((i) => m[i] !== undefined);
    if (g !== undefined) push('stopped', m, g);
  }
  // A command: "command: X", "with the command `X`", "should start with redis-server --appendonly yes".
  for (const m of t.matchAll(/\b(?:command|cmd|entry\s?command)\s*(?:[:=]|is|of|to|should\s+be)?\s*`([^`\n]{1,200})`/gi)) push('cmd', m);
  // Round 38: in single or double quotes too, when the quoted text is a program with a flag ("with the
  // command 'redis-server --appendonly yes'"): the retrained tagger stopped finding it (CI ci-38a).
  for (const m of t.matchAll(/\b(?:command|cmd|entry\s?command)\s*(?:[:=]|is|of|to|should\s+be)?\s*(?:'([a-z][\w.-]*\s+--?[a-z][^'\n]{0,190})'|"([a-z][\w.-]*\s+--?[a-z][^"\n]{0,190})")/gi)) push('cmd', m, m[1] !== undefined ? 1 : 2);
  for (const m of t.matchAll(/\b(?:start|starts|run|runs|launch|launches|boot|boots)\s+(?:it\s+)?with\s+(?:the\s+command\s+)?([a-z][\w.-]*(?:\s+--?[a-z][\w-]*(?:[= ](?!--)[^\s,;]+)?)+)/gi)) push('cmd', m);
  // A host port: "port 8080", "on :8080", "port: 8080", "… port of prometheus. It should be 9095."
  for (const m of t.matchAll(/\bport\s*(?:[:=#]|is|of|to|at|number)?\s*:?(\d{2,5})\b(?![./:]\d)/gi)) push('port', m);
  for (const m of t.matchAll(/\bport\b[^.!?\n]{0,60}[.!?]\s+(?:it|that|the\s+(?:new\s+)?port)\s+(?:should|must|has\s+to|needs\s+to)\s+be\s+:?(\d{2,5})\b/gi)) push('port', m);
  // Memory and cpu, as nlu.ts reads them (a disk's size is no memory).
  for (const s of findSizes(t)) {
    const at = t.indexOf(s.text);
    if (at >= 0 && !notMemory(t, at, at + s.text.length)) out.push({ kind: 'mem', text: s.text, start: at, end: at + s.text.length });
  }
  const cpu = findCpu(t);
  if (cpu) {
    const at = t.toLowerCase().indexOf(cpu.text);
    if (at >= 0) out.push({ kind: 'cpu', text: t.slice(at, at + cpu.text.length), start: at, end: at + cpu.text.length });
  }
  // A dependency: "depends on X", "waits for X", "after X is up", "for the X" (adminer for the postgres), "in front of X".
  for (const m of t.matchAll(/\b(?:depends?|depending|relies|rely|relying)\s+on\s+(?:the\s+)?(?!both\b)([a-z][\w-]*)(?:\s*(?:,|and|&)\s+(?:the\s+|on\s+)?([a-z][\w-]*))?/gi)) {
    push('dep', m, 1);
    if (m[2] !== undefined) push('dep', m, 2);
  }
  for (const m of t.matchAll(/\b(?:depends?|depending|relies|rely|relying)\s+on\s+(both)(?:\s+of\s+them)?(?![\w-])/gi)) push('dep', m);
  for (const m of t.matchAll(/\b(?:waits?|waiting)\s+(?:for|on|until)\s+(?:the\s+)?([a-z][\w-]*)/gi)) push('dep', m);
  for (const m of t.matchAll(/\b(?:after|once|when)\s+(?:the\s+)?([a-z][\w-]*)\s+(?:is|are)\s+(?:up|ready|healthy|running)\b/gi)) push('dep', m);
  for (const m of t.matchAll(/\b(?:in\s+front\s+of|proxying\s+to|proxy(?:ing)?\s+for|point(?:ing|ed|s)?\s+(?:at|to)|forwarding\s+to)\s+(?:the\s+|our\s+|my\s+|that\s+)?(?:(?:existing|current|running|old)\s+)?([a-z][\w-]*)\b/gi)) push('dep', m);
  for (const m of t.matchAll(/\bfor\s+(?:the|our|my|that)\s+([a-z][\w-]*)\b/gi)) push('dep', m);
  // "shop with its own postgres", "the api and its postgres", "web with a redis cache": the data service an app is said with (round 38, fit32b).
  for (const m of t.matchAll(/\b(?:with|and)\s+(?:its|their)\s+(?:own\s+)?(?!(?:network|volume|port|domain|certificate|cert|user|disk|storage|database|db|data|config|copy)\b)([a-z][\w-]*)/gi)) push('dep', m);
  for (const m of t.matchAll(DATA_SAID_WITH)) push('dep', m);
  for (const m of t.matchAll(/\b(?:that|which)\s+uses\s+(?:the\s+)?([a-z][\w-]*)\s+as\s+(?:its\s+|a\s+)?(?:data\s?source|backend|database|db|cache|broker|queue)\b/gi)) push('dep', m);
  return out;
}

/** A size said of a disk, a volume or a backup is no memory ("4g of disk space", "a 10g volume"). */
function notMemory(t: string, start: number, end: number): boolean {
  return /^\s*(?:of\s+)?(?:disk|storage|volume|space|ssd|hdd|swap|data|backups?)\b/i.test(t.slice(end)) || /\b(?:disk|volume|storage|backups?|retain|keep|size)\b[^.;,]{0,20}$/i.test(t.slice(Math.max(0, start - 30), start));
}

/** Words that relate a service to what it needs, between the two ("shop depends on postgres", "ghost backed by mysql", "shop with its own postgres", "the api and its postgres"). */
const RELATION = /\b(?:depend\w*|need\w*|requir\w*|uses?|using|wait\w*|after|once|for|front|behind|backed|talk\w*|connect\w*|point\w*|prox\w*|forward\w*|reach\w*|reads?|writes?|pulls?|consum\w*|store\w*|via|through)\b|\b(?:with|and)\s+(?:its|their)\b|->|→/i;

/** "with a redis cache", "with an postgres database": a data service said with what it is for (round 38, fit32b). */
const DATA_SAID_WITH = /\bwith\s+an?\s+([a-z][\w-]*)\s+(?:cache|database|db|queue|broker|backend|datastore|store)\b/gi;

/** Negated where it is said: "not on port 80", "without 3 replicas", "no network db". */
function negated(message: string, start: number): boolean {
  return /\b(?:not|n't|no|never|without|instead\s+of|rather\s+than|no\s+longer|any\s+more|anymore)\b(?:\s+\S+){0,3}\s*$/i.test(message.slice(Math.max(0, start - 40), start)) || /^[^.;!?\n]{0,30}?\b(?:any\s?more|no\s+longer)\b/i.test(message.slice(start));
}

/** The sentence bounds around an offset (". ", "; ", "! ", "? ", a new line). */
function sentenceOf(message: string, at: number): [number, number] {
  let a = at;
  while (a > 0 && !/[;!?\n]/.test(message[a - 1]!) && !(message[a - 1] === '.' && /\s/.test(message[a] ?? ''))) a--;
  let b = at;
  while (b < message.length && !/[;!?\n]/.test(message[b]!) && !(message[b] === '.' && /\s|$/.test(message[b + 1] ?? ''))) b++;
  return [a, b];
}

/** Where each service of the state is named in the message: its name, or its image's name (rabbit for rabbitmq). */
function mentions(message: string, svcs: Svc[]): { name: string; at: number; end: number }[] {
  const t = message.toLowerCase();
  const out: { name: string; at: number; end: number }[] = [];
  for (const s of svcs) {
    const words = new Set([s.name.toLowerCase()]);
    const repo = (s.image ?? '').split('@')[0]!.split(':')[0]!.split('/').pop()!.toLowerCase();
    if (repo.length >= 3) words.add(repo);
    if (repo.length >= 6 && s.name.toLowerCase() === repo) words.add(repo.slice(0, Math.max(4, repo.length - 2)));
    for (const w of words) {
      const re = new RegExp(String.raw`(?<![\w./:-])${w.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')}[\w-]*`, 'g');
      for (const m of t.matchAll(re)) {
        const said = m[0];
        // "rabbit" for rabbitmq, "postgresql" for postgres: the word starts with the name or the name with it.
        if (said !== w && !s.name.toLowerCase().startsWith(said) && !(said.startsWith(w) && said.length - w.length <= 2)) continue;
        out.push({ name: s.name, at: m.index!, end: m.index! + said.length });
      }
    }
  }
  return out.sort((a, b) => a.at - b.at);
}

function serviceNamed(word: string, svcs: Svc[]): string | undefined {
  const w = word.toLowerCase();
  const exact = svcs.find((s) => s.name.toLowerCase() === w);
  if (exact) return exact.name;
  const hits = mentions(word, svcs).filter((m) => m.at === 0 && m.end === word.length).map((m) => m.name);
  const unique = [...new Set(hits)];
  return unique.length === 1 ? unique[0] : undefined;
}

function sameSvc(a: Svc | undefined, b: Svc | undefined): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

interface Wish {
  owner: string;
  kind: FillKind;
  value: string;
  said: string;
  /** The engine's own words for it. */
  request: string;
  /** Services whose networks a dependency may join. */
  alsoTouches: string[];
  /** Where it is said. */
  slot: Slot;
}

/** The value a scalar slot sets, as the service holds it. */
function held(kind: FillKind, s: Svc): unknown {
  switch (kind) {
    case 'replicas': return s.replicas;
    case 'stopped': return s.state;
    case 'cmd': return s.command;
    case 'port': return s.ports;
    case 'mem': return s.resources?.memory;
    case 'cpu': return s.resources?.cpu;
    default: return undefined;
  }
}

/**
 * The reading decided this slot itself: an existing service's value it changed, or a new
 * service's value it set from the request (a host port other than the container's, replicas, a
 * cpu, a state, memory). Such a value is never filled over.
 */
function decided(kind: FillKind, now: Svc, was: Svc | undefined): boolean {
  if (kind === 'net' || kind === 'dep') return false;
  if (was) return JSON.stringify(held(kind, now)) !== JSON.stringify(held(kind, was));
  if (kind === 'port') return (now.ports ?? []).some((p) => p.host !== undefined && p.host !== p.container);
  if (kind === 'mem') return false;
  return held(kind, now) !== undefined;
}

function missing(kind: FillKind, slot: Slot, owner: Svc, svcs: Svc[], message: string, others: string[]): Wish | undefined {
  const said = slot.text.trim();
  const base = { owner: owner.name, kind, said, alsoTouches: [] as string[], slot };
  switch (kind) {
    case 'net': {
      const net = said.toLowerCase().replace(/^["'`“]|["'`”]$/g, '');
      if (!/^[a-z][a-z0-9-]{0,30}$/.test(net) || svcs.some((s) => s.name === net) || (owner.networks ?? []).includes(net)) return undefined;
      return { ...base, value: net, request: `put ${owner.name} on the network ${net}` };
    }
    case 'replicas': {
      const n = parseNumberWord(said);
      if (n === undefined || !Number.isInteger(n) || n < 2 || n > 50 || (owner.replicas ?? 1) === n) return undefined;
      return { ...base, value: String(n), request: `scale ${owner.name} to ${n} replicas` };
    }
    case 'stopped':
      if (owner.state === 'stopped') return undefined;
      return { ...base, value: 'stopped', request: `stop ${owner.name}` };
    case 'cmd': {
      const cmd = said.replace(/^`|`$/g, '').trim();
      const now = Array.isArray(owner.command) ? owner.command.join(' ') : owner.command;
      if (!cmd || now !== undefined) return undefined;
      return { ...base, value: cmd, request: `set the ${owner.name} command to \`${cmd}\`` };
    }
    case 'port': {
      const n = Number(said.replace(/\D/g, ''));
      if (!Number.isInteger(n) || n < 1 || n > 65535) return undefined;
      const ports = owner.ports ?? [];
      if (ports.some((p) => p.host === n || p.container === n) || ports.length !== 1 || (owner.replicas ?? 1) > 1) return undefined;
      // A port another service of the request publishes is that one's ("app IMAGE on 8080 with a redis cache"; round 38, fit32b).
      if (svcs.some((x) => x.name !== owner.name && (x.ports ?? []).some((p) => p.host === n))) return undefined;
      return { ...base, value: String(n), request: `change the port of ${owner.name} to ${n}` };
    }
    case 'mem': {
      const size = findSizes(said)[0];
      const now = owner.resources?.memory !== undefined ? sizeToBytes(String(owner.resources.memory)) : undefined;
      if (!size || size.bytes < 4 * 1024 ** 2 || now === size.bytes) return undefined;
      return { ...base, value: size.value, request: `set the memory of ${owner.name} to ${size.value}` };
    }
    case 'cpu': {
      const cpu = findCpu(said);
      if (!cpu || String(owner.resources?.cpu ?? '') === cpu.value) return undefined;
      return { ...base, value: cpu.value, request: `give ${owner.name} ${cpu.value} cpus` };
    }
    case 'dep': {
      const dep = /^both$/i.test(said) ? undefined : serviceNamed(said, svcs);
      const deps = /^both$/i.test(said) ? (others.length === 2 ? others : []) : dep ? [dep] : [];
      const want = deps.filter((d) => d !== owner.name && !(owner.depends_on ?? []).includes(d));
      if (want.length < 1 || want.length > 2) return undefined;
      return { ...base, value: want.join(' and '), request: `${owner.name} depends on ${want.join(' and ')}`, alsoTouches: want };
    }
  }
}

/**
 * The slots a request says: the trained tagger's (tagger.ts) and the lexical finder's, a span
 * both found once. `useSlotFinder` picks one of them for the eval's side-by-side comparison
 * (bench/slot-fill.bench.ts); the engine uses both.
 */
export type SlotFinder = 'both' | 'tagger' | 'lexical' | 'none';
let finderInUse: SlotFinder = 'both';
export function useSlotFinder(f: SlotFinder): void {
  finderInUse = f;
}
export function slotsSaid(message: string): Slot[] {
  const lexical = finderInUse === 'both' || finderInUse === 'lexical' ? lexicalSlots(message) : [];
  const tagged = finderInUse === 'both' || finderInUse === 'tagger' ? tagSlots(message) : [];
  const out = [...lexical];
  for (const t of tagged) if (!out.some((l) => l.kind === t.kind && l.start < t.end && t.start < l.end)) out.push(t);
  return out.sort((a, b) => a.start - b.start);
}

let filling = false;

/** The engine's question for the parts it left out: `Not done: "PART" and "PART" (I did not understand those parts, …`. */
const UNREAD = /^Not done: (.*) \(I did not understand/;

/** The parts a question says were left out as not understood (none when it is another question). */
export function unreadParts(question: string): string[] {
  return (UNREAD.exec(question)?.[1] ?? '').match(/"[^"]*"/g)?.map((x) => x.slice(1, -1)) ?? [];
}

/**
 * The proposal with the slots its reading left out filled (each through the engine's own reading
 * of it), or as it was. `read` is the engine's reading of a request on given state files.
 */
export function fillSlots(input: EngineInput, proposal: Proposal, find: (message: string) => Slot[], read: (input: EngineInput) => Proposal): Proposal {
  // A question is only allowed when it says a part was left out as not understood: that part may be a slot.
  if (filling || proposal.refused || proposal.understood === false || (proposal.questions ?? []).some((q) => !UNREAD.test(q)) || !proposal.files['services.yaml']) return proposal;
  const before = servicesOf(input.files);
  const merged0: StateFiles = { ...input.files, ...proposal.files };
  const after = servicesOf(merged0);
  const touched = after.filter((s) => !sameSvc(s, before.find((b) => b.name === s.name))).map((s) => s.name);
  if (touched.length === 0 || touched.length > 4) return proposal;
  const message = input.message;
  const named = mentions(message, after);
  const wishes: Wish[] = [];
  const chosen: Wish[] = [];
  const conflicted = new Set<string>();
  const seen = new Set<string>();
  for (const slot of find(message)) {
    if (!(['port', 'mem', 'cpu', 'replicas', 'net', 'cmd', 'dep', 'stopped'] as string[]).includes(slot.kind)) continue;
    const kind = slot.kind as FillKind;
    if (negated(message, slot.start)) continue;
    if (kind === 'mem' && notMemory(message, slot.start, slot.end)) continue;
    // "run 4 workers": a count of another noun is no service's replicas.
    const counted = kind === 'replicas' ? /^\s+(?:([a-z][\w-]*)\s+)?([a-z][\w-]*)/i.exec(message.slice(slot.end)) : null;
    if (counted && !/^(?:replicas?|instances?|copies|containers?|nodes?)$/i.test(counted[1] ?? counted[2]!) && !/^(?:replicas?|instances?|copies|containers?|nodes?)$/i.test(counted[2]!)) continue;
    // "keep 5 copies", "retain 10 copies", "hold onto 20 copies": backups kept, no replicas (round 38, fit32b).
    if (kind === 'replicas' && /\b(?:keep(?:ing)?|retain(?:ing)?|hold(?:ing)?(?:\s+on\s*to)?|store|save)\s+(?:the\s+)?(?:last\s+)?$/i.test(message.slice(Math.max(0, slot.start - 30), slot.start))) continue;
    const [a, b] = sentenceOf(message, slot.start);
    // The service it is said of: the nearest one named before it in its sentence (a service the
    // reading did not touch there means the slot is that one's, and is left alone), else the one
    // service the reading touched, else the first touched one named after it.
    const inSentence = named.filter((m) => m.at >= a && m.end <= b && !(m.at <= slot.start && m.end >= slot.end));
    const isDep = (m: { name: string }): boolean => kind === 'dep' && serviceNamed(slot.text, after) === m.name;
    const beforeIt = inSentence.filter((m) => m.end <= slot.start && !isDep(m));
    const afterIt = inSentence.filter((m) => m.at >= slot.end && touched.includes(m.name));
    const last = beforeIt[beforeIt.length - 1];
    let owner: string | undefined;
    if (last && !touched.includes(last.name)) continue;
    if (last) owner = last.name;
    else if (touched.length === 1) owner = touched[0];
    else if (kind !== 'dep' && afterIt.length) owner = afterIt[0]!.name;
    // A network said of several services at once ("put api and postgres on a network called internal"): each of them.
    const together = [...new Set(beforeIt.filter((m) => touched.includes(m.name)).map((m) => m.name))];
    if (kind === 'net' && together.length > 1 && /\b(?:and|both|&)\b/i.test(message.slice(beforeIt.find((m) => m.name === together[0])!.at, slot.start))) {
      for (const n of together) {
        const w = missing(kind, slot, after.find((s) => s.name === n)!, after, message, []);
        if (w) wishes.push(w);
      }
      continue;
    }
    if (owner === undefined) continue;
    // A dependency is said with a word that relates the two; "shop, postgres and redis" lists three services.
    const ownerAt = last ?? named.find((m) => m.name === owner && m.end <= slot.start);
    const saidWith = [...message.matchAll(DATA_SAID_WITH)].some((m) => m.index + m[0].indexOf(m[1]!, 6) === slot.start);
    if (kind === 'dep' && !/^both$/i.test(slot.text) && ownerAt && !RELATION.test(message.slice(ownerAt.end, slot.start)) && !saidWith) continue;
    const svc = after.find((s) => s.name === owner)!;
    // A stopped state is filled only on a service this request adds ("… but keep it stopped"):
    // stopping one that runs is a verb the readers read ("stop and start nginx" is a restart).
    if (kind === 'stopped' && before.some((b) => b.name === owner)) continue;
    if (kind === 'dep' && serviceNamed(slot.text, after) === owner) continue;
    const others = [...new Set(named.filter((m) => m.name !== owner).map((m) => m.name))];
    if (decided(kind, svc, before.find((x) => x.name === owner))) {
      // Said twice ("8080 -> 8000", "from half a cpu to 1.5"): the reading's value stands.
      conflicted.add(`${owner}|${kind}`);
      continue;
    }
    const w = missing(kind, slot, svc, after, message, others);
    if (w) wishes.push(w);
  }
  // One value per service and slot: a slot said twice with two values is the reading's to read.
  const values = new Map<string, Set<string>>();
  for (const w of wishes) values.set(`${w.owner}|${w.kind}`, (values.get(`${w.owner}|${w.kind}`) ?? new Set()).add(w.value));
  for (const w of wishes) {
    const key = `${w.owner}|${w.kind}`;
    if (values.get(key)!.size > 1 || conflicted.has(key) || seen.has(`${key}|${w.value}`)) continue;
    seen.add(`${key}|${w.value}`);
    chosen.push(w);
  }
  if (chosen.length === 0) return proposal;
  let files: StateFiles = merged0;
  const lines: string[] = [];
  const notDone: string[] = [];
  const filled: Wish[] = [];
  const warnings = [...(proposal.warnings ?? [])];
  const generated = [...(proposal.generatedSecrets ?? [])];
  filling = true;
  try {
    for (const w of chosen) {
      const p = read({ ...input, message: w.request, files });
      const next: StateFiles = { ...files, ...p.files };
      const ok = !p.refused && p.understood !== false && !(p.questions ?? []).length && Object.keys(p.files).length > 0 && onlyTouches(files, next, [w.owner, ...w.alsoTouches]);
      if (!ok) {
        notDone.push(`Not done: "${w.said}" (read as ${describe(w)}) could not be applied; say it on its own, e.g. "${w.request}".`);
        continue;
      }
      files = next;
      filled.push(w);
      const said = p.explanation.split('\n').filter((l) => /^\s*[+~] /.test(l));
      lines.push(...said.map((l) => `${l.replace(/^\s*/, '  ')} (from "${w.said}")`));
      warnings.push(...(p.warnings ?? []).filter((x) => !warnings.includes(x)));
      generated.push(...(p.generatedSecrets ?? []).filter((g) => !generated.some((x) => x.name === g.name)));
    }
  } finally {
    filling = false;
  }
  if (lines.length === 0 && notDone.length === 0) return proposal;
  // A part left out as not understood that holds a slot now filled is read: its "Not done" goes.
  const readSlots = filled.map((w) => w.slot);
  const questions = (proposal.questions ?? []).filter((q) => {
    const parts = unreadParts(q);
    const isRead = (part: string): boolean => {
      const at = message.indexOf(part);
      return at >= 0 && readSlots.some((r) => r.start >= at && r.end <= at + part.length);
    };
    return !(parts.length > 0 && parts.every(isRead));
  });
  const gone = (proposal.questions ?? []).filter((q) => !questions.includes(q));
  const kept = proposal.explanation.split('\n').filter((l) => !gone.includes(l.trim())).join('\n');
  const out: StateFiles = {};
  for (const [k, v] of Object.entries(files)) if (v !== undefined && v !== input.files[k as keyof StateFiles]) out[k as keyof StateFiles] = v;
  const explanation = [kept, ...(lines.length ? ['Also read in the request:', ...lines] : []), ...notDone].join('\n');
  return { ...proposal, files: out, explanation, questions, ...(warnings.length ? { warnings } : {}), ...(generated.length ? { generatedSecrets: generated } : {}) };
}

function describe(w: Wish): string {
  switch (w.kind) {
    case 'net': return `${w.owner} on the network ${w.value}`;
    case 'replicas': return `${w.value} replicas of ${w.owner}`;
    case 'stopped': return `${w.owner} kept stopped`;
    case 'cmd': return `${w.owner}'s command`;
    case 'port': return `${w.owner} on port ${w.value}`;
    case 'mem': return `${w.owner}'s memory ${w.value}`;
    case 'cpu': return `${w.owner}'s cpu ${w.value}`;
    case 'dep': return `${w.owner} waiting for ${w.value}`;
  }
}

/** The second reading changed no service but `names` (a dependency's networks aside) and no file but services.yaml. */
function onlyTouches(before: StateFiles, after: StateFiles, names: string[]): boolean {
  for (const k of Object.keys(after) as (keyof StateFiles)[]) if (k !== 'services.yaml' && after[k] !== before[k]) return false;
  const a = servicesOf(before);
  const b = servicesOf(after);
  if (a.length !== b.length) return false;
  for (const s of b) {
    const was = a.find((x) => x.name === s.name);
    if (!was) return false;
    if (names[0] === s.name) continue;
    if (names.includes(s.name)) {
      const { networks: n1, ...rest1 } = was;
      const { networks: n2, ...rest2 } = s;
      void n1;
      void n2;
      if (!sameSvc(rest1, rest2)) return false;
      continue;
    }
    if (!sameSvc(was, s)) return false;
  }
  return true;
}
