/**
 * The web UI in real Chromium (Debian's `chromium`, driven by playwright-core; never a
 * browser download), against `claude serve`'s ApiServer on a free port of 127.0.0.1 with a
 * per-run temp host and the real dockerd, as a person uses it: log in with a one-time code,
 * the dashboard with charts that have data, chat → review → apply → the service answers, a
 * restart from the dashboard through the same approval, the security second confirmation,
 * Cancel invalidating the plan on the server, history → rollback, a plan waiting for an
 * admin co-signature (signed on the host, checked again, applied), reload keeps the
 * conversation, and the page fits 390 px without sideways scrolling.
 * Firewall plans are never applied here (they would load nft rules in the host's namespace).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { claude, newTestRun, type TestRun } from '../cli/testutil/requests.js';
import { freePort } from '../runtime/testutil/ports.js';
import { ApiServer, uiBundleDir } from './server.js';
import { newLoginCode } from './security.js';
import { loadOrCreateApiToken } from './token.js';

const CHROMIUM = '/usr/bin/chromium';

let run: TestRun;
let server: ApiServer;
let base: string;
let token: string;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let svc: string;
let port: number;
const urls: string[] = [];
const consoleErrors: string[] = [];
/** Every answer the page got with a status of 500 or more, with its method and URL. */
const serverErrors: string[] = [];
/** What the server said about each answer of 500 or more (its cause). */
const serverLog: string[] = [];

