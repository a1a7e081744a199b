/**
 * Reconciler benchmark (on demand; needs dockerd and the local images):
 *
 *   npm run build && npm run bench -- reconcile      [--services 100] [--runs 7]
 *
 * Brings up N managed busybox httpd services through the reconciler's own start-up pass
 * (named for the run, removed at the end), then measures, each the median of the runs:
 *
 *   write → apply  from writing services.yaml (one service's environment changed) to the
 *                  start of the apply, through the real daemon (fs.watch, 500 ms debounce,
 *                  validate, observe, plan, sign, policy)              target ≤ 600 ms
 *                  beside its floor, the 500 ms debounce itself
 *   no-op pass     a pass that finds nothing to do with N services     target < 200 ms
 *                  beside `docker ps -a` (one look at the engine, in a new process)
 *   idle RSS       of `claude reconcile --serve` (a new process) after
 *                  it has idled 10 s with N services                   target < 80 MB
 *                  beside `node -e` idling (the runtime's floor)
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot, type Paths } from '../common/paths.js';
import { ReconcilerDaemon } from '../agent/reconcile/daemon.js';
import { openReconcileHost } from '../agent/reconcile/host.js';

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
}
function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const N = arg('services', 100);
/** The NODE_OPTIONS of image/rootfs/etc/systemd/system/claude-reconciler.service. */
const UNIT_NODE_OPTIONS = '--max-old-space-size=64 --max-semi-space-size=1';
const RUNS = arg('runs', 7);
const tag = `rbench${randomBytes(3).toString('hex')}`;
const dir = mkdtempSync(join(tmpdir(), 'claude-bench-reconcile-'));
const paths: Paths = { stateDir: join(dir, 'state'), dataDir: join(dir, 'data'), root: join(dir, 'root') };
mkdirSync(paths.stateDir);

const manifest = `apiVersion: claude.os/v1
kind: SystemManifest
metadata:
  name: ${tag}
spec:
  safety:
    require_approval: false
  images:
    pull: false
`;
function services(version: number): string {
  const lines = ['apiVersion: claude.os/v1', 'kind: ServiceManifest', 'metadata:', `  name: ${tag}`, 'spec:', '  services:'];
  for (let i = 0; i < N; i++) {
    lines.push(`    - name: ${tag}-${i}`, '      image: claude-os-local/busybox:latest', '      command: ["httpd", "-f", "-p", "8000"]');
    if (i === 0) lines.push('      environment:', `        VERSION: "${version}"`);
  }
  return lines.join('\n') + '\n';
}

function cleanup(): void {
  const ids = execFileSync('docker', ['ps', '-aq', '--filter', `name=${tag}`], { encoding: 'utf8' }).split('\n').filter(Boolean);
  for (let i = 0; i < ids.length; i += 50) spawnSync('docker', ['rm', '-f', ...ids.slice(i, i + 50)], { stdio: 'ignore' });
  rmSync(dir, { recursive: true, force: true });
}

