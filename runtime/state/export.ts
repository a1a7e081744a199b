/**
 * Export and import of the state dir: a `.tar.gz` holding the six state files and the whole
 * git history (`.git`), made and read with the `tar` package (gzip via node:zlib).
 *
 * Import never imports half: it unpacks into a temp dir next to the target, checks the
 * entries (only state files and `.git/…`, no links, no `..`), checks the history is intact,
 * validates the files through the injected validator (the runtime does not know the
 * compiler), fsyncs everything, and only then swaps the directory in with `rename`. The
 * previous state dir, if any, is kept beside it as `<dir>.before-import-<time>`.
 */
import { create, extract, list, type ReadEntry } from 'tar';
import {
  chmodSync,
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join, posix, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { fsyncDir } from '../../common/fsutil.js';
import { withPidLock } from '../pidlock.js';
import { COMMIT_LOCK, STATE_FILE_NAMES, StateRepoDamagedError, inspectStateRepo, isStateFileName, openStateRepo, type StateFiles } from './repo.js';

/** Validates proposed state files; `problems` are human-readable lines (file:line:col: message). */
export type StateValidator = (files: StateFiles) => Promise<{ ok: boolean; problems: string[] }>;

export class StateImportError extends Error {
  constructor(
    message: string,
    readonly problems: string[] = [],
  ) {
    super(problems.length > 0 ? `${message}\n${problems.map((p) => `  ${p}`).join('\n')}` : message);
    this.name = 'StateImportError';
  }
}

export interface ExportResult {
  file: string;
  /** The state files in the tarball, sorted. */
  files: string[];
  /** The HEAD commit exported, or null for a repository with no commit yet. */
  head: string | null;
}

export interface ImportResult {
  stateDir: string;
  files: string[];
  head: string | null;
  commits: number;
  /** Where the previous state dir was moved, or null when there was none. */
  backup: string | null;
}

/** What a tarball entry may be: a state file at the top, or anything under `.git/`. */
function allowedPath(p: string): boolean {
  const norm = posix.normalize(p.replace(/^\.\//, '')).replace(/\/$/, '');
  if (norm.startsWith('/') || norm.split('/').includes('..')) return false;
  // Hook scripts would run as whoever next uses the git CLI in the state dir (an export
  // never has any: the repository is made by isomorphic-git); inert samples are allowed.
  if (norm.startsWith('.git/hooks/') && !norm.endsWith('.sample')) return false;
  return isStateFileName(norm) || norm === '.git' || norm.startsWith('.git/');
}

/**
 * What `.git/config` becomes on import (isomorphic-git's own init config): the tarball's is
 * dropped, since core.fsmonitor, core.hooksPath, core.pager, aliases, filters or diff
 * drivers in it would run commands when an admin uses the git CLI in the state dir.
 */
export const IMPORTED_GIT_CONFIG = '[core]\n\trepositoryformatversion = 0\n\tfilemode = false\n\tbare = false\n\tlogallrefupdates = true\n\tsymlinks = false\n\tignorecase = true\n';

function exportFilter(p: string): boolean {
  const name = basename(p);
  return !name.endsWith('.lock') && !name.endsWith('.tmp');
}

function fsyncFile(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** fsyncs every file and directory under `dir` (children first). */
function fsyncTree(dir: string): void {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) fsyncTree(p);
    else if (e.isFile()) fsyncFile(p);
  }
  fsyncDir(dir);
}

/**
 * Writes `outFile` (.tar.gz) with the state files and `.git` of `stateDir`. Holds the commit
 * lock so a concurrent commit is not caught half-way. The tarball is written to a temp
 * file, fsynced and renamed into place.
 */
export async function exportState(stateDir: string, outFile: string, opts: { now?: () => Date } = {}): Promise<ExportResult> {
  const repo = await openStateRepo(stateDir, { create: false, ...(opts.now ? { now: opts.now } : {}) });
  const out = resolve(outFile);
  mkdirSync(dirname(out), { recursive: true });
  const tmp = join(dirname(out), `.${basename(out)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  return withPidLock(
    join(repo.gitdir, COMMIT_LOCK),
    async () => {
      const files = STATE_FILE_NAMES.filter((n) => existsSync(join(stateDir, n)));
      try {
        await create({ gzip: true, file: tmp, cwd: stateDir, portable: true, filter: exportFilter }, [...files, '.git']);
        fsyncFile(tmp);
        renameSync(tmp, out);
      } catch (e) {
        rmSync(tmp, { force: true });
        throw e;
      }
      fsyncDir(dirname(out));
      return { file: out, files: [...files], head: await repo.headCommit() };
    },
    { purpose: 'state export' },
  );
}

function hasState(dir: string): boolean {
  return existsSync(join(dir, '.git')) || STATE_FILE_NAMES.some((n) => existsSync(join(dir, n)));
}

function stamp(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

/**
 * Imports a tarball made by `exportState` into `stateDir`: all of it or nothing. Refuses when
 * `stateDir` already holds state (a `.git` or a state file) unless `force`.
 */
export async function importState(
  tarball: string,
  stateDir: string,
  validate: StateValidator,
  opts: { force?: boolean; now?: () => Date } = {},
): Promise<ImportResult> {
  const now = opts.now ?? (() => new Date());
  const src = resolve(tarball);
  const target = resolve(stateDir);
  if (!existsSync(src) || !statSync(src).isFile()) throw new StateImportError(`cannot read ${src}: no such file`);
  if (existsSync(target) && hasState(target) && !opts.force) {
    throw new StateImportError(
      `${target} already holds state; nothing was imported. Pass --force to replace it (the current state dir is kept as ${target}.before-import-<time>)`,
    );
  }

  // 1. Check every entry before writing anything.
  const bad: string[] = [];
  try {
    await list({
      file: src,
      strict: true,
      onReadEntry: (e: ReadEntry) => {
        const okType = e.type === 'File' || e.type === 'OldFile' || e.type === 'ContiguousFile' || e.type === 'Directory';
        if (!allowedPath(e.path) || !okType) bad.push(`${e.path} (${e.type})`);
      },
    });
  } catch (e) {
    throw new StateImportError(`${src} is not a readable .tar.gz: ${(e as Error).message}; nothing was imported`);
  }
  if (bad.length > 0) {
    throw new StateImportError(`${src} holds entries a state export never has (only state files and .git/ are allowed); nothing was imported:`, bad.sort());
  }

  // 2. Unpack next to the target (same file system, so the final rename is atomic).
  const parent = dirname(target);
  mkdirSync(parent, { recursive: true });
  const staging = mkdtempSync(join(parent, `.${basename(target)}.import-`));
  let swapped = false;
  try {
    try {
      await extract({ file: src, cwd: staging, strict: true, preserveOwner: false, filter: (p) => allowedPath(p) });
    } catch (e) {
      throw new StateImportError(`cannot unpack ${src}: ${(e as Error).message}; nothing was imported`);
    }
    if (!existsSync(join(staging, '.git', 'HEAD'))) {
      throw new StateImportError(`${src} has no git history (.git); make the tarball with \`claude export\`. Nothing was imported`);
    }
    writeFileSync(join(staging, '.git', 'config'), IMPORTED_GIT_CONFIG, { mode: 0o644 });
    const damage = await inspectStateRepo(staging, { deep: true });
    if (damage.length > 0) {
      throw new StateImportError(`the history in ${src} is damaged; nothing was imported:`, damage.map((p) => `${p.path}: ${p.detail}`));
    }

    // 3. Validate the state files.
    const files: StateFiles = {};
    for (const n of STATE_FILE_NAMES) {
      const p = join(staging, n);
      if (existsSync(p)) files[n] = readFileSync(p, 'utf8');
    }
    const verdict = await validate(files);
    if (!verdict.ok) throw new StateImportError(`the state in ${src} is invalid; nothing was imported:`, verdict.problems);

    // 4. Make it durable, then swap it in.
    const repo = await openStateRepo(staging, { create: false, now });
    const head = await repo.headCommit();
    const commits = (await repo.history()).length;
    chmodSync(staging, existsSync(target) ? statSync(target).mode & 0o7777 : 0o755);
    fsyncTree(staging);

    let backup: string | null = null;
    const swap = () => {
      if (existsSync(target)) {
        backup = `${target}.before-import-${stamp(now())}`;
        if (existsSync(backup)) backup += `-${randomBytes(3).toString('hex')}`;
        renameSync(target, backup);
        try {
          renameSync(staging, target);
        } catch (e) {
          renameSync(backup, target);
          throw new StateImportError(`cannot replace ${target} (is it a mount point?): ${(e as Error).message}; nothing was imported`);
        }
      } else {
        renameSync(staging, target);
      }
      swapped = true;
      fsyncDir(parent);
    };
    if (existsSync(join(target, '.git'))) await withPidLock(join(target, '.git', COMMIT_LOCK), swap, { purpose: 'state import' });
    else swap();

    // An empty previous dir needs no backup.
    const b = backup as string | null;
    if (b !== null && readdirSync(b).length === 0) {
      rmdirSync(b);
      backup = null;
    }
    return { stateDir: target, files: Object.keys(files), head, commits, backup };
  } catch (e) {
    if (e instanceof StateRepoDamagedError) throw new StateImportError(`the history in ${src} is damaged; nothing was imported`, [e.message]);
    throw e;
  } finally {
    if (!swapped) rmSync(staging, { recursive: true, force: true });
  }
}
