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
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { createRequire } from 'node:module';

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
export function gitDirOf(dir: string): string | null {
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

// ── loose objects ────────────────────────────────────────────────────────────
// isomorphic-git writes every object loose (zlib of "<type> <size>\0<content>", named by
// the SHA-1 of that). Reading such an object needs node:zlib only, so the checks `claude
// apply` makes before its first step (the repository is sound, the committed security.yaml)
// do not load isomorphic-git (~0.2 s of CPU) on the way to serving. An object that is not
// loose (packed by `git gc`, or absent) answers null and the caller asks isomorphic-git.

export type GitObjectType = 'commit' | 'tree' | 'blob' | 'tag';

export interface LooseObject {
  type: GitObjectType;
  body: Buffer;
}

export interface LooseTreeEntry {
  mode: string;
  path: string;
  oid: string;
  type: 'blob' | 'tree' | 'commit';
}

/**
 * The loose object `oid` of the repository at `gitDir`, or null when there is no loose file
 * for it. Throws when the file is there but does not inflate, has a bad header, or does not
 * hash to its name (as isomorphic-git's read does).
 */
export function readLooseObject(gitDir: string, oid: string): LooseObject | null {
  if (!OID.test(oid)) throw new Error(`not an object id: ${JSON.stringify(oid)}`);
  let raw: Buffer;
  try {
    raw = readFileSync(join(gitDir, 'objects', oid.slice(0, 2), oid.slice(2)));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  // node:zlib when an object is read, not when the module is loaded (`claude plan` loads it for HEAD alone)
  const { inflateSync } = createRequire(import.meta.url)('node:zlib') as typeof import('node:zlib');
  const data = inflateSync(raw);
  if (createHash('sha1').update(data).digest('hex') !== oid) throw new Error(`object ${oid} does not hash to its name (SHA-1 check failed)`);
  const nul = data.indexOf(0);
  const m = nul > 0 ? /^(commit|tree|blob|tag) (\d+)$/.exec(data.subarray(0, nul).toString('latin1')) : null;
  if (!m || Number(m[2]) !== data.length - nul - 1) throw new Error(`object ${oid} has a bad header`);
  return { type: m[1] as GitObjectType, body: data.subarray(nul + 1) };
}

/**
 * The object `oid`, which must be of `type`, parsed by `parse` when it is loose; else what
 * `fallback` gives (null for "not here", or the reader of a packed object: isomorphic-git in
 * repo.ts). Throws when the loose object is damaged or of another type.
 */
export function readObject<T, F>(gitDir: string, oid: string, type: GitObjectType, parse: (body: Buffer) => T, fallback: () => F): T | F {
  const o = readLooseObject(gitDir, oid);
  if (o === null) return fallback();
  if (o.type !== type) throw new Error(`object ${oid} is a ${o.type}, not a ${type}`);
  return parse(o.body);
}

const rawBody = (b: Buffer): Buffer => b;
const none = (): null => null;

/** A commit's tree and parents. */
export function parseCommitObject(oid: string, body: Buffer): { tree: string; parent: string[] } {
  const headers = body.toString('utf8').split('\n\n', 1)[0]!.split('\n');
  const tree = /^tree ([0-9a-f]{40})$/.exec(headers[0] ?? '')?.[1];
  if (!tree) throw new Error(`commit ${oid} names no tree`);
  const parent = headers.flatMap((h) => /^parent ([0-9a-f]{40})$/.exec(h)?.[1] ?? []);
  return { tree, parent };
}

/** A tree's entries ("<mode> <name>\0<20-byte id>" each). */
export function parseTreeObject(oid: string, body: Buffer): LooseTreeEntry[] {
  const out: LooseTreeEntry[] = [];
  let i = 0;
  while (i < body.length) {
    const sp = body.indexOf(0x20, i);
    const nul = sp < 0 ? -1 : body.indexOf(0, sp);
    if (sp < 0 || nul < 0 || nul + 21 > body.length) throw new Error(`tree ${oid} is cut short`);
    const mode = body.subarray(i, sp).toString('latin1');
    const path = body.subarray(sp + 1, nul).toString('utf8');
    const entryOid = body.subarray(nul + 1, nul + 21).toString('hex');
    const type = mode === '40000' || mode === '040000' ? 'tree' : mode === '160000' ? 'commit' : 'blob';
    out.push({ mode, path, oid: entryOid, type });
    i = nul + 21;
  }
  return out;
}

/**
 * The state files committed at `commit` in the state repo of `stateDir` (name → content,
 * sorted by name, as StateRepo.filesAt answers), read from loose objects. Null when there is
 * no repository or any object it needs is not loose: the caller then asks isomorphic-git.
 * Throws on a damaged object.
 */
export function readStateFilesLoose(stateDir: string, commit: string): Record<string, string> | null {
  const gitDir = gitDirOf(stateDir);
  if (!gitDir) return null;
  const c = readObject(gitDir, commit, 'commit', (b) => parseCommitObject(commit, b), none);
  if (c === null) return null;
  const t = readObject(gitDir, c.tree, 'tree', (b) => parseTreeObject(commit, b), none);
  if (t === null) return null;
  const out: Record<string, string> = {};
  const entries = t.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const e of entries) {
    if (e.type !== 'blob' || !isStateFileName(e.path)) continue;
    const blob = readObject(gitDir, e.oid, 'blob', rawBody, none);
    if (blob === null) return null;
    out[e.path] = blob.toString('utf8');
  }
  return out;
}

/**
 * The state files committed at `commit`: from the loose objects when they are (no
 * isomorphic-git load: ~0.2 s of CPU), else through isomorphic-git. Used by the apply's V9
 * check and by the planner's note that the plan changes security.yaml (agent/flow.ts).
 */
export async function committedStateFiles(stateDir: string, commit: string, now: () => Date): Promise<Record<string, string>> {
  const loose = readStateFilesLoose(stateDir, commit);
  if (loose) return loose;
  const { openStateRepo } = await import('./repo.js');
  return (await openStateRepo(stateDir, { now })).filesAt(commit);
}
