/**
 * The slot tagger's training corpus (tagger.ts): every ordinary request of the eval sets in
 * fixtures/intent-eval/*.yaml (and every turn of a `turns` case) that has `expect` checks, its
 * tokens labelled in BIO form from those checks: a token is labelled with a kind when its text
 * says a checked value (docs/intent.md, "The slot tagger (round 37)").
 *
 *   svc       `service: NAME`, where NAME (or a product alias of it) is said
 *   port      `host_port`                 mem     `memory` (as bytes, through nlu.ts findSizes)
 *   cpu       `cpu`                       replicas  `replicas` (digits or words)
 *   net       `network`                   image   `image` (the reference, or its tag said alone)
 *   cmd       `command` (a span)          dep     a name in `depends_on` (not svc there)
 *   stopped   `state: stopped`, the word "stop"/"stopped"
 *   env       an `env` key                rport / source / proto   a firewall rule's port, source, protocol
 *   user, group   `user`, `groups`
 *
 * A value said in more than one place (a port number twice), or nowhere, leaves its tokens O;
 * a name (svc, dep, net, user, group) is labelled wherever it is said. A token two kinds claim
 * is O, except dep over svc. The request is kept either way (other slots labelled, or a
 * negative example). Dangerous requests are left out.
 *
 * Reads the eval sets' files (never imports fixtures/: a product module; only the training
 * script, the bench and the tests call it).
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { packageRoot } from '../../../common/paths.js';
import { loadAppCatalog, findAppMentions } from '../../../stdlib-templates/apps/catalog.js';
import { loadImageCatalog, normaliseImageRef, repositoryOf } from '../../../stdlib-templates/images/catalog.js';
import { findCpu, findServiceMentions, parseNumberWord, sizeToBytes } from './nlu.js';
import { LABELS, SVC_OR_DEP, SVC_OR_DEP_INSIDE, sizesAt, tokenize, type Labelled, type SlotKind, type Token } from './tagger.js';

export interface CorpusItem extends Labelled {
  /** The set's file (`heldout-30.yaml`). */
  set: string;
  /** The case's id, `#n` for a turn. */
  id: string;
}

type Obj = Record<string, unknown>;

/** The eval sets' files, in code-point order. */
export function corpusFiles(dir = join(packageRoot(), 'fixtures', 'intent-eval')): string[] {
  return readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();
}

/** The product names (lowercase single words): the app catalogue's names and aliases, the image catalogue's repositories, the stdlib templates. */
export function productNames(): string[] {
  const out = new Set<string>(['nginx', 'caddy', 'postgres', 'postgresql', 'mariadb', 'mysql', 'redis', 'prometheus', 'grafana', 'wordpress']);
  for (const app of loadAppCatalog().apps) {
    for (const a of [app.name, ...app.aliases]) {
      const w = a.toLowerCase();
      if (!/\s/.test(w)) out.add(w);
      else out.add(w.replace(/\s+/g, '-')), out.add(w.replace(/\s+/g, ''));
    }
  }
  for (const key of Object.keys(loadImageCatalog().aliases)) out.add(repositoryOf(key).split('/').pop()!.toLowerCase());
  return [...out].sort();
}

const NAME_EDGE = String.raw`[\w.:/@-]`;
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Char ranges where `word` is said as a whole word (case-insensitive). */
function said(message: string, word: string): [number, number][] {
  if (!word) return [];
  const re = new RegExp(String.raw`(?<![\w.:/@-])${escape(word)}(?![\w:/@-]|\.\w)`, 'gi');
  return [...message.matchAll(re)].map((m) => [m.index ?? 0, (m.index ?? 0) + m[0].length]);
}

/** Token index range [first, last] overlapping [start, end). */
function tokensIn(tokens: readonly Token[], start: number, end: number): [number, number] | undefined {
  const at = tokens.flatMap((t, i) => (t.start < end && t.end > start ? [i] : []));
  return at.length ? [at[0]!, at[at.length - 1]!] : undefined;
}

/** A size value as [number, unit letter] ("1536Mi" → [1536, 'M']), and its bytes read as binary. */
function sizeParts(v: unknown): { n: number; unit: string; bytes: number } | undefined {
  const m = /^([0-9]+(?:\.[0-9]+)?)(?:([kKMGTP])i?)?$/.exec(String(v ?? ''));
  if (!m) return undefined;
  const unit = (m[2] ?? '').toUpperCase();
  return { n: Number(m[1]), unit, bytes: Number(m[1]) * 1024 ** ('KMGTP'.indexOf(unit) + 1) };
}

