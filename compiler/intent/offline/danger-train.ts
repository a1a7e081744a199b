/**
 * Training of the danger model (round 37, issue 22): from labelled requests to a linear model over
 * danger-features.ts's features, in one of two ways, compared side by side in
 * bench/danger.bench.ts and docs/intent.md "The danger model (round 37)":
 *
 * - `lr`: logistic regression, L2-regularised, full-batch gradient descent with AdaGrad steps
 *   for a fixed number of rounds (no randomness: the same corpus gives the same weights);
 * - `nb`: naive Bayes (multinomial over each feature counted once per request, Laplace smoothing),
 *   written as the same linear form: a weight per feature (its log-likelihood ratio) and a bias
 *   (the log prior odds).
 *
 * Either way the score is `sigmoid(bias + Σ weight of each feature present)`, which danger-model.ts
 * computes from the committed file alone. Pure: no files, no clock.
 *
 * Must not: read the corpus (testutil/danger-corpus.ts does, for the dev tools and tests) or be
 * imported by the engine (it reads the committed model through danger-model.ts).
 */
import { dangerFeatures, type FeatureOptions } from './danger-features.js';

export interface DangerExample {
  text: string;
  dangerous: boolean;
}

export type DangerModelKind = 'lr' | 'nb';

export interface DangerOptions extends FeatureOptions {
  kind: DangerModelKind;
}

/** The options compared, the committed one first. */
export const DANGER_OPTIONS: readonly DangerOptions[] = [
  { kind: 'lr', bigrams: true },
  { kind: 'lr', bigrams: false },
  { kind: 'nb', bigrams: true },
  { kind: 'nb', bigrams: false },
];

export const optionName = (o: DangerOptions): string => `${o.kind === 'lr' ? 'logistic regression' : 'naive Bayes'}, words${o.bigrams ? ' + pairs' : ''}`;

/** A trained linear model: what the committed file holds besides its provenance. */
export interface DangerWeights {
  options: DangerOptions;
  /** The product names folded to `<svc>`, sorted. */
  products: string[];
  bias: number;
  /** Feature → weight, sorted by feature (code point order); features too rare or too light are left out. */
  weights: Record<string, number>;
}

/**
 * How training runs: a feature must appear in at least `minCount` requests to get a weight;
 * logistic regression takes `rounds` AdaGrad steps of size `step` with L2 weight `l2`, and weighs
 * a dangerous example `positiveWeight` times an ordinary one; naive Bayes smooths by `alpha`.
 */
export interface DangerTuning {
  minCount: number;
  rounds: number;
  step: number;
  l2: number;
  positiveWeight: number;
  alpha: number;
}

export const DANGER_TUNING: DangerTuning = { minCount: 2, rounds: 300, step: 0.5, l2: 1e-4, positiveWeight: 1, alpha: 0.5 };

/** Weights are kept to this many decimals, and one lighter than `DROP` is left out (the file's size). */
const DECIMALS = 3;
const DROP = 0.005;

const round = (x: number) => Math.round(x * 10 ** DECIMALS) / 10 ** DECIMALS;
const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

/** Trains a model on the examples (read in the order given; the caller sorts them). */
export function trainDanger(examples: readonly DangerExample[], options: DangerOptions, products: readonly string[], tuning: DangerTuning = DANGER_TUNING): DangerWeights {
  const productSet = new Set(products);
  const rows = examples.map((e) => ({ f: dangerFeatures(e.text, productSet, options), y: e.dangerous ? 1 : 0 }));
  const count = new Map<string, number>();
  for (const r of rows) for (const f of r.f) count.set(f, (count.get(f) ?? 0) + 1);
  const vocab = [...count.entries()].filter(([, n]) => n >= tuning.minCount).map(([f]) => f).sort(byCodePoint);
  const index = new Map(vocab.map((f, i) => [f, i]));
  const X = rows.map((r) => Int32Array.from(r.f.map((f) => index.get(f)).filter((i): i is number => i !== undefined)));
  const y = rows.map((r) => r.y);
  const { bias, w } = options.kind === 'lr' ? logistic(X, y, vocab.length, tuning) : naiveBayes(X, y, vocab.length, tuning);
  const weights: Record<string, number> = {};
  vocab.forEach((f, i) => {
    const v = round(w[i]!);
    if (Math.abs(v) >= DROP) weights[f] = v;
  });
  return { options: { kind: options.kind, bigrams: options.bigrams }, products: [...products].sort(byCodePoint), bias: round(bias), weights };
}

