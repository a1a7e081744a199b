/**
 * Phase 1 of the compiler: YAML text → plain JSON data, with source positions.
 *
 *   parse(files, sink) → ParsedFile[]
 *
 * Each state file is one YAML 1.2 document read with the `yaml` package and the core schema,
 * so `on`, `yes` and `NO` are strings, `0755` is the integer 755 and `1.10` the float 1.1.
 * Because the schema (not YAML) decides what a value is, every scalar keeps its source text
 * and style: the check phase asks `positions.scalar(path)` and turns a plain `0755` back
 * into the string "0755" where the schema wants a string.
 *
 * Refused, each with a diagnostic at file:line:col (codes CLA1001–CLA1023): empty files,
 * files over 8 MiB (STATE_FILE_MAX_BYTES), syntax errors, more than one document, `%YAML` other than 1.2,
 * duplicate keys, non-scalar or empty keys, tags other than the core ones, unknown or
 * self-containing aliases, more than 100 alias expansions, aliases that add more than 1 MiB
 * to the file (each alias counts the bytes of its value as if written out, CLA1024), more than
 * 1,000,000 values after expansion, nesting deeper than 64 levels, and a top level that is
 * not a mapping.
 *
 * The produced objects have no prototype (common/null-object.ts): a key named `__proto__`
 * is an ordinary own property, which the schema check then reports as unknown.
 *
 * Positions are 1-based lines and columns in UTF-16 code units (see diagnostics.ts).
 * They are looked up on demand from the YAML syntax tree; nothing is precomputed per path.
 *
 * Most files are read by the fast path first (compiler/parse-fast.ts): the plain subset of
 * YAML in one pass over the lines, the same value and positions, no syntax tree. It declines
 * anything else, which is then read as above with every check.
 *
 * A file with any error is left out of the result; its diagnostics explain why.
 * Documented for users in docs/compiler-parse.md.
 */
import type * as YamlApi from 'yaml';
import type { Alias, Document, Pair, ParsedNode, Scalar, YAMLError, YAMLMap, YAMLSeq } from 'yaml';
import type { DiagnosticSink, SourcePos } from './diagnostics.js';
import { loadYaml, rememberParsed } from '../common/yaml.js';
import { nullObject } from '../common/null-object.js';
import { STATE_FILE_MAX_BYTES } from '../common/state-read.js';
import { nearestPos, PositionIndex, type Positions } from './positions.js';
import { fastParse, fastParseSplit, FastPositionIndex, SplitPositionIndex, type TailReader } from './parse-fast.js';
import { SPLIT_ABOVE, workerTail } from './parse-split.js';

export { nearestPos, PositionIndex, type Positions };

// The yaml package, from its one-file copy in generated/ (common/yaml.ts says why), loaded on
// the first parse rather than when this module is imported: the planner imports this module
// without parsing (the 10k plan bench), and the cold-start bundles (cli/cold.ts) hand in
// their own copy before the first parse.
let yamlApi: typeof YamlApi | undefined;
const Y = (): typeof YamlApi => (yamlApi ??= loadYaml());
const isAlias = ((n: unknown) => Y().isAlias(n)) as typeof YamlApi.isAlias;
const isMap = ((n: unknown) => Y().isMap(n)) as typeof YamlApi.isMap;
const isPair = ((n: unknown) => Y().isPair(n)) as typeof YamlApi.isPair;
const isScalar = ((n: unknown) => Y().isScalar(n)) as typeof YamlApi.isScalar;
const isSeq = ((n: unknown) => Y().isSeq(n)) as typeof YamlApi.isSeq;

// ── public types ──────────────────────────────────────────────────────────

/** One state file's text, as read from the state dir or proposed by the intent layer. */
export interface SourceFile {
  /** File name relative to the state dir, e.g. `services.yaml`. Used in diagnostics. */
  name: string;
  text: string;
}

export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
/** A mapping: an object with no prototype (common/null-object.ts `nullObject`). */
export interface JsonObject {
  [key: string]: JsonValue;
}

/** A path into the parsed value: mapping keys are strings, list indexes numbers. */
export type PathSegment = string | number;
export type Path = readonly PathSegment[];

