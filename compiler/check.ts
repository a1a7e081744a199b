/**
 * Phase 2 of the compiler: the parsed files against the JSON Schemas of `schemas/`.
 *
 *   check(parsed, sink) → WrittenState
 *
 * For each file, in this order:
 *  1. The file name must be one of the six state files (CLA9004), and `kind` must be the
 *     one of that file (CLA2015 when it is another state file's kind, CLA2007 otherwise).
 *     A file that fails here is not validated further.
 *  2. Schema-directed scalars: YAML types a plain scalar before the schema is known
 *     (`tag: 1.10` is the float 1.1, `permissions: 0755` the integer 755, `cpu: 1` a number).
 *     Where the schema wants a string and the value came from an untagged plain scalar, the
 *     value becomes the scalar's exact source text ("1.10", "0755", "1"). The opposite never
 *     happens: a quoted "80" where the schema wants an integer stays a string and is a type
 *     error with a hint to remove the quotes. Empty values (null) are never turned into
 *     strings; they are reported (CLA2017).
 *  3. Validation with ajv (allErrors, strict; standalone code from generated/validators/<schema>.cjs).
 *     Every error becomes one diagnostic at file:line:col: the unknown key itself for an
 *     unknown property, the parent mapping for a missing property, the value otherwise.
 *     `oneOf` alternatives that fail only because of their type are dropped, so one useful
 *     message remains; per location only the most specific error is kept.
 *
 * A file with errors is left out of the WrittenState (its source text is still recorded).
 * The values in the WrittenState are plain objects (a `__proto__` key, where the schema
 * allows any key, is an ordinary own property, never the prototype).
 * Documented for users in docs/compiler.md.
 */
import type { DiagnosticSink, SourcePos } from './diagnostics.js';
import type { DiagnosticCode } from './messages.js';
import { STATE_FILE_NAMES, type StateFileName, type WrittenState } from './model.js';
import type { JsonObject, JsonValue, ParsedFile, Path, PositionIndex } from './parse.js';
import { pointerToPath } from './parse.js';
import { EXPLAINERS } from './formats.js';
import { getValidator, loadSchema, type JsonSchema, type SchemaError, type StateSchemaName } from './validators.js';

// ── file names and kinds ─────────────────────────────────────────────────

export const KIND_BY_FILE: Readonly<Record<StateFileName, string>> = {
  'manifest.yaml': 'SystemManifest',
  'services.yaml': 'ServiceManifest',
  'network.yaml': 'NetworkConfig',
  'storage.yaml': 'StorageConfig',
  'security.yaml': 'SecurityConfig',
  'scheduled.yaml': 'ScheduledTasks',
};

const FILE_BY_KIND: ReadonlyMap<string, StateFileName> = new Map(
  Object.entries(KIND_BY_FILE).map(([f, k]) => [k, f as StateFileName]),
);

/** The WrittenState field (and schema) of a state file: `services` for services.yaml. */
export function schemaNameOf(file: StateFileName): StateSchemaName {
  return file.slice(0, -'.yaml'.length) as StateSchemaName;
}

function isKnownFile(name: string): name is StateFileName {
  return (STATE_FILE_NAMES as readonly string[]).includes(name);
}

// ── the phase ────────────────────────────────────────────────────────────

/** Validates each parsed file; only files without errors are in the result. */
export function check(parsed: readonly ParsedFile[], sink: DiagnosticSink): WrittenState {
  const written: WrittenState = { sources: {}, positions: {} };
  const seen = new Set<string>();
  for (const file of parsed) {
    if (!isKnownFile(file.name)) {
      sink.report('CLA9004', { file: file.name, line: 0, column: 0 }, { name: file.name });
      continue;
    }
    if (seen.has(file.name)) throw new Error(`check: ${file.name} given twice`);
    seen.add(file.name);
    written.sources[file.name] = file.text;
    written.positions![file.name] = file.positions;
    const value = checkFile(file.name, file, sink);
    if (value !== undefined) (written as unknown as Record<string, unknown>)[schemaNameOf(file.name)] = value;
  }
  return written;
}