function logistic(X: Int32Array[], y: number[], n: number, t: DangerTuning): { bias: number; w: Float64Array } {
  const w = new Float64Array(n);
  const g = new Float64Array(n);
  const hist = new Float64Array(n);
  let bias = 0;
  let biasHist = 0;
  const m = X.length;
  const weightOf = y.map((v) => (v ? t.positiveWeight : 1));
  const total = weightOf.reduce((a, b) => a + b, 0);
  for (let round = 0; round < t.rounds; round++) {
    g.fill(0);
    let gb = 0;
    for (let i = 0; i < m; i++) {
      const xi = X[i]!;
      let z = bias;
      for (let k = 0; k < xi.length; k++) z += w[xi[k]!]!;
      const err = (sigmoid(z) - y[i]!) * weightOf[i]!;
      gb += err;
      for (let k = 0; k < xi.length; k++) g[xi[k]!]! += err;
    }
    for (let j = 0; j < n; j++) {
      const gj = g[j]! / total + t.l2 * w[j]!;
      hist[j]! += gj * gj;
      if (hist[j]! > 0) w[j]! -= (t.step * gj) / Math.sqrt(hist[j]!);
    }
    const gbm = gb / total;
    biasHist += gbm * gbm;
    if (biasHist > 0) bias -= (t.step * gbm) / Math.sqrt(biasHist);
  }
  return { bias, w };
}

function naiveBayes(X: Int32Array[], y: number[], n: number, t: DangerTuning): { bias: number; w: Float64Array } {
  const cd = new Float64Array(n);
  const co = new Float64Array(n);
  let td = 0, to = 0, nd = 0, no = 0;
  X.forEach((xi, i) => {
    const c = y[i] ? cd : co;
    for (let k = 0; k < xi.length; k++) c[xi[k]!]! += 1;
    if (y[i]) {
      nd++;
      td += xi.length;
    } else {
      no++;
      to += xi.length;
    }
  });
  const w = new Float64Array(n);
  for (let j = 0; j < n; j++) w[j] = Math.log((cd[j]! + t.alpha) / (td + t.alpha * n)) - Math.log((co[j]! + t.alpha) / (to + t.alpha * n));
  return { bias: Math.log((nd + 1) / (no + 1)), w };
}

/** Words too common to explain a score: left out of `words` (never out of the score). */
const PLAIN = new Set(['a', 'an', 'and', 'are', 'as', 'at', 'be', 'by', 'do', 'for', 'from', 'i', 'in', 'is', 'it', 'me', 'my', 'of', 'on', 'or', 'our', 'so', 'that', 'the', 'their', 'then', 'there', 'this', 'to', 'too', 'us', 'we', 'with', 'you', "you're", 'your']);
const explains = (f: string) => !f.split('_').every((w) => PLAIN.has(w.replace(/^~/, '')));

export interface DangerScoring {
  score: number;
  /** The features that raised the score most, heaviest first (at most five, each with a positive weight; none made only of PLAIN words). */
  words: string[];
}

/** Scores a request with a model: the sigmoid of the bias plus the weights of its features. */
export function scoreWith(model: DangerWeights, products: ReadonlySet<string>, message: string): DangerScoring {
  let z = model.bias;
  const up: [string, number][] = [];
  for (const f of dangerFeatures(message, products, model.options)) {
    const v = model.weights[f];
    if (v === undefined) continue;
    z += v;
    if (v > 0 && explains(f)) up.push([f, v]);
  }
  up.sort((a, b) => b[1] - a[1] || byCodePoint(a[0], b[0]));
  return { score: sigmoid(z), words: up.slice(0, 5).map(([f]) => f) };
}

/**
 * The threshold that flags at most `maxRate` of the ordinary requests' scores: the lowest score
 * above all but ⌊maxRate·n⌋ of them, rounded up to four decimals (so the count flagged never grows).
 * A request is flagged when its score is at least the threshold.
 */
export function thresholdFor(ordinaryScores: readonly number[], maxRate: number): number {
  const s = [...ordinaryScores].sort((a, b) => b - a);
  const allowed = Math.floor(maxRate * s.length);
  const highestKept = s[allowed] ?? 0;
  return Math.min(1, Math.ceil((highestKept + 1e-9) * 1e4) / 1e4);
}
