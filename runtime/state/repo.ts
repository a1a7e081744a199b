/**
 * The state dir as a git repository (isomorphic-git on node:fs).
 *
 * - Initialised on first use (`git init`, branch `main`).
 * - Every successful apply is one commit of the six state files, made by `commitState`.
 *   The message's first line is the request (at most 72 characters); the body ends with
 *   machine-readable trailers `Plan-Id:`, `Request:` (the full text) and `Summary:`.
 *   Multi-line values continue on lines that start with one space (git's trailer folding).
 * - Every write is crash safe: state files go through `writeFileAtomic`, and git's own
 *   writes (objects, index, refs) go through a file system adapter that writes a temp file,
 *   fsyncs it, renames it and fsyncs the directory. A reflog (`.git/logs/HEAD`) is kept so
 *   the plain `git` CLI can find the last good commit after damage.
 * - On open, a damaged repository (a stale `*.lock`, an empty or corrupt object, a ref that
 *   is empty or points at a missing object) is reported as `StateRepoDamagedError`, with the
 *   way to repair it; `repairStateRepo` does the repairs that are safe (stale locks).
 *
 * This module never plans and never touches anything outside the state dir.
 */
import type * as Git from 'isomorphic-git';
import { promises as fsp, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, realpathSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { hostname as osHostname, userInfo } from 'node:os';
import { randomBytes } from 'node:crypto';
import { appendLineDurable, fsyncDir, readJsonIf, writeCacheFile, writeFileAtomic } from '../../common/fsutil.js';
import type { Env } from '../../common/paths.js';
import { lockIsStale, readLockOwner, withPidLock } from '../pidlock.js';

import { STATE_FILE_NAMES, isStateFileName, parseCommitObject, parseTreeObject, readObject, readStateHead, type StateFileName } from './head.js';

// The names and the HEAD reader live in head.ts (no isomorphic-git), for the commands that need only them.
/**
 * isomorphic-git (with pako, sha.js and their helpers, ~100 files), loaded on first use: a
 * command that only reads HEAD (head.ts) or applies a saved plan must not pay for it at
 * start-up, and `claude apply` commits the state only after the services are serving.
 */
let gitModule: Promise<typeof Git> | undefined;
function loadGit(): Promise<typeof Git> {
  gitModule ??= import('isomorphic-git');
  return gitModule;
}

export { STATE_FILE_NAMES, isStateFileName, readStateHead, type StateFileName } from './head.js';
/** State file name → content (UTF-8). */
export type StateFiles = Record<string, string>;

export const DEFAULT_BRANCH = 'main';
/** A `*.lock` file in `.git` older than this, that no process holds, is stale. */
export const DEFAULT_STALE_LOCK_SECONDS = 30;
/** The lock `commitState` and `exportState` hold (inside `.git`, ignored by git). */
export const COMMIT_LOCK = 'claude-state.lock';

export interface Author {
  name: string;
  email: string;
}

export interface CommitInfo {
  /** The request text, as the user typed it. */
  request: string;
  planId: string;
  summary: string;
  author: Author;
}

export interface HistoryEntry {
  /** Full commit oid. */
  commit: string;
  parents: string[];
  /** Commit time, ISO 8601 UTC. */
  time: string;
  author: Author;
  request: string;
  /** null for a commit not made by Claude.OS (no `Plan-Id:` trailer). */
  planId: string | null;
  summary: string;
}

export interface StateFileChange {
  file: StateFileName;
  /** Relative to HEAD: `added` = in the state dir but not in HEAD. */
  change: 'added' | 'modified' | 'deleted';
}

export type StateRepoProblemKind = 'not-a-repo' | 'stale-lock' | 'empty-object' | 'corrupt-object' | 'missing-object' | 'bad-ref';

export interface StateRepoProblem {
  kind: StateRepoProblemKind;
  /** The file concerned, relative to the state dir (e.g. `.git/index.lock`). */
  path: string;
  /** What is wrong, in one sentence. */
  detail: string;
  /** True when `repairStateRepo` (`claude recover --repair-state`) fixes it safely. */
  autoRepair: boolean;
}

export interface OpenOptions {
  /** The clock, injected: commit times. (Lock ages are measured against the real time.) */
  now?: () => Date;
  /** Create the repository if the state dir has none. Default true. */
  create?: boolean;
  staleLockSeconds?: number;
}

export interface InspectOptions {
  /** The clock lock-file mtimes are compared with (default: the real time, as file systems use). */
  wallClock?: () => Date;
  staleLockSeconds?: number;
  /** Also read every commit, tree and blob reachable from HEAD (import, `recover`). */
  deep?: boolean;
  /**
   * The write of the cache of object dirs seen (OBJECTS_SEEN), handed over instead of done:
   * `claude apply` inspects before its stale-plan check, and a refused plan changes nothing,
   * so it writes the cache only once that check has passed (runtime/apply.ts `checkStateRepo`).
   */
  deferCacheWrite?: (write: () => void) => void;
}

/** How to repair each kind of damage, as commands; used in error messages and docs. */
export function repairHint(stateDir: string, problems: readonly StateRepoProblem[]): string {
  const lines: string[] = [];
  const locks = problems.filter((p) => p.kind === 'stale-lock');
  const objects = problems.filter((p) => p.kind !== 'stale-lock');
  if (locks.length > 0) {
    lines.push(
      'To remove the stale lock(s) (safe: no process holds them):',
      '  claude recover --repair-state',
      `  or by hand:  rm ${locks.map((p) => join(stateDir, p.path)).join(' ')}`,
    );
  }
  if (objects.length > 0) {
    lines.push(
      'The git history is damaged (usually a crash or a full disk during a write); the state files themselves are written crash-safely.',
      'Repair by hand (claude will not rewrite history for you):',
      `  cp -a ${join(stateDir, '.git')} ${stateDir}.git-backup      # keep a copy first`,
      `  claude import EXPORT.tar.gz --force                 # if you have a \`claude export\` tarball, or:`,
      `  cd ${stateDir} && find .git/objects -type f -empty -delete && git fsck --full`,
      `  git reflog                                          # find the last good commit, then`,
      `  git update-ref refs/heads/${DEFAULT_BRANCH} <last-good-commit>`,
      `  or start a new history that keeps the current files:  mv ${join(stateDir, '.git')} ${stateDir}.git-damaged`,
    );
  }
  return lines.join('\n');
}

export class StateRepoDamagedError extends Error {
  constructor(
    readonly stateDir: string,
    readonly problems: StateRepoProblem[],
  ) {
    super(
      `the state repository ${join(stateDir, '.git')} is damaged:\n` +
        problems.map((p) => `  - ${p.path}: ${p.detail}`).join('\n') +
        '\n' +
        repairHint(stateDir, problems),
    );
    this.name = 'StateRepoDamagedError';
  }
}

export class StateRepoNotFoundError extends Error {
  constructor(readonly stateDir: string) {
    super(`${stateDir} is not a state repository yet (no .git); the first apply creates it`);
    this.name = 'StateRepoNotFoundError';
  }
}

export class UnknownRevisionError extends Error {
  constructor(
    readonly rev: string,
    reason: string,
  ) {
    super(`no commit '${rev}' in the state history: ${reason}. Run \`claude history\` to list the commits`);
    this.name = 'UnknownRevisionError';
  }
}

// ── authors ──────────────────────────────────────────────────────────────────

function cleanIdent(s: string): string {
  return s.replace(/[<>\n\r\0]/g, '').trim();
}

/**
 * The invoking user as a git author: the API user when given, else `SUDO_USER` (the human
 * behind `sudo`), else `USER`, else `LOGNAME`; the email is `<user>@<hostname>`.
 */
export function authorFromEnv(env: Env, opts: { apiUser?: string; hostname?: string } = {}): Author {
  const name = cleanIdent(opts.apiUser || env.SUDO_USER || env.USER || env.LOGNAME || processUser()) || 'unknown';
  const host = cleanIdent(opts.hostname ?? osHostname()) || 'localhost';
  return { name, email: `${name.replace(/\s+/g, '.')}@${host}` };
}

/** The account this process runs as (cron, systemd and `env -i` leave USER unset). */
function processUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

// ── commit messages ──────────────────────────────────────────────────────────

const SUBJECT_MAX = 72;

function trailer(key: string, value: string): string {
  const [first, ...rest] = value.replace(/\r\n?/g, '\n').split('\n');
  return [`${key}: ${first ?? ''}`, ...rest.map((l) => ' ' + l)].join('\n');
}

/** The commit message for one apply: subject (the request, ≤ 72 chars), blank line, trailers. */
export function formatCommitMessage(info: { request: string; planId: string; summary: string }): string {
  const oneLine = info.request.replace(/\s+/g, ' ').trim() || '(no request text)';
  const subject = oneLine.length > SUBJECT_MAX ? oneLine.slice(0, SUBJECT_MAX - 1).trimEnd() + '…' : oneLine;
  return [subject, '', trailer('Plan-Id', info.planId), trailer('Request', info.request), trailer('Summary', info.summary), ''].join('\n');
}

/** Reads the trailers back; a commit without them yields the subject as the request. */
export function parseCommitMessage(message: string): { request: string; planId: string | null; summary: string } {
  const lines = message.replace(/\n+$/, '').split('\n');
  const subject = lines[0] ?? '';
  const trailers = new Map<string, string>();
  let current: string | null = null;
  for (const line of lines.slice(1)) {
    const m = /^([A-Za-z][A-Za-z0-9-]*): ?(.*)$/.exec(line);
    if (m) {
      current = m[1] as string;
      trailers.set(current, m[2] as string);
    } else if (current !== null && line.startsWith(' ')) {
      trailers.set(current, trailers.get(current) + '\n' + line.slice(1));
    } else {
      current = null;
    }
  }
  return {
    request: trailers.get('Request') ?? subject,
    planId: trailers.get('Plan-Id') ?? null,
    summary: trailers.get('Summary') ?? '',
  };
}

// ── a crash-safe fs for isomorphic-git ──────────────────────────────────────

async function fsyncDirAsync(dir: string): Promise<void> {
  const fh = await fsp.open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

async function durableWriteFile(path: string, data: string | Uint8Array, options?: unknown): Promise<void> {
  const dir = dirname(path);
  const opts: { encoding?: BufferEncoding; mode?: number } =
    typeof options === 'string' ? { encoding: options as BufferEncoding } : ((options ?? {}) as { encoding?: BufferEncoding; mode?: number });
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  // ENOENT when the directory is missing: isomorphic-git then creates it and retries.
  const fh = await fsp.open(tmp, 'wx', opts.mode ?? 0o644);
  try {
    await fh.writeFile(data, opts.encoding ? { encoding: opts.encoding } : {});
    await fh.sync();
  } catch (e) {
    await fh.close();
    await fsp.rm(tmp, { force: true });
    throw e;
  }
  await fh.close();
  await fsp.rename(tmp, path);
  await fsyncDirAsync(dir);
}

/** node:fs promises, with `writeFile` made crash safe. Passed to every isomorphic-git call. */
export const durableFs = {
  promises: {
    readFile: fsp.readFile,
    writeFile: durableWriteFile,
    mkdir: fsp.mkdir,
    rmdir: fsp.rmdir,
    rm: fsp.rm,
    unlink: fsp.unlink,
    stat: fsp.stat,
    lstat: fsp.lstat,
    readdir: fsp.readdir,
    readlink: fsp.readlink,
    symlink: fsp.symlink,
    chmod: fsp.chmod,
  },
};

// ── damage detection ─────────────────────────────────────────────────────────

/** Processes (pids) that have `path` open, from /proc (Linux; unreadable processes are skipped). */
export function processesHolding(path: string): number[] {
  let target: string;
  try {
    target = realpathSync(path);
  } catch {
    return [];
  }
  const holders: number[] = [];
  let procs: string[];
  try {
    procs = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return [];
  }
  for (const pid of procs) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        if (readlinkSync(`/proc/${pid}/fd/${fd}`) === target) {
          holders.push(Number(pid));
          break;
        }
      } catch {
        /* gone */
      }
    }
  }
  return holders;
}

