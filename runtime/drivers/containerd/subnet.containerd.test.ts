/**
 * The containerd driver's subnet choice sees every engine on the host: two driver instances
 * with state of their own (two Claude.OS data dirs, or a test world beside a device's) and
 * Docker's bridges. Real `ip` in a network namespace this file makes to play the host
 * (`hostNetns`), on a private containerd (testutil/containerd.ts; one namespace per instance).
 * 10.89.0.0/16 is filled with routes but for two /24s, so a choice that does not see the
 * other instance's network takes the same /24 (before: the bridge was made at the first
 * attach, so a network with no container yet was in its own driver's records only). The
 * namespace and dirs are removed afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ContainerdEngine } from './engine.js';
import { Cni, claimMac, cniBinDir, firstAddress } from './cni.js';
import { startContainerd, type TestContainerd } from '../../testutil/containerd.js';

const suffix = randomBytes(4).toString('hex');
const ns = `claude-sn-${suffix}`;
const dirs: string[] = [];
const engines: ContainerdEngine[] = [];
let ctd: TestContainerd;

function engine(tag: string): ContainerdEngine {
  const dataDir = mkdtempSync(join(tmpdir(), `claude-sn-${tag}-`));
  dirs.push(dataDir);
  const e = new ContainerdEngine({ address: ctd.address, namespace: `claude-sn-${suffix}-${tag}`, root: dataDir, dataDir, hostId: `host-${tag}`, hostNetns: ns });
  ctd.track({ engine: e, dir: dataDir });
  engines.push(e);
  return e;
}
function routes(): { dst: string; dev: string }[] {
  return JSON.parse(execFileSync('ip', ['-n', ns, '-4', '-j', 'route', 'show'], { encoding: 'utf8' })) as { dst: string; dev: string }[];
}

beforeAll(async () => {
  ctd = await startContainerd(`sn-${suffix}`);
  execFileSync('ip', ['netns', 'add', ns]);
  ctd.track({ netns: ns });
  // what another engine routes: every /24 of 10.89.0.0/16 but 10.89.77.0/24 and 10.89.78.0/24 (as Docker's bridges would be)
  execFileSync('ip', ['-n', ns, 'link', 'add', 'br-other', 'type', 'bridge']);
  execFileSync('ip', ['-n', ns, 'link', 'set', 'br-other', 'up']);
  const batch = Array.from({ length: 256 }, (_, i) => i)
    .filter((i) => i !== 77 && i !== 78)
    .map((i) => `route add 10.89.${i}.0/24 dev br-other`)
    .join('\n');
  execFileSync('ip', ['-n', ns, '-batch', '-'], { input: batch + '\n' });
}, 120_000);

afterAll(async () => {
  for (const e of engines) e.close();
  await ctd?.stop();
  execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('subnet choice on containerd', () => {
  it('a network of one instance is routed from its creation, so a second instance takes the other free /24, and a third is told none is left', async () => {
    const a = engine('a');
    const b = engine('b');
    await a.createNetwork({ name: 'app', driver: 'bridge', internal: false, labels: {} });
    const sa = (await a.inspectNetwork('app'))!.subnet!;
    expect(['10.89.77.0/24', '10.89.78.0/24']).toContain(sa);
    // its bridge is up with the gateway address: the subnet is a route on the host now
    expect(routes().filter((r) => r.dst === sa).map((r) => r.dev)).toEqual([expect.stringMatching(/^claude[0-9a-f]{9}$/)]);
    expect(execFileSync('ip', ['-n', ns, '-4', '-o', 'addr', 'show', 'dev', routes().find((r) => r.dst === sa)!.dev], { encoding: 'utf8' })).toContain(`${firstAddress(sa)}/24`);
    await b.createNetwork({ name: 'app', driver: 'bridge', internal: false, labels: {} });
    const sb = (await b.inspectNetwork('app'))!.subnet!;
    expect(['10.89.77.0/24', '10.89.78.0/24']).toContain(sb);
    expect(sb).not.toBe(sa);
    const c = engine('c');
    await expect(c.createNetwork({ name: 'app', driver: 'bridge', internal: false, labels: {} })).rejects.toThrow(/no free \/24 left in 10\.89\.0\.0\/16/);
    // removed with its network: the /24 is free again
    await a.removeNetwork('app');
    expect(routes().some((r) => r.dst === sa)).toBe(false);
    await c.createNetwork({ name: 'app', driver: 'bridge', internal: false, labels: {} });
    expect((await c.inspectNetwork('app'))!.subnet).toBe(sa);
    for (const e of [b, c]) await e.removeNetwork('app');
    expect(routes().filter((r) => r.dev.startsWith('claude'))).toEqual([]);
  });

  it('two instances that claim the same /24 at the same moment end with one each', async () => {
    const [x, y] = [engine('x'), engine('y')];
    // both settled, and removed whatever happened (a failure here left bridges, and the next test failed on them)
    const made = await Promise.allSettled([x, y].map((e) => e.createNetwork({ name: 'same', driver: 'bridge', internal: false, labels: {} })));
    try {
      expect(made.map((m) => (m.status === 'rejected' ? (m.reason as Error).message : m.status))).toEqual(['fulfilled', 'fulfilled']);
      const got = [(await x.inspectNetwork('same'))!.subnet, (await y.inspectNetwork('same'))!.subnet].sort();
      expect(got).toEqual(['10.89.77.0/24', '10.89.78.0/24']);
    } finally {
      for (const e of [x, y]) await e.removeNetwork('same');
    }
  });

  it('a claim that looks after another instance took the same /24 (its choice made before that bridge was up) yields to it, whatever the bridge names sort (CI 2026-12-06: both kept it)', async () => {
    const cni = new Cni(cniBinDir(), join(tmpdir(), 'claude-sn-unused-ipam'), undefined, ns); // claims use no IPAM
    // the other instance claimed first and saw no one; this one's name sorts first (it kept the /24 before)
    expect(await cni.claimBridge('claudefffffffff', '10.89.77.0/24', true)).toBe(true);
    try {
      expect(await cni.claimBridge('claude000000000', '10.89.77.0/24', true)).toBe(false);
      expect(routes().filter((r) => r.dst === '10.89.77.0/24').map((r) => r.dev)).toEqual(['claudefffffffff']);
      expect(await cni.linkExists('claude000000000')).toBe(false);
    } finally {
      for (const b of ['claudefffffffff', 'claude000000000']) await cni.removeBridge(b);
    }
  });

  it("another instance's bridge made for a /24 but not up yet (no route) is a claim: a choice made then takes the other /24", async () => {
    // what another instance's `ip link add … address <claim>` made, the moment before its address and route
    execFileSync('ip', ['-n', ns, 'link', 'add', 'claudeeeeeeeeee', 'address', claimMac('10.89.77.0/24'), 'type', 'bridge']);
    const z = engine('z');
    try {
      await z.createNetwork({ name: 'mid', driver: 'bridge', internal: false, labels: {} });
      expect((await z.inspectNetwork('mid'))!.subnet).toBe('10.89.78.0/24');
    } finally {
      await z.removeNetwork('mid');
      execFileSync('ip', ['-n', ns, 'link', 'del', 'claudeeeeeeeeee']);
    }
    expect(routes().filter((r) => r.dev.startsWith('claude'))).toEqual([]);
  });

  it('two processes on one state dir making the same network at once (an apply and the supervisor, the default network on first use): one record, one bridge, none left behind', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'claude-sn-shared-'));
    dirs.push(dataDir);
    const [p, q] = [0, 1].map((i) => {
      const e = new ContainerdEngine({ address: ctd.address, namespace: `claude-sn-${suffix}-shared`, root: dataDir, dataDir, hostId: 'host-shared', hostNetns: ns });
      ctd.track({ engine: e, dir: dataDir });
      engines.push(e);
      return e;
    });
    const made = await Promise.allSettled([p!, q!].map((e) => e.createNetwork({ name: 'bridge', driver: 'bridge', internal: false, labels: {} })));
    expect(made.map((m) => m.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(((made.find((m) => m.status === 'rejected') as PromiseRejectedResult).reason as Error).message).toBe('network bridge already exists on containerd');
    const rec = (await p!.inspectNetwork('bridge'))!;
    expect(routes().filter((r) => r.dev.startsWith('claude')).map((r) => r.dst)).toEqual([rec.subnet]);
    await q!.removeNetwork('bridge');
    expect(routes().filter((r) => r.dev.startsWith('claude'))).toEqual([]);
  });

  it('a claim is a locally administered unicast MAC address naming the subnet', () => {
    expect(claimMac('10.89.77.0/24')).toBe('02:0a:59:4d:00:18');
    expect(claimMac('172.20.0.0/16')).toBe('02:ac:14:00:00:10');
    expect(() => claimMac('10.89.77.0')).toThrow('not an IPv4 subnet: 10.89.77.0');
  });

  it('firstAddress gives the gateway of any IPv4 prefix', () => {
    expect(firstAddress('10.89.3.0/24')).toBe('10.89.3.1');
    expect(firstAddress('172.20.0.0/16')).toBe('172.20.0.1');
    expect(firstAddress('192.168.5.77/28')).toBe('192.168.5.65');
  });
});
