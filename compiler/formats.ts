/**
 * The custom JSON Schema formats of `schemas/` (cidr, ip, cron, image-ref), for ajv, and an
 * `explain*` function for each that says in words why a value is not valid (used by check
 * to write the diagnostic). Pure; no I/O.
 */
import { createRequire } from 'node:module';

// node:net only when an address is checked: loading it costs a cold `validate` ≈ 6 ms, and a
// run served from the compiled-state cache checks none (docs/compiler.md, "Performance").
let net: typeof import('node:net') | undefined;
const isIP = (s: string): number => (net ??= createRequire(import.meta.url)('node:net') as typeof import('node:net')).isIP(s);

/** Why `s` is not a valid value of the format, or undefined when it is valid. */
export type Explainer = (s: string) => string | undefined;

// ── ip / cidr ────────────────────────────────────────────────────────────

export const explainIp: Explainer = (s) => {
  if (isIP(s) !== 0) return undefined;
  if (s.includes('/')) return 'a prefix length is not allowed here';
  if (/^\d+(\.\d+){3}$/.test(s)) return 'each part of an IPv4 address is 0-255, without leading zeros';
  if (s.includes(':')) return 'it is not a valid IPv6 address';
  return 'it is neither an IPv4 nor an IPv6 address';
};

export const explainCidr: Explainer = (s) => {
  const slash = s.indexOf('/');
  if (slash < 0) return explainIp(s);
  const addr = s.slice(0, slash);
  const prefix = s.slice(slash + 1);
  const family = isIP(addr);
  if (family === 0) return explainIp(addr) ?? 'the address part is not valid';
  if (!/^(0|[1-9][0-9]{0,2})$/.test(prefix)) return `prefix length "${prefix}" is not a number`;
  const max = family === 4 ? 32 : 128;
  if (Number(prefix) > max) return `prefix length ${prefix} is over ${max} for an IPv${family} address`;
  return undefined;
};

// ── cron ─────────────────────────────────────────────────────────────────

const CRON_MACROS = new Set(['@hourly', '@daily', '@weekly', '@monthly', '@yearly', '@annually', '@midnight']);
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

interface CronField {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
  /** Value of names[0]. */
  namesBase?: number;
}

const CRON_FIELDS: readonly CronField[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTHS, namesBase: 1 },
  { name: 'day of week', min: 0, max: 7, names: DAYS, namesBase: 0 },
];

function cronValue(text: string, f: CronField): number | string {
  if (/^[0-9]{1,2}$/.test(text)) {
    const n = Number(text);
    return n < f.min || n > f.max ? `${f.name} ${n} is out of range ${f.min}-${f.max}` : n;
  }
  const i = f.names?.indexOf(text.toUpperCase()) ?? -1;
  if (i >= 0) return i + (f.namesBase ?? 0);
  return `${f.name} "${text}" is not a number${f.names ? ` or a name (${f.names.join(', ')})` : ''}`;
}

function explainCronField(field: string, f: CronField): string | undefined {
  for (const item of field.split(',')) {
    const m = /^([^/]+)(?:\/(.*))?$/.exec(item);
    if (!m || item === '') return `${f.name} "${field}" has an empty item`;
    const [, range = '', step] = m;
    if (step !== undefined) {
      if (!/^[0-9]{1,2}$/.test(step) || Number(step) === 0) return `${f.name} step "/${step}" must be a number 1-${f.max}`;
      if (Number(step) > f.max) return `${f.name} step /${step} is over ${f.max}`;
    }
    if (range === '*') continue;
    const dash = range.indexOf('-');
    if (dash < 0) {
      const v = cronValue(range, f);
      if (typeof v === 'string') return v;
      continue;
    }
    const lo = cronValue(range.slice(0, dash), f);
    if (typeof lo === 'string') return lo;
    const hi = cronValue(range.slice(dash + 1), f);
    if (typeof hi === 'string') return hi;
    if (lo > hi) return `${f.name} range ${range} runs backwards`;
  }
  return undefined;
}

export const explainCron: Explainer = (s) => {
  const t = s.trim();
  if (t.startsWith('@')) return CRON_MACROS.has(t) ? undefined : `${t} is not one of ${[...CRON_MACROS].join(', ')}`;
  const fields = t.split(/\s+/);
  if (fields.length !== 5) return `it has ${fields.length} field${fields.length === 1 ? '' : 's'}, not 5 (minute hour day-of-month month day-of-week)`;
  for (let i = 0; i < 5; i++) {
    const why = explainCronField(fields[i]!, CRON_FIELDS[i]!);
    if (why) return why;
  }
  return undefined;
};