function walkFiles(dir: string, skip: (rel: string) => boolean, base = dir, out: string[] = []): string[] {
  let entries: import('node:fs').Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    const full = join(dir, e.name);
    const rel = relative(base, full);
    if (skip(rel)) continue;
    if (e.isDirectory()) walkFiles(full, skip, base, out);
    else if (e.isFile()) out.push(full);
  }
  return out;
}

/** Whether a `.lock` file is stale: our pid locks by owner liveness; git's by age and /proc. */
function staleLock(path: string, nowMs: number, staleSeconds: number): { stale: boolean; detail: string } {
  const owner = readLockOwner(path);
  if (owner) {
    const stale = lockIsStale(path);
    return { stale, detail: `stale lock file: its owner pid ${owner.pid} (${owner.purpose}) is no longer running` };
  }
  let ageS: number;
  try {
    ageS = Math.round((nowMs - statSync(path).mtimeMs) / 1000);
  } catch {
    return { stale: false, detail: '' };
  }
  if (ageS < staleSeconds) return { stale: false, detail: '' };
  if (processesHolding(path).length > 0) return { stale: false, detail: '' };
  return { stale: true, detail: `stale lock file: ${ageS} s old and no process holds it (a git command was interrupted)` };
}

const EMPTY_OBJECT = 'empty object file (the write was cut short by a crash or a full disk)';

