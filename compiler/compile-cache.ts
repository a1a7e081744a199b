/**
 * The compiled-state cache of `validate`, `status` and `plan` (docs/compiler.md, "Performance").
 *
 * The front end (parse → check → resolve) is a pure function of the state files' names and
 * texts and of the compiler's code. In a fresh process its first run is most of what these
 * commands cost beyond Node's own start (yaml's and the validators' first, interpreted run),
 * and a person runs them again and again on files that did not change. So the result
 * (the model and the diagnostics) is kept in `$CLAUDE_DATA_DIR/cache/compiled/<key>.json`,
 * where the key is the sha256 of:
 *   - the compiler's build: size and mtime of the files the compiler runs from (the cold-start
 *     bundle and its parts, or dist/compiler/ and the generated yaml and validators), and Node's version;
 *   - every state file's name and full text, as read now.
 * A changed byte in a file, or a rebuild, is another key: an entry is never stale, only unused.
 * The files are always read (and hashed) again; only the compile is skipped.
 *
 * Used only when the data dir already exists (validate never creates it) and only from built
 * code (not from the TypeScript sources the tests run). A missing, unreadable, corrupt or
 * foreign entry is compiled afresh and written again; a data dir that cannot be written to
 * means no cache, never an error. CLAUDE_COMPILE_CACHE=0 turns it off. At most MAX_ENTRIES
 * entries are kept (the oldest are removed when one is written).
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeCacheFile } from '../common/fsutil.js';
import { trace } from '../common/trace.js';
import { compileSources, type CompileResult } from './compile.js';
import { DiagnosticSink, type Diagnostic } from './diagnostics.js';
import type { ResolvedModel } from './model.js';
import { readStateDir } from './sources.js';
import type { SourceFile } from './parse.js';
import { parsedValueOf } from '../common/yaml.js';

/** Bump when the entry's format or meaning changes. */
const FORMAT = 2;
export const MAX_ENTRIES = 32;

/** What a cached compile gives: the model and the diagnostics (not the parsed files). */
export type CachedCompile = Pick<CompileResult, 'model' | 'diagnostics'> & {
  /** 'hit': from the cache; 'miss': compiled and stored; 'off': compiled, no cache used. */
  cache: 'hit' | 'miss' | 'off';
  /**
   * The data the parse phase made of exactly this text of a state file (undefined for any
   * other text, or a file that did not parse): the plan review (plan/review.ts) reads the
   * files as data too, and on a hit nothing else has parsed them.
   */
  parsedOf: (text: string) => unknown;
};

/** The parse phase's values of these files, by text (a file the parse kept none of is left out). */
function valuesOf(files: readonly SourceFile[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of files) {
    const v = parsedValueOf(f.text);
    if (v !== undefined) out[f.name] = v;
  }
  return out;
}

/** `parsedOf` over the files read now and the values stored by file name. */
function lookup(files: readonly SourceFile[], values: Readonly<Record<string, unknown>>): (text: string) => unknown {
  const byText = new Map<string, unknown>();
  for (const f of files) if (Object.hasOwn(values, f.name)) byText.set(f.text, values[f.name]);
  return (text) => byText.get(text);
}

let bundleFiles: string[] | undefined;
let buildId: string | null | undefined;
/** When this code was loaded: a file of the build newer than that is code this process does not run. */
const loadedAt = Date.now();

/** The cold-start bundle this code runs from and its parts (cli/cold.ts): their stat stands for the compiler's build. */
export function useBundleFiles(files: string[]): void {
  bundleFiles = files;
  buildId = undefined;
}

/** The compiler's build (see the top), or null when running from the TypeScript sources. */
export function compilerBuildId(): string | null {
  if (buildId !== undefined) return buildId;
  const here = fileURLToPath(import.meta.url);
  if (!bundleFiles && !here.endsWith('.js')) return (buildId = null);
  const files: string[] = [];
  if (bundleFiles) files.push(...bundleFiles);
  else {
    // dist/compiler/compile-cache.js (or a chunk of dist/bundle/): the compiler's own files, and the generated code they load.
    const dist = join(dirname(here), '..');
    const compilerDir = join(dist, 'compiler');
    const root = join(dist, '..');
    files.push(here, join(root, 'generated', 'validators.cjs'), join(root, 'generated', 'yaml.cjs'), join(dist, 'plan', 'trust.js'), join(dist, 'common', 'yaml.js'));
    try {
      for (const f of readdirSync(compilerDir).sort()) if (f.endsWith('.js')) files.push(join(compilerDir, f));
    } catch {
      return (buildId = null);
    }
  }
  const h = createHash('sha256').update(`${FORMAT}\0${process.version}\0`);
  for (const f of files) {
    try {
      const st = statSync(f);
      // rebuilt since this process loaded it (a long-lived worker): its results are not the new build's
      if (st.mtimeMs > loadedAt) return (buildId = null);
      h.update(`${f}\0${st.size}\0${st.mtimeMs}\0`);
    } catch {
      h.update(`${f}\0-\0`);
    }
  }
  return (buildId = h.digest('hex'));
}

