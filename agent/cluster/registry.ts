/**
 * The node registry (docs/cluster.md, "Nodes"): `claude cluster init | join | leave | status`.
 *
 * A member record (`members/<hostId>`) is permanent from join to leave: the node's host id,
 * its public key (the key its plans are signed with when it leads; the cluster trusts the
 * members' keys and nothing else), its capacity (CPUs, memory) and its labels. Whether a
 * member is up is a separate key, `alive/<hostId>`, held on the node agent's lease: when the
 * agent stops answering for a lease TTL, etcd deletes it and the leader moves its replicas.
 */
import { createPublicKey } from 'node:crypto';
import { cpus, totalmem } from 'node:os';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Etcd3 } from 'etcd3';
import type { Paths } from '../../common/paths.js';
import { keyIdOf, type TrustedKey } from '../../plan/envelope.js';
import { loadOrCreateHostId, loadOrCreateHostKey } from '../../plan/keys.js';
import { createClusterPki, holdsCa, installNodeCertificate, nodeCertificate, PKI, TLS_FILES, type MemberFiles } from './pki.js';
import { CLUSTER_CONFIG_FILE, ClusterUnavailableError, clusterDir, DEFAULT_LEASE_TTL_SECONDS, retryDelayMs, KEY, openEtcd, prefixOf, readClusterConfig, storeCall, validClusterName, writeClusterConfig, type ClusterConfig } from './store.js';

export interface ClusterMeta {
  name: string;
  createdAt: string;
  createdBy: string;
  /** The lease TTL every member uses (seconds). */
  leaseTtlSeconds?: number;
}

export interface MemberRecord {
  hostId: string;
  keyid: string;
  publicKeyPem: string;
  capacity: { cpus: number; memoryBytes: number };
  labels: Record<string, string>;
  joinedAt: string;
}

export interface AliveRecord {
  hostId: string;
  pid: number;
  since: string;
}

export class ClusterError extends Error {
  override name = 'ClusterError';
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

/** `k=v` labels (letters, digits, . _ - /). */
export function parseLabels(list: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const l of list) {
    const m = /^([A-Za-z0-9][A-Za-z0-9._/-]{0,62})=([A-Za-z0-9._-]{0,63})$/.exec(l);
    if (!m) throw new ClusterError(`label '${l}' is not KEY=VALUE`, 'write labels as --label zone=a (letters, digits, . _ - and / in the key)');
    out[m[1]!] = m[2]!;
  }
  return out;
}

function memberRecord(paths: Paths, labels: Record<string, string>, now: Date, capacity?: MemberRecord['capacity']): MemberRecord {
  const hostId = loadOrCreateHostId(paths.dataDir, paths.root);
  const key = loadOrCreateHostKey(paths.dataDir, hostId);
  return {
    hostId,
    keyid: key.keyid,
    publicKeyPem: key.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    capacity: capacity ?? { cpus: cpus().length, memoryBytes: totalmem() },
    labels,
    joinedAt: now.toISOString(),
  };
}

export interface InitOptions {
  paths: Paths;
  endpoints: string[];
  name: string;
  labels: Record<string, string>;
  now: Date;
  leaseTtlSeconds?: number;
  /** Only make the PKI (the CA, the etcd members' and this node's certificates); do not contact etcd. */
  certsOnly?: boolean;
  /** Declared capacity (default: this machine's CPUs and memory). */
  capacity?: MemberRecord['capacity'];
}

async function withClient<T>(paths: Paths, c: ClusterConfig, f: (client: Etcd3) => Promise<T>): Promise<T> {
  const client = await openEtcd(paths.dataDir, c);
  try {
    return await f(client);
  } finally {
    client.close();
  }
}

