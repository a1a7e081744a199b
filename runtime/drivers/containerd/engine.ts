/**
 * The containerd driver: the runtime's `Engine` (runtime/engine.ts) on containerd, through
 * its gRPC API (./api.ts), runc (containerd's `io.containerd.runc.v2` shim), the CNI plugins
 * (./cni.ts) and the same HostFs and nft firewall backend as the Docker driver.
 *
 * What Docker does for us and this driver does itself (docs/runtime.md "The two backends"):
 * - names: containerd ids are immutable, so a container's id is `<name>-<random>` and its
 *   name is the label `claude.os/name` (a rename is a label update);
 * - networks: a record per network in the driver's state dir (`networks/<name>.json`),
 *   one Linux bridge each; a container gets a network namespace, one interface per network
 *   (CNI bridge + host-local), its published ports on its first network (an nftables table
 *   of its own, ./ports.ts, while its task runs);
 * - name resolution: an /etc/hosts per container, rewritten whenever a peer on one of its
 *   networks comes or goes (its name and aliases on each shared network);
 * - logs: each task's stdout and stderr go to one file (`logs/<id>.log`), each line with
 *   its time and stream (one shared writer for all tasks, ./log-writer.ts), rotated by size
 *   (./logs.ts: at each task start and each supervisor pass, `rotateLogs()`), read across
 *   the rotated files by `logs()` and the observer;
 * - health: the declared command runs with task exec, under the same readiness loop
 *   (first success within the timeout; exit of the task fails at once); `pg_isready` and
 *   `redis-cli ping` are first asked from the host at the container's address on its first
 *   network (the CNI result), as on Docker (runtime/health-wire.ts);
 * - the recreate record (snapshot/rollback): the ContainerSpec and its resolved env (age
 *   encrypted when the host has a key) in the container's `claude.os/record` extension.
 */
import { compareCodePoints } from '../../../common/order.js';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LABEL_CONFIG_HASH, LABEL_HOST, LABEL_MANAGED, LABEL_SERVICE, managedBy, type ContainerSpec, type HealthSpec, type NetworkSpec, type ObservedState } from '../../../plan/types.js';
import { ContainerExitedError, ImageMissingError, StepError, type ContainerRecord, type Engine, type NetworkRecord, type ReadyResult } from '../../engine.js';
import { cannotPassNow, httpAnswer, httpHealthOf, LOOK_EVERY_MS, portsRefusedAt, raceClock, readinessLoop, type ReadyTarget, type RunningExec } from '../../health.js';
import { CpuBudgetClock } from '../../cpu-budget.js';
import { cpuThrottle } from '../../observe/pressure.js';
import { secretValuesOf } from '../../observe/docker.js';
import { encryptSecret, ensureAgeIdentity, readAgeIdentity, recordEnv, redact } from '../../secrets.js';
import { HostSideOps, type FirewallBackend } from '../host-ops.js';
import { managedLabels, withSecretEnvLabel } from '../docker.js';
import { observeHostSide, type ObserveOptions } from '../../observe/snapshot.js';
import { connectContainerd, grpcCode, NOT_FOUND, type Any, type ContainerdApi, type ContainerMsg, type Descriptor, type ProcessMsg } from './api.js';
import { Cni, cniBinDir, type CniNetwork, type CniResult, type PortMapping } from './cni.js';
import { PortPublisher } from './ports.js';
import { chainIds, importTarball, readImage, tarballNames } from './images.js';
/** How long a target found by ensureImage is taken by the creates without asking containerd again. */
const ENSURED_TARGET_MS = 30_000;
import { PROCESS_TYPE_URL, processSpec, resolveUser, runtimeSpec, SPEC_TYPE_URL } from './spec.js';
import { CONTAINERD_BRIDGE_PREFIX } from '../../../plan/bridges.js';
import { logFiles, logRotationFromEnv, readLogLines, rotateLog, type LogRotation } from './logs.js';
import { ensureLogWriter, installLogWriter, logWriterUri } from './log-writer.js';
import { appendLineDurable } from '../../../common/fsutil.js';
import { RUNTIME_EVENTS_FILE } from '../../observe/events.js';
import { watchPostgresStatus, wireAnswer, wireHealthOf } from '../../health-wire.js';
import { trace } from '../../../common/trace.js';

/**
 * The longest pause between the readiness wait's rounds when the host asks the service itself
 * (health.ts `quickMaxMs`; Docker's is QUICK_ROUND_MAX_MS, 50 ms): a round is one connection to
 * the container's address (≈ 0.2 ms of CPU while it is refused, 0.4 ms for an HTTP GET) and no
 * engine call, so a postgres that comes up after its start-up is seen ≈ 10 ms late, not ≈ 25.
 */
const CONTAINERD_QUICK_ROUND_MAX_MS = 20;
/** How long a create waits for the create of its network to begin when neither it nor the network's record is there (`networkMade`). */
const NETWORK_WAIT_MS = 2000;
/** The deadline of a task's create and start (ms): see startContainer. */
const TASK_START_DEADLINE_MS = 10 * 60_000;

/** The label holding a container's name (containerd ids cannot change). */
export const LABEL_NAME = 'claude.os/name';
const RECORD_EXT = 'claude.os/record';
/**
 * The network a container that names none joins, as Docker's default `bridge`: its published
 * ports work, it reaches out, and (as on Docker's default bridge) peers on it do not resolve
 * each other by name. Created on first use, unmanaged (not in the observed state).
 */
export const DEFAULT_NETWORK = 'bridge';
const RECORD_TYPE_URL = 'claude.os/container-record';
const RUNTIME = 'io.containerd.runc.v2';
const SIGTERM = 15;
const SIGKILL = 9;

export interface ContainerdEngineOptions {
  /** containerd's socket. Default /run/containerd/containerd.sock. */
  address?: string;
  /** containerd namespace. Default `claude-os`. */
  namespace?: string;
  snapshotter?: string;
  root: string;
  dataDir: string;
  hostId: string;
  /** Network, container and log state. Default `<dataDir>/containerd`. */
  stateDir?: string;
  /** Where image tarballs (docker save / OCI layout) are looked for when an image is missing. Default `<dataDir>/images`. */
  imageDir?: string;
  cniBinDir?: string;
  /**
   * The network namespace that plays the host (tests): the bridges, the networks' iptables
   * rules and the published ports' nft tables are made there. Default: this process's.
   */
  hostNetns?: string;
  firewall?: FirewallBackend;
  /** The observer; default `observe()` of this driver (firewall read through `observeFirewall`). */
  observe?: () => Promise<ObservedState>;
  /** The nft driver the observer reads the firewall through (runtime/drivers/nft.ts NftDriver fits: its table's hash and input policy); without it the firewall reads as absent. */
  nft?: ObserveOptions['nft'];
  probeIntervalMs?: number;
  /** Log rotation (default: CLAUDE_LOG_MAX_BYTES / CLAUDE_LOG_KEEP, else 10 MiB and 3 rotated files). */
  logRotation?: LogRotation;
}

/** A managed container as the supervisor sees it. */
export interface SupervisedContainer {
  id: string;
  name: string;
  restart: ContainerSpec['restart'];
  /** `none`: no task (never started, or the machine rebooted). */
  task: 'running' | 'stopped' | 'other' | 'none';
  exitCode: number | null;
  /** Started by a plan and not stopped by one since. */
  wanted: boolean;
  /** When its task last started (ms), or null. */
  startedAt: number | null;
  restarts: RestartRecord;
}

export interface DescribedContainer {
  id: string;
  name: string;
  image: string;
  /** Its labels (the driver's name label taken out). */
  labels: Record<string, string>;
  spec: ContainerSpec;
  /** The resolved env, or null when it is kept encrypted. */
  env: string[] | null;
  task: ProcessMsg | null;
  startedAt: string | null;
  restarts: RestartRecord;
  logFile: string;
}

export interface RestartRecord {
  count: number;
  /** The last restarts (ISO times, at most 50). */
  times: string[];
}

interface NetRecord {
  id: string;
  name: string;
  driver: string;
  internal: boolean;
  subnet: string;
  bridge: string;
  labels: Record<string, string>;
}

interface Attachment {
  network: string;
  ifname: string;
  ip: string;
  aliases: string[];
  ports: PortMapping[];
  result: CniResult | null;
  /** Made with the network's shared iptables rules (./cni.ts networkRules); absent: the per-container rules of before (removed with it). */
  sharedRules?: true;
  /** Its `ports` are published by the driver in nftables (./ports.ts); absent: by the CNI portmap plugin (before session 16), removed with a portmap DEL. */
  nftPorts?: true;
}

/** What the driver keeps per container (in its containerd extension). */
interface ContainerdRecord {
  name: string;
  spec: ContainerSpec;
  /** The resolved env (`K=V`), or null when it is kept encrypted. */
  env: string[] | null;
  envEncrypted: string | null;
}

