/**
 * The light half of the state repo (runtime/state/repo.ts), for the commands that only need
 * to know which commit the state dir is at: the state file names and `readStateHead`, which
 * reads `.git/HEAD` and the ref it names (a loose ref, else `packed-refs`) with node:fs.
 * `claude plan`, `claude apply` and the API name a plan's base commit this way without
 * loading isomorphic-git and its dependencies (~0.14 s of CPU and ~13 MB; docs/compiler.md,
 * "Performance"). Everything that reads or writes objects stays in repo.ts.
 *
 * Read-only, never throws for a missing or unborn repository (null).
 */
import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';

/** The six state file names, sorted. Nothing else in the state dir is committed. */
export const STATE_FILE_NAMES = [
  'manifest.yaml',
  'network.yaml',
  'scheduled.yaml',
  'security.yaml',
  'services.yaml',
  'storage.yaml',
] as const;
export type StateFileName = (typeof STATE_FILE_NAMES)[number];

export function isStateFileName(name: string): name is StateFileName {
  return (STATE_FILE_NAMES as readonly string[]).includes(name);
}

const OID = /^[0-9a-f]{40}$/;

function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/** The git dir of `dir`: `dir/.git`, or where a `.git` file (`gitdir: …`) points. Null without one. */
function gitDirOf(dir: string): string | null {
  const dotGit = join(dir, '.git');
  try {
    if (statSync(dotGit).isDirectory()) return dotGit;
  } catch {
    return null;
  }
  const m = /^gitdir:\s*(.+?)\s*$/m.exec(readText(dotGit) ?? '');
  if (!m) return null;
  return isAbsolute(m[1]!) ? m[1]! : join(dir, m[1]!);
}

/** The oid a full ref name (`refs/heads/main`) points at: its loose file, else packed-refs; null when it does not exist. */
function resolveRefName(gitDir: string, ref: string, depth: number): string | null {
  if (depth > 5 || ref.includes('..')) return null;
  const loose = readText(join(gitDir, ref));
  if (loose !== null) {
    const t = loose.trim();
    if (OID.test(t)) return t;
    if (t.startsWith('ref:')) return resolveRefName(gitDir, t.slice(4).trim(), depth + 1);
    return null;
  }
  for (const line of (readText(join(gitDir, 'packed-refs')) ?? '').split('\n')) {
    if (line.startsWith('#') || line.startsWith('^')) continue;
    const [oid, name] = line.trim().split(' ');
    if (name === ref && oid && OID.test(oid)) return oid;
  }
  return null;
}

/**
 * The commit HEAD of the state repo in `stateDir` points at, or null: no repository, or a
 * branch with no commit yet (as isomorphic-git's `resolveRef(HEAD)` answers, without it).
 */
export function readStateHead(stateDir: string): string | null {
  const gitDir = gitDirOf(stateDir);
  if (!gitDir) return null;
  const head = readText(join(gitDir, 'HEAD'));
  if (head === null) return null;
  const t = head.trim();
  if (OID.test(t)) return t; // detached
  if (!t.startsWith('ref:')) return null;
  return resolveRefName(gitDir, t.slice(4).trim(), 0);
}
