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
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { resourceFingerprints } from '../../../plan/fingerprint.js';
import type { ContainerSpec, PlanStep } from '../../../plan/types.js';
import { applyPlan } from '../../apply.js';
import { makePlan, S, setupTestHost, signPlan, type TestHost } from '../../testutil/plans.js';
import { freePort } from '../../testutil/ports.js';
import { redisPing, stackSpecs } from '../../testutil/stack.js';
import { startContainerd, type TestContainerd } from '../../testutil/containerd.js';
import { ContainerdEngine, DEFAULT_NETWORK } from './engine.js';
import { stopLogWriter } from './log-writer.js';
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
  if (engine) {
    try {
      for (const c of (await engine.observe()).containers) await engine.removeContainer(c.id).catch(() => undefined);
      for (const nw of [...(await engine.observe()).networks.map((x) => x.name), DEFAULT_NETWORK]) await engine.removeNetwork(nw, true).catch(() => undefined);
    } catch {
      /* containerd may be gone */
    }
    engine.close();
    await stopLogWriter(engine.stateDir);
  }
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
    const ping = await engine.exec(web.name, ['/bin/sh', '-c', 'echo PING | nc -w 2 redis 6379'], 10_000);
    expect(ping.output).toContain('+PONG');

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
