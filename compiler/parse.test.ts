import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { afterEach, describe, expect, test } from 'vitest';
import { DiagnosticSink, renderDiagnostic, type Diagnostic } from './diagnostics.js';
import { parse, parseFile, pointerToPath, type ParsedFile } from './parse.js';
import { STATE_FILES, isStateFileName, readStateDir } from './sources.js';

/** Parses one text; returns the file (or undefined) and the sorted diagnostics. */
function run(text: string, name = 'services.yaml', limits = {}): { file: ParsedFile | undefined; diags: Diagnostic[] } {
  const sink = new DiagnosticSink();
  const file = parseFile({ name, text }, sink, limits);
  return { file, diags: sink.sorted() };
}

/** The single diagnostic as `code line:col`, for compact assertions. */
function only(text: string, limits = {}): string {
  const { file, diags } = run(text, 'services.yaml', limits);
  expect(file, 'the file should be refused').toBeUndefined();
  expect(diags.length, diags.map(renderDiagnostic).join('\n')).toBe(1);
  const d = diags[0]!;
  return `${d.code} ${d.line}:${d.column}`;
}

function ok(text: string): ParsedFile {
  const { file, diags } = run(text);
  expect(diags.map(renderDiagnostic)).toEqual([]);
  expect(file).toBeDefined();
  return file!;
}

describe('values', () => {
  test('YAML 1.2 core schema: no Norway problem, octal-looking ints are decimal', () => {
    const f = ok('a: on\nb: NO\nc: yes\nd: 0755\ne: 1.10\nf: true\ng: ~\nh:\ni: 0x1F\nj: 0o17\nk: "0755"\n');
    expect(JSON.stringify(f.value)).toBe(
      '{"a":"on","b":"NO","c":"yes","d":755,"e":1.1,"f":true,"g":null,"h":null,"i":31,"j":15,"k":"0755"}',
    );
  });

  test('mappings have no prototype; lists are arrays', () => {
    const f = ok('a:\n  b: [1, {c: 2}]\n');
    expect(Object.getPrototypeOf(f.value)).toBeNull();
    const a = f.value.a as Record<string, unknown>;
    expect(Object.getPrototypeOf(a)).toBeNull();
    expect(Array.isArray(a.b)).toBe(true);
    expect(Object.getPrototypeOf((a.b as unknown[])[1])).toBeNull();
  });

  test('a single pair inside a flow list is a one-key mapping', () => {
    const f = ok('a: [x: 1, y]\n');
    expect(JSON.stringify(f.value)).toBe('{"a":[{"x":1},"y"]}');
    expect(f.positions.valuePos(['a', 0, 'x'])).toEqual({ file: 'services.yaml', line: 1, column: 8 });
  });

  test('keys keep their source text', () => {
    const f = ok('0755: a\n1.10: b\non: c\n"quoted": d\n!!str 12: e\n');
    // (JS lists integer-like keys first; key order carries no meaning in the state)
    expect(Object.keys(f.value).sort()).toEqual(['0755', '1.10', '12', 'on', 'quoted']);
  });

  test('.inf and .nan are not JSON: they stay as their text', () => {
    const f = ok('a: .inf\nb: -.Inf\nc: .nan\n');
    expect(f.value).toEqual({ a: '.inf', b: '-.Inf', c: '.nan' });
    expect(f.positions.scalar(['a'])).toEqual({ text: '.inf', plain: true, style: 'plain' });
  });

  test('a leading byte-order mark is dropped', () => {
    const f = ok('\uFEFFa: 1\n');
    expect(f.value).toEqual({ a: 1 });
    expect(f.positions.keyPos(['a'])).toEqual({ file: 'services.yaml', line: 1, column: 1 });
  });

  test('aliases expand to independent copies', () => {
    const f = ok('base: &b {x: 1, y: [1, 2]}\nuse: *b\n');
    expect(f.value.use).toEqual({ x: 1, y: [1, 2] });
    expect(f.value.use).not.toBe(f.value.base);
    expect((f.value.use as Record<string, unknown>).y).not.toBe((f.value.base as Record<string, unknown>).y);
    // a path through the alias lands on the anchored value
    expect(f.positions.valuePos(['use', 'y', 1])).toEqual({ file: 'services.yaml', line: 1, column: 24 });
    expect(f.positions.valuePos(['use'])).toEqual({ file: 'services.yaml', line: 2, column: 6 });
  });
});

