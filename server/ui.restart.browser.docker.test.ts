/**
 * A restart of `claude serve`, as a person lives it, in real Chromium (Debian's `chromium`
 * through playwright-core, never a browser download) against the real `bin/claude serve`
 * process and the real dockerd:
 *
 *  - log in with the code serve prints;
 *  - a container of this host stops (by hand, `docker stop`): serve's own observer loop
 *    records the event and the dashboard lists it;
 *  - serve is stopped with SIGTERM (systemctl stop/restart): it exits 0 and has saved the
 *    event to observe/events.json;
 *  - serve starts again on the same port: a reload is still logged in (no login form), the
 *    event is still listed, and the new serve records again (a fresh latest.json left by the
 *    stopped serve does not pass for a running observer daemon).
 *
 * Per-run names (temp host, service, network), free ports; the serve processes and the
 * browser are stopped and everything removed at the end.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { newTestRun, request, servicesYaml, containerStatus, type TestRun } from '../cli/testutil/requests.js';
import { freePort } from '../runtime/testutil/ports.js';
import { uiBundleDir } from './server.js';
import { SESSIONS_FILE } from './security.js';

const CHROMIUM = '/usr/bin/chromium';
const BIN = resolve(import.meta.dirname, '..', 'bin', 'claude');

let run: TestRun;
let browser: Browser;
let page: Page;
let port: number;
let svc: string;
let serve: { child: ChildProcess; out: () => string } | null = null;

/** Starts `bin/claude serve` on the run's host; resolves once it printed its URL and login code. */
async function startServe(): Promise<{ child: ChildProcess; out: () => string; code: string }> {
  const child = spawn(BIN, ['serve', '--port', String(port)], { env: { ...run.env, ...(process.env.DOCKER_HOST ? { DOCKER_HOST: process.env.DOCKER_HOST } : {}) }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
  const deadline = Date.now() + 60_000;
  for (;;) {
    const m = /Web UI login code: ([A-Z2-9]{4}-[A-Z2-9]{4})/.exec(out);
    if (m) return { child, out: () => out, code: m[1]! };
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`claude serve did not start (exit ${child.exitCode}):\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** SIGTERM, as systemd stops it; resolves with the exit code. */
async function stopServe(): Promise<number | null> {
  const s = serve;
  serve = null;
  if (!s || s.child.exitCode !== null) return s?.child.exitCode ?? null;
  const exited = new Promise<number | null>((r) => s.child.once('exit', (code) => r(code)));
  s.child.kill('SIGTERM');
  return exited;
}

/** The dashboard's recent-events lines. */
const eventLines = () => page.locator('#events li').allTextContents();

beforeAll(async () => {
  expect(existsSync(CHROMIUM), 'the Debian chromium package (scripts/setup-host.sh installs it)').toBe(true);
  expect(existsSync(`${uiBundleDir()}/app.js`), 'the UI bundle: run npm run build').toBe(true);
  run = newTestRun('claude-uirs');
  svc = run.n('sleeper');
  port = await freePort();
  // One service of this host (busybox sleep: no port, no network of its own to collide on).
  const r = await request(run, `add ${svc}`, (f) => ({ ...f, 'services.yaml': servicesYaml([{ name: svc }]) }));
  expect(r.status).toBe('applied');
  expect(containerStatus(svc)).toBe('running');
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  if (serve) {
    const s = serve;
    await stopServe();
    if (s.child.exitCode === null) s.child.kill('SIGKILL');
  }
  run?.cleanup();
});

describe('a restart of claude serve', () => {
  it('keeps the browser logged in and the events its observer loop recorded; the new serve records again', { timeout: 300_000 }, async () => {
    const first = await startServe();
    serve = first;
    const base = `http://127.0.0.1:${port}`;
    await page.goto(base + '/');
    await page.fill('#code-input', first.code);
    await page.click('#login-form button[type=submit]');
    await page.locator('#nav').waitFor({ state: 'visible', timeout: 30_000 });
    await page.locator(`#services tr[data-service="${svc}"]`).waitFor({ timeout: 60_000 });

    // Stopped by hand: serve's observer follows Docker's events and the dashboard lists it.
    execFileSync('docker', ['stop', '-t', '1', svc], { stdio: 'ignore' });
    const stopped = (lines: string[]) => lines.some((l) => l.includes('container.stop') && l.includes(svc));
    await expect.poll(async () => stopped(await eventLines()), { timeout: 60_000, interval: 1000 }).toBe(true);

    // systemctl restart: SIGTERM, a clean exit that saves the events, then a new process.
    expect(await stopServe()).toBe(0);
    expect(first.out()).toMatch(/claude serve: SIGTERM: stopping\nclaude serve: stopped/);
    const saved = JSON.parse(readFileSync(join(run.paths.dataDir, 'observe', 'events.json'), 'utf8')) as { events: { type: string; service?: string }[] };
    expect(saved.events.some((e) => e.type === 'container.stop' && e.service === svc)).toBe(true);
    expect(existsSync(join(run.paths.dataDir, SESSIONS_FILE))).toBe(true);

    try {
      serve = await startServe();
    } catch (e) {
      // Another process took the port in the moment it was free: the same browser on a new port
      // (cookies are not bound to a port, so the session carries over all the same).
      if (!/cannot listen/.test((e as Error).message)) throw e;
      port = await freePort();
      serve = await startServe();
    }
    await page.goto(`http://127.0.0.1:${port}/`);
    // Still logged in: the dashboard, never the login form.
    await page.locator('#nav').waitFor({ state: 'visible', timeout: 30_000 });
    expect(await page.isVisible('#login')).toBe(false);
    await expect.poll(async () => stopped(await eventLines()), { timeout: 60_000, interval: 1000 }).toBe(true);

    // The new serve runs its own observer loop (the stopped one's latest.json is fresh but its writer is gone).
    execFileSync('docker', ['start', svc], { stdio: 'ignore' });
    await expect
      .poll(async () => (await eventLines()).some((l) => l.includes('container.start') && l.includes(svc)), { timeout: 60_000, interval: 1000 })
      .toBe(true);
    expect(await stopServe()).toBe(0);
    const again = JSON.parse(readFileSync(join(run.paths.dataDir, 'observe', 'events.json'), 'utf8')) as { events: { type: string; service?: string }[] };
    expect(again.events.some((e) => e.type === 'container.start' && e.service === svc)).toBe(true);
  });
});
