/**
 * The planner: a pure function from the resolved desired model and an observed snapshot to
 * a plan payload (schemas/plan.schema.json). No I/O, no clock, no randomness: the clock and
 * the nonce come in through the options, so the same inputs give a byte-identical payload.
 *
 *   plan(desired: ResolvedModel, observed: ObservedState, opts) → PlanPayload
 *
 * Naming. Replica 1 of service `s` is the container `s`; replica n ≥ 2 is `s-n`. Every
 * container is on each of its service's networks with the alias `s`, so replicas share one
 * name (Docker DNS round-robin). Replicas 2 and later publish no host ports.
 *
 * Config hash. `claude.os/config-hash` is the sha256 of the canonical ContainerSpec without
 * `configHash`, without `state` (stopping a service must not replace its container) and
 * without the config-hash label, together with the sha256 of the ciphertext of each secret
 * the container references (a rotated secret replaces the container). A changed hash means
 * container.replace.
 *
 * The step graph is built in the spec's seven phases (docs/plans.md, "Step DAG"); each step
 * lists what it needs in `dependsOn`, and steps are sorted by (phase, depth within the phase,
 * id), which is a topological order. See the comment on each phase below for why it comes
 * where it does.
 */
import { sha256Hex } from '../common/canonical.js';
import { createHash } from 'node:crypto';
import { canonicalJsonFast, inCanonicalOrder, sortKeys, sortKeysDeep } from '../plan/canonical.js';
import { LABEL_BASE_HASH, LABEL_CONFIG_HASH, LABEL_MANAGED, LABEL_REPLICA, LABEL_SECRET_REFS, LABEL_SERVICE } from '../plan/types.js';
import { dangerousMount, mountHolding } from '../plan/trust.js';
import type {
  ContainerSpec,
  HealthSpec,
  JobSpec,
  MountSpec,
  NetworkSpec,
  ObservedContainer,
  ObservedMount,
  ObservedNetwork,
  ObservedState,
  ObservedVolume,
  PlanPayload,
  PlanStep,
  PlanSummary,
  Provenance,
  Risk,
  VolumeSpec,
} from '../plan/types.js';
import { globalFingerprint, mountKey, resourceFingerprints } from '../plan/fingerprint.js';
import { hostFileDigest, normalizeMode, scheduleHash } from '../plan/host-state.js';
import type { ResolvedFirewall, ResolvedModel, ResolvedService } from './model.js';
import { compileFirewall, exposureMap, OPEN_PORTS, type CompiledFirewall, type Exposure, type FirewallSpec } from './firewall.js';
import { DiagnosticSink, DiagnosticsError, type Diagnostic } from './diagnostics.js';

/** Default plan lifetime: one hour (Terraform plans do not expire; ours do, to bound replay and staleness). */
export const DEFAULT_TTL_MS = 60 * 60 * 1000;
/** Health wait when a service has no healthcheck: the container must be running this long at most. */
export const DEFAULT_START_TIMEOUT_MS = 30_000;
/** Seconds Docker waits after SIGTERM before SIGKILL on container.stop. */
export const STOP_TIMEOUT_S = 10;

export interface PlanOptions {
  /** The request text, or a description such as "apply state dir /etc/claude.d". */
  request: string;
  /** The clock, injected. */
  now: Date;
  /** 32–128 lowercase hex characters, from the caller's CSPRNG; the plan id derives from it. */
  nonce: string;
  hostId: string;
  /** Lifetime; default one hour. */
  ttlMs?: number;
  provenance: Omit<Provenance, 'compilerVersion'>;
  compilerVersion: string;
  /** The request explicitly asked to delete data: undeclared volumes are removed with their data. */
  allowDestructive?: boolean;
  /** Diagnostics go here; without a sink, an error throws PlanError. */
  sink?: DiagnosticSink;
  /**
   * Secrets this change generated (a random value nobody has seen, made for the proposal's
   * template): giving one to the single service it was made for is not a grant of an
   * existing secret, so it is not a security step. Given to two or more services, it is.
   */
  freshSecrets?: readonly string[];
}

export class PlanError extends DiagnosticsError {
  constructor(diagnostics: Diagnostic[]) {
    super('plan', diagnostics);
    this.name = 'PlanError';
  }
}

/** Host files whose change is `safe` (hostname, timezone, DNS); a change to any other host file is `security`. */
export const SYSTEM_HOST_FILES: readonly string[] = ['/etc/hostname', '/etc/resolv.conf', '/etc/timezone'];

export interface HostFile {
  path: string;
  content: string;
  mode: string;
}

/** What the plan shows in `display` (never read by apply). */
export interface PlanDisplayInfo {
  /** One line per change, terraform-style (`+`, `~`, `-`, `-/+`). */
  changes: string[];
  /** Proposed-changes lines for the box (services, storage, network, firewall, host). */
  overview: string[];
  /** Published ports of the desired containers and from where they can be reached. */
  exposure: Exposure[];
  /** Resources left alone on purpose (undeclared volumes keep their data). */
  kept: string[];
  warnings: string[];
}

// ── naming and specs ────────────────────────────────────────────────────────────────────

export function containerName(service: string, replica: number): string {
  return replica === 1 ? service : `${service}-${replica}`;
}

/** A step id or resource-key part for a name that may hold characters the schema does not allow (image tags). */
function idPart(s: string, allowUpper: boolean): string {
  // a test first: nearly every name is allowed as it is, and a replace makes a new string to compare
  if (!(allowUpper ? NOT_ID_UPPER : NOT_ID).test(s)) return s;
  const cleaned = s.replace(allowUpper ? /[^A-Za-z0-9._:/@-]/g : /[^a-z0-9._:/@-]/g, '-');
  return cleaned === s ? s : `${cleaned}-${sha256Hex(s).slice(0, 8)}`;
}
const NOT_ID = /[^a-z0-9._:/@-]/;
const NOT_ID_UPPER = /[^A-Za-z0-9._:/@-]/;

/**
 * A step id, as one flat string. A string made with `+` or a template is a rope (a V8 ConsString)
 * once it is 13 characters or longer, and comparing two ropes is a call into the runtime each time:
 * the step ids and resource keys are compared over and over (the sorts of each step's
 * dependencies, sortSteps, the changes by key), so they are joined, which makes a flat string
 * (10,000 services: sortSteps 51 → 36 ms of the main thread; docs/plans.md, session 31).
 */
function stepId(op: string, name: string): string {
  return [op, ':', idPart(name, false)].join('');
}

/** The config hash of a container spec (see the module comment). */
export function containerConfigHash(spec: ContainerSpec, secretDigests: Record<string, string>): string {
  return configHashes(spec, secretDigests, false).configHash;
}

/**
 * The config hash of a container spec and its base hash (the same with `resources: {}`: equal
 * when only memory/CPU changed), byte for byte what containerConfigHash gives for each, from one
 * canonical JSON of the spec: the text before `"resources":` and after it is written once and
 * hashed twice, with the limits and with `{}` between (docs/plans.md, "Fewer allocations while
 * planning"). A spec not in canonical order (an integer-like label key, keys out of order) takes
 * the general path: the canonical JSON of each whole object.
 */
export function containerConfigHashes(spec: ContainerSpec, secretDigests: Record<string, string>): { configHash: string; baseHash: string } {
  const { configHash, baseHash } = configHashes(spec, secretDigests, true);
  return { configHash, baseHash: baseHash! };
}

function configHashes(spec: ContainerSpec, secretDigests: Record<string, string>, withBase: boolean): { configHash: string; baseHash?: string } {
  const general = (): { configHash: string; baseHash?: string } => {
    const { configHash: _h, state: _s, ...rest } = spec;
    const labels = { ...rest.labels };
    delete labels[LABEL_CONFIG_HASH];
    delete labels[LABEL_BASE_HASH];
    const configHash = sha256Hex(canonicalJsonFast({ secrets: secretDigests, spec: { ...rest, labels } }));
    return withBase ? { configHash, baseHash: sha256Hex(canonicalJsonFast({ secrets: secretDigests, spec: { ...rest, labels, resources: {} } })) } : { configHash };
  };
  // the labels without the two hash labels (a copy only when it holds one)
  let labels = spec.labels as ContainerSpec['labels'] | undefined;
  if (labels === null || typeof labels !== 'object' || !Object.hasOwn(spec, 'labels')) return general();
  if (Object.hasOwn(labels, LABEL_CONFIG_HASH) || Object.hasOwn(labels, LABEL_BASE_HASH)) {
    labels = { ...labels };
    delete labels[LABEL_CONFIG_HASH];
    delete labels[LABEL_BASE_HASH];
  }
  // the hashed spec's keys before "resources" and after it, as they come (in order when the spec is)
  const head: Record<string, unknown> = {};
  const tail: Record<string, unknown> = {};
  const hasResources = Object.hasOwn(spec, 'resources');
  for (const k of Object.keys(spec)) {
    if (k === 'configHash' || k === 'state' || k === 'resources') continue;
    (k < 'resources' ? head : tail)[k] = k === 'labels' ? labels : (spec as unknown as Record<string, unknown>)[k];
  }
  const first = { secrets: secretDigests, spec: head };
  if (!inCanonicalOrder(first) || !inCanonicalOrder(tail) || (hasResources && !inCanonicalOrder(spec.resources))) return general();
  // {"secrets":…,"spec":{HEAD  +  ,"resources":R  +  ,TAIL}  +  }   (an empty part without its comma)
  const open = JSON.stringify(first).slice(0, -2);
  const tailJson = JSON.stringify(tail);
  const headEmpty = open.endsWith('{');
  const hash = (resources: string | undefined): string => {
    const h = createHash('sha256').update(open);
    let empty = headEmpty;
    if (resources !== undefined) {
      h.update(empty ? '"resources":' : ',"resources":').update(resources);
      empty = false;
    }
    if (tailJson !== '{}') h.update(empty ? tailJson.slice(1) : ',' + tailJson.slice(1));
    else h.update('}');
    return h.update('}').digest('hex');
  };
  const configHash = hash(hasResources ? JSON.stringify(spec.resources) : undefined);
  return withBase ? { configHash, baseHash: hash('{}') } : { configHash };
}

/** The config-hash digests of a service's secrets, by name; each secret's sha256 is taken once per model. */
function secretDigester(model: ResolvedModel): (svc: ResolvedService) => Record<string, string> {
  const values = new Map<string, string>();
  for (const x of model.secrets) if (!values.has(x.name)) values.set(x.name, x.value);
  const digests = new Map<string, string>();
  return (svc) => {
    const out: Record<string, string> = {};
    for (const name of sortedCopy(svc.secretRefs)) {
      let d = digests.get(name);
      if (d === undefined) {
        const v = values.get(name);
        d = v === undefined ? 'missing' : sha256Hex(v);
        digests.set(name, d);
      }
      out[name] = d;
    }
    return out;
  };
}

/** The ContainerSpecs of the desired state: one per replica of every enabled service, sorted by name. */
export function desiredContainers(model: ResolvedModel): ContainerSpec[] {
  const out: ContainerSpec[] = [];
  const secretDigestsFor = secretDigester(model);
  for (const svc of model.services) if (svc.enabled) serviceContainers(svc, secretDigestsFor(svc), out);
  return out.sort((a, b) => cmp(a.name, b.name));
}