describe('scalar source', () => {
  const f = ok(
    [
      'spec:',
      '  permissions: 0755',
      '  tag: 1.10',
      '  flag: NO',
      '  env:',
      '    DEBUG: on',
      '  quoted: "quoted"',
      "  single: 'it''s'",
      '  typed: !!str 0755',
      '  int: !!int 42',
      '  empty:',
      '  nul: null',
      '  block: |',
      '    line one',
      '  folded: >-',
      '    a',
      '    b',
      '  multi: plain',
      '    continued',
      '  list: [0755]',
    ].join('\n') + '\n',
  );

  test.each([
    [['spec', 'permissions'], { text: '0755', plain: true, style: 'plain' }, 755],
    [['spec', 'tag'], { text: '1.10', plain: true, style: 'plain' }, 1.1],
    [['spec', 'flag'], { text: 'NO', plain: true, style: 'plain' }, 'NO'],
    [['spec', 'env', 'DEBUG'], { text: 'on', plain: true, style: 'plain' }, 'on'],
    [['spec', 'quoted'], { text: 'quoted', plain: false, style: 'double-quoted' }, 'quoted'],
    [['spec', 'single'], { text: "it's", plain: false, style: 'single-quoted' }, "it's"],
    [['spec', 'typed'], { text: '0755', plain: false, style: 'plain', tag: '!!str' }, '0755'],
    [['spec', 'int'], { text: '42', plain: false, style: 'plain', tag: '!!int' }, 42],
    [['spec', 'empty'], { text: '', plain: true, style: 'plain' }, null],
    [['spec', 'nul'], { text: 'null', plain: true, style: 'plain' }, null],
    [['spec', 'block'], { text: 'line one\n', plain: false, style: 'literal' }, 'line one\n'],
    [['spec', 'folded'], { text: 'a b', plain: false, style: 'folded' }, 'a b'],
    [['spec', 'multi'], { text: 'plain continued', plain: true, style: 'plain' }, 'plain continued'],
    [['spec', 'list', 0], { text: '0755', plain: true, style: 'plain' }, 755],
  ] as const)('%j', (path, source, value) => {
    expect(f.positions.scalar(path)).toEqual(source);
    let v: unknown = f.value;
    for (const seg of path) v = (v as Record<string | number, unknown>)[seg];
    expect(v).toEqual(value);
  });

  test('not a scalar, or missing', () => {
    expect(f.positions.scalar(['spec'])).toBeUndefined();
    expect(f.positions.scalar(['spec', 'list'])).toBeUndefined();
    expect(f.positions.scalar(['spec', 'nope'])).toBeUndefined();
    expect(f.positions.scalar(['spec', 'permissions', 'deeper'])).toBeUndefined();
  });
});

