/**
 * Web UI benchmark (on demand; needs dockerd, the local images and Debian's chromium):
 *
 *   npm run build && node dist/bench/ui.bench.js [--services 20] [--runs 5]
 *
 * Starts N managed busybox httpd services (named for the run, removed at the end) and
 * `claude serve` (bin/claude, a free port, a temp data dir), logs Chromium in with the
 * login code it prints, then reloads the dashboard `runs` times and measures, each the
 * median:
 *   first paint     first-contentful-paint of the page
 *   dashboard       navigation start → all N service rows and the per-service CPU chart drawn
 * beside its peer in the same run, `claude status` end to end (a new node process) showing
 * the same N services as text. The chart update interval is the page's refresh (10 s, the
 * observer's sampling interval), printed for the record.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { packageRoot } from '../common/paths.js';
import { loadOrCreateHostId } from '../plan/keys.js';
import { loadNow, median, ratioLine } from './common.js';

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs in the page (a function, not a string: the page's CSP forbids eval): the time since
 * navigation start once all `k` service rows and the per-service CPU chart are drawn, else 0.
 */
function drawn(k: number): number {
  /* eslint-disable @typescript-eslint/no-explicit-any */
  const d = (globalThis as any).document;
  const chart = d.querySelector('#chart-svc-cpu');
  const ok = d.querySelectorAll('#services tr[data-service]').length >= k && chart?.querySelector('canvas') && Number(chart.dataset.points || 0) >= 1;
  return ok ? (globalThis as any).performance.now() : 0;
}

export async function main(): Promise<void> {
  const n = arg('services', 20);
  const runs = arg('runs', 5);
  const sfx = randomBytes(4).toString('hex');
  const root = packageRoot();
  const dir = mkdtempSync(join(tmpdir(), 'claude-ui-bench-'));
  const paths = { stateDir: join(dir, 'state'), dataDir: join(dir, 'data'), root: join(dir, 'root') };
  for (const d of Object.values(paths)) mkdirSync(d, { recursive: true });
  // Its own data dir, so its own host id: only the containers labelled with it are this instance's.
  const hostId = loadOrCreateHostId(paths.dataDir, paths.root);
  const names = Array.from({ length: n }, (_, i) => `uibench${String(i).padStart(2, '0')}-${sfx}`);
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', CLAUDE_DATA_DIR: paths.dataDir, CLAUDE_STATE_DIR: paths.stateDir, CLAUDE_ROOT: paths.root, ...(process.env.DOCKER_HOST ? { DOCKER_HOST: process.env.DOCKER_HOST } : {}) };
  const bin = join(root, 'bin', 'claude');
  let serve: ReturnType<typeof spawn> | null = null;
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  try {
    console.log(`starting ${n} services…`);
    for (const name of names) {
      execFileSync('docker', ['run', '-d', '--name', name, '-l', 'claude.os/managed=true', '-l', `claude.os/service=${name}`, '-l', `claude.os/host=${hostId}`, 'claude-os-local/busybox:latest', 'httpd', '-f', '-p', '8000'], { stdio: 'ignore' });
    }
    const port = await freePort();
    serve = spawn(process.execPath, [bin, 'serve', '--port', String(port)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    serve.stdout!.on('data', (b: Buffer) => (out += b.toString()));
    serve.stderr!.on('data', (b: Buffer) => (out += b.toString()));
    for (let i = 0; !/login code: (\S+)/.test(out); i++) {
      if (i > 600 || serve.exitCode !== null) throw new Error(`claude serve did not start:\n${out}`);
      await sleep(100);
    }
    const code = /login code: (\S+)/.exec(out)![1]!;
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.fill('#code-input', code);
    await page.click('#login-form button[type=submit]');
    await page.locator('#nav').waitFor({ state: 'visible' });
    // Until serve's observer has a sample of every service, so each reload draws the same thing.
    await page.waitForFunction(drawn, n, { timeout: 120_000 });

    const paint: number[] = [];
    const full: number[] = [];
    const status: number[] = [];
    for (let i = 0; i < runs; i++) {
      await page.reload();
      const done = await page.waitForFunction(drawn, n, { timeout: 60_000, polling: 10 });
      full.push((await done.jsonValue()) as number);
      paint.push((await page.evaluate(`performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN`)) as number);
      const t = performance.now();
      const r = spawnSync(process.execPath, [bin, 'status'], { env, encoding: 'utf8' });
      status.push(performance.now() - t);
      if (r.status !== 0 && r.status !== 1) throw new Error(`claude status failed: ${r.stderr}`);
    }

    const f = (x: number) => `${x.toFixed(0)} ms`;
    console.log(`\nweb UI benchmark: ${n} services, median of ${runs} reloads, load ${loadNow().text}`);
    console.log(`  first contentful paint                 ${f(median(paint))}   (${paint.map((x) => x.toFixed(0)).join(' / ')})`);
    console.log(`  dashboard complete (rows + charts)     ${f(median(full))}   (${full.map((x) => x.toFixed(0)).join(' / ')})`);
    console.log(`    claude status end to end (peer)      ${f(median(status))}   (${status.map((x) => x.toFixed(0)).join(' / ')})`);
    console.log('  chart update interval                  10 s (the page refreshes with the observer\'s sampling interval; 24 h range: 1-minute points)');
    ratioLine('web UI dashboard complete / claude status, same services', median(full) / median(status), 3, `${n} services`);
  } finally {
    await browser.close();
    if (serve && serve.exitCode === null) {
      const exited = new Promise((r) => serve!.once('exit', r));
      serve.kill('SIGTERM');
      await exited;
    }
    execFileSync('docker', ['rm', '-f', ...names], { stdio: 'ignore' });
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((e) => {
    console.error(e);
    process.exitCode = 1;
  });
}
