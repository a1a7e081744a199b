/**
 * Slot tagger benchmark (on demand; docs/intent.md "The slot tagger (round 37)"): leave-one-set-out.
 * For each held-out set, train on every other eval set, tag that set, and score the spans
 * against the set's own labels (tagger-corpus.ts): span-level precision, recall and F1 per kind,
 * micro-averaged (a span counts when its kind and its tokens are the same). Side by side in the
 * same run: the perceptron (all features), the perceptron without the context features (the
 * words around, bigrams), and a lexical baseline (a number after "port" is a port, a size is
 * memory, …: bench/tagger.bench.ts `lexical`). Also: the perceptron with svc and dep read as one
 * kind, its spans by margin (how many are right), training time, the model's size, loading the
 * committed model, and tagging time per request. A span over a token whose label is not known
 * (tagger-corpus.ts: -1) is not scored.
 *
 *   npm run build && npm run bench -- tagger [--sets heldout-28.yaml,para-29.yaml] [--epochs N] [--prune W]
 */
import { readFileSync, statSync } from 'node:fs';
import { corpusFiles, corpusHash, loadCorpus, productNames, type CorpusItem } from '../compiler/intent/offline/tagger-corpus.js';
import { LABELS, TAGGER_EPOCHS, TAGGER_MODEL_PATH, TAGGER_PRUNE, serializeModel, tagWith, tokenize, train, type SlotKind, type TaggerModel, type Token } from '../compiler/intent/offline/tagger.js';
import { findCidrs, findCpu, findImageRefs, findPorts, findSizes } from '../compiler/intent/offline/nlu.js';
import { MAX_REQUEST_CHARS } from '../compiler/intent/provider.js';
import { loadNow, median } from './common.js';

const argv = process.argv.slice(2);
const setsArg = argv[argv.indexOf('--sets') + 1];
const SETS = argv.includes('--sets') && setsArg ? setsArg.split(',') : ['heldout-28.yaml', 'heldout-29.yaml', 'heldout-30.yaml', 'para-29.yaml'];
/** `--epochs N`: train the leave-one-set-out models with N passes instead of the committed model's. */
const EPOCHS = argv.includes('--epochs') ? Number(argv[argv.indexOf('--epochs') + 1]) : TAGGER_EPOCHS;
/** `--prune W`: drop averaged weights below W (the committed model's: TAGGER_PRUNE). */
const PRUNE = argv.includes('--prune') ? Number(argv[argv.indexOf('--prune') + 1]) : TAGGER_PRUNE;

type Span = { kind: string; first: number; last: number };

/** Gold spans of a labelled request, as token ranges. */
function goldSpans(labels: readonly number[]): Span[] {
  const out: Span[] = [];
  for (let i = 0; i < labels.length; i++) {
    const lab = LABELS[labels[i]!] ?? 'O';
    if (!lab.startsWith('B-')) continue;
    let j = i;
    while (j + 1 < labels.length && LABELS[labels[j + 1]!] === `I-${lab.slice(2)}`) j++;
    out.push({ kind: lab.slice(2), first: i, last: j });
  }
  return out;
}

/** Char spans → token ranges. */
function toTokens(tokens: readonly Token[], spans: readonly { kind: string; start: number; end: number }[]): Span[] {
  return spans.flatMap((s) => {
    const at = tokens.flatMap((t, i) => (t.start < s.end && t.end > s.start ? [i] : []));
    return at.length ? [{ kind: s.kind, first: at[0]!, last: at[at.length - 1]! }] : [];
  });
}

/**
 * The lexical baseline: what a few rules find without a model. A product name is a service, a
 * number after "port"/"on" a port, a size memory, a cpu amount cpu, a number before
 * "replicas"/"instances"/"copies" replicas, an image reference an image, a back-quoted string a
 * command, an address a source, tcp/udp a protocol, "stop"/"stopped" stopped, KEY=value env,
 * the word before "network" a network.
 */
