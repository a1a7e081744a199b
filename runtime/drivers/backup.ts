/**
 * The side effects of backups and restores (runtime/backup/ decides what; this does it):
 *
 * - the byte streams: `tar` of a volume directory (GNU tar, numeric owners, permissions
 *   kept), compressed with `zstd` when the host has it, else gzip (node:zlib); the
 *   reverse for a restore;
 * - `docker exec` in a database's container with its stdout streamed out (with
 *   backpressure: a 100 MB dump never sits in memory), e.g. `pg_dumpall`, `cat dump.rdb`;
 * - a file copied into a container (`putArchive`), pause / unpause / stop / start of the
 *   containers that mount a volume.
 *
 * Fixed programs with fixed arguments only: nothing here runs a command from a state file.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, statSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { Duplex, PassThrough, Transform, Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import type Docker from 'dockerode';
import { LABEL_HOST, LABEL_MANAGED, LABEL_SERVICE } from '../../plan/types.js';

export type Compression = 'zstd' | 'gzip';

let zstdAvailable: boolean | undefined;
/** zstd when the host has the `zstd` program (Debian package zstd), else gzip. */
export function defaultCompression(): Compression {
  zstdAvailable ??= spawnSync('zstd', ['--version'], { stdio: 'ignore' }).status === 0;
  return zstdAvailable ? 'zstd' : 'gzip';
}

export function compressionExt(c: Compression): string {
  return c === 'zstd' ? 'zst' : 'gz';
}

/** Counts and hashes the bytes that pass through. */
export class Digest extends Transform {
  readonly hash = createHash('sha256');
  bytes = 0;
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null, d?: Buffer) => void): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    cb(null, chunk);
  }
}

/** A compressor (or decompressor) stream: the zstd program or node's gzip. */
export function codec(c: Compression, direction: 'compress' | 'decompress'): { stream: NodeJS.ReadWriteStream; done: Promise<void> } {
  if (c === 'gzip') return { stream: direction === 'compress' ? createGzip({ level: 6 }) : createGunzip(), done: Promise.resolve() };
  const child = spawn('zstd', direction === 'compress' ? ['-q', '-c', '-3', '-T0'] : ['-q', '-d', '-c'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (b: Buffer) => (err = (err + b.toString()).slice(-2000)));
  const done = new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`zstd exited with code ${code}${err.trim() ? `: ${err.trim()}` : ''}`))));
  });
  done.catch(() => undefined);
  child.stdin!.on('error', () => undefined); // EPIPE when zstd died: `done` says why
  const d = Duplex.from({ writable: child.stdin!, readable: child.stdout! });
  return { stream: d as unknown as NodeJS.ReadWriteStream, done };
}

/**
 * Writes `source` compressed into `file`, hashing the compressed bytes. Returns the size
 * and sha256 of what was written. On any failure the stream is torn down and the error
 * thrown (the caller removes the partial file).
 */
export async function writeCompressed(source: Readable, file: string, c: Compression, extra: Promise<void>[] = []): Promise<{ bytes: number; sha256: string }> {
  const z = codec(c, 'compress');
  const digest = new Digest();
  const out = createWriteStream(file, { mode: 0o600, flags: 'wx' });
  await Promise.all([pipeline(source, z.stream, digest, out), z.done, ...extra]);
  return { bytes: digest.bytes, sha256: digest.hash.digest('hex') };
}

/** sha256 and size of a file. */
export async function fileDigest(file: string): Promise<{ bytes: number; sha256: string }> {
  const d = new Digest();
  await pipeline(createReadStream(file), d, new Writable({ write: (_c, _e, cb) => cb() }));
  return { bytes: d.bytes, sha256: d.hash.digest('hex') };
}

/** The decompressed content of a backup file as a stream. */
export function readDecompressed(file: string, c: Compression): { stream: Readable; done: Promise<void> } {
  const z = codec(c, 'decompress');
  const src = createReadStream(file);
  src.pipe(z.stream as unknown as Writable);
  src.on('error', (e) => (z.stream as unknown as PassThrough).destroy(e));
  return { stream: z.stream as unknown as Readable, done: z.done };
}

/** `tar -c` of a directory (its contents, numeric owners) as a stream; `done` rejects on a tar error (exit ≥ 2; 1, "file changed as we read it", is a warning). */
export function tarCreate(dir: string): { stream: Readable; done: Promise<{ warning?: string }> } {
  const child = spawn('tar', ['--numeric-owner', '--sparse', '-C', dir, '-cf', '-', '.'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (b: Buffer) => (err = (err + b.toString()).slice(-2000)));
  const done = new Promise<{ warning?: string }>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      if (code === 0) resolve({});
      else if (code === 1) resolve({ warning: `tar: some files changed while they were read (${err.trim().split('\n').pop() ?? ''}); use type: snapshot for a consistent copy` });
      else reject(new Error(`tar exited with code ${code}${err.trim() ? `: ${err.trim()}` : ''}`));
    });
  });
  done.catch(() => undefined);
  return { stream: child.stdout!, done };
}

