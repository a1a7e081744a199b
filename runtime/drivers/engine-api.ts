/**
 * A small Docker Engine API client over the unix socket (node:http), with dockerode's
 * method names and reply shapes for the calls Claude.OS makes: the runtime's driver
 * (drivers/docker.ts: create, start, stop, remove, rename, update, networks, image check and pull,
 * `docker exec` for readiness probes) and the observer (lists, inspect, stats, logs, events).
 *
 * Why not dockerode itself: loading it costs ~300 ms of CPU and ~23 MB of memory, because it
 * loads its ssh transport (ssh2) and its BuildKit session (grpc, protobufjs) eagerly, for
 * every command. That was a quarter of a one-service `claude apply` and most of the
 * reconciler daemon's memory (docs/runtime.md, "Performance"). Any other DOCKER_HOST (tcp,
 * ssh, TLS) still goes through dockerode, which honours all of them: `dockerApiFor`.
 *
 * Errors are `EngineApiError` with dockerode's `statusCode` and its message form
 * `(HTTP code N) <reason> - <Docker's message>`, so callers handle both alike.
 *
 * node:http is loaded on the first call that needs it: in the short-lived commands (the
 * cold-start bundles of `status`, `plan` and `apply` call `useOneShotCalls`), the calls whose
 * reply is read whole go over node:net instead (drivers/engine-get.ts), and node:http is loaded
 * only for a stream (a pull, logs that follow), an exec's upgrade or a HEAD.
 */
import type { Agent, IncomingMessage, RequestOptions } from 'node:http';
import { createRequire } from 'node:module';
import type { Duplex, Readable } from 'node:stream';
import type Docker from 'dockerode';
import { callOnce, getOnce } from './engine-get.js';

export class EngineApiError extends Error {
  constructor(
    message: string,
    readonly statusCode: number,
    /** Docker's own message. */
    readonly reason = message,
  ) {
    super(message);
    this.name = 'EngineApiError';
  }
}

/** A `docker exec` instance (dockerode's Exec, the parts used). */
export interface ExecApi {
  start(o: { hijack: boolean; stdin: boolean }): Promise<NodeJS.ReadableStream & { destroy(): void }>;
  inspect(): Promise<{ ExitCode: number | null; Running?: boolean }>;
}

/** A container (dockerode's Container, the parts used). */
export interface ContainerApi {
  inspect(): Promise<Docker.ContainerInspectInfo>;
  start(): Promise<unknown>;
  stop(o: { t: number }): Promise<unknown>;
  remove(o: { force: boolean; v: boolean }): Promise<unknown>;
  rename(o: { name: string }): Promise<unknown>;
  /** POST /containers/{id}/update: resources changed in place (docker update). */
  update(o: { Memory?: number; MemorySwap?: number; NanoCpus?: number }): Promise<unknown>;
  exec(o: { Cmd: string[]; AttachStdout: boolean; AttachStderr: boolean; User?: string }): Promise<ExecApi>;
  stats(o: Record<string, unknown>): Promise<unknown>;
  logs(o: Record<string, unknown>): Promise<unknown>;
  /** PUT /containers/{id}/archive: a tar extracted into the container's filesystem at `path` (a created container too). */
  putArchive?(tar: Buffer, o: { path: string }): Promise<unknown>;
  /** HEAD /containers/{id}/archive: whether `path` exists in the container's filesystem (404: it does not). */
  infoArchive?(o: { path: string }): Promise<unknown>;
}

/** A network (dockerode's Network, the parts used). */
export interface NetworkApi {
  inspect(): Promise<unknown>;
  connect(o: { Container: string; EndpointConfig?: { Aliases?: string[] } }): Promise<unknown>;
  disconnect(o: { Container: string; Force?: boolean }): Promise<unknown>;
  remove(): Promise<unknown>;
}

