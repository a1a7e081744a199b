/**
 * Test helper: one runtime "world" per container backend, so a runtime integration suite runs
 * the same assertions on Docker and on containerd (`describe.each(ENGINES)`):
 *
 * - docker: the host's dockerd (the shared one), a DockerEngine over temp data and root dirs;
 *   everything the suite makes carries the run's suffix and is removed by name at the end;
 * - containerd: a private containerd for this world (testutil/containerd.ts: its own root,
 *   state, socket and namespace), the CNI plugins, runc; the images the suite needs are
 *   saved from the host's dockerd into `<data dir>/images` (`docker save`, the way a device
 *   receives them) and imported by the driver itself; everything is removed at the end with
 *   the daemon and its dir.
 *
 * What a test does behind the runtime's back (a person's `docker stop`, `ctr task kill`), and
 * what it reads from the engine itself (env, limits, mounts as the engine holds them), goes
 * through the world, so the assertions are the same on both. Where the backends really differ
 * (docs/runtime.md "What differs between the backends"), a test says so and branches on `kind`.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resourceFingerprints } from '../../plan/fingerprint.js';
import type { PlanStep } from '../../plan/types.js';
import { applyPlan, type ApplyOptions, type ApplyResult } from '../apply.js';
import { cpuThrottle } from '../observe/pressure.js';
import { DockerEngine } from '../drivers/docker.js';
import { ContainerdEngine, DEFAULT_NETWORK } from '../drivers/containerd/engine.js';
import { execIn } from '../health.js';
import { containerThrottledMs } from '../cpu-budget.js';
import { ContainerdDockerView } from '../drivers/containerd/docker-view.js';
import type { DockerLike } from '../observe/engine-client.js';
import { logTail } from '../observe/docker.js';
import { startContainerd, type TestContainerd } from './containerd.js';
import { removeDockerByName } from './docker-cleanup.js';
import { makePlan, setupTestHost, signPlan, type TestHost } from './plans.js';

export type EngineKind = 'docker' | 'containerd';
/** The backends every shared suite runs on. */
export const ENGINES: readonly EngineKind[] = ['docker', 'containerd'];

/** A container as the engine itself holds it (Docker's inspect, containerd's container record and OCI spec). */
export interface EngineView {
  id: string;
  running: boolean;
  /** The process environment (`K=V`). */
  env: string[];
  memoryBytes: number;
  nanoCpus: number;
  restart: string;
  /** The service's bind mounts, `<host path>:<container path>` (the driver's own /etc files left out). */
  binds: string[];
  labels: Record<string, string>;
  /** The networks it is attached to. */
  networks: string[];
}

export interface EngineWorld {
  kind: EngineKind;
  suffix: string;
  /** A per-run name. */
  n(x: string): string;
  dataDir: string;
  root: string;
  host: TestHost;
  engine: DockerEngine | ContainerdEngine;
  /** The base fingerprints (the observer the planner uses). */
  base(): Promise<Record<string, string>>;
  planText(steps: PlanStep[], o?: { ttlMs?: number; now?: Date; files?: Record<string, string> }): Promise<string>;
  apply(text: string, o?: Partial<ApplyOptions>): Promise<ApplyResult>;
  idOf(name: string): Promise<string | null>;
  /** Runs a command in the container (docker exec / task exec). */
  exec(name: string, argv: string[], timeoutMs: number): Promise<{ code: number | null; output: string }>;
  view(name: string): Promise<EngineView | null>;
  /** Whether any container of that name exists, asked of the engine directly. */
  exists(name: string): Promise<boolean>;
  /** What a person does behind the runtime's back: `docker stop -t 1 X` / `ctr task kill X` (and delete). */
  stopBehindBack(name: string): Promise<void>;
  startBehindBack(name: string): Promise<void>;
  /** Cumulative ms the container's cgroup was throttled by its CPU quota (null: cgroup not found). */
  throttledMs(name: string): Promise<number | null>;
  /** What the observer (`claude status`, `services`, `logs`, the daemon) reads the engine through: Docker, or the Docker-shaped view of containerd. */
  observer: DockerLike;
  /** The container's last log lines as `claude logs` reads them (through `observer`). */
  logs(name: string, tail?: number): Promise<string[]>;
  /** The containerd daemon's log tail (empty on Docker), for failure messages. */
  engineLog(): string;
  close(): Promise<void>;
}

export interface EngineWorldOptions {
  /** The local images the suite uses (saved into the containerd world's image dir). */
  images?: string[];
  docker?: { pullTimeoutMs?: number };
}