export type ScalarStyle = 'plain' | 'single-quoted' | 'double-quoted' | 'literal' | 'folded';

/** How a scalar was written. */
export interface ScalarSource {
  /**
   * The scalar's text as YAML read it, before the schema typed it: `0755`, `1.10`, `on`,
   * `null`, `` (empty) for an implicit null. Quotes and escapes are already resolved.
   */
  text: string;
  /**
   * True when the value's type was only inferred from plain text by the core schema (an
   * untagged plain scalar). Then `text` is what the user meant when the schema wants a
   * string. False for quoted and block scalars and for explicitly tagged ones.
   */
  plain: boolean;
  style: ScalarStyle;
  /** The explicit tag, e.g. `!!str`, when one was written. */
  tag?: string;
}

export interface ParsedFile {
  name: string;
  /** The top-level mapping as plain JSON data; every object is null-prototype. */
  value: JsonObject;
  /** Source positions and scalar source text, looked up by path. */
  positions: PositionIndex;
  /** The source text, unchanged (a leading byte-order mark removed). */
  text: string;
}

/** Limits that guard the parser against hostile input. Tests may lower them. */
export interface ParseLimits {
  /** Largest file, in UTF-8 bytes. */
  maxBytes: number;
  /** Deepest nesting of mappings and lists; the top-level mapping is level 1. */
  maxDepth: number;
  /** Most alias (`*name`) expansions per file. */
  maxAliasCount: number;
  /** Most bytes the alias expansions may add to a file (each alias counts its value written out). */
  maxAliasBytes: number;
  /** Most values (scalars, mappings, lists) in the expanded document. */
  maxNodes: number;
}

export const DEFAULT_PARSE_LIMITS: Readonly<ParseLimits> = Object.freeze({
  maxBytes: STATE_FILE_MAX_BYTES,
  maxDepth: 64,
  maxAliasCount: 100,
  maxAliasBytes: 1024 * 1024,
  maxNodes: 1_000_000,
});

// ── the phase ─────────────────────────────────────────────────────────────

/** Parses each file; files with errors are omitted (the sink holds the reasons). */
export function parse(files: readonly SourceFile[], sink: DiagnosticSink, limits: Partial<ParseLimits> = {}): ParsedFile[] {
  const out: ParsedFile[] = [];
  for (const file of files) {
    const parsed = parseFile(file, sink, limits);
    if (parsed) out.push(parsed);
  }
  return out;
}

/** The text a parsed file keeps (`ParsedFile.text`): a leading byte-order mark removed. */
export function withoutBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * Parses one file, or reports why it cannot and returns undefined. Never throws on bad input.
 * `fastPath: false` reads it the full way even when the fast path could (for the tests that
 * hold the two paths side by side); `tail` reads the split half of a large file (tests; default: a worker
 * thread from the built code, compiler/parse-split.ts).
 */
