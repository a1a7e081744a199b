/**
 * The danger model (round 37, issue 22; compiler/intent/offline/danger-model.ts), on demand:
 *
 * 1. the training options side by side (danger-train.ts DANGER_OPTIONS: logistic regression and
 *    naive Bayes, with and without word pairs), each by leave-one-set-out over held-out 20–30 and
 *    para-22–29 (testutil/danger-corpus.ts): its threshold at ≤ 0.5 % of the left-out ordinary
 *    requests flagged, the left-out dangerous requests caught, the recorded first-contact misses
 *    caught (a set's dangerous requests the lead copied into harm-heldoutNN.test.ts after it), and
 *    the training time per fold;
 * 2. the committed option per left-out set;
 * 3. the real engine (runOfflineEngine, with each case's `before` steps and a conversation's earlier
 *    turns, as the eval runs it) on every dangerous request of the left-out sets: those it does not
 *    refuse, and which of them the model of that fold catches; and on the ordinary requests the
 *    model flags: those the engine plans (a refusal the model would add) or refuses already;
 * 4. the committed model: its file's size, loading, scoring time per request.
 *
 *   npm run build && npm run bench -- danger      (or node dist/bench/danger.bench.js [--no-engine])
 *
 * Reads the eval sets as data (never imports fixtures/).
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { packageRoot } from '../common/paths.js';
import { filesAfterProposal } from '../compiler/intent/generated-secrets.js';
import { dangerModelPath, dangerScore, loadDangerModel, DANGER_THRESHOLD } from '../compiler/intent/offline/danger-model.js';
import { DANGER_OPTIONS, optionName, trainDanger } from '../compiler/intent/offline/danger-train.js';
import { runOfflineEngine } from '../compiler/intent/offline/engine.js';
import type { ConversationTurn, StateFiles } from '../compiler/intent/provider.js';
import {
  COMMITTED_OPTIONS,
  dangerCorpus,
  foldRows,
  leaveOneSetOut,
  losoThreshold,
  productNames,
  trainingBefore,
  trainingFor,
  type CorpusExample,
  type FoldScores,
} from '../compiler/intent/offline/testutil/danger-corpus.js';
import { loadImageCatalog } from '../stdlib-templates/images/catalog.js';
import { loadNow, median } from './common.js';

const noEngine = process.argv.includes('--no-engine');
const pct = (n: number, d: number) => `${((100 * n) / Math.max(1, d)).toFixed(1)} %`;

console.log(`danger model bench, load ${loadNow().text}`);
let t0 = performance.now();
const corpus = dangerCorpus();
const products = productNames();
console.log(`corpus: ${corpus.length} examples read in ${(performance.now() - t0).toFixed(0)} ms (${corpus.filter((e) => e.dangerous).length} dangerous), ${new Set(corpus.map((e) => e.source)).size} sources`);

/** The recorded first-contact misses of a set: its dangerous requests the lead copied into harm-heldoutNN.test.ts. */
const recorded = (set: string) => new Set(corpus.filter((e) => e.source === `harm-${set}` && e.dangerous).map((e) => e.text));

// 1. The options side by side.
console.log('\n## Options, leave-one-set-out (threshold: at most 0.5 % of the left-out ordinary requests flagged)\n');
console.log('| option | threshold | left-out dangerous caught | ordinary flagged | recorded first-contact misses caught | training per fold (median) |');
console.log('|---|---|---|---|---|---|');
let committedFolds: FoldScores[] = [];
for (const o of DANGER_OPTIONS) {
  const folds = leaveOneSetOut(corpus, o, products);
  if (o === COMMITTED_OPTIONS) committedFolds = folds;
  const thr = losoThreshold(folds);
  const rows = foldRows(folds, thr);
  const d = rows.reduce((n, r) => n + r.dangerous, 0), c = rows.reduce((n, r) => n + r.caught, 0);
  const ord = rows.reduce((n, r) => n + r.ordinary, 0), fl = rows.reduce((n, r) => n + r.flagged, 0);
  const firsts = folds.flatMap((f) => f.scored.filter((x) => x.example.dangerous && recorded(f.set).has(x.example.text)));
  console.log(`| ${optionName(o)}${o === COMMITTED_OPTIONS ? ' (committed)' : ''} | ${thr} | ${c}/${d} = ${pct(c, d)} | ${fl}/${ord} = ${pct(fl, ord)} | ${firsts.filter((x) => x.score >= thr).length}/${firsts.length} | ${median(folds.map((f) => f.trainMs)).toFixed(0)} ms |`);
}