/** `tar -x` into a directory, keeping owners (numeric) and permissions. */
export async function tarExtract(source: Readable, dir: string): Promise<void> {
  const child = spawn('tar', ['--numeric-owner', '--same-owner', '-xpf', '-', '-C', dir], { stdio: ['pipe', 'ignore', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (b: Buffer) => (err = (err + b.toString()).slice(-2000)));
  const done = new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`tar exited with code ${code}${err.trim() ? `: ${err.trim()}` : ''}`))));
  });
  await Promise.all([pipeline(source, child.stdin!), done]);
}

// ── containers ──────────────────────────────────────────────────────────

export interface ServiceContainer {
  id: string;
  name: string;
  service: string;
  running: boolean;
  paused: boolean;
}

/** The containers of the services (managed by this instance), running or not, sorted by name. */
export async function serviceContainers(docker: Docker, services: readonly string[], hostId: string): Promise<ServiceContainer[]> {
  const out: ServiceContainer[] = [];
  for (const service of services) {
    const list = await docker.listContainers({ all: true, filters: { label: [`${LABEL_MANAGED}=true`, `${LABEL_SERVICE}=${service}`, `${LABEL_HOST}=${hostId}`] } });
    for (const c of list) out.push({ id: c.Id, name: (c.Names[0] ?? c.Id).replace(/^\//, ''), service, running: c.State === 'running' || c.State === 'paused', paused: c.State === 'paused' });
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Splits Docker's multiplexed exec stream: stdout bytes pass on, stderr is kept (last 4 KB). */
class Demux extends Transform {
  private buf: Buffer = Buffer.alloc(0);
  stderr = '';
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    while (this.buf.length >= 8) {
      const type = this.buf[0]!;
      const len = this.buf.readUInt32BE(4);
      if (this.buf.length < 8 + len) break;
      const payload = this.buf.subarray(8, 8 + len);
      this.buf = this.buf.subarray(8 + len);
      if (type === 2) this.stderr = (this.stderr + payload.toString('utf8')).slice(-65536);
      else this.push(payload);
    }
    cb();
  }
}

/**
 * `docker exec` of argv in a container; its stdout is piped into `sink` (with
 * backpressure) and its exit code returned with the end of its stderr.
 */
export async function execToStream(docker: Docker, containerId: string, argv: string[], sink: Writable | null, opts: { user?: string; env?: string[] } = {}): Promise<{ code: number | null; stderr: string }> {
  const exec = await docker.getContainer(containerId).exec({ Cmd: argv, AttachStdout: true, AttachStderr: true, AttachStdin: false, Tty: false, ...(opts.user ? { User: opts.user } : {}), ...(opts.env ? { Env: opts.env } : {}) });
  const stream = (await exec.start({ hijack: true, stdin: false })) as unknown as Readable;
  const demux = new Demux();
  const out = sink ?? new Writable({ write: (_c, _e, cb) => cb() });
  await pipeline(stream, demux, out);
  let info = await exec.inspect();
  for (let i = 0; info.Running && i < 100; i++) {
    await new Promise((r) => setTimeout(r, 20));
    info = await exec.inspect();
  }
  return { code: info.ExitCode ?? null, stderr: demux.stderr };
}

/** `docker exec` of argv; its stdout as text (for small answers: redis-cli, pg_isready). */
export async function execText(docker: Docker, containerId: string, argv: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let text = '';
  const sink = new Writable({
    write: (c: Buffer, _e, cb) => {
      text = (text + c.toString('utf8')).slice(-65536);
      cb();
    },
  });
  const r = await execToStream(docker, containerId, argv, sink);
  return { code: r.code, stdout: text, stderr: r.stderr };
}

/** Copies a host file into a container directory (as a one-file tar through the Engine). */
export async function copyIntoContainer(docker: Docker, containerId: string, hostFile: string, containerDir: string): Promise<void> {
  const { create } = await import('tar');
  const tarStream = create({ cwd: dirname(hostFile), portable: true }, [basename(hostFile)]) as unknown as Readable;
  await docker.getContainer(containerId).putArchive(tarStream as unknown as NodeJS.ReadableStream, { path: containerDir });
}

export async function pause(docker: Docker, id: string): Promise<void> {
  await docker.getContainer(id).pause();
}
export async function unpause(docker: Docker, id: string): Promise<void> {
  await docker.getContainer(id).unpause();
}
export async function stop(docker: Docker, id: string, timeoutS = 30): Promise<void> {
  await docker
    .getContainer(id)
    .stop({ t: timeoutS })
    .catch((e: { statusCode?: number }) => {
      if (e.statusCode !== 304) throw e; // 304: already stopped
    });
}
export async function start(docker: Docker, id: string): Promise<void> {
  await docker
    .getContainer(id)
    .start()
    .catch((e: { statusCode?: number }) => {
      if (e.statusCode !== 304) throw e; // 304: already running
    });
}

/** Where the volume's host path is mounted in a container (its Destination), or null. */
export async function mountTarget(docker: Docker, id: string, hostPath: string): Promise<string | null> {
  const info = await docker.getContainer(id).inspect();
  const m = (info.Mounts ?? []).find((x) => x.Source === hostPath);
  return m ? m.Destination : null;
}

/** Free bytes on the filesystem holding `path` (for the disk-full message). */
export async function freeBytes(path: string): Promise<number | null> {
  try {
    const { statfs } = await import('node:fs/promises');
    const s = await statfs(path);
    return s.bavail * s.bsize;
  } catch {
    return null;
  }
}

export function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
