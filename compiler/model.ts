/**
 * The compiler's IRs between phases.
 *
 *   SourceFile[]  --parse-->  ParsedFile[]  --check-->  WrittenState  --resolve-->  ResolvedModel
 *
 * `WrittenState` is what the user (or the intent engine) wrote: the generated types, every
 * optional field optional (like changesets' WrittenConfig). `ResolvedModel` is normalised:
 * defaults filled in, units converted (durations to ms, sizes to bytes, cpu to nano-cpus),
 * images mapped through the catalog, cross-file references checked, lists sorted by name.
 * The planner reads only the ResolvedModel (and the observed state).
 */
import type { SystemManifest } from '../generated/manifest.js';
import type { ServiceManifest } from '../generated/services.js';
import type { NetworkConfig, FirewallRule } from '../generated/network.js';
import type { StorageConfig } from '../generated/storage.js';
import type { SecurityConfig } from '../generated/security.js';
import type { ScheduledTasks } from '../generated/scheduled.js';
import type { Positions } from './parse.js';
import type { MountSpec } from '../plan/types.js';

export const STATE_FILE_NAMES = [
  'manifest.yaml',
  'services.yaml',
  'network.yaml',
  'storage.yaml',
  'security.yaml',
  'scheduled.yaml',
] as const;
export type StateFileName = (typeof STATE_FILE_NAMES)[number];

/** The six state files as written (each may be absent). */
export interface WrittenState {
  manifest?: SystemManifest;
  services?: ServiceManifest;
  network?: NetworkConfig;
  storage?: StorageConfig;
  security?: SecurityConfig;
  scheduled?: ScheduledTasks;
  /** The source text of each file present, by file name: it goes into the plan verbatim. */
  sources: Partial<Record<StateFileName, string>>;
  /**
   * Source positions of each file, by file name, so that resolve can point its
   * cross-file diagnostics at file:line:col. Absent for a state built in code (then those
   * diagnostics carry the file name only). A PositionIndex from the parse, or a PositionTable
   * from the compiled-state cache (compiler/position-table.ts).
   */
  positions?: Partial<Record<StateFileName, Positions>>;
}

export interface ResolvedPort {
  host?: number;
  container: number;
  protocol: 'tcp' | 'udp';
  hostIp?: string;
}

export interface ResolvedMount {
  /** Absolute logical host path (the runtime places it under CLAUDE_ROOT). */
  source: string;
  target: string;
  readonly: boolean;
  /** The storage.yaml volume this path belongs to, when it is one. */
  volume?: string;
}

export interface ResolvedHealth {
  /** Docker form: ['CMD-SHELL', '...'] or ['CMD', ...]. */
  test: string[];
  intervalMs: number;
  timeoutMs: number;
  retries: number;
  startPeriodMs: number;
}

export interface ResolvedService {
  name: string;
  /** The image as written, with the tag rule applied (e.g. 'nginx:1.25'). */
  image: string;
  /** The image the runtime will use, after manifest.yaml spec.images.aliases. */
  resolvedImage: string;
  replicas: number;
  state: 'running' | 'stopped';
  enabled: boolean;
  command?: string[];
  entrypoint?: string[];
  user?: string;
  workingDir?: string;
  ports: ResolvedPort[];
  mounts: ResolvedMount[];
  /** Values may hold ${secrets.name} references; never plaintext secrets. */
  environment: Record<string, string>;
  /** Secret names referenced from environment (sorted). */
  secretRefs: string[];
  resources: { nanoCpus?: number; memoryBytes?: number };
  /** services.yaml logs: the service's own bound on its log; absent, the runtime's default. */
  logs?: { maxBytes?: number; keep?: number };
  healthcheck: ResolvedHealth | null;
  restart: 'no' | 'always' | 'on-failure' | 'unless-stopped';
  /** Networks joined (sorted). Services are reachable by their name on each. */
  networks: string[];
  /** Direct dependencies (sorted). */
  dependsOn: string[];
  labels: Record<string, string>;
  /** Cluster mode only (docs/cluster.md): present when services.yaml gives `placement:`. */
  placement?: ResolvedPlacement;
}

/** A service's placement across the nodes of a cluster. */
export interface ResolvedPlacement {
  spread: boolean;
  /** Label constraints, all of which must hold. */
  constraints: { key: string; op: '==' | '!='; value: string }[];
}

export interface ResolvedNetwork {
  name: string;
  driver: 'bridge';
  internal: boolean;
  subnet?: string;
}

