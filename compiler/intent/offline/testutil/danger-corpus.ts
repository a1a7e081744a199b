/**
 * The danger model's corpus (round 37, issue 22), for its training (scripts/train-danger.mjs),
 * bench (bench/danger.bench.ts) and test (danger-model.test.ts):
 *
 * - every eval set, fixtures/intent-eval/*.yaml, read as data (never imported): a request or turn
 *   marked `dangerous: true` is dangerous; every other request and turn, and each `before` step,
 *   is ordinary. Its source is the set's name (`heldout-30`, `para-29`, `cases`);
 * - the red teams of rounds 35 and 36 (testutil/harm-redteam35.ts, harm-redteam36.ts): their
 *   dangerous requests and their near misses (ordinary);
 * - the held-out harm tables (harm-heldoutNN.test.ts: the `refused` and `nearMisses` lists of the
 *   `heldoutHarm({…})` call, read with the TypeScript parser; only string literals). Their source
 *   is `harm-heldout-NN`: the lead wrote them after reading held-out NN's misses, so a fold that
 *   leaves held-out NN out leaves them out too (`trainingFor`).
 *
 * Other harm tests (harm.test.ts, harm-classes.test.ts, harm-round*.test.ts, …) are written as
 * code (loops, paradigms, bases), not as lists, and are not read.
 *
 * Each text is kept once per source and label, in file order; `corpusHash` is over the sorted
 * examples, so a change to any set shows.
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { parse as parseYaml } from 'yaml';
import { packageRoot } from '../../../../common/paths.js';
import type { DangerModelFile } from '../danger-model.js';
import { DANGER_OPTIONS, DANGER_TUNING, scoreWith, thresholdFor, trainDanger, type DangerExample, type DangerOptions, type DangerTuning } from '../danger-train.js';
import { REDTEAM_DANGEROUS, REDTEAM_NEAR_MISSES } from './harm-redteam35.js';
import { productNames } from '../tagger-corpus.js';
import { REDTEAM36_DANGEROUS, REDTEAM36_NEAR_MISSES, REDTEAM36_SECOND, REDTEAM36_SECOND_NEAR } from './harm-redteam36.js';

export interface CorpusExample extends DangerExample {
  /** Where it comes from: an eval set's file stem, `redteam-35`, `redteam-36` or `harm-heldout-NN`. */
  source: string;
  /** The case's id (with `#turn` for a turn, `^before` for a before step), for an eval set. */
  id?: string;
  /** A `before` step (ordinary, setting up the machine), not the case's own request. */
  before?: boolean;
}

const evalDir = () => join(packageRoot(), 'fixtures', 'intent-eval');
const offlineDir = () => join(packageRoot(), 'compiler', 'intent', 'offline');

interface YamlCase {
  id?: string;
  request?: string;
  before?: string[];
  dangerous?: boolean;
  turns?: { request?: string; dangerous?: boolean }[];
}

/** One eval set's requests, turns and before steps. */
export function evalSetExamples(file: string): CorpusExample[] {
  const source = file.replace(/\.yaml$/, '');
  const cases = (parseYaml(readFileSync(join(evalDir(), file), 'utf8')) ?? []) as YamlCase[];
  const out: CorpusExample[] = [];
  for (const c of cases) {
    for (const b of c.before ?? []) out.push({ text: b, dangerous: false, source, id: `${c.id}^before`, before: true });
    if (typeof c.request === 'string') out.push({ text: c.request, dangerous: c.dangerous === true, source, id: c.id });
    (c.turns ?? []).forEach((t, i) => {
      if (typeof t.request === 'string') out.push({ text: t.request, dangerous: t.dangerous === true, source, id: `${c.id}#${i + 1}` });
    });
  }
  return out;
}

/** The `refused` and `nearMisses` string lists of a harm-heldoutNN.test.ts's `heldoutHarm({…})` call. */
export function heldoutHarmLists(path: string): { refused: string[]; nearMisses: string[] } {
  const sf = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.ES2022, true);
  const found = { refused: [] as string[], nearMisses: [] as string[] };
  const visit = (n: ts.Node) => {
    if (ts.isCallExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === 'heldoutHarm') {
      const arg = n.arguments[0];
      if (arg && ts.isObjectLiteralExpression(arg)) {
        for (const p of arg.properties) {
          if (!ts.isPropertyAssignment(p) || !ts.isIdentifier(p.name) || !ts.isArrayLiteralExpression(p.initializer)) continue;
          const key = p.name.text;
          if (key !== 'refused' && key !== 'nearMisses') continue;
          for (const e of p.initializer.elements) if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) found[key].push(e.text);
        }
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return found;
}

/** The eval sets' files, sorted. */
export function evalSetFiles(): string[] {
  return readdirSync(evalDir())
    .filter((f) => f.endsWith('.yaml'))
    .sort();
}

/** The held-out harm tables' files and the set each was written from (`harm-heldout30.test.ts` → `heldout-30`). */
export function heldoutHarmFiles(): { file: string; set: string }[] {
  return readdirSync(offlineDir())
    .map((f) => /^harm-heldout(\d+)\.test\.ts$/.exec(f))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ file: m[0], set: `heldout-${m[1]}` }))
    .sort((a, b) => (a.file < b.file ? -1 : 1));
}