interface Found {
  c: ContainerMsg;
  name: string;
  record: ContainerdRecord;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** One mount of a snapshot, as containerd's Prepare and Mounts answer it. */
interface SnapshotMount {
  type: string;
  source: string;
  options: string[];
}

export class ContainerdEngine extends HostSideOps implements Engine {
  /**
   * A plan's container create begins beside the create of its new network (runtime/apply.ts
   * `earlyDependencies`): the image, the snapshot, the container and its task are made while
   * the bridge is, and only the CNI attach waits for it (`networkMade`).
   */
  readonly createsBeforeNetwork = true;
  readonly api: ContainerdApi;
  readonly stateDir: string;
  readonly namespace: string;
  readonly snapshotter: string;
  private cniInstance: Cni | undefined;
  private portsInstance: PortPublisher | undefined;
  readonly logRotation: LogRotation;

  constructor(readonly opts: ContainerdEngineOptions) {
    super(opts);
    this.namespace = opts.namespace ?? 'claude-os';
    this.snapshotter = opts.snapshotter ?? 'overlayfs';
    this.api = connectContainerd(opts.address ?? '/run/containerd/containerd.sock', this.namespace);
    this.stateDir = opts.stateDir ?? join(opts.dataDir, 'containerd');
    this.logRotation = opts.logRotation ?? logRotationFromEnv(process.env);
    for (const d of ['networks', 'containers', 'logs', 'ipam']) mkdirSync(join(this.stateDir, d), { recursive: true });
  }

  close(): void {
    this.api.close();
  }

  private get cni(): Cni {
    return (this.cniInstance ??= new Cni(cniBinDir(this.opts.cniBinDir), join(this.stateDir, 'ipam'), undefined, this.opts.hostNetns));
  }

  private get ports(): PortPublisher {
    return (this.portsInstance ??= new PortPublisher(this.opts.hostNetns));
  }

  // ── container lookup ──

  private async all(): Promise<Found[]> {
    const { containers } = (await this.api.containers.List({ filters: [] })) as { containers: ContainerMsg[] };
    return containers.map((c) => this.foundOf(c)).filter((f): f is Found => f !== null);
  }

  /** A container of ours (it carries our record), else null. */
  private foundOf(c: ContainerMsg): Found | null {
    const ext = c.extensions?.[RECORD_EXT];
    if (!ext) return null;
    const record = JSON.parse(Buffer.from(ext.value).toString('utf8')) as ContainerdRecord;
    return { c, name: c.labels[LABEL_NAME] ?? record.name, record };
  }

  private async find(nameOrId: string): Promise<Found | null> {
    // An id (newContainer's `<name>-<8 hex>`, what the apply starts and waits on): one Get, not a
    // List of every container with its spec, on each start's and readiness wait's path.
    if (/-[0-9a-f]{8}$/.test(nameOrId)) {
      try {
        const f = this.foundOf(((await this.api.containers.Get({ id: nameOrId })) as { container: ContainerMsg }).container);
        if (f) return f;
      } catch (e) {
        if (grpcCode(e) !== NOT_FOUND) throw e;
      }
    }
    const all = await this.all();
    return all.find((f) => f.c.id === nameOrId) ?? all.find((f) => f.name === nameOrId) ?? null;
  }

  private async mustFind(nameOrId: string): Promise<Found> {
    const f = await this.find(nameOrId);
    if (!f) throw new StepError(`no container named ${nameOrId} on containerd (namespace ${this.namespace})`);
    return f;
  }

  private async task(id: string): Promise<ProcessMsg | null> {
    try {
      return ((await this.api.tasks.Get({ containerId: id, execId: '' })) as { process: ProcessMsg }).process;
    } catch (e) {
      if (grpcCode(e) === NOT_FOUND) return null;
      throw e;
    }
  }

  private cdir(id: string): string {
    return join(this.stateDir, 'containers', id);
  }
  logFile(id: string): string {
    return join(this.stateDir, 'logs', `${id}.log`);
  }

  /**
   * The shared log writer of this state dir (./log-writer.ts), started when none runs: before
   * each task start and on each supervisor pass (so a writer that died is replaced, and adopts
   * the running tasks' helpers). Returns the helper the shim runs beside each task.
   */
  ensureLogWriter(): Promise<string> {
    // one ask (or start) at a time: the creates of a plan run together, each asking twice
    this.writerAsk ??= ensureLogWriter(this.stateDir)
      .then((w) => w.helper)
      .finally(() => (this.writerAsk = undefined));
    return this.writerAsk;
  }
  private writerAsk: Promise<string> | undefined;
  private netnsOf(id: string): string {
    return `claude-${id}`.slice(0, 60);
  }
  private attachments(id: string): Attachment[] {
    const f = join(this.cdir(id), 'net.json');
    return existsSync(f) ? (JSON.parse(readFileSync(f, 'utf8')) as Attachment[]) : [];
  }
  private saveAttachments(id: string, a: Attachment[]): void {
    writeFileSync(join(this.cdir(id), 'net.json'), JSON.stringify(a, null, 2) + '\n');
  }

  private async toRecord(f: Found): Promise<ContainerRecord> {
    const t = await this.task(f.c.id);
    const labels = { ...f.c.labels };
    delete labels[LABEL_NAME];
    return {
      id: f.c.id,
      name: f.name,
      running: t?.status === 'RUNNING',
      image: f.c.image,
      labels,
      networks: this.attachments(f.c.id)
        .map((a) => ({ name: a.network, aliases: a.aliases }))
        .sort((a, b) => compareCodePoints(a.name, b.name)),
      recreate: { ...f.record, name: f.name },
    };
  }

  async listContainers(names: readonly string[]): Promise<ContainerRecord[]> {
    const all = await this.all();
    return Promise.all(all.filter((f) => names.includes(f.name)).map((f) => this.toRecord(f)));
  }

  async inspectContainer(nameOrId: string): Promise<ContainerRecord | null> {
    const f = await this.find(nameOrId);
    return f ? this.toRecord(f) : null;
  }

  // ── create ──

  /**
   * An image's config, read once per manifest digest for the life of the engine (content
   * addressed: it cannot change). The creates of a plan that share an image, and a plan's
   * recreates, read it once: two content reads off each create's path.
   */
  private imageConfig(target: { mediaType: string; digest: string; size: number }): ReturnType<typeof readImage> {
    let got = this.configs.get(target.digest);
    if (!got) {
      got = readImage(this.api, target);
      got.catch(() => this.configs.delete(target.digest));
      this.configs.set(target.digest, got);
    }
    return got;
  }
  private readonly configs = new Map<string, ReturnType<typeof readImage>>();

  /** The directories of a snapshot's mounts, upper first: where a file of the image is looked for. */
  private imageRootDirs(mounts: readonly SnapshotMount[]): string[] {
    const dirs: string[] = [];
    for (const m of mounts) {
      if (m.type === 'bind') dirs.push(m.source);
      for (const o of m.options) {
        if (o.startsWith('upperdir=')) dirs.unshift(o.slice(9));
        if (o.startsWith('lowerdir=')) dirs.push(...o.slice(9).split(':'));
      }
    }
    return dirs;
  }

  private imageFile(mounts: readonly SnapshotMount[], path: string): string | null {
    for (const d of this.imageRootDirs(mounts)) {
      const f = join(d, path);
      if (existsSync(f)) return readFileSync(f, 'utf8');
    }
    return null;
  }

