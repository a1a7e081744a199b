/**
 * Docker Engine facts through dockerode: containers (inspected, with health log, exit code,
 * OOM flag, restart count, memory limit), one-shot stats, images, log tails and the events
 * stream. Read-only: only GET endpoints are called.
 */
import type Docker from 'dockerode';
import { foreignHostOf, managedBy } from '../../plan/types.js';
import type { DockerLike } from './engine-client.js';
import type { ContainerFacts, ContainerStatus, HealthState, LogLine, ObsEvent, PortBinding } from '../../plan/observed.js';

export { LABEL_CONFIG_HASH, LABEL_HOST, LABEL_MANAGED, LABEL_REPLICA, LABEL_SERVICE } from '../../plan/types.js';
import { LABEL_CONFIG_HASH, LABEL_REPLICA, LABEL_SECRET_ENV, LABEL_SERVICE } from '../../plan/types.js';
import { redact } from '../secrets.js';
import { cleanText } from '../../common/terminal.js';
import { compareCodePoints } from '../../common/order.js';

const STATUSES: readonly ContainerStatus[] = ['created', 'running', 'paused', 'restarting', 'removing', 'exited', 'dead'];

function isoOrUndefined(t: string | undefined): string | undefined {
  if (!t || t.startsWith('0001-')) return undefined;
  return t;
}

/** Ports from an inspect: the requested bindings (HostConfig), with what is bound now when running. */
export function portsOf(info: Docker.ContainerInspectInfo): PortBinding[] {
  const out: PortBinding[] = [];
  const seen = new Set<string>();
  const add = (key: string, bindings: { HostIp?: string; HostPort?: string }[] | null | undefined): void => {
    const [p, proto] = key.split('/');
    const protocol = (proto === 'udp' || proto === 'sctp' ? proto : 'tcp') as PortBinding['protocol'];
    const container = Number(p);
    if (!bindings || bindings.length === 0) {
      const k = `${container}/${protocol}`;
      if (!seen.has(k)) {
        seen.add(k);
        out.push({ container, protocol });
      }
      return;
    }
    for (const b of bindings) {
      const host = b.HostPort ? Number(b.HostPort) : undefined;
      const hostIp = b.HostIp || undefined;
      // Docker lists 0.0.0.0 and :: for the same binding; keep one.
      const k = `${container}/${protocol}/${host ?? ''}`;
      if (seen.has(k)) continue;
      seen.add(k);
      out.push({ container, protocol, host, hostIp: hostIp === '::' ? '0.0.0.0' : hostIp });
    }
  };
  const hc = (info.HostConfig?.PortBindings ?? {}) as Record<string, { HostIp?: string; HostPort?: string }[] | null>;
  // A running container's actual bindings (a requested port "" or 0 was given a random one).
  const live = (info.NetworkSettings?.Ports ?? {}) as Record<string, { HostIp?: string; HostPort?: string }[] | null>;
  for (const k of Object.keys(hc).sort()) add(k, live[k] && live[k]!.length > 0 ? live[k] : hc[k]);
  const exposed = Object.keys((info.Config?.ExposedPorts ?? {}) as Record<string, unknown>).sort();
  for (const k of exposed) if (!(k in hc)) add(k, null);
  return out.sort((a, b) => a.container - b.container || compareCodePoints(a.protocol, b.protocol) || (a.host ?? 0) - (b.host ?? 0));
}

/**
 * One container's facts. `hostId` is this instance's: a container is managed only with
 * `claude.os/managed=true` and that host id; another instance's is unmanaged, with
 * `foreignHost` naming its host id ('' when it has none: made by an older version).
 */
