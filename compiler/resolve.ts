/**
 * Phase 3 of the compiler: the checked files → one normalised model.
 *
 *   resolve(written, sink) → ResolvedModel
 *
 * - Defaults are filled in (the schemas' `default`s, and the documented ones below).
 * - Units are converted: durations to ms, sizes to bytes (Ki = 1024, k = 1000), cpu to
 *   nano-cpus. Commands become argv lists (a string is split like a shell would, without a
 *   shell); a healthcheck string becomes ['CMD-SHELL', s]; a job's string command runs as
 *   ['/bin/sh', '-c', s] inside its container.
 * - Images: the tag rule (a `tag` field wins over a tag inside `image`, with a warning; a
 *   digest wins over both), then manifest.yaml `spec.images.aliases` (the exact reference
 *   first, then the repository name) gives `resolvedImage`.
 * - Cross-file references are checked, each failure a diagnostic at the reference's
 *   file:line:col: secrets, networks, volumes, depends_on (existence and no cycle),
 *   host ports, unique names, job containers, llm.api_key_secret, hostname agreement.
 * - Lists are sorted by name (services, networks, volumes, jobs, users, secrets,
 *   certificates, interfaces); firewall rules and host mounts keep their declared order,
 *   which is meaningful.
 *
 * The model is produced even when there are errors (a best effort, for tools); callers
 * must check `sink.hasErrors()` before planning from it. Documented in docs/compiler.md.
 */
import type { MountSpec } from '../plan/types.js';
import { posix } from 'node:path';
import type { DiagnosticSink, SourcePos } from './diagnostics.js';
import type { DiagnosticCode } from './messages.js';
import type {
  ResolvedBackup,
  ResolvedFirewall,
  ResolvedHealth,
  ResolvedJob,
  ResolvedModel,
  ResolvedMount,
  ResolvedNetwork,
  ResolvedPort,
  ResolvedService,
  ResolvedVolume,
  StateFileName,
  WrittenState,
} from './model.js';
import type { Path } from './parse.js';
import type { Service, VolumeMount, Healthcheck } from '../generated/services.js';
import type { SystemManifest } from '../generated/manifest.js';
import { imageRepository, parseImageRef } from './formats.js';
import { closest } from './check.js';
import { dangerousMount, fetchAndExecute, mountAllowed, mountHolding, plaintextSecretInEnv, plaintextSecretInText } from '../plan/trust.js';
// the planner's too: it lives in plan/trust.ts, so that planning does not load the resolver (and its parser and checker)
export { mountHolding } from '../plan/trust.js';

// ── documented defaults ──────────────────────────────────────────────────

export const DEFAULTS = {
  replicas: 1,
  state: 'running',
  enabled: true,
  restart: 'unless-stopped',
  protocol: 'tcp',
  health: { intervalMs: 30_000, timeoutMs: 10_000, retries: 3, startPeriodMs: 0 },
  jobTimeoutMs: 3_600_000,
  networkDriver: 'bridge',
  apiPort: 8420,
  apiListen: '127.0.0.1',
  apiEnabled: false,
  confirmTimeoutMs: 60_000,
  reconcileIntervalMs: 60_000,
  reconcileDebounceMs: 500,
  /** reconcile.backoff (agent/reconcile/paused.ts): 1 min after the first failed apply, doubling, at most hourly. */
  backoffFirstMs: 60_000,
  backoffMaxMs: 3_600_000,
  drift: 'self_heal',
  notifyMinSeverity: 'info',
  webhookTimeoutMs: 5_000,
  webhookRetries: 3,
  requireApproval: true,
  rollbackOnHealthFailure: true,
  imagesPull: true,
  firewallEnabled: true,
  firewallPolicy: 'accept',
  /** Volume backups (docs/backups.md): 03:00 daily, the last 7 kept, tar.zst of the directory. */
  backupSchedule: '0 3 * * *',
  backupRetain: 7,
  backupType: 'archive',
  /** Always restricted, whatever manifest.yaml says: security.yaml needs explicit approval. */
  restrictedFiles: ['security.yaml'],
} as const;

// ── units ────────────────────────────────────────────────────────────────

const DURATION_UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

// A state writes the same few durations and sizes over and over (10,000 services: `5s`, `30s`,
// `64Mi` 10,000 times each): each text is read once. Bounded, so odd input cannot grow them.
const UNIT_CACHE_MAX = 1024;
const durations = new Map<string, number>();
const sizes = new Map<string, number>();

/** `1h30m` → 5400000. Assumes the schema's duration format. */
export function durationMs(s: string): number {
  const known = durations.get(s);
  if (known !== undefined) return known;
  let total = 0;
  for (const m of s.matchAll(/([0-9]+)(ms|s|m|h|d)/g)) total += Number(m[1]) * DURATION_UNIT_MS[m[2]!]!;
  if (durations.size < UNIT_CACHE_MAX) durations.set(s, total);
  return total;
}

const SIZE_UNIT: Record<string, number> = {
  '': 1,
  Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4, Pi: 1024 ** 5,
  k: 1000, K: 1000, M: 1000 ** 2, G: 1000 ** 3, T: 1000 ** 4, P: 1000 ** 5,
};

/**
 * The least memory a service may be given: Docker's floor (6 MiB: dockerd refuses less when
 * the container is created). containerd sets no floor of its own; the same floor holds for
 * it, so one plan means the same on both engines.
 */
export const MIN_MEMORY_BYTES = 6 * 1024 * 1024;

/** `128Mi` → 134217728, `1.5G` → 1500000000. */

export function sizeBytes(s: string): number {
  const known = sizes.get(s);
  if (known !== undefined) return known;
  const m = /^([0-9]+(?:\.[0-9]+)?)(Ki|Mi|Gi|Ti|Pi|k|K|M|G|T|P)?$/.exec(s);
  if (!m) throw new Error(`sizeBytes: not a size: ${s}`);
  const bytes = Math.round(Number(m[1]) * SIZE_UNIT[m[2] ?? '']!);
  if (sizes.size < UNIT_CACHE_MAX) sizes.set(s, bytes);
  return bytes;
}

/** `"0.5"` → 500000000, `"250m"` → 250000000. */
export function nanoCpus(s: string): number {
  if (s.endsWith('m')) return Number(s.slice(0, -1)) * 1_000_000;
  return Math.round(Number(s) * 1e9);
}

// ── commands ─────────────────────────────────────────────────────────────

export interface Tokenized {
  argv: string[];
  /** Set when the text cannot be split (an unclosed quote, a trailing backslash). */
  error?: string;
  /** The first shell operator found outside quotes (|, &&, ;, >, $( …), if any. */
  operator?: string;
}

/**
 * Splits a command like a POSIX shell splits words, without running one: whitespace
 * separates words; '…' is literal; "…" allows \" \\ \$ \` escapes; a backslash outside
 * quotes escapes the next character. Nothing is expanded.
 */
