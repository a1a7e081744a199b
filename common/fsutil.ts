/**
 * Crash-safe file writes: write a temp file in the same directory, fsync it, rename it
 * over the target, then fsync the directory so the rename itself is durable.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, writeSync, rmSync, appendFileSync } from 'node:fs';
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

export function writeFileAtomic(path: string, data: string | Uint8Array, mode = 0o644): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
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
  renameSync(tmp, path);
  fsyncDir(dir);
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
