/**
 * The one doubling back-off: the wait after the n-th failure in a row is `baseMs` after the
 * first, twice as long after each next one, and never longer than `maxMs`. Used by cluster
 * mode's leader (a node's view it could not plan) and the reconciler (an apply that failed
 * and rolled back).
 */
export function doublingDelayMs(failures: number, baseMs: number, maxMs: number): number {
  if (failures <= 0) return 0;
  return Math.min(maxMs, baseMs * 2 ** Math.min(failures - 1, 30));
}
