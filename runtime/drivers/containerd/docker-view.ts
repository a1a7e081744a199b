/**
 * The containerd backend seen through the observer's Docker client interface
 * (runtime/observe/engine-client.ts `DockerLike`), so `claude status`, `services`, `logs`,
 * `events`, `diagnose` and the observer daemon read containerd with the same code that reads
 * Docker (selected by CLAUDE_ENGINE=containerd in `dockerFor`). What each answer is made of:
 *
 * - containers: containerd's containers with their task (status, pid, exit code) and the
 *   driver's record (ports, restart policy, memory limit); `RestartCount` is the restarts the
 *   supervisor made (./supervisor.ts), which crash-loop detection reads;
 * - logs: the task's log file and its rotated files (./logs.ts), each line with the time the
 *   log writer received it and its stream, framed as Docker's multiplexed stream (stdout 1,
 *   stderr 2; with `timestamps`, the time before the text as Docker puts it);
 * - events: the supervisor's restarts, as `restart` events;
 * - stats: none (the observer reads cgroup v2 files through the task's pid first).
 */
import { Readable } from 'node:stream';
import type Docker from 'dockerode';
import type { DockerLike } from '../../observe/engine-client.js';
import type { ContainerdEngine, DescribedContainer } from './engine.js';
import { cursorAfter, entriesAfter, logMtimeMs, readLogEntries, type LogEntry } from './logs.js';

/** How often `claude logs -f` looks for new lines in the log files. */
const FOLLOW_POLL_MS = 300;

function dockerStatus(d: DescribedContainer): string {
  const s = d.task?.status;
  if (s === 'RUNNING') return 'running';
  if (s === 'PAUSED' || s === 'PAUSING') return 'paused';
  if (s === 'STOPPED') return 'exited';
  return 'created';
}

function isoOfTs(ts: { seconds: number | string; nanos: number } | null | undefined): string {
  if (!ts || !Number(ts.seconds)) return '0001-01-01T00:00:00Z';
  return new Date(Number(ts.seconds) * 1000 + Math.floor(ts.nanos / 1e6)).toISOString();
}

function inspectOf(d: DescribedContainer): Docker.ContainerInspectInfo {
  const status = dockerStatus(d);
  const ports: Record<string, { HostIp: string; HostPort: string }[]> = {};
  for (const p of d.spec.ports) {
    const k = `${p.container}/${p.protocol}`;
    if (p.host !== undefined) (ports[k] ??= []).push({ HostIp: p.hostIp ?? '0.0.0.0', HostPort: String(p.host) });
  }
  const info = {
    Id: d.id,
    Name: `/${d.name}`,
    Image: d.image,
    Created: d.startedAt ?? '',
    RestartCount: d.restarts.count,
    State: {
      Status: status,
      Running: status === 'running',
      Paused: status === 'paused',
      Restarting: false,
      OOMKilled: false,
      Dead: false,
      Pid: status === 'running' ? (d.task?.pid ?? 0) : 0,
      ExitCode: status === 'exited' ? (d.task?.exitStatus ?? 0) : 0,
      Error: '',
      StartedAt: d.startedAt ?? '0001-01-01T00:00:00Z',
      FinishedAt: status === 'exited' ? isoOfTs(d.task?.exitedAt as { seconds: number; nanos: number } | null) : '0001-01-01T00:00:00Z',
    },
    Config: { Image: d.image, Labels: d.labels, Env: d.env ?? [], Tty: false },
    HostConfig: { Memory: d.spec.resources.memoryBytes ?? 0, RestartPolicy: { Name: d.spec.restart, MaximumRetryCount: 0 }, PortBindings: ports },
    NetworkSettings: { Ports: ports, Networks: Object.fromEntries(d.spec.networks.map((n) => [n.name, { Aliases: n.aliases }])) },
  };
  return info as unknown as Docker.ContainerInspectInfo;
}

/** Docker's multiplexed log stream: an 8-byte header (stream 1 = stdout, 2 = stderr, big-endian length) per frame. */
function frame(text: string, stream: 'stdout' | 'stderr' = 'stdout'): Buffer {
  const body = Buffer.from(text, 'utf8');
  const head = Buffer.alloc(8);
  head.writeUInt8(stream === 'stderr' ? 2 : 1, 0);
  head.writeUInt32BE(body.length, 4);
  return Buffer.concat([head, body]);
}

