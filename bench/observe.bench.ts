/**
 * Observation benchmark (on demand; needs dockerd and the local images):
 *
 *   npm run build && node dist/bench/observe.bench.js [--services 20] [--runs 7]
 *
 * Starts N managed busybox httpd services (named for the run, removed at the end) and
 * measures, each the median of the runs:
 *   status     `claude status` end to end (a new node process), beside `docker ps -a` and
 *              `node -e 0` as floors                              target < 300 ms
 *   summary    buildSummary() from collected facts, in process      target < 100 ms
 *   collect    one observation (collect()), in process, for context
 *   daemon     RSS of `claude observe --serve` after it has idled    target < 80 MB
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import Docker from 'dockerode';
import { packageRoot } from '../common/paths.js';
import { loadOrCreateHostId } from '../plan/keys.js';
import { collect } from '../runtime/observe/collect.js';
import { detectAnomalies } from '../runtime/observe/anomalies.js';
import { buildSummary } from '../runtime/observe/summary.js';

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function time(fn: () => void): number {
  const t = performance.now();
  fn();
  return performance.now() - t;
}

async function timeAsync(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function main(): Promise<void> {
  const n = arg('services', 20);
  const runs = arg('runs', 7);
  const sfx = randomBytes(4).toString('hex');
  const root = packageRoot();
  const dataDir = mkdtempSync(join(tmpdir(), 'claude-observe-bench-'));
  // Its own data dir, so its own host id: only the containers labelled with it are this instance's.
  const hostId = loadOrCreateHostId(dataDir, dataDir);
  const names = Array.from({ length: n }, (_, i) => `bench${i}-${sfx}`);
  const env = { ...process.env, CLAUDE_DATA_DIR: dataDir, CLAUDE_STATE_DIR: join(dataDir, 'no-state') };
  try {
    console.log(`starting ${n} services…`);
    for (const name of names) {
      execFileSync('docker', ['run', '-d', '--name', name, '-l', 'claude.os/managed=true', '-l', `claude.os/service=${name}`, '-l', `claude.os/host=${hostId}`, '-p', '127.0.0.1::8000', 'claude-os-local/busybox:latest', 'httpd', '-f', '-p', '8000'], { stdio: 'ignore' });
    }
    await sleep(1000);
    const bin = join(root, 'bin', 'claude');
    const cli = (args: string[]) => {
      const r = spawnSync(process.execPath, [bin, ...args], { env, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`claude ${args.join(' ')} failed: ${r.stderr}`);
      return r.stdout;
    };
    const out = cli(['status']);
    const running = /\| (\d+) services? running/.exec(out)?.[1];
    if (Number(running) !== n) throw new Error(`status saw ${running} running services, expected ${n}:\n${out.slice(0, 500)}`);
    const status: number[] = [];
    const dockerPs: number[] = [];
    const nodeFloor: number[] = [];
    for (let i = 0; i < runs; i++) {
      status.push(time(() => cli(['status'])));
      dockerPs.push(time(() => execFileSync('docker', ['ps', '-a'], { stdio: 'ignore' })));
      nodeFloor.push(time(() => execFileSync(process.execPath, ['-e', '0'])));
    }

    const docker = new Docker();
    const collectMs: number[] = [];
    const summaryMs: number[] = [];
    for (let i = 0; i < runs; i++) {
      let facts!: Awaited<ReturnType<typeof collect>>;
      collectMs.push(await timeAsync(async () => (facts = await collect({ docker, dataDir, now: () => new Date(), logLines: 5, cpuSampleMs: 100 }))));
      const anomalies = await detectAnomalies(facts);
      summaryMs.push(time(() => void [buildSummary(facts, anomalies)].map((s) => [s.yaml, s.context]))); // both are made when read
    }

    // the daemon, idle: two ticks at 2 s, then 10 s of nothing new
    const d = spawn(process.execPath, [bin, 'observe', '--serve', '--port', '0', '--interval', '2'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let rssMb = NaN;
    try {
      await sleep(12_000);
      const st = readFileSync(`/proc/${d.pid}/status`, 'utf8');
      rssMb = Number(/VmRSS:\s+(\d+) kB/.exec(st)?.[1]) / 1024;
    } finally {
      d.kill('SIGTERM');
    }

    const f = (x: number) => `${x.toFixed(1)} ms`;
    console.log(`\nobserve benchmark: ${n} services, median of ${runs} runs`);
    console.log(`  claude status (end to end)   ${f(median(status))}   target < 300 ms`);
    console.log(`    docker ps -a (peer)        ${f(median(dockerPs))}   ratio ${(median(status) / median(dockerPs)).toFixed(2)}×`);
    console.log(`    node -e 0 (floor)          ${f(median(nodeFloor))}`);
    console.log(`  collect() in process         ${f(median(collectMs))}   (includes a 100 ms CPU sample)`);
    console.log(`  buildSummary()               ${f(median(summaryMs))}   target < 100 ms`);
    console.log(`  daemon idle RSS              ${rssMb.toFixed(1)} MB   target < 80 MB`);
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
