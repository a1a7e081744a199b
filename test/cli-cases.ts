/**
 * The commands both CLI entry tests run two ways and compare byte for byte (stdout, stderr,
 * exit code): test/cli-entry.test.ts (cold bundle vs dist/) and test/cli-daemon.test.ts (the CLI
 * socket vs in-process). Each case is [argv, expected exit code]: valid and invalid state, a
 * missing directory, bad flags, and help. `expectSameOutput` is the comparison both run.
 */
import { join } from 'node:path';
import { expect } from 'vitest';

export type ParityCase = [string[], number];

export function parityCases(example: string, tmp: string): ParityCase[] {
  return [
    [['validate', '--state-dir', example], 0],
    [['validate', '--state-dir', example, '--json'], 0],
    [['validate'], 1],
    [['validate', '--json'], 1],
    [['validate', '--state-dir', join(tmp, 'none')], 1],
    [['validate', '--bogus'], 2],
    [['plan'], 1],
    [['plan', '--frobnicate'], 2],
    [['status', '--help'], 0],
  ];
}

/** What a run of the CLI gave back (spawnSync's result with encoding 'utf8' is one). */
export interface CliOutput {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs every case both ways and requires the same exit status, stdout and stderr byte for byte
 * (the failure names the argv), then the case's expected exit code from the first way.
 */
export function expectSameOutput(cases: ParityCase[], first: (args: string[]) => CliOutput, second: (args: string[]) => CliOutput): void {
  for (const [args, code] of cases) {
    const a = first(args);
    const b = second(args);
    expect({ args, status: a.status, stdout: a.stdout, stderr: a.stderr }).toEqual({ args, status: b.status, stdout: b.stdout, stderr: b.stderr });
    expect(a.status, `${args.join(' ')}: ${a.stderr}`).toBe(code);
  }
}
