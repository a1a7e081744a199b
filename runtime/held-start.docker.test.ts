/**
 * The held start on Docker (issue 21, round 33; runtime/drivers/hold.ts, `heldStarts` in
 * runtime/apply.ts): a container whose start waits for another service's readiness is started
 * while that service starts, its process held before its entrypoint, and released by its own
 * start step, so dockerd's start call (≈ 0.45 s quiet) is off the stack's critical path.
 *
 * The real DockerEngine and dockerd, web after redis on a new network (testutil/network-overlap.ts):
 * redis's readiness wait is held until web's held start has returned, so the order is fixed.
 * While redis is not ready web's container runs `/bin/sh` (the hold), not nginx, and serves
 * nothing; after the apply the same pid 1 is nginx, serving, and the FIFO is gone, so a later
 * restart runs nginx at once, the observer reads no change and a restore from its record serves
 * at once. Docker's own health check of a held web stays `starting` while held (never
 * `unhealthy`), and `docker stop` ends a held container by its TERM trap. A dependency that fails rolls the held container back; so does
 * recovery (`recover`, what `claude recover` runs) after the applying process is killed (SIGKILL) while web is held. An image
 * without /bin/sh is created as usual (never held).
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from './engine.js';
import { HOLD_ENTRYPOINT, HOLD_PATH } from './drivers/hold.js';
import type { DockerEngine } from './drivers/docker.js';
import { startEngineWorld, type EngineWorld } from './testutil/engine-world.js';
import { networkStackPlan, sleep } from './testutil/network-overlap.js';
import { containerSpec, health } from './testutil/plans.js';
import { freePort } from './testutil/ports.js';
import { dockerApplyChild } from './testutil/transpile-child.js';
import { recover } from './apply.js';

const httpStatus = (port: number) =>
  new Promise<number>((resolve) => {
    const r = get({ host: '127.0.0.1', port, path: '/' }, (m) => {
      m.resume();
      resolve(m.statusCode ?? 0);
    });
    r.on('error', () => resolve(0));
    r.setTimeout(2000, () => {
      r.destroy();
      resolve(0);
    });
  });

/** `engine` with `holdStart` and `waitReady` seen by `o` (the rest passed through). */
function watched(engine: Engine, o: { held?: (name: string) => void; ready?: (name: string) => Promise<void> }): Engine {
  return new Proxy(engine, {
    get(target, prop, receiver) {
      if (prop === 'holdStart')
        return async (name: string) => {
          await target.holdStart!(name);
          o.held?.(name);
        };
      if (prop === 'waitReady')
        return async (...a: Parameters<Engine['waitReady']>) => {
          const r = await target.waitReady(...a);
          await o.ready?.(a[0]);
          return r;
        };
      const v = Reflect.get(target, prop, receiver) as unknown;
      return typeof v === 'function' ? (v as (...x: unknown[]) => unknown).bind(target) : v;
    },
  });
}

