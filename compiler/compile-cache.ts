/**
 * The compiled-state cache of `validate`, `status` and `plan` (docs/compiler.md, "Performance").
 *
 * The front end (parse → check → resolve) is a pure function of the state files' names and
 * texts and of the compiler's code. In a fresh process its first run is most of what these
 * commands cost beyond Node's own start (yaml's and the validators' first, interpreted run),
 * and a person runs them again and again on files that did not change. Two kinds of entry,
 * under `$CLAUDE_DATA_DIR/cache/compiled/`:
 *   - `<key>.json`, per state dir: the model and the diagnostics, nothing else (what every
 *     hit reads), and what it was made from (the files' names and texts; their sha256 above
 *     1 MiB), and, when their texts are at most MAX_RAW_IN_ENTRY in all (the usual state dir),
 *     the parse's own value of each file (`raw`: what `plan`'s review reads on a hit, without
 *     opening the six per-file entries). Key: a 64-bit hash (Hash64, not node:crypto: a cold start does not load it) of
 *     the compiler's build (size and mtime of every file the cached path runs or reads,
 *     compilerBuildFiles; and Node's version) and every state file's name, length and a
 *     sample of its text, as read now; the key only names the entry, which is used when its
 *     sources are the files (a same-length edit between the samples replaces the entry).
 *   - `files/<key>.json`, per state file: what parse and check made of it (its diagnostics,
 *     its checked value and that value's source positions, compiler/position-table.ts) and
 *     the parse's own value of it (plan/review.ts reads the files as data), and the file's
 *     text, which must be the file's now. Key: the build, the file's name and its text. After an edit of one file the state dir's key is new,
 *     but the other files' entries are there: only the edited file is parsed and checked,
 *     and resolve, which holds every reference between files, runs over all of them
 *     (compileByFile). Only `plan` reads a per-file entry on a hit (parsedOf, lazily), and only
 *     when the state-dir entry holds no `raw` (texts above MAX_RAW_IN_ENTRY).
 * A changed byte in a file is another entry (or replaces it), a rebuild another key: an entry is never stale, only unused.
 * The files are always read (and hashed) again; only the compile is skipped.
 *
 * Used only when the data dir already exists (validate never creates it) and only from built
 * code (not from the TypeScript sources the tests run). A missing, unreadable, corrupt or
 * foreign entry is compiled afresh and written again; a data dir that cannot be written to
 * means no cache, never an error. CLAUDE_COMPILE_CACHE=0 turns it off. At most MAX_ENTRIES
 * state-dir entries and MAX_FILE_ENTRIES file entries are kept (the oldest are removed).
 */
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeCacheFile } from '../common/fsutil.js';
import { nodeCrypto } from '../common/node-crypto.js';
import { trace } from '../common/trace.js';
import { compileSources, type CompileResult } from './compile.js';
import { DiagnosticSink, type Diagnostic } from './diagnostics.js';
import { STATE_FILE_NAMES, type ResolvedModel, type StateFileName, type WrittenState } from './model.js';
import { readStateDir } from './sources.js';
import { parseFile, withoutBom, type JsonObject, type JsonValue, type Positions, type SourceFile } from './parse.js';
import { check, schemaNameOf } from './check.js';
import { resolve } from './resolve.js';
import { PositionTable, tableLength, tabulatePositions } from './position-table.js';
import { parsedValueOf } from '../common/yaml.js';
import { packageRoot } from '../common/paths.js';
import { STATE_SCHEMA_NAMES } from './validators.js';

/** Bump when an entry's format or meaning changes. */
const FORMAT = 4;
export const MAX_ENTRIES = 32;
/** Per-file entries kept: the six files of MAX_ENTRIES states. */
export const MAX_FILE_ENTRIES = 6 * MAX_ENTRIES;
/**
 * A larger file gets no per-file entry (it is parsed and checked each time the state dir's
 * key is new): at 10,000 services (5.9 MB of YAML) an entry would be ~25 MB to write.
 */
export const MAX_FILE_ENTRY_TEXT = 1 << 20;
/**
 * Up to this much state file text in all, the state-dir entry also holds each file's parse
 * value (`raw`): a `plan` served from the cache then reads one entry, not seven (reading the
 * six per-file entries for the review was ≈ 9 ms of a cold `plan`'s CPU at load 20). Above
 * it the entry stays the model and the diagnostics (what validate and status read at every hit).
 */