/** The cache dir for a data dir, or null when the cache is off or the data dir does not exist. */
function cacheDir(dataDir: string | undefined, env: NodeJS.ProcessEnv): string | null {
  if (!dataDir || env.CLAUDE_COMPILE_CACHE === '0' || env.CLAUDE_COMPILE_CACHE === 'off') return null;
  try {
    if (!statSync(dataDir).isDirectory()) return null;
  } catch {
    return null;
  }
  return join(dataDir, 'cache', 'compiled');
}

/**
 * `compileStateDir(dir)`, served from the cache in `dataDir` when the files and the build are
 * the same as when it was stored. Same model and diagnostics either way (compile-cache.test.ts).
 */
export function compileStateDirCached(dir: string, dataDir: string | undefined, env: NodeJS.ProcessEnv = process.env): CachedCompile {
  const sink = new DiagnosticSink();
  const files = readStateDir(dir, sink);
  const build = compilerBuildId();
  const at = build ? cacheDir(dataDir, env) : null;
  // Problems while reading (a missing dir, an unknown YAML file, an unreadable file) are not cached: they are cheap to find again.
  if (!at || !build || sink.diagnostics.length) {
    if (sink.diagnostics.length && files.length === 0) return { diagnostics: sink.sorted(), cache: 'off', parsedOf: () => undefined };
    const r = compileSources(files, sink);
    return { ...(r.model ? { model: r.model } : {}), diagnostics: r.diagnostics, cache: 'off', parsedOf: lookup(files, valuesOf(files)) };
  }
  const h = createHash('sha256').update(`${build}\0`);
  for (const f of files) h.update(`${f.name}\0${f.text.length}\0${f.text}\0`);
  const key = h.digest('hex');
  const file = join(at, `${key}.json`);
  const hit = readEntry(file, key);
  if (hit) {
    trace('compile: from the compiled-state cache');
    const { values, ...rest } = hit;
    return { ...rest, cache: 'hit', parsedOf: lookup(files, values) };
  }
  const r = compileSources(files, sink);
  // read while the parse's values are still held (common/yaml.ts keeps them by WeakRef)
  const values = valuesOf(files);
  writeEntry(at, file, { format: FORMAT, key, ...(r.model ? { model: r.model } : {}), diagnostics: r.diagnostics, values });
  return { ...(r.model ? { model: r.model } : {}), diagnostics: r.diagnostics, cache: 'miss', parsedOf: lookup(files, values) };
}

interface Entry {
  format: number;
  key: string;
  model?: ResolvedModel;
  diagnostics: Diagnostic[];
  /** The parse phase's value of each file, by name (JSON-safe: the parse keeps `.inf`/`.nan` as text). */
  values: Record<string, unknown>;
}

function readEntry(file: string, key: string): (Pick<CompileResult, 'model' | 'diagnostics'> & { values: Record<string, unknown> }) | null {
  let e: Entry;
  try {
    e = JSON.parse(readFileSync(file, 'utf8')) as Entry;
  } catch {
    return null; // none yet, unreadable or cut short: compiled again
  }
  if (e === null || typeof e !== 'object' || e.format !== FORMAT || e.key !== key || !Array.isArray(e.diagnostics)) return null;
  if (e.model !== undefined && (e.model === null || typeof e.model !== 'object')) return null;
  if (e.values === null || typeof e.values !== 'object' || Array.isArray(e.values)) return null;
  return { ...(e.model ? { model: e.model } : {}), diagnostics: e.diagnostics, values: e.values };
}

function writeEntry(dir: string, file: string, e: Entry): void {
  try {
    // The model holds the state files' text (secrets are references or age-encrypted): private to the data dir's owner.
    writeCacheFile(file, JSON.stringify(e), 0o600);
    const names = readdirSync(dir).filter((n) => n.endsWith('.json'));
    if (names.length > MAX_ENTRIES) {
      const aged = names.map((n) => ({ n, t: statSync(join(dir, n)).mtimeMs })).sort((a, b) => a.t - b.t);
      for (const { n } of aged.slice(0, names.length - MAX_ENTRIES)) rmSync(join(dir, n), { force: true });
    }
  } catch {
    /* a read-only or full data dir: no cache, still correct */
  }
}
