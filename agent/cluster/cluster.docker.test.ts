/**
 * Cluster mode end to end (docs/cluster.md, issue 19): 3 real etcd members on loopback
 * ports (testutil/etcd.ts) and 3 Claude.OS nodes, each with its own data dir, state dir and
 * host id, sharing this machine's Docker Engine (the `claude.os/host` label keeps them apart),
 * each running `bin/claude cluster agent` as its own process.
 *
 * The members run with TLS for clients and peers and require a certificate signed by the
 * cluster CA (`--client-cert-auth`, `--peer-client-cert-auth`); the certificates are the ones
 * `claude cluster init --certs-only` made on node a.
 *
 * One cluster, in order (each step builds on the last):
 *  1. init (certificates first) + 2 joins through csr → issue → join --cert; a client without
 *     a certificate, or with one from another CA, is refused by etcd; rotate-cert on a
 *     non-CA node (csr, issue, --cert) and on the CA node (one step); status --json lists 3
 *     members, all up, one leader;
 *  2. a service with 3 replicas and spread: one container on each node;
 *  3. a plan signed by a key the cluster does not trust is refused by every node;
 *  4. the leader's agent SIGSTOPped past the lease TTL: a new leader is elected, its replica
 *     runs on another node; SIGCONT: its first write is refused by etcd (fenced), and it then
 *     removes its orphaned replica;
 *  4b. a service that only runs on c and exits: c's plan fails, and the leader plans it again
 *     after 2 s, 4 s, 8 s …; a new desired state is planned at once; scheduled jobs (a
 *     utility one and one in a service's container) each run on exactly one node;
 *  5. a host-bound volume's node goes down: its service is reported stuck and stays; when the
 *     node is back it is no longer stuck and the replica that moved away is an orphan there;
 *  6. one etcd member stopped: a change still lands; two stopped: `cluster apply` is refused
 *     with a clear error and the running containers keep running.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Etcd3 } from 'etcd3';
import { packageRoot } from '../../common/paths.js';
import { removeDockerByName } from '../../runtime/testutil/docker-cleanup.js';
import { runCli } from '../../cli/testutil/cli.js';
import { signPlan } from '../../compiler/sign.js';
import { serializeEnvelope, parseEnvelope } from '../../plan/envelope.js';
import type { PlanPayload } from '../../plan/types.js';
import { startEtcdCluster, type EtcdCluster } from './testutil/etcd.js';
import { retryDelayMs } from './store.js';
import { replicaServiceName } from '../../compiler/node-view.js';
import { until } from '../../runtime/testutil/cli-host.js';

const BIN = join(packageRoot(), 'bin', 'claude');
const TTL = 5;
const suffix = randomBytes(3).toString('hex');
const CLUSTER = `t${suffix}`;
const WEB = `web-${suffix}`;
const API = `api-${suffix}`;
const BAD = `bad-${suffix}`;
const DB = `db-${suffix}`;

interface Node {
  name: string;
  dir: string;
  env: { CLAUDE_STATE_DIR: string; CLAUDE_DATA_DIR: string; CLAUDE_ROOT: string; USER: string; PATH: string };
  hostId: string;
  agent: ChildProcess | null;
  log: string;
}

let etcd: EtcdCluster;
let base: string;
const nodes: Node[] = [];
/** The last lines of every node's agent log, for a time-out's message. */
const nodeLogs = () => nodes.map((n) => `--- ${n.name} (${n.hostId})\n${n.log.split('\n').slice(-12).join('\n')}`).join('\n');
let client: Etcd3;
const P = `/claude/${CLUSTER}/`;
/** Node a's cluster dir (it ran init: the CA is there). */
const pkiOf = (n: Node, f: string) => join(n.env.CLAUDE_DATA_DIR, 'cluster', 'pki', f);
function etcdClient(o: { ca: string; cert?: string; key?: string }): Etcd3 {
  return new Etcd3({
    hosts: etcd.endpoints,
    credentials: { rootCertificate: readFileSync(o.ca), ...(o.cert ? { certChain: readFileSync(o.cert), privateKey: readFileSync(o.key!) } : {}) },
    defaultCallOptions: (ctx) => (ctx.isStream ? {} : { deadline: Date.now() + 5000 }),
  } as ConstructorParameters<typeof Etcd3>[0]);
}

