/**
 * The containerd driver's own checks, on a private containerd started by this file
 * (testutil/containerd.ts), the CNI plugins and runc. The runtime's shared suites run on
 * containerd too (runtime/apply.containerd.test.ts and the others, describe.each over
 * testutil/engine-world.ts: the web+postgres+redis stack, replace, rollbacks, replay, names
 * resolving); here is what only this driver has: images imported by the driver from tarballs
 * (`docker save`, the way a device receives them) through a plan's image steps, the OCI spec
 * it writes (limits, mounts, labels), the image's content hash, an import under containerd's
 * garbage collector, and CLAUDE_ENGINE=containerd choosing it. Everything is removed in afterAll.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { resourceFingerprints } from '../../../plan/fingerprint.js';
import type { ContainerSpec, PlanStep } from '../../../plan/types.js';
import { applyPlan } from '../../apply.js';
import { makePlan, S, setupTestHost, signPlan, type TestHost } from '../../testutil/plans.js';
import { freePort } from '../../testutil/ports.js';
import { redisPing, stackSpecs } from '../../testutil/stack.js';
import { removeEngineState, startContainerd, type TestContainerd } from '../../testutil/containerd.js';
import { ContainerdEngine } from './engine.js';
import type { ObservedFirewall } from '../nft.js';
import { connectContainerd } from './api.js';
import { chainIds, importTarball, readImage } from './images.js';
import { createHostEngine, engineKind, hostObserver } from '../../host-engine.js';

const suffix = randomBytes(4).toString('hex');
const n = (x: string) => `${x}-${suffix}`;

let ctd: TestContainerd;
let dataDir: string;
let root: string;
let imageDir: string;
let host: TestHost;
let engine: ContainerdEngine;

/** The driver's record of a container's network attachments. */
function readAttachments(id: string): { ip: string }[] {
  return JSON.parse(readFileSync(join(engine.stateDir, 'containers', id, 'net.json'), 'utf8')) as { ip: string }[];
}
async function base(): Promise<Record<string, string>> {
  return resourceFingerprints(await engine.observe());
}
async function planText(steps: PlanStep[]): Promise<string> {
  return signPlan(makePlan(steps, { hostId: host.hostId, base: await base() }), host.key.privateKey);
}
let ports: { web: number; redis: number };
let web: ContainerSpec;
let redis: ContainerSpec;

beforeAll(async () => {
  ctd = await startContainerd(suffix);
  dataDir = mkdtempSync(join(tmpdir(), 'claude-ctd-data-'));
  root = mkdtempSync(join(tmpdir(), 'claude-ctd-root-'));
  imageDir = join(dataDir, 'images');
  mkdirSync(imageDir);
  for (const i of ['web', 'redis']) execFileSync('docker', ['save', '-o', join(imageDir, `${i}.tar`), `claude-os-local/${i}:latest`]);
  host = setupTestHost(dataDir);
  engine = new ContainerdEngine({ address: ctd.address, namespace: `claude-test-${suffix}`, root, dataDir, hostId: host.hostId, imageDir });
  ctd.track({ engine, dir: dataDir });
  ctd.track({ dir: root });
  ports = { web: await freePort(), redis: await freePort() };
  ({ redis, web } = stackSpecs(n, n('net'), ports, {
    redis: {
      mounts: [{ source: '/data/redis', target: '/data', readonly: false }],
      resources: { memoryBytes: 256 * 1024 * 1024, nanoCpus: 1_000_000_000 },
      restart: 'unless-stopped',
    },
  }));
}, 300_000);

afterAll(async () => {
  await removeEngineState(engine);
  await ctd?.stop();
  for (const d of [dataDir, root]) if (d) rmSync(d, { recursive: true, force: true });
}, 120_000);