/** The ContainerSpecs of one service (a function of its own: optimised as a whole, not on stack replacement in the loop). */
function serviceContainers(svc: ResolvedService, digests: Record<string, string>, out: ContainerSpec[]): void {
  // Every object is built with its keys in sorted order (the health check, from the
  // model, through sortKeysDeep), so the config hash here and the plan's canonical JSON
  // are written without a replacer (plan/canonical.ts; docs/plans.md). plan/canonical.test.ts
  // checks the planner's payload is in order. What does not depend on the replica is made
  // once per service and shared by its replicas' specs (the same JSON).
  const env = sortRecord(svc.environment);
  const healthcheck = svc.healthcheck ? sortKeysDeep({ ...svc.healthcheck, test: [...svc.healthcheck.test] } as HealthSpec) : null;
  const logs = svc.logs ? clean({ keep: svc.logs.keep, maxBytes: svc.logs.maxBytes }) : undefined;
  // (a list of one is not sorted: the engine's sort of a one-element list was where the loop's
  // optimised code was thrown away, a changed map, and compiled again; docs/plans.md, session 30)
  const mounts = svc.mounts.map((m) => ({ readonly: m.readonly, source: m.source, target: m.target }));
  if (mounts.length > 1) mounts.sort((a, b) => cmp(a.target, b.target));
  const networks = sortedCopy(svc.networks).map((n) => ({ aliases: [svc.name], name: n }));
  const resources = clean({ memoryBytes: svc.resources.memoryBytes, nanoCpus: svc.resources.nanoCpus });
  const secretRefs = sortedCopy(svc.secretRefs);
  // What this loop puts in order by construction (its own literals, sortRecord's keys) needs no
  // walk before the config hash's JSON is written (specHashes): only what it cannot vouch for is
  // checked, once per service: keys a person chose (variables, secret names; an integer-like
  // one cannot be put in order in a JavaScript object), the limits' numbers, and the health
  // check, log settings and command lists from the model (docs/plans.md, session 31).
  const serviceInOrder =
    recordOfStrings(env) &&
    recordOfStrings(digests) &&
    inCanonicalOrder(resources) &&
    (healthcheck === null || inCanonicalOrder(healthcheck)) &&
    (logs === undefined || inCanonicalOrder(logs)) &&
    (svc.command === undefined || inCanonicalOrder(svc.command)) &&
    (svc.entrypoint === undefined || inCanonicalOrder(svc.entrypoint));
  for (let r = 1; r <= svc.replicas; r++) {
    const labels: Record<string, string> = { ...svc.labels };
    labels[LABEL_MANAGED] = 'true';
    labels[LABEL_SERVICE] = svc.name;
    labels[LABEL_REPLICA] = String(r);
    const parts: SpecParts = {
      command: svc.command,
      entrypoint: svc.entrypoint,
      env,
      healthcheck,
      image: svc.resolvedImage,
      labels: sortRecord(labels),
      logs,
      mounts,
      name: containerName(svc.name, r),
      networks,
      ports: portsOf(svc.ports, r),
      replica: r,
      resources,
      restart: svc.restart,
      secretRefs,
      service: svc.name,
      user: svc.user,
      workingDir: svc.workingDir,
    };
    // and the same without the limits: equal when only memory/CPU changed (updated in place)
    const hashes = specHashes(parts, digests, serviceInOrder && recordOfStrings(parts.labels) && portsInOrder(parts.ports));
    if (hashes) {
      out.push(specOf(parts, withHashLabels(parts.labels, hashes.baseHash, hashes.configHash), svc.state, hashes.configHash));
      continue;
    }
    const spec = specOf(parts, parts.labels, svc.state, '');
    const { configHash, baseHash } = containerConfigHashes(spec, digests);
    spec.configHash = configHash;
    spec.labels = sortRecord({ ...spec.labels, [LABEL_BASE_HASH]: baseHash, [LABEL_CONFIG_HASH]: spec.configHash });
    out.push(spec);
  }
}

/** The published ports of replica `r` (host ports on the first only), sorted. */
function portsOf(ports: ResolvedService['ports'], r: number): ContainerSpec['ports'] {
  const out = ports.map((p): ContainerSpec['ports'][number] => (r === 1 ? clean({ container: p.container, host: p.host, hostIp: p.hostIp, protocol: p.protocol }) : { container: p.container, protocol: p.protocol }));
  if (out.length > 1) out.sort((a, b) => a.container - b.container || cmp(a.protocol, b.protocol) || (a.host ?? 0) - (b.host ?? 0));
  return out;
}

/** `xs` copied and sorted (the default order); a list of one or none is only copied. */
function sortedCopy(xs: readonly string[]): string[] {
  return xs.length > 1 ? [...xs].sort() : xs.slice();
}

/**
 * What a ContainerSpec is made of, the config hash and the state aside: its keys in sorted order,
 * so that, the undefined ones left out as JSON.stringify leaves them, it is the spec the config
 * hash is taken over (the module comment) as it is (specHashes).
 */
interface SpecParts {
  command: string[] | undefined;
  entrypoint: string[] | undefined;
  env: ContainerSpec['env'];
  healthcheck: ContainerSpec['healthcheck'];
  image: string;
  labels: ContainerSpec['labels'];
  logs: ContainerSpec['logs'];
  mounts: ContainerSpec['mounts'];
  name: string;
  networks: ContainerSpec['networks'];
  ports: ContainerSpec['ports'];
  replica: number;
  resources: ContainerSpec['resources'];
  restart: ContainerSpec['restart'];
  secretRefs: string[];
  service: string;
  user: string | undefined;
  workingDir: string | undefined;
}

/** The spec of `p` with `configHash` and `state` (its keys in sorted order and none undefined, as `clean` leaves them). */
function specOf(p: SpecParts, labels: ContainerSpec['labels'], state: ContainerSpec['state'], configHash: string): ContainerSpec {
  const o = {} as Record<string, unknown>;
  if (p.command !== undefined) o.command = p.command;
  o.configHash = configHash;
  if (p.entrypoint !== undefined) o.entrypoint = p.entrypoint;
  o.env = p.env;
  o.healthcheck = p.healthcheck;
  o.image = p.image;
  o.labels = labels;
  if (p.logs !== undefined) o.logs = p.logs;
  o.mounts = p.mounts;
  o.name = p.name;
  o.networks = p.networks;
  o.ports = p.ports;
  o.replica = p.replica;
  o.resources = p.resources;
  o.restart = p.restart;
  o.secretRefs = p.secretRefs;
  o.service = p.service;
  if (state !== undefined) o.state = state;
  if (p.user !== undefined) o.user = p.user;
  if (p.workingDir !== undefined) o.workingDir = p.workingDir;
  return o as unknown as ContainerSpec;
}

/**
 * The config hash and the base hash of the spec made of `p`, byte for byte what
 * containerConfigHashes gives for it (the module comment), from one canonical JSON of what is
 * hashed: `{"secrets":…,"spec":{…}}` without configHash and state, then the same text with the
 * limits as `{}` for the base hash (docs/plans.md, "Plan and sign at 10,000 services"). The
 * limits are the last object in that text: only strings and a list of strings come after
 * `resources`, and a `"resources":` inside a string would have its quote escaped. Undefined
 * when the general path must say (the hash labels among the labels, something out of canonical
 * order such as an integer-like label or variable name).
 */
function specHashes(p: SpecParts, secrets: Record<string, string>, inOrder: boolean): { configHash: string; baseHash: string } | undefined {
  if (Object.hasOwn(p.labels, LABEL_CONFIG_HASH) || Object.hasOwn(p.labels, LABEL_BASE_HASH)) return undefined;
  // the parts are the hashed spec (JSON.stringify leaves out what is undefined, as specOf does);
  // `inOrder`: desiredContainers vouches for their order (else they are walked here)
  const first = { secrets, spec: p };
  if (!inOrder && !inCanonicalOrder(first)) return undefined;
  // what comes after the limits holds no key (so the last `"resources":` is theirs)
  if (typeof p.restart !== 'string' || typeof p.service !== 'string' || (p.user !== undefined && typeof p.user !== 'string') || (p.workingDir !== undefined && typeof p.workingDir !== 'string')) return undefined;
  for (const x of p.secretRefs) if (typeof x !== 'string') return undefined;
  const text = JSON.stringify(first);
  const limits = JSON.stringify(p.resources);
  const at = text.lastIndexOf('"resources":') + 12;
  if (at < 12 || !text.startsWith(limits, at)) return undefined;
  return { configHash: sha256Hex(text), baseHash: sha256Hex(text.slice(0, at) + '{}' + text.slice(at + limits.length)) };
}

/**
 * A record of strings whose keys, in the order they come, are in canonical order as
 * sortRecord/secretDigester make them: each value a string, no integer-like key (JavaScript
 * lists those first, whatever the order they were added in), each key after the one before.
 */
function recordOfStrings(o: Record<string, string>): boolean {
  let prev: string | undefined;
  for (const k in o) {
    if (!Object.hasOwn(o, k) || typeof o[k] !== 'string') return false;
    const c = k.charCodeAt(0);
    if (c >= 48 && c <= 57 && INDEX_KEY.test(k)) return false;
    if (prev !== undefined && !(prev < k)) return false;
    prev = k;
  }
  return true;
}
const INDEX_KEY = /^(?:0|[1-9][0-9]*)$/;

/** The published ports as portsOf makes them (its literals, keys in order), with finite numbers. */
function portsInOrder(ports: ContainerSpec['ports']): boolean {
  for (const p of ports) {
    if (typeof p.container !== 'number' || !Number.isFinite(p.container)) return false;
    if (p.host !== undefined && (typeof p.host !== 'number' || !Number.isFinite(p.host))) return false;
    if (typeof p.protocol !== 'string' || (p.hostIp !== undefined && typeof p.hostIp !== 'string')) return false;
  }
  return true;
}

/** `labels` (in order, without the two hash labels) with the base hash and the config hash put in their places. */
function withHashLabels(labels: Record<string, string>, baseHash: string, configHash: string): Record<string, string> {
  const out: Record<string, string> = {};
  let base = false;
  let config = false;
  for (const k in labels) {
    if (!Object.hasOwn(labels, k)) continue;
    if (!base && k > LABEL_BASE_HASH) {
      out[LABEL_BASE_HASH] = baseHash;
      base = true;
    }
    if (!config && k > LABEL_CONFIG_HASH) {
      out[LABEL_CONFIG_HASH] = configHash;
      config = true;
    }
    if (k === '__proto__') Object.defineProperty(out, k, { value: labels[k]!, enumerable: true, writable: true, configurable: true });
    else out[k] = labels[k]!;
  }
  if (!base) out[LABEL_BASE_HASH] = baseHash;
  if (!config) out[LABEL_CONFIG_HASH] = configHash;
  return out;
}

export function desiredNetworks(model: ResolvedModel): NetworkSpec[] {
  return model.networks
    .map((n) => clean({ driver: n.driver, internal: n.internal, labels: { [LABEL_MANAGED]: 'true' }, name: n.name, subnet: n.subnet }))
    .sort((a, b) => cmp(a.name, b.name));
}

