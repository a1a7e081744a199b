/**
 * The entry of the cold-start bundles: dist/bundle/cold/<command>.cjs for `validate`, `status`
 * and `plan`, whose start-up is measured against `node -e 0` (docs/compiler.md, "Performance"),
 * and `apply`, whose start-up is on a single service's way to serving (docs/runtime.md).
 *
 * `npm run build` (scripts/cold-bundle.mjs) bundles this module with one command into one
 * CommonJS file, and the yaml copy (generated/yaml.cjs) and each schema's standalone validator
 * (generated/validators/<schema>.cjs, with ajv-formats' formats) into part files beside it
 * (`part-yaml.cjs`, `part-validator-<schema>.cjs`), loaded only when first used: a command
 * served from the compiled-state cache (compiler/compile-cache.ts) reads none of them, and one
 * after an edit of services.yaml reads only `part-validator-services.cjs` (and `part-yaml.cjs`
 * when the file is not in the parse's plain subset). The build then loads the bundle once, compiles a state dir with it and saves V8's code
 * cache of everything that ran beside each file (`<name>.cache`). bin/claude loads the bundle
 * with its cache (bin/cold.cjs), and the bundle its parts the same way: a few file reads
 * instead of dozens of ES modules, and no JavaScript compiled before it runs. It runs the same
 * `run()` as dist/cli/main.js. Each file ends with its id and each cache begins with the id of
 * the text it was made from: V8 checks a cache against the source's length only, so a cache
 * with another id is never used (bin/cold.cjs). Code a command takes only on some hosts has a
 * part of its own (`part-status-containerd.cjs`: the containerd backend, which a Docker
 * `status` never runs), whose modules shared with the bundle are the bundle's.
 */
import type * as YamlApi from 'yaml';
import { useYaml } from '../common/yaml.js';
import { useBundledValidators, type BundledValidator, type StateSchemaName } from '../compiler/validators.js';
import { compileFiles } from '../compiler/compile.js';
import { compileStateDirCached, useBundleFiles } from '../compiler/compile-cache.js';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { runWith } from './main.js';
import type { Writable } from 'node:stream';

export { run } from './main.js';

export interface BundledParts {
  /** Loads part-yaml.cjs: generated/yaml.cjs */
  yaml: () => typeof YamlApi;
  /** Loads part-validator-<schema>.cjs: generated/validators/<schema>.cjs and ajv-formats/dist/formats */
  validator: (name: StateSchemaName) => BundledValidator;
  /** The bundle's own file and its part files: their stat keys the compiled-state cache (compiler/compile-cache.ts). */
  files: string[];
}

/** Called by the bundle when it is loaded: its parts replace the files they come from. */
export function useBundled(parts: BundledParts): void {
  useYaml(parts.yaml);
  useBundledValidators(parts.validator);
  useBundleFiles(parts.files);
}

/**
 * Called by the build only, before it saves the code caches: compiles a valid state (file name
 * → text) so that the compiler's functions are compiled and land in the caches: once as a
 * whole, then through the compiled-state cache (compiler/compile-cache.ts) in a temp dir, as a
 * miss, after an edit of one file (the per-file entries) and as a hit, so that the code of
 * each of those paths is in the caches too. The temp dir is removed.
 */
export function warmUp(files: Record<string, string>): void {
  const r = compileFiles(files);
  if (!r.model) throw new Error(`the cold-start warm-up state does not compile: ${r.diagnostics[0]?.message ?? 'no model'}`);
  const tmp = mkdtempSync(join(tmpdir(), 'claude-cold-warm-up-'));
  try {
    const state = join(tmp, 'state');
    mkdirSync(state);
    mkdirSync(join(tmp, 'data'));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(state, name), text);
    const edited = Object.keys(files).sort()[0]!;
    for (const step of ['miss', 'edited', 'hit']) {
      if (step === 'edited') writeFileSync(join(state, edited), `${files[edited]}\n# edited\n`);
      const c = compileStateDirCached(state, join(tmp, 'data'), {});
      if (!c.model || c.cache !== (step === 'hit' ? 'hit' : 'miss')) throw new Error(`the cold-start warm-up through the compiled-state cache gave ${c.cache}, not ${step}`);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * Called by the build only, for the `status` bundle, after `warmUp`: runs `claude status` once
 * on a valid state in a temp dir, with its own data dir and CLAUDE_ROOT there and an engine
 * socket there that nothing listens on (the observation's "engine down" path: the engine is
 * not asked, and the build needs none), its output kept in memory. So the observation's code
 * (/proc and cgroup reads, the events, the summary and its YAML) is in the code cache, where it
 * was compiled at every start before. It reads /proc and statfs, writes only in the temp dir,
 * which is removed, and throws when status did not get as far as saying the engine is down.
 */
export async function warmUpStatus(files: Record<string, string>): Promise<void> {
  const tmp = mkdtempSync(join(tmpdir(), 'claude-cold-warm-up-status-'));
  try {
    mkdirSync(join(tmp, 'state'));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(tmp, 'state', name), text);
    let out = '';
    const sink = { write: (s: string | Uint8Array) => ((out += String(s)), true) } as unknown as Writable;
    const env = { PATH: process.env.PATH, CLAUDE_DATA_DIR: join(tmp, 'data'), CLAUDE_ROOT: join(tmp, 'root'), CLAUDE_STATE_DIR: join(tmp, 'state'), DOCKER_HOST: `unix://${join(tmp, 'no-engine.sock')}`, CLAUDE_DAEMON: '0' };
    await runWith(['status'], { stdout: sink, stderr: sink, stdin: undefined as never, isTTY: false, env, cwd: tmp });
    // with no engine, status observes all the rest and then says only that (cli/commands/status.ts)
    if (!out.startsWith('claude status: cannot reach the Docker Engine')) throw new Error(`the cold-start warm-up of status did not observe: ${out.slice(0, 300)}`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