/** The file's value, typed by the schema, or undefined if it has errors. */
function checkFile(name: StateFileName, file: ParsedFile, sink: DiagnosticSink): JsonObject | undefined {
  const pos = file.positions;
  const at = (p: Path, key = false): SourcePos => (key ? pos.keyPos(p) : pos.valuePos(p)) ?? pos.nearest(p);
  const expected = KIND_BY_FILE[name];
  const kind = file.value['kind'];
  if (typeof kind === 'string' && kind !== expected) {
    const other = FILE_BY_KIND.get(kind);
    if (other) sink.report('CLA2015', at(['kind']), { found: kind, other, expected, file: name });
    else sink.report('CLA2007', at(['kind']), { found: JSON.stringify(kind), file: name, expected });
    return undefined;
  }

  const root: SchemaAt = { node: loadSchema(`${schemaNameOf(name)}.schema.json`)!, file: `${schemaNameOf(name)}.schema.json` };
  const value = typeScalars(file.value, expand(root), [], pos) as JsonObject;
  const validate = getValidator(schemaNameOf(name));
  if (validate(value)) return value;

  const before = sink.diagnostics.length;
  const errors = selectErrors(validate.errors ?? []);
  for (const e of errors) reportError(e, name, value, pos, sink);
  // Never let a failed validation pass silently, even if every error was dropped as noise.
  if (!sink.diagnostics.slice(before).some((d) => d.severity === 'error')) {
    sink.report('CLA2016', at([]), { where: 'the file', detail: 'it does not match the schema' });
  }
  return undefined;
}

// ── schema walking (for schema-directed scalars, and descriptions) ──────

interface SchemaAt {
  node: JsonSchema;
  /** The schema file the node lives in, for resolving its relative $refs. */
  file: string;
}

