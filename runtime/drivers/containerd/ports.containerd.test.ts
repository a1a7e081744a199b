/**
 * Published ports on containerd, written by the driver in nftables (./ports.ts: one table per
 * container, one `nft -f`), through a real containerd (testutil/containerd.ts) and real nft in
 * a network namespace this file makes to play the host (`hostNetns`: the bridge, the networks'
 * rules and the ports' tables are made there), with a second namespace as a client on the
 * host's LAN (a veth pair), whose FORWARD policy is DROP as dockerd leaves it. Checked with real traffic: the port answers from the host itself
 * (loopback, hostIp 127.0.0.1 or any) and from the client (0.0.0.0 only); a stop, a removal
 * and a rolled-back create take its table away and the port stops answering; a table flushed
 * behind the driver's back is loaded again by the supervisor's pass, as is a crashed task's.
 * Everything (daemon, containers, namespaces, dirs) is removed in afterAll.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { resourceFingerprints } from '../../../plan/fingerprint.js';
import type { PlanStep } from '../../../plan/types.js';
import { applyPlan } from '../../apply.js';
import { containerSpec, health, makePlan, S, setupTestHost, signPlan, type TestHost } from '../../testutil/plans.js';
import { removeEngineState, startContainerd, type TestContainerd } from '../../testutil/containerd.js';
import { ContainerdEngine } from './engine.js';
import { newSupervisorState, supervisePass } from './supervisor.js';

const suffix = randomBytes(4).toString('hex');
const n = (x: string) => `${x}-${suffix}`;
const hostNs = `claude-pt-host-${suffix}`;
const clientNs = `claude-pt-cli-${suffix}`;
const WEB = 'claude-os-local/web:latest';
const BUSYBOX = 'claude-os-local/busybox:latest';
const HOST_ADDR = '10.231.7.1';

let ctd: TestContainerd;
let dataDir: string;
let root: string;
let host: TestHost;
let engine: ContainerdEngine;

function sh(ns: string, argv: string[]): { code: number; out: string } {
  try {
    return { code: 0, out: execFileSync('ip', ['netns', 'exec', ns, ...argv], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }) };
  } catch (e) {
    const x = e as { status?: number; stdout?: string; stderr?: string };
    return { code: x.status ?? 1, out: `${x.stdout ?? ''}${x.stderr ?? ''}` };
  }
}
/** The HTTP status of GET http://ADDR:PORT/ from inside `ns` ('000': nothing answered). */
function http(ns: string, addr: string, port: number): string {
  return sh(ns, ['curl', '-s', '-o', '/dev/null', '-w', '%{http_code}', '--max-time', '3', `http://${addr}:${port}/`]).out.trim() || '000';
}
/** The ports tables in the host namespace. */
function portTables(): string[] {
  return sh(hostNs, ['nft', 'list', 'tables', 'ip'])
    .out.split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('table ip claude-ports-'))
    .map((l) => l.slice('table ip '.length));
}
async function idOf(name: string): Promise<string> {
  return (await engine.inspectContainer(name))!.id;
}
async function apply(steps: PlanStep[]) {
  const text = signPlan(makePlan(steps, { hostId: host.hostId, base: resourceFingerprints(await engine.observe()) }), host.key.privateKey);
  return applyPlan(text, { engine, dataDir, trustedKeys: host.trusted(), hostId: host.hostId, now: () => new Date() });
}

const net = n('pnet');
// web on every address of the host (8080) and on its loopback only (8081)
const web = containerSpec({
  name: n('web'),
  service: 'web',
  image: WEB,
  networks: [{ name: net, aliases: ['web'] }],
  ports: [
    { host: 8080, container: 80, protocol: 'tcp' },
    { host: 8081, container: 80, protocol: 'tcp', hostIp: '127.0.0.1' },
  ],
  healthcheck: health('wget -q -O- http://127.0.0.1/ >/dev/null'),
  restart: 'unless-stopped',
});