export function parseFile(file: SourceFile, sink: DiagnosticSink, limits: Partial<ParseLimits> = {}, o: { fastPath?: boolean; tail?: TailReader } = {}): ParsedFile | undefined {
  const lim: ParseLimits = { ...DEFAULT_PARSE_LIMITS, ...limits };
  const text = withoutBom(file.text);
  const noPos: SourcePos = { file: file.name, line: 0, column: 0 };

  const size = Buffer.byteLength(text, 'utf8');
  if (size > lim.maxBytes) {
    sink.report('CLA1002', noPos, { size, limit: lim.maxBytes });
    return undefined;
  }

  // The plain subset most files are written in: read in one pass over the lines, with the
  // same value and positions; anything else goes the full way below (compiler/parse-fast.ts).
  // A large file (thousands of services) has half of its services list read on a worker
  // thread meanwhile (compiler/parse-split.ts), its positions made when a diagnostic asks.
  const tail = o.fastPath === false || text.length < SPLIT_ABOVE ? undefined : (o.tail ?? workerTail());
  const split = tail ? fastParseSplit(text, lim, tail) : undefined;
  const fast = o.fastPath === false ? undefined : tail ? split?.parsed : fastParse(text, lim);
  if (split && !split.parsed) {
    rememberParsed(text, split.value);
    return { name: file.name, value: split.value, positions: new SplitPositionIndex(file.name, text, split.value, lim, lineAt(text, file.name)), text };
  }
  if (fast) {
    const at = lineAt(text, file.name);
    rememberParsed(text, fast.value);
    return { name: file.name, value: fast.value, positions: new FastPositionIndex(file.name, text, fast, at), text };
  }

  const lines = new (Y().LineCounter)();
  const at = (offset: number): SourcePos => {
    const { line, col } = lines.linePos(offset);
    return { file: file.name, line, column: col };
  };

  const composed = compose(text, lines, lim);
  if (composed.kind === 'too-deep') {
    sink.report('CLA1022', at(composed.offset), { limit: lim.maxDepth });
    return undefined;
  }
  if (composed.kind === 'crashed') {
    sink.report('CLA1004', noPos, { detail: composed.message });
    return undefined;
  }
  const docs = composed.docs;
  const first = docs[0];
  if (!first) {
    sink.report('CLA1001', noPos);
    return undefined;
  }

  let failed = false;
  for (const doc of docs) {
    if (reportYamlErrors(doc, text, at, sink)) failed = true;
  }
  const second = docs[1];
  if (second) {
    sink.report('CLA1011', at(second.range[0]));
    return undefined;
  }
  if (failed) return undefined;

  const yamlVersion = first.directives?.yaml;
  if (yamlVersion?.explicit && yamlVersion.version !== '1.2') {
    const i = text.indexOf('%YAML');
    sink.report('CLA1012', i >= 0 ? at(i) : noPos, { version: yamlVersion.version });
    return undefined;
  }

  const root = first.contents;
  if (root === null || (isScalar(root) && root.value === null && root.source === '' && root.tag === undefined)) {
    sink.report('CLA1001', noPos);
    return undefined;
  }
  if (!isMap(root)) {
    sink.report('CLA1023', at(root.range[0]), { found: describeNode(root) });
    return undefined;
  }

  const builder = new Builder(text, at, sink, lim);
  const value = builder.build(root);
  if (builder.failed || value === undefined) return undefined;
  rememberParsed(text, value); // the plan review reads the same text as data (plan/review.ts)
  return {
    name: file.name,
    value,
    positions: new YamlPositionIndex(file.name, root, builder.keyIndex, builder.aliasTargets, at),
    text,
  };
}

/** Offset → 1-based line and column (UTF-16 units), the line starts found on the first lookup. */
function lineAt(text: string, file: string): (offset: number) => SourcePos {
  let starts: number[] | undefined;
  return (offset) => {
    if (!starts) {
      starts = [0];
      for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    }
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { file, line: lo + 1, column: offset - starts[lo]! + 1 };
  };
}

// ── composing (yaml's lexer → parser → composer, with a depth guard) ─────

type Composed =
  | { kind: 'ok'; docs: Document.Parsed[] }
  | { kind: 'too-deep'; offset: number }
  | { kind: 'crashed'; message: string };

/**
 * Runs yaml's pipeline by hand so that deep nesting is refused while the (iterative) CST
 * parser is still running, before the (recursive) composer sees it: very deep input would
 * otherwise exhaust the stack inside yaml, and near the stack limit V8 can abort the process.
 */
function compose(text: string, lines: YamlApi.LineCounter, lim: ParseLimits): Composed {
  const { Composer, Lexer, Parser } = Y();
  const lexer = new Lexer();
  const parser = new Parser(lines.addNewLine);
  const composer = new Composer({
    schema: 'core',
    version: '1.2',
    merge: false,
    uniqueKeys: false, // we check keys after turning them into strings (1 and "1" collide)
    strict: true,
    intAsBigInt: false,
    resolveKnownTags: false,
    stringKeys: false,
  });
  // The parser stack holds the document, each open collection, and at most one scalar.
  const maxStack = lim.maxDepth + 3;
  const docs: Document.Parsed[] = [];
  try {
    lines.addNewLine(0);
    for (const lexeme of lexer.lex(text)) {
      for (const token of parser.next(lexeme)) for (const doc of composer.next(token)) docs.push(doc);
      if (parser.stack.length > maxStack) return { kind: 'too-deep', offset: Math.min(parser.offset, text.length) };
    }
    for (const token of parser.end()) for (const doc of composer.next(token)) docs.push(doc);
    for (const doc of composer.end()) docs.push(doc);
  } catch (e) {
    return { kind: 'crashed', message: e instanceof Error ? e.message : String(e) };
  }
  return { kind: 'ok', docs };
}

