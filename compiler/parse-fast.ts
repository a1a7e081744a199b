/**
 * The fast path of phase 1 (compiler/parse.ts): one pass over the lines of a state file
 * written in a plain subset of YAML, building the same value and positions as the full path
 * (yaml's lexer, CST parser and composer, then our builder) without the syntax tree. It
 * reads what people and the intent layer write, and what makes 10,000 services a 5.9 MB
 * services.yaml (docs/plans.md): block mappings and lists indented with spaces, `key: value`
 * with simple keys, plain scalars, quoted scalars without escapes on one line, `[a, "b"]`
 * lists on one line, and comments.
 *
 * Anything else, it does not guess: it declines (returns undefined) and the full path parses
 * the file, with every syntax check and diagnostic. It declines on any character outside
 * printable ASCII (tabs, CR, non-ASCII text), directives and document markers other than
 * one leading `---`, anchors, aliases, tags, block scalars (`|`, `>`), flow mappings, keys
 * that are quoted, complex or repeated, a scalar that goes on over more than one line,
 * indentation it does not expect, a plain scalar the core schema would read as something
 * other than a string, `true`, `false`, `null`, `~` or a canonical integer (`0755`, `1.10`,
 * `1e3`, `0x1f`, `True` all go the full way), and when a limit would be reached.
 *
 * compiler/parse-fast.test.ts runs both paths over every YAML fixture (errors included) and
 * over generated texts (fast-check): the fast path gives the full path's value and positions
 * or declines; it never accepts a file the full path refuses.
 */
import type { SourcePos } from './diagnostics.js';
import type { JsonObject, JsonValue, ParseLimits, Path, ScalarSource } from './parse.js';
import { PositionIndex } from './positions.js';
import { nullObject } from '../common/null-object.js';

/** Thrown to decline; caught in fastParse. */
class Decline extends Error {}
const DECLINE = new Decline();

// The content lines, three numbers each in one Int32Array: the offset of the first
// character after the indentation, the offset of the line's end (its newline, or the end of
// the text), and the indentation. Not an object per line: at 10,000 services a services.yaml
// has 240,000 lines, objects that lived through the whole parse (promoted to the old
// generation, then marked) and made as much work for the collector as the parse itself.
const START = 0;
const END = 1;
const INDENT = 2;

// The core schema's non-string plain scalars (yaml's schema/core and schema/common).
const CORE_NOT_STRING = [
  /^(?:~|[Nn]ull|NULL)?$/,
  /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/,
  /^0o[0-7]+$/,
  /^[-+]?[0-9]+$/,
  /^0x[0-9a-fA-F]+$/,
  /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/,
  /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/,
  /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/,
];
const CANONICAL_INT = /^(?:0|[1-9][0-9]{0,14})$/;
const KEY = /^[A-Za-z0-9_][A-Za-z0-9_./-]*$/;
// Outside printable ASCII and newline: declined.
const UNUSUAL = /[^\x20-\x7e\n]/;
// A plain scalar may not begin with an indicator.
const INDICATOR = new Set(['-', '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', "'", '"', '%', '@', '`']);

/** What the fast path read: the value and the offsets of every key and value. */
export interface FastParsed {
  value: JsonObject;
  /** Per mapping: [key, keyOffset, valueOffset, ...]; per list: [itemOffset, ...]. */
  offsets: Map<object, (string | number)[]>;
  /** Offset of the top mapping's first key. */
  rootOffset: number;
}

/** The value and offsets of `text`, or undefined when the full path must read it. */
export function fastParse(text: string, lim: ParseLimits): FastParsed | undefined {
  if (UNUSUAL.test(text)) return undefined;
  try {
    return new FastParser(text, lim, true).root();
  } catch (e) {
    if (e === DECLINE) return undefined;
    throw e;
  }
}

/**
 * The second half of a long list, read elsewhere (compiler/parse-split.ts: on a worker thread)
 * while this thread reads the first: the list's items from the line at `from` on, how many
 * nodes they are, and where the list ended (the offset of the first line after it, relative
 * to `from`, or -1 at the text's end). 'declined' when that part is not the plain subset (the
 * whole file then goes the full way); undefined when it was not read (this thread reads it).
 */
