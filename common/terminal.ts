/**
 * Text that came from outside (a provider's reply, a container's log, a state file, an
 * event) made safe to print: no control characters (ESC sequences could clear the screen,
 * move the cursor, draw a fake box or conceal the real prompt) and no bidirectional
 * overrides (which reorder what the user reads). Each one is shown as a visible
 * placeholder instead, so the attempt stays visible: ESC → "␛", other C0 controls → their
 * Unicode control picture (␀…␟), DEL → "␡", C1 controls → "�", bidi controls → "⟪U+202E⟫".
 * `\n` is kept when `multiline` (the default), `\t` is kept always.
 *
 * The CLI draws the approval box and the prompt after `SGR_RESET`, and the box is the last
 * thing printed before the prompt (cli/commands/ask.ts).
 */

/** Select Graphic Rendition reset: ends any colour, concealment or inverse left on. */
export const SGR_RESET = '\x1b[0m';

// C0 (but \t, \n), DEL, C1; the bidi embeddings, overrides and isolates; LRM/RLM/ALM.
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const UNSAFE_TEST = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

function placeholder(c: string): string {
  const code = c.charCodeAt(0);
  if (code === 0x1b) return '␛';
  if (code < 0x20) return String.fromCharCode(0x2400 + code);
  if (code === 0x7f) return '␡';
  if (code <= 0x9f) return '�';
  return `⟪U+${code.toString(16).toUpperCase().padStart(4, '0')}⟫`;
}

/** `text` with every control and bidi character replaced by a visible placeholder. */
export function cleanText(text: string, o: { multiline?: boolean } = {}): string {
  const multiline = o.multiline ?? true;
  let t = text.replace(/\r\n/g, '\n');
  if (!multiline) t = t.replace(/\n/g, ' ');
  if (!UNSAFE_TEST.test(t)) return t;
  return t.replace(UNSAFE, placeholder);
}

/** True when `text` holds something `cleanText` would replace. */
export function hasUnsafeText(text: string): boolean {
  return UNSAFE_TEST.test(text.replace(/\r\n/g, '\n'));
}

/** A deep copy of a JSON-like value with every string cleaned (for whole replies). */
export function cleanDeep<T>(value: T): T {
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return cleanText(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) Object.defineProperty(out, cleanText(k), { value: walk(x), enumerable: true, writable: true, configurable: true });
      return out;
    }
    return v;
  };
  return walk(value) as T;
}
