/**
 * The fast path of the parse (compiler/parse-fast.ts) beside the full one (yaml's composer and
 * our builder): on every YAML fixture, error fixtures included, and on generated texts, the
 * fast path gives the full path's value and the same positions for every path, or declines.
 * It never accepts a text the full path refuses.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { DiagnosticSink } from './diagnostics.js';
import { DEFAULT_PARSE_LIMITS, parseFile, type JsonValue, type ParsedFile, type PathSegment } from './parse.js';
import { fastParse } from './parse-fast.js';
import { benchStateFiles } from '../bench/plan.bench.js';

/** Every path into a value, the root first. */
function paths(v: JsonValue, at: PathSegment[] = [], out: PathSegment[][] = []): PathSegment[][] {
  out.push(at);
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...at, i], out));
  else if (v !== null && typeof v === 'object') for (const k of Object.keys(v)) paths(v[k]!, [...at, k], out);
  return out;
}

/** What a reader of the parsed file sees: the value (keys in order) and, per path, the positions and scalar source. */
function view(f: ParsedFile): unknown {
  const p = f.positions;
  const missing = [['no such key'], ['spec', 'no such key'], [99999]];
  return {
    value: JSON.stringify(f.value),
    at: paths(f.value).map((path) => [path.join('/'), p.has(path), p.keyPos(path), p.valuePos(path), p.scalar(path), p.nearest([...path, 'missing'])]),
    missing: missing.map((path) => [p.has(path), p.keyPos(path), p.nearest(path)]),
  };
}

/** 'declined', or 'same' after checking the two paths agree; throws (expect) when they do not. */
function compare(text: string, name = 'services.yaml'): 'declined' | 'same' {
  const full = parseFile({ name, text }, new DiagnosticSink(), {}, { fastPath: false });
  if (fastParse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, DEFAULT_PARSE_LIMITS) === undefined) return 'declined';
  const sink = new DiagnosticSink();
  const fast = parseFile({ name, text }, sink);
  expect(full, `the full path refuses what the fast path read:\n${text}`).toBeDefined();
  expect(sink.sorted()).toEqual([]);
  expect(view(fast!)).toEqual(view(full!));
  return 'same';
}

function yamlFiles(dir: string, out: string[] = []): string[] {
  for (const f of readdirSync(dir)) {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) yamlFiles(p, out);
    else if (/\.ya?ml$/.test(f)) out.push(p);
  }
  return out;
}