export type TailAnswer = { items: JsonValue[]; nodes: number; end: number } | 'declined' | undefined;

/** Reads `text.slice(from)`, a list at `indent` and `depth`, somewhere else; `take` waits for the answer. */
export type TailReader = (tail: string, indent: number, depth: number, lim: ParseLimits) => { take(): TailAnswer; cancel(): void } | undefined;

/**
 * The list the split is made in: `services:` and its items (the bulk of a large services.yaml),
 * at depth 3 (the root mapping 1, `spec` 2), with its first item at indentation $2.
 */
const SPLIT_LIST = /\n( *)services: *\n( *)- /;
const SPLIT_DEPTH = 3;

/**
 * `fastParse`, with the second half of the services list read by `tail` (on another thread)
 * while this one reads the rest: the same value, or undefined when fastParse declines (its
 * decline, the tail's or this half's). `at`: where in the text the split is made (this thread
 * reads the text before it). With no such list, or no reader, it is fastParse (`parsed`, with
 * the offsets); otherwise no offsets are kept on either side, and the caller makes positions
 * by parsing the text again only when they are asked for (SplitPositionIndex).
 */
export function fastParseSplit(text: string, lim: ParseLimits, tail: TailReader, at = 0.5): { value: JsonObject; parsed?: FastParsed } | undefined {
  if (UNUSUAL.test(text)) return undefined;
  const m = SPLIT_LIST.exec(text);
  const indent = m ? m[2]!.length : -1;
  // the first item line at the list's indentation past `at` of the text
  const from = m ? text.indexOf(`\n${' '.repeat(indent)}- `, Math.max(m.index + m[0].length, Math.floor(text.length * at))) + 1 : 0;
  const reader = from > 0 ? tail(text.slice(from), indent, SPLIT_DEPTH, lim) : undefined;
  try {
    const p = new FastParser(text, lim, reader === undefined);
    if (reader) p.split = { at: from + indent, from, indent, depth: SPLIT_DEPTH, reader };
    const parsed = p.root();
    // not reached as expected (another list): read here
    if (p.split) reader?.cancel();
    return parsed ? (reader ? { value: parsed.value } : { value: parsed.value, parsed }) : undefined;
  } catch (e) {
    reader?.cancel();
    if (e === DECLINE) return undefined;
    throw e;
  }
}

/** The worker's side of fastParseSplit: `text` begins with an item line of a list at `indent`. */
export function fastParseItems(text: string, indent: number, depth: number, lim: ParseLimits): TailAnswer {
  if (UNUSUAL.test(text)) return 'declined';
  try {
    const p = new FastParser(text, lim, false);
    const first = p.firstLine();
    if (!first || first.indent !== indent || !first.item) return undefined;
    return p.items(indent, depth);
  } catch (e) {
    if (e === DECLINE) return 'declined';
    throw e;
  }
}

class FastParser {
  /** The content lines: [start, end, indent] at 3 × index (START, END, INDENT). */
  private lines: Int32Array;
  private lineCount = 0;
  private i = 0;
  private nodes = 0;
  /** Set by `inlineOrNested`: the offset of the value it returned. */
  private valueOffset = 0;
  /** Set by `scalar`: where the scalar it returned ends. */
  private scalarEnd = 0;
  readonly offsets = new Map<object, (string | number)[]>();
  /** Where the rest of a list is read by another thread (fastParseSplit); cleared once used. */
  split: { at: number; from: number; indent: number; depth: number; reader: { take(): TailAnswer } } | undefined;

