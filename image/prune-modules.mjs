#!/usr/bin/env node
/**
 * Prunes a Claude.OS package folder's node_modules to the packages its compiled code can
 * load: the packages named by `import … from`, `import()`, `require()` and `require.resolve()`
 * in PKG/dist/** and PKG/generated/** (.js, .cjs, .mjs), and, transitively, the dependencies (and installed optional and peer
 * dependencies) each of them declares, resolved the way Node resolves them (nested
 * node_modules first). Every other package folder is removed. Used by image/build.sh after it
 * has removed what the image leaves out (tests, benches, and the compiler when
 * CLAUDE_IMAGE_COMPILER=0), so a package only the compiler uses goes with it.
 *
 *   node image/prune-modules.mjs PKG [--dry-run]
 *
 * Prints one line per removed package and a total; exits 1 (naming the file) when a
 * package the code imports is not installed.
 */
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';

// `createRequire(import.meta.url)('cron-parser')` is the `)(` form.
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire(?:\.resolve)?\s*\(\s*|\)\s*\(\s*)(['"])([^'"\n]+)\1/g;
const builtins = new Set(builtinModules);

/** The package a bare specifier names ('@a/b/c' → '@a/b', 'x/y' → 'x'), or null (relative, node:, builtin). */
export function packageOf(spec) {
  if (spec.startsWith('.') || spec.startsWith('/') || spec.startsWith('node:') || spec.startsWith('#')) return null;
  const parts = spec.split('/');
  const name = spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
  if (builtins.has(name)) return null;
  return name;
}

function* jsFiles(dir) {
  if (!existsSync(dir)) return;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* jsFiles(p);
    else if (/\.(c|m)?js$/.test(e.name)) yield p;
  }
}

/** Bare package names imported by the .js files under dir, each with the first file naming it. */
export function importedPackages(dir) {
  const found = new Map();
  for (const file of jsFiles(dir)) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(SPECIFIER)) {
      const name = packageOf(m[2]);
      if (name && !found.has(name)) found.set(name, file);
    }
  }
  return found;
}

/** The folder Node would load package `name` from, looking up from folder `from`, or null. */
function resolvePackage(name, from, root) {
  let dir = from;
  for (;;) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dir === root) return null;
    const up = dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
}

/** Every package folder under root/node_modules (nested ones included). */
function* packageFolders(nm) {
  if (!existsSync(nm)) return;
  for (const e of readdirSync(nm, { withFileTypes: true })) {
    if (!e.isDirectory() || e.name.startsWith('.')) continue;
    const p = join(nm, e.name);
    if (e.name.startsWith('@')) {
      for (const s of readdirSync(p, { withFileTypes: true })) {
        if (!s.isDirectory()) continue;
        yield join(p, s.name);
        yield* packageFolders(join(p, s.name, 'node_modules'));
      }
    } else {
      yield p;
      yield* packageFolders(join(p, 'node_modules'));
    }
  }
}

function size(p) {
  const st = statSync(p);
  if (!st.isDirectory()) return st.size;
  let n = 0;
  for (const e of readdirSync(p)) n += size(join(p, e));
  return n;
}

/** The package folders to keep: what dist imports, and what those depend on. Throws when one is missing. */
export function reachable(pkgDir) {
  const keep = new Set();
  const queue = [];
  const imported = new Map([...importedPackages(join(pkgDir, 'generated')), ...importedPackages(join(pkgDir, 'dist'))]);
  for (const [name, file] of imported) {
    const folder = resolvePackage(name, pkgDir, pkgDir);
    if (!folder) {
      // An optional peer some code probes for (and catches) is fine only if it is declared optional.
      const declared = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
      if (declared.dependencies?.[name]) throw new Error(`${relative(pkgDir, file)} imports ${name}, which is not installed in ${pkgDir}/node_modules (npm ci --omit=dev first)`);
      continue; // a dev-only import (e.g. a test helper left in dist): nothing to keep
    }
    queue.push(folder);
  }
  while (queue.length > 0) {
    const folder = queue.pop();
    if (keep.has(folder)) continue;
    keep.add(folder);
    const pj = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8'));
    const deps = { ...pj.peerDependencies, ...pj.optionalDependencies, ...pj.dependencies };
    for (const dep of Object.keys(deps)) {
      const f = resolvePackage(dep, folder, pkgDir);
      if (f) queue.push(f); // optional and peer dependencies that are not installed stay absent
    }
  }
  return keep;
}

export function prune(pkgDir, { dryRun = false } = {}) {
  const keep = reachable(pkgDir);
  const removed = [];
  const folders = [...packageFolders(join(pkgDir, 'node_modules'))];
  for (const folder of folders) {
    if (keep.has(folder)) continue;
    // A kept package inside a removed one cannot exist: its parent folder is removed with it.
    if ([...keep].some((k) => k.startsWith(folder + sep))) continue;
    if (!existsSync(folder)) continue; // inside a folder removed already
    removed.push({ name: relative(join(pkgDir, 'node_modules'), folder), bytes: size(folder) });
    if (!dryRun) rmSync(folder, { recursive: true, force: true });
  }
  // Empty scope folders and dangling .bin links are left to be harmless; remove .bin entirely:
  // nothing on the device runs a package's CLI.
  if (!dryRun) rmSync(join(pkgDir, 'node_modules', '.bin'), { recursive: true, force: true });
  return { kept: keep.size, removed };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const pkgDir = process.argv[2];
  if (!pkgDir || !existsSync(join(pkgDir, 'dist'))) {
    console.error('usage: node image/prune-modules.mjs PKG [--dry-run]   (PKG holds dist/ and node_modules/)');
    process.exit(2);
  }
  try {
    const { kept, removed } = prune(pkgDir, { dryRun: process.argv.includes('--dry-run') });
    const total = removed.reduce((n, r) => n + r.bytes, 0);
    for (const r of removed.sort((a, b) => b.bytes - a.bytes)) console.log(`pruned ${r.name} (${(r.bytes / 1e6).toFixed(1)} MB)`);
    console.log(`kept ${kept} package(s); pruned ${removed.length} (${(total / 1e6).toFixed(1)} MB)`);
  } catch (e) {
    console.error(`image/prune-modules.mjs: ${e.message}`);
    process.exit(1);
  }
}
