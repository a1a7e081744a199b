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

interface Line {
  /** Offset of the first character after the indentation. */
  start: number;
  /** Offset of the line's end (its newline, or the end of the text). */
  end: number;
  indent: number;
}

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
    return new FastParser(text, lim).root();
  } catch (e) {
    if (e === DECLINE) return undefined;
    throw e;
  }
}

class FastParser {
  private readonly lines: Line[] = [];
  private i = 0;
  private nodes = 0;
  readonly offsets = new Map<object, (string | number)[]>();

  constructor(
    private readonly text: string,
    private readonly lim: ParseLimits,
  ) {
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
          this.lines.push({ start: s, end, indent: s - pos });
        }
        first = false;
      }
      pos = end + 1;
    }
  }

  root(): FastParsed | undefined {
    const l = this.lines[0];
    if (!l || l.indent !== 0 || this.isItem(l)) throw DECLINE;
    const value = this.mapping(0, 1);
    if (this.i !== this.lines.length) throw DECLINE;
    return { value, offsets: this.offsets, rootOffset: l.start };
  }

  /** Near a limit, the full path decides (and says which limit). */
  private count(): void {
    if (++this.nodes > this.lim.maxNodes * 0.9) throw DECLINE;
  }

  private isItem(l: Line): boolean {
    return this.text.charCodeAt(l.start) === 45 /* - */ && (l.start + 1 === l.end || this.text.charCodeAt(l.start + 1) === 32);
  }

  /** A block node whose first line is lines[i], at that line's indentation. */
  private block(depth: number): JsonValue {
    const l = this.lines[this.i]!;
    return this.isItem(l) ? this.list(l.indent, depth) : this.mapping(l.indent, depth);
  }

  private mapping(indent: number, depth: number): JsonObject {
    if (depth >= this.lim.maxDepth) throw DECLINE;
    this.count();
    const obj = nullObject<JsonObject>();
    const offs: (string | number)[] = [];
    this.offsets.set(obj, offs);
    const t = this.text;
    while (this.i < this.lines.length) {
      const l = this.lines[this.i]!;
      if (l.indent < indent) break;
      if (l.indent > indent || this.isItem(l)) throw DECLINE;
      const colon = find(t, ':', l.start, l.end);
      if (colon < 0) throw DECLINE;
      const key = t.slice(l.start, colon);
      if (key.length > 256 || !KEY.test(key) || Object.prototype.hasOwnProperty.call(obj, key)) throw DECLINE;
      const after = colon + 1;
      if (after < l.end && t.charCodeAt(after) !== 32) throw DECLINE;
      this.count();
      this.i++;
      const v = this.inlineOrNested(after, l.end, indent, depth, true);
      obj[key] = v.value;
      offs.push(key, l.start, v.offset);
    }
    return obj;
  }

  private list(indent: number, depth: number): JsonValue[] {
    if (depth >= this.lim.maxDepth) throw DECLINE;
    this.count();
    const arr: JsonValue[] = [];
    const offs: number[] = [];
    this.offsets.set(arr, offs);
    while (this.i < this.lines.length) {
      const l = this.lines[this.i]!;
      // a line at the list's own indentation that is no item ends a list written under a key
      if (l.indent < indent || (l.indent === indent && !this.isItem(l))) break;
      if (l.indent > indent) throw DECLINE;
      let c = l.start + 1;
      while (c < l.end && this.text.charCodeAt(c) === 32) c++;
      if (c < l.end && this.text[c] !== '#' && this.startsBlock(c, l.end)) {
        // `- key: value` or `- - x`: a block node that starts on this line, indented at its column
        this.lines[this.i] = { start: c, end: l.end, indent: c - (l.start - l.indent) };
        offs.push(c);
        arr.push(this.block(depth + 1));
        continue;
      }
      this.i++;
      const v = this.inlineOrNested(l.start + 1, l.end, indent, depth, false);
      arr.push(v.value);
      offs.push(v.offset);
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
   * key's own indentation.
   */
  private inlineOrNested(from: number, end: number, indent: number, depth: number, underKey: boolean): { value: JsonValue; offset: number } {
    const t = this.text;
    let c = from;
    while (c < end && t.charCodeAt(c) === 32) c++;
    const next = this.lines[this.i];
    if (c === end || t[c] === '#') {
      if (next && (next.indent > indent || (underKey && next.indent === indent && this.isItem(next)))) {
        const offset = next.start;
        return { value: this.block(depth + 1), offset };
      }
      this.count();
      return { value: null, offset: c };
    }
    if (next && next.indent > indent) throw DECLINE; // a scalar going on over the next line
    const ch = t[c]!;
    if (ch === '[') return { value: this.flowList(c, end, depth + 1), offset: c };
    const s = this.scalar(c, end, false);
    if (!this.restIsComment(s.end, end)) throw DECLINE;
    this.count();
    return { value: s.value, offset: c };
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
    const offs: number[] = [];
    this.offsets.set(arr, offs);
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
      const s = this.scalar(c, end, true);
      this.count();
      arr.push(s.value);
      offs.push(c);
      c = s.end;
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

  /** A scalar at `c` on this line: its value and where it ends. */
  private scalar(c: number, end: number, flow: boolean): { value: JsonValue; end: number } {
    const t = this.text;
    const q = t[c];
    if (q === '"' || q === "'") {
      const close = find(t, q, c + 1, end);
      if (close < 0) throw DECLINE;
      const body = t.slice(c + 1, close);
      if (q === '"' && body.includes('\\')) throw DECLINE;
      // `'it''s'`: the doubled quote is an escape; not guessed here
      if (q === "'" && t[close + 1] === "'") throw DECLINE;
      return { value: body, end: close + 1 };
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
    return { value: plainValue(raw), end: s };
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