  /**
   * `alongside`: work on the new container run once containerd holds it and its network
   * namespace exists, beside the rest of its network setup (the CNI attaches, its ports, the
   * hosts files): createContainer creates its task there (shim and runc's create need the
   * namespace, not its interfaces). Best effort: it must not reject. A create that fails
   * deletes the task it made.
   */
  private async newContainer(spec: ContainerSpec, env: Record<string, string>, labels: Record<string, string>, alongside?: (f: Found, mounts: SnapshotMount[]) => Promise<void>): Promise<string> {
    let image;
    try {
      // the target the plan's image step found (ensureImage), else asked now
      const ensured = this.ensured.get(spec.image);
      image = { target: ensured && Date.now() - ensured.at < ENSURED_TARGET_MS ? ensured.target : await this.imageTarget(spec.image) };
    } catch (e) {
      if (grpcCode(e) === NOT_FOUND) throw new ImageMissingError(spec.image, spec.image, 'is not in containerd (the plan imports images before it creates containers)');
      throw e;
    }
    const id = `${spec.name.replace(/[^A-Za-z0-9_.-]/g, '-').slice(0, 48)}-${randomBytes(4).toString('hex')}`;
    const cdir = this.cdir(id);
    mkdirSync(cdir, { recursive: true });
    this.saveAttachments(id, []);
    // The container's network namespace and its CNI attachments (a dozen plugin and iptables
    // runs, the slowest part of a create under load) are made while containerd reads the
    // image, prepares the snapshot and creates the container: they need only the id. A crash
    // in between leaves a namespace with no container: sweepOrphans() removes it later.
    const nsMade = this.cni.createNetns(this.netnsOf(id));
    const net = nsMade.then(() => this.setupNetworks(id, spec));
    net.catch(() => undefined); // awaited below; a failure is reported there
    let beside: Promise<void> | undefined;
    // The new snapshot belongs to nothing until the container record names it: a lease keeps
    // containerd's garbage collector (run after any removal) from taking it in between.
    const lease = `claude-create-${id}`;
    try {
      // the lease beside the image's config (read ahead by ensureImage): one round trip, not two
      const leased = this.api.leases.Create({ id: lease, labels: { 'containerd.io/gc.expire': new Date(Date.now() + 3_600_000).toISOString() } });
      const [{ config }] = await Promise.all([this.imageConfig(image.target), leased]);
      trace(`ctd: ${spec.name} image read`);
      const chain = chainIds(config.rootfs.diff_ids);
      const { mounts } = (await this.api.snapshots.Prepare({ snapshotter: this.snapshotter, key: id, parent: chain[chain.length - 1] ?? '', labels: {} }, { lease })) as { mounts: SnapshotMount[] };
      trace(`ctd: ${spec.name} snapshot prepared`);
      const ic = config.config ?? {};
      const entrypoint = spec.entrypoint ?? ic.Entrypoint ?? [];
      const cmd = spec.command ?? (spec.entrypoint ? [] : (ic.Cmd ?? []));
      const args = [...entrypoint, ...cmd];
      if (!args.length) throw new StepError(`container ${spec.name}: neither the service nor the image ${spec.image} names a command`, 'set `command:` for the service');
      const envMap = new Map<string, string>();
      for (const kv of ic.Env ?? []) {
        const i = kv.indexOf('=');
        envMap.set(kv.slice(0, i), kv.slice(i + 1));
      }
      envMap.set('HOSTNAME', spec.name);
      for (const k of Object.keys(env).sort()) envMap.set(k, env[k]!);
      const envList = [...envMap].map(([k, v]) => `${k}=${v}`);
      let user;
      try {
        // the image's files are read only for a user given by name (root needs none)
        const u = spec.user ?? ic.User;
        user = resolveUser(u, u ? this.imageFile(mounts, 'etc/passwd') : null, u?.includes(':') ? this.imageFile(mounts, 'etc/group') : null);
      } catch (e) {
        throw new StepError(`container ${spec.name}: ${(e as Error).message}`, 'use a numeric uid:gid for `user:`');
      }
      trace(`ctd: ${spec.name} user resolved`);
      // Files every container gets from the driver: hostname, hosts (rewritten as peers change), resolv.conf.
      writeFileSync(join(cdir, 'hostname'), spec.name + '\n');
      writeFileSync(join(cdir, 'hosts'), '127.0.0.1\tlocalhost\n');
      writeFileSync(join(cdir, 'resolv.conf'), existsSync('/etc/resolv.conf') ? readFileSync('/etc/resolv.conf', 'utf8') : '');
      for (const m of spec.mounts) this.fs.containedPath(m.source);
      const binds = [
        { source: join(cdir, 'hosts'), target: '/etc/hosts', readonly: false },
        { source: join(cdir, 'hostname'), target: '/etc/hostname', readonly: false },
        { source: join(cdir, 'resolv.conf'), target: '/etc/resolv.conf', readonly: false },
        ...spec.mounts.map((m) => ({ source: this.fs.containedPath(m.source), target: m.target, readonly: m.readonly })),
      ];
      for (const b of binds.slice(3)) if (!existsSync(b.source)) mkdirSync(b.source, { recursive: true });
      const ociSpec = runtimeSpec({
        args,
        env: envList,
        cwd: spec.workingDir ?? (ic.WorkingDir || '/'),
        uid: user.uid,
        gid: user.gid,
        hostname: spec.name,
        netnsPath: this.cni.netnsPath(this.netnsOf(id)),
        binds,
        ...(spec.resources.memoryBytes !== undefined ? { memoryBytes: spec.resources.memoryBytes } : {}),
        ...(spec.resources.nanoCpus !== undefined ? { nanoCpus: spec.resources.nanoCpus } : {}),
        cgroupsPath: `/${this.namespace}/${id}`,
      });
      const identity = readAgeIdentity(this.opts.dataDir);
      const record: ContainerdRecord =
        identity && envList.length
          ? { name: spec.name, spec, env: null, envEncrypted: await encryptSecret(JSON.stringify(Object.entries(env).map(([k, v]) => `${k}=${v}`)), (await ensureAgeIdentity(this.opts.dataDir)).recipient) }
          : { name: spec.name, spec, env: Object.entries(env).map(([k, v]) => `${k}=${v}`), envEncrypted: null };
      const ext: Any = { typeUrl: RECORD_TYPE_URL, value: Buffer.from(JSON.stringify(record)) };
      const created = (await this.api.containers.Create({
        container: {
          id,
          labels: { ...labels, [LABEL_NAME]: spec.name },
          image: spec.image,
          runtime: { name: RUNTIME },
          spec: { typeUrl: SPEC_TYPE_URL, value: Buffer.from(JSON.stringify(ociSpec)) },
          snapshotter: this.snapshotter,
          snapshotKey: id,
          extensions: { [RECORD_EXT]: ext },
        },
      })) as { container: ContainerMsg };
      trace(`ctd: ${spec.name} container created`);
      // The container now holds its snapshot: the lease can go.
      await this.api.leases.Delete({ id: lease }).catch(() => undefined);
      // the container as containerd answered its create: the task's create needs no lookup
      const found: Found = { c: created.container, name: spec.name, record };
      if (alongside) beside = nsMade.then(() => alongside(found, mounts)).catch(() => undefined);
      await net;
      trace(`ctd: ${spec.name} CNI set up`);
      await this.refreshHosts();
      trace(`ctd: ${spec.name} hosts files written`);
      await beside;
      return id;
    } catch (e) {
      await this.api.leases.Delete({ id: lease }).catch(() => undefined);
      if (beside) {
        await beside;
        await this.api.tasks.Delete({ containerId: id }).catch(() => undefined);
      }
      await this.api.containers.Delete({ id }).catch(() => undefined);
      await net.catch(() => undefined); // settled before its attachments are undone
      await this.teardownNetworks(id).catch(() => undefined);
      await this.api.snapshots.Remove({ snapshotter: this.snapshotter, key: id }).catch(() => undefined);
      rmSync(cdir, { recursive: true, force: true });
      if (e instanceof StepError) throw e;
      throw new StepError(`containerd could not create container ${spec.name}: ${(e as Error).message}`, 'check the image, the ports (free on the host?) and the networks');
    }
  }

  private portsOf(spec: ContainerSpec): PortMapping[] {
    return spec.ports
      .filter((p) => p.host !== undefined)
      .map((p) => ({ hostPort: p.host!, containerPort: p.container, protocol: p.protocol, ...(p.hostIp ? { hostIP: p.hostIp } : {}) }));
  }

  /** A network namespace for the container, joined to each of its networks (ports on the first). */
  private async setupNetworks(id: string, spec: ContainerSpec): Promise<void> {
    const ns = this.netnsOf(id);
    await this.cni.createNetns(ns);
    trace(`ctd: ${id} netns created`);
    // `lo` and the networks' interfaces are independent: loopback runs beside the attaches.
    const lo = this.cni.loopback(id, ns).then(() => trace(`ctd: ${id} CNI loopback`));
    try {
      const att: Attachment[] = [];
      const networks = spec.networks.length ? spec.networks : [{ name: DEFAULT_NETWORK, aliases: [] }];
      for (const [i, n] of networks.entries()) {
        await this.networkMade(n.name);
        const rec = this.netRecord(n.name) ?? (n.name === DEFAULT_NETWORK ? await this.defaultNetwork() : null);
        if (!rec) throw new StepError(`network ${n.name} does not exist on containerd`, 'the plan creates networks before containers');
        const ports = i === 0 ? this.portsOf(spec) : [];
        const { ip, result } = await this.cni.attach(this.cniNet(rec), id, ns, `eth${i}`);
        trace(`ctd: ${id} CNI attach eth${i}`);
        att.push({ network: n.name, ifname: `eth${i}`, ip, aliases: n.aliases, ports, result, sharedRules: true, nftPorts: true });
        this.saveAttachments(id, att);
        // its ports are recorded here and published at its start (startContainer), not at create:
        // a container that is not running holds no host port (review L4)
      }
    } finally {
      await lo.catch(() => undefined); // settled before a failure undoes the namespace
    }
    await lo;
  }

  private async teardownNetworks(id: string): Promise<void> {
    const ns = this.netnsOf(id);
    await this.unpublishPorts(id, true);
    for (const a of this.attachments(id).reverse()) {
      const rec = this.netRecord(a.network);
      if (rec && this.cni.netnsExists(ns)) await this.cni.detach(this.cniNet(rec), id, ns, a.ifname, a.nftPorts ? [] : a.ports, a.result, !a.sharedRules).catch(() => undefined);
    }
    await this.cni.deleteNetns(ns);
  }

  // ── published ports (./ports.ts) ──

  /** The marker that the container's ports table was loaded (and not removed since). */
  private publishedMarker(id: string): string {
    return join(this.cdir(id), 'ports-published');
  }

