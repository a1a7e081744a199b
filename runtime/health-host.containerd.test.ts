/**
 * The readiness wait asking the service itself from the host on containerd: the driver's
 * waitReady (drivers/containerd/engine.ts) sends the health command's own request to the
 * container's address on its first network (the CNI result) before a task exec, as health.ts
 * does on Docker (health-wire.docker.test.ts, health-http.docker.test.ts). On a private
 * containerd (testutil/engine-world.ts) with the local images imported from tarballs:
 * - `pg_isready` and `redis-cli ping` (runtime/health-wire.ts) are answered without a task exec
 *   (`via: 'postgres'` / `'redis'`) and the command run in the task agrees; an answer that
 *   would not make the command exit 0 (redis asking for a password, something else listening
 *   on 5432) proves nothing: the command decides, and here it fails;
 * - one plain HTTP GET (health.ts httpHealthOf): a 2xx at the container's address is healthy
 *   (`via: 'http'`), also with no published port; a 404 proves nothing (the command fails, the
 *   wait times out); a command with a condition of its own is never replaced.
 * - while nothing listens where the command asks (no socket on that port in the task's network
 *   namespace, /proc/<pid>/net/tcp*: health.ts cannotPassNow), the command is not run in the
 *   task at all (postgres's start-up, nginx's first milliseconds: each task exec took ≈ 50 ms
 *   and the shim's and runc's CPU), a service on its container's loopback only is still asked
 *   by the command at once, and a task that exits meanwhile still fails the wait at once.
 * The world (daemon, containers, networks, dirs) is removed afterwards.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ContainerSpec } from '../plan/types.js';
import { ContainerExitedError, HealthTimeoutError } from './engine.js';
import { REFUSED_PROBE_INTERVAL_MS } from './health.js';
import { containerSpec, health } from './testutil/plans.js';
import { startEngineWorld, type EngineWorld } from './testutil/engine-world.js';
import type { ContainerdEngine } from './drivers/containerd/engine.js';

const PG = 'claude-os-local/postgres:latest';
const REDIS = 'claude-os-local/redis:latest';
const BUSYBOX = 'claude-os-local/busybox:latest';

let w: EngineWorld;
let engine: ContainerdEngine;

beforeAll(async () => {
  w = await startEngineWorld('containerd', 'hwire', { images: [PG, REDIS, BUSYBOX] });
  engine = w.engine as ContainerdEngine;
}, 300_000);

afterAll(async () => {
  await w?.close();
}, 120_000);

async function run(name: string, p: Partial<ContainerSpec> & Pick<ContainerSpec, 'image'>): Promise<string> {
  const full = w.n(`hw-${name}`);
  await engine.createContainer(containerSpec({ name: full, ...p }), p.env ?? {});
  await engine.startContainer(full);
  return full;
}

/** A health check whose probe times out after 300 ms (the refusals below fail fast). */
const quick = (cmd: string) => ({ ...health(cmd, 200), timeoutMs: 300 });
const tcp = (port: number) => [{ container: port, protocol: 'tcp' as const }];