export function splitCommand(s: string): Tokenized {
  const argv: string[] = [];
  let cur = '';
  let inWord = false;
  let operator: string | undefined;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === "'") {
      const end = s.indexOf("'", i + 1);
      if (end < 0) return { argv, error: "a ' quote is never closed" };
      cur += s.slice(i + 1, end);
      inWord = true;
      i = end;
    } else if (c === '"') {
      inWord = true;
      let j = i + 1;
      for (; j < s.length && s[j] !== '"'; j++) {
        if (s[j] === '\\' && j + 1 < s.length && '"\\$`\n'.includes(s[j + 1]!)) j++;
        cur += s[j];
      }
      if (j >= s.length) return { argv, error: 'a " quote is never closed' };
      i = j;
    } else if (c === '\\') {
      if (i + 1 >= s.length) return { argv, error: 'it ends with a backslash' };
      cur += s[++i];
      inWord = true;
    } else if (c === ' ' || c === '\t' || c === '\n') {
      if (inWord) argv.push(cur);
      cur = '';
      inWord = false;
    } else {
      if (operator === undefined) {
        const two = s.slice(i, i + 2);
        if (two === '&&' || two === '||' || two === '$(' || two === '>>') operator = two;
        else if ('|;<>`&'.includes(c)) operator = c;
      }
      cur += c;
      inWord = true;
    }
  }
  if (inWord) argv.push(cur);
  const out: Tokenized = { argv };
  if (operator !== undefined) out.operator = operator;
  return out;
}

// ── the phase ────────────────────────────────────────────────────────────

interface Named<T> {
  item: T;
  index: number;
}

const SECRET_REF = /\$\{([^}]*)\}/g;
const SECRET_NAME = /^[a-z][a-z0-9_]{0,62}$/;

export function resolve(written: WrittenState, sink: DiagnosticSink): ResolvedModel {
  return new Resolver(written, sink).run();
}

class Resolver {
  /** manifest.yaml spec.safety.allow_host_mounts, normalised. */
  private allowHostMounts: string[] = [];

  constructor(
    private readonly w: WrittenState,
    private readonly sink: DiagnosticSink,
  ) {}

  /** Position of the value (or, with key, the key) at `path` in `file`. */
  private at(file: StateFileName, path: Path, key = false): SourcePos {
    const idx = this.w.positions?.[file];
    if (!idx) return { file, line: 0, column: 0 };
    return (key ? idx.keyPos(path) : idx.valuePos(path)) ?? idx.nearest(path);
  }

  private report(code: DiagnosticCode, file: StateFileName, path: Path, args: Record<string, string | number>, key = false): void {
    this.sink.report(code, this.at(file, path, key), args);
  }

  /**
   * reconcile.backoff with its defaults: each wait at least 1s (CLA3057), max not shorter than
   * first (CLA3058). A longer first with no max raises max to it (a constant wait).
   */
  private backoff(b: { first?: string; max?: string } | undefined): { firstMs: number; maxMs: number } {
    const at = ['spec', 'reconcile', 'backoff'];
    const firstMs = b?.first !== undefined ? durationMs(b.first) : DEFAULTS.backoffFirstMs;
    const maxMs = b?.max !== undefined ? durationMs(b.max) : Math.max(DEFAULTS.backoffMaxMs, firstMs);
    let ok = true;
    for (const [field, ms] of [['first', firstMs], ['max', maxMs]] as const) {
      if (b?.[field] !== undefined && ms < 1000) {
        this.report('CLA3057', 'manifest.yaml', [...at, field], { field, value: b[field]! });
        ok = false;
      }
    }
    if (ok && maxMs < firstMs) this.report('CLA3058', 'manifest.yaml', [...at, 'max'], { max: b!.max!, first: b?.first ?? '1m' });
    return { firstMs, maxMs };
  }

  /** "did you mean X? If not, " when a candidate is close, else ''. Hints start with it. */
  private suggestion(word: string, candidates: Iterable<string>): string {
    const c = closest(word, [...candidates]);
    return c ? `did you mean ${c}? If not, ` : '';
  }

  /** Items by name, reporting duplicates (the first one wins). */
  private unique<T extends { name: string }>(
    list: readonly T[] | undefined,
    file: StateFileName,
    base: Path,
    kind: string,
  ): Map<string, Named<T>> {
    const out = new Map<string, Named<T>>();
    (list ?? []).forEach((item, index) => {
      const first = out.get(item.name);
      if (first) {
        this.report('CLA3009', file, [...base, index, 'name'], {
          kind,
          name: item.name,
          firstLine: this.at(file, [...base, first.index, 'name']).line,
        });
      } else {
        out.set(item.name, { item, index });
      }
    });
    return out;
  }

