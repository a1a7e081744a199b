/**
 * The split parse (compiler/parse-fast.ts fastParseSplit, compiler/parse-split.ts): the second
 * half of a large services list read elsewhere gives fastParse's value (the same keys in the same
 * order, every mapping without a prototype), declines exactly when fastParse declines, and the
 * positions it makes later are fastParse's, so every diagnostic keeps its file:line:col.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { DiagnosticSink } from './diagnostics.js';
import { DEFAULT_PARSE_LIMITS, parseFile, type JsonValue, type ParsedFile, type PathSegment } from './parse.js';
import { fastParse, fastParseItems, fastParseSplit, SplitPositionIndex, type TailReader } from './parse-fast.js';
import { SPLIT_ABOVE, workerTail } from './parse-split.js';
import { check } from './check.js';
import { benchStateFiles } from '../bench/plan.bench.js';

/** The other half read on this thread, as the worker does; counts the halves it read. */
function inProcess(): TailReader & { read: number } {
  const reader = ((tail, indent, depth, lim) => {
    const r = fastParseItems(tail, indent, depth, lim);
    reader.read++;
    return { take: () => r, cancel: () => undefined };
  }) as TailReader & { read: number };
  reader.read = 0;
  return reader;
}

const notRead: TailReader = () => ({ take: () => undefined, cancel: () => undefined });

/** Every mapping has no prototype (as the parse makes them). */
function nullPrototyped(v: JsonValue): boolean {
  if (v === null || typeof v !== 'object') return true;
  if (Array.isArray(v)) return v.every(nullPrototyped);
  return Object.getPrototypeOf(v) === null && Object.keys(v).every((k) => nullPrototyped(v[k]!));
}

function paths(v: JsonValue, at: PathSegment[] = [], out: PathSegment[][] = []): PathSegment[][] {
  out.push(at);
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...at, i], out));
  else if (v !== null && typeof v === 'object') for (const k of Object.keys(v)) paths(v[k]!, [...at, k], out);
  return out;
}

function view(f: ParsedFile, every = 1): unknown {
  const p = f.positions;
  return {
    value: JSON.stringify(f.value),
    at: paths(f.value).filter((_, i) => i % every === 0).map((path) => [path.join('/'), p.has(path), p.keyPos(path), p.valuePos(path), p.scalar(path), p.nearest([...path, 'missing'])]),
    missing: [['no such key'], ['spec', 'services', 99999], ['spec', 'services', 'x']].map((path) => [p.has(path), p.keyPos(path), p.scalar(path), p.nearest(path)]),
  };
}

