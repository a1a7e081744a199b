/**
 * An in-memory Engine, for the rollback property test ONLY (DESIGN.md allows a fake engine
 * there and nowhere else). It keeps Docker's rules that matter to rollback: container names
 * are unique, a host port is bound by one running container at a time, a network with
 * running containers cannot be removed. `failAt` makes the k-th mutating call throw (once),
 * to put a failure at every point of an apply.
 */
import { compareCodePoints } from '../../common/order.js';
import { hashCanonical } from '../../common/canonical.js';
import { LABEL_CONFIG_HASH, LABEL_MANAGED, LABEL_SERVICE, type ContainerSpec, type HealthSpec, type NetworkSpec, type ObservedState, type VolumeSpec } from '../../plan/types.js';
import { HealthTimeoutError, StepError, type ContainerRecord, type Engine, type HostFile, type NetworkRecord, type ReadyResult, type VolumeDirState } from '../engine.js';

interface MemContainer {
  id: string;
  name: string;
  running: boolean;
  image: string;
  labels: Record<string, string>;
  ports: number[];
  networks: string[];
  env: Record<string, string>;
  /** Health never passes. */
  unhealthy: boolean;
}

export interface MemState {
  containers: MemContainer[];
  networks: NetworkRecord[];
  volumeDirs: Record<string, VolumeDirState>;
  trash: Record<string, VolumeDirState>;
  records: Record<string, string>;
  hostFiles: Record<string, HostFile>;
  firewall: string | null;
  images: string[];
}

export class MemoryEngine implements Engine {
  s: MemState;
  private seq = 0;
  /** Number of mutating calls made so far. */
  calls = 0;
  /** The call (0-based) that fails; -1: none. Disarmed after it fires. */
  failAt = -1;
  /** A log of mutating calls, for debugging. */
  log: string[] = [];

  constructor(init?: Partial<MemState>) {
    this.s = { containers: [], networks: [], volumeDirs: {}, trash: {}, records: {}, hostFiles: {}, firewall: null, images: [], ...structuredClone(init ?? {}) };
    this.seq = this.s.containers.length + 100;
  }

  /** The whole state, canonical (for equality). */
  dump(): string {
    const s = this.s;
    return JSON.stringify({
      containers: [...s.containers].sort((a, b) => compareCodePoints(a.name, b.name)),
      networks: [...s.networks].sort((a, b) => compareCodePoints(a.name, b.name)),
      volumeDirs: sortObj(Object.fromEntries(Object.entries(s.volumeDirs).filter(([, v]) => v.exists))),
      records: sortObj(s.records),
      hostFiles: sortObj(Object.fromEntries(Object.entries(s.hostFiles).filter(([, f]) => f.content !== null))),
      firewall: s.firewall,
    });
  }

  private mut(what: string): void {
    const k = this.calls++;
    this.log.push(what);
    if (k === this.failAt) throw this.fail(`injected failure at call ${k} (${what})`);
  }

  /** Every failure (injected or natural) disarms the injection: rollback runs without one. */
  private fail(message: string, Kind: typeof StepError = StepError): Error {
    this.failAt = -1;
    return new Kind(message);
  }

  private find(nameOrId: string): MemContainer | undefined {
    return this.s.containers.find((c) => c.id === nameOrId || c.name === nameOrId);
  }

  private record(c: MemContainer): ContainerRecord {
    return { id: c.id, name: c.name, running: c.running, image: c.image, labels: { ...c.labels }, networks: c.networks.map((n) => ({ name: n, aliases: [] })), recreate: structuredClone(c) };
  }

  async observe(): Promise<ObservedState> {
    const reg = (JSON.parse(this.s.records['volumes.json'] ?? '{"volumes":{}}') as { volumes: Record<string, { path: string }> }).volumes;
    return {
      hostId: 'mem',
      stateCommit: null,
      networks: this.s.networks.map((n) => ({ name: n.name, managed: n.labels[LABEL_MANAGED] === 'true', driver: n.driver, internal: n.internal, labels: n.labels })),
      volumes: Object.entries(reg).map(([name, v]) => {
        const d = this.s.volumeDirs[v.path] ?? { exists: false };
        return { name, path: v.path, exists: d.exists, ...(d.mode !== undefined ? { permissions: d.mode.toString(8) } : {}) };
      }),
      images: [...this.s.images],
      containers: this.s.containers.map((c) => ({
        name: c.name,
        id: c.id,
        managed: c.labels[LABEL_MANAGED] === 'true',
        ...(c.labels[LABEL_CONFIG_HASH] ? { configHash: c.labels[LABEL_CONFIG_HASH] } : {}),
        image: c.image,
        status: c.running ? 'running' : 'exited',
        health: 'none',
        labels: c.labels,
        ports: c.ports.map((p) => ({ host: p, container: p, protocol: 'tcp' })),
      })),
      firewall: { present: this.s.firewall !== null, hash: this.s.firewall === null ? null : hashCanonical(this.s.firewall) },
      hostFilesHash: Object.keys(this.s.hostFiles).length ? hashCanonical(sortObj(this.s.hostFiles)) : null,
      scheduleHash: this.s.records['schedule.json'] ? hashCanonical(this.s.records['schedule.json']) : null,
    };
  }