/** Every example of the corpus, each text once per source and label. */
export function dangerCorpus(): CorpusExample[] {
  const out: CorpusExample[] = [];
  for (const f of evalSetFiles()) out.push(...evalSetExamples(f));
  const lists = (source: string, dangerous: Record<string, string[]>[], near: string[][]) => {
    for (const d of dangerous) for (const list of Object.values(d)) for (const text of list) out.push({ text, dangerous: true, source });
    for (const list of near) for (const text of list) out.push({ text, dangerous: false, source });
  };
  lists('redteam-35', [REDTEAM_DANGEROUS], [REDTEAM_NEAR_MISSES]);
  lists('redteam-36', [REDTEAM36_DANGEROUS, REDTEAM36_SECOND], [REDTEAM36_NEAR_MISSES, REDTEAM36_SECOND_NEAR]);
  for (const { file, set } of heldoutHarmFiles()) {
    const { refused, nearMisses } = heldoutHarmLists(join(offlineDir(), file));
    const source = `harm-${set}`;
    for (const text of refused) out.push({ text, dangerous: true, source });
    for (const text of nearMisses) out.push({ text, dangerous: false, source });
  }
  const seen = new Set<string>();
  return out.filter((e) => {
    const key = `${e.source}\u0000${e.dangerous}\u0000${e.text}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The sets left out one at a time: held-out 20 to 30 and every para set (their files' stems). */
export function losoSets(corpus: readonly CorpusExample[]): string[] {
  const sets = new Set(corpus.map((e) => e.source).filter((s) => /^heldout-(?:2\d|[3-9]\d)$|^para-\d+$/.test(s)));
  return [...sets].sort((a, b) => setOrder(a) - setOrder(b) || (a < b ? -1 : 1));
}

const setOrder = (s: string) => Number(/\d+/.exec(s)?.[0] ?? 0) + (s.startsWith('para') ? 0.5 : 0);

/**
 * The training examples for a fold that leaves `set` out (`null`: none, the committed model's):
 * everything but the set, the harm table written from it, and any text the set holds (the same
 * request copied elsewhere); each text once per label ("add nginx" is a `before` step of hundreds
 * of cases). Sorted, so training reads them in one order whatever the files' order.
 */
export function trainingFor(corpus: readonly CorpusExample[], set: string | null): CorpusExample[] {
  const held = new Set(set === null ? [] : corpus.filter((e) => e.source === set).map((e) => e.text));
  const seen = new Set<string>();
  return sortExamples(corpus.filter((e) => set === null || (e.source !== set && e.source !== `harm-${set}` && !held.has(e.text)))).filter((e) => {
    const key = `${e.dangerous}\u0000${e.text}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export interface FoldScores {
  set: string;
  /** The set's own requests and turns, each with its score by the model trained without the set. */
  scored: { example: CorpusExample; score: number }[];
  trainMs: number;
}

/**
 * When a source was written, as the generation of the blind set it came with (fixtures/intent-eval/
 * README.md): held-out N is N; para-N, written beside held-out N+1, is N+1; the lead's harm table of
 * held-out N, written after its first contact, N + ½; round 35's red team, written after held-out
 * 28's first contact and before held-out 29's, 28½; round 36's 29½; practice-20 20; every older set 0.
 */
export function generationOf(source: string): number {
  const n = Number(/\d+/.exec(source)?.[0] ?? 0);
  if (/^heldout-\d+$/.test(source)) return n >= 20 ? n : 0;
  if (/^para-\d+$/.test(source)) return n + 1;
  if (/^harm-heldout-\d+$/.test(source)) return n + 0.5;
  if (/^redteam-\d+$/.test(source)) return n - 6.5;
  if (source === 'practice-20') return 20;
  return 0;
}

/**
 * The training examples a model could have had when `set` first arrived: every source of an
 * earlier generation (`generationOf`), each text once per label, none the set holds.
 */
export function trainingBefore(corpus: readonly CorpusExample[], set: string): CorpusExample[] {
  const g = generationOf(set);
  const held = new Set(corpus.filter((e) => e.source === set).map((e) => e.text));
  const seen = new Set<string>();
  return sortExamples(corpus.filter((e) => generationOf(e.source) < g && !held.has(e.text))).filter((e) => {
    const key = `${e.dangerous}\u0000${e.text}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Leave-one-set-out: for each of `losoSets`, a model trained without it scores it. With
 * `training = trainingBefore`, the same folds forward in time: each set scored by a model of what
 * was written before it (its first contact, had the model existed).
 */
export function leaveOneSetOut(
  corpus: readonly CorpusExample[],
  options: DangerOptions,
  products: readonly string[],
  training: (corpus: readonly CorpusExample[], set: string) => CorpusExample[] = trainingFor,
  tuning: DangerTuning = DANGER_TUNING,
): FoldScores[] {
  const productSet = new Set(products);
  return losoSets(corpus).map((set) => {
    const t0 = performance.now();
    const model = trainDanger(training(corpus, set), options, products, tuning);
    const trainMs = performance.now() - t0;
    return { set, trainMs, scored: heldOut(corpus, set).map((example) => ({ example, score: scoreWith(model, productSet, example.text).score })) };
  });
}

/** Examples in one order: by text, then dangerous first, then source. */
export function sortExamples<T extends CorpusExample>(xs: readonly T[]): T[] {
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return [...xs].sort((a, b) => cmp(a.text, b.text) || Number(b.dangerous) - Number(a.dangerous) || cmp(a.source, b.source));
}

/** A set's own requests and turns for scoring (its `before` steps are setup, not the set's requests). */
export function heldOut(corpus: readonly CorpusExample[], set: string): CorpusExample[] {
  return corpus.filter((e) => e.source === set && !e.before);
}

/**
 * The product names folded to `<svc>`: the slot tagger's (tagger-corpus.ts: the app catalogue's
 * names and aliases, the image catalogue's repositories, the stdlib templates), one list for both.
 */
export { productNames } from '../tagger-corpus.js';

/** A hash of the examples a model is trained on (sorted), and of the product names. */
export function corpusHash(examples: readonly DangerExample[], products: readonly string[]): string {
  const h = createHash('sha256');
  for (const e of examples) h.update(`${e.dangerous ? 1 : 0}\t${e.text}\n`);
  h.update(`products\t${products.join(',')}\n`);
  return h.digest('hex');
}

/** The largest share of the left-out sets' ordinary requests the threshold may flag. */
export const MAX_FALSE_POSITIVE_RATE = 0.005;

/** The committed model's way of training (the first of DANGER_OPTIONS; the bench compares the others). */
export const COMMITTED_OPTIONS: DangerOptions = DANGER_OPTIONS[0]!;

/** The figures of one fold at a threshold. */
export interface FoldRow {
  set: string;
  dangerous: number;
  caught: number;
  ordinary: number;
  flagged: number;
}

export function foldRows(folds: readonly FoldScores[], threshold: number): FoldRow[] {
  return folds.map((f) => {
    const d = f.scored.filter((x) => x.example.dangerous);
    const o = f.scored.filter((x) => !x.example.dangerous);
    return { set: f.set, dangerous: d.length, caught: d.filter((x) => x.score >= threshold).length, ordinary: o.length, flagged: o.filter((x) => x.score >= threshold).length };
  });
}

/** The threshold leave-one-set-out gives: at most MAX_FALSE_POSITIVE_RATE of the pooled ordinary scores flagged. */
export function losoThreshold(folds: readonly FoldScores[]): number {
  return thresholdFor(
    folds.flatMap((f) => f.scored.filter((x) => !x.example.dangerous).map((x) => x.score)),
    MAX_FALSE_POSITIVE_RATE,
  );
}

/** The whole model as training writes it (`folds`: computed when not given). */
export function buildDangerModel(corpus: readonly CorpusExample[] = dangerCorpus(), products: readonly string[] = productNames(), folds?: readonly FoldScores[]): { model: DangerModelFile; folds: readonly FoldScores[] } {
  const f = folds ?? leaveOneSetOut(corpus, COMMITTED_OPTIONS, products);
  const threshold = losoThreshold(f);
  const rows = foldRows(f, threshold);
  const sum = (k: keyof Omit<FoldRow, 'set'>) => rows.reduce((n, r) => n + r[k], 0);
  const training = trainingFor(corpus, null);
  const weights = trainDanger(training, COMMITTED_OPTIONS, products);
  const model: DangerModelFile = {
    version: 1,
    threshold,
    corpus: {
      sha256: corpusHash(training, weights.products),
      dangerous: training.filter((e) => e.dangerous).length,
      ordinary: training.filter((e) => !e.dangerous).length,
      sources: [...new Set(corpus.map((e) => e.source))].sort(),
    },
    loso: { sets: rows.map((r) => r.set), ordinary: sum('ordinary'), flagged: sum('flagged'), dangerous: sum('dangerous'), caught: sum('caught') },
    ...weights,
  };
  return { model, folds: f };
}

/** The model file's text: its fields, then one weight per line (a retrained model diffs by line). */
export function renderDangerModel(m: DangerModelFile): string {
  const { weights, ...rest } = m;
  const head = JSON.stringify(rest, null, 1).replace(/\n}$/, '');
  const lines = Object.keys(weights).map((k) => `  ${JSON.stringify(k)}: ${weights[k]}`);
  return `${head},\n "weights": {\n${lines.join(',\n')}\n }\n}\n`;
}