function resolveRef(ref: string, from: string): SchemaAt | undefined {
  const [filePart, pointer = ''] = ref.split('#');
  const file = filePart ? filePart : from;
  let node: unknown = loadSchema(file);
  for (const seg of pointer.split('/').filter(Boolean)) {
    if (!node || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[seg.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return node && typeof node === 'object' ? { node: node as JsonSchema, file } : undefined;
}

const expanded = new WeakMap<JsonSchema, { file: string; out: SchemaAt[] }>();

/** The schema's alternatives: $ref followed, oneOf/anyOf/allOf flattened (memoised per node). */
function expand(s: SchemaAt, depth = 0): SchemaAt[] {
  const known = expanded.get(s.node);
  if (known && known.file === s.file) return known.out;
  const out = expandUncached(s, depth);
  expanded.set(s.node, { file: s.file, out });
  return out;
}

function expandUncached(s: SchemaAt, depth: number): SchemaAt[] {
  if (depth > 20) return [];
  const out: SchemaAt[] = [];
  const n = s.node;
  if (typeof n['$ref'] === 'string') {
    const r = resolveRef(n['$ref'], s.file);
    if (r) out.push(...expand(r, depth + 1));
  }
  for (const k of ['oneOf', 'anyOf', 'allOf']) {
    const list = n[k];
    if (Array.isArray(list)) for (const b of list) out.push(...expand({ node: b as JsonSchema, file: s.file }, depth + 1));
  }
  const own = ['type', 'const', 'enum', 'properties', 'items', 'additionalProperties'].some((k) => k in n);
  if (own || out.length === 0) out.push(s);
  return out;
}

/** JSON types the alternatives accept, or 'any' when one of them does not say. */
function acceptedTypes(alts: readonly SchemaAt[]): Set<string> | 'any' {
  const types = new Set<string>();
  for (const { node } of alts) {
    const t = node['type'];
    if (typeof t === 'string') types.add(t);
    else if (Array.isArray(t)) for (const x of t) types.add(String(x));
    else if ('const' in node) types.add(jsonType(node['const']));
    else if (Array.isArray(node['enum'])) for (const x of node['enum']) types.add(jsonType(x));
    else if ('properties' in node || 'additionalProperties' in node) types.add('object');
    else if ('items' in node) types.add('array');
    else return 'any';
  }
  return types;
}

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

function subSchemas(alts: readonly SchemaAt[], pick: (n: JsonSchema) => unknown): SchemaAt[] {
  const out: SchemaAt[] = [];
  for (const a of alts) {
    const sub = pick(a.node);
    if (sub && typeof sub === 'object') out.push(...expand({ node: sub as JsonSchema, file: a.file }));
  }
  return out;
}

/**
 * A copy of `v` where plain scalars that YAML typed as number or boolean become their
 * source text wherever the schema accepts a string but not the value's type. `path` is one
 * stack for the whole walk (pushed and popped), and the schemas under each key are looked up
 * once per (alternatives, key): at 10,000 services the walk made a path array, a list of
 * sub-schemas and two closures for each of the 1.3 million values (docs/plans.md, "Session 15").
 */
function typeScalars(v: JsonValue, alts: readonly SchemaAt[], path: (string | number)[], pos: PositionIndex): JsonValue {
  if (v === null || typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') {
    const types = acceptedTypesOf(alts);
    if (types === 'any' || alts.length === 0) return v;
    if (typeof v === 'boolean' ? types.has('boolean') : types.has('number') || (types.has('integer') && Number.isInteger(v))) return v;
    if (!types.has('string')) return v;
    const src = pos.scalar(path.slice());
    return src && src.plain && src.text !== '' ? src.text : v;
  }
  if (Array.isArray(v)) {
    const items = subSchemasAt(alts, ITEMS);
    const out: JsonValue[] = [];
    for (let i = 0; i < v.length; i++) {
      path.push(i);
      out.push(typeScalars(v[i]!, items, path, pos));
      path.pop();
    }
    return out;
  }
  // Plain objects for the later phases; a "__proto__" key stays an ordinary own property.
  const out: JsonObject = {};
  for (const key of Object.keys(v)) {
    path.push(key);
    const typed = typeScalars(v[key] as JsonValue, subSchemasAt(alts, key), path, pos);
    path.pop();
    if (key === '__proto__') Object.defineProperty(out, key, { value: typed, enumerable: true, writable: true, configurable: true });
    else out[key] = typed;
  }
  return out;
}

/** subSchemas' key for a list's items. */
const ITEMS = Symbol('items');
const subSchemasMemo = new WeakMap<readonly SchemaAt[], Map<string | symbol, SchemaAt[]>>();
const acceptedTypesMemo = new WeakMap<readonly SchemaAt[], Set<string> | 'any'>();

/** The alternatives for a mapping's `key` (its property, else additionalProperties) or a list's ITEMS, memoised per alternatives: the same list for every value at the same place in the schema. */
function subSchemasAt(alts: readonly SchemaAt[], key: string | typeof ITEMS): SchemaAt[] {
  let byKey = subSchemasMemo.get(alts);
  if (!byKey) subSchemasMemo.set(alts, (byKey = new Map()));
  let sub = byKey.get(key);
  if (!sub) {
    sub =
      key === ITEMS
        ? subSchemas(alts, (n) => n['items'])
        : subSchemas(alts, (n) => {
            const props = n['properties'] as Record<string, unknown> | undefined;
            if (props && Object.prototype.hasOwnProperty.call(props, key)) return props[key];
            const ap = n['additionalProperties'];
            return ap && typeof ap === 'object' ? ap : undefined;
          });
    byKey.set(key, sub);
  }
  return sub;
}

function acceptedTypesOf(alts: readonly SchemaAt[]): Set<string> | 'any' {
  let t = acceptedTypesMemo.get(alts);
  if (t === undefined) acceptedTypesMemo.set(alts, (t = acceptedTypes(alts)));
  return t;
}

// ── choosing the errors to report ────────────────────────────────────────

/** Specific keywords first: per location, the first of these that failed is reported. */
const PRIORITY = [
  'type', 'const', 'enum', 'format', 'pattern', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum',
  'minLength', 'maxLength', 'minItems', 'maxItems', 'uniqueItems', 'not', 'oneOf', 'anyOf',
];
/** Errors that are each reported (they name different keys). */
const EACH = new Set(['additionalProperties', 'required', 'propertyNames']);

function isUnder(path: string, parent: string): boolean {
  return path === parent || path.startsWith(parent + '/');
}

/**
 * Collapses ajv's error list: `if` errors (the `then` error says it), `oneOf` alternatives
 * that failed only on type, and per location all but the most specific error.
 */
export function selectErrors(all: readonly SchemaError[]): SchemaError[] {
  let errors = all.filter((e) => e.keyword !== 'if');
  // Innermost oneOf first. ajv reports a oneOf's sub-errors just before the oneOf error
  // itself, all at or under its instance path (their schemaPath is not usable: it restarts
  // in every non-inlined $ref), so the sub-errors are the run of such errors before it.
  for (;;) {
    const idx = errors.findIndex((e) => (e.keyword === 'oneOf' || e.keyword === 'anyOf') && !isPassing(e));
    if (idx < 0) break;
    const one = errors[idx]!;
    let start = idx;
    while (start > 0 && isUnder(errors[start - 1]!.instancePath, one.instancePath)) start--;
    const subs = errors.slice(start, idx);
    const specific = subs.filter((e) => e.keyword !== 'type' && e.keyword !== 'x-oneOf');
    const replacement = specific.length > 0 ? specific : [{ ...one, keyword: 'x-oneOf' }];
    errors = [...errors.slice(0, start), ...replacement, ...errors.slice(idx + 1)];
  }
  // One error per location, except those that each name a key.
  const byPath = new Map<string, SchemaError[]>();
  for (const e of errors) {
    const key = e.propertyName !== undefined ? `${e.instancePath}\0key:${e.propertyName}` : e.instancePath;
    const list = byPath.get(key) ?? [];
    list.push(e);
    byPath.set(key, list);
  }
  const out: SchemaError[] = [];
  for (const list of byPath.values()) {
    const keyErrors = list.filter((e) => e.propertyName !== undefined && e.keyword !== 'propertyNames');
    const rest = list.filter((e) => !EACH.has(e.keyword) && e.propertyName === undefined);
    out.push(...list.filter((e) => e.keyword === 'additionalProperties' || e.keyword === 'required'));
    if (keyErrors.length > 0) out.push(best(keyErrors));
    if (rest.length > 0) out.push(best(rest));
    // The propertyNames wrapper only repeats the error about the key itself.
    const wrapper = list.find((e) => e.keyword === 'propertyNames');
    if (wrapper && !errors.some((e) => e.propertyName !== undefined && e.instancePath === wrapper.instancePath)) out.push(wrapper);
  }
  return out;
}

function isPassing(e: SchemaError): boolean {
  return Array.isArray(e.params['passingSchemas']);
}

function best(list: readonly SchemaError[]): SchemaError {
  const rank = (e: SchemaError) => {
    const i = PRIORITY.indexOf(e.keyword === 'x-oneOf' ? 'oneOf' : e.keyword);
    return i < 0 ? PRIORITY.length : i;
  };
  return [...list].sort((a, b) => rank(a) - rank(b))[0]!;
}

// ── turning an error into a diagnostic ───────────────────────────────────

/** A readable name for a path: `services[nginx].ports[0].host` (the leading `spec.` dropped). */
export function displayPath(root: JsonValue, path: Path): string {
  let out = '';
  let node: JsonValue | undefined = root;
  const segs = path[0] === 'spec' && path.length > 1 ? path.slice(1) : path;
  if (segs !== path) node = (root as JsonObject)['spec'];
  for (const seg of segs) {
    if (Array.isArray(node)) {
      const i = Number(seg);
      const item: JsonValue | undefined = node[i];
      const name = item && typeof item === 'object' && !Array.isArray(item) ? item['name'] : undefined;
      out += typeof name === 'string' && name !== '' ? `[${name}]` : `[${i}]`;
      node = item;
    } else {
      const key = String(seg);
      out += (out ? '.' : '') + (/^[A-Za-z0-9_.-]+$/.test(key) ? key : JSON.stringify(key));
      node = node && typeof node === 'object' ? (node as JsonObject)[key] : undefined;
    }
  }
  return out || 'the top level';
}

function getAt(root: JsonValue, path: Path): JsonValue | undefined {
  let n: JsonValue | undefined = root;
  for (const seg of path) {
    if (n === null || typeof n !== 'object') return undefined;
    n = Array.isArray(n) ? n[Number(seg)] : (n as JsonObject)[String(seg)];
  }
  return n;
}

function quote(v: unknown): string {
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return JSON.stringify(s !== undefined && s.length > 60 ? s.slice(0, 60) + '…' : s);
}

/** What a value is, for "found …": `the string "80"`, `the number 1.5`, `a list`. */
function describeFound(v: unknown): string {
  if (v === null || v === undefined) return 'an empty value';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `the string ${quote(v)}`;
  if (typeof v === 'number') return `the number ${v}`;
  return `${String(v)}`;
}

/** What a schema expects, in words. */
function describeSchema(s: Record<string, unknown> | undefined, base: string): string {
  if (!s) return 'a valid value';
  const alts = expand({ node: s as JsonSchema, file: base });
  const words = [...new Set(alts.map(describeOneIn))];
  if (words.length <= 1) return words[0] ?? 'a valid value';
  return words.slice(0, -1).join(', ') + ' or ' + words[words.length - 1];
}

function describeOne(s: JsonSchema): string {
  const t = s['type'];
  if (t === 'integer' || t === 'number') {
    const lo = s['minimum'];
    const hi = s['maximum'];
    const what = t === 'integer' ? 'an integer' : 'a number';
    if (typeof lo === 'number' && typeof hi === 'number') return `${what} from ${lo} to ${hi}`;
    if (typeof lo === 'number') return `${what} of at least ${lo}`;
    return what;
  }
  if (t === 'boolean') return 'true or false';
  if (t === 'array') return 'a list';
  if (t === 'object') return 'a mapping';
  if (t === 'string') {
    if ('const' in s) return quote(s['const']);
    if (Array.isArray(s['enum'])) return `one of ${(s['enum'] as unknown[]).join(', ')}`;
    const d = s['description'];
    if (typeof d === 'string' && (s['pattern'] || s['format'])) return nounOf(d);
    return 'a string';
  }
  if (typeof s['description'] === 'string') return nounOf(s['description'] as string);
  return 'a valid value';
}

/** "A size in bytes with … suffix: 128Mi, 10Gi." → "a size in bytes with … suffix" (examples go in the hint). */
function nounOf(description: string): string {
  let d = description.trim().replace(/\.$/, '');
  if (!/^[A-Z]{2}/.test(d)) d = d.charAt(0).toLowerCase() + d.slice(1);
  d = d.replace(/,? e\.g\. .*$/, '');
  const colon = d.indexOf(': ');
  return colon > 0 ? d.slice(0, colon) : d;
}

/** Fix hints for the common formats, by the schema description's first words. */
function formatFix(schema: Record<string, unknown> | undefined, what: string): string {
  const d = String(schema?.['description'] ?? '');
  if (/^A duration/.test(d)) return 'write a number and a unit (ms, s, m, h, d), e.g. 30s, 10m or 1h30m';
  if (/^A size/.test(d)) return 'write a number with an optional unit, e.g. 128Mi or 1Gi (Ki/Mi/Gi/Ti are powers of 1024, k/M/G/T of 1000)';
  if (/^CPU cores/.test(d)) return 'write cores as a quoted decimal ("0.5", "2") or millicores ("500m")';
  if (/^A DNS-label-like name/.test(d)) return 'use lowercase letters, digits and "-" (1-63 characters, starting and ending with a letter or digit), e.g. web-1';
  if (/^A secret name/.test(d)) return 'use lowercase letters, digits and "_", starting with a letter, e.g. postgres_password';
  if (/^An octal file mode/.test(d)) return 'write the mode in quotes, e.g. "0755" or "0700"';
  if (/^An absolute path/.test(d)) return 'write a path starting with /, e.g. /data/www';
  if (/^A port range/.test(d)) return 'write two port numbers joined by "-", e.g. "8000-8100"';
  if (/^An image tag/.test(d)) return 'write a tag such as "1.25" or "7-alpine" (letters, digits, "_", "." and "-")';
  if (schema?.['format'] === 'cron') return 'write five fields (minute hour day-of-month month day-of-week), e.g. "0 2 * * *" for 2 AM daily, or @daily';
  if (schema?.['format'] === 'cidr') return 'write an address or a prefix such as 10.0.0.0/8, 192.168.1.10 or 2001:db8::/32';
  if (schema?.['format'] === 'ip') return 'write an address such as 192.168.1.10 or 2001:db8::1';
  if (schema?.['format'] === 'image-ref') return 'write [registry[:port]/]repository[:tag][@sha256:digest], e.g. nginx:1.25 or registry.local:5000/app:1.2';
  if (schema?.['format'] === 'email') return 'write an e-mail address such as admin@example.com';
  if (schema?.['format'] === 'uri') return 'write a full URL such as http://127.0.0.1:8080/v1';
  if (schema?.['format'] === 'date-time') return 'write an RFC 3339 time in quotes, e.g. "2025-01-11T10:30:00Z"';
  if (/^A volume declared/.test(d)) return 'write the name of a volume in storage.yaml (e.g. postgres) or an absolute host path (e.g. /data/www)';
  if (String(schema?.['pattern'] ?? '').startsWith('^(ssh-ed25519|')) return 'write one public key line as in authorized_keys: TYPE BASE64 [comment], e.g. "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA… admin@laptop"';
  if (typeof schema?.['pattern'] === 'string') return `the value must match the pattern ${schema['pattern'] as string}`;
  return `write ${what}`;
}

function editDistance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  for (let i = 1; i <= m; i++) {
    const cur = [i];
    for (let j = 1; j <= n; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[n]!;
}

/** The closest candidate, if it is close enough to be a likely typo. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let bestWord: string | undefined;
  let bestD = Infinity;
  const w = word.toLowerCase();
  for (const c of candidates) {
    const d = editDistance(w, c.toLowerCase()) - (c.toLowerCase().replace(/[-_]/g, '') === w.replace(/[-_]/g, '') ? 1 : 0);
    if (d < bestD) {
      bestD = d;
      bestWord = c;
    }
  }
  const limit = Math.max(2, Math.floor(word.length / 3));
  if (bestD <= limit) return bestWord;
  // restart_policy → restart, image_name → image: a candidate the word starts with.
  const prefixed = candidates.filter((c) => c.length >= 4 && w.startsWith(c.toLowerCase())).sort((a, b) => b.length - a.length);
  return prefixed[0];
}

function reportError(e: SchemaError, file: StateFileName, root: JsonObject, pos: PositionIndex, sink: DiagnosticSink): void {
  const path = pointerToPath(e.instancePath);
  const where = displayPath(root, path);
  const valueAt = (p: Path): SourcePos => pos.valuePos(p) ?? pos.nearest(p);
  const keyAt = (p: Path): SourcePos => pos.keyPos(p) ?? pos.nearest(p);
  const data = getAt(root, path);
  const ps = e.parentSchema;
  const base = file.replace('.yaml', '.schema.json');
  const r = (code: DiagnosticCode, at: SourcePos, args: Record<string, string | number>) => void sink.report(code, at, args);

  if (e.propertyName !== undefined) {
    const keyPath = [...path, e.propertyName];
    const sch = e.parentSchema;
    const what = typeof sch?.['description'] === 'string' ? `be ${nounOf(sch['description'] as string)}` : `match ${String(sch?.['pattern'] ?? 'the schema')}`;
    const reserved = /^claude\.os\//.test(e.propertyName);
    r('CLA2011', keyAt(keyPath), {
      key: quote(e.propertyName),
      where,
      what: reserved ? 'keys starting with claude.os/ are reserved for Claude.OS' : `keys must ${what}`,
      fix: reserved ? 'choose a label key without the claude.os/ prefix' : /environment$/.test(where) ? 'environment variable names are letters, digits and "_", not starting with a digit' : 'rename the key',
    });
    return;
  }

  switch (e.keyword) {
    case 'additionalProperties': {
      const prop = String(e.params['additionalProperty']);
      const allowed = Object.keys((ps?.['properties'] as Record<string, unknown> | undefined) ?? {});
      const guess = closest(prop, allowed);
      const list = allowed.length ? `allowed here: ${allowed.join(', ')}` : 'no properties are allowed here';
      r('CLA2001', keyAt([...path, prop]), {
        prop: quote(prop),
        where: path.length === 0 ? 'the top level' : where,
        suggestion: guess ? `did you mean ${quote(guess)}? (${list})` : list,
      });
      return;
    }
    case 'required': {
      const prop = String(e.params['missingProperty']);
      const propSchema = (ps?.['properties'] as Record<string, Record<string, unknown>> | undefined)?.[prop];
      r('CLA2002', keyAt(path), {
        prop: quote(prop),
        key: prop,
        where: path.length === 0 ? 'the file' : where,
        example: propSchema ? ` (${describeSchema(propSchema, base)})` : '',
      });
      return;
    }
    case 'type': {
      const expected = describeSchema(ps, base);
      if (data === null) {
        r('CLA2017', valueAt(path), { where, quoteHint: ps?.['type'] === 'string' ? ' (write "" for an empty string, or "null" in quotes for the text null)' : '' });
        return;
      }
      r('CLA2003', valueAt(path), { where, expected, found: describeFound(data), fix: typeFix(String(e.params['type']), data, path) });
      return;
    }
    case 'const': {
      if (path.length === 1 && path[0] === 'apiVersion') {
        r('CLA2008', valueAt(path), { found: quote(data) });
        return;
      }
      r('CLA2004', valueAt(path), { where, allowed: quote(e.params['allowedValue']), found: describeFound(data), suggestion: `write ${String(e.params['allowedValue'])}` });
      return;
    }
    case 'enum': {
      const allowed = (e.params['allowedValues'] as unknown[]).map(String);
      const guess = typeof data === 'string' ? closest(data, allowed) : undefined;
      r('CLA2004', valueAt(path), {
        where,
        allowed: allowed.join(', '),
        found: describeFound(data),
        suggestion: guess ? `did you mean ${guess}?` : `write one of ${allowed.join(', ')}`,
      });
      return;
    }
    case 'format':
    case 'pattern': {
      if (file === 'security.yaml' && /^\/spec\/secrets\/\d+\/value$/.test(e.instancePath)) {
        const name = getAt(root, [...path.slice(0, -1), 'name']);
        r('CLA2014', valueAt(path), { name: typeof name === 'string' ? name : where });
        return;
      }
      const fmt = e.keyword === 'format' ? String(e.params['format']) : undefined;
      const why = fmt && typeof data === 'string' ? EXPLAINERS[fmt]?.(data) : undefined;
      const what = describeOne((ps ?? {}) as JsonSchema);
      r('CLA2005', valueAt(path), {
        where,
        value: quote(data),
        what: what === 'a string' ? 'valid here' : what,
        reason: why ? `: ${why}` : '',
        fix: formatFix(ps, what),
      });
      return;
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const range = describeOne((ps ?? {}) as JsonSchema);
      const limit = `${String(e.params['comparison'])} ${String(e.params['limit'])}`;
      const isPort = /port/.test(String(path[path.length - 1] ?? '')) || /^A TCP\/UDP port/.test(String(ps?.['description'] ?? ''));
      r('CLA2006', valueAt(path), {
        where,
        value: String(data),
        limit: `but it must be ${limit.replace('<=', 'at most').replace('>=', 'at least').replace('<', 'less than').replace('>', 'more than')}`,
        fix: isPort ? 'ports are numbered 1 to 65535' : `write ${range}`,
      });
      return;
    }
    case 'minItems':
    case 'maxItems':
    case 'minLength':
    case 'maxLength': {
      const items = e.keyword.endsWith('Items');
      const count = items ? (Array.isArray(data) ? data.length : 0) : typeof data === 'string' ? [...data].length : 0;
      const limit = Number(e.params['limit']);
      const min = e.keyword.startsWith('min');
      r('CLA2009', valueAt(path), {
        where,
        count,
        unit: items ? (count === 1 ? 'item' : 'items') : count === 1 ? 'character' : 'characters',
        limit: `but ${min ? 'needs at least' : 'may have at most'} ${limit}`,
        fix: min ? (items ? 'add an item, or remove the key' : 'write a value, or remove the key') : items ? `keep at most ${limit} items` : `shorten it to ${limit} characters or fewer`,
      });
      return;
    }
    case 'uniqueItems': {
      const i = Number(e.params['i']);
      const j = Number(e.params['j']);
      const later = Math.max(i, j);
      r('CLA2010', valueAt([...path, later]), { where, value: quote(Array.isArray(data) ? data[later] : ''), first: Math.min(i, j), second: later });
      return;
    }
    case 'not': {
      if (file === 'scheduled.yaml' && /^\/spec\/jobs\/\d+$/.test(e.instancePath)) {
        const name = getAt(root, [...path, 'name']);
        r('CLA2013', keyAt([...path, 'image']), { name: typeof name === 'string' ? name : where });
        return;
      }
      r('CLA2016', valueAt(path), { where, detail: 'it matches a form that is not allowed' });
      return;
    }
    case 'x-oneOf': {
      const expected = describeAlternatives(e.schema, base);
      r('CLA2012', valueAt(path), { where, expected, found: describeFound(data), fix: `write ${expected}` });
      return;
    }
    default:
      r('CLA2016', valueAt(path), { where, detail: e.message ?? e.keyword });
  }
}

/** Describes oneOf alternatives, following their $refs from the schema file they are in. */
function describeAlternatives(oneOf: unknown, base: string): string {
  if (!Array.isArray(oneOf)) return 'a valid value';
  const alts = oneOf.flatMap((b) => expand({ node: b as JsonSchema, file: base }));
  const words = [...new Set(alts.map(describeOneIn))];
  if (words.length === 0) return 'a valid value';
  return words.length === 1 ? words[0]! : words.slice(0, -1).join(', ') + ' or ' + words[words.length - 1];
}

function describeOneIn(a: SchemaAt): string {
  if (a.node['type'] === 'array' && a.node['items'] && typeof a.node['items'] === 'object') {
    const items = expand({ node: a.node['items'] as JsonSchema, file: a.file });
    const w = [...new Set(items.map(describeOneIn))];
    const inner = w.length === 1 ? w[0]! : w.join(' or ');
    return `a list of ${inner === 'a string' ? 'strings' : inner.replace(/^(a|an) /, '')}`;
  }
  return describeOne(a.node);
}

function typeFix(expectedType: string, data: unknown, path: Path): string {
  const key = String(path[path.length - 1] ?? 'value');
  if ((expectedType === 'integer' || expectedType === 'number') && typeof data === 'string' && /^-?[0-9]+(\.[0-9]+)?$/.test(data.trim())) {
    return `remove the quotes: write ${key}: ${data.trim()}, not "${data}" (a quoted value is a string)`;
  }
  if (expectedType === 'integer' || expectedType === 'number') {
    return `write ${expectedType === 'integer' ? 'a whole number' : 'a number'} without quotes, e.g. ${key}: ${/port/.test(key) ? 8080 : 2}`;
  }
  if (expectedType === 'boolean' && typeof data === 'string') {
    return `write true or false without quotes (in YAML 1.2, ${/^(yes|no|on|off|y|n)$/i.test(data) ? `"${data}" is a string` : 'only true and false are booleans'})`;
  }
  if (expectedType === 'array') return `write a list: one "- item" per line under ${key}:, or [a, b]`;
  if (expectedType === 'object') return `write a mapping: "key: value" lines indented under ${key}:`;
  if (expectedType === 'string' && data !== null && typeof data === 'object') return `write a single value; quote it if it contains ": " or starts with [ or {`;
  if (expectedType === 'string') return `quote the value, e.g. ${key}: "${String(data)}"`;
  return `write a value of type ${expectedType}`;
}