/** `claude cluster init`: creates the cluster record in etcd and registers this node as its first member. */
export async function initCluster(o: InitOptions): Promise<{ config: ClusterConfig; member: MemberRecord | null; pki: { created: string[]; members: MemberFiles[] } }> {
  if (!validClusterName(o.name)) throw new ClusterError(`cluster name '${o.name}' is not allowed`, 'use lower-case letters, digits and -, up to 63 characters (e.g. --name home)');
  const existing = readClusterConfig(o.paths.dataDir);
  if (existing) throw new ClusterError(`this node is already in cluster '${existing.name}'`, 'run `claude cluster leave` first');
  const config: ClusterConfig = { name: o.name, endpoints: o.endpoints, labels: o.labels, leaseTtlSeconds: o.leaseTtlSeconds ?? DEFAULT_LEASE_TTL_SECONDS, tls: { ...TLS_FILES } };
  const hostId = loadOrCreateHostId(o.paths.dataDir, o.paths.root);
  const dir = clusterDir(o.paths.dataDir);
  if (existsSync(join(dir, PKI.ca)) && !holdsCa(dir)) throw new ClusterError(`this node has a cluster CA certificate but not its key (${join(dir, PKI.caKey)})`, 'init runs where the CA is made; to join a cluster, use claude cluster join');
  const pki = await createClusterPki({ clusterDir: dir, name: o.name, endpoints: o.endpoints, hostId, now: o.now });
  if (o.certsOnly) return { config, member: null, pki };
  const member = memberRecord(o.paths, o.labels, o.now, o.capacity);
  const p = prefixOf(o.name);
  try {
    await withClient(o.paths, config, async (c) => {
      const meta: ClusterMeta = { name: o.name, createdAt: o.now.toISOString(), createdBy: member.hostId, leaseTtlSeconds: config.leaseTtlSeconds };
      const res = await storeCall(o.endpoints, () =>
        c.if(KEY.meta(p), 'Create', '==', 0).then(c.put(KEY.meta(p)).value(JSON.stringify(meta)), c.put(KEY.member(p, member.hostId)).value(JSON.stringify(member))).commit(),
      );
      if (!res.succeeded) throw new ClusterError(`a cluster named '${o.name}' already exists in this etcd`, `join it instead: claude cluster join ${o.endpoints[0]}`);
    });
  } catch (e) {
    if (e instanceof ClusterUnavailableError && !e.tls)
      throw new ClusterError(
        e.message,
        `start each etcd member with the certificates in ${join(dir, 'pki')} (claude cluster init --certs-only … prints the flags: --cert-file, --key-file, --trusted-ca-file, --client-cert-auth and the --peer- ones), then run this init again: it keeps the certificates it made`,
      );
    throw e;
  }
  writeClusterConfig(o.paths.dataDir, config);
  return { config, member, pki };
}

/** The clusters recorded in an etcd (their names). */
async function clusterNames(client: Etcd3, endpoints: string[]): Promise<string[]> {
  const keys = await storeCall(endpoints, () => client.getAll().prefix('/claude/').keys());
  return [...new Set(keys.map((k) => /^\/claude\/([^/]+)\/meta$/.exec(k)?.[1]).filter((x): x is string => !!x))].sort();
}

export interface JoinOptions {
  paths: Paths;
  endpoints: string[];
  /** Which cluster, when the etcd holds several. */
  name?: string;
  labels: Record<string, string>;
  now: Date;
  /** The output of `claude cluster issue` for this node's request (PEM text): installed before joining. */
  certBundle?: string;
  capacity?: MemberRecord['capacity'];
}

