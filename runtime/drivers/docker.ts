/**
 * The Docker Engine driver: the only module that changes Docker (through the Engine API
 * client of engine-api.ts; dockerode only for a remote DOCKER_HOST). It
 * implements the runtime's `Engine`; the host side (volume dirs, host files, records through
 * `HostFs`, the nft firewall, storage mounts) comes from `HostSideOps` (host-ops.ts), shared
 * with the containerd driver.
 *
 * Containers get everything in a ContainerSpec: image, command and entrypoint, env (already
 * resolved by apply.ts: the only place `${secrets.x}` becomes a value), labels (plus the
 * managed labels and `claude.os/host=<hostId>`, which marks them as this instance's), user, working dir, ports, binds under CLAUDE_ROOT, CPU and memory
 * limits, healthcheck (in ns), restart policy, and networks with their DNS aliases (the
 * first at create, the others connected before start).
 */
import { compareCodePoints } from '../../common/order.js';
import type Docker from 'dockerode';
import { underRoot } from '../../common/paths.js';
import { LABEL_CONFIG_HASH, LABEL_HOST, LABEL_MANAGED, LABEL_REPLICA, LABEL_SECRET_ENV, LABEL_SECRET_REFS, LABEL_SERVICE, managedBy, type ContainerSpec, type HealthSpec, type NetworkSpec, type ObservedState } from '../../plan/types.js';
import { ImageMissingError, StepError, type ContainerRecord, type Engine, type NetworkRecord, type ReadyResult, type RunState } from '../engine.js';
import { DEFAULT_LOG_ROTATION, logRotationFromEnv, type LogRotation } from './containerd/logs.js';
import { waitReady } from '../health.js';
import { encryptSecret, ensureAgeIdentity, readAgeIdentity, recordEnv, SECRET_REF } from '../secrets.js';
import { dockerApiFor, EngineClient, followPull, type DockerApi } from './engine-api.js';
import { effectiveArgv, heldHealthTest, HOLD_ENTRYPOINT, prepareHold, releaseHold } from './hold.js';
import { trace } from '../../common/trace.js';
import { HostFs } from './hostfs.js';
import { HostSideOps, type FirewallBackend } from './host-ops.js';

export type { FirewallBackend } from './host-ops.js';

export interface DockerEngineOptions {
  /** Default: `dockerApiFor(process.env)`. */
  docker?: DockerApi;
  root: string;
  dataDir: string;
  /** The observer (runtime/observe/snapshot.ts); default: `observeBasic`. */
  observe?: () => Promise<ObservedState>;
  /**
   * This instance's host id (plan/keys.ts): stamped as `claude.os/host` on every container
   * and network the driver creates or recreates, and the only host id whose resources
   * `observeBasic` counts as managed (plan/types.ts LABEL_HOST).
   */
  hostId: string;
  /** Firewall backend (drivers/nft.ts + firewall-confirm.ts); without one, firewall steps fail clearly. */
  firewall?: FirewallBackend;
  /** Give up a pull after this long. Default 120 s. */
  pullTimeoutMs?: number;
  /** Give up asking a registry for an image's manifest while planning (imageUnavailable) after this long. Default 10 s. */
  registryProbeMs?: number;
  /** Readiness probe interval. Default 100 ms. */
  probeIntervalMs?: number;
  /** The bound on each container's log (logConfig). Default: CLAUDE_LOG_MAX_BYTES / CLAUDE_LOG_KEEP, else 10 MiB and 3 rotated files. */
  logRotation?: LogRotation;
}

/** What the snapshot keeps to recreate a container. Env is age-encrypted when the host has a key. */
interface DockerRecreate {
  name: string;
  config: Record<string, unknown>;
  env: string[] | null;
  envEncrypted: string | null;
  hostConfig: Record<string, unknown>;
  networks: { name: string; aliases: string[] }[];
}

function isNotFound(e: unknown): boolean {
  return (e as { statusCode?: number }).statusCode === 404;
}

