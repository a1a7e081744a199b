/**
 * Test helper: valid signed plans made directly from steps (no planner), with a host key
 * generated into a temp data dir and trusted there with role `host` (plan/keys.ts).
 * Product code never imports this.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { hashCanonical } from '../../common/canonical.js';
import { serializeEnvelope, signPayload, addSignature } from '../../plan/envelope.js';
import { addTrustedKey, loadOrCreateHostKey, loadTrustedKeys, type HostKey } from '../../plan/keys.js';
import { writeFileAtomic } from '../../common/fsutil.js';
import { join } from 'node:path';
import type { KeyObject } from 'node:crypto';
import type { TrustedKey } from '../../plan/envelope.js';
import type { ContainerSpec, HealthSpec, PlanPayload, PlanStep } from '../../plan/types.js';

export interface TestHost {
  dataDir: string;
  hostId: string;
  key: HostKey;
  /** A second key, trusted with role `admin`. */
  admin: KeyObject;
  trusted(): TrustedKey[];
}

export function setupTestHost(dataDir: string, hostId = 'host-test-' + randomBytes(4).toString('hex')): TestHost {
  writeFileAtomic(join(dataDir, 'host-id'), hostId + '\n');
  const key = loadOrCreateHostKey(dataDir, hostId);
  const admin = generateKeyPairSync('ed25519');
  addTrustedKey(dataDir, { publicKeyPem: admin.publicKey.export({ type: 'spki', format: 'pem' }).toString(), role: 'admin', name: 'test admin' });
  return { dataDir, hostId, key, admin: admin.privateKey, trusted: () => loadTrustedKeys(dataDir) };
}

export interface MakePlanOptions {
  hostId: string;
  base: Record<string, string>;
  now?: Date;
  ttlMs?: number;
  request?: string;
  files?: Record<string, string>;
  id?: string;
  /** The state repo HEAD the plan is based on (null: no commit yet). */
  stateCommit?: string | null;
}

export function makePlan(steps: PlanStep[], o: MakePlanOptions): PlanPayload {
  const now = o.now ?? new Date();
  const nonce = randomBytes(16).toString('hex');
  const count = (pred: (s: PlanStep) => boolean) => steps.filter(pred).length;
  return {
    schemaVersion: 1,
    id: o.id ?? `plan-${nonce}`,
    request: o.request ?? 'test plan',
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + (o.ttlMs ?? 3_600_000)).toISOString(),
    nonce,
    hostId: o.hostId,
    base: { stateCommit: o.stateCommit ?? null, fingerprint: hashCanonical(o.base), resources: o.base },
    desired: { files: o.files ?? {} },
    steps,
    summary: {
      create: count((s) => s.op.endsWith('.create')),
      update: count((s) => s.op === 'container.replace'),
      delete: count((s) => s.op.endsWith('.remove')),
      byKind: {},
      byRisk: {},
    },
    provenance: { engine: 'user', compilerVersion: 'test' },
  };
}

export function signPlan(payload: PlanPayload, ...keys: KeyObject[]): string {
  let env = signPayload(payload, keys[0]!);
  for (const k of keys.slice(1)) env = addSignature(env, k);
  return serializeEnvelope(env);
}

/** A container spec with defaults; configHash computed from the rest. */
export function containerSpec(p: Partial<ContainerSpec> & Pick<ContainerSpec, 'name' | 'image'>): ContainerSpec {
  const spec: Omit<ContainerSpec, 'configHash'> = {
    service: p.service ?? p.name,
    replica: 1,
    env: {},
    secretRefs: [],
    ports: [],
    mounts: [],
    networks: [],
    labels: {},
    restart: 'no',
    resources: {},
    healthcheck: null,
    state: 'running',
    ...p,
  };
  delete (spec as Partial<ContainerSpec>).configHash;
  return { ...spec, configHash: hashCanonical(spec) } as ContainerSpec;
}

export function health(cmd: string, intervalMs = 500): HealthSpec {
  return { test: ['CMD-SHELL', cmd], intervalMs, timeoutMs: 3000, retries: 3, startPeriodMs: 0 };
}

type Common = { dependsOn?: string[]; risk?: PlanStep['risk'] };

