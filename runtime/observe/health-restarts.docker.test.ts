/**
 * The crash-loop prediction of `claude health` counts crashes only, on the real Docker Engine:
 *   - a service restarted and stopped/started on request (`docker restart`, `docker stop` +
 *     `docker start`, as a plan or `claude restart` does) five times is "not restarting";
 *   - a service whose process keeps exiting with an error under `restart: on-failure` is a
 *     crash-loop risk, and the report counts its exits.
 * Containers carry this run's tag and this temp host's id; all are removed afterwards.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrCreateHostId } from '../../plan/keys.js';
import { until } from '../testutil/cli-host.js';
import { removeDockerByName } from '../testutil/docker-cleanup.js';
import { collect } from './collect.js';
import { EngineClient } from './engine-client.js';
import { buildHealthReport } from './health.js';
import { MetricsStore } from './metrics.js';

const tag = `hrst${randomBytes(3).toString('hex')}`;
const calm = `calm-${tag}`;
const crashy = `crashy-${tag}`;
let dataDir: string;
let hostId: string;

const docker = (...args: string[]) => execFileSync('docker', args, { encoding: 'utf8' }).trim();
const labels = (svc: string) => ['--label', 'claude.os/managed=true', '--label', `claude.os/service=${svc}`, '--label', `claude.os/host=${hostId}`];

async function report() {
  // The engine's event stream ends at a whole second: let the last events fall inside it.
  await new Promise((r) => setTimeout(r, 1100));
  const facts = await collect({ docker: new EngineClient(), dataDir, now: () => new Date(), eventsWindowMs: 30 * 60_000, stats: false, probePorts: false });
  return { facts, report: buildHealthReport({ facts, store: new MetricsStore(), dataDir }) };
}
const crashLoop = (r: ReturnType<typeof buildHealthReport>, svc: string) => r.predictions.find((p) => p.kind === 'crash-loop' && p.subject === svc)!;

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), `claude-health-restarts-${tag}-`));
  hostId = loadOrCreateHostId(dataDir, dataDir);
});

afterAll(() => {
  removeDockerByName(tag);
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

it('restarts and stops that were asked for are no crashes', async () => {
  docker('run', '-d', '--name', calm, ...labels(calm), '--restart', 'unless-stopped', 'claude-os-local/busybox:latest', 'sleep', '600');
  for (let i = 0; i < 3; i++) docker('restart', '-t', '1', calm);
  for (let i = 0; i < 2; i++) {
    docker('stop', '-t', '1', calm);
    docker('start', calm);
  }
  const { facts, report: r } = await report();
  // The exits happened and the observer saw them …
  expect(facts.events.filter((e) => e.container === calm && e.type === 'container.die').length).toBeGreaterThanOrEqual(5);
  // … and none of them counts.
  const p = crashLoop(r, calm);
  expect(p.status, JSON.stringify(p)).toBe('ok');
  expect(p.evidence[0]).toMatch(/^0 restarts in the last hour/);
}, 120_000);

it('a process that keeps failing under restart: on-failure is a crash-loop risk', async () => {
  docker('run', '-d', '--name', crashy, ...labels(crashy), '--restart', 'on-failure', 'claude-os-local/busybox:latest', 'sh', '-c', 'sleep 0.3; exit 3');
  await until('three restarts of the failing container', () => Number(docker('inspect', '-f', '{{.RestartCount}}', crashy)) >= 3, { ms: 120_000 });
  docker('update', '--restart', 'no', crashy);
  const { report: r } = await report();
  const p = crashLoop(r, crashy);
  expect(p.status, JSON.stringify(p)).toBe('risk');
  expect(Number(/^(\d+) restarts in the last hour/.exec(p.evidence[0]!)?.[1])).toBeGreaterThanOrEqual(3);
}, 180_000);