export async function startEngineWorld(kind: EngineKind, label: string, o: EngineWorldOptions = {}): Promise<EngineWorld> {
  const suffix = randomBytes(4).toString('hex');
  const n = (x: string) => `${x}-${suffix}`;
  const dataDir = mkdtempSync(join(tmpdir(), `claude-${label}-${kind}-data-`));
  const root = mkdtempSync(join(tmpdir(), `claude-${label}-${kind}-root-`));
  const host = setupTestHost(dataDir);
  let ctd: TestContainerd | null = null;
  let engine: DockerEngine | ContainerdEngine;
  if (kind === 'docker') {
    engine = new DockerEngine({ root, dataDir, hostId: host.hostId, ...(o.docker?.pullTimeoutMs !== undefined ? { pullTimeoutMs: o.docker.pullTimeoutMs } : {}) });
  } else {
    try {
      ctd = await startContainerd(`${label}-${suffix}`);
      const imageDir = join(dataDir, 'images');
      mkdirSync(imageDir);
      for (const image of o.images ?? []) execFileSync('docker', ['save', '-o', join(imageDir, `${image.replace(/[^A-Za-z0-9_.-]/g, '_')}.tar`), image]);
      engine = new ContainerdEngine({ address: ctd.address, namespace: `claude-${label}-${suffix}`, root, dataDir, hostId: host.hostId, imageDir });
      ctd.track({ engine: engine as ContainerdEngine, dir: dataDir });
      ctd.track({ dir: root });
      // As on the shared dockerd, the images are there before the suite starts (imported from
      // their tarballs by the driver itself: ensureImage finds each in the image dir).
      for (const image of o.images ?? []) await (engine as ContainerdEngine).ensureImage(image, image, false);
    } catch (e) {
      await ctd?.stop();
      for (const d of [dataDir, root]) rmSync(d, { recursive: true, force: true });
      throw e;
    }
  }
  const base = async () => resourceFingerprints(await engine.observe());
  const docker = () => engine as DockerEngine;
  const ctr = () => engine as ContainerdEngine;

  const observer: DockerLike = kind === 'docker' ? docker().docker : new ContainerdDockerView(ctr());
  const world: EngineWorld = {
    kind,
    observer,
    async logs(name, tail = 200) {
      return (await logTail(observer, name, tail)).map((l) => l.text);
    },
    suffix,
    n,
    dataDir,
    root,
    host,
    engine,
    base,
    async planText(steps, p = {}) {
      return signPlan(makePlan(steps, { hostId: host.hostId, base: await base(), ...p }), host.key.privateKey);
    },
    apply(text, a = {}) {
      return applyPlan(text, { engine, dataDir, trustedKeys: host.trusted(), hostId: host.hostId, now: () => new Date(), ...a });
    },
    async idOf(name) {
      return (await engine.inspectContainer(name))?.id ?? null;
    },
    exec(name, argv, timeoutMs) {
      return kind === 'docker' ? execIn(docker().docker.getContainer(name), argv, timeoutMs) : ctr().exec(name, argv, timeoutMs);
    },
    async view(name) {
      if (kind === 'docker') {
        const info = await docker()
          .docker.getContainer(name)
          .inspect()
          .catch(() => null);
        if (!info) return null;
        return {
          id: info.Id,
          running: info.State.Running,
          env: info.Config.Env ?? [],
          memoryBytes: info.HostConfig.Memory ?? 0,
          nanoCpus: info.HostConfig.NanoCpus ?? 0,
          restart: info.HostConfig.RestartPolicy?.Name ?? '',
          binds: info.HostConfig.Binds ?? [],
          labels: info.Config.Labels ?? {},
          networks: Object.keys(info.NetworkSettings.Networks ?? {}).sort(),
        };
      }
      const rec = await engine.inspectContainer(name);
      if (!rec) return null;
      const { container } = (await ctr().api.containers.Get({ id: rec.id })) as { container: { spec: { value: Buffer } } };
      const spec = JSON.parse(Buffer.from(container.spec.value).toString()) as {
        process: { env: string[] };
        mounts: { destination: string; source: string; options?: string[] }[];
        linux: { resources?: { memory?: { limit?: number }; cpu?: { quota?: number; period?: number } } };
      };
      const cpu = spec.linux.resources?.cpu;
      const described = (await ctr().describeAll()).find((d) => d.id === rec.id)!;
      return {
        id: rec.id,
        running: rec.running,
        env: spec.process.env,
        memoryBytes: spec.linux.resources?.memory?.limit ?? 0,
        nanoCpus: cpu?.quota && cpu.period ? Math.round((cpu.quota / cpu.period) * 1e9) : 0,
        restart: described.spec.restart,
        binds: spec.mounts.filter((m) => m.source.startsWith(root + '/')).map((m) => `${m.source}:${m.destination}`),
        labels: rec.labels,
        networks: rec.networks.map((x) => x.name).sort(),
      };
    },
    async exists(name) {
      if (kind === 'docker') return execFileSync('docker', ['ps', '-a', '--filter', `name=^${name}$`, '--format', '{{.Names}}'], { encoding: 'utf8' }).trim() === name;
      const { containers } = (await ctr().api.containers.List({ filters: [] })) as { containers: { labels: Record<string, string> }[] };
      return containers.some((c) => c.labels['claude.os/name'] === name);
    },
    async stopBehindBack(name) {
      if (kind === 'docker') {
        execFileSync('docker', ['stop', '-t', '1', name], { stdio: 'ignore' });
        return;
      }
      const id = (await world.idOf(name))!;
      await ctr().api.tasks.Kill({ containerId: id, execId: '', signal: 9, all: true });
      await ctr().api.tasks.Wait({ containerId: id, execId: '' }, { deadlineMs: 30_000 }).catch(() => undefined);
    },
    async startBehindBack(name) {
      if (kind === 'docker') execFileSync('docker', ['start', name], { stdio: 'ignore' });
      else await ctr().startContainer(name);
    },
    async throttledMs(name) {
      if (kind === 'docker') return containerThrottledMs((await world.idOf(name))!);
      const d = (await ctr().describeAll()).find((x) => x.name === name);
      const t = d?.task?.pid ? cpuThrottle(d.task.pid) : undefined;
      return t ? t.throttledUs / 1000 : null;
    },
    engineLog: () => (ctd ? ctd.log().slice(-3000) : ''),
    async close() {
      if (kind === 'docker') removeDockerByName(suffix);
      else {
        try {
          for (const c of (await engine.observe()).containers) await engine.removeContainer(c.id).catch(() => undefined);
          for (const nw of [...(await engine.observe()).networks.map((x) => x.name), DEFAULT_NETWORK]) await engine.removeNetwork(nw, true).catch(() => undefined);
        } catch {
          /* containerd may be gone */
        }
        ctr().close();
        await ctd?.stop();
      }
      for (const d of [dataDir, root]) rmSync(d, { recursive: true, force: true });
    },
  };
  return world;
}
