/**
 * The engine: everything apply.ts may do to the system, as one small interface.
 *
 * `drivers/docker.ts` (`DockerEngine`) is the real one: Docker Engine through dockerode,
 * volume directories and host files under CLAUDE_ROOT, nftables through drivers/nft.ts.
 * `testing/memory-engine.ts` is an in-memory one, used only by the rollback property test.
 *
 * apply.ts decides WHAT to do (order, journal, rollback); an engine only does it. Every
 * method is idempotent where the comment says so, because recovery may repeat a call that
 * a crashed process already made.
 */
import type { ContainerSpec, HealthSpec, MountSpec, NetworkSpec, ObservedState, VolumeSpec } from '../plan/types.js';

/** A container as the snapshot keeps it: enough to recreate it exactly. */
export interface ContainerRecord {
  id: string;
  name: string;
  running: boolean;
  image: string;
  labels: Record<string, string>;
  /** The networks it is attached to, with its aliases there (sorted by name). */
  networks: { name: string; aliases: string[] }[];
  /** Engine-specific create options (docker: derived from `docker inspect`); opaque to apply.ts. */
  recreate: unknown;
  /** Its memory/CPU limits as the engine has them now (absent: none, or the engine does not say). */
  limits?: ContainerSpec['resources'];
}

/** One run of a container: a restart changes `startedAt` (and Docker's restart count). */
export interface RunState {
  /** Running, and not being restarted by its restart policy. */
  running: boolean;
  startedAt: string;
  restarts: number;
  /** The kernel killed it for lack of memory (its last exit). */
  oomKilled: boolean;
  exitCode: number;
}

export interface NetworkRecord {
  id: string;
  name: string;
  driver: string;
  internal: boolean;
  subnet?: string;
  labels: Record<string, string>;
}

/** A volume directory as it is on disk (host path = CLAUDE_ROOT + logical path). */
export interface VolumeDirState {
  exists: boolean;
  mode?: number;
  uid?: number;
  gid?: number;
}

export interface ReadyResult {
  /** 'healthy': the health command succeeded; 'running': no healthcheck, running and ports answer. */
  /** 'completed': a one-shot (restart policy `no`/`on-failure`) with no readiness signal that exited 0. */
  state: 'healthy' | 'running' | 'completed';
  ms: number;
  /** How `healthy` was seen when not by the health command run in the container: the same HTTP request from the host (runtime/health.ts httpHealthOf), or Docker's own check. */
  via?: 'http' | 'docker' | 'postgres' | 'redis';
}

export interface HostFile {
  path: string;
  /** base64 of the content, or null when the file does not exist. */
  content: string | null;
  mode: string;
}

/** What mounting a storage.yaml mount would do now (drivers/mounts.ts `MountDriver.check`). */
export interface MountCheck {
  /** `mounted`: already mounted as declared; `remount`: the same device, new options; `mount`; `format`: mkfs first (allowed by format: true). */
  action: 'mounted' | 'remount' | 'mount' | 'format';
  device: string;
  /** What the device holds now ("ext4", "xfs", "a gpt partition table", "no filesystem"). */
  found: string;
}

export interface Engine {
  /** The observed managed state (the same observer the planner used for the plan's base). */
  observe(): Promise<ObservedState>;