/** The same size as the eval's check reads it (run.ts sameSizeAsSaid): same number and unit, or the same bytes in binary units. */
function sameSize(a: unknown, b: unknown): boolean {
  const x = sizeParts(a), y = sizeParts(b);
  if (!x || !y) return false;
  return (x.n === y.n && x.unit === y.unit) || (x.unit !== '' && y.unit !== '' && x.bytes === y.bytes);
}

const UNIT_BYTES: [RegExp, number][] = [
  [/^(m|mb|mib|megs?|megabytes?)$/i, 1024 ** 2],
  [/^(g|gb|gib|gigs?|gigabytes?)$/i, 1024 ** 3],
];

/** Numbers a token says: "8080", ":8080", "8080:80" (the first), "eighty", "x3", "3x". */
function tokenNumber(t: string): number | undefined {
  const m = /^:?(\d{1,6})(?::\d{1,5})?$/.exec(t) ?? /^x(\d{1,3})$/i.exec(t) ?? /^(\d{1,3})x$/i.exec(t);
  if (m) return Number(m[1]);
  const low = t.toLowerCase();
  if (['a', 'an', 'no', 'none'].includes(low)) return undefined;
  return parseNumberWord(low);
}

/** Words that say one service needs another. */
const DEPENDENCY_SAID = /\b(?:depend\w*|needs?|need(?:ing|ed)|requires?|backed|behind|front|fronting|for|uses?|using|with|wait\w*|talks?|connect\w*|prox(?:y|ies|ying)|points?|after|before|first|against|via|through|link\w*|reach\w*|plus|on top of|hooked)\b|->|→|\+/i;

let products: Set<string> | undefined;

type Span = { kind: SlotKind; first: number; last: number };