export const MAX_RAW_IN_ENTRY = 64 << 10;

/** What a cached compile gives: the model and the diagnostics (not the parsed files). */
export type CachedCompile = Pick<CompileResult, 'model' | 'diagnostics'> & {
  /** 'hit': from the cache; 'miss': compiled and stored; 'off': compiled, no cache used. */
  cache: 'hit' | 'miss' | 'off';
  /**
   * The data the parse phase made of exactly this text of a state file (as the model keeps it:
   * a leading byte-order mark removed; undefined for any
   * other text, or a file that did not parse, or whose entry is gone): the plan review
   * (plan/review.ts) reads the files as data too, and on a hit nothing else has parsed them.
   */
  parsedOf: (text: string) => unknown;
  /** On a miss: how many files' parse and check were taken from their per-file entries (the rest were parsed now). */
  reused?: number;
};

let bundleFiles: string[] | undefined;
let buildId: string | null | undefined;
/** When this code was loaded: a file of the build newer than that is code this process does not run. */
const loadedAt = Date.now();

/** The cold-start bundle this code runs from and its parts (cli/cold.ts): their stat stands for the compiler's build. */
export function useBundleFiles(files: string[]): void {
  bundleFiles = files;
  buildId = undefined;
}

/**
 * The files the compiler's build is keyed on: every file the cached path runs or reads, or
 * null when running from the TypeScript sources. From a cold-start bundle: the bundle and its
 * parts (everything it runs) and the state file schemas (check reads them for messages and
 * scalar types). From dist/ (or a chunk of dist/bundle/): this file, every module of the
 * folders the compiler may import (dist/compiler, dist/common, dist/plan: more than it
 * imports, so that no rebuild of one it does import is missed; compile-cache.test.ts checks
 * the import closure against this list), the generated code it loads (yaml, the validators),
 * the schemas, and node_modules/.package-lock.json (npm rewrites it at every install: ajv's
 * runtime, which the validators require).
 */
export function compilerBuildFiles(): string[] | null {
  const here = fileURLToPath(import.meta.url);
  if (!bundleFiles && !here.endsWith('.js')) return null;
  const root = packageRoot();
  const schemas = ['common', ...STATE_SCHEMA_NAMES].map((b) => join(root, 'schemas', `${b}.schema.json`));
  if (bundleFiles) return [...bundleFiles, ...schemas];
  // a chunk of dist/bundle/ (scripts/bundle.mjs; what `claude serve`'s CLI worker and the
  // commands without a cold-start bundle run): dist/ is two folders up, and the bundle's
  // inputs.json (rewritten by every build of it) stands for its other chunks
  const chunk = dirname(here).endsWith(join('bundle', 'chunks'));
  const dist = join(dirname(here), chunk ? '../..' : '..');
  const files = chunk ? [here, join(dist, 'bundle', 'inputs.json')] : [here];
  const jsIn = (dir: string, ext: string) => readdirSync(dir).filter((f) => f.endsWith(ext)).sort().map((f) => join(dir, f));
  try {
    for (const d of ['compiler', 'common', 'plan']) files.push(...jsIn(join(dist, d), '.js'));
    files.push(...jsIn(join(root, 'generated'), '.cjs'), ...jsIn(join(root, 'generated', 'validators'), '.cjs'));
  } catch {
    return null;
  }
  return [...files, ...schemas, join(root, 'node_modules', '.package-lock.json')];
}