/**
 * What inspectStateRepo found in `.git/objects` at its last check (not state: a cache, and
 * losing it costs one full scan). `dirs`: each object dir that held no empty file, by its
 * mtime in ns; `boot`: the kernel's boot id then. A new object is a new file (git and
 * durableFs create or rename it in), which changes its dir's mtime, so a dir whose mtime is the
 * one recorded holds no new file, and the check stats only the files of the dirs that changed
 * instead of every object of the history (O(history): 4,000 objects at 1,000 commits, 290 ms
 * cold per apply; docs/runtime.md, "Session 15"). A crash can empty a file whose write never
 * reached the disk without touching its dir again: after a reboot (another boot id) every dir
 * is scanned. A dir changed in the last 2 s is not recorded (a file created within the same
 * mtime tick after its stat would not change it).
 */
const OBJECTS_SEEN = 'claude-objects-seen.json';
interface ObjectsSeen {
  v: 1;
  boot: string;
  dirs: Record<string, string>;
}

function bootId(): string {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return '';
  }
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return -1; // deleted since it was listed
  }
}

/** The empty files in `.git/objects` (`.tmp` files aside): every one when `all`, else those in the dirs changed since the last check (OBJECTS_SEEN). */
function emptyObjectFiles(gitdir: string, all: boolean, defer?: (write: () => void) => void): string[] {
  const objects = join(gitdir, 'objects');
  const seenPath = join(gitdir, OBJECTS_SEEN);
  const boot = bootId();
  const seen = all || boot === '' ? null : readJsonIf<ObjectsSeen>(seenPath, (x) => x.v === 1 && x.boot === boot && typeof x.dirs === 'object' && x.dirs !== null);
  const dirs: Record<string, string> = {};
  const empty: string[] = [];
  let entries: import('node:fs').Dirent[];
  try {
    entries = readdirSync(objects, { withFileTypes: true });
  } catch {
    return empty;
  }
  const settled = BigInt(Date.now() - 2000) * 1_000_000n;
  for (const e of entries) {
    const path = join(objects, e.name);
    if (e.isFile()) {
      if (!e.name.endsWith('.tmp') && sizeOf(path) === 0) empty.push(path);
      continue;
    }
    if (!e.isDirectory()) continue;
    let mtimeNs: bigint;
    try {
      mtimeNs = statSync(path, { bigint: true }).mtimeNs;
    } catch {
      continue; // removed since the listing (a `git gc`)
    }
    const m = mtimeNs.toString();
    if (seen?.dirs[e.name] === m) {
      dirs[e.name] = m;
      continue;
    }
    const before = empty.length;
    for (const f of walkFiles(path, () => false)) if (!f.endsWith('.tmp') && sizeOf(f) === 0) empty.push(f);
    if (empty.length === before && mtimeNs < settled) dirs[e.name] = m;
  }
  if (!all && boot !== '' && JSON.stringify(dirs) !== JSON.stringify(seen?.dirs ?? null)) {
    const write = () => {
      try {
        writeCacheFile(seenPath, JSON.stringify({ v: 1, boot, dirs } satisfies ObjectsSeen), 0o644);
      } catch {
        // a state dir this user cannot write (a read-only `claude plan`): the next check scans again
      }
    };
    if (defer) defer(write);
    else write();
  }
  return empty;
}