  run(): ResolvedModel {
    const w = this.w;
    const manifest = w.manifest?.spec;
    this.allowHostMounts = (manifest?.safety?.allow_host_mounts ?? []).map(normalisePath);
    const servicesSpec = w.services?.spec;
    const networkSpec = w.network?.spec;
    const storageSpec = w.storage?.spec;
    const securitySpec = w.security?.spec;
    const scheduledSpec = w.scheduled?.spec;

    // Names are unique per kind.
    const services = this.unique(servicesSpec?.services, 'services.yaml', ['spec', 'services'], 'service');
    const networks = this.unique(servicesSpec?.networks, 'services.yaml', ['spec', 'networks'], 'network');
    const volumes = this.unique(storageSpec?.volumes, 'storage.yaml', ['spec', 'volumes'], 'volume');
    const jobs = this.unique(scheduledSpec?.jobs, 'scheduled.yaml', ['spec', 'jobs'], 'job');
    const users = this.unique(securitySpec?.users, 'security.yaml', ['spec', 'users'], 'user');
    const secrets = this.unique(securitySpec?.secrets, 'security.yaml', ['spec', 'secrets'], 'secret');
    const certificates = this.unique(securitySpec?.certificates, 'security.yaml', ['spec', 'certificates'], 'certificate');
    this.unique(networkSpec?.firewall?.rules, 'network.yaml', ['spec', 'firewall', 'rules'], 'firewall rule');

    const resolvedVolumes = this.volumes(volumes);
    const aliases = manifest?.images?.aliases ?? {};
    const resolvedServices = [...services.values()].map(({ item, index }) =>
      this.service(item, index, aliases, networks, resolvedVolumes, secrets),
    );
    this.dependencies(resolvedServices, services);
    this.hostPorts(services);

    const resolvedJobs = [...jobs.values()].map(({ item, index }) => this.job(item, index, services, resolvedVolumes, secrets, aliases));
    const backups = this.backups(volumes, resolvedVolumes, resolvedServices, manifest?.backup, jobs);

    // manifest ↔ security, manifest ↔ network
    const apiKeySecret = manifest?.llm?.api_key_secret;
    if (apiKeySecret !== undefined && !secrets.has(apiKeySecret)) {
      this.report('CLA3011', 'manifest.yaml', ['spec', 'llm', 'api_key_secret'], {
        name: apiKeySecret,
        suggestion: this.suggestion(apiKeySecret, secrets.keys()),
      });
    }
    const webhookSecret = manifest?.notifications?.webhook?.secret;
    if (webhookSecret !== undefined && !secrets.has(webhookSecret)) {
      this.report('CLA3021', 'manifest.yaml', ['spec', 'notifications', 'webhook', 'secret'], {
        name: webhookSecret,
        suggestion: this.suggestion(webhookSecret, secrets.keys()),
      });
    }
    const hostname = networkSpec?.hostname ?? manifest?.hostname;
    if (manifest?.hostname !== undefined && networkSpec?.hostname !== undefined && manifest.hostname !== networkSpec.hostname) {
      this.report('CLA3012', 'manifest.yaml', ['spec', 'hostname'], { hostname: manifest.hostname, other: networkSpec.hostname });
    }

    const safety = manifest?.safety;
    const model: ResolvedModel = {
      files: { ...w.sources },
      safety: {
        requireApproval: safety?.require_approval ?? DEFAULTS.requireApproval,
        autoApproveCategories: [...(safety?.auto_approve_categories ?? [])].sort(),
        restrictedFiles: [...new Set([...DEFAULTS.restrictedFiles, ...(safety?.restricted_files ?? [])])].sort(),
        rollbackOnHealthFailure: safety?.rollback_on_health_failure ?? DEFAULTS.rollbackOnHealthFailure,
        confirmTimeoutMs: safety?.confirm_timeout !== undefined ? durationMs(safety.confirm_timeout) : DEFAULTS.confirmTimeoutMs,
      },
      reconcile: {
        intervalMs: manifest?.reconcile?.interval !== undefined ? durationMs(manifest.reconcile.interval) : DEFAULTS.reconcileIntervalMs,
        debounceMs: manifest?.reconcile?.debounce !== undefined ? durationMs(manifest.reconcile.debounce) : DEFAULTS.reconcileDebounceMs,
        drift: manifest?.reconcile?.drift ?? DEFAULTS.drift,
        ignore: [...(manifest?.reconcile?.ignore ?? [])].sort(),
        backoff: this.backoff(manifest?.reconcile?.backoff),
      },
      notifications: this.notifications(manifest?.notifications, secrets),
      images: { aliases: sortedRecord(aliases), pull: manifest?.images?.pull ?? DEFAULTS.imagesPull },
      api: {
        enabled: manifest?.api?.enabled ?? DEFAULTS.apiEnabled,
        listen: manifest?.api?.listen ?? DEFAULTS.apiListen,
        port: manifest?.api?.port ?? DEFAULTS.apiPort,
      },
      networks: this.networks(networks),
      services: resolvedServices.sort(byName),
      volumes: resolvedVolumes.sort(byName),
      mounts: this.deviceMounts(storageSpec?.mounts, resolvedVolumes),
      firewall: this.firewall(),
      interfaces: [...(networkSpec?.interfaces ?? [])].sort(byName),
      users: [...users.values()].map((u) => u.item).sort(byName),
      secrets: [...secrets.values()].map(({ item }) => ({ name: item.name, value: item.value })).sort(byName),
      certificates: [...certificates.values()].map((c) => c.item).sort(byName),
      jobs: resolvedJobs.sort(byName),
      backups,
    };
    if (safety?.max_changes_per_hour !== undefined) model.safety.maxChangesPerHour = safety.max_changes_per_hour;
    if (hostname !== undefined) model.hostname = hostname;
    if (manifest?.timezone !== undefined) model.timezone = manifest.timezone;
    if (manifest?.llm !== undefined) model.llm = manifest.llm;
    if (networkSpec?.dns !== undefined) model.dns = { nameservers: networkSpec.dns.nameservers ?? [], search: networkSpec.dns.search ?? [] };
    if (securitySpec?.ssh !== undefined) model.ssh = securitySpec.ssh;
    if (securitySpec?.audit !== undefined) model.audit = securitySpec.audit;
    return model;
  }

  // ── volumes and mounts ────────────────────────────────────────────────

  private volumes(volumes: Map<string, Named<NonNullable<NonNullable<WrittenState['storage']>['spec']['volumes']>[number]>>): ResolvedVolume[] {
    const out: ResolvedVolume[] = [];
    // The first earlier volume at the same path, above it or below it: looked up by path, not
    // by scanning every earlier volume (10,000 volumes were 50 million comparisons).
    // at: the first volume at each path; below: the first volume under each of its parent paths.
    const at = new Map<string, { name: string; path: string; order: number }>();
    const below = new Map<string, { name: string; path: string; order: number }>();
    let order = 0;
    for (const { item, index } of volumes.values()) {
      const path = normalisePath(item.path);
      const parents = parentPaths(path);
      let clash = at.get(path);
      const under = below.get(path);
      if (under && (!clash || under.order < clash.order)) clash = under;
      for (const q of parents) {
        const o = at.get(q);
        if (o && (!clash || o.order < clash.order)) clash = o;
      }
      if (clash) {
        this.report('CLA3020', 'storage.yaml', ['spec', 'volumes', index, 'path'], { name: item.name, path, other: clash.name, otherPath: clash.path });
      }
      const self = { name: item.name, path, order: order++ };
      if (!at.has(path)) at.set(path, self);
      for (const parent of parents) if (!below.has(parent)) below.set(parent, self);
      const v: ResolvedVolume = { name: item.name, path };
      if (item.size !== undefined) v.sizeBytes = sizeBytes(item.size);
      if (item.filesystem !== undefined) v.filesystem = item.filesystem;
      if (item.permissions !== undefined) v.permissions = item.permissions.length === 3 ? '0' + item.permissions : item.permissions;
      if (item.owner !== undefined) v.owner = item.owner;
      if (item.shareable === true) v.shareable = true;
      if (item.backup !== undefined) {
        const b: NonNullable<ResolvedVolume['backup']> = { enabled: item.backup.enabled ?? true };
        if (item.backup.schedule !== undefined) b.schedule = item.backup.schedule;
        if (item.backup.retain !== undefined) b.retain = item.backup.retain;
        if (item.backup.type !== undefined) b.type = item.backup.type;
        if (item.backup.destination !== undefined) b.destination = item.backup.destination;
        v.backup = b;
      }
      out.push(v);
    }
    return out;
  }