/** The compiler's build (see the top): a hash of compilerBuildFiles' sizes and mtimes; null when running from the TypeScript sources. */
export function compilerBuildId(): string | null {
  if (buildId !== undefined) return buildId;
  const files = compilerBuildFiles();
  if (!files) return (buildId = null);
  // the files' list is fixed by the root and the dirs' listings: their number, and each one's size and mtime (numbers, not text: see Hash64)
  const h = new Hash64().update(`${FORMAT}\0${process.version}\0${packageRoot()}\0`).number(files.length);
  for (const f of files) {
    try {
      const st = statSync(f);
      // rebuilt since this process loaded it (a long-lived worker): its results are not the new build's
      if (st.mtimeMs > loadedAt) return (buildId = null);
      h.number(st.size).number(Math.round(st.mtimeMs * 1000));
    } catch {
      h.number(-1);
    }
  }
  return (buildId = h.hex());
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
 * the same as when it was stored, or compiled with the per-file entries of the files that
 * are. Same model and diagnostics either way (compile-cache.test.ts).
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
    return { ...(r.model ? { model: r.model } : {}), diagnostics: r.diagnostics, cache: 'off', parsedOf: inMemory(files) };
  }
  const h = new Hash64().update(`${build}\0`);
  for (const f of files) h.update(`${f.name}\0`).number(f.text.length).update(sampleOf(f.text));
  const key = h.hex();
  const file = join(at, `${key}.json`);
  const perFile = new FileEntries(join(at, 'files'), build);
  const sources = sourcesOf(files);
  const hit = readEntry(file, key, sources);
  if (hit) {
    trace('compile: from the compiled-state cache');
    const { raw, ...result } = hit;
    return { ...result, cache: 'hit', parsedOf: raw ? rawOf(files, raw) : perFile.parsedOf(files) };
  }
  const r = compileByFile(files, sink, perFile);
  const raw = Array.isArray(sources) && sources.reduce((n, [, text]) => n + text.length, 0) <= MAX_RAW_IN_ENTRY ? r.raw : undefined;
  writeEntry(at, file, { format: FORMAT, key, sources, ...(r.model ? { model: r.model } : {}), diagnostics: r.diagnostics, ...(raw ? { raw } : {}) });
  return { ...(r.model ? { model: r.model } : {}), diagnostics: r.diagnostics, cache: 'miss', parsedOf: perFile.parsedOf(files), reused: r.reused };
}

/** `parsedOf` from a state-dir entry's `raw` (file name → the parse's value), for the files read now (the entry's sources). */
function rawOf(files: readonly SourceFile[], raw: Record<string, unknown>): (text: string) => unknown {
  return (text) => {
    const f = files.find((x) => withoutBom(x.text) === text);
    return f && Object.hasOwn(raw, f.name) ? raw[f.name] : undefined;
  };
}

/** `parsedOf` from the values the parse made in this process (common/yaml.ts keeps them by WeakRef). */
function inMemory(files: readonly SourceFile[]): (text: string) => unknown {
  // read now, while the parse's values are still held
  const byText = new Map<string, unknown>();
  for (const f of files) {
    const text = withoutBom(f.text);
    const v = parsedValueOf(text);
    if (v !== undefined) byText.set(text, v);
  }
  return (text) => byText.get(text);
}

/**
 * compileSources(files, sink), each file's parse and check taken from its entry when there is
 * one. Resolve runs over all the files as always: the references between files (a service's
 * network, volume, secret) are checked there, so an edit that breaks one in another file is
 * still found. The sink gets each file's diagnostics with their count (DiagnosticSink.adopt),
 * so the per-file cap and the sorted output are those of one compile.
 */
function compileByFile(files: readonly SourceFile[], sink: DiagnosticSink, perFile: FileEntries): Pick<CompileResult, 'model' | 'diagnostics'> & { reused: number; raw: Record<string, unknown> } {
  const written: WrittenState = { sources: {}, positions: {} };
  // each file's parse value, for the state-dir entry (MAX_RAW_IN_ENTRY)
  const raw: Record<string, unknown> = {};
  trace('compile: state dir read');
  let kept = 0;
  for (const f of files) {
    const e = perFile.get(f) ?? perFile.put(f, checkFile(f));
    if (e.stored) kept++;
    sink.adopt(f.name, e);
    if (e.raw !== undefined) raw[f.name] = e.raw;
    if (e.sourced) written.sources[f.name as StateFileName] = withoutBom(f.text);
    if (e.value !== undefined && e.positions) {
      (written as unknown as Record<string, unknown>)[schemaNameOf(f.name as StateFileName)] = e.value;
      written.positions![f.name as StateFileName] = e.positions;
    }
  }
  trace(`compile: parsed and checked (${kept} of ${files.length} files from the cache)`);
  perFile.prune();
  if (sink.hasErrors()) return { diagnostics: sink.sorted(), reused: kept, raw };
  const model = resolve(written, sink);
  trace('compile: resolved');
  const diagnostics = sink.sorted();
  return sink.hasErrors() ? { diagnostics, reused: kept, raw } : { model, diagnostics, reused: kept, raw };
}