function looseObjectPath(gitdir: string, oid: string): string {
  return join(gitdir, 'objects', oid.slice(0, 2), oid.slice(2));
}

/**
 * Looks for damage without changing anything. An absent `.git` is not damage (the repo is
 * created on first use).
 */
export async function inspectStateRepo(stateDir: string, opts: InspectOptions = {}): Promise<StateRepoProblem[]> {
  const gitdir = join(stateDir, '.git');
  const rel = (p: string) => relative(stateDir, p);
  const problems: StateRepoProblem[] = [];
  if (!existsSync(gitdir)) return problems;
  if (!lstatSync(gitdir).isDirectory()) {
    return [{ kind: 'not-a-repo', path: '.git', detail: '.git is not a directory', autoRepair: false }];
  }
  const nowMs = (opts.wallClock ?? (() => new Date()))().getTime();
  const staleSeconds = opts.staleLockSeconds ?? DEFAULT_STALE_LOCK_SECONDS;

  // 1. lock files (anywhere but the object store)
  for (const f of walkFiles(gitdir, (r) => r === 'objects')) {
    if (!f.endsWith('.lock')) continue;
    const s = staleLock(f, nowMs, staleSeconds);
    if (s.stale) problems.push({ kind: 'stale-lock', path: rel(f), detail: s.detail, autoRepair: true });
  }

  // 2. empty object files (a crash between create and write): in the object dirs that changed
  // since the last check found none (all of them when deep, or after a reboot)
  const empty = new Set<string>();
  for (const f of emptyObjectFiles(gitdir, opts.deep === true, opts.deferCacheWrite)) {
    empty.add(f);
    problems.push({ kind: 'empty-object', path: rel(f), detail: EMPTY_OBJECT, autoRepair: false });
  }

  // 3. HEAD and refs
  const headFile = join(gitdir, 'HEAD');
  const head = existsSync(headFile) ? readFileSync(headFile, 'utf8').trim() : '';
  if (!/^ref: refs\/\S+$/.test(head) && !/^[0-9a-f]{40}$/.test(head)) {
    problems.push({ kind: 'bad-ref', path: '.git/HEAD', detail: `HEAD is ${head === '' ? 'empty or missing' : `not a ref (${JSON.stringify(head.slice(0, 40))})`}`, autoRepair: false });
    return problems;
  }
  for (const f of walkFiles(join(gitdir, 'refs'), () => false)) {
    // A `.lock` is git's; a `.<ref>.<pid>.<hex>.tmp` is durableWriteFile's, in flight in another
    // process (this check does not hold the commit lock) or left by a crash. Neither is a ref:
    // git ignores names that begin with a dot, and the rename that ends the write is atomic.
    if (f.endsWith('.lock') || (basename(f).startsWith('.') && f.endsWith('.tmp'))) continue;
    let v: string;
    try {
      v = readFileSync(f, 'utf8').trim();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue; // deleted by another process since the walk
      throw e;
    }
    if (!/^[0-9a-f]{40}$/.test(v) && !/^ref: refs\/\S+$/.test(v)) {
      problems.push({ kind: 'bad-ref', path: rel(f), detail: v === '' ? 'the ref file is empty' : 'the ref file does not hold a commit id', autoRepair: false });
    }
  }
  if (problems.some((p) => p.kind === 'bad-ref')) return problems;

  // 4. the objects HEAD needs (all of history when deep). Loose objects (all that
  // isomorphic-git writes) are read with node:zlib (head.ts); isomorphic-git is loaded only
  // for an object that is not loose (packed by a `git gc`), so `claude apply` checks the
  // repository before its first step without loading it.
  const headOid = readStateHead(stateDir);
  if (headOid === null) return problems;
  let git: typeof Git | undefined;
  const gitLib = async () => (git ??= await loadGit());
  const readCommit = async (oid: string): Promise<{ tree: string; parent: string[] }> =>
    readObject(gitdir, oid, 'commit', (b) => parseCommitObject(oid, b), async () => (await (await gitLib()).readCommit({ fs: durableFs, dir: stateDir, oid })).commit);
  const readTree = async (oid: string): Promise<{ path: string; oid: string; type: string }[]> =>
    readObject(gitdir, oid, 'tree', (b) => parseTreeObject(oid, b), async () => (await (await gitLib()).readTree({ fs: durableFs, dir: stateDir, oid })).tree);
  const readBlob = async (oid: string): Promise<void> =>
    readObject(gitdir, oid, 'blob', () => undefined, async () => void (await (await gitLib()).readBlob({ fs: durableFs, dir: stateDir, oid })));
  const seen = new Set<string>();
  const check = async (oid: string, what: string, read: () => Promise<unknown>): Promise<boolean> => {
    if (seen.has(oid)) return true;
    seen.add(oid);
    try {
      await read();
      return true;
    } catch (e) {
      const path = looseObjectPath(gitdir, oid);
      if (empty.has(path)) return false; // already reported
      const missing = !existsSync(path);
      // emptied in place (its dir's mtime unchanged, so step 2 skipped it): reported as what it is
      if (!missing && sizeOf(path) === 0) {
        problems.push({ kind: 'empty-object', path: rel(path), detail: EMPTY_OBJECT, autoRepair: false });
        return false;
      }
      problems.push({
        kind: missing ? 'missing-object' : 'corrupt-object',
        path: rel(path),
        detail: missing ? `${what} ${oid} is missing` : `${what} ${oid} cannot be read (${(e as Error).message.split('\n')[0]})`,
        autoRepair: false,
      });
      return false;
    }
  };
  const commits = [headOid];
  while (commits.length > 0) {
    const c = commits.pop() as string;
    let commit: { tree: string; parent: string[] } | undefined;
    const okC = await check(c, c === headOid ? 'the HEAD commit' : 'commit', async () => {
      commit = await readCommit(c);
    });
    if (!okC || !commit) continue;
    const treeOid = commit.tree;
    let entries: { path: string; oid: string; type: string }[] = [];
    const okT = await check(treeOid, 'tree', async () => {
      entries = await readTree(treeOid);
    });
    if (okT) {
      for (const e of entries) {
        if (e.type === 'blob') await check(e.oid, `blob (${e.path})`, () => readBlob(e.oid));
      }
    }
    if (opts.deep) for (const p of commit.parent) if (!seen.has(p)) commits.push(p);
  }
  return problems;
}

