/**
 * Cluster placement (docs/cluster.md, "Placement"): which node runs each replica. Pure: the
 * leader calls it with the compiled model, the nodes (capacity, labels, alive) and the last
 * placement, and writes the result (fenced) before it plans each node.
 *
 * Rules, in order, for each replica `service/n` (services by name, replicas by number):
 *  1. A replica stays where it is while its node is alive, matches the constraints and the
 *     spread rule: placement is stable, nothing moves for no reason.
 *  2. A replica on a node that is gone moves, unless the service mounts a volume that is not
 *     `shareable` (its data is on that node's disk): then it stays assigned there and is
 *     reported stuck.
 *  3. Otherwise it goes to the eligible node (alive, constraints hold, enough free CPU and
 *     memory for the service's declared resources): with `spread`, the one with the fewest
 *     replicas of this service first (one per node while there are nodes without one; a soft
 *     rule, like Swarm's spread preference: when a node fails its replica still moves); then
 *     the fewest replicas in all, the most free memory, the smallest host id (deterministic).
 *  4. No eligible node: the replica is unplaced, with the reason.
 *
 * Scheduled jobs (scheduled.yaml) run on one node each, never on every node:
 *  - a job that runs inside a service's container goes where that service's lowest-numbered
 *    replica on a live node runs (its container there is the one it runs in);
 *  - a utility-container job stays on its node while that node is up; otherwise it goes to
 *    the live node with the fewest jobs (then the smallest host id); one that mounts a
 *    host-bound volume stays on its dead node and is reported stuck, like a service.
 */
import type { ResolvedJob, ResolvedModel, ResolvedService } from './model.js';

export interface PlacementNode {
  hostId: string;
  alive: boolean;
  labels: Readonly<Record<string, string>>;
  capacity: { cpus: number; memoryBytes: number };
}

export interface Placement {
  /** `service/replica` → host id. */
  assignments: Record<string, string>;
  /** Replicas that stay on a node that is gone (host-bound volumes). */
  stuck: { replica: string; hostId: string; reason: string }[];
  /** Replicas no node can take (and jobs, as `job:<name>`). */
  unplaced: { replica: string; reason: string }[];
  /** Scheduled job → the host id that runs it. */
  jobs: Record<string, string>;
}

export function jobKey(name: string): string {
  return `job:${name}`;
}

export function replicaKey(service: string, replica: number): string {
  return `${service}/${replica}`;
}

function matches(svc: ResolvedService, node: PlacementNode): boolean {
  for (const c of svc.placement?.constraints ?? []) {
    const v = node.labels[c.key];
    if (c.op === '==' ? v !== c.value : v === c.value) return false;
  }
  return true;
}

/** The volumes of `svc` that tie it to one node's disk (declared, not shareable). */
export function hostBoundVolumes(svc: Pick<ResolvedService, 'mounts'>, model: Pick<ResolvedModel, 'volumes'>): string[] {
  const out = new Set<string>();
  for (const m of svc.mounts) {
    if (!m.volume) continue;
    const v = model.volumes.find((x) => x.name === m.volume);
    if (v && !v.shareable) out.add(v.name);
  }
  return [...out].sort();
}