/** Reports the document's syntax errors (and warnings that mean the text is wrong); true if any. */
function reportYamlErrors(doc: Document.Parsed, text: string, at: (offset: number) => SourcePos, sink: DiagnosticSink): boolean {
  const problems: YAMLError[] = [
    ...doc.errors,
    // Tag problems are reported by the builder, with the tag's own wording.
    ...doc.warnings.filter((w) => w.code !== 'TAG_RESOLVE_FAILED' && w.code !== 'BAD_COLLECTION_TYPE'),
  ];
  const seenLines = new Set<number>();
  for (const err of problems) {
    const offset = Math.min(err.pos[0], text.length);
    const pos = at(offset);
    // One error per line: yaml often reports the same mistake several times.
    if (seenLines.has(pos.line)) continue;
    seenLines.add(pos.line);
    const detail = err.message.split('\n')[0] ?? err.message;
    if (err.code === 'TAB_AS_INDENT') {
      sink.report('CLA1005', pos);
    } else if (err.code === 'MISSING_CHAR' && /closing "quote/.test(detail)) {
      sink.report('CLA1006', openingQuote(doc, text, offset, '"', at) ?? pos, { quote: '"', escape: '\\"' });
    } else if (err.code === 'MISSING_CHAR' && /closing 'quote/.test(detail)) {
      sink.report('CLA1006', openingQuote(doc, text, offset, "'", at) ?? pos, { quote: "'", escape: "''" });
    } else if (/end with a \]/.test(detail)) {
      sink.report('CLA1007', openingBracket(doc, text, offset, '[', ']', at) ?? pos, { kind: '"["', close: ']' });
    } else if (/end with a \}/.test(detail)) {
      sink.report('CLA1007', openingBracket(doc, text, offset, '{', '}', at) ?? pos, { kind: '"{"', close: '}' });
    } else if (err.code === 'BAD_INDENT') {
      sink.report('CLA1008', pos, { detail });
    } else if (err.code === 'BLOCK_AS_IMPLICIT_KEY' && /compact mappings/.test(detail)) {
      sink.report('CLA1009', pos);
    } else if ((err.code === 'MISSING_CHAR' && /followed by map values/.test(detail)) || err.code === 'MULTILINE_IMPLICIT_KEY') {
      sink.report('CLA1010', pos);
    } else {
      sink.report('CLA1004', pos, { detail });
    }
  }
  return problems.length > 0;
}

/** The opening quote of the unclosed quoted scalar that runs to `errorOffset`, if found. */
function openingQuote(
  doc: Document.Parsed,
  text: string,
  errorOffset: number,
  quote: string,
  at: (offset: number) => SourcePos,
): SourcePos | undefined {
  // An unclosed quoted scalar runs on to the end of the text; the last one that starts
  // before the error is the culprit.
  let best: number | undefined;
  walkNodes(doc.contents, (node) => {
    if (!isScalar(node) || !node.range) return;
    const start = node.range[0];
    if (text[start] === quote && start < errorOffset && (best === undefined || start > best)) best = start;
  });
  return best === undefined ? undefined : at(best);
}

/** The opening bracket of the innermost unclosed flow collection before `errorOffset`. */
function openingBracket(
  doc: Document.Parsed,
  text: string,
  errorOffset: number,
  open: string,
  close: string,
  at: (offset: number) => SourcePos,
): SourcePos | undefined {
  let best: number | undefined;
  walkNodes(doc.contents, (node) => {
    if (!(isMap(node) || isSeq(node)) || !node.range) return;
    const [start, end] = node.range;
    const closed = text.slice(start, end).trimEnd().endsWith(close);
    if (text[start] === open && !closed && start < errorOffset && (best === undefined || start > best)) best = start;
  });
  return best === undefined ? undefined : at(best);
}