  /**
   * Loads the container's published ports (its first network's, when the driver publishes
   * them) in one `nft -f` (idempotent: the table is made again in the same transaction); a
   * container with none has nothing to do. At each start of its task (beside runc's start), and
   * on a supervisor pass that finds the table of a started one gone. A container created and
   * not started, or stopped, holds no host port, as on Docker (review L4).
   */
  private async publishPorts(id: string): Promise<void> {
    const first = this.attachments(id)[0];
    if (!first?.nftPorts || !first.ports.length) return;
    const rec = this.netRecord(first.network);
    if (!rec) throw new StepError(`network ${first.network} of container ${id} is gone: its ports cannot be published`);
    await this.ports.publish(id, first.ip, rec.bridge, first.ports);
    writeFileSync(this.publishedMarker(id), '');
  }

  /**
   * Removes the container's ports table (its stop and removal): its host ports no longer lead
   * to it. A stop finds the marker gone when they were removed already; `always` (the
   * teardown) removes the table even without the marker (a create that died between the two).
   */
  private async unpublishPorts(id: string, always = false): Promise<void> {
    const first = this.attachments(id)[0];
    if (!first?.nftPorts || !first.ports.length) return;
    if (!always && !existsSync(this.publishedMarker(id))) return;
    await this.ports.unpublish(id);
    rmSync(this.publishedMarker(id), { force: true });
  }

  /**
   * Loads again the ports table of every container whose ports are published (its marker)
   * but whose table is gone (a ruleset flushed by hand, an nftables service restarted): one
   * `nft list tables`, and one `nft -f` per table missing. The supervisor runs it each pass.
   * Returns the names of the containers whose ports it published again.
   */
  async republishPorts(): Promise<string[]> {
    const all = await this.all();
    const marked = all.filter((f) => existsSync(this.publishedMarker(f.c.id)));
    if (!marked.length) return [];
    const present = await this.ports.published();
    const done: string[] = [];
    for (const f of marked) {
      if (present.has(f.c.id) || !this.cni.netnsExists(this.netnsOf(f.c.id))) continue;
      await this.publishPorts(f.c.id);
      done.push(f.name);
    }
    return done;
  }

  /**
   * A create makes the container's namespace and attachments beside containerd's create
   * (newContainer); a process that died in between leaves them with no container. Each
   * supervisor pass removes those: a container directory older than `minAgeMs` (a create in
   * progress is younger) whose id containerd does not know has its attachments undone, its
   * namespace deleted and the directory removed. Returns the ids it removed.
   */
  async sweepOrphans(minAgeMs = 30 * 60_000): Promise<string[]> {
    const known = new Set((await this.all()).map((f) => f.c.id));
    const swept: string[] = [];
    for (const id of readdirSync(join(this.stateDir, 'containers'))) {
      if (known.has(id) || Date.now() - statSync(this.cdir(id)).mtimeMs < minAgeMs) continue;
      await this.teardownNetworks(id);
      rmSync(this.cdir(id), { recursive: true, force: true });
      swept.push(id);
    }
    return swept;
  }

  /** After a reboot the namespaces are gone: attach again, keeping the recorded interfaces. */
  private async ensureNetworks(f: Found): Promise<void> {
    if (this.cni.netnsExists(this.netnsOf(f.c.id))) return;
    // A container made before every container had a namespace of ours (no networks: runc's own, empty one).
    const oci = f.c.spec ? (JSON.parse(Buffer.from(f.c.spec.value).toString('utf8')) as { linux?: { namespaces?: { type: string; path?: string }[] } }) : null;
    if (!oci?.linux?.namespaces?.some((x) => x.type === 'network' && x.path)) return;
    // The addresses host-local leased before the reboot are still on disk: release them first
    // (CNI DEL without the namespace), or the plugin refuses a second lease for the same id.
    for (const a of this.attachments(f.c.id)) {
      const rec = this.netRecord(a.network);
      if (rec) await this.cni.release(this.cniNet(rec), f.c.id, this.netnsOf(f.c.id), a.ifname).catch(() => undefined);
    }
    await this.setupNetworks(f.c.id, { ...f.record.spec, networks: this.attachments(f.c.id).length ? this.attachments(f.c.id).map((a) => ({ name: a.network, aliases: a.aliases })) : f.record.spec.networks });
    await this.refreshHosts();
  }

  /**
   * Rewrites every container's /etc/hosts: itself, and each peer on a network they share (name
   * and aliases). One rewrite at a time, each listing the containers after the one before it
   * wrote: two at once (the creates of a plan run in parallel) could answer in either order,
   * and one whose list was taken before a peer existed, written last, left that peer out for
   * good (engine.containerd.test holds one list back to show it).
   */
  private refreshHosts(): Promise<void> {
    const mine = this.hostsTurn.then(() => this.writeHosts());
    this.hostsTurn = mine.catch(() => undefined);
    return mine;
  }
  private hostsTurn: Promise<unknown> = Promise.resolve();
  private async writeHosts(): Promise<void> {
    const all = await this.all();
    const byId = new Map(all.map((f) => [f.c.id, { name: f.name, att: this.attachments(f.c.id) }]));
    for (const [id, me] of byId) {
      const f = join(this.cdir(id), 'hosts');
      if (!existsSync(f)) continue;
      const lines = ['127.0.0.1\tlocalhost', '::1\tlocalhost ip6-localhost ip6-loopback'];
      if (me.att[0]?.ip) lines.push(`${me.att[0].ip}\t${me.name}`);
      for (const a of me.att) {
        if (a.network === DEFAULT_NETWORK) continue;
        for (const [pid, peer] of byId) {
          if (pid === id) continue;
          const pa = peer.att.find((x) => x.network === a.network);
          if (pa?.ip) lines.push(`${pa.ip}\t${[...new Set([...pa.aliases, peer.name])].join(' ')}`);
        }
      }
      // Written in place: the file is bind-mounted, a rename would leave the container the old one.
      writeFileSync(f, lines.join('\n') + '\n');
    }
  }

  async createContainer(spec: ContainerSpec, env: Record<string, string>): Promise<string> {
    // the shared log writer (a node process) is spawned beside the create, not at the start;
    // nothing waits for it before the start (createTask)
    if (spec.state === 'running') this.ensureLogWriter().catch(() => undefined);
    // its task is created beside the CNI attaches and the hosts files (newContainer `alongside`):
    // the shim's start and runc's create need the namespace only, and were after them on the
    // critical path of every start (postgres's among them)
    const early = spec.state === 'running' ? (f: Found, mounts: SnapshotMount[]) => this.precreateTask(f, mounts) : undefined;
    return this.newContainer(spec, env, withSecretEnvLabel(managedLabels(spec, this.opts.hostId), spec.env, spec.secretRefs ?? []), early);
  }

  async recreateContainer(rec: ContainerRecord): Promise<string> {
    const r = rec.recreate as ContainerdRecord;
    const env = await recordEnv(r, this.opts.dataDir);
    const envMap: Record<string, string> = {};
    for (const kv of env) envMap[kv.slice(0, kv.indexOf('='))] = kv.slice(kv.indexOf('=') + 1);
    const labels = { ...rec.labels };
    if (labels[LABEL_MANAGED] === 'true') labels[LABEL_HOST] = this.opts.hostId;
    const networks = rec.networks.filter((x) => x.name !== DEFAULT_NETWORK);
    return this.newContainer({ ...r.spec, name: rec.name, networks: networks.length ? networks : r.spec.networks }, envMap, labels, rec.running ? (f, mounts) => this.precreateTask(f, mounts) : undefined);
  }

  // ── tasks ──

  /**
   * The container's task, created (its shim, runc's create: namespaces, cgroup, the process
   * waiting to exec; the log helper beside it) and not started. An old task is deleted first.
   */
  private async createTask(f: Found, old: ProcessMsg | null, prepared?: SnapshotMount[]): Promise<void> {
    // The shim runs the log helper beside the task; the shared writer gives each line its time
    // and stream (./log-writer.ts). Made sure of before an old task is deleted: deleting it
    // waits for its helper, which exits only once a writer has read what is left in its pipes.
    // A new task does not wait for it: its helper lets the task on when no writer runs yet
    // (its lines wait in the pipes), and startContainer makes sure of the writer beside runc.
    let helper: string;
    if (old) {
      helper = await this.ensureLogWriter();
      trace(`ctd: ${f.name} log writer ready`);
      await this.api.tasks.Delete({ containerId: f.c.id });
    } else {
      helper = installLogWriter(this.stateDir).helper;
      this.ensureLogWriter().catch(() => undefined); // its failure is said by the start
    }
    await this.ensureNetworks(f);
    const mounts = prepared ?? ((await this.api.snapshots.Mounts({ snapshotter: this.snapshotter, key: f.c.snapshotKey })) as { mounts: SnapshotMount[] }).mounts;
    rotateLog(this.logFile(f.c.id), this.rotationOf(f.record.spec));
    const log = logWriterUri(helper, this.logFile(f.c.id));
    // A longer deadline than other calls: creating a task starts its shim and runc, which on
    // a loaded emulated device took over the 60 s default; a create the client gives up on
    // is cancelled half-way, and containerd 1.6 then leaves its bundle directory behind, so
    // every later create of that container failed ("failed to start shim: mkdir …: file
    // exists") until containerd restarted (image/boot-test.sh, session 11, at a load of 24).
    await this.api.tasks.Create({ containerId: f.c.id, rootfs: mounts, stdin: '', stdout: log, stderr: log, terminal: false }, { deadlineMs: TASK_START_DEADLINE_MS });
    trace(`ctd: ${f.name} task created`);
  }

