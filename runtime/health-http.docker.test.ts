/**
 * The readiness probe's HTTP fast path (runtime/health.ts waitReady, httpHealthOf) on the real
 * Docker Engine: a container whose health command is one plain HTTP GET of its own loopback,
 * on a published port, is healthy as soon as the same request from the host answers 2xx
 * (`via: 'http'`, no `docker exec`); a 404 there proves nothing, and the command itself (which
 * fails) decides: the wait times out. A command with a condition of its own is never replaced
 * by the request. Containers carry this run's suffix and are removed afterwards.
 */
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { waitReady } from './health.js';
import { EngineClient } from './drivers/engine-api.js';
import { HealthTimeoutError } from './engine.js';
import { health } from './testutil/plans.js';
import { freePort } from './testutil/ports.js';
import { removeDockerByName } from './testutil/docker-cleanup.js';

const sfx = randomBytes(4).toString('hex');
const docker = new EngineClient();

afterAll(() => removeDockerByName(sfx));

/** A busybox httpd serving /w (index.html says ok) on container port 8000, published on 127.0.0.1. */
async function serving(name: string): Promise<{ name: string; ports: { container: number; host: number; hostIp: string; protocol: 'tcp' }[] }> {
  const port = await freePort();
  const full = `claude-hh-${name}-${sfx}`;
  // -vv: httpd logs each request (`…: url:/`), which the overlap test reads
  execFileSync('docker', ['run', '-d', '--name', full, '-p', `127.0.0.1:${port}:8000`, 'claude-os-local/busybox:latest', 'sh', '-c', 'mkdir -p /w && echo ok > /w/index.html && exec httpd -f -vv -p 8000 -h /w'], { stdio: 'ignore' });
  return { name: full, ports: [{ container: 8000, host: port, hostIp: '127.0.0.1', protocol: 'tcp' }] };
}

/** The real Engine API with each inspect answered only `ms` after it was asked; `answered()`: how many were. */
function slowInspects(ms: number): { slow: typeof docker; answered: () => number } {
  let n = 0;
  const slow = Object.create(docker) as typeof docker;
  slow.getContainer = (id: string) => {
    const real = docker.getContainer(id);
    const wrapped = Object.create(real) as typeof real;
    wrapped.inspect = async () => {
      await new Promise((r) => setTimeout(r, ms));
      n++;
      return real.inspect();
    };
    return wrapped;
  };
  return { slow, answered: () => n };
}

