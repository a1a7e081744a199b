#!/usr/bin/env node
/**
 * `npm run build` step 3 (after tsc and scripts/bundle.mjs): the cold-start bundles of the
 * commands measured against `node -e 0` (cli/cold.ts says what they are for):
 *
 *   dist/bundle/cold/<command>.cjs    one CommonJS file: cli/cold.ts, the CLI with that one
 *                                     command (the table's other entries throw if called:
 *                                     bin/claude never sends them here), generated/yaml.cjs,
 *                                     generated/validators.cjs and the npm packages BUNDLED
 *                                     below; other npm packages are required from node_modules
 *                                     when first used, as in dist/
 *   dist/bundle/cold/<command>.cache  V8's code cache of that file, saved after loading it and
 *                                     compiling the spec example (fixtures/states/spec-example,
 *                                     when present) with it (bin/cold.cjs loads both)
 *   dist/bundle/cold/inputs.json      the files the bundles were made from, with their sha256
 *                                     (scripts/bundle-inputs.mjs, for bin/fresh.mjs)
 *
 * `import.meta.url` in the bundled modules becomes the URL of dist/cli/main.js (the modules
 * use it to find the package root and package.json, and to require npm packages).
 *
 *   node scripts/cold-bundle.mjs [--dist DIR]     (default DIR: dist)
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { recordInputs } from './bundle-inputs.mjs';

const i = process.argv.indexOf('--dist');
const dist = resolve(i >= 0 ? process.argv[i + 1] : 'dist');
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(dist, 'bundle', 'cold');
/** The commands with a cold-start bundle; bin/claude lists the same ones. */
const COMMANDS = ['validate', 'status', 'plan'];
/** npm packages carried in the bundles (small, and on every one of these commands' paths). */
const BUNDLED = ['ajv', 'ajv-formats', 'fast-deep-equal', 'canonicalize'];

const packageOf = (spec) => spec.split('/').slice(0, spec.startsWith('@') ? 2 : 1).join('/');

rmSync(outdir, { recursive: true, force: true });
mkdirSync(outdir, { recursive: true });
const { load } = createRequire(import.meta.url)('../bin/cold.cjs');
const warmDir = join(root, 'fixtures', 'states', 'spec-example');
const warm = existsSync(warmDir) ? Object.fromEntries(readdirSync(warmDir).filter((f) => f.endsWith('.yaml')).map((f) => [f, readFileSync(join(warmDir, f), 'utf8')])) : undefined;
const commandsIndex = join(dist, 'cli', 'commands', 'index.js');
const entry = `
import { useBundled } from ${JSON.stringify(join(dist, 'cli', 'cold.js'))};
import yaml from ${JSON.stringify(join(root, 'generated', 'yaml.cjs'))};
import validatorFactory from ${JSON.stringify(join(root, 'generated', 'validators.cjs'))};
import { fullFormats } from 'ajv-formats/dist/formats';
useBundled({ yaml, validatorFactory, fullFormats, file: __filename });
export { run, warmUp } from ${JSON.stringify(join(dist, 'cli', 'cold.js'))};
`;

/** The files the bundles were made from (bin/fresh.mjs). */
const inputs = {};
for (const command of COMMANDS) {
  const file = join(outdir, `${command}.cjs`);
  const { metafile } = await build({
    stdin: { contents: entry, resolveDir: root, sourcefile: `cold-${command}.mjs`, loader: 'js' },
    outfile: file,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    define: { 'import.meta.url': '__claudeModuleUrl' },
    banner: { js: 'const __claudeModuleUrl = require("node:url").pathToFileURL(require("node:path").join(__dirname, "..", "..", "cli", "main.js")).href;' },
    legalComments: 'none',
    // Less to read and scan at each start (names are kept, for stack traces): 950 → 620 KB for validate.
    minifyWhitespace: true,
    logLevel: 'warning',
    metafile: true,
    plugins: [
      {
        name: 'one-command',
        setup(b) {
          b.onResolve({ filter: /^[^./]/ }, (args) => {
            // \`import('pkg')\` cannot run in a vm.Script without an experimental flag (or
            // warning): it becomes a lazily required module, as esbuild does for bundled ones.
            if (args.kind === 'dynamic-import' && !BUNDLED.includes(packageOf(args.path))) return { path: args.path, namespace: 'required-lazily' };
            if (isBuiltin(args.path)) return { path: args.path, external: true };
            return BUNDLED.includes(packageOf(args.path)) ? undefined : { path: args.path, external: true };
          });
          b.onLoad({ filter: /.*/, namespace: 'required-lazily' }, (args) => ({ contents: `module.exports = require(${JSON.stringify(args.path)});`, loader: 'js', resolveDir: root }));
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
  const { exports, script } = load(file);
  if (warm) exports.warmUp(warm);
  writeFileSync(join(outdir, `${command}.cache`), script.createCachedData());
  recordInputs(metafile, dist, join(outdir, 'inputs.json'), inputs);
}
