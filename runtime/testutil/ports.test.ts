/**
 * The port helpers on real sockets: `refusedLoopback` gives an address on which nothing
 * answers at the port (checked), passes over one where something listens, and says so when
 * a wildcard listener answers on every loopback address.
 */
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { answers, freePort, refusedLoopback } from './ports.js';

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});
function listen(address: string, port: number): Promise<void> {
  const s = createServer((c) => c.destroy());
  servers.push(s);
  return new Promise((resolve, reject) => {
    s.once('error', reject);
    s.listen(port, address, () => resolve());
  });
}

describe('refusedLoopback', () => {
  it('gives 127.0.0.2 when nothing listens there, another loopback address when something does, each refused when checked', async () => {
    const port = await freePort();
    expect(await refusedLoopback(port)).toBe('127.0.0.2');
    await listen('127.0.0.2', port);
    expect(await answers('127.0.0.2', port)).toBe(true);
    const a = await refusedLoopback(port);
    expect(a).not.toBe('127.0.0.2');
    expect(a).toMatch(/^127\.\d+\.\d+\.\d+$/);
    expect(await answers(a, port)).toBe(false);
  });

  it('says a wildcard listener answers on every loopback address, naming the port', async () => {
    const port = await freePort();
    await listen('0.0.0.0', port);
    await expect(refusedLoopback(port)).rejects.toThrow(new RegExp(`0\\.0\\.0\\.0:${port}.*ss -ltnp`));
  });
});
