/**
 * Validation of a set of state files as one call, for callers outside the compiler that
 * only need a yes/no and readable problems (`claude import` hands it to the runtime, which
 * must not import the compiler itself). The full front end runs: parse, check, resolve.
 */
import type { Diagnostic } from './diagnostics.js';
import { compileFiles } from './compile.js';

/** One line per diagnostic: `file:line:col: error CODE: message (hint: …)`. */
export function diagnosticLine(d: Diagnostic): string {
  const where = d.file ? (d.line > 0 ? `${d.file}:${d.line}:${d.column}` : d.file) : '<state>';
  return `${where}: ${d.severity} ${d.code}: ${d.message} (hint: ${d.hint})`;
}

/**
 * Validates state files given as text by file name. `ok` is false when any diagnostic is an
 * error; `problems` lists every diagnostic (warnings too), sorted by file, line, column.
 */
export async function validateFiles(files: Record<string, string>): Promise<{ ok: boolean; problems: string[] }> {
  const result = compileFiles(files);
  return {
    ok: !result.diagnostics.some((d) => d.severity === 'error'),
    problems: result.diagnostics.map(diagnosticLine),
  };
}
