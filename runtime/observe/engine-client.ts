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
  return dockerApiFor(env);
}
