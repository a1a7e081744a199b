/**
 * An in-memory model of the system for the planner's property tests ONLY (DESIGN.md allows
 * a fake engine here and in rollback property tests; every driver has real tests
 * elsewhere). It executes plan steps and their inverses with the semantics of
 * docs/plans.md, and refuses what Docker would refuse (creating a name twice, starting a
 * container whose network is gone, removing a running container or a network in use).
 */
import type { ContainerSpec, ObservedState, PlanPayload, PlanStep } from '../../plan/types.js';
import { hostFileDigest, hostFilesHash, scheduleHash } from '../../plan/host-state.js';
import { LABEL_MANAGED } from '../../plan/types.js';

export interface FakeContainer {
  id: string;
  managed: boolean;
  service?: string;
  replica?: number;
  configHash?: string;
  image: string;
  status: 'created' | 'running' | 'exited';
  ports: { host?: number; container: number; protocol: string; hostIp?: string }[];
  networks: string[];
  labels: Record<string, string>;
}

export interface World {
  containers: Map<string, FakeContainer>;
  /** Containers set aside by replace/remove until the apply commits. */
  held: Map<string, FakeContainer>;
  networks: Map<string, { managed: boolean; driver: string; internal: boolean; subnet?: string; labels: Record<string, string> }>;
  volumes: Map<string, { path: string; exists: boolean; permissions?: string; owner?: string }>;
  images: Set<string>;
  firewall: { present: boolean; hash: string | null };
  hostFiles: Map<string, string>;
  schedule: string | null;
  nextId: number;
}

export class FakeError extends Error {}

export function emptyWorld(): World {
  return { containers: new Map(), held: new Map(), networks: new Map(), volumes: new Map(), images: new Set(), firewall: { present: false, hash: null }, hostFiles: new Map(), schedule: null, nextId: 1 };
}

export function cloneWorld(w: World): World {
  return structuredClone(w);
}

export function observeWorld(w: World, hostId = 'host-test'): ObservedState {
  const hostFiles = Object.fromEntries([...w.hostFiles.entries()].sort(([a], [b]) => (a < b ? -1 : 1)));
  return {
    hostId,
    stateCommit: null,
    networks: [...w.networks.entries()].map(([name, n]) => ({ name, managed: n.managed, driver: n.driver, internal: n.internal, ...(n.subnet ? { subnet: n.subnet } : {}), labels: { ...n.labels } })),
    volumes: [...w.volumes.entries()].map(([name, v]) => ({ name, path: v.path, exists: v.exists, ...(v.permissions ? { permissions: v.permissions } : {}), ...(v.owner ? { owner: v.owner } : {}) })),
    images: [...w.images].sort(),
    containers: [...w.containers.entries()].map(([name, c]) => ({
      name,
      id: c.id,
      managed: c.managed,
      ...(c.service ? { service: c.service } : {}),
      ...(c.replica ? { replica: c.replica } : {}),
      ...(c.configHash ? { configHash: c.configHash } : {}),
      image: c.image,
      status: c.status,
      health: 'none' as const,
      labels: { ...c.labels },
      ports: c.ports.map((p) => ({ ...p })),
    })),
    firewall: { ...w.firewall },
    hostFilesHash: hostFilesHash(hostFiles),
    hostFiles,
    scheduleHash: w.schedule,
  };
}

function fromSpec(w: World, spec: ContainerSpec): FakeContainer {
  return {
    id: `c${w.nextId++}`,
    managed: spec.labels[LABEL_MANAGED] === 'true',
    service: spec.service,
    replica: spec.replica,
    configHash: spec.configHash,
    image: spec.image,
    status: 'created',
    ports: spec.ports.map((p) => ({ ...p })),
    networks: spec.networks.map((n) => n.name),
    labels: { ...spec.labels },
  };
}

type Op = { op: PlanStep['op']; params: Record<string, unknown> };