const ms2ns = (ms: number) => ms * 1_000_000;

export function managedLabels(spec: ContainerSpec, hostId: string): Record<string, string> {
  return {
    ...spec.labels,
    [LABEL_MANAGED]: 'true',
    [LABEL_SERVICE]: spec.service,
    [LABEL_CONFIG_HASH]: spec.configHash,
    [LABEL_REPLICA]: String(spec.replica),
    [LABEL_HOST]: hostId,
  };
}

/**
 * Adds LABEL_SECRET_ENV: the names of the env variables whose value references a secret
 * (or drops a label of that name a user set), so the observer can redact their values.
 */
export function withSecretEnvLabel(labels: Record<string, string>, specEnv: Readonly<Record<string, string>>, secretRefs: readonly string[] = []): Record<string, string> {
  const out = { ...labels };
  delete out[LABEL_SECRET_ENV];
  delete out[LABEL_SECRET_REFS];
  if (secretRefs.length) out[LABEL_SECRET_REFS] = [...secretRefs].sort().join(',');
  const names = Object.keys(specEnv)
    .filter((k) => new RegExp(SECRET_REF.source).test(specEnv[k]!))
    .sort();
  if (names.length) out[LABEL_SECRET_ENV] = names.join(',');
  return out;
}

/** Labels of a resource recreated from a snapshot: a managed one is stamped with this host id. */
function restampedLabels(labels: Record<string, string> | null | undefined, hostId: string): Record<string, string> {
  const l = { ...(labels ?? {}) };
  if (l[LABEL_MANAGED] === 'true') l[LABEL_HOST] = hostId;
  return l;
}

function healthConfig(h: HealthSpec | null): Docker.ContainerCreateOptions['Healthcheck'] | undefined {
  if (!h) return undefined;
  return { Test: h.test, Interval: ms2ns(h.intervalMs), Timeout: ms2ns(h.timeoutMs), Retries: h.retries, StartPeriod: ms2ns(h.startPeriodMs) };
}

/**
 * Docker's json-file log of a container, bounded (the full-disk fault: Docker never rotates it
 * by default, so a chatty service could fill the disk and take every service down): the live
 * file up to `maxBytes`, then `keep` rotated ones, as containerd's log writer keeps them
 * (./containerd/logs.ts; CLAUDE_LOG_MAX_BYTES and CLAUDE_LOG_KEEP, defaults 10 MiB and 3).
 */
export function logConfig(r: LogRotation): { Type: string; Config: Record<string, string> } {
  return { Type: 'json-file', Config: { 'max-size': String(r.maxBytes), 'max-file': String(r.keep + 1) } };
}

/** The Docker create options for a spec (env resolved by the caller). Exported for tests. */
export function createOptions(spec: ContainerSpec, env: Record<string, string>, root: string, hostId: string, logs: LogRotation = DEFAULT_LOG_ROTATION): Docker.ContainerCreateOptions {
  const exposed: Record<string, object> = {};
  const bindings: Record<string, { HostIp: string; HostPort: string }[]> = {};
  for (const p of spec.ports) {
    const key = `${p.container}/${p.protocol}`;
    exposed[key] = {};
    if (p.host !== undefined) (bindings[key] ??= []).push({ HostIp: p.hostIp ?? '', HostPort: String(p.host) });
  }
  const first = spec.networks[0];
  const opts: Docker.ContainerCreateOptions = {
    name: spec.name,
    Image: spec.image,
    Env: Object.keys(env)
      .sort()
      .map((k) => `${k}=${env[k]}`),
    Labels: withSecretEnvLabel(managedLabels(spec, hostId), spec.env, spec.secretRefs ?? []),
    ExposedPorts: exposed,
    HostConfig: {
      Binds: spec.mounts.map((m) => `${underRoot(root, m.source)}:${m.target}${m.readonly ? ':ro' : ''}`),
      PortBindings: bindings,
      RestartPolicy: { Name: spec.restart === 'no' ? '' : spec.restart, MaximumRetryCount: 0 },
      ...(spec.resources.nanoCpus !== undefined ? { NanoCpus: spec.resources.nanoCpus } : {}),
      ...(spec.resources.memoryBytes !== undefined ? { Memory: spec.resources.memoryBytes } : {}),
      NetworkMode: first ? first.name : 'bridge',
      // the service's own bound (services.yaml logs) over the runtime's default
      LogConfig: logConfig({ ...logs, ...spec.logs }) as Docker.HostConfig['LogConfig'],
    },
  };
  if (spec.command) opts.Cmd = spec.command;
  if (spec.entrypoint) opts.Entrypoint = spec.entrypoint;
  if (spec.user !== undefined) opts.User = spec.user;
  if (spec.workingDir !== undefined) opts.WorkingDir = spec.workingDir;
  const hc = healthConfig(spec.healthcheck);
  if (hc) opts.Healthcheck = hc;
  if (first) opts.NetworkingConfig = { EndpointsConfig: { [first.name]: { Aliases: first.aliases } } };
  return opts;
}