export function desiredVolumes(model: ResolvedModel): VolumeSpec[] {
  return model.volumes
    .map((v) => clean({ name: v.name, owner: v.owner, path: v.path, permissions: v.permissions ? normalizeMode(v.permissions) : undefined })) // keys in order (addInOrder)
    .sort((a, b) => cmp(a.name, b.name));
}

/** The scheduled jobs as the runtime's schedule table (enabled jobs, sorted by name). */
export function desiredJobs(model: ResolvedModel): JobSpec[] {
  return model.jobs
    .filter((j) => j.enabled)
    .map((j): JobSpec =>
      clean({
        name: j.name,
        schedule: j.schedule,
        container: j.container,
        image: j.resolvedImage ?? j.image,
        command: [...j.command],
        mounts: j.mounts.map((m) => ({ source: m.source, target: m.target, readonly: m.readonly })),
        timeoutMs: j.timeoutMs,
        onFailure: j.onFailure,
        onSuccess: j.onSuccess,
      }),
    )
    .concat(
      (model.backups ?? []).map((b): JobSpec => ({
        name: `backup-${b.volume}`,
        schedule: b.schedule,
        command: [],
        timeoutMs: BACKUP_TIMEOUT_MS,
        backup: clean({ volume: b.volume, path: b.path, type: b.type, engine: b.engine, services: [...b.services], retain: b.retain, destination: b.destination }),
      })),
    )
    .sort((a, b) => cmp(a.name, b.name));
}

/** How long one scheduled backup may take before it is stopped (docs/backups.md). */
export const BACKUP_TIMEOUT_MS = 6 * 3_600_000;

/** The written firewall section for the firewall compiler. */
export function firewallSpecOf(fw: ResolvedFirewall | null): FirewallSpec {
  if (!fw) return { enabled: false };
  return {
    enabled: fw.enabled,
    default_input_policy: fw.defaultInputPolicy,
    default_output_policy: fw.defaultOutputPolicy,
    default_forward_policy: fw.defaultForwardPolicy,
    rules: fw.rules,
  };
}

/**
 * Host files from manifest/network (hostname, timezone, DNS: the "system" group) and from
 * security.yaml (users, SSH keys, sudo, sshd settings: the "security" group). Paths are
 * logical; the runtime writes them under CLAUDE_ROOT.
 */
export function desiredHostFiles(model: ResolvedModel): { system: HostFile[]; security: HostFile[] } {
  const system: HostFile[] = [];
  if (model.hostname) system.push({ path: '/etc/hostname', content: model.hostname + '\n', mode: '0644' });
  if (model.timezone) system.push({ path: '/etc/timezone', content: model.timezone + '\n', mode: '0644' });
  if (model.dns && (model.dns.nameservers.length || model.dns.search.length)) {
    const lines = ['# Written by Claude.OS from network.yaml; edits are overwritten.'];
    for (const ns of model.dns.nameservers) lines.push(`nameserver ${ns}`);
    if (model.dns.search.length) lines.push(`search ${model.dns.search.join(' ')}`);
    system.push({ path: '/etc/resolv.conf', content: lines.join('\n') + '\n', mode: '0644' });
  }
  const security: HostFile[] = [];
  const users = [...model.users].sort((a, b) => cmp(a.name, b.name));
  if (users.length) {
    const table = users.map((u) => clean({ name: u.name, uid: u.uid, groups: u.groups ? [...u.groups].sort() : [], shell: u.shell ?? '/bin/sh', sudo: u.sudo === true }));
    security.push({ path: '/etc/claude/users.json', content: JSON.stringify({ users: table }, null, 2) + '\n', mode: '0644' });
    for (const u of users) {
      if (u.ssh_keys?.length) security.push({ path: `/home/${u.name}/.ssh/authorized_keys`, content: u.ssh_keys.join('\n') + '\n', mode: '0600' });
    }
    const sudoers = users.filter((u) => u.sudo === true);
    if (sudoers.length) security.push({ path: '/etc/sudoers.d/claude', content: sudoers.map((u) => `${u.name} ALL=(ALL:ALL) ALL`).join('\n') + '\n', mode: '0440' });
  }
  if (model.ssh && Object.keys(model.ssh).length) {
    const lines = ['# Written by Claude.OS from security.yaml; edits are overwritten.'];
    if (model.ssh.port !== undefined) lines.push(`Port ${model.ssh.port}`);
    if (model.ssh.password_authentication !== undefined) lines.push(`PasswordAuthentication ${model.ssh.password_authentication ? 'yes' : 'no'}`);
    if (model.ssh.permit_root_login !== undefined) lines.push(`PermitRootLogin ${model.ssh.permit_root_login ? 'yes' : 'no'}`);
    security.push({ path: '/etc/ssh/sshd_config.d/claude.conf', content: lines.join('\n') + '\n', mode: '0644' });
  }
  const byPath = (a: HostFile, b: HostFile) => cmp(a.path, b.path);
  return { system: system.sort(byPath), security: security.sort(byPath) };
}

/** How long a start may take to become healthy: start period + (interval + timeout) × (retries + 1), at least 30 s. */
export function healthTimeoutMs(h: ContainerSpec['healthcheck']): number {
  if (!h) return DEFAULT_START_TIMEOUT_MS;
  return Math.max(DEFAULT_START_TIMEOUT_MS, h.startPeriodMs + (h.intervalMs + h.timeoutMs) * (h.retries + 1));
}

// ── the planner ─────────────────────────────────────────────────────────────────────────

type Kind = 'network' | 'volume' | 'image' | 'container' | 'firewall' | 'host' | 'schedule' | 'mount';
type Change = 'create' | 'update' | 'delete';

interface Draft {
  step: PlanStep;
}

function isUp(c: ObservedContainer): boolean {
  return c.status === 'running' || c.status === 'restarting' || c.status === 'paused';
}

function networkDiffers(want: NetworkSpec, have: ObservedNetwork): boolean {
  return want.driver !== have.driver || want.internal !== have.internal || (want.subnet !== undefined && want.subnet !== have.subnet);
}

function volumeSpecOf(v: ObservedVolume): VolumeSpec {
  return clean({ name: v.name, path: v.path, permissions: v.permissions ? normalizeMode(v.permissions) : undefined, owner: v.owner });
}

function volumeDiffers(want: VolumeSpec, have: ObservedVolume): boolean {
  if (!have.exists || want.path !== have.path) return true;
  if (want.permissions !== undefined && want.permissions !== (have.permissions ? normalizeMode(have.permissions) : undefined)) return true;
  if (want.owner !== undefined && want.owner !== have.owner) return true;
  return false;
}

/** The secrets each service's running managed containers hold (LABEL_SECRET_REFS), by service. */
function secretsHeld(observed: ObservedState['containers']): Map<string, Set<string>> {
  const held = new Map<string, Set<string>>();
  for (const c of observed) {
    if (!c.managed || c.service === undefined) continue;
    let set = held.get(c.service);
    if (!set) held.set(c.service, (set = new Set()));
    for (const n of (c.labels[LABEL_SECRET_REFS] ?? '').split(',')) if (n) set.add(n);
  }
  return held;
}

/**
 * What a container step grants beyond an ordinary container, as text appended to its
 * description ('' when nothing): dangerous host mounts (plan/trust.ts; the compiler only
 * lets them through when manifest.yaml allows them) and secrets its service's running
 * containers were not given (LABEL_SECRET_REFS).
 */
function grantsOf(spec: ContainerSpec, heldBy: ReadonlyMap<string, ReadonlySet<string>>, exempt?: ReadonlySet<string>): string {
  // arrays only when something is granted (nearly never): no garbage per container
  let mounts: string[] | undefined;
  for (const m of spec.mounts) {
    const why = dangerousMount(m.source);
    if (why) (mounts ??= []).push(`${m.source} (${why})`);
  }
  const held = heldBy.get(spec.service);
  let fresh: string[] | undefined;
  for (const n of spec.secretRefs ?? []) if (!held?.has(n) && !exempt?.has(n)) (fresh ??= []).push(n);
  if (!mounts && !fresh) return '';
  const parts: string[] = [];
  if (mounts) parts.push(`mounts host path ${mounts.join(', ')}`);
  if (fresh) parts.push(`gives service ${spec.service} the secret${fresh.length === 1 ? '' : 's'} ${fresh.join(', ')}, which it did not have`);
  return `; ${parts.join('; ')}`;
}