/** Executes one op (a step, or an inverse). Throws FakeError when Docker/the runtime would refuse. */
export function execute(w: World, s: Op, mode: 'apply' | 'rollback' = 'apply'): void {
  const p = s.params as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  const need = (cond: unknown, msg: string) => {
    if (!cond) throw new FakeError(`${s.op}: ${msg}`);
  };
  switch (s.op) {
    case 'network.create':
      need(!w.networks.has(p.name), `network ${p.name} exists`);
      w.networks.set(p.name, { managed: p.labels?.[LABEL_MANAGED] === 'true', driver: p.driver, internal: p.internal, ...(p.subnet ? { subnet: p.subnet } : {}), labels: { ...p.labels } });
      return;
    case 'network.remove':
      need(w.networks.has(p.name), `network ${p.name} missing`);
      for (const [n, c] of w.containers) need(!(c.status === 'running' && c.networks.includes(p.name)), `network ${p.name} in use by running ${n}`);
      w.networks.delete(p.name);
      return;
    case 'volume.create': {
      const prev = w.volumes.get(p.name);
      w.volumes.set(p.name, { path: p.path, exists: true, permissions: p.permissions ?? prev?.permissions ?? '0755', ...(p.owner ? { owner: p.owner } : {}) });
      return;
    }
    case 'volume.remove':
      w.volumes.delete(p.volume.name);
      return;
    case 'image.ensure':
      w.images.add(p.ref);
      return;
    case 'container.create': {
      if (p.restoreRemoved) {
        const held = w.held.get(p.name);
        need(held, `nothing set aside for ${p.name}`);
        need(!w.containers.has(p.name), `${p.name} exists`);
        w.containers.set(p.name, held!);
        w.held.delete(p.name);
        return;
      }
      const spec = p as ContainerSpec;
      need(!w.containers.has(spec.name), `${spec.name} exists`);
      need(w.images.has(spec.image), `image ${spec.image} missing`);
      for (const n of spec.networks) need(w.networks.has(n.name), `network ${n.name} missing`);
      for (const m of spec.mounts) for (const v of w.volumes.values()) if (v.path === m.source) need(v.exists, `volume dir ${m.source} missing`);
      w.containers.set(spec.name, fromSpec(w, spec));
      return;
    }
    case 'container.start': {
      const c = w.containers.get(p.name);
      need(c, `${p.name} missing`);
      for (const n of c!.networks) need(w.networks.has(n), `network ${n} missing`);
      c!.status = 'running';
      return;
    }
    case 'container.stop': {
      const c = w.containers.get(p.name);
      need(c, `${p.name} missing`);
      if (c!.status === 'running') c!.status = 'exited';
      return;
    }
    case 'container.remove': {
      const c = w.containers.get(p.name);
      need(c, `${p.name} missing`);
      need(c!.status !== 'running', `${p.name} is running`);
      if (mode === 'rollback') {
        // undoing a create: the container is deleted for good
        w.containers.delete(p.name);
        return;
      }
      need(!w.held.has(p.name), `${p.name} already set aside`);
      w.held.set(p.name, c!);
      w.containers.delete(p.name);
      return;
    }
    case 'container.replace': {
      if (p.restoreOld) {
        const held = w.held.get(p.name);
        need(held, `nothing set aside for ${p.name}`);
        const cur = w.containers.get(p.name);
        need(cur && cur.status !== 'running', `${p.name} must exist and be stopped`);
        w.containers.set(p.name, held!);
        w.held.delete(p.name);
        return;
      }
      const spec = p.spec as ContainerSpec;
      const old = w.containers.get(spec.name);
      need(old, `${spec.name} missing`);
      need(old!.status !== 'running', `${spec.name} is running (stop it first)`);
      need(w.images.has(spec.image), `image ${spec.image} missing`);
      for (const n of spec.networks) need(w.networks.has(n.name), `network ${n.name} missing`);
      need(!w.held.has(spec.name), `${spec.name} already set aside`);
      w.held.set(spec.name, old!);
      w.containers.set(spec.name, fromSpec(w, spec));
      return;
    }
    case 'firewall.apply':
      w.firewall = { present: true, hash: p.hash };
      return;
    case 'firewall.remove':
      w.firewall = { present: false, hash: null };
      return;
    case 'host.apply':
      // the record (what the observer reads) becomes exactly params.files
      w.hostFiles = new Map((p.files as { path: string; content: string; mode: string }[]).map((f) => [f.path, hostFileDigest(f.content, f.mode)]));
      return;
    case 'schedule.apply':
      w.schedule = scheduleHash(p.jobs);
      return;
  }
}

/** The pre-apply snapshot restore of one step's target (for steps whose inverse is null). */
export function restoreFromSnapshot(w: World, snap: World, step: PlanStep): void {
  const [kind, name] = [step.target.slice(0, step.target.indexOf('/')), step.target.slice(step.target.indexOf('/') + 1)];
  switch (kind) {
    case 'firewall':
      w.firewall = { ...snap.firewall };
      return;
    case 'schedule':
      w.schedule = snap.schedule;
      return;
    case 'volume': {
      const v = snap.volumes.get(name);
      if (v) w.volumes.set(name, { ...v });
      else w.volumes.delete(name);
      return;
    }
    case 'host':
      w.hostFiles = new Map(snap.hostFiles);
      return;
    case 'image':
      return; // a pulled image is kept
    default:
      throw new FakeError(`no snapshot restore for ${step.target}`);
  }
}

/** Applies a plan in file order (a topological order); on success the set-aside containers are deleted (commit). */
export function applyPlan(w: World, plan: PlanPayload): void {
  for (const s of plan.steps) execute(w, s as Op);
  w.held.clear();
}

/**
 * Applies steps [0, k), fails at step k, then rolls back: inverses of the completed steps in
 * reverse order, the snapshot for steps whose inverse is null.
 */
export function applyFailingAt(w: World, plan: PlanPayload, k: number): void {
  const snap = cloneWorld(w);
  const done: PlanStep[] = [];
  for (let i = 0; i < k; i++) {
    execute(w, plan.steps[i] as Op);
    done.push(plan.steps[i]!);
  }
  for (const s of done.reverse()) {
    if (s.inverse) execute(w, s.inverse as Op, 'rollback');
    else restoreFromSnapshot(w, snap, s);
  }
}

/** The parts of the world that rollback must restore exactly (status reduced to running or not). */
export function normalize(w: World): unknown {
  const sorted = <T>(m: Map<string, T>) => [...m.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
  return {
    containers: sorted(w.containers).map(([n, c]) => [n, { ...c, status: c.status === 'running' }]),
    held: sorted(w.held).map(([n]) => n),
    networks: sorted(w.networks),
    volumes: sorted(w.volumes),
    firewall: w.firewall,
    hostFiles: sorted(w.hostFiles),
    schedule: w.schedule,
  };
}
