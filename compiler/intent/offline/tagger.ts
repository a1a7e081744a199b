/**
 * The slot tagger (issue 22, round 37): a sequence labeller that marks, in a request, the words
 * that say a slot's value (a service's name, a port, a memory size, a replica count, a network,
 * an image, a command, a dependency, "stopped", a firewall rule's port, source and protocol, a
 * user and a group), in BIO form. It is an averaged structured perceptron (Collins 2002) with
 * Viterbi decoding over the labels, the previous label entering through a transition weight;
 * it is trained at build time from the eval sets' requests (tagger-corpus.ts labels them from
 * their `expect` checks) by `npm run train:tagger`, which writes generated/intent-tagger.json.
 *
 * It finds where a slot is said; it decides nothing. The engine's post-pass reads its spans to
 * find a slot its rules dropped (docs/intent.md, "The slot tagger (round 37)").
 *
 * Offsets are UTF-16 code unit offsets into the message, `end` exclusive.
 */
import { mulberry32 } from '../../../common/seeded.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../../common/paths.js';
import { QUOTED, englishWord } from './language.js';
import { findSizes, parseNumberWord } from './nlu.js';

export type SlotKind = 'svc' | 'port' | 'mem' | 'cpu' | 'replicas' | 'net' | 'image' | 'cmd' | 'dep' | 'stopped' | 'env' | 'rport' | 'source' | 'proto' | 'user' | 'group';
/** A slot said in the message. `score`: the perceptron's margin (the span's weakest token: its label's score minus the best other label's). */
export interface SlotSpan { kind: SlotKind; text: string; start: number; end: number; score: number }

export const SLOT_KINDS: readonly SlotKind[] = ['svc', 'port', 'mem', 'cpu', 'replicas', 'net', 'image', 'cmd', 'dep', 'stopped', 'env', 'rport', 'source', 'proto', 'user', 'group'];
/** Label 0 is O; then B-kind and I-kind for each kind, in SLOT_KINDS order. */
export const LABELS: readonly string[] = ['O', ...SLOT_KINDS.flatMap((k) => [`B-${k}`, `I-${k}`])];
const L = LABELS.length;

// ── tokens ──────────────────────────────────────────────────────────────────

export interface Token {
  /** The token's text (a quoted string without its quotes). */
  text: string;
  start: number;
  end: number;
  /** Said inside quotes or backquotes. */
  quoted: boolean;
}