export function place(
  model: Pick<ResolvedModel, 'services' | 'volumes'> & { jobs?: readonly ResolvedJob[] },
  nodes: readonly PlacementNode[],
  previous: Readonly<Record<string, string>> = {},
  previousJobs: Readonly<Record<string, string>> = {},
): Placement {
  const out: Placement = { assignments: {}, stuck: [], unplaced: [], jobs: {} };
  const byId = new Map(nodes.map((n) => [n.hostId, n]));
  const free = new Map(nodes.map((n) => [n.hostId, { nanoCpus: n.capacity.cpus * 1e9, memoryBytes: n.capacity.memoryBytes }]));
  const count = new Map<string, number>(); // `${service}\0${host}` → replicas placed
  const total = new Map<string, number>();
  const take = (svc: ResolvedService, host: string) => {
    const f = free.get(host);
    if (f) {
      f.nanoCpus -= svc.resources.nanoCpus ?? 0;
      f.memoryBytes -= svc.resources.memoryBytes ?? 0;
    }
    count.set(`${svc.name}\0${host}`, (count.get(`${svc.name}\0${host}`) ?? 0) + 1);
    total.set(host, (total.get(host) ?? 0) + 1);
  };
  const fits = (svc: ResolvedService, host: string) => {
    const f = free.get(host)!;
    return f.nanoCpus >= (svc.resources.nanoCpus ?? 0) && f.memoryBytes >= (svc.resources.memoryBytes ?? 0);
  };
  const services = [...model.services].filter((s) => s.enabled && s.replicas > 0).sort((a, b) => (a.name < b.name ? -1 : 1));
  // Pass 1: what stays (rules 1 and 2), so moves in pass 2 see every kept replica.
  const pending: { svc: ResolvedService; r: number }[] = [];
  for (const svc of services) {
    const bound = hostBoundVolumes(svc, model);
    for (let r = 1; r <= svc.replicas; r++) {
      const key = replicaKey(svc.name, r);
      const prev = previous[key];
      const node = prev ? byId.get(prev) : undefined;
      if (node && node.alive && matches(svc, node)) {
        out.assignments[key] = node.hostId;
        take(svc, node.hostId);
      } else if (prev && node && !node.alive && bound.length) {
        out.assignments[key] = prev;
        out.stuck.push({ replica: key, hostId: prev, reason: `node ${prev} is down and ${svc.name} keeps its data in host-bound volume${bound.length > 1 ? 's' : ''} ${bound.join(', ')} (declare it shareable: true in storage.yaml if every node sees that path)` });
        take(svc, prev);
      } else pending.push({ svc, r });
    }
  }
  // Pass 2: new and moved replicas (rules 3 and 4).
  for (const { svc, r } of pending) {
    const key = replicaKey(svc.name, r);
    const eligible = nodes.filter((n) => n.alive && matches(svc, n));
    const roomy = eligible.filter((n) => fits(svc, n.hostId));
    const candidates = roomy;
    if (!candidates.length) {
      const reason = !nodes.some((n) => n.alive)
        ? 'no node is up'
        : !eligible.length
          ? `no node that is up matches ${svc.placement!.constraints.map((c) => `${c.key}${c.op}${c.value}`).join(', ')}`
          : `no node that is up has room for its resources (${[svc.resources.nanoCpus ? `${svc.resources.nanoCpus / 1e9} CPU` : '', svc.resources.memoryBytes ? `${svc.resources.memoryBytes} bytes of memory` : ''].filter(Boolean).join(', ')})`;
      out.unplaced.push({ replica: key, reason });
      continue;
    }
    const spread = (n: PlacementNode) => (svc.placement?.spread ? (count.get(`${svc.name}\0${n.hostId}`) ?? 0) : 0);
    candidates.sort(
      (a, b) =>
        spread(a) - spread(b) ||
        (total.get(a.hostId) ?? 0) - (total.get(b.hostId) ?? 0) ||
        free.get(b.hostId)!.memoryBytes - free.get(a.hostId)!.memoryBytes ||
        (a.hostId < b.hostId ? -1 : 1),
    );
    out.assignments[key] = candidates[0]!.hostId;
    take(svc, candidates[0]!.hostId);
  }
  placeJobs(model, nodes, previousJobs, out);
  return out;
}

function placeJobs(model: Pick<ResolvedModel, 'services' | 'volumes'> & { jobs?: readonly ResolvedJob[] }, nodes: readonly PlacementNode[], previous: Readonly<Record<string, string>>, out: Placement): void {
  const byId = new Map(nodes.map((n) => [n.hostId, n]));
  const load = new Map<string, number>();
  const jobs = [...(model.jobs ?? [])].filter((j) => j.enabled).sort((a, b) => (a.name < b.name ? -1 : 1));
  const assign = (j: ResolvedJob, host: string) => {
    out.jobs[j.name] = host;
    load.set(host, (load.get(host) ?? 0) + 1);
  };
  const utility: ResolvedJob[] = [];
  for (const j of jobs) {
    if (j.container) {
      const svc = model.services.find((s) => s.name === j.container);
      let host: string | undefined;
      for (let r = 1; svc && r <= svc.replicas && !host; r++) {
        const h = out.assignments[replicaKey(svc.name, r)];
        if (h && byId.get(h)?.alive) host = h;
      }
      if (host) assign(j, host);
      else out.unplaced.push({ replica: jobKey(j.name), reason: `no replica of ${j.container} runs on a node that is up` });
      continue;
    }
    const prev = previous[j.name];
    const node = prev ? byId.get(prev) : undefined;
    const bound = hostBoundVolumes(j, model);
    if (node?.alive) assign(j, prev!);
    else if (prev && node && bound.length) {
      assign(j, prev);
      out.stuck.push({ replica: jobKey(j.name), hostId: prev, reason: `node ${prev} is down and job ${j.name} uses host-bound volume${bound.length > 1 ? 's' : ''} ${bound.join(', ')} (declare it shareable: true in storage.yaml if every node sees that path)` });
    } else utility.push(j);
  }
  for (const j of utility) {
    const up = nodes.filter((n) => n.alive).sort((a, b) => (load.get(a.hostId) ?? 0) - (load.get(b.hostId) ?? 0) || (a.hostId < b.hostId ? -1 : 1));
    if (up.length) assign(j, up[0]!.hostId);
    else out.unplaced.push({ replica: jobKey(j.name), reason: 'no node is up' });
  }
}