export const S = {
  network(name: string, c: Common = {}): PlanStep {
    return { id: `network/${name}`, op: 'network.create', target: `network/${name}`, params: { name, driver: 'bridge', internal: false, labels: {} }, dependsOn: c.dependsOn ?? [], risk: c.risk ?? 'safe', phase: 1, inverse: { op: 'network.remove', params: { name } }, description: `Create network '${name}'` };
  },
  volume(name: string, path: string, c: Common & { permissions?: string; owner?: string } = {}): PlanStep {
    return {
      id: `volume/${name}`,
      op: 'volume.create',
      target: `volume/${name}`,
      params: { name, path, ...(c.permissions ? { permissions: c.permissions } : {}), ...(c.owner ? { owner: c.owner } : {}) },
      dependsOn: c.dependsOn ?? [],
      risk: c.risk ?? 'safe',
      phase: 2,
      inverse: null,
      description: `Create volume '${name}'`,
    };
  },
  image(ref: string, c: Common & { pull?: boolean } = {}): PlanStep {
    return { id: `image/${ref}`, op: 'image.ensure', target: `image/${ref}`, params: { ref, requested: ref, pull: c.pull ?? false }, dependsOn: c.dependsOn ?? [], risk: 'safe', phase: 3, inverse: null, description: `Ensure image ${ref}` };
  },
  create(spec: ContainerSpec, c: Common = {}): PlanStep {
    return { id: `create/${spec.name}`, op: 'container.create', target: `container/${spec.name}`, params: spec, dependsOn: c.dependsOn ?? [], risk: c.risk ?? 'safe', phase: 6, inverse: { op: 'container.remove', params: { name: spec.name } }, description: `Create container ${spec.name}` };
  },
  start(spec: ContainerSpec, c: Common & { timeoutMs?: number } = {}): PlanStep {
    return {
      id: `start/${spec.name}`,
      op: 'container.start',
      target: `container/${spec.name}`,
      params: { name: spec.name, waitHealthy: true, healthTimeoutMs: c.timeoutMs ?? 30_000, ...(spec.healthcheck ? { probe: spec.healthcheck } : {}) },
      dependsOn: c.dependsOn ?? [`create/${spec.name}`],
      risk: c.risk ?? 'safe',
      phase: 6,
      inverse: { op: 'container.stop', params: { name: spec.name } },
      description: `Start ${spec.service}`,
    };
  },
  replace(spec: ContainerSpec, oldHash: string, c: Common & { timeoutMs?: number } = {}): PlanStep {
    return { id: `replace/${spec.name}`, op: 'container.replace', target: `container/${spec.name}`, params: { spec, oldConfigHash: oldHash, healthTimeoutMs: c.timeoutMs ?? 30_000 }, dependsOn: c.dependsOn ?? [], risk: c.risk ?? 'disruptive', phase: 6, inverse: null, description: `Replace ${spec.service}` };
  },
  stop(name: string, c: Common = {}): PlanStep {
    return { id: `stop/${name}`, op: 'container.stop', target: `container/${name}`, params: { name, timeoutS: 5 }, dependsOn: c.dependsOn ?? [], risk: c.risk ?? 'disruptive', phase: 4, inverse: { op: 'container.start', params: { name } }, description: `Stop ${name}` };
  },
  remove(name: string, c: Common = {}): PlanStep {
    return { id: `remove/${name}`, op: 'container.remove', target: `container/${name}`, params: { name }, dependsOn: c.dependsOn ?? [], risk: c.risk ?? 'disruptive', phase: 7, inverse: null, description: `Remove container '${name}' (no longer declared)` };
  },
};

/** The error `f` throws; a test that expected a refusal fails when `f` returns. */
export function refusal(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a refusal');
}

/**
 * Helpers for tests of runtime/verify.ts against a test host set up in `beforeAll`
 * (hence the getter): verify options with a fixed clock, and a plan made a minute before it.
 */
export function verifyHarness(get: () => { host: TestHost; dataDir: string }, now: Date) {
  return {
    opts: () => ({ trustedKeys: get().host.trusted(), hostId: get().host.hostId, dataDir: get().dataDir, now: () => now }),
    plan: (steps: PlanStep[] = [S.network('n1')], o: Partial<MakePlanOptions> = {}): PlanPayload =>
      makePlan(steps, { hostId: get().host.hostId, base: {}, now: new Date(now.getTime() - 60_000), ...o }),
  };
}