describe('positions', () => {
  const text = [
    'apiVersion: claude.os/v1', // 1
    'spec:', // 2
    '  services:', // 3
    '    - name: web', // 4
    '      image: nginx', // 5
    '      ports:', // 6
    '        - host: 80', // 7
    '          container: 8080', // 8
    '    - name: db', // 9
    '      env: {A: "1", B: two}', // 10
    '  "ünïcode😀": x', // 11  (the emoji is two UTF-16 code units)
    '  after😀: 1', // 12
  ].join('\n');
  const f = ok(text);
  const p = f.positions;
  const at = (line: number, column: number) => ({ file: 'services.yaml', line, column });

  test('keys and values in nested maps and lists', () => {
    expect(p.keyPos(['apiVersion'])).toEqual(at(1, 1));
    expect(p.valuePos(['apiVersion'])).toEqual(at(1, 13));
    expect(p.keyPos(['spec', 'services'])).toEqual(at(3, 3));
    expect(p.valuePos(['spec', 'services'])).toEqual(at(4, 5));
    expect(p.valuePos(['spec', 'services', 0])).toEqual(at(4, 7));
    expect(p.keyPos(['spec', 'services', 0])).toEqual(at(4, 7)); // a list item has no key
    expect(p.keyPos(['spec', 'services', 0, 'image'])).toEqual(at(5, 7));
    expect(p.valuePos(['spec', 'services', 0, 'image'])).toEqual(at(5, 14));
    expect(p.keyPos(['spec', 'services', 0, 'ports', 0, 'container'])).toEqual(at(8, 11));
    expect(p.valuePos(['spec', 'services', 0, 'ports', 0, 'container'])).toEqual(at(8, 22));
    expect(p.keyPos(['spec', 'services', 1, 'env', 'B'])).toEqual(at(10, 21));
    expect(p.valuePos(['spec', 'services', 1, 'env', 'B'])).toEqual(at(10, 24));
    expect(p.valuePos(['spec', 'services', 1, 'env', 'A'])).toEqual(at(10, 16));
  });

  test('columns count UTF-16 code units', () => {
    expect(p.valuePos(['spec', 'ünïcode😀'])).toEqual(at(11, 16));
    expect(p.valuePos(['spec', 'after😀'])).toEqual(at(12, 12));
  });

  test('index segments may be digit strings (JSON pointers)', () => {
    expect(p.valuePos(pointerToPath('/spec/services/1/name'))).toEqual(at(9, 13));
    expect(pointerToPath('/a~1b/~0c')).toEqual(['a/b', '~c']);
    expect(pointerToPath('')).toEqual([]);
    expect(p.valuePos(['spec', 'services', '01'])).toBeUndefined();
    expect(p.valuePos(['spec', 'services', 2])).toBeUndefined();
    expect(p.valuePos(['spec', 'services', -1])).toBeUndefined();
  });

  test('missing paths: undefined, and nearest() falls back to the closest ancestor', () => {
    expect(p.keyPos(['spec', 'nope'])).toBeUndefined();
    expect(p.has(['spec', 'services', 0, 'image'])).toBe(true);
    expect(p.has(['spec', 'services', 0, 'tag'])).toBe(false);
    // missing property of a list item: points at the item
    expect(p.nearest(['spec', 'services', 0, 'tag'])).toEqual(at(4, 7));
    // missing property of a map entry: points at its key
    expect(p.nearest(['spec', 'networks'])).toEqual(at(2, 1));
    expect(p.nearest(['spec', 'services', 0, 'ports', 0, 'protocol'])).toEqual(at(7, 11));
    // deeper misses walk up further
    expect(p.nearest(['spec', 'x', 'y', 'z'])).toEqual(at(2, 1));
    // below a scalar
    expect(p.nearest(['apiVersion', 'x'])).toEqual(at(1, 1));
    // the root
    expect(p.nearest(['kind'])).toEqual(at(1, 1));
    expect(p.nearest([])).toEqual(at(1, 1));
    // an existing path: its value
    expect(p.nearest(['spec', 'services', 0, 'image'])).toEqual(at(5, 14));
  });

  test('an empty value points just after its key', () => {
    const g = ok('a:\nb: 1\n');
    expect(g.positions.valuePos(['a'])).toEqual(at(1, 3));
    expect(g.positions.keyPos(['b'])).toEqual(at(2, 1));
  });
});