/** `claude cluster join ADDR`: registers this node as a member of the cluster recorded at ADDR. */
export async function joinCluster(o: JoinOptions): Promise<{ config: ClusterConfig; member: MemberRecord }> {
  const existing = readClusterConfig(o.paths.dataDir);
  if (existing) throw new ClusterError(`this node is already in cluster '${existing.name}'`, 'run `claude cluster leave` first');
  const dir = clusterDir(o.paths.dataDir);
  const hostId = loadOrCreateHostId(o.paths.dataDir, o.paths.root);
  if (o.certBundle !== undefined) await installNodeCertificate(dir, hostId, o.certBundle, o.now);
  else if (!existsSync(join(dir, PKI.node)))
    throw new ClusterError(
      `this node has no certificate for the cluster's etcd (${join(dir, PKI.node)})`,
      `etcd lets in only nodes with a certificate from the cluster CA: here run \`claude cluster csr > ${hostId}.csr\`; on the node that ran init: \`claude cluster issue ${hostId}.csr > ${hostId}.pem\`; copy ${hostId}.pem back and run \`claude cluster join URL --cert ${hostId}.pem\``,
    );
  const probe: ClusterConfig = { name: 'probe', endpoints: o.endpoints, labels: {}, leaseTtlSeconds: DEFAULT_LEASE_TTL_SECONDS, tls: { ...TLS_FILES } };
  return withClient(o.paths, probe, async (c) => {
    const names = await clusterNames(c, o.endpoints);
    if (!names.length) throw new ClusterError(`no Claude.OS cluster is recorded in the etcd at ${o.endpoints.join(', ')}`, 'create one first on another node: claude cluster init --etcd URL');
    const name = o.name ?? (names.length === 1 ? names[0]! : null);
    if (!name) throw new ClusterError(`the etcd at ${o.endpoints.join(', ')} holds ${names.length} clusters (${names.join(', ')})`, 'say which one: --name NAME');
    if (!names.includes(name)) throw new ClusterError(`no cluster named '${name}' in this etcd (it holds ${names.join(', ')})`, 'check the name: claude cluster status on a member');
    const meta = JSON.parse((await storeCall(o.endpoints, () => c.get(KEY.meta(prefixOf(name))).string()))!) as ClusterMeta;
    const config: ClusterConfig = { name: meta.name, endpoints: o.endpoints, labels: o.labels, leaseTtlSeconds: meta.leaseTtlSeconds ?? DEFAULT_LEASE_TTL_SECONDS, tls: { ...TLS_FILES } };
    const member = memberRecord(o.paths, o.labels, o.now, o.capacity);
    await storeCall(o.endpoints, () => c.put(KEY.member(prefixOf(name), member.hostId)).value(JSON.stringify(member)).exec());
    writeClusterConfig(o.paths.dataDir, config);
    return { config, member };
  });
}

/**
 * `claude cluster leave`: removes this node's records from etcd, its cluster config and its
 * certificate. Its containers are left to the operator (`claude services`). On the node that
 * holds the CA, the CA (and the etcd members' certificates) stay in pki/: the cluster's other
 * nodes still need it to issue certificates.
 */
export async function leaveCluster(paths: Paths): Promise<{ name: string; hostId: string; keptCa: string | null }> {
  const config = readClusterConfig(paths.dataDir);
  if (!config) throw new ClusterError('this node is not in a cluster', 'nothing to leave');
  const hostId = loadOrCreateHostId(paths.dataDir, paths.root);
  const p = prefixOf(config.name);
  await withClient(paths, config, (c) =>
    storeCall(config.endpoints, () => Promise.all([KEY.member(p, hostId), KEY.alive(p, hostId), KEY.observed(p, hostId), KEY.result(p, hostId), KEY.plan(p, hostId)].map((k) => c.delete().key(k).exec()))),
  );
  const dir = clusterDir(paths.dataDir);
  if (holdsCa(dir)) {
    for (const f of [CLUSTER_CONFIG_FILE, PKI.node, PKI.nodeKey, PKI.csr, PKI.nextKey]) rmSync(join(dir, f), { force: true });
    return { name: config.name, hostId, keptCa: join(dir, PKI.caKey) };
  }
  rmSync(dir, { recursive: true, force: true });
  return { name: config.name, hostId, keptCa: null };
}

export interface NodeStatus extends MemberRecord {
  alive: boolean;
  leader: boolean;
  /** The last plan result the node reported. */
  lastResult: { planId: string; status: string; problems: string[]; at: string } | null;
  /** The replicas placed on it (`service/replica`). */
  replicas: string[];
  /** The scheduled jobs placed on it (each job runs on one node). */
  jobs: string[];
  /** Its plan failed this many times in a row; the leader plans it again at retryAt. */
  backoff: { failures: number; retryAt: string } | null;
}