function lexical(message: string, tokens: readonly Token[], products: ReadonlySet<string>): Span[] {
  const out: Span[] = [];
  const low = tokens.map((t) => t.text.toLowerCase());
  const ports = new Set(findPorts(message));
  const fw = /\b(open|close|block|allow|deny|firewall|rule|reach|drop)\b/i.test(message);
  const sizes = findSizes(message).map((s) => s.text);
  const cpu = findCpu(message);
  const refs = new Set(findImageRefs(message));
  const cidrs = new Set(findCidrs(message));
  let from = 0;
  const range = (text: string, kind: string) => {
    const at = message.indexOf(text, from);
    if (at < 0) return;
    out.push(...toTokens(tokens, [{ kind, start: at, end: at + text.length }]));
  };
  for (const s of sizes) range(s, 'mem');
  if (cpu) range(cpu.text, 'cpu');
  from = 0;
  tokens.forEach((t, i) => {
    const w = low[i]!;
    if (products.has(w)) out.push({ kind: 'svc', first: i, last: i });
    else if (/^:?\d{2,5}$/.test(w) && ports.has(Number(w.replace(':', '')))) out.push({ kind: fw ? 'rport' : 'port', first: i, last: i });
    else if (/^(\d+|two|three|four|five|six|seven|eight|nine|ten)$/.test(w) && /^(replicas?|instances?|copies)$/.test(low[i + 1] ?? '')) out.push({ kind: 'replicas', first: i, last: i });
    else if (refs.has(t.text)) out.push({ kind: 'image', first: i, last: i });
    else if (t.quoted && /\s/.test(t.text)) out.push({ kind: 'cmd', first: i, last: i });
    else if (cidrs.has(t.text)) out.push({ kind: 'source', first: i, last: i });
    else if (w === 'tcp' || w === 'udp') out.push({ kind: 'proto', first: i, last: i });
    else if (w === 'stop' || w === 'stopped') out.push({ kind: 'stopped', first: i, last: i });
    else if (/^[A-Z][A-Z0-9_]*=/.test(t.text)) out.push({ kind: 'env', first: i, last: i });
    else if (low[i + 1] === 'network' && !['the', 'a', 'private', 'same'].includes(w)) out.push({ kind: 'net', first: i, last: i });
  });
  // One span per token: the first said.
  return out.filter((s, k) => !out.slice(0, k).some((o) => o.first <= s.last && s.first <= o.last));
}

/** A service named, whatever its role: dep read as svc (for the "svc + dep" line). */
const asOne = (spans: Span[]): Span[] => spans.map((s) => (s.kind === 'dep' ? { ...s, kind: 'svc' } : s));

interface Counts { tp: number; fp: number; fn: number }
const add = (m: Map<string, Counts>, k: string) => m.get(k) ?? (m.set(k, { tp: 0, fp: 0, fn: 0 }), m.get(k)!);

function score(test: readonly CorpusItem[], predict: (c: CorpusItem, tokens: Token[]) => Span[], merge = false): Map<string, Counts> {
  const m = new Map<string, Counts>();
  for (const c of test) {
    const tokens = tokenize(c.message);
    const gold = merge ? asOne(goldSpans(c.labels)) : goldSpans(c.labels);
    // A span over a token whose label is not known (-1: a value said twice, a product no check is about) is not scored.
    const scored = (ss: Span[]) => ss.filter((x) => c.labels.slice(x.first, x.last + 1).every((y) => y >= 0));
    const got = scored(merge ? asOne(predict(c, tokens)) : predict(c, tokens));
    const key = (s: Span) => `${s.kind}:${s.first}:${s.last}`;
    const g = new Set(gold.map(key));
    const p = new Set(got.map(key));
    for (const s of got) {
      const k = add(m, s.kind);
      if (g.has(key(s))) k.tp++;
      else k.fp++;
    }
    for (const s of gold) if (!p.has(key(s))) add(m, s.kind).fn++;
  }
  return m;
}

