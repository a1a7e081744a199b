/**
 * The observer's Docker client: the small Engine API client of drivers/engine-api.ts over
 * the unix socket (loading dockerode costs ~300 ms of CPU: its transport loads ssh2 and
 * grpc eagerly, more than `claude status` may take in all), or dockerode for any other
 * DOCKER_HOST (tcp, ssh, TLS): see `dockerFor`. The observer takes either (`DockerLike`).
 */
import type Docker from 'dockerode';
import { dockerApiFor } from '../drivers/engine-api.js';

export { EngineApiError, EngineClient } from '../drivers/engine-api.js';

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

/**
 * The client for an environment: the light one for a unix socket (the default, or
 * DOCKER_HOST=unix://…), dockerode for anything else.
 */
export async function dockerFor(env: Record<string, string | undefined>): Promise<DockerLike> {
  // CLAUDE_ENGINE=containerd (runtime/host-engine.ts engineKind): containerd in Docker's shape.
  if (env.CLAUDE_ENGINE?.trim() === 'containerd') return containerdView(env);
  return dockerApiFor(env);
}

/**
 * Whether an engine client's error means the engine is not there: no socket (ENOENT), nothing
 * listening (ECONNREFUSED), not allowed (EACCES), or, from containerd's gRPC client, UNAVAILABLE
 * (code 14: "No connection established").
 */
export function engineUnreachable(e: unknown): boolean {
  const code = (e as { code?: string | number } | null)?.code;
  return code === 'ENOENT' || code === 'ECONNREFUSED' || code === 'EACCES' || code === 14;
}

/**
 * What to tell a person when the configured engine cannot be reached, with the fix: the
 * Docker Engine's, or with CLAUDE_ENGINE=containerd containerd's (its socket named).
 */
export function engineDownMessage(e: unknown, env: Record<string, string | undefined> = process.env): string {
  let msg = (e instanceof Error ? e.message : String(e)).trim();
  if (env.CLAUDE_ENGINE?.trim() === 'containerd') {
    const address = env.CLAUDE_CONTAINERD_ADDRESS || '/run/containerd/containerd.sock';
    // gRPC's "14 UNAVAILABLE: No connection established. Last error: Error: connect ENOENT /x.sock. Resolution note: "
    msg = /Last error: (?:Error: )?(.*?)\.?\s*(?:Resolution note:.*)?$/s.exec(msg)?.[1] ?? msg;
    return `cannot reach containerd at ${address} (${msg}); start containerd (on the device /init starts it at boot: see /var/log/containerd.log), or set CLAUDE_CONTAINERD_ADDRESS to its socket`;
  }
  return `cannot reach the Docker Engine (${msg}); start dockerd (systemctl start docker), check the socket's permissions, or set DOCKER_HOST`;
}

/** The containerd backend as a DockerLike (drivers/containerd/docker-view.ts), for this data dir and host id. */
async function containerdView(env: Record<string, string | undefined>): Promise<DockerLike> {
  const { resolvePaths } = await import('../../common/paths.js');
  const { readHostId } = await import('../../plan/keys.js');
  const { ContainerdEngine } = await import('../drivers/containerd/engine.js');
  const { ContainerdDockerView } = await import('../drivers/containerd/docker-view.js');
  const paths = resolvePaths(env, process.cwd());
  let hostId = '';
  try {
    hostId = readHostId(paths.dataDir) ?? '';
  } catch {
    /* a damaged host id: the observer reports it itself */
  }
  const engine = new ContainerdEngine({
    address: env.CLAUDE_CONTAINERD_ADDRESS || '/run/containerd/containerd.sock',
    namespace: env.CLAUDE_CONTAINERD_NAMESPACE || 'claude-os',
    root: paths.root,
    dataDir: paths.dataDir,
    hostId,
  });
  return new ContainerdDockerView(engine);
}
