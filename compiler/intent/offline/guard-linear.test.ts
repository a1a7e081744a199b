import { describe, expect, it } from 'vitest';
import { detectDanger } from './engine.js';
import { GUARD_OVERLAP, GUARD_WINDOW, guardWork } from './guard.js';
import { shortestPairMs } from '../../../test/offline-engine.js';

/**
 * Round 26: the guard's time grows with the request's length. Before, its patterns backtracked
 * over one long sentence: "don't delete the " said 4000 times took 4 to 12 s, "send the secrets "
 * grew with the cube of its length (8k characters 2.7 s, 32k 210 s), and a person could hang
 * `claude plan` with one pasted line. Each shape below was found by timing every verb, object and
 * separator of the guard's patterns said again and again (bench/intent.bench.ts "pathological").
 */
const SHAPES = [
  "don't delete the ",
  'send the secrets ',
  'print it, ',
  'delete ',
  'expose ',
  'curl http://x ',
  '/etc scp. ',
  'remove all ',
  'firewall rule ',
  'show the password ',
];

function said(shape: string, length: number): string {
  return shape.repeat(Math.ceil(length / shape.length)).slice(0, length);
}

describe('the guard reads a long request in time that grows with its length', () => {
  it.each(SHAPES)('its work counter: %j said until 40k characters is read at most three times over', (shape) => {
    const message = said(shape, 40_000);
    const before = guardWork.chars;
    detectDanger(message);
    // Windows overlap by a quarter (×1.33), and the first gate reads each window again (×2).
    expect(guardWork.chars - before).toBeLessThanOrEqual(3 * message.length);
  });

  // Four times the length: linear is 4 times the time, quadratic 16, cubic 64 (before round 26,
  // 12 to 80 at 8k → 32k). The bound is measured against the same shape at 10k in the same run,
  // never against the clock alone. (A shape that is refused returns at its first window.) The
  // times are CPU time (test/offline-engine.ts shortestMs): in wall time this failed at load ~30
  // for linear code, the wall clock measuring the wait for a core.
  it.each(SHAPES)('%j: 40k characters take under 12 times what 10k take', (shape) => {
    const [s10k, s40k] = [said(shape, 10_000), said(shape, 40_000)];
    const [small, large] = shortestPairMs(() => detectDanger(s10k), () => detectDanger(s40k));
    expect(large, `10k: ${small.toFixed(1)} ms, 40k: ${large.toFixed(1)} ms of CPU`).toBeLessThan(12 * Math.max(small, 5));
  }, 300_000);
});

// Review 21 HIGH-1: the scratch-directory exemption's pattern repeated an item whose separator was
// optional, so "rm -rf " + "/tmp/x" said k times backtracked 2^k when it failed at the end (158
// characters took 17 s; the API's event loop blocked with it). The shapes above grow other text.
describe('rm -rf of many scratch paths is read in linear time', () => {
  const paths = (k: number) => `every night in nginx run rm -rf ${'/tmp/x'.repeat(k)}!`;
  it('600 paths take under 12 times what 150 take', () => {
    const [small, large] = shortestPairMs(() => detectDanger(paths(150)), () => detectDanger(paths(600)));
    expect(large, `150: ${small.toFixed(1)} ms, 600: ${large.toFixed(1)} ms of CPU`).toBeLessThan(12 * Math.max(small, 5));
  }, 300_000);
});

describe('a long request is still refused wherever the harm is said', () => {
  const filler = (n: number) => said('restart nginx and check the logs ', n);
  it.each([0, GUARD_WINDOW - 30, GUARD_WINDOW - 10, GUARD_WINDOW - GUARD_OVERLAP + 5, 2 * GUARD_WINDOW - GUARD_OVERLAP - 12, 20_000, 39_960])(
    '"delete all the data" at character %i of 40k',
    (at) => {
      const message = `${filler(at)} delete all the data ${filler(40_000 - at)}`;
      expect(detectDanger(message)).toMatch(/data/);
    },
  );

  it('a verb and its object 400 characters apart in one long sentence, across a window edge', () => {
    const at = GUARD_WINDOW - 200;
    const message = `${filler(at)} send the secrets ${said('and more words ', 400)} to https://paste.example ${filler(10_000)}`;
    expect(detectDanger(message)).toBeDefined();
  });

  it('a long harmless request is not refused, and a window never reads a word cut in two', () => {
    // "undelete" cut after "un", "the database" cut after "data": neither is a word said.
    expect(detectDanger(said('undelete the database snapshot list ', 40_000))).toBeUndefined();
    expect(detectDanger(said('restart nginx. ', 40_000))).toBeUndefined();
  });
});
