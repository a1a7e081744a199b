#!/usr/bin/env node
/**
 * `npm run build` step 3 (after tsc and scripts/bundle.mjs): the cold-start bundles of the
 * commands measured against `node -e 0`, and of `apply`, whose start-up is on the way from
 * the CLI's start to a serving container (docs/runtime.md; cli/cold.ts says what they are for):
 *
 *   dist/bundle/cold/<command>.cjs    one CommonJS file: cli/cold.ts, the CLI with that one
 *                                     command (the table's other entries throw if called:
 *                                     bin/claude never sends them here) and the npm packages
 *                                     BUNDLED below; other npm packages are required from
 *                                     node_modules when first used, as in dist/
 *   dist/bundle/cold/part-yaml.cjs    generated/yaml.cjs, loaded by the bundles on first use
 *   dist/bundle/cold/part-validator-<schema>.cjs
 *                                     generated/validators/<schema>.cjs (one per state file
 *                                     schema), ajv's runtime and ajv-formats' formats, loaded
 *                                     by the bundles when a file of that schema is checked (a
 *                                     command served from the compiled-state cache loads no part)
 *   dist/bundle/cold/part-<command>-<name>.cjs
 *                                     code a command's cold start takes only on some hosts
 *                                     (SPLIT below: status's containerd backend), loaded by the
 *                                     dynamic import that needs it; the modules it shares with
 *                                     its bundle are the bundle's own (one instance each)
 *   dist/bundle/cold/part-plan-validator.cjs
 *                                     generated/plan-validator.cjs (plan/schema.ts), loaded by
 *                                     the plan and apply bundles for the check of a plan
 *   dist/bundle/cold/<name>.cache     V8's code cache of each of these files, saved after
 *                                     loading the bundle and compiling the spec example
 *                                     (fixtures/states/spec-example, when present) with it;
 *                                     the plan bundle also plans, signs, checks and reviews it
 *                                     against an empty host (agent/plan-warm-up.ts), the status
 *                                     bundle runs `status` on it with no engine (cli/cold.ts
 *                                     warmUpStatus); a part no warm-up loads gets the code
 *                                     cache of its top level
 *                                     (bin/cold.cjs loads both)
 *                                     The apply bundle's cache holds every function of it
 *                                     instead (EAGER below): compiled eagerly, not warmed up
 *   dist/bundle/cold/inputs.json      the files the bundles were made from, with their sha256
 *                                     (scripts/bundle-inputs.mjs, for bin/fresh.mjs)
 *
 * `import.meta.url` in the bundled modules becomes the URL of dist/cli/main.js (the modules
 * use it to find the package root and package.json, and to require npm packages).
 *
 *   node scripts/cold-bundle.mjs [--dist DIR]     (default DIR: dist)
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import { dirname, join, posix, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { setFlagsFromString } from 'node:v8';
import { build } from 'esbuild';
import { recordInputs } from './bundle-inputs.mjs';

const i = process.argv.indexOf('--dist');
const dist = resolve(i >= 0 ? process.argv[i + 1] : 'dist');
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(dist, 'bundle', 'cold');
/** The commands with a cold-start bundle; bin/claude and test/cli-entry.test.ts list the same ones. */
const COMMANDS = ['validate', 'status', 'plan', 'apply'];
/** npm packages carried in the bundles (small, and on every one of these commands' paths). */
const BUNDLED = ['ajv', 'ajv-formats', 'fast-deep-equal', 'canonicalize'];
/** The state file schemas, each with its validator part (compiler/validators.ts STATE_SCHEMA_NAMES). */
const SCHEMAS = ['manifest', 'services', 'network', 'storage', 'security', 'scheduled'];

/**
 * Dynamic imports that a command's cold start never takes, by importer (relative to dist/):
 * each becomes a module that throws. `plan "message"` (the intent engine, then apply's code)
 * runs from dist/: bin/claude sends only `plan` without a message to this bundle, and that
 * never applies. Half of plan.cjs was the intent engine and the apply it can lead to.
 */
