#!/usr/bin/env node
/**
 * `npm run build` step 2 (after tsc): bundles the CLI from dist/ into dist/bundle/ with
 * esbuild (pinned dev dependency): one ES module for the entry (`main.js`) and one chunk
 * per lazily imported command or library (code splitting keeps `await import()` lazy), the
 * npm dependencies included. Loading a handful of files instead of hundreds is most of the
 * CLI's cold start (docs/compiler.md, "Performance"). bin/claude runs the bundle when it is
 * at least as new as dist/cli/main.js, else dist/cli/main.js (so a bare `tsc` never runs a
 * stale bundle).
 *
 *   node scripts/bundle.mjs [--dist DIR]     (default DIR: dist)
 */
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

const i = process.argv.indexOf('--dist');
const dist = resolve(i >= 0 ? process.argv[i + 1] : 'dist');
const outdir = join(dist, 'bundle');
rmSync(outdir, { recursive: true, force: true });

await build({
  entryPoints: { main: join(dist, 'cli', 'main.js') },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Bundled CommonJS packages call require() for Node built-ins; give ESM chunks one.
  banner: { js: "import { createRequire as __claudeCreateRequire } from 'node:module'; const require = __claudeCreateRequire(import.meta.url);" },
  // Native add-ons that ssh2 (via dockerode) loads optionally inside try/catch.
  external: ['cpu-features', '*.node'],
  chunkNames: 'chunks/[name]-[hash]',
  legalComments: 'none',
  logLevel: 'warning',
});
