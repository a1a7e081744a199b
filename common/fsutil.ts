/**
 * Crash-safe file writes: write a temp file in the same directory, fsync it, rename it
 * over the target, then fsync the directory so the rename itself is durable.
 */
import { closeSync, fsyncSync, linkSync, mkdirSync, openSync, renameSync, writeSync, rmSync, appendFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';

export function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Writes `data` to a new fsynced temp file beside `path` (its dir made if missing); returns the temp file's path. */
function writeTempBeside(path: string, data: string | Uint8Array, mode: number): string {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const fd = openSync(tmp, 'w', mode);
  try {
    writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  closeSync(fd);
  return tmp;
}

export function writeFileAtomic(path: string, data: string | Uint8Array, mode = 0o644): void {
  renameSync(writeTempBeside(path, data, mode), path);
  fsyncDir(dirname(path));
}

/**
 * Creates `path` with `data` only if it does not exist yet, crash-safe and race-free: the
 * temp file is hard-linked to the target (link fails when the target exists), so of
 * several processes creating it at once exactly one wins. Returns false when it existed.
 */
export function writeFileExclusive(path: string, data: string | Uint8Array, mode = 0o644): boolean {
  const tmp = writeTempBeside(path, data, mode);
  try {
    linkSync(tmp, path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  } finally {
    rmSync(tmp, { force: true });
  }
  fsyncDir(dirname(path));
  return true;
}

/** Appends one line and fsyncs it (journals, audit, events). */
export function appendLineDurable(path: string, line: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const fd = openSync(path, 'a', 0o600);
  try {
    writeSync(fd, line.endsWith('\n') ? line : line + '\n');
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export { appendFileSync };