export function plan(desired: ResolvedModel, observed: ObservedState, opts: PlanOptions): PlanPayload {
  const sink = opts.sink ?? new DiagnosticSink();
  const steps = new Map<string, PlanStep>();
  const changes = new Map<string, { kind: Kind; change: Change; line: string }>();
  // Each step is kept with its keys in sorted order (a short-lived copy of what is not), so
  // signing writes the payload's canonical JSON without a replacer (plan/canonical.ts).
  const add = (step: PlanStep): PlanStep => {
    if (steps.has(step.id)) throw new Error(`planner bug: duplicate step id ${step.id}`);
    const s = sortedStep(step, inOrder);
    steps.set(s.id, s);
    return s;
  };
  // The steps made for every service and volume (volume.create, image.ensure, container.create,
  // container.start) are written with their keys in sorted order, and their params and inverse
  // too: kept as they are, without sortedStep's copy and walk (30,000 steps at 10,000 services;
  // docs/plans.md, "Plan and sign at 10,000 services"). Signing checks the order all the same
  // (plan/canonical.ts inCanonicalOrder), and plan/canonical.test.ts that the planner keeps it.
  const addInOrder = (step: PlanStep): PlanStep => {
    if (steps.has(step.id)) throw new Error(`planner bug: duplicate step id ${step.id}`);
    steps.set(step.id, step);
    return step;
  };
  const record = (key: string, kind: Kind, change: Change, line: string) => changes.set(key, { kind, change, line });
  const display: PlanDisplayInfo = { changes: [], exposure: [], kept: [], overview: [], warnings: [] };

  const services = new Map(desired.services.map((s) => [s.name, s]));
  const containers = desiredContainers(desired);
  const inOrder = new Set<unknown>(containers); // built in key order, not changed after
  const networks = desiredNetworks(desired);
  const volumes = desiredVolumes(desired);
  const jobs = desiredJobs(desired);

  const obsContainers = new Map(observed.containers.map((c) => [c.name, c]));
  const obsNetworks = new Map(observed.networks.map((n) => [n.name, n]));
  const obsVolumes = new Map(observed.volumes.map((v) => [v.name, v]));
  const wantNames = new Set(containers.map((c) => c.name));
  const specsByService = new Map<string, ContainerSpec[]>();
  for (const c of containers) pushTo(specsByService, c.service, c);
  const specByName = new Map(containers.map((c) => [c.name, c]));
  // A secret generated for this change is exempt from the grant rule only while one service holds it.
  const holders = new Map<string, Set<string>>();
  for (const c of containers) for (const n of c.secretRefs ?? []) holders.set(n, (holders.get(n) ?? new Set()).add(c.service));
  const freshExempt = new Set((opts.freshSecrets ?? []).filter((n) => (holders.get(n)?.size ?? 0) === 1));
  const imagesPresent = new Set(observed.images);
  const unmanaged = observed.containers.filter((c) => !c.managed);
  const dependentsOf = new Map<string, string[]>();
  for (const s of desired.services) for (const d of s.dependsOn) pushTo(dependentsOf, d, s.name);

  // ── checks that make the plan impossible ──────────────────────────────────────────
  for (const s of desired.services) if (s.name.length < 2) sink.report('CLA4006', undefined, { service: s.name });
  for (const c of containers) {
    if (c.replica > 1 && services.has(c.name)) sink.report('CLA4004', undefined, { name: c.name, replica: c.replica, service: c.service, other: c.name });
    const o = obsContainers.get(c.name);
    if (o && !o.managed) sink.report('CLA4001', undefined, { name: c.name, service: c.service });
    for (const p of c.ports) {
      if (p.host === undefined) continue;
      for (const u of unmanaged) {
        const clash = u.ports.find((q) => q.host === p.host && q.protocol === p.protocol && (!p.hostIp || !q.hostIp || q.hostIp === '0.0.0.0' || q.hostIp === '::' || q.hostIp === p.hostIp));
        if (clash) sink.report('CLA4002', undefined, { service: c.service, port: p.host, protocol: p.protocol, container: u.name });
      }
    }
  }
  for (const n of networks) {
    const o = obsNetworks.get(n.name);
    if (o && !o.managed) sink.report('CLA4003', undefined, { name: n.name });
  }
  if (sink.hasErrors() && !opts.sink) throw new PlanError(sink.sorted());

  // ── phase 1: networks. Containers are created attached to them, so they come first. ──
  const recreatedNetworks = new Set<string>();
  for (const n of networks) {
    const o = obsNetworks.get(n.name);
    if (o && !o.managed) continue;
    if (!o) {
      add({ id: stepId('network.create', n.name), op: 'network.create', target: `network/${n.name}`, params: n, dependsOn: [], risk: 'safe', phase: 1, inverse: { op: 'network.remove', params: n }, description: `Create network '${n.name}'` });
      record(`network/${n.name}`, 'network', 'create', `+ network ${n.name}${n.internal ? ' (internal)' : ''}`);
    } else if (networkDiffers(n, o)) {
      recreatedNetworks.add(n.name);
    }
  }

  // ── phase 2, first: storage mounts (storage.yaml spec.mounts). Volumes and bind-mount
  //    sources may live on them, so they come before the volume directories; one after the
  //    other (by target), so a parent is mounted before a mount inside it and two mkfs never
  //    compete for the disk. Whether a device gets formatted only the runtime can see (it
  //    probes the device at apply, and never formats one that holds the declared type), so a
  //    mount with format: true that is not in place yet is a destructive step: approved
  //    explicitly (V9), queued by the reconciler. ─────────────────────────────────────────
  const obsMounts = new Map((observed.mounts ?? []).map((m) => [m.target, m]));
  const mountIds = new Map<string, string>();
  let lastMount: string | undefined;
  for (const m of desired.mounts) {
    const o = obsMounts.get(m.target);
    const sameDevice = !!o && o.source === m.source && o.type === m.type;
    const same = sameDevice && o.options.join(',') === m.options.join(',') && (o.format ?? false) === m.format;
    if (same && o.mounted && o.fstab) continue;
    const previous = o && !same ? observedMountSpec(o) : undefined;
    const inPlace = sameDevice && o.mounted;
    const risk: Risk = m.format && !inPlace ? 'destructive' : previous && o?.mounted && !sameDevice ? 'disruptive' : 'safe';
    const id = stepId('mount.apply', m.target);
    const what = `${m.source} at ${m.target} (${m.type}, ${m.options.join(',')})`;
    const why = !o ? '' : same ? (o.mounted ? ' (its fstab line is missing)' : ' (it is not mounted)') : ` (was ${describeMountChange(o, m)})`;
    const format = risk === 'destructive' ? `; FORMAT ${m.source} as ${m.type} first unless it already holds ${m.type}: this ERASES ALL DATA on it` : '';
    add({
      id,
      op: 'mount.apply',
      target: mountKey(m.target),
      params: previous ? { mount: m, previous } : { mount: m },
      dependsOn: lastMount ? [lastMount] : [],
      risk,
      phase: 2,
      inverse: previous ? { op: 'mount.apply', params: { mount: previous } } : { op: 'mount.remove', params: { mount: m } },
      description: `${previous && !same ? 'Change the mount of' : 'Mount'} ${what}${why} and write it to /etc/fstab${format}`,
    });
    record(mountKey(m.target), 'mount', o ? 'update' : 'create', `${o ? '~' : '+'} mount ${what}${why}${m.format && risk === 'destructive' ? ' [may format]' : ''}`);
    mountIds.set(m.target, id);
    lastMount = id;
  }
  const mountStepFor = (path: string): string | undefined => {
    const on = mountHolding(desired.mounts, path);
    return on ? mountIds.get(on.target) : undefined;
  };

  // ── phase 2: volumes (host directories). Containers mount them. ──────────────────────
  const volumeStepIds = new Map<string, string>(); // volume name → its volume.create step
  for (const v of volumes) {
    const o = obsVolumes.get(v.name);
    if (!o || !o.exists) {
      // a recorded volume whose directory is gone: undone by restoring the snapshot (the record as it was)
      const inverse = o ? null : { op: 'volume.remove' as const, params: { deleteData: false, volume: v } };
      const onMount = mountStepFor(v.path);
      const id = stepId('volume.create', v.name);
      const target = ['volume/', v.name].join(''); // the step's target and the change's key: one string, flat (stepId)
      addInOrder({ dependsOn: onMount ? [onMount] : [], description: `Create volume '${v.name}' at ${v.path}${o ? ' (its directory is missing)' : ''}`, id, inverse, op: 'volume.create', params: v, phase: 2, risk: 'safe', target });
      volumeStepIds.set(v.name, id);
      record(target, 'volume', 'create', `+ volume ${v.name} (${v.path})`);
    } else if (volumeDiffers(v, o)) {
      const old = volumeSpecOf(o);
      const onMount = mountStepFor(v.path);
      const id = stepId('volume.create', v.name);
      add({ id, op: 'volume.create', target: `volume/${v.name}`, params: v, dependsOn: onMount ? [onMount] : [], risk: 'safe', phase: 2, inverse: { op: 'volume.create', params: old }, description: `Update volume '${v.name}' (${describeVolumeChange(old, v)})` });
      volumeStepIds.set(v.name, id);
      record(`volume/${v.name}`, 'volume', 'update', `~ volume ${v.name} (${describeVolumeChange(old, v)})`);
    }
  }

  // ── decide what happens to each container ─────────────────────────────────────────
  /** `limits`: only memory/CPU changed (the base hash label is equal): updated in place, no restart. */
  type Fate = { spec: ContainerSpec; action: 'create' | 'replace' | 'limits' | 'start' | 'stop' | 'none'; obs?: ObservedContainer };
  const fates: Fate[] = [];
  const digestsOf = secretDigester(desired);
  /** The config hash of `spec` with other labels (describeContainerChange, restartTakenBack). */
  const rehashOf = (spec: ContainerSpec): Rehash | undefined => {
    const svc = services.get(spec.service);
    return svc ? (labels) => containerConfigHash({ ...spec, labels }, digestsOf(svc)) : undefined;
  };
  for (const spec of containers) {
    const o = obsContainers.get(spec.name);
    if ((o && !o.managed) || spec.name.length < 2) continue;
    const onRecreated = spec.networks.some((n) => recreatedNetworks.has(n.name));
    if (!o) fates.push({ spec, action: 'create' });
    else if ((o.configHash !== spec.configHash && !restartTakenBack(o, spec, rehashOf(spec))) || onRecreated) fates.push({ spec, action: !onRecreated && onlyLimitsDiffer(o, spec) ? 'limits' : 'replace', obs: o });
    else if (spec.state === 'running' && !isUp(o)) fates.push({ spec, action: 'start', obs: o });
    else if (spec.state === 'stopped' && isUp(o)) fates.push({ spec, action: 'stop', obs: o });
    else fates.push({ spec, action: 'none', obs: o });
  }
  const orphans = observed.containers.filter((c) => c.managed && !wantNames.has(c.name)).sort((a, b) => cmp(a.name, b.name));

  // ── phase 3: images needed by a create or replace (and by scheduled jobs, below). ───
  const imageSteps = new Map<string, string>();
  const ensureImage = (ref: string, requested: string): string => {
    const existing = imageSteps.get(ref);
    if (existing) return existing;
    const id = stepId('image.ensure', ref);
    addInOrder({ dependsOn: [], description: `Ensure image ${ref}${requested !== ref ? ` (for ${requested})` : ''} is present`, id, inverse: null, op: 'image.ensure', params: { pull: desired.images.pull, ref, requested }, phase: 3, risk: 'safe', target: `image/${idPart(ref, true)}` });
    if (!imagesPresent.has(ref)) record(`image/${ref}`, 'image', 'create', `+ image ${ref}`);
    imageSteps.set(ref, id);
    return id;
  };
  for (const f of [...fates].sort((a, b) => cmp(a.spec.name, b.spec.name))) {
    if (f.action === 'create' || f.action === 'replace') ensureImage(f.spec.image, services.get(f.spec.service)?.image ?? f.spec.image);
  }

  // ── phase 4: stop what is replaced, removed or set to stopped. Dependents stop before
  //    their dependencies, so nothing keeps talking to a stopped backend. ───────────────
  const stopIds = new Map<string, string>();
  const stopFor = (name: string, why: string, risk: Risk): string => {
    const id = stepId('container.stop', name);
    add({ id, op: 'container.stop', target: `container/${name}`, params: { name, timeoutS: STOP_TIMEOUT_S }, dependsOn: [], risk, phase: 4, inverse: { op: 'container.start', params: { name, waitHealthy: false, healthTimeoutMs: 0 } }, description: `Stop container '${name}' (${why})` });
    stopIds.set(name, id);
    return id;
  };
  for (const f of fates) {
    if (f.action === 'replace' && f.obs && isUp(f.obs)) stopFor(f.spec.name, 'to replace it', 'disruptive');
    if (f.action === 'stop') {
      stopFor(f.spec.name, 'service state: stopped', 'disruptive');
      record(`container/${f.spec.name}`, 'container', 'update', `~ container ${f.spec.name}: running → stopped`);
    }
  }
  const disabled = new Set(desired.services.filter((s) => !s.enabled).map((s) => s.name));
  const orphanWhy = (c: ObservedContainer): string =>
    c.service && disabled.has(c.service) ? `service '${c.service}' is disabled` : c.service && services.has(c.service) ? `service '${c.service}' scaled down` : 'no longer declared';
  for (const c of orphans) if (isUp(c)) stopFor(c.name, orphanWhy(c), 'disruptive');
  // dependents first: the stop of a dependency waits for the stops of its dependents' containers
  const stopsByService = new Map<string, string[]>();
  for (const [name, id] of stopIds) {
    const svcName = specByName.get(name)?.service ?? obsContainers.get(name)?.service;
    if (svcName) pushTo(stopsByService, svcName, id);
  }
  for (const [name, id] of stopIds) {
    const svcName = specByName.get(name)?.service ?? obsContainers.get(name)?.service;
    if (!svcName) continue;
    const deps = new Set<string>();
    for (const dependent of dependentsOf.get(svcName) ?? []) for (const d of stopsByService.get(dependent) ?? []) if (d !== id) deps.add(d);
    steps.get(id)!.dependsOn = [...deps].sort();
  }
  // a network whose settings changed is recreated here, once the containers on it are stopped
  const networkCreateIds = new Map<string, string>();
  for (const n of networks) if (steps.has(stepId('network.create', n.name))) networkCreateIds.set(n.name, stepId('network.create', n.name));
  for (const name of [...recreatedNetworks].sort()) {
    const want = networks.find((n) => n.name === name)!;
    const have = obsNetworks.get(name)!;
    const old = observedNetworkSpec(have);
    const rm = add({ id: stepId('network.remove', name), op: 'network.remove', target: `network/${name}`, params: old, dependsOn: [...stopIds.values()].sort(), risk: 'disruptive', phase: 4, inverse: { op: 'network.create', params: old }, description: `Remove network '${name}' to recreate it with new settings` });
    const cr = add({ id: stepId('network.create', name), op: 'network.create', target: `network/${name}`, params: want, dependsOn: [rm.id], risk: 'disruptive', phase: 4, inverse: { op: 'network.remove', params: want }, description: `Recreate network '${name}' (${describeNetworkChange(have, want)})` });
    networkCreateIds.set(name, cr.id);
    record(`network/${name}`, 'network', 'update', `-/+ network ${name} (${describeNetworkChange(have, want)})`);
  }

  // ── phase 5: firewall and host files, after the stops and before anything starts, so
  //    new containers come up behind the new rules. ─────────────────────────────────────
  const phase5: string[] = [];
  const fwSpec = firewallSpecOf(desired.firewall);
  let compiled: CompiledFirewall | undefined;
  if (fwSpec.enabled !== false) {
    compiled = compileFirewall(fwSpec, opts.sink ? { sink: opts.sink } : {});
    if (observed.firewall.hash !== compiled.hash) {
      const id = 'firewall.apply:inet-claude';
      add({ id, op: 'firewall.apply', target: 'firewall/inet-claude', params: { ruleset: compiled.ruleset, hash: compiled.hash, confirmTimeoutMs: desired.safety.confirmTimeoutMs, ...((compiled.policies.input === 'accept' && (desired.firewall?.inputAcceptSaid || observed.firewall.inputPolicy === 'drop')) || acceptsEveryPort(compiled) ? { opensEveryPort: true as const } : {}) }, dependsOn: [...stopIds.values()].sort(), risk: 'security', phase: 5, inverse: null, description: `${observed.firewall.present ? 'Replace' : 'Load'} the firewall table inet claude (${compiled.rules.length} rules, input policy ${compiled.policies.input})` });
      phase5.push(id);
      record('firewall/inet-claude', 'firewall', observed.firewall.present ? 'update' : 'create', `${observed.firewall.present ? '~' : '+'} firewall inet claude (input policy ${compiled.policies.input}, ${compiled.rules.length} rules)`);
    }
  } else if (observed.firewall.present) {
    const id = 'firewall.remove:inet-claude';
    add({ id, op: 'firewall.remove', target: 'firewall/inet-claude', params: { confirmTimeoutMs: desired.safety.confirmTimeoutMs, ...(observed.firewall.inputPolicy === 'drop' ? { opensEveryPort: true as const } : {}) }, dependsOn: [...stopIds.values()].sort(), risk: 'security', phase: 5, inverse: null, description: `Remove the firewall table inet claude (the firewall is disabled or not declared${observed.firewall.inputPolicy === 'drop' ? '; its input policy drop goes: every port opens' : ''})` });
    phase5.push(id);
    record('firewall/inet-claude', 'firewall', 'delete', '- firewall inet claude');
  }
  // One host.apply step carries every desired host file (the runtime's record is exactly the
  // files of the last host.apply); its risk is security when a security file changes.
  const hostFiles = desiredHostFiles(desired);
  const allHostFiles = [...hostFiles.system, ...hostFiles.security].sort((a, b) => cmp(a.path, b.path));
  const observedHost = observed.hostFiles ?? {};
  const changedHost = allHostFiles.filter((f) => observedHost[f.path] !== hostFileDigest(f.content, f.mode));
  const staleHost = Object.keys(observedHost).filter((p) => !allHostFiles.some((f) => f.path === p)).sort();
  if (changedHost.length || staleHost.length) {
    const id = 'host.apply:files';
    const touchesSecurity = [...changedHost.map((f) => f.path), ...staleHost].some((p) => !SYSTEM_HOST_FILES.includes(p));
    const what = [...changedHost.map((f) => `${observedHost[f.path] ? 'update' : 'write'} ${f.path}`), ...staleHost.map((p) => `remove ${p}`)];
    const params = staleHost.length ? { files: allHostFiles, remove: staleHost } : { files: allHostFiles };
    add({ id, op: 'host.apply', target: 'host/files', params, dependsOn: [], risk: touchesSecurity ? 'security' : 'safe', phase: 5, inverse: null, description: `Apply host files${touchesSecurity ? ' (users, SSH keys, sudo or sshd change)' : ''}: ${what.join(', ')}` });
    phase5.push(id);
    const had = Object.keys(observedHost).length > 0;
    record('host/files', 'host', allHostFiles.length === 0 ? 'delete' : had ? 'update' : 'create', `${allHostFiles.length === 0 ? '-' : had ? '~' : '+'} host files: ${what.join(', ')}`);
  }

  // ── phase 6: create, replace and start containers, a service's start after everything it
  //    depends_on is started (and healthy). No levels: the runtime starts each step as soon
  //    as its own dependencies are done (runtime/apply.ts, the DAG walk). ──────
  const volByName = new Map(volumes.map((v) => [v.name, v]));
  const volByPath = new Map(volumes.map((v) => [v.path, v]));
  const volumeIdFor = (source: string, declared?: string): string | undefined => {
    const v = (declared !== undefined ? volByName.get(declared) : undefined) ?? volByPath.get(source);
    return v && volumeStepIds.get(v.name);
  };
  const startsByService = new Map<string, string[]>(); // service → its containers' start step ids
  const startedServiceSteps = (svc: string): string[] => startsByService.get(svc) ?? [];
  const fateByName = new Map(fates.map((f) => [f.spec.name, f]));
  const heldSecrets = secretsHeld(observed.containers);
  // the containers stopped in phase 4, by each host port they publish
  const stopsByHostPort = new Map<string, { name: string; id: string }[]>();
  for (const [name, id] of stopIds) for (const p of obsContainers.get(name)?.ports ?? []) if (p.host !== undefined) pushTo(stopsByHostPort, `${p.host}/${p.protocol}`, { name, id });
  // services in topological order of depends_on (Kahn, ties by name)
  // One container's steps: a function of its own, so that it is optimised (plan() is too large
  // for the optimising compiler, so its own loops run as baseline code; docs/plans.md, session 31).
  const containerSteps = (svc: ResolvedService, spec: ContainerSpec): void => {
    const f = fateByName.get(spec.name);
    if (!f || f.action === 'none' || f.action === 'stop') return;
    // lists, not sets: a handful of ids each, sorted once (two Sets and their spreads per container before),
    // in place by insertion (sortKeys): the engine's sort makes a work copy of each list, 8.6 MB of
    // the 265 MB a 10,000-service plan+sign allocates (docs/plans.md, "Session 32")
    const needs: string[] = phase5.slice();
    const target = ['container/', spec.name].join(''); // the steps' target and the change's key: one string, flat (stepId)
    // A container stopped in phase 4 (an orphan, a replaced one) may hold a host port this
    // one publishes: bind it only after that stop.
    if (stopsByHostPort.size > 0) {
      for (const p of spec.ports) {
        if (p.host === undefined) continue;
        for (const stop of stopsByHostPort.get(`${p.host}/${p.protocol}`) ?? []) if (stop.name !== spec.name) addNew(needs, stop.id);
      }
    }
    for (const n of spec.networks) {
      const id = networkCreateIds.get(n.name);
      if (id) addNew(needs, id);
    }
    for (const m of svc.mounts) {
      const id = volumeIdFor(m.source, m.volume);
      if (id) addNew(needs, id);
      const mountId = mountIds.size ? mountStepFor(m.source) : undefined;
      if (mountId) addNew(needs, mountId);
    }
    // The starts of what it depends_on (each waits until its container is healthy).
    const depStarts: string[] = [];
    for (const dep of svc.dependsOn) for (const id of startedServiceSteps(dep)) depStarts.push(id);
    let startDeps: string[];
    if (f.action === 'limits') {
      // Memory/CPU only: `docker update` on the running container (runtime/apply.ts), no stop,
      // no new image, no start; the runtime replaces it instead when the engine cannot.
      const limits = limitsText(spec.resources);
      add({ id: stepId('container.replace', spec.name), op: 'container.replace', target, params: { spec, oldConfigHash: f.obs?.configHash ?? '', healthTimeoutMs: healthTimeoutMs(spec.healthcheck), limitsOnly: true }, dependsOn: sortKeys(needs), risk: 'disruptive', phase: 6, inverse: { op: 'container.replace', params: { name: spec.name, restoreOld: true, oldConfigHash: f.obs?.configHash ?? '', configHash: spec.configHash } }, description: `Update the limits of container '${spec.name}' (${limits}): in place where the engine can, and it keeps running; else it is recreated` });
      record(target, 'container', 'update', `~ container ${spec.name}: limits (${limits}), in place where the engine can`);
      return;
    } else if (f.action === 'create' || f.action === 'replace') {
      addNew(needs, imageSteps.get(spec.image)!);
      const stop = stopIds.get(spec.name);
      if (stop) addNew(needs, stop);
      const id = stepId(`container.${f.action}`, spec.name);
      // Trust boundary (plan/trust.ts): a dangerous host mount, or a secret the service
      // did not hold before, makes the step a security one that names what it grants.
      const grants = grantsOf(spec, heldSecrets, freshExempt);
      // A new container is created while its dependencies are still starting (only its start
      // waits for them to be healthy): a create needs no address of theirs (peers are found
      // by name, through the engine's DNS or the per-container hosts file kept up to date at
      // each create), so it comes off the critical path. Except when its environment holds a
      // secret: a decrypted value goes into the engine only once the container is about to
      // start. A replace stops the old container, so it waits as a start does.
      const createNeeds = needs.slice();
      if (f.action === 'replace' || (spec.secretRefs ?? []).length > 0) for (const d of depStarts) addNew(createNeeds, d);
      sortKeys(createNeeds);
      if (f.action === 'create') {
        addInOrder({ dependsOn: createNeeds, description: `Create container '${spec.name}' from ${spec.image}${grants}`, id, inverse: { op: 'container.remove', params: { configHash: spec.configHash, name: spec.name } }, op: 'container.create', params: spec, phase: 6, risk: grants ? 'security' : 'safe', target });
        record(target, 'container', 'create', `+ container ${spec.name} (${spec.image})${portsText(spec)}${spec.state === 'stopped' ? ' [stopped]' : ''}`);
      } else {
        const oldHash = f.obs?.configHash ?? '';
        const why = oldHash === spec.configHash ? undefined : describeContainerChange(f.obs, spec, rehashOf(spec));
        add({ id, op: 'container.replace', target, params: { spec, oldConfigHash: oldHash, healthTimeoutMs: healthTimeoutMs(spec.healthcheck) }, dependsOn: createNeeds, risk: grants ? 'security' : 'disruptive', phase: 6, inverse: { op: 'container.replace', params: { name: spec.name, restoreOld: true, oldConfigHash: oldHash, configHash: spec.configHash } }, description: `Replace container '${spec.name}' (${why ?? 'its network is recreated'})${grants}` });
        record(target, 'container', 'update', `-/+ container ${spec.name} (${spec.image}) (${why ?? 'network recreated'})`);
      }
      // after its own create, and after what depends_on names when the create did not wait for it
      startDeps = [id];
      for (const d of depStarts) if (!createNeeds.includes(d)) addNew(startDeps, d);
      sortKeys(startDeps);
    } else {
      for (const d of depStarts) addNew(needs, d);
      startDeps = sortKeys(needs);
      record(target, 'container', 'update', `~ container ${spec.name}: ${f.obs?.status ?? 'stopped'} → running`);
    }
    if (spec.state === 'running') {
      const id = stepId('container.start', spec.name);
      const probe = spec.healthcheck;
      addInOrder({
        dependsOn: startDeps,
        description: `Start container '${spec.name}' and wait until it is ${probe ? 'healthy' : 'running'}`,
        id,
        inverse: { op: 'container.stop', params: { name: spec.name, timeoutS: STOP_TIMEOUT_S } },
        op: 'container.start',
        params: probe ? { healthTimeoutMs: healthTimeoutMs(probe), name: spec.name, probe, waitHealthy: true } : { healthTimeoutMs: DEFAULT_START_TIMEOUT_MS, name: spec.name, waitHealthy: true },
        phase: 6,
        risk: 'safe',
        target,
      });
      pushTo(startsByService, spec.service, id);
    }
  };
  for (const svcName of topoServices(desired.services)) {
    const svc = services.get(svcName)!;
    for (const spec of specsByService.get(svcName) ?? []) containerSteps(svc, spec);
  }
  // scheduled jobs: after the containers they run in are up
  const observedSchedule = observed.scheduleHash ?? null;
  if (scheduleHash(jobs) !== observedSchedule) {
    const needs = new Set<string>();
    for (const j of jobs) {
      if (j.container) for (const id of startedServiceSteps(j.container)) needs.add(id);
      if (j.image) needs.add(ensureImage(j.image, j.image));
      // a dump runs in the database's container; a snapshot pauses the services
      if (j.backup) for (const svc of j.backup.services) for (const id of startedServiceSteps(svc)) needs.add(id);
    }
    const jobMounts = [...new Set(jobs.flatMap((j) => ((j.mounts ?? []) as { source: string }[]).map((m) => m.source).filter((src) => dangerousMount(src))))].sort();
    const jobGrants = jobMounts.length ? `; mounts host path ${jobMounts.map((m) => `${m} (${dangerousMount(m)})`).join(', ')}` : '';
    add({ id: 'schedule.apply:jobs', op: 'schedule.apply', target: 'schedule/jobs', params: { jobs }, dependsOn: [...needs].sort(), risk: jobGrants ? 'security' : 'safe', phase: 6, inverse: null, description: (jobs.length ? `Install the schedule table (${jobs.length} job${jobs.length === 1 ? '' : 's'}: ${jobs.map((j) => j.name).join(', ')})` : 'Clear the schedule table') + jobGrants });
    record('schedule/jobs', 'schedule', jobs.length === 0 ? 'delete' : observedSchedule ? 'update' : 'create', `${jobs.length === 0 ? '-' : observedSchedule ? '~' : '+'} schedule (${jobs.length} job${jobs.length === 1 ? '' : 's'})`);
  }

  // ── phase 7: prune. Orphan containers go last, once everything new is up (a failed start
  //    rolls back before anything was removed), then the networks and volumes they used. ─
  const removeIds: string[] = [];
  for (const c of orphans) {
    const id = stepId('container.remove', c.name);
    const stop = stopIds.get(c.name);
    add({ id, op: 'container.remove', target: `container/${c.name}`, params: clean({ name: c.name, configHash: c.configHash }), dependsOn: stop ? [stop] : [], risk: 'disruptive', phase: 7, inverse: { op: 'container.create', params: clean({ name: c.name, restoreRemoved: true, configHash: c.configHash }) }, description: `Remove container '${c.name}' (${orphanWhy(c)})` });
    removeIds.push(id);
    record(`container/${c.name}`, 'container', 'delete', `- container ${c.name} (${orphanWhy(c)})`);
  }
  const wantNetworks = new Set(networks.map((n) => n.name));
  for (const o of [...observed.networks].sort((a, b) => cmp(a.name, b.name))) {
    if (!o.managed || wantNetworks.has(o.name)) continue;
    const spec = observedNetworkSpec(o);
    add({ id: stepId('network.remove', o.name), op: 'network.remove', target: `network/${o.name}`, params: spec, dependsOn: [...removeIds].sort(), risk: 'disruptive', phase: 7, inverse: { op: 'network.create', params: spec }, description: `Remove network '${o.name}' (no longer declared)` });
    record(`network/${o.name}`, 'network', 'delete', `- network ${o.name}`);
  }
  const wantVolumes = new Set(volumes.map((v) => v.name));
  for (const o of [...observed.volumes].sort((a, b) => cmp(a.name, b.name))) {
    if (wantVolumes.has(o.name)) continue;
    if (opts.allowDestructive) {
      const spec = volumeSpecOf(o);
      add({ id: stepId('volume.remove', o.name), op: 'volume.remove', target: `volume/${o.name}`, params: { volume: spec, deleteData: true }, dependsOn: [...removeIds].sort(), risk: 'destructive', phase: 7, inverse: null, description: `Delete volume '${o.name}' and ALL ITS DATA at ${o.path}` });
      record(`volume/${o.name}`, 'volume', 'delete', `- volume ${o.name} (${o.path}) and its data`);
    } else {
      display.kept.push(`volume/${o.name}`);
      sink.report('CLA4005', undefined, { name: o.name, path: o.path });
    }
  }

  // mounts no longer declared: unmounted last, once the containers that used them are gone
  const wantMounts = new Set(desired.mounts.map((m) => m.target));
  for (const o of [...(observed.mounts ?? [])].sort((a, b) => cmp(a.target, b.target)).reverse()) {
    if (wantMounts.has(o.target)) continue;
    const users = [
      ...volumes.filter((v) => mountHolding([o], v.path)).map((v) => ({ what: 'volume', name: v.name, path: v.path })),
      ...desired.services.flatMap((s) => s.mounts.filter((m) => !m.volume && mountHolding([o], m.source)).map((m) => ({ what: 'the bind mount of service', name: s.name, path: m.source }))),
    ];
    for (const u of users) sink.report('CLA4007', undefined, { target: o.target, source: o.source, ...u });
    if (users.length) continue;
    const spec = observedMountSpec(o);
    add({ id: stepId('mount.remove', o.target), op: 'mount.remove', target: mountKey(o.target), params: { mount: spec }, dependsOn: [...removeIds].sort(), risk: 'disruptive', phase: 7, inverse: { op: 'mount.apply', params: { mount: { ...spec, format: false } } }, description: `Unmount ${o.source} from ${o.target} and remove its /etc/fstab line (no longer declared; the data on the device is kept)` });
    record(mountKey(o.target), 'mount', 'delete', `- mount ${o.source} at ${o.target} (unmounted; its data is kept on the device)`);
  }

  // ── order, summary, display ────────────────────────────────────────────────────────
  const ordered = sortSteps([...steps.values()]);
  const summary = summarize(ordered, changes);
  // one sort of the changes, by resource key (the display's order)
  const changeList = [...changes].sort(byKey);
  const published = containers
    .filter((c) => c.state === 'running')
    .flatMap((c) => c.ports.filter((p) => p.host !== undefined).map((p) => clean({ service: c.service, hostPort: p.host!, protocol: p.protocol, hostIp: p.hostIp })));
  display.exposure = exposureMap(compiled ?? { enabled: false }, published);
  display.changes = changeList.map(([, c]) => c.line);
  display.overview = overview(services, volumes, networks, fates, orphans, changes);
  const mountLines = (mountIds.size ? [...steps.values()] : []).filter((s) => s.op === 'mount.apply').map((s) => {
    const m = (s.params as { mount: MountSpec }).mount;
    return `Storage: mount ${m.source} at ${m.target} (${m.type})${s.risk === 'destructive' ? `, FORMATTING it first unless it already holds ${m.type}` : ''}`;
  });
  if (mountLines.length) display.overview.push(...(display.overview.length && !display.overview.some((l) => l.startsWith('Storage:')) ? [''] : []), ...mountLines);
  if (steps.has('firewall.apply:inet-claude') && desired.firewall) display.overview.push('', ...firewallOverview(desired.firewall));
  display.warnings = sink.sorted().filter((d) => d.code.startsWith('CLA4')).map((d) => `${d.code}: ${d.message}`);
  for (const s of ordered) {
    if (s.risk === 'security') display.warnings.push(`security: ${s.description}`);
    if (s.risk === 'destructive') display.warnings.push(`destructive: ${s.description}`);
  }

  const resources = resourceFingerprints(observed);
  const createdAt = opts.now.toISOString();
  const expiresAt = new Date(opts.now.getTime() + (opts.ttlMs ?? DEFAULT_TTL_MS)).toISOString();
  // Keys in sorted order, as in every step (see `add`), so signing needs no replacer.
  const payload: PlanPayload = {
    base: sortKeysDeep({ fingerprint: globalFingerprint(resources), resources, stateCommit: observed.stateCommit }),
    createdAt,
    desired: { files: sortRecord(stripUndefined(desired.files)) },
    display: sortKeysDeep({ ...display }),
    expiresAt,
    hostId: opts.hostId,
    id: planIdOf(opts.nonce),
    nonce: opts.nonce,
    provenance: sortKeysDeep(clean({ compilerVersion: opts.compilerVersion, engine: opts.provenance.engine, model: opts.provenance.model, promptHash: opts.provenance.promptHash })),
    request: opts.request,
    schemaVersion: 1,
    steps: ordered,
    summary: sortKeysDeep(summary),
  };
  return payload;
}

