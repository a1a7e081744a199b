/**
 * RFC 8785 canonical JSON for large payloads. RFC 8785 (JCS) is defined as ECMAScript's
 * JSON.stringify of numbers and strings with object keys sorted by UTF-16 code units; so
 * the engine's JSON.stringify with a replacer that hands it each object with sorted keys gives the
 * same bytes as the `canonicalize` library (common/canonical.ts), about ten times faster on
 * a 25 MB plan (the library concatenates strings recursively). One exception: JavaScript
 * objects always enumerate integer-like keys ("0", "17") first, whatever the insertion
 * order, so a value holding such a key is handed to the library. plan/canonical.test.ts
 * checks the two agree on random JSON values and on plans. Used to sign plan payloads.
 */
import { canonicalJson } from '../common/canonical.js';

const INDEX_KEY = /^(?:0|[1-9][0-9]*)$/;
const FALLBACK = Symbol('fallback');

export function canonicalJsonFast(value: unknown): string {
  // Already canonical in shape (the planner builds its objects with sorted keys,
  // sortKeysDeep): the engine's JSON.stringify without a replacer writes the canonical bytes,
  // three times faster than with one (a replacer is a call per value).
  if (wholeInCanonicalOrder(value)) {
    const plain = JSON.stringify(value);
    if (plain === undefined) throw new Error('canonicalJson: value is not serialisable');
    return plain;
  }
  let out: string | undefined;
  try {
    out = JSON.stringify(value, sortingReplacer);
  } catch (e) {
    if (e === FALLBACK) return canonicalJson(value);
    throw e;
  }
  if (out === undefined) throw new Error('canonicalJson: value is not serialisable');
  return out;
}

/**
 * The canonical JSON of `value` as UTF-8 in a Buffer, after `headroom` free bytes (for a
 * header such as the DSSE PAE prefix, written in front later without a copy): `buf`, with
 * the text at [headroom, end). `exact`: JSON.parse of the text gives back a value equal to
 * `value` in every way a JSON reader can tell (no undefined, function, symbol or -0 anywhere,
 * no hole in an array: JSON.stringify drops or rewrites those), so the value may stand in for
 * parsing the text again (plan/inspect.ts, a plan this process just signed). The text is written piece by piece (each key of a top-level
 * object, each element of a top-level array), so the whole text never exists as one string
 * beside its bytes: for a 10,000-service plan this keeps ~70 MB off the signing's peak
 * memory (docs/plans.md, "Performance"). Null when `value` is not already in canonical order
 * (then use canonicalJsonFast and copy).
 */
export function canonicalJsonInto(value: unknown, headroom: number): { buf: Buffer; end: number; exact: boolean } | null {
  lossy = false;
  if (value === null || typeof value !== 'object' || !wholeInCanonicalOrder(value)) return null;
  const exact = !lossy;
  const space = growableBuffer(headroom + 64 * 1024);
  let end = headroom;
  const put = (text: string): void => {
    const most = end + text.length * 3; // UTF-8 needs at most 3 bytes per UTF-16 unit
    if (most > space.buf.length) space.grow(most, end);
    end += space.buf.write(text, end, 'utf8');
  };
  // A list is written LIST_CHUNK elements at a time, one JSON.stringify per chunk (a call per
  // step cost ~20 % more at 10,000 services; docs/plans.md, "Plan and sign at 10,000 services"):
  // each chunk's '[' is the list's own (the first) or becomes the ',' between chunks, and its
  // ']' is dropped but for the last. No separator is joined to a chunk's text (a joined string
  // is flattened for the write, a second copy). JSON.stringify of a slice writes null for a
  // hole or an undefined element, as it does inside the whole list.
  const list = (v: unknown[]): void => {
    if (v.length === 0) return put('[]');
    for (let i = 0; i < v.length; i += LIST_CHUNK) {
      const text = JSON.stringify(v.length <= LIST_CHUNK ? v : v.slice(i, i + LIST_CHUNK));
      const most = end + text.length * 3;
      if (most > space.buf.length) space.grow(most, end);
      const n = space.buf.write(text, end, 'utf8');
      if (i > 0) space.buf[end] = 0x2c; // ','
      end += n - 1; // without the chunk's ']'
    }
    put(']');
  };
  if (Array.isArray(value)) list(value);
  else {
    put('{');
    let first = true;
    for (const k of Object.keys(value)) {
      const v = (value as Record<string, unknown>)[k];
      if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue; // as JSON.stringify
      put((first ? '' : ',') + JSON.stringify(k) + ':');
      first = false;
      if (Array.isArray(v)) list(v);
      else put(JSON.stringify(v));
    }
    put('}');
  }
  return { buf: space.buf, end, exact };
}