/** The labels of one request from its checks (label indices of tagger.ts LABELS, one per token; -1 where not known, -2/-3 for svc or dep). */
export function labelRequest(message: string, checks: readonly Obj[], tokens: readonly Token[] = tokenize(message)): { labels: number[]; spans: Span[] } {
  const spans: Span[] = [];
  /** Token ranges whose label is not known (-1): the model is neither told they are a slot nor that they are not. */
  const unsure: [number, number][] = [];
  /** A value: kept only when said in exactly one place; said in several, none of them is known. */
  const once = (kind: SlotKind, ranges: ([number, number] | undefined)[]) => {
    const uniq = [...new Map(ranges.filter((r): r is [number, number] => r !== undefined).map((r) => [r.join(','), r])).values()];
    if (uniq.length === 1) spans.push({ kind, first: uniq[0]![0], last: uniq[0]![1] });
    else unsure.push(...uniq);
  };
  /** A name: labelled wherever it is said. */
  const every = (kind: SlotKind, ranges: ([number, number] | undefined)[]) => {
    for (const r of ranges) if (r) spans.push({ kind, first: r[0], last: r[1] });
  };
  const chars = (rs: [number, number][]) => rs.map(([a, b]) => tokensIn(tokens, a, b));
  const numbered = (n: unknown) => tokens.flatMap((t, i): [number, number][] => (n !== undefined && tokenNumber(t.text) === Number(n) ? [[i, i]] : []));
  const serviceSaid = (name: string) => {
    const out = said(message, name);
    for (const m of findServiceMentions(message)) if (!m.generic && m.template === name) out.push([m.index, m.index + m.text.length]);
    for (const m of findAppMentions(message)) if (m.app.name === name) out.push([m.index, m.index + m.text.length]);
    return chars(out);
  };
  const list = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
  for (const e of checks) {
    if (typeof e.service === 'string') {
      every('svc', serviceSaid(e.service));
      if (e.host_port !== undefined) once('port', numbered(e.host_port));
      if (e.replicas !== undefined) once('replicas', numbered(e.replicas));
      if (e.memory !== undefined) {
        const sizes = sizesAt(message).filter((s) => sameSize(s.value, e.memory)).map((s) => tokensIn(tokens, s.start, s.end));
        // "two gigs", "half a gig": a number word before a unit (findSizes reads digits only).
        const want = sizeToBytes(String(e.memory).replace(/^(\d+(?:\.\d+)?)([KMGT])$/, '$1$2i'));
        tokens.forEach((t, i) => {
          const unit = UNIT_BYTES.find(([re]) => re.test(tokens[i + 1]?.text ?? ''));
          const half = /^half$/i.test(t.text) && /^an?$/i.test(tokens[i + 1]?.text ?? '') ? UNIT_BYTES.find(([re]) => re.test(tokens[i + 2]?.text ?? '')) : undefined;
          if (unit && !/^\d/.test(t.text) && (parseNumberWord(t.text) ?? 0) * unit[1] === want) sizes.push([i, i + 1]);
          if (half && half[1] / 2 === want) sizes.push([i, i + 2]);
        });
        once('mem', sizes);
      }
      if (e.cpu !== undefined) {
        const found: ([number, number] | undefined)[] = [];
        let text = message;
        for (let f = findCpu(text); f; f = findCpu(text)) {
          const at = text.toLowerCase().indexOf(f.text);
          if (at < 0) break;
          const same = f.value === String(e.cpu) || (f.value.endsWith('m') ? Number(f.value.slice(0, -1)) / 1000 : Number(f.value)) === Number(String(e.cpu).replace(/m$/, '')) / (String(e.cpu).endsWith('m') ? 1000 : 1);
          let r = tokensIn(tokens, at, at + f.text.length);
          // "cpu limit to 500m": the amount is the number, not the words before it.
          if (r && /^(v?cpus?|cores?|processors?)$/i.test(tokens[r[0]]!.text)) {
            const digits = tokens.slice(r[0], r[1] + 1).findIndex((t) => /\d/.test(t.text));
            r = digits < 0 ? undefined : [r[0] + digits, r[0] + digits];
          }
          if (same) found.push(r);
          text = text.slice(0, at) + ' '.repeat(f.text.length) + text.slice(at + f.text.length);
        }
        once('cpu', found);
      }
      if (typeof e.network === 'string') every('net', chars(said(message, e.network)));
      if (typeof e.image === 'string') {
        const ref = e.image;
        const r = tokens.flatMap((t, i): [number, number][] => (!t.quoted && (t.text.toLowerCase() === ref.toLowerCase() || normaliseImageRef(t.text.toLowerCase()) === normaliseImageRef(ref.toLowerCase())) ? [[i, i]] : []));
        const tag = /:([^/:]+)$/.exec(ref)?.[1];
        if (!r.length && tag && tag !== 'latest') r.push(...tokens.flatMap((t, i): [number, number][] => (t.text === tag ? [[i, i]] : [])));
        once('image', r);
      }
      if (e.command !== undefined) {
        const cmd = Array.isArray(e.command) ? e.command.join(' ') : String(e.command);
        const q = tokens.findIndex((t) => t.quoted && t.text === cmd);
        if (q >= 0) once('cmd', [[q, q]]);
        else {
          const at = message.indexOf(cmd);
          if (at >= 0 && message.indexOf(cmd, at + 1) < 0) once('cmd', [tokensIn(tokens, at, at + cmd.length)]);
        }
      }
      // A dependency the request says ("backed by", "needs", "for the", "->"); one the engine only
      // implies ("add prometheus and grafana": grafana depends on prometheus) is a service said.
      for (const d of list(e.depends_on)) if (typeof d === 'string') every(DEPENDENCY_SAID.test(message) ? 'dep' : 'svc', serviceSaid(d));
      if (e.state === 'stopped') once('stopped', tokens.flatMap((t, i): [number, number][] => (/^stop(?:ped|s|ping)?$/i.test(t.text) ? [[i, i]] : [])));
      if (e.env && typeof e.env === 'object') for (const k of Object.keys(e.env)) once('env', tokens.flatMap((t, i): [number, number][] => (t.text === k || t.text.startsWith(`${k}=`) ? [[i, i]] : [])));
    }
    // "stop redis but leave nginx alone": a service the request names to keep as it is is a service said.
    if (typeof e.unchanged === 'string') every('svc', serviceSaid(e.unchanged));
    const rulePort = e.rule_for ?? (e.rule !== undefined ? e.port : undefined);
    for (const p of list(rulePort)) once('rport', typeof p === 'number' ? numbered(p) : tokens.flatMap((t, i): [number, number][] => (t.text === String(p) ? [[i, i]] : [])));
    if (e.rule_for !== undefined || e.rule !== undefined) {
      for (const s of list(e.source)) {
        const src = String(s);
        const bare = src.replace(/\/(32|128)$/, '');
        once('source', tokens.flatMap((t, i): [number, number][] => (t.text === src || t.text === bare || (!src.includes('/') && t.text === `${src}/32`) ? [[i, i]] : [])));
      }
      if (typeof e.protocol === 'string') once('proto', tokens.flatMap((t, i): [number, number][] => (t.text.toLowerCase() === e.protocol ? [[i, i]] : [])));
    }
    if (typeof e.user === 'string') {
      every('user', chars(said(message, e.user)));
      for (const g of list(e.groups)) if (typeof g === 'string') every('group', chars(said(message, g)));
    }
  }
  // One kind per token: dep over svc; two other kinds on one token leave it O.
  const claims = tokens.map(() => new Set<SlotKind>());
  for (const s of spans) for (let i = s.first; i <= s.last; i++) claims[i]!.add(s.kind);
  for (const c of claims) if (c.has('dep')) c.delete('svc');
  const kept = spans.filter((s, k) => {
    for (let i = s.first; i <= s.last; i++) if (claims[i]!.size !== 1 || !claims[i]!.has(s.kind)) return false;
    // The same tokens twice (a name in two checks), or overlapping spans of one kind: the first.
    return !spans.slice(0, k).some((o) => o.kind === s.kind && o.first <= s.last && s.first <= o.last);
  });
  const labels = tokens.map(() => 0);
  // Not known: a value said twice, a token two kinds claim, a product named that no check is about
  // ("run busybox as sleeper", "restart nginx" checked only as understood).
  for (const m of findServiceMentions(message)) if (!m.generic) unsure.push(...chars([[m.index, m.index + m.text.length]]).filter((r): r is [number, number] => r !== undefined));
  for (const m of findAppMentions(message)) unsure.push(...chars([[m.index, m.index + m.text.length]]).filter((r): r is [number, number] => r !== undefined));
  products ??= new Set(productNames());
  tokens.forEach((t, i) => {
    if (products!.has(t.text.toLowerCase())) unsure.push([i, i]);
  });
  for (const [a, b] of unsure) for (let i = a; i <= b; i++) labels[i] = -1;
  claims.forEach((c, i) => {
    if (c.size > 1) labels[i] = -1;
  });
  // Two services or more said with a word of dependency ("wordpress with mysql", "nginx in front
  // of the api") and no `depends_on` check: which one depends on which is not known, so each is
  // svc or dep (-2 for B-svc or B-dep, -3 for I-svc or I-dep).
  const services = new Set(kept.filter((s) => s.kind === 'svc').map((s) => tokens.slice(s.first, s.last + 1).map((t) => t.text.toLowerCase()).join(' ')));
  const either = services.size >= 2 && !checks.some((e) => e.depends_on !== undefined) && DEPENDENCY_SAID.test(message);
  for (const s of kept) {
    labels[s.first] = either && s.kind === 'svc' ? SVC_OR_DEP : LABELS.indexOf(`B-${s.kind}`);
    for (let i = s.first + 1; i <= s.last; i++) labels[i] = either && s.kind === 'svc' ? SVC_OR_DEP_INSIDE : LABELS.indexOf(`I-${s.kind}`);
  }
  return { labels, spans: kept };
}

