/**
 * The front end of the compiler in one call: parse → check → resolve.
 *
 *   compileStateDir(dir)   reads the state dir (compiler/sources.ts) and compiles it
 *   compileFiles(files)    compiles state files given as text, by file name (the intent
 *                          layer and `claude import` use this for proposed files)
 *
 * `model` is set only when there is no error (warnings allowed). `diagnostics` are sorted
 * by file, line, column (see diagnostics.ts). Resolve runs only when parse and check found
 * no error, so that cross-file messages are never about files that did not load.
 */
import { trace } from '../common/trace.js';
import { DiagnosticSink, type Diagnostic } from './diagnostics.js';
import type { ResolvedModel, WrittenState } from './model.js';
import { parse, type SourceFile } from './parse.js';
import { check } from './check.js';
import { resolve } from './resolve.js';
import { readStateDir } from './sources.js';

export interface CompileResult {
  /** The normalised model; undefined when any diagnostic is an error. */
  model?: ResolvedModel;
  /** The checked files as written (undefined when parse or check failed). */
  written?: WrittenState;
  /** Sorted, de-duplicated. */
  diagnostics: Diagnostic[];
}

/** Compiles the given source files. Never throws on bad input. */
export function compileSources(files: readonly SourceFile[], sink: DiagnosticSink = new DiagnosticSink()): CompileResult {
  const parsed = parse(files, sink);
  trace('compile: parsed');
  const written = check(parsed, sink);
  trace('compile: checked');
  if (sink.hasErrors()) return { diagnostics: sink.sorted() };
  const model = resolve(written, sink);
  trace('compile: resolved');
  const diagnostics = sink.sorted();
  if (sink.hasErrors()) return { written, diagnostics };
  return { model, written, diagnostics };
}

/** Compiles state files given as text, by file name (`{"services.yaml": "…"}`). */
export function compileFiles(files: Readonly<Record<string, string>>): CompileResult {
  const sources = Object.keys(files)
    .sort()
    .map((name) => ({ name, text: files[name]! }));
  return compileSources(sources);
}

/** Reads and compiles a state dir. A missing or empty dir is a diagnostic (CLA9001/CLA9003). */
export function compileStateDir(dir: string): CompileResult {
  const sink = new DiagnosticSink();
  const files = readStateDir(dir, sink);
  if (sink.hasErrors() && files.length === 0) return { diagnostics: sink.sorted() };
  return compileSources(files, sink);
}