const LEADING = /^[(["'“‘<]+/;
const TRAILING = /[)\]"'”’>,.;:!?]+$/;

/**
 * Words, with what a request writes as one thing kept whole: `ghcr.io/a/b:1`, `10.0.0.0/8`,
 * `:8080`, `1.5g`, `KEY=value`, and a quoted or back-quoted string (`sleep 3600`) as one token.
 * Punctuation at a word's ends is a token of its own; "53/udp" is three ("53", "/", "udp"), and
 * "redis's" two ("redis", "'s").
 */
export function tokenize(message: string): Token[] {
  const out: Token[] = [];
  const quoted = new RegExp(QUOTED, 'g');
  let at = 0;
  const words = (from: number, to: number) => {
    for (const m of message.slice(from, to).matchAll(/\S+/g)) {
      let s = from + (m.index ?? 0);
      let w = m[0];
      const lead = LEADING.exec(w)?.[0] ?? '';
      for (let i = 0; i < lead.length; i++) out.push({ text: lead[i]!, start: s + i, end: s + i + 1, quoted: false });
      s += lead.length;
      w = w.slice(lead.length);
      // ":8080" keeps its colon; a colon at the end ("ports:") is punctuation.
      let trail = TRAILING.exec(w)?.[0] ?? '';
      if (trail.length === w.length) trail = trail.slice(1);
      const body = w.slice(0, w.length - trail.length);
      const pos = /^(.+?)('s)$/i.exec(body) ?? /^(\d{1,5})(\/)(tcp|udp)$/i.exec(body) ?? /^(tcp|udp)(\/)(\d{1,5})$/i.exec(body);
      let p = s;
      for (const part of pos ? pos.slice(1).filter(Boolean) : [body]) {
        if (part) out.push({ text: part, start: p, end: p + part.length, quoted: false });
        p += part.length;
      }
      for (let i = 0; i < trail.length; i++) out.push({ text: trail[i]!, start: p + i, end: p + i + 1, quoted: false });
    }
  };
  for (const q of message.matchAll(quoted)) {
    const inner = q[0].slice(1, -1);
    if (!inner.trim() || inner.length > 80) continue;
    const start = (q.index ?? 0) + 1;
    words(at, start - 1);
    out.push({ text: message[start - 1]!, start: start - 1, end: start, quoted: false });
    const lead = inner.length - inner.trimStart().length;
    out.push({ text: inner.trim(), start: start + lead, end: start + lead + inner.trim().length, quoted: true });
    out.push({ text: message[start + inner.length]!, start: start + inner.length, end: start + inner.length + 1, quoted: false });
    at = start + inner.length + 1;
  }
  words(at, message.length);
  return out;
}

// ── features ────────────────────────────────────────────────────────────────

/** What the features read beside the tokens: the product names (lowercase single words). */
export interface Lexicon { products: ReadonlySet<string> }

const SIZE_UNIT = /^(k|ki|kb|kib|m|mi|mb|mib|megs?|megabytes?|g|gi|gb|gib|gigs?|gigabytes?|t|tb|tib|terabytes?)$/i;

/** findSizes' sizes with where each is in the message ([start, end)), in order. */
export function sizesAt(message: string): { start: number; end: number; value: string }[] {
  let from = 0;
  return findSizes(message).map((s) => {
    const start = Math.max(0, message.indexOf(s.text, from));
    from = start + s.text.length;
    return { start, end: from, value: s.value };
  });
}

/** A word without its ending: "stopped" → "stop", "replicas" → "replica", "running" → "run". */
export function stem(w: string): string {
  const doubled = /^(.+?)([b-df-hj-np-tv-z])\2(?:ed|ing)$/.exec(w);
  if (doubled) return doubled[1]! + doubled[2]!;
  const m = /^(.{3,}?)(?:ing|ed|es|s)$/.exec(w);
  return m && !w.endsWith('ss') ? m[1]! : w;
}

const englishSeen = new Map<string, boolean>();
/** In wink's English lexicon (language.ts englishWord), remembered per word. */
function english(word: string): boolean {
  let e = englishSeen.get(word);
  if (e === undefined) englishSeen.set(word, (e = englishWord(word)));
  return e;
}

/** A word's shape: letters to a/A, digits to d, runs squeezed ("ghcr.io/a:1" → "a.a/a:d"). */
export function shape(w: string): string {
  return w.replace(/[a-z]+/g, 'a').replace(/[A-Z]+/g, 'A').replace(/[0-9]+/g, 'd').slice(0, 12);
}

/** Which feature groups are read: `context` (the words around and bigrams) can be left out, for the bench's comparison. */
export interface FeatureOptions { context: boolean }

/** Each token's features, as strings (the model's keys). */
export function features(tokens: readonly Token[], message: string, lex: Lexicon, opt: FeatureOptions = { context: true }): string[][] {
  const sized = sizesAt(message);
  const low = tokens.map((t) => t.text.toLowerCase());
  const w = (i: number) => (i < 0 ? '<s>' : i >= low.length ? '</s>' : low[i]!);
  const sh = (i: number) => (i < 0 || i >= tokens.length ? '-' : tokens[i]!.quoted ? 'Q' : shape(tokens[i]!.text));
  return tokens.map((t, i) => {
    const x = w(i);
    const f = ['b', `w=${x}`, `sh=${sh(i)}`];
    if (x.length > 3) f.push(`p3=${x.slice(0, 3)}`, `s3=${x.slice(-3)}`, `st=${stem(x)}`);
    if (t.quoted) f.push('quoted', `qlen=${Math.min(4, t.text.split(/\s+/).length)}`);
    if (lex.products.has(x)) f.push('product');
    // (wink reads a very long word slowly, seconds for 50k letters; no English word is that long)
    else if (x.length <= 24 && /^[a-z]+$/.test(x) && english(x)) f.push('english');
    if (sized.some((z) => t.start < z.end && t.end > z.start)) f.push('size');
    if (SIZE_UNIT.test(x)) f.push('unit');
    const n = parseNumberWord(x.replace(/^:/, ''));
    if (n !== undefined) f.push(/^:?\d/.test(x) ? `num=${n >= 1 && n <= 65535 && Number.isInteger(n) ? (n >= 1024 ? 'port' : n >= 10 ? 'mid' : 'small') : 'other'}` : 'numword');
    if (/[:/.@]/.test(x) && /[a-z]/.test(x)) f.push('ref');
    if (/^\d+(\.\d+){3}(\/\d+)?$/.test(x) || x.includes('::')) f.push('addr');
    if (/^[A-Z][A-Z0-9]*_[A-Z0-9_]*(=|$)/.test(t.text) || /^[A-Za-z_]\w*=/.test(t.text)) f.push('envkey');
    if (/-/.test(x) && /[a-z]/.test(x)) f.push('hyphen');
    if (opt.context) {
      f.push(`w-1=${w(i - 1)}`, `w-2=${w(i - 2)}`, `w+1=${w(i + 1)}`, `w+2=${w(i + 2)}`);
      f.push(`w-1w=${w(i - 1)}|${x}`, `ww+1=${x}|${w(i + 1)}`, `w-2w-1=${w(i - 2)}|${w(i - 1)}`, `w+1w+2=${w(i + 1)}|${w(i + 2)}`);
      f.push(`sh-1=${sh(i - 1)}`, `sh+1=${sh(i + 1)}`, `sh-1sh=${sh(i - 1)}|${sh(i)}`);
      for (let k = i - 5; k < i; k++) if (k >= 0) f.push(`l=${low[k]}`);
      for (let k = i + 1; k <= i + 4 && k < low.length; k++) f.push(`r=${low[k]}`);
      if (lex.products.has(w(i - 1))) f.push('product-1');
      if (lex.products.has(w(i + 1))) f.push('product+1');
    }
    return f;
  });
}

// ── the model ───────────────────────────────────────────────────────────────

/** The committed model (generated/intent-tagger.json): the averaged weights, pruned and rounded. */
export interface TaggerModel {
  version: 1;
  /** sha256 of the training corpus (tagger-corpus.ts `corpusHash`). */
  corpus: string;
  labels: string[];
  options: FeatureOptions & { epochs: number; prune: number };
  products: string[];
  /** (L + 1) × L: row `prev` (L is the start), column the label. */
  transitions: number[];
  /** feature → [label, weight, label, weight, …] */
  weights: Record<string, number[]>;
}

/** Which label may follow which: I-k only after B-k or I-k. Row L is the start of the message. */
const ALLOWED: boolean[][] = Array.from({ length: L + 1 }, (_, prev) => LABELS.map((to) => !to.startsWith('I-') || (prev < L && LABELS[prev]!.slice(2) === to.slice(2) && LABELS[prev] !== 'O')));

/**
 * The best label sequence (Viterbi), with each token's margin over its best other label.
 * `fixed`, in training only, is a partly known gold path: a token's label where it is known
 * (≥ 0), any label where it is not (-1), B-svc or B-dep (SVC_OR_DEP), I-svc or I-dep
 * (SVC_OR_DEP_INSIDE); the best path through those is the gold one.
 */
function viterbi(emissions: Float64Array[], trans: ArrayLike<number>, fixed?: readonly number[]): { labels: number[]; margins: number[] } {
  const n = emissions.length;
  if (n === 0) return { labels: [], margins: [] };
  const score = emissions.map(() => new Float64Array(L));
  const back = emissions.map(() => new Int32Array(L));
  const free = (i: number, j: number) => !fixed || fixed[i] === j || fixed[i] === -1 || (fixed[i] === SVC_OR_DEP && (j === B_SVC || j === B_DEP)) || (fixed[i] === SVC_OR_DEP_INSIDE && (j === B_SVC + 1 || j === B_DEP + 1));
  for (let j = 0; j < L; j++) score[0]![j] = ALLOWED[L]![j] && free(0, j) ? emissions[0]![j]! + trans[L * L + j]! : -Infinity;
  for (let i = 1; i < n; i++) {
    for (let j = 0; j < L; j++) {
      if (!free(i, j)) {
        score[i]![j] = -Infinity;
        continue;
      }
      let best = -Infinity, arg = 0;
      for (let p = 0; p < L; p++) {
        if (!ALLOWED[p]![j]) continue;
        const s = score[i - 1]![p]! + trans[p * L + j]!;
        if (s > best) (best = s), (arg = p);
      }
      score[i]![j] = best + emissions[i]![j]!;
      back[i]![j] = arg;
    }
  }
  const labels = new Array<number>(n);
  let last = 0;
  for (let j = 1; j < L; j++) if (score[n - 1]![j]! > score[n - 1]![last]!) last = j;
  labels[n - 1] = last;
  for (let i = n - 1; i > 0; i--) labels[i - 1] = back[i]![labels[i]!]!;
  const margins = labels.map((y, i) => {
    const prev = i === 0 ? L : labels[i - 1]!;
    const at = (j: number) => emissions[i]![j]! + trans[prev * L + j]!;
    let other = -Infinity;
    for (let j = 0; j < L; j++) if (j !== y && ALLOWED[prev]![j] && at(j) > other) other = at(j);
    return at(y) - other;
  });
  return { labels, margins };
}

/** Spans of B-/I- runs. */
function spansOf(message: string, tokens: readonly Token[], labels: readonly number[], margins: readonly number[]): SlotSpan[] {
  const out: SlotSpan[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const lab = LABELS[labels[i]!]!;
    if (lab === 'O') continue;
    const kind = lab.slice(2) as SlotKind;
    let j = i, score = margins[i]!;
    while (j + 1 < tokens.length && LABELS[labels[j + 1]!] === `I-${kind}`) score = Math.min(score, margins[++j]!);
    const start = tokens[i]!.start, end = tokens[j]!.end;
    out.push({ kind, text: message.slice(start, end), start, end, score: Math.round(score * 100) / 100 });
    i = j;
  }
  return out;
}

/** Tags one message with a model. */
export function tagWith(model: TaggerModel, message: string, lex: Lexicon = { products: new Set(model.products) }): SlotSpan[] {
  const tokens = tokenize(message);
  const emit = (feats: readonly string[], into: Float64Array) => {
    for (const f of feats) {
      const w = model.weights[f];
      if (w) for (let k = 0; k < w.length; k += 2) into[w[k]!]! += w[k + 1]!;
    }
  };
  const emissions = features(tokens, message, lex, model.options).map((f) => {
    const e = new Float64Array(L);
    emit(f, e);
    return e;
  });
  const { labels, margins } = viterbi(emissions, model.transitions);
  return spansOf(message, tokens, labels, margins);
}

let loaded: { model: TaggerModel; lex: Lexicon } | undefined;

export const TAGGER_MODEL_PATH = (): string => join(packageRoot(), 'generated', 'intent-tagger.json');

/** The slots said in a message, by the committed model (loaded once, on first use). */
export function tagSlots(message: string): SlotSpan[] {
  if (!loaded) {
    const model = JSON.parse(readFileSync(TAGGER_MODEL_PATH(), 'utf8')) as TaggerModel;
    loaded = { model, lex: { products: new Set(model.products) } };
  }
  return tagWith(loaded.model, message, loaded.lex);
}

// ── training ────────────────────────────────────────────────────────────────

/** A label not known: any (-1), B-svc or B-dep (-2), I-svc or I-dep (-3). */
export const SVC_OR_DEP = -2;
export const SVC_OR_DEP_INSIDE = -3;
const B_SVC = LABELS.indexOf('B-svc');
const B_DEP = LABELS.indexOf('B-dep');

/** One training example: a message and a label index per token of `tokenize(message)`, below 0 where the label is not known (SVC_OR_DEP). */
export interface Labelled { message: string; labels: number[] }

/** Passes over the corpus of the committed model. */
export const TAGGER_EPOCHS = 6;

/** Averaged weights smaller than this are dropped from the committed model. */
export const TAGGER_PRUNE = 0.01;

export interface TrainOptions extends FeatureOptions { epochs: number; prune: number; products: readonly string[]; corpus: string }

/** The seeded shuffle of each epoch: common/seeded.ts. */
const rng = mulberry32;

/**
 * Trains the averaged structured perceptron: for each example (in a seeded shuffle per epoch)
 * decode with the current weights; where the best path differs from the gold one, add the gold
 * path's features and transitions and subtract the predicted path's. The averaged weights (the
 * mean over every step, kept lazily as w − u/c) are pruned below `prune` and rounded to 3 decimals.
 * Same corpus, same model, byte for byte.
 */
export function train(data: readonly Labelled[], opt: TrainOptions): TaggerModel {
  const products = [...opt.products].sort();
  const lex: Lexicon = { products: new Set(products) };
  const ids = new Map<string, number>();
  const names: string[] = [];
  const seqs = data.map((d) => {
    const tokens = tokenize(d.message);
    if (tokens.length !== d.labels.length) throw new Error(`tagger: ${tokens.length} tokens but ${d.labels.length} labels in ${JSON.stringify(d.message)}`);
    const feats = features(tokens, d.message, lex, opt).map((fs) =>
      Int32Array.from(fs, (f) => {
        let id = ids.get(f);
        if (id === undefined) ids.set(f, (id = names.push(f) - 1));
        return id;
      }),
    );
    return { feats, gold: d.labels };
  });
  const w: (Float64Array | undefined)[] = [];
  const u: (Float64Array | undefined)[] = [];
  const tw = new Float64Array((L + 1) * L), tu = new Float64Array((L + 1) * L);
  let c = 1;
  const bump = (f: number, y: number, by: number) => {
    const row = (w[f] ??= new Float64Array(L));
    const acc = (u[f] ??= new Float64Array(L));
    row[y]! += by;
    acc[y]! += c * by;
  };
  const random = rng(37);
  const order = seqs.map((_, i) => i);
  for (let epoch = 0; epoch < opt.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (const k of order) {
      const { feats, gold: known } = seqs[k]!;
      const emissions = feats.map((fs) => {
        const e = new Float64Array(L);
        for (const f of fs) {
          const row = w[f];
          if (row) for (let y = 0; y < L; y++) e[y]! += row[y]!;
        }
        return e;
      });
      const { labels } = viterbi(emissions, tw);
      // Where a label is not known (< 0), the gold path is the model's own best one through the known labels.
      const gold = known.some((y) => y < 0) ? viterbi(emissions, tw, known).labels : known;
      for (let i = 0; i < gold.length; i++) {
        const g = gold[i]!, p = labels[i]!;
        const gp = i === 0 ? L : gold[i - 1]!, pp = i === 0 ? L : labels[i - 1]!;
        if (g !== p) for (const f of feats[i]!) bump(f, g, 1), bump(f, p, -1);
        if (g !== p || gp !== pp) {
          tw[gp * L + g]! += 1, (tu[gp * L + g]! += c);
          tw[pp * L + p]! -= 1, (tu[pp * L + p]! -= c);
        }
      }
      c++;
    }
  }
  const avg = (x: number, acc: number) => Math.round((x - acc / c) * 1000) / 1000;
  const weights: Record<string, number[]> = {};
  const keep: [string, number[]][] = [];
  for (let f = 0; f < names.length; f++) {
    const row = w[f];
    if (!row) continue;
    const pairs: number[] = [];
    for (let y = 0; y < L; y++) {
      const v = avg(row[y]!, u[f]![y]!);
      if (Math.abs(v) >= opt.prune) pairs.push(y, v);
    }
    if (pairs.length) keep.push([names[f]!, pairs]);
  }
  keep.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [k, v] of keep) weights[k] = v;
  const transitions = Array.from(tw, (x, i) => avg(x, tu[i]!));
  return { version: 1, corpus: opt.corpus, labels: [...LABELS], options: { context: opt.context, epochs: opt.epochs, prune: opt.prune }, products, transitions, weights };
}

/** The model as written to generated/intent-tagger.json: one feature per line, so a diff reads. */
export function serializeModel(m: TaggerModel): string {
  const head = JSON.stringify({ ...m, weights: undefined }).slice(0, -1);
  const lines = Object.entries(m.weights).map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`);
  return `${head},"weights":{\n${lines.join(',\n')}\n}}\n`;
}