const pct = (x: number) => (Number.isFinite(x) ? (100 * x).toFixed(1) : '–');
function prf(c: Counts): { p: number; r: number; f: number } {
  const p = c.tp / (c.tp + c.fp), r = c.tp / (c.tp + c.fn);
  return { p, r, f: (2 * p * r) / (p + r) };
}
const micro = (m: Map<string, Counts>): Counts => [...m.values()].reduce((a, b) => ({ tp: a.tp + b.tp, fp: a.fp + b.fp, fn: a.fn + b.fn }), { tp: 0, fp: 0, fn: 0 });

console.log(`load average before: ${loadNow().text}`);
const products = productNames();
const lex = { products: new Set(products) };
const all = loadCorpus(corpusFiles());
const totals = new Map<string, Map<string, Counts>>();
const options = [
  { name: 'perceptron', context: true },
  { name: 'no context', context: false },
];
const trainMs: Record<string, number[]> = {};
/** The perceptron's spans by margin (score): how many, and how many right. */
const MARGINS = [-Infinity, 2, 5, 10, 20, Infinity];
const byMargin = MARGINS.slice(1).map(() => ({ n: 0, right: 0 }));
const merged: Counts = { tp: 0, fp: 0, fn: 0 };
for (const set of SETS) {
  const test = all.filter((c) => c.set === set);
  const rest = all.filter((c) => c.set !== set);
  if (!test.length) throw new Error(`tagger bench: no requests in ${set} (the sets: ${corpusFiles().join(', ')})`);
  const rows: [string, Map<string, Counts>][] = [];
  for (const o of options) {
    const t0 = performance.now();
    const model = train(rest, { context: o.context, epochs: EPOCHS, prune: PRUNE, products, corpus: corpusHash(rest, products) });
    (trainMs[o.name] ??= []).push(performance.now() - t0);
    rows.push([o.name, score(test, (c) => toTokens(tokenize(c.message), tagWith(model, c.message, lex)))]);
    if (o.name !== 'perceptron') continue;
    const both = micro(score(test, (c) => toTokens(tokenize(c.message), tagWith(model, c.message, lex)), true));
    (merged.tp += both.tp), (merged.fp += both.fp), (merged.fn += both.fn);
    for (const c of test) {
      const tokens = tokenize(c.message);
      const gold = new Set(goldSpans(c.labels).map((g) => `${g.kind}:${g.first}:${g.last}`));
      for (const s of tagWith(model, c.message, lex)) {
        const [t] = toTokens(tokens, [s]);
        if (!t || c.labels.slice(t.first, t.last + 1).some((y) => y < 0)) continue;
        const b = byMargin[MARGINS.findIndex((x, k) => s.score >= x && s.score < MARGINS[k + 1]!)] ?? byMargin[0]!;
        b.n++;
        if (t && gold.has(`${t.kind}:${t.first}:${t.last}`)) b.right++;
      }
    }
  }
  rows.push(['lexical', score(test, (c, tokens) => lexical(c.message, tokens, lex.products))]);
  console.log(`\n${set}: ${test.length} requests, ${goldSpans(test.flatMap((c) => c.labels)).length} gold spans; trained on the other ${rest.length}`);
  console.log(`  ${'option'.padEnd(12)} ${'P'.padStart(6)} ${'R'.padStart(6)} ${'F1'.padStart(6)}   F1 per kind (gold spans)`);
  for (const [name, m] of rows) {
    const t = totals.get(name) ?? (totals.set(name, new Map()), totals.get(name)!);
    for (const [k, c] of m) {
      const x = add(t, k);
      (x.tp += c.tp), (x.fp += c.fp), (x.fn += c.fn);
    }
    const s = prf(micro(m));
    const kinds = [...m].filter(([, c]) => c.tp + c.fn > 0).sort(([a], [b]) => (a < b ? -1 : 1));
    console.log(`  ${name.padEnd(12)} ${pct(s.p).padStart(6)} ${pct(s.r).padStart(6)} ${pct(s.f).padStart(6)}   ${kinds.map(([k, c]) => `${k} ${pct(prf(c).f)} (${c.tp + c.fn})`).join(', ')}`);
  }
}
console.log(`\nall ${SETS.length} sets, micro-averaged; per kind P / R / F1 (gold spans):`);
const kindsSeen = [...new Set([...totals.values()].flatMap((m) => [...m].filter(([, c]) => c.tp + c.fn > 0).map(([k]) => k)))].sort();
for (const [name, m] of totals) {
  const s = prf(micro(m));
  console.log(`  ${name.padEnd(12)} P ${pct(s.p)}  R ${pct(s.r)}  F1 ${pct(s.f)}`);
}
console.log(`  ${'kind'.padEnd(9)} ${[...totals.keys()].map((n) => n.padStart(20)).join(' ')}`);
for (const k of kindsSeen as SlotKind[]) {
  const cells = [...totals.values()].map((m) => {
    const c = m.get(k) ?? { tp: 0, fp: 0, fn: 0 };
    const s = prf(c);
    return `${pct(s.p)}/${pct(s.r)}/${pct(s.f)}`.padStart(20);
  });
  console.log(`  ${`${k} (${(totals.get('perceptron')?.get(k)?.tp ?? 0) + (totals.get('perceptron')?.get(k)?.fn ?? 0)})`.padEnd(9)} ${cells.join(' ')}`);
}
const m1 = prf(merged);
console.log(`perceptron, svc and dep as one kind (a service named, whatever its role): P ${pct(m1.p)}  R ${pct(m1.r)}  F1 ${pct(m1.f)}`);
console.log(`perceptron spans by margin (score): ${byMargin.map((b, k) => `[${MARGINS[k]}, ${MARGINS[k + 1]}) ${b.n} spans, ${pct(b.right / b.n)} % right`).join('; ')}`);
for (const [name, ms] of Object.entries(trainMs)) console.log(`training (${name}, ${EPOCHS} epochs, ~${all.length - all.filter((c) => c.set === SETS[0]).length} requests): median ${(median(ms) / 1000).toFixed(1)} s`);

