/**
 * `claude services` in cluster mode (docs/cluster.md): every replica of the cluster and the
 * node it runs on. This node's rows come from its own observation (as on a single node);
 * the other nodes' from the snapshots their agents publish (`observed/<hostId>`), marked
 * `(down)` when the node's lease has expired (the snapshot is then its last word).
 */
import type { Paths } from '../../common/paths.js';
import type { ServiceRow } from '../render/observe.js';
import { managedBy, type ObservedState } from '../../plan/types.js';
import { LABEL_CLUSTER_REPLICA, LABEL_CLUSTER_SERVICE } from '../../compiler/node-view.js';
import { readRegistry } from './registry.js';
import { KEY, openEtcd, prefixOf, readClusterConfig, storeCall } from './store.js';
import { compareCodePoints } from '../../common/order.js';

/** The local rows with the cluster's names and this node; null when this node is not in a cluster. */
export async function clusterServiceRows(paths: Paths, hostId: string | null, local: readonly (ServiceRow & { labels?: Record<string, string> })[]): Promise<ServiceRow[] | null> {
  const config = readClusterConfig(paths.dataDir);
  if (!config) return null;
  const name = (labels: Record<string, string> | undefined, fallback: string) => (labels?.[LABEL_CLUSTER_SERVICE] ? `${labels[LABEL_CLUSTER_SERVICE]}/${labels[LABEL_CLUSTER_REPLICA] ?? '?'}` : fallback);
  const rows: ServiceRow[] = local.map(({ labels, ...r }) => ({ ...r, service: name(labels, r.service), node: hostId ?? '?' }));
  const p = prefixOf(config.name);
  const client = await openEtcd(paths.dataDir, config);
  try {
    const reg = await readRegistry(client, config);
    const observed = await storeCall(config.endpoints, () => client.getAll().prefix(`${p}observed/`).strings());
    for (const m of reg.members) {
      if (m.hostId === hostId) continue;
      const text = observed[KEY.observed(p, m.hostId)];
      if (!text) continue;
      const snap = JSON.parse(text) as ObservedState;
      for (const c of snap.containers) {
        if (!c.labels[LABEL_CLUSTER_SERVICE] || !managedBy(c.labels, m.hostId)) continue; // a shared engine shows every node's containers
        rows.push({
          service: name(c.labels, c.name),
          container: c.name,
          image: c.image,
          status: c.status === 'running' ? (c.health === 'none' ? 'running' : c.health) : c.status,
          state: c.status,
          health: c.health,
          memoryMb: null,
          ports: [],
          node: reg.alive.has(m.hostId) ? m.hostId : `${m.hostId} (down)`,
        });
      }
    }
  } finally {
    client.close();
  }
  return rows.sort((a, b) => compareCodePoints(a.service, b.service) || compareCodePoints(a.node ?? '', b.node ?? ''));
}
