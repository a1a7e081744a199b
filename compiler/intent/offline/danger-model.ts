/**
 * The danger model (round 37, issue 22): a second opinion on a request the regex guards let
 * through, a logistic regression over the request's words and word pairs (danger-features.ts)
 * trained at build time on the eval corpus (`npm run train:danger`, scripts/train-danger.mjs,
 * from testutil/danger-corpus.ts with danger-train.ts) and committed as
 * generated/danger-model.json. It reads the request only: not the state, not the conversation.
 *
 * `dangerScore` gives a score from 0 to 1 and the features that raised it most (for the reply);
 * a request scoring at least `DANGER_THRESHOLD` is judged dangerous. The threshold was chosen by
 * leave-one-set-out over held-out 20–30 and para-22–29 so that at most 0.5 % of their ordinary
 * requests are flagged (docs/intent.md "The danger model (round 37)"); training writes it into
 * the model file too, and danger-model.test.ts checks that the two agree.
 *
 * Must not: train, read the corpus or the catalog (the product names come with the model), or
 * decide a refusal by itself (the engine does, after its guards).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../../common/paths.js';
import { scoreWith, type DangerWeights } from './danger-train.js';

export interface DangerJudgement {
  /** 0..1: how dangerous the request reads. */
  score: number;
  /** The features that pushed the score up most, heaviest first (words, `a_b` pairs, `~word` negated, `<placeholders>`). */
  words: string[];
}

/** The committed file: the weights and how they were made. */
export interface DangerModelFile extends DangerWeights {
  version: 1;
  /** The threshold chosen by leave-one-set-out (equal to DANGER_THRESHOLD). */
  threshold: number;
  /** What it was trained on: sha256 of the sorted examples and product names, the counts, the sources. */
  corpus: { sha256: string; dangerous: number; ordinary: number; sources: string[] };
  /** The leave-one-set-out figures at the threshold, pooled over the left-out sets. */
  loso: { sets: string[]; ordinary: number; flagged: number; dangerous: number; caught: number };
}

/** At least this score is judged dangerous (the model file's `threshold`; see above). */
export const DANGER_THRESHOLD = 0.5842;

export const dangerModelPath = (): string => join(packageRoot(), 'generated', 'danger-model.json');

let loaded: { model: DangerModelFile; products: ReadonlySet<string> } | undefined;

/** Reads a model file (the committed one by default). */
export function loadDangerModel(path: string = dangerModelPath()): DangerModelFile {
  const m = JSON.parse(readFileSync(path, 'utf8')) as DangerModelFile;
  if (m.version !== 1 || typeof m.bias !== 'number' || typeof m.weights !== 'object' || !Array.isArray(m.products)) throw new Error(`${path}: not a danger model (version 1); run npm run train:danger`);
  return m;
}

/** How dangerous a request reads to the committed model (loaded once, on the first call). */
export function dangerScore(message: string): DangerJudgement {
  if (!loaded) {
    const model = loadDangerModel();
    loaded = { model, products: new Set(model.products) };
  }
  return scoreWith(loaded.model, loaded.products, message);
}