/** `plan-` + the first 32 hex digits of sha256(nonce). */
export function planIdOf(nonce: string): string {
  if (!/^[0-9a-f]{32,128}$/.test(nonce)) throw new Error(`plan: the nonce must be 32-128 lowercase hex digits, got ${JSON.stringify(nonce)}`);
  return 'plan-' + sha256Hex(nonce).slice(0, 32);
}

function observedNetworkSpec(o: ObservedNetwork): NetworkSpec {
  return clean({ driver: 'bridge' as const, internal: o.internal, labels: sortRecord({ ...o.labels }), name: o.name, subnet: o.subnet });
}

function describeNetworkChange(have: ObservedNetwork, want: NetworkSpec): string {
  const parts: string[] = [];
  if (have.driver !== want.driver) parts.push(`driver ${have.driver} → ${want.driver}`);
  if (have.internal !== want.internal) parts.push(`internal ${have.internal} → ${want.internal}`);
  if (want.subnet !== undefined && have.subnet !== want.subnet) parts.push(`subnet ${have.subnet ?? 'auto'} → ${want.subnet}`);
  return parts.join(', ');
}

/**
 * Only the limits differ: the running container carries the base hash (the config hash without
 * memory and CPU, LABEL_BASE_HASH) of the new spec, and is running as the spec wants (a stop or a
 * start too is a replace). A container made before the label existed is replaced.
 */
