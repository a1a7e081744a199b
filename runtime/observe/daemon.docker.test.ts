/**
 * The observer daemon against the real Docker Engine: HTTP endpoints, Prometheus metrics,
 * the log ring, events followed from the stream, and what it saves in the data dir.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrCreateHostId } from '../../plan/keys.js';
import { ObserveDaemon } from './daemon.js';
import { LATEST_FILE, METRICS_FILE, MetricsStore } from './metrics.js';
import { EVENTS_STORE } from './events.js';
import { until } from '../testutil/cli-host.js';

const sfx = randomBytes(4).toString('hex');
const name = `obsd-${sfx}`;
let dataDir: string;
let daemon: ObserveDaemon | null = null;

function sh(...args: string[]): string {
  return execFileSync('docker', args, { encoding: 'utf8' }).trim();
}

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'claude-observed-'));
});

afterAll(async () => {
  await daemon?.stop().catch(() => undefined);
  execFileSync('docker', ['rm', '-f', name], { stdio: 'ignore' });
  rmSync(dataDir, { recursive: true, force: true });
});

describe('claude-observe daemon (real dockerd)', () => {
  it('serves /healthz, /metrics, /api/v1/status and /api/v1/summary, keeps logs and events, saves metrics', async () => {
    // This run's own data dir, so its own host id: only containers labelled with it are the daemon's.
    const hostId = loadOrCreateHostId(dataDir, dataDir);
    daemon = new ObserveDaemon({ dataDir, port: 0, intervalMs: 60_000, saveEveryMs: 60_000, probePorts: false });
    const { host, port } = await daemon.start();
    expect(host).toBe('127.0.0.1');
    const base = `http://${host}:${port}`;
    expect(await (await fetch(`${base}/healthz`)).text()).toBe('ok\n');

    sh('run', '-d', '--name', name, '-l', 'claude.os/managed=true', '-l', `claude.os/service=${name}`, '-l', `claude.os/host=${hostId}`, 'claude-os-local/busybox:latest', 'sh', '-c', 'for i in 1 2 3; do echo line $i; done; sleep 300');
    await until('the container to log line 3', () => sh('logs', name).includes('line 3'), { ms: 60_000, everyMs: 100 });
    await daemon.tick();
    await daemon.tick(); // the second tick has CPU % (two samples)

    // the latest CPU figures, for claude status to use instead of sampling
    const latest = JSON.parse(readFileSync(join(dataDir, LATEST_FILE), 'utf8')) as { version: number; services: Record<string, number> };
    expect(latest.version).toBe(1);
    expect(typeof latest.services[name]).toBe('number');

    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toContain(`claude_service_up{service="${name}",container="${name}"} 1`);
    expect(metrics).toMatch(new RegExp(`claude_service_memory_bytes\\{service="${name}",container="${name}"\\} \\d+`));
    expect(metrics).toMatch(new RegExp(`claude_service_cpu_percent\\{service="${name}",container="${name}"\\} [\\d.]+`));
    expect(metrics).toMatch(/claude_host_memory_total_bytes \d+/);
    expect(metrics).toMatch(/claude_observe_process_resident_memory_bytes \d+/);

    const status = (await (await fetch(`${base}/api/v1/status`)).json()) as { summary: { services: { name: string; state: string }[] } };
    expect(status.summary.services).toEqual([expect.objectContaining({ name, state: 'running' })]);
    const yaml = await (await fetch(`${base}/api/v1/summary`)).text();
    expect(yaml).toContain(`name: "${name}"`);
    expect(yaml).toContain('"line 3"');
    expect(daemon.logLines(name).map((l) => l.text)).toEqual(['line 1', 'line 2', 'line 3']);
    expect((await fetch(`${base}/nope`)).status).toBe(404);

    // events followed from the stream
    const start = daemon.current()!.facts.events.find((e) => e.type === 'container.start' && e.container === name);
    expect(start?.service).toBe(name);

    await daemon.stop();
    daemon = null;
    expect(existsSync(join(dataDir, METRICS_FILE))).toBe(true);
    const { store } = MetricsStore.load(dataDir);
    expect(store.names()).toContain(`service.memory_bytes:${name}`);
    expect(store.query('host.memory_used_bytes', 0).length).toBeGreaterThanOrEqual(1);
    const saved = JSON.parse(readFileSync(join(dataDir, EVENTS_STORE), 'utf8')) as { events: { type: string; container?: string }[] };
    expect(saved.events.some((e) => e.type === 'container.start' && e.container === name)).toBe(true);
  }, 60_000);
});
