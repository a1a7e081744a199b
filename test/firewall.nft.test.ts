/**
 * Real nftables, real traffic. Three network namespaces made per run:
 *
 *   claude-cli-<r>  10.0.1.50/8 + 203.0.113.7/24 ──veth── 10.0.0.1/8 + 203.0.113.1/24  claude-srv-<r>
 *                                                          listeners on 22, 80, 443, 5432
 *                                                          172.31.0.1/24 "br-ctr" ──veth── 172.31.0.2/24  claude-ctr-<r>
 *                                                          (a fake Docker: DNAT 8080 → 172.31.0.2:80)  listener on 80
 *                                                          172.31.1.1/24 "claude123456789" ──veth── 172.31.1.2/24  claude-ctd-<r>
 *                                                          (named like a containerd CNI bridge; the client routes 172.31.1.0/24 back)
 *
 * Only addresses inside these namespaces are used. Everything is removed in afterAll.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { NftDriver, NftError, hashNftJson } from '../runtime/drivers/nft.js';
import { applyConfirmed, confirmPending, currentLoad, listPending, recoverPendingFirewall, settleAfterRecovery } from '../runtime/firewall-confirm.js';
import { FirewallRevertedError, createNftFirewallBackend, firewallJournalDir, runTcpProbes } from '../runtime/firewall-backend.js';
// Compiler and runtime together: the compiler produces the rulesets the runtime's nft driver loads.
// It lives in test/ because runtime/ never imports compiler/, not even from its tests.
import { compileFirewall, evaluate, type FirewallSpec } from '../compiler/firewall.js';
import { applyPlanned, openFlowHost, planFiles, recoverHost, stateHeadOf } from '../agent/flow.js';
import { transpileForChild, type ChildBuild } from '../runtime/testutil/transpile-child.js';
import { netnsPerRun } from '../runtime/testutil/netns.js';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const r = randomBytes(3).toString('hex');
const SRV = netnsPerRun('claude-srv', { lo: true });
const CLI = netnsPerRun('claude-cli', { lo: true });
const CTR = netnsPerRun('claude-ctr', { lo: true });
const CTD = netnsPerRun('claude-ctd', { lo: true });
/** An interface named like the containerd backend's CNI bridges (plan/bridges.ts: claude + 9 hex). */
const CTD_BRIDGE = 'claude123456789';
const procs: ChildProcess[] = [];
let tmp = '';
let bundleDir = '';

