/**
 * The plan review model: what a plan changes, per resource people name (a service, a
 * firewall rule, a user, a job, a volume, …), with the fields that change old → new, the
 * risk of the steps that touch it, and the exposure map. One model for every interface:
 * the web UI's review and the CLI's proposed-changes box render it; neither diffs on its own.
 *
 * "Old" is the state files the plan's base commit holds (what was last applied; the caller
 * reads them from the state repo), "new" is the plan's desired files. Both are compared as
 * parsed YAML, so formatting and comments never show as changes. Pure: text in, model out.
 */
import { loadYaml, parsedValueOf } from '../common/yaml.js';
import { compareCodePoints } from '../common/order.js';
import type { PlanPayload, PlanStep } from './types.js';

export interface FieldChange {
  /** Dotted path inside the resource, e.g. `replicas`, `environment.LOG_LEVEL`, `ports`. */
  field: string;
  /** Shown values (null: not set on that side). Secret-looking plaintext is hidden. */
  old: string | null;
  new: string | null;
}

export interface ResourceChange {
  /** service, firewall rule, user, job, volume, network, secret, certificate, … or the file's settings. */
  kind: string;
  name: string;
  /** The state file it lives in. */
  file: string;
  action: 'create' | 'update' | 'delete';
  fields: FieldChange[];
  /** The highest risk of the plan steps that touch it. */
  risk: PlanStep['risk'] | null;
  /** The plan steps that carry it out. */
  steps: string[];
}

export interface PlanReview {
  resources: ResourceChange[];
  /** Steps that no state-file change explains (drift repair, a restart, a rollback's catch-up). */
  otherSteps: { id: string; description: string; risk: PlanStep['risk'] }[];
  /** What is reachable from where after the plan (the planner's exposure map). */
  exposure: string[];
  /** The planner's warnings (security steps, lint findings). */
  warnings: string[];
  counts: PlanPayload['summary'];
}

/** Singular names of the lists of named entries under `spec` (and `spec.firewall.rules`). */
const KINDS: Record<string, string> = {
  services: 'service',
  networks: 'network',
  volumes: 'volume',
  mounts: 'mount',
  users: 'user',
  groups: 'group',
  secrets: 'secret',
  certificates: 'certificate',
  jobs: 'job',
  rules: 'firewall rule',
  interfaces: 'interface',
  ssh_keys: 'SSH key',
};

const RISK_ORDER: Record<string, number> = { safe: 0, disruptive: 1, security: 2, destructive: 3 };
const SECRETISH = /(password|passwd|secret|token|api_?key|private_?key|credentials?)$/i;

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

interface Entity {
  kind: string;
  name: string;
  file: string;
  value: Json;
}

/**
 * The data of a state file's exact text, when the caller already has it (the compiler's parse
 * phase, or the compiled-state cache's copy of it); undefined when it has not.
 */
export type ParsedOf = (text: string) => unknown;

/** The named entities of one state file: list entries with a `name`, and the rest of spec as settings. */
function entities(file: string, text: string | undefined, parsedOf: ParsedOf | undefined): Map<string, Entity> {
  const out = new Map<string, Entity>();
  if (text === undefined) return out;
  let doc: unknown;
  try {
    // the compiler's value of this very text when it has parsed it, in this process or when it
    // filled the compiled-state cache (the same YAML 1.2 core schema; a JSON copy is the same
    // data), else a parse of our own
    doc = parsedOf?.(text) ?? parsedValueOf(text) ?? loadYaml().parse(text);
  } catch {
    return out; // the compiler reports broken files; the review shows what it can
  }
  const spec = (doc as { spec?: unknown } | null)?.spec;
  if (!spec || typeof spec !== 'object' || Array.isArray(spec)) return out;
  const settings: Record<string, Json> = {};
  const collect = (obj: Record<string, unknown>, prefix: string) => {
    for (const [k, v] of Object.entries(obj)) {
      const kind = KINDS[k];
      if (kind && Array.isArray(v) && v.every((e) => e && typeof e === 'object' && typeof (e as { name?: unknown }).name === 'string')) {
        for (const e of v as { name: string }[]) out.set([kind, e.name].join('\u0000'), { kind, name: e.name, file, value: e as unknown as Json });
      } else if (k === 'firewall' && v && typeof v === 'object' && !Array.isArray(v)) {
        collect(v as Record<string, unknown>, `${prefix}firewall.`);
      } else settings[prefix + k] = v as Json;
    }
  };
  collect(spec as Record<string, unknown>, '');
  if (Object.keys(settings).length) out.set(`settings\u0000${file}`, { kind: 'settings', name: file.replace(/\.ya?ml$/, ''), file, value: settings });
  return out;
}