/** Visits every node, iteratively (depth is already bounded, but no recursion is needed). */
function walkNodes(root: unknown, visit: (node: ParsedNode) => void): void {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const n = stack.pop();
    if (isPair(n)) {
      stack.push(n.value, n.key);
    } else if (isMap(n) || isSeq(n)) {
      visit(n as ParsedNode);
      for (let i = n.items.length - 1; i >= 0; i--) stack.push(n.items[i]);
    } else if (isScalar(n) || isAlias(n)) {
      visit(n as ParsedNode);
    }
  }
}

// ── building the JSON value ───────────────────────────────────────────────

const CORE_TAG_PREFIX = 'tag:yaml.org,2002:';
const ALLOWED_TAGS = new Set(['str', 'int', 'float', 'bool', 'null', 'map', 'seq'].map((t) => CORE_TAG_PREFIX + t));

/** `tag:yaml.org,2002:int` → `!!int`; local tags stay as written. */
function displayTag(tag: string): string {
  return tag.startsWith(CORE_TAG_PREFIX) ? '!!' + tag.slice(CORE_TAG_PREFIX.length) : tag;
}

/** A mapping-like node: a YAMLMap, or a single pair written inside a flow list (`[a: 1]`). */
type MapLike = YAMLMap.Parsed | Pair<ParsedNode, ParsedNode | null>;
type KeyIndex = WeakMap<object, Map<string, Pair<ParsedNode, ParsedNode | null>>>;

class Abort extends Error {}

/**
 * Turns the syntax tree into JSON data in one walk, checking keys, tags, aliases, depth and
 * size on the way. It records, per mapping, its keys as strings (used for the duplicate
 * check and then for path lookups) and, per alias, the node it points at.
 */
class Builder {
  failed = false;
  readonly keyIndex: KeyIndex = new WeakMap();
  readonly aliasTargets = new WeakMap<Alias, ParsedNode>();
  private readonly anchors = new Map<string, ParsedNode>();
  private readonly anchoredValues = new Map<ParsedNode, JsonValue>();
  private readonly inProgress = new Set<ParsedNode>();
  private nodes = 0;
  private aliases = 0;
  /** Bytes the alias expansions added so far (each alias counts its anchored value's text, expanded). */
  private expandedBytes = 0;
  /** Per anchored node: the bytes of its text with the aliases inside it expanded. */
  private readonly anchorBytes = new Map<ParsedNode, number>();

  constructor(
    private readonly text: string,
    private readonly at: (offset: number) => SourcePos,
    private readonly sink: DiagnosticSink,
    private readonly lim: ParseLimits,
  ) {}

  /** Records an anchored node's expanded size: its own text plus what aliases inside it added. */
  private noteAnchor(n: ParsedNode, expandedBefore: number): void {
    const own = Buffer.byteLength(this.text.slice(n.range[0], n.range[1]), 'utf8');
    this.anchorBytes.set(n, own + (this.expandedBytes - expandedBefore));
  }

  build(root: YAMLMap.Parsed): JsonObject | undefined {
    try {
      const v = this.node(root, 1);
      return v !== null && typeof v === 'object' && !Array.isArray(v) ? v : undefined;
    } catch (e) {
      if (e instanceof Abort) return undefined;
      throw e;
    }
  }

  private fail(code: Parameters<DiagnosticSink['report']>[0], offset: number, args: Record<string, string | number> = {}): void {
    this.failed = true;
    this.sink.report(code, this.at(offset), args);
  }

  private count(n: number, offset: number): void {
    this.nodes += n;
    if (this.nodes > this.lim.maxNodes) {
      this.fail('CLA1021', offset, { limit: this.lim.maxNodes });
      throw new Abort();
    }
  }