function onlyLimitsDiffer(o: ObservedContainer, spec: ContainerSpec): boolean {
  const base = o.labels[LABEL_BASE_HASH];
  return base !== undefined && base === spec.labels[LABEL_BASE_HASH] && (spec.state === 'running') === isUp(o);
}

/** "memory 128Mi, CPU 0.5": the limits a container gets ("no limits" when none). */
function limitsText(r: ContainerSpec['resources']): string {
  const parts: string[] = [];
  if (r.memoryBytes !== undefined) parts.push(`memory ${r.memoryBytes % 1048576 === 0 ? `${r.memoryBytes / 1048576}Mi` : `${r.memoryBytes} bytes`}`);
  if (r.nanoCpus !== undefined) parts.push(`CPU ${r.nanoCpus / 1e9}`);
  return parts.join(', ') || 'no limits';
}

/** The config hash of a container spec with other labels. */
type Rehash = (labels: Record<string, string>) => string;
/** A user's label (not one of the reserved `claude.os/*`). */
const userLabel = (k: string): boolean => !k.startsWith('claude.os/');

/** The user labels whose values differ between a running container and its spec, sorted. */
function changedUserLabels(o: ObservedContainer, spec: ContainerSpec): string[] {
  return [...new Set([...Object.keys(o.labels), ...Object.keys(spec.labels)])].filter(userLabel).sort(cmp).filter((k) => o.labels[k] !== spec.labels[k]);
}

