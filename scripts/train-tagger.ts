/**
 * `npm run train:tagger`: trains the slot tagger (compiler/intent/offline/tagger.ts) on the eval
 * sets (tagger-corpus.ts) and writes generated/intent-tagger.json; prints the corpus's figures,
 * the training time and the model's size. Same corpus, same file, byte for byte
 * (tagger.test.ts checks the committed one).
 */
import { writeFileSync } from 'node:fs';
import { corpusHash, corpusStats, loadCorpus, productNames } from '../compiler/intent/offline/tagger-corpus.js';
import { TAGGER_EPOCHS, TAGGER_MODEL_PATH, TAGGER_PRUNE, serializeModel, train } from '../compiler/intent/offline/tagger.js';

const t0 = performance.now();
const corpus = loadCorpus();
const products = productNames();
const stats = corpusStats(corpus);
const t1 = performance.now();
const model = train(corpus, { context: true, epochs: TAGGER_EPOCHS, prune: TAGGER_PRUNE, products, corpus: corpusHash(corpus, products) });
const t2 = performance.now();
const text = serializeModel(model);
writeFileSync(TAGGER_MODEL_PATH(), text);
console.log(`corpus: ${stats.requests} requests (${stats.withSpans} with a slot), ${stats.tokens} tokens (${stats.unknown} of them not known); spans: ${Object.entries(stats.spans).map(([k, n]) => `${k} ${n}`).join(', ')} (read and labelled in ${((t1 - t0) / 1000).toFixed(1)} s)`);
console.log(`trained in ${((t2 - t1) / 1000).toFixed(1)} s (${TAGGER_EPOCHS} epochs): ${Object.keys(model.weights).length} features, ${(text.length / 1024).toFixed(0)} KiB → ${TAGGER_MODEL_PATH()}`);