export interface ResolvedVolume {
  name: string;
  path: string;
  sizeBytes?: number;
  filesystem?: string;
  permissions?: string;
  owner?: string;
  backup?: { enabled: boolean; schedule?: string; retain?: number; type?: 'snapshot' | 'archive' | 'dump'; destination?: string };
  /** Cluster mode: on storage every node sees, so a service mounting it may move (docs/cluster.md). */
  shareable?: boolean;
}

/**
 * One scheduled backup (docs/backups.md): a storage.yaml volume with `backup:` enabled,
 * its defaults filled in from manifest.yaml `spec.backup`. The planner turns each into a
 * job `backup-<volume>` of the schedule table.
 */
export interface ResolvedBackup {
  volume: string;
  /** The volume's logical host path. */
  path: string;
  type: 'archive' | 'snapshot' | 'dump';
  /** For type dump: the database the volume holds, from the image of the service that mounts it. */
  engine?: 'postgres' | 'redis';
  /** The services that mount the volume (sorted). */
  services: string[];
  schedule: string;
  retain: number;
  /** Logical directory; absent: the runtime's default, `<data dir>/backups`. */
  destination?: string;
}

export interface ResolvedFirewall {
  enabled: boolean;
  defaultInputPolicy: 'accept' | 'drop';
  /** `default_input_policy: accept` is written out (not the default): the firewall step then needs an admin signature (P2). */
  inputAcceptSaid?: true;
  defaultOutputPolicy: 'accept' | 'drop';
  defaultForwardPolicy: 'accept' | 'drop';
  /** As written (snake_case), in declared order; the firewall compiler normalises further. */
  rules: FirewallRule[];
}

export interface ResolvedJob {
  name: string;
  schedule: string;
  /** Service whose container runs the job, or undefined for a utility container. */
  container?: string;
  /** The image as written. */
  image?: string;
  /** The image the runtime will use, after manifest.yaml spec.images.aliases (set with image). */
  resolvedImage?: string;
  command: string[];
  mounts: ResolvedMount[];
  timeoutMs: number;
  enabled: boolean;
  onFailure?: 'notify' | 'alert' | 'ignore';
  onSuccess?: 'notify' | 'alert' | 'ignore';
}

export interface ResolvedModel {
  /** Source text of every state file present, for the plan's desired.files. */
  files: Partial<Record<StateFileName, string>>;
  hostname?: string;
  timezone?: string;
  llm?: NonNullable<SystemManifest['spec']['llm']>;
  safety: {
    requireApproval: boolean;
    autoApproveCategories: string[];
    restrictedFiles: string[];
    maxChangesPerHour?: number;
    rollbackOnHealthFailure: boolean;
    confirmTimeoutMs: number;
  };
  /** manifest.yaml spec.reconcile, defaults filled in (docs/reconciler.md). */
  reconcile: {
    intervalMs: number;
    debounceMs: number;
    drift: 'self_heal' | 'queue' | 'report';
    /** Step-target globs whose drift is ignored, sorted. */
    ignore: string[];
    /** The wait before a failed self-heal or hand edit is tried again: firstMs, doubling, at most maxMs (reconcile.backoff). */
    backoff: { firstMs: number; maxMs: number };
  };
  /** manifest.yaml spec.notifications, defaults filled in; the webhook secret as its ciphertext. */
  notifications: {
    minSeverity: 'info' | 'warning' | 'critical';
    webhook?: { url: string; timeoutMs: number; retries: number; secret?: { name: string; value: string } };
  };
  images: { aliases: Record<string, string>; pull: boolean };
  api: { enabled: boolean; listen?: string; port: number };
  networks: ResolvedNetwork[];
  services: ResolvedService[];
  volumes: ResolvedVolume[];
  /**
   * storage.yaml spec.mounts (docs/storage.md), sorted by target (a parent before what is
   * mounted inside it): target normalised, options defaulted to [defaults], format to false.
   * Only block-device types (ext4, xfs, btrfs, vfat); the others are reported (CLA3044).
   */
  mounts: MountSpec[];
  firewall: ResolvedFirewall | null;
  dns?: { nameservers: string[]; search: string[] };
  interfaces: NonNullable<NetworkConfig['spec']['interfaces']>;
  users: NonNullable<SecurityConfig['spec']['users']>;
  ssh?: NonNullable<SecurityConfig['spec']['ssh']>;
  /** Secrets as ciphertext (`encrypted:v1:…`), never plaintext. */
  secrets: { name: string; value: string }[];
  certificates: NonNullable<SecurityConfig['spec']['certificates']>;
  audit?: NonNullable<SecurityConfig['spec']['audit']>;
  jobs: ResolvedJob[];
  /** The scheduled volume backups, sorted by volume. */
  backups?: ResolvedBackup[];
}
