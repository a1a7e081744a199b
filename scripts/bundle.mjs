#!/usr/bin/env node
/**
 * `npm run build` step 2 (after tsc): bundles the CLI from dist/ into dist/bundle/ with
 * esbuild (pinned dev dependency): one ES module for the entry (`main.js`) and one chunk
 * per lazily imported command (code splitting keeps `await import()` lazy); npm packages are
 * not bundled (loaded from node_modules as usual). Loading a handful of files instead of
 * hundreds of our own is part of the CLI's cold start (docs/compiler.md, "Performance"). bin/claude runs the bundle when it is
 * at least as new as dist/cli/main.js, or made from the same files (dist/bundle/inputs.json,
 * bin/fresh.mjs: a bare `tsc` that changed no code), else dist/cli/main.js (so a bare `tsc`
 * never runs a stale bundle).
 *
 *   node scripts/bundle.mjs [--dist DIR]     (default DIR: dist)
 */
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { recordInputs } from './bundle-inputs.mjs';

const i = process.argv.indexOf('--dist');
const dist = resolve(i >= 0 ? process.argv[i + 1] : 'dist');
const outdir = join(dist, 'bundle');
rmSync(outdir, { recursive: true, force: true });

const { metafile } = await build({
  entryPoints: { main: join(dist, 'cli', 'main.js') },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // npm packages stay in node_modules, loaded by Node as usual: some rely on their own file
  // location (__dirname: ssh2 under dockerode, native add-ons), which a bundle would break.
  packages: 'external',
  chunkNames: 'chunks/[name]-[hash]',
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
});
// What it was made from: bin/fresh.mjs keeps using it after a bare `tsc` that changed none of it.
recordInputs(metafile, dist, join(outdir, 'inputs.json'));
