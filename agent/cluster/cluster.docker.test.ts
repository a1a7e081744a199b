/**
 * Cluster mode end to end (docs/cluster.md, issue 19): 3 real etcd members on loopback
 * ports (testutil/etcd.ts) and 3 Claude.OS nodes, each with its own data dir, state dir and
 * host id, sharing this machine's Docker Engine (the `claude.os/host` label keeps them apart),
 * each running `bin/claude cluster agent` as its own process.
 *
 * One cluster, in order (each step builds on the last):
 *  1. init + 2 joins; status --json lists 3 members, all up, one leader;
 *  2. a service with 3 replicas and spread: one container on each node;
 *  3. a plan signed by a key the cluster does not trust is refused by every node;
 *  4. the leader's agent SIGSTOPped past the lease TTL: a new leader is elected, its replica
 *     runs on another node; SIGCONT: its first write is refused by etcd (fenced), and it then
 *     removes its orphaned replica;
 *  5. one etcd member stopped: a change still lands; two stopped: `cluster apply` is refused
 *     with a clear error and the running containers keep running.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

const BIN = join(packageRoot(), 'bin', 'claude');
const TTL = 5;
const suffix = randomBytes(3).toString('hex');
const CLUSTER = `t${suffix}`;
const WEB = `web-${suffix}`;
const API = `api-${suffix}`;

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
let client: Etcd3;
const P = `/claude/${CLUSTER}/`;

function servicesYaml(list: { name: string; replicas: number; spread?: boolean }[]): string {
  const lines = ['apiVersion: claude.os/v1', 'kind: ServiceManifest', 'metadata:', '  name: test', 'spec:', '  services:'];
  for (const s of list) {
    lines.push(`    - name: ${s.name}`, '      image: claude-os-local/busybox:latest', '      command: "sleep 3600"', '      placement:', `        replicas: ${s.replicas}`, `        spread: ${s.spread ?? false}`);
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

async function until<T>(what: string, f: () => Promise<T | null | undefined | false> | T | null | undefined | false, timeoutMs = 90_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await f();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}\n${nodes.map((n) => `--- ${n.name} (${n.hostId})\n${n.log.split('\n').slice(-12).join('\n')}`).join('\n')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
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

beforeAll(async () => {
  etcd = await startEtcdCluster(3, { prefix: 'claude-cluster-etcd' });
  client = new Etcd3({ hosts: etcd.endpoints });
  base = mkdtempSync(join(tmpdir(), 'claude-cluster-'));
  for (const name of ['a', 'b', 'c']) {
    const dir = join(base, name);
    const env = { CLAUDE_STATE_DIR: join(dir, 'state'), CLAUDE_DATA_DIR: join(dir, 'data'), CLAUDE_ROOT: join(dir, 'root'), USER: 'tester', PATH: process.env.PATH ?? '/usr/bin:/bin' };
    for (const d of [env.CLAUDE_STATE_DIR, env.CLAUDE_DATA_DIR, env.CLAUDE_ROOT]) mkdirSync(d, { recursive: true });
    nodes.push({ name, dir, env, hostId: '', agent: null, log: '' });
  }
}, 120_000);

afterAll(async () => {
  for (const n of nodes) await stopAgent(n);
  client?.close();
  await etcd?.destroy();
  removeDockerByName(suffix);
  // the replicas' containers are named <service>-<replica>-<node tag>
  for (const s of [WEB, API]) {
    const ids = execFileSync('docker', ['ps', '-aq', '--filter', `label=cluster.claude.os/service=${s}`], { encoding: 'utf8' }).split('\n').filter(Boolean);
    if (ids.length) execFileSync('docker', ['rm', '-f', ...ids], { stdio: 'ignore' });
  }
  if (base) rmSync(base, { recursive: true, force: true });
}, 120_000);

describe('cluster mode on etcd (3 members, 3 nodes on one Docker Engine)', () => {
  it('init, join, status: 3 members with host id, key, capacity and labels', async () => {
    const [a, b, c] = nodes as [Node, Node, Node];
    const bad = await cli(a, ['cluster', 'init', '--etcd', 'localhost:2379']);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('is not an etcd endpoint URL');
    const init = await cli(a, ['cluster', 'init', '--etcd', etcd.endpoints.join(','), '--name', CLUSTER, '--label', 'zone=a', '--ttl', String(TTL)]);
    expect(init.code, init.err).toBe(0);
    expect(init.out).toContain(`created cluster '${CLUSTER}'`);
    const again = await cli(b, ['cluster', 'init', '--etcd', etcd.endpoints.join(','), '--name', CLUSTER]);
    expect(again.code).toBe(1);
    expect(again.err).toContain(`a cluster named '${CLUSTER}' already exists`);
    for (const [n, zone] of [[b, 'b'], [c, 'c']] as const) {
      const j = await cli(n, ['cluster', 'join', etcd.endpoints.join(','), '--name', CLUSTER, '--label', `zone=${zone}`]);
      expect(j.code, j.err).toBe(0);
    }
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
    });
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
    }, 150_000);
    expect(new Set(running.map((r) => r.host))).toEqual(new Set(nodes.map((n) => n.hostId)));
    expect(running.map((r) => r.replica).sort()).toEqual(['1', '2', '3']);
    const st = await until('every node to report its plan applied', async () => {
      const s = JSON.parse((await cli(a, ['cluster', 'status', '--json'])).out);
      return s.nodes.every((n: { lastResult: { status: string } | null }) => n.lastResult?.status === 'applied') ? s : null;
    });
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
    }).catch((e: Error) => {
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
      });
      expect(res.problems[0]).toContain('V3 signature');
    }
    expect(replicas(WEB)).toHaveLength(3);
  }, 90_000);

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
    }, 30_000);
    const leaderFailoverMs = Date.now() - stoppedAt;
    expect(nodes.map((n) => n.hostId)).toContain(newLeader);
    await until(`replica ${before.replica} running on another node`, () => replicas(WEB).find((r) => r.replica === before.replica && r.host !== L.hostId), 60_000);
    const failoverMs = Date.now() - stoppedAt;
    // TTL + one pass (+ the plan's apply), with room for a busy machine
    expect(failoverMs).toBeLessThan((TTL + 45) * 1000);
    const placement = JSON.parse((await client.get(`${P}placement`).string())!);
    expect(placement.leader.hostId).toBe(newLeader);
    // the old leader's container still runs: its agent is frozen, Docker is not
    expect(replicas(WEB).some((r) => r.name === before.name)).toBe(true);
    L.agent!.kill('SIGCONT');
    await until('the old leader to be fenced', () => /leader write refused \(fenced\)/.test(L.log), 30_000);
    expect(await leader()).toBe(newLeader);
    const after = JSON.parse((await client.get(`${P}placement`).string())!);
    expect(after.leader.hostId).toBe(newLeader);
    await until('the orphaned replica removed from the old leader', () => !replicas(WEB).some((r) => r.name === before.name), 60_000);
    expect(replicas(WEB)).toHaveLength(3);
    console.log(`cluster failover: leader ${leaderFailoverMs} ms, replica ${failoverMs} ms (TTL ${TTL} s)`);
  }, 300_000);

  it('one etcd member down: changes still land; two down: refused with a clear error, services keep running', async () => {
    const a = nodes.find((n) => n.agent && n.hostId)!;
    await etcd.stop(0);
    writeFileSync(join(a.env.CLAUDE_STATE_DIR, 'services.yaml'), servicesYaml([{ name: WEB, replicas: 3, spread: true }, { name: API, replicas: 1 }]));
    const ok = await until('cluster apply with 2 of 3 members', async () => {
      const r = await cli(a, ['cluster', 'apply']);
      return r.code === 0 ? r : null;
    }, 30_000);
    expect(ok.out).toContain('desired state');
    await until('the api replica running', () => replicas(API).length === 1, 60_000);
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
