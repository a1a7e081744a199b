/**
 * Cluster mode's shared store: etcd (docs/cluster.md). This module holds the node's cluster
 * config (`<dataDir>/cluster/config.json`, written by `claude cluster init | join`), the
 * etcd client built from it, the key layout, and the one error every cluster command shows
 * when etcd cannot be reached or has lost its quorum.
 *
 * Key layout (all under `/claude/<cluster name>/`):
 *
 *   meta                      {name, createdAt, createdBy}                     permanent
 *   members/<hostId>          {hostId, keyid, publicKeyPem, capacity, labels}  permanent (join … leave)
 *   alive/<hostId>            {hostId, pid, since}                             on the node agent's lease
 *   leader                    {hostId, since, term}                            on the leader's lease
 *   state/<file>              a desired state file (etcd keeps its revisions)   fenced (leader) or by `cluster apply`
 *   observed/<hostId>         the node's last observed snapshot                 the node
 *   plans/<hostId>            the signed per-node plan (DSSE envelope text)     fenced (leader only)
 *   results/<hostId>          {planId, status, problems, at}                   the node
 *   placement                 {replica → hostId}, with the stuck replicas       fenced (leader only)
 *
 * Cluster mode is opt-in: nothing here runs unless `<dataDir>/cluster/config.json` exists.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Etcd3, IOptions } from 'etcd3';
import { writeFileAtomic } from '../../common/fsutil.js';
import { doublingDelayMs } from '../backoff.js';

export const CLUSTER_DIR = 'cluster';
export const CLUSTER_CONFIG_FILE = 'config.json';

export interface ClusterConfig {
  /** The cluster's name (a key prefix in etcd). */
  name: string;
  /** etcd client URLs. */
  endpoints: string[];
  /** TLS files (PEM) this node talks to etcd with, relative to `<dataDir>/cluster/` or absolute: the cluster CA, this node's client certificate and its key (pki.ts). */
  tls: { ca: string; cert: string; key: string };
  /** This node's labels (placement constraints match them). */
  labels: Record<string, string>;
  /** The lease TTL of this node's liveness key and of the leader key, seconds. */
  leaseTtlSeconds: number;
}

export const DEFAULT_LEASE_TTL_SECONDS = 5;

/** etcd cannot be reached, or it has no quorum: said plainly, with what to check. */
export class ClusterUnavailableError extends Error {
  override name = 'ClusterUnavailableError';
  readonly hint: string;
  /** The members answered, but the TLS handshake failed (a certificate from another CA, expired, or none). */
  readonly tls: boolean;
  constructor(
    readonly endpoints: string[],
    cause: string,
  ) {
    const tls = /certificate|handshake|SSL|TLS|alert/i.test(cause);
    super(tls ? `the cluster store (etcd at ${endpoints.join(', ')}) refused the TLS connection: ${cause}` : `the cluster store (etcd at ${endpoints.join(', ')}) did not answer: ${cause}`);
    this.tls = tls;
    this.hint = tls
      ? "the members and this node must use certificates from the same cluster CA: this node trusts pki/ca.pem and shows pki/node.pem; the members must run with that CA as --trusted-ca-file and with server certificates it signed (claude cluster status shows this node's certificate dates; claude cluster rotate-cert renews it); nothing was changed"
      : 'a majority of the etcd members must be up (2 of 3): check them with `etcdctl --endpoints=... endpoint health`; nothing was changed, and running services keep running';
  }
}

/** This node is not in a cluster (no `<dataDir>/cluster/config.json`). */
export class NotInClusterError extends Error {
  override name = 'NotInClusterError';
  readonly hint = 'create a cluster with `claude cluster init --etcd URL` or join one with `claude cluster join URL`';
  constructor(dataDir: string) {
    super(`this node is not in a cluster (${join(dataDir, CLUSTER_DIR, CLUSTER_CONFIG_FILE)} does not exist)`);
  }
}

export function clusterDir(dataDir: string): string {
  return join(dataDir, CLUSTER_DIR);
}

export function readClusterConfig(dataDir: string): ClusterConfig | null {
  const file = join(clusterDir(dataDir), CLUSTER_CONFIG_FILE);
  if (!existsSync(file)) return null;
  let c: ClusterConfig;
  try {
    c = JSON.parse(readFileSync(file, 'utf8')) as ClusterConfig;
  } catch (e) {
    throw new Error(`${file} is not valid JSON: ${(e as Error).message}; run \`claude cluster leave\` and join again`);
  }
  if (!c || typeof c.name !== 'string' || !Array.isArray(c.endpoints) || c.endpoints.length === 0) throw new Error(`${file} must hold {name, endpoints: [URL, …]}; run \`claude cluster leave\` and join again`);
  if (!c.tls || typeof c.tls.ca !== 'string' || typeof c.tls.cert !== 'string' || typeof c.tls.key !== 'string') throw new Error(`${file} has no tls {ca, cert, key}: nodes talk to etcd only with a client certificate; run \`claude cluster leave\` and join again`);
  return { ...c, labels: c.labels ?? {}, leaseTtlSeconds: c.leaseTtlSeconds ?? DEFAULT_LEASE_TTL_SECONDS };
}

export function requireClusterConfig(dataDir: string): ClusterConfig {
  const c = readClusterConfig(dataDir);
  if (!c) throw new NotInClusterError(dataDir);
  return c;
}

export function writeClusterConfig(dataDir: string, c: ClusterConfig): void {
  mkdirSync(clusterDir(dataDir), { recursive: true, mode: 0o700 });
  writeFileAtomic(join(clusterDir(dataDir), CLUSTER_CONFIG_FILE), JSON.stringify(c, null, 2) + '\n', 0o600);
}

