/**
 * One observation: `collect(opts) → Facts`. Reads the Docker Engine (containers, images,
 * one-shot stats, log tails, recent events), /proc (host, listening sockets), statfs, the
 * runtime's events.jsonl and, when asked, the nft table hash. It never changes anything;
 * a source that cannot be read is reported in `errors` and the rest still comes back.
 *
 * CPU % needs two samples. The daemon keeps the previous one between ticks; a one-off
 * caller either passes `previous` (e.g. from the daemon's persisted metrics) or sets
 * `cpuSampleMs` to take two samples that far apart.
 */
import { readFileSync } from 'node:fs';
import { readHostId } from '../../plan/keys.js';
import { cgroupStats, systemCpuNs } from './cgroup.js';
import { engineDownMessage, engineUnreachable, type DockerLike } from './engine-client.js';
import { cpuPercentOf, dockerEventsBetween, listContainerFacts, listImages, logTail, oneShotStats } from './docker.js';
import { loadStoredEvents, mergeEvents, readRuntimeEvents, retain } from './events.js';
import { collectHost, cpuPercentBetween, parseProcStat } from './host.js';
import { probeAddress, readListeners, tcpAnswers } from './ports.js';
import type { ContainerFacts, DesiredService, Facts, ObsEvent, PortHolder } from '../../plan/observed.js';
import { compareCodePoints } from '../../common/order.js';
import { readinessVerdicts } from '../journal.js';

