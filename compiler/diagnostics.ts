/**
 * The one diagnostic shape of the compiler, and the sink every phase reports into.
 *
 * Positions: `line` is 1-based, `column` is 1-based, both counted in UTF-16 code units
 * of the source text (what editors show). A diagnostic with no source position (a missing
 * file, a cross-file problem with no single anchor) has line 0 and column 0.
 *
 * User errors are collected as diagnostics; only bugs are thrown (as in Terraform's tfdiags),
 * and a DiagnosticsError, which carries the diagnostics, by a phase called without a sink.
 */
import { MESSAGES, type DiagnosticCode } from './messages.js';
import { cleanText } from '../common/terminal.js';

export type Severity = 'error' | 'warning';

export interface Diagnostic {
  /** Stable code from the catalogue in `messages.ts`, e.g. `CLA1001`. */
  code: DiagnosticCode;
  severity: Severity;
  /** State file name relative to the state dir (`services.yaml`), or '' when not tied to a file. */
  file: string;
  /** 1-based line, 0 when unknown. */
  line: number;
  /** 1-based column, 0 when unknown. */
  column: number;
  /** What is wrong. */
  message: string;
  /** How to fix it. */
  hint: string;
}

export interface SourcePos {
  file: string;
  line: number;
  column: number;
}

/** Fills a catalogue template: `{name}` placeholders are replaced from `args`. */
export function format(template: string, args: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => (k in args ? String(args[k]) : m));
}

/**
 * Thrown by a phase that was given no sink and found errors: carries all its diagnostics;
 * the message is `<phase>: ` and the error messages joined by `; `.
 */
export class DiagnosticsError extends Error {
  constructor(
    phase: string,
    readonly diagnostics: Diagnostic[],
  ) {
    super(`${phase}: ` + diagnostics.filter((d) => d.severity === 'error').map((d) => d.message).join('; '));
  }
}

/** The most diagnostics kept per file; past it, one CLA9006 says how many more there were. */
export const MAX_DIAGNOSTICS_PER_FILE = 100;

export class DiagnosticSink {
  readonly diagnostics: Diagnostic[] = [];
  /** Per file: how many were reported, and the CLA9006 entry once the cap is passed. */
  private readonly perFile = new Map<string, { count: number; over?: Diagnostic }>();

  /** `maxPerFile`: the cap per file (a flood of 500,000 errors is neither useful nor cheap). */
  constructor(private readonly maxPerFile: number = MAX_DIAGNOSTICS_PER_FILE) {}

  /** Adds a diagnostic built from the catalogue entry `code` (past the per-file cap: counted, not kept). */
  report(code: DiagnosticCode, pos: SourcePos | undefined, args: Record<string, string | number> = {}): Diagnostic {
    const entry = MESSAGES[code];
    const file = pos?.file ?? '';
    const over = this.overCap(file, entry.severity);
    if (over) return over;
    const d: Diagnostic = {
      code,
      severity: entry.severity,
      file,
      line: pos?.line ?? 0,
      column: pos?.column ?? 0,
      message: format(entry.message, args),
      hint: format(entry.hint, args),
    };
    this.diagnostics.push(d);
    return d;
  }

  append(other: Iterable<Diagnostic>): void {
    for (const d of other) {
      if (d.code === 'CLA9006') continue; // the other sink's own count: counted again here
      if (!this.overCap(d.file, d.severity)) this.diagnostics.push(d);
    }
  }

  /**
   * What this sink holds for `file`: its diagnostics (the CLA9006 entry among them when the cap
   * was passed) and how many were reported. The compiled-state cache keeps it per file
   * (compiler/compile-cache.ts) and gives it back with `adopt`.
   */
  fileState(file: string): { diagnostics: Diagnostic[]; count: number } {
    return { diagnostics: this.diagnostics.filter((d) => d.file === file), count: this.perFile.get(file)?.count ?? 0 };
  }

  /**
   * Takes `fileState(file)` of another sink as if its diagnostics had been reported here, count
   * and cap included, so that later reports about the file (resolve's) are capped as in one
   * sink. Only for a file this sink has no diagnostic of yet (a bug otherwise).
   */
  adopt(file: string, state: { diagnostics: readonly Diagnostic[]; count: number }): void {
    if (this.perFile.has(file)) throw new Error(`DiagnosticSink.adopt: ${file} has diagnostics here already`);
    if (state.count === 0) return;
    const f: { count: number; over?: Diagnostic } = { count: state.count };
    for (const d of state.diagnostics) {
      const copy = { ...d };
      if (copy.code === 'CLA9006') f.over = copy;
      this.diagnostics.push(copy);
    }
    this.perFile.set(file, f);
  }

  /** Counts one more diagnostic for `file`; past the cap, the (updated) CLA9006 entry. */
  private overCap(file: string, severity: Severity): Diagnostic | undefined {
    let f = this.perFile.get(file);
    if (!f) this.perFile.set(file, (f = { count: 0 }));
    f.count += 1;
    if (f.count <= this.maxPerFile) return undefined;
    const more = f.count - this.maxPerFile;
    const entry = MESSAGES.CLA9006;
    const args = { file: file || 'the state files', limit: this.maxPerFile, more };
    if (!f.over) {
      f.over = { code: 'CLA9006', severity, file, line: 0, column: 0, message: '', hint: format(entry.hint, args) };
      this.diagnostics.push(f.over);
    }
    // An error among those not listed keeps the result invalid, whatever the listed ones are.
    if (severity === 'error') f.over.severity = 'error';
    f.over.message = format(entry.message, args);
    return f.over;
  }

  hasErrors(): boolean {
    return this.diagnostics.some((d) => d.severity === 'error');
  }

  /** Diagnostics sorted by file, line, column, code, message: the same input gives the same output. */
  sorted(): Diagnostic[] {
    return sortDiagnostics(this.diagnostics);
  }
}

export function sortDiagnostics(ds: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const d of [...ds].sort(compareDiagnostics)) {
    const key = `${d.file}\0${d.line}\0${d.column}\0${d.code}\0${d.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(d);
  }
  return out;
}

function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return (
    cmp(a.file, b.file) || Number(a.code === 'CLA9006') - Number(b.code === 'CLA9006') || a.line - b.line || a.column - b.column || cmp(a.code, b.code) || cmp(a.message, b.message)
  );
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `file:line:col: error CODE: message` then the hint on the next line, indented. */
export function renderDiagnostic(d: Diagnostic): string {
  const where = d.file ? (d.line > 0 ? `${d.file}:${d.line}:${d.column}` : d.file) : '<state>';
  // Messages quote values from state files: no control or bidi character reaches a terminal.
  return `${where}: ${d.severity} ${d.code}: ${cleanText(d.message, { multiline: false })}\n  hint: ${cleanText(d.hint, { multiline: false })}`;
}
