/**
 * The CLI socket's wire format (docs/architecture.md, "The CLI socket"): what bin/client.cjs
 * (the thin client) and the worker behind `$CLAUDE_DATA_DIR/cli.sock` (cli/remote.ts) say to
 * each other. Every message is one frame: a type byte (an ASCII letter), the payload's length
 * (uint32, big-endian) and the payload. bin/client.cjs carries its own copy of these few
 * lines (it loads nothing from dist/); test/cli-daemon.test.ts checks that the two agree.
 *
 * Client → worker: `H` hello (JSON: the command, below), `I` stdin bytes, `E` stdin ended,
 * `S` a signal the client got (its name), `W` the terminal's new size (JSON {columns, rows}).
 * Worker → client: `A` accepted, `F` fall back (the reason; the client then runs the command
 * itself, silently), `N` the command reads stdin (start sending it), `O` stdout bytes,
 * `R` stderr bytes, `T` terminal raw mode on (`1`) or off (`0`), `X` done (JSON {code} or
 * {signal}).
 */

/** Bumped when the frames or the hello change: a client and worker of different versions fall back. */
export const CLI_WIRE_VERSION = 1;

/** The socket's file name in the data dir. */
export const CLI_SOCKET_NAME = 'cli.sock';

/** What the client sends first (frame `H`). */
export interface CliHello {
  v: number;
  /** The client's build: dist/cli/main.js's mtime (ms) as text; the worker runs only its own build's commands. */
  build?: string;
  /**
   * Instead of `build`, from bin/client.pl (no Node to write the mtime as Node does): the
   * client's dist/cli/main.js (relative to `cwd`), whose mtime the worker reads.
   */
  main?: string;
  /**
   * process.version: the worker runs only for the same Node. Absent from bin/client.pl: the
   * worker then runs only when the `node` on the client's PATH (what its bin/claude would run)
   * is its own Node binary.
   */
  node?: string;
  /** /proc/self/ns/mnt: the same files (a daemon with PrivateTmp sees another /tmp). */
  mnt: string;
  uid: number;
  argv: string[];
  cwd: string;
  env: Record<string, string>;
  umask: number;
  tty: { stdin: boolean; stdout: boolean; stderr: boolean; columns?: number; rows?: number };
}

export function frame(type: string, payload: string | Uint8Array = ''): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
  const head = Buffer.allocUnsafe(5);
  head[0] = type.charCodeAt(0);
  head.writeUInt32BE(body.length, 1);
  return Buffer.concat([head, body]);
}

/** Splits a byte stream into frames: feed it chunks, it calls `on` for each whole frame. */
export function frameReader(on: (type: string, payload: Buffer) => void): (chunk: Buffer) => void {
  let buf: Buffer = Buffer.alloc(0);
  return (chunk) => {
    buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
    while (buf.length >= 5) {
      const len = buf.readUInt32BE(1);
      if (buf.length < 5 + len) break;
      const type = String.fromCharCode(buf[0]!);
      const payload = buf.subarray(5, 5 + len);
      buf = buf.subarray(5 + len);
      on(type, payload);
    }
  };
}
