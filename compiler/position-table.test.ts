/**
 * The positions a per-file entry of the compiled-state cache keeps (compiler/position-table.ts):
 * read back from JSON, the table answers every lookup resolve can make as the parse's
 * PositionIndex does, for every path of every fixture file's checked value and for paths
 * that are not there (an unknown key, an index past the end, "01"), and for YAML that moves
 * positions around (aliases, a single pair in a flow list, `__proto__`, keys that look like
 * indexes).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../common/paths.js';
import { check, schemaNameOf } from './check.js';
import { DiagnosticSink } from './diagnostics.js';
import type { StateFileName } from './model.js';
import { parseFile, type JsonValue, type Path, type SourceFile } from './parse.js';
import { PositionTable, tableLength, tabulatePositions } from './position-table.js';

const asJson = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

function paths(v: JsonValue, at: (string | number)[] = [], out: Path[] = []): Path[] {
  out.push(at);
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...at, i], out));
  else if (v !== null && typeof v === 'object') for (const k of Object.keys(v)) paths(v[k]!, [...at, k], out);
  return out;
}

/** Compares table and index on every path of the file's checked value and on paths beside them; returns how many were asked. */
function compare(file: SourceFile, value?: JsonValue): number {
  const parsed = parseFile(file, new DiagnosticSink());
  if (!parsed) return 0;
  const checked = value ?? (check([parsed], new DiagnosticSink()) as unknown as Record<string, JsonValue>)[schemaNameOf(file.name as StateFileName)];
  if (checked === undefined) return 0;
  const tab = tabulatePositions(checked, parsed.positions);
  expect(tab, file.name).not.toBeNull();
  expect(tab!.length).toBe(tableLength(checked));
  const table = new PositionTable(file.name, asJson(checked), asJson(tab!));
  let n = 0;
  for (const p of paths(checked)) {
    for (const q of [p, [...p, 'nope'], [...p, 999], [...p, '0'], [...p, 0], [...p, '01'], [...p, -1]]) {
      expect(table.keyPos(q), `${file.name} key ${JSON.stringify(q)}`).toStrictEqual(parsed.positions.keyPos(q));
      expect(table.valuePos(q), `${file.name} value ${JSON.stringify(q)}`).toStrictEqual(parsed.positions.valuePos(q));
      expect(table.nearest(q), `${file.name} nearest ${JSON.stringify(q)}`).toStrictEqual(parsed.positions.nearest(q));
      n++;
    }
  }
  return n;
}

describe('PositionTable', () => {
  it('answers as the PositionIndex for every path of every fixture file, and beside them', () => {
    let asked = 0;
    for (const base of ['states', 'invalid']) {
      const b = join(packageRoot(), 'fixtures', base);
      for (const d of readdirSync(b)) {
        if (!statSync(join(b, d)).isDirectory()) continue;
        for (const name of readdirSync(join(b, d)).filter((n) => n.endsWith('.yaml'))) asked += compare({ name, text: readFileSync(join(b, d, name), 'utf8') });
      }
    }
    expect(asked).toBeGreaterThan(4_000);
  });

  it('follows aliases, single pairs in flow lists, __proto__ and keys that look like indexes as the index does', () => {
    const text = [
      'base: &b {x: 1, y: [a, b]}',
      'use: *b',
      'flow: [k: v, {a: 1}, 3]',
      '__proto__: {polluted: true}',
      '"0": zero',
      '1: one',
      'list:',
      '  - *b',
      '  - ? complex',
      '',
    ].join('\n');
    const parsed = parseFile({ name: 'services.yaml', text }, new DiagnosticSink())!;
    expect(parsed).toBeDefined();
    expect(compare({ name: 'services.yaml', text }, parsed.value)).toBeGreaterThan(100);
  });

  it('a table of another value is refused when first asked', () => {
    const text = 'a: {b: 1}\n';
    const parsed = parseFile({ name: 'services.yaml', text }, new DiagnosticSink())!;
    const tab = tabulatePositions(parsed.value, parsed.positions)!;
    expect(() => new PositionTable('services.yaml', { a: { b: 1, c: 2 } }, tab).keyPos(['a'])).toThrow(/positions for 4 paths/);
  });
});