/** Flattens a value to dotted paths: objects by key, lists of named objects by name, other lists whole. */
function flatten(v: Json, prefix: string, out: { set(k: string, v: Json): unknown }): void {
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    const keys = Object.keys(v);
    if (keys.length === 0 && prefix) out.set(prefix, {});
    // joined, not `${prefix}.${k}`: a template makes a rope, and each of the paths is hashed
    // into the map and compared in the sort (docs/plans.md, "Session 33")
    for (const k of keys) flatten(v[k]!, prefix ? [prefix, k].join('.') : k, out);
  } else if (Array.isArray(v) && v.length > 0 && v.every((e) => e && typeof e === 'object' && !Array.isArray(e) && typeof (e as { name?: unknown }).name === 'string')) {
    for (const e of v as { [k: string]: Json }[]) flatten(e, [prefix, '[', String(e.name), ']'].join(''), out);
  } else out.set(prefix, v);
}

/** The last dotted part of a field (`split('.').pop()` without the array). */
function lastPart(field: string): string {
  return field.slice(field.lastIndexOf('.') + 1);
}

function show(field: string, v: Json | undefined): string | null {
  if (v === undefined) return null;
  if (typeof v === 'string') {
    if (SECRETISH.test(lastPart(field)) && !/^\$\{secrets\.[^}]+\}$/.test(v)) return '(hidden)';
    return v;
  }
  const last = lastPart(field);
  if (Array.isArray(v)) {
    if (v.length === 0) return '(none)';
    // a command line reads as one: `sh -c "echo hi"`
    if (ARGV.has(last) && v.every((e) => typeof e === 'string')) return (v as string[]).map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : JSON.stringify(a))).join(' ');
    return v.map((e) => (e !== null && typeof e === 'object' && !Array.isArray(e) ? entry(last, e) : scalar(e))).join(last === 'ports' || last === 'volumes' ? ', ' : separator(v));
  }
  if (v !== null && typeof v === 'object') return Object.keys(v).length === 0 ? '(none)' : entry(last, v);
  return scalar(v);
}

/** Fields that hold an argv list. */
const ARGV = new Set(['command', 'entrypoint', 'test']);

function scalar(v: Json): string {
  return v === null ? '(none)' : typeof v === 'object' ? entry('', v as { [k: string]: Json }) : String(v);
}

/** The separator between list entries: "; " when an entry is itself a list of key/values. */
function separator(v: Json[]): string {
  return v.some((e) => e !== null && typeof e === 'object') ? '; ' : ', ';
}

/**
 * One object as a person reads it: a port as `8080 (container 80)`, `80`, `127.0.0.1:5432`,
 * `9000/udp`, `80 inside only (not published)`; a volume as `pgdata at /var/lib/postgresql/data
 * (read-only)`; anything else as `key value, key value`.
 */
function entry(list: string, o: { [k: string]: Json }): string {
  if (list === 'ports' && o.container !== undefined) {
    const proto = o.protocol && o.protocol !== 'tcp' ? `/${scalar(o.protocol)}` : '';
    if (o.host === undefined || o.host === null) return `${scalar(o.container)}${proto} inside only (not published)`;
    const host = `${o.host_ip ? `${scalar(o.host_ip)}:` : ''}${scalar(o.host)}${proto}`;
    return String(o.host) === String(o.container) ? host : `${host} (container ${scalar(o.container)})`;
  }
  if (list === 'volumes' && o.target !== undefined) {
    return `${o.source !== undefined ? `${scalar(o.source)} at ` : ''}${scalar(o.target)}${o.readonly === true ? ' (read-only)' : ''}`;
  }
  return Object.entries(o)
    .map(([k, x]) => `${k} ${Array.isArray(x) ? x.map(scalar).join(', ') : scalar(x)}`)
    .join(', ');
}

/** The fields that differ between two versions of one entity (the name itself excluded). */
export function fieldChanges(oldV: Json | undefined, newV: Json | undefined): FieldChange[] {
  if (oldV === undefined || newV === undefined) return oneSided(oldV === undefined ? newV : oldV, oldV === undefined);
  const a = new Map<string, Json>();
  const b = new Map<string, Json>();
  flatten(oldV, '', a);
  flatten(newV, '', b);
  const fields: string[] = [];
  for (const f of new Set([...a.keys(), ...b.keys()])) if (f !== 'name') fields.push(f);
  fields.sort();
  const out: FieldChange[] = [];
  for (const f of fields) {
    const o = a.get(f);
    const n = b.get(f);
    // set on one side only: a change (a created resource's fields need no comparing text)
    if (o !== undefined && n !== undefined && JSON.stringify(o) === JSON.stringify(n)) continue;
    out.push({ field: f, old: show(f, o), new: show(f, n) });
  }
  return out;
}

