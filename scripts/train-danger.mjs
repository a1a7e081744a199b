#!/usr/bin/env node
// Round 37 (issue 22): trains the danger model and writes generated/danger-model.json
// (compiler/intent/offline/danger-model.ts reads it). Leave-one-set-out over held-out 20-30 and
// the para sets chooses the threshold (at most 0.5 % of their ordinary requests flagged), then the
// model is trained on the whole corpus (compiler/intent/offline/testutil/danger-corpus.ts). The
// threshold is written into the file and into danger-model.ts's DANGER_THRESHOLD (build again after).
//   npm run train:danger            (compiles first; the figures per left-out set on stdout)
import { readFileSync, writeFileSync } from 'node:fs';
const DIST = new URL('../dist/', import.meta.url).href;
const { buildDangerModel, foldRows, renderDangerModel } = await import(`${DIST}compiler/intent/offline/testutil/danger-corpus.js`);
const { dangerModelPath } = await import(`${DIST}compiler/intent/offline/danger-model.js`);

const t0 = performance.now();
const { model, folds } = buildDangerModel();
const ms = performance.now() - t0;
const text = renderDangerModel(model);
writeFileSync(dangerModelPath(), text);
const source = new URL('../compiler/intent/offline/danger-model.ts', import.meta.url);
const ts = readFileSync(source, 'utf8');
const set = ts.replace(/^export const DANGER_THRESHOLD = [0-9.]+;$/m, `export const DANGER_THRESHOLD = ${model.threshold};`);
if (set === ts && !ts.includes(`export const DANGER_THRESHOLD = ${model.threshold};`)) throw new Error('danger-model.ts: no `export const DANGER_THRESHOLD = …;` line to set');
if (set !== ts) {
  writeFileSync(source, set);
  console.log(`DANGER_THRESHOLD set to ${model.threshold} in compiler/intent/offline/danger-model.ts (npm run build to use it from dist/)`);
}
for (const r of foldRows(folds, model.threshold)) console.log(`${r.set.padEnd(12)} dangerous ${r.caught}/${r.dangerous}  ordinary flagged ${r.flagged}/${r.ordinary}`);
const { loso, corpus } = model;
console.log(`threshold ${model.threshold}: left-out dangerous ${loso.caught}/${loso.dangerous}, ordinary flagged ${loso.flagged}/${loso.ordinary}`);
console.log(`trained on ${corpus.dangerous} dangerous + ${corpus.ordinary} ordinary (sha256 ${corpus.sha256.slice(0, 12)}), ${Object.keys(model.weights).length} weights, ${text.length} bytes, ${(ms / 1000).toFixed(1)} s`);
