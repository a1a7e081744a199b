/**
 * The `yaml` package for the product's code (the compiler's parse phase, the state summary
 * of `claude status`, plan reviews, certificates), loaded from generated/yaml.cjs: the
 * package's own CommonJS build joined into one file by `npm run generate`
 * (scripts/gen-yaml-bundle.mjs), code unchanged. Loading one file instead of yaml's 72 saves
 * ~15 ms of `claude validate`'s cold start, and more in `claude status` and `claude plan`,
 * which used to load the package beside it (docs/compiler.md, "Performance"). Use
 * `loadYaml()` at call time rather than `import … from 'yaml'` (type imports are fine). Falls back to the package when the file is missing. Nodes made by either copy
 * are told apart by yaml's `Symbol.for` markers, so `isMap` and the rest work across both.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type * as YamlApi from 'yaml';
import { packageRoot } from './paths.js';

const require = createRequire(import.meta.url);

let loaded: typeof YamlApi | undefined;
let loader: (() => typeof YamlApi) | undefined;

/**
 * Hands in how to load the yaml module: the cold-start bundles (cli/cold.ts) load
 * generated/yaml.cjs from their own part file with its code cache, on first use only.
 */
export function useYaml(load: () => typeof YamlApi): void {
  loader = load;
  loaded = undefined;
}

/** The yaml module (the bundled copy when present). */
export function loadYaml(): typeof YamlApi {
  if (loaded) return loaded;
  if (loader) return (loaded = loader());
  const file = join(packageRoot(), 'generated', 'yaml.cjs');
  loaded = (existsSync(file) ? require(file) : require('yaml')) as typeof YamlApi;
  return loaded;
}

/**
 * The values the compiler's parse phase made of the last few state-file texts, so that the
 * plan review (plan/review.ts) does not parse the same text a second time: at 10,000 services
 * that second parse of a 5.9 MB services.yaml took as long as the compiler's own. Keyed by the
 * whole text, so a value is only reused for exactly the text it was made from; at most
 * PARSED_KEPT entries, the oldest dropped first, and a value the process no longer holds
 * elsewhere may be collected (WeakRef).
 */
const parsedValues = new Map<string, WeakRef<object>>();
const PARSED_KEPT = 6;

export function rememberParsed(text: string, value: object): void {
  parsedValues.delete(text);
  parsedValues.set(text, new WeakRef(value));
  while (parsedValues.size > PARSED_KEPT) parsedValues.delete(parsedValues.keys().next().value!);
}

/** The value the compiler parsed from exactly `text`, while it is still held; else undefined. */
export function parsedValueOf(text: string): unknown {
  return parsedValues.get(text)?.deref();
}