  /**
   * Right after a container meant to run is created, its task is created too (createTask), so
   * its start is only runc's start: a service whose start waits for others (web for its
   * database) no longer creates its shim and runc container on that critical path (≈ 0.7 s
   * at a load of 19: docs/runtime.md "The stack on containerd"). Best effort: if that fails,
   * the task is deleted, and the start creates it and says why.
   */
  private async precreateTask(f: Found, mounts?: SnapshotMount[]): Promise<void> {
    await this.createTask(f, null, mounts).catch(async (e: unknown) => {
      trace(`ctd: ${f.name} task not created ahead (${(e as Error).message})`);
      await this.api.tasks.Delete({ containerId: f.c.id }).catch(() => undefined);
    });
  }

  async startContainer(nameOrId: string): Promise<void> {
    const f = await this.mustFind(nameOrId);
    const t = await this.task(f.c.id);
    if (t?.status === 'RUNNING') return;
    try {
      // created ahead by createContainer (precreateTask): only started here
      if (t?.status !== 'CREATED') await this.createTask(f, t);
      // Beside runc's start: the log writer made sure of (its start began at the create; until
      // it is up, the task's lines wait in the helper's pipes) and the published ports loaded
      // (every start: a reboot or a flushed ruleset leaves the marker without the table). Each
      // was a wait before the start (≈ 90 and 150 ms for postgres, quiet). A task started whose
      // writer or ports cannot be is killed, and the start fails.
      const started = this.api.tasks.Start({ containerId: f.c.id, execId: '' }, { deadlineMs: TASK_START_DEADLINE_MS });
      const writer = this.ensureLogWriter().then(() => trace(`ctd: ${f.name} log writer ready`));
      const ports = this.publishPorts(f.c.id).then(() => trace(`ctd: ${f.name} ports published`));
      const [s, w, p] = await Promise.allSettled([started, writer, ports]);
      const failed = [w, p].find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) {
        if (s.status === 'fulfilled') {
          await this.api.tasks.Kill({ containerId: f.c.id, execId: '', signal: SIGKILL, all: true }).catch(() => undefined);
          await this.waitExit(f.c.id, '', 10_000);
        }
        await this.unpublishPorts(f.c.id, true).catch(() => undefined);
        throw failed.reason;
      }
      if (s.status === 'rejected') {
        await this.unpublishPorts(f.c.id, true).catch(() => undefined);
        throw s.reason;
      }
      trace(`ctd: ${f.name} task started`);
      writeFileSync(join(this.cdir(f.c.id), 'started-at'), new Date().toISOString() + '\n');
      // Wanted running until a plan stops it: the supervisor restarts it (./supervisor.ts).
      writeFileSync(join(this.cdir(f.c.id), 'wanted'), '');
    } catch (e) {
      await this.api.tasks.Delete({ containerId: f.c.id }).catch(() => undefined);
      throw new StepError(`containerd could not start ${f.name}: ${(e as Error).message}`, 'a port already in use or a missing mount source are the usual causes; the log is ' + this.logFile(f.c.id));
    }
  }

  private async waitExit(id: string, execId: string, ms: number): Promise<number | null> {
    try {
      const r = (await this.api.tasks.Wait({ containerId: id, execId }, { deadlineMs: ms })) as { exitStatus: number };
      return r.exitStatus;
    } catch (e) {
      if (grpcCode(e) === NOT_FOUND) return 0;
      return null;
    }
  }

  async stopContainer(nameOrId: string, timeoutS = 10): Promise<void> {
    const f = await this.find(nameOrId);
    if (!f) return;
    // Stopped on purpose: no longer wanted, so the supervisor leaves it stopped.
    rmSync(join(this.cdir(f.c.id), 'wanted'), { force: true });
    // Its host ports no longer lead to it (as on Docker, a stopped container publishes nothing).
    await this.unpublishPorts(f.c.id);
    const t = await this.task(f.c.id);
    if (!t) return;
    // Deleting the task waits for its log helper, which exits once a writer has read what is
    // left in its pipes: with no writer running, the shim kills it after 12 s and those lines
    // are lost. So a writer is made sure of first (./log-writer.ts); one that cannot be started
    // does not keep the container from stopping, and is said in the event log (`claude events`).
    await this.ensureLogWriter().catch((e: unknown) => {
      const message = `stopping ${f.name} with no log writer running: the last lines it wrote may be lost (${(e as Error).message})`;
      // The event log may fail for the same reason the writer did (a full or read-only disk):
      // then the stop goes on and the reason goes to stderr, never an error that stops the stop.
      try {
        appendLineDurable(join(this.opts.dataDir, RUNTIME_EVENTS_FILE), JSON.stringify({ ts: new Date().toISOString(), type: 'logs.writer-down', target: `container/${f.name}`, message }));
      } catch (w) {
        process.stderr.write(`claude: ${message}; and it could not be written to the event log: ${(w as Error).message}\n`);
      }
    });
    if (t.status === 'RUNNING' || t.status === 'PAUSED') {
      await this.api.tasks.Kill({ containerId: f.c.id, execId: '', signal: timeoutS > 0 ? SIGTERM : SIGKILL, all: false }).catch(() => undefined);
      if ((await this.waitExit(f.c.id, '', Math.max(1, timeoutS) * 1000)) === null) {
        await this.api.tasks.Kill({ containerId: f.c.id, execId: '', signal: SIGKILL, all: true }).catch(() => undefined);
        await this.waitExit(f.c.id, '', 10_000);
      }
    }
    await this.api.tasks.Delete({ containerId: f.c.id }).catch((e) => {
      if (grpcCode(e) !== NOT_FOUND) throw e;
    });
  }

  async removeContainer(nameOrId: string): Promise<void> {
    const f = await this.find(nameOrId);
    if (!f) return;
    await this.stopContainer(f.c.id, 0);
    await this.teardownNetworks(f.c.id);
    try {
      await this.api.containers.Delete({ id: f.c.id });
    } catch (e) {
      if (grpcCode(e) !== NOT_FOUND) throw e;
    }
    await this.api.snapshots.Remove({ snapshotter: this.snapshotter, key: f.c.snapshotKey }).catch((e) => {
      if (grpcCode(e) !== NOT_FOUND) throw e;
    });
    rmSync(this.cdir(f.c.id), { recursive: true, force: true });
    for (const file of logFiles(this.logFile(f.c.id))) rmSync(file, { force: true });
    await this.refreshHosts();
  }

  async renameContainer(nameOrId: string, newName: string): Promise<void> {
    const f = await this.mustFind(nameOrId);
    if ((await this.find(newName)) !== null) throw new StepError(`cannot rename ${f.name} to ${newName}: that name is taken`);
    await this.api.containers.Update({ container: { id: f.c.id, labels: { ...f.c.labels, [LABEL_NAME]: newName } }, updateMask: { paths: ['labels'] } });
    await this.refreshHosts();
  }

  async connectNetwork(nameOrId: string, network: string, aliases: string[]): Promise<void> {
    const f = await this.mustFind(nameOrId);
    const rec = this.netRecord(network);
    if (!rec) throw new StepError(`network ${network} does not exist on containerd`);
    const att = this.attachments(f.c.id);
    if (att.some((a) => a.network === network)) return;
    const ns = this.netnsOf(f.c.id);
    await this.cni.createNetns(ns);
    const ifname = `eth${att.length}`;
    const { ip, result } = await this.cni.attach(this.cniNet(rec), f.c.id, ns, ifname);
    att.push({ network, ifname, ip, aliases, ports: [], result, sharedRules: true, nftPorts: true });
    this.saveAttachments(f.c.id, att);
    await this.refreshHosts();
  }