  private node(n: ParsedNode | null, depth: number): JsonValue {
    if (n === null) return null;
    if (isAlias(n)) return this.alias(n as Alias.Parsed, depth);
    if (n.anchor) this.anchors.set(n.anchor, n);
    this.checkTag(n);
    const start = n.range[0];
    const expandedBefore = this.expandedBytes;
    if (isScalar(n)) {
      this.count(1, start);
      const v = this.scalar(n);
      if (n.anchor) {
        this.anchoredValues.set(n, v);
        this.noteAnchor(n, expandedBefore);
      }
      return v;
    }
    if (depth > this.lim.maxDepth) {
      this.fail('CLA1022', start, { limit: this.lim.maxDepth });
      throw new Abort();
    }
    this.count(1, start);
    if (n.anchor) this.inProgress.add(n);
    let v: JsonValue;
    if (isMap(n)) {
      v = this.mapping(n, n.items, depth);
    } else {
      const arr: JsonValue[] = [];
      for (const item of (n as YAMLSeq.Parsed).items as unknown[]) {
        if (isPair(item)) {
          // `[a: 1]`: a single-pair mapping inside a flow list.
          if (depth + 1 > this.lim.maxDepth) {
            this.fail('CLA1022', start, { limit: this.lim.maxDepth });
            throw new Abort();
          }
          this.count(1, start);
          const pair = item as Pair<ParsedNode, ParsedNode | null>;
          arr.push(this.mapping(pair, [pair], depth + 1));
        } else {
          arr.push(this.node(item as ParsedNode | null, depth + 1));
        }
      }
      v = arr;
    }
    if (n.anchor) {
      this.inProgress.delete(n);
      this.anchoredValues.set(n, v);
      this.noteAnchor(n, expandedBefore);
    }
    return v;
  }

  private mapping(owner: MapLike, pairs: readonly Pair<unknown, unknown>[], depth: number): JsonObject {
    const obj = nullObject<JsonObject>();
    const keys = new Map<string, Pair<ParsedNode, ParsedNode | null>>();
    this.keyIndex.set(owner, keys);
    for (const p of pairs) {
      const pair = p as Pair<ParsedNode | null, ParsedNode | null>;
      const key = this.key(pair, owner);
      const value = this.node(pair.value, depth + 1);
      if (key === undefined) continue;
      const first = keys.get(key);
      if (first) {
        const keyNode = pair.key as ParsedNode;
        this.fail('CLA1013', keyNode.range[0], { key: JSON.stringify(key), firstLine: this.at(first.key.range[0]).line });
        continue;
      }
      keys.set(key, pair as Pair<ParsedNode, ParsedNode | null>);
      obj[key] = value; // own data property even for "__proto__": obj has no prototype
    }
    return obj;
  }

  /** The key as a string: plain untagged scalars keep their source text (`0755`, `on`). */
  private key(pair: Pair<ParsedNode | null, ParsedNode | null>, owner: MapLike): string | undefined {
    const k = pair.key;
    if (k === null) {
      const offset = pair.value?.range[0] ?? (isPair(owner) ? 0 : owner.range[0]);
      this.fail('CLA1015', offset);
      return undefined;
    }
    if (!isScalar(k)) {
      this.fail('CLA1014', k.range[0], { found: describeNode(k) });
      return undefined;
    }
    if (k.anchor) {
      this.anchors.set(k.anchor, k);
      this.anchoredValues.set(k, scalarValue(k));
      this.noteAnchor(k, this.expandedBytes);
    }
    this.checkTag(k);
    this.count(1, k.range[0]);
    const src = scalarSource(k);
    const text = src.plain ? src.text : k.value === null ? src.text : String(k.value);
    if (text === '' && k.value === null) {
      this.fail('CLA1015', k.range[0]);
      return undefined;
    }
    return text;
  }

  private scalar(n: Scalar.Parsed): JsonValue {
    const v: unknown = n.value;
    if (n.tag !== undefined && ALLOWED_TAGS.has(n.tag)) {
      const want = n.tag.slice(CORE_TAG_PREFIX.length);
      const ok =
        (want === 'str' && typeof v === 'string') ||
        (want === 'int' && typeof v === 'number' && Number.isInteger(v)) ||
        (want === 'float' && typeof v === 'number') ||
        (want === 'bool' && typeof v === 'boolean') ||
        (want === 'null' && v === null);
      if (!ok) this.fail('CLA1017', n.range[0], { text: JSON.stringify(n.source ?? ''), tag: displayTag(n.tag) });
    }
    return scalarValue(n);
  }

