/**
 * The readiness wait asking postgres and redis itself (runtime/health-wire.ts, through
 * health.ts waitReady) on the real Docker Engine with the local images: `pg_isready` and
 * `redis-cli ping` are answered over TCP at the container's address, without a `docker exec`
 * (`via: 'postgres'` / `'redis'`), and the command run in the container agrees. An answer that
 * would not make the command exit 0 (redis asking for a password, something else listening on
 * 5432) proves nothing: the command decides, and here it fails. While nothing listens on the
 * asked port in the container (its /proc/<pid>/net/tcp*), the command is not run at all
 * (health.ts cannotPassNow); a postgres on the container's loopback only still gets it. Containers carry this run's
 * suffix and are removed afterwards.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { CANNOT_PASS_MAX_MS, REFUSED_PROBE_INTERVAL_MS, waitReady } from './health.js';
import { EngineClient } from './drivers/engine-api.js';
import { HealthTimeoutError } from './engine.js';
import { health } from './testutil/plans.js';
import { removeDockerByName } from './testutil/docker-cleanup.js';

const sfx = randomBytes(4).toString('hex');
const docker = new EngineClient();

afterAll(() => removeDockerByName(sfx));

function run(name: string, args: string[]): string {
  const full = `claude-hw-${name}-${sfx}`;
  execFileSync('docker', ['run', '-d', '--name', full, ...args], { stdio: 'ignore' });
  return full;
}

/** A health check whose probe times out after 300 ms (the refusals below fail fast). */
const quick = (cmd: string) => ({ ...health(cmd, 200), timeoutMs: 300 });

const execCode = (name: string, line: string): number => {
  try {
    execFileSync('docker', ['exec', name, 'sh', '-c', line], { stdio: 'ignore' });
    return 0;
  } catch (e) {
    return (e as { status?: number }).status ?? -1;
  }
};

