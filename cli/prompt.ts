/**
 * Asking at the terminal: one line reader over the command's stdin for a whole command, and
 * the flags the commands that plan and apply a request share. The agent never prompts: the
 * commands ask here and pass the answer on.
 */
import { createInterface, type Interface } from 'node:readline';
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
   * Writes the prompt and resolves with the next line, or null at end of input (Ctrl-D; in a
   * session reader, for this prompt only: LineReaderOptions.session). Ctrl-C
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
  /**
   * The reader of an interactive session (the REPL) that hands it to the commands it runs: on a
   * terminal, Ctrl-D answers the one prompt it is typed at (null: that command's "no") and the
   * reader reads on, so the session's own prompt comes back; lines typed ahead, before or after
   * the Ctrl-D, are kept in order. Default false: Ctrl-D ends the input for good.
   */
  session?: boolean;
}

/** One reader over ctx.stdin for a whole command (lines typed ahead are kept). */
export function lineReader(io: { stdin: NodeJS.ReadableStream; stdout: NodeJS.WritableStream }, o: LineReaderOptions = {}): LineReader {
  /** Lines typed ahead of the prompt that will read them; null: a Ctrl-D typed ahead (session). */
  const queue: (string | null)[] = [];
  let waiting: { resolve: (l: string | null) => void; reject: (e: Error) => void } | null = null;
  let closed = false;
  let interrupted = false;
  let closing = false;
  const answer = (l: string | null) => {
    if (waiting) {
      const w = waiting;
      waiting = null;
      w.resolve(l);
    } else queue.push(l);
  };
  const open = (history: string[] = []): Interface => {
    const rl = createInterface(o.terminal ? { input: io.stdin, output: io.stdout, terminal: true, history } : { input: io.stdin, terminal: false });
    // Ctrl-C in a terminal (readline reads it as a key in raw mode, so no signal comes): the
    // input ends, and the prompt waiting (or the next one) is cancelled, not answered. Lines
    // typed ahead of it are dropped: Ctrl-C stops the command where it is.
    rl.on('SIGINT', () => {
      interrupted = true;
      queue.length = 0;
      rl.close();
    });
    rl.on('line', answer);
    rl.on('close', () => {
      // Ctrl-D at an empty line of a session's terminal (its input has not ended): readline has
      // closed; the prompt it was typed at gets null, and a new readline reads on at once, so
      // the keys pasted after the Ctrl-D reach it.
      if (o.session && o.terminal && !interrupted && !closing && !(io.stdin as { readableEnded?: boolean }).readableEnded) {
        answer(null);
        current = open((rl as unknown as { history?: string[] }).history);
        return;
      }
      closed = true;
      if (waiting) {
        const w = waiting;
        waiting = null;
        if (interrupted) w.reject(new Cancelled());
        else w.resolve(null);
      }
    });
    return rl;
  };
  let current = open();
  return {
    next(prompt) {
      const quiet = o.promptTypedAhead === false;
      // On a terminal the prompt follows an SGR reset: text printed before it cannot conceal it.
      if (o.terminal) prompt = SGR_RESET + prompt;
      if (!quiet) io.stdout.write(prompt);
      if (queue.length) return Promise.resolve(queue.shift() as string | null);
      if (interrupted) return Promise.reject(new Cancelled());
      if (closed) return Promise.resolve(null);
      if (quiet) io.stdout.write(prompt);
      return new Promise((resolve, reject) => (waiting = { resolve, reject }));
    },
    close: () => {
      closing = true;
      current.close();
    },
  };
}
