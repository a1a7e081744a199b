/**
 * A small read-only Docker Engine API client over the unix socket (node:http), for the
 * observation commands' start-up time: loading dockerode costs 200 ms or more (its
 * transport loads ssh2 eagerly), more than `claude status` may take in all. It implements
 * only the GET endpoints the observer uses, with dockerode's method names and reply
 * shapes, so the observer takes either (`DockerLike`). Anything else (tcp/ssh DOCKER_HOST,
 * TLS) uses dockerode: see `dockerFor`.
 */
import { request } from 'node:http';
import type { Readable } from 'node:stream';
import type Docker from 'dockerode';

/** What the observer needs from a Docker client; dockerode's Docker fits it. */
export interface DockerLike {
  listContainers(opts: { all: boolean }): Promise<Docker.ContainerInfo[]>;
  listImages(): Promise<Docker.ImageInfo[]>;
  getContainer(id: string): {
    inspect(): Promise<Docker.ContainerInspectInfo>;
    stats(opts: Record<string, unknown>): Promise<unknown>;
    logs(opts: Record<string, unknown>): Promise<unknown>;
  };
  getEvents(opts: Record<string, unknown>): Promise<NodeJS.ReadableStream>;
}

export class EngineApiError extends Error {
  constructor(
    message: string,
    readonly statusCode: number,
  ) {
    super(message);
    this.name = 'EngineApiError';
  }
}

const API = '/v1.41';

function query(o: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(o)) {
    if (v === undefined) continue;
    const s = typeof v === 'object' ? JSON.stringify(v) : String(v);
    parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(s)}`);
  }
  return parts.length ? `?${parts.join('&')}` : '';
}

export class EngineClient implements DockerLike {
  constructor(readonly socketPath = '/var/run/docker.sock') {}

  /** The raw response stream of a GET (status checked). */
  private stream(path: string): Promise<Readable> {
    return new Promise((resolve, reject) => {
      const req = request({ socketPath: this.socketPath, path: API + path, method: 'GET', headers: { host: 'docker' } }, (res) => {
        if ((res.statusCode ?? 500) >= 400) {
          let body = '';
          res.on('data', (d: Buffer) => (body += d.toString()));
          res.on('end', () => {
            let msg = body.trim();
            try {
              msg = (JSON.parse(body) as { message?: string }).message ?? msg;
            } catch {
              /* not JSON */
            }
            reject(new EngineApiError(`(HTTP code ${res.statusCode}) ${msg}`, res.statusCode ?? 500));
          });
          return;
        }
        resolve(res);
      });
      req.on('error', reject);
      req.end();
    });
  }

  private async buffer(path: string): Promise<Buffer> {
    const s = await this.stream(path);
    const chunks: Buffer[] = [];
    for await (const c of s) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  }

  private async json<T>(path: string): Promise<T> {
    return JSON.parse((await this.buffer(path)).toString('utf8')) as T;
  }

  listContainers(opts: { all: boolean }): Promise<Docker.ContainerInfo[]> {
    return this.json(`/containers/json${query({ all: opts.all ? 1 : 0 })}`);
  }

  listImages(): Promise<Docker.ImageInfo[]> {
    return this.json('/images/json');
  }

  getContainer(id: string) {
    const base = `/containers/${encodeURIComponent(id)}`;
    return {
      inspect: () => this.json<Docker.ContainerInspectInfo>(`${base}/json`),
      stats: (o: Record<string, unknown>) => this.json<unknown>(`${base}/stats${query(o)}`),
      logs: async (o: Record<string, unknown>): Promise<unknown> => {
        const q = query({ ...o, stdout: o['stdout'] ? 1 : 0, stderr: o['stderr'] ? 1 : 0, timestamps: o['timestamps'] ? 1 : 0, follow: o['follow'] ? 1 : 0 });
        return o['follow'] ? this.stream(`${base}/logs${q}`) : this.buffer(`${base}/logs${q}`);
      },
    };
  }

  getEvents(o: Record<string, unknown>): Promise<NodeJS.ReadableStream> {
    return this.stream(`/events${query(o)}`);
  }
}

/**
 * The client for an environment: the light one for a unix socket (the default, or
 * DOCKER_HOST=unix://…), dockerode for anything else.
 */
export async function dockerFor(env: Record<string, string | undefined>): Promise<DockerLike> {
  const host = env.DOCKER_HOST;
  if (!host) return new EngineClient();
  if (host.startsWith('unix://')) return new EngineClient(host.slice('unix://'.length));
  const { default: Dockerode } = await import('dockerode');
  return new Dockerode() as unknown as DockerLike;
}