/** A pull or registry error that means the registry cannot be reached (rather than refusing the image). */
const UNREACHABLE = /no such host|dial tcp|connection refused|network is unreachable|i\/o timeout|TLS handshake timeout|no answer from the registry/i;

/** Docker's own message of an Engine API error, without the `(HTTP code N) reason - ` prefix. */
function engineMessage(e: unknown): string {
  return (e as Error).message.replace(/^\(HTTP code \d+\) [\w ]+ - /, '').trim();
}

/** The registry an image reference names (Docker's rule: a first part with a dot or a port, or localhost), else docker.io. */
export function registryOf(ref: string): string {
  const first = ref.split('/')[0]!;
  return ref.includes('/') && (/[.:]/.test(first) || first === 'localhost') ? first : 'docker.io';
}

export class DockerEngine extends HostSideOps implements Engine {
  readonly docker: DockerApi;
  /** Docker's create keeps the network's name and resolves it at start (tested in runtime/apply-network-overlap.docker.test.ts). */
  readonly createsBeforeNetwork = true;

  constructor(readonly opts: DockerEngineOptions) {
    super(opts);
    this.docker = opts.docker ?? dockerApiFor(process.env);
  }

  observe(): Promise<ObservedState> {
    return this.opts.observe ? this.opts.observe() : observeBasic(this.docker, this.fs, this.opts.hostId);
  }

  // ── containers ──

  async listContainers(names: readonly string[]): Promise<ContainerRecord[]> {
    const found = await Promise.all(names.map((n) => this.inspectContainer(n)));
    return found.filter((c): c is ContainerRecord => c !== null);
  }