describe('the split parse', () => {
  const big = benchStateFiles(2000)['services.yaml']!;

  test('a services.yaml above SPLIT_ABOVE: half read elsewhere, the same value and positions as one fast parse', () => {
    expect(big.length).toBeGreaterThan(SPLIT_ABOVE);
    const reader = inProcess();
    const split = parseFile({ name: 'services.yaml', text: big }, new DiagnosticSink(), {}, { tail: reader })!;
    const one = parseFile({ name: 'services.yaml', text: big }, new DiagnosticSink(), {}, { tail: () => undefined })!;
    expect(reader.read).toBe(1);
    expect(split.positions).toBeInstanceOf(SplitPositionIndex);
    expect(nullPrototyped(split.value)).toBe(true);
    expect(view(split, 7)).toEqual(view(one, 7));
  });

  test('an error in the half read elsewhere: the same diagnostics, file:line:col included', () => {
    const bad = big.replace('    - name: svc-1900\n', '    - name: svc-1900\n      bogus: 1\n').replace(/(- name: svc-1950\n(?:.*\n)*?\s+container: )\d+/, '$1eighty');
    expect(bad).toContain('container: eighty');
    const diags = (tail: TailReader) => {
      const sink = new DiagnosticSink();
      const parsed = parseFile({ name: 'services.yaml', text: bad }, sink, {}, { tail });
      check(parsed ? [parsed] : [], sink);
      return sink.sorted();
    };
    const split = diags(inProcess());
    expect(split.map((d) => `${d.file}:${d.line}:${d.column} ${d.code}`)).toEqual(diags(() => undefined).map((d) => `${d.file}:${d.line}:${d.column} ${d.code}`));
    expect(split.length).toBeGreaterThanOrEqual(2);
    expect(split.every((d) => d.line > big.slice(0, big.length / 2).split('\n').length)).toBe(true);
  });

  test('generated lists (fast-check), split at any item: fastParse’s value, or declined exactly when it declines', () => {
    const item = fc.array(
      fc.constantFrom('      image: web', '      tag: "1.0"', '      port: 8080', '      on: true', '      x: null', '      __proto__: 1', '      constructor: c', '      ports:\n        - 80\n        - 81', '      env:\n        A: b',
        '      list: [a, "b"]', '      bad: 0755', '      anchor: &a x', '      tab:\tx', '      block: |\n        x', '    - - nested', '      deep:\n      - x', '  other: 1', '      a: b # c', '# comment', '      odd: "x\\y"'),
      { maxLength: 4 },
    );
    const doc = fc.array(item, { minLength: 1, maxLength: 12 }).map((items) => 'apiVersion: claude.os/v1\nkind: ServiceManifest\nspec:\n  services:\n' + items.map((ls, i) => [`    - name: s${i}`, ...ls].join('\n')).join('\n') + '\n  after: 1\n');
    let spliced = 0;
    fc.assert(
      fc.property(doc, fc.double({ min: 0, max: 1, noNaN: true }), (text, at) => {
        const one = fastParse(text, DEFAULT_PARSE_LIMITS);
        const reader = inProcess();
        const split = fastParseSplit(text, DEFAULT_PARSE_LIMITS, reader, at);
        expect(split === undefined, text).toBe(one === undefined);
        if (one && split) {
          expect(JSON.stringify(split.value)).toBe(JSON.stringify(one.value));
          expect(nullPrototyped(split.value)).toBe(true);
          if (reader.read) spliced++;
        }
        // a half not read is read here: the same again
        const here = fastParseSplit(text, DEFAULT_PARSE_LIMITS, notRead, at);
        expect(here === undefined ? undefined : JSON.stringify(here.value)).toBe(one === undefined ? undefined : JSON.stringify(one.value));
      }),
      { numRuns: 1500 },
    );
    expect(spliced).toBeGreaterThan(50);
  });

  test('the node limit counts both halves', () => {
    const text = benchStateFiles(300)['services.yaml']!;
    const nodes = (maxNodes: number) => fastParse(text, { ...DEFAULT_PARSE_LIMITS, maxNodes }) !== undefined;
    let lo = 1000;
    let hi = 1_000_000;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (nodes(mid)) hi = mid;
      else lo = mid;
    }
    // hi: the smallest limit the whole file is read under
    expect(fastParseSplit(text, { ...DEFAULT_PARSE_LIMITS, maxNodes: hi }, inProcess())).toBeDefined();
    expect(fastParseSplit(text, { ...DEFAULT_PARSE_LIMITS, maxNodes: lo }, inProcess())).toBeUndefined();
  });

  const built = join(process.cwd(), 'dist', 'compiler', 'parse-worker.js');
  test.runIf(existsSync(built))('on a worker thread (the built dist/compiler/parse-worker.js): the same value, every mapping without a prototype', () => {
    const reader = workerTail(built)!;
    let took = 0;
    const counted: TailReader = (...a) => {
      const r = reader(...a)!;
      return { take: () => (took++, r.take()), cancel: r.cancel };
    };
    const split = parseFile({ name: 'services.yaml', text: big }, new DiagnosticSink(), {}, { tail: counted })!;
    const one = parseFile({ name: 'services.yaml', text: big }, new DiagnosticSink(), {}, { tail: () => undefined })!;
    expect(took).toBe(1);
    expect(JSON.stringify(split.value)).toBe(JSON.stringify(one.value));
    expect(nullPrototyped(split.value)).toBe(true);
    const declined = big.replace('    - name: svc-1900\n', '    - name: svc-1900\n      anchor: &a x\n');
    expect(fastParseSplit(declined, DEFAULT_PARSE_LIMITS, reader)).toBeUndefined();
    expect(parseFile({ name: 'services.yaml', text: declined }, new DiagnosticSink(), {}, { tail: reader })?.value).toBeDefined();
  });
});