  /**
   * storage.yaml spec.mounts: each needs a type (the runtime checks the device holds it), a
   * supported type, its own source and target, a target that is not a system directory, a
   * /dev source when it may be formatted, and ordinary options. Sorted by target.
   */
  private deviceMounts(list: NonNullable<WrittenState['storage']>['spec']['mounts'], volumes: readonly ResolvedVolume[]): MountSpec[] {
    const out: MountSpec[] = [];
    const targets = new Map<string, string>();
    const sources = new Map<string, string>();
    (list ?? []).forEach((m, i) => {
      const base: Path = ['spec', 'mounts', i];
      const target = normalisePath(m.target);
      const args = { source: m.source, target };
      let ok = true;
      if (m.type === undefined) {
        this.report('CLA3050', 'storage.yaml', base, args);
        ok = false;
      } else if (m.type === 'tmpfs' || m.type === 'nfs') {
        this.report('CLA3051', 'storage.yaml', [...base, 'type'], { ...args, type: m.type });
        ok = false;
      }
      const why = systemTarget(target);
      if (why) {
        this.report('CLA3053', 'storage.yaml', [...base, 'target'], { ...args, why });
        ok = false;
      }
      const otherT = targets.get(target);
      if (otherT !== undefined) {
        this.report('CLA3052', 'storage.yaml', [...base, 'target'], { what: 'target', value: target, other: otherT });
        ok = false;
      } else targets.set(target, `${m.source} → ${target}`);
      const otherS = sources.get(m.source);
      if (otherS !== undefined) {
        this.report('CLA3052', 'storage.yaml', [...base, 'source'], { what: 'source', value: m.source, other: otherS });
        ok = false;
      } else sources.set(m.source, `${m.source} → ${target}`);
      if (m.format === true && !m.source.startsWith('/dev/')) {
        this.report('CLA3054', 'storage.yaml', [...base, 'format'], args);
        ok = false;
      }
      (m.options ?? []).forEach((o, j) => {
        const bad = badMountOption(o);
        if (bad) {
          this.report('CLA3055', 'storage.yaml', [...base, 'options', j], { ...args, option: o, why: bad });
          ok = false;
        }
      });
      if (!ok || m.type === undefined || m.type === 'tmpfs' || m.type === 'nfs') return;
      out.push({ source: m.source, target, type: m.type, options: m.options?.length ? [...m.options] : ['defaults'], format: m.format === true });
    });
    out.sort((a, b) => (a.target < b.target ? -1 : a.target > b.target ? 1 : 0));
    // A volume on a mounted device: its declared filesystem should be the device's.
    for (const v of volumes) {
      const on = mountHolding(out, v.path);
      if (on && v.filesystem !== undefined && v.filesystem !== on.type) {
        const index = (this.w.storage?.spec.volumes ?? []).findIndex((x) => x.name === v.name);
        if (index >= 0) this.report('CLA3056', 'storage.yaml', ['spec', 'volumes', index, 'filesystem'], { name: v.name, filesystem: v.filesystem, path: v.path, target: on.target, type: on.type });
      }
    }
    return out;
  }

  private volumeIndex: { of: readonly ResolvedVolume[]; byName: Map<string, ResolvedVolume> } | undefined;

  private volumeByName(volumes: readonly ResolvedVolume[]): Map<string, ResolvedVolume> {
    if (this.volumeIndex?.of !== volumes) this.volumeIndex = { of: volumes, byName: new Map(volumes.map((v) => [v.name, v])) };
    return this.volumeIndex.byName;
  }

  private volumePathIndex: { of: readonly ResolvedVolume[]; byPath: Map<string, ResolvedVolume> } | undefined;

  /** The first volume declared at each path. */
  private volumeByPath(volumes: readonly ResolvedVolume[]): Map<string, ResolvedVolume> {
    if (this.volumePathIndex?.of !== volumes) {
      const byPath = new Map<string, ResolvedVolume>();
      for (const v of volumes) if (!byPath.has(v.path)) byPath.set(v.path, v);
      this.volumePathIndex = { of: volumes, byPath };
    }
    return this.volumePathIndex.byPath;
  }

  private mounts(list: readonly VolumeMount[] | undefined, file: StateFileName, base: Path, owner: string, volumes: readonly ResolvedVolume[]): ResolvedMount[] {
    const out: ResolvedMount[] = [];
    (list ?? []).forEach((m, i) => {
      const mount: ResolvedMount = { source: m.source, target: m.target, readonly: m.readonly ?? false };
      if (m.source.startsWith('/')) {
        mount.source = normalisePath(m.source);
        const danger = dangerousMount(mount.source);
        if (danger && !mountAllowed(mount.source, this.allowHostMounts)) {
          this.report('CLA3022', file, [...base, i, 'source'], { owner, path: mount.source, what: danger });
          return;
        }
        // The longest volume path that contains the source (the first volume declared there).
        const byPath = this.volumeByPath(volumes);
        let best = byPath.get(mount.source);
        if (!best) for (const parent of parentPaths(mount.source)) if ((best = byPath.get(parent))) break;
        if (best) mount.volume = best.name;
      } else {
        const v = this.volumeByName(volumes).get(m.source);
        if (!v) {
          this.report('CLA3004', file, [...base, i, 'source'], {
            owner,
            name: m.source,
            suggestion: this.suggestion(m.source, volumes.map((x) => x.name)),
          });
          return;
        }
        mount.source = v.path;
        mount.volume = v.name;
      }
      out.push(mount);
    });
    return out;
  }

  // ── services ──────────────────────────────────────────────────────────

  private service(
    s: Service,
    index: number,
    aliases: Record<string, string>,
    networks: Map<string, unknown>,
    volumes: readonly ResolvedVolume[],
    secrets: Map<string, unknown>,
  ): ResolvedService {
    const base: Path = ['spec', 'services', index];
    const owner = `service ${s.name}`;
    const image = this.imageWithTag(s, base);
    const environment: Record<string, string> = {};
    const secretRefs = new Set<string>();
    for (const key of Object.keys(s.environment ?? {}).sort()) {
      const value = s.environment![key]!;
      setOwn(environment, key, value);
      const plain = plaintextSecretInEnv(key, value);
      if (plain) this.report('CLA3023', 'services.yaml', [...base, 'environment', key], { owner, where: `environment ${key}`, what: plain, name: secretNameFor(key) });
      if (!value.includes('${')) continue; // no reference: nothing more to check (most values)
      for (const m of value.matchAll(SECRET_REF)) {
        if (m.index > 0 && value[m.index - 1] === '$') continue; // $${…} is a literal
        const inner = m[1]!;
        const name = inner.startsWith('secrets.') ? inner.slice('secrets.'.length) : undefined;
        if (name === undefined || !SECRET_NAME.test(name)) {
          this.report('CLA3015', 'services.yaml', [...base, 'environment', key], { owner: `${owner}: environment ${key}`, text: m[0] });
          continue;
        }
        secretRefs.add(name);
        if (!secrets.has(name)) {
          this.report('CLA3002', 'services.yaml', [...base, 'environment', key], {
            service: s.name,
            key,
            name,
            suggestion: this.suggestion(name, secrets.keys()),
          });
        }
      }
    }

    const svc: ResolvedService = {
      name: s.name,
      image,
      resolvedImage: applyAliases(image, aliases),
      replicas: s.replicas ?? s.placement?.replicas ?? DEFAULTS.replicas,
      state: s.state ?? DEFAULTS.state,
      enabled: s.enabled ?? DEFAULTS.enabled,
      ports: (s.ports ?? []).map((p) => {
        const out: ResolvedPort = { container: p.container, protocol: p.protocol ?? DEFAULTS.protocol };
        if (p.host !== undefined) out.host = p.host;
        if (p.host_ip !== undefined) out.hostIp = p.host_ip;
        return out;
      }),
      mounts: this.mounts(s.volumes, 'services.yaml', [...base, 'volumes'], owner, volumes),
      environment,
      secretRefs: [...secretRefs].sort(),
      resources: {},
      healthcheck: this.health(s.healthcheck, s.name, base),
      restart: s.restart ?? DEFAULTS.restart,
      networks: uniqueSorted(s.networks),
      dependsOn: uniqueSorted(s.depends_on),
      labels: sortedRecord(s.labels ?? {}),
    };
    if (s.placement && typeof s.placement === 'object') {
      if (s.replicas !== undefined && s.placement.replicas !== undefined && s.replicas !== s.placement.replicas) {
        this.report('CLA3043', 'services.yaml', [...base, 'placement', 'replicas'], { service: s.name, replicas: s.replicas, placed: s.placement.replicas });
      }
      svc.placement = {
        spread: s.placement.spread === true,
        // the schema checked each constraint's form (CLA2xxx at its position); anything else is skipped here
        constraints: (Array.isArray(s.placement.constraints) ? s.placement.constraints : []).flatMap((c) => {
          const m = typeof c === 'string' ? /^(.+?)(==|!=)(.*)$/.exec(c) : null;
          return m ? [{ key: m[1]!, op: m[2] as '==' | '!=', value: m[3]! }] : [];
        }),
      };
    }
    const command = this.argv(s.command, 'services.yaml', [...base, 'command'], owner, 'command');
    if (command) svc.command = command;
    const entrypoint = this.argv(s.entrypoint, 'services.yaml', [...base, 'entrypoint'], owner, 'entrypoint');
    if (entrypoint) svc.entrypoint = entrypoint;
    if (s.user !== undefined) svc.user = s.user;
    if (s.working_dir !== undefined) svc.workingDir = s.working_dir;
    if (s.resources?.cpu !== undefined) svc.resources.nanoCpus = nanoCpus(s.resources.cpu);
    if (s.resources?.memory !== undefined) {
      svc.resources.memoryBytes = sizeBytes(s.resources.memory);
      // Docker's floor (it refuses less at apply, and the apply rolls back): known now, said now
      if (svc.resources.memoryBytes < MIN_MEMORY_BYTES) this.report('CLA3059', 'services.yaml', [...base, 'resources', 'memory'], { service: s.name, memory: s.resources.memory });
    }
    if (s.logs?.max_size !== undefined || s.logs?.keep !== undefined) svc.logs = { ...(s.logs.keep !== undefined ? { keep: s.logs.keep } : {}), ...(s.logs.max_size !== undefined ? { maxBytes: sizeBytes(s.logs.max_size) } : {}) };

    // Secret references outside environment are never substituted.
    const elsewhere: [string, Path, unknown][] = [
      ['command', [...base, 'command'], s.command],
      ['entrypoint', [...base, 'entrypoint'], s.entrypoint],
      ['healthcheck.test', [...base, 'healthcheck', 'test'], s.healthcheck?.test],
      ['labels', [...base, 'labels'], s.labels],
    ];
    for (const [field, path, v] of elsewhere) {
      this.secretsOutsideEnv(v, 'services.yaml', path, owner, field);
      if (field !== 'labels') this.commandTrust(v, 'services.yaml', path, owner, field);
    }

    (s.networks ?? []).forEach((n, i) => {
      if (!networks.has(n)) {
        this.report('CLA3003', 'services.yaml', [...base, 'networks', i], { service: s.name, name: n, suggestion: this.suggestion(n, networks.keys()) });
      }
    });
    return svc;
  }