  /**
   * Starts a command in the container with task exec (its output to a file of the container's
   * dir). `wait(until)` waits until it ends or `clock` passes `until`; `detach()` kills it (so
   * given-up probes do not pile up in the container). Its exec process is deleted when it ends.
   */
  private async startExec(f: Found, argv: string[], clock: { elapsed(): number; wallElapsed(): number }): Promise<RunningExec> {
    const spec = JSON.parse(Buffer.from(f.c.spec!.value).toString('utf8')) as { process: { env: string[]; cwd: string; user: { uid: number; gid: number } } };
    const execId = `exec-${randomBytes(6).toString('hex')}`;
    const out = join(this.cdir(f.c.id), `${execId}.out`);
    const p = processSpec({ args: argv, env: spec.process.env, cwd: spec.process.cwd, uid: spec.process.user.uid, gid: spec.process.user.gid });
    await this.api.tasks.Exec({ containerId: f.c.id, execId, stdin: '', stdout: `file://${out}`, stderr: `file://${out}`, terminal: false, spec: { typeUrl: PROCESS_TYPE_URL, value: Buffer.from(JSON.stringify(p)) } });
    const cleanup = async () => {
      await this.api.tasks.DeleteProcess({ containerId: f.c.id, execId }).catch(() => undefined);
      rmSync(out, { force: true });
    };
    try {
      await this.api.tasks.Start({ containerId: f.c.id, execId });
    } catch (e) {
      await cleanup();
      throw e;
    }
    let result: { code: number | null; output: string } | undefined;
    const ended = (async () => {
      let code: number | null;
      try {
        code = ((await this.api.tasks.Wait({ containerId: f.c.id, execId }, { deadlineMs: 24 * 3_600_000 })) as { exitStatus: number }).exitStatus;
      } catch {
        code = null; // the task (and its execs) went away: the command did not complete
      }
      // The output is read after the exec process is deleted, not when Wait answers: the shim
      // copies the process's pipes into the file in goroutines of its own, and Wait answers at
      // the exit, before they are done; its delete waits for them (up to 2 s: containerd's
      // pkg/process execProcess.delete). Read at Wait, a loaded machine gave "" for what the
      // command printed ("web reaches redis by alias": `nc` got nothing, engine.containerd.test).
      await this.api.tasks.DeleteProcess({ containerId: f.c.id, execId }).catch(() => undefined);
      const output = existsSync(out) ? readFileSync(out, 'utf8').replace(/[\x00-\x08\x0e-\x1f]/g, '').slice(0, 2000).trim() : '';
      await cleanup();
      return (result = { code, output });
    })();
    return {
      clock,
      wait: async (until, wallMs) => result ?? raceClock(ended, clock, until, wallMs),
      detach: () => {
        if (!result) void this.api.tasks.Kill({ containerId: f.c.id, execId, signal: SIGKILL, all: false }).catch(() => undefined);
      },
    };
  }

  /** Runs a command in the container with task exec; its exit code and (truncated) output, or code null on timeout (wall clock). */
  async exec(nameOrId: string, argv: string[], timeoutMs: number): Promise<{ code: number | null; output: string }> {
    const f = await this.mustFind(nameOrId);
    const t0 = Date.now();
    const run = await this.startExec(f, argv, { elapsed: () => Date.now() - t0, wallElapsed: () => Date.now() - t0 });
    const r = await run.wait(timeoutMs);
    if (r) return r;
    run.detach();
    return { code: null, output: `(timed out after ${timeoutMs} ms)` };
  }

  /** The last `n` lines of the container's log (stdout and stderr together). */
  logs(id: string, n = 100): string[] {
    return readLogLines(this.logFile(id), n);
  }

  /** Rotates every container's log that reached the size limit (the supervisor calls it each pass); the ids rotated. */
  async rotateLogs(): Promise<string[]> {
    const rotated: string[] = [];
    for (const f of await this.all()) if (rotateLog(this.logFile(f.c.id), this.rotationOf(f.record.spec))) rotated.push(f.c.id);
    return rotated;
  }

  /** The service's own bound (services.yaml logs, ContainerSpec.logs) over the engine's default. */
  private rotationOf(spec: Pick<ContainerSpec, 'logs'>): LogRotation {
    return { ...this.logRotation, ...spec.logs };
  }

  private async lastLogLines(id: string, n = 5, secrets: readonly string[] = []): Promise<string> {
    return this.logs(id, n)
      .map((l) => `    > ${redact(l.replace(/[\x00-\x08\x0e-\x1f]/g, '').trim(), secrets)}`)
      .join('\n');
  }

  /**
   * The runtime's readiness wait on containerd: the one loop of both engines (runtime/health.ts
   * `readinessLoop`: the health command, one probe at a time, or the published TCP ports, or the
   * start window) with containerd's look (a task that exits fails at once, with its last log
   * lines) and task exec. Every timeout is counted in uncontended time (runtime/cpu-budget.ts:
   * the host's CPU stall, and the task's own CPU throttling read from its cgroup through its
   * pid), so a busy host does not roll a healthy service back.
   */
  async waitReady(nameOrId: string, opts: { probe: HealthSpec | null; timeoutMs: number; ports: ContainerSpec['ports'] }): Promise<ReadyResult> {
    const f = await this.mustFind(nameOrId);
    return readinessLoop({ ...opts, intervalMs: this.opts.probeIntervalMs }, async ({ argv, noSignal, t0, probeTimeout, wake }) => {
      // Asked from the host at the container's address on its first network (its CNI result,
      // saved when it was created): the health command's one HTTP GET, on the port its URL
      // names (health.ts httpHealthOf), or pg_isready / redis-cli ping (health-wire.ts). Only
      // a success counts; anything else leaves the verdict to the command in the task.
      const http = opts.probe ? httpHealthOf(opts.probe.test) : null;
      const wire = opts.probe && !http ? wireHealthOf(opts.probe.test) : null;
      const ip = http || wire ? this.attachments(f.c.id)[0]?.ip : undefined;
      // the container's other TCP ports: with the one the command asks, they say whether anything listens yet
      const askedPort = http?.port ?? wire?.port;
      const declared = opts.ports.filter((p) => p.protocol === 'tcp').map((p) => p.container);
      const otherPorts = [...new Set(declared.filter((p) => p !== askedPort))];
      const oneShot = ['no', 'on-failure'].includes(f.record.spec.restart);
      const ociEnv = (JSON.parse(Buffer.from(f.c.spec!.value).toString('utf8')) as { process: { env: string[] } }).process.env;
      const secrets = secretValuesOf({ Config: { Env: ociEnv, Labels: f.c.labels } });
      let t = await this.task(f.c.id);
      let lookedAt = Date.now();
      // postgres's status writes wake the rounds (health-wire.ts watchPostgresStatus): asked as it becomes ready
      let unwatch: (() => void) | null = null;
      const throttled = () => {
        const c = t?.pid ? cpuThrottle(t.pid) : undefined;
        return c ? c.throttledUs / 1000 : null;
      };
      const target: ReadyTarget = {
        name: f.name,
        secrets,
        logsHint: `\`claude logs ${f.record.spec.service ?? f.name}\` shows its output (${this.logFile(f.c.id)})`,
        close: () => unwatch?.(),
        look: async (round) => {
          // With a health command the task is read on the first round, then every LOOK_EVERY_MS
          // and whenever a probe could not run (probeFailed), as on Docker: the host-side rounds
          // come every few ms, and a task Get each time (containerd asking the shim) was most of
          // their cost. Without one, every round.
          if (round > 0 && (!argv || Date.now() - lookedAt >= LOOK_EVERY_MS)) {
            t = await this.task(f.c.id);
            lookedAt = Date.now();
          }
          if (!t || t.status === 'STOPPED') {
            if (noSignal && oneShot && t?.exitStatus === 0) return { ready: { state: 'completed', ms: Date.now() - t0 } };
            // Its last lines may still be in the pipe to the log writer (./log-writer.ts). Deleting
            // the stopped task has the shim close the pipes and wait for the helper, which exits
            // once the writer has written them; the rollback that follows stops or removes the container either way.
            if (t) await this.api.tasks.Delete({ containerId: f.c.id }).catch(() => undefined);
            const logs = await this.lastLogLines(f.c.id, 5, secrets);
            throw new ContainerExitedError(
              `container ${f.name} exited (exit code ${t?.exitStatus ?? '?'}) before it became ready${logs ? `; last log lines:\n${logs}` : ''}`,
              `look at the log lines above; \`claude logs ${f.record.spec.service ?? f.name}\` shows more (${this.logFile(f.c.id)})`,
            );
          }
          return t.status === 'RUNNING' ? { running: true } : { status: `status ${t.status}` };
        },
        startExec: (cmd) => this.startExec(f, cmd, new CpuBudgetClock({ throttled })),
        probeFailed: async () => {
          t = await this.task(f.c.id);
          lookedAt = Date.now();
        },
        ...(ip && (http || wire)
          ? {
              quick: true,
              quickMaxMs: CONTAINERD_QUICK_ROUND_MAX_MS,
              // pg_isready and redis-cli ping: while the host's request says "not ready", so would the command
              sparseExec: !!wire,
              beforeProbe: async () => {
                if (wire?.kind === 'postgres') unwatch ??= watchPostgresStatus(t?.pid, ociEnv, () => (trace(`ready: ${f.name} postgres status written`), wake()));
                const limit = Math.min(probeTimeout, 500);
                const a = http ? await httpAnswer(ip, http.port, http, limit) : await wireAnswer(wire!, ip, limit);
                const ok = http ? typeof a === 'number' && a >= 200 && a < 300 : a === 'ready';
                const via = http ? ('http' as const) : wire!.kind;
                trace(`ready: ${f.name} ${via} ${ok ? 'ready' : `not ready (${a ?? 'no answer'})`}`);
                if (ok) return { ready: { state: 'healthy' as const, ms: Date.now() - t0, via } };
                // Nothing listens where the command asks, nor on the container's other TCP ports:
                // its service is not up yet and the command would fail too. It then runs at most
                // every REFUSED_PROBE_INTERVAL_MS from the wait's start, as on Docker (health.ts
                // portsRefused): each task exec took ≈ 50 ms and the shim's and runc's CPU beside
                // postgres's start-up (docs/runtime.md "The stack on containerd at ≤ 0.5×").
                // As on Docker, only declared ports count: with none, a refusal proves nothing (a
                // service bound to 127.0.0.1 in its container refuses at its address and still
                // answers the command), so the command keeps its own back-off.
                const refused = a === 'refused' && declared.length > 0 && (otherPorts.length === 0 || (await portsRefusedAt(ip, otherPorts)));
                // Certain to fail (nothing listens on the asked port in the task's network
                // namespace, or postgres says it is starting up): the exec is held back (health.ts
                // cannotPassNow), also after REFUSED_PROBE_INTERVAL_MS.
                const pid = t?.pid;
                return { refused, cannotPass: () => cannotPassNow(http ?? wire, typeof a === 'string' ? a : undefined, pid, ociEnv) };
              },
            }
          : {}),
      };
      return { target, budget: new CpuBudgetClock({ throttled }) };
    });
  }

