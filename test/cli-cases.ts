/**
 * The commands both CLI entry tests run two ways and compare byte for byte (stdout, stderr,
 * exit code): test/cli-entry.test.ts (cold bundle vs dist/) and test/cli-daemon.test.ts (the CLI
 * socket vs in-process). Each case is [argv, expected exit code]: valid and invalid state, a
 * missing directory, bad flags, and help.
 */
import { join } from 'node:path';

export function parityCases(example: string, tmp: string): [string[], number][] {
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