  /** Trust rules for a command: no code fetched and run (CLA3024), no plaintext secret in it (CLA3023). */
  private commandTrust(v: unknown, file: StateFileName, path: Path, owner: string, field: string): void {
    const text = typeof v === 'string' ? v : Array.isArray(v) ? v.filter((x) => typeof x === 'string').join(' ') : '';
    if (!text) return;
    const remote = fetchAndExecute(text);
    if (remote) this.report('CLA3024', file, path, { owner, field, what: remote });
    const plain = plaintextSecretInText(text);
    if (plain) this.report('CLA3023', file, path, { owner, where: field, what: plain, name: 'db_password' });
  }

  private secretsOutsideEnv(v: unknown, file: StateFileName, path: Path, owner: string, field: string): void {
    const strings = typeof v === 'string' ? [v] : Array.isArray(v) ? v : v && typeof v === 'object' ? Object.values(v) : [];
    for (const s of strings) {
      if (typeof s !== 'string') continue;
      const m = /\$\{secrets\.([^}]*)\}/.exec(s);
      if (m) {
        this.report('CLA3016', file, path, { owner, field, name: m[1]! });
        return;
      }
    }
  }

  /** The tag rule: `tag` wins over a tag in `image` (warning); a digest wins over both (warning). */
  private imageWithTag(s: Service, base: Path): string {
    const ref = parseImageRef(s.image);
    if (!ref) return s.image; // check has reported it
    if (s.tag === undefined) return s.image;
    const repo = imageRepository(ref);
    if (ref.digest !== undefined) {
      this.report('CLA3001', 'services.yaml', [...base, 'tag'], {
        service: s.name,
        image: s.image,
        what: 'a digest',
        rule: `the digest pins the image and tag "${s.tag}" is ignored`,
        fix: `remove tag:, or remove the @digest from image: to use ${repo}:${s.tag}`,
      });
      return s.image;
    }
    if (ref.tag !== undefined && ref.tag !== s.tag) {
      this.report('CLA3001', 'services.yaml', [...base, 'tag'], {
        service: s.name,
        image: s.image,
        what: `the tag "${ref.tag}"`,
        rule: `tag: "${s.tag}" wins, so the image is ${repo}:${s.tag}`,
        fix: `write the tag in one place only: image: ${repo} with tag: "${s.tag}", or image: ${repo}:${s.tag}`,
      });
    }
    return `${repo}:${s.tag}`;
  }

  private argv(v: string | string[] | undefined, file: StateFileName, path: Path, owner: string, field: string): string[] | undefined {
    if (v === undefined) return undefined;
    if (Array.isArray(v)) return [...v];
    const t = splitCommand(v);
    if (t.error) {
      this.report('CLA3013', file, path, { owner, field, reason: t.error });
      return [v];
    }
    if (t.operator) this.report('CLA3014', file, path, { owner, field, op: `"${t.operator}"` });
    return t.argv;
  }

  private health(h: Healthcheck | undefined, service: string, base: Path): ResolvedHealth | null {
    if (!h || h.disable === true) return null;
    if (h.test === undefined) {
      this.report('CLA3018', 'services.yaml', [...base, 'healthcheck'], { service }, true);
      return null;
    }
    let test: string[];
    if (typeof h.test === 'string') test = ['CMD-SHELL', h.test];
    else if (h.test[0] === 'NONE') return null;
    else if (h.test[0] === 'CMD' || h.test[0] === 'CMD-SHELL') test = [...h.test];
    else test = ['CMD', ...h.test];
    return {
      test,
      intervalMs: h.interval !== undefined ? durationMs(h.interval) : DEFAULTS.health.intervalMs,
      timeoutMs: h.timeout !== undefined ? durationMs(h.timeout) : DEFAULTS.health.timeoutMs,
      retries: h.retries ?? DEFAULTS.health.retries,
      startPeriodMs: h.start_period !== undefined ? durationMs(h.start_period) : DEFAULTS.health.startPeriodMs,
    };
  }

  // ── depends_on ────────────────────────────────────────────────────────

  private dependencies(resolved: readonly ResolvedService[], services: Map<string, Named<Service>>): void {
    const byName = new Map(resolved.map((s) => [s.name, s]));
    const edges = new Map<string, string[]>();
    for (const { item, index } of services.values()) {
      const ok: string[] = [];
      (item.depends_on ?? []).forEach((d, i) => {
        const target = byName.get(d);
        if (!target) {
          this.report('CLA3005', 'services.yaml', ['spec', 'services', index, 'depends_on', i], {
            service: item.name,
            name: d,
            suggestion: this.suggestion(d, [...byName.keys()].filter((n) => n !== item.name)),
          });
          return;
        }
        ok.push(d);
        const state = !target.enabled ? 'disabled (enabled: false)' : target.state === 'stopped' ? 'stopped' : target.replicas === 0 ? 'scaled to 0 replicas' : undefined;
        const self = byName.get(item.name);
        if (state && self && self.enabled && self.state === 'running' && self.replicas > 0 && d !== item.name) {
          this.report('CLA3019', 'services.yaml', ['spec', 'services', index, 'depends_on', i], { service: item.name, name: d, state });
        }
      });
      edges.set(item.name, uniqueSorted(ok));
    }
    for (const cycle of findCycles(edges)) {
      const first = cycle[0]!;
      const next = cycle[1]!;
      const named = services.get(first)!;
      const i = (named.item.depends_on ?? []).indexOf(next);
      this.report('CLA3006', 'services.yaml', ['spec', 'services', named.index, 'depends_on', i], { cycle: cycle.join(' → ') });
    }
  }

  // ── host ports ────────────────────────────────────────────────────────

  private hostPorts(services: Map<string, Named<Service>>): void {
    interface Claim {
      service: string;
      port: number;
      protocol: string;
      ip: string | undefined;
      /** The service's index and the port's, for the path (made only when a claim is reported). */
      index: number;
      i: number;
    }
    const pathOf = (c: { index: number; i: number }): Path => ['spec', 'services', c.index, 'ports', c.i, 'host'];
    const claims: Claim[] = [];
    for (const { item, index } of services.values()) {
      const replicas = item.replicas ?? DEFAULTS.replicas;
      if (replicas === 0) continue;
      (item.ports ?? []).forEach((p, i) => {
        if (p.host === undefined) return;
        const protocol = p.protocol ?? DEFAULTS.protocol;
        if (replicas > 1) this.report('CLA3008', 'services.yaml', pathOf({ index, i }), { service: item.name, replicas, port: p.host, protocol });
        claims.push({ service: item.name, port: p.host, protocol, ip: p.host_ip, index, i });
      });
    }
    // every claimed port, for the free one a clash suggests: made at the first clash
    let taken: Set<string> | undefined;
    const byPort = new Map<string, Claim[]>();
    for (const c of claims) {
      const key = `${c.port}/${c.protocol}`;
      const same = byPort.get(key);
      const earlier = same?.find((o) => ipsOverlap(o.ip, c.ip));
      if (same) same.push(c);
      else byPort.set(key, [c]);
      if (!earlier) continue;
      taken ??= new Set(claims.map((x) => `${x.port}/${x.protocol}`));
      let free = c.port + 1;
      while (free <= 65535 && taken.has(`${free}/${c.protocol}`)) free++;
      this.report('CLA3007', 'services.yaml', pathOf(c), {
        service: c.service,
        port: c.port,
        protocol: c.protocol,
        ip: c.ip ? ` on ${c.ip}` : '',
        other: earlier.service === c.service ? `${c.service} (another ports entry)` : earlier.service,
        free: free <= 65535 ? free : c.port - 1,
      });
    }
  }

  // ── networks, firewall ────────────────────────────────────────────────

  private networks(networks: Map<string, Named<NonNullable<NonNullable<WrittenState['services']>['spec']['networks']>[number]>>): ResolvedNetwork[] {
    return [...networks.values()]
      .map(({ item }) => {
        const n: ResolvedNetwork = { name: item.name, driver: item.driver ?? DEFAULTS.networkDriver, internal: item.internal ?? false };
        if (item.subnet !== undefined) n.subnet = item.subnet;
        return n;
      })
      .sort(byName);
  }

  /** manifest.yaml spec.notifications with defaults; the webhook secret is looked up as ciphertext (CLA3021 reports a missing one). */
  private notifications(
    n: NonNullable<SystemManifest['spec']['notifications']> | undefined,
    secrets: Map<string, Named<{ name: string; value: string }>>,
  ): ResolvedModel['notifications'] {
    const out: ResolvedModel['notifications'] = { minSeverity: n?.min_severity ?? DEFAULTS.notifyMinSeverity };
    const w = n?.webhook;
    if (w) {
      const secret = w.secret !== undefined ? secrets.get(w.secret)?.item : undefined;
      out.webhook = {
        url: w.url,
        timeoutMs: w.timeout !== undefined ? durationMs(w.timeout) : DEFAULTS.webhookTimeoutMs,
        retries: w.retries ?? DEFAULTS.webhookRetries,
        ...(secret ? { secret: { name: secret.name, value: secret.value } } : {}),
      };
    }
    return out;
  }

  private firewall(): ResolvedFirewall | null {
    const fw = this.w.network?.spec.firewall;
    if (!fw) return null;
    return {
      enabled: fw.enabled ?? DEFAULTS.firewallEnabled,
      defaultInputPolicy: fw.default_input_policy ?? DEFAULTS.firewallPolicy,
      ...(fw.default_input_policy === 'accept' ? { inputAcceptSaid: true as const } : {}),
      defaultOutputPolicy: fw.default_output_policy ?? DEFAULTS.firewallPolicy,
      defaultForwardPolicy: fw.default_forward_policy ?? DEFAULTS.firewallPolicy,
      rules: fw.rules ?? [],
    };
  }

  // ── backups ───────────────────────────────────────────────────────────

  /**
   * The scheduled backups: every volume with `backup:` enabled (and manifest.yaml
   * spec.backup.enabled not false), the defaults from manifest.yaml spec.backup, then
   * DEFAULTS. A destination inside the volume it backs up is refused (CLA3040), a dump needs
   * a PostgreSQL or Redis service mounting the volume (CLA3041), and the job name
   * backup-<volume> is the backup's (CLA3042).
   */
  private backups(
    written: Map<string, Named<NonNullable<NonNullable<WrittenState['storage']>['spec']['volumes']>[number]>>,
    volumes: readonly ResolvedVolume[],
    services: readonly ResolvedService[],
    defaults: NonNullable<SystemManifest['spec']['backup']> | undefined,
    jobs: Map<string, Named<unknown>>,
  ): ResolvedBackup[] {
    const out: ResolvedBackup[] = [];
    if (defaults?.enabled === false) return out;
    // The services mounting each volume (by name) or its path: one pass over the mounts.
    let mountedBy: Map<string, Set<string>> | undefined;
    let serviceByName: Map<string, ResolvedService> | undefined;
    const usersOf = (v: ResolvedVolume): string[] => {
      if (!mountedBy) {
        mountedBy = new Map();
        const add = (key: string, service: string) => (mountedBy!.get(key) ?? mountedBy!.set(key, new Set()).get(key)!).add(service);
        for (const s of services) for (const m of s.mounts) {
          if (m.volume !== undefined) add(`volume\u0000${m.volume}`, s.name);
          add(`path\u0000${m.source}`, s.name);
        }
      }
      return [...new Set([...(mountedBy.get(`volume\u0000${v.name}`) ?? []), ...(mountedBy.get(`path\u0000${v.path}`) ?? [])])].sort();
    };
    for (const v of volumes) {
      const b = v.backup;
      if (!b || !b.enabled) continue;
      const index = written.get(v.name)?.index ?? 0;
      const base: Path = ['spec', 'volumes', index, 'backup'];
      const users = usersOf(v);
      const type = b.type ?? DEFAULTS.backupType;
      const r: ResolvedBackup = { volume: v.name, path: v.path, type, services: users, schedule: b.schedule ?? defaults?.schedule ?? DEFAULTS.backupSchedule, retain: b.retain ?? defaults?.retain ?? DEFAULTS.backupRetain };
      const dest = b.destination ?? defaults?.destination;
      if (dest !== undefined) {
        const d = normalisePath(dest);
        r.destination = d;
        if (d === v.path || d.startsWith(v.path + '/') || v.path === '/') {
          const own = b.destination !== undefined;
          this.report('CLA3040', own ? 'storage.yaml' : 'manifest.yaml', own ? [...base, 'destination'] : ['spec', 'backup', 'destination'], { owner: own ? `volume ${v.name}` : 'spec.backup', destination: d, name: v.name, path: v.path });
        }
      }
      if (type === 'dump') {
        const engines = users.map((n) => ({ n, e: databaseEngine((serviceByName ??= new Map(services.map((s) => [s.name, s]))).get(n)!) }));
        const db = engines.find((x) => x.e !== undefined);
        if (!db) {
          this.report('CLA3041', 'storage.yaml', [...base, 'type'], { name: v.name, found: users.length ? `it is mounted by ${users.join(', ')}, which ${users.length === 1 ? 'is' : 'are'} neither` : 'no service mounts it' });
        } else {
          r.engine = db.e!;
          // the dump runs in the database's container: list it first
          r.services = [db.n, ...users.filter((n) => n !== db.n)];
        }
      }
      const job = jobs.get(`backup-${v.name}`);
      if (job) this.report('CLA3042', 'scheduled.yaml', ['spec', 'jobs', job.index, 'name'], { job: `backup-${v.name}`, name: v.name });
      out.push(r);
    }
    return out.sort((a, b) => (a.volume < b.volume ? -1 : a.volume > b.volume ? 1 : 0));
  }

  // ── jobs ──────────────────────────────────────────────────────────────

  private job(
    j: NonNullable<NonNullable<WrittenState['scheduled']>['spec']['jobs']>[number],
    index: number,
    services: Map<string, Named<Service>>,
    volumes: readonly ResolvedVolume[],
    _secrets: Map<string, unknown>,
    aliases: Record<string, string>,
  ): ResolvedJob {
    const base: Path = ['spec', 'jobs', index];
    if (j.container !== undefined && !services.has(j.container)) {
      this.report('CLA3010', 'scheduled.yaml', [...base, 'container'], { job: j.name, name: j.container, suggestion: this.suggestion(j.container, services.keys()) });
    }
    if (j.container !== undefined && j.volumes !== undefined && j.volumes.length > 0) {
      this.report('CLA3017', 'scheduled.yaml', [...base, 'volumes'], { job: j.name, name: j.container }, true);
    }
    this.secretsOutsideEnv(j.command, 'scheduled.yaml', [...base, 'command'], `job ${j.name}`, 'command');
    this.commandTrust(j.command, 'scheduled.yaml', [...base, 'command'], `job ${j.name}`, 'command');
    const out: ResolvedJob = {
      name: j.name,
      schedule: j.schedule,
      command: typeof j.command === 'string' ? ['/bin/sh', '-c', j.command] : [...j.command],
      mounts: this.mounts(j.volumes, 'scheduled.yaml', [...base, 'volumes'], `job ${j.name}`, volumes),
      timeoutMs: j.timeout !== undefined ? durationMs(j.timeout) : DEFAULTS.jobTimeoutMs,
      enabled: j.enabled ?? true,
    };
    if (j.container !== undefined) out.container = j.container;
    if (j.image !== undefined) {
      out.image = j.image;
      out.resolvedImage = applyAliases(j.image, aliases);
    }
    if (j.on_failure !== undefined) out.onFailure = j.on_failure;
    if (j.on_success !== undefined) out.onSuccess = j.on_success;
    return out;
  }
}