describe('readiness on containerd: pg_isready and redis-cli ping asked from the host', () => {
  it('postgres (a fresh data dir: initdb first) is healthy through its own protocol at its CNI address, and pg_isready in the task agrees', async () => {
    const pg = await run('pg', { image: PG, env: { POSTGRES_USER: 'app', POSTGRES_HOST_AUTH_METHOD: 'trust' } });
    const cmd = 'pg_isready -U app -h 127.0.0.1';
    // during initdb the port refuses, then the server says 57P03 (starting up); whichever of the
    // host's request and the command in the task sees it ready first ends the wait
    expect(await engine.waitReady(pg, { probe: health(cmd), timeoutMs: 120_000, ports: tcp(5432) })).toMatchObject({ state: 'healthy' });
    expect((await w.exec(pg, ['sh', '-c', cmd], 30_000)).code).toBe(0);
    // ready now: the first round's request from the host decides, no task exec
    expect(await engine.waitReady(pg, { probe: health(cmd), timeoutMs: 120_000, ports: tcp(5432) })).toMatchObject({ state: 'healthy', via: 'postgres' });
    // the probe said goodbye: no "unexpected EOF" or protocol complaint in the server's log
    expect((await w.logs(pg)).join('\n')).not.toMatch(/unexpected EOF|invalid length of startup packet|expected .* response/);
  }, 180_000);

  it('redis answers PONG: healthy without a task exec, for each recognised form', async () => {
    const redis = await run('redis', { image: REDIS, command: ['redis-server', '--protected-mode', 'no', '--save', ''] });
    // just started: whichever of the host's request and the command sees it ready first ends this wait
    expect(await engine.waitReady(redis, { probe: health('redis-cli ping'), timeoutMs: 60_000, ports: tcp(6379) })).toMatchObject({ state: 'healthy' });
    // ready now: the first round's request from the host decides, no task exec
    for (const cmd of ['redis-cli ping | grep -q PONG', '[ "$(redis-cli ping)" = PONG ]']) {
      const r = await engine.waitReady(redis, { probe: health(cmd), timeoutMs: 60_000, ports: tcp(6379) });
      expect(r, cmd).toMatchObject({ state: 'healthy', via: 'redis' });
      expect((await w.exec(redis, ['sh', '-c', cmd], 30_000)).code, cmd).toBe(0);
    }
  }, 120_000);

  it('redis that asks for a password answers -NOAUTH: that proves nothing, the command runs and fails', async () => {
    const redis = await run('redis-auth', { image: REDIS, command: ['redis-server', '--protected-mode', 'no', '--requirepass', 'not-given'] });
    const cmd = 'redis-cli ping | grep -q PONG';
    await expect(engine.waitReady(redis, { probe: quick(cmd), timeoutMs: 2000, ports: tcp(6379) })).rejects.toThrow(HealthTimeoutError);
    expect((await w.exec(redis, ['sh', '-c', cmd], 30_000)).code).not.toBe(0);
  }, 120_000);

  it('something that is not postgres on 5432 proves nothing: pg_isready (absent there) decides', async () => {
    const other = await run('not-pg', { image: BUSYBOX, command: ['sh', '-c', 'while true; do echo not-postgres | nc -l -p 5432; done'] });
    await expect(engine.waitReady(other, { probe: quick('pg_isready -h 127.0.0.1'), timeoutMs: 2000, ports: tcp(5432) })).rejects.toThrow(/did not become healthy/);
  }, 120_000);
});

/** A busybox httpd serving /w (index.html says ok) on container port 8000, published nowhere. */
const httpd = (name: string) => run(name, { image: BUSYBOX, command: ['sh', '-c', 'mkdir -p /w && echo ok > /w/index.html && exec httpd -f -p 8000 -h /w'] });

describe("readiness on containerd: the health command's HTTP request from the host", () => {
  it('a 2xx at the container address is healthy without a task exec, with no port published', async () => {
    const c = await httpd('http-ok');
    // just started: whichever of the host's request and the command sees it serving first ends this wait
    expect(await engine.waitReady(c, { probe: health('wget -q -O- http://127.0.0.1:8000/ >/dev/null'), timeoutMs: 30_000, ports: [] })).toMatchObject({ state: 'healthy' });
    // serving now: the first round's request from the host decides, no task exec
    const r = await engine.waitReady(c, { probe: health('wget -q -O- http://127.0.0.1:8000/ >/dev/null'), timeoutMs: 30_000, ports: [] });
    expect(r).toMatchObject({ state: 'healthy', via: 'http' });
    // the command in the task agrees
    expect((await w.exec(c, ['sh', '-c', 'wget -q -O- http://127.0.0.1:8000/ >/dev/null'], 30_000)).code).toBe(0);
  }, 120_000);

  it('a 404 proves nothing: the command itself runs, fails, and the wait times out', async () => {
    const c = await httpd('http-404');
    await expect(engine.waitReady(c, { probe: health('wget -q -O- http://127.0.0.1:8000/missing', 100), timeoutMs: 1500, ports: [] })).rejects.toThrow(HealthTimeoutError);
  }, 120_000);

  it('a command with a condition of its own is run as it is (here it fails), never replaced by the request', async () => {
    const c = await httpd('http-cond');
    await expect(engine.waitReady(c, { probe: health('wget -q -O- http://127.0.0.1:8000/ && test -f /nonexistent', 100), timeoutMs: 1500, ports: [] })).rejects.toThrow(/did not become healthy/);
    const r = await engine.waitReady(c, { probe: health('test -f /w/index.html'), timeoutMs: 30_000, ports: [] });
    expect(r.state).toBe('healthy');
    expect(r.via).toBeUndefined();
  }, 120_000);
});

/** When (ms since the call) each health command was started in a task during `fn` (the driver's own task exec, spied on). */
async function execTimes<T>(fn: () => Promise<T>): Promise<{ result: T; at: number[]; t0: number }> {
  const at: number[] = [];
  const t0 = Date.now();
  const e = engine as unknown as { startExec: (...a: unknown[]) => unknown };
  const real = e.startExec.bind(engine);
  const spy = vi.spyOn(e, 'startExec').mockImplementation((...a: unknown[]) => {
    at.push(Date.now() - t0);
    return real(...a);
  });
  try {
    return { result: await fn(), at, t0 };
  } finally {
    spy.mockRestore();
  }
}

