/**
 * Readiness while a container's ports are not listening yet (issue 21, the stack bench):
 * its health command, a `docker exec`, is then run at most once a second
 * (REFUSED_PROBE_INTERVAL_MS) instead of every 250 ms, so on a 2-core host the probes do
 * not compete with the start-up itself (postgres's initdb). The verdict is still the health
 * command's: a command that passes without the port still makes the container healthy.
 * Real Docker; the execs are counted from Docker's own events.
 */
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HealthSpec } from '../plan/types.js';
import { HealthTimeoutError } from './engine.js';
import { REFUSED_PROBE_INTERVAL_MS } from './health.js';
import { containerSpec } from './testutil/plans.js';
import { startEngineWorld, type EngineWorld } from './testutil/engine-world.js';

/** Docker's own healthcheck interval is long, so only the runtime's probes run here. */
const hc = (cmd: string): HealthSpec => ({ test: ['CMD-SHELL', cmd], intervalMs: 600_000, timeoutMs: 2000, retries: 3, startPeriodMs: 0 });

/** The exec_start events of a container between two times (ms since the epoch). */
function execStarts(name: string, since: number, until: number): number {
  const out = execFileSync('docker', ['events', '--since', String(since / 1000), '--until', String(until / 1000), '--filter', `container=${name}`, '--filter', 'event=exec_start', '--format', '{{.Action}}'], { encoding: 'utf8' });
  return out.split('\n').filter(Boolean).length;
}

describe('readiness while the ports refuse connections (docker)', () => {
  let w: EngineWorld;
  beforeAll(async () => {
    w = await startEngineWorld('docker', 'ready-ports', { images: ['claude-os-local/web:latest'] });
  }, 180_000);
  afterAll(async () => {
    await w?.close();
  }, 120_000);

  it('runs the health command about once a second while nothing listens, and says so when it times out', async () => {
    // nginx's image, but nothing listens on port 80: the health command (wget) fails
    const spec = containerSpec({ name: w.n('closed'), image: 'claude-os-local/web:latest', command: ['sleep', '1000'], ports: [{ container: 80, protocol: 'tcp' }], healthcheck: hc('wget -q -O- http://127.0.0.1/') });
    await w.engine.startContainer(await w.engine.createContainer(spec, {}));
    const t0 = Date.now();
    const err = await w.engine.waitReady(spec.name, { probe: spec.healthcheck, timeoutMs: 2500, ports: spec.ports }).catch((e: unknown) => e);
    const t1 = Date.now();
    expect(err).toBeInstanceOf(HealthTimeoutError);
    // an exec still running at the deadline reads "(timed out after 2000 ms) still running" (a busy host)
    expect((err as Error).message).toMatch(/last result: \(?(exit 1|timed out).*; port\(s\) 80 not listening yet/);
    // one every REFUSED_PROBE_INTERVAL_MS of wall time, plus the last one running when it ended
    const execs = execStarts(spec.name, t0 - 1000, t1 + 1000);
    expect(execs).toBeGreaterThanOrEqual(1);
    expect(execs).toBeLessThanOrEqual(Math.ceil((t1 - t0) / REFUSED_PROBE_INTERVAL_MS) + 1);
  }, 60_000);

  it('a health command that passes without the port still makes the container healthy', async () => {
    const spec = containerSpec({ name: w.n('noport'), image: 'claude-os-local/web:latest', command: ['sleep', '1000'], ports: [{ container: 80, protocol: 'tcp' }], healthcheck: hc('true') });
    await w.engine.startContainer(await w.engine.createContainer(spec, {}));
    const r = await w.engine.waitReady(spec.name, { probe: spec.healthcheck, timeoutMs: 30_000, ports: spec.ports });
    expect(r.state).toBe('healthy');
  }, 60_000);

  it('a container that listens is probed at once: nginx is healthy on the first exec', async () => {
    const spec = containerSpec({ name: w.n('open'), image: 'claude-os-local/web:latest', ports: [{ container: 80, protocol: 'tcp' }], healthcheck: hc('wget -q -O- http://127.0.0.1/ >/dev/null') });
    await w.engine.startContainer(await w.engine.createContainer(spec, {}));
    // nginx listens within moments of starting; wait for it, as a person would see it
    for (let i = 0; i < 100 && (await w.exec(spec.name, ['/bin/sh', '-c', 'wget -q -O- http://127.0.0.1/ >/dev/null'], 5000)).code !== 0; i++) await new Promise((r) => setTimeout(r, 100));
    const t0 = Date.now();
    const r = await w.engine.waitReady(spec.name, { probe: spec.healthcheck, timeoutMs: 30_000, ports: spec.ports });
    const t1 = Date.now();
    expect(r.state).toBe('healthy');
    expect(execStarts(spec.name, t0, t1 + 1000)).toBe(1);
  }, 60_000);
});