/** What parse and check made of one file, as compileByFile uses it. */
interface FileResult {
  diagnostics: readonly Diagnostic[];
  /** How many diagnostics were reported about the file (past the cap only counted). */
  count: number;
  /** Whether the file parsed: its text is then one of the state's sources. */
  sourced: boolean;
  /** The checked value, when the file had no error. */
  value?: JsonObject;
  positions?: Positions;
  /** The parse's value (plan/review.ts). */
  raw?: unknown;
  /** From an entry (true), or parsed and checked now. */
  stored?: boolean;
}

/** Parses and checks one file on its own (as compileSources would: every report about it names it). */
function checkFile(f: SourceFile): FileResult & { entry: string | null } {
  const s = new DiagnosticSink();
  const parsed = parseFile(f, s);
  trace(`compile: ${f.name} parsed`);
  const w = check(parsed ? [parsed] : [], s);
  trace(`compile: ${f.name} checked`);
  const known = (STATE_FILE_NAMES as readonly string[]).includes(f.name);
  const value = parsed && known ? ((w as unknown as Record<string, JsonObject | undefined>)[schemaNameOf(f.name as StateFileName)]) : undefined;
  const { diagnostics, count } = s.fileState(f.name);
  const r: FileResult = { diagnostics, count, sourced: parsed !== undefined, ...(value ? { value, positions: parsed!.positions } : {}), ...(parsed ? { raw: parsed.value } : {}) };
  // made now, before resolve sees the value; not for a file too large to keep (its positions
  // would be made for nothing: a split parse makes them by parsing again, compiler/parse-split.ts)
  const small = f.text.length <= MAX_FILE_ENTRY_TEXT;
  const table = value && small ? tabulatePositions(value, parsed!.positions) : [];
  // kept when every report was about this file (as expected), its positions are tabulated and it is not too large
  const keep = diagnostics.length === s.diagnostics.length && table !== null && small;
  trace(`compile: ${f.name} positions tabulated`);
  return { ...r, entry: keep ? JSON.stringify({ diagnostics, count, sourced: r.sourced, ...(value ? { value, positions: table } : {}), ...(parsed ? { raw: parsed.value } : {}) }) : null };
}

/** The per-file entries of one build in `dir`. */
class FileEntries {
  private readonly read = new Map<SourceFile, FileResult | null>();
  private wrote = false;

  constructor(
    private readonly dir: string,
    private readonly build: string,
  ) {}

  private keyOf(f: SourceFile): string {
    return new Hash64().update(`${this.build}\0${FORMAT}\0${f.name}\0`).number(f.text.length).update(sampleOf(f.text)).hex();
  }

  /** The file's entry, or undefined when there is none (or it is damaged or foreign). */
  get(f: SourceFile): FileResult | undefined {
    if (this.read.has(f)) return this.read.get(f) ?? undefined;
    const key = this.keyOf(f);
    let r: FileResult | null = null;
    try {
      r = validEntry(JSON.parse(readFileSync(join(this.dir, `${key}.json`), 'utf8')) as unknown, key, f);
    } catch {
      /* none yet, unreadable or cut short */
    }
    this.read.set(f, r);
    return r ?? undefined;
  }

  /** Keeps what `checkFile` made of `f` (when it may be kept), and returns it. */
  put(f: SourceFile, r: FileResult & { entry: string | null }): FileResult {
    const { entry, ...result } = r;
    this.read.set(f, result);
    if (entry === null) return result;
    const key = this.keyOf(f);
    try {
      // The file's text as data (secrets are references or age-encrypted): private to the data dir's owner.
      writeCacheFile(join(this.dir, `${key}.json`), `{"format":${FORMAT},"key":"${key}","name":${JSON.stringify(f.name)},"text":${JSON.stringify(f.text)},${entry.slice(1)}`, 0o600);
      this.wrote = true;
    } catch {
      /* a read-only or full data dir: no cache, still correct */
    }
    return result;
  }