export function containerFactsOf(info: Docker.ContainerInspectInfo, images: Set<string>, hostId: string | null): ContainerFacts {
  const st = info.State as Docker.ContainerInspectInfo['State'] & { Health?: { Status?: string; FailingStreak?: number; Log?: { Start: string; ExitCode: number; Output: string }[] } };
  const labels: Record<string, string> = { ...(info.Config?.Labels ?? {}) };
  const managed = managedBy(labels, hostId);
  const foreign = foreignHostOf(labels, hostId);
  const status = (STATUSES as readonly string[]).includes(st.Status) ? (st.Status as ContainerStatus) : 'dead';
  const health = (['starting', 'healthy', 'unhealthy'].includes(st.Health?.Status ?? '') ? st.Health!.Status : 'none') as HealthState;
  const replica = labels[LABEL_REPLICA] ? Number(labels[LABEL_REPLICA]) : undefined;
  const mem = info.HostConfig?.Memory ?? 0;
  const exited = status === 'exited' || status === 'dead' || (status === 'created' && !!st.Error);
  const imageRef = info.Config?.Image ?? info.Image;
  return {
    id: info.Id,
    name: info.Name.replace(/^\//, ''),
    image: imageRef,
    imagePresent: images.has(info.Image) || images.has(imageRef),
    managed,
    ...(foreign !== null ? { foreignHost: foreign } : {}),
    service: managed ? labels[LABEL_SERVICE] : undefined,
    replica: managed && Number.isInteger(replica) ? replica : undefined,
    configHash: managed ? labels[LABEL_CONFIG_HASH] : undefined,
    status,
    health,
    failingStreak: st.Health?.FailingStreak ?? 0,
    healthLog: (st.Health?.Log ?? []).slice(-5).map((l) => ({ start: l.Start, exitCode: l.ExitCode, output: redact((l.Output ?? '').trim(), secretValuesOf(info)) })),
    exitCode: exited || status === 'restarting' ? st.ExitCode : undefined,
    error: st.Error || undefined,
    oomKilled: !!st.OOMKilled,
    restartCount: info.RestartCount ?? 0,
    restartPolicy: info.HostConfig?.RestartPolicy?.Name || 'no',
    startedAt: isoOrUndefined(st.StartedAt),
    finishedAt: isoOrUndefined(st.FinishedAt),
    pid: status === 'running' && st.Pid > 0 ? st.Pid : undefined,
    memoryLimit: mem > 0 ? mem : undefined,
    ports: portsOf(info),
    labels: Object.fromEntries(Object.keys(labels).sort().map((k) => [k, labels[k]!])),
  };
}

/** Local images: every repo:tag and every image id (for the image-present check). */
export async function listImages(docker: DockerLike): Promise<{ refs: string[]; ids: Set<string> }> {
  const imgs = await docker.listImages();
  const refs: string[] = [];
  const ids = new Set<string>();
  for (const i of imgs) {
    ids.add(i.Id);
    for (const t of i.RepoTags ?? []) {
      if (t === '<none>:<none>') continue;
      refs.push(t);
      ids.add(t);
    }
  }
  return { refs: refs.sort(), ids };
}

/**
 * What `claude status` shows of a container this instance does not manage, from the engine's
 * list alone (no inspect): its name, image, state, labels and published ports. Only for a
 * running one: the list gives a running container's bound ports (as an inspect's live
 * bindings do), but none of a stopped one's requested bindings. What only an inspect knows
 * (health, restarts, exit code, pid, limits) is left at "none" / 0 / unset.
 */
export function listedFactsOf(c: Docker.ContainerInfo, images: Set<string>, hostId: string | null): ContainerFacts {
  const labels: Record<string, string> = { ...(c.Labels ?? {}) };
  const foreign = foreignHostOf(labels, hostId);
  const ports: PortBinding[] = [];
  const seen = new Set<string>();
  for (const p of c.Ports ?? []) {
    const protocol = (p.Type === 'udp' || p.Type === 'sctp' ? p.Type : 'tcp') as PortBinding['protocol'];
    const host = p.PublicPort ? p.PublicPort : undefined;
    // Docker lists 0.0.0.0 and :: for the same binding; keep one (as portsOf)
    const k = `${p.PrivatePort}/${protocol}/${host ?? ''}`;
    if (seen.has(k)) continue;
    seen.add(k);
    const hostIp = host !== undefined ? (p.IP === '::' ? '0.0.0.0' : p.IP || undefined) : undefined;
    ports.push({ container: p.PrivatePort, protocol, ...(host !== undefined ? { host } : {}), ...(hostIp ? { hostIp } : {}) });
  }
  const status = (STATUSES as readonly string[]).includes(c.State) ? (c.State as ContainerStatus) : 'dead';
  return {
    id: c.Id,
    name: (c.Names?.[0] ?? c.Id).replace(/^\//, ''),
    image: c.Image,
    imagePresent: images.has(c.ImageID) || images.has(c.Image),
    managed: false,
    ...(foreign !== null ? { foreignHost: foreign } : {}),
    status,
    health: 'none',
    failingStreak: 0,
    healthLog: [],
    oomKilled: false,
    restartCount: 0,
    restartPolicy: 'no',
    ports: ports.sort((a, b) => a.container - b.container || compareCodePoints(a.protocol, b.protocol) || (a.host ?? 0) - (b.host ?? 0)),
    labels: Object.fromEntries(Object.keys(labels).sort().map((k) => [k, labels[k]!])),
  };
}

/**
 * Every container (all states), sorted by name; managed ones are `hostId`'s. Each is
 * inspected, but with `othersFromList` a running container this instance does not manage is
 * taken from the list (listedFactsOf): on a shared engine those are most of the containers,
 * and `claude status` shows only their name, image, state and ports. `images` may still be on
 * its way (collect lists both at once).
 */
export async function listContainerFacts(docker: DockerLike, imagesP: Set<string> | Promise<Set<string>>, hostId: string | null, othersFromList = false): Promise<ContainerFacts[]> {
  const list = await docker.listContainers({ all: true });
  // (an engine whose list gives no ports, the containerd view's, is inspected as always)
  const listed = (c: Docker.ContainerInfo) => othersFromList && c.State === 'running' && Array.isArray(c.Ports) && !managedBy(c.Labels, hostId);
  const infos = await Promise.all(
    list.map((c) =>
      listed(c)
        ? Promise.resolve(null)
        : docker
            .getContainer(c.Id)
            .inspect()
            .catch(() => null),
    ),
  );
  const images = await imagesP;
  const out: ContainerFacts[] = [];
  list.forEach((c, i) => {
    const info = infos[i];
    if (info) out.push(containerFactsOf(info, images, hostId));
    else if (listed(c)) out.push(listedFactsOf(c, images, hostId));
  });
  return out.sort((a, b) => compareCodePoints(a.name, b.name));
}

interface RawStats {
  cpu_stats?: { cpu_usage?: { total_usage?: number; percpu_usage?: number[] }; system_cpu_usage?: number; online_cpus?: number };
  memory_stats?: { usage?: number; limit?: number; stats?: Record<string, number> };
  networks?: Record<string, { rx_bytes?: number; tx_bytes?: number }>;
}

/**
 * One-shot stats (`stream: false, one-shot: true`: no 1 s wait for a second sample).
 * Memory is usage minus page cache, as `docker stats` shows it. CPU % needs two samples:
 * pass the previous one to get it.
 */
export async function oneShotStats(
  docker: DockerLike,
  id: string,
  previous?: { cpuTotalNs: number; systemCpuNs: number },
): Promise<NonNullable<ContainerFacts['stats']> | null> {
  try {
    const s = (await docker.getContainer(id).stats({ stream: false, 'one-shot': true })) as RawStats;
    const usage = s.memory_stats?.usage ?? 0;
    const st = s.memory_stats?.stats ?? {};
    const cache = st['total_inactive_file'] ?? st['inactive_file'] ?? st['cache'] ?? 0;
    const cpuTotalNs = s.cpu_stats?.cpu_usage?.total_usage ?? 0;
    const systemCpuNs = s.cpu_stats?.system_cpu_usage ?? 0;
    const onlineCpus = s.cpu_stats?.online_cpus ?? s.cpu_stats?.cpu_usage?.percpu_usage?.length ?? 1;
    const limit = s.memory_stats?.limit;
    const nets = Object.values(s.networks ?? {});
    return {
      ...(nets.length ? { netRxBytes: nets.reduce((a, n) => a + (n.rx_bytes ?? 0), 0), netTxBytes: nets.reduce((a, n) => a + (n.tx_bytes ?? 0), 0) } : {}),
      memoryBytes: Math.max(0, usage - cache),
      memoryLimitBytes: limit && limit < 2 ** 62 ? limit : undefined,
      cpuTotalNs,
      systemCpuNs,
      onlineCpus,
      cpuPercent: previous ? cpuPercentOf(previous, { cpuTotalNs, systemCpuNs, onlineCpus }) : undefined,
    };
  } catch {
    return null;
  }
}

/** docker stats' formula: container CPU delta / system CPU delta × online CPUs × 100. */
export function cpuPercentOf(a: { cpuTotalNs: number; systemCpuNs: number }, b: { cpuTotalNs: number; systemCpuNs: number; onlineCpus: number }): number | undefined {
  const dc = b.cpuTotalNs - a.cpuTotalNs;
  const ds = b.systemCpuNs - a.systemCpuNs;
  if (ds <= 0 || dc < 0) return undefined;
  return Math.round((dc / ds) * b.onlineCpus * 1000) / 10;
}

/**
 * Splits Docker's multiplexed log stream (8-byte frame headers: stream, 0, 0, 0, size BE32)
 * into lines; a TTY container's raw stream is taken as stdout.
 */
export function demuxLogs(buf: Buffer, tty: boolean): LogLine[] {
  const chunks: { stream: 'stdout' | 'stderr'; text: string }[] = [];
  if (tty) chunks.push({ stream: 'stdout', text: buf.toString('utf8') });
  else {
    let off = 0;
    while (off + 8 <= buf.length) {
      const kind = buf[off];
      const size = buf.readUInt32BE(off + 4);
      const body = buf.subarray(off + 8, off + 8 + size);
      chunks.push({ stream: kind === 2 ? 'stderr' : 'stdout', text: body.toString('utf8') });
      off += 8 + size;
    }
  }
  const out: LogLine[] = [];
  for (const c of chunks) {
    for (const raw of c.text.split('\n')) {
      if (raw === '') continue;
      const sp = raw.indexOf(' ');
      const ts = sp > 0 ? raw.slice(0, sp) : '';
      const isTs = /^\d{4}-\d\d-\d\dT/.test(ts);
      // A container's output is untrusted: no control or bidi characters reach a terminal.
      out.push({ time: isTs ? ts : '', stream: c.stream, text: cleanText((isTs ? raw.slice(sp + 1) : raw).replace(/\r$/, ''), { multiline: false }) });
    }
  }
  // Frames of stdout and stderr interleave in time order already; a stable sort by time keeps it so.
  return out.map((l, i) => ({ l, i })).sort((a, b) => (a.l.time < b.l.time ? -1 : a.l.time > b.l.time ? 1 : a.i - b.i)).map((x) => x.l);
}

/** The last `tail` log lines of a container, with Docker's timestamps. */
export async function logTail(docker: DockerLike, nameOrId: string, tail: number, since?: number): Promise<LogLine[]> {
  const c = docker.getContainer(nameOrId);
  const info = await c.inspect();
  const buf = (await c.logs({ stdout: true, stderr: true, timestamps: true, tail, follow: false, ...(since ? { since } : {}) })) as unknown as Buffer;
  return redactLines(demuxLogs(Buffer.isBuffer(buf) ? buf : Buffer.from(String(buf)), !!info.Config?.Tty).slice(-tail), secretValuesOf(info));
}

/**
 * The plain values of a container's secret-derived env variables (named by its
 * LABEL_SECRET_ENV label, read from its own environment): what a service may print to its
 * log or health output, and what the observer must never pass on (to `claude logs`,
 * status, the LLM context, the API).
 */
export function secretValuesOf(info: { Config?: { Env?: string[] | null; Labels?: Record<string, string> | null } | null }): string[] {
  const names = new Set((info.Config?.Labels?.[LABEL_SECRET_ENV] ?? '').split(',').filter(Boolean));
  if (names.size === 0) return [];
  const out: string[] = [];
  for (const e of info.Config?.Env ?? []) {
    const i = e.indexOf('=');
    if (i > 0 && names.has(e.slice(0, i))) out.push(e.slice(i + 1));
  }
  return out;
}

/** Log lines with every secret value replaced by [redacted]. */
export function redactLines(lines: LogLine[], secrets: readonly string[]): LogLine[] {
  return secrets.length ? lines.map((l) => ({ ...l, text: redact(l.text, secrets) })) : lines;
}

/** A Docker event message as the engine sends it. */
export interface DockerEventMessage {
  Type?: string;
  Action?: string;
  status?: string;
  id?: string;
  time?: number;
  timeNano?: number;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
}

/** The container actions the observer keeps (also the engine-side `event` filter: health_status matches "health_status: …"). */
export const KEEP_ACTIONS = ['start', 'stop', 'die', 'oom', 'kill', 'restart', 'create', 'destroy', 'health_status'] as const;
const KEEP: ReadonlySet<string> = new Set(KEEP_ACTIONS);

/**
 * Maps a Docker event to an ObsEvent, or null for actions the observer does not keep and
 * for containers another Claude.OS instance manages (`claude.os/host` not `hostId`: that
 * instance's observer reports them). Only `hostId`'s containers get a service.
 */
export function fromDockerEvent(m: DockerEventMessage, hostId: string | null): ObsEvent | null {
  if ((m.Type ?? 'container') !== 'container') return null;
  const action = m.Action ?? m.status ?? '';
  const base = action.split(':')[0]!.trim();
  if (!KEEP.has(base)) return null;
  const attrs = m.Actor?.Attributes ?? {};
  if (foreignHostOf(attrs, hostId) !== null) return null;
  const ms = m.timeNano ? Math.floor(m.timeNano / 1e6) : (m.time ?? 0) * 1000;
  const ev: ObsEvent = { time: new Date(ms).toISOString(), type: `container.${base}`, source: 'docker', container: attrs['name'] };
  if (attrs[LABEL_SERVICE] && managedBy(attrs, hostId)) ev.service = attrs[LABEL_SERVICE];
  if (base === 'die' && attrs['exitCode'] !== undefined) ev.exitCode = Number(attrs['exitCode']);
  if (base === 'health_status') ev.detail = action.slice(action.indexOf(':') + 1).trim();
  if (base === 'kill' && attrs['signal']) ev.detail = `signal ${attrs['signal']}`;
  return ev;
}

/**
 * Container events between two times (seconds since the epoch, `until` with its fraction: cut to
 * the whole second, it dropped what happened in the current second, such as a `docker kill` just
 * before a `claude status`), read to the end: with `until` set the engine closes the stream. Dockerd keeps its last 256 events in memory;
 * the daemon mode persists them for longer. The engine sends only the actions kept (KEEP_ACTIONS):
 * health checks' exec_create/exec_start/exec_die made 0.49 MB of JSON of a 0.02 MB answer
 * on a shared engine, parsed at every `claude status` (docs/compiler.md, "Performance").
 */
export async function dockerEventsBetween(docker: DockerLike, sinceS: number, untilS: number, hostId: string | null): Promise<ObsEvent[]> {
  const stream = await docker.getEvents({ since: sinceS, until: untilS, filters: { type: ['container'], event: [...KEEP_ACTIONS] } });
  return new Promise((resolve, reject) => {
    const out: ObsEvent[] = [];
    onDockerEvents(stream, () => hostId, (ev) => out.push(ev));
    stream.on('end', () => resolve(out));
    stream.on('error', reject);
  });
}

/**
 * Reads Docker's events stream (one JSON message a line, split anywhere) and calls `onEvent`
 * with each event the observer keeps (fromDockerEvent, with the host id `hostId()` gives).
 */
export function onDockerEvents(stream: NodeJS.ReadableStream, hostId: () => string | null, onEvent: (ev: ObsEvent) => void): void {
  let buf = '';
  stream.on('data', (d: Buffer) => {
    buf += d.toString('utf8');
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl).trim();
      buf = buf.slice(nl + 1);
      if (!line) continue;
      try {
        const ev = fromDockerEvent(JSON.parse(line) as DockerEventMessage, hostId());
        if (ev) onEvent(ev);
      } catch {
        /* a partial or foreign line: skip */
      }
    }
  });
}
