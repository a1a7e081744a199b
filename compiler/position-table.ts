/**
 * A checked file's source positions as plain data, for the per-file entries of the
 * compiled-state cache (compiler/compile-cache.ts): resolve points its cross-file diagnostics
 * at file:line:col through `WrittenState.positions`, and a file taken from the cache has no
 * YAML syntax tree to ask.
 *
 *   tabulatePositions(value, index) → number[]     when the file is parsed and checked
 *   new PositionTable(file, value, table)          when its entry is read back
 *
 * The table holds, for every path of the checked value in one fixed walk (depth first; a
 * mapping's keys in Object.keys order, which JSON keeps), the key's and the value's line and
 * column as the PositionIndex answers them (-1: no position). Paths outside the value have no
 * position in the index either, so the table answers every lookup as the index does
 * (compile-cache.test.ts asks both for every path of every fixture). The lookup map is built
 * on the first question: a valid state asks few or none.
 * Must not: import the yaml package (a file from the cache is never parsed).
 */
import type { SourcePos } from './diagnostics.js';
import { nearestPos, type JsonValue, type Path, type Positions } from './parse.js';

/** The four numbers per path: key line, key column, value line, value column. */
const PER_PATH = 4;

/** Calls `visit` for every path of `value`, the root first, in the table's order. */
function walk(value: JsonValue, visit: (path: Path) => void, path: (string | number)[] = []): void {
  visit(path);
  if (Array.isArray(value)) value.forEach((v, i) => walk(v, visit, [...path, i]));
  else if (value !== null && typeof value === 'object') for (const k of Object.keys(value)) walk(value[k]!, visit, [...path, k]);
}

/**
 * The positions `index` gives for every path of `value` (the file's checked value), or null
 * when one of them names another file (never expected: then the file is not kept).
 */
export function tabulatePositions(value: JsonValue, index: Positions): number[] | null {
  const out: number[] = [];
  let foreign = false;
  const put = (p: SourcePos | undefined) => {
    if (p && p.file !== index.file) foreign = true;
    out.push(p ? p.line : -1, p ? p.column : -1);
  };
  walk(value, (path) => {
    put(index.keyPos(path));
    put(index.valuePos(path));
  });
  return foreign ? null : out;
}

/** How many paths `value` has: a table of it holds PER_PATH numbers for each. */
export function tableLength(value: JsonValue): number {
  let n = 0;
  walk(value, () => n++);
  return n * PER_PATH;
}

/** A path's key in the lookup map: each segment as a string (a list index as its digits, as PositionIndex reads it). */
const keyOf = (path: Path): string => JSON.stringify(path.map(String));

export class PositionTable implements Positions {
  private byPath: Map<string, number> | undefined;

  /** `table`: tabulatePositions(value, …) of this same value (its length is tableLength(value)). */
  constructor(
    readonly file: string,
    private readonly value: JsonValue,
    private readonly table: readonly number[],
  ) {}

  keyPos(path: Path): SourcePos | undefined {
    return this.at(path, 0);
  }

  valuePos(path: Path): SourcePos | undefined {
    return this.at(path, 2);
  }

  nearest(path: Path): SourcePos {
    return nearestPos(this, path);
  }

  private at(path: Path, offset: 0 | 2): SourcePos | undefined {
    const i = this.index().get(keyOf(path));
    if (i === undefined) return undefined;
    const line = this.table[i + offset]!;
    return line < 0 ? undefined : { file: this.file, line, column: this.table[i + offset + 1]! };
  }

  private index(): Map<string, number> {
    if (this.byPath) return this.byPath;
    const m = new Map<string, number>();
    walk(this.value, (path) => m.set(keyOf(path), m.size * PER_PATH));
    // the compile cache reads back only entries it wrote itself; a table of another value is a bug
    if (m.size * PER_PATH !== this.table.length) throw new Error(`PositionTable: ${this.file}: ${this.table.length / PER_PATH} positions for ${m.size} paths`);
    return (this.byPath = m);
  }
}
