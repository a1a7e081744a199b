import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { insteadSaid } from './offline/several.js';

// Every request goes through every reader of the engine, so a pattern that backtracks over a
// run of spaces takes the process with it: vitest cannot time out a synchronous test, and the
// CI of stop 40 never finished (harm.test 'spaces before a word…' ran for hours on
// several.ts's `(\s*,?\s*\(?\s*)`: three whitespace runs chained by optional tokens are tried in
// every split of a run of n spaces, n³ steps; 4,000 spaces is 6.4·10¹⁰). The shape is caught
// here, in the source, before any test runs it: write one run and optional tokens that each
// start with their own character, `\s*(?:,\s*)?(?:\(\s*)?`, not `\s*,?\s*\(?\s*`.
const WS = String.raw`\\s[*+]`;
const OPTIONAL = String.raw`(?:(?:\\.|[^\\\s()\[\]|])\?|\(\?:[^()]{1,20}\)\?)`;
const CHAINED = new RegExp(`${WS}(?:${OPTIONAL}){0,2}${WS}(?:${OPTIONAL}){0,2}${WS}`, 'g');

function sources(): string[] {
  const listed = execFileSync('git', ['ls-files', '*.ts'], { encoding: 'utf8', cwd: new URL('../..', import.meta.url).pathname });
  return listed.split('\n').filter((f) => f && !f.endsWith('.test.ts') && !f.includes('/testutil/') && !f.startsWith('bench/') && !f.includes('node_modules/'));
}

describe('no pattern chains three whitespace runs through optional tokens', () => {
  it('finds the shape where it is (the check itself)', () => {
    expect(String.raw`/\b(\w+)(\s*,?\s*\(?\s*)x/`.match(CHAINED)).not.toBeNull();
    expect(String.raw`/\s*(?:,|-|:)?\s*(?:on|at)?\s*/`.match(CHAINED)).not.toBeNull();
    expect(String.raw`/\b(\w+)(\s*(?:,\s*)?(?:\(\s*)?)x/`.match(CHAINED)).toBeNull();
  });

  it('in the source of the compiler, the engine, the runtime and the CLI', () => {
    const root = new URL('../..', import.meta.url).pathname;
    const found: string[] = [];
    for (const f of sources()) {
      readFileSync(root + f, 'utf8').split('\n').forEach((line, i) => {
        for (const m of line.matchAll(CHAINED)) found.push(`${f}:${i + 1}:${(m.index ?? 0) + 1}: ${m[0]}`);
      });
    }
    expect(found, 'rewrite each as one run then optional tokens that start with their own character').toEqual([]);
  });

  it("several.ts's reader of 'X instead of Y' reads 4,000 spaces at once (it never finished before)", () => {
    const message = 'back up redis' + ' '.repeat(4000) + 'same as postgres x';
    const t0 = performance.now();
    expect(insteadSaid(message, () => true, [])).toBe(message);
    expect(insteadSaid('wordpress with mysql' + ' '.repeat(4000) + 'instead of mariadb', () => true, [])).toBe('wordpress with mysql');
    expect(performance.now() - t0).toBeLessThan(2000);
  });
});