const NOT_ON_COLD_PATH = {
  plan: { 'cli/commands/plan.js': ['./ask.js'], 'agent/flow.js': ['../runtime/apply.js'] },
};

/**
 * Dynamic imports that a command's cold start takes only on some hosts, by importer (relative
 * to dist/): they go to a part of their own, `part-<command>-<name>.cjs`, read and compiled
 * only when the import runs. `claude status` on Docker never runs the containerd backend
 * (CLAUDE_ENGINE=containerd, runtime/observe/engine-client.ts containerdView), which brings
 * the apply-side drivers with it: 137 KB of the 423 KB status bundle. A module that the part
 * and its bundle both import is the bundle's: the part requires it as `claude-shared:<path>`
 * (bin/cold.cjs), so its state (trace, the engine client's mode, the bundled yaml) is one.
 */
const SPLIT = {
  status: {
    containerd: { 'runtime/observe/engine-client.js': ['../drivers/containerd/engine.js', '../drivers/containerd/docker-view.js'] },
    // what `claude diagnose` runs: never a `status`, but it shares runtime/observe/index.ts
    diagnose: { 'runtime/observe/index.js': ['./analyzers/index.js', './slow.js', './analyzers/slow.js'] },
  },
};
const SHARED = 'claude-shared:';

/**
 * The commands that make a few engine calls and exit: their calls whose reply is read whole
 * (GETs, and apply's create, start, stop, remove, …) go over node:net, and node:http is loaded
 * only for a stream, an exec or a HEAD (runtime/drivers/engine-api.ts useOneShotCalls; ≈ 15–20
 * ms of CPU; since session 35 `apply` too, whose readiness GET goes over node:net as well:
 * runtime/health.ts httpAnswer).
 */
const ONE_SHOT_CALLS = ['status', 'plan', 'apply'];

/**
 * The bundles whose code cache holds every function they have, compiled eagerly when the build
 * compiles them (V8's `--no-lazy`, set for that one compile and unset before the cache is made,
 * so that the cache carries the default flags' hash and a plain `node` takes it), instead of the
 * functions a warm-up ran. `apply PLAN.json` runs verify, the lock, the journal, the
 * observation, the records, the driver's steps and readiness before serving: none of it can
 * run at build time without an engine, so each start compiled them (≈ 12 ms of CPU before the
 * first step, docs/runtime.md "Session 23"). The cache is 1.6 MB instead of 0.37 MB; reading
 * and deserializing it costs less than the compiles it saves. When a fresh `node` rejects it
 * (another V8 that hashes its flags otherwise), the warm-up's cache is saved instead.
 */
const EAGER = ['apply'];

/** The file compiled with every function eager (for `saveCache`). */
function eagerlyCompiled(file) {
  setFlagsFromString('--no-lazy');
  try {
    return compiled(file);
  } finally {
    setFlagsFromString('--lazy');
  }
}