// 1b. The same folds forward in time: each set scored by a model of what was written before it.
console.log('\n## Options, forward in time (each left-out set scored by a model trained only on what was written before it; its own threshold by the same rule)\n');
console.log('| option | threshold | dangerous caught | ordinary flagged | recorded first-contact misses caught |');
console.log('|---|---|---|---|---|');
let forwardFolds: FoldScores[] = [];
for (const o of DANGER_OPTIONS) {
  const folds = leaveOneSetOut(corpus, o, products, trainingBefore);
  if (o === COMMITTED_OPTIONS) forwardFolds = folds;
  const t = losoThreshold(folds);
  const rows = foldRows(folds, t);
  const d = rows.reduce((n, r) => n + r.dangerous, 0), c = rows.reduce((n, r) => n + r.caught, 0);
  const ord = rows.reduce((n, r) => n + r.ordinary, 0), fl = rows.reduce((n, r) => n + r.flagged, 0);
  const firsts = folds.flatMap((f) => f.scored.filter((x) => x.example.dangerous && recorded(f.set).has(x.example.text)));
  console.log(`| ${optionName(o)}${o === COMMITTED_OPTIONS ? ' (committed)' : ''} | ${t} | ${c}/${d} = ${pct(c, d)} | ${fl}/${ord} = ${pct(fl, ord)} | ${firsts.filter((x) => x.score >= t).length}/${firsts.length} |`);
}
const fwdThr = losoThreshold(forwardFolds);

// 2. The committed option per set.
const thr = losoThreshold(committedFolds);
console.log(`\n## ${optionName(COMMITTED_OPTIONS)}, per left-out set (threshold ${thr}; the committed file says ${DANGER_THRESHOLD})\n`);
console.log(`| left out | trained on (leave one out / forward in time) | dangerous caught | ordinary flagged | recorded first-contact misses caught | forward in time (threshold ${fwdThr}): dangerous | ordinary | recorded misses |`);
console.log('|---|---|---|---|---|---|---|---|');
const fwdRows = foldRows(forwardFolds, fwdThr);
for (const r of foldRows(committedFolds, thr)) {
  const f = committedFolds.find((x) => x.set === r.set)!;
  const fw = forwardFolds.find((x) => x.set === r.set)!;
  const fr = fwdRows.find((x) => x.set === r.set)!;
  const firsts = (ff: FoldScores, t: number) => {
    const xs = ff.scored.filter((x) => x.example.dangerous && recorded(ff.set).has(x.example.text));
    return xs.length ? `${xs.filter((x) => x.score >= t).length}/${xs.length}` : '–';
  };
  console.log(`| ${r.set} | ${trainingFor(corpus, r.set).length} / ${trainingBefore(corpus, r.set).length} | ${r.caught}/${r.dangerous} | ${r.flagged}/${r.ordinary} | ${firsts(f, thr)} | ${fr.caught}/${fr.dangerous} | ${fr.flagged}/${fr.ordinary} | ${firsts(fw, fwdThr)} |`);
}
const firstMisses = committedFolds.flatMap((f) => f.scored.filter((x) => x.example.dangerous && recorded(f.set).has(x.example.text)).map((x) => ({ set: f.set, ...x })));
console.log('\nrecorded first-contact misses (score by the model trained without the set; forward in time):');
for (const x of firstMisses) {
  const fw = forwardFolds.find((f) => f.set === x.set)!.scored.find((y) => y.example.text === x.example.text)!.score;
  console.log(`  ${x.score >= thr ? 'caught' : 'missed'} ${x.score.toFixed(3)}; ${fw >= fwdThr ? 'caught' : 'missed'} ${fw.toFixed(3)} [${x.set}] ${x.example.text}`);
}
console.log('\nordinary requests flagged (left out):');
for (const f of committedFolds) for (const x of f.scored) if (!x.example.dangerous && x.score >= thr) console.log(`  ${x.score.toFixed(3)} [${f.set} ${x.example.id}] ${x.example.text}`);

// 3. The real engine on the left-out sets.
interface YamlCase {
  id: string;
  request?: string;
  before?: string[];
  dangerous?: boolean;
  turns?: { request: string; dangerous?: boolean }[];
}
const NOW = new Date('2026-01-01T00:00:00Z');
const catalog = Object.fromEntries(Object.entries(loadImageCatalog().aliases).map(([k, v]) => [k, v.image]));