  /** What the supervisor (./supervisor.ts) decides on: every managed container, its task and restart record. */
  async supervision(): Promise<SupervisedContainer[]> {
    const out: SupervisedContainer[] = [];
    for (const f of await this.all()) {
      const labels = { ...f.c.labels };
      delete labels[LABEL_NAME];
      if (!managedBy(labels, this.opts.hostId)) continue;
      const t = await this.task(f.c.id);
      const cdir = this.cdir(f.c.id);
      const startedAt = existsSync(join(cdir, 'started-at')) ? Date.parse(readFileSync(join(cdir, 'started-at'), 'utf8').trim()) : null;
      out.push({
        id: f.c.id,
        name: f.name,
        restart: f.record.spec.restart,
        task: t ? (t.status === 'RUNNING' ? 'running' : t.status === 'STOPPED' ? 'stopped' : 'other') : 'none',
        exitCode: t?.status === 'STOPPED' ? t.exitStatus : null,
        wanted: existsSync(join(cdir, 'wanted')),
        startedAt: startedAt !== null && Number.isFinite(startedAt) ? startedAt : null,
        restarts: this.restartRecord(f.c.id),
      });
    }
    return out.sort((a, b) => compareCodePoints(a.name, b.name));
  }

  /** Every container of this namespace with its task and the driver's records: what the observer's Docker-shaped view (./docker-view.ts) is made from. */
  async describeAll(): Promise<DescribedContainer[]> {
    return Promise.all(
      (await this.all()).map(async (f) => {
        const labels = { ...f.c.labels };
        delete labels[LABEL_NAME];
        const cdir = this.cdir(f.c.id);
        const startedAt = existsSync(join(cdir, 'started-at')) ? readFileSync(join(cdir, 'started-at'), 'utf8').trim() : null;
        return { id: f.c.id, name: f.name, image: f.c.image, labels, spec: f.record.spec, env: f.record.env, task: await this.task(f.c.id), startedAt, restarts: this.restartRecord(f.c.id), logFile: this.logFile(f.c.id) };
      }),
    );
  }

  /** The restarts the supervisor made (its count feeds crash-loop detection, as Docker's RestartCount does). */
  restartRecord(id: string): RestartRecord {
    const f = join(this.cdir(id), 'restarts.json');
    if (!existsSync(f)) return { count: 0, times: [] };
    try {
      return JSON.parse(readFileSync(f, 'utf8')) as RestartRecord;
    } catch {
      return { count: 0, times: [] };
    }
  }

  /**
   * Starts a wanted container's task again (the supervisor's restart): only while it is still
   * wanted (a plan that stopped it in the meantime wins). `crash` counts it as a restart.
   */
  async restartTask(id: string, crash: boolean, now = new Date()): Promise<boolean> {
    const cdir = this.cdir(id);
    if (!existsSync(join(cdir, 'wanted'))) return false;
    await this.startContainer(id);
    if (crash) {
      const r = this.restartRecord(id);
      writeFileSync(join(cdir, 'restarts.json'), JSON.stringify({ count: r.count + 1, times: [...r.times, now.toISOString()].slice(-50) }) + '\n');
    }
    return true;
  }

  async waitRestored(nameOrId: string, timeoutMs: number): Promise<ReadyResult> {
    const f = await this.mustFind(nameOrId);
    return this.waitReady(f.c.id, { probe: f.record.spec.healthcheck, timeoutMs, ports: f.record.spec.ports });
  }

  // ── networks ──

  private netFile(name: string): string {
    return join(this.stateDir, 'networks', `${encodeURIComponent(name)}.json`);
  }
  private netRecord(name: string): NetRecord | null {
    const f = this.netFile(name);
    return existsSync(f) ? (JSON.parse(readFileSync(f, 'utf8')) as NetRecord) : null;
  }
  private netRecords(): NetRecord[] {
    return readdirSync(join(this.stateDir, 'networks'))
      .filter((f) => f.endsWith('.json'))
      .map((f) => JSON.parse(readFileSync(join(this.stateDir, 'networks', f), 'utf8')) as NetRecord);
  }
  private cniNet(r: NetRecord): CniNetwork {
    return { name: r.name, bridge: r.bridge, subnet: r.subnet, internal: r.internal };
  }

  async inspectNetwork(name: string): Promise<NetworkRecord | null> {
    const r = this.netRecord(name);
    return r ? { id: r.id, name: r.name, driver: r.driver, internal: r.internal, subnet: r.subnet, labels: r.labels } : null;
  }

  /**
   * A free /24 in 10.89.0.0/16 for a new network, claimed on the host: free means routed by
   * nothing on the host (Docker's bridges, other instances' and other engines' networks: each
   * is a route from its creation, Cni.claimBridge) and in none of this driver's records; the
   * network's bridge is made with it at once, so the next choice, by whichever engine, sees
   * it. Two choosers that took the same /24 at the same moment: the one whose bridge was made
   * first keeps it (a device not of this driver, Docker's, always does); the other picks again
   * (Cni.claimBridge, `contested`).
   */
  private async claimSubnet(bridge: string): Promise<string> {
    const lost = new Set<string>();
    for (let attempt = 0; attempt < 8; attempt++) {
      const used = new Set([...(await this.cni.usedSubnets()), ...this.netRecords().map((r) => r.subnet), ...lost]);
      const start = randomBytes(1)[0]!;
      let subnet: string | null = null;
      for (let i = 0; i < 256 && subnet === null; i++) {
        const s = `10.89.${(start + i) % 256}.0/24`;
        if (!used.has(s)) subnet = s;
      }
      if (subnet === null) break;
      if (await this.cni.claimBridge(bridge, subnet, true)) return subnet;
      lost.add(subnet);
    }
    throw new StepError('no free /24 left in 10.89.0.0/16 for a new network (every one is routed on this host or recorded by this driver)', 'name a subnet for the network in services.yaml, or remove networks no longer used (`ip route` shows what routes them)');
  }

  private async newNetwork(n: { name: string; driver: string; internal: boolean; subnet?: string }, labels: Record<string, string>): Promise<void> {
    if (this.netRecord(n.name)) throw new StepError(`network ${n.name} already exists on containerd`);
    const id = randomBytes(16).toString('hex');
    const bridge = `${CONTAINERD_BRIDGE_PREFIX}${id.slice(0, 9)}`;
    let subnet = n.subnet;
    if (subnet === undefined) subnet = await this.claimSubnet(bridge);
    else await this.cni.claimBridge(bridge, subnet);
    const rec: NetRecord = { id, name: n.name, driver: n.driver, internal: n.internal, subnet, bridge, labels };
    // Written only if no record is there (`wx`): two processes on one state dir (an apply and
    // `claude supervise`, both making the default network on first use) each made a record,
    // the last one written won, and the other's bridge and rules were left behind for good.
    try {
      writeFileSync(this.netFile(n.name), JSON.stringify(rec, null, 2) + '\n', { flag: 'wx' });
    } catch (e) {
      await this.cni.removeBridge(bridge).catch(() => undefined);
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new StepError(`network ${n.name} already exists on containerd`);
      throw e;
    }
  }

  private defaultNetCreating: Promise<void> | undefined;

  /** The default network's record, made on first use (one creation at a time). */
  private async defaultNetwork(): Promise<NetRecord> {
    const have = this.netRecord(DEFAULT_NETWORK);
    if (have) return have;
    // (another process on this state dir may make it at the same moment: then its record is the one)
    this.defaultNetCreating ??= this.newNetwork({ name: DEFAULT_NETWORK, driver: 'bridge', internal: false }, {})
      .catch((e: unknown) => {
        if (!this.netRecord(DEFAULT_NETWORK)) throw e;
      })
      .finally(() => (this.defaultNetCreating = undefined));
    await this.defaultNetCreating;
    return this.netRecord(DEFAULT_NETWORK)!;
  }