describe('the fast path of the parse', () => {
  test('every YAML fixture: the same value and positions, or declined; every error fixture refused by both', () => {
    const files = yamlFiles('fixtures');
    expect(files.length).toBeGreaterThan(50);
    const seen = { same: 0, declined: 0 };
    let states = 0;
    for (const f of files) {
      const how = compare(readFileSync(f, 'utf8'));
      // The intent eval sets (fixtures/intent-eval) are lists of requests written in flow style, not
      // state files: each is compared, none counts toward the share (two new sets tipped it, round 38).
      if (f.includes('intent-eval')) continue;
      states++;
      seen[how]++;
    }
    // most state-file fixtures are in the subset the fast path reads
    expect(seen.same).toBeGreaterThan(states / 2);
  });

  test("the bench's 10,000-service state files are read by the fast path, with the full path's value and positions", () => {
    for (const [name, text] of Object.entries(benchStateFiles(60))) expect(compare(text, name), name).toBe('same');
  });

  test('the forms it declines go the full way: the same diagnostics and values as before', () => {
    const declined = [
      'a: 0755\n', 'a: 1.10\n', 'a: True\n', 'a: 1e3\n', 'a: .inf\n', 'a: &x 1\nb: *x\n', 'a: !!str 1\n', 'a: |\n  x\n', 'a: {b: 1}\n',
      '"a": 1\n', 'a: "x\\ty"\n', "a: 'it''s'\n", 'a:\tb\n', 'a: b\r\n', 'a: é\n', 'a: b\n  c\n', 'a: 1\na: 2\n', '- a\n', 'a: [b, [c]]\n',
      'a: b: c\n', '---\na: 1\n---\nb: 2\n', '%YAML 1.2\n---\na: 1\n', 'a:\n  b: 1\n c: 2\n', 'a: -1\n', 'a: [b\n', '? a\n: 1\n',
    ];
    for (const text of declined) expect(compare(text), text).toBe('declined');
  });

  test('generated texts (fast-check): the same value and positions, or declined; never a file the full path refuses', () => {
    const keys = fc.constantFrom('a', 'b', 'name', 'a.b', 'a-b', '0755', '8080', 'true', 'null', '__proto__', 'x_y', '"q"', 'a b', '-a', '');
    const values = fc.constantFrom(
      '', ' x', ' 1', ' 0', ' 0755', ' 1.10', ' 007', ' 1e3', ' 0x1f', ' 0o7', ' .inf', ' .NaN', ' True', ' true', ' false', ' FALSE', ' null', ' ~', ' Null',
      ' "a#b"', " 'x'", " 'it''s'", ' "a\\"b"', ' "un', ' [a, b]', ' [ ]', ' []', ' [a, "b" ]', ' [a,]', ' [a, [b]]', ' {a: 1}', ' &x a', ' *x', ' !!str 1',
      ' |', ' >-', ' a: b', ' a #c', ' a#c', ' ${secrets.x}', ' -1', ' - x', ' a,b', ' x]', ' a:b', ' http://x:80/', ' 64Mi', ' 5s', ' 10.0.0.0/8',
      ' "1.25"', ' "a" b', " 'a'x", ' "a"#c', ' "a"  # c', ' [a] b', ' [a]#c', ' a  b', '  # c', ' x ', ' `x`', ' @x', ' %x', ' é', '\t1', ' a\tb', ':x', ' ? x',
    );
    const line = fc.oneof(
      { weight: 8, arbitrary: fc.tuple(fc.constantFrom(0, 0, 0, 2, 2, 4, 1, 6), fc.constantFrom(false, false, false, true), keys, fc.constantFrom(':', ':', ': '), values).map(([ind, item, k, colon, v]) => ' '.repeat(ind) + (item ? '- ' : '') + k + colon + v) },
      { weight: 2, arbitrary: fc.tuple(fc.integer({ min: 0, max: 6 }), values).map(([ind, v]) => ' '.repeat(ind) + '-' + v) },
      { weight: 1, arbitrary: fc.constantFrom('', '# c', '   # c', '---', '...', '--- # c', '%YAML 1.2', '  ', '- - x', '-', '? a', ': b', 'a:\r', '\ta: 1') },
    );
    let same = 0;
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 6 }), fc.boolean(), (lines, nl) => {
        if (compare(lines.join('\n') + (nl ? '\n' : '')) === 'same') same++;
      }),
      { numRuns: 3000 },
    );
    expect(same).toBeGreaterThan(5);
  });

  test('generated documents (fast-check), written in block style as people write them: read by the fast path, the same as the full path', () => {
    const scalar = fc.oneof(
      fc.constantFrom('x', 'web', 'nginx:1.25', '64Mi', '10.0.0.0/8', 'a b', 'a, b', '${secrets.x}', 'http://x:8080/', 'on', 'yes', 'NO', '__proto__'),
      fc.integer({ min: 0, max: 99999 }),
      fc.boolean(),
      fc.constant(null),
    );
    const key = fc.constantFrom('a', 'b', 'name', 'image', 'a.b', 'x-y', '8080', 'true', '__proto__', 'z_1');
    const doc = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, tie('map'), tie('list')),
      map: fc.uniqueArray(fc.tuple(key, tie('node')), { minLength: 1, maxLength: 4, selector: ([k]) => k }),
      list: fc.array(tie('node'), { minLength: 1, maxLength: 3 }),
    }));
    const root = fc.uniqueArray(fc.tuple(key, doc.node), { minLength: 1, maxLength: 5, selector: ([k]) => k });
    const style = fc.record({ quote: fc.boolean(), flow: fc.boolean(), compact: fc.boolean(), indent: fc.integer({ min: 1, max: 4 }), comments: fc.boolean() });
    let same = 0;
    fc.assert(
      fc.property(root, style, (entries, st) => {
        const text = writeBlock(entries as Entry[], st);
        if (compare(text) === 'same') same++;
      }),
      { numRuns: 1000 },
    );
    expect(same).toBeGreaterThan(500);
  });
});

type Node = string | number | boolean | null | Entry[] | Node[];
type Entry = [string, Node];
interface Style {
  quote: boolean;
  flow: boolean;
  compact: boolean;
  indent: number;
  comments: boolean;
}

/** Block-style YAML of a generated document: quoted or plain strings, flow lists of scalars, lists under a key at its indentation or deeper. */
function writeBlock(entries: Entry[], st: Style): string {
  const out: string[] = [];
  const isEntries = (n: Node): n is Entry[] => Array.isArray(n) && n.length > 0 && Array.isArray(n[0]) && n.every((e) => Array.isArray(e) && e.length === 2 && typeof e[0] === 'string' && !Array.isArray(e[0]));
  const sc = (v: Node): string => (typeof v === 'string' ? (st.quote ? JSON.stringify(v) : v) : v === null ? 'null' : String(v));
  const isScalar = (n: Node) => n === null || typeof n !== 'object';
  const tail = () => (st.comments ? '  # note' : '');
  const write = (n: Node, ind: number, lead: string): void => {
    // lead: the text before the node on its first line ('key:' or '-'), at indent ind
    const pad = ' '.repeat(ind);
    if (isScalar(n)) {
      out.push(`${pad}${lead} ${sc(n)}${tail()}`);
      return;
    }
    if (isEntries(n) && lead === '-' && st.compact) {
      // `- key: value`, the item's other keys under the first
      const first = out.length;
      for (const [k, v] of n) write(v, ind + 2, `${k}:`);
      out[first] = `${pad}- ${out[first]!.slice(ind + 2)}`;
      return;
    }
    if (isEntries(n)) {
      out.push(`${pad}${lead}${tail()}`);
      for (const [k, v] of n) write(v, ind + st.indent, `${k}:`);
      return;
    }
    const items = n as Node[];
    if (st.flow && items.every(isScalar)) {
      out.push(`${pad}${lead} [${items.map(sc).join(', ')}]${tail()}`);
      return;
    }
    out.push(`${pad}${lead}`);
    const at = st.compact && lead !== '-' ? ind : ind + st.indent;
    for (const it of items) write(it, at, '-');
  };
  for (const [k, v] of entries) write(v, 0, `${k}:`);
  return out.join('\n') + '\n';
}
