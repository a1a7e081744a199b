/**
 * Writing straight to a file descriptor with fs.writeSync, for output that must not make
 * process.stdout or process.stderr just to print (cli/stdio.ts lazyOutput, common/trace.ts).
 * Once a stream exists on a pipe, libuv has made the fd non-blocking: a write the pipe does
 * not take at once fails with EAGAIN (and a write may be taken in part). The rest is then
 * handed to the stream, which waits for the reader, so every byte arrives, in order.
 */
import { writeSync } from 'node:fs';
import type { Writable } from 'node:stream';

export type WriteCallback = (err?: Error | null) => void;

/**
 * Writes all of `data` to `fd`; what the fd does not take (EAGAIN) goes to `stream()`.
 * Returns true when written (then `callback` runs on the next tick), or what the stream's
 * write returned. Any other error (EPIPE, EBADF) is thrown, for the caller to judge.
 */
export function writeAllSync(fd: number, data: string | Uint8Array, stream: () => Writable, callback?: WriteCallback): boolean {
  let buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data);
  while (buf.length > 0) {
    try {
      buf = buf.subarray(writeSync(fd, buf));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EAGAIN') return stream().write(buf, callback);
      throw e;
    }
  }
  if (callback) process.nextTick(callback);
  return true;
}