/**
 * Does the safe repairs (removes stale lock files) and returns what it did and what is left,
 * which needs a human (see `repairHint`).
 */
export async function repairStateRepo(
  stateDir: string,
  opts: InspectOptions = {},
): Promise<{ repaired: StateRepoProblem[]; remaining: StateRepoProblem[] }> {
  const problems = await inspectStateRepo(stateDir, opts);
  const repaired: StateRepoProblem[] = [];
  const remaining: StateRepoProblem[] = [];
  for (const p of problems) {
    if (p.kind === 'stale-lock') {
      try {
        unlinkSync(join(stateDir, p.path));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
      repaired.push(p);
    } else remaining.push(p);
  }
  if (repaired.length > 0) fsyncDir(join(stateDir, '.git'));
  return { repaired, remaining };
}

// ── the repository ───────────────────────────────────────────────────────────

/**
 * Opens the state repository, creating it on first use. Throws `StateRepoDamagedError`
 * when it is damaged, and `StateRepoNotFoundError` when there is none and `create` is false.
 */
export async function openStateRepo(stateDir: string, opts: OpenOptions = {}): Promise<StateRepo> {
  const git = await loadGit();
  const now = opts.now ?? (() => new Date());
  const problems = await inspectStateRepo(stateDir, { staleLockSeconds: opts.staleLockSeconds });
  if (problems.length > 0) throw new StateRepoDamagedError(stateDir, problems);
  const gitdir = join(stateDir, '.git');
  if (!existsSync(join(gitdir, 'HEAD'))) {
    if (opts.create === false) throw new StateRepoNotFoundError(stateDir);
    mkdirSync(stateDir, { recursive: true });
    await withPidLock(
      join(stateDir, '.claude-init.lock'),
      async () => {
        if (existsSync(join(gitdir, 'HEAD'))) return;
        await git.init({ fs: durableFs, dir: stateDir, defaultBranch: DEFAULT_BRANCH });
        fsyncDir(stateDir);
      },
      { purpose: 'state repo init' },
    );
  }
  return new StateRepo(stateDir, now);
}

export class StateRepo {
  readonly gitdir: string;

  constructor(
    readonly dir: string,
    private readonly now: () => Date,
  ) {
    this.gitdir = join(dir, '.git');
  }

  /** The current commit, or null before the first commit. */
  async headCommit(): Promise<string | null> {
    const git = await loadGit();
    try {
      return await git.resolveRef({ fs: durableFs, dir: this.dir, ref: 'HEAD' });
    } catch (e) {
      if (e instanceof git.Errors.NotFoundError) return null;
      throw e;
    }
  }

  /**
   * Makes the state dir hold exactly `files` (the known state files not listed are removed),
   * then commits them. Returns the new commit oid. Serialised with other processes by
   * `.git/claude-state.lock`.
   */
  async commitState(files: StateFiles, info: CommitInfo): Promise<string> {
    const git = await loadGit();
    for (const name of Object.keys(files)) {
      if (!isStateFileName(name)) {
        throw new Error(`unknown state file name '${name}': only ${STATE_FILE_NAMES.join(', ')} can be committed`);
      }
    }
    return withPidLock(
      join(this.gitdir, COMMIT_LOCK),
      async () => {
        let removed = false;
        for (const name of STATE_FILE_NAMES) {
          const path = join(this.dir, name);
          const content = files[name];
          if (content !== undefined) {
            const current = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
            if (current !== content) writeFileAtomic(path, content);
          } else if (existsSync(path)) {
            rmSync(path);
            removed = true;
          }
        }
        if (removed) fsyncDir(this.dir);
        // One index write for the files there and one for those gone (each write is durable:
        // the file and its directory fsynced). One call per file rewrote the whole index six
        // times per commit, after serving but before the command returned (session 20).
        const present = STATE_FILE_NAMES.filter((name) => files[name] !== undefined);
        const absent = STATE_FILE_NAMES.filter((name) => files[name] === undefined);
        if (present.length) await git.add({ fs: durableFs, dir: this.dir, filepath: [...present] });
        if (absent.length) await git.remove({ fs: durableFs, dir: this.dir, filepath: [...absent] });
        const parent = await this.headCommit();
        const timestamp = Math.floor(this.now().getTime() / 1000);
        const ident = { name: info.author.name, email: info.author.email, timestamp, timezoneOffset: 0 };
        const message = formatCommitMessage(info);
        const oid = await git.commit({ fs: durableFs, dir: this.dir, message, author: ident, committer: ident });
        this.appendReflog(parent, oid, ident, message.split('\n')[0] as string);
        return oid;
      },
      { purpose: 'state commit' },
    );
  }

  /** Appends to `.git/logs/HEAD` and the branch's reflog, in git's format, fsynced. */
  private appendReflog(parent: string | null, oid: string, ident: Author & { timestamp: number }, subject: string): void {
    const old = parent ?? '0'.repeat(40);
    const line = `${old} ${oid} ${ident.name} <${ident.email}> ${ident.timestamp} +0000\tcommit${parent ? '' : ' (initial)'}: ${subject}`;
    appendLineDurable(join(this.gitdir, 'logs', 'HEAD'), line);
    const head = readFileSync(join(this.gitdir, 'HEAD'), 'utf8').trim();
    const m = /^ref: (refs\/\S+)$/.exec(head);
    if (m) appendLineDurable(join(this.gitdir, 'logs', ...(m[1] as string).split('/')), line);
  }

  /** Commits, newest first (at most `limit`). Empty before the first commit. */
  async history(opts: { limit?: number } = {}): Promise<HistoryEntry[]> {
    const git = await loadGit();
    if ((await this.headCommit()) === null) return [];
    const log = await git.log({ fs: durableFs, dir: this.dir, ref: 'HEAD', ...(opts.limit !== undefined ? { depth: opts.limit } : {}) });
    return log.map(({ oid, commit }) => {
      const parsed = parseCommitMessage(commit.message);
      return {
        commit: oid,
        parents: [...commit.parent],
        time: new Date(commit.committer.timestamp * 1000).toISOString(),
        author: { name: commit.author.name, email: commit.author.email },
        request: parsed.request,
        planId: parsed.planId,
        summary: parsed.summary,
      };
    });
  }

  /**
   * Resolves a revision to a full commit oid: a full or abbreviated oid (≥ 4 hex digits),
   * `HEAD`, a branch name, each optionally followed by `~N`, `^` or `^N`.
   */
  async resolveRev(rev: string): Promise<string> {
    const git = await loadGit();
    const m = /^(.*?)((?:[~^]\d*)*)$/.exec(rev.trim());
    const base = m?.[1] || 'HEAD';
    const suffix = m?.[2] ?? '';
    let oid: string | undefined;
    if (/^[0-9a-f]{4,40}$/i.test(base)) {
      try {
        oid = await git.expandOid({ fs: durableFs, dir: this.dir, oid: base.toLowerCase() });
      } catch (e) {
        if (e instanceof git.Errors.AmbiguousError) throw new UnknownRevisionError(rev, `'${base}' matches more than one object; give more digits`);
      }
    }
    if (oid === undefined) {
      try {
        oid = await git.resolveRef({ fs: durableFs, dir: this.dir, ref: base });
      } catch {
        throw new UnknownRevisionError(rev, base === 'HEAD' ? 'there are no commits yet' : `'${base}' is not a commit id or a branch`);
      }
    }
    let cur = await this.readCommitOr(oid, rev);
    for (const op of suffix.match(/[~^]\d*/g) ?? []) {
      const n = op.length > 1 ? Number(op.slice(1)) : 1;
      if (op[0] === '~') {
        for (let i = 0; i < n; i++) {
          const p = cur.commit.parent[0];
          if (!p) throw new UnknownRevisionError(rev, `history has fewer than ${n} commits before ${cur.oid.slice(0, 8)}`);
          cur = await this.readCommitOr(p, rev);
        }
      } else if (n > 0) {
        const p = cur.commit.parent[n - 1];
        if (!p) throw new UnknownRevisionError(rev, `${cur.oid.slice(0, 8)} has no parent number ${n}`);
        cur = await this.readCommitOr(p, rev);
      }
    }
    return cur.oid;
  }

  private async readCommitOr(oid: string, rev: string): Promise<Git.ReadCommitResult> {
    const git = await loadGit();
    try {
      return await git.readCommit({ fs: durableFs, dir: this.dir, oid });
    } catch (e) {
      if (e instanceof git.Errors.ObjectTypeError) throw new UnknownRevisionError(rev, `${oid.slice(0, 8)} is not a commit`);
      throw e;
    }
  }

  /** The state files at a commit (any revision `resolveRev` accepts), name → content, sorted. */
  async filesAt(rev: string): Promise<StateFiles> {
    const git = await loadGit();
    const { commit } = await this.readCommitOr(await this.resolveRev(rev), rev);
    const { tree } = await git.readTree({ fs: durableFs, dir: this.dir, oid: commit.tree });
    const out: StateFiles = {};
    for (const e of [...tree].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
      if (e.type !== 'blob' || !isStateFileName(e.path)) continue;
      const { blob } = await git.readBlob({ fs: durableFs, dir: this.dir, oid: e.oid });
      out[e.path] = Buffer.from(blob).toString('utf8');
    }
    return out;
  }

  /** The state files in the state dir now (name → content, sorted). */
  workingFiles(): StateFiles {
    const out: StateFiles = {};
    for (const name of STATE_FILE_NAMES) {
      const p = join(this.dir, name);
      if (existsSync(p)) out[name] = readFileSync(p, 'utf8');
    }
    return out;
  }

  /** Which state files in the state dir differ from HEAD (sorted by name). */
  async status(): Promise<StateFileChange[]> {
    const head = (await this.headCommit()) === null ? {} : await this.filesAt('HEAD');
    const work = this.workingFiles();
    const out: StateFileChange[] = [];
    for (const file of STATE_FILE_NAMES) {
      const h = head[file];
      const w = work[file];
      if (h === undefined && w !== undefined) out.push({ file, change: 'added' });
      else if (h !== undefined && w === undefined) out.push({ file, change: 'deleted' });
      else if (h !== undefined && w !== undefined && h !== w) out.push({ file, change: 'modified' });
    }
    return out;
  }
}