describe.sequential('apply on containerd', () => {
  it('applies web+redis from a signed plan: images imported from tarballs by the plan, healthy, ports answer, the spec reaches containerd', async () => {
    const steps: PlanStep[] = [
      S.network(n('net')),
      S.volume(n('redisdata'), '/data/redis', { owner: '999:999', permissions: '0700' }),
      S.image('claude-os-local/redis:latest'),
      S.image('claude-os-local/web:latest'),
      S.create(redis, { dependsOn: [`network/${n('net')}`, `volume/${n('redisdata')}`, 'image/claude-os-local/redis:latest'] }),
      S.create(web, { dependsOn: [`network/${n('net')}`, 'image/claude-os-local/web:latest'] }),
      S.start(redis),
      S.start(web, { dependsOn: [`create/${web.name}`, `start/${redis.name}`] }),
    ];
    const events: string[] = [];
    const r = await applyPlan(await planText(steps), { engine, dataDir, trustedKeys: host.trusted(), hostId: host.hostId, now: () => new Date(), onEvent: (e) => e.type === 'reconcile.step' && e.status === 'done' && events.push(e.message) });
    expect(r.error?.message ?? '', ctd.log().slice(-2000)).toBe('');
    expect(r.status).toBe('applied');
    expect(events).toEqual(expect.arrayContaining(['Started redis (healthy)', 'Started nginx (healthy)']));
    expect(r.steps.filter((x) => x.op === 'image.ensure').map((x) => x.status)).toEqual(['done', 'done']);

    const res = await fetch(`http://127.0.0.1:${ports.web}/`);
    expect(res.status).toBe(200);
    expect(await redisPing(ports.redis)).toBe('+PONG');
    // web reaches redis by its alias on the shared network (the per-container /etc/hosts)
    const ping = await engine.exec(web.name, ['/bin/sh', '-c', 'echo PING | nc -w 2 redis 6379; echo "nc exit $?"; grep redis /etc/hosts'], 10_000);
    expect(ping.output, JSON.stringify(ping)).toContain('+PONG');

    // everything in the spec reached containerd: labels, cgroup limits, mounts
    const rec = (await engine.inspectContainer(redis.name))!;
    expect(rec.running).toBe(true);
    expect(rec.labels['claude.os/config-hash']).toBe(redis.configHash);
    expect(rec.labels['claude.os/managed']).toBe('true');
    expect(rec.labels['claude.os/host']).toBe(host.hostId);
    expect(rec.networks).toEqual([{ name: n('net'), aliases: ['redis'] }]);
    const spec = JSON.parse(Buffer.from(((await engine.api.containers.Get({ id: rec.id })) as { container: { spec: { value: Buffer } } }).container.spec.value).toString()) as { linux: { resources: { memory: { limit: number }; cpu: { quota: number; period: number } } }; mounts: { destination: string; source: string }[] };
    expect(spec.linux.resources.memory.limit).toBe(256 * 1024 * 1024);
    expect(spec.linux.resources.cpu).toEqual({ quota: 100_000, period: 100_000 });
    expect(spec.mounts.find((m) => m.destination === '/data')?.source).toBe(`${root}/data/redis`);
    // What planning asks before the approval (agent/images.ts): why an image cannot be had; a tarball's or an imported one's can.
    expect(await engine.imageUnavailable('nonexistent:latest')).toBe(`it is not in containerd, no tarball in ${imageDir} holds it, and the containerd backend does not pull from registries`);
    expect(await engine.imageUnavailable('claude-os-local/redis:latest')).toBeNull();
    // the image was imported from its tarball: containerd records its content hash
    const img = (await engine.api.images.Get({ name: 'claude-os-local/web:latest' })) as { image: { target: { digest: string } } };
    expect(img.image.target.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    // logs: the task's output goes to its log file
    expect(engine.logs(rec.id).join('\n')).toMatch(/Ready to accept connections/);
    // observation is stable: a second look gives the same fingerprints
    expect(await base()).toEqual(await base());
    expect(readFileSync(join(dataDir, 'applied-plans.jsonl'), 'utf8')).toContain(r.planId);
  }, 300_000);

  it('a hosts rewrite whose container list was answered late does not undo a later one: a peer created meanwhile stays known to web by name', async () => {
    // One timing that makes "web reaches redis by alias" fail: two rewrites at once (a plan's
    // creates run in parallel), the one whose list was taken before a peer existed answered
    // last. Here that list is held back 1.5 s, as a loaded machine can.
    const list = engine.api.containers.List;
    let late = true;
    engine.api.containers.List = async (req, opts) => {
      const r = await list(req, opts);
      if (late) {
        late = false;
        await new Promise((res) => setTimeout(res, 1500));
      }
      return r;
    };
    let peer = '';
    try {
      const stale = (engine as unknown as { refreshHosts(): Promise<void> }).refreshHosts();
      peer = await engine.createContainer({ ...redis, name: n('peer'), ports: [], mounts: [], networks: [{ name: n('net'), aliases: ['peer'] }] }, {});
      await stale;
      expect(late).toBe(false); // the held-back list was the first one asked for
      await engine.startContainer(peer);
      const ip = (await engine.inspectContainer(peer))!.networks.length ? readAttachments(peer)[0]!.ip : '';
      expect(ip).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
      const webId = (await engine.inspectContainer(web.name))!.id;
      expect(readFileSync(join(engine.stateDir, 'containers', webId, 'hosts'), 'utf8')).toMatch(new RegExp(`^${ip.replace(/\./g, '\\.')}\\tpeer ${n('peer')}$`, 'm'));
      expect(await engine.waitReady(peer, { probe: redis.healthcheck, timeoutMs: 60_000, ports: [] })).toMatchObject({ state: 'healthy' });
      const ping = await engine.exec(web.name, ['/bin/sh', '-c', 'echo PING | nc -w 2 peer 6379; echo "nc exit $?"; grep peer /etc/hosts'], 10_000);
      expect(ping.output, JSON.stringify(ping)).toContain('+PONG');
    } finally {
      engine.api.containers.List = list;
      if (peer) await engine.removeContainer(peer);
    }
  }, 120_000);

  it('a create whose network setup fails (its network is gone) leaves no container, namespace, address or directory behind', async () => {
    const before = readdirSync(join(engine.stateDir, 'containers')).sort();
    const err = await engine.createContainer({ ...redis, name: n('nonet'), ports: [], mounts: [], networks: [{ name: n('gone'), aliases: [] }] }, {}).then(() => null, (e: unknown) => e as Error);
    expect(err?.message).toBe(`network ${n('gone')} does not exist on containerd`);
    expect(await engine.inspectContainer(n('nonet'))).toBeNull();
    expect(readdirSync(join(engine.stateDir, 'containers')).sort()).toEqual(before);
    expect(execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })).not.toContain(`claude-${n('nonet')}`);
  });

  it("the supervisor's sweep removes a namespace and address a create left with no container (the process died half-way), and nothing younger", async () => {
    const id = await engine.createContainer({ ...redis, name: n('orphan'), ports: [], mounts: [], networks: [{ name: n('net'), aliases: [] }], state: 'stopped' }, {});
    const ip = readAttachments(id)[0]!.ip;
    const leases = () => readdirSync(join(engine.stateDir, 'ipam', n('net')));
    expect(leases()).toContain(ip);
    // what a create that died before containerd's create leaves: no container, its namespace and lease
    await engine.api.tasks.Delete({ containerId: id }).catch(() => undefined);
    await engine.api.containers.Delete({ id });
    const ns = `claude-${id}`.slice(0, 60);
    expect(execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })).toContain(ns);
    expect(await engine.sweepOrphans()).toEqual([]); // younger than 30 min: a create may still be running
    expect(await engine.sweepOrphans(0)).toEqual([id]);
    expect(execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })).not.toContain(ns);
    expect(leases()).not.toContain(ip);
    expect(readdirSync(join(engine.stateDir, 'containers'))).not.toContain(id);
    // the containers that are there are left alone
    expect((await engine.inspectContainer(web.name))?.running).toBe(true);
    await engine.api.snapshots.Remove({ snapshotter: engine.snapshotter, key: id }).catch(() => undefined);
  }, 120_000);

  it("a network's iptables rules are one set for its subnet (no chain or rule per container); a container on another network reaches one through them, masqueraded; they go with the network", async () => {
    const [na, nb] = [n('neta'), n('netb')];
    const rulesOf = (subnet: string) =>
      ['nat', 'filter'].flatMap((t) => execFileSync('iptables', ['-w', '-t', t, '-S'], { encoding: 'utf8' }).split('\n').filter((l) => l.includes(subnet)).map((l) => `${t} ${l}`));
    const ids: string[] = [];
    try {
      for (const name of [na, nb]) await engine.createNetwork({ name, driver: 'bridge', internal: false, labels: {} });
      const subnetA = (await engine.inspectNetwork(na))!.subnet!;
      const subnetB = (await engine.inspectNetwork(nb))!.subnet!;
      const c = (name: string, net: string) => ({ ...redis, name: n(name), ports: [], mounts: [], networks: [{ name: net, aliases: [] }] });
      ids.push(...(await Promise.all([engine.createContainer(c('ra', na), {}), engine.createContainer(c('rb', na), {}), engine.createContainer(c('rc', nb), {})])));
      for (const id of ids) await engine.startContainer(id);
      const comment = (x: string) => `-m comment --comment "claude-os network ${x}"`;
      expect(rulesOf(subnetA).sort()).toEqual(
        [
          `nat -A POSTROUTING -s ${subnetA} ! -d ${subnetA} ${comment(na)} -j MASQUERADE`,
          `filter -A FORWARD -s ${subnetA} ${comment(na)} -j ACCEPT`,
          `filter -A FORWARD -d ${subnetA} -m conntrack --ctstate RELATED,ESTABLISHED ${comment(na)} -j ACCEPT`,
          `filter -A FORWARD -d ${subnetA} -m conntrack --ctstate DNAT ${comment(na)} -j ACCEPT`,
        ].sort(),
      );
      // no masquerade chain of the bridge plugin's per container
      const ipA = readAttachments(ids[0]!)[0]!.ip;
      expect(execFileSync('iptables', ['-w', '-t', 'nat', '-S', 'POSTROUTING'], { encoding: 'utf8' })).not.toContain(`-s ${ipA}`);
      // rc (network b) reaches ra (network a) across the host's FORWARD chain (policy DROP where
      // Docker runs), and ra sees the host's address on a's bridge, not rc's: b's traffic leaving
      // by another interface than b's bridge is masqueraded (to that interface's address)
      expect(await engine.waitReady(ids[0]!, { probe: redis.healthcheck, timeoutMs: 60_000, ports: [] })).toMatchObject({ state: 'healthy' });
      const reply = await engine.exec(ids[2]!, ['/bin/sh', '-c', `printf 'CLIENT LIST\\r\\n' | nc -w 2 ${ipA} 6379`], 10_000);
      expect(reply.output).toContain(`addr=${subnetA.replace(/0\/24$/, '1')}:`);
      expect(reply.output).not.toContain(`addr=${readAttachments(ids[2]!)[0]!.ip}:`);
      for (const id of ids.splice(0)) await engine.removeContainer(id);
      // the rules stay while the network does, and go with it
      expect(rulesOf(subnetA)).toHaveLength(4);
      for (const name of [na, nb]) await engine.removeNetwork(name);
      expect(rulesOf(subnetA)).toEqual([]);
      expect(rulesOf(subnetB)).toEqual([]);
    } finally {
      for (const id of ids) await engine.removeContainer(id).catch(() => undefined);
      for (const name of [na, nb]) await engine.removeNetwork(name, true).catch(() => undefined);
    }
  }, 180_000);

  it("an image import survives containerd's garbage collector running all through it (the import holds a lease)", async () => {
    // A namespace of its own, so the image is not already there; the collector is containerd-wide.
    const ns = `claude-test-gc-${suffix}`;
    const api = connectContainerd(ctd.address, ns);
    let collections = 0;
    let importing = true;
    // Deleting a lease with sync runs the collector before it answers: keep it running while the
    // import writes content and unpacks snapshots that nothing but the import's lease refers to yet.
    const collector = (async () => {
      while (importing) {
        const id = `claude-test-gc-poke-${collections}`;
        await api.leases.Create({ id, labels: {} });
        await api.leases.Delete({ id, sync: true });
        collections++;
      }
    })();
    try {
      const imported = await importTarball(api, join(imageDir, 'redis.tar'), 'overlayfs').finally(() => (importing = false));
      await collector;
      expect(collections).toBeGreaterThan(2);
      expect(imported.map((i) => i.name)).toEqual(['claude-os-local/redis:latest']);
      // One more collection after the lease went: the image record alone must hold everything.
      await api.leases.Create({ id: 'claude-test-gc-last', labels: {} });
      await api.leases.Delete({ id: 'claude-test-gc-last', sync: true });
      const { image } = (await api.images.Get({ name: 'claude-os-local/redis:latest' })) as { image: { target: { mediaType: string; digest: string; size: number } } };
      expect(image.target.digest).toBe(imported[0]!.digest);
      const { config, configDigest } = await readImage(api, image.target);
      const manifest = JSON.parse((await api.content.read(image.target.digest)).toString()) as { layers: { digest: string }[] };
      for (const d of [configDigest, ...manifest.layers.map((l) => l.digest)]) await expect(api.content.Info({ digest: d })).resolves.toBeDefined();
      for (const c of chainIds(config.rootfs.diff_ids)) await expect(api.snapshots.Stat({ snapshotter: 'overlayfs', key: c })).resolves.toBeDefined();
      // and the import's own lease is gone
      const { leases } = (await api.leases.List({ filters: [] })) as { leases: { id: string }[] };
      expect(leases.filter((l) => l.id.startsWith('claude-import-'))).toEqual([]);
    } finally {
      importing = false;
      await collector.catch(() => undefined);
      await api.images.Delete({ name: 'claude-os-local/redis:latest' }).catch(() => undefined);
      api.close();
    }
  });

  it('a container meant to run gets its task at create (not started, observed as created); its start only starts it; one removed unstarted leaves no task or shim', async () => {
    const shims = (id: string) => execFileSync('ps', ['-eo', 'args='], { encoding: 'utf8' }).split('\n').filter((l) => l.includes('containerd-shim') && l.includes(`-id ${id} `)).length;
    const taskOf = async (id: string) => ((await engine.api.tasks.Get({ containerId: id, execId: '' }).catch(() => null)) as { process: { status: string } } | null)?.process.status ?? 'none';
    const spec = (name: string, state: 'running' | 'stopped') => ({ ...redis, name: n(name), ports: [], mounts: [], networks: [], state });
    const id = await engine.createContainer(spec('pre', 'running'), {});
    expect(await taskOf(id)).toBe('CREATED');
    expect(shims(id)).toBe(1);
    expect((await engine.inspectContainer(id))!.running).toBe(false);
    expect((await engine.observe()).containers.find((c) => c.id === id)?.status).toBe('created');
    const pid = ((await engine.api.tasks.Get({ containerId: id, execId: '' })) as { process: { pid: number } }).process.pid;
    await engine.startContainer(id);
    // the same task (the same init process), now running
    expect(await taskOf(id)).toBe('RUNNING');
    expect(((await engine.api.tasks.Get({ containerId: id, execId: '' })) as { process: { pid: number } }).process.pid).toBe(pid);
    expect(await engine.waitReady(id, { probe: redis.healthcheck, timeoutMs: 60_000, ports: [] })).toMatchObject({ state: 'healthy' });
    // a stopped one gets no task; one created and never started is removed with its task and shim
    const stopped = await engine.createContainer(spec('pre-stopped', 'stopped'), {});
    expect(await taskOf(stopped)).toBe('none');
    const unstarted = await engine.createContainer(spec('pre-unstarted', 'running'), {});
    expect(await taskOf(unstarted)).toBe('CREATED');
    for (const c of [id, stopped, unstarted]) await engine.removeContainer(c);
    for (const c of [id, stopped, unstarted]) {
      expect(await taskOf(c)).toBe('none');
      // the shim exits once its task is deleted (within moments)
      for (let i = 0; i < 50 && shims(c) > 0; i++) await new Promise((r) => setTimeout(r, 100));
      expect(shims(c)).toBe(0);
    }
  }, 120_000);

  it("the observer reads the firewall through the nft driver's own type: its input policy reaches observed.firewall (review L8: the option was typed `{hash}`)", async () => {
    // an NftDriver's observe() answer (runtime/drivers/nft.ts ObservedFirewall); typed `{hash}`, this did not compile
    const live: ObservedFirewall = { present: true, json: null, hash: 'f'.repeat(64), inputPolicy: 'drop' };
    const e = new ContainerdEngine({ address: ctd.address, namespace: `claude-test-${suffix}`, root, dataDir, hostId: host.hostId, nft: { observe: async () => live } });
    try {
      expect((await e.opts.nft!.observe()).inputPolicy).toBe('drop');
      expect((await e.observeState()).firewall).toMatchObject({ present: true, inputPolicy: 'drop' });
    } finally {
      e.close();
    }
  });

  it('CLAUDE_ENGINE=containerd selects this driver for the host engine and the planner observer', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, { CLAUDE_ENGINE: 'containerd', CLAUDE_CONTAINERD_ADDRESS: ctd.address, CLAUDE_CONTAINERD_NAMESPACE: `claude-test-${suffix}` });
    try {
      const e = await createHostEngine({ root, dataDir, hostId: host.hostId });
      expect(e).toBeInstanceOf(ContainerdEngine);
      const containers = (o: Record<string, string>) => Object.fromEntries(Object.entries(o).filter(([k]) => k.startsWith('container/') || k.startsWith('network/')));
      const seen = containers(resourceFingerprints(await hostObserver({ root, dataDir, hostId: host.hostId })()));
      expect(Object.keys(seen)).toEqual(expect.arrayContaining([`container/${web.name}`, `container/${redis.name}`, `network/${n('net')}`]));
      expect(seen).toEqual(containers(await base()));
      (e as ContainerdEngine).close();
      process.env.CLAUDE_ENGINE = 'podman';
      expect(() => engineKind()).toThrow(/CLAUDE_ENGINE='podman' is not a container backend: use 'docker' \(default\) or 'containerd'/);
    } finally {
      for (const k of ['CLAUDE_ENGINE', 'CLAUDE_CONTAINERD_ADDRESS', 'CLAUDE_CONTAINERD_NAMESPACE']) {
        if (saved[k] === undefined) delete process.env[k];
        else process.env[k] = saved[k];
      }
    }
  });
});
