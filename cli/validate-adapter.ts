/**
 * The state validator the CLI hands to the runtime (`importState` takes it as a parameter,
 * because the runtime must not import the compiler). This minimal form checks that each
 * state file parses as YAML, is a mapping, has `apiVersion: claude.os/v1` and the `kind`
 * its file name requires. The full compiler validation can replace the body without
 * changing the signature.
 */
import { LineCounter, isMap, isScalar, parseDocument, type Node } from 'yaml';
import type { StateValidator } from '../runtime/state/export.js';

export const API_VERSION = 'claude.os/v1';

/** The `kind` each state file must declare. */
export const KIND_BY_FILE: Readonly<Record<string, string>> = {
  'manifest.yaml': 'SystemManifest',
  'network.yaml': 'NetworkConfig',
  'scheduled.yaml': 'ScheduledTasks',
  'security.yaml': 'SecurityConfig',
  'services.yaml': 'ServiceManifest',
  'storage.yaml': 'StorageConfig',
};

function at(file: string, lc: LineCounter, node: Node | null | undefined): string {
  const offset = node?.range?.[0] ?? 0;
  const { line, col } = lc.linePos(offset);
  return `${file}:${line}:${col}`;
}

/** Validates state files (name → text); problems are `file:line:col: message (fix)`, sorted by file. */
export const validateStateFiles: StateValidator = async (files) => {
  const problems: string[] = [];
  for (const file of Object.keys(files).sort()) {
    const expected = KIND_BY_FILE[file];
    if (!expected) {
      problems.push(`${file}:1:1: unknown state file name (only ${Object.keys(KIND_BY_FILE).join(', ')} are allowed)`);
      continue;
    }
    const lc = new LineCounter();
    const doc = parseDocument(files[file] as string, { lineCounter: lc, prettyErrors: false });
    if (doc.errors.length > 0) {
      for (const e of doc.errors) {
        const { line, col } = lc.linePos(e.pos[0]);
        problems.push(`${file}:${line}:${col}: YAML syntax error: ${e.message.split('\n')[0]}`);
      }
      continue;
    }
    const root = doc.contents;
    if (!isMap(root)) {
      problems.push(`${at(file, lc, root)}: the top level must be a mapping with apiVersion, kind, metadata and spec`);
      continue;
    }
    const apiVersion = root.get('apiVersion', true) as Node | undefined;
    if (!isScalar(apiVersion) || apiVersion.value !== API_VERSION) {
      problems.push(`${at(file, lc, apiVersion ?? root)}: apiVersion must be ${API_VERSION} (fix: apiVersion: ${API_VERSION})`);
    }
    const kind = root.get('kind', true) as Node | undefined;
    if (!isScalar(kind) || kind.value !== expected) {
      const got = isScalar(kind) ? ` but is ${JSON.stringify(kind.value)}` : ' but is missing';
      problems.push(`${at(file, lc, kind ?? root)}: kind must be ${expected} in ${file}${got} (fix: kind: ${expected})`);
    }
  }
  return { ok: problems.length === 0, problems };
};
