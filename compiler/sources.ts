/**
 * The state dir's files: which names exist, and reading them into `SourceFile`s for parse.
 *
 * Only the six known files are read. Any other `*.yaml` / `*.yml` file in the dir is an
 * error (CLA9004), so a misspelt `service.yaml` is not silently ignored. Hidden entries
 * (a leading `.`, such as `.git`) and other extensions are ignored.
 * `isStateFileName` is also used by the intent layer to vet the file names an LLM proposes.
 */
import { readdirSync, statSync } from 'node:fs';
import { StateFileError, readStateFileBytes } from '../common/state-read.js';
import type { DiagnosticSink } from './diagnostics.js';
import { STATE_FILE_NAMES, type StateFileName } from './model.js';
import { DEFAULT_PARSE_LIMITS, type SourceFile } from './parse.js';

/** The six state file names, in reading order. */
export const STATE_FILES = STATE_FILE_NAMES;
export type { StateFileName };

const KNOWN: ReadonlySet<string> = new Set(STATE_FILE_NAMES);

/**
 * True only for one of the six bare names (`services.yaml`). Paths (`a/services.yaml`),
 * `..`, absolute names, other spellings (`Services.yaml`, `services.yml`) are refused.
 */
export function isStateFileName(name: unknown): name is StateFileName {
  return typeof name === 'string' && KNOWN.has(name);
}

/**
 * Reads the state files present in `dir`, in `STATE_FILES` order. Problems go to the sink:
 * a missing dir (CLA9001), an unreadable file (CLA9002), no state file at all (CLA9003),
 * an unknown YAML file (CLA9004), a symbolic link (CLA9005, never followed) or anything
 * but a regular file (CLA9002), a file over the size limit (CLA1002, not read) or not
 * UTF-8 (CLA1003). Files with a problem are left out; the others are still returned.
 */
export function readStateDir(dir: string, sink: DiagnosticSink, maxBytes: number = DEFAULT_PARSE_LIMITS.maxBytes): SourceFile[] {
  let entries: string[];
  try {
    const st = statSync(dir);
    if (!st.isDirectory()) {
      sink.report('CLA9002', undefined, { file: dir, reason: 'not a directory' });
      return [];
    }
    entries = readdirSync(dir).sort();
  } catch (e) {
    const code = errCode(e);
    if (code === 'ENOENT' || code === 'ENOTDIR') sink.report('CLA9001', undefined, { dir });
    else sink.report('CLA9002', undefined, { file: dir, reason: reason(e) });
    return [];
  }

  for (const name of entries) {
    if (name.startsWith('.') || isStateFileName(name)) continue;
    if (/\.ya?ml$/i.test(name)) sink.report('CLA9004', { file: name, line: 0, column: 0 }, { name });
  }

  const present = new Set(entries);
  const files: SourceFile[] = [];
  let found = 0;
  for (const name of STATE_FILES) {
    if (!present.has(name)) continue;
    found += 1;
    const file = readOne(dir, name, sink, maxBytes);
    if (file) files.push(file);
  }
  if (found === 0) sink.report('CLA9003', undefined, { dir });
  return files;
}

function readOne(dir: string, name: StateFileName, sink: DiagnosticSink, maxBytes: number): SourceFile | undefined {
  const at = { file: name, line: 0, column: 0 };
  let bytes: Buffer | null;
  try {
    // No symlink, nothing but a regular file, nothing over the limit (common/state-read.ts).
    bytes = readStateFileBytes(dir, name, maxBytes);
  } catch (e) {
    if (!(e instanceof StateFileError)) throw e;
    if (e.problem === 'symlink') sink.report('CLA9005', at, { file: name, reason: e.reason });
    else if (e.problem === 'too-large') sink.report('CLA1002', at, { size: e.size ?? 0, limit: maxBytes });
    else sink.report('CLA9002', at, { file: name, reason: e.reason });
    return undefined;
  }
  if (bytes === null) {
    sink.report('CLA9002', at, { file: name, reason: 'it disappeared while being read' });
    return undefined;
  }
  let text: string;
  try {
    // fatal: refuse invalid UTF-8 rather than read U+FFFD; a leading BOM is dropped.
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    sink.report('CLA1003', at);
    return undefined;
  }
  return { name, text };
}

function errCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : undefined;
}

function reason(e: unknown): string {
  const code = errCode(e);
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'it is a directory';
  return e instanceof Error ? e.message : String(e);
}