describe('refusals', () => {
  test('duplicate key, at the second occurrence', () => {
    const { diags } = run('spec:\n  a: 1\n  b: 2\n  a: 3\n');
    expect(diags.map((d) => `${d.code} ${d.line}:${d.column} ${d.message}`)).toEqual([
      'CLA1013 4:3 duplicate key "a" (first written at line 2)',
    ]);
  });

  test('keys that differ in YAML but not as strings are duplicates', () => {
    expect(only('1: a\n"1": b\n')).toBe('CLA1013 2:1');
  });

  test('many aliases: capped at 100 expansions', () => {
    const text = 'a: &a x\nb: [' + Array(101).fill('*a').join(', ') + ']\n';
    expect(only(text)).toBe(`CLA1020 2:${5 + 100 * 4}`);
    expect(run(text).diags[0]!.message).toBe('more than 100 alias expansions');
    expect(ok('a: &a x\nb: [' + Array(100).fill('*a').join(', ') + ']\n').value.b).toHaveLength(100);
  });

  test('alias bomb ("billion laughs"): refused by the size cap', () => {
    const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 10; i++) {
      const prev = String.fromCharCode(96 + i);
      const cur = String.fromCharCode(97 + i);
      lines.push(`${cur}: &${cur} [${Array(9).fill('*' + prev).join(',')}]`);
    }
    const { file, diags } = run(lines.join('\n') + '\n');
    expect(file).toBeUndefined();
    // The bytes the aliases add pass 1 MiB before the values pass 1,000,000.
    expect(diags.map((d) => d.code)).toEqual(['CLA1024']);
    expect(diags[0]!.message).toBe('the aliases add more than 1048576 bytes to the file (each *alias counts as its value written out)');
    // With a larger byte budget, the value count still stops it.
    const big = run(lines.join('\n') + '\n', 'services.yaml', { maxAliasBytes: 1e12 });
    expect(big.diags.map((d) => d.code)).toEqual(['CLA1021']);
    expect(big.diags[0]!.message).toBe('the document expands to more than 1000000 values');
  });

  test('few aliases of a large value: refused by the expanded size, under the alias and value limits (issue 14)', () => {
    // 5,000 list items (~60 KB) aliased 99 times: 99 expansions (< 100) and ~500,000 values
    // (< 1,000,000), but ~6 MB written out. Before, this gave 500,000 diagnostics.
    const text = 'a: &a\n' + '  - x\n'.repeat(5000) + 'b:\n' + '  - *a\n'.repeat(99);
    const { file, diags } = run(text);
    expect(file).toBeUndefined();
    const item = 6 * 5000 - 1; // the anchored text, without its last newline
    const n = Math.floor((1024 * 1024) / item) + 1; // the alias whose expansion passes 1 MiB
    expect(diags.map((d) => `${d.code} ${d.line}:${d.column}`)).toEqual([`CLA1024 ${5002 + n}:5`]);
    // Under the size: 9 aliases of the same value are fine.
    const fine = 'a: &a\n' + '  - x\n'.repeat(5000) + 'b:\n' + '  - *a\n'.repeat(9);
    expect((ok(fine).value.b as unknown[]).length).toBe(9);
  });

  test('the expanded size counts aliases inside an anchored value (nested expansion)', () => {
    // b holds 10 copies of a (10 × ~1 KB); each *b then counts as ~10 KB, not as its 39 bytes of text.
    const a = '[' + Array(250).fill('"x"').join(',') + ']';
    const text = `a: &a ${a}\nb: &b [${Array(10).fill('*a').join(',')}]\nc: [${Array(20).fill('*b').join(',')}]\n`;
    expect(only(text, { maxAliasBytes: 100_000 })).toMatch(/^CLA1024 3:/);
    const roomy = run(text, 'services.yaml', { maxAliasBytes: 300_000 });
    expect(roomy.diags).toEqual([]);
    expect((roomy.file!.value.c as unknown[][]).flat()).toHaveLength(200);
  });

  test('alias expansion is also capped by total size', () => {
    const text = 'a: &a [' + Array(200).fill('1').join(',') + ']\nb: [*a, *a, *a, *a, *a]\n';
    expect(only(text, { maxNodes: 500 })).toBe('CLA1021 2:9'); // the second *a crosses 500
  });

  test('unknown alias, and an alias inside its own anchor', () => {
    expect(only('a: *nope\n')).toBe('CLA1018 1:4');
    expect(only('a: &x [1, *x]\n')).toBe('CLA1019 1:11');
  });

  test.each([
    ['a: !!python/object:os.system x\n', 'CLA1016 1:4', '!!python/object:os.system'],
    ['a: !foo x\n', 'CLA1016 1:4', '!foo'],
    ['a: !!binary aGVsbG8=\n', 'CLA1016 1:4', '!!binary'],
    ['a: !!set {x, y}\n', 'CLA1016 1:4', '!!set'],
    ['a: &o !!omap\n  - x: 1\n', 'CLA1016 1:7', '!!omap'],
    ['a: !!timestamp 2001-12-14\n', 'CLA1016 1:4', '!!timestamp'],
    ['a: [!local x]\n', 'CLA1016 1:5', '!local'],
    ['!foo k: 1\n', 'CLA1016 1:1', '!foo'],
  ])('custom tag %j', (text, where, tag) => {
    expect(only(text)).toBe(where);
    expect(run(text).diags[0]!.message).toBe(`tag ${tag} is not allowed`);
  });

  test('core tags are allowed, and must fit their value', () => {
    const f = ok('a: !!str 0755\nb: !!int "12"\nc: !!float 1.5\nd: !!bool true\ne: !!null\nf: !!map {x: 1}\ng: !!seq [1]\n');
    expect(JSON.stringify(f.value)).toBe('{"a":"0755","b":12,"c":1.5,"d":true,"e":null,"f":{"x":1},"g":[1]}');
    expect(only('a: !!int abc\n')).toBe('CLA1017 1:10');
    expect(only('a: !!map [1]\n')).toBe('CLA1017 1:10');
  });

  test('a second document, at its start', () => {
    expect(only('a: 1\n---\nb: 2\n')).toBe('CLA1011 2:1');
    expect(only('---\na: 1\n...\n---\nb: 2\n')).toBe('CLA1011 4:1');
    expect(only('a: 1\n---\n')).toBe('CLA1011 2:1');
    // a leading --- and a final ... are one document
    expect(ok('---\na: 1\n...\n').value).toEqual({ a: 1 });
  });

  test('%YAML other than 1.2', () => {
    expect(only('%YAML 1.1\n---\na: on\n')).toBe('CLA1012 1:1');
    expect(ok('%YAML 1.2\n---\na: on\n').value).toEqual({ a: 'on' });
  });

  test('size limit', () => {
    const big = 'a: "' + 'x'.repeat(8 * 1024 * 1024) + '"\n';
    const { file, diags } = run(big);
    expect(file).toBeUndefined();
    expect(diags.map((d) => [d.code, d.line])).toEqual([['CLA1002', 0]]);
    expect(diags[0]!.message).toBe(`the file is ${8 * 1024 * 1024 + 6} bytes, over the limit of 8388608 bytes`);
    // the hint says the limit and what to do, since the six files cannot be split further
    expect(diags[0]!.hint).toMatch(/at most 8 MiB \(8388608 bytes: about 14,000 services .*leave out what repeats a default/);
    // 1 MiB is not the limit any more: a 2 MiB file parses
    expect(ok('a: "' + 'x'.repeat(2 * 1024 * 1024) + '"\n').value.a).toHaveLength(2 * 1024 * 1024);
    // bytes, not characters: 400 three-byte characters exceed 1,000 bytes
    expect(only('a: ' + '€'.repeat(400), { maxBytes: 1000 })).toBe('CLA1002 0:0');
  });

  test('depth limit: block, flow and lists', () => {
    const block = (n: number) => Array.from({ length: n }, (_, i) => ' '.repeat(i) + 'k:').join('\n') + ' x\n';
    expect(ok(block(64)).positions.has(Array(64).fill('k'))).toBe(true);
    expect(only(block(65))).toBe('CLA1022 65:65');
    expect(only('a: ' + '['.repeat(64) + ']'.repeat(64))).toBe('CLA1022 1:67');
    expect(ok('a: ' + '['.repeat(63) + ']'.repeat(63)).value).toBeDefined();
    expect(only('a:\n' + '  ' + '- '.repeat(100) + 'x\n')[0]).toBe('C');
  });

  test('pathologically deep input is refused without exhausting the stack', () => {
    for (const text of ['['.repeat(500_000), '- '.repeat(300_000) + 'x', '{a: '.repeat(200_000), 'a:\n' + '  - '.repeat(1000)]) {
      const { file, diags } = run(text);
      expect(file).toBeUndefined();
      expect(diags.map((d) => d.code)).toEqual(['CLA1022']);
    }
  });

  test('depth through aliases counts too', () => {
    const text = 'a: &a [[[1]]]\nb: [[[*a]]]\n';
    expect(only(text, { maxDepth: 6 })).toBe('CLA1022 2:7');
    expect(ok(text).value.b).toEqual([[[[[[1]]]]]]);
  });

  test('empty files', () => {
    expect(only('')).toBe('CLA1001 0:0');
    expect(only('   \n\n')).toBe('CLA1001 0:0');
    expect(only('# just a comment\n')).toBe('CLA1001 0:0');
    expect(only('---\n')).toBe('CLA1001 0:0');
    expect(only('\uFEFF')).toBe('CLA1001 0:0');
  });

  test('top level must be a mapping', () => {
    expect(only('- a\n- b\n')).toBe('CLA1023 1:1');
    expect(run('- a\n').diags[0]!.message).toBe('the top level must be a mapping, found a list');
    expect(only('just text\n')).toBe('CLA1023 1:1');
    expect(only('\n\n  42\n')).toBe('CLA1023 3:3');
    expect(only('~\n')).toBe('CLA1023 1:1');
  });

  test('keys must be scalars and not empty', () => {
    expect(only('? [a, b]\n: 1\n')).toBe('CLA1014 1:3');
    expect(only('? {a: 1}\n: 1\n')).toBe('CLA1014 1:3');
    expect(only('a: 1\n*x : 2\n')).toBe('CLA1014 2:1');
    expect(only(': 1\n')).toBe('CLA1015 1:1');
  });
});

