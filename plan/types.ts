/**
 * The plan payload and the observed state, as generated from `schemas/`. Import plan types
 * from here rather than from `generated/` directly, so the format has one front door.
 */
export type {
  PlanPayload,
  PlanStep,
  PlanBase,
  PlanSummary,
  Provenance,
  ContainerSpec,
  NetworkSpec,
  VolumeSpec,
  MountSpec,
  HealthSpec,
  JobSpec,
  Op,
  Risk,
  Inverse,
} from '../generated/plan.js';
export type { ObservedState, ObservedContainer, ObservedNetwork, ObservedVolume, ObservedMount } from '../generated/observed.js';

/** The closed set of step operations: the runtime's allow-list. Keep in sync with schemas/plan.schema.json. */
export const OPS = [
  'network.create',
  'network.remove',
  'volume.create',
  'volume.remove',
  'image.ensure',
  'container.create',
  'container.start',
  'container.stop',
  'container.remove',
  'container.replace',
  'firewall.apply',
  'firewall.remove',
  'host.apply',
  'schedule.apply',
  'mount.apply',
  'mount.remove',
] as const;

export const PAYLOAD_TYPE = 'application/vnd.claude-os.plan+json';

/** Labels every managed resource carries (DESIGN.md, "Managed resources"). */
export const LABEL_MANAGED = 'claude.os/managed';
export const LABEL_SERVICE = 'claude.os/service';
export const LABEL_CONFIG_HASH = 'claude.os/config-hash';
/**
 * The config hash without the limits (memory, CPU): equal on a running container and its new
 * spec when only the limits changed, which the planner then updates in place (docker update).
 * Like the config hash, not itself hashed.
 */
export const LABEL_BASE_HASH = 'claude.os/base-hash';
export const LABEL_REPLICA = 'claude.os/replica';
/**
 * The host id (plan/keys.ts) of the Claude.OS instance that manages the resource. The
 * runtime's Docker driver stamps it on every container and network it creates or recreates;
 * it is not part of a ContainerSpec, so plans and config hashes do not depend on it.
 * Resources carrying another instance's host id are foreign: never adopted, never pruned.
 * A resource with `claude.os/managed=true` but no host label (made by a Claude.OS before
 * this label existed) is foreign too; re-applying the state files adopts it again.
 */
export const LABEL_HOST = 'claude.os/host';

/**
 * On a container: the names (comma-separated, sorted) of its environment variables whose
 * value came from a `${secrets.x}` reference. Names only, never values: the observer reads
 * the values from the container's own environment to redact them from log lines it shows.
 * Set by the runtime at create time; not part of a ContainerSpec or its config hash.
 */
export const LABEL_SECRET_ENV = 'claude.os/secret-env';

/**
 * On a container: the names (comma-separated, sorted) of the secrets it was given. The
 * planner compares them with a new spec's `secretRefs`: a secret a service did not hold
 * before makes the step a `security` one (plan/trust.ts). Set by the runtime at create time.
 */
export const LABEL_SECRET_REFS = 'claude.os/secret-refs';

/** True when the labels mark a resource managed by the instance `hostId` (managed=true and our host id). */
export function managedBy(labels: Readonly<Record<string, string>> | null | undefined, hostId: string | null | undefined): boolean {
  return !!labels && !!hostId && labels[LABEL_MANAGED] === 'true' && labels[LABEL_HOST] === hostId;
}

/**
 * For a resource another Claude.OS instance manages: its host id (`''` when the label is
 * missing: an older version's). Null for ours and for resources no Claude.OS manages.
 */
export function foreignHostOf(labels: Readonly<Record<string, string>> | null | undefined, hostId: string | null | undefined): string | null {
  if (!labels || labels[LABEL_MANAGED] !== 'true' || managedBy(labels, hostId)) return null;
  return labels[LABEL_HOST] ?? '';
}