export class ContainerdDockerView implements DockerLike {
  constructor(readonly engine: ContainerdEngine) {}

  async listContainers(_opts: { all: boolean }): Promise<Docker.ContainerInfo[]> {
    return (await this.engine.describeAll()).map(
      (d) =>
        ({
          Id: d.id,
          Names: [`/${d.name}`],
          Image: d.image,
          State: dockerStatus(d),
          Status: dockerStatus(d),
          Labels: d.labels,
        }) as unknown as Docker.ContainerInfo,
    );
  }

  async listImages(): Promise<Docker.ImageInfo[]> {
    const { images } = (await this.engine.api.images.List({ filters: [] })) as { images: { name: string; target: { digest: string; size: number } }[] };
    return images.map((i) => ({ Id: i.target.digest, RepoTags: [i.name], Size: Number(i.target.size) }) as unknown as Docker.ImageInfo);
  }

  private async describe(nameOrId: string): Promise<DescribedContainer> {
    const all = await this.engine.describeAll();
    const d = all.find((x) => x.id === nameOrId) ?? all.find((x) => x.name === nameOrId);
    if (!d) throw Object.assign(new Error(`no such container: ${nameOrId}`), { statusCode: 404 });
    return d;
  }

  getContainer(id: string) {
    return {
      inspect: async () => inspectOf(await this.describe(id)),
      stats: async () => ({}),
      logs: async (opts: Record<string, unknown>) => {
        const d = await this.describe(id);
        const asked = (e: LogEntry) => (opts.stdout !== false || e.stream !== 'stdout') && (opts.stderr !== false || e.stream !== 'stderr');
        // The live file and the rotated ones (./logs.ts), oldest first; a follower takes only
        // whole lines, so one being written is read once, whole, on a later pass.
        const all = readLogEntries(d.logFile, { complete: !!opts.follow });
        let lines = all.filter(asked);
        const since = Number(opts.since ?? 0);
        if (since) {
          // Each line has its time; a line from before the log writer (no time) counts when the file was written after `since`.
          const mtime = logMtimeMs(d.logFile);
          lines = lines.filter((e) => (e.time ? Date.parse(e.time) / 1000 >= since : mtime !== null && mtime / 1000 >= since));
        }
        const tail = Number(opts.tail ?? 0);
        if (tail > 0) lines = lines.slice(-tail);
        const frames = (es: LogEntry[]) => Buffer.concat(es.map((e) => frame(`${opts.timestamps && e.time ? `${e.time} ` : ''}${e.text}\n`, e.stream)));
        if (!opts.follow) return frames(lines);
        // Following (`claude logs -f`): the lines so far, then every line written later, read from
        // the files every FOLLOW_POLL_MS (by time and the count at that time, so a rotation in
        // between loses nothing and a line sharing the last one's time is not lost), until destroyed.
        let cursor = cursorAfter(all);
        const file = d.logFile;
        const stream = new Readable({
          read() {},
          destroy(err, cb) {
            clearInterval(timer);
            cb(err);
          },
        });
        const timer = setInterval(() => {
          const now = readLogEntries(file, { complete: true });
          const fresh = entriesAfter(now, cursor);
          if (!fresh.length) return;
          cursor = cursorAfter(now);
          stream.push(frames(fresh.filter(asked)));
        }, FOLLOW_POLL_MS);
        stream.push(frames(lines));
        return stream;
      },
    };
  }

  async getEvents(opts: Record<string, unknown>): Promise<NodeJS.ReadableStream> {
    const since = Number(opts.since ?? 0);
    const until = opts.until !== undefined ? Number(opts.until) : Infinity;
    const msgs: { time: number; text: string }[] = [];
    // The supervisor's restarts follow crashes: Docker reports such an exit as a die event (its
    // restart event means a restart somebody asked for), so they are die events here too.
    for (const d of await this.engine.describeAll()) {
      for (const t of d.restarts.times) {
        const s = Date.parse(t) / 1000;
        if (s < since || s > until) continue;
        msgs.push({ time: s, text: JSON.stringify({ Type: 'container', Action: 'die', id: d.id, time: Math.floor(s), timeNano: Math.floor(s * 1e9), Actor: { ID: d.id, Attributes: { ...d.labels, name: d.name, image: d.image } } }) + '\n' });
      }
    }
    return Readable.from(msgs.sort((a, b) => a.time - b.time).map((m) => m.text));
  }
}
