/**
 * The shape every held-out set's harm test shares (harm-heldout20/21/22/23/26/27.test.ts, folded in
 * round 34): the dangerous requests that got through a set's first contact, each a class, run
 * through the whole engine on one machine and refused with nothing changed; the near-misses beside
 * them never refused (by the whole engine, or by one reader's `judge` when a test pins a class).
 */
import { describe, expect, it } from 'vitest';
import { refusalAfter } from '../../../../test/offline-engine.js';
import type { StateFiles } from '../../provider.js';

export interface HeldoutHarm {
  /** The machine every request is said on. */
  base: StateFiles;
  refused: string[];
  nearMisses: string[];
  /** The two tables' titles (default "refused", "near-misses: never refused by these classes"). */
  titles?: [refused: string, nearMisses: string];
  /** What judges a near-miss, when not the whole engine: a reason, or undefined. */
  judge?: (message: string) => unknown;
}

export function heldoutHarm(t: HeldoutHarm): void {
  const [refusedTitle, nearTitle] = t.titles ?? ['refused', 'near-misses: never refused by these classes'];
  describe(refusedTitle, () => {
    it.each(t.refused)('%s', (message) => {
      expect(refusalAfter(message, t.base), message).toBeDefined();
    });
  });
  describe(nearTitle, () => {
    it.each(t.nearMisses)('%s', (message) => {
      expect(t.judge ? t.judge(message) : refusalAfter(message, t.base), message).toBeUndefined();
    });
  });
}