/**
 * fieldChanges of a resource set on one side only (every created resource): its paths as
 * flatten gives them, into two lists instead of a map (a hash table grown three times for
 * ≈ 20 paths, 20,000 times at 10,000 services), sorted as fieldChanges sorts them; a path
 * flatten gives twice (`a.b` and `a: {b}`) keeps its last value, as the map's `set` did, and
 * its first place does not matter once sorted.
 */
function oneSided(v: Json | undefined, created: boolean): FieldChange[] {
  if (v === undefined) return [];
  const paths: string[] = [];
  const values: Json[] = [];
  flatten(v, '', { set: (k, x) => (paths.push(k), values.push(x)) });
  const order: number[] = [];
  for (let i = 0; i < paths.length; i++) if (paths[i] !== 'name') order.push(i);
  // by path as `sort()` orders strings (UTF-16 code units), equal paths in the order given
  order.sort((x, y) => (paths[x]! < paths[y]! ? -1 : paths[x]! > paths[y]! ? 1 : x - y));
  const out: FieldChange[] = [];
  for (let j = 0; j < order.length; j++) {
    const i = order[j]!;
    const f = paths[i]!;
    if (j + 1 < order.length && paths[order[j + 1]!] === f) continue; // the later value of the same path
    const shown = show(f, values[i]);
    out.push(created ? { field: f, old: null, new: shown } : { field: f, old: shown, new: null });
  }
  return out;
}

/** Per resource, what changes from the old state files to the new ones (sorted by file, kind, name). */
export function stateChanges(oldFiles: Readonly<Record<string, string>>, newFiles: Readonly<Record<string, string>>, parsedOf?: ParsedOf): Omit<ResourceChange, 'risk' | 'steps'>[] {
  const out: Omit<ResourceChange, 'risk' | 'steps'>[] = [];
  for (const file of [...new Set([...Object.keys(oldFiles), ...Object.keys(newFiles)])].sort()) {
    if (oldFiles[file] === newFiles[file]) continue; // the same text: nothing in it changes
    const a = entities(file, oldFiles[file], parsedOf);
    const b = entities(file, newFiles[file], parsedOf);
    // a file on one side only (every file of a first plan): its own keys, already distinct
    for (const key of a.size === 0 ? b.keys() : b.size === 0 ? a.keys() : new Set([...a.keys(), ...b.keys()])) {
      const o = a.get(key);
      const n = b.get(key);
      const e = (n ?? o)!;
      const fields = fieldChanges(o?.value, n?.value);
      if (o && n && fields.length === 0) continue;
      out.push({ kind: e.kind, name: e.name, file, action: !o ? 'create' : !n ? 'delete' : 'update', fields });
    }
  }
  const order = (r: { kind: string }) => (r.kind === 'settings' ? 1 : 0);
  // by code point: the same order on every host, whatever its locale (common/order.ts)
  return out.sort((x, y) => order(x) - order(y) || compareCodePoints(x.file, y.file) || compareCodePoints(x.kind, y.kind) || compareCodePoints(x.name, y.name));
}

/**
 * The steps that carry out a change of each resource, as `touches` decides, in plan order;
 * built in one pass over the steps instead of `touches` for every (resource, step) pair,
 * which for 10,000 services was 20,000 × 30,000 calls (docs/plans.md, "Performance").
 * plan/review.test.ts checks it against `touches` on every pair.
 */
export function stepIndex(steps: readonly PlanStep[]): (r: { kind: string; name: string }) => readonly PlanStep[] {
  const services = new Map<string, PlanStep[]>();
  const targets = new Map<string, PlanStep[]>();
  const firewall: PlanStep[] = [];
  const hostApply: PlanStep[] = [];
  const schedule: PlanStep[] = [];
  const mounts: PlanStep[] = [];
  const networkSettings: PlanStep[] = [];
  for (const step of steps) {
    const target = step.target;
    const label = serviceLabel(step);
    if (label !== undefined) pushStep(services, label, step);
    else for (const name of containerServiceNames(target)) pushStep(services, name, step);
    // only what a volume or a network is looked up by below (every step was filed: 30,101 at 10,000 services)
    if (target.startsWith('volume/') || target.startsWith('network/')) pushStep(targets, target, step);
    const fw = target.startsWith('firewall/');
    if (fw) firewall.push(step);
    if (step.op === 'host.apply') hostApply.push(step);
    if (step.op === 'schedule.apply') schedule.push(step);
    if (target.startsWith('mount/')) mounts.push(step);
    if (step.op === 'host.apply' || fw) networkSettings.push(step);
  }
  return (r) => {
    switch (r.kind) {
      case 'service':
        return services.get(r.name) ?? [];
      case 'firewall rule':
        return firewall;
      case 'user':
      case 'group':
      case 'SSH key':
        return hostApply;
      case 'job':
        return schedule;
      case 'volume':
        return targets.get(`volume/${r.name}`) ?? [];
      case 'network':
        return targets.get(`network/${r.name}`) ?? [];
      case 'settings':
        if (r.name === 'storage') return mounts;
        return r.name === 'network' ? networkSettings : r.name === 'manifest' || r.name === 'security' ? hostApply : [];
      default:
        return [];
    }
  };
}

