/**
 * Source positions of a parsed state file, looked up by path (compiler/parse.ts). Two kinds:
 * from yaml's syntax tree (the full path) and from the offsets the fast path keeps
 * (compiler/parse-fast.ts). Mapping keys are matched as the strings of `ParsedFile.value`;
 * list indexes may be numbers or digit strings (so paths from JSON pointers work).
 */
import type { SourcePos } from './diagnostics.js';
import type { Path, ScalarSource } from './parse.js';

/**
 * The positions resolve looks up (compiler/resolve.ts): a PositionIndex, or the table of them
 * the compiled-state cache keeps for a checked file (compiler/position-table.ts).
 */
export interface Positions {
  readonly file: string;
  keyPos(path: Path): SourcePos | undefined;
  valuePos(path: Path): SourcePos | undefined;
  nearest(path: Path): SourcePos;
}

/** `Positions.nearest` from the other two lookups (the same rule for an index and a table). */
export function nearestPos(p: Omit<Positions, 'nearest'>, path: Path): SourcePos {
  const exact = p.valuePos(path);
  if (exact) return exact;
  for (let i = path.length - 1; i >= 0; i--) {
    const pos = p.keyPos(path.slice(0, i));
    if (pos) return pos;
  }
  return { file: p.file, line: 1, column: 1 };
}

export abstract class PositionIndex implements Positions {
  constructor(readonly file: string) {}

  /** Whether the path exists in the value. */
  abstract has(path: Path): boolean;

  /**
   * Where the key of the entry at `path` was written (for "unknown property").
   * For a list item (no key) this is the item's value position; for [] the top mapping.
   */
  abstract keyPos(path: Path): SourcePos | undefined;

  /** Where the value at `path` was written (for "wrong type"). An empty value points after its key. */
  abstract valuePos(path: Path): SourcePos | undefined;

  /** How the scalar at `path` was written, or undefined if the path is missing or not a scalar. */
  abstract scalar(path: Path): ScalarSource | undefined;

  /**
   * The position for a diagnostic about `path` even when it does not exist (for "missing
   * required property"): the value at `path` if present, else the key of the nearest
   * existing ancestor that is a mapping entry (`spec:`), else that ancestor's value, and
   * the start of the file for the root.
   */
  nearest(path: Path): SourcePos {
    return nearestPos(this, path);
  }
}
