/**
 * The one string order for output (STYLE rule 7: the same input gives the same bytes): by
 * Unicode code point, whatever the locale. `localeCompare` and `Intl.Collator` order by the
 * process's locale (LANG), so the same plan would list its changes in another order on a
 * host set to Lithuanian (y after i) or Danish (aa after z), and building a collator costs a
 * cold start ≈ 10 ms of ICU set-up.
 * Must not: depend on the environment.
 */

/**
 * Negative, zero or positive as `a` sorts before, with or after `b` by code point. JavaScript's
 * `<` compares UTF-16 code units, which differs from code points only where one string has a
 * surrogate (a character above U+FFFF) and the other a unit from U+E000 to U+FFFF there.
 */
export function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) {
      // surrogates (D800–DFFF) above the rest of the plane: E000–FFFF down by 0x800, surrogates up by 0x2000
      x += x < 0xe000 ? 0x2000 : -0x800;
      y += y < 0xe000 ? 0x2000 : -0x800;
    }
    return x - y;
  }
  return a.length - b.length;
}