// ── image references (Docker's reference grammar) ───────────────────────

const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[0-9a-fA-F:.]+\\])(?::[0-9]+)?`;
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const REFERENCE = new RegExp(`^(?:(${DOMAIN})/)?(${PATH_COMPONENT}(?:/${PATH_COMPONENT})*)(?::(${TAG}))?(?:@(${DIGEST}))?$`);

export interface ImageRef {
  /** Registry host[:port], when the first component is one. */
  domain?: string;
  /** The repository path, e.g. `library/nginx` or `nginx`. */
  path: string;
  tag?: string;
  digest?: string;
}

// A state names the same few images over and over (the bench's 10,000 services name 7: the
// grammar's expression ran 10,000 times in check's format and again in resolve): each text is
// matched once. Bounded, so odd input cannot grow it; each caller gets its own copy.
const IMAGE_REF_CACHE_MAX = 1024;
const imageRefs = new Map<string, Readonly<ImageRef> | null>();

/** Splits an image reference into its parts, or undefined if it does not follow the grammar. */
export function parseImageRef(s: string): ImageRef | undefined {
  let ref = imageRefs.get(s);
  if (ref === undefined) {
    ref = matchImageRef(s) ?? null;
    if (imageRefs.size < IMAGE_REF_CACHE_MAX) imageRefs.set(s, ref);
  }
  return ref === null ? undefined : { ...ref };
}

function matchImageRef(s: string): ImageRef | undefined {
  if (s.length > 255 + 200) return undefined;
  const m = REFERENCE.exec(s);
  if (!m) return undefined;
  let [, domain, path = '', tag, digest] = m;
  // As Docker's splitDockerDomain: "localhost/x", "a.b/x", "a:5000/x", "Reg/x" name a
  // registry; "team/app" is a repository path of two components.
  if (domain !== undefined && !/[.:]/.test(domain) && domain !== 'localhost' && !/[A-Z]/.test(domain)) {
    path = `${domain}/${path}`;
    domain = undefined;
  }
  if ((domain ? domain.length + 1 : 0) + path.length > 255) return undefined;
  const ref: ImageRef = { path };
  if (domain !== undefined) ref.domain = domain;
  if (tag !== undefined) ref.tag = tag;
  if (digest !== undefined) ref.digest = digest;
  return ref;
}

/** The reference without tag and digest: `registry:5000/app:1.2` → `registry:5000/app`. */
export function imageRepository(r: ImageRef): string {
  return r.domain ? `${r.domain}/${r.path}` : r.path;
}

export const explainImageRef: Explainer = (s) => {
  if (parseImageRef(s)) return undefined;
  if (s === '') return 'it is empty';
  if (/\s/.test(s)) return 'it contains a space';
  if (/^[a-z]+:\/\//i.test(s)) return 'it must not start with a URL scheme (write registry.example.com/app, not https://…)';
  const at = s.indexOf('@');
  const beforeDigest = at >= 0 ? s.slice(0, at) : s;
  if (at >= 0 && !/^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/.test(s.slice(at + 1)))
    return 'the digest after "@" must look like sha256:<64 hex digits>';
  const lastSlash = beforeDigest.lastIndexOf('/');
  const colon = beforeDigest.indexOf(':', lastSlash + 1);
  const repo = colon >= 0 ? beforeDigest.slice(0, colon) : beforeDigest;
  if (colon >= 0 && !new RegExp(`^${TAG}$`).test(beforeDigest.slice(colon + 1)))
    return `the tag "${beforeDigest.slice(colon + 1)}" may only hold letters, digits, "_", "." and "-" (up to 128, not starting with "." or "-")`;
  if (/[A-Z]/.test(repo.slice(repo.indexOf('/') + 1))) return 'the repository name must be lowercase';
  return 'the repository name may only hold lowercase letters, digits and the separators ".", "_", "__", "-" and "/"';
};

// ── the ajv format table ─────────────────────────────────────────────────

/** Custom formats by name, as ajv `addFormat` validators. */
export const CUSTOM_FORMATS: Record<string, (s: string) => boolean> = {
  cidr: (s) => explainCidr(s) === undefined,
  ip: (s) => isIP(s) !== 0,
  cron: (s) => explainCron(s) === undefined,
  'image-ref': (s) => parseImageRef(s) !== undefined,
};

export const EXPLAINERS: Record<string, Explainer> = {
  cidr: explainCidr,
  ip: explainIp,
  cron: explainCron,
  'image-ref': explainImageRef,
};