// ── helpers ──────────────────────────────────────────────────────────────

/** The database a service runs, from its image's repository name (as written or after aliases). */
export function databaseEngine(s: { image: string; resolvedImage: string }): 'postgres' | 'redis' | undefined {
  for (const ref of [s.image, s.resolvedImage]) {
    const repo = (ref.split('@')[0] ?? ref).replace(/:[^/:]*$/, '').split('/').pop() ?? '';
    if (/^(postgres|postgresql|postgis|timescaledb)([-_].*)?$/.test(repo)) return 'postgres';
    if (/^(redis|valkey)([-_].*)?$/.test(repo)) return 'redis';
  }
  return undefined;
}

function byName<T extends { name: string }>(a: T, b: T): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

function sortedRecord(r: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(r).sort()) setOwn(out, k, r[k]!);
  return out;
}

/** out[k] = v, also for k = "__proto__" (an ordinary key here, never the prototype). */
function setOwn(out: Record<string, string>, k: string, v: string): void {
  // `__proto__` is the one key whose assignment would not make an own property (its setter
  // on Object.prototype); every other key is set as a plain assignment sets it
  if (k === '__proto__') Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  else out[k] = v;
}

/** The strings of a list once each, sorted (a list of none or one is copied as it is). */
function uniqueSorted(list: readonly string[] | undefined): string[] {
  if (!list) return [];
  return list.length < 2 ? [...list] : [...new Set(list)].sort();
}