describe('prototype pollution', () => {
  test('__proto__, constructor and prototype are ordinary own keys', () => {
    const f = ok('__proto__: {polluted: 1}\nconstructor: {prototype: {polluted: 2}}\nprototype: {polluted: 3}\n');
    expect(Object.keys(f.value)).toEqual(['__proto__', 'constructor', 'prototype']);
    expect(Object.getPrototypeOf(f.value)).toBeNull();
    expect((f.value as Record<string, unknown>)['__proto__']).toEqual({ polluted: 1 });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((f.value as Record<string, unknown>).polluted).toBeUndefined();
    expect(f.positions.keyPos(['__proto__'])).toEqual({ file: 'services.yaml', line: 1, column: 1 });
    // JSON round trip keeps it as data
    expect(JSON.stringify(f.value)).toBe('{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":2}},"prototype":{"polluted":3}}');
  });

  test('through aliases and nested lists as well', () => {
    const f = ok('x: &p {__proto__: {polluted: 1}}\ny: [*p, {__proto__: [1]}]\n');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const y = f.value.y as Record<string, unknown>[];
    expect(Object.getPrototypeOf(y[0])).toBeNull();
    expect(Object.keys(y[1]!)).toEqual(['__proto__']);
  });
});

describe('syntax errors map to file:line:col with a hint', () => {
  test.each([
    ['a:\n\tb: 1\n', 'CLA1005 2:1'],
    ['a: 1\nb: "unclosed\nc: 2\n', 'CLA1006 2:4'],
    ["a: 1\nb: 'it''s\nc: 2\n", 'CLA1006 2:4'],
    ['a: [1, 2\nb: 3\n', 'CLA1007 1:4'],
    ['a:\n  b: {x: 1\n', 'CLA1007 2:6'],
    ['a:\n  b: 1\n c: 2\n', 'CLA1008 3:1'],
    ['command: echo a: b\n', 'CLA1009 1:10'],
    ['a: 1\nfoo\nb: 2\n', 'CLA1010 2:1'],
    ['a: "\\q"\n', 'CLA1004 1:5'],
    ['a: @x\n', 'CLA1004 1:4'],
  ])('%j', (text, where) => {
    expect(only(text)).toBe(where);
  });

  test('rendered with message and hint', () => {
    const { diags } = run('a:\n\tb: 1\n');
    expect(renderDiagnostic(diags[0]!)).toBe(
      'services.yaml:2:1: error CLA1005: a tab is used for indentation\n  hint: YAML indents with spaces only: replace the tab with spaces',
    );
    const q = run('b: "unclosed\n').diags[0]!;
    expect(q.message).toBe('this string has an opening " but no closing one');
  });
});