export interface CollectOptions {
  docker: DockerLike;
  dataDir: string;
  /** CLAUDE_ROOT (for /etc/hostname, /etc/resolv.conf). */
  root?: string;
  procRoot?: string;
  now: () => Date;
  /**
   * This instance's host id: only containers labelled with it are managed (others' are
   * reported as unmanaged, with `foreignHost`). Default: read from the data dir
   * (plan/keys.ts readHostId); none there yet means nothing is managed.
   */
  hostId?: string | null;
  /** Log lines to fetch per container: a number for every managed container, or per-container counts. Default 0. */
  logLines?: number | Record<string, number>;
  /** Also fetch log lines (this many) for managed containers that are down, unhealthy or restarting. Default 20. */
  troubleLogLines?: number;
  /** Include events from this many ms back (default 24 h); 0 skips events. */
  eventsWindowMs?: number;
  /**
   * Take a running container this instance does not manage from the engine's list, without
   * inspecting it (docker.ts listedFactsOf: name, image, state, labels, bound ports; what
   * `claude status` shows of it). Default false: every container is inspected.
   */
  othersFromList?: boolean;
  /** Take per-container stats of the managed running containers (default true; unmanaged ones are never sampled). */
  stats?: boolean;
  /** Previous stats samples (container id → cumulative CPU) for CPU %. */
  previous?: Map<string, { cpuTotalNs: number; systemCpuNs: number }>;
  /** Without `previous`, take a second stats sample this many ms later for CPU % (0: no CPU %). */
  cpuSampleMs?: number;
  previousHostCpu?: { busy: number; total: number };
  /** Mount points for disk usage (default "/" and the data dir). */
  mounts?: string[];
  /** Probe the published TCP ports of running managed containers (during the CPU window). */
  probePorts?: boolean;
  /** The nft table state, when a firewall backend is at hand. */
  firewall?: () => Promise<{ present: boolean; hash: string | null }>;
  desired?: DesiredService[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** True when a container is in a state worth showing logs for. */
export function isTroubled(c: ContainerFacts): boolean {
  return c.status !== 'running' || c.health === 'unhealthy' || c.oomKilled || c.restartCount > 0;
}

/** Which mount holds a path (the longest mount point prefix in /proc/self/mounts). */
function mountOf(path: string, procRoot: string): string {
  try {
    const text = readFileSync(`${procRoot}/self/mounts`, 'utf8');
    let best = '/';
    for (const line of text.split('\n')) {
      const mp = line.split(' ')[1];
      if (!mp) continue;
      const m = mp.replace(/\\040/g, ' ');
      if ((path === m || path.startsWith(m.endsWith('/') ? m : m + '/')) && m.length > best.length) best = m;
    }
    return best;
  } catch {
    return '/';
  }
}

/** The host id in the data dir, or null (none yet; a damaged file is reported in `errors`). */
export function readHostIdOrNull(dataDir: string, errors?: string[]): string | null {
  try {
    return readHostId(dataDir);
  } catch (e) {
    errors?.push(`host id: ${(e as Error).message}`);
    return null;
  }
}

/**
 * Docker says `starting` until its first health check runs, one interval after the start
 * (Docker 20.10 has no start-interval), though the apply has just run the same check itself
 * and said "Started web (healthy)". A managed container Docker has not checked yet (no health
 * log) is what the last committed apply found it, when that apply started this very run of it
 * (started no later than the apply's check ended; a restart since clears the verdict).
 */
function takeApplyVerdicts(dataDir: string, containers: ContainerFacts[]): void {
  const unchecked = containers.filter((c) => c.managed && c.status === 'running' && c.health === 'starting' && c.healthLog.length === 0 && c.startedAt);
  if (unchecked.length === 0) return;
  const verdicts = readinessVerdicts(dataDir, unchecked.map((c) => c.name));
  for (const c of unchecked) {
    const v = verdicts.get(c.name);
    if (v?.ready === 'healthy' && Date.parse(c.startedAt!) <= Date.parse(v.at)) c.health = 'healthy';
  }
}

export async function collect(opts: CollectOptions): Promise<Facts> {
  const errors: string[] = [];
  const now = opts.now();
  const procRoot = opts.procRoot ?? '/proc';
  const mounts = opts.mounts ?? [...new Set(['/', mountOf(opts.dataDir, procRoot)])];

  const host = collectHost({ procRoot, root: opts.root, mounts, previousCpu: opts.previousHostCpu, now: opts.now });
  const listeners = readListeners(procRoot);

  let images: string[] = [];
  let containers: ContainerFacts[] = [];
  let portHolders: PortHolder[] = [];
  let dockerEvents: ObsEvent[] = [];
  const logs: Facts['logs'] = {};
  const hostId = opts.hostId !== undefined ? opts.hostId : readHostIdOrNull(opts.dataDir, errors);
  // The engine's past events are asked for now, beside the image and container lists (three
  // independent requests at once rather than one after another: on a busy engine each takes
  // a while).
  const windowMs = opts.eventsWindowMs ?? 24 * 3600_000;
  const dockerEventsP: Promise<ObsEvent[]> =
    windowMs > 0
      ? dockerEventsBetween(opts.docker, Math.floor((now.getTime() - windowMs) / 1000), now.getTime() / 1000, hostId).catch((e: Error) => {
          errors.push(`docker events: ${e.message}`);
          return [];
        })
      : Promise.resolve([]);
  try {
    const imgsP = listImages(opts.docker);
    const [imgs, listed] = await Promise.all([imgsP, listContainerFacts(opts.docker, imgsP.then((i) => i.ids, () => new Set<string>()), hostId, opts.othersFromList === true)]);
    images = imgs.refs;
    containers = listed;
    portHolders = containers.flatMap((c) =>
      c.status === 'running' || c.status === 'restarting'
        ? c.ports
            .filter((p) => p.host !== undefined)
            .map((p) => ({ container: c.name, id: c.id, managed: c.managed, ...(c.foreignHost !== undefined ? { foreignHost: c.foreignHost } : {}), ...(c.service ? { service: c.service } : {}), image: c.image, ...(c.pid ? { pid: c.pid } : {}), hostPort: p.host!, protocol: p.protocol, ...(p.hostIp ? { hostIp: p.hostIp } : {}) }))
        : [],
    ).sort((a, b) => a.hostPort - b.hostPort || compareCodePoints(a.container, b.container));
    takeApplyVerdicts(opts.dataDir, containers);
  } catch (e) {
    errors.push(`docker: ${engineUnreachable(e) ? engineDownMessage(e) : (e as Error).message}`);
  }

  // Only this instance's containers are sampled: nothing reads another container's figures
  // (summary, anomalies, metrics, the analyzers all skip unmanaged ones), and on a shared
  // engine the others' are most of the containers (cgroup reads, or the stats API's 1 s tick).
  const running = opts.stats === false ? [] : containers.filter((c) => c.managed && c.status === 'running');
  const cores = host.cpuCores;
  // cgroup files first (immediate); the stats API (answers at dockerd's 1 s tick) as fallback
  const sample = async (c: ContainerFacts, prev?: { cpuTotalNs: number; systemCpuNs: number }, systemNs?: number): Promise<ContainerFacts['stats'] | null> => {
    const cg = c.pid ? cgroupStats(c.pid, cores, { procRoot, ...(systemNs !== undefined ? { systemNs } : {}) }) : null;
    if (cg) return { ...cg, ...(prev ? { cpuPercent: cpuPercentOf(prev, cg) } : {}) };
    return oneShotStats(opts.docker, c.id, prev);
  };
  const sys1 = systemCpuNs(procRoot);
  const first = await Promise.all(running.map((c) => sample(c, opts.previous?.get(c.id), sys1)));
  // Logs, events and the firewall are read while the CPU sample window runs.
  const io = (async () => {
    // log tails: asked-for counts, plus a few lines for every troubled container
    const want = new Map<string, number>();
    const trouble = opts.troubleLogLines ?? 20;
    for (const c of containers) {
      const asked = typeof opts.logLines === 'number' ? (c.managed ? opts.logLines : 0) : (opts.logLines?.[c.name] ?? 0);
      // troubled containers of this instance only: nothing reads other containers' logs
      const n = Math.max(asked, c.managed && isTroubled(c) ? trouble : 0);
      if (n > 0) want.set(c.name, n);
    }
    await Promise.all(
      [...want].map(async ([name, n]) => {
        try {
          logs[name] = await logTail(opts.docker, name, n);
        } catch (e) {
          errors.push(`logs of ${name}: ${(e as Error).message}`);
        }
      }),
    );

    dockerEvents = await dockerEventsP;
    const stored = windowMs > 0 ? loadStoredEvents(opts.dataDir).filter((e) => Date.parse(e.time) >= now.getTime() - windowMs) : [];
    const events: ObsEvent[] = windowMs > 0 ? retain(mergeEvents(stored, dockerEvents, readRuntimeEvents(opts.dataDir, now.getTime() - windowMs)), now) : [];
    return events;
  })();
  const probes: Record<string, boolean> = {};
  const probeP = opts.probePorts
    ? Promise.all(
        containers
          .filter((c) => c.managed && c.status === 'running')
          .flatMap((c) => c.ports.filter((p) => p.host !== undefined && p.protocol === 'tcp').map((p) => ({ c, p })))
          .map(({ c, p }) => tcpAnswers(p.host!, probeAddress(p.hostIp), 1000).then((ok) => void (probes[`${c.name}:${p.host}`] = ok))),
      )
    : Promise.resolve([]);
  const fwP = (async (): Promise<Facts['firewall']> => {
    if (!opts.firewall) return undefined;
    try {
      return await opts.firewall();
    } catch (e) {
      errors.push(`nft: ${(e as Error).message}`);
      return undefined;
    }
  })();
  let second: (ContainerFacts['stats'] | null)[] | null = null;
  if (!opts.previous && (opts.cpuSampleMs ?? 0) > 0) {
    // Two samples this far apart give CPU % for the containers and the host alike.
    await Promise.all([sleep(opts.cpuSampleMs!), io, fwP, probeP]);
    const sys2 = systemCpuNs(procRoot);
    second = await Promise.all(running.map((c, i) => (first[i] ? sample(c, first[i]!, sys2) : Promise.resolve(null))));
    if (host.cpuPercent === undefined) {
      try {
        host.cpuPercent = cpuPercentBetween(host.cpuTimes, parseProcStat(readFileSync(`${procRoot}/stat`, 'utf8')));
      } catch {
        /* no /proc/stat: leave it out */
      }
    }
  }
  running.forEach((c, i) => {
    const s = second?.[i] ?? first[i];
    if (s) c.stats = s;
  });

  const events = await io;
  const firewall = await fwP;
  await probeP;

  return {
    collectedAt: now.toISOString(),
    host,
    containers,
    images,
    listeners,
    portHolders,
    events,
    logs,
    ...(opts.probePorts ? { probes: Object.fromEntries(Object.keys(probes).sort().map((k) => [k, probes[k]!])) } : {}),
    ...(firewall ? { firewall } : {}),
    ...(opts.desired ? { desired: opts.desired } : {}),
    errors,
  };
}