describe('apply on docker: a dependent container starts held', () => {
  let w: EngineWorld;
  const images: string[] = [];
  beforeAll(async () => {
    w = await startEngineWorld('docker', 'held', { images: ['claude-os-local/web:latest', 'claude-os-local/redis:latest'] });
  }, 180_000);
  afterAll(async () => {
    await w?.close();
    for (const i of images) execFileSync('docker', ['rmi', '-f', i], { stdio: 'ignore' });
  }, 120_000);

  const inspect = (name: string) => (w.engine as DockerEngine).docker.getContainer(name).inspect();
  type Info = Awaited<ReturnType<typeof inspect>>;

  /**
   * `w.engine` watched: the names started held, and `look` run on web's inspect once `gate`'s
   * readiness wait returned and web's held start too (it began when the gate's start call
   * returned: waited for, ≤ 30 s), so while web is still held.
   */
  function lookWhileHeld<T>(gate: string, webName: string, look: (info: Info) => T | Promise<T>) {
    const held: string[] = [];
    let seen: T | null = null;
    const engine = watched(w.engine, {
      held: (name) => held.push(name),
      ready: async (name) => {
        if (name !== gate) return;
        for (const end = Date.now() + 30_000; !held.length && Date.now() < end; ) await sleep(20);
        seen = await look(await inspect(webName));
      },
    });
    return { engine, held, look: () => seen };
  }

  it('web runs the hold while redis starts, then the same pid 1 is nginx, serving; no FIFO is left', async () => {
    const net = w.n('net1');
    const { redis, web, steps } = await networkStackPlan(w, net, '1');
    const port = web.ports[0]!.host!;
    const seen = lookWhileHeld(redis.name, web.name, async (info) => ({ running: info.State.Running, pid: info.State.Pid, cmdline: readFileSync(`/proc/${info.State.Pid}/cmdline`, 'utf8'), http: await httpStatus(port) }));
    const r = await w.apply(await w.planText(steps), { engine: seen.engine });
    expect(r.status).toBe('applied');
    expect(seen.held).toEqual([web.name]);
    // while redis was not yet ready: web's container ran, but the hold (sh), and nothing served
    const whileHeld = seen.look();
    expect(whileHeld).not.toBeNull();
    expect(whileHeld!.running).toBe(true);
    expect(whileHeld!.cmdline.split('\0')[0]).toBe('/bin/sh');
    expect(whileHeld!.http).toBe(0);
    // after: the same process, now nginx, serving; its config runs nginx through the hold
    const info = await inspect(web.name);
    expect(info.State.Pid).toBe(whileHeld!.pid);
    expect(readFileSync(`/proc/${info.State.Pid}/cmdline`, 'utf8').split('\0')[0]).toMatch(/nginx/);
    expect(info.Config.Entrypoint).toEqual(HOLD_ENTRYPOINT);
    expect(info.Config.Cmd).toEqual(['nginx', '-g', 'daemon off;']);
    expect(await httpStatus(port)).toBe(200);
    expect(existsSync(`/proc/${info.State.Pid}/root${HOLD_PATH}`)).toBe(false);
    // the hold in its Config is no change to the observer (`claude status`, drift): it reads the spec's hash
    const applied = await w.base();
    expect((await w.engine.observe()).containers.find((c) => c.name === web.name)?.configHash).toBe(web.configHash);
    // redis (no dependency) is an ordinary container
    expect((await inspect(redis.name)).Config.Entrypoint).not.toEqual(HOLD_ENTRYPOINT);
    // a later start (docker restart) runs nginx at once
    execFileSync('docker', ['restart', '-t', '1', web.name], { stdio: 'ignore' });
    let status = 0;
    for (const end = Date.now() + 20_000; status !== 200 && Date.now() < end; await sleep(50)) status = await httpStatus(port);
    expect(status).toBe(200);
    expect(await w.base()).toEqual(applied);
    // a rollback's restore recreates it from its record (the hold's entrypoint, no FIFO): nginx at once
    const rec = (await w.engine.inspectContainer(web.name))!;
    await w.engine.removeContainer(web.name);
    await w.engine.recreateContainer(rec);
    await w.engine.startContainer(web.name);
    status = 0;
    for (const end = Date.now() + 20_000; status !== 200 && Date.now() < end; await sleep(50)) status = await httpStatus(port);
    expect(status).toBe(200);
    const restored = await inspect(web.name);
    expect(restored.Id).not.toBe(info.Id);
    expect(readFileSync(`/proc/${restored.State.Pid}/cmdline`, 'utf8').split('\0')[0]).toMatch(/nginx/);
    expect(await w.base()).toEqual(applied);
  }, 180_000);

  it("Docker's own health check of a held container waits for the release: starting while held, never unhealthy", async () => {
    const net = w.n('net5');
    // web's check every 200 ms, unhealthy after 2 failures: the hold (≥ 3 s, redis's check) outlasts that 7 times over
    const { redis: slow, web, steps } = await networkStackPlan(w, net, '5', {
      redis: { healthcheck: { ...health('sleep 3; redis-cli ping | grep -q PONG'), timeoutMs: 15_000 } },
      web: { healthcheck: { ...health('wget -q -O- http://127.0.0.1/ >/dev/null', 200), retries: 2, timeoutMs: 10_000 } },
    });
    const since = Math.floor(Date.now() / 1000) - 1;
    const seen = lookWhileHeld(slow.name, web.name, (info) => ({ health: info.State.Health?.Status, streak: info.State.Health?.FailingStreak, cmd: readFileSync(`/proc/${info.State.Pid}/cmdline`, 'utf8').split('\0')[0]! }));
    const r = await w.apply(await w.planText(steps), { engine: seen.engine });
    expect(r.status).toBe('applied');
    expect(seen.held).toEqual([web.name]);
    expect(seen.look()).toEqual({ health: 'starting', streak: 0, cmd: '/bin/sh' });
    let status = '';
    for (const end = Date.now() + 15_000; status !== 'healthy' && Date.now() < end; await sleep(100)) status = (await inspect(web.name)).State.Health?.Status ?? '';
    expect(status).toBe('healthy');
    const events = execFileSync('docker', ['events', '--since', String(since), '--until', String(Math.ceil(Date.now() / 1000) + 1), '--filter', `container=${web.name}`, '--filter', 'event=health_status', '--format', '{{.Status}}'], { encoding: 'utf8' });
    expect(events).toContain('health_status: healthy');
    expect(events).not.toContain('unhealthy');
  }, 180_000);

  it('docker stop of a held container ends it at once (its TERM trap), not by SIGKILL after the timeout', async () => {
    const spec = containerSpec({ name: w.n('stopheld'), image: 'claude-os-local/web:latest' });
    const id = await w.engine.createContainer(spec, {}, { held: true });
    try {
      await (w.engine as DockerEngine).holdStart(spec.name);
      const info = await inspect(id);
      expect(info.Config.Entrypoint).toEqual(HOLD_ENTRYPOINT);
      expect(readFileSync(`/proc/${info.State.Pid}/cmdline`, 'utf8').split('\0')[0]).toBe('/bin/sh');
      execFileSync('docker', ['stop', '-t', '30', id], { stdio: 'ignore' });
      // 143: TERM ended the hold (after the 30 s timeout it would be SIGKILL: 137)
      expect((await inspect(id)).State.ExitCode).toBe(143);
    } finally {
      await w.engine.removeContainer(id);
    }
  }, 180_000);

  it('a dependency that fails its health check rolls the held container back', async () => {
    const net = w.n('net2');
    const { redis: sick, web, steps } = await networkStackPlan(w, net, '2', { redis: { healthcheck: health('false') }, redisTimeoutMs: 4000 });
    const held: string[] = [];
    const r = await w.apply(await w.planText(steps), { engine: watched(w.engine, { held: (name) => held.push(name) }) });
    expect(r.status).toBe('rolled-back');
    expect(held).toEqual([web.name]);
    expect(r.steps.find((s) => s.id === `start/${web.name}`)?.status).toBe('skipped');
    expect(await w.exists(web.name)).toBe(false);
    expect(await w.exists(sick.name)).toBe(false);
  }, 180_000);

  it('killed (SIGKILL) while web is held: recovery leaves the state before the plan', async () => {
    const net = w.n('net3');
    // redis ready only after ≥ 4 s, so web's held start is done when web's step begins
    const { redis: slow, web, steps } = await networkStackPlan(w, net, '3', { redis: { healthcheck: { ...health('sleep 4; redis-cli ping | grep -q PONG'), timeoutMs: 15_000 } } });
    const before = await w.base();
    const planFile = join(w.dataDir, `held-crash-${w.suffix}.json`);
    writeFileSync(planFile, await w.planText(steps));
    const child = dockerApplyChild(`p.stepId === 'start/${web.name}' && p.when === 'before'`, { yes: true });
    try {
      const signal = await new Promise<NodeJS.Signals | null>((resolve) => {
        const p = spawn(process.execPath, [child.script], {
          env: { ...process.env, CRASH_ARGS: JSON.stringify({ plan: planFile, dataDir: w.dataDir, root: w.root, hostId: w.host.hostId }) },
          stdio: 'ignore',
        });
        p.on('close', (_code, sig) => resolve(sig));
      });
      expect(signal).toBe('SIGKILL');
    } finally {
      child.cleanup();
    }
    // killed before web's release: its container runs the hold
    const info = await inspect(web.name);
    expect(info.State.Running).toBe(true);
    expect(readFileSync(`/proc/${info.State.Pid}/cmdline`, 'utf8').split('\0')[0]).toBe('/bin/sh');
    const rec = await recover({ engine: w.engine, dataDir: w.dataDir, stateDir: join(w.root, 'state'), now: () => new Date() });
    expect(rec.found).toBe('interrupted');
    expect(rec.action).toBe('rollback');
    expect(rec.ok, rec.problems.join('; ')).toBe(true);
    expect(await w.exists(web.name)).toBe(false);
    expect(await w.exists(slow.name)).toBe(false);
    expect(await w.base()).toEqual(before);
  }, 240_000);

  it('an image without /bin/sh is created as usual: never held', async () => {
    const tag = `claude-os-test/nosh-${w.suffix}:latest`;
    const maker = w.n('nosh-maker');
    execFileSync('docker', ['run', '--name', maker, '--user', '0', '--entrypoint', '/bin/rm', 'claude-os-local/web:latest', '/bin/sh'], { stdio: 'ignore' });
    execFileSync('docker', ['commit', '-c', 'USER 101:101', '-c', 'ENTRYPOINT ["nginx"]', '-c', 'CMD ["-g", "daemon off;"]', maker, tag], { stdio: 'ignore' });
    images.push(tag);
    execFileSync('docker', ['rm', '-f', maker], { stdio: 'ignore' });
    const port = await freePort();
    const spec = containerSpec({ name: w.n('nosh'), image: tag, ports: [{ host: port, container: 80, protocol: 'tcp', hostIp: '127.0.0.1' }] });
    const id = await w.engine.createContainer(spec, {}, { held: true });
    const created = await inspect(id);
    expect(created.Config.Entrypoint).not.toEqual(HOLD_ENTRYPOINT);
    expect(created.Config.Entrypoint).toEqual(['nginx']);
    await (w.engine as DockerEngine).holdStart(spec.name); // nothing to hold
    expect((await inspect(id)).State.Running).toBe(false);
    await w.engine.startContainer(spec.name);
    let status = 0;
    for (const end = Date.now() + 20_000; status !== 200 && Date.now() < end; await sleep(50)) status = await httpStatus(port);
    expect(status).toBe(200);
    await w.engine.removeContainer(id);
  }, 180_000);
});