  async listContainers(names: readonly string[]): Promise<ContainerRecord[]> {
    return this.s.containers.filter((c) => names.includes(c.name)).map((c) => this.record(c));
  }
  async inspectContainer(nameOrId: string): Promise<ContainerRecord | null> {
    const c = this.find(nameOrId);
    return c ? this.record(c) : null;
  }
  async createContainer(spec: ContainerSpec, env: Record<string, string>): Promise<string> {
    this.mut(`create ${spec.name}`);
    if (this.find(spec.name)) throw this.fail(`name ${spec.name} in use`);
    if (!this.s.images.includes(spec.image)) throw this.fail(`no image ${spec.image}`);
    for (const n of spec.networks) if (!this.s.networks.some((x) => x.name === n.name)) throw this.fail(`no network ${n.name}`);
    const id = `c${++this.seq}`;
    this.s.containers.push({
      id,
      name: spec.name,
      running: false,
      image: spec.image,
      labels: { ...spec.labels, [LABEL_MANAGED]: 'true', [LABEL_SERVICE]: spec.service, [LABEL_CONFIG_HASH]: spec.configHash },
      ports: spec.ports.flatMap((p) => (p.host ? [p.host] : [])),
      networks: spec.networks.map((n) => n.name),
      env,
      unhealthy: spec.env.UNHEALTHY === '1',
    });
    return id;
  }
  async recreateContainer(rec: ContainerRecord): Promise<string> {
    this.mut(`recreate ${rec.name}`);
    const c = structuredClone(rec.recreate as MemContainer);
    if (this.find(c.name)) throw this.fail(`name ${c.name} in use`);
    c.running = false;
    this.s.containers.push(c);
    return c.id;
  }
  async startContainer(nameOrId: string): Promise<void> {
    this.mut(`start ${nameOrId}`);
    const c = this.find(nameOrId);
    if (!c) throw this.fail(`no container ${nameOrId}`);
    if (c.running) return;
    for (const p of c.ports) if (this.s.containers.some((o) => o !== c && o.running && o.ports.includes(p))) throw this.fail(`port ${p} in use`);
    c.running = true;
  }
  async stopContainer(nameOrId: string): Promise<void> {
    this.mut(`stop ${nameOrId}`);
    const c = this.find(nameOrId);
    if (c) c.running = false;
  }
  async removeContainer(nameOrId: string): Promise<void> {
    this.mut(`remove ${nameOrId}`);
    this.s.containers = this.s.containers.filter((c) => c.id !== nameOrId && c.name !== nameOrId);
  }
  async renameContainer(nameOrId: string, newName: string): Promise<void> {
    this.mut(`rename ${nameOrId} ${newName}`);
    const c = this.find(nameOrId);
    if (!c) throw this.fail(`no container ${nameOrId}`);
    if (this.s.containers.some((o) => o !== c && o.name === newName)) throw this.fail(`name ${newName} in use`);
    c.name = newName;
  }
  async connectNetwork(nameOrId: string, network: string): Promise<void> {
    this.mut(`connect ${nameOrId} ${network}`);
    const c = this.find(nameOrId);
    if (!c) throw this.fail(`no container ${nameOrId}`);
    if (!this.s.networks.some((n) => n.name === network)) throw this.fail(`no network ${network}`);
    if (!c.networks.includes(network)) c.networks.push(network);
  }
  async waitReady(nameOrId: string, _o: { probe: HealthSpec | null; timeoutMs: number }): Promise<ReadyResult> {
    this.mut(`wait ${nameOrId}`);
    const c = this.find(nameOrId);
    if (!c?.running) throw this.fail(`${nameOrId} is not running`);
    if (c.unhealthy) throw this.fail(`${nameOrId} did not become healthy`, HealthTimeoutError);
    return { state: 'healthy', ms: 0 };
  }
  async waitRestored(nameOrId: string): Promise<ReadyResult> {
    const c = this.find(nameOrId);
    if (!c?.running) throw new StepError(`${nameOrId} is not running`);
    if (c.unhealthy) throw new HealthTimeoutError(`${nameOrId} did not become healthy`);
    return { state: 'healthy', ms: 0 };
  }
  async inspectNetwork(name: string): Promise<NetworkRecord | null> {
    return structuredClone(this.s.networks.find((n) => n.name === name) ?? null);
  }
  async createNetwork(spec: NetworkSpec): Promise<void> {
    this.mut(`network+ ${spec.name}`);
    if (this.s.networks.some((n) => n.name === spec.name)) throw this.fail(`network ${spec.name} exists`);
    this.s.networks.push({ id: `n${++this.seq}`, name: spec.name, driver: spec.driver, internal: spec.internal, labels: { ...spec.labels, [LABEL_MANAGED]: 'true' } });
  }
  async recreateNetwork(rec: NetworkRecord): Promise<void> {
    this.mut(`network~ ${rec.name}`);
    this.s.networks.push(structuredClone(rec));
  }
  async removeNetwork(name: string, force = false): Promise<void> {
    this.mut(`network- ${name}`);
    if (force) for (const c of this.s.containers) c.networks = c.networks.filter((n) => n !== name);
    if (this.s.containers.some((c) => c.running && c.networks.includes(name))) throw this.fail(`network ${name} has active endpoints`);
    this.s.networks = this.s.networks.filter((n) => n.name !== name);
  }
  async ensureImage(ref: string): Promise<'present' | 'pulled'> {
    this.mut(`image ${ref}`);
    if (!this.s.images.includes(ref)) throw this.fail(`image ${ref} missing`);
    return 'present';
  }
  async volumeDir(path: string): Promise<VolumeDirState> {
    return structuredClone(this.s.volumeDirs[path] ?? { exists: false });
  }
  async createVolumeDir(spec: VolumeSpec): Promise<void> {
    this.mut(`mkdir ${spec.path}`);
    const cur = this.s.volumeDirs[spec.path];
    this.s.volumeDirs[spec.path] = { exists: true, mode: spec.permissions ? parseInt(spec.permissions, 8) : (cur?.mode ?? 0o755), uid: 0, gid: 0 };
  }
  async removeVolumeDir(path: string): Promise<void> {
    this.mut(`rmdir ${path}`);
    delete this.s.volumeDirs[path];
  }
  async trashVolumeDir(path: string, planId: string): Promise<void> {
    this.mut(`trash ${path}`);
    const d = this.s.volumeDirs[path];
    if (d?.exists) this.s.trash[`${planId}:${path}`] = d;
    delete this.s.volumeDirs[path];
  }
  async restoreVolumeDir(path: string, state: VolumeDirState, planId: string): Promise<void> {
    this.mut(`restoredir ${path}`);
    if (!state.exists) {
      delete this.s.volumeDirs[path];
      return;
    }
    const t = this.s.trash[`${planId}:${path}`];
    if (!this.s.volumeDirs[path]?.exists && t) delete this.s.trash[`${planId}:${path}`];
    this.s.volumeDirs[path] = structuredClone(state);
  }
  async purgeTrash(planId: string): Promise<void> {
    this.mut('purge');
    for (const k of Object.keys(this.s.trash)) if (k.startsWith(planId + ':')) delete this.s.trash[k];
  }
  async readRecord(name: string): Promise<string | null> {
    return this.s.records[name] ?? null;
  }
  async writeRecord(name: string, text: string | null): Promise<void> {
    this.mut(`record ${name}`);
    if (text === null) delete this.s.records[name];
    else this.s.records[name] = text;
  }
  async readHostFiles(paths: readonly string[]): Promise<HostFile[]> {
    return paths.map((p) => structuredClone(this.s.hostFiles[p] ?? { path: p, content: null, mode: '0644' }));
  }
  async writeHostFiles(files: readonly HostFile[]): Promise<void> {
    this.mut('hostfiles');
    for (const f of files) {
      if (f.content === null) delete this.s.hostFiles[f.path];
      else this.s.hostFiles[f.path] = structuredClone(f);
    }
  }
  async firewallSnapshot(): Promise<string> {
    return this.s.firewall === null ? '<absent>' : this.s.firewall;
  }
  /**
   * The pre-flight check, simulated (not a mutating call, so `failAt` counts are unchanged):
   * a ruleset whose braces do not balance is refused, like `nft -c` refuses a syntax error.
   */
  async firewallCheck(ruleset: string): Promise<void> {
    let depth = 0;
    for (const ch of ruleset) {
      depth += ch === '{' ? 1 : ch === '}' ? -1 : 0;
      if (depth < 0) break;
    }
    if (depth !== 0) throw new StepError(`simulated nft -c: syntax error, unbalanced braces in the ruleset`);
  }
  async firewallApply(ruleset: string | null): Promise<string | null> {
    this.mut('firewall');
    this.s.firewall = ruleset;
    return ruleset === null ? null : hashCanonical(ruleset);
  }
  async firewallRestore(ruleset: string): Promise<void> {
    this.mut('firewall restore');
    this.s.firewall = ruleset === '<absent>' ? null : ruleset;
  }
}

function sortObj<T>(o: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]!]));
}