/**
 * Whether the labels are all that differ: the spec, hashed with the running container's user
 * labels (its `claude.os/*` ones kept), gives the running container's config hash.
 */
function onlyLabelsDiffer(o: ObservedContainer, spec: ContainerSpec, rehash: Rehash | undefined): boolean {
  if (!rehash || o.configHash === undefined) return false;
  const old: Record<string, string> = {};
  for (const [k, v] of Object.entries(spec.labels)) if (!userLabel(k)) old[k] = v;
  for (const [k, v] of Object.entries(o.labels)) if (userLabel(k)) old[k] = v;
  delete old[LABEL_CONFIG_HASH];
  return rehash(sortRecord(old)) === o.configHash;
}

/**
 * A restart taken back (docs/intent.md, "Restart"): the spec differs from a running, healthy
 * container only in the label `restarted-at`, and its stamp is absent or not later than the
 * container's, as after `claude rollback` to a commit before "restart nginx". A restart is
 * an event, not a setting: it cannot be undone, and replacing the container would be one
 * more restart nobody asked for. The container stays; the plan has no step for it, and the
 * next plan sees no difference either (so no drift). A later stamp is a restart asked for, and
 * a container that is not running and healthy is replaced as the config hash says.
 */
function restartTakenBack(o: ObservedContainer, spec: ContainerSpec, rehash: Rehash | undefined): boolean {
  if (o.status !== 'running' || (o.health !== 'healthy' && o.health !== 'none')) return false;
  const changed = changedUserLabels(o, spec);
  const had = o.labels['restarted-at'];
  const want = spec.labels['restarted-at'];
  if (changed.length !== 1 || changed[0] !== 'restarted-at' || had === undefined) return false;
  // An unreadable stamp on either side: NaN compares false, and the container is replaced.
  if (want !== undefined && !(Date.parse(want) <= Date.parse(had))) return false;
  return onlyLabelsDiffer(o, spec, rehash);
}

/**
 * What differs between a running container and its new spec, as far as the engine shows it
 * (image, published ports, the user's labels); the rest of a spec (environment, command, mounts,
 * limits, health check) is only seen through the config hash. `rehash` gives the config hash of
 * the new spec with other labels: when the new spec with the running container's labels hashes
 * to the running container's hash, the labels are all that changed (a restart asked for through
 * `restarted-at` says so).
 */
function describeContainerChange(o: ObservedContainer | undefined, spec: ContainerSpec, rehash?: Rehash): string {
  if (!o) return 'new settings';
  const parts: string[] = [];
  if (o.image !== spec.image) parts.push(`image ${o.image} → ${spec.image}`);
  const ports = (ps: readonly { host?: number; container: number; protocol: string }[]) =>
    [...new Set(ps.filter((p) => p.host !== undefined).map((p) => `${p.host}:${p.container}/${p.protocol}`))].sort().join(', ') || 'none';
  const before = ports(o.ports);
  const after = ports(spec.ports);
  if (before !== after) parts.push(`published ports ${before} → ${after}`);
  const changed = changedUserLabels(o, spec);
  if (changed.length) {
    const onlyRestart = changed.length === 1 && changed[0] === 'restarted-at' && spec.labels['restarted-at'] !== undefined;
    parts.push(onlyRestart ? 'a restart was asked for (label restarted-at)' : `label${changed.length === 1 ? '' : 's'} ${changed.join(', ')} changed`);
    if (parts.length === 1 && onlyLabelsDiffer(o, spec, rehash)) return parts[0]!;
    parts.push('and its environment, command, mounts, limits or health check changed');
    return parts.join(', ');
  }
  return parts.length ? parts.join(', ') : 'its environment, command, mounts, limits or health check changed';
}

function observedMountSpec(o: ObservedMount): MountSpec {
  return { source: o.source, target: o.target, type: o.type as MountSpec['type'], options: [...o.options], format: o.format ?? false };
}

function describeMountChange(o: ObservedMount, m: MountSpec): string {
  const parts: string[] = [];
  if (o.source !== m.source) parts.push(`source ${o.source}`);
  if (o.type !== m.type) parts.push(`type ${o.type}`);
  if (o.options.join(',') !== m.options.join(',')) parts.push(`options ${o.options.join(',')}`);
  if ((o.format ?? false) !== m.format) parts.push(`format ${o.format ?? false}`);
  return parts.join(', ') || 'the same';
}

function describeVolumeChange(old: VolumeSpec, v: VolumeSpec): string {
  const parts: string[] = [];
  if (old.path !== v.path) parts.push(`path ${old.path} → ${v.path}`);
  if (v.permissions !== undefined && old.permissions !== v.permissions) parts.push(`permissions ${old.permissions ?? '?'} → ${v.permissions}`);
  if (v.owner !== undefined && old.owner !== v.owner) parts.push(`owner ${old.owner ?? '?'} → ${v.owner}`);
  return parts.length ? parts.join(', ') : 'directory missing';
}

/**
 * An input rule that accepts new connections from anywhere to (nearly) every port opens every
 * port as a policy of accept does, whatever the policy says: `{name: all, action: accept}` (no
 * port, no source), or `port: 1-65535` from 0.0.0.0/0. The plan needs the admin (P2) for it, as
 * for the policy. A source, an interface or a narrower port set is a rule, not an open door.
 */
export function acceptsEveryPort(compiled: Pick<CompiledFirewall, 'rules'>): boolean {
  const anywhere = (src: string) => src === '0.0.0.0/0' || src === '::/0';
  const portCount = (ports: [number, number][]) => (ports.length === 0 ? 65535 : ports.reduce((n, [a, b]) => n + (b - a + 1), 0));
  return compiled.rules.some(
    (r) =>
      r.chain === 'input' &&
      r.action === 'accept' &&
      r.iifname === undefined &&
      r.destinations.length === 0 &&
      (r.states.length === 0 || r.states.includes('new')) &&
      (r.sources.length === 0 || r.sources.some(anywhere)) &&
      portCount(r.ports) >= OPEN_PORTS,
  );
}

/** The host ports a container publishes as a person reads them: `80`, `53/udp`, `127.0.0.1:5432` (an address only when it is not every address). */
function hostPortsSaid(c: ContainerSpec): string[] {
  const address = (ip: string | undefined) => (!ip || ip === '0.0.0.0' || ip === '::' ? '' : ip.includes(':') ? `[${ip}]:` : `${ip}:`);
  return c.ports.filter((p) => p.host !== undefined).map((p) => `${address(p.hostIp)}${p.host}${p.protocol === 'udp' ? '/udp' : ''}`);
}

function portsText(c: ContainerSpec): string {
  const hp = hostPortsSaid(c);
  return hp.length ? ` → port ${hp.join(', ')}` : '';
}

function firewallOverview(fw: ResolvedFirewall): string[] {
  const lines = ['Firewall:', `  • Default policy: ${fw.defaultInputPolicy.toUpperCase()} (incoming), ${fw.defaultOutputPolicy.toUpperCase()} (outgoing), ${fw.defaultForwardPolicy.toUpperCase()} (forwarded)`];
  for (const r of fw.rules) {
    const list = (v: unknown) => (Array.isArray(v) ? v.join(', ') : v === undefined ? undefined : String(v));
    const parts = [`${r.action}`, r.protocol && r.protocol !== 'all' ? r.protocol : undefined, list(r.port) ? `port ${list(r.port)}` : undefined, list(r.source) ? `from ${list(r.source)}` : undefined, r.state ? `state ${r.state}` : undefined, r.interface ? `via ${r.interface}` : undefined, r.direction && r.direction !== 'input' ? `(${r.direction})` : undefined];
    lines.push(`  • ${r.name}: ${parts.filter(Boolean).join(' ')}`);
  }
  return lines;
}

/** Services ordered so that each comes after everything it depends on (ties by name). */
export function topoServices(services: readonly ResolvedService[]): string[] {
  // Kahn's algorithm over positions (a Map from name to position once, the in-degrees in a typed
  // array, each service's dependents as a linked list of edges): a level is every service whose
  // last dependency was in the level before, by name. No Map or list per service (10,000 services:
  // 20 ms of the main thread before; docs/plans.md, session 31).
  const n = services.length;
  const names: string[] = new Array<string>(n);
  const at = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    names[i] = services[i]!.name;
    at.set(names[i]!, i);
  }
  if (at.size !== n) throw new Error('planner: depends_on has a cycle (resolve should have reported it)');
  const indeg = new Int32Array(n);
  const head = new Int32Array(n).fill(-1); // first edge out of each service (to a dependent)
  const edgeTo: number[] = [];
  const edgeNext: number[] = [];
  for (let i = 0; i < n; i++) {
    const deps = services[i]!.dependsOn;
    for (let k = 0; k < deps.length; k++) {
      const j = at.get(deps[k]!);
      if (j === undefined) continue;
      indeg[i]!++;
      edgeTo.push(i);
      edgeNext.push(head[j]!);
      head[j] = edgeTo.length - 1;
    }
  }
  const byName = (a: number, b: number): number => cmp(names[a]!, names[b]!);
  const out: string[] = [];
  let ready: number[] = [];
  for (let i = 0; i < n; i++) if (indeg[i] === 0) ready.push(i);
  while (ready.length) {
    if (!namesAscending(names, ready)) ready.sort(byName);
    const next: number[] = [];
    for (let r = 0; r < ready.length; r++) {
      const i = ready[r]!;
      out.push(names[i]!);
      for (let e = head[i]!; e >= 0; e = edgeNext[e]!) {
        const m = edgeTo[e]!;
        if (--indeg[m]! === 0) next.push(m);
      }
    }
    ready = next;
  }
  if (out.length !== n) throw new Error('planner: depends_on has a cycle (resolve should have reported it)');
  return out;
}