  /** Removes the oldest entries past MAX_FILE_ENTRIES, once per compile that wrote one. */
  prune(): void {
    if (this.wrote) pruneOldest(this.dir, MAX_FILE_ENTRIES);
  }

  /** `CachedCompile.parsedOf` for the files read now: the value in memory, else the file's entry (read on first use). */
  parsedOf(files: readonly SourceFile[]): (text: string) => unknown {
    const now = inMemory(files);
    return (text) => {
      const v = now(text);
      if (v !== undefined) return v;
      const f = files.find((x) => withoutBom(x.text) === text);
      return f ? this.get(f)?.raw : undefined;
    };
  }
}

/** A per-file entry read back, when it is one this build wrote for exactly this file (its text is in it: the key's hash only names it). */
function validEntry(e: unknown, key: string, f: SourceFile): FileResult | null {
  if (e === null || typeof e !== 'object') return null;
  const o = e as Record<string, unknown>;
  const name = f.name;
  if (o.format !== FORMAT || o.key !== key || o.name !== name || o.text !== f.text || typeof o.sourced !== 'boolean' || typeof o.count !== 'number') return null;
  if (!Array.isArray(o.diagnostics) || o.count < o.diagnostics.length || !(o.diagnostics as Diagnostic[]).every((d) => d !== null && typeof d === 'object' && d.file === name)) return null;
  const value = o.value;
  if (value !== undefined) {
    if (value === null || typeof value !== 'object' || Array.isArray(value) || !o.sourced) return null;
    if (!Array.isArray(o.positions) || o.positions.length !== tableLength(value as JsonValue)) return null;
  }
  return {
    diagnostics: o.diagnostics as Diagnostic[],
    count: o.count,
    sourced: o.sourced,
    ...(value !== undefined ? { value: value as JsonObject, positions: new PositionTable(name, value as JsonValue, o.positions as number[]) } : {}),
    ...(o.raw !== undefined ? { raw: o.raw } : {}),
    stored: true,
  };
}

interface Entry {
  format: number;
  key: string;
  /** What it was made from (sourcesOf): used only when the files read now give the same. */
  sources: Sources;
  model?: ResolvedModel;
  diagnostics: Diagnostic[];
  /** Each file's parse value by file name (MAX_RAW_IN_ENTRY): made from the same sources as the rest of the entry. */
  raw?: Record<string, unknown>;
}

function readEntry(file: string, key: string, sources: Sources): (Pick<CompileResult, 'model' | 'diagnostics'> & { raw?: Record<string, unknown> }) | null {
  let e: Entry;
  try {
    e = JSON.parse(readFileSync(file, 'utf8')) as Entry;
  } catch {
    return null; // none yet, unreadable or cut short: compiled again
  }
  if (e === null || typeof e !== 'object' || e.format !== FORMAT || e.key !== key || !Array.isArray(e.diagnostics) || !sameSources(e.sources, sources)) return null;
  if (e.model !== undefined && (e.model === null || typeof e.model !== 'object')) return null;
  // no model means an error among the diagnostics (compileSources)
  if (e.model === undefined && !e.diagnostics.some((d) => d?.severity === 'error')) return null;
  const raw = e.raw !== null && typeof e.raw === 'object' && !Array.isArray(e.raw) ? e.raw : undefined;
  return { ...(e.model ? { model: e.model } : {}), diagnostics: e.diagnostics, ...(raw ? { raw } : {}) };
}

/**
 * What a state-dir entry was made from: the files' names and texts, as they are, up to
 * MAX_FILE_ENTRY_TEXT in all (the usual state dir); above it (thousands of services) their
 * sha256, for which node:crypto is loaded. The key (Hash64) only names the entry: an entry
 * whose sources are not the files read now is not used, so a collision is a miss, never a
 * stale result.
 */
type Sources = [string, string][] | { sha256: string };

function sourcesOf(files: readonly SourceFile[]): Sources {
  let n = 0;
  for (const f of files) n += f.text.length;
  if (n <= MAX_FILE_ENTRY_TEXT) return files.map((f) => [f.name, f.text]);
  const h = nodeCrypto().createHash('sha256');
  for (const f of files) h.update(`${f.name}\0${f.text.length}\0${f.text}\0`);
  return { sha256: h.digest('hex') };
}