describe('readiness: pg_isready and redis-cli ping asked from the host', () => {
  it('postgres (a fresh data dir: initdb first) is healthy through its own protocol, and pg_isready in it agrees', async () => {
    const pg = run('pg', ['-e', 'POSTGRES_USER=app', '-e', 'POSTGRES_HOST_AUTH_METHOD=trust', 'claude-os-local/postgres:latest']);
    const cmd = 'pg_isready -U app -h 127.0.0.1';
    const ports = [{ container: 5432, protocol: 'tcp' as const }];
    // during initdb the port refuses, then the server says 57P03 (starting up); whichever of the
    // host's request and the command in the container sees it ready first ends the wait
    expect(await waitReady(docker, pg, { probe: health(cmd), timeoutMs: 120_000, ports })).toMatchObject({ state: 'healthy' });
    expect(execCode(pg, cmd)).toBe(0);
    // ready now: the first round's request from the host decides, no exec
    expect(await waitReady(docker, pg, { probe: health(cmd), timeoutMs: 120_000, ports })).toMatchObject({ state: 'healthy', via: 'postgres' });
    // the probe said goodbye: no "unexpected EOF" or protocol complaint in the server's log
    expect(execFileSync('sh', ['-c', `docker logs ${pg} 2>&1`], { encoding: 'utf8' })).not.toMatch(/unexpected EOF|invalid length of startup packet|expected .* response/);
  }, 180_000);

  /** How many `docker exec`s were created in `name` since `sinceS` (epoch seconds): dockerd's own events. */
  const execsSince = (name: string, sinceS: number): number =>
    execFileSync('docker', ['events', '--since', sinceS.toFixed(3), '--until', (Date.now() / 1000).toFixed(3), '--filter', `container=${name}`, '--filter', 'event=exec_create', '--format', '{{.Action}}'], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean).length;

  it('while nothing listens on its port in the container, pg_isready is not run in it (no exec), and the wait still ends ready', async () => {
    // postgres's start held 2.5 s: before, the command ran once a second while the port refused
    const since = Date.now() / 1000;
    const pg = run('pg-held', ['-e', 'POSTGRES_USER=app', '-e', 'POSTGRES_HOST_AUTH_METHOD=trust', '--entrypoint', 'sh', 'claude-os-local/postgres:latest', '-c', 'sleep 2.5; exec claude-postgres-entrypoint postgres']);
    const cmd = 'pg_isready -U app -h 127.0.0.1';
    const r = await waitReady(docker, pg, { probe: health(cmd), timeoutMs: 120_000, ports: [{ container: 5432, protocol: 'tcp' }] });
    expect(r).toMatchObject({ state: 'healthy', via: 'postgres' });
    expect(r.ms).toBeGreaterThanOrEqual(2000);
    // held from the wait's first second on; run anyway only after CANNOT_PASS_MAX_MS of holds in
    // a row (a safety net): at most one exec per 3 s here, where the rule before ran one a second
    const execs = execsSince(pg, since);
    expect(execs, `${execs} execs in ${r.ms} ms`).toBeLessThanOrEqual(Math.ceil(r.ms / (REFUSED_PROBE_INTERVAL_MS + CANNOT_PASS_MAX_MS)));
    expect(execs, `${execs} execs in ${r.ms} ms`).toBeLessThan(Math.floor(r.ms / REFUSED_PROBE_INTERVAL_MS));
  }, 180_000);

  it("a postgres listening on the container's loopback only: the host's request is refused, but it listens, so pg_isready runs and decides", async () => {
    const since = Date.now() / 1000;
    const pg = run('pg-lo', ['-e', 'POSTGRES_USER=app', '-e', 'POSTGRES_HOST_AUTH_METHOD=trust', 'claude-os-local/postgres:latest', 'postgres', '-c', 'listen_addresses=127.0.0.1']);
    const cmd = 'pg_isready -U app -h 127.0.0.1';
    const r = await waitReady(docker, pg, { probe: health(cmd), timeoutMs: 120_000, ports: [{ container: 5432, protocol: 'tcp' }] });
    expect(r.state).toBe('healthy');
    expect(r.via).toBeUndefined(); // the command in the container said so, not the host's request
    expect(execsSince(pg, since)).toBeGreaterThanOrEqual(1);
  }, 180_000);

  it('a postgres on PGPORT=5433 whose pg_isready names no port (so 5432 is read): nothing is held, the command runs in it and passes (review 31 MED-1)', async () => {
    const pg = run('pg-pgport', ['-e', 'POSTGRES_USER=app', '-e', 'POSTGRES_HOST_AUTH_METHOD=trust', '-e', 'PGPORT=5433', 'claude-os-local/postgres:latest']);
    const r = await waitReady(docker, pg, { probe: health('pg_isready -U app -h 127.0.0.1'), timeoutMs: 120_000, ports: [{ container: 5433, protocol: 'tcp' }] });
    expect(r.state).toBe('healthy');
    expect(r.via).toBeUndefined(); // the host asked 5432, refused; the command in the container decided
  }, 180_000);

  it('redis answers PONG: healthy without docker exec, for each recognised form', async () => {
    const redis = run('redis', ['claude-os-local/redis:latest']);
    for (const cmd of ['redis-cli ping | grep -q PONG', '[ "$(redis-cli ping)" = PONG ]']) {
      const r = await waitReady(docker, redis, { probe: health(cmd), timeoutMs: 60_000, ports: [{ container: 6379, protocol: 'tcp' }] });
      expect(r, cmd).toMatchObject({ state: 'healthy', via: 'redis' });
      expect(execCode(redis, cmd), cmd).toBe(0);
    }
  }, 120_000);

  it('redis that asks for a password answers -NOAUTH: that proves nothing, the command runs and fails', async () => {
    const redis = run('redis-auth', ['claude-os-local/redis:latest', 'redis-server', '--protected-mode', 'no', '--requirepass', 'not-given']);
    const cmd = 'redis-cli ping | grep -q PONG';
    await expect(waitReady(docker, redis, { probe: quick(cmd), timeoutMs: 2000, ports: [{ container: 6379, protocol: 'tcp' }] })).rejects.toThrow(HealthTimeoutError);
    expect(execCode(redis, cmd)).not.toBe(0);
  }, 120_000);

  it('something that is not postgres on 5432 proves nothing: pg_isready (absent there) decides', async () => {
    const other = run('not-pg', ['claude-os-local/busybox:latest', 'sh', '-c', 'while true; do echo not-postgres | nc -l -p 5432; done']);
    await expect(waitReady(docker, other, { probe: quick('pg_isready -h 127.0.0.1'), timeoutMs: 2000, ports: [{ container: 5432, protocol: 'tcp' }] })).rejects.toThrow(/did not become healthy/);
  }, 120_000);
});