describe('readiness: the health command\'s HTTP request from the host', () => {
  it('a 2xx from the published port is healthy at once, without docker exec', async () => {
    const c = await serving('ok');
    const r = await waitReady(docker, c.name, { probe: health('wget -q -O- http://127.0.0.1:8000/ >/dev/null'), timeoutMs: 30_000, ports: c.ports });
    expect(r).toMatchObject({ state: 'healthy', via: 'http' });
  }, 120_000);

  it('the first request goes out beside the first inspect, not after it', async () => {
    const c = await serving('overlap');
    // httpd logs to stderr; wait until it has answered once, so that the wait's request is the only new one
    const logs = () => execFileSync('sh', ['-c', `docker logs ${c.name} 2>&1`], { encoding: 'utf8' });
    for (let i = 0; i < 100 && !/response:200/.test(logs()); i++) execFileSync('sh', ['-c', `wget -q -O- http://127.0.0.1:${c.ports[0]!.host}/ >/dev/null 2>&1 || sleep 0.1`]);
    // read without blocking the event loop, where the wait's request is answered meanwhile
    const requests = async () => ((await promisify(execFile)('sh', ['-c', `docker logs ${c.name} 2>&1`], { encoding: 'utf8' })).stdout.match(/url:\//g) ?? []).length;
    const before = await requests();
    // the real Engine API, with the first inspect held until httpd has logged a new request (at most 3 s)
    let seenDuringInspect: boolean | undefined;
    let firstInspect: ReturnType<ReturnType<typeof docker.getContainer>["inspect"]> | undefined;
    const held = Object.create(docker) as typeof docker;
    held.getContainer = (id: string) => {
      const real = docker.getContainer(id);
      const wrapped = Object.create(real) as typeof real;
      wrapped.inspect = () => (firstInspect ??= heldInspect(real));
      return wrapped;
    };
    const heldInspect = async (real: ReturnType<typeof docker.getContainer>) => {
      {
        if (seenDuringInspect === undefined) {
          const end = Date.now() + 3000;
          while ((await requests()) === before && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
          seenDuringInspect = (await requests()) > before;
        }
        return real.inspect();
      }
    };
    const r = await waitReady(held, c.name, { probe: health('wget -q -O- http://127.0.0.1:8000/ >/dev/null'), timeoutMs: 30_000, ports: c.ports });
    expect(r).toMatchObject({ state: 'healthy', via: 'http' });
    // since session 25 the 2xx may end the wait before the held inspect does: wait for it to say
    await firstInspect;
    expect(seenDuringInspect).toBe(true);
  }, 120_000);

  it('a 2xx to that first request is ready before the inspect answers (session 25: one Engine API round trip less)', async () => {
    const c = await serving('early');
    for (let i = 0; i < 100; i++) {
      try {
        execFileSync('wget', ['-q', '-O-', `http://127.0.0.1:${c.ports[0]!.host}/`], { stdio: 'ignore' });
        break;
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    // the real Engine API, with each inspect answered only 3 s after it was asked
    const { slow, answered } = slowInspects(3000);
    const r = await waitReady(slow, c.name, { probe: health('wget -q -O- http://127.0.0.1:8000/ >/dev/null'), timeoutMs: 30_000, ports: c.ports });
    expect(r).toMatchObject({ state: 'healthy', via: 'http' });
    // before: the request's answer was taken only in the first round, after the inspect's
    expect(answered()).toBe(0);
  }, 120_000);

  it('a service that listens a moment after its start (a released hold) answers the first request, sent again, before the inspect', async () => {
    const port = await freePort();
    const name = `claude-hh-late-${sfx}`;
    // httpd listens only ≈ 150 ms after `docker run` returns: the first request finds nothing
    execFileSync('docker', ['run', '-d', '--name', name, '-p', `127.0.0.1:${port}:8000`, 'claude-os-local/busybox:latest', 'sh', '-c', 'mkdir -p /w && echo ok > /w/index.html && sleep 0.15 && exec httpd -f -p 8000 -h /w'], { stdio: 'ignore' });
    // the real Engine API, with each inspect answered only 3 s after it was asked
    const { slow, answered } = slowInspects(3000);
    const r = await waitReady(slow, name, { probe: health('wget -q -O- http://127.0.0.1:8000/ >/dev/null'), timeoutMs: 30_000, ports: [{ container: 8000, host: port, hostIp: '127.0.0.1', protocol: 'tcp' }] });
    expect(r).toMatchObject({ state: 'healthy', via: 'http' });
    // before: the refused request waited for the inspect (3 s) and a second request
    expect(answered()).toBe(0);
    expect(r.ms).toBeLessThan(2500);
  }, 120_000);

  it('a 404 proves nothing: the command itself runs, fails, and the wait times out', async () => {
    const c = await serving('missing');
    await expect(waitReady(docker, c.name, { probe: health('wget -q -O- http://127.0.0.1:8000/missing', 100), timeoutMs: 1500, ports: c.ports })).rejects.toThrow(HealthTimeoutError);
  }, 120_000);

  it('a command with a condition of its own is run as it is (here it fails), never replaced by the request', async () => {
    const c = await serving('cond');
    await expect(waitReady(docker, c.name, { probe: health('wget -q -O- http://127.0.0.1:8000/ && test -f /nonexistent', 100), timeoutMs: 1500, ports: c.ports })).rejects.toThrow(/did not become healthy/);
    // and a command that is not HTTP is run in the container as before
    const r = await waitReady(docker, c.name, { probe: health('test -f /w/index.html'), timeoutMs: 30_000, ports: c.ports });
    expect(r.state).toBe('healthy');
    expect(r.via).toBeUndefined();
  }, 120_000);
});