describe('parse() over several files', () => {
  test('bad files are left out, good ones kept, diagnostics name the file', () => {
    const sink = new DiagnosticSink();
    const out = parse(
      [
        { name: 'manifest.yaml', text: 'a: 1\n' },
        { name: 'services.yaml', text: 'a: [\n' },
        { name: 'network.yaml', text: 'b: 2\n' },
      ],
      sink,
    );
    expect(out.map((f) => f.name)).toEqual(['manifest.yaml', 'network.yaml']);
    expect(sink.sorted().map((d) => d.file)).toEqual(['services.yaml']);
    expect(out[0]!.text).toBe('a: 1\n');
  });

  test("the spec's six example files parse", () => {
    const dir = join(import.meta.dirname, 'testdata', 'spec-example');
    const files = STATE_FILES.map((name) => ({ name, text: readFileSync(join(dir, name), 'utf8') }));
    const sink = new DiagnosticSink();
    const out = parse(files, sink);
    expect(sink.sorted().map(renderDiagnostic)).toEqual([]);
    expect(out).toHaveLength(6);
    const services = out.find((f) => f.name === 'services.yaml')!;
    expect(services.positions.valuePos(['spec', 'services', 1, 'tag'])).toEqual({ file: 'services.yaml', line: 71, column: 12 });
    expect(services.positions.scalar(['spec', 'services', 0, 'tag'])).toEqual({ text: '1.25', plain: false, style: 'double-quoted' });
    const storage = out.find((f) => f.name === 'storage.yaml')!;
    expect(storage.positions.scalar(['spec', 'volumes', 3, 'permissions'])?.text).toBe('0700');
  });

  test('1,000 services parse, and every value has a position', () => {
    const services = Array.from({ length: 1000 }, (_, i) => ({
      name: `svc-${i}`,
      image: 'nginx',
      tag: '1.25',
      ports: [{ host: 10000 + i, container: 80, protocol: 'tcp' }],
      environment: { A: 'x', B: `${i}` },
      volumes: [{ source: `/data/${i}`, target: '/data' }],
      healthcheck: { test: 'curl -f http://localhost/', interval: '30s', retries: 3 },
      depends_on: i > 0 ? [`svc-${i - 1}`] : [],
    }));
    const text = stringify({ apiVersion: 'claude.os/v1', kind: 'ServiceManifest', metadata: { name: 'big' }, spec: { services } });
    const { file, diags } = run(text);
    expect(diags).toEqual([]);
    for (let i = 0; i < 1000; i++) {
      expect(file!.positions.valuePos(['spec', 'services', i, 'environment', 'B'])).toBeDefined();
    }
  });
});

