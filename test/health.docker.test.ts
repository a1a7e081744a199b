/**
 * `claude health` against the real Docker Engine and the real kernel counters:
 *   - a container fills a tmpfs-backed volume at a steady rate: the disk-full prediction,
 *     made from the observer's metric store, lands within ±30 % of the real fill time;
 *   - a service busy-looping under `cpu: "0.1"`: "why is it slow?" names the throttling
 *     with numbers, and its fix (a higher CPU limit) applies as a plan;
 *   - right-sizing a service with a known memory peak: the plan sets the limit with
 *     headroom over the peak, and the system settles.
 * Every container, volume and dir carries this run's suffix and is removed afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../cli/testutil/cli.js';
import { removeDockerByName } from '../runtime/testutil/docker-cleanup.js';
import { EngineClient } from '../runtime/observe/engine-client.js';
import { collect } from '../runtime/observe/collect.js';
import { MetricsStore } from '../runtime/observe/metrics.js';
import { buildHealthReport } from '../runtime/observe/health.js';

const sfx = randomBytes(4).toString('hex');
const n = (x: string) => `${x}-${sfx}`;
let dir: string;
const MIB = 1024 * 1024;

function docker(...args: string[]): string {
  return execFileSync('docker', args, { encoding: 'utf8' }).trim();
}

function envFor(state: string): Record<string, string> {
  return { CLAUDE_DATA_DIR: join(dir, 'data'), CLAUDE_ROOT: join(dir, 'root'), CLAUDE_STATE_DIR: state, PATH: process.env.PATH ?? '' };
}

function servicesYaml(name: string, extra: string[]): string {
  return ['apiVersion: claude.os/v1', 'kind: ServiceManifest', 'metadata:', '  name: health-test', 'spec:', '  services:', `    - name: ${name}`, '      image: claude-os-local/busybox:latest', ...extra, ''].join('\n');
}

async function applyState(state: string): Promise<void> {
  const plan = join(dir, `plan-${randomBytes(3).toString('hex')}.json`);
  const p = await runCli(['plan', '--out', plan], { env: envFor(state), cwd: dir });
  expect(p.code, p.err).toBe(0);
  const a = await runCli(['apply', plan, '--yes'], { env: envFor(state), cwd: dir });
  expect(a.code, a.out + a.err).toBe(0);
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'claude-health-'));
  mkdirSync(join(dir, 'data'));
  mkdirSync(join(dir, 'root'));
});

afterAll(() => {
  removeDockerByName(sfx);
  try {
    execFileSync('docker', ['volume', 'rm', '-f', n('fill')], { stdio: 'ignore' });
  } catch {
    /* gone */
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('claude health (real dockerd)', () => {
  it('predicts when a steadily filling volume is full, within ±30 %', async () => {
    const vol = n('fill');
    docker('volume', 'create', '--driver', 'local', '--opt', 'type=tmpfs', '--opt', 'device=tmpfs', '--opt', 'o=size=48m', vol);
    // 1 MiB/s paced by the wall clock (two 512 KiB files per elapsed second, catching up after
    // a scheduling delay) until the 48 MiB are gone.
    const writer = 't0=$(date +%s); i=0; while :; do want=$(( ($(date +%s) - t0) * 2 )); while [ $i -lt $want ]; do dd if=/dev/zero of=/data/f$i bs=64k count=8 2>/dev/null || exec sleep 300; i=$((i+1)); done; sleep 0.2; done';
    docker('run', '-d', '--name', n('filler'), '-v', `${vol}:/data`, 'claude-os-local/busybox:latest', 'sh', '-c', writer);
    const mount = docker('volume', 'inspect', '-f', '{{.Mountpoint}}', vol);
    // Start sampling once the writer has begun.
    for (let i = 0; i < 100; i++) {
      const d = (await collect({ docker: new EngineClient(), dataDir: join(dir, 'data'), now: () => new Date(), mounts: [mount], stats: false, eventsWindowMs: 0, probePorts: false })).host.disks.find((x) => x.mount === mount);
      if (d && d.usedBytes > 0) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const store = new MetricsStore();
    const engine = new EngineClient();
    const observe = async () => collect({ docker: engine, dataDir: join(dir, 'data'), now: () => new Date(), mounts: [mount], stats: false, eventsWindowMs: 0, probePorts: false });
    // The observer's cadence is 10 s; samples closer than 5 s merge, so sample every 6 s.
    let facts = await observe();
    for (let i = 0; i < 4; i++) {
      store.recordFacts(facts);
      await new Promise((r) => setTimeout(r, 6000));
      facts = await observe();
    }
    store.recordFacts(facts);
    const report = buildHealthReport({ facts, store, dataDir: join(dir, 'data'), trend: { minSpanS: 18 } });
    const p = report.predictions.find((x) => x.kind === 'disk-full' && x.subject === mount)!;
    expect(p.status, JSON.stringify(p)).toBe('risk');
    expect(p.evidence.join('\n')).toMatch(/MiB of 48 MiB used/);
    const predictedAt = Date.parse(facts.collectedAt) + p.etaS! * 1000;
    // Now wait for the real fill: less than one 512 KiB write left.
    const start = Date.parse(facts.collectedAt);
    let fullAt = 0;
    for (;;) {
      const d = (await observe()).host.disks.find((x) => x.mount === mount)!;
      if ((d.availableBytes ?? 0) < 512 * 1024) {
        fullAt = Date.now();
        break;
      }
      if (Date.now() - start > 180_000) throw new Error('the volume did not fill within 3 minutes');
      await new Promise((r) => setTimeout(r, 250));
    }
    const real = fullAt - start;
    const predicted = predictedAt - start;
    expect(Math.abs(predicted - real) / real, `predicted ${predicted} ms, real ${real} ms; ${JSON.stringify(store.query(`host.disk_used_bytes:${mount}`, 0))} ${JSON.stringify(p)}`).toBeLessThan(0.3);
  }, 300_000);

  it('"why is it slow?" names CPU throttling with numbers, and the raised limit applies', async () => {
    const hog = n('hog');
    const state = join(dir, 'state-hog');
    mkdirSync(state);
    writeFileSync(join(state, 'services.yaml'), servicesYaml(hog, ['      command: ["sh", "-c", "while :; do :; done"]', '      resources:', '        cpu: "0.05"']));
    await applyState(state);
    const r = await runCli([`why is ${hog} slow?`], { env: envFor(state), cwd: dir });
    expect(r.out).toContain(`${hog} is CPU-throttled at its limit of 0.05 CPU`);
    expect(r.out).toMatch(/held back in \d+% of its CPU periods while using 0\.\d+ of its 0\.05 CPU/);
    expect(r.out).toContain(`1. Raise the CPU limit of ${hog} from 0.05 to 0.1 CPU (services.yaml)`);
    expect(r.code).toBe(1); // not a terminal, no --yes: nothing applied
    expect(docker('inspect', '-f', '{{.HostConfig.NanoCpus}}', hog)).toBe('50000000');

    const fixed = await runCli([`why is ${hog} slow?`, '--yes'], { env: envFor(state), cwd: dir });
    // A CPU limit raised on Docker is set on the running container (docker update), not a new one.
    expect(fixed.out, fixed.err).toContain(`Updated the limits of ${hog} in place (it kept running)`);
    expect(docker('inspect', '-f', '{{.HostConfig.NanoCpus}}', hog)).toBe('100000000');
    expect(readFileSync(join(state, 'services.yaml'), 'utf8')).toContain('cpu: "0.1"');
  }, 180_000);

  it('right-sizes a service with a known peak: headroom over the peak, as a plan, and the system settles', async () => {
    const svc = n('rs');
    const state = join(dir, 'state-rs');
    mkdirSync(state);
    writeFileSync(join(state, 'services.yaml'), servicesYaml(svc, ['      command: ["sleep", "3600"]', '      resources:', '        memory: 512Mi']));
    await applyState(state);
    // Two hours of the observer's 1-minute samples: 40 MiB, with one 100 MiB peak.
    const store = new MetricsStore();
    const now = Math.floor(Date.now() / 1000);
    for (let i = 0; i <= 120; i++) store.record(`service.memory_bytes:${svc}`, now - 7200 + i * 60, i === 70 ? 100 * MIB : 40 * MIB);
    store.save(join(dir, 'data'), now);

    const shown = await runCli(['health', '--right-size'], { env: envFor(state), cwd: dir });
    expect(shown.out).toContain(`${svc}: memory 512 MiB → 128 MiB (peak 100 MiB, p99 40 MiB)`);
    expect(shown.out).toContain('To apply it, run again with --yes');
    expect(docker('inspect', '-f', '{{.HostConfig.Memory}}', svc)).toBe(String(512 * MIB));

    const out = join(dir, 'rightsize.json');
    const written = await runCli(['health', '--right-size', '--out', out], { env: envFor(state), cwd: dir });
    expect(written.code, written.err).toBe(0);
    const show = await runCli(['show', out], { env: envFor(state), cwd: dir });
    expect(show.out).toContain(svc);

    const applied = await runCli(['health', '--right-size', '--yes'], { env: envFor(state), cwd: dir });
    expect(applied.code, applied.out + applied.err).toBe(0);
    expect(Number(docker('inspect', '-f', '{{.HostConfig.Memory}}', svc))).toBe(128 * MIB);
    expect(readFileSync(join(state, 'services.yaml'), 'utf8')).toContain('memory: 128Mi');
    const settled = await runCli(['plan', '--detailed-exitcode', '--out', join(dir, 'after.json')], { env: envFor(state), cwd: dir });
    expect(settled.code, settled.out + settled.err).toBe(0);

    const json = await runCli(['health', '--json'], { env: envFor(state), cwd: dir });
    const report = JSON.parse(json.out) as { score: number; predictions: { kind: string; subject: string; status: string }[] };
    expect(report.score).toBeGreaterThanOrEqual(0);
    expect(report.predictions.find((p) => p.kind === 'memory-growth' && p.subject === svc)?.status).toBe('ok');
  }, 180_000);
});