  // ── containers ──
  /** The containers with these names (those that exist). */
  listContainers(names: readonly string[]): Promise<ContainerRecord[]>;
  inspectContainer(nameOrId: string): Promise<ContainerRecord | null>;
  /**
   * The engine accepts a container create that names a network which does not exist yet: Docker
   * stores the network's name and resolves it when the container starts; containerd's create
   * does its own work first (image, snapshot, container, task) and waits, before it attaches
   * the network, for that network's create in the same engine. The runtime then lets a
   * `container.create` step go beside the `network.create` of its (only) network, and its
   * start still waits for both (runtime/apply.ts, the DAG walk).
   */
  readonly createsBeforeNetwork?: boolean;
  /**
   * Creates (not starts) a container with everything in the spec; `env` is already resolved.
   * `held`: its start will wait for other services, so an engine with `holdStart` may prepare it
   * to be started early and held (runtime/drivers/hold.ts); others ignore it.
   */
  createContainer(spec: ContainerSpec, env: Record<string, string>, opts?: { held?: boolean }): Promise<string>;
  /**
   * Docker only: starts a container created with `{ held: true }` with its process held before
   * its entrypoint, while the services it waits for start (dockerd's start call is the slow part
   * of a start there); its `startContainer` releases it. Nothing for any other container.
   * Rejects when that start failed: `startContainer` starts it as usual then. Absent: the engine
   * needs none (containerd creates the task at create).
   */
  holdStart?(name: string): Promise<void>;
  /** Creates a container again from a snapshot record (same name, config, networks). */
  recreateContainer(rec: ContainerRecord): Promise<string>;
  /** Idempotent: starting a running container is fine. */
  startContainer(nameOrId: string): Promise<void>;
  /** Idempotent: stopping a stopped container is fine. */
  stopContainer(nameOrId: string, timeoutS?: number): Promise<void>;
  /** Idempotent: a missing container is fine. Forced (a running one is killed). */
  removeContainer(nameOrId: string): Promise<void>;
  renameContainer(nameOrId: string, newName: string): Promise<void>;
  /**
   * Changes the memory/CPU limits of a container in place (running or not; docker update).
   * Only to set or change a limit: one the container has that `limits` lacks cannot be removed
   * so (apply.ts replaces the container then). Absent: the engine cannot; apply replaces.
   */
  updateLimits?(nameOrId: string, limits: ContainerSpec['resources']): Promise<void>;
  /**
   * How the container runs now (null: it is gone): apply.ts watches a container whose limits it
   * changed in place, since a lowered memory limit can get it killed by the kernel. Absent: the
   * engine cannot say; the readiness wait alone checks it.
   */
  runState?(nameOrId: string): Promise<RunState | null>;
  /** Attaches a container to a network with DNS aliases (rollback: after a network was recreated). */
  connectNetwork(nameOrId: string, network: string, aliases: string[]): Promise<void>;
  /**
   * Waits until the container is ready: the health command (run by the runtime itself at a
   * short interval) succeeds once, or without one, it runs and its published TCP ports
   * accept connections. Throws HealthTimeoutError / ContainerExitedError.
   */
  waitReady(nameOrId: string, opts: { probe: HealthSpec | null; timeoutMs: number; ports: ContainerSpec['ports'] }): Promise<ReadyResult>;
  /**
   * The same readiness wait for a container a rollback restored (it has no plan spec): the
   * health command and published ports are read from the container itself. Throws
   * HealthTimeoutError / ContainerExitedError.
   */
  waitRestored(nameOrId: string, timeoutMs: number): Promise<ReadyResult>;

  // ── networks ──
  inspectNetwork(name: string): Promise<NetworkRecord | null>;
  createNetwork(spec: NetworkSpec): Promise<void>;
  recreateNetwork(rec: NetworkRecord): Promise<void>;
  /** Idempotent. `force` first disconnects every container from it (rollback only). */
  removeNetwork(name: string, force?: boolean): Promise<void>;

  // ── images ──
  /** Present locally, else pulled when `pull`; else ImageMissingError. Returns what happened. */
  ensureImage(ref: string, requested: string, pull: boolean): Promise<'present' | 'pulled'>;
  /**
   * Why `ensureImage(ref, …, pull)` would fail here, asked while planning so the approval
   * screen warns before anyone says yes (agent/flow.ts); null when the image is present or
   * can be fetched. Only reads: it never pulls or imports. Absent: the engine cannot tell.
   */
  imageUnavailable?(ref: string, pull: boolean, signal?: AbortSignal): Promise<string | null>;

  // ── volumes (host directories) ──
  volumeDir(path: string): Promise<VolumeDirState>;
  /** mkdir -p with the declared permissions and owner. */
  createVolumeDir(spec: VolumeSpec): Promise<void>;
  /** rm -rf of the host directory (only for directories this apply created). Idempotent. */
  removeVolumeDir(path: string): Promise<void>;
  /** Moves the directory to the apply's trash (volume.remove with deleteData); purged at the end. */
  trashVolumeDir(path: string, planId: string): Promise<void>;
  /** Puts a directory back as it was: removed if it did not exist, untrashed, mode and owner reset. Idempotent. */
  restoreVolumeDir(path: string, state: VolumeDirState, planId: string): Promise<void>;
  /** Deletes the apply's trash (after a successful apply). Idempotent. */
  purgeTrash(planId: string): Promise<void>;