/** Whether the names at these positions are in ascending order. */
function namesAscending(names: readonly string[], at: readonly number[]): boolean {
  for (let k = 1; k < at.length; k++) if (!(names[at[k - 1]!]! < names[at[k]!]!)) return false;
  return true;
}

/** Sorts by (phase, depth among same-phase dependencies, id): a topological order. */
export function sortSteps(steps: PlanStep[]): PlanStep[] {
  const n = steps.length;
  // by position: one map from id to position, the depths in a typed array (-1: not known yet)
  const at = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const s = steps[i]!;
    at.set(s.id, i);
    if (!strictlyAscending(s.dependsOn)) s.dependsOn = [...new Set(s.dependsOn)].sort();
  }
  // The planner adds a step after the steps it depends on (but for the stops of phase 4, whose
  // dependencies are set afterwards), so one pass forwards finds each depth from depths already
  // known; a dependency further on is followed first (stepDepth). A top-level function, not a
  // closure: compiled once for the 30,000 steps of 10,000 services (docs/plans.md, session 31).
  const depth = new Int32Array(n).fill(-1);
  let maxDepth = 0;
  for (let i = 0; i < n; i++) {
    const d = depth[i]! >= 0 ? depth[i]! : stepDepth(steps, at, depth, i);
    if (d > maxDepth) maxDepth = d;
  }
  // (phase, depth) as a bucket, the steps of each in the order they came (a counting sort: the
  // phases are 1-7 and the depths below the number of steps); then each bucket by id, where it is
  // not in order already. The planner adds most steps in id order (volumes by name, containers by
  // service in depends_on order, ties by name), so a bucket is mostly one pass: 30,000 steps
  // sorted by one comparison of (key, id) were ~450,000 calls (docs/plans.md, "Plan and sign at
  // 10,000 services", session 30). The ids are distinct, so the order is the same whichever way
  // it is reached.
  const width = maxDepth + 1;
  const bucket = new Int32Array(n);
  const start = new Int32Array(7 * width + 1);
  for (let i = 0; i < n; i++) {
    const phase = steps[i]!.phase;
    if (!(phase >= 1 && phase <= 7 && Number.isInteger(phase))) throw new Error(`planner bug: ${steps[i]!.id} has phase ${phase} (1-7)`);
    const b = (phase - 1) * width + depth[i]!;
    bucket[i] = b;
    start[b + 1]!++;
  }
  for (let b = 1; b < start.length; b++) start[b]! += start[b - 1]!;
  const out = new Array<PlanStep>(n);
  const next = start.slice(0, start.length - 1);
  for (let i = 0; i < n; i++) out[next[bucket[i]!]!++] = steps[i]!;
  for (let b = 0; b + 1 < start.length; b++) {
    const from = start[b]!;
    const to = start[b + 1]!;
    if (to - from > 1 && !idsAscending(out, from, to)) {
      const group = out.slice(from, to).sort((x, y) => cmp(x.id, y.id));
      for (let k = 0; k < group.length; k++) out[from + k] = group[k]!;
    }
  }
  return out;
}

/** The depth of steps[i] among its same-phase dependencies (memoised in `depth`; -1: not known yet). */
function stepDepth(steps: readonly PlanStep[], at: ReadonlyMap<string, number>, depth: Int32Array, i: number): number {
  depth[i] = 0; // cycle guard (the planner makes none)
  const s = steps[i]!;
  const deps = s.dependsOn;
  let d = 0;
  for (let k = 0; k < deps.length; k++) {
    const id = deps[k]!;
    const j = at.get(id);
    if (j === undefined) throw new Error(`planner bug: ${s.id} depends on unknown step ${id}`);
    const t = steps[j]!;
    if (t.phase > s.phase) throw new Error(`planner bug: ${s.id} (phase ${s.phase}) depends on ${id} (phase ${t.phase})`);
    if (t.phase === s.phase) {
      const dj = depth[j]! >= 0 ? depth[j]! : stepDepth(steps, at, depth, j);
      if (dj + 1 > d) d = dj + 1;
    }
  }
  depth[i] = d;
  return d;
}

function idsAscending(steps: readonly PlanStep[], from: number, to: number): boolean {
  for (let i = from + 1; i < to; i++) if (!(steps[i - 1]!.id < steps[i]!.id)) return false;
  return true;
}

/** Appends `x` to `list` unless it holds it (lists of a few ids). */
function addNew(list: string[], x: string): void {
  if (!list.includes(x)) list.push(x);
}

/** Appends `v` to the list of `k` (one list per key, grown in place). */
function pushTo<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

function strictlyAscending(xs: readonly string[]): boolean {
  for (let i = 1; i < xs.length; i++) if (!(xs[i - 1]! < xs[i]!)) return false;
  return true;
}

function summarize(steps: readonly PlanStep[], changes: Map<string, { kind: Kind; change: Change }>): PlanSummary {
  const summary: PlanSummary = { byKind: {}, byRisk: {}, create: 0, delete: 0, update: 0 };
  // counts: the order does not matter (byKind is put in key order below)
  for (const c of changes.values()) {
    summary[c.change]++;
    const k = (summary.byKind[c.kind] ??= { create: 0, delete: 0, update: 0 });
    k[c.change]++;
  }
  for (const s of steps) summary.byRisk[s.risk] = (summary.byRisk[s.risk] ?? 0) + 1;
  summary.byKind = Object.fromEntries(Object.entries(summary.byKind).sort(([a], [b]) => cmp(a, b)));
  return summary;
}

function overview(
  services: Map<string, ResolvedService>,
  volumes: VolumeSpec[],
  networks: NetworkSpec[],
  fates: { spec: ContainerSpec; action: string }[],
  orphans: ObservedContainer[],
  changes: Map<string, { change: Change }>,
): string[] {
  const lines: string[] = [];
  const volumePaths = new Set(volumes.map((v) => v.path));
  const byService = new Map<string, string>();
  for (const f of fates) {
    if (f.spec.replica !== 1) continue;
    const mark = f.action === 'create' ? '+' : f.action === 'replace' || f.action === 'limits' ? '~' : f.action === 'start' || f.action === 'stop' ? '~' : null;
    if (!mark) continue;
    const svc = services.get(f.spec.service);
    let extra: string;
    if (f.action === 'stop') extra = 'stop';
    else if (f.action === 'start') extra = 'start';
    else if (f.action === 'limits') extra = `limits: ${limitsText(f.spec.resources)}`;
    else {
      // what it publishes and mounts: "port 80, volume /srv/data"
      const ports = hostPortsSaid(f.spec);
      extra = ports.length ? `port ${ports.join(', ')}` : '';
      for (const m of svc?.mounts ?? []) if (m.volume || volumePaths.has(m.source)) extra = extra ? `${extra}, volume ${m.source}` : `volume ${m.source}`;
    }
    // The service by name, then its image: "+ nginx (nginx:alpine)", so a change is never anonymous.
    byService.set(f.spec.service, `${mark} ${f.spec.service} (${svc?.image ?? f.spec.image})${extra ? `  → ${extra}` : ''}`);
  }
  for (const c of orphans) if (c.service && !byService.has(c.service) && c.replica === undefined) byService.set(c.service, `- ${c.name}`);
  for (const c of orphans) if (!byService.has(c.service ?? c.name)) byService.set(c.service ?? c.name, `- ${c.name} (${c.image})`);
  for (const [, l] of [...byService].sort(byKey)) lines.push(l);
  const newVolumes = volumes.filter((v) => changes.get(`volume/${v.name}`)?.change === 'create').length;
  const newNetworks = networks.filter((n) => changes.get(`network/${n.name}`)?.change === 'create');
  if (newVolumes || newNetworks.length) lines.push('');
  if (newVolumes) lines.push(`Storage: ${newVolumes} persistent volume${newVolumes === 1 ? '' : 's'} will be created`);
  for (const n of newNetworks) lines.push(`Network: ${n.internal ? 'internal' : 'bridge'} network '${n.name}' for service discovery`);
  return lines;
}

// ── small helpers ───────────────────────────────────────────────────────────────────────

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Entries by key (the keys are distinct). */
function byKey(a: readonly [string, unknown], b: readonly [string, unknown]): number {
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}

function sortRecord<T>(o: Record<string, T>): Record<string, T> {
  const out: Record<string, T> = {};
  // defineProperty: an env var named "__proto__" stays an own key instead of setting the prototype.
  for (const k of sortKeys(Object.keys(o))) {
    if (k === '__proto__') Object.defineProperty(out, k, { value: o[k]!, enumerable: true, writable: true, configurable: true });
    else out[k] = o[k]!;
  }
  return out;
}

function stripUndefined<T>(o: Partial<Record<string, T>>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) Object.defineProperty(out, k, { value: v as T, enumerable: true, writable: true, configurable: true });
  return out;
}

/** Drops undefined-valued keys (the payload is canonical JSON and schema-checked); `o` itself when it has none (every caller passes a fresh literal). */
function clean<T extends object>(o: T): T {
  const src = o as Record<string, unknown>;
  const keys = Object.keys(src);
  let i = 0;
  while (i < keys.length && src[keys[i]!] !== undefined) i++;
  if (i === keys.length) return o;
  const out = {} as Record<string, unknown>;
  for (const k of keys) if (src[k] !== undefined) out[k] = src[k];
  return out as T;
}

/** A step's keys in sorted order: the step, with its params and inverse in key order (sortKeysDeep). */
const STEP_KEYS = ['dependsOn', 'description', 'id', 'inverse', 'op', 'params', 'phase', 'risk', 'target'] as const;

/**
 * The step with its keys in sorted order, as signing needs them (plan/canonical.ts): a new
 * object with the nine step keys in order, its params and inverse through sortKeysDeep (which
 * copies only what is out of order) unless they are in `inOrder` (the container specs, built
 * in order). A step with any other key goes whole through sortKeysDeep.
 */
function sortedStep(step: PlanStep, inOrder: ReadonlySet<unknown>): PlanStep {
  const src = step as unknown as Record<string, unknown>;
  if (Object.keys(src).length !== STEP_KEYS.length) return sortKeysDeep(step);
  const out: Record<string, unknown> = {};
  for (const k of STEP_KEYS) {
    if (!Object.hasOwn(src, k)) return sortKeysDeep(step);
    out[k] = (k === 'params' || k === 'inverse') && !inOrder.has(src[k]) ? sortKeysDeep(src[k]) : src[k];
  }
  return out as unknown as PlanStep;
}
