/**
 * Asking at the terminal: one line reader over the command's stdin for a whole command, and
 * the flags the commands that plan and apply a request share. The agent never prompts: the
 * commands ask here and pass the answer on.
 */
import { createInterface } from 'node:readline';
import { SGR_RESET } from '../common/terminal.js';
import { Cancelled } from './context.js';

/** The flags of the commands that plan and apply a request (`claude "<msg>"`, `claude rollback`), for cli/args.ts parse. */
export const REQUEST_FLAGS = {
  yes: { type: 'boolean', short: 'y' },
  json: { type: 'boolean' },
  'state-dir': { type: 'string' },
  /** The firewall lock-out gate warns instead of refusing (planFiles `force`). */
  'i-know-what-i-am-doing': { type: 'boolean' },
} as const;
export interface LineReader {
  /**
   * Writes the prompt and resolves with the next line, or null at end of input (Ctrl-D). Ctrl-C
   * (a terminal reader) rejects with Cancelled, at every prompt alike: the command stops where
   * it asked and the CLI entry says "Cancelled" and exits 130 (cli/main.ts runWith).
   */
  next(prompt: string): Promise<string | null>;
  close(): void;
}

export interface LineReaderOptions {
  /** Let readline drive the terminal (line editing, echo); default false. */
  terminal?: boolean;
  /** Write the prompt even when the answer was already typed ahead (or the input has ended); default true. */
  promptTypedAhead?: boolean;
}

/** One reader over ctx.stdin for a whole command (lines typed ahead are kept). */
export function lineReader(io: { stdin: NodeJS.ReadableStream; stdout: NodeJS.WritableStream }, o: LineReaderOptions = {}): LineReader {
  const rl = createInterface(o.terminal ? { input: io.stdin, output: io.stdout, terminal: true } : { input: io.stdin, terminal: false });
  const queue: string[] = [];
  let waiting: { resolve: (l: string | null) => void; reject: (e: Error) => void } | null = null;
  let closed = false;
  let interrupted = false;
  // Ctrl-C in a terminal (readline reads it as a key in raw mode, so no signal comes): the
  // input ends, and the prompt waiting (or the next one) is cancelled, not answered. Lines
  // typed ahead of it are dropped: Ctrl-C stops the command where it is.
  rl.on('SIGINT', () => {
    interrupted = true;
    queue.length = 0;
    rl.close();
  });
  rl.on('line', (l) => {
    if (waiting) {
      const w = waiting;
      waiting = null;
      w.resolve(l);
    } else queue.push(l);
  });
  rl.on('close', () => {
    closed = true;
    if (waiting) {
      const w = waiting;
      waiting = null;
      if (interrupted) w.reject(new Cancelled());
      else w.resolve(null);
    }
  });
  return {
    next(prompt) {
      const quiet = o.promptTypedAhead === false;
      // On a terminal the prompt follows an SGR reset: text printed before it cannot conceal it.
      if (o.terminal) prompt = SGR_RESET + prompt;
      if (!quiet) io.stdout.write(prompt);
      if (queue.length) return Promise.resolve(queue.shift()!);
      if (interrupted) return Promise.reject(new Cancelled());
      if (closed) return Promise.resolve(null);
      if (quiet) io.stdout.write(prompt);
      return new Promise((resolve, reject) => (waiting = { resolve, reject }));
    },
    close: () => rl.close(),
  };
}
