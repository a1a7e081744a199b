/**
 * The files a bundle was made from, with their sha256, for bin/fresh.mjs: when dist/ is
 * newer than the bundles (a bare `tsc` after `npm run build` rewrites every file, mostly
 * with the same code), bin/claude still uses them if these files are unchanged.
 * scripts/bundle.mjs and scripts/cold-bundle.mjs each write `inputs.json` beside their
 * bundles: `{"<path relative to dist/>": "<sha256 hex>"}`, every input that is a file of
 * this checkout (dist/, generated/), npm packages left out, as bin/claude's mtime rule does.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';

/** Adds the inputs of esbuild's `metafile` to `into` and writes `into` to `file`. */
export function recordInputs(metafile, dist, file, into = {}) {
  for (const p of Object.keys(metafile.inputs)) {
    const abs = resolve(p);
    const rel = relative(dist, abs);
    if (abs.split(sep).includes('node_modules') || rel.startsWith(`bundle${sep}`) || !existsSync(abs) || !statSync(abs).isFile()) continue;
    into[rel.split(sep).join('/')] = createHash('sha256').update(readFileSync(abs)).digest('hex');
  }
  writeFileSync(file, JSON.stringify(into) + '\n');
  return into;
}
