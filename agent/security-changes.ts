/**
 * What a security.yaml change does, one line per thing a person named: a user, an SSH key, a
 * secret, a certificate, the SSH or audit settings. The planner writes these lines into the
 * plan's display (`display.security`, agent/flow.ts); the plan shows them under its
 * confirmation note (plan/show.ts), and the apply repeats them after "Applied" (runtime/apply.ts
 * ApplyResult.securityChanges, agent/render/apply.ts). A secret's value is never shown.
 */
import { loadYaml, parsedValueOf } from '../common/yaml.js';
import type { ParsedOf } from '../plan/review.js';

type Item = Record<string, unknown> & { name?: unknown };

function specOf(text: string | undefined, parsedOf: ParsedOf | undefined): Record<string, unknown> {
  if (text === undefined) return {};
  try {
    // the compiler's value of this very text when it has one (a plan served from the
    // compiled-state cache parses no YAML at all), else the one-file copy of yaml, loaded now
    // (common/yaml.ts): an `import … from 'yaml'` here made every cold `claude plan` load the
    // package's 72 files from node_modules (docs/compiler.md, "Performance")
    const doc = (parsedOf?.(text) ?? parsedValueOf(text) ?? loadYaml().parse(text)) as { spec?: Record<string, unknown> } | null;
    return doc?.spec && typeof doc.spec === 'object' ? doc.spec : {};
  } catch {
    return {};
  }
}

const byName = (v: unknown): Map<string, Item> => new Map((Array.isArray(v) ? (v as Item[]) : []).filter((x) => x && typeof x.name === 'string').map((x) => [x.name as string, x]));
const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
const show = (v: unknown) => (v === undefined ? '(default)' : Array.isArray(v) ? v.join(', ') || '(none)' : String(v));

/** The changes of a named list (users, secrets, certificates): added, removed, changed. */
function listChanges(kind: string, before: unknown, after: unknown, detail: (a: Item, b: Item) => string): string[] {
  const b = byName(before);
  const a = byName(after);
  const out: string[] = [];
  for (const [name, item] of a) {
    const old = b.get(name);
    if (!old) out.push(`${kind} ${name} added${detail({}, item) ? ` (${detail({}, item)})` : ''}`);
    else if (!same(old, item)) out.push(`${kind} ${name} changed${detail(old, item) ? ` (${detail(old, item)})` : ''}`);
  }
  for (const name of b.keys()) if (!a.has(name)) out.push(`${kind} ${name} removed`);
  return out;
}

/** The settings of an object (ssh, audit) that changed, as "key old → new". */
function settingChanges(what: string, before: unknown, after: unknown): string[] {
  const b = (before ?? {}) as Record<string, unknown>;
  const a = (after ?? {}) as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])].sort().filter((k) => !same(b[k], a[k]));
  return keys.length ? [`${what}: ${keys.map((k) => `${k} ${show(b[k])} → ${show(a[k])}`).join(', ')}`] : [];
}

function userDetail(old: Item, now: Item): string {
  const keys = (u: Item) => (Array.isArray(u.ssh_keys) ? (u.ssh_keys as string[]) : []);
  const added = keys(now).filter((k) => !keys(old).includes(k)).length;
  const removed = keys(old).filter((k) => !keys(now).includes(k)).length;
  const parts = [...(added ? [`${added} SSH key${added === 1 ? '' : 's'} added`] : []), ...(removed ? [`${removed} SSH key${removed === 1 ? '' : 's'} removed`] : [])];
  return [...parts, ...fieldChanges(old, now, ['name', 'ssh_keys'])].join(', ');
}

/** "key new" for a new item, "key old → new" for a changed one, leaving out `skip`. */
function fieldChanges(old: Item, now: Item, skip: string[]): string[] {
  const isNew = old.name === undefined;
  return Object.keys({ ...old, ...now })
    .sort()
    .filter((k) => !skip.includes(k) && !same(old[k], now[k]))
    .map((k) => (isNew ? `${k} ${show(now[k])}` : `${k} ${show(old[k])} → ${show(now[k])}`));
}

function certificateDetail(old: Item, now: Item): string {
  return fieldChanges(old, now, ['name']).join(', ');
}

/** One line per change between two security.yaml texts (either may be absent); [] when they say the same. */
export function securityYamlChanges(before: string | undefined, after: string | undefined, parsedOf?: ParsedOf): string[] {
  const b = specOf(before, parsedOf);
  const a = specOf(after, parsedOf);
  return [
    ...listChanges('user', b.users, a.users, userDetail),
    ...settingChanges('SSH settings', b.ssh, a.ssh),
    // a secret's value is ciphertext; only that it was set, replaced or removed is said
    ...listChanges('secret', b.secrets, a.secrets, () => '').map((l) => l.replace(/ changed$/, ' replaced (new value)')),
    ...listChanges('certificate', b.certificates, a.certificates, certificateDetail),
    ...settingChanges('audit settings', b.audit, a.audit),
  ];
}
