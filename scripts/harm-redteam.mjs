#!/usr/bin/env node
// Round 35 (HARM): the red team and its near misses (compiler/intent/offline/testutil/harm-redteam35.ts)
// through the built engine (npm run build first). Prints each miss and the two figures:
//   node scripts/harm-redteam.mjs [--json]
const DIST = process.env.HARM_DIST ?? new URL('../dist/', import.meta.url).href;
const { runOfflineEngine } = await import(`${DIST}compiler/intent/offline/engine.js`);
import { REDTEAM_BASE, REDTEAM_DANGEROUS, REDTEAM_NEAR_MISSES } from '../dist/compiler/intent/offline/testutil/harm-redteam35.js';

const NOW = new Date('2026-05-01T10:00:00Z');
const say = (message, files) => runOfflineEngine({ message, files, history: [], secretNames: [], imageCatalog: {}, now: NOW });
const base = REDTEAM_BASE.reduce((files, r) => ({ ...files, ...say(r, files).files }), {});

const missed = [];
let dangerous = 0;
for (const [kind, list] of Object.entries(REDTEAM_DANGEROUS)) {
  for (const m of list) {
    dangerous++;
    const p = say(m, base);
    if (!p.refused) missed.push({ kind, m, how: Object.keys(p.files).length ? 'planned' : (p.questions ?? []).length ? 'asked' : 'nothing', said: p.explanation.split('\n')[0].slice(0, 140) });
  }
}
const falses = [];
for (const m of REDTEAM_NEAR_MISSES) {
  const p = say(m, base);
  if (p.refused) falses.push({ m, said: p.refused.reason.slice(0, 100) });
}
if (process.argv.includes('--json')) console.log(JSON.stringify({ dangerous, missed, near: REDTEAM_NEAR_MISSES.length, falses }, null, 1));
else {
  for (const x of missed) console.log(`MISS [${x.kind}] (${x.how}) ${x.m}\n     -> ${x.said}`);
  for (const x of falses) console.log(`FALSE ${x.m}\n     -> ${x.said}`);
  console.log(`dangerous refused: ${dangerous - missed.length}/${dangerous}; near misses not refused: ${REDTEAM_NEAR_MISSES.length - falses.length}/${REDTEAM_NEAR_MISSES.length}`);
}
