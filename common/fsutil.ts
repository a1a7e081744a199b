/**
 * Crash-safe file writes (the durability contract is in docs/runtime.md):
 *
 * - `writeFileAtomic`: write a temp file in the same directory, checking that every byte was
 *   written (a short write is continued; a write that makes no progress is ENOSPC), fsync it,
 *   rename it over the target, then fsync the directory so the rename itself is durable.
 *   A reader sees the old file or the whole new one, never a part.
 * - `appendLineDurable`: one record per line, appended and fsynced. A record is framed: if the
 *   file does not end with a newline (a torn record left by a crash mid-write), a newline is
 *   written first, so a torn record never swallows the next one. A write that fails part-way
 *   is cut back off (ftruncate to the old length: it needs no new space), so a failure leaves
 *   no torn record behind.
 * - A space reserve (`SpaceReserve`): a file of zeros that an apply writes before its first
 *   step. When a durable write then hits ENOSPC, the reserve is released and the write is
 *   retried once, so the rollback that follows has room for its journal and records.
 *
 * Every write goes through the failpoints of common/failpoints.ts (tests only).
 */
import { closeSync, existsSync, fstatSync, fsync, fsyncSync, ftruncateSync, linkSync, mkdirSync, openSync, readFileSync, readSync, renameSync, writeFileSync, writeSync, rmSync, appendFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { nodeCrypto } from './node-crypto.js';
import { errnoError, failpoint, SimulatedCrash, writeFailpoint } from './failpoints.js';

export function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function fsyncFd(fd: number, path: string): void {
  failpoint('fs.fsync', path);
  fsyncSync(fd);
}

/**
 * fsyncs several files at once on libuv's thread pool: one round of the disk's flush latency
 * instead of one per file in a row (the records an apply writes before its first step: 6 serial
 * fsyncs took 29–34 ms, the same 6 at once 9–10 ms on this project's VM disk, load 10). Each
 * file's `fs.fsync` failpoint is hit first, in order, as the serial fsyncs hit them; every fsync
 * already sent is waited for before an error is thrown (its fd is then safe to close).
 */
async function fsyncAll(items: readonly { fd: number; path: string | null }[]): Promise<void> {
  const sent: Promise<void>[] = [];
  let failed: { e: unknown } | null = null;
  try {
    for (const it of items) {
      if (it.path !== null) failpoint('fs.fsync', it.path);
      sent.push(new Promise<void>((resolve, reject) => fsync(it.fd, (e) => (e ? reject(e) : resolve()))));
    }
  } catch (e) {
    failed = { e };
  }
  const settled = await Promise.allSettled(sent);
  if (failed) throw failed.e;
  for (const s of settled) if (s.status === 'rejected') throw s.reason;
}

/** fsyncs each directory once, all at once (the renames into them made durable). */
async function fsyncDirs(dirs: readonly string[]): Promise<void> {
  const fds = [...new Set(dirs)].map((d) => openSync(d, 'r'));
  try {
    await fsyncAll(fds.map((fd) => ({ fd, path: null })));
  } finally {
    for (const fd of fds) closeSync(fd);
  }
}

/**
 * Writes all of `buf` at the fd's offset (or `position`), continuing after a short write.
 * A write that makes no progress throws ENOSPC (what a full disk does to the next write).
 */
export function writeAll(fd: number, buf: Uint8Array, path: string, position?: number): void {
  let off = 0;
  while (off < buf.length) {
    const want = writeFailpoint(path, buf.length - off);
    const n = want === 0 ? 0 : writeSync(fd, buf, off, want, position === undefined ? null : position + off);
    if (n <= 0) throw errnoError('ENOSPC', 'write', path);
    off += n;
  }
}

// ── the space reserve ──────────────────────────────────────────────────────────────────

const reserves = new Set<SpaceReserve>();

/**
 * Space held back for a rollback: `bytes` of zeros in `path`. While it is held, a durable
 * write that fails with ENOSPC releases it (deletes the file) and retries once; `tripped`
 * then tells the apply that the disk is full, so it stops and rolls back.
 */
export class SpaceReserve {
  tripped = false;
  private held = false;
  private constructor(readonly path: string) {}

  /** Writes the reserve; throws ENOSPC (and leaves nothing behind) when there is not room. */
  static create(path: string, bytes: number): SpaceReserve {
    const fd = SpaceReserve.fill(path, bytes);
    SpaceReserve.settle(fd, path, () => fsyncFd(fd, path));
    return new SpaceReserve(path).hold(fd);
  }

  /**
   * `create` with its fsync sent to the thread pool, so it can run beside the other records'
   * (runtime/apply.ts prepareRecords). With `armed: false` it is held but not yet used by an
   * ENOSPC elsewhere until `arm()`: the records written beside it must not release the reserve
   * just made for the same apply (review 22 LOW-6).
   */
  static async createAsync(path: string, bytes: number, opts: { armed?: boolean } = {}): Promise<SpaceReserve> {
    const fd = SpaceReserve.fill(path, bytes);
    await SpaceReserve.settle(fd, path, () => fsyncAll([{ fd, path }]));
    return new SpaceReserve(path).hold(fd, opts.armed ?? true);
  }

  /** The reserve file written with `bytes` zeros (not yet fsynced); on an error it is removed. */
  private static fill(path: string, bytes: number): number {
    mkdirSync(dirname(path), { recursive: true });
    const fd = openSync(path, 'w', 0o600);
    return SpaceReserve.settle(fd, path, () => {
      const chunk = Buffer.alloc(Math.min(bytes, 64 * 1024));
      for (let done = 0; done < bytes; done += chunk.length) writeAll(fd, chunk.subarray(0, Math.min(chunk.length, bytes - done)), path);
      return fd;
    });
  }

  /** Runs `f` (sync or async); when it fails, the file is closed and removed and the error thrown. */
  private static settle<T>(fd: number, path: string, f: () => T): T {
    const undo = (e: unknown): never => {
      closeSync(fd);
      rmSync(path, { force: true });
      throw e;
    };
    try {
      const r = f();
      return (r instanceof Promise ? r.catch(undo) : r) as T;
    } catch (e) {
      return undo(e);
    }
  }

  private hold(fd: number, armed = true): SpaceReserve {
    closeSync(fd);
    this.held = true;
    if (armed) reserves.add(this);
    return this;
  }

  /** From now on an ENOSPC in a durable write releases it (see `createAsync`). */
  arm(): void {
    if (this.held) reserves.add(this);
  }

  /** Takes over a reserve file a crashed process left behind (null when there is none). */
  static adopt(path: string): SpaceReserve | null {
    if (!existsSync(path)) return null;
    const r = new SpaceReserve(path);
    r.held = true;
    reserves.add(r);
    return r;
  }

  get isHeld(): boolean {
    return this.held;
  }

  /** Frees the space (idempotent). */
  release(): void {
    reserves.delete(this);
    if (!this.held) return;
    this.held = false;
    rmSync(this.path, { force: true });
  }
}

/** On ENOSPC: releases the held reserves; true when one was released (retry the write once). */
function useReserve(e: unknown): boolean {
  if ((e as NodeJS.ErrnoException)?.code !== 'ENOSPC' || reserves.size === 0) return false;
  let freed = false;
  for (const r of [...reserves]) {
    if (!r.isHeld) continue;
    r.tripped = true;
    r.release();
    freed = true;
  }
  return freed;
}

// ── atomic whole-file writes ───────────────────────────────────────────────────────────

/** UTF-16 units of text encoded at a time by writeText. */
const TEXT_SLICE = 1 << 20;

/**
 * Writes `text` as UTF-8, one slice of TEXT_SLICE units at a time through one scratch buffer,
 * instead of encoding it whole first: a 37 MB plan then needs 3 MB more, not 37 MB of fresh
 * pages (docs/plans.md, "Performance"). A slice never ends between the two halves of a
 * surrogate pair, so the bytes are Buffer.from(text)'s.
 */
function writeText(fd: number, text: string, path: string): void {
  const scratch = Buffer.allocUnsafe(TEXT_SLICE * 3); // UTF-8 needs at most 3 bytes per UTF-16 unit
  for (let i = 0; i < text.length; ) {
    let j = Math.min(i + TEXT_SLICE, text.length);
    const last = text.charCodeAt(j - 1);
    if (j < text.length && last >= 0xd800 && last <= 0xdbff) j--;
    const n = scratch.write(text.slice(i, j), 0, 'utf8');
    writeAll(fd, scratch.subarray(0, n), path);
    i = j;
  }
}

/**
 * A file's content made piece by piece, for content too large to hold as one string or buffer
 * (a 10,000-service plan's envelope: plan/envelope.ts writeEnvelope). `each` calls `put` with
 * the pieces in order, strings written as UTF-8; it may be called again (a write retried
 * after the space reserve was released), so it must give the same pieces each time.
 */
export interface Pieces {
  each(put: (piece: string | Uint8Array) => void): void;
}

/** Writes the pieces through one scratch buffer of PIECES_BUFFER bytes, in order; a piece larger than it is written on its own. */
function writePieces(fd: number, pieces: Pieces, path: string): void {
  const scratch = Buffer.allocUnsafe(PIECES_BUFFER);
  let used = 0;
  const flush = (): void => {
    if (used) writeAll(fd, scratch.subarray(0, used), path);
    used = 0;
  };
  pieces.each((piece) => {
    const most = typeof piece === 'string' ? piece.length * 3 : piece.length; // UTF-8: at most 3 bytes per UTF-16 unit
    if (used + most > scratch.length) flush();
    if (most > scratch.length) {
      if (typeof piece === 'string') writeText(fd, piece, path);
      else writeAll(fd, piece, path);
    } else if (typeof piece === 'string') used += scratch.write(piece, used, 'utf8');
    else {
      scratch.set(piece, used);
      used += piece.length;
    }
  });
  flush();
}

/** Bytes gathered by writePieces before each write(2). */
const PIECES_BUFFER = 1 << 20;

/** Writes `data` to a new fsynced temp file beside `path` (its dir made if missing); returns the temp file's path. */
function writeTempBeside(path: string, data: string | Uint8Array | Pieces, mode: number): string {
  mkdirSync(dirname(path), { recursive: true });
  const buf = typeof data === 'string' && data.length <= TEXT_SLICE ? Buffer.from(data) : data;
  for (let attempt = 0; ; attempt++) {
    const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${nodeCrypto().randomBytes(4).toString('hex')}.tmp`);
    const fd = openSync(tmp, 'w', mode);
    try {
      if (typeof buf === 'string') writeText(fd, buf, tmp);
      else if (buf instanceof Uint8Array) writeAll(fd, buf, tmp);
      else writePieces(fd, buf, tmp);
      fsyncFd(fd, tmp);
      closeSync(fd);
      return tmp;
    } catch (e) {
      if (e instanceof SimulatedCrash) throw e; // a dead process cleans nothing up
      closeSync(fd);
      rmSync(tmp, { force: true });
      if (attempt === 0 && useReserve(e)) continue;
      throw e;
    }
  }
}

export function writeFileAtomic(path: string, data: string | Uint8Array | Pieces, mode = 0o644): void {
  const tmp = writeTempBeside(path, data, mode);
  try {
    failpoint('fs.rename', path);
    renameSync(tmp, path);
  } catch (e) {
    if (!(e instanceof SimulatedCrash)) rmSync(tmp, { force: true });
    throw e;
  }
  fsyncDir(dirname(path));
}

/**
 * Writes a new file at `path` (which must not exist), every byte checked, and fsyncs it; no
 * rename and no directory fsync: for a temp file whose name is only a step (the apply lock's,
 * hard-linked into place by runtime/lock.ts, whose directory is fsynced with the token file
 * right after). A failure removes the file.
 */
export function writeNewFileSynced(path: string, data: string, mode = 0o600): void {
  const fd = openSync(path, 'wx', mode);
  try {
    writeAll(fd, Buffer.from(data), path);
    fsyncFd(fd, path);
  } catch (e) {
    if (e instanceof SimulatedCrash) throw e; // a dead process cleans nothing up
    closeSync(fd);
    rmSync(path, { force: true });
    throw e;
  }
  closeSync(fd);
}

/** One whole file for `writeFilesAtomic`. */
export interface AtomicFile {
  path: string;
  /** Pieces are written as writeFileAtomic writes them (each may be asked for again after a retry). */
  data: string | Uint8Array | Pieces;
  mode?: number;
}

/**
 * Several whole files, each written as `writeFileAtomic` writes one (a temp file beside it,
 * every byte checked, fsynced, renamed over it, its directory fsynced), with the fsyncs sent at
 * once: the temp files' fsyncs in one round, then the renames in order, then each directory
 * once. Every file is durable when the promise resolves, as after the same writeFileAtomic calls
 * in a row; what a crash can leave differs only in which of them already have their new
 * content (a reader of each still sees the old file or the whole new one). On an error the temp
 * files are removed (a file already renamed stays: the caller removes what it wrote, as after a
 * failed writeFileAtomic of the next file); ENOSPC before a rename releases the space reserve
 * and tries once more, as writeFileAtomic does. `placeIf`: awaited once the temp files are
 * durable, before any rename; false removes them and resolves false, every file unchanged
 * (`claude plan` writes the plan while it checks it, and keeps it only when the check passes).
 * Resolves true once the files are in place.
 */
export async function writeFilesAtomic(files: readonly AtomicFile[], o: { placeIf?: Promise<boolean> } = {}): Promise<boolean> {
  let temps: { tmp: string; fd: number; path: string }[] = [];
  for (let attempt = 0; ; attempt++) {
    temps = [];
    let open = true;
    try {
      for (const f of files) {
        mkdirSync(dirname(f.path), { recursive: true });
        const tmp = join(dirname(f.path), `.${basename(f.path)}.${process.pid}.${nodeCrypto().randomBytes(4).toString('hex')}.tmp`);
        temps.push({ tmp, fd: openSync(tmp, 'w', f.mode ?? 0o644), path: f.path });
        const fd = temps.at(-1)!.fd;
        if (typeof f.data === 'string' && f.data.length > TEXT_SLICE) writeText(fd, f.data, tmp);
        else if (typeof f.data === 'string' || f.data instanceof Uint8Array) writeAll(fd, typeof f.data === 'string' ? Buffer.from(f.data) : f.data, tmp);
        else writePieces(fd, f.data, tmp);
      }
      await fsyncAll(temps.map((t) => ({ fd: t.fd, path: t.tmp })));
      for (const t of temps) closeSync(t.fd);
      open = false;
      if (o.placeIf && !(await o.placeIf)) {
        // the caller's check said no: the files stay as they were, and no temp file is left
        for (const t of temps) rmSync(t.tmp, { force: true });
        return false;
      }
      break;
    } catch (e) {
      if (e instanceof SimulatedCrash) throw e; // a dead process cleans nothing up
      for (const t of temps) {
        if (open) closeSync(t.fd);
        rmSync(t.tmp, { force: true });
      }
      if (attempt === 0 && useReserve(e)) continue;
      throw e;
    }
  }
  for (let i = 0; i < temps.length; i++) {
    const t = temps[i]!;
    try {
      failpoint('fs.rename', t.path);
      renameSync(t.tmp, t.path);
    } catch (e) {
      if (!(e instanceof SimulatedCrash)) for (const u of temps.slice(i)) rmSync(u.tmp, { force: true });
      throw e;
    }
  }
  await fsyncDirs(temps.map((t) => dirname(t.path)));
  return true;
}

/**
 * Replaces `path` whole (a reader sees the old file or the new one) without fsync: for caches
 * (the compiled-state cache, the CPU sample), whose reader checks what it reads and whose loss
 * in a crash costs one recomputation; never for state. A missing dir is made (mode 0700, its
 * parents too) on the first write that needs it, so the usual write costs no mkdir.
 */
export function writeCacheFile(path: string, data: string, mode = 0o600): void {
  // (unique within this process is enough in the owner's data dir; node:crypto is not loaded for it: common/node-crypto.ts)
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${((Math.random() * 0x100000000) >>> 0).toString(16)}.tmp`);
  try {
    try {
      writeFileSync(tmp, data, { mode });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
      writeFileSync(tmp, data, { mode });
    }
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
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

// ── appended records ───────────────────────────────────────────────────────────────────

/**
 * Appends one record line and fsyncs it (journals, audit, events). Framed: a newline is put
 * first when the file's last byte is not one (a torn record from a crash), so the torn
 * record stays alone on its line. A failed write is cut back off before the error is thrown.
 */
export function appendLineDurable(path: string, line: string): void {
  appendLineFramed(path, line, true);
}

/**
 * `appendLineDurable` without the fsync when `sync` is false: the same framing and the same
 * cut-back of a failed write, visible to every reader at once, durable at the next fsync of the
 * file (any append with `sync`, which flushes the whole file) or when the kernel writes it back.
 * For a record whose loss in a power cut is the same as a crash just before it was written
 * (the journal's `step.end`, an advisory event): runtime/apply.ts.
 */
export function appendLineFramed(path: string, line: string, sync: boolean): void {
  mkdirSync(dirname(path), { recursive: true });
  const text = line.endsWith('\n') ? line : line + '\n';
  for (let attempt = 0; ; attempt++) {
    const fd = openSync(path, 'a+', 0o600);
    let size = 0;
    try {
      size = fstatSync(fd).size;
      let prefix = '';
      if (size > 0) {
        const last = Buffer.alloc(1);
        readSync(fd, last, 0, 1, size - 1);
        if (last[0] !== 0x0a) prefix = '\n';
      }
      writeAll(fd, Buffer.from(prefix + text), path);
      if (sync) fsyncFd(fd, path);
      closeSync(fd);
      return;
    } catch (e) {
      if (e instanceof SimulatedCrash) throw e; // a dead process cleans nothing up
      try {
        ftruncateSync(fd, size); // cut a partial record back off (frees space, needs none)
      } catch {
        /* the next append's framing still isolates it */
      }
      closeSync(fd);
      if (attempt === 0 && useReserve(e)) continue;
      throw e;
    }
  }
}

export { appendFileSync };

/** A small JSON record file as `T` when it reads, parses and `ok` accepts it; else null (absent, damaged or another version). */
export function readJsonIf<T>(path: string, ok: (x: T) => boolean): T | null {
  try {
    const x = JSON.parse(readFileSync(path, 'utf8')) as T;
    return x && ok(x) ? x : null;
  } catch {
    return null;
  }
}