async function main(): Promise<void> {
  const now = () => new Date();
  writeFileSync(join(paths.stateDir, 'manifest.yaml'), manifest);
  writeFileSync(join(paths.stateDir, 'services.yaml'), services(0));
  const host = await openReconcileHost({ paths, env: process.env, now });
  let applyStarted: ((t: number) => void) | null = null;
  const realApply = host.apply.bind(host);
  host.apply = (planned, o) => {
    applyStarted?.(performance.now());
    return realApply(planned, o);
  };
  const pidFile = join(dir, 'reconciler.pid');
  const daemon = new ReconcilerDaemon({ paths, host, now, pidFile, intervalMs: 3_600_000, debounceMs: 500 });
  console.log(`bringing up ${N} services through the start-up pass…`);
  const t0 = performance.now();
  const first = await daemon.start();
  console.log(`  start-up pass: ${first.outcome.status} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  if (first.outcome.status !== 'applied') throw new Error(`the start-up pass did not apply: ${JSON.stringify(first.outcome).slice(0, 500)}`);

  // write → apply start, through the watcher and its debounce
  const writeToApply: number[] = [];
  for (let r = 1; r <= RUNS; r++) {
    const started = new Promise<number>((res) => (applyStarted = res));
    const passDone = new Promise<void>((res) => (daemon.reconciler.onPass = (p) => (p.outcome.status !== 'noop' ? res() : undefined)));
    const tw = performance.now();
    writeFileSync(join(paths.stateDir, 'services.yaml'), services(r));
    writeToApply.push((await started) - tw);
    await passDone;
    daemon.reconciler.onPass = undefined;
    applyStarted = null;
    await daemon.reconciler.idle();
    await sleep(800); // the watcher's pass after the apply's own commit writes the files back
    await daemon.reconciler.idle();
  }

  // no-op passes
  const noop: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const rec = await daemon.reconciler.trigger('bench');
    if (rec.outcome.status !== 'noop') throw new Error(`expected a no-op pass, got ${rec.outcome.status}`);
    noop.push(rec.durationMs);
  }
  const dockerPs: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const t = performance.now();
    execFileSync('docker', ['ps', '-a', '--filter', `name=${tag}`], { stdio: 'ignore' });
    dockerPs.push(performance.now() - t);
  }
  await daemon.stop();
  console.log(`  write → apply start: ${writeToApply.map((x) => x.toFixed(0)).join(', ')} ms; no-op pass: ${noop.map((x) => x.toFixed(0)).join(', ')} ms; docker ps -a: ${dockerPs.map((x) => x.toFixed(0)).join(', ')} ms`);

  // idle RSS of the real daemon process, beside an idle node
  const rssOf = async (args: string[], ready: (log: string) => boolean, nodeOptions = ''): Promise<number> => {
    const p = spawn(process.execPath, args, { env: { ...process.env, CLAUDE_STATE_DIR: paths.stateDir, CLAUDE_DATA_DIR: paths.dataDir, CLAUDE_ROOT: paths.root, NODE_OPTIONS: nodeOptions }, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    p.stdout!.on('data', (d: Buffer) => (log += d.toString()));
    p.stderr!.on('data', (d: Buffer) => (log += d.toString()));
    const end = Date.now() + 120_000;
    while (!ready(log)) {
      if (Date.now() > end || p.exitCode !== null) throw new Error(`the process did not get ready:\n${log}`);
      await sleep(200);
    }
    await sleep(10_000);
    const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p.pid}/status`, 'utf8'))![1]);
    p.kill('SIGTERM');
    await new Promise((r) => p.once('exit', r));
    return kb / 1024;
  };
  const daemonArgs = [join(packageRoot(), 'bin', 'claude'), 'reconcile', '--serve', '--pid-file', pidFile];
  // As the systemd unit runs it (claude-reconciler.service NODE_OPTIONS), and with Node's defaults.
  const daemonRss = await rssOf(daemonArgs, (l) => l.includes('watching '), UNIT_NODE_OPTIONS);
  const daemonRssDefault = await rssOf(daemonArgs, (l) => l.includes('watching '));
  const nodeRss = await rssOf(['-e', 'console.log("ready"); setInterval(() => {}, 1000)'], (l) => l.includes('ready'));

  const ms = (x: number) => `${x.toFixed(0)} ms`;
  console.log(`\nreconciler, ${N} services, median of ${RUNS} (2 cores, dockerd):`);
  console.log(`  write → apply start     ${ms(median(writeToApply))}   (min ${ms(Math.min(...writeToApply))}, max ${ms(Math.max(...writeToApply))}; floor: the 500 ms debounce)   target ≤ 600 ms`);
  console.log(`  no-op pass              ${ms(median(noop))}   (min ${ms(Math.min(...noop))}; docker ps -a in a new process: ${ms(median(dockerPs))})   target < 200 ms`);
  console.log(`  daemon idle RSS         ${daemonRss.toFixed(1)} MB with the unit's NODE_OPTIONS (${UNIT_NODE_OPTIONS}); ${daemonRssDefault.toFixed(1)} MB with Node's defaults   (node idling: ${nodeRss.toFixed(1)} MB)   target < 80 MB`);
}

main()
  .catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  })
  .finally(cleanup);