  private alias(a: Alias.Parsed, depth: number): JsonValue {
    const target = this.anchors.get(a.source);
    if (!target) {
      this.fail('CLA1018', a.range[0], { name: a.source });
      return null;
    }
    if (this.inProgress.has(target)) {
      this.fail('CLA1019', a.range[0], { name: a.source });
      return null;
    }
    this.aliasTargets.set(a, target);
    this.aliases += 1;
    if (this.aliases > this.lim.maxAliasCount) {
      this.fail('CLA1020', a.range[0], { limit: this.lim.maxAliasCount });
      throw new Abort();
    }
    // The expansion counts against the size limit as if the value were written out here:
    // few aliases of a large value (or a value that itself holds aliases) stay within maxBytes.
    // The file itself may be up to maxBytes (8 MiB); what aliases add is held to maxAliasBytes.
    this.expandedBytes += this.anchorBytes.get(target) ?? 0;
    if (this.expandedBytes > this.lim.maxAliasBytes) {
      this.fail('CLA1024', a.range[0], { limit: this.lim.maxAliasBytes });
      throw new Abort();
    }
    const v = this.anchoredValues.get(target);
    return v === undefined ? null : this.clone(v, a.range[0], depth);
  }

  /** Deep copy of an anchored value, so that the result is a tree; counts toward the limits. */
  private clone(v: JsonValue, offset: number, depth: number): JsonValue {
    this.count(1, offset);
    if (v === null || typeof v !== 'object') return v;
    if (depth > this.lim.maxDepth) {
      this.fail('CLA1022', offset, { limit: this.lim.maxDepth });
      throw new Abort();
    }
    if (Array.isArray(v)) return v.map((x) => this.clone(x, offset, depth + 1));
    const o = nullObject<JsonObject>();
    for (const k of Object.keys(v)) o[k] = this.clone(v[k] as JsonValue, offset, depth + 1);
    return o;
  }

  private checkTag(n: ParsedNode): void {
    const tag = n.tag;
    if (tag === undefined || ALLOWED_TAGS.has(tag)) {
      if (tag === CORE_TAG_PREFIX + 'map' && !isMap(n)) this.fail('CLA1017', n.range[0], { text: describeNode(n), tag: '!!map' });
      if (tag === CORE_TAG_PREFIX + 'seq' && !isSeq(n)) this.fail('CLA1017', n.range[0], { text: describeNode(n), tag: '!!seq' });
      return;
    }
    this.fail('CLA1016', this.tagOffset(n.range[0]), { tag: displayTag(tag) });
  }

  /**
   * Where the tag was written. yaml's nodes start after their properties, so look back over
   * at most two whitespace-separated tokens (the tag, and an anchor before it).
   */
  private tagOffset(nodeStart: number): number {
    const t = this.text;
    const isSpace = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r';
    let i = nodeStart;
    for (let token = 0; token < 2; token++) {
      let end = i;
      while (end > 0 && isSpace(t[end - 1])) end--;
      let start = end;
      while (start > 0 && !isSpace(t[start - 1])) start--;
      while (start < end && (t[start] === '[' || t[start] === '{' || t[start] === ',')) start++;
      if (t[start] === '!') return start;
      if (t[start] !== '&') break;
      i = start;
    }
    return nodeStart;
  }

}

function scalarValue(n: Scalar.Parsed): JsonValue {
  const v: unknown = n.value;
  if (typeof v === 'number') {
    // JSON has no Infinity or NaN: keep `.inf` / `.nan` as their text; the schema decides.
    return Number.isFinite(v) ? v : (n.source ?? String(v));
  }
  if (typeof v === 'string' || typeof v === 'boolean' || v === null) return v;
  // Only reachable through tags, which the builder has refused.
  return n.source ?? String(v);
}

function scalarSource(n: Scalar.Parsed): ScalarSource {
  const style = styleOf(n.type);
  const src: ScalarSource = { text: n.source ?? '', plain: style === 'plain' && n.tag === undefined, style };
  if (n.tag !== undefined) src.tag = displayTag(n.tag);
  return src;
}

function styleOf(type: Scalar.Type | undefined): ScalarStyle {
  switch (type) {
    case 'QUOTE_DOUBLE':
      return 'double-quoted';
    case 'QUOTE_SINGLE':
      return 'single-quoted';
    case 'BLOCK_LITERAL':
      return 'literal';
    case 'BLOCK_FOLDED':
      return 'folded';
    default:
      return 'plain';
  }
}