describe('readiness on containerd: no task exec while the port refuses', () => {
  it('an HTTP server that listens 0.3 s after its start is seen by the request from the host; no command ran in the first interval', async () => {
    const c = await run('late-httpd', { image: BUSYBOX, command: ['sh', '-c', 'mkdir -p /w && echo ok > /w/index.html && sleep 0.3 && exec httpd -f -p 8000 -h /w'] });
    const { result, at } = await execTimes(() => engine.waitReady(c, { probe: health('wget -q -O- http://127.0.0.1:8000/ >/dev/null'), timeoutMs: 30_000, ports: tcp(8000) }));
    expect(result).toMatchObject({ state: 'healthy' });
    // before: the first round ran the command at once (and it failed), then every 20–250 ms
    expect(at.filter((ms) => ms < REFUSED_PROBE_INTERVAL_MS - 100)).toEqual([]);
  }, 120_000);

  // The promise is about the time the port refuses, so the test holds it refused: postgres starts
  // HOLD_MS after its task does. Before (0bec361, retried), postgres started at once: the fixture
  // image copies a ready-made cluster (fixtures/images/README.md), so on a quiet host it listens
  // ≈ 0.2–0.4 s after its start and answers 57P03 ("starting up") for a moment; the port no
  // longer refuses, so the command legitimately ran then (19:10 CI: an exec at 233 ms, healthy
  // at 492 ms), and the test failed whenever the host's request saw that moment before "ready".
  it('postgres whose start is held: while nothing listens on its port in the task, the command is not run at all (before session 24: once a second)', { timeout: 180_000 }, async () => {
    const HOLD_MS = 3000;
    const asked = Date.now(); // the hold (a sleep in the task) cannot begin before this
    const pg = await run('pg-sparse', { image: PG, command: ['sh', '-c', `sleep ${HOLD_MS / 1000}; exec claude-postgres-entrypoint postgres`], env: { POSTGRES_USER: 'app', POSTGRES_HOST_AUTH_METHOD: 'trust' } });
    const { result, at, t0 } = await execTimes(() => engine.waitReady(pg, { probe: health('pg_isready -U app -h 127.0.0.1'), timeoutMs: 120_000, ports: tcp(5432) }));
    expect(result).toMatchObject({ state: 'healthy' });
    // the execs started while nothing could listen on 5432 yet (ms since the wait's start)
    const refusing = at.filter((ms) => t0 + ms < asked + HOLD_MS);
    // the task's /proc/<pid>/net/tcp* shows no socket on 5432 (health.ts cannotPassNow): no exec.
    // Before session 24 it ran once every REFUSED_PROBE_INTERVAL_MS (3 times in the hold), and
    // before session 17 every 20–250 ms (≥ 8 times).
    expect(refusing, `execs at ${at.join(', ')} ms`).toEqual([]);
  });

  it('with no declared port, a refusal at its address proves nothing: a service bound to 127.0.0.1 in its container is probed by the command at once (review 22 LOW-4)', async () => {
    const c = await run('lo-httpd', { image: BUSYBOX, command: ['sh', '-c', 'mkdir -p /w && echo ok > /w/index.html && exec httpd -f -p 127.0.0.1:8000 -h /w'] });
    const { result, at } = await execTimes(() => engine.waitReady(c, { probe: health('wget -q -O- http://127.0.0.1:8000/ >/dev/null'), timeoutMs: 30_000, ports: [] }));
    expect(result).toMatchObject({ state: 'healthy' });
    expect(result.via).toBeUndefined(); // the host's request was refused; the command decided
    // before: portsRefusedAt(ip, []) was true, so the command waited REFUSED_PROBE_INTERVAL_MS
    expect(at[0], `execs at ${at.join(', ')} ms`).toBeLessThan(REFUSED_PROBE_INTERVAL_MS - 100);
  }, 120_000);

  it('a task that exits while its port refuses fails the wait with its exit code, not a timeout', async () => {
    const c = await run('exits', { image: BUSYBOX, command: ['sh', '-c', 'sleep 0.3; echo going away; exit 3'] });
    const t0 = Date.now();
    const err = await engine.waitReady(c, { probe: health('wget -q -O- http://127.0.0.1:8000/ >/dev/null'), timeoutMs: 60_000, ports: tcp(8000) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ContainerExitedError);
    expect((err as Error).message).toMatch(/exit code 3/);
    expect(Date.now() - t0).toBeLessThan(30_000);
  }, 120_000);
});
