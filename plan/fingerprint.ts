/**
 * Fingerprints of the observed managed state. A plan records them as its base; apply
 * recomputes them from a fresh observation and refuses a stale plan, naming what changed
 * (Terraform's "Saved plan is stale").
 *
 * Resource keys: network/<name>, volume/<name>, container/<name>, firewall/inet-claude,
 * host/files, schedule/jobs, mount/<target without the leading slash>. Only managed resources count, and only the fields that a
 * plan's steps depend on: a container's config hash, image, whether it runs and its
 * published ports. Health transitions (starting → healthy) and images pulled in between
 * do not make a plan stale; a `docker stop` of a managed container does.
 */
import { hashCanonical } from '../common/canonical.js';
import type { ObservedState } from './types.js';

export function resourceFingerprints(o: ObservedState): Record<string, string> {
  const out: Record<string, string> = {};
  for (const n of o.networks) {
    if (!n.managed) continue;
    out[`network/${n.name}`] = hashCanonical({ driver: n.driver, internal: n.internal, subnet: n.subnet ?? null, labels: n.labels });
  }
  for (const v of o.volumes) {
    out[`volume/${v.name}`] = hashCanonical({ path: v.path, exists: v.exists, permissions: v.permissions ?? null, owner: v.owner ?? null });
  }
  for (const c of o.containers) {
    if (!c.managed) continue;
    const ports = [...c.ports]
      .map((p) => `${p.hostIp ?? ''}:${p.host ?? ''}:${p.container}/${p.protocol}`)
      .sort();
    out[`container/${c.name}`] = hashCanonical({
      configHash: c.configHash ?? null,
      image: c.image,
      running: c.status === 'running' || c.status === 'restarting',
      ports,
    });
  }
  if (o.firewall.present) out['firewall/inet-claude'] = hashCanonical({ hash: o.firewall.hash });
  if (o.hostFilesHash) out['host/files'] = hashCanonical({ hash: o.hostFilesHash });
  for (const m of o.mounts ?? []) {
    out[mountKey(m.target)] = hashCanonical({ source: m.source, type: m.type, options: m.options, format: m.format ?? false, mounted: m.mounted, fstab: m.fstab });
  }
  if (o.scheduleHash) out['schedule/jobs'] = hashCanonical({ hash: o.scheduleHash });
  return sortKeys(out);
}

/** The resource key of a mount: `mount/data` for target /data. */
export function mountKey(target: string): string {
  return `mount/${target.replace(/^\/+/, '')}`;
}

/** The global fingerprint: sha256 of the canonical per-resource map. */
export function globalFingerprint(resources: Record<string, string>): string {
  return hashCanonical(resources);
}

export interface StaleChange {
  key: string;
  change: 'added' | 'removed' | 'changed';
}

/** What changed between a plan's base and the current fingerprints (sorted by key). */
export function diffFingerprints(base: Record<string, string>, current: Record<string, string>): StaleChange[] {
  const keys = [...new Set([...Object.keys(base), ...Object.keys(current)])].sort();
  const out: StaleChange[] = [];
  for (const key of keys) {
    const a = base[key];
    const b = current[key];
    if (a === b) continue;
    out.push({ key, change: a === undefined ? 'added' : b === undefined ? 'removed' : 'changed' });
  }
  return out;
}

function sortKeys(o: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(o).sort()) out[k] = o[k]!;
  return out;
}