// The committed model: its size, loading it, and the time to tag a request.
const path = TAGGER_MODEL_PATH();
const t0 = performance.now();
const model = JSON.parse(readFileSync(path, 'utf8')) as TaggerModel;
const loadMs = performance.now() - t0;
const full = train(all, { context: false, epochs: TAGGER_EPOCHS, prune: TAGGER_PRUNE, products, corpus: '' });
console.log(`committed model: ${(statSync(path).size / 1024).toFixed(0)} KiB, ${Object.keys(model.weights).length} features, read and parsed in ${loadMs.toFixed(1)} ms; without context features it would be ${(serializeModel(full).length / 1024).toFixed(0)} KiB`);
const msgs = all.map((c) => c.message);
const lexModel = { products: new Set(model.products) };
for (const m of msgs.slice(0, 200)) tagWith(model, m, lexModel);
const per: number[] = [];
let n = 0;
const cpu0 = process.cpuUsage();
const t1 = performance.now();
for (const m of msgs) {
  const a = performance.now();
  n += tagWith(model, m, lexModel).length;
  per.push(performance.now() - a);
}
const cpu = process.cpuUsage(cpu0);
const sorted = [...per].sort((a, b) => a - b);
console.log(`tagging: ${msgs.length} requests (${n} spans) in ${(performance.now() - t1).toFixed(0)} ms wall, ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms CPU (${((cpu.user + cpu.system) / 1000 / msgs.length).toFixed(3)} ms per request); per request (wall) median ${median(per).toFixed(3)} ms, p99 ${sorted[Math.floor(sorted.length * 0.99)]!.toFixed(3)} ms, max ${sorted[sorted.length - 1]!.toFixed(2)} ms`);
// The longest request the engine reads (provider.ts MAX_REQUEST_CHARS): time grows with its tokens.
const long = msgs.join(' ').slice(0, MAX_REQUEST_CHARS);
const longMs: number[] = [];
for (let i = 0; i < 5; i++) {
  const a = performance.now();
  tagWith(model, long, lexModel);
  longMs.push(performance.now() - a);
}
console.log(`a request of ${MAX_REQUEST_CHARS} characters (${tokenize(long).length} tokens, the eval's requests end to end): median of 5 ${median(longMs).toFixed(1)} ms`);
console.log(`load average after: ${loadNow().text}`);