/** What the runtime needs from a Docker client; dockerode's Docker fits it. */
export interface DockerApi {
  listContainers(opts: { all: boolean }): Promise<Docker.ContainerInfo[]>;
  listImages(): Promise<Docker.ImageInfo[]>;
  listNetworks(): Promise<Docker.NetworkInspectInfo[]>;
  getContainer(id: string): ContainerApi;
  createContainer(o: Docker.ContainerCreateOptions): Promise<{ id: string }>;
  getNetwork(name: string): NetworkApi;
  createNetwork(o: Docker.NetworkCreateOptions): Promise<unknown>;
  /** `distribution()`: the daemon asks the image's registry for its manifest (GET /distribution/{ref}/json), through the daemon's own mirrors, proxy and logins; nothing is pulled. */
  getImage(ref: string): { inspect(): Promise<unknown>; distribution(o?: { abortSignal?: AbortSignal }): Promise<unknown> };
  /** The progress stream of a pull (JSON lines); `followPull` waits for its end. */
  pull(ref: string): Promise<NodeJS.ReadableStream>;
  getEvents(opts: Record<string, unknown>): Promise<NodeJS.ReadableStream>;
}

const API = '/v1.41';

function query(o: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(o)) {
    if (v === undefined) continue;
    const s = typeof v === 'object' ? JSON.stringify(v) : typeof v === 'boolean' ? (v ? '1' : '0') : String(v);
    parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(s)}`);
  }
  return parts.length ? `?${parts.join('&')}` : '';
}

/** An image reference in a URL path: its slashes stay (Docker's route takes them). */
const imagePath = (ref: string) => ref.split('/').map(encodeURIComponent).join('/');

async function readAll(s: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of s) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer));
  return Buffer.concat(chunks);
}

const requireHere = createRequire(import.meta.url);
let httpModule: typeof import('node:http') | undefined;
/** node:http, loaded on first use (see the top of this file). */
const http = (): typeof import('node:http') => (httpModule ??= requireHere('node:http') as typeof import('node:http'));

/** The error of a reply with status `code` (≥ 400): Docker's message from the JSON body, in dockerode's form. */
function engineError(code: number, reason: string | undefined, body: string): EngineApiError {
  let msg = body.trim();
  try {
    msg = (JSON.parse(body) as { message?: string }).message ?? msg;
  } catch {
    /* not JSON */
  }
  return new EngineApiError(`(HTTP code ${code}) ${(reason || 'error').toLowerCase()} - ${msg}`, code, msg);
}

async function apiError(res: IncomingMessage): Promise<EngineApiError> {
  const code = res.statusCode ?? 500;
  return engineError(code, http().STATUS_CODES[code], (await readAll(res)).toString('utf8'));
}

let oneShotCalls = false;
/**
 * Makes every EngineClient of this process send its calls whose reply is read whole (lists,
 * inspects, one-shot stats, log tails, events up to `until`; create, start, stop, remove,
 * rename, update, the networks' calls, an archive's PUT) over node:net, one connection each
 * (drivers/engine-get.ts), instead of through node:http's keep-alive agent. For a process that
 * makes a few calls and exits (the cold-start bundles of `status`, `plan` and `apply`,
 * scripts/cold-bundle.mjs): it then loads node:http only for a stream, an exec or a HEAD. A
 * resident process (the daemon, its CLI worker) keeps the agent, whose open connections save a
 * connect per call.
 */
export function useOneShotCalls(): void {
  oneShotCalls = true;
}

interface Call {
  method?: 'GET' | 'POST' | 'DELETE' | 'PUT' | 'HEAD';
  /** JSON, or a Buffer sent as it is (a tar: `putArchive`). */
  body?: unknown;
  /** Ask for a raw stream (`docker exec` output): the connection is upgraded when Docker agrees. */
  hijack?: boolean;
  /** Aborted: the request is abandoned and its connection closed. */
  signal?: AbortSignal;
}

/**
 * The connections to the engine's socket, kept open between calls (as Node's global agent
 * does, but for 30 s idle instead of 5 s): a resident process (the CLI socket's warm worker,
 * cli/remote.ts, between two commands; the observer's ticks) does not connect again for each
 * call (≈ 1 ms a call over an open connection, ≈ 7 ms with a new one, on the busy 2-core
 * machine). An idle connection does not keep a process from exiting (Node unrefs it).
 */
let agent: Agent | undefined;
const engineAgent = (): Agent => (agent ??= new (http().Agent)({ keepAlive: true, scheduling: 'lifo', timeout: 30_000 }));

export class EngineClient implements DockerApi {
  constructor(readonly socketPath = '/var/run/docker.sock') {}

  /** The response stream of a call (status checked: 4xx/5xx reject with EngineApiError). */
  stream(path: string, c: Call = {}): Promise<Readable | Duplex> {
    return new Promise((resolve, reject) => {
      const raw = Buffer.isBuffer(c.body);
      const body = c.body === undefined ? undefined : raw ? (c.body as Buffer) : Buffer.from(JSON.stringify(c.body));
      const headers: Record<string, string | number> = { host: 'docker' };
      if (body) Object.assign(headers, { 'content-type': raw ? 'application/x-tar' : 'application/json', 'content-length': body.length });
      if (c.hijack) Object.assign(headers, { connection: 'Upgrade', upgrade: 'tcp' });
      // servername '': a unix socket has no TLS name; without it the agent works one out from the
      // host header through net.isIP, whose IPv6 pattern V8 compiles on first use (a few ms of every cold `claude status`)
      const options: RequestOptions & { servername: string } = { socketPath: this.socketPath, agent: engineAgent(), servername: '', path: API + path, method: c.method ?? 'GET', headers, ...(c.signal ? { signal: c.signal } : {}) };
      const req = http().request(options, (res) => {
        if ((res.statusCode ?? 500) >= 400) apiError(res).then(reject, reject);
        else resolve(res);
      });
      // Docker answers 101 to an upgrade: the socket is then the exec's raw stream.
      req.on('upgrade', (_res, socket, head) => {
        if (head.length) socket.unshift(head);
        resolve(socket);
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  /** The whole body of a GET: over node:net after `useOneShotCalls`, else through the agent. */
  private getWhole(path: string, signal?: AbortSignal): Promise<Buffer> {
    return this.whole(path, signal ? { signal } : {});
  }

  /** The whole body of a call that is not a stream, an upgrade or a HEAD: over node:net after `useOneShotCalls`, else through the agent. */
  private async whole(path: string, c: Call): Promise<Buffer> {
    const method = c.method ?? 'GET';
    if (!oneShotCalls || c.hijack || method === 'HEAD') return readAll(await this.stream(path, c));
    const body = c.body === undefined ? undefined : Buffer.isBuffer(c.body) ? { type: 'application/x-tar' as const, bytes: c.body } : { type: 'application/json' as const, bytes: Buffer.from(JSON.stringify(c.body)) };
    const r = method === 'GET' && !body ? await getOnce(this.socketPath, API + path, c.signal) : await callOnce(this.socketPath, method, API + path, body, c.signal);
    if (r.statusCode >= 400) throw engineError(r.statusCode, r.reason, r.body.toString('utf8'));
    return r.body;
  }

  private async json<T>(path: string, c: Call = {}): Promise<T> {
    const buf = await this.whole(path, c);
    return (buf.length ? JSON.parse(buf.toString('utf8')) : null) as T;
  }

  private async call(path: string, c: Call): Promise<void> {
    await this.whole(path, c);
  }

  listContainers(opts: { all: boolean }): Promise<Docker.ContainerInfo[]> {
    return this.json(`/containers/json${query({ all: opts.all })}`);
  }

  listImages(): Promise<Docker.ImageInfo[]> {
    return this.json('/images/json');
  }

  listNetworks(): Promise<Docker.NetworkInspectInfo[]> {
    return this.json('/networks');
  }

  async createContainer(o: Docker.ContainerCreateOptions): Promise<{ id: string }> {
    const { name, ...body } = o;
    const r = await this.json<{ Id: string }>(`/containers/create${query({ name })}`, { method: 'POST', body });
    return { id: r.Id };
  }

  getContainer(id: string): ContainerApi {
    const base = `/containers/${encodeURIComponent(id)}`;
    return {
      inspect: () => this.json<Docker.ContainerInspectInfo>(`${base}/json`),
      start: () => this.call(`${base}/start`, { method: 'POST' }),
      stop: (o) => this.call(`${base}/stop${query(o)}`, { method: 'POST' }),
      remove: (o) => this.call(`${base}${query(o)}`, { method: 'DELETE' }),
      rename: (o) => this.call(`${base}/rename${query(o)}`, { method: 'POST' }),
      update: (o) => this.json<unknown>(`${base}/update`, { method: 'POST', body: o }),
      exec: async (o) => {
        const { Id } = await this.json<{ Id: string }>(`${base}/exec`, { method: 'POST', body: o });
        return {
          start: (s) => this.stream(`/exec/${Id}/start`, { method: 'POST', body: { Detach: false, Tty: false }, hijack: s.hijack }),
          inspect: () => this.json<{ ExitCode: number | null; Running?: boolean }>(`/exec/${Id}/json`),
        };
      },
      stats: (o) => this.json<unknown>(`${base}/stats${query(o)}`),
      logs: async (o) => {
        const q = query({ ...o, stdout: Boolean(o['stdout']), stderr: Boolean(o['stderr']), timestamps: Boolean(o['timestamps']), follow: Boolean(o['follow']) });
        return o['follow'] ? this.stream(`${base}/logs${q}`) : this.getWhole(`${base}/logs${q}`);
      },
      putArchive: (tar, o) => this.call(`${base}/archive${query(o)}`, { method: 'PUT', body: tar }),
      infoArchive: (o) => this.call(`${base}/archive${query(o)}`, { method: 'HEAD' }),
    };
  }

  getNetwork(name: string): NetworkApi {
    const base = `/networks/${encodeURIComponent(name)}`;
    return {
      inspect: () => this.json<unknown>(base),
      connect: (o) => this.call(`${base}/connect`, { method: 'POST', body: o }),
      disconnect: (o) => this.call(`${base}/disconnect`, { method: 'POST', body: o }),
      remove: () => this.call(base, { method: 'DELETE' }),
    };
  }

  createNetwork(o: Docker.NetworkCreateOptions): Promise<unknown> {
    return this.json('/networks/create', { method: 'POST', body: o });
  }

  getImage(ref: string): { inspect(): Promise<unknown>; distribution(o?: { abortSignal?: AbortSignal }): Promise<unknown> } {
    return { inspect: () => this.json<unknown>(`/images/${imagePath(ref)}/json`), distribution: (o) => this.json<unknown>(`/distribution/${imagePath(ref)}/json`, o?.abortSignal ? { signal: o.abortSignal } : {}) };
  }

  /** POST /images/create: a reference without a tag or digest pulls `latest` (as `docker pull` does), never every tag. */
  pull(ref: string): Promise<NodeJS.ReadableStream> {
    const lastPart = ref.slice(ref.lastIndexOf('/') + 1);
    const tagged = ref.includes('@') || lastPart.includes(':');
    return this.stream(`/images/create${query({ fromImage: ref, ...(tagged ? {} : { tag: 'latest' }) })}`, { method: 'POST' });
  }

  /** The events stream; one that ends (`until` given) is read whole first after `useOneShotCalls`. */
  async getEvents(o: Record<string, unknown>): Promise<NodeJS.ReadableStream> {
    if (!oneShotCalls || o['until'] === undefined) return this.stream(`/events${query(o)}`);
    const body = await this.getWhole(`/events${query(o)}`);
    return (requireHere('node:stream') as typeof import('node:stream')).Readable.from(body.length ? [body] : []);
  }
}

/**
 * Waits for the end of a pull's progress stream (JSON lines); rejects with the first error
 * line Docker sends (a pull that fails after it started still answers 200).
 */
export function followPull(stream: NodeJS.ReadableStream): Promise<void> {
  return new Promise((resolve, reject) => {
    let rest = '';
    let failed: Error | null = null;
    const line = (l: string) => {
      if (!l.trim() || failed) return;
      try {
        const o = JSON.parse(l) as { error?: string; errorDetail?: { message?: string } };
        if (o.error || o.errorDetail) failed = new Error(o.errorDetail?.message ?? o.error ?? 'the pull failed');
      } catch {
        /* a partial or non-JSON line: progress only */
      }
    };
    stream.on('data', (d: Buffer | string) => {
      rest += d.toString();
      const lines = rest.split('\n');
      rest = lines.pop() ?? '';
      lines.forEach(line);
    });
    stream.on('end', () => {
      line(rest);
      if (failed) reject(failed);
      else resolve();
    });
    stream.on('error', reject);
  });
}

/**
 * The client for an environment: the light one for the local socket (no DOCKER_HOST, or
 * DOCKER_HOST=unix://…), dockerode for anything else (tcp, ssh, TLS).
 */
export function dockerApiFor(env: Record<string, string | undefined>): DockerApi {
  const host = env.DOCKER_HOST;
  if (!host) return new EngineClient();
  if (host.startsWith('unix://')) return new EngineClient(host.slice('unix://'.length));
  const Dockerode = createRequire(import.meta.url)('dockerode') as typeof Docker;
  return new Dockerode() as unknown as DockerApi;
}
