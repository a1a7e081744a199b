/**
 * A node's view of the cluster's desired state (docs/cluster.md, "Per-node plans"): the
 * state files the leader plans for one node. Every file but services.yaml is the cluster's
 * own; services.yaml holds one service per replica placed on the node, named
 * `<service>-<replica>-<node tag>` (the last 6 characters of the host id), so replica
 * containers of several nodes never clash on a shared Docker Engine, and labelled
 * `cluster.claude.os/service` and `cluster.claude.os/replica` (what `claude services` and
 * `claude cluster status` show). `placement` and `replicas` are dropped (each is one
 * container); `depends_on` keeps the dependencies placed on the same node (a service on
 * another node cannot gate a start here). scheduled.yaml holds only the jobs placed on the
 * node (each job runs on one node), a job's `container` renamed to the replica it runs in.
 */
import YAML from 'yaml';
import { sha256Hex } from '../common/canonical.js';
import type { Placement } from './placement.js';

export const LABEL_CLUSTER_SERVICE = 'cluster.claude.os/service';
export const LABEL_CLUSTER_REPLICA = 'cluster.claude.os/replica';

export function nodeTag(hostId: string): string {
  return hostId.replace(/[^a-z0-9]/g, '').slice(-6) || 'node';
}

/** The per-node service name of replica `r` of `service` on `hostId` (a valid service name, ≤ 63 characters). */
export function replicaServiceName(service: string, r: number, hostId: string): string {
  const suffix = `-${r}-${nodeTag(hostId)}`;
  if (service.length + suffix.length <= 63) return service + suffix;
  return `${service.slice(0, 63 - suffix.length - 9)}-${sha256Hex(service).slice(0, 8)}${suffix}`;
}

type Svc = Record<string, unknown> & { name: string; depends_on?: string[]; labels?: Record<string, string> };

/** The state files of node `hostId`, from the cluster's files and the placement. */
export function nodeView(files: Readonly<Record<string, string>>, placement: Pick<Placement, 'assignments'> & Partial<Pick<Placement, 'jobs'>>, hostId: string): Record<string, string> {
  const out: Record<string, string> = { ...files };
  const sched = files['scheduled.yaml'];
  if (sched !== undefined) {
    const doc = YAML.parse(sched) as { spec?: { jobs?: (Record<string, unknown> & { name: string; container?: string })[] } } & Record<string, unknown>;
    const jobs = (doc.spec?.jobs ?? [])
      .filter((j) => placement.jobs?.[j.name] === hostId)
      .map((j) => {
        if (!j.container) return j;
        const r = Object.keys(placement.assignments)
          .filter((k) => placement.assignments[k] === hostId && k.slice(0, k.lastIndexOf('/')) === j.container)
          .map((k) => Number(k.slice(k.lastIndexOf('/') + 1)))
          .sort((a, b) => a - b)[0];
        return r === undefined ? j : { ...j, container: replicaServiceName(j.container, r, hostId) };
      });
    out['scheduled.yaml'] = YAML.stringify({ ...doc, spec: { ...(doc.spec ?? {}), jobs } });
  }
  const text = files['services.yaml'];
  if (text === undefined) return out;
  const doc = YAML.parse(text) as { spec?: { services?: Svc[] } } & Record<string, unknown>;
  const services = doc.spec?.services ?? [];
  const mine = new Map<string, string[]>(); // service → its per-node names here
  for (const [key, host] of Object.entries(placement.assignments)) {
    if (host !== hostId) continue;
    const [service, r] = [key.slice(0, key.lastIndexOf('/')), Number(key.slice(key.lastIndexOf('/') + 1))];
    mine.set(service, [...(mine.get(service) ?? []), replicaServiceName(service, r, hostId)]);
  }
  const list: Svc[] = [];
  for (const s of services) {
    const names = (mine.get(s.name) ?? []).sort();
    for (const name of names) {
      const { placement: _p, replicas: _r, depends_on, labels, ...rest } = s as Svc & { placement?: unknown; replicas?: unknown };
      const deps = (depends_on ?? []).flatMap((d) => mine.get(d) ?? []).sort();
      const r = name.slice(0, name.lastIndexOf('-')).slice(name.slice(0, name.lastIndexOf('-')).lastIndexOf('-') + 1);
      list.push({ ...rest, name, ...(deps.length ? { depends_on: deps } : {}), labels: { ...(labels ?? {}), [LABEL_CLUSTER_SERVICE]: s.name, [LABEL_CLUSTER_REPLICA]: r } });
    }
  }
  list.sort((a, b) => (a.name < b.name ? -1 : 1));
  out['services.yaml'] = YAML.stringify({ ...doc, spec: { ...(doc.spec ?? {}), services: list } });
  return out;
}