  constructor(
    private readonly text: string,
    private readonly lim: ParseLimits,
    /** Whether the offsets of keys and values are kept (not when positions are made later by parsing again). */
    private readonly keep: boolean,
  ) {
    // one line per newline at most: counted first, so the array is made once
    let n = 1;
    for (let p = text.indexOf('\n'); p >= 0; p = text.indexOf('\n', p + 1)) n++;
    this.lines = new Int32Array(3 * n);
    let pos = 0;
    let first = true;
    while (pos < text.length) {
      let end = text.indexOf('\n', pos);
      if (end < 0) end = text.length;
      let s = pos;
      while (s < end && text.charCodeAt(s) === 32) s++;
      const c = text[s];
      // blank and comment-only lines carry nothing
      if (s < end && c !== '#') {
        if (s === pos && (c === '%' || text.startsWith('---', s) || text.startsWith('...', s))) {
          // one `---` (alone, or with a comment) before the first content line
          if (!(first && /^---(?: +(?:#.*)?)?$/.test(text.slice(s, end)))) throw DECLINE;
        } else {
          const k = 3 * this.lineCount++;
          this.lines[k + START] = s;
          this.lines[k + END] = end;
          this.lines[k + INDENT] = s - pos;
        }
        first = false;
      }
      pos = end + 1;
    }
  }

  root(): FastParsed | undefined {
    if (this.lineCount === 0 || this.lines[INDENT] !== 0 || this.isItem(0)) throw DECLINE;
    const rootOffset = this.lines[START]!;
    const value = this.mapping(0, 1);
    if (this.i !== this.lineCount) throw DECLINE;
    return { value, offsets: this.offsets, rootOffset };
  }

  /** The first content line: its indentation and whether it is a list item. */
  firstLine(): { indent: number; item: boolean } | undefined {
    return this.lineCount === 0 ? undefined : { indent: this.lines[INDENT]!, item: this.isItem(0) };
  }

  /** The list at `indent` that begins on the first line (fastParseItems), as TailAnswer. */
  items(indent: number, depth: number): TailAnswer {
    const items = this.list(indent, depth);
    // the list's own node is counted by the thread that holds it
    return { items, nodes: this.nodes - 1, end: this.i < this.lineCount ? this.lines[3 * this.i + START]! : -1 };
  }

  /**
   * At the line where the split was made, in the list it was made in: takes the other
   * thread's items and goes on after them. False when it gave nothing (read here).
   */
  private spliced(arr: JsonValue[]): boolean {
    const sp = this.split!;
    this.split = undefined;
    const r = sp.reader.take();
    if (r === 'declined') throw DECLINE;
    if (r === undefined) return false;
    // the line the other thread stopped at, in this thread's lines
    let j = this.i;
    if (r.end < 0) j = this.lineCount;
    else {
      const end = sp.from + r.end;
      while (j < this.lineCount && this.lines[3 * j + START]! < end) j++;
      if (j === this.lineCount || this.lines[3 * j + START] !== end) return false;
    }
    for (const it of r.items) arr.push(it);
    this.nodes += r.nodes;
    if (this.nodes > this.lim.maxNodes * 0.9) throw DECLINE;
    this.i = j;
    return true;
  }

  /** Near a limit, the full path decides (and says which limit). */
  private count(): void {
    if (++this.nodes > this.lim.maxNodes * 0.9) throw DECLINE;
  }

  /** Whether line `i` is a list item (`-` then a space or the line's end). */
  private isItem(i: number): boolean {
    const start = this.lines[3 * i + START]!;
    return this.text.charCodeAt(start) === 45 /* - */ && (start + 1 === this.lines[3 * i + END] || this.text.charCodeAt(start + 1) === 32);
  }

  /** A block node whose first line is lines[i], at that line's indentation. */
  private block(depth: number): JsonValue {
    const indent = this.lines[3 * this.i + INDENT]!;
    return this.isItem(this.i) ? this.list(indent, depth) : this.mapping(indent, depth);
  }

  private mapping(indent: number, depth: number): JsonObject {
    if (depth >= this.lim.maxDepth) throw DECLINE;
    this.count();
    const obj = nullObject<JsonObject>();
    const offs: (string | number)[] | undefined = this.keep ? [] : undefined;
    if (offs) this.offsets.set(obj, offs);
    const t = this.text;
    const lines = this.lines;
    while (this.i < this.lineCount) {
      const k = 3 * this.i;
      const lIndent = lines[k + INDENT]!;
      if (lIndent < indent) break;
      if (lIndent > indent || this.isItem(this.i)) throw DECLINE;
      const start = lines[k + START]!;
      const end = lines[k + END]!;
      const colon = find(t, ':', start, end);
      if (colon < 0) throw DECLINE;
      const key = t.slice(start, colon);
      if (key.length > 256 || !KEY.test(key) || Object.prototype.hasOwnProperty.call(obj, key)) throw DECLINE;
      const after = colon + 1;
      if (after < end && t.charCodeAt(after) !== 32) throw DECLINE;
      this.count();
      this.i++;
      obj[key] = this.inlineOrNested(after, end, indent, depth, true);
      offs?.push(key, start, this.valueOffset);
    }
    return obj;
  }

  private list(indent: number, depth: number): JsonValue[] {
    if (depth >= this.lim.maxDepth) throw DECLINE;
    this.count();
    const arr: JsonValue[] = [];
    const offs: number[] | undefined = this.keep ? [] : undefined;
    if (offs) this.offsets.set(arr, offs);
    const lines = this.lines;
    while (this.i < this.lineCount) {
      const k = 3 * this.i;
      const lIndent = lines[k + INDENT]!;
      // a line at the list's own indentation that is no item ends a list written under a key
      if (lIndent < indent || (lIndent === indent && !this.isItem(this.i))) break;
      if (lIndent > indent) throw DECLINE;
      const start = lines[k + START]!;
      if (this.split && start === this.split.at && indent === this.split.indent && depth === this.split.depth && this.spliced(arr)) continue;
      const end = lines[k + END]!;
      let c = start + 1;
      while (c < end && this.text.charCodeAt(c) === 32) c++;
      if (c < end && this.text[c] !== '#' && this.startsBlock(c, end)) {
        // `- key: value` or `- - x`: a block node that starts on this line, indented at its column
        lines[k + START] = c;
        lines[k + INDENT] = c - (start - lIndent);
        offs?.push(c);
        arr.push(this.block(depth + 1));
        continue;
      }
      this.i++;
      arr.push(this.inlineOrNested(start + 1, end, indent, depth, false));
      offs?.push(this.valueOffset);
    }
    return arr;
  }

  /** Whether the text at `c` begins a block mapping entry or a list item. */
  private startsBlock(c: number, end: number): boolean {
    const t = this.text;
    if (t.charCodeAt(c) === 45 && (c + 1 === end || t.charCodeAt(c + 1) === 32)) return true;
    const colon = find(t, ':', c, end);
    if (colon < 0) return false;
    if (colon + 1 < end && t.charCodeAt(colon + 1) !== 32) {
      // `a:b` is a plain scalar, unless a later `: ` makes it a key after all: not guessed
      if (t.slice(colon + 1, end).includes(': ') || t.slice(colon + 1, end).endsWith(':')) throw DECLINE;
      return false;
    }
    // `"a": 1`, `[a]: 1`: a quoted or flow key is not read here
    if (['"', "'", '[', '{'].includes(t[c]!)) throw DECLINE;
    return true;
  }

  /**
   * The value after `key:` or `-` (from `from` to the line's end `end`), or the block on the
   * following lines when nothing is written there. `underKey`: a list may then begin at the
   * key's own indentation. Where the value begins is left in `valueOffset`.
   */
  private inlineOrNested(from: number, end: number, indent: number, depth: number, underKey: boolean): JsonValue {
    const t = this.text;
    let c = from;
    while (c < end && t.charCodeAt(c) === 32) c++;
    const hasNext = this.i < this.lineCount;
    const nextIndent = hasNext ? this.lines[3 * this.i + INDENT]! : -1;
    if (c === end || t[c] === '#') {
      if (hasNext && (nextIndent > indent || (underKey && nextIndent === indent && this.isItem(this.i)))) {
        const offset = this.lines[3 * this.i + START]!;
        const value = this.block(depth + 1);
        this.valueOffset = offset;
        return value;
      }
      this.count();
      this.valueOffset = c;
      return null;
    }
    if (hasNext && nextIndent > indent) throw DECLINE; // a scalar going on over the next line
    const ch = t[c]!;
    if (ch === '[') {
      const value = this.flowList(c, end, depth + 1);
      this.valueOffset = c;
      return value;
    }
    const value = this.scalar(c, end, false);
    if (!this.restIsComment(this.scalarEnd, end)) throw DECLINE;
    this.count();
    this.valueOffset = c;
    return value;
  }

  /** Nothing but spaces and a comment from `c` to `end` (a comment needs a space before it). */
  private restIsComment(c: number, end: number): boolean {
    const t = this.text;
    if (c === end) return true;
    if (t.charCodeAt(c) !== 32) return false;
    while (c < end && t.charCodeAt(c) === 32) c++;
    return c === end || t[c] === '#';
  }

  /** `[a, "b"]` on one line, of scalars only. */
  private flowList(open: number, end: number, depth: number): JsonValue[] {
    if (depth >= this.lim.maxDepth) throw DECLINE;
    this.count();
    const t = this.text;
    const arr: JsonValue[] = [];
    const offs: number[] | undefined = this.keep ? [] : undefined;
    if (offs) this.offsets.set(arr, offs);
    let c = open + 1;
    const skip = () => {
      while (c < end && t.charCodeAt(c) === 32) c++;
    };
    skip();
    if (t[c] === ']') {
      if (!this.restIsComment(c + 1, end)) throw DECLINE;
      return arr;
    }
    for (;;) {
      skip();
      if (c >= end) throw DECLINE;
      const value = this.scalar(c, end, true);
      this.count();
      arr.push(value);
      offs?.push(c);
      c = this.scalarEnd;
      skip();
      if (t[c] === ',') {
        c++;
        continue;
      }
      if (t[c] === ']') {
        if (!this.restIsComment(c + 1, end)) throw DECLINE;
        return arr;
      }
      throw DECLINE;
    }
  }

  /** A scalar at `c` on this line: its value; where it ends is left in `scalarEnd`. */
  private scalar(c: number, end: number, flow: boolean): JsonValue {
    const t = this.text;
    const q = t[c];
    if (q === '"' || q === "'") {
      const close = find(t, q, c + 1, end);
      if (close < 0) throw DECLINE;
      const body = t.slice(c + 1, close);
      if (q === '"' && body.includes('\\')) throw DECLINE;
      // `'it''s'`: the doubled quote is an escape; not guessed here
      if (q === "'" && t[close + 1] === "'") throw DECLINE;
      this.scalarEnd = close + 1;
      return body;
    }
    if (INDICATOR.has(q!)) throw DECLINE;
    let e = c;
    if (flow) {
      while (e < end && !',[]{}#'.includes(t[e]!)) e++;
      if (t[e] === '#' || t[e] === '[' || t[e] === '{' || t[e] === '}') throw DECLINE;
    } else {
      // a comment begins at ` #`
      const hash = find(t, ' #', c, end);
      e = hash >= 0 ? hash : end;
    }
    let s = e;
    while (s > c && t.charCodeAt(s - 1) === 32) s--;
    const raw = t.slice(c, s);
    if (raw.includes(': ') || raw.endsWith(':') || raw.includes(' #')) throw DECLINE;
    this.scalarEnd = s;
    return plainValue(raw);
  }
}

/** The first `what` that starts in text[from, end), or -1 (indexOf, bounded to the line). */
function find(text: string, what: string, from: number, end: number): number {
  const c0 = what.charCodeAt(0);
  const last = end - what.length;
  for (let i = from; i <= last; i++) if (text.charCodeAt(i) === c0 && (what.length === 1 || text.startsWith(what, i))) return i;
  return -1;
}

/** The core schema's value of a plain scalar, for the forms the fast path reads; declines the rest. */
function plainValue(raw: string): JsonValue {
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  if (raw === 'null' || raw === '~') return null;
  if (CANONICAL_INT.test(raw)) return Number(raw);
  for (const re of CORE_NOT_STRING) if (re.test(raw)) throw DECLINE;
  return raw;
}

/** Positions of a file the fast path read: offsets kept per mapping and list, looked up by path. */
export class FastPositionIndex extends PositionIndex {
  constructor(
    file: string,
    private readonly text: string,
    private readonly parsed: FastParsed,
    private readonly at: (offset: number) => SourcePos,
  ) {
    super(file);
  }

  /** [keyOffset or -1, valueOffset, value] at `path`, or undefined. */
  private locate(path: Path): [number, number, JsonValue] | undefined {
    let v: JsonValue = this.parsed.value;
    let loc: [number, number, JsonValue] = [-1, this.parsed.rootOffset, v];
    for (const seg of path) {
      if (v === null || typeof v !== 'object') return undefined;
      const offs = this.parsed.offsets.get(v);
      if (!offs) return undefined;
      if (Array.isArray(v)) {
        const i = typeof seg === 'number' ? seg : /^(0|[1-9][0-9]*)$/.test(seg) ? Number(seg) : -1;
        if (!Number.isInteger(i) || i < 0 || i >= v.length) return undefined;
        v = v[i]!;
        loc = [-1, offs[i] as number, v];
      } else {
        const key = String(seg);
        let k = 0;
        while (k < offs.length && offs[k] !== key) k += 3;
        if (k >= offs.length) return undefined;
        v = v[key]!;
        loc = [offs[k + 1] as number, offs[k + 2] as number, v];
      }
    }
    return loc;
  }

  has(path: Path): boolean {
    return this.locate(path) !== undefined;
  }

  keyPos(path: Path): SourcePos | undefined {
    const loc = this.locate(path);
    return loc ? this.at(loc[0] >= 0 ? loc[0] : loc[1]) : undefined;
  }

  valuePos(path: Path): SourcePos | undefined {
    const loc = this.locate(path);
    return loc ? this.at(loc[1]) : undefined;
  }

  scalar(path: Path): ScalarSource | undefined {
    const loc = this.locate(path);
    if (!loc) return undefined;
    const [, offset, v] = loc;
    if (v !== null && typeof v === 'object') return undefined;
    const c = this.text[offset];
    if (typeof v === 'string' && (c === '"' || c === "'")) return { text: v, plain: false, style: c === '"' ? 'double-quoted' : 'single-quoted' };
    // plain: the fast path reads only forms whose source text its value gives back
    const text = v === null ? (c === '~' ? '~' : c === 'n' ? 'null' : '') : String(v);
    return { text, plain: true, style: 'plain' };
  }
}

/** Nothing at that path (SplitPositionIndex.valueAt). */
const MISSING = Symbol('missing');

/**
 * Positions of a file fastParseSplit read: no offsets were kept, so the text is parsed again
 * (fastParse, on this thread) the first time a key's or a value's position is asked for (a
 * diagnostic). Whether a path exists and how a number or a boolean was written come from the
 * value itself: the fast path reads those only as plain scalars whose text is String(value),
 * which is what check's typeScalars asks for on every run.
 */
export class SplitPositionIndex extends PositionIndex {
  private index: FastPositionIndex | undefined;

  constructor(
    file: string,
    private readonly text: string,
    private readonly value: JsonObject,
    private readonly lim: ParseLimits,
    private readonly at: (offset: number) => SourcePos,
  ) {
    super(file);
  }

  private full(): FastPositionIndex {
    if (this.index) return this.index;
    const parsed = fastParse(this.text, this.lim);
    // fastParseSplit read it, so fastParse does: the same lines, the same rules
    if (!parsed) throw new Error(`${this.file}: read by the split fast path but declined by the fast path (a bug)`);
    return (this.index = new FastPositionIndex(this.file, this.text, parsed, this.at));
  }

  /** The value at `path` by FastPositionIndex.locate's rules, or MISSING. */
  private valueAt(path: Path): JsonValue | typeof MISSING {
    let v: JsonValue = this.value;
    for (const seg of path) {
      if (v === null || typeof v !== 'object') return MISSING;
      if (Array.isArray(v)) {
        const i = typeof seg === 'number' ? seg : /^(0|[1-9][0-9]*)$/.test(seg) ? Number(seg) : -1;
        if (!Number.isInteger(i) || i < 0 || i >= v.length) return MISSING;
        v = v[i]!;
      } else {
        const key = String(seg);
        if (!Object.prototype.hasOwnProperty.call(v, key)) return MISSING;
        v = v[key]!;
      }
    }
    return v;
  }

  has(path: Path): boolean {
    return this.valueAt(path) !== MISSING;
  }

  keyPos(path: Path): SourcePos | undefined {
    return this.has(path) ? this.full().keyPos(path) : undefined;
  }

  valuePos(path: Path): SourcePos | undefined {
    return this.has(path) ? this.full().valuePos(path) : undefined;
  }

  scalar(path: Path): ScalarSource | undefined {
    const v = this.valueAt(path);
    if (v === MISSING || (v !== null && typeof v === 'object')) return undefined;
    if (typeof v === 'number' || typeof v === 'boolean') return { text: String(v), plain: true, style: 'plain' };
    return this.full().scalar(path);
  }
}