/** The cluster name rule: a DNS label (it becomes a key prefix). */
export function validClusterName(name: string): boolean {
  return /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(name);
}

/** Parses and checks etcd endpoint URLs (`https://HOST:PORT`: nodes talk to etcd only over TLS with a client certificate). */
export function parseEndpoints(text: string): string[] {
  const out = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (!out.length) throw new Error('no etcd endpoint given: pass URL[,URL…], e.g. https://10.0.0.1:2379');
  for (const u of out) {
    let url: URL;
    try {
      url = new URL(u);
    } catch {
      throw new Error(`'${u}' is not an etcd endpoint URL: write it as https://HOST:PORT`);
    }
    if (url.protocol === 'http:') throw new Error(`'${u}' is plain HTTP: cluster nodes talk to etcd only over TLS with a client certificate; write it as https://HOST:PORT (claude cluster init --certs-only makes the members' certificates)`);
    if (url.protocol !== 'https:' || !url.port || url.pathname.replace(/\/$/, '') !== '') throw new Error(`'${u}' is not an etcd endpoint URL: write it as https://HOST:PORT`);
  }
  return out;
}

/** The back-off before the leader plans a node's failed view again: 2 s after the first failure, doubling, at most 5 min. */
export const RETRY_BASE_MS = 2000;
export const RETRY_MAX_MS = 300_000;
export function retryDelayMs(failures: number): number {
  return doublingDelayMs(failures, RETRY_BASE_MS, RETRY_MAX_MS);
}

/** Per-call deadline: a store without quorum answers a request with an error instead of hanging. */
export const CALL_DEADLINE_MS = 5000;

let quietIpServername = false;
/**
 * grpc-js passes an IP endpoint's address as the TLS server name; Node then warns once
 * (DEP0123) on every command's stderr, though it verifies the certificate's IP address SAN
 * as it should. Only that one warning is dropped.
 */
function dropIpServernameWarning(): void {
  if (quietIpServername) return;
  quietIpServername = true;
  const emit = process.emitWarning.bind(process) as (...a: unknown[]) => void;
  process.emitWarning = ((warning: unknown, ...rest: unknown[]) => {
    const code = typeof rest[0] === 'object' && rest[0] ? (rest[0] as { code?: string }).code : rest[1];
    if (code === 'DEP0123') return;
    emit(warning, ...rest);
  }) as typeof process.emitWarning;
}

/** The etcd client for this config, authenticated with this node's certificate (each call has a deadline; streams do not). */
export async function openEtcd(dataDir: string, c: ClusterConfig): Promise<Etcd3> {
  dropIpServernameWarning();
  const { Etcd3 } = await import('etcd3');
  const opts: IOptions = {
    hosts: c.endpoints,
    dialTimeout: 3000,
    defaultCallOptions: (ctx) => (ctx.isStream ? {} : { deadline: Date.now() + CALL_DEADLINE_MS }),
  };
  const at = (p: string) => {
    const file = p.startsWith('/') ? p : join(clusterDir(dataDir), p);
    if (!existsSync(file)) throw new Error(`${file} is missing: this node cannot authenticate to etcd without it; copy it back, or rotate this node's certificate (docs/cluster.md, "Rotation")`);
    return readFileSync(file);
  };
  opts.credentials = { rootCertificate: at(c.tls.ca), certChain: at(c.tls.cert), privateKey: at(c.tls.key) };
  return new Etcd3(opts);
}

/** The key prefix of a cluster. */
export function prefixOf(name: string): string {
  return `/claude/${name}/`;
}

export const KEY = {
  meta: (p: string) => `${p}meta`,
  members: (p: string) => `${p}members/`,
  member: (p: string, hostId: string) => `${p}members/${hostId}`,
  alives: (p: string) => `${p}alive/`,
  alive: (p: string, hostId: string) => `${p}alive/${hostId}`,
  leader: (p: string) => `${p}leader`,
  states: (p: string) => `${p}state/`,
  state: (p: string, file: string) => `${p}state/${file}`,
  observed: (p: string, hostId: string) => `${p}observed/${hostId}`,
  plans: (p: string) => `${p}plans/`,
  plan: (p: string, hostId: string) => `${p}plans/${hostId}`,
  results: (p: string) => `${p}results/`,
  result: (p: string, hostId: string) => `${p}results/${hostId}`,
  placement: (p: string) => `${p}placement`,
};

/** Wraps an etcd call: transport and quorum failures become ClusterUnavailableError. */
export async function storeCall<T>(endpoints: string[], f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    const err = e as Error;
    if (isUnavailable(err)) throw new ClusterUnavailableError(endpoints, describe(err));
    throw e;
  }
}

function isUnavailable(e: Error): boolean {
  const n = e?.constructor?.name ?? '';
  const m = e?.message ?? '';
  return /GRPCUnavailable|GRPCDeadlineExceeded|BrokenCircuit|GRPCCancelled/.test(n) || /DEADLINE_EXCEEDED|UNAVAILABLE|Deadline exceeded|request timed out|no leader|timed out|ECONNREFUSED|circuit/i.test(m);
}

function describe(e: Error): string {
  const m = (e?.message ?? String(e)).split('\n')[0]!;
  if (/deadline|timed out|no leader/i.test(m)) return `no answer within ${CALL_DEADLINE_MS / 1000} s (${m}): the members that answer have no quorum`;
  return m;
}