async function api(method: string, path: string, body?: unknown) {
  const res = await fetch(base + path, { method, headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  return { status: res.status, body: (await res.json()) as any }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

async function answers(p: number, tries = 50): Promise<number> {
  for (let i = 0; i < tries; i++) {
    try {
      return (await fetch(`http://127.0.0.1:${p}/`)).status;
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return 0;
}

async function chat(message: string) {
  await page.click('button.tab[data-tab="chat"]');
  const before = await page.locator('#messages .plan').count();
  await page.fill('#chat-input', message);
  await page.click('#chat-send');
  await page.locator('#messages .plan').nth(before).waitFor({ timeout: 90_000 });
  return page.locator('#messages .plan').nth(before);
}

async function noHorizontalOverflow(): Promise<{ scroll: number; inner: number; wide: string[] }> {
  // A string: this file is compiled without the DOM types; it runs in the page.
  return page.evaluate(`(() => {
    const inner = window.innerWidth;
    const wide = [];
    for (const e of Array.from(document.querySelectorAll('body *'))) {
      const r = e.getBoundingClientRect();
      if (r.width > 0 && r.right > inner + 1 && !e.closest('.table-wrap, pre, .logs')) wide.push(e.tagName.toLowerCase() + '#' + e.id + '.' + String(e.className || '').split(' ')[0] + ' ' + Math.round(r.right));
    }
    return { scroll: document.documentElement.scrollWidth, inner, wide: wide.slice(0, 5) };
  })()`);
}

beforeAll(async () => {
  expect(existsSync(CHROMIUM), 'the Debian chromium package (scripts/setup-host.sh installs it)').toBe(true);
  expect(existsSync(`${uiBundleDir()}/app.js`), 'the UI bundle: run npm run build').toBe(true);
  run = newTestRun('claude-ui');
  svc = run.n('web');
  port = await freePort();
  token = loadOrCreateApiToken(run.paths.dataDir).token;
  // The offline engine puts new services on the stack's network, 'webstack' unless services.yaml
  // names one: name it per run, so parallel runs on the same dockerd never share a network.
  writeFileSync(join(run.paths.stateDir, 'services.yaml'), `apiVersion: claude.os/v1\nkind: ServiceManifest\nmetadata:\n  name: stack\nspec:\n  networks:\n    - name: ${run.n('net')}\n  services: []\n`);
  server = new ApiServer({ paths: run.paths, env: run.env, now: () => new Date(), token, listen: '127.0.0.1', port: 0, lockWaitMs: 30_000, observe: true, observeIntervalMs: 1000, log: (l) => serverLog.push(l) });
  base = (await server.start()).url.replace(/\/$/, '');
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  // A time zone far from UTC: the page must show local times (with UTC in the tooltip).
  context = await browser.newContext({ viewport: { width: 1280, height: 900 }, timezoneId: 'Asia/Tokyo', locale: 'en-US' });
  page = await context.newPage();
  page.on('request', (r) => urls.push(r.url()));
  page.on('console', (m) => void (m.type() === 'error' && consoleErrors.push(m.text())));
  page.on('response', (r) => void (r.status() >= 500 && serverErrors.push(`${r.status()} ${r.request().method()} ${r.url()}`)));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  run?.cleanup();
});

describe('the web UI in Chromium', () => {
  it('logged out: only the login form, no nav or banner; a wrong code is refused; the right one logs in with an HttpOnly cookie', { timeout: 60_000 }, async () => {
    await page.goto(base + '/');
    await page.locator('#login-form').waitFor();
    expect(await page.isVisible('#nav')).toBe(false);
    expect(await page.isVisible('#banner')).toBe(false);
    await page.fill('#code-input', 'AAAA-AAAA');
    await page.click('#login-form button[type=submit]');
    await expect.poll(() => page.textContent('#login-error')).toMatch(/wrong, expired or already used/);
    const { code } = newLoginCode(run.paths.dataDir, { now: new Date() });
    await page.fill('#code-input', code);
    await page.click('#login-form button[type=submit]');
    await page.locator('#nav').waitFor({ state: 'visible' });
    expect(await page.isVisible('#login')).toBe(false);
    const cookies = await context.cookies();
    expect(cookies).toHaveLength(1);
    expect(cookies[0]).toMatchObject({ name: 'claude_session', httpOnly: true, sameSite: 'Strict' });
    expect(await page.evaluate('document.cookie')).toBe(''); // the script cannot read it
  });

  it('the dashboard draws host charts with data (uPlot canvases) and host gauges', { timeout: 90_000 }, async () => {
    await page.locator('#gauges .gauge').first().waitFor({ timeout: 30_000 });
    expect(await page.locator('#gauges .gauge').count()).toBeGreaterThanOrEqual(2);
    // The embedded observer samples every second here; the page refreshes every 10 s.
    await expect.poll(async () => Number(await page.getAttribute('#chart-host-mem', 'data-points')), { timeout: 45_000, interval: 1000 }).toBeGreaterThanOrEqual(2);
    expect(await page.locator('#chart-host-mem canvas').count()).toBe(1);
    expect(await page.textContent('#metrics-note')).toMatch(/Sampled every 10 s by claude serve/);
  });

  it('chat → a structured review (the service by name, fields old → new) → Apply → the service answers', { timeout: 240_000 }, async () => {
    const plan = await chat(`add a service called ${svc} using image nginx:alpine on port ${port}`);
    const res = plan.locator('.resource', { hasText: svc }).first();
    await res.waitFor();
    expect(await res.locator('.kind').textContent()).toBe('service');
    expect(await res.locator('.field', { hasText: 'image' }).first().textContent()).toMatch(/image\s*nginx:alpine/);
    expect(await plan.locator('details.details').getAttribute('open')).toBeNull(); // signatures and policy folded away
    await plan.locator('button', { hasText: 'Apply' }).click();
    await plan.locator('.buttons .ok', { hasText: 'Applied' }).waitFor({ timeout: 180_000 });
    expect(await answers(port)).toBe(200);
  });

  it('the network charts show the traffic of the service; the 24 h range switches to minute points', { timeout: 120_000 }, async () => {
    await page.click('button.tab[data-tab="dashboard"]');
    // Traffic to the new service: its container's interface counters rise, the rate is > 0.
    const hit = setInterval(() => void fetch(`http://127.0.0.1:${port}/`).then((r) => r.arrayBuffer(), () => undefined), 200);
    try {
      await expect
        .poll(async () => {
          const m = (await api('GET', '/api/v1/metrics?range=1h')).body as { services: Record<string, { rx: [number, number][]; tx: [number, number][] }> };
          return Math.max(0, ...(m.services[svc]?.tx ?? []).map((p) => p[1]));
        }, { timeout: 60_000, interval: 1000 })
        .toBeGreaterThan(0);
    } finally {
      clearInterval(hit);
    }
    await expect.poll(async () => Number(await page.getAttribute('#chart-svc-tx', 'data-points')), { timeout: 30_000, interval: 1000 }).toBeGreaterThanOrEqual(1);
    expect(await page.locator('#chart-svc-rx canvas').count()).toBe(1);
    expect(await page.locator('#chart-svc-tx canvas').count()).toBe(1);
    expect(await page.locator('#chart-svc-tx .u-legend', { hasText: svc }).count()).toBe(1);
    // 24 h: the reply's step is a minute, and the page asks for it.
    const asked: string[] = [];
    const onReq = (r: { url(): string }) => void (r.url().includes('/api/v1/metrics') && asked.push(r.url()));
    page.on('request', onReq);
    await page.click('.range-btn[data-range="24h"]');
    await expect.poll(() => asked.some((u) => u.includes('range=24h')), { timeout: 15_000 }).toBe(true);
    page.off('request', onReq);
    expect(await page.getAttribute('.range-btn[data-range="24h"]', 'class')).toMatch(/active/);
    await expect.poll(async () => page.textContent('#metrics-note'), { timeout: 15_000 }).toMatch(/Sampled every 60 s/);
    await page.click('.range-btn[data-range="1h"]');
  });

  it('a reload keeps the conversation: the applied plan shows as applied, with no live Apply button', { timeout: 60_000 }, async () => {
    await page.reload();
    await page.click('button.tab[data-tab="chat"]');
    const plan = page.locator('#messages .plan').first();
    await plan.waitFor({ timeout: 30_000 });
    expect(await plan.getAttribute('data-status')).toBe('applied');
    expect(await plan.locator('button', { hasText: 'Apply' }).count()).toBe(0);
    expect(await page.locator('#conversations li[data-id]').count()).toBeGreaterThanOrEqual(1);
  });

  it('a restart from the dashboard makes a plan through the same approval; applied, the service answers again', { timeout: 240_000 }, async () => {
    await page.click('button.tab[data-tab="dashboard"]');
    const row = page.locator(`#services tr[data-service="${svc}"]`);
    await row.waitFor({ timeout: 30_000 });
    await row.locator('button', { hasText: 'Restart' }).click();
    const plan = page.locator('#action-area .plan');
    await plan.waitFor({ timeout: 90_000 });
    expect(await plan.locator('.field', { hasText: 'labels.restarted-at' }).count()).toBe(1);
    await plan.locator('button', { hasText: 'Apply' }).click();
    await plan.locator('.buttons .ok', { hasText: 'Applied' }).waitFor({ timeout: 180_000 });
    expect(await answers(port)).toBe(200);
    await row.locator('button', { hasText: 'Logs' }).click();
    await expect.poll(() => page.textContent('#logs'), { timeout: 20_000 }).not.toMatch(/^Loading/);
    // The live tail: a request to the service shows up in its access log on the page, without a click.
    const mark = `/tail-${run.suffix}`;
    expect(await page.textContent('#logs')).not.toContain(mark);
    await fetch(`http://127.0.0.1:${port}${mark}`).then((r) => r.arrayBuffer());
    await expect.poll(() => page.textContent('#logs'), { timeout: 20_000, interval: 500 }).toContain(mark);
    // Times in the browser's zone (Asia/Tokyo here, UTC+9), the UTC value in the tooltip.
    const t = page.locator('#events li time').first();
    await t.waitFor({ timeout: 20_000 });
    const iso = (await t.getAttribute('title'))!;
    const local = new Date(iso).toLocaleTimeString('en-US', { timeZone: 'Asia/Tokyo' });
    expect(await t.textContent()).toContain(local);
    expect(await t.textContent()).not.toContain(new Date(iso).toLocaleTimeString('en-US', { timeZone: 'UTC' }));
  });

  it('a security change asks for a second confirmation before anything is applied; Cancel invalidates the plan on the server', { timeout: 120_000 }, async () => {
    const plan = await chat('only allow SSH from 10.0.0.0/8');
    expect(await plan.locator('.plan-head .risk-security').count()).toBe(1);
    await plan.locator('.buttons button', { hasText: 'Apply' }).click();
    const confirm = plan.locator('.confirm');
    await confirm.waitFor();
    expect(await confirm.textContent()).toMatch(/Second confirmation/);
    await confirm.locator('button', { hasText: 'Back' }).click();
    const id = await plan.getAttribute('data-plan');
    expect((await api('GET', `/api/v1/plans/${id}`)).body.meta.status).toBe('proposed');
    await plan.locator('.buttons button', { hasText: 'Cancel' }).click();
    await plan.locator('.buttons', { hasText: 'Cancelled on the server' }).waitFor();
    expect((await api('GET', `/api/v1/plans/${id}`)).body.meta.status).toBe('cancelled');
    const apply = await api('POST', `/api/v1/plans/${id}/apply`, { approve: true, confirmSecurity: true });
    expect(apply.status).toBe(409);
    expect(apply.body.code).toBe('cancelled');
  });

  it('history → roll back to the first commit → review → Apply', { timeout: 240_000 }, async () => {
    await page.click('button.tab[data-tab="history"]');
    const rows = page.locator('#history tbody tr');
    await expect.poll(() => rows.count(), { timeout: 20_000 }).toBeGreaterThanOrEqual(2);
    await rows.nth(1).locator('button', { hasText: 'Roll back' }).click();
    const plan = page.locator('#rollback-area .plan');
    await plan.waitFor({ timeout: 90_000 });
    expect(await plan.locator('.field', { hasText: 'labels.restarted-at' }).count()).toBe(1);
    await plan.locator('button', { hasText: 'Apply' }).click();
    await plan.locator('.buttons .ok', { hasText: 'Applied' }).waitFor({ timeout: 180_000 });
    expect((await api('GET', '/api/v1/history')).body.commits[0].request).toMatch(/^rollback to /);
    expect(await answers(port)).toBe(200);
  });

  it('Stop and Start from the dashboard: each a plan, reviewed, applied; the row follows', { timeout: 300_000 }, async () => {
    await page.click('button.tab[data-tab="dashboard"]');
    const row = page.locator(`#services tr[data-service="${svc}"]`).first();
    await row.waitFor({ timeout: 30_000 });
    await row.getByRole('button', { name: 'Stop', exact: true }).click();
    let plan = page.locator('#action-area .plan');
    await plan.waitFor({ timeout: 90_000 });
    expect(await plan.locator('.field', { hasText: 'state' }).first().textContent()).toMatch(/state\s*stopped/);
    await plan.locator('.buttons > button', { hasText: 'Apply' }).click();
    if (await plan.locator('.confirm').count()) await plan.locator('.confirm button.danger').click();
    await plan.locator('.buttons .ok', { hasText: 'Applied' }).waitFor({ timeout: 180_000 });
    expect(await answers(port, 5)).toBe(0);
    await expect.poll(() => row.textContent(), { timeout: 30_000, interval: 1000 }).toMatch(/exited/);
    await row.getByRole('button', { name: 'Start', exact: true }).click();
    plan = page.locator('#action-area .plan');
    await plan.locator('.field', { hasText: 'state' }).first().waitFor({ timeout: 90_000 });
    await plan.locator('.buttons > button', { hasText: 'Apply' }).click();
    if (await plan.locator('.confirm').count()) await plan.locator('.confirm button.danger').click();
    await plan.locator('.buttons .ok', { hasText: 'Applied' }).waitFor({ timeout: 180_000 });
    expect(await answers(port)).toBe(200);
    await expect.poll(() => row.getByRole('button', { name: 'Stop', exact: true }).count(), { timeout: 30_000, interval: 1000 }).toBe(1);
  });

  it('a refined request supersedes the plan before it on the page (no live Apply); an environment variable shows by name', { timeout: 120_000 }, async () => {
    await page.click('button.tab[data-tab="chat"]');
    await page.click('#new-conversation');
    const first = await chat(`give ${svc} 256 MB of memory`);
    expect(await first.locator('.field', { hasText: 'resources.memory' }).count()).toBeGreaterThanOrEqual(1);
    const second = await chat(`set LOG_LEVEL=debug on ${svc}`);
    expect(await second.locator('.field', { hasText: 'environment.LOG_LEVEL' }).first().textContent()).toMatch(/environment\.LOG_LEVEL\s*debug/);
    await expect.poll(() => first.getAttribute('data-status'), { timeout: 10_000 }).toBe('superseded');
    expect(await first.locator('button', { hasText: 'Apply' }).count()).toBe(0);
    expect(await first.locator('.buttons').textContent()).toMatch(/Superseded/);
    await second.locator('.buttons button', { hasText: 'Cancel' }).click();
    await second.locator('.buttons', { hasText: 'Cancelled on the server' }).waitFor();
  });

  it('a question the engine asks is shown once (the reply put it in the explanation too)', { timeout: 120_000 }, async () => {
    await page.click('button.tab[data-tab="chat"]');
    await page.click('#new-conversation');
    const before = await page.locator('#messages .question').count();
    await page.fill('#chat-input', 'I need a database');
    await page.click('#chat-send');
    await page.locator('#messages .question').nth(before).waitFor({ timeout: 90_000 });
    const question = (await page.locator('#messages .question').nth(before).textContent())!.replace(/^\? /, '');
    expect(question).toMatch(/^Which database should I add/);
    const text = (await page.locator('#messages').textContent())!;
    expect(text.split(question).length - 1).toBe(1);
  });

  it('a plan that needs an admin co-signature says so with Apply disabled; signed on the host, "Check the signature again" enables it and it applies', { timeout: 240_000 }, async () => {
    const key = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl alice@laptop';
    await page.click('button.tab[data-tab="chat"]');
    await page.click('#new-conversation');
    const plan = await chat(`add user alice with ssh key ${key}`);
    const cosign = plan.locator('.cosign');
    await cosign.waitFor();
    expect(await cosign.textContent()).toMatch(/Waiting for an admin co-signature/);
    const apply = plan.locator('.buttons > button', { hasText: 'Apply' });
    expect(await apply.isDisabled()).toBe(true);
    // Not signed yet: checking again says so, and Apply stays disabled.
    await cosign.locator('button', { hasText: 'Check the signature again' }).click();
    await expect.poll(() => plan.locator('.progress').textContent(), { timeout: 15_000 }).toMatch(/Not signed yet/);
    expect(await apply.isDisabled()).toBe(true);
    // On the host, the command the page shows, with the admin's key.
    const command = (await cosign.locator('pre').textContent())!.trim();
    const m = /^claude sign (\S+) --key ADMIN\.key$/.exec(command);
    expect(m, command).not.toBeNull();
    expect((await claude(run, ['keys', 'generate', '--out', 'admin.key'])).code).toBe(0);
    expect((await claude(run, ['keys', 'add', 'admin.key', '--role', 'admin', '--name', 'ui-admin'])).code).toBe(0);
    const signed = await claude(run, ['sign', m![1]!, '--key', 'admin.key']);
    expect(signed.code, signed.out + signed.err).toBe(0);
    await cosign.locator('button', { hasText: 'Check the signature again' }).click();
    await expect.poll(() => cosign.textContent(), { timeout: 15_000 }).toMatch(/Co-signed by an admin/);
    expect(await apply.isDisabled()).toBe(false);
    await apply.click();
    await plan.locator('.confirm button', { hasText: 'Yes, apply the security change' }).click();
    await plan.locator('.buttons .ok', { hasText: 'Applied' }).waitFor({ timeout: 180_000 });
    expect(readFileSync(join(run.paths.stateDir, 'security.yaml'), 'utf8')).toMatch(/name: alice/);
  });

  it('at 390 px wide no page scrolls sideways', { timeout: 60_000 }, async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    for (const tab of ['dashboard', 'chat', 'history']) {
      await page.click(`button.tab[data-tab="${tab}"]`);
      await page.waitForTimeout(500);
      const o = await noHorizontalOverflow();
      expect(o.wide, tab).toEqual([]);
      expect(o.scroll, tab).toBeLessThanOrEqual(o.inner);
    }
  });

  it('log out ends the session: the login form again, no nav, no banner; no URL ever held a token or code', { timeout: 30_000 }, async () => {
    await page.click('#logout');
    await page.locator('#login').waitFor({ state: 'visible' });
    expect(await page.isVisible('#nav')).toBe(false);
    expect(await page.isVisible('#banner')).toBe(false);
    expect(await page.textContent('#banner')).toBe('');
    expect((await api('GET', '/api/v1/session')).status).toBe(200); // the bearer still works
    const r = await page.evaluate("fetch('/api/v1/status').then((x) => x.status)");
    expect(r).toBe(401);
    expect(urls.length).toBeGreaterThan(5);
    expect(urls.filter((u) => u.includes(token) || /token=|code=/i.test(u))).toEqual([]);
    // Nothing the page asks for is missing (a 404, e.g. the favicon); 401s are the logged-out probes and the wrong code.
    expect(serverErrors, `the server's log:\n${serverLog.join('\n')}`).toEqual([]); // names the request, where the console line below does not; the server's log says why
    expect(consoleErrors.filter((e) => !/status of 401/.test(e))).toEqual([]);
  });
});