/**
 * What of a file's text goes into an entry's key: all of a short text, else its first and
 * last 96 characters and 64 spread between (six files: under 1,600 steps of Hash64). Two texts with the same sample share a key; the
 * entry's own copy of the text (or sources) tells them apart, so one replaces the other.
 */
function sampleOf(text: string): string {
  if (text.length <= 256) return text;
  let mid = '';
  const step = (text.length - 192) / 64;
  for (let i = 0; i < 64; i++) mid += text[96 + Math.floor(i * step)];
  return text.slice(0, 96) + mid + text.slice(-96);
}

function sameSources(a: unknown, b: Sources): boolean {
  if (!Array.isArray(b)) return a !== null && typeof a === 'object' && (a as { sha256?: unknown }).sha256 === b.sha256;
  return Array.isArray(a) && a.length === b.length && b.every(([name, text], i) => Array.isArray(a[i]) && a[i][0] === name && a[i][1] === text);
}

/**
 * A 64-bit non-cryptographic hash (cyrb53's mixing, both 32-bit lanes kept), fed in pieces:
 * names the cache entries without loading node:crypto (≈ 9 ms of a cold `status` or
 * `validate`, common/node-crypto.ts). Not a proof of anything: an entry holds what it was made
 * from and is checked against it (validEntry, sameSources). It is fed short strings and
 * numbers (sampleOf, the build files' sizes and mtimes), under a thousand steps: a loop over
 * 10 KB of text gets optimised by V8 in a fresh process, which cost 5–7 ms of CPU (measured).
 */
class Hash64 {
  private h1 = 0xdeadbeef;
  private h2 = 0x41c6ce57;

  update(s: string): this {
    let h1 = this.h1;
    let h2 = this.h2;
    for (let i = 0; i < s.length; i++) {
      const ch = s.charCodeAt(i);
      h1 = Math.imul(h1 ^ ch, 2654435761);
      h2 = Math.imul(h2 ^ ch, 1597334677);
    }
    this.h1 = h1;
    this.h2 = h2;
    return this;
  }

  /** A whole number up to 2^53, in two 32-bit halves. */
  number(n: number): this {
    this.h1 = Math.imul(this.h1 ^ (n >>> 0), 2654435761);
    this.h2 = Math.imul(this.h2 ^ Math.floor(n / 0x100000000), 1597334677);
    this.h1 = Math.imul(this.h1 ^ (this.h2 >>> 15), 2246822507);
    return this;
  }

  hex(): string {
    let h1 = Math.imul(this.h1 ^ (this.h1 >>> 16), 2246822507);
    h1 ^= Math.imul(this.h2 ^ (this.h2 >>> 13), 3266489909);
    let h2 = Math.imul(this.h2 ^ (this.h2 >>> 16), 2246822507);
    h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
    return (h2 >>> 0).toString(16).padStart(8, '0') + (h1 >>> 0).toString(16).padStart(8, '0');
  }
}

function writeEntry(dir: string, file: string, e: Entry): void {
  try {
    // The model holds the state files' text (secrets are references or age-encrypted): private to the data dir's owner.
    writeCacheFile(file, JSON.stringify(e), 0o600);
    pruneOldest(dir, MAX_ENTRIES);
  } catch {
    /* a read-only or full data dir: no cache, still correct */
  }
}

/**
 * Removes the oldest `.json` files of `dir` when there are more than `max`, down to a quarter
 * below it: the listing and a stat of every entry (≈ 200 per-file entries) are then paid once
 * every max/4 new entries, not at every compile that wrote one.
 */
function pruneOldest(dir: string, max: number): void {
  try {
    const names = readdirSync(dir).filter((n) => n.endsWith('.json'));
    if (names.length <= max) return;
    const aged = names.map((n) => ({ n, t: statSync(join(dir, n)).mtimeMs })).sort((a, b) => a.t - b.t);
    for (const { n } of aged.slice(0, names.length - prunedTo(max))) rmSync(join(dir, n), { force: true });
  } catch {
    /* another process pruned at the same time: next time */
  }
}

/** How many entries a prune of a dir holding more than `max` leaves. */
export const prunedTo = (max: number): number => max - Math.ceil(max / 4);