export interface ClusterStatus {
  name: string;
  endpoints: string[];
  self: string;
  leader: string | null;
  nodes: NodeStatus[];
  /** Replicas that cannot move (host-bound volumes) or cannot be placed, with why. */
  stuck: { replica: string; reason: string }[];
  /** This node's etcd client certificate. */
  certificate: { serial: string; subject: string; notAfter: string } | null;
}

/** Everything the registry holds, read in one go. */
export async function readRegistry(client: Etcd3, config: ClusterConfig): Promise<{ members: MemberRecord[]; alive: Set<string>; leader: string | null }> {
  const p = prefixOf(config.name);
  const [members, alive, leader] = await Promise.all([
    storeCall(config.endpoints, () => client.getAll().prefix(KEY.members(p)).strings()),
    storeCall(config.endpoints, () => client.getAll().prefix(KEY.alives(p)).keys()),
    storeCall(config.endpoints, () => client.get(KEY.leader(p)).string()),
  ]);
  return {
    members: Object.values(members)
      .map((v) => JSON.parse(v) as MemberRecord)
      .sort((a, b) => (a.hostId < b.hostId ? -1 : 1)),
    alive: new Set(alive.map((k) => k.slice(KEY.alives(p).length))),
    leader: leader ? (JSON.parse(leader) as { hostId: string }).hostId : null,
  };
}

/** `claude cluster status`. */
export async function clusterStatus(paths: Paths): Promise<ClusterStatus> {
  const config = readClusterConfig(paths.dataDir);
  if (!config) throw new ClusterError('this node is not in a cluster', 'create one with `claude cluster init --etcd URL` or join one with `claude cluster join URL`');
  const self = loadOrCreateHostId(paths.dataDir, paths.root);
  const p = prefixOf(config.name);
  return withClient(paths, config, async (c) => {
    const reg = await readRegistry(c, config);
    const results = await storeCall(config.endpoints, () => c.getAll().prefix(KEY.results(p)).strings());
    const placementText = await storeCall(config.endpoints, () => c.get(KEY.placement(p)).string());
    const placement = placementText
      ? (JSON.parse(placementText) as { assignments: Record<string, string>; jobs?: Record<string, string>; stuck: { replica: string; reason: string }[]; nodes?: Record<string, { planId: string; failures?: number }> })
      : { assignments: {}, stuck: [] };
    return {
      name: config.name,
      endpoints: config.endpoints,
      self,
      leader: reg.leader,
      nodes: reg.members.map((m) => {
        const r = results[KEY.result(p, m.hostId)];
        const last = r ? (JSON.parse(r) as NonNullable<NodeStatus['lastResult']>) : null;
        const planned = placement.nodes?.[m.hostId];
        const failed = !!last && !!planned && last.planId === planned.planId && last.status !== 'applied' && last.status !== 'stale';
        const failures = failed ? (planned!.failures ?? 0) + 1 : 0;
        return {
          ...m,
          alive: reg.alive.has(m.hostId),
          leader: reg.leader === m.hostId,
          lastResult: r ? (JSON.parse(r) as NodeStatus['lastResult']) : null,
          replicas: Object.entries(placement.assignments)
            .filter(([, h]) => h === m.hostId)
            .map(([rep]) => rep)
            .sort(),
          jobs: Object.entries(placement.jobs ?? {})
            .filter(([, h]) => h === m.hostId)
            .map(([j]) => j)
            .sort(),
          backoff: failed ? { failures, retryAt: new Date(Date.parse(last!.at) + retryDelayMs(failures)).toISOString() } : null,
        };
      }),
      stuck: placement.stuck,
      certificate: nodeCertificate(clusterDir(paths.dataDir)),
    };
  });
}

/** The keys the cluster trusts for plans: its members' public keys (role host). */
export function memberTrust(members: readonly MemberRecord[]): TrustedKey[] {
  return members.map((m) => {
    const publicKey = createPublicKey(m.publicKeyPem);
    return { keyid: keyIdOf(publicKey), role: 'host' as const, name: m.hostId, publicKey };
  });
}
