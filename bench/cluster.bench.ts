/**
 * Cluster-mode benchmark (docs/cluster.md, "Figures"), on demand, not a test:
 *
 *   npm run build && npm run bench -- cluster [--runs N] [--services 1000] [--nodes 10]
 *
 *  1. placement + plan: the leader's work for S services (1 replica each, half with spread,
 *     a third with a label constraint) on K nodes, in process: compile the cluster's files,
 *     place every replica (compiler/placement.ts), build each node's view, plan it against an
 *     empty node and sign it (agent/flow.ts planFiles). Median of N runs.
 *  2. failover, with real parts: 3 etcd members on loopback (agent/cluster/testutil/etcd.ts),
 *     3 nodes (own data dirs and host ids, this machine's Docker Engine) each running
 *     `bin/claude cluster agent` (lease TTL 3 s, pass 500 ms), 3 busybox replicas with spread.
 *     The leader's agent is SIGSTOPped; measured: until another node holds the leader key
 *     (leader failover) and until the stopped node's replica runs on another node (node
 *     failover). Needs root and dockerd; skipped with --no-docker.
 *
 * The peers' figures are their documented defaults (printed beside ours; not run here).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Etcd3 } from 'etcd3';
import { compileFiles } from '../compiler/compile.js';
import { nodeView } from '../compiler/node-view.js';
import { place, type PlacementNode } from '../compiler/placement.js';
import { planFiles, type FlowHost } from '../agent/flow.js';
import { packageRoot } from '../common/paths.js';
import type { ObservedState } from '../plan/types.js';
import { startEtcdCluster } from '../agent/cluster/testutil/etcd.js';
import { runCli } from '../cli/testutil/cli.js';
import { median } from './common.js';

const argv = process.argv.slice(2);
const opt = (name: string, dflt: number) => (argv.includes(name) ? Number(argv[argv.indexOf(name) + 1]) : dflt);
const runs = opt('--runs', 3);
const S = opt('--services', 1000);
const K = opt('--nodes', 10);

const MANIFEST = 'apiVersion: claude.os/v1\nkind: SystemManifest\nmetadata:\n  name: bench\nspec:\n  images:\n    pull: false\n';

function clusterFiles(n: number): Record<string, string> {
  const lines = ['apiVersion: claude.os/v1', 'kind: ServiceManifest', 'metadata:', '  name: bench', 'spec:', '  services:'];
  for (let i = 0; i < n; i++) {
    lines.push(`    - name: svc-${i}`, '      image: claude-os-local/busybox:latest', '      command: "sleep 3600"', '      resources: { cpu: "0.05", memory: 32M }');
    const c = i % 3 === 0 ? `, constraints: ["zone!=z${i % K}"]` : '';
    lines.push(`      placement: { spread: ${i % 2 === 0}${c} }`);
  }
  return { 'manifest.yaml': MANIFEST, 'services.yaml': lines.join('\n') + '\n' };
}

const emptyNode = (hostId: string): ObservedState => ({ schemaVersion: 1, observedAt: new Date(0).toISOString(), hostId, stateCommit: null, containers: [], networks: [], volumes: [], images: [], firewall: { hash: null } }) as unknown as ObservedState;

async function placementAndPlan(dataDir: string): Promise<{ ms: number; compileMs: number; placeMs: number; planMs: number; steps: number }> {
  const files = clusterFiles(S);
  const nodes: PlacementNode[] = Array.from({ length: K }, (_, i) => ({ hostId: `host-bench${String(i).padStart(11, '0')}`, alive: true, labels: { zone: `z${i}` }, capacity: { cpus: 64, memoryBytes: 256 * 2 ** 30 } }));
  const t0 = performance.now();
  const compiled = compileFiles(files);
  if (!compiled.model) throw new Error(compiled.diagnostics.map((d) => d.message).join('\n'));
  const t1 = performance.now();
  const placement = place(compiled.model, nodes);
  if (placement.unplaced.length) throw new Error(`unplaced: ${placement.unplaced.length}`);
  const t2 = performance.now();
  let steps = 0;
  for (const n of nodes) {
    const view = nodeView(files, placement, n.hostId);
    const observed = emptyNode(n.hostId);
    const host: FlowHost = { paths: { stateDir: join(dataDir, 'state'), dataDir, root: join(dataDir, 'root') }, hostId: n.hostId, snapshot: async () => observed, engine: async () => Promise.reject(new Error('no engine')) };
    const r = await planFiles(host, view, { request: 'bench', engine: 'offline', base: null, now: new Date(), env: {}, observed, allowDestructive: true });
    if (!r.ok) throw new Error(r.problems.join('\n'));
    steps += r.planned.payload.steps.length;
  }
  const t3 = performance.now();
  return { ms: t3 - t0, compileMs: t1 - t0, placeMs: t2 - t1, planMs: t3 - t2, steps };
}

async function failover(): Promise<{ leaderMs: number; nodeMs: number }> {
  const base = mkdtempSync(join(tmpdir(), 'claude-bench-cluster-'));
  const suffix = randomBytes(3).toString('hex');
  const name = `b${suffix}`;
  const WEB = `web-${suffix}`;
  const envOf = (n: string) => {
    const d = join(base, n);
    const env = { CLAUDE_STATE_DIR: join(d, 'state'), CLAUDE_DATA_DIR: join(d, 'data'), CLAUDE_ROOT: join(d, 'root'), USER: 'bench', PATH: process.env.PATH ?? '/usr/bin:/bin' };
    for (const x of Object.values(env).slice(0, 3)) mkdirSync(x, { recursive: true });
    return { d, env };
  };
  const first = envOf('a');
  const pki = (f: string) => join(first.env.CLAUDE_DATA_DIR, 'cluster', 'pki', f);
  // TLS as in production: node a makes the CA and the members' certificates, the members require client certificates
  let etcd: Awaited<ReturnType<typeof startEtcdCluster>>;
  try {
    etcd = await startEtcdCluster(3, {
      prefix: 'claude-bench-etcd',
      tls: async (urls) => {
        const r = await runCli(['cluster', 'init', '--certs-only', '--etcd', urls.join(','), '--name', name], { env: first.env, cwd: first.d });
        if (r.code !== 0) throw new Error(r.err);
        return (i) => ({ caFile: pki('ca.pem'), certFile: pki(`etcd/m${i + 1}/server.pem`), keyFile: pki(`etcd/m${i + 1}/server-key.pem`), peerCertFile: pki(`etcd/m${i + 1}/peer.pem`), peerKeyFile: pki(`etcd/m${i + 1}/peer-key.pem`) });
      },
    });
  } catch (e) {
    rmSync(base, { recursive: true, force: true });
    throw e;
  }
  const client = new Etcd3({ hosts: etcd.endpoints, credentials: { rootCertificate: readFileSync(pki('ca.pem')), certChain: readFileSync(pki('node.pem')), privateKey: readFileSync(pki('node-key.pem')) } });
  const agents: ChildProcess[] = [];
  const nodes: { env: Record<string, string>; hostId: string; agent?: ChildProcess }[] = [];
  const P = `/claude/${name}/`;
  const until = async <T>(what: string, f: () => Promise<T | null | false | undefined> | T | null | false | undefined, ms = 120_000): Promise<T> => {
    const end = Date.now() + ms;
    for (;;) {
      const v = await f();
      if (v) return v;
      if (Date.now() > end) throw new Error(`timed out: ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const running = () =>
    execFileSync('docker', ['ps', '--filter', `label=cluster.claude.os/service=${WEB}`, '--format', '{{.Label "claude.os/host"}} {{.Label "cluster.claude.os/replica"}}'], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map((l) => ({ host: l.split(' ')[0]!, replica: l.split(' ')[1]! }));
  try {
    for (const n of ['a', 'b', 'c']) {
      const { d, env } = n === 'a' ? first : envOf(n);
      if (n !== 'a') {
        const req = await runCli(['cluster', 'csr'], { env, cwd: d });
        writeFileSync(join(d, 'req.pem'), req.out);
        const issued = await runCli(['cluster', 'issue', join(d, 'req.pem')], { env: first.env, cwd: first.d });
        if (issued.code !== 0) throw new Error(issued.err);
        writeFileSync(join(d, 'cert.pem'), issued.out);
      }
      const args = n === 'a' ? ['cluster', 'init', '--etcd', etcd.endpoints.join(','), '--name', name, '--ttl', '3'] : ['cluster', 'join', etcd.endpoints.join(','), '--name', name, '--cert', join(d, 'cert.pem')];
      const r = await runCli(args, { env, cwd: d });
      if (r.code !== 0) throw new Error(r.err);
      nodes.push({ env, hostId: readFileSync(join(env.CLAUDE_DATA_DIR, 'host-id'), 'utf8').trim() });
    }
    for (const n of nodes) {
      const p = spawn(join(packageRoot(), 'bin', 'claude'), ['cluster', 'agent'], { env: { ...n.env, CLAUDE_CLUSTER_PASS_MS: '500' }, stdio: 'ignore' });
      agents.push(p);
      n.agent = p;
    }
    const a = nodes[0]!;
    writeFileSync(join(a.env.CLAUDE_STATE_DIR!, 'manifest.yaml'), MANIFEST);
    writeFileSync(join(a.env.CLAUDE_STATE_DIR!, 'services.yaml'), `apiVersion: claude.os/v1\nkind: ServiceManifest\nmetadata:\n  name: bench\nspec:\n  services:\n    - name: ${WEB}\n      image: claude-os-local/busybox:latest\n      command: "sleep 3600"\n      placement: { replicas: 3, spread: true }\n`);
    const r = await runCli(['cluster', 'apply'], { env: a.env, cwd: base });
    if (r.code !== 0) throw new Error(r.err);
    await until('3 replicas', () => running().length === 3);
    const leaderId = await until('a leader', async () => {
      const v = await client.get(`${P}leader`).string();
      return v ? (JSON.parse(v) as { hostId: string }).hostId : null;
    });
    const L = nodes.find((n) => n.hostId === leaderId)!;
    const lost = running().find((x) => x.host === leaderId)!;
    const t0 = performance.now();
    L.agent!.kill('SIGSTOP');
    await until('a new leader', async () => {
      const v = await client.get(`${P}leader`).string();
      return v && (JSON.parse(v) as { hostId: string }).hostId !== leaderId;
    });
    const leaderMs = performance.now() - t0;
    await until('the replica elsewhere', () => running().some((x) => x.replica === lost.replica && x.host !== leaderId));
    const nodeMs = performance.now() - t0;
    L.agent!.kill('SIGCONT');
    return { leaderMs, nodeMs };
  } finally {
    for (const p of agents) {
      p.kill('SIGCONT');
      p.kill('SIGTERM');
    }
    await new Promise((r) => setTimeout(r, 2000));
    client.close();
    await etcd.destroy();
    const ids = execFileSync('docker', ['ps', '-aq', '--filter', `label=cluster.claude.os/service=${WEB}`], { encoding: 'utf8' }).split('\n').filter(Boolean);
    if (ids.length) execFileSync('docker', ['rm', '-f', ...ids], { stdio: 'ignore' });
    rmSync(base, { recursive: true, force: true });
  }
}

const dir = mkdtempSync(join(tmpdir(), 'claude-bench-place-'));
try {
  const xs: Awaited<ReturnType<typeof placementAndPlan>>[] = [];
  for (let i = 0; i < runs; i++) xs.push(await placementAndPlan(dir));
  const m = (k: 'ms' | 'compileMs' | 'placeMs' | 'planMs') => median(xs.map((x) => x[k])).toFixed(0);
  console.log(`placement + plan, ${S} services on ${K} nodes (median of ${runs}): ${m('ms')} ms (compile ${m('compileMs')} ms, place ${m('placeMs')} ms, ${K} node plans signed ${m('planMs')} ms; ${xs[0]!.steps} steps)`);
  console.log(`  peer: kube-scheduler binds through the API server at --kube-api-qps 50 by default: ≥ ${(S / 50).toFixed(0)} s for ${S} pods`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
if (!argv.includes('--no-docker')) {
  const f = await failover();
  console.log(`leader failover (SIGSTOP → new leader key, lease TTL 3 s): ${f.leaderMs.toFixed(0)} ms`);
  console.log(`  peer: Kubernetes control-plane leader election, --leader-elect-lease-duration 15 s by default`);
  console.log(`node failover (SIGSTOP → its replica running on another node): ${f.nodeMs.toFixed(0)} ms`);
  console.log(`  peer: Kubernetes evicts pods from a NotReady node after --node-monitor-grace-period (40 s) + the default 300 s toleration; Swarm after its 5 s dispatcher heartbeat is missed`);
  console.log(JSON.stringify({ leaderFailoverMs: Math.round(f.leaderMs), nodeFailoverMs: Math.round(f.nodeMs) }));
}
process.exit(0);