function describeNode(n: ParsedNode): string {
  if (isMap(n)) return 'a mapping';
  if (isSeq(n)) return 'a list';
  if (isAlias(n)) return `an alias (*${n.source})`;
  const v: unknown = (n as Scalar).value;
  if (v === null) return 'null';
  if (typeof v === 'string') return `a string (${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v)})`;
  if (typeof v === 'number') return `a number (${(n as Scalar).source ?? String(v)})`;
  if (typeof v === 'boolean') return `a boolean (${String(v)})`;
  return 'a scalar';
}

// ── positions ─────────────────────────────────────────────────────────────

/** A JSON pointer (`/spec/services/0/image`, as ajv's instancePath) → path segments. */
export function pointerToPath(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .replace(/^\//, '')
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

interface Located {
  /** The node at the path (after following aliases), or null for an empty value. */
  node: ParsedNode | MapLike | null;
  /** The map entry, when the last segment is a mapping key. */
  pair?: Pair<ParsedNode, ParsedNode | null>;
  /** The item as written at the path (an alias stays an alias here). */
  written: ParsedNode | null;
}

/** Source positions from yaml's syntax tree (the full path). Each lookup costs one hash lookup per path segment. A path through an alias continues at the anchored value. */
class YamlPositionIndex extends PositionIndex {
  constructor(
    file: string,
    private readonly root: YAMLMap.Parsed,
    private readonly keyIndex: KeyIndex,
    private readonly aliasTargets: WeakMap<Alias, ParsedNode>,
    private readonly at: (offset: number) => SourcePos,
  ) {
    super(file);
  }

  has(path: Path): boolean {
    return this.locate(path) !== undefined;
  }

  keyPos(path: Path): SourcePos | undefined {
    const loc = this.locate(path);
    if (!loc) return undefined;
    if (loc.pair) return this.at(loc.pair.key.range[0]);
    return this.writtenAt(loc);
  }

  valuePos(path: Path): SourcePos | undefined {
    const loc = this.locate(path);
    return loc ? this.writtenAt(loc) : undefined;
  }

  scalar(path: Path): ScalarSource | undefined {
    const loc = this.locate(path);
    if (!loc) return undefined;
    if (loc.node === null) return { text: '', plain: true, style: 'plain' };
    return isScalar(loc.node) ? scalarSource(loc.node as Scalar.Parsed) : undefined;
  }

  private writtenAt(loc: Located): SourcePos {
    const w = loc.written;
    if (w) return this.at(w.range[0]);
    // `? key` with no value at all: point at the key.
    return loc.pair ? this.at(loc.pair.key.range[0]) : this.at(this.root.range[0]);
  }

  private locate(path: Path): Located | undefined {
    let node: ParsedNode | MapLike | null = this.root;
    let loc: Located = { node: this.root, written: this.root };
    for (const seg of path) {
      if (node === null) return undefined;
      const keys = this.keyIndex.get(node);
      if (keys) {
        const pair = keys.get(String(seg));
        if (!pair) return undefined;
        const written = pair.value;
        node = this.deref(written);
        loc = { node, pair, written };
      } else if (isSeq(node)) {
        const i = typeof seg === 'number' ? seg : /^(0|[1-9][0-9]*)$/.test(seg) ? Number(seg) : -1;
        if (!Number.isInteger(i) || i < 0 || i >= node.items.length) return undefined;
        const item = node.items[i] as unknown;
        if (isPair(item)) {
          // single-pair mapping in a flow list: positioned at its key
          const p = item as Pair<ParsedNode, ParsedNode | null>;
          node = p;
          loc = { node: p, written: p.key };
          continue;
        }
        const written = (item ?? null) as ParsedNode | null;
        node = this.deref(written);
        loc = { node, written };
      } else {
        return undefined;
      }
    }
    return loc;
  }

  private deref(n: ParsedNode | null): ParsedNode | null {
    if (n !== null && isAlias(n)) return this.aliasTargets.get(n) ?? null;
    return n;
  }
}