  async createNetwork(spec: NetworkSpec): Promise<void> {
    const made = this.newNetwork(spec, { ...spec.labels, [LABEL_MANAGED]: 'true', [LABEL_HOST]: this.opts.hostId });
    const settled = made.then(
      () => undefined,
      () => undefined,
    );
    this.creatingNetworks.set(spec.name, settled);
    try {
      await made;
    } finally {
      if (this.creatingNetworks.get(spec.name) === settled) this.creatingNetworks.delete(spec.name);
    }
  }

  /** The networks this engine is creating now, each settled once its create is done or failed. */
  private readonly creatingNetworks = new Map<string, Promise<void>>();

  /**
   * Before a create attaches network `name`: waits while this engine creates it (a create that
   * began beside its network's create, `createsBeforeNetwork`). With no record and no create of
   * it under way, it waits up to NETWORK_WAIT_MS for one to begin (the step that creates it
   * began first, but a wrapper of the engine may call it a little later), then goes on: the
   * attach then says the network does not exist.
   */
  private async networkMade(name: string): Promise<void> {
    for (const until = Date.now() + NETWORK_WAIT_MS; ; ) {
      const making = this.creatingNetworks.get(name);
      if (making) return making;
      if (name === DEFAULT_NETWORK || this.netRecord(name) || Date.now() >= until) return;
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  async recreateNetwork(rec: NetworkRecord): Promise<void> {
    const labels = { ...rec.labels };
    if (labels[LABEL_MANAGED] === 'true') labels[LABEL_HOST] = this.opts.hostId;
    await this.newNetwork(rec, labels);
  }

  async removeNetwork(name: string, force = false): Promise<void> {
    const rec = this.netRecord(name);
    if (!rec) return;
    const users = (await this.all()).filter((f) => this.attachments(f.c.id).some((a) => a.network === name));
    if (users.length && !force) throw new StepError(`network ${name} is in use by ${users.map((u) => u.name).join(', ')}`);
    for (const u of users) {
      const att = this.attachments(u.c.id);
      const a = att.find((x) => x.network === name)!;
      if (att[0] === a) await this.unpublishPorts(u.c.id, true).catch(() => undefined);
      if (this.cni.netnsExists(this.netnsOf(u.c.id))) await this.cni.detach(this.cniNet(rec), u.c.id, this.netnsOf(u.c.id), a.ifname, a.nftPorts ? [] : a.ports, a.result, !a.sharedRules).catch(() => undefined);
      this.saveAttachments(
        u.c.id,
        att.filter((x) => x !== a),
      );
    }
    await this.cni.removeNetworkRules(this.cniNet(rec));
    await this.cni.removeBridge(rec.bridge);
    rmSync(this.netFile(name), { force: true });
    if (users.length) await this.refreshHosts();
  }

  // ── images ──

  private async imageTarget(ref: string): Promise<Descriptor> {
    return ((await this.api.images.Get({ name: ref })) as { image: { target: Descriptor } }).image.target;
  }

  private async hasImage(ref: string): Promise<boolean> {
    try {
      const target = await this.imageTarget(ref);
      // The plan's creates come next: its config is read now, beside the other steps before
      // them (imageConfig keeps it), and the creates take this target instead of asking again.
      this.ensured.set(ref, { target, at: Date.now() });
      this.imageConfig(target).catch(() => undefined);
      return true;
    } catch (e) {
      if (grpcCode(e) === NOT_FOUND) return false;
      throw e;
    }
  }
  /**
   * Per image name, its target as last found present (ensureImage, imageUnavailable) and when:
   * taken by the creates for ENSURED_TARGET_MS (a plan's creates follow its image steps), then
   * asked again, so a long-lived engine (the daemon's) never creates from a target long gone.
   */
  private readonly ensured = new Map<string, { target: Descriptor; at: number }>();

  /** Imports an image tarball (docker save / OCI layout); returns the names and manifest digests. */
  importImage(file: string): Promise<{ name: string; digest: string }[]> {
    return importTarball(this.api, file, this.snapshotter);
  }

  /** The tarballs (.tar, .oci) in the images dir whose names include `ref`, in name order. */
  private async tarballsHolding(ref: string): Promise<string[]> {
    const dir = this.imageDir();
    if (!existsSync(dir)) return [];
    const out: string[] = [];
    for (const f of readdirSync(dir).filter((x) => /\.(tar|oci)$/.test(x)).sort()) {
      const file = join(dir, f);
      if (statSync(file).isFile() && (await tarballNames(file)).includes(ref)) out.push(file);
    }
    return out;
  }

  private imageDir(): string {
    return this.opts.imageDir ?? join(this.opts.dataDir, 'images');
  }

  /** Why ensureImage would fail: not in containerd and no tarball in the images dir holds it (this backend does not pull). */
  async imageUnavailable(ref: string): Promise<string | null> {
    if ((await this.hasImage(ref)) || (await this.tarballsHolding(ref)).length) return null;
    return `it is not in containerd, no tarball in ${this.imageDir()} holds it, and the containerd backend does not pull from registries`;
  }

  /**
   * Present in containerd, else imported from a tarball in `imageDir` that holds it ('pulled':
   * it came from outside containerd). There is no registry pull on this backend yet.
   */
  async ensureImage(ref: string, requested: string, pull: boolean): Promise<'present' | 'pulled'> {
    if (await this.hasImage(ref)) return 'present';
    for (const file of await this.tarballsHolding(ref)) {
      await this.importImage(file);
      if (await this.hasImage(ref)) return 'pulled';
    }
    throw new ImageMissingError(
      ref,
      requested,
      `is not in containerd and no tarball in ${this.imageDir()} holds it${pull ? ' (pulling from a registry is not supported on the containerd backend)' : ''}`,
      `bring the image to this host: \`docker save -o <file>.tar ${ref}\` where its registry is reachable, and put the tarball in ${this.imageDir()} (the next apply imports it); or map '${requested}' to an image this host has in manifest.yaml spec.images.aliases (\`claude services\` and the tarballs in ${this.imageDir()} show which it has; docs/local-images.md)`,
    );
  }

  // volumes, host files, records, firewall and storage mounts: HostSideOps (../host-ops.ts)

  // ── observation ──

  observe(): Promise<ObservedState> {
    return this.opts.observe ? this.opts.observe() : this.observeState();
  }

  /** The observed managed state, the same shape (and so the same fingerprints) as the Docker observer's. */
  async observeState(stateCommit: string | null = null): Promise<ObservedState> {
    const hostId = this.opts.hostId;
    const [all, imgs] = await Promise.all([this.all(), this.api.images.List({ filters: [] }) as Promise<{ images: { name: string }[] }>]);
    const networks = this.netRecords()
      .filter((n) => managedBy(n.labels, hostId))
      .map((n) => ({ name: n.name, managed: true, driver: n.driver, internal: n.internal, subnet: n.subnet, labels: n.labels }))
      .sort((a, b) => compareCodePoints(a.name, b.name));
    const hostSide = await observeHostSide({ dataDir: this.opts.dataDir, root: this.opts.root, ...(this.opts.nft ? { nft: this.opts.nft } : {}) });
    const containers = await Promise.all(
      all.map(async (f) => {
        const labels = { ...f.c.labels };
        delete labels[LABEL_NAME];
        const managed = managedBy(labels, hostId);
        const t = await this.task(f.c.id);
        const status: ObservedState['containers'][number]['status'] = t?.status === 'RUNNING' ? 'running' : t?.status === 'PAUSED' ? 'paused' : t?.status === 'STOPPED' ? 'exited' : 'created';
        const startedAt = existsSync(join(this.cdir(f.c.id), 'started-at')) ? readFileSync(join(this.cdir(f.c.id), 'started-at'), 'utf8').trim() : undefined;
        return {
          name: f.name,
          id: f.c.id,
          managed,
          ...(managed && labels[LABEL_SERVICE] ? { service: labels[LABEL_SERVICE] } : {}),
          ...(managed && labels[LABEL_CONFIG_HASH] ? { configHash: labels[LABEL_CONFIG_HASH] } : {}),
          image: f.c.image,
          status,
          health: 'none' as const,
          ...(t?.status === 'STOPPED' ? { exitCode: t.exitStatus } : {}),
          ...(startedAt ? { startedAt } : {}),
          labels,
          ports: f.record.spec.ports.map((p) => ({ container: p.container, protocol: p.protocol, ...(p.host !== undefined ? { host: p.host } : {}), ...(p.hostIp ? { hostIp: p.hostIp } : {}) })),
        };
      }),
    );
    return {
      hostId,
      stateCommit,
      networks,
      volumes: hostSide.volumes,
      images: imgs.images.map((i) => i.name).sort(),
      containers: containers.sort((a, b) => compareCodePoints(a.name, b.name)),
      firewall: hostSide.firewall,
      hostFilesHash: hostSide.hostFilesHash ?? null,
      ...(hostSide.hostFiles ? { hostFiles: hostSide.hostFiles } : {}),
      scheduleHash: hostSide.scheduleHash ?? null,
    };
  }
}