// Property runs are CPU-bound: on a busy 2-core CI machine they take many times their quiet
// duration (measured up to 5x), so the budget is generous.
describe('properties', { timeout: 300_000 }, () => {
  /** JSON with sorted keys (own "__proto__" keys included). */
  const canonical = (v: unknown): string =>
    JSON.stringify(v, (_k, x: unknown) =>
      x !== null && typeof x === 'object' && !Array.isArray(x)
        ? Object.fromEntries(Object.keys(x).sort().map((k) => [k, (x as Record<string, unknown>)[k]]))
        : x,
    );

  const polluted = () => {
    const probe = {} as Record<string, unknown>;
    return probe.polluted !== undefined || probe.x !== undefined || Object.keys(Object.prototype).length > 0;
  };

  const check = (text: string) => {
    const sink = new DiagnosticSink();
    const out = parse([{ name: 'services.yaml', text }], sink);
    // either a parsed file and no errors, or no file and at least one error
    expect(out.length === 1 ? !sink.hasErrors() : sink.hasErrors()).toBe(true);
    for (const d of sink.diagnostics) {
      expect(d.file).toBe('services.yaml');
      if (!text.includes('{')) expect(d.message).not.toMatch(/\{\w+\}/); // every placeholder filled
      expect(d.hint.length).toBeGreaterThan(0);
    }
    if (out[0]) {
      // the value is plain JSON data
      expect(JSON.parse(JSON.stringify(out[0].value))).toEqual(out[0].value);
    }
    expect(polluted()).toBe(false);
  };

  test('any string parses or yields diagnostics, never throws', () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), check), { numRuns: 300 });
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'ab: -[]{},"\'\n\t#&*!|>%@`?~0.\\'.split('')), maxLength: 80 }), check),
      { numRuns: 500 },
    );
  });

  test('random JSON → YAML, then mutated, parses or yields diagnostics', () => {
    const key = fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('__proto__', 'constructor', 'prototype', 'on', '0755', 'x'));
    const json = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        fc.constantFrom(null, true, false, 0, 1.5, -3, 'on', 'NO', '0755', '1.10', ''),
        fc.string({ maxLength: 10 }),
        fc.array(tie('value'), { maxLength: 4 }),
        fc.dictionary(key, tie('value'), { maxKeys: 4 }),
      ),
    })).value;
    const top = fc.dictionary(key, json, { minKeys: 1, maxKeys: 5 });
    const mutation = fc.record({
      at: fc.nat(),
      del: fc.nat({ max: 3 }),
      insert: fc.constantFrom('', '\t', ':', ': ', '- ', '"', "'", '[', ']', '{', '}', '\n', '\n---\n', '&a ', '*a', '!foo ', '!!binary ', '#', '  ', '__proto__: 1\n'),
    });
    fc.assert(
      fc.property(top, fc.array(mutation, { maxLength: 3 }), (obj, muts) => {
        let text = stringify(obj);
        // unmutated: it parses back to the same data
        if (muts.length === 0) {
          const { file } = run(text);
          expect(canonical(file?.value)).toBe(canonical(obj));
        }
        for (const m of muts) {
          const i = m.at % (text.length + 1);
          text = text.slice(0, i) + m.insert + text.slice(i + m.del);
        }
        check(text);
      }),
      { numRuns: 400 },
    );
  });
});