function servicesYaml(list: { name: string; replicas: number; spread?: boolean; command?: string; constraints?: string[]; volume?: string; oneShot?: boolean }[]): string {
  const lines = ['apiVersion: claude.os/v1', 'kind: ServiceManifest', 'metadata:', '  name: test', 'spec:', '  services:'];
  for (const s of list) {
    lines.push(`    - name: ${s.name}`, '      image: claude-os-local/busybox:latest', `      command: ${JSON.stringify(s.command ?? 'sleep 3600')}`, '      placement:', `        replicas: ${s.replicas}`, `        spread: ${s.spread ?? false}`);
    if (s.constraints) lines.push(`        constraints: ${JSON.stringify(s.constraints)}`);
    if (s.volume) lines.push(`      volumes: [{ source: ${s.volume}, target: /data }]`);
    if (s.oneShot) lines.push('      restart: "no"');
  }
  return lines.join('\n') + '\n';
}
const MANIFEST = 'apiVersion: claude.os/v1\nkind: SystemManifest\nmetadata:\n  name: test\nspec:\n  images:\n    pull: false\n';

function cli(n: Node, argv: string[]) {
  return runCli(argv, { env: { ...n.env }, cwd: n.dir });
}

function startAgent(n: Node): void {
  n.log = '';
  const p = spawn(BIN, ['cluster', 'agent'], { env: { ...n.env, CLAUDE_CLUSTER_PASS_MS: '500' }, stdio: ['ignore', 'ignore', 'pipe'] });
  p.stderr!.on('data', (d) => (n.log += String(d)));
  n.agent = p;
}

async function stopAgent(n: Node): Promise<void> {
  const p = n.agent;
  if (!p || p.exitCode !== null || p.signalCode !== null) return;
  const done = new Promise<void>((r) => p.once('exit', () => r()));
  try {
    p.kill('SIGCONT');
  } catch {
    /* gone */
  }
  p.kill('SIGTERM');
  const t = setTimeout(() => p.kill('SIGKILL'), 10_000);
  await done;
  clearTimeout(t);
}

/** Running containers of a cluster service: replica → host id. */
function replicas(service: string): { name: string; host: string; replica: string }[] {
  const out = execFileSync('docker', ['ps', '--filter', `label=cluster.claude.os/service=${service}`, '--format', '{{.Names}} {{.Label "claude.os/host"}} {{.Label "cluster.claude.os/replica"}}'], { encoding: 'utf8' });
  return out
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const [name, host, replica] = l.split(' ');
      return { name: name!, host: host!, replica: replica! };
    });
}

async function leader(): Promise<string | null> {
  const v = await client.get(`${P}leader`).string();
  return v ? (JSON.parse(v) as { hostId: string }).hostId : null;
}

let stranger: Node;
let certsOnlyOut = '';

beforeAll(async () => {
  base = mkdtempSync(join(tmpdir(), 'claude-cluster-'));
  const mk = (name: string): Node => {
    const dir = join(base, name);
    const env = { CLAUDE_STATE_DIR: join(dir, 'state'), CLAUDE_DATA_DIR: join(dir, 'data'), CLAUDE_ROOT: join(dir, 'root'), USER: 'tester', PATH: process.env.PATH ?? '/usr/bin:/bin' };
    for (const d of [env.CLAUDE_STATE_DIR, env.CLAUDE_DATA_DIR, env.CLAUDE_ROOT]) mkdirSync(d, { recursive: true });
    return { name, dir, env, hostId: '', agent: null, log: '' };
  };
  for (const name of ['a', 'b', 'c']) nodes.push(mk(name));
  stranger = mk('x');
  const a = nodes[0]!;
  // node a makes the cluster's certificates for the 3 members' URLs; the members start with them
  etcd = await startEtcdCluster(3, {
    prefix: 'claude-cluster-etcd',
    tls: async (urls) => {
      const r = await cli(a, ['cluster', 'init', '--certs-only', '--etcd', urls.join(','), '--name', CLUSTER]);
      if (r.code !== 0) throw new Error(`cluster init --certs-only: ${r.err}`);
      certsOnlyOut = r.out;
      return (i) => ({ caFile: pkiOf(a, 'ca.pem'), certFile: pkiOf(a, `etcd/m${i + 1}/server.pem`), keyFile: pkiOf(a, `etcd/m${i + 1}/server-key.pem`), peerCertFile: pkiOf(a, `etcd/m${i + 1}/peer.pem`), peerKeyFile: pkiOf(a, `etcd/m${i + 1}/peer-key.pem`) });
    },
  });
  client = etcdClient({ ca: pkiOf(a, 'ca.pem'), cert: pkiOf(a, 'node.pem'), key: pkiOf(a, 'node-key.pem') });
}, 120_000);