/** `/data/www/` → `/data/www`; `/a/../b` → `/b`. */
/**
 * The paths that contain `p`, longest first: `/srv/data/1` → `/srv/data`, `/srv`. A path q is
 * among them exactly when `p.startsWith(q + '/')` (so `/` itself is never one).
 */
export function parentPaths(p: string): string[] {
  const out: string[] = [];
  for (let i = p.lastIndexOf('/'); i > 0; i = p.lastIndexOf('/', i - 1)) out.push(p.slice(0, i));
  return out;
}

// An absolute path with no empty, `.` or `..` segment and no trailing slash: normalize gives it back as it is.
const NORMAL_ABSOLUTE = /^(?:\/(?!\.\.?(?:\/|$))[^/]+)+$/;

export function normalisePath(p: string): string {
  if (NORMAL_ABSOLUTE.test(p)) return p;
  const n = posix.normalize(p);
  return n.length > 1 && n.endsWith('/') ? n.slice(0, -1) : n;
}

/** `docker.io/library/nginx:1` → `nginx:1`: Docker Hub's implicit parts dropped. */
export function familiarImage(image: string): string {
  return image.replace(/^(docker\.io|index\.docker\.io|registry-1\.docker\.io)\//, '').replace(/^library\//, '');
}

/**
 * The image after manifest.yaml aliases: the exact reference first, then its repository
 * name (each also in Docker Hub's short form: docker.io/library/nginx ≡ nginx). A pinned
 * digest is only matched exactly.
 */
export function applyAliases(image: string, aliases: Record<string, string>): string {
  const has = (k: string) => Object.prototype.hasOwnProperty.call(aliases, k);
  const short = familiarImage(image);
  const candidates = [image, short];
  const ref = parseImageRef(short);
  if (ref && ref.digest === undefined) candidates.push(imageRepository(ref));
  for (const c of candidates) if (has(c)) return aliases[c]!;
  return image;
}

/** Whether two host addresses overlap; undefined means all addresses. */
function ipsOverlap(a: string | undefined, b: string | undefined): boolean {
  const wildcard = (x: string | undefined) => x === undefined || x === '0.0.0.0' || x === '::';
  if (wildcard(a) || wildcard(b)) {
    // 0.0.0.0 is every IPv4 address only; :: and "unset" are every address.
    if (a === '0.0.0.0' && b !== undefined && b.includes(':') && b !== '::') return false;
    if (b === '0.0.0.0' && a !== undefined && a.includes(':') && a !== '::') return false;
    return true;
  }
  return a === b;
}

/**
 * The dependency cycles, each once, as a path that starts and ends at its smallest
 * service name: ['a', 'b', 'c', 'a']. One cycle per strongly connected component.
 */
export function findCycles(edges: ReadonlyMap<string, readonly string[]>): string[][] {
  // Almost every state has no cycle: said by one count over integer ids first (at 10,000
  // services Tarjan's maps, sets and per-component sorts took ≈ 35 ms of a cold process).
  if (acyclic(edges)) return [];
  // Tarjan's algorithm, iterative over sorted nodes for a deterministic result.
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const sccs: string[][] = [];
  const nodes = [...edges.keys()].sort();
  for (const root of nodes) {
    if (index.has(root)) continue;
    const work: { node: string; next: number }[] = [{ node: root, next: 0 }];
    index.set(root, counter);
    low.set(root, counter++);
    stack.push(root);
    onStack.add(root);
    while (work.length) {
      const top = work[work.length - 1]!;
      const succ = edges.get(top.node) ?? [];
      if (top.next < succ.length) {
        const m = succ[top.next++]!;
        if (!edges.has(m)) continue;
        if (!index.has(m)) {
          index.set(m, counter);
          low.set(m, counter++);
          stack.push(m);
          onStack.add(m);
          work.push({ node: m, next: 0 });
        } else if (onStack.has(m)) {
          low.set(top.node, Math.min(low.get(top.node)!, index.get(m)!));
        }
      } else {
        work.pop();
        const parent = work[work.length - 1];
        if (parent) low.set(parent.node, Math.min(low.get(parent.node)!, low.get(top.node)!));
        if (low.get(top.node) === index.get(top.node)) {
          const comp: string[] = [];
          let x: string;
          do {
            x = stack.pop()!;
            onStack.delete(x);
            comp.push(x);
          } while (x !== top.node);
          sccs.push(comp);
        }
      }
    }
  }
  const cycles: string[][] = [];
  for (const comp of sccs) {
    const inComp = new Set(comp);
    const start = [...comp].sort()[0]!;
    if (comp.length === 1 && !(edges.get(start) ?? []).includes(start)) continue;
    // Shortest path from start back to start inside the component (BFS, sorted edges).
    const prev = new Map<string, string>();
    const queue = [start];
    let found = false;
    for (let qi = 0; qi < queue.length && !found; qi++) {
      const n = queue[qi]!;
      for (const m of edges.get(n) ?? []) {
        if (!inComp.has(m)) continue;
        if (m === start) {
          prev.set(start, n);
          found = true;
          break;
        }
        if (!prev.has(m)) {
          prev.set(m, n);
          queue.push(m);
        }
      }
    }
    const path = [start];
    let cur = prev.get(start)!;
    while (cur !== start) {
      path.push(cur);
      cur = prev.get(cur)!;
    }
    path.push(start);
    // path is start ← … reversed: start, last, …, first; flip the middle.
    const middle = path.slice(1, -1).reverse();
    cycles.push([start, ...middle, start]);
  }
  return cycles.sort((a, b) => (a[0]! < b[0]! ? -1 : 1));
}

/**
 * Whether the graph has no cycle (Kahn's algorithm: every node can be taken once the nodes it
 * points to are). Edges to names that are not nodes are left out, as findCycles leaves them.
 */
function acyclic(edges: ReadonlyMap<string, readonly string[]>): boolean {
  const id = new Map<string, number>();
  for (const name of edges.keys()) id.set(name, id.size);
  const n = id.size;
  // the edges as ids, reversed (who points to each node), in one array: from[at[m] … at[m+1])
  const pending = new Int32Array(n); // edges still out of each node
  const at = new Int32Array(n + 1);
  const targets: number[] = [];
  const sources: number[] = [];
  let u = 0;
  for (const succ of edges.values()) {
    for (const name of succ) {
      const m = id.get(name);
      if (m === undefined) continue;
      pending[u]!++;
      at[m + 1]!++;
      targets.push(m);
      sources.push(u);
    }
    u++;
  }
  for (let m = 0; m < n; m++) at[m + 1]! += at[m]!;
  const from = new Int32Array(targets.length);
  const fill = at.slice(0, n);
  for (let e = 0; e < targets.length; e++) from[fill[targets[e]!]!++] = sources[e]!;
  const ready: number[] = [];
  for (let v = 0; v < n; v++) if (pending[v] === 0) ready.push(v);
  let taken = 0;
  while (ready.length) {
    const m = ready.pop()!;
    taken++;
    for (let e = at[m]!; e < at[m + 1]!; e++) if (--pending[from[e]!]! === 0) ready.push(from[e]!);
  }
  return taken === n;
}

/** A secret name for an environment variable (DB_PASSWORD → db_password), for hints. */
function secretNameFor(key: string): string {
  const n = key.toLowerCase().replace(/[^a-z0-9_]/g, '_').replace(/^[^a-z]+/, '');
  return n.slice(0, 63) || 'my_secret';
}

/** Why a mount target is refused (a directory the system itself needs), or null. */
export function systemTarget(target: string): string | null {
  if (target === '/') return 'the root filesystem';
  const exact = ['/var', '/var/lib', '/home', '/tmp', '/mnt', '/srv', '/opt', '/media'];
  if (exact.includes(target)) return `${target} itself, a system directory (mount below it, e.g. ${target === '/var/lib' ? '/var/lib/postgresql' : `${target}/data`})`;
  const trees = ['/bin', '/boot', '/dev', '/etc', '/lib', '/lib32', '/lib64', '/libx32', '/proc', '/run', '/sbin', '/sys', '/usr', '/var/lib/claude', '/var/lib/docker', '/var/lib/containerd', '/var/log'];
  const t = trees.find((d) => target === d || target.startsWith(d + '/'));
  return t ? `${target === t ? '' : 'inside '}${t}, which the system (or Claude.OS) needs` : null;
}

/** Why a mount option is refused, or null: options that make it something other than a device mount. */
export function badMountOption(option: string): string | null {
  for (const part of option.split(',')) {
    const name = part.split('=')[0]!;
    if (['bind', 'rbind', 'move', 'remount'].includes(name)) return `${name} is not a device mount (Claude.OS mounts the device at the target itself)`;
    if (name === 'loop' || name === 'offset' || name === 'sizelimit') return `${name} mounts a file through a loop device; name the block device instead`;
    if (name === 'user' || name === 'users' || name === 'owner' || name === 'group') return `${name} lets users other than root mount and unmount it`;
  }
  return null;
}