describe('readStateDir', () => {
  const dirs: string[] = [];
  const tmp = () => {
    const d = mkdtempSync(join(tmpdir(), 'claude-parse-test-'));
    dirs.push(d);
    return d;
  };
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const codes = (sink: DiagnosticSink) => sink.sorted().map((d) => `${d.code} ${d.file} ${d.message}`);

  test('reads the known files in order, ignores hidden and non-YAML entries', () => {
    const d = tmp();
    writeFileSync(join(d, 'services.yaml'), 'a: 1\n');
    writeFileSync(join(d, 'manifest.yaml'), '\uFEFFb: 2\n');
    writeFileSync(join(d, 'README.md'), '# notes');
    writeFileSync(join(d, '.services.yaml.swp'), 'x');
    mkdirSync(join(d, '.git'));
    const sink = new DiagnosticSink();
    const files = readStateDir(d, sink);
    expect(codes(sink)).toEqual([]);
    expect(files).toEqual([
      { name: 'manifest.yaml', text: 'b: 2\n' },
      { name: 'services.yaml', text: 'a: 1\n' },
    ]);
  });

  test('unknown YAML files are CLA9004', () => {
    const d = tmp();
    writeFileSync(join(d, 'services.yaml'), 'a: 1\n');
    writeFileSync(join(d, 'service.yaml'), 'a: 1\n');
    writeFileSync(join(d, 'network.yml'), 'a: 1\n');
    const sink = new DiagnosticSink();
    const files = readStateDir(d, sink);
    expect(files.map((f) => f.name)).toEqual(['services.yaml']);
    expect(codes(sink)).toEqual([
      'CLA9004 network.yml unknown state file name network.yml',
      'CLA9004 service.yaml unknown state file name service.yaml',
    ]);
  });

  test('missing dir, not a dir, empty dir', () => {
    const d = tmp();
    let sink = new DiagnosticSink();
    expect(readStateDir(join(d, 'nope'), sink)).toEqual([]);
    expect(codes(sink)).toEqual([`CLA9001  state dir ${join(d, 'nope')} does not exist`]);

    writeFileSync(join(d, 'file'), '');
    sink = new DiagnosticSink();
    expect(readStateDir(join(d, 'file'), sink)).toEqual([]);
    expect(codes(sink)).toEqual([`CLA9002  cannot read ${join(d, 'file')}: not a directory`]);

    sink = new DiagnosticSink();
    expect(readStateDir(d, sink)).toEqual([]);
    expect(codes(sink)).toEqual([`CLA9003  state dir ${d} has no state files`]);
  });

  test('unreadable, too large, not UTF-8', () => {
    const d = tmp();
    mkdirSync(join(d, 'services.yaml'));
    writeFileSync(join(d, 'network.yaml'), 'a: "' + 'x'.repeat(2000) + '"\n');
    writeFileSync(join(d, 'storage.yaml'), Buffer.from([0x61, 0x3a, 0x20, 0xff, 0xfe, 0x0a]));
    writeFileSync(join(d, 'security.yaml'), 'ok: true\n');
    const sink = new DiagnosticSink();
    const files = readStateDir(d, sink, 1000);
    expect(files.map((f) => f.name)).toEqual(['security.yaml']);
    expect(codes(sink)).toEqual([
      'CLA1002 network.yaml the file is 2006 bytes, over the limit of 1000 bytes',
      'CLA9002 services.yaml cannot read services.yaml: it is a directory',
      'CLA1003 storage.yaml the file is not valid UTF-8',
    ]);
  });

  test('isStateFileName accepts only the six bare names', () => {
    for (const n of STATE_FILES) expect(isStateFileName(n)).toBe(true);
    for (const n of ['../services.yaml', '/etc/claude.d/services.yaml', 'a/services.yaml', 'services.yml', 'Services.yaml', '', '..', '.', 'services.yaml ', 'services.yaml\0', 'x.yaml']) {
      expect(isStateFileName(n)).toBe(false);
    }
    expect(isStateFileName(42)).toBe(false);
    expect(STATE_FILES).toEqual(['manifest.yaml', 'services.yaml', 'network.yaml', 'storage.yaml', 'security.yaml', 'scheduled.yaml']);
  });
});