/** How a fresh `node` (default flags) takes `cacheFile` with `file`: 'used', 'rejected', … (bin/cold.cjs compiledWithCache). */
function cacheInFreshNode(file, cacheFile) {
  const loader = join(root, 'bin', 'cold.cjs');
  const r = spawnSync(process.execPath, ['-e', `process.stdout.write(require(${JSON.stringify(loader)}).compiledWithCache(${JSON.stringify(file)}, ${JSON.stringify(cacheFile)}).cache)`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout : `failed: ${r.stderr}`;
}

const packageOf = (spec) => spec.split('/').slice(0, spec.startsWith('@') ? 2 : 1).join('/');

rmSync(outdir, { recursive: true, force: true });
mkdirSync(outdir, { recursive: true });
const { load, compiled, stamp, saveCache } = createRequire(import.meta.url)('../bin/cold.cjs');
const warmDir = join(root, 'fixtures', 'states', 'spec-example');
const warm = existsSync(warmDir) ? Object.fromEntries(readdirSync(warmDir).filter((f) => f.endsWith('.yaml')).map((f) => [f, readFileSync(join(warmDir, f), 'utf8')])) : undefined;
const commandsIndex = join(dist, 'cli', 'commands', 'index.js');
// The parts, each loaded by the bundles with its code cache when first used (bin/cold.cjs; the
// bundle's `require` resolves from dist/bundle/cold/). `loadedParts` gives the build their scripts.
// A module of its own (`claude:cold-parts`), so that the SPLIT parts' stand-ins load theirs too;
// `shared[name]`: the bundle's modules that part `name` requires as `claude-shared:<path>`.
const partsModule = (shared) => `
import { trace } from ${JSON.stringify(join(dist, 'common', 'trace.js'))};
const { join } = require('node:path');
export const loadedParts = new Map();
const SHARED = {${Object.entries(shared)
  .map(([name, rels]) => `${JSON.stringify(name)}: {${rels.map((rel) => `${JSON.stringify(rel)}: () => require(${JSON.stringify(join(dist, rel))})`).join(', ')}}`)
  .join(', ')}};
export const part = (name) => {
  let p = loadedParts.get(name);
  if (!p) {
    const shared = SHARED[name] && ((rel) => SHARED[name][rel]());
    loadedParts.set(name, (p = require(join(__dirname, '..', '..', '..', 'bin', 'cold.cjs')).load(join(__dirname, 'part-' + name + '.cjs'), join(__dirname, 'part-' + name + '.cache'), shared)));
    trace('cold: loaded part-' + name + '.cjs');
  }
  return p.exports;
};
`;
const entry = (command) => `
import { useBundled } from ${JSON.stringify(join(dist, 'cli', 'cold.js'))};
import { part } from 'claude:cold-parts';
export { loadedParts } from 'claude:cold-parts';
const { join } = require('node:path');
const SCHEMAS = ${JSON.stringify(SCHEMAS)};
useBundled({ yaml: () => part('yaml'), validator: (name) => part('validator-' + name), files: [__filename, ...['yaml', ...SCHEMAS.map((n) => 'validator-' + n)].map((n) => join(__dirname, 'part-' + n + '.cjs'))] });
export { run, warmUp, warmUpStatus } from ${JSON.stringify(join(dist, 'cli', 'cold.js'))};
${
  command === 'plan' || command === 'apply'
    ? `import { usePlanValidatorPart } from ${JSON.stringify(join(dist, 'plan', 'schema.js'))};
usePlanValidatorPart(() => part('plan-validator'));`
    : ''
}
${command === 'plan' ? `export { warmUpPlan } from ${JSON.stringify(join(dist, 'agent', 'plan-warm-up.js'))};` : ''}
${
  ONE_SHOT_CALLS.includes(command)
    ? `import { useOneShotCalls } from ${JSON.stringify(join(dist, 'runtime', 'drivers', 'engine-api.js'))};
useOneShotCalls();`
    : ''
}
`;
const PARTS = {
  yaml: `module.exports = require(${JSON.stringify(join(root, 'generated', 'yaml.cjs'))});`,
  // one per schema: checking one file loads its own schema's validator only
  ...Object.fromEntries(
    SCHEMAS.map((n) => [`validator-${n}`, `module.exports = { factory: require(${JSON.stringify(join(root, 'generated', 'validators', `${n}.cjs`))}), fullFormats: require('ajv-formats/dist/formats').fullFormats };`]),
  ),
  // plan only: the plan schema's standalone validator (plan/schema.ts), for the check as apply would
  'plan-validator': `module.exports = require(${JSON.stringify(join(root, 'generated', 'plan-validator.cjs'))});`,
};

/** The files the bundles were made from (bin/fresh.mjs). */
const inputs = {};
const common = { bundle: true, format: 'cjs', platform: 'node', target: 'node20', legalComments: 'none', minifyWhitespace: true, logLevel: 'warning', metafile: true };
for (const [name, contents] of Object.entries(PARTS)) {
  const { metafile } = await build({ ...common, stdin: { contents, resolveDir: root, sourcefile: `part-${name}.cjs`, loader: 'js' }, outfile: join(outdir, `part-${name}.cjs`) });
  stamp(join(outdir, `part-${name}.cjs`));
  recordInputs(metafile, dist, join(outdir, 'inputs.json'), inputs);
}
const partsCached = new Set();
/** dist-relative path of a dynamic import `path` made by the dist file `importer`. */
const targetOf = (from, path) => posix.join(posix.dirname(from), path);
/** npm packages and Node's builtins, as in every bundle and part of a command. */
const packages = (b) => {
  b.onResolve({ filter: /^[^./]/ }, (args) => {
    // \`import('pkg')\` cannot run in a vm.Script without an experimental flag (or
    // warning): it becomes a lazily required module, as esbuild does for bundled ones.
    if (args.kind === 'dynamic-import' && !BUNDLED.includes(packageOf(args.path))) return { path: args.path, namespace: 'required-lazily' };
    if (isBuiltin(args.path)) return { path: args.path, external: true };
    return BUNDLED.includes(packageOf(args.path)) ? undefined : { path: args.path, external: true };
  });
  b.onLoad({ filter: /.*/, namespace: 'required-lazily' }, (args) => ({ contents: `module.exports = require(${JSON.stringify(args.path)});`, loader: 'js', resolveDir: root }));
};
const moduleUrl = {
  define: { 'import.meta.url': '__claudeModuleUrl' },
  banner: { js: 'const __claudeModuleUrl = require("node:url").pathToFileURL(require("node:path").join(__dirname, "..", "..", "cli", "main.js")).href;' },
};

/** Builds a command's bundle; `shared`: for each of its SPLIT parts, the modules the part takes from it. */
const buildCommand = (command, file, shared) =>
  build({
    stdin: { contents: entry(command), resolveDir: root, sourcefile: `cold-${command}.mjs`, loader: 'js' },
    outfile: file,
    ...common,
    ...moduleUrl,
    plugins: [
      {
        name: 'one-command',
        setup(b) {
          b.onResolve({ filter: /^claude:cold-parts$/ }, () => ({ path: 'cold-parts', namespace: 'cold-parts' }));
          b.onLoad({ filter: /.*/, namespace: 'cold-parts' }, () => ({ contents: partsModule(shared), loader: 'js', resolveDir: root }));
          packages(b);
          b.onResolve({ filter: /^\.\.?\// }, (args) => {
            const from = args.importer.startsWith(dist + '/') ? args.importer.slice(dist.length + 1) : undefined;
            if (args.kind !== 'dynamic-import' || !from) return undefined;
            for (const [name, by] of Object.entries(SPLIT[command] ?? {})) {
              if (by[from]?.includes(args.path)) return { path: `${name}:${targetOf(from, args.path)}`, namespace: 'split' };
            }
            if (!NOT_ON_COLD_PATH[command]?.[from]?.includes(args.path)) return undefined;
            return { path: `${from} → ${args.path}`, namespace: 'not-on-cold-path' };
          });
          // the stand-in of a SPLIT module: its part's export of it
          b.onLoad({ filter: /.*/, namespace: 'split' }, (args) => {
            const [name, rel] = args.path.split(':');
            return { contents: `module.exports = require('claude:cold-parts').part(${JSON.stringify(`${command}-${name}`)})[${JSON.stringify(rel)}];`, loader: 'js', resolveDir: root };
          });
          b.onLoad({ filter: /.*/, namespace: 'not-on-cold-path' }, (args) => ({
            contents: `throw new Error(${JSON.stringify(`claude: ${args.path} is not in this cold-start bundle (dist/bundle/cold/${command}.cjs); bin/claude runs what needs it from dist/`)});`,
            loader: 'js',
          }));
          b.onResolve({ filter: /^\.\/[a-z-]+\.js$/ }, (args) => {
            if (args.importer !== commandsIndex) return undefined;
            const name = args.path.slice(2, -3);
            return name === command ? undefined : { path: name, namespace: 'other-command' };
          });
          b.onLoad({ filter: /.*/, namespace: 'other-command' }, (args) => ({
            contents: `throw new Error("claude: the command ${args.path} is not in this cold-start bundle (dist/bundle/cold/${command}.cjs); bin/claude runs it from dist/");`,
            loader: 'js',
          }));
        },
      },
    ],
  });

/**
 * Builds the SPLIT part `name` of `command`, whose bundle has the modules `inBundle` (absolute
 * paths): those it requires as `claude-shared:<path>`. Returns the paths it so requires.
 */
async function buildSplitPart(command, name, inBundle) {
  const targets = Object.entries(SPLIT[command][name]).flatMap(([from, paths]) => paths.map((p) => targetOf(from, p)));
  const contents = `module.exports = {${targets.map((rel) => `${JSON.stringify(rel)}: require(${JSON.stringify(join(dist, rel))})`).join(', ')}};`;
  const { metafile } = await build({
    ...common,
    ...moduleUrl,
    stdin: { contents, resolveDir: root, sourcefile: `part-${command}-${name}.cjs`, loader: 'js' },
    outfile: join(outdir, `part-${command}-${name}.cjs`),
    plugins: [
      {
        name: 'split-part',
        setup(b) {
          packages(b);
          b.onResolve({ filter: /^\.\.?\// }, (args) => {
            const path = resolve(args.resolveDir, args.path);
            return inBundle.has(path) ? { path: SHARED + path.slice(dist.length + 1), external: true } : undefined;
          });
        },
      },
    ],
  });
  stamp(join(outdir, `part-${command}-${name}.cjs`));
  recordInputs(metafile, dist, join(outdir, 'inputs.json'), inputs);
  const out = Object.values(metafile.outputs)[0];
  return [...new Set(out.imports.filter((i) => i.external && i.path.startsWith(SHARED)).map((i) => i.path.slice(SHARED.length)))].sort();
}

for (const command of COMMANDS) {
  const file = join(outdir, `${command}.cjs`);
  let { metafile } = await buildCommand(command, file, {});
  if (SPLIT[command]) {
    // the part takes from the bundle what the bundle has; the bundle is then made again with those
    const inBundle = new Set(Object.keys(metafile.inputs).map((k) => resolve(k)));
    const shared = {};
    for (const name of Object.keys(SPLIT[command])) shared[`${command}-${name}`] = await buildSplitPart(command, name, inBundle);
    ({ metafile } = await buildCommand(command, file, shared));
  }
  stamp(file);
  // before the warm-up's load, which then takes the eager compile from V8's in-memory cache
  const eager = EAGER.includes(command) ? eagerlyCompiled(file) : undefined;
  const { exports, script } = load(file);
  if (warm) exports.warmUp(warm);
  if (warm && exports.warmUpPlan) exports.warmUpPlan(warm);
  if (warm && command === 'status') await exports.warmUpStatus(warm);
  saveCache(file, eager ?? script, join(outdir, `${command}.cache`));
  if (eager) {
    const taken = cacheInFreshNode(file, join(outdir, `${command}.cache`));
    if (taken !== 'used') {
      console.warn(`cold-bundle: a fresh node did not take ${command}.cjs's eager code cache (${taken}); its warm-up's cache is saved instead`);
      saveCache(file, script, join(outdir, `${command}.cache`));
    }
  }
  // each part's cache, after the first warm-up that ran it (the same code in every bundle)
  for (const [name, p] of exports.loadedParts) {
    if (partsCached.has(name)) continue;
    saveCache(join(outdir, `part-${name}.cjs`), p.script, join(outdir, `part-${name}.cache`));
    partsCached.add(name);
  }
  // a SPLIT part no warm-up ran (no containerd at build time): the code cache of its top level
  for (const name of Object.keys(SPLIT[command] ?? {})) {
    const part = join(outdir, `part-${command}-${name}`);
    if (!partsCached.has(`${command}-${name}`)) saveCache(`${part}.cjs`, compiled(`${part}.cjs`), `${part}.cache`);
  }
  recordInputs(metafile, dist, join(outdir, 'inputs.json'), inputs);
}
