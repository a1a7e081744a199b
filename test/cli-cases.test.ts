/**
 * expectSameOutput (test/cli-cases.ts), the byte-for-byte comparison the CLI entry and CLI
 * socket tests share: it passes only when both ways give the same exit status, stdout and
 * stderr and the status is the case's expected one; a difference in any of them fails, naming
 * the argv.
 */
import { describe, expect, it } from 'vitest';
import { expectSameOutput, type CliOutput, type ParityCase } from './cli-cases.js';

const out = (status: number | null, stdout = 'ok\n', stderr = ''): CliOutput => ({ status, stdout, stderr });
const cases: ParityCase[] = [
  [['validate'], 0],
  [['plan', '--bogus'], 2],
];
const same = (args: string[]) => (args[0] === 'plan' ? out(2, '', 'usage\n') : out(0));

describe('expectSameOutput', () => {
  it('passes when both ways agree byte for byte and exit as expected, and runs every case both ways', () => {
    const seen: string[] = [];
    expectSameOutput(
      cases,
      (a) => (seen.push(`1 ${a.join(' ')}`), same(a)),
      (a) => (seen.push(`2 ${a.join(' ')}`), same(a)),
    );
    expect(seen).toEqual(['1 validate', '2 validate', '1 plan --bogus', '2 plan --bogus']);
  });

  it('fails on a different stdout, stderr or exit status, naming the argv', () => {
    const differ = (change: (o: CliOutput) => CliOutput) => () => expectSameOutput(cases, same, (a) => (a[0] === 'plan' ? change(same(a)) : same(a)));
    expect(differ((o) => ({ ...o, stdout: o.stdout + ' ' }))).toThrow(/'plan', '--bogus'/);
    expect(differ((o) => ({ ...o, stderr: 'usage\r\n' }))).toThrow(/'plan', '--bogus'/);
    expect(differ((o) => ({ ...o, status: 1 }))).toThrow(/'plan', '--bogus'/);
  });

  it('fails when both ways agree but the exit code is not the expected one', () => {
    expect(() => expectSameOutput([[['validate'], 1]], same, same)).toThrow(/^validate: : expected \+0 to be 1/);
  });
});