function pushStep(m: Map<string, PlanStep[]>, k: string, step: PlanStep): void {
  const list = m.get(k);
  if (list) list.push(step);
  else m.set(k, [step]);
}

/** The step's service label, which alone decides which service `touches` matches it to. */
function serviceLabel(step: PlanStep): string | undefined {
  const params = step.params as { labels?: Record<string, string>; spec?: { labels?: Record<string, string> } };
  return params.labels?.['claude.os/service'] ?? params.spec?.labels?.['claude.os/service'];
}

/**
 * Every service name `touches` matches a step without a service label to: for a container
 * target `c`, each name n with c = n, c starting with `n-`, ending with `-n` or holding `-n-`
 * (the names between the ends of c and its dashes).
 */
function containerServiceNames(target: string): Set<string> {
  const c = /^container\/(.+)$/.exec(target)?.[1];
  const out = new Set<string>();
  if (c === undefined) return out;
  out.add(c);
  const dashes: number[] = [];
  for (let i = c.indexOf('-'); i >= 0; i = c.indexOf('-', i + 1)) dashes.push(i);
  for (let a = 0; a < dashes.length; a++) {
    out.add(c.slice(0, dashes[a])); // c starts with `n-`
    out.add(c.slice(dashes[a]! + 1)); // c ends with `-n`
    for (let b = a + 1; b < dashes.length; b++) out.add(c.slice(dashes[a]! + 1, dashes[b])); // c holds `-n-`
  }
  return out;
}

/** Whether a plan step carries out a change of this resource. */
export function touches(step: PlanStep, r: { kind: string; name: string }): boolean {
  const target = step.target;
  const params = step.params as { labels?: Record<string, string>; spec?: { labels?: Record<string, string> }; name?: string; jobs?: { name: string }[] };
  switch (r.kind) {
    case 'service': {
      const label = params.labels?.['claude.os/service'] ?? params.spec?.labels?.['claude.os/service'];
      if (label !== undefined) return label === r.name;
      const c = /^container\/(.+)$/.exec(target)?.[1];
      return c !== undefined && (c === r.name || c.startsWith(`${r.name}-`) || c.endsWith(`-${r.name}`) || c.includes(`-${r.name}-`));
    }
    case 'firewall rule':
      return target.startsWith('firewall/');
    case 'user':
    case 'group':
    case 'SSH key':
      return step.op === 'host.apply';
    case 'job':
      return step.op === 'schedule.apply';
    case 'volume':
      return target === `volume/${r.name}`;
    case 'network':
      return target === `network/${r.name}`;
    case 'settings':
      if (r.name === 'storage') return target.startsWith('mount/'); // spec.mounts
      return r.name === 'network' ? step.op === 'host.apply' || target.startsWith('firewall/') : r.name === 'manifest' || r.name === 'security' ? step.op === 'host.apply' : false;
    default:
      return false;
  }
}

/**
 * The review of a plan: its desired files against `baseFiles` (the state files at the plan's
 * base commit; {} when there was none), each resource with the steps that carry it out and
 * their highest risk; steps no resource explains are listed apart. `parsedOf` gives the data of
 * texts the caller has already parsed (the same result, without parsing them again).
 */
export function planReview(payload: Pick<PlanPayload, 'desired' | 'steps' | 'summary' | 'display'>, baseFiles: Readonly<Record<string, string>>, parsedOf?: ParsedOf): PlanReview {
  const changes = stateChanges(baseFiles, payload.desired.files, parsedOf);
  const stepsOf = stepIndex(payload.steps);
  const used = new Set<string>();
  const resources: ResourceChange[] = changes.map((c) => {
    // one pass: the ids, the highest risk (the first of equals) and the steps used
    const ids: string[] = [];
    let risk: PlanStep['risk'] | null = null;
    for (const s of stepsOf(c)) {
      used.add(s.id);
      ids.push(s.id);
      if (risk === null || RISK_ORDER[s.risk]! > RISK_ORDER[risk]!) risk = s.risk;
    }
    return { kind: c.kind, name: c.name, file: c.file, action: c.action, fields: c.fields, risk, steps: ids };
  });
  const display = (payload.display ?? {}) as { exposure?: unknown; warnings?: unknown };
  const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  return {
    resources,
    otherSteps: payload.steps.filter((s) => !used.has(s.id) && s.op !== 'image.ensure').map((s) => ({ id: s.id, description: s.description, risk: s.risk })),
    exposure: strings(display.exposure),
    warnings: strings(display.warnings),
    counts: payload.summary,
  };
}
