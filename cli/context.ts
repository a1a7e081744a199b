/**
 * What a command gets from the CLI entry. Commands never read `process.argv`, never write
 * to `process.stdout` and never call `process.exit`: they get their arguments, streams,
 * environment, working directory and clock here and return an exit code. That keeps every
 * command testable in-process.
 */
import type { LineReader } from './prompt.js';
import type { Readable, Writable } from 'node:stream';

export interface CommandContext {
  /** Arguments after the command name. */
  argv: string[];
  stdout: Writable;
  stderr: Writable;
  stdin: Readable;
  /** True when stdin and stdout are terminals: only then may a command prompt. */
  isTTY: boolean;
  env: Record<string, string | undefined>;
  cwd: string;
  /** The clock, injected. */
  now: () => Date;
  /**
   * The terminal's reader when a command runs inside another that already reads the terminal
   * (the interactive mode running `rollback`): the inner command asks through it and leaves
   * it open. Two readers on one terminal would both take each typed line.
   */
  reader?: LineReader;
}

/**
 * `{...ctx, ...extra}`, with ctx's own properties copied as they are: a getter stays a getter
 * (cli/main.ts run: `stdin` and `isTTY` are made when first read), where `{...ctx}` would
 * call it.
 */
export function withContext<T extends object, U extends object>(ctx: T, extra: U): T & U {
  return Object.defineProperties(Object.defineProperties({}, Object.getOwnPropertyDescriptors(ctx)), Object.getOwnPropertyDescriptors(extra)) as T & U;
}

/** Exit codes shared by every command. */
export const EXIT = {
  OK: 0,
  /** Invalid input, refused plan, failed apply. */
  FAILURE: 1,
  /** Usage error (unknown flag, missing argument). For `plan --detailed-exitcode`: changes present. */
  USAGE: 2,
  /** Cancelled at a prompt with Ctrl-C (128 + SIGINT, as a shell reports a command Ctrl-C ended). Nothing changed. */
  CANCELLED: 130,
} as const;

export class UsageError extends Error {}

/**
 * Ctrl-C at any prompt (cli/prompt.ts LineReader.next rejects with it): the command stops where
 * it asked, and the CLI entry (cli/main.ts runWith) says "Cancelled. <outcome>" and exits
 * EXIT.CANCELLED. Thrown, not returned, so no command can read it as a "no" or an empty answer
 * and go on. `outcome` says what changed: nothing, unless a command that applies more than once
 * (the REPL) already applied something before the prompt.
 */
export class Cancelled extends Error {
  constructor(readonly outcome = 'Nothing changed.') {
    super('cancelled at the prompt (Ctrl-C)');
  }
}

export type Command = {
  /** One line for `claude help`. */
  summary: string;
  /** Full usage text for `claude help <command>` / `--help`. */
  usage: string;
  run(ctx: CommandContext): Promise<number>;
};

/** Writes a line to a stream. */
export function println(s: Writable, line = ''): void {
  s.write(line + '\n');
}