/** Runs a case as the eval does (before steps each a conversation of their own, then the request or the turns); the result of each of its own steps. */
function runCase(c: YamlCase, wanted: (i: number) => boolean): { refused: boolean; changed: boolean }[] {
  let files: StateFiles = {};
  let history: ConversationTurn[] = [];
  const secretNames: string[] = [];
  const step = (message: string) => {
    const p = runOfflineEngine({ message, files, history: [...history], secretNames: [...secretNames], imageCatalog: catalog, now: NOW });
    files = filesAfterProposal(files, p, 'encrypted:v1:ZXZhbC1wbGFjZWhvbGRlcg');
    for (const g of p.generatedSecrets ?? []) if (!secretNames.includes(g.name)) secretNames.push(g.name);
    history.push({ role: 'user', text: message }, { role: 'assistant', text: p.explanation });
    return { refused: p.refused !== undefined, changed: Object.keys(p.files).length > 0 };
  };
  for (const b of c.before ?? []) {
    history = [];
    step(b);
  }
  history = [];
  const own = c.turns ? c.turns.map((t) => t.request) : [c.request ?? ''];
  const out: { refused: boolean; changed: boolean }[] = [];
  own.forEach((m, i) => {
    const r = step(m);
    if (wanted(i)) out.push(r);
  });
  return out;
}

if (!noEngine) {
  console.log(`\n## The engine (main, runOfflineEngine) on the left-out sets, and the model of each fold beside it\n`);
  console.log('| left out | dangerous not refused by the engine | of them caught by the model | model-flagged ordinary: planned by the engine (a new false refusal) / refused already |');
  console.log('|---|---|---|---|');
  const scoreOf = (f: FoldScores, text: string) => f.scored.find((x) => x.example.text === text)?.score;
  let missTotal = 0, missCaught = 0, newFalse = 0, already = 0;
  const missLines: string[] = [];
  t0 = performance.now();
  let runs = 0;
  for (const f of committedFolds) {
    const cases = parseYaml(readFileSync(join(packageRoot(), 'fixtures', 'intent-eval', `${f.set}.yaml`), 'utf8')) as YamlCase[];
    let miss = 0, caught = 0, nf = 0, al = 0;
    for (const c of cases) {
      const steps = c.turns ? c.turns.map((t, i) => ({ id: `${c.id}#${i + 1}`, text: t.request, dangerous: t.dangerous === true })) : [{ id: c.id, text: c.request ?? '', dangerous: c.dangerous === true }];
      const flagged = steps.map((s) => !s.dangerous && (scoreOf(f, s.text) ?? 0) >= thr);
      const want = steps.map((s, i) => s.dangerous || flagged[i]!);
      if (!want.some(Boolean)) continue;
      runs++;
      const results = runCase(c, (i) => want[i]!);
      let k = 0;
      steps.forEach((s, i) => {
        if (!want[i]) return;
        const r = results[k++]!;
        const score = scoreOf(f, s.text) ?? 0;
        if (s.dangerous && (!r.refused || r.changed)) {
          miss++;
          if (score >= thr) caught++;
          missLines.push(`  ${score >= thr ? 'caught' : 'missed'} ${score.toFixed(3)} [${f.set} ${s.id}] ${s.text}`);
        }
        if (!s.dangerous) r.refused ? al++ : nf++;
      });
    }
    missTotal += miss;
    missCaught += caught;
    newFalse += nf;
    already += al;
    console.log(`| ${f.set} | ${miss} | ${caught} | ${nf} / ${al} |`);
  }
  console.log(`| all | ${missTotal} | ${missCaught} | ${newFalse} / ${already} |`);
  console.log(`\n(${runs} cases through the engine in ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  console.log('dangerous requests the engine does not refuse:');
  for (const l of missLines) console.log(l);
}

// 4. The committed model.
console.log('\n## The committed model\n');
t0 = performance.now();
const training = trainingFor(corpus, null);
trainDanger(training, COMMITTED_OPTIONS, products);
const trainMs = performance.now() - t0;
t0 = performance.now();
const model = loadDangerModel();
const loadMs = performance.now() - t0;
t0 = performance.now();
dangerScore('warm up: the first call loads the model');
const firstMs = performance.now() - t0;
const texts = corpus.map((e: CorpusExample) => e.text);
const per: number[] = [];
for (let round = 0; round < 3; round++) {
  const s = performance.now();
  for (const m of texts) dangerScore(m);
  per.push(((performance.now() - s) * 1000) / texts.length);
}
console.log(`file ${dangerModelPath().replace(packageRoot() + '/', '')}: ${statSync(dangerModelPath()).size} bytes, ${Object.keys(model.weights).length} weights`);
console.log(`training on the whole corpus (${training.length} examples): ${trainMs.toFixed(0)} ms (leave-one-set-out, ${committedFolds.length} folds: ${committedFolds.reduce((n, f) => n + f.trainMs, 0).toFixed(0)} ms)`);
console.log(`loading (read + JSON.parse): ${loadMs.toFixed(1)} ms; first dangerScore (loads it): ${firstMs.toFixed(1)} ms`);
console.log(`scoring: ${median(per).toFixed(1)} µs per request (median of 3 rounds over the ${texts.length} corpus requests)`);
console.log(`load ${loadNow().text}`);
