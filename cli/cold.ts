/**
 * The entry of the cold-start bundles: dist/bundle/cold/<command>.cjs for `validate`, `status`
 * and `plan`, whose start-up is measured against `node -e 0` (docs/compiler.md, "Performance"),
 * and `apply`, whose start-up is on a single service's way to serving (docs/runtime.md).
 *
 * `npm run build` (scripts/cold-bundle.mjs) bundles this module with one command into one
 * CommonJS file, and the yaml copy (generated/yaml.cjs) and the standalone validators
 * (generated/validators.cjs, with ajv-formats' formats) into two part files beside it
 * (`part-yaml.cjs`, `part-validators.cjs`), loaded only when first used: a command served from
 * the compiled-state cache (compiler/compile-cache.ts) reads neither (0.48 of validate's 0.63
 * MB). The build then loads the bundle once, compiles a state dir with it and saves V8's code
 * cache of everything that ran beside each file (`<name>.cache`). bin/claude loads the bundle
 * with its cache (bin/cold.cjs), and the bundle its parts the same way: a few file reads
 * instead of dozens of ES modules, and no JavaScript compiled before it runs. It runs the same
 * `run()` as dist/cli/main.js.
 */
import type * as YamlApi from 'yaml';
import { useYaml } from '../common/yaml.js';
import { useBundledValidators, type BundledValidators } from '../compiler/validators.js';
import { compileFiles } from '../compiler/compile.js';
import { useBundleFiles } from '../compiler/compile-cache.js';

export { run } from './main.js';

export interface BundledParts {
  /** Loads part-yaml.cjs: generated/yaml.cjs */
  yaml: () => typeof YamlApi;
  /** Loads part-validators.cjs: generated/validators.cjs and ajv-formats/dist/formats */
  validators: () => BundledValidators;
  /** The bundle's own file and its part files: their stat keys the compiled-state cache (compiler/compile-cache.ts). */
  files: string[];
}

/** Called by the bundle when it is loaded: its parts replace the files they come from. */
export function useBundled(parts: BundledParts): void {
  useYaml(parts.yaml);
  useBundledValidators(parts.validators);
  useBundleFiles(parts.files);
}

/**
 * Called by the build only, before it saves the code caches: compiles a valid state (file name
 * → text) so that the compiler's functions are compiled and land in the caches.
 */
export function warmUp(files: Record<string, string>): void {
  const r = compileFiles(files);
  if (!r.model) throw new Error(`the cold-start warm-up state does not compile: ${r.diagnostics[0]?.message ?? 'no model'}`);
}