/** How many elements of a list canonicalJsonInto writes with one JSON.stringify (64: 20 % faster than one at a time over a plan's steps, and more is no faster). */
const LIST_CHUNK = 64;

/** ES2024's resizable ArrayBuffer (Node 20 has it; the project's TypeScript lib is ES2023). */
interface ResizableArrayBuffer extends ArrayBuffer {
  readonly resizable: boolean;
  resize(n: number): void;
}

/** The most a growable buffer reserves (address space only; see growableBuffer). */
const GROWABLE_MAX = 2 ** 32 - 1;

/**
 * A buffer that grows without copying what is written: a resizable ArrayBuffer reserves
 * address space up front and each `grow` only makes more of it usable, so a 27 MB plan is
 * written once instead of copied at every growth (three times its size, each into fresh pages:
 * on this project's VMs a fresh page costs ~15 µs, docs/plans.md, "Performance"). Pages
 * nobody writes are never touched and cost no memory. Where a resizable ArrayBuffer cannot be
 * reserved (an address-space limit, an engine without them), it grows by copying (also with
 * `resizable: false`, for the tests).
 */
export function growableBuffer(initial: number, resizable = true): { buf: Buffer; grow(atLeast: number, keep: number): void } {
  let ab: ResizableArrayBuffer | undefined;
  try {
    if (resizable) ab = new (ArrayBuffer as unknown as new (n: number, o: { maxByteLength: number }) => ResizableArrayBuffer)(initial, { maxByteLength: GROWABLE_MAX });
    if (ab?.resizable !== true) ab = undefined;
  } catch {
    ab = undefined;
  }
  const space = {
    buf: ab ? Buffer.from(ab, 0, initial) : Buffer.allocUnsafe(initial),
    grow(atLeast: number, keep: number): void {
      const size = Math.max(atLeast, space.buf.length * 2);
      if (ab && size <= GROWABLE_MAX) {
        try {
          ab.resize(size);
          space.buf = Buffer.from(ab, 0, size);
          return;
        } catch {
          // no more address space here: copy into an ordinary buffer from now on
        }
      }
      const grown = Buffer.allocUnsafe(size);
      space.buf.copy(grown, 0, 0, keep);
      space.buf = grown;
      ab = undefined;
    },
  };
  return space;
}

const OBJECT_PROTO = Object.prototype;

/**
 * Set by inCanonicalOrder's walk when it meets a value JSON.stringify drops or rewrites
 * (undefined, a function, a symbol, -0, a hole in an array): the text is still canonical, but
 * parsing it back does not give the same value. Reset before each walk (canonicalJsonInto).
 */
let lossy = false;

/** A plain object (or array), as JSON.parse and object literals make them: no toJSON, no class. */
function plainProto(v: object): boolean {
  const p = Object.getPrototypeOf(v) as unknown;
  return p === OBJECT_PROTO || p === null || (p === Array.prototype && Array.isArray(v));
}

/**
 * Whether JSON.stringify(value) without a replacer already gives its canonical JSON: every
 * object is plain with its keys in sorted order and none integer-like, every number is
 * finite, and nothing has a toJSON of its own. One walk; stops at the first object that is not.
 */