/** The labelled requests of the given sets (all of fixtures/intent-eval/*.yaml by default), in file order, then case order. */
export function loadCorpus(files: readonly string[] = corpusFiles()): CorpusItem[] {
  const dir = join(packageRoot(), 'fixtures', 'intent-eval');
  const out: CorpusItem[] = [];
  const asList = (e: unknown): Obj[] | undefined => (e === undefined || e === null ? undefined : Array.isArray(e) ? (e as Obj[]) : [e as Obj]);
  for (const file of files) {
    const cases = parseYaml(readFileSync(join(dir, file), 'utf8')) as Obj[];
    for (const c of cases) {
      const steps = Array.isArray(c.turns) ? (c.turns as Obj[]).map((t, i) => ({ t, id: `${String(c.id)}#${i + 1}` })) : [{ t: c, id: String(c.id) }];
      for (const { t, id } of steps) {
        const checks = asList(t.expect);
        if (t.dangerous || !checks || typeof t.request !== 'string') continue;
        out.push({ set: file, id, message: t.request, labels: labelRequest(t.request, checks).labels });
      }
    }
  }
  return out;
}

/** sha256 of the corpus and the product names: what the committed model was trained on. */
export function corpusHash(corpus: readonly Labelled[], products: readonly string[]): string {
  const h = createHash('sha256');
  h.update(JSON.stringify(products));
  for (const c of corpus) h.update(`${JSON.stringify(c.message)}\t${c.labels.join(',')}\n`);
  return h.digest('hex');
}

/** Requests, tokens (and how many not known) and spans per kind (`svc or dep`: the names either may be). */
export function corpusStats(corpus: readonly Labelled[]): { requests: number; tokens: number; unknown: number; withSpans: number; spans: Record<string, number> } {
  const spans: Record<string, number> = {};
  let tokens = 0, withSpans = 0, unknown = 0;
  for (const c of corpus) {
    tokens += c.labels.length;
    let any = false;
    for (const y of c.labels) {
      if (y === SVC_OR_DEP) spans['svc or dep'] = (spans['svc or dep'] ?? 0) + 1;
      if (y < 0) {
        unknown++;
        continue;
      }
      const lab = LABELS[y]!;
      if (lab.startsWith('B-')) (spans[lab.slice(2)] = (spans[lab.slice(2)] ?? 0) + 1), (any = true);
    }
    if (any) withSpans++;
  }
  return { requests: corpus.length, tokens, unknown, withSpans, spans };
}
