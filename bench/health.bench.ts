/**
 * Health benchmark (on demand; needs dockerd and the local images):
 *
 *   npm run build && node dist/bench/health.bench.js [--services 20] [--runs 7]
 *
 * Starts N managed busybox httpd services (named for the run, removed at the end), observes
 * them once, fills a metrics store with 24 h of series for each (1 h at 10 s, 23 h at 1 min,
 * as the observer daemon keeps them), then measures, each the median of the runs:
 *   report     buildHealthReport() over those facts and series, in process   target < 500 ms
 *   summary    buildSummary() over the same facts (the `claude status` path): the peer
 *   cli        `claude health --json` end to end beside `claude status --json`, wall and CPU
 *              time (target < 500 ms wall on an idle machine)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import Docker from 'dockerode';
import { packageRoot } from '../common/paths.js';
import { loadOrCreateHostId } from '../plan/keys.js';
import { collect } from '../runtime/observe/collect.js';
import { detectAnomalies } from '../runtime/observe/anomalies.js';
import { buildSummary } from '../runtime/observe/summary.js';
import { buildHealthReport } from '../runtime/observe/health.js';
import { MetricsStore } from '../runtime/observe/metrics.js';
import { loadNow, median, ratioLine } from './common.js';

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
}

function time(fn: () => unknown): number {
  const t = performance.now();
  fn();
  return performance.now() - t;
}

export async function main(): Promise<void> {
  const n = arg('services', 20);
  const runs = arg('runs', 7);
  const sfx = randomBytes(4).toString('hex');
  const dataDir = mkdtempSync(join(tmpdir(), 'claude-health-bench-'));
  const hostId = loadOrCreateHostId(dataDir, dataDir);
  const names = Array.from({ length: n }, (_, i) => `hbench${i}-${sfx}`);
  const env = { ...process.env, CLAUDE_DATA_DIR: dataDir, CLAUDE_STATE_DIR: join(dataDir, 'no-state') };
  try {
    console.log(`starting ${n} services…`);
    for (const name of names) {
      execFileSync('docker', ['run', '-d', '--name', name, '-l', 'claude.os/managed=true', '-l', `claude.os/service=${name}`, '-l', `claude.os/host=${hostId}`, '-m', '64m', 'claude-os-local/busybox:latest', 'httpd', '-f', '-p', '8000'], { stdio: 'ignore' });
    }
    const facts = await collect({ docker: new Docker(), dataDir, now: () => new Date(), logLines: 5, cpuSampleMs: 100 });
    const anomalies = await detectAnomalies(facts);
    // 24 h of series: a slowly filling disk, a leaking service, the others steady with noise.
    const store = new MetricsStore();
    const nowS = Math.floor(Date.parse(facts.collectedAt) / 1000);
    for (let t = nowS - 24 * 3600; t <= nowS; t += t < nowS - 3600 ? 60 : 10) {
      const age = nowS - t;
      for (const d of facts.host.disks) store.record(`host.disk_used_bytes:${d.mount}`, t, d.usedBytes - age * 1000);
      names.forEach((s, i) => {
        store.record(`service.memory_bytes:${s}`, t, (i === 0 ? 40e6 - age * 100 : 20e6) + Math.random() * 1e6);
        store.record(`service.cpu_percent:${s}`, t, 2 + Math.random() * 3);
      });
    }
    store.save(dataDir, nowS);

    const report: number[] = [];
    const summary: number[] = [];
    let predictions = 0;
    for (let i = 0; i < runs; i++) {
      report.push(time(() => (predictions = buildHealthReport({ facts, store, dataDir }).predictions.length)));
      summary.push(time(() => [buildSummary(facts, anomalies)].map((s) => [s.yaml, s.context]))); // both are made when read
    }
    const bin = join(packageRoot(), 'bin', 'claude');
    // Wall time, and CPU time (user + system, /usr/bin/time): on a busy machine the wall
    // time is mostly the wait for a CPU (and for a busy dockerd), the CPU time much less.
    const cli = (args: string[], cpu: number[]) =>
      time(() => {
        const r = spawnSync('/usr/bin/time', ['-f', '%U %S', process.execPath, bin, ...args], { env, encoding: 'utf8' });
        const [u, sys] = r.stderr.trim().split('\n').pop()!.split(' ').map(Number);
        cpu.push((u! + sys!) * 1000);
      });
    const cliHealth: number[] = [];
    const cliStatus: number[] = [];
    const cpuHealth: number[] = [];
    const cpuStatus: number[] = [];
    for (let i = 0; i < Math.min(runs, 5); i++) {
      cliHealth.push(cli(['health', '--json'], cpuHealth));
      cliStatus.push(cli(['status', '--json'], cpuStatus));
    }

    const f = (x: number) => `${x.toFixed(1)} ms`;
    console.log(`\nhealth benchmark: ${n} services, 24 h of series each, ${predictions} predictions, median of ${runs} runs; load ${loadNow().text}`);
    console.log(`  buildHealthReport()          ${f(median(report))}   target < 500 ms`);
    console.log(`  buildSummary() (peer)        ${f(median(summary))}`);
    console.log(`  claude health --json         ${f(median(cliHealth))}   CPU ${f(median(cpuHealth))}   target < 500 ms (wall, idle machine)`);
    console.log(`  claude status --json (peer)  ${f(median(cliStatus))}   CPU ${f(median(cpuStatus))}`);
    ratioLine('health report / 500 ms budget', median(report) / 500, 1);
    ratioLine('claude health --json end to end / 500 ms (idle machine)', median(cliHealth) / 500, 1, `${f(median(cliHealth))} wall, ${f(median(cpuHealth))} CPU`);
    ratioLine('claude health / claude status', median(cliHealth) / median(cliStatus), 2, `CPU ${(median(cpuHealth) / median(cpuStatus)).toFixed(2)}×`);
  } finally {
    execFileSync('docker', ['rm', '-f', ...names], { stdio: 'ignore' });
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((e) => {
    console.error(e);
    process.exitCode = 1;
  });
}
