/**
 * The CLI run in-process for tests: `main` (cli/main.ts) with stdout and stderr collected
 * into strings, a stdin that holds the given input (or nothing), the given environment,
 * working directory and clock. Product code never imports this.
 */
import { PassThrough, Writable } from 'node:stream';
import type { CommandContext } from '../context.js';
import { main } from '../main.js';

export interface CliOptions {
  env: Record<string, string>;
  cwd: string;
  /** The injected clock; the real one when not given. */
  now?: () => Date;
  /** Whether the session counts as a terminal (only then may a command prompt). Default false. */
  tty?: boolean;
  /** What stdin holds; empty (and ended) when not given. */
  input?: string;
}

export interface CliResult {
  code: number;
  out: string;
  err: string;
}

/** A command context (without argv) whose stdout and stderr are collected as they are written. */
export function capturedContext(o: CliOptions): { ctx: Omit<CommandContext, 'argv'>; out(): string; err(): string } {
  let out = '';
  let err = '';
  const sink = (add: (s: string) => void) => new Writable({ write: (c, _e, cb) => (add(String(c)), cb()) });
  const stdin = new PassThrough();
  stdin.end(o.input);
  return {
    ctx: {
      stdout: sink((s) => (out += s)),
      stderr: sink((s) => (err += s)),
      stdin,
      isTTY: o.tty === true,
      env: o.env,
      cwd: o.cwd,
      now: o.now ?? (() => new Date()),
    },
    out: () => out,
    err: () => err,
  };
}

/** Runs `claude <argv>` in-process; resolves to its exit code and what it wrote. */
export async function runCli(argv: string[], o: CliOptions): Promise<CliResult> {
  const c = capturedContext(o);
  const code = await main(argv, c.ctx);
  return { code, out: c.out(), err: c.err() };
}