export function inCanonicalOrder(v: unknown): boolean {
  if (v === null || typeof v !== 'object') {
    if (typeof v !== 'number') return true;
    if (Object.is(v, -0)) lossy = true;
    return Number.isFinite(v);
  }
  if (!plainProto(v) || typeof (v as { toJSON?: unknown }).toJSON === 'function') return false;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const x = v[i] as unknown;
      if (x !== null && (typeof x === 'object' || typeof x === 'number')) {
        if (!inCanonicalOrder(x)) return false;
      } else if (x !== null && typeof x !== 'string' && typeof x !== 'boolean') lossy = true; // undefined, a function, a symbol
    }
    return true;
  }
  const o = v as Record<string, unknown>;
  // for…in, not Object.keys: the same keys in the same order for a plain object, without a new
  // array per object (Object.keys copies V8's cached key list: 32 MB of the 480 MB a 10,000-
  // service plan+sign allocates). A key that is not the object's own (an enumerable property
  // put on Object.prototype) is not in order: the caller then takes the replacer path.
  let prev: string | undefined;
  for (const k in o) {
    if (!Object.hasOwn(o, k)) return false;
    const c = k.charCodeAt(0);
    if (c >= 48 && c <= 57 && INDEX_KEY.test(k)) return false;
    if (prev !== undefined && prev > k) return false;
    prev = k;
    const x = o[k];
    if (x !== null && (typeof x === 'object' || typeof x === 'number')) {
      if (!inCanonicalOrder(x)) return false;
    } else if (x !== null && typeof x !== 'string' && typeof x !== 'boolean') lossy = true; // undefined, a function, a symbol
  }
  return true;
}

/**
 * inCanonicalOrder for a whole payload, in one walk that does per object only what can differ
 * between objects. Whether a `for…in` key is the object's own is asked once, not per key: when
 * Object.prototype has no enumerable property, `for…in` over a plain object (its prototype
 * Object.prototype or null, which the walk checks) gives exactly its own enumerable keys, the
 * ones JSON.stringify writes. Strings, numbers and booleans are checked in the loop instead of
 * by a call each. The same answer and the same `lossy` as inCanonicalOrder (plan/canonical.test.ts
 * compares the two on random values); at 10,000 services the signature's walk of 330,000
 * objects takes ≈ 25 % less of the main thread (docs/plans.md, "Session 32"). When
 * Object.prototype has an enumerable property, inCanonicalOrder's walk answers (false).
 */
export function wholeInCanonicalOrder(v: unknown): boolean {
  if (v === null || typeof v !== 'object') return inCanonicalOrder(v);
  for (const _ in OBJECT_PROTO) return inCanonicalOrder(v);
  return ownKeysInOrder(v);
}

/**
 * wholeInCanonicalOrder's walk of an object or array, Object.prototype having no enumerable property.
 * The check of one value is written out in both loops on purpose: as a function of its own
 * (valueInOrder, called from both) the walk of the 10,000-service payload took 78–124 ms
 * against 60–83 (eight runs each, either order, load 18; session 32).
 */
function ownKeysInOrder(v: object): boolean {
  if (!plainProto(v) || typeof (v as { toJSON?: unknown }).toJSON === 'function') return false;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const x = v[i] as unknown;
      if (typeof x === 'string') continue;
      if (typeof x === 'object') {
        if (x !== null && !ownKeysInOrder(x)) return false;
      } else if (typeof x === 'number') {
        if (!Number.isFinite(x)) return false;
        if (x === 0 && 1 / x < 0) lossy = true; // -0
      } else if (typeof x !== 'boolean') lossy = true; // undefined, a function, a symbol, a hole
    }
    return true;
  }
  const o = v as Record<string, unknown>;
  let prev: string | undefined;
  for (const k in o) {
    const c = k.charCodeAt(0);
    if (c >= 48 && c <= 57 && INDEX_KEY.test(k)) return false;
    if (prev !== undefined && prev > k) return false;
    prev = k;
    const x = o[k];
    if (typeof x === 'string') continue;
    if (typeof x === 'object') {
      if (x !== null && !ownKeysInOrder(x)) return false;
    } else if (typeof x === 'number') {
      if (!Number.isFinite(x)) return false;
      if (x === 0 && 1 / x < 0) lossy = true; // -0
    } else if (typeof x !== 'boolean') lossy = true; // undefined, a function, a symbol
  }
  return true;
}

/**
 * `v` with the keys of every object in sorted order, so that canonicalJsonFast serialises it
 * without a replacer. Copies only what is out of order (a shallow copy per such object, its
 * sorted children shared): an object already in order is returned as it is. Integer-like
 * keys cannot be put in order in a JavaScript object and are left as they are
 * (canonicalJsonFast then hands the value to the library). For values the planner builds
 * (plain objects, arrays, strings, numbers, booleans, null).
 */