afterAll(async () => {
  for (const n of nodes) await stopAgent(n);
  client?.close();
  await etcd?.destroy();
  removeDockerByName(suffix);
  // the replicas' containers are named <service>-<replica>-<node tag>
  for (const s of [WEB, API, BAD, DB]) {
    const ids = execFileSync('docker', ['ps', '-aq', '--filter', `label=cluster.claude.os/service=${s}`], { encoding: 'utf8' }).split('\n').filter(Boolean);
    if (ids.length) execFileSync('docker', ['rm', '-f', ...ids], { stdio: 'ignore' });
  }
  if (base) rmSync(base, { recursive: true, force: true });
}, 120_000);

describe('cluster mode on etcd (3 members, 3 nodes on one Docker Engine)', () => {
  it('init, join, status over TLS: certificates at init, issued to joiners, rotated; strangers refused', async () => {
    const [a, b, c] = nodes as [Node, Node, Node];
    const urls = etcd.endpoints.join(',');
    // init --certs-only printed each member's etcd flags
    expect(certsOnlyOut).toContain('--client-cert-auth');
    expect(certsOnlyOut).toContain(`etcd member m3 (${etcd.endpoints[2]})`);
    const bad = await cli(a, ['cluster', 'init', '--etcd', 'localhost:2379']);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('is not an etcd endpoint URL');
    const plain = await cli(a, ['cluster', 'init', '--etcd', etcd.endpoints[0]!.replace('https:', 'http:')]);
    expect(plain.code).toBe(1);
    expect(plain.err).toContain('plain HTTP: cluster nodes talk to etcd only over TLS');
    const init = await cli(a, ['cluster', 'init', '--etcd', urls, '--name', CLUSTER, '--label', 'zone=a', '--ttl', String(TTL)]);
    expect(init.code, init.err).toBe(0);
    expect(init.out).toContain(`created cluster '${CLUSTER}'`);
    expect(init.out).not.toContain('made '); // it kept the certificates --certs-only made
    for (const f of ['ca-key.pem', 'node-key.pem', 'etcd/m1/server-key.pem', 'etcd/m1/peer-key.pem']) expect(statSync(pkiOf(a, f)).mode & 0o777).toBe(0o600);

    // etcd refuses a client without a certificate, and one whose certificate another CA signed
    const noCert = etcdClient({ ca: pkiOf(a, 'ca.pem') });
    await expect(noCert.get(`${P}meta`).string()).rejects.toThrow();
    noCert.close();
    const x = await cli(stranger, ['cluster', 'init', '--certs-only', '--etcd', urls, '--name', 'evil']);
    expect(x.code, x.err).toBe(0);
    const foreign = etcdClient({ ca: pkiOf(a, 'ca.pem'), cert: pkiOf(stranger, 'node.pem'), key: pkiOf(stranger, 'node-key.pem') });
    await expect(foreign.get(`${P}meta`).string()).rejects.toThrow();
    await expect(foreign.put(`${P}state/services.yaml`).value('x').exec()).rejects.toThrow();
    foreign.close();
    const xInit = await cli(stranger, ['cluster', 'init', '--etcd', urls, '--name', 'evil']);
    expect(xInit.code).toBe(1);
    expect(xInit.err).toContain('refused the TLS connection');
    expect(xInit.err).toContain('certificates from the same cluster CA');
    expect(await client.get(`${P}meta`).string()).toContain(CLUSTER); // the cluster's own certificate works
    expect(await client.getAll().prefix('/claude/evil/').keys()).toEqual([]);

    // a joiner without a certificate is told how to get one; with csr → issue → --cert it joins
    const noJoin = await cli(b, ['cluster', 'join', urls, '--name', CLUSTER]);
    expect(noJoin.code).toBe(1);
    expect(noJoin.err).toContain('has no certificate');
    expect(noJoin.err).toContain('claude cluster csr');
    for (const [n, zone] of [[b, 'b'], [c, 'c']] as const) {
      const req = await cli(n, ['cluster', 'csr']);
      expect(req.code, req.err).toBe(0);
      expect(req.out).toContain('BEGIN CERTIFICATE REQUEST');
      writeFileSync(join(base, `${n.name}.csr`), req.out);
      const issued = await cli(a, ['cluster', 'issue', join(base, `${n.name}.csr`)]);
      expect(issued.code, issued.err).toBe(0);
      expect(issued.out).not.toContain('PRIVATE KEY');
      writeFileSync(join(base, `${n.name}.pem`), issued.out);
      // the other joiner cannot use it: the certificate names this node and its key
      if (n === b) {
        const wrong = await cli(c, ['cluster', 'join', urls, '--name', CLUSTER, '--cert', join(base, 'b.pem')]);
        expect(wrong.code).toBe(1);
        expect(wrong.err).toMatch(/not for this node|no pending key/);
      }
      const j = await cli(n, ['cluster', 'join', urls, '--name', CLUSTER, '--label', `zone=${zone}`, '--cert', join(base, `${n.name}.pem`)]);
      expect(j.code, j.err).toBe(0);
      expect(statSync(pkiOf(n, 'node-key.pem')).mode & 0o777).toBe(0o600);
    }
    // the CA key stayed on a
    for (const n of [b, c]) expect(() => statSync(pkiOf(n, 'ca-key.pem'))).toThrow();

    // rotation: c (no CA) gets a request back, a issues it, c installs it; a rotates in one step
    const cBefore = JSON.parse((await cli(c, ['cluster', 'status', '--json'])).out).certificate.serial;
    const cReq = await cli(c, ['cluster', 'rotate-cert']);
    expect(cReq.code).toBe(1);
    expect(cReq.err).toContain('does not hold the cluster CA');
    writeFileSync(join(base, 'c2.csr'), cReq.out);
    const cIssued = await cli(a, ['cluster', 'issue', join(base, 'c2.csr')]);
    writeFileSync(join(base, 'c2.pem'), cIssued.out);
    const cRot = await cli(c, ['cluster', 'rotate-cert', '--cert', join(base, 'c2.pem')]);
    expect(cRot.code, cRot.err).toBe(0);
    const aBefore = JSON.parse((await cli(a, ['cluster', 'status', '--json'])).out).certificate.serial;
    const aRot = await cli(a, ['cluster', 'rotate-cert']);
    expect(aRot.code, aRot.err).toBe(0);
    const cAfter = JSON.parse((await cli(c, ['cluster', 'status', '--json'])).out).certificate.serial; // status itself connects with the new certificate
    const aAfter = JSON.parse((await cli(a, ['cluster', 'status', '--json'])).out).certificate.serial;
    expect(cAfter).not.toBe(cBefore);
    expect(aAfter).not.toBe(aBefore);

    for (const n of nodes) n.hostId = readFileSync(join(n.env.CLAUDE_DATA_DIR, 'host-id'), 'utf8').trim();
    expect(new Set(nodes.map((n) => n.hostId)).size).toBe(3);
    // the lease TTL is the cluster's: joiners take it from the cluster record
    for (const n of nodes) expect(JSON.parse(readFileSync(join(n.env.CLAUDE_DATA_DIR, 'cluster', 'config.json'), 'utf8')).leaseTtlSeconds).toBe(TTL);
    for (const n of nodes) startAgent(n);
    const st = await until('3 members up and a leader', async () => {
      const r = await cli(a, ['cluster', 'status', '--json']);
      if (r.code !== 0) return null;
      const s = JSON.parse(r.out);
      return s.nodes.length === 3 && s.nodes.every((x: { alive: boolean }) => x.alive) && s.leader ? s : null;
    }, { detail: nodeLogs });
    expect(st.nodes.map((x: { hostId: string }) => x.hostId).sort()).toEqual(nodes.map((n) => n.hostId).sort());
    const byHost = new Map(st.nodes.map((x: { hostId: string; labels: Record<string, string>; capacity: { cpus: number }; keyid: string }) => [x.hostId, x]));
    expect((byHost.get(b.hostId) as { labels: Record<string, string> }).labels).toEqual({ zone: 'b' });
    expect((byHost.get(a.hostId) as { capacity: { cpus: number } }).capacity.cpus).toBeGreaterThan(0);
    expect((byHost.get(a.hostId) as { keyid: string }).keyid).toMatch(/^[0-9a-f]{64}$/);
    expect(nodes.map((n) => n.hostId)).toContain(st.leader);
  }, 120_000);

  it('3 replicas with spread: one runs on each node', async () => {
    const a = nodes[0]!;
    writeFileSync(join(a.env.CLAUDE_STATE_DIR, 'manifest.yaml'), MANIFEST);
    writeFileSync(join(a.env.CLAUDE_STATE_DIR, 'services.yaml'), servicesYaml([{ name: WEB, replicas: 3, spread: true }]).replace('replicas: 3', 'replicas: 3\n      replicas: 2'));
    const refused = await cli(a, ['cluster', 'apply']);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/services\.yaml:\d+:\d+/);
    writeFileSync(join(a.env.CLAUDE_STATE_DIR, 'services.yaml'), servicesYaml([{ name: WEB, replicas: 3, spread: true }]));
    const ok = await cli(a, ['cluster', 'apply']);
    expect(ok.code, ok.err).toBe(0);
    const running = await until('3 web replicas running', () => {
      const r = replicas(WEB);
      return r.length === 3 ? r : null;
    }, { ms: 150_000, detail: nodeLogs });
    expect(new Set(running.map((r) => r.host))).toEqual(new Set(nodes.map((n) => n.hostId)));
    expect(running.map((r) => r.replica).sort()).toEqual(['1', '2', '3']);
    const st = await until('every node to report its plan applied', async () => {
      const s = JSON.parse((await cli(a, ['cluster', 'status', '--json'])).out);
      return s.nodes.every((n: { lastResult: { status: string } | null }) => n.lastResult?.status === 'applied') ? s : null;
    }, { detail: nodeLogs });
    for (const n of st.nodes) {
      expect(n.replicas).toHaveLength(1);
      expect(n.lastResult.status).toBe('applied');
    }
    // claude services on one node shows every replica and its node
    let lastServices = '';
    const svc = await until('claude services to list the 3 replicas', async () => {
      const r = await cli(a, ['services', '--json']);
      lastServices = r.out + r.err;
      const rows = (JSON.parse(r.out).services as { service: string; node: string; status: string }[]).filter((x) => x.service.startsWith(`${WEB}/`));
      return rows.length === 3 && rows.every((x) => x.status === 'running') ? rows : null;
    }, { detail: nodeLogs }).catch((e: Error) => {
      throw new Error(`${e.message.split('\n')[0]}\nlast claude services --json:\n${lastServices}`);
    });
    expect(svc.map((x) => x.service).sort()).toEqual([`${WEB}/1`, `${WEB}/2`, `${WEB}/3`]);
    expect(new Set(svc.map((x) => x.node))).toEqual(new Set(nodes.map((n) => n.hostId)));
    const table = await cli(a, ['services']);
    expect(table.out).toMatch(/│ Node +│/);
    expect(table.out).toContain(nodes[1]!.hostId);
  }, 300_000);

  it('a plan signed by a key the cluster does not trust is refused by every node', async () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    for (const n of nodes) {
      // take the node's real plan and re-sign it with a stranger's key
      const text = await client.get(`${P}plans/${n.hostId}`).string();
      const payload = JSON.parse(Buffer.from(parseEnvelope(text!).payload, 'base64').toString('utf8')) as PlanPayload;
      const forged = { ...payload, id: `${payload.id.slice(0, -6)}f0f0f0`, request: 'forged' } as PlanPayload;
      await client.put(`${P}plans/${n.hostId}`).value(serializeEnvelope(signPlan(forged, privateKey)));
    }
    for (const n of nodes) {
      const res = await until(`${n.name} to refuse the forged plan`, async () => {
        const r = await client.get(`${P}results/${n.hostId}`).string();
        const j = r ? JSON.parse(r) : null;
        return j && j.status === 'refused' ? j : null;
      }, { detail: nodeLogs });
      expect(res.problems[0]).toContain('V3 signature');
    }
    expect(replicas(WEB)).toHaveLength(3);
  }, 90_000);

  it('a failing plan is planned again with a doubling back-off, at once when the state changes; each job runs on one node', async () => {
    const a = nodes[0]!;
    const c = nodes[2]!;
    const puts: number[] = [];
    const failed: { at: number; planId: string }[] = [];
    const w = await client.watch().key(`${P}plans/${c.hostId}`).create();
    w.on('put', () => puts.push(Date.now()));
    const wr = await client.watch().key(`${P}results/${c.hostId}`).create();
    wr.on('put', (kv) => {
      const r = JSON.parse(kv.value.toString()) as { at: string; planId: string; status: string };
      if (r.status !== 'applied' && r.status !== 'stale') failed.push({ at: Date.parse(r.at), planId: r.planId });
    });
    try {
      // BAD can only run on c (zone==c) and exits at once (and is not restarted): c's apply is rolled back every time
      writeFileSync(join(a.env.CLAUDE_STATE_DIR, 'services.yaml'), servicesYaml([{ name: WEB, replicas: 3, spread: true }, { name: BAD, replicas: 1, constraints: ['zone==c'], command: "sh -c 'exit 3'", oneShot: true }]));
      expect((await cli(a, ['cluster', 'apply'])).code).toBe(0);
      await until('4 failed applies on c', () => failed.length >= 4, { ms: 150_000, detail: nodeLogs });
      // after the k-th failure in a row, the next plan came no sooner than retryDelayMs(k): 2 s, 4 s, 8 s
      const gaps = failed.slice(0, 3).map((f) => puts.find((t) => t > f.at)! - f.at);
      for (const [k, g] of gaps.entries()) expect(g, `gaps ${gaps.join(', ')} ms`).toBeGreaterThanOrEqual(retryDelayMs(k + 1) - 50);
      expect(gaps[2]).toBeGreaterThanOrEqual(8000 - 50);
      const st = JSON.parse((await cli(a, ['cluster', 'status', '--json'])).out);
      const cs = st.nodes.find((n: { hostId: string }) => n.hostId === c.hostId);
      expect(cs.backoff.failures).toBeGreaterThanOrEqual(4);
      expect(Date.parse(cs.backoff.retryAt) - Date.parse(cs.lastResult.at)).toBe(retryDelayMs(cs.backoff.failures));
      expect(cs.lastResult.status).not.toBe('applied');
      expect(cs.lastResult.problems.join(' ')).toContain(BAD);
      // the other nodes were not disturbed
      expect(replicas(WEB)).toHaveLength(3);
      // a new desired state is planned at once, whatever the back-off; and a job runs on one node
      writeFileSync(join(a.env.CLAUDE_STATE_DIR, 'services.yaml'), servicesYaml([{ name: WEB, replicas: 3, spread: true }]));
      writeFileSync(
        join(a.env.CLAUDE_STATE_DIR, 'scheduled.yaml'),
        'apiVersion: claude.os/v1\nkind: ScheduledTasks\nmetadata:\n  name: test\nspec:\n  jobs:\n' +
          `    - name: tick\n      schedule: "@hourly"\n      image: claude-os-local/busybox:latest\n      command: ["true"]\n` +
          `    - name: rotate\n      schedule: "@daily"\n      container: ${WEB}\n      command: "true"\n`,
      );
      const fixedAt = Date.now();
      expect((await cli(a, ['cluster', 'apply'])).code).toBe(0);
      const ok = await until('every node applied the new state', async () => {
        const s = JSON.parse((await cli(a, ['cluster', 'status', '--json'])).out);
        return s.nodes.every((n: { lastResult: { status: string; at: string } | null }) => n.lastResult?.status === 'applied' && Date.parse(n.lastResult.at) > fixedAt) ? s : null;
      }, { ms: 120_000, detail: nodeLogs });
      expect(ok.nodes.find((n: { hostId: string }) => n.hostId === c.hostId).backoff).toBeNull();
      const firstPutAfterFix = puts.find((t) => t > fixedAt)!;
      expect(firstPutAfterFix - fixedAt).toBeLessThan(retryDelayMs(5)); // not held back by the 5th back-off (32 s)
      // each job is placed on exactly one node, and only that node's schedule holds it
      const holders = (job: string) => ok.nodes.filter((n: { jobs: string[] }) => n.jobs.includes(job)).map((n: { hostId: string }) => n.hostId);
      for (const job of ['tick', 'rotate']) {
        expect(holders(job)).toHaveLength(1);
        const withIt = nodes.filter((n) => {
          try {
            return (JSON.parse(readFileSync(join(n.env.CLAUDE_DATA_DIR, 'schedule.json'), 'utf8')).jobs as { name: string }[]).some((j) => j.name === job);
          } catch {
            return false;
          }
        });
        expect(withIt.map((n) => n.hostId)).toEqual(holders(job));
      }
      // rotate runs in the web replica on its node
      const rotHost = holders('rotate')[0];
      const rotJob = (JSON.parse(readFileSync(join(nodes.find((n) => n.hostId === rotHost)!.env.CLAUDE_DATA_DIR, 'schedule.json'), 'utf8')).jobs as { name: string }[]).find((j) => j.name === 'rotate')!;
      const mine = replicas(WEB).find((r) => r.host === rotHost)!;
      expect(JSON.stringify(rotJob)).toContain(replicaServiceName(WEB, Number(mine.replica), rotHost));
      expect(replicas(BAD)).toHaveLength(0);
    } finally {
      await w.cancel();
      await wr.cancel();
    }
  }, 400_000);

  it('the leader paused past the lease TTL: a new leader, its replica moves; resumed, its writes are fenced and it drops the orphan', async () => {
    const old = await leader();
    const L = nodes.find((n) => n.hostId === old)!;
    expect(L).toBeDefined();
    const before = replicas(WEB).find((r) => r.host === L.hostId)!;
    const stoppedAt = Date.now();
    L.agent!.kill('SIGSTOP');
    const newLeader = await until('a new leader', async () => {
      const l = await leader();
      return l && l !== old ? l : null;
    }, { ms: 30_000, detail: nodeLogs });
    const leaderFailoverMs = Date.now() - stoppedAt;
    expect(nodes.map((n) => n.hostId)).toContain(newLeader);
    await until(`replica ${before.replica} running on another node`, () => replicas(WEB).find((r) => r.replica === before.replica && r.host !== L.hostId), { ms: 60_000, detail: nodeLogs });
    const failoverMs = Date.now() - stoppedAt;
    // TTL + one pass (+ the plan's apply), with room for a busy machine
    expect(failoverMs).toBeLessThan((TTL + 45) * 1000);
    const placement = JSON.parse((await client.get(`${P}placement`).string())!);
    expect(placement.leader.hostId).toBe(newLeader);
    // the old leader's container still runs: its agent is frozen, Docker is not
    expect(replicas(WEB).some((r) => r.name === before.name)).toBe(true);
    L.agent!.kill('SIGCONT');
    await until('the old leader to be fenced', () => /leader write refused \(fenced\)/.test(L.log), { ms: 30_000, detail: nodeLogs });
    expect(await leader()).toBe(newLeader);
    const after = JSON.parse((await client.get(`${P}placement`).string())!);
    expect(after.leader.hostId).toBe(newLeader);
    await until('the orphaned replica removed from the old leader', () => !replicas(WEB).some((r) => r.name === before.name), { ms: 60_000, detail: nodeLogs });
    expect(replicas(WEB)).toHaveLength(3);
    console.log(`cluster failover: leader ${leaderFailoverMs} ms, replica ${failoverMs} ms (TTL ${TTL} s)`);
  }, 300_000);

  it('a node holding a host-bound volume goes down: its service is reported stuck and not moved', async () => {
    const a = nodes[0]!;
    writeFileSync(join(a.env.CLAUDE_STATE_DIR, 'scheduled.yaml'), 'apiVersion: claude.os/v1\nkind: ScheduledTasks\nmetadata:\n  name: test\nspec:\n  jobs: []\n');
    writeFileSync(join(a.env.CLAUDE_STATE_DIR, 'storage.yaml'), `apiVersion: claude.os/v1\nkind: StorageConfig\nmetadata:\n  name: test\nspec:\n  volumes:\n    - name: ${DB}\n      path: /srv/claude-test-${DB}\n`);
    writeFileSync(join(a.env.CLAUDE_STATE_DIR, 'services.yaml'), servicesYaml([{ name: WEB, replicas: 3, spread: true }, { name: DB, replicas: 1, volume: DB }]));
    const ap = await cli(a, ['cluster', 'apply']);
    expect(ap.code, ap.err).toBe(0);
    const [db] = await until('the db replica running', () => {
      const r = replicas(DB);
      return r.length === 1 ? r : null;
    }, { ms: 120_000, detail: nodeLogs });
    const holder = nodes.find((n) => n.hostId === db!.host)!;
    await stopAgent(holder);
    const stuck = await until('db reported stuck', async () => {
      const other = nodes.find((n) => n !== holder)!;
      const r = await cli(other, ['cluster', 'status', '--json']);
      const s = JSON.parse(r.out);
      return s.stuck.length ? s : null;
    }, { ms: 60_000, detail: nodeLogs });
    expect(stuck.stuck).toEqual([{ replica: `${DB}/1`, hostId: holder.hostId, reason: expect.stringContaining(`host-bound volume ${DB}`) }]);
    const text = await cli(nodes.find((n) => n !== holder)!, ['cluster', 'status']);
    expect(text.out).toContain(`stuck: ${DB}/1: node ${holder.hostId} is down`);
    // its web replica moved; db did not: nothing new runs anywhere for it
    await until('its web replica running elsewhere', () => replicas(WEB).filter((r) => r.host !== holder.hostId).length === 3, { ms: 90_000, detail: nodeLogs });
    await new Promise((r) => setTimeout(r, 3000));
    expect(replicas(DB).map((r) => r.host)).toEqual([holder.hostId]);
    // the node comes back: db is no longer stuck and still runs there; the moved web replica is its orphan
    startAgent(holder);
    await until('db no longer stuck', async () => JSON.parse((await cli(a, ['cluster', 'status', '--json'])).out).stuck.length === 0, { ms: 60_000, detail: nodeLogs });
    await until('the web orphan removed from the node', () => replicas(WEB).length === 3 && !replicas(WEB).some((r) => r.host === holder.hostId), { ms: 90_000, detail: nodeLogs });
    expect(replicas(DB).map((r) => r.host)).toEqual([holder.hostId]);
  }, 300_000);

  it('one etcd member down: changes still land; two down: refused with a clear error, services keep running', async () => {
    const a = nodes.find((n) => n.agent && n.hostId)!;
    await etcd.stop(0);
    writeFileSync(join(a.env.CLAUDE_STATE_DIR, 'services.yaml'), servicesYaml([{ name: WEB, replicas: 3, spread: true }, { name: API, replicas: 1 }]));
    const ok = await until('cluster apply with 2 of 3 members', async () => {
      const r = await cli(a, ['cluster', 'apply']);
      return r.code === 0 ? r : null;
    }, { ms: 30_000, detail: nodeLogs });
    expect(ok.out).toContain('desired state');
    await until('the api replica running', () => replicas(API).length === 1, { ms: 60_000, detail: nodeLogs });
    await etcd.stop(1);
    writeFileSync(join(a.env.CLAUDE_STATE_DIR, 'services.yaml'), servicesYaml([{ name: WEB, replicas: 3, spread: true }]));
    const started = Date.now();
    const refused = await cli(a, ['cluster', 'apply']);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('did not answer');
    expect(refused.err).toContain('a majority of the etcd members must be up');
    expect(Date.now() - started).toBeLessThan(30_000);
    // nothing stops: every replica keeps running
    expect(replicas(WEB)).toHaveLength(3);
    expect(replicas(API)).toHaveLength(1);
  }, 300_000);
});
