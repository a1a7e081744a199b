/**
 * Secret redaction, shared by every writer and printer (runtime errors, journal, events,
 * audit log, observed logs, the LLM context, CLI output, the API).
 *
 * A secret value is known by its plain text; what reaches a log may be any of:
 *  - the whole value, or one line of a multi-line value (logs are read line by line);
 *  - base64 / base64url of the value, with or without a trailing newline (`echo $X | base64`),
 *    at any byte alignment inside a longer encoded text, and wrapped at 76 or 64 columns;
 *  - hex (lower or upper case) of the value or of one of its lines;
 *  - URL encoding (`%2F`, `+` for space) of the value.
 * `secretNeedles` lists these forms once; `redactText` replaces each with `[redacted]`.
 * Redaction happens before anything is written or sent, never after.
 */

export const REDACTED = '[redacted]';

/** Shorter values are not redacted (a 1-3 character "secret" would blank out ordinary text). */
const MIN_SECRET = 4;
/** A fragment (a line, an encoded middle part, a wrapped chunk) shorter than this is not a needle. */
const MIN_FRAGMENT = 8;

function add(out: Set<string>, s: string, min = MIN_FRAGMENT): void {
  if (s.length >= min) out.add(s);
}

/** The base64 forms of `bytes` that survive embedding at any offset of a longer text. */
function base64Forms(out: Set<string>, bytes: Buffer): void {
  const full = bytes.toString('base64');
  add(out, full);
  add(out, full.replace(/=+$/, ''));
  add(out, bytes.toString('base64url'));
  // wrapped output (`base64` wraps at 76, PEM at 64): each whole line of the wrapped text
  for (const w of [76, 64]) if (full.length > w) for (let i = 0; i + w <= full.length; i += w) add(out, full.slice(i, i + w));
  // The value at byte offset k (0, 1, 2) of a longer encoded stream: the characters that
  // depend only on the value's own bytes.
  for (let k = 0; k < 3; k++) {
    const enc = Buffer.concat([Buffer.alloc(k), bytes]).toString('base64');
    const startChar = k === 0 ? 0 : 4;
    const whole = Math.floor((k + bytes.length) / 3) * 4; // characters of complete 3-byte groups
    const mid = enc.slice(startChar, whole);
    add(out, mid, 12);
    add(out, mid.replace(/[+/]/g, (c) => (c === '+' ? '-' : '_')), 12);
  }
}

function encodedForms(out: Set<string>, value: string): void {
  const bytes = Buffer.from(value, 'utf8');
  base64Forms(out, bytes);
  base64Forms(out, Buffer.from(value + '\n', 'utf8'));
  const hex = bytes.toString('hex');
  add(out, hex);
  add(out, hex.toUpperCase());
  const url = encodeURIComponent(value);
  if (url !== value) {
    add(out, url, MIN_SECRET);
    add(out, url.replace(/%20/g, '+'), MIN_SECRET);
    add(out, url.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()), MIN_SECRET);
  }
}

/**
 * Every string that betrays one of `values`, longest first (so a needle that contains
 * another is replaced whole).
 */
export function secretNeedles(values: readonly string[]): string[] {
  const out = new Set<string>();
  for (const v of values) {
    if (typeof v !== 'string' || v.length < MIN_SECRET) continue;
    out.add(v);
    encodedForms(out, v);
    const lines = v.split(/\r?\n/).map((l) => l.trim());
    if (lines.length > 1) {
      for (const l of lines) {
        if (l.length < MIN_FRAGMENT) continue;
        out.add(l);
        encodedForms(out, l);
      }
    }
  }
  return [...out].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
}

const cache = new Map<string, string[]>();

function needlesOf(values: readonly string[]): string[] {
  const key = values.join('\u0000');
  let n = cache.get(key);
  if (!n) {
    n = secretNeedles(values);
    if (cache.size > 64) cache.clear();
    cache.set(key, n);
  }
  return n;
}

/** `text` with every form of every secret value replaced by `[redacted]`. */
export function redactText(text: string, values: readonly string[], marker = REDACTED): string {
  if (values.length === 0 || text.length === 0) return text;
  let out = text;
  for (const n of needlesOf(values)) if (out.includes(n)) out = out.split(n).join(marker);
  return out;
}

/** True when `text` still holds some form of a secret value (raw or JSON-escaped). */
export function containsSecret(text: string, values: readonly string[]): boolean {
  return needlesOf(values).some((n) => text.includes(n) || text.includes(JSON.stringify(n).slice(1, -1)));
}

/** A deep copy of `value` with every string (and object key) redacted. */
export function redactDeep<T>(value: T, values: readonly string[]): T {
  if (values.length === 0) return structuredClone(value);
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return redactText(v, values);
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) Object.defineProperty(out, redactText(k, values), { value: walk(x), enumerable: true, writable: true, configurable: true });
      return out;
    }
    return v;
  };
  return walk(value) as T;
}
