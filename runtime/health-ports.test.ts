/**
 * silentPorts (runtime/health.ts): the port-only readiness check that both engines use (Docker
 * in health.ts, containerd in drivers/containerd/engine.ts). A published TCP port answers when
 * a connection to it succeeds and is not closed by the other side within the hold; a port that
 * refuses, or accepts and closes at once (docker-proxy with nothing behind it), is silent.
 * Real TCP servers on the loopback.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type Server, type Socket } from 'node:net';
import type { ContainerSpec } from '../plan/types.js';
import { silentPorts } from './health.js';

const servers: Server[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** A server on a free loopback port: `keep` holds each connection open, `close` ends it at once. */
async function server(kind: 'keep' | 'close'): Promise<number> {
  const s = createServer((c) => (kind === 'keep' ? sockets.push(c) : c.destroy()));
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return (s.address() as { port: number }).port;
}

/** A port nothing listens on: a server's, closed again. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

const published = (host: number, hostIp = '127.0.0.1'): ContainerSpec['ports'][number] => ({ container: 80, host, hostIp, protocol: 'tcp' });

describe('silentPorts', () => {
  it('a port that accepts and keeps the connection answers', async () => {
    const port = await server('keep');
    expect(await silentPorts([published(port), published(port, '0.0.0.0')])).toEqual([]);
  });

  it('a port that accepts and closes at once is silent, and so is one that refuses', async () => {
    const [closing, refusing, keeping] = [await server('close'), await closedPort(), await server('keep')];
    // A long hold, so the close is seen within it however busy the host is.
    expect(await silentPorts([published(closing), published(refusing), published(keeping)], 2000)).toEqual([closing, refusing]);
  });

  it('only published TCP ports are checked', async () => {
    const refusing = await closedPort();
    expect(await silentPorts([{ container: 53, host: refusing, protocol: 'udp' }, { container: 80, protocol: 'tcp' }])).toEqual([]);
  });
});
