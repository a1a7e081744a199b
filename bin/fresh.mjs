// bin/claude runs the bundles in dist/bundle/ while they are as new as dist/cli/main.js. When
// dist/ is newer (a bare `tsc` after `npm run build` rewrites every file, mostly with the same
// code), this says whether the bundles were made from dist/ as it is now: every file they were
// made from (dist/bundle/inputs.json and dist/bundle/cold/inputs.json, written by the build:
// scripts/bundle-inputs.mjs) has the same sha256. If so, the bundles are marked new again
// (their mtime), so the next start is the usual one; if not, bin/claude runs dist/.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, utimesSync } from 'node:fs';

/** `dist` is the URL of dist/ (ending in a slash). */
export function bundlesMatch(dist) {
  const bundles = [new URL('bundle/main.js', dist)];
  try {
    for (const stamp of ['bundle/inputs.json', 'bundle/cold/inputs.json']) {
      const inputs = JSON.parse(readFileSync(new URL(stamp, dist), 'utf8'));
      for (const [rel, hash] of Object.entries(inputs)) if (createHash('sha256').update(readFileSync(new URL(rel, dist))).digest('hex') !== hash) return false;
    }
    for (const f of readdirSync(new URL('bundle/cold/', dist))) if (f.endsWith('.cjs')) bundles.push(new URL(`bundle/cold/${f}`, dist));
  } catch {
    return false;
  }
  const now = new Date();
  for (const b of bundles) {
    try {
      utimesSync(b, now, now);
    } catch {
      /* a read-only install: checked again at the next start */
    }
  }
  return true;
}
