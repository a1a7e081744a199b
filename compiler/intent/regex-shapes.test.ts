import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { insteadSaid } from './offline/several.js';
import { ruleFromCommand } from './offline/firewall-commands.js';

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
// The same night (CI ci-34c): firewall-commands.ts's polite-tail reader `((?:[a-z'’]+\s*){1,6})$` (round
// 32) splits a run of letters into up to six words in every way when `\s*` is empty: 'depends_on
// aandaand…!' took 0.35 s at 40 letters, 2.9 s at 60, 15.5 s at 80. A group of one repeated atom
// and an optional separator, itself repeated, is that shape: require the separator (`\s+`).
const NESTED = /\((?:\?:)?(?:\[[^\]]{1,40}\]|\\[wdSs])[+*]\\s\*\)(?:[*+]|\{\d*,?\d*\})/g;

function sources(): string[] {
  const listed = execFileSync('git', ['ls-files', '*.ts'], { encoding: 'utf8', cwd: new URL('../..', import.meta.url).pathname });
  return listed.split('\n').filter((f) => f && !f.endsWith('.test.ts') && !f.includes('/testutil/') && !f.startsWith('bench/') && !f.includes('node_modules/'));
}

describe('no pattern chains three whitespace runs through optional tokens', () => {
  it('finds the shape where it is (the check itself)', () => {
    expect(String.raw`/\b(\w+)(\s*,?\s*\(?\s*)x/`.match(CHAINED)).not.toBeNull();
    expect(String.raw`/\s*(?:,|-|:)?\s*(?:on|at)?\s*/`.match(CHAINED)).not.toBeNull();
    expect(String.raw`/\b(\w+)(\s*(?:,\s*)?(?:\(\s*)?)x/`.match(CHAINED)).toBeNull();
    expect(String.raw`/((?:[a-z'’]+\s*){1,6})$/i`.match(NESTED)).not.toBeNull();
    expect(String.raw`/((?:[a-z'’]+\s+){0,5}[a-z'’]+\s*)$/i`.match(NESTED)).toBeNull();
  });

  it('in the source of the compiler, the engine, the runtime and the CLI', () => {
    const root = new URL('../..', import.meta.url).pathname;
    const found: string[] = [];
    for (const f of sources()) {
      readFileSync(root + f, 'utf8').split('\n').forEach((line, i) => {
        for (const m of [...line.matchAll(CHAINED), ...line.matchAll(NESTED)]) found.push(`${f}:${i + 1}:${(m.index ?? 0) + 1}: ${m[0]}`);
      });
    }
    expect(found, 'rewrite each as one run then optional tokens that start with their own character').toEqual([]);
  });

  it('never joins two whitespace runs by an optional comma (`\\s*,?\\s*`): the same language is `\\s*(?:,\\s*)?`', () => {
    // Round 35: correction.ts's TAIL `(?:\s*,?\s*(?:instead|…))*` after a lazy `(.+?)` is cubic on
    // a run of spaces (the pattern alone: 'no, redis' + 4,000 spaces + 'x!a' took 7.4 s; its
    // reader collapses spaces and stops at 120 characters, so no request reached it). Two runs
    // joined by an optional token are the seed of every such shape, and the rewrite is exact.
    const root = new URL('../..', import.meta.url).pathname;
    const found: string[] = [];
    for (const f of sources()) {
      readFileSync(root + f, 'utf8').split('\n').forEach((line, i) => {
        if (line.includes(String.raw`\s*,?\s*`)) found.push(`${f}:${i + 1}`);
      });
    }
    expect(found).toEqual([]);
  });

  it("several.ts's reader of 'X instead of Y' reads 4,000 spaces at once (it never finished before)", () => {
    const message = 'back up redis' + ' '.repeat(4000) + 'same as postgres x';
    const t0 = performance.now();
    expect(insteadSaid(message, () => true, [])).toBe(message);
    expect(insteadSaid('wordpress with mysql' + ' '.repeat(4000) + 'instead of mariadb', () => true, [])).toBe('wordpress with mysql');
    expect(performance.now() - t0).toBeLessThan(2000);
  });

  it("firewall-commands.ts's polite-tail reader reads 4,000 letters at once (80 took 15 s before)", () => {
    const t0 = performance.now();
    expect(ruleFromCommand('add web (image nginx:1, depends_on ' + 'aand'.repeat(1000) + '!)')).toBeUndefined();
    expect(ruleFromCommand('ufw allow 8080 ' + 'thanks '.repeat(3) + 'aand'.repeat(1000) + '!')).toBeUndefined();
    expect(ruleFromCommand('ufw allow 8080, thanks')).toEqual({ tool: 'ufw', request: 'allow port 8080 from anywhere' });
    expect(performance.now() - t0).toBeLessThan(2000);
  });
});