const sh = (args: string[]): string => execFileSync(args[0]!, args.slice(1), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const nsx = (ns: string, args: string[]): string => sh(['ip', 'netns', 'exec', ns, ...args]);

const FAKE_DOCKER = `table ip docker-fake {
	chain prerouting {
		type nat hook prerouting priority dstnat; policy accept;
		ip daddr 10.0.0.1 tcp dport 8080 dnat to 172.31.0.2:80
		ip daddr 203.0.113.1 tcp dport 8080 dnat to 172.31.0.2:80
	}
	chain postrouting {
		type nat hook postrouting priority srcnat; policy accept;
		ip saddr 172.31.0.0/24 oifname != "br-ctr" masquerade
	}

	chain x {
		iifname "docker0" counter accept
	}
}
`;

const SPEC: FirewallSpec = {
  enabled: true,
  default_input_policy: 'drop',
  default_output_policy: 'accept',
  default_forward_policy: 'drop',
  rules: [
    { name: 'allow-ssh-internal', direction: 'input', protocol: 'tcp', port: 22, source: '10.0.0.0/8', action: 'accept' },
    { name: 'allow-http', direction: 'input', protocol: 'tcp', port: 80, action: 'accept' },
    { name: 'allow-https', direction: 'input', protocol: 'tcp', port: 443, action: 'accept' },
    { name: 'allow-established', direction: 'input', protocol: 'all', state: 'established,related', action: 'accept' },
    { name: 'allow-loopback', direction: 'input', interface: 'lo', action: 'accept' },
  ],
};

interface Probe {
  from: string;
  to: string;
  port: number;
}

/** Real TCP connects from the client namespace, bound to `from`; true = connected. */
function probe(list: Probe[], timeoutMs = 600): boolean[] {
  const script = `
const net = require('net');
const list = JSON.parse(process.argv[1]);
Promise.all(list.map((p) => new Promise((res) => {
  const s = net.connect({ host: p.to, port: p.port, localAddress: p.from });
  const t = setTimeout(() => { s.destroy(); res(false); }, ${timeoutMs});
  s.on('connect', () => { clearTimeout(t); s.destroy(); res(true); });
  s.on('error', () => { clearTimeout(t); res(false); });
}))).then((r) => process.stdout.write(JSON.stringify(r)));`;
  return JSON.parse(nsx(CLI, ['node', '-e', script, JSON.stringify(list)])) as boolean[];
}

const probeAsync = (list: Probe[]): Promise<boolean[]> => Promise.resolve(probe(list));

function fakeDockerText(): string {
  return nsx(SRV, ['nft', 'list', 'table', 'ip', 'docker-fake']);
}

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), `claude-fw-${r}-`));
  sh(['ip', '-n', SRV, 'link', 'add', 'veth-srv', 'type', 'veth', 'peer', 'name', 'veth-cli', 'netns', CLI]);
  sh(['ip', '-n', SRV, 'addr', 'add', '10.0.0.1/8', 'dev', 'veth-srv']);
  sh(['ip', '-n', SRV, 'addr', 'add', '203.0.113.1/24', 'dev', 'veth-srv']);
  sh(['ip', '-n', SRV, 'link', 'set', 'veth-srv', 'up']);
  sh(['ip', '-n', CLI, 'addr', 'add', '10.0.1.50/8', 'dev', 'veth-cli']);
  sh(['ip', '-n', CLI, 'addr', 'add', '203.0.113.7/24', 'dev', 'veth-cli']);
  sh(['ip', '-n', CLI, 'link', 'set', 'veth-cli', 'up']);
  sh(['ip', '-n', SRV, 'addr', 'add', 'fd00:c1a0::1/64', 'dev', 'veth-srv', 'nodad']);
  sh(['ip', '-n', CLI, 'addr', 'add', 'fd00:c1a0::50/64', 'dev', 'veth-cli', 'nodad']);
  sh(['ip', '-n', CLI, 'addr', 'add', 'fd00:c1a0::51/64', 'dev', 'veth-cli', 'nodad']);
  // The "container": a namespace behind an interface named like a Docker bridge.
  sh(['ip', '-n', SRV, 'link', 'add', 'br-ctr', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', CTR]);
  sh(['ip', '-n', SRV, 'addr', 'add', '172.31.0.1/24', 'dev', 'br-ctr']);
  sh(['ip', '-n', SRV, 'link', 'set', 'br-ctr', 'up']);
  sh(['ip', '-n', CTR, 'addr', 'add', '172.31.0.2/24', 'dev', 'eth0']);
  sh(['ip', '-n', CTR, 'link', 'set', 'eth0', 'up']);
  sh(['ip', '-n', CTR, 'route', 'add', 'default', 'via', '172.31.0.1']);
  // The containerd "container": behind an interface named like a CNI bridge, no NAT (the
  // client routes its subnet back through the server instead).
  sh(['ip', '-n', SRV, 'link', 'add', CTD_BRIDGE, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', CTD]);
  sh(['ip', '-n', SRV, 'addr', 'add', '172.31.1.1/24', 'dev', CTD_BRIDGE]);
  sh(['ip', '-n', SRV, 'link', 'set', CTD_BRIDGE, 'up']);
  sh(['ip', '-n', CTD, 'addr', 'add', '172.31.1.2/24', 'dev', 'eth0']);
  sh(['ip', '-n', CTD, 'link', 'set', 'eth0', 'up']);
  sh(['ip', '-n', CTD, 'route', 'add', 'default', 'via', '172.31.1.1']);
  sh(['ip', '-n', CLI, 'route', 'add', '172.31.1.0/24', 'via', '203.0.113.1']);
  nsx(SRV, ['sysctl', '-q', '-w', 'net.ipv4.ip_forward=1']);
  nsx(SRV, ['nft', '-f', writeTmp('fake-docker.nft', FAKE_DOCKER)]);

  const listen = (ns: string, ports: number[]): Promise<void> =>
    new Promise((res, rej) => {
      const p = spawn('ip', ['netns', 'exec', ns, 'node', '-e', `
const net = require('net'); let n = 0; const ports = ${JSON.stringify(ports)};
for (const port of ports) net.createServer((s) => { s.on('error', () => {}); s.end('hi'); }).listen(port, '::', () => { if (++n === ports.length) console.log('ready'); });`], { stdio: ['ignore', 'pipe', 'inherit'] });
      procs.push(p);
      p.stdout!.on('data', (b: Buffer) => (String(b).includes('ready') ? res() : undefined));
      p.on('exit', (c) => rej(new Error(`listener in ${ns} exited ${c}`)));
    });
  await Promise.all([listen(SRV, [22, 80, 443, 5432]), listen(CTR, [80])]);
});

afterAll(() => {
  for (const p of procs) if (p.pid && p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  if (tmp) rmSync(tmp, { recursive: true, force: true });
  if (bundleDir) rmSync(bundleDir, { recursive: true, force: true });
});

function writeTmp(name: string, text: string): string {
  const p = join(tmp, name);
  writeFileSync(p, text);
  return p;
}

const driver = (): NftDriver => new NftDriver({ netns: SRV });

/** A TCP connect from a container namespace to the client's port 9 (nothing listens): ECONNREFUSED = through forward and back, timeout = dropped (3 s: a busy machine still answers well within it). */
function egressFrom(ns: string): string {
  return nsx(ns, ['node', '-e', `const s=require('net').connect({host:'203.0.113.7',port:9,timeout:3000});s.on('connect',()=>{console.log('open');s.destroy()});s.on('error',(e)=>{console.log(e.code)});s.on('timeout',()=>{console.log('timeout');s.destroy()})`]).trim();
}

const ssh10 = { from: '10.0.1.50', to: '10.0.0.1', port: 22 };
const ssh203 = { from: '203.0.113.7', to: '203.0.113.1', port: 22 };
const http = { from: '203.0.113.7', to: '203.0.113.1', port: 80 };
const https = { from: '203.0.113.7', to: '203.0.113.1', port: 443 };
const pg = { from: '10.0.1.50', to: '10.0.0.1', port: 5432 };

describe('NftDriver in a network namespace', () => {
  test('with no table: everything connects, observe says absent', async () => {
    const d = driver();
    expect(await d.observe()).toEqual({ present: false, json: null, hash: null, inputPolicy: null });
    expect(probe([ssh10, ssh203, http, pg])).toEqual([true, true, true, true]);
  });

  test('"default drop, SSH from 10/8, 80+443 from anywhere, established, loopback" filters real traffic', async () => {
    const d = driver();
    const fw = compileFirewall(SPEC);
    await d.apply(fw.ruleset);
    const obs = await d.observe();
    expect(obs.present).toBe(true);
    expect(obs.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(obs.inputPolicy).toBe('drop');
    expect(probe([ssh10, ssh203, http, https, pg])).toEqual([true, false, true, true, false]);
    // The compiler's evaluator agrees with the kernel on each of these.
    for (const [p, want] of [[ssh10, true], [ssh203, false], [http, true], [https, true], [pg, false]] as const) {
      const v = evaluate(fw, { chain: 'input', protocol: 'tcp', src: p.from, dst: p.to, dport: p.port, state: 'new', notLoopback: true });
      expect(v.verdict === 'accept', `${p.from} → ${p.port}`).toBe(want);
    }
    // Loading the same text again gives the same observed hash (handles are ignored).
    await d.apply(fw.ruleset);
    expect((await d.observe()).hash).toBe(obs.hash);
  });

  test('a rule mixing IPv4 and IPv6 sources filters both families (two nft rules)', async () => {
    const d = driver();
    const fw = compileFirewall({ ...SPEC, rules: [...SPEC.rules!, { name: 'pg-mixed', protocol: 'tcp', port: 5432, source: ['10.0.0.0/8', 'fd00:c1a0::50'], action: 'accept' }] });
    expect(fw.rules.filter((x) => x.name === 'pg-mixed' && x.chain === 'input').map((x) => x.family)).toEqual(['ip', 'ip6']);
    const v6 = (from: string, port: number) => ({ from, to: 'fd00:c1a0::1', port });
    // Without the built-in neighbour-discovery rule, a drop policy cuts IPv6 off entirely.
    const noNd = compileFirewall({ ...SPEC, rules: [...SPEC.rules!, { name: 'pg-mixed', protocol: 'tcp', port: 5432, source: ['10.0.0.0/8', 'fd00:c1a0::50'], action: 'accept' }] }, { ipv6NeighbourDiscovery: false });
    nsx(SRV, ['ip', 'neigh', 'flush', 'all']);
    nsx(CLI, ['ip', 'neigh', 'flush', 'all']);
    await d.apply(noNd.ruleset);
    expect(probe([v6('fd00:c1a0::50', 5432)])).toEqual([false]);
    await d.apply(fw.ruleset);
    expect(probe([pg, v6('fd00:c1a0::50', 5432), v6('fd00:c1a0::51', 5432), { ...pg, from: '203.0.113.7', to: '203.0.113.1' }])).toEqual([true, true, false, false]);
    // 80 has no source: both families; 22 is 10.0.0.0/8 only: IPv6 is blocked.
    expect(probe([v6('fd00:c1a0::51', 80), v6('fd00:c1a0::50', 22)])).toEqual([true, false]);
    await d.apply(compileFirewall(SPEC).ruleset);
  });

  test('a ruleset with a syntax error changes nothing', async () => {
    const d = driver();
    const before = await d.observe();
    const bad = compileFirewall(SPEC).ruleset.replace('tcp dport 22 accept', 'tcp dport 22 acept');
    await expect(d.check(bad)).rejects.toThrow(NftError);
    const err = await d.apply(bad).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NftError);
    expect((err as NftError).message).toMatch(/syntax error|Error/);
    // Even without the separate check, the load is one transaction: nothing half-applied.
    await expect(d.apply(bad, { check: false })).rejects.toThrow(NftError);
    expect((await d.observe()).hash).toBe(before.hash);
    expect(probe([ssh10, ssh203])).toEqual([true, false]);
  });

  test('a manual edit changes the observed hash (drift)', async () => {
    const d = driver();
    const before = await d.observe();
    nsx(SRV, ['nft', 'add', 'rule', 'inet', 'claude', 'input', 'tcp', 'dport', '5432', 'accept']);
    const after = await d.observe();
    expect(after.hash).not.toBe(before.hash);
    await d.apply(compileFirewall(SPEC).ruleset);
    expect((await d.observe()).hash).toBe(before.hash);
  });

  test('published (DNAT-ed) container ports follow the input rules; without the handling they bypass them', async () => {
    const d = driver();
    const via10 = { from: '10.0.1.50', to: '10.0.0.1', port: 8080 };
    const via203 = { from: '203.0.113.7', to: '203.0.113.1', port: 8080 };
    // "Block everything except SSH": the published port is blocked too.
    await d.apply(compileFirewall(SPEC).ruleset);
    expect(probe([via10, via203])).toEqual([false, false]);
    // Allow 8080 from 10/8 only: the original destination port is what counts.
    const allow = compileFirewall({ ...SPEC, rules: [...SPEC.rules!, { name: 'allow-app', protocol: 'tcp', port: 8080, source: '10.0.0.0/8', action: 'accept' }] });
    await d.apply(allow.ruleset);
    expect(probe([via10, via203])).toEqual([true, false]);
    // The naive table (no published chain) with an accepting forward policy: moby#22054.
    const naive = compileFirewall({ ...SPEC, default_forward_policy: 'accept' }, { containerForwarding: false });
    await d.apply(naive.ruleset);
    expect(probe([via10, via203, ssh203])).toEqual([true, true, false]);
    // Container egress (from the bridge) still works under forward policy drop.
    await d.apply(compileFirewall(SPEC).ruleset);
    // Nothing listens on the client's port 9: a RST (ECONNREFUSED) proves the packet got through forward and back.
    expect(egressFrom(CTR)).toBe('ECONNREFUSED');
  });

  test("container egress on containerd: a CNI bridge (claude*) gets through forward policy drop; with Docker's bridges alone it was dropped", async () => {
    const d = driver();
    await d.apply(compileFirewall(SPEC).ruleset);
    expect(egressFrom(CTD)).toBe('ECONNREFUSED');
    expect(egressFrom(CTR)).toBe('ECONNREFUSED');
    // What the compiler made before the containerd bridges were named (docker0, br-* only):
    await d.apply(compileFirewall(SPEC, { containerForwarding: { interfaces: ['docker0', 'br-*'] } }).ruleset);
    expect(egressFrom(CTD)).toBe('timeout');
    expect(egressFrom(CTR)).toBe('ECONNREFUSED');
    // Traffic towards the container that it did not start stays under the forward policy.
    const inbound = nsx(CLI, ['node', '-e', `const s=require('net').connect({host:'172.31.1.2',port:80,timeout:600});s.on('connect',()=>{console.log('open');s.destroy()});s.on('error',(e)=>{console.log(e.code)});s.on('timeout',()=>{console.log('timeout');s.destroy()})`]);
    await d.apply(compileFirewall(SPEC).ruleset);
    const inboundNow = nsx(CLI, ['node', '-e', `const s=require('net').connect({host:'172.31.1.2',port:80,timeout:600});s.on('connect',()=>{console.log('open');s.destroy()});s.on('error',(e)=>{console.log(e.code)});s.on('timeout',()=>{console.log('timeout');s.destroy()})`]);
    expect([inbound.trim(), inboundNow.trim()]).toEqual(['timeout', 'timeout']);
  });

  test('remove() deletes only inet claude; the fake docker table stays byte-identical', async () => {
    const d = driver();
    const docker0 = fakeDockerText();
    await d.apply(compileFirewall(SPEC).ruleset);
    expect(fakeDockerText()).toBe(docker0);
    await d.remove();
    await d.remove(); // idempotent
    expect((await d.observe()).present).toBe(false);
    expect(fakeDockerText()).toBe(docker0);
    expect(nsx(SRV, ['nft', 'list', 'tables']).trim().split('\n')).toEqual(['table ip docker-fake']);
    // The driver's list/observe never show other tables.
    await d.apply(compileFirewall(SPEC).ruleset);
    expect(JSON.stringify((await d.observe()).json)).not.toContain('docker-fake');
    expect(fakeDockerText()).toBe(docker0);
  });

  test('the golden rulesets load, and their listing reloads to the same observed hash (what a revert relies on)', async () => {
    const d = driver();
    const dir = join(repo, 'compiler', 'testdata', 'firewall');
    const files = readdirSync(dir).filter((f) => f.endsWith('.nft'));
    expect(files.length).toBeGreaterThanOrEqual(2);
    for (const f of files) {
      const text = readFileSync(join(dir, f), 'utf8');
      await d.apply(text);
      const first = await d.observe();
      const snap = await d.snapshot();
      expect(snap.present).toBe(true);
      await d.remove();
      await d.apply(snap.ruleset);
      expect((await d.observe()).hash, f).toBe(first.hash);
    }
    await d.apply(compileFirewall(SPEC).ruleset);
  });

  test('hashNftJson ignores handles and metainfo', () => {
    const a = { nftables: [{ metainfo: { version: '1' } }, { table: { family: 'inet', name: 'claude', handle: 3 } }] };
    const b = { nftables: [{ metainfo: { version: '2' } }, { table: { family: 'inet', name: 'claude', handle: 9 } }] };
    const c = { nftables: [{ table: { family: 'inet', name: 'other', handle: 9 } }] };
    expect(hashNftJson(a)).toBe(hashNftJson(b));
    expect(hashNftJson(a)).not.toBe(hashNftJson(c));
  });
});

describe('commit-confirmed', () => {
  const sshOnly203Blocked = (): string => compileFirewall(SPEC).ruleset;
  // The change under test: drops SSH from 10/8 too (the admin's network).
  const lockout = (): string => compileFirewall({ ...SPEC, rules: SPEC.rules!.filter((x) => x.name !== 'allow-ssh-internal') }).ruleset;

  test('a failing probe reverts to the previous table', async () => {
    const d = driver();
    const journal = join(tmp, 'j-fail');
    await d.apply(sshOnly203Blocked());
    const before = await d.observe();
    const docker0 = fakeDockerText();
    const t0 = Date.now();
    // A wide window: on a busy machine a probe (a node process in the namespace) takes seconds.
    const res = await applyConfirmed(d, lockout(), { timeoutMs: 12_000, journalDir: journal, probes: async () => (await probeAsync([ssh10]))[0]! });
    expect(res.outcome).toBe('reverted');
    expect(res.by).toBe('probes');
    expect(Date.now() - t0).toBeLessThan(12_000); // the probe settled it, not the deadline
    expect(res.observed.hash).toBe(before.hash);
    expect(probe([ssh10])).toEqual([true]);
    expect(listPending(journal)).toEqual([]);
    expect(readdirSync(journal).filter((f) => f.startsWith('firewall-pending-'))).toEqual([]);
    expect(readFileSync(join(journal, 'firewall-confirm.log'), 'utf8')).toContain(`${res.id} reverted by probes`);
    expect(fakeDockerText()).toBe(docker0);
  });

  test('a probe that never answers is reverted at the deadline', async () => {
    const d = driver();
    const journal = join(tmp, 'j-hang');
    const before = await d.observe();
    const t0 = Date.now();
    const res = await applyConfirmed(d, lockout(), { timeoutMs: 1500, journalDir: journal, probes: () => new Promise<boolean>(() => {}) });
    const took = Date.now() - t0;
    expect(res.outcome).toBe('reverted');
    expect(['deadline', 'watchdog']).toContain(res.by);
    expect(took).toBeGreaterThanOrEqual(1400);
    // Reverted by the deadline, not by the probe (which never settles). The slack is for the
    // revert itself: nft under a loaded CI machine took 5.6 s past a 1.5 s deadline.
    expect(took).toBeLessThan(1500 + 10_000);
    expect(res.observed.hash).toBe(before.hash);
  });

  test('passing probes confirm; the new table stays', async () => {
    const d = driver();
    const journal = join(tmp, 'j-ok');
    const next = compileFirewall({ ...SPEC, rules: [...SPEC.rules!, { name: 'allow-pg', protocol: 'tcp', port: 5432, source: '10.0.0.0/8', action: 'accept' }] }).ruleset;
    const t0 = Date.now();
    const res = await applyConfirmed(d, next, { timeoutMs: 6000, journalDir: journal, probes: async () => (await probeAsync([ssh10, pg])).every(Boolean) });
    expect(res.outcome).toBe('confirmed');
    await new Promise((r) => setTimeout(r, Math.max(0, t0 + 6000 - Date.now()) + 1500)); // past the deadline: the watchdog must not revert
    expect(probe([pg])).toEqual([true]);
    expect(listPending(journal)).toEqual([]);
    await d.apply(sshOnly203Blocked());
  });

  test('confirmPending (claude confirm) confirms by hand while the probes wait', async () => {
    const d = driver();
    const journal = join(tmp, 'j-manual');
    const next = lockout();
    const res = await applyConfirmed(d, next, {
      timeoutMs: 3000,
      journalDir: journal,
      probes: () => new Promise<boolean>(() => {}),
      onPending: () => setTimeout(() => expect(confirmPending(journal)).toHaveLength(1), 200),
    });
    expect(res.outcome).toBe('confirmed');
    expect(res.by).toBe('confirm');
    expect(probe([ssh10])).toEqual([false]);
    await d.apply(sshOnly203Blocked());
  });

  test('a syntax error is refused before anything is recorded', async () => {
    const d = driver();
    const journal = join(tmp, 'j-bad');
    const before = await d.observe();
    await expect(applyConfirmed(d, 'table inet claude { chain input { bogus } }', { journalDir: journal, timeoutMs: 1000, probes: async () => true })).rejects.toThrow(NftError);
    expect(listPending(journal)).toEqual([]);
    expect((await d.observe()).hash).toBe(before.hash);
  });

  test('the applying process killed (SIGKILL) inside the window: the watchdog reverts by the deadline', async () => {
    const d = driver();
    const journal = join(tmp, 'j-kill');
    const before = await d.observe();
    const child = spawnApplier(lockout(), journal, 5000, true);
    const rec = await child.pending;
    child.proc.kill('SIGKILL'); // at once: a slow probe on a busy machine must not outlast the window
    expect(probe([ssh10])).toEqual([false]); // the risky table is live
    await new Promise((r) => setTimeout(r, Math.max(0, rec.deadline - Date.now()) + 1500));
    expect((await d.observe()).hash).toBe(before.hash);
    expect(probe([ssh10])).toEqual([true]);
    expect(listPending(journal)).toEqual([]);
    expect(readFileSync(join(journal, 'firewall-confirm.log'), 'utf8')).toMatch(/reverted by watchdog/);
  });

  test('without a watchdog, recoverPendingFirewall reverts an expired record (claude recover / start-up)', async () => {
    const d = driver();
    const journal = join(tmp, 'j-recover');
    const before = await d.observe();
    const child = spawnApplier(lockout(), journal, 1500, false);
    const rec = await child.pending;
    child.proc.kill('SIGKILL');
    // Inside the window: left alone, reported as pending.
    const early = await recoverPendingFirewall(d, journal, Date.now());
    expect(early.reverted).toEqual([]);
    expect(early.pending.map((p) => p.id)).toEqual([rec.id]);
    expect(probe([ssh10])).toEqual([false]);
    // After the deadline (clock injected): reverted.
    const late = await recoverPendingFirewall(d, journal, rec.deadline + 1);
    expect(late.reverted).toEqual([rec.id]);
    expect((await d.observe()).hash).toBe(before.hash);
    expect(listPending(journal)).toEqual([]);
  });
});

describe('issue 13: the lock-out override and leftover watchdogs', () => {
  // The admin is at 203.0.113.7 (an SSH_CONNECTION from there); the new table allows SSH
  // only from 10.0.0.0/8: the lock-out proof flags it, and --i-know-what-i-am-doing lets it through.
  const open = (): string => compileFirewall({ ...SPEC, rules: [{ name: 'ssh-anywhere', direction: 'input', protocol: 'tcp', port: 22, action: 'accept' }, ...SPEC.rules!] }).ruleset;
  const flagged = (): string => compileFirewall(SPEC).ruleset;

  test('a flagged change with no probes is not confirmed by itself: without `claude confirm`, SSH from the admin is open again after the window', async () => {
    const dataDir = join(tmp, 'data-lockout');
    const be = createNftFirewallBackend({ netns: SRV, dataDir, probeTimeoutMs: 500 });
    await driver().apply(open());
    expect(probe([ssh203])).toEqual([true]);
    const openText = await driver().listText();
    const t0 = Date.now();
    const during: boolean[][] = [];
    const journal = firewallJournalDir(dataDir);
    // Once the change is pending and the flagged table is live (the record is journalled
    // before the table loads), the admin tries SSH once; a probe that outlasts the window
    // (a busy machine) does not count.
    let busy = false;
    const timer = setInterval(() => {
      if (busy || during.length > 0 || listPending(journal).length === 0) return;
      busy = true;
      void driver()
        .listText()
        .then((live) => {
          if (live === openText) return;
          const r = probe([ssh203]);
          if (listPending(journal).length > 0) during.push(r);
        })
        .finally(() => (busy = false));
    }, 100);
    const e = await be.apply(flagged(), 8000, [], { adminConfirm: true }).catch((x: unknown) => x);
    clearInterval(timer);
    expect(e).toBeInstanceOf(FirewallRevertedError);
    expect((e as FirewallRevertedError).hint).toMatch(/only `claude confirm`/);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(7900);
    expect(during).toEqual([[false]]); // the flagged table was live inside the window
    expect(probe([ssh203, ssh10])).toEqual([true, true]); // and the admin's way in is back
    const log = readFileSync(join(firewallJournalDir(dataDir), 'firewall-confirm.log'), 'utf8');
    expect(log).not.toMatch(/confirmed by probes/);
    expect(log).toMatch(/reverted by (deadline|watchdog)/);
  });

  test('a flagged change is kept when the admin runs `claude confirm` inside the window', async () => {
    const dataDir = join(tmp, 'data-lockout-ok');
    const be = createNftFirewallBackend({ netns: SRV, dataDir, probeTimeoutMs: 500 });
    await driver().apply(open());
    const journal = firewallJournalDir(dataDir);
    const confirmer = setInterval(() => {
      if (listPending(journal).length) confirmPending(journal);
    }, 100);
    try {
      await be.apply(flagged(), 10_000, [], { adminConfirm: true });
    } finally {
      clearInterval(confirmer);
    }
    expect(readFileSync(join(journal, 'firewall-confirm.log'), 'utf8')).toMatch(/confirmed by confirm/);
    expect(probe([ssh203, ssh10])).toEqual([false, true]); // the admin chose this
    expect(listPending(journal)).toEqual([]);
  });

  // The admin-side probe: the admin (203.0.113.7, in the client namespace) opens a new
  // connection to port 22 through the new table; that, not anything the host sees, confirms.
  const admin = { address: '203.0.113.7', ports: [22] };
  const watchTable = (): string => {
    try {
      return nsx(SRV, ['nft', 'list', 'table', 'inet', 'claude_admin_watch']);
    } catch {
      return '(absent)';
    }
  };

  test('the admin-side probe: a new connection from the admin through the new table confirms; one from another address does not', async () => {
    const dataDir = join(tmp, 'data-admin-ok');
    const journal = firewallJournalDir(dataDir);
    const be = createNftFirewallBackend({ netns: SRV, dataDir });
    const d = driver();
    await d.apply(flagged()); // SSH from 10/8 only: the admin at 203.0.113.7 is out
    expect(probe([ssh203])).toEqual([false]);
    const t0 = Date.now();
    let steps: string[] = [];
    const run = be.apply(open(), 20_000, [], { adminConfirm: true, adminProbe: admin });
    // Inside the window: another address connects (pending still), then the admin does.
    for (let i = 0; i < 200 && !(listPending(journal).length && watchTable() !== '(absent)'); i++) await new Promise((res) => setTimeout(res, 50));
    expect(probe([ssh10])).toEqual([true]);
    await new Promise((res) => setTimeout(res, 800));
    steps.push(`pending after 10.0.1.50: ${listPending(journal).length}`);
    expect(probe([ssh203])).toEqual([true]); // the admin's new session, through the new table
    const hash = await run;
    steps.push(`settled after ${Date.now() - t0} ms`);
    expect(steps[0]).toBe('pending after 10.0.1.50: 1');
    expect(Date.now() - t0).toBeLessThan(15_000); // confirmed well before the deadline, not by it
    expect(hash).toBe((await d.observe()).hash);
    expect(probe([ssh203, ssh10])).toEqual([true, true]); // the new table stays
    const log = readFileSync(join(journal, 'firewall-confirm.log'), 'utf8');
    expect(log).toMatch(/confirmed by admin: a new connection from 203\.0\.113\.7 to port 22 got through the new table/);
    expect(listPending(journal)).toEqual([]);
    expect(watchTable()).toBe('(absent)'); // the watch goes when the change settles
    await new Promise((res) => setTimeout(res, 600));
    expect(probe([ssh203])).toEqual([true]);
    steps = [];
  });

  test("the admin-side probe: a change that really locks the admin out is reverted; the admin's open session does not confirm it", async () => {
    const dataDir = join(tmp, 'data-admin-out');
    const journal = firewallJournalDir(dataDir);
    const be = createNftFirewallBackend({ netns: SRV, dataDir });
    await driver().apply(open());
    // The admin's SSH session, opened before the change; it keeps sending through the window.
    const session = spawn('ip', ['netns', 'exec', CLI, process.execPath, '-e', `
const s = require('net').connect({ host: '203.0.113.1', port: 22, localAddress: '203.0.113.7' });
let n = 0;
s.on('connect', () => { console.log('connected'); setInterval(() => { s.write('x'); n++; }, 100); });
s.on('error', (e) => { console.log('error ' + e.code); process.exit(1); });
process.on('SIGTERM', () => { console.log('sent ' + n); process.exit(0); });`], { stdio: ['ignore', 'pipe', 'inherit'] });
    procs.push(session);
    let out = '';
    session.stdout!.on('data', (b: Buffer) => (out += String(b)));
    for (let i = 0; i < 100 && !out.includes('connected'); i++) await new Promise((res) => setTimeout(res, 50));
    expect(out).toContain('connected');
    const openText = await driver().listText();
    const t0 = Date.now();
    const tries: boolean[] = [];
    // Only once the flagged table is live (the record is journalled before the table loads: a
    // probe in between met the open table and connected, CI at load 4 did), and well inside the
    // 5 s window (a probe near the deadline can meet the table already reverted, CI at load 25).
    let busy = false;
    const trying = setInterval(() => {
      if (busy || !listPending(journal).length || tries.length >= 3 || Date.now() - t0 >= 3500) return;
      busy = true;
      void driver()
        .listText()
        .then((live) => {
          if (live !== openText && listPending(journal).length && Date.now() - t0 < 3500) tries.push(probe([ssh203], 300)[0]!);
        })
        .finally(() => (busy = false));
    }, 250);
    const e = await be.apply(flagged(), 5000, [], { adminConfirm: true, adminProbe: admin }).catch((x: unknown) => x);
    clearInterval(trying);
    session.kill('SIGTERM');
    await new Promise((res) => session.once('exit', res));
    expect(e).toBeInstanceOf(FirewallRevertedError);
    expect((e as FirewallRevertedError).hint).toMatch(/open a new connection from 203\.0\.113\.7 to port 22/);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(4900); // the deadline settled it
    expect(tries.length).toBeGreaterThan(0);
    expect(tries.every((x) => x === false)).toBe(true); // new connections from the admin were dropped
    expect(Number(/sent (\d+)/.exec(out)?.[1] ?? 0)).toBeGreaterThan(20); // the old session kept talking
    expect(probe([ssh203, ssh10])).toEqual([true, true]); // the previous table is back
    const log = readFileSync(join(journal, 'firewall-confirm.log'), 'utf8');
    expect(log).not.toMatch(/ confirmed by/);
    expect(log).toMatch(/reverted by (deadline|watchdog)/);
    expect(watchTable()).toBe('(absent)');
  });

  test('an empty probe list never confirms: an unflagged change without probes is a plain load, not "confirmed by probes"', async () => {
    const dataDir = join(tmp, 'data-noprobes');
    const be = createNftFirewallBackend({ netns: SRV, dataDir });
    await be.apply(open(), 60_000, []);
    expect(listPending(firewallJournalDir(dataDir))).toEqual([]);
    const log = join(firewallJournalDir(dataDir), 'firewall-confirm.log');
    expect(() => readFileSync(log, 'utf8')).toThrow(/ENOENT/);
    expect((await runTcpProbes([], { netns: SRV })).length).toBe(0);
  });

  test('a watchdog left by a killed applier does not revert a table loaded after the recovery', async () => {
    const d = driver();
    const dataDir = join(tmp, 'data-stale-wd');
    const journal = firewallJournalDir(dataDir);
    const be = createNftFirewallBackend({ netns: SRV, dataDir });
    await be.apply(open(), 0, []);
    const child = spawnApplier(flagged(), journal, 2500, true);
    const rec = await child.pending;
    child.proc.kill('SIGKILL');
    // Recovery rolls the apply back: the snapshot's table is loaded again (a restore)...
    await be.restore(open());
    expect(currentLoad(journal)).not.toBe(rec.id);
    // ...and a later apply loads another table, which is committed.
    const later = compileFirewall({ ...SPEC, rules: [{ name: 'ssh-anywhere', direction: 'input', protocol: 'tcp', port: 22, action: 'accept' }, { name: 'pg', direction: 'input', protocol: 'tcp', port: 5432, action: 'accept' }, ...SPEC.rules!] }).ruleset;
    await be.apply(later, 0, []);
    const laterHash = (await d.observe()).hash;
    // Past the old deadline: the watchdog saw that its change is no longer the loaded one.
    await new Promise((r) => setTimeout(r, Math.max(0, rec.deadline - Date.now()) + 1500));
    expect((await d.observe()).hash).toBe(laterHash);
    expect(readFileSync(join(journal, 'firewall-confirm.log'), 'utf8')).toContain(`${rec.id} superseded by watchdog`);
    expect(listPending(journal)).toEqual([]);
  });

  test('recovery settles a pending record and stops its watchdog', async () => {
    const dataDir = join(tmp, 'data-settle');
    const journal = firewallJournalDir(dataDir);
    const be = createNftFirewallBackend({ netns: SRV, dataDir });
    await be.apply(open(), 0, []);
    const child = spawnApplier(flagged(), journal, 30_000, true);
    const rec = await child.pending;
    child.proc.kill('SIGKILL');
    const wd = (JSON.parse(readFileSync(join(journal, `firewall-pending-${rec.id}.json`), 'utf8')) as { watchdogPid: number }).watchdogPid;
    expect(() => process.kill(wd, 0)).not.toThrow();
    await be.restore(open());
    expect(settleAfterRecovery(journal, 'rolled-back')).toEqual([rec.id]);
    expect(listPending(journal)).toEqual([]);
    expect(readFileSync(join(journal, 'firewall-confirm.log'), 'utf8')).toContain(`${rec.id} reverted by recover: the apply was rolled back`);
    for (let i = 0; i < 50; i++) {
      try {
        process.kill(wd, 0);
      } catch {
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(() => process.kill(wd, 0)).toThrow();
  });
});

describe('the engine firewall backend', () => {
  test('commit-confirmed with the plan probes: passing probes keep the table, a failing one reverts and throws', async () => {
    const dataDir = join(tmp, 'data-backend');
    const be = createNftFirewallBackend({ netns: SRV, dataDir, probeTimeoutMs: 500 });
    const d = driver();
    await d.apply(compileFirewall(SPEC).ruleset);
    const before = await d.observe();
    const next = compileFirewall({ ...SPEC, rules: [...SPEC.rules!, { name: 'allow-pg', protocol: 'tcp', port: 5432, source: '10.0.0.0/8', action: 'accept' }] }).ruleset;
    // From inside the host: 22 answers (expect open), 3306 has no listener (expect closed).
    const hash = await be.apply(next, 12_000, [{ kind: 'tcp', address: '10.0.0.1', port: 22 }, { kind: 'tcp', address: '10.0.0.1', port: 3306, expect: 'closed' }]);
    expect(hash).toBe((await d.observe()).hash);
    expect(hash).not.toBe(before.hash);
    expect(probe([pg])).toEqual([true]);
    // A probe that cannot pass (22 expected closed): reverted, the step fails.
    const err = await be.apply(compileFirewall(SPEC).ruleset, 12_000, [{ kind: 'tcp', address: '10.0.0.1', port: 22, expect: 'closed' }]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FirewallRevertedError);
    expect((err as Error).message).toMatch(/reverted \(probes: a probe failed\)/);
    expect((await d.observe()).hash).toBe(hash);
    expect(listPending(firewallJournalDir(dataDir))).toEqual([]);
    // snapshot/restore round trip, and removal (null) without a window.
    const snap = await be.snapshot();
    expect(await be.apply(null, 0, [])).toBeNull();
    await be.restore(snap);
    expect((await d.observe()).hash).toBe(hash);
    await d.apply(compileFirewall(SPEC).ruleset);
  });

  test('runTcpProbes reports open and closed ports truthfully', async () => {
    const r = await runTcpProbes([{ kind: 'tcp', address: '10.0.0.1', port: 22 }, { kind: 'tcp', address: '10.0.0.1', port: 3306 }, { kind: 'tcp', address: '10.0.0.1', port: 3306, expect: 'closed' }], { netns: SRV, timeoutMs: 500 });
    expect(r.map((x) => [x.open, x.ok])).toEqual([[true, true], [false, false], [false, true]]);
  });
});

/**
 * Runs applyConfirmed in a separate node process (the runtime modules transpiled with the
 * TypeScript compiler into a folder under node_modules/.cache, so `canonicalize` resolves),
 * with a probe that never answers. Resolves `pending` with the record once the table is live.
 */
function spawnApplier(ruleset: string, journal: string, timeoutMs: number, watchdog: boolean): { proc: ChildProcess; pending: Promise<{ id: string; deadline: number }> } {
  if (!bundleDir) {
    bundleDir = join(repo, 'node_modules', '.cache', `claude-fwtest-${r}`);
    // Every module firewall-confirm.ts reaches by relative import (a fixed list here missed
    // common/node-crypto.ts when fsutil began to import it, and the applier died at start).
    const files: string[] = [];
    const visit = (f: string): void => {
      if (files.includes(f)) return;
      files.push(f);
      for (const m of readFileSync(join(repo, f), 'utf8').matchAll(/^(?:import|export)\s[^;]*?from\s+'(\.{1,2}\/[^']+)\.js'/gm)) visit(join(dirname(f), `${m[1]}.ts`));
    };
    visit('runtime/firewall-confirm.ts');
    for (const f of files) {
      const src = readFileSync(join(repo, f), 'utf8');
      const out = ts.transpileModule(src, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
      const dest = join(bundleDir, f.replace(/\.ts$/, '.js'));
      mkdirSync(dirname(dest), { recursive: true });
      writeFileSync(dest, out);
    }
    writeFileSync(join(bundleDir, 'package.json'), '{"type":"module"}\n');
    writeFileSync(
      join(bundleDir, 'applier.js'),
      `import { NftDriver } from './runtime/drivers/nft.js';
import { applyConfirmed } from './runtime/firewall-confirm.js';
import { readFileSync } from 'node:fs';
const [netns, file, journalDir, timeoutMs, watchdog] = process.argv.slice(2);
await applyConfirmed(new NftDriver({ netns }), readFileSync(file, 'utf8'), {
  journalDir, timeoutMs: Number(timeoutMs), watchdog: watchdog === '1',
  probes: () => new Promise(() => {}),
  onPending: (rec) => console.log('PENDING ' + JSON.stringify({ id: rec.id, deadline: rec.deadline })),
});
`,
    );
  }
  const file = writeTmp(`applier-${randomBytes(3).toString('hex')}.nft`, ruleset);
  const proc = spawn(process.execPath, [join(bundleDir, 'applier.js'), SRV, file, journal, String(timeoutMs), watchdog ? '1' : '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  procs.push(proc);
  const pending = new Promise<{ id: string; deadline: number }>((res, rej) => {
    let buf = '';
    proc.stdout!.on('data', (b: Buffer) => {
      buf += String(b);
      const m = /PENDING (.*)\n/.exec(buf);
      if (m) res(JSON.parse(m[1]!) as { id: string; deadline: number });
    });
    proc.on('exit', (c) => rej(new Error(`applier exited early (${c})`)));
  });
  return { proc, pending };
}

describe('issue 13 end to end: a forced plan applied, the applier killed (kill -9) inside the confirm window, `claude recover`', () => {
  // The admin is at 203.0.113.7. The state files ask for SSH from 10/8 only: the lock-out
  // proof flags the plan, --i-know-what-i-am-doing lets it through, and the signed step asks
  // for the admin's confirmation. The apply runs in a child process that is killed inside
  // the window; `claude recover` (agent/flow.ts recoverHost) must leave the system exactly
  // "before" (or "after", had it been confirmed), settle the pending record, stop its
  // watchdog, and a table committed later must survive the old deadline.
  const ADMIN = { SSH_CONNECTION: '203.0.113.7 40000 203.0.113.1 22' };
  const WINDOW_S = 20;
  const manifest = `apiVersion: claude.os/v1\nkind: SystemManifest\nmetadata:\n  name: fw-e2e\nspec:\n  safety:\n    confirm_timeout: ${WINDOW_S}s\n`;
  const services = `apiVersion: claude.os/v1\nkind: ServiceManifest\nmetadata:\n  name: fw-e2e\nspec:\n  services: []\n`;
  const network = (sshFrom: string | null, extra: object[] = []): string =>
    JSON.stringify({
      apiVersion: 'claude.os/v1',
      kind: 'NetworkConfig',
      metadata: { name: 'network' },
      spec: {
        firewall: {
          enabled: true,
          default_input_policy: 'drop',
          rules: [
            { name: 'ssh', direction: 'input', protocol: 'tcp', port: 22, ...(sshFrom ? { source: sshFrom } : {}), action: 'accept' },
            ...extra,
            { name: 'established', direction: 'input', protocol: 'all', state: 'established,related', action: 'accept' },
            { name: 'loopback', direction: 'input', interface: 'lo', action: 'accept' },
          ],
        },
      },
    });
  const CHILD = `
import { readFileSync } from 'node:fs';
import { applyPlan } from './runtime/apply.js';
import { createHostEngine } from './runtime/host-engine.js';
import { loadTrustedKeys } from './plan/keys.js';
const a = JSON.parse(process.env.FW_E2E);
const engine = await createHostEngine({ root: a.root, dataDir: a.dataDir, hostId: a.hostId, netns: a.netns });
const r = await applyPlan(readFileSync(a.plan, 'utf8'), { engine, dataDir: a.dataDir, trustedKeys: loadTrustedKeys(a.dataDir), hostId: a.hostId, now: () => new Date(), yes: true });
process.stdout.write('STATUS ' + r.status + '\\n');
process.exit(0);
`;
  let child: ChildBuild | undefined;
  afterAll(() => child?.cleanup());

  test('recover rolls the killed apply back to "before", settles the record, stops the watchdog; a later table outlives the old deadline', async () => {
    const base = join(tmp, 'e2e');
    const paths = { stateDir: join(base, 'state'), dataDir: join(base, 'data'), root: join(base, 'root') };
    for (const p of Object.values(paths)) mkdirSync(p, { recursive: true });
    const files = (net: string): Record<string, string> => ({ 'manifest.yaml': manifest, 'services.yaml': services, 'network.yaml': net });
    const host = await openFlowHost(paths, { netns: SRV });
    const journal = firewallJournalDir(paths.dataDir);
    const d = driver();
    const planOf = async (net: string, force: boolean) => {
      const r = await planFiles(host, files(net), { request: 'firewall', engine: 'user', base: await stateHeadOf(paths.stateDir), now: new Date(), env: ADMIN, force });
      if (!r.ok) throw new Error(`${r.stage}: ${r.problems.join('\n')}`);
      return r.planned;
    };
    const applyHere = async (net: string) => {
      const res = await applyPlanned(host, await planOf(net, false), { now: () => new Date(), actor: { name: 't', email: 't@example.invalid' }, yes: true });
      expect(res.status, JSON.stringify(res.error ?? null)).toBe('applied');
    };

    // "before": SSH from anywhere (the admin's way in is open); applied normally.
    await applyHere(network(null));
    const before = (await d.observe()).hash;
    expect(probe([ssh203])).toEqual([true]);

    // Unforced, the lock-out plan is refused; forced, its step asks for the admin.
    const refused = await planFiles(host, files(network('10.0.0.0/8')), { request: 'x', engine: 'user', base: null, now: new Date(), env: ADMIN });
    expect(refused.ok).toBe(false);
    const forced = await planOf(network('10.0.0.0/8'), true);
    const step = forced.payload.steps.find((s) => s.op === 'firewall.apply');
    expect(step?.params).toMatchObject({ adminConfirm: true, adminProbe: { address: '203.0.113.7', ports: [22] }, confirmTimeoutMs: WINDOW_S * 1000 });
    const planFile = join(base, 'forced.plan');
    writeFileSync(planFile, forced.envelopeText);

    child ??= transpileForChild(['runtime/apply.ts', 'runtime/host-engine.ts', 'plan/keys.ts'], CHILD);
    const proc = spawn(process.execPath, [child.script], {
      env: { ...process.env, FW_E2E: JSON.stringify({ plan: planFile, dataDir: paths.dataDir, root: paths.root, hostId: host.hostId, netns: SRV }) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    procs.push(proc);
    let out = '';
    proc.stdout!.on('data', (b: Buffer) => (out += String(b)));
    proc.stderr!.on('data', (b: Buffer) => (out += String(b)));
    const exited = new Promise<NodeJS.Signals | null>((res) => proc.on('exit', (_c, sig) => res(sig)));
    let rec: ReturnType<typeof listPending>[number] | undefined;
    for (let i = 0; i < 1200 && !rec && proc.exitCode === null; i++) {
      rec = listPending(journal)[0];
      if (!rec) await new Promise((res) => setTimeout(res, 50));
    }
    expect(rec, `the apply never reached its confirm window: ${out}`).toBeDefined();
    // The record is written before the load: wait for the flagged table itself.
    for (let i = 0; i < 200 && (await d.observe()).hash === before; i++) await new Promise((res) => setTimeout(res, 50));
    // The apply passed the plan's adminProbe on: the admin-side watch is loaded.
    const watch = (): boolean => {
      try {
        return nsx(SRV, ['nft', 'list', 'table', 'inet', 'claude_admin_watch']).includes('203.0.113.7');
      } catch {
        return false;
      }
    };
    for (let i = 0; i < 100 && !watch(); i++) await new Promise((res) => setTimeout(res, 50));
    expect(watch()).toBe(true);
    proc.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    expect(out).not.toContain('STATUS');
    // The flagged table is live: the admin cannot open a new SSH session.
    expect((await d.observe()).hash).not.toBe(before);
    expect(probe([ssh203])).toEqual([false]);
    expect(() => process.kill(rec!.watchdogPid!, 0)).not.toThrow();

    // `claude recover`, inside the window.
    expect(Date.now()).toBeLessThan(rec!.deadline);
    const { result } = await recoverHost(host, { now: () => new Date() });
    expect(result.found).toBe('interrupted');
    expect(result.action).toBe('rollback');
    expect(result.ok, result.problems.join('\n')).toBe(true);
    expect((await d.observe()).hash).toBe(before); // exactly "before"
    expect(probe([ssh203])).toEqual([true]);
    expect(listPending(journal)).toEqual([]);
    expect(readFileSync(join(journal, 'firewall-confirm.log'), 'utf8')).toContain(`${rec!.id} reverted by recover`);
    for (let i = 0; i < 50; i++) {
      try {
        process.kill(rec!.watchdogPid!, 0);
      } catch {
        break;
      }
      await new Promise((res) => setTimeout(res, 100));
    }
    expect(() => process.kill(rec!.watchdogPid!, 0)).toThrow(); // the watchdog is gone
    expect(watch()).toBe(false); // and so is the admin-side watch

    // A later change (SSH from anywhere plus 5432), committed: the old deadline passes it by.
    await applyHere(network(null, [{ name: 'pg', direction: 'input', protocol: 'tcp', port: 5432, action: 'accept' }]));
    const later = (await d.observe()).hash;
    expect(later).not.toBe(before);
    await new Promise((res) => setTimeout(res, Math.max(0, rec!.deadline - Date.now()) + 2000));
    expect((await d.observe()).hash).toBe(later);
    expect(probe([ssh203, pg])).toEqual([true, true]);
    // And recover now finds nothing to do.
    const again = await recoverHost(host, { now: () => new Date() });
    expect(again.result.found).toBe('nothing');
    expect(again.firewall).toEqual([]);
  }, 240_000);
});
