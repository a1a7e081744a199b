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
  HealthSpec,
  JobSpec,
  Op,
  Risk,
  Inverse,
} from '../generated/plan.js';
export type { ObservedState, ObservedContainer, ObservedNetwork, ObservedVolume } from '../generated/observed.js';

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
] as const;

export const PAYLOAD_TYPE = 'application/vnd.claude-os.plan+json';

/** Labels every managed resource carries (DESIGN.md, "Managed resources"). */
export const LABEL_MANAGED = 'claude.os/managed';
export const LABEL_SERVICE = 'claude.os/service';
export const LABEL_CONFIG_HASH = 'claude.os/config-hash';
export const LABEL_REPLICA = 'claude.os/replica';