export function sortKeysDeep<T>(v: T): T {
  if (v === null || typeof v !== 'object' || !plainProto(v)) return v;
  if (Array.isArray(v)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < v.length; i++) {
      const x = v[i] as unknown;
      if (x === null || typeof x !== 'object') continue;
      const y = sortKeysDeep(x);
      if (y !== x) (out ??= v.slice())[i] = y;
    }
    return (out ?? v) as T;
  }
  const o = v as Record<string, unknown>;
  // for…in, not Object.keys, while the keys are in order: no key array per object (the
  // planner builds nearly all its objects in order; docs/plans.md, "Fewer allocations while
  // planning"). Only own keys count, as for Object.keys.
  let inOrder = true;
  let prev: string | undefined;
  for (const k in o) {
    if (!Object.hasOwn(o, k)) continue;
    if (prev !== undefined && prev > k) {
      inOrder = false;
      break;
    }
    prev = k;
  }
  const fresh = (): Record<string, unknown> => (Object.getPrototypeOf(o) === null ? (Object.create(null) as Record<string, unknown>) : {});
  if (!inOrder) {
    const out = fresh();
    for (const k of sortKeys(Object.keys(o))) {
      const x = o[k];
      defineOwn(out, k, x === null || typeof x !== 'object' ? x : sortKeysDeep(x));
    }
    return out as T;
  }
  // in order: a copy only from the first child that changes, the keys before it shared
  let out: Record<string, unknown> | undefined;
  for (const k in o) {
    if (!Object.hasOwn(o, k)) continue;
    const x = o[k];
    const y = x === null || typeof x !== 'object' ? x : sortKeysDeep(x);
    if (y !== x && !out) {
      out = fresh();
      for (const k2 in o) {
        if (k2 === k) break;
        if (Object.hasOwn(o, k2)) defineOwn(out, k2, o[k2]);
      }
    }
    if (out) defineOwn(out, k, y);
  }
  return (out ?? o) as T;
}

/**
 * `keys` sorted in place by UTF-16 code units, the order Array.prototype.sort() gives strings,
 * and returned. Short lists (an object's keys) by insertion, which allocates nothing: the
 * engine's sort makes a work copy of each list, 48 MB over a 10,000-service plan's objects
 * (docs/plans.md, "Fewer allocations while planning"), and a list already in order is one pass.
 */
export function sortKeys(keys: string[]): string[] {
  if (keys.length > 32) return keys.sort();
  for (let i = 1; i < keys.length; i++) {
    const k = keys[i]!;
    let j = i - 1;
    while (j >= 0 && keys[j]! > k) {
      keys[j + 1] = keys[j]!;
      j--;
    }
    keys[j + 1] = k;
  }
  return keys;
}

/** out[k] = v as an own property, also for "__proto__". */
function defineOwn(out: Record<string, unknown>, k: string, v: unknown): void {
  if (k === '__proto__') Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  else out[k] = v;
}

/**
 * JSON.stringify's replacer (called for every value, after its toJSON): an object whose keys
 * are already in order is serialised as it is, any other gets a shallow copy with sorted keys
 * (null prototype, so a "__proto__" key stays an own property). Each copy is garbage as soon
 * as it is written, instead of a sorted deep copy of the whole payload that lives until the
 * end: on a 10,000-service plan (27 MB) this halves the CPU time and the garbage collector's
 * share (docs/plans.md, "Performance").
 */
function sortingReplacer(this: unknown, _key: string, v: unknown): unknown {
  if (v === null || typeof v !== 'object') {
    if (typeof v === 'number' && !Number.isFinite(v)) throw new Error(`canonicalJson: ${v} is not allowed`);
    return v;
  }
  if (Array.isArray(v)) return v;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o);
  let inOrder = true;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    const c = k.charCodeAt(0);
    if (c >= 48 && c <= 57 && INDEX_KEY.test(k)) throw FALLBACK;
    if (i > 0 && keys[i - 1]! > k) inOrder = false;
  }
  if (inOrder) return o;
  const out = Object.create(null) as Record<string, unknown>;
  for (const k of sortKeys(keys)) out[k] = o[k];
  return out;
}