  // ── records in the data dir (plan/host-state.ts: volumes.json, host-files.json, schedule.json, firewall.json) ──
  /** A record's text, or null when it does not exist. */
  readRecord(name: string): Promise<string | null>;
  /** Writes (atomically) or deletes (null) a record. */
  writeRecord(name: string, text: string | null): Promise<void>;

  // ── host files, schedule, firewall ──
  readHostFiles(paths: readonly string[]): Promise<HostFile[]>;
  /** Writes (content) or deletes (null) each file under CLAUDE_ROOT. */
  writeHostFiles(files: readonly HostFile[]): Promise<void>;
  /** The nft text that restores the current `inet claude` table (or its absence). */
  firewallSnapshot(): Promise<string>;
  /**
   * The apply's pre-flight check (nothing changes): `nft -c -f` of the ruleset against this
   * kernel, and of the text that restores the current table (so a rollback or a
   * commit-confirmed revert cannot fail on syntax). Throws with nft's message.
   */
  firewallCheck(ruleset: string): Promise<void>;
  /**
   * Loads a ruleset, or removes the table (null); commit-confirmed when confirmTimeoutMs > 0.
   * `checked`: the ruleset passed `firewallCheck` in this apply, so it is loaded once
   * (`nft -f`) without being checked again. Returns the observed table hash right after
   * loading (null when absent).
   */
  firewallApply(ruleset: string | null, confirmTimeoutMs: number, probes: { kind: 'tcp'; address?: string; port: number; expect?: 'open' | 'closed' }[], opts?: { checked?: boolean; adminConfirm?: boolean; adminProbe?: { address: string; ports: number[] } }): Promise<string | null>;
  firewallRestore(ruleset: string): Promise<void>;

  // ── storage mounts (drivers/mounts.ts; optional: an engine without them refuses mount steps) ──
  /** What mounting `m` would do now, or a MountRefusedError naming what is in the way. Changes nothing. */
  mountCheck?(m: MountSpec, previous?: MountSpec): Promise<MountCheck>;
  /** Checks again, formats only when the check says so (telling `onFormat` first), mounts under CLAUDE_ROOT. */
  mountDevice?(m: MountSpec, opts: { previous?: MountSpec; onFormat?: (device: string, found: string) => Promise<void> | void }): Promise<MountCheck & { formatted: boolean }>;
  /** Unmounts what is mounted at the logical target; false when nothing was. */
  unmountTarget?(target: string): Promise<boolean>;
  /** What is mounted at the logical target now (null: nothing). */
  mountedAt?(target: string): Promise<{ source: string; fstype: string; majmin: string } | null>;
  /** CLAUDE_ROOT/etc/fstab (null: absent). */
  readFstab?(): Promise<string | null>;
  /** Writes CLAUDE_ROOT/etc/fstab atomically, or removes it (null). */
  writeFstab?(text: string | null): Promise<void>;
}

/** A failure that names what went wrong and how to fix it; apply reports `hint`. */
export class StepError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'StepError';
  }
}

export class ImageMissingError extends StepError {
  override name = 'ImageMissingError';
  /** `hint`: how to bring the image to this host (the engine's own way); the default is Docker's. */
  constructor(readonly image: string, readonly requested: string, why: string, hint?: string) {
    super(
      `image '${image}'${requested !== image ? ` (requested as '${requested}')` : ''} is not present locally and ${why}`,
      hint ?? `bring the image to this host: \`docker save\` it where its registry is reachable and \`docker load -i <file>.tar\` here; or map '${requested}' to an image this host has in manifest.yaml spec.images.aliases (\`docker images\` lists them; docs/local-images.md)`,
    );
  }
}

export class HealthTimeoutError extends StepError {
  override name = 'HealthTimeoutError';
}

export class ContainerExitedError extends StepError {
  override name = 'ContainerExitedError';
}
