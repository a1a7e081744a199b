/**
 * Reading one file of the state dir, safely (issue 14, items 6 and 7). Every reader of the
 * state files (the compiler, the intent layer that sends them to a provider, the reconciler,
 * the API) goes through `readStateFileBytes`, so none of them:
 *
 * - follows a symbolic link: `ln -s /etc/shadow services.yaml` would otherwise be read,
 *   quoted in diagnostics and sent to the LLM. The file is opened with O_NOFOLLOW, so a link
 *   swapped in after a check is refused too;
 * - reads anything but a regular file (a FIFO would block, a device would never end): opened
 *   with O_NONBLOCK and checked with fstat on the open descriptor;
 * - reads more than the size limit: the size is checked before a byte is read, and the read
 *   stops at the limit even when the file grows meanwhile.
 *
 * Writing the state dir already refuses links (runtime/state/repo.ts); this is the read side.
 */
import { closeSync, constants, fstatSync, openSync, readlinkSync, readSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A state file larger than this is refused before it is read (the parser's own limit, and the
 * plan schema's for a desired file). 8 MiB holds 10,000 services as bench/plan.bench.ts writes
 * them (ports, a volume, environment, resources, a health check: 5.9 MB, ~590 bytes each),
 * about 14,000 of them; only six state files exist, so one services.yaml holds them all.
 * It bounds what one file can cost: a 10,000-service plan from YAML peaks near 1 GB
 * (docs/compiler-parse.md, "Size limits").
 */
export const STATE_FILE_MAX_BYTES = 8 * 1024 * 1024;

/**
 * The most bytes of one state file a request sends to the model (and of one file the model
 * proposes): a provider reply is read up to 2 MiB, so a larger file could never come back
 * whole. A larger state file is edited by hand and planned with `claude plan`.
 */
export const REQUEST_FILE_MAX_BYTES = 1024 * 1024;

export type StateFileProblem = 'symlink' | 'not-regular' | 'too-large' | 'unreadable';

/** A state file that was not read; `message` says what and where, `hint` how to fix it. */
export class StateFileError extends Error {
  constructor(
    readonly file: string,
    readonly problem: StateFileProblem,
    message: string,
    readonly hint: string,
    /** The problem in a few words, without the path ("a symbolic link to /etc/shadow"). */
    readonly reason: string,
    /** For 'too-large': the file's size. */
    readonly size?: number,
  ) {
    super(message);
  }
}

function kindOf(mode: number): string {
  const t = mode & constants.S_IFMT;
  if (t === constants.S_IFDIR) return 'a directory';
  if (t === constants.S_IFIFO) return 'a named pipe (FIFO)';
  if (t === constants.S_IFSOCK) return 'a socket';
  if (t === constants.S_IFCHR) return 'a character device';
  if (t === constants.S_IFBLK) return 'a block device';
  return 'not a regular file';
}

/**
 * The bytes of `dir/name`, or null when it does not exist. Throws StateFileError for a
 * symbolic link, a non-regular file, a file over `maxBytes`, or one that cannot be read.
 */
export function readStateFileBytes(dir: string, name: string, maxBytes: number = STATE_FILE_MAX_BYTES): Buffer | null {
  const path = join(dir, name);
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    if (code === 'ELOOP') {
      let target = '';
      try {
        target = ` to ${readlinkSync(path)}`;
      } catch {
        /* gone meanwhile */
      }
      throw new StateFileError(
        name,
        'symlink',
        `${path} is a symbolic link${target}: Claude.OS never follows links in the state dir, so it was not read`,
        `replace the link with a regular file: \`rm ${path}\`, then write the state file itself at that path`,
        `a symbolic link${target}`,
      );
    }
    if (code === 'EACCES' || code === 'EPERM') throw new StateFileError(name, 'unreadable', `cannot read ${path}: permission denied`, 'check the file permissions', 'permission denied');
    throw new StateFileError(name, 'unreadable', `cannot read ${path}: ${(e as Error).message}`, 'check the file', (e as Error).message);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) {
      const kind = st.isDirectory() ? 'it is a directory' : `it is ${kindOf(st.mode)}, not a regular file`;
      throw new StateFileError(name, 'not-regular', `${path}: ${kind}, so it was not read`, `remove it (\`rm ${st.isDirectory() ? '-r ' : ''}${path}\`) and write the state file as a regular YAML file`, kind);
    }
    if (st.size > maxBytes) throw tooLarge(name, path, st.size, maxBytes);
    // Read until the end, but never more than maxBytes + 1: a file that grew after the fstat is still caught.
    const chunks: Buffer[] = [];
    let len = 0;
    let chunk = Buffer.allocUnsafe(Math.min(st.size, maxBytes) + 1);
    for (;;) {
      const n = readSync(fd, chunk, 0, Math.min(chunk.length, maxBytes + 1 - len), null);
      if (n <= 0) break;
      chunks.push(Buffer.from(chunk.subarray(0, n)));
      len += n;
      if (len > maxBytes) throw tooLarge(name, path, len, maxBytes);
      if (n === chunk.length) chunk = Buffer.allocUnsafe(64 * 1024);
    }
    return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, len);
  } catch (e) {
    if (e instanceof StateFileError) throw e;
    throw new StateFileError(name, 'unreadable', `cannot read ${path}: ${(e as Error).message}`, 'check the file', (e as Error).message);
  } finally {
    closeSync(fd);
  }
}

/** How to get a state file under the limit (also CLA1002's hint). */
export const STATE_FILE_SIZE_HINT =
  'a state file holds at most 8 MiB (8388608 bytes: about 14,000 services of ~600 bytes each, one services.yaml holds them all); leave out what repeats a default (replicas: 1, restart: unless-stopped, protocol: tcp, readonly: false) and what does not belong in it, or run some of the services on another host';

function tooLarge(name: string, path: string, size: number, limit: number): StateFileError {
  return new StateFileError(
    name,
    'too-large',
    `${path} is ${size} bytes, over the limit of ${limit} bytes ${limit === REQUEST_FILE_MAX_BYTES ? 'for a state file sent with a request' : 'for a state file'}, so it was not read`,
    limit === REQUEST_FILE_MAX_BYTES
      ? `a request sends each state file to the model, at most ${limit} bytes (1 MiB); change ${name} by hand and run \`claude plan\``
      : STATE_FILE_SIZE_HINT,
    `${size} bytes, over the limit of ${limit}`,
    size,
  );
}

/** The text of `dir/name` (UTF-8), or null when it does not exist; throws StateFileError as above. */
export function readStateFileText(dir: string, name: string, maxBytes: number = STATE_FILE_MAX_BYTES): string | null {
  const bytes = readStateFileBytes(dir, name, maxBytes);
  return bytes === null ? null : bytes.toString('utf8');
}