beforeAll(async () => {
  for (const ns of [hostNs, clientNs]) {
    execFileSync('ip', ['netns', 'add', ns]);
    execFileSync('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
  }
  // the client on the host's LAN: a veth pair, 10.231.7.1 (host) and .2 (client)
  const [a, b] = [`pth${suffix}`, `ptc${suffix}`];
  execFileSync('ip', ['link', 'add', a, 'netns', hostNs, 'type', 'veth', 'peer', 'name', b, 'netns', clientNs]);
  execFileSync('ip', ['-n', hostNs, 'addr', 'add', `${HOST_ADDR}/24`, 'dev', a]);
  execFileSync('ip', ['-n', clientNs, 'addr', 'add', '10.231.7.2/24', 'dev', b]);
  execFileSync('ip', ['-n', hostNs, 'link', 'set', a, 'up']);
  execFileSync('ip', ['-n', clientNs, 'link', 'set', b, 'up']);
  sh(hostNs, ['sysctl', '-qw', 'net.ipv4.ip_forward=1']);
  // as dockerd leaves a host it runs on: forwarding dropped unless a rule accepts it
  execFileSync('ip', ['netns', 'exec', hostNs, 'iptables', '-P', 'FORWARD', 'DROP']);
  ctd = await startContainerd(`ports-${suffix}`);
  dataDir = mkdtempSync(join(tmpdir(), 'claude-ports-data-'));
  root = mkdtempSync(join(tmpdir(), 'claude-ports-root-'));
  const imageDir = join(dataDir, 'images');
  mkdirSync(imageDir);
  for (const [f, i] of [['web', WEB], ['busybox', BUSYBOX]]) execFileSync('docker', ['save', '-o', join(imageDir, `${f}.tar`), i!]);
  host = setupTestHost(dataDir);
  engine = new ContainerdEngine({ address: ctd.address, namespace: `claude-ports-${suffix}`, root, dataDir, hostId: host.hostId, imageDir, hostNetns: hostNs });
  ctd.track({ engine, netns: clientNs, dir: dataDir });
  ctd.track({ dir: root });
}, 300_000);

afterAll(async () => {
  await removeEngineState(engine);
  await ctd?.stop();
  for (const ns of [hostNs, clientNs]) execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
  for (const d of [dataDir, root]) if (d) rmSync(d, { recursive: true, force: true });
}, 120_000);

describe.sequential('published ports on containerd, in nftables', () => {
  it('a plan publishes web: one table of its own, answered from the host (any address, loopback) and from the LAN (0.0.0.0 only); nothing in iptables, no portmap chain', async () => {
    const r = await apply([S.network(net), S.image(WEB), S.create(web, { dependsOn: [`network/${net}`, `image/${WEB}`] }), S.start(web)]);
    expect(r.error?.message ?? '', ctd.log().slice(-2000)).toBe('');
    expect(r.status).toBe('applied');
    const id = await idOf(web.name);
    expect(portTables()).toEqual([`claude-ports-${id}`]);
    expect(http(hostNs, '127.0.0.1', 8080)).toBe('200');
    expect(http(hostNs, HOST_ADDR, 8080)).toBe('200');
    expect(http(hostNs, '127.0.0.1', 8081)).toBe('200');
    expect(http(clientNs, HOST_ADDR, 8080)).toBe('200');
    // bound to the host's loopback: not reachable as 8081 on its LAN address
    expect(http(clientNs, HOST_ADDR, 8081)).toBe('000');
    const ipt = sh(hostNs, ['iptables-save']).out;
    expect(ipt).not.toContain('CNI-HOSTPORT');
    expect(ipt).not.toContain('CNI-DN');
  }, 300_000);

  it('a container created and not started holds no host port (no table); its start publishes it, its removal takes it away (review L4)', async () => {
    const idle = containerSpec({ name: n('idle'), image: WEB, networks: [{ name: net, aliases: [] }], ports: [{ host: 9191, container: 80, protocol: 'tcp' }] });
    const id = await engine.createContainer({ ...idle, state: 'stopped' }, {});
    try {
      // before: published at create, a port held by a container that never ran
      expect(portTables()).toEqual([`claude-ports-${await idOf(web.name)}`]);
      expect(http(hostNs, '127.0.0.1', 9191)).toBe('000');
      await engine.startContainer(id);
      expect(portTables().sort()).toEqual([`claude-ports-${await idOf(web.name)}`, `claude-ports-${id}`].sort());
      let code = '000';
      for (let i = 0; i < 40 && code !== '200'; i++) {
        code = http(hostNs, '127.0.0.1', 9191);
        if (code !== '200') await new Promise((res) => setTimeout(res, 250));
      }
      expect(code).toBe('200');
    } finally {
      await engine.removeContainer(id);
    }
    expect(portTables()).toEqual([`claude-ports-${await idOf(web.name)}`]);
  }, 120_000);

  it('survives a flushed table: the supervisor pass loads it again; and a crashed task restarted by the supervisor keeps its ports', async () => {
    const id = await idOf(web.name);
    sh(hostNs, ['nft', 'delete', 'table', 'ip', `claude-ports-${id}`]);
    expect(http(hostNs, '127.0.0.1', 8080)).toBe('000');
    const state = newSupervisorState();
    await supervisePass(engine, state);
    expect(portTables()).toEqual([`claude-ports-${id}`]);
    expect(http(hostNs, '127.0.0.1', 8080)).toBe('200');
    // the task killed behind the runtime's back, then brought back by the supervisor (restart: unless-stopped)
    await engine.api.tasks.Kill({ containerId: id, execId: '', signal: 9, all: true });
    await engine.api.tasks.Wait({ containerId: id, execId: '' }, { deadlineMs: 30_000 }).catch(() => undefined);
    await supervisePass(engine, state);
    let code = '000';
    for (let i = 0; i < 60 && code !== '200'; i++) {
      code = http(hostNs, '127.0.0.1', 8080);
      if (code !== '200') await new Promise((res) => setTimeout(res, 500));
    }
    expect(code).toBe('200');
    expect(portTables()).toEqual([`claude-ports-${id}`]);
  }, 120_000);

  it('a stop takes the table away (the port stops answering); a start loads it again', async () => {
    const id = await idOf(web.name);
    const stopped = await apply([S.stop(web.name)]);
    expect(stopped.status).toBe('applied');
    expect(portTables()).toEqual([]);
    expect(http(hostNs, '127.0.0.1', 8080)).toBe('000');
    const started = await apply([{ ...S.start(web), dependsOn: [] }]);
    expect(started.error?.message ?? '').toBe('');
    expect(portTables()).toEqual([`claude-ports-${id}`]);
    expect(http(clientNs, HOST_ADDR, 8080)).toBe('200');
  }, 120_000);

  it('a create rolled back (its service exited before it was ready) leaves no table and no port; web keeps its own', async () => {
    const bad = containerSpec({ name: n('bad'), image: BUSYBOX, command: ['sh', '-c', 'sleep 1; exit 3'], networks: [{ name: net, aliases: [] }], ports: [{ host: 9090, container: 90, protocol: 'tcp' }], healthcheck: health('false', 200) });
    const r = await apply([S.image(BUSYBOX), S.create(bad, { dependsOn: [`image/${BUSYBOX}`] }), S.start(bad, { timeoutMs: 20_000 })]);
    expect(r.status).toBe('rolled-back');
    expect(await engine.inspectContainer(bad.name)).toBeNull();
    expect(portTables()).toEqual([`claude-ports-${await idOf(web.name)}`]);
    expect(http(hostNs, '127.0.0.1', 8080)).toBe('200');
  }, 120_000);

  it('a removal takes the table away', async () => {
    const r = await apply([S.remove(web.name)]);
    expect(r.status).toBe('applied');
    expect(portTables()).toEqual([]);
    expect(http(hostNs, '127.0.0.1', 8080)).toBe('000');
  }, 120_000);
});
