/**
 * process.stdout and process.stderr, made only when a command needs a stream.
 *
 * Making process.stdout loads Node's stream code for the kind of fd it is: a pipe or a
 * terminal is a net.Socket (node:net, the stream machinery), which costs a cold `validate`
 * ≈ 12 ms of CPU for the two of them (docs/compiler.md, "Performance"), while what it prints
 * is a few lines. So the CLI entry hands commands a stand-in: `write` goes straight to the fd
 * with fs.writeSync, in order, until anything else of the stream is asked for (`on`, `once`,
 * `isTTY`, `columns`, a readline prompt, a progress renderer): then the real stream is made
 * and everything goes through it from there on. Node's stdout and stderr write synchronously
 * to files, pipes and terminals on Linux, so the order of the bytes stays the order of the
 * calls either way.
 *
 * A write the fd does not take at once (EAGAIN: a non-blocking pipe whose reader is behind)
 * is handed to the real stream, which waits for the reader as it always did. EPIPE (the
 * reader went away: `claude validate | head -1`) calls `onEpipe` (cli/main.ts ends the process
 * quietly with its exit code so far, as its handler on the real stream does).
 */
import type { Writable } from 'node:stream';
import { writeAllSync, type WriteCallback } from '../common/fd-write.js';

/**
 * A stand-in for `real()` (process.stdout or process.stderr, on `fd`): writes go to the fd
 * directly until another property is read; `made()` says whether the real stream was made.
 */
export function lazyOutput(fd: number, real: () => Writable, onEpipe: () => void = () => {}): Writable & { made(): boolean } {
  let stream: Writable | undefined;
  const materialize = (): Writable => (stream ??= real());
  const write = (chunk: unknown, encodingOrCb?: BufferEncoding | WriteCallback, cb?: WriteCallback): boolean => {
    const callback = typeof encodingOrCb === 'function' ? encodingOrCb : cb;
    const encoding = typeof encodingOrCb === 'string' ? encodingOrCb : 'utf8';
    if (stream) return stream.write(chunk as string, encoding, callback);
    try {
      // the fd non-blocking and full (EAGAIN): the real stream takes the rest and waits for the reader
      return writeAllSync(fd, typeof chunk === 'string' ? Buffer.from(chunk, encoding) : (chunk as Uint8Array), materialize, callback);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EPIPE') throw e;
      onEpipe();
      return false;
    }
  };
  const own: Record<PropertyKey, unknown> = { write, made: () => stream !== undefined };
  return new Proxy({} as Writable & { made(): boolean }, {
    get(_, prop) {
      if (prop in own) return own[prop];
      const s = materialize();
      const v = Reflect.get(s, prop, s) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(s) : v;
    },
    set(_, prop, value) {
      return Reflect.set(materialize(), prop, value);
    },
    has(_, prop) {
      return prop in own || prop in materialize();
    },
  });
}
