/**
 * The entry of the cold-start bundles: dist/bundle/cold/<command>.cjs for `validate`, `status`
 * and `plan`, whose start-up is measured against `node -e 0` (docs/compiler.md, "Performance").
 *
 * `npm run build` (scripts/cold-bundle.mjs) bundles this module with one command, the yaml
 * copy (generated/yaml.cjs) and the standalone validators (generated/validators.cjs) into one
 * CommonJS file, then loads it once, compiles a state dir with it and saves V8's code cache of
 * everything that ran (`<command>.cache`). bin/claude loads that file with the cache
 * (bin/cold.cjs): one file read instead of dozens of ES modules, and no JavaScript compiled
 * before it runs. It runs the same `run()` as dist/cli/main.js.
 */
import type * as YamlApi from 'yaml';
import { useYaml } from '../common/yaml.js';
import { useBundledValidators, type ValidatorFactory } from '../compiler/validators.js';
import { compileFiles } from '../compiler/compile.js';
import { useBundleFile } from '../compiler/compile-cache.js';

export { run } from './main.js';

export interface BundledParts {
  /** generated/yaml.cjs */
  yaml: typeof YamlApi;
  /** generated/validators.cjs */
  validatorFactory: ValidatorFactory;
  /** ajv-formats/dist/formats */
  fullFormats: Record<string, unknown>;
  /** The bundle's own file: its stat keys the compiled-state cache (compiler/compile-cache.ts). */
  file: string;
}

/** Called by the bundle when it is loaded: the parts it carries replace the files they come from. */
export function useBundled(parts: BundledParts): void {
  useYaml(parts.yaml);
  useBundledValidators(parts.validatorFactory, parts.fullFormats);
  useBundleFile(parts.file);
}

/**
 * Called by the build only, before it saves the code cache: compiles a valid state (file name
 * → text) so that the compiler's functions are compiled and land in the cache.
 */
export function warmUp(files: Record<string, string>): void {
  const r = compileFiles(files);
  if (!r.model) throw new Error(`the cold-start warm-up state does not compile: ${r.diagnostics[0]?.message ?? 'no model'}`);
}