  async inspectContainer(nameOrId: string): Promise<ContainerRecord | null> {
    let info: Docker.ContainerInspectInfo;
    try {
      info = await this.docker.getContainer(nameOrId).inspect();
    } catch (e) {
      if (isNotFound(e)) return null;
      throw e;
    }
    const name = info.Name.replace(/^\//, '');
    // A container found by name must have exactly that name (docker also matches id prefixes).
    if (nameOrId !== info.Id && nameOrId !== name && !info.Id.startsWith(nameOrId)) return null;
    const recreate = await this.recreateOf(info);
    return {
      id: info.Id,
      name,
      running: info.State.Running || info.State.Restarting,
      image: info.Config.Image,
      labels: info.Config.Labels ?? {},
      networks: recreate.networks,
      recreate,
      limits: { ...(info.HostConfig.Memory ? { memoryBytes: info.HostConfig.Memory } : {}), ...(info.HostConfig.NanoCpus ? { nanoCpus: info.HostConfig.NanoCpus } : {}) },
    };
  }

  async updateLimits(nameOrId: string, limits: ContainerSpec['resources']): Promise<void> {
    // As at create (Memory alone): the swap limit is twice the memory, so it moves with it.
    const memory = limits.memoryBytes !== undefined ? { Memory: limits.memoryBytes, MemorySwap: 2 * limits.memoryBytes } : {};
    try {
      await this.docker.getContainer(nameOrId).update({ ...memory, ...(limits.nanoCpus !== undefined ? { NanoCpus: limits.nanoCpus } : {}) });
    } catch (e) {
      throw new StepError(`docker could not change the limits of ${nameOrId}: ${(e as Error).message}`, 'check the memory limit (at least 6 MiB) and the CPU limit (at most the host\'s cores)');
    }
  }

  async runState(nameOrId: string): Promise<RunState | null> {
    try {
      const { State: st, RestartCount } = await this.docker.getContainer(nameOrId).inspect();
      return { running: st.Running && !st.Restarting, startedAt: st.StartedAt, restarts: RestartCount ?? 0, oomKilled: st.OOMKilled, exitCode: st.ExitCode };
    } catch (e) {
      if (isNotFound(e)) return null;
      throw e;
    }
  }

  private async recreateOf(info: Docker.ContainerInspectInfo): Promise<DockerRecreate> {
    const c = info.Config;
    const h = info.HostConfig;
    const config: Record<string, unknown> = {
      Image: c.Image,
      Cmd: c.Cmd,
      Entrypoint: c.Entrypoint,
      Labels: c.Labels,
      User: c.User,
      WorkingDir: c.WorkingDir,
      ExposedPorts: c.ExposedPorts,
      Healthcheck: (c as { Healthcheck?: unknown }).Healthcheck,
      StopSignal: (c as { StopSignal?: unknown }).StopSignal,
    };
    const hostConfig: Record<string, unknown> = {
      Binds: h.Binds,
      PortBindings: h.PortBindings,
      RestartPolicy: h.RestartPolicy,
      NanoCpus: h.NanoCpus,
      Memory: h.Memory,
      NetworkMode: h.NetworkMode,
      LogConfig: h.LogConfig,
    };
    const shortId = info.Id.slice(0, 12);
    const networks = Object.entries(info.NetworkSettings.Networks ?? {})
      .map(([name, ep]) => ({ name, aliases: (ep.Aliases ?? []).filter((a: string) => a !== shortId && a !== info.Id) }))
      .sort((a, b) => compareCodePoints(a.name, b.name));
    const env = c.Env ?? [];
    const identity = readAgeIdentity(this.opts.dataDir);
    if (identity && env.length) {
      const { recipient } = await ensureAgeIdentity(this.opts.dataDir);
      return { name: info.Name.replace(/^\//, ''), config, env: null, envEncrypted: await encryptSecret(JSON.stringify(env), recipient), hostConfig, networks };
    }
    return { name: info.Name.replace(/^\//, ''), config, env, envEncrypted: null, hostConfig, networks };
  }

  /** Containers created for a held start in this process (name → id): `holdStart` starts only these. */
  private readonly holdable = new Map<string, string>();
  /** Held starts under way or done, not yet released (name → the container's pid 1, null: unknown). */
  private readonly holds = new Map<string, Promise<number | null>>();

  async createContainer(spec: ContainerSpec, env: Record<string, string>, opts?: { held?: boolean }): Promise<string> {
    // docker follows a symlinked bind source on the host: each must stay under the root
    for (const m of spec.mounts) this.fs.containedPath(m.source);
    const options = createOptions(spec, env, this.opts.root, this.opts.hostId, this.opts.logRotation ?? logRotationFromEnv(process.env));
    const create = async (o: Docker.ContainerCreateOptions) => {
      try {
        return await this.docker.createContainer(o);
      } catch (e) {
        throw new StepError(`docker could not create container ${spec.name}: ${(e as Error).message}`, 'check the image, the ports (free on the host?) and the networks');
      }
    };
    // a held start (runtime/drivers/hold.ts) needs the local socket client (putArchive) and argv to run
    const argv = opts?.held && this.docker instanceof EngineClient ? await this.argvOf(spec) : null;
    let c: { id: string };
    if (argv?.length) {
      const hc = options.Healthcheck;
      c = await create({ ...options, Entrypoint: HOLD_ENTRYPOINT, Cmd: argv, ...(hc ? { Healthcheck: { ...hc, Test: heldHealthTest(hc.Test) } } : {}) });
      if (await prepareHold(this.docker.getContainer(c.id)).catch(() => false)) this.holdable.set(spec.name, c.id);
      else {
        // no /bin/sh in the image (or the FIFO could not be put): an ordinary container
        await this.removeContainer(c.id);
        c = await create(options);
      }
    } else c = await create(options);
    for (const n of spec.networks.slice(1)) await this.docker.getNetwork(n.name).connect({ Container: c.id, EndpointConfig: { Aliases: n.aliases } });
    return c.id;
  }

  /** What the container would run (the spec's or the image's entrypoint and command); null: the image cannot be read. */
  private async argvOf(spec: ContainerSpec): Promise<string[] | null> {
    try {
      const img = (await this.docker.getImage(spec.image).inspect()) as { Config?: { Entrypoint?: string[] | null; Cmd?: string[] | null } };
      return effectiveArgv(spec, img.Config ?? {});
    } catch {
      return null;
    }
  }

  /**
   * Starts a container created with `{ held: true }` with its process held before its
   * entrypoint (runtime/drivers/hold.ts): dockerd's slow start call runs while its dependencies
   * start; `startContainer` releases it. Any other container: nothing. Rejects when the start
   * failed (`startContainer` then starts it as usual and reports Docker's error).
   */
  async holdStart(name: string): Promise<void> {
    const id = this.holdable.get(name);
    if (id === undefined || this.holds.has(name)) return;
    const held = (async () => {
      await this.docker.getContainer(id).start();
      const info = await this.docker.getContainer(id).inspect();
      trace(`hold: ${name} started held`);
      return info.State?.Pid || null;
    })();
    this.holds.set(name, held);
    await held;
  }

  async recreateContainer(rec: ContainerRecord): Promise<string> {
    const r = rec.recreate as DockerRecreate;
    const env = await recordEnv(r, this.opts.dataDir);
    const [first, ...rest] = r.networks;
    const config = r.config as { Labels?: Record<string, string> };
    const c = await this.docker.createContainer({
      name: r.name,
      ...config,
      Labels: restampedLabels(config.Labels, this.opts.hostId),
      Env: env,
      HostConfig: r.hostConfig as Docker.HostConfig,
      ...(first ? { NetworkingConfig: { EndpointsConfig: { [first.name]: { Aliases: first.aliases } } } } : {}),
    } as Docker.ContainerCreateOptions);
    for (const n of rest) await this.docker.getNetwork(n.name).connect({ Container: c.id, EndpointConfig: { Aliases: n.aliases } });
    return c.id;
  }

  async startContainer(nameOrId: string): Promise<void> {
    // a container created for a held start has the FIFO in its filesystem: it runs only once released
    const id = this.holdable.get(nameOrId);
    if (id !== undefined) {
      this.holdable.delete(nameOrId);
      const held = this.holds.get(nameOrId);
      this.holds.delete(nameOrId);
      let pid = held ? await held.then((p) => p, () => undefined) : undefined;
      if (pid === undefined) {
        // not started held, or that start failed: start it now (an error is Docker's, as below)
        await this.startPlain(id);
        pid = (await this.docker.getContainer(id).inspect()).State?.Pid || null;
      }
      const via = await releaseHold(this.docker.getContainer(id), pid);
      trace(`hold: ${nameOrId} released (${via})`);
      return;
    }
    await this.startPlain(nameOrId);
  }

  private async startPlain(nameOrId: string): Promise<void> {
    try {
      await this.docker.getContainer(nameOrId).start();
    } catch (e) {
      if ((e as { statusCode?: number }).statusCode === 304) return; // already running
      throw new StepError(`docker could not start ${nameOrId}: ${(e as Error).message}`, 'a port already in use or a missing mount source are the usual causes');
    }
  }

  async stopContainer(nameOrId: string, timeoutS = 10): Promise<void> {
    try {
      await this.docker.getContainer(nameOrId).stop({ t: timeoutS });
    } catch (e) {
      const code = (e as { statusCode?: number }).statusCode;
      if (code === 304 || code === 404) return;
      throw e;
    }
  }

  async removeContainer(nameOrId: string): Promise<void> {
    for (const [name, id] of this.holdable) {
      if (name === nameOrId || id === nameOrId) {
        this.holdable.delete(name);
        this.holds.delete(name);
      }
    }
    try {
      await this.docker.getContainer(nameOrId).remove({ force: true, v: false });
    } catch (e) {
      const code = (e as { statusCode?: number }).statusCode;
      if (code === 404) return;
      if (code === 409 && /already in progress/.test((e as Error).message)) return;
      throw e;
    }
  }

  async renameContainer(nameOrId: string, newName: string): Promise<void> {
    await this.docker.getContainer(nameOrId).rename({ name: newName });
  }

  async connectNetwork(nameOrId: string, network: string, aliases: string[]): Promise<void> {
    await this.docker.getNetwork(network).connect({ Container: nameOrId, EndpointConfig: { Aliases: aliases } });
  }

  async waitRestored(nameOrId: string, timeoutMs: number): Promise<ReadyResult> {
    const info = await this.docker.getContainer(nameOrId).inspect();
    const hc = (info.Config as { Healthcheck?: { Test?: string[]; Timeout?: number } }).Healthcheck;
    const test = hc?.Test && hc.Test.length >= 2 && hc.Test[0] !== 'NONE' ? (hc.Test as [string, string, ...string[]]) : null;
    const probe: HealthSpec | null = test ? { test, intervalMs: 1000, timeoutMs: hc?.Timeout ? Math.round(hc.Timeout / 1e6) : 1000, retries: 3, startPeriodMs: 0 } : null;
    const ports: ContainerSpec['ports'] = [];
    for (const [key, binds] of Object.entries(info.HostConfig.PortBindings ?? {})) {
      const [port, protocol] = key.split('/');
      for (const b of (binds as { HostIp?: string; HostPort?: string }[] | null) ?? []) {
        if (!b.HostPort) continue;
        ports.push({ container: Number(port), host: Number(b.HostPort), protocol: protocol === 'udp' ? 'udp' : 'tcp', ...(b.HostIp ? { hostIp: b.HostIp } : {}) });
      }
    }
    return waitReady(this.docker, info.Id, { probe, timeoutMs, ports, failOnUnhealthy: true, ...(this.opts.probeIntervalMs ? { intervalMs: this.opts.probeIntervalMs } : {}) });
  }

  waitReady(nameOrId: string, opts: { probe: HealthSpec | null; timeoutMs: number; ports: ContainerSpec['ports'] }): Promise<ReadyResult> {
    return waitReady(this.docker, nameOrId, { ...opts, ...(this.opts.probeIntervalMs ? { intervalMs: this.opts.probeIntervalMs } : {}) });
  }

  // ── networks ──

  async inspectNetwork(name: string): Promise<NetworkRecord | null> {
    let n: Docker.NetworkInspectInfo;
    try {
      n = (await this.docker.getNetwork(name).inspect()) as Docker.NetworkInspectInfo;
    } catch (e) {
      if (isNotFound(e)) return null;
      throw e;
    }
    if (n.Name !== name) return null;
    const subnet = n.IPAM?.Config?.[0]?.Subnet;
    return { id: n.Id, name: n.Name, driver: n.Driver, internal: n.Internal, ...(subnet ? { subnet } : {}), labels: n.Labels ?? {} };
  }

  async createNetwork(spec: NetworkSpec): Promise<void> {
    await this.newNetwork(spec, { ...spec.labels, [LABEL_MANAGED]: 'true', [LABEL_HOST]: this.opts.hostId });
  }

  async recreateNetwork(rec: NetworkRecord): Promise<void> {
    await this.newNetwork(rec, restampedLabels(rec.labels, this.opts.hostId));
  }

  private async newNetwork(n: { name: string; driver: string; internal: boolean; subnet?: string }, labels: Record<string, string>): Promise<void> {
    await this.docker.createNetwork({
      Name: n.name,
      Driver: n.driver,
      Internal: n.internal,
      CheckDuplicate: true,
      Labels: labels,
      ...(n.subnet ? { IPAM: { Driver: 'default', Config: [{ Subnet: n.subnet }] } } : {}),
    });
  }

  async removeNetwork(name: string, force = false): Promise<void> {
    try {
      if (force) {
        const info = (await this.docker.getNetwork(name).inspect()) as Docker.NetworkInspectInfo;
        for (const id of Object.keys(info.Containers ?? {})) await this.docker.getNetwork(name).disconnect({ Container: id, Force: true });
      }
      await this.docker.getNetwork(name).remove();
    } catch (e) {
      if (isNotFound(e)) return;
      throw e;
    }
  }

  // ── images ──

  async ensureImage(ref: string, requested: string, pull: boolean): Promise<'present' | 'pulled'> {
    try {
      await this.docker.getImage(ref).inspect();
      return 'present';
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
    if (!pull) throw new ImageMissingError(ref, requested, 'the plan does not allow pulling it (pull: false)');
    try {
      await this.pull(ref);
    } catch (e) {
      const msg = engineMessage(e);
      throw new ImageMissingError(ref, requested, UNREACHABLE.test(msg) ? `pulling it failed: its registry ${registryOf(ref)} cannot be reached from this host (${msg})` : `pulling it failed: ${msg}`);
    }
    return 'pulled';
  }

  /**
   * Why ensureImage would fail: not here and pulling is off, or the daemon cannot get the
   * image's manifest from its registry (unreachable, or the registry does not give it). The
   * daemon asks the registry itself, so its mirrors, proxy and logins count, as in a pull.
   */
  async imageUnavailable(ref: string, pull: boolean, signal?: AbortSignal): Promise<string | null> {
    try {
      await this.docker.getImage(ref).inspect();
      return null;
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
    if (!pull) return 'it is not on this host and manifest.yaml spec.images.pull is false';
    const timeoutMs = this.opts.registryProbeMs ?? 10_000;
    let timer: NodeJS.Timeout | undefined;
    // The question is abandoned (its connection closed) at the time-out, or when the caller no
    // longer needs it (`signal`: a plan the planner refused); else dockerd's own wait for the
    // registry (~25 s) kept the CLI from exiting after it had said everything.
    const abandon = new AbortController();
    const stop = () => abandon.abort();
    signal?.addEventListener('abort', stop, { once: true });
    try {
      if (signal?.aborted) return null;
      await Promise.race([
        this.docker.getImage(ref).distribution({ abortSignal: abandon.signal }),
        new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer from the registry within ${timeoutMs / 1000} s`)), timeoutMs))),
      ]);
      return null;
    } catch (e) {
      if (signal?.aborted) return null;
      const msg = engineMessage(e);
      if (UNREACHABLE.test(msg)) return `it is not on this host and its registry ${registryOf(ref)} cannot be reached from this host (${msg})`;
      return `it is not on this host and its registry ${registryOf(ref)} does not give it (${msg})`;
    } finally {
      clearTimeout(timer);
      stop();
      signal?.removeEventListener('abort', stop);
    }
  }

  private async pull(ref: string): Promise<void> {
    const stream = await this.docker.pull(ref);
    const timeoutMs = this.opts.pullTimeoutMs ?? 120_000;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer from the registry within ${timeoutMs} ms`)), timeoutMs);
      followPull(stream).then(
        () => {
          clearTimeout(timer);
          resolve();
        },
        (err: Error) => {
          clearTimeout(timer);
          reject(err);
        },
      );
    });
  }
}

/**
 * A minimal observer of the managed state (networks, containers, volume dirs from the
 * volume record, images). The planner's `runtime/observe/snapshot.ts` is the full one; this
 * one is used only when no observer is passed in. Managed means `claude.os/managed=true`
 * and this instance's `claude.os/host` (plan/types.ts managedBy); other instances'
 * containers are listed as unmanaged, their networks not at all.
 */
export async function observeBasic(docker: DockerApi, fs: HostFs, hostId: string): Promise<ObservedState> {
  const [nets, cons, imgs] = await Promise.all([docker.listNetworks(), docker.listContainers({ all: true }), docker.listImages()]);
  const networks = await Promise.all(
    nets
      .filter((n) => managedBy(n.Labels, hostId))
      .map(async (n) => {
        const subnet = n.IPAM?.Config?.[0]?.Subnet;
        return { name: n.Name, managed: true, driver: n.Driver, internal: Boolean(n.Internal), ...(subnet ? { subnet } : {}), labels: n.Labels ?? {} };
      }),
  );
  const reg = (() => {
    try {
      return (JSON.parse(fs.readRecord('volumes.json') ?? '{}') as { volumes?: Record<string, { path: string }> }).volumes ?? {};
    } catch {
      return {};
    }
  })();
  const volumes = Object.keys(reg)
    .sort()
    .map((name) => {
      const st = fs.volumeDir(reg[name]!.path);
      return {
        name,
        path: reg[name]!.path,
        exists: st.exists,
        ...(st.mode !== undefined ? { permissions: '0' + st.mode.toString(8).padStart(3, '0') } : {}),
        ...(st.uid !== undefined ? { owner: `${st.uid}:${st.gid}` } : {}),
      };
    });
  const containers = cons.map((c) => {
    const labels = c.Labels ?? {};
    const managed = managedBy(labels, hostId);
    const health = /\(healthy\)/.test(c.Status) ? 'healthy' : /\(unhealthy\)/.test(c.Status) ? 'unhealthy' : /health: starting/.test(c.Status) ? 'starting' : 'none';
    const seen = new Set<string>();
    const ports = (c.Ports ?? [])
      .filter((p) => p.IP !== '::')
      .map((p) => ({ container: p.PrivatePort, protocol: p.Type, ...(p.PublicPort ? { host: p.PublicPort } : {}), ...(p.IP ? { hostIp: p.IP } : {}) }))
      .filter((p) => {
        const k = JSON.stringify(p);
        if (seen.has(k)) return false;
        seen.add(k);
        return true;
      });
    return {
      name: (c.Names[0] ?? '').replace(/^\//, ''),
      id: c.Id,
      managed,
      ...(managed && labels[LABEL_SERVICE] ? { service: labels[LABEL_SERVICE] } : {}),
      ...(managed && labels[LABEL_CONFIG_HASH] ? { configHash: labels[LABEL_CONFIG_HASH] } : {}),
      image: c.Image,
      status: c.State as ObservedState['containers'][number]['status'],
      health: health as ObservedState['containers'][number]['health'],
      labels,
      ports,
    };
  });
  return {
    hostId,
    stateCommit: null,
    networks: networks.sort((a, b) => compareCodePoints(a.name, b.name)),
    volumes,
    images: imgs.flatMap((i) => i.RepoTags ?? []).filter((t) => t !== '<none>:<none>').sort(),
    containers: containers.sort((a, b) => compareCodePoints(a.name, b.name)),
    firewall: { present: false, hash: null },
    hostFilesHash: null,
    scheduleHash: null,
  };
}


