/**
 * The runtime's apply suite against a real container engine, one engine per call: the thin
 * test files runtime/apply.docker.test.ts (the host's Docker Engine) and
 * runtime/apply.containerd.test.ts (a private containerd per run with the CNI plugins and
 * runc, testutil/engine-world.ts) each call applySuite(kind), so vitest runs the two engines
 * in parallel as two files. One web+postgres+redis stack per engine and run (names carry a
 * random suffix per world, ports are random free ones, the containerd has its own socket and
 * namespace), reused across the assertions below in order:
 * apply → env change → replay → tampered → expired → broken image → failing health check →
 * recreated network rolled back → exited container → no healthcheck → stale plan →
 * concurrent applies → a refused plan beside a good one → secrets → prune. Everything is removed in afterAll.
 *
 * Where the backends differ on purpose (docs/runtime.md "What differs between the
 * backends"), the test says so and branches on `kind`: Docker's own healthcheck
 * configuration, and the missing-image message (Docker pulls; containerd imports a tarball).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { ContainerSpec, PlanStep } from '../../plan/types.js';
import type { ApplyResult } from '../apply.js';
import { encryptSecret, ensureAgeIdentity } from '../secrets.js';
import { LockHeldError } from '../lock.js';
import { PlanExpiredError, ReplayError, SignatureError, StalePlanError } from '../verify.js';
import { containerSpec, health, makePlan, S, signPlan } from './plans.js';
import { startEngineWorld, type EngineKind, type EngineWorld } from './engine-world.js';
import { freePort } from './ports.js';
import { redisPing, stackSpecs, tcpAccepts } from './stack.js';
import { collect } from '../observe/collect.js';
import { logTail } from '../observe/docker.js';

const IMAGES = ['claude-os-local/postgres:latest', 'claude-os-local/redis:latest', 'claude-os-local/web:latest', 'claude-os-local/busybox:latest'];

function httpGet(port: number): Promise<string> {
  return fetch(`http://127.0.0.1:${port}/`).then(async (r) => `${r.status} ${await r.text()}`);
}

/** web connects to postgres by its alias: the name resolves through Docker's DNS, or the per-container /etc/hosts on containerd. */
const REACHES_POSTGRES = ['/bin/sh', '-c', 'nc -w 2 postgres 5432 </dev/null'];

/** The suite on one engine; each engine's test file calls it, so vitest runs them in parallel. */
export function applySuite(kind: EngineKind): void {
  describe(`apply on ${kind}`, () => {
    let w: EngineWorld;
    let dataDir: string;
    let root: string;
    let n: (x: string) => string;
    const base = () => w.base();
    const planText = (steps: PlanStep[], o: { ttlMs?: number; now?: Date } = {}) => w.planText(steps, o);
    const apply = (text: string, o: { lockWaitMs?: number } = {}): Promise<ApplyResult> => w.apply(text, o);
    const idOf = (name: string) => w.idOf(name);

    let ports: { web: number; pg: number; redis: number };
    let web: ContainerSpec;
    let pg: ContainerSpec;
    let redis: ContainerSpec;

    beforeAll(async () => {
      w = await startEngineWorld(kind, 'apply', { images: IMAGES, docker: { pullTimeoutMs: 10_000 } });
      ({ dataDir, root, n } = w);
      ports = { web: await freePort(), pg: await freePort(), redis: await freePort() };
      ({ pg, redis, web } = stackSpecs(n, n('net'), ports, {
        pg: {
          mounts: [{ source: '/data/postgres', target: '/var/lib/postgresql/data', readonly: false }],
          resources: { memoryBytes: 256 * 1024 * 1024, nanoCpus: 1_000_000_000 },
          restart: 'unless-stopped',
        },
        web: { labels: { 'com.example.role': 'frontend' } },
      }));
    }, 300_000);

    afterAll(async () => {
      await w?.close();
    }, 180_000);

    describe.sequential('in order', () => {
      let envChangeText = '';

      it('applies web+postgres+redis: all healthy; HTTP, redis PING and pg_isready answer', async () => {
        const t0 = Date.now();
        const steps: PlanStep[] = [
          S.network(n('net')),
          S.volume(n('pgdata'), '/data/postgres', { owner: '999:999', permissions: '0700' }),
          S.image('claude-os-local/postgres:latest'),
          S.image('claude-os-local/redis:latest'),
          S.image('claude-os-local/web:latest'),
          S.create(pg, { dependsOn: [`network/${n('net')}`, `volume/${n('pgdata')}`, 'image/claude-os-local/postgres:latest'] }),
          S.create(redis, { dependsOn: [`network/${n('net')}`, 'image/claude-os-local/redis:latest'] }),
          S.create(web, { dependsOn: [`network/${n('net')}`, 'image/claude-os-local/web:latest'] }),
          S.start(pg),
          S.start(redis),
          S.start(web, { dependsOn: [`create/${web.name}`, `start/${pg.name}`, `start/${redis.name}`] }),
        ];
        const events: string[] = [];
        const r = await w.apply(await planText(steps), { onEvent: (e) => e.type === 'reconcile.step' && e.status === 'done' && events.push(e.message) });
        expect(r.error, w.engineLog()).toBeUndefined();
        expect(r.status).toBe('applied');
        expect(events).toContain(`Created network '${n('net')}'`);
        expect(events).toContain(`Created volume '${n('pgdata')}'`);
        expect(events).toEqual(expect.arrayContaining(['Started postgres (healthy)', 'Started redis (healthy)', 'Started nginx (healthy)']));
        // web started only after both dependencies were healthy
        expect(events.indexOf('Started nginx (healthy)')).toBeGreaterThan(events.indexOf('Started postgres (healthy)'));
        expect(r.reachable.map((x) => `${x.service}:${x.port}`)).toEqual([`nginx:${ports.web}`, `postgres:${ports.pg}`, `redis:${ports.redis}`]);

        expect(await httpGet(ports.web)).toMatch(/^200 /);
        expect(await redisPing(ports.redis)).toBe('+PONG');
        // postgres's published port answers too (the three published ports, on both engines)
        expect(await tcpAccepts(ports.pg)).toBe(true);
        const pgReady = await w.exec(pg.name, ['pg_isready', '-U', 'app', '-h', '127.0.0.1'], 10_000);
        expect(pgReady.code).toBe(0);
        // web reaches the others by their service-name aliases
        const dns = await w.exec(web.name, REACHES_POSTGRES, 30_000);
        expect(dns.code, dns.output).toBe(0);

        // web reaches redis by name too, over the network (not only resolves it)
        expect((await w.exec(web.name, ['/bin/sh', '-c', 'echo PING | nc -w 2 redis 6379'], 30_000)).output).toContain('+PONG');

        // Everything in the spec reached the engine.
        const info = (await w.view(pg.name))!;
        expect(info.memoryBytes).toBe(256 * 1024 * 1024);
        expect(info.nanoCpus).toBe(1_000_000_000);
        expect(info.restart).toBe('unless-stopped');
        expect(info.binds).toEqual([`${root}/data/postgres:/var/lib/postgresql/data`]);
        expect(info.env).toEqual(expect.arrayContaining(['POSTGRES_USER=app', 'POSTGRES_DB=app']));
        // Docker only: Docker runs the healthcheck itself after readiness (containerd has no
        // healthcheck of its own; the runtime probes readiness only, docs/runtime.md).
        if (kind === 'docker') expect(((await (w.engine as import('../drivers/docker.js').DockerEngine).docker.getContainer(pg.name).inspect()).Config as { Healthcheck?: { Interval?: number } }).Healthcheck?.Interval).toBe(500_000_000);
        expect(info.labels['claude.os/config-hash']).toBe(pg.configHash);
        expect(info.labels['claude.os/managed']).toBe('true');
        // this instance's host id: what makes it ours on an engine other instances share
        expect(info.labels['claude.os/host']).toBe(w.host.hostId);
        // the logs hold the service's own output (Docker's log driver; containerd's log file),
        // each line with the time it was written and its stream (postgres logs to stderr), as `claude logs --timestamps` shows them
        expect((await w.logs(pg.name)).join('\n')).toMatch(/database system is ready to accept connections/);
        const ready = (await logTail(w.observer, pg.name, 200)).find((l) => /database system is ready to accept connections/.test(l.text))!;
        expect(ready.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
        expect(Date.parse(ready.time)).toBeGreaterThanOrEqual(t0 - 1000);
        expect(Date.parse(ready.time)).toBeLessThanOrEqual(Date.now());
        expect(ready.stream).toBe('stderr');

        // Records, events, replay list.
        const vols = JSON.parse(readFileSync(join(dataDir, 'volumes.json'), 'utf8')) as { volumes: Record<string, { path: string; owner: string }> };
        expect(vols.volumes[n('pgdata')]).toEqual({ path: '/data/postgres', permissions: '0700', owner: '999:999' });
        const evTypes = readFileSync(join(dataDir, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { type: string }).type);
        expect(evTypes[0]).toBe('reconcile.started');
        expect(evTypes.at(-1)).toBe('reconcile.completed');
        expect(readFileSync(join(dataDir, 'applied-plans.jsonl'), 'utf8')).toContain(r.planId);
        expect(r.touched.map((t) => t.t)).toContain('committed');
      }, 300_000 /* the stack's images and health checks: ~25 s at load 12 */);

      it('the observer (status, services, the daemon) sees the stack through the engine: managed services, ports, restart policy, memory and CPU from the cgroup files, logs', async () => {
        // The observer reads Docker, or containerd through its Docker-shaped view (drivers/containerd/docker-view.ts).
        const facts = await collect({ docker: w.observer, dataDir, root, now: () => new Date(), hostId: w.host.hostId, cpuSampleMs: 300, eventsWindowMs: 0, logLines: 20, mounts: [dataDir] });
        expect(facts.errors).toEqual([]);
        const byName = new Map(facts.containers.map((c) => [c.name, c]));
        for (const [spec, service, port] of [[pg, 'postgres', ports.pg], [redis, 'redis', ports.redis], [web, 'nginx', ports.web]] as const) {
          const c = byName.get(spec.name)!;
          expect(c, spec.name).toBeDefined();
          expect(c).toMatchObject({ managed: true, service, configHash: spec.configHash, status: 'running', restartCount: 0 });
          expect(c.pid).toBeGreaterThan(0);
          expect(c.ports).toContainEqual(expect.objectContaining({ host: port, container: spec.ports[0]!.container, protocol: 'tcp' }));
          // read from the container's cgroup files through its pid, on either engine
          expect(c.stats?.memoryBytes, spec.name).toBeGreaterThan(100_000);
          expect(c.stats?.cpuPercent, spec.name).toBeGreaterThanOrEqual(0);
        }
        expect(byName.get(pg.name)!.memoryLimit).toBe(256 * 1024 * 1024);
        expect(byName.get(pg.name)!.restartPolicy).toBe('unless-stopped');
        expect(facts.logs[pg.name]!.map((l) => l.text).join('\n')).toMatch(/database system is ready to accept connections/);
      });

      it("changes one service's env: only that container is replaced", async () => {
        const before = { web: await idOf(web.name), pg: await idOf(pg.name), redis: await idOf(redis.name) };
        const redis2 = containerSpec({ ...redis, env: { GREETING: 'hello' } });
        envChangeText = await planText([S.replace(redis2, redis.configHash)]);
        const r = await apply(envChangeText);
        expect(r.error).toBeUndefined();
        expect(r.status).toBe('applied');
        expect(r.steps[0]!.message).toBe('Replaced redis (healthy)');
        expect(await idOf(web.name)).toBe(before.web);
        expect(await idOf(pg.name)).toBe(before.pg);
        const now = (await w.view(redis.name))!;
        expect(now.id).not.toBe(before.redis);
        expect(now.env).toContain('GREETING=hello');
        expect(await idOf(`${redis.name}.old-${r.planId.slice(5, 13)}`)).toBeNull();
        expect(await w.engine.inspectContainer(before.redis!)).toBeNull();
        // the new redis is reachable by name from web (Docker's DNS; containerd rewrote the hosts files)
        expect((await w.exec(web.name, ['/bin/sh', '-c', 'echo PING | nc -w 2 redis 6379'], 30_000)).output).toContain('+PONG');
        expect(await redisPing(ports.redis)).toBe('+PONG');
        redis = redis2;
      }, 120_000);

      it('refuses a replayed plan, before anything changes', async () => {
        const fp = await base();
        await expect(apply(envChangeText)).rejects.toBeInstanceOf(ReplayError);
        expect(await base()).toEqual(fp);
      });

      it('refuses a tampered plan (signature) and an expired plan', async () => {
        const fp = await base();
        const text = await planText([S.stop(web.name)]);
        const env = JSON.parse(text) as { payload: string };
        const payload = JSON.parse(Buffer.from(env.payload, 'base64').toString()) as { steps: { params: { name: string } }[] };
        payload.steps[0]!.params.name = pg.name; // stop postgres instead
        env.payload = Buffer.from(JSON.stringify(payload)).toString('base64');
        const err = await apply(JSON.stringify(env)).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(SignatureError);
        expect((err as Error).message).toMatch(/modified after it was signed/);

        const old = await planText([S.stop(web.name)], { now: new Date(Date.now() - 7_200_000), ttlMs: 3_600_000 });
        const err2 = await apply(old).catch((e: unknown) => e);
        expect(err2).toBeInstanceOf(PlanExpiredError);
        expect((err2 as Error).message).toMatch(/expired at/);
        // the expired plan was signed, so it took the free lock after V1 to observe beside
        // V2–V7 (runtime/apply.ts); refused at V5, it left the lock free
        expect(existsSync(join(dataDir, 'apply.lock'))).toBe(false);
        expect(await base()).toEqual(fp);
        expect((await w.engine.inspectContainer(web.name))!.running).toBe(true);
      });

      it('a broken image (nonexistent:latest): the whole stack is rolled back, the previous containers still run (spec Test 7)', async () => {
        const fp = await base();
        const before = { web: await idOf(web.name), pg: await idOf(pg.name), redis: await idOf(redis.name) };
        const web2 = containerSpec({ ...web, env: { VERSION: '2' } });
        const broken = containerSpec({ name: n('broken'), service: 'broken', image: 'nonexistent:latest', networks: [{ name: n('net'), aliases: ['broken'] }] });
        const r = await apply(
          await planText([
            S.replace(web2, web.configHash),
            S.image('nonexistent:latest', { pull: true, dependsOn: [`replace/${web2.name}`] }),
            S.create(broken, { dependsOn: ['image/nonexistent:latest'] }),
            S.start(broken),
          ]),
        );
        expect(r.status, JSON.stringify(r.rollback)).toBe('rolled-back');
        expect(r.error?.step).toBe('image/nonexistent:latest');
        // The backends differ in where a missing image may come from: Docker pulls it from a
        // registry; containerd imports a tarball from <data dir>/images (no registry pull yet).
        expect(r.error?.message).toMatch(kind === 'docker' ? /image 'nonexistent:latest' is not present locally and pulling it failed/ : /image 'nonexistent:latest' is not present locally and is not in containerd and no tarball in .*images holds it/);
        // and in how to bring it: `docker load` on Docker; the tarball in the images dir on a containerd device (which has no docker)
        if (kind === 'docker') expect(r.error?.hint).toMatch(/docker load -i <file>\.tar/);
        else expect(r.error?.hint).toMatch(new RegExp(`docker save -o <file>\\.tar nonexistent:latest\` where its registry is reachable, and put the tarball in ${join(dataDir, 'images')} \\(the next apply imports it\\)`));
        if (kind === 'containerd') expect(r.error?.hint).not.toMatch(/docker load|docker images/);
        expect(r.error?.hint).not.toMatch(/fixtures/);
        expect(r.steps.find((s) => s.id === `create/${broken.name}`)!.status).toBe('skipped');
        expect(r.rollback).toEqual({ ok: true, undone: ['image/nonexistent:latest', `replace/${web2.name}`], problems: [] });
        expect({ web: await idOf(web.name), pg: await idOf(pg.name), redis: await idOf(redis.name) }).toEqual(before);
        expect(await base()).toEqual(fp);
        expect(await httpGet(ports.web)).toMatch(/^200 /);
        const ev = readFileSync(join(dataDir, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; rolledBack?: boolean });
        expect(ev.at(-1)).toMatchObject({ type: 'reconcile.failed', rolledBack: true });
      }, 180_000);

      it('a health check that never passes: rolled back', async () => {
        const fp = await base();
        const before = await idOf(redis.name);
        const bad = containerSpec({ ...redis, healthcheck: health('exit 1', 200) });
        const r = await apply(await planText([S.replace(bad, redis.configHash, { timeoutMs: 1500 })]));
        expect(r.status, JSON.stringify(r.rollback)).toBe('rolled-back');
        expect(r.error?.name).toBe('HealthTimeoutError');
        expect(r.error?.message).toMatch(/did not become healthy within 1500 ms \(health command: exit 1\)/);
        expect(await idOf(redis.name)).toBe(before);
        expect(await base()).toEqual(fp);
        expect(await redisPing(ports.redis)).toBe('+PONG');
      }, 240_000 /* 4-11 s quiet; readiness counts uncontended time, so at load 25 the rollback took over 60 s */);

      it('a failed plan that recreated a network: the old network and the containers on it come back', async () => {
        const fp = await base();
        const netBefore = await w.engine.inspectNetwork(n('net'));
        const web2 = containerSpec({ ...web, env: { NET: 'v2' } });
        const netStep = S.network(n('net'));
        const r = await apply(
          await planText([
            S.stop(web.name),
            S.stop(pg.name),
            S.stop(redis.name),
            { ...netStep, id: 'net-rm', op: 'network.remove', dependsOn: [`stop/${web.name}`, `stop/${pg.name}`, `stop/${redis.name}`], risk: 'disruptive' } as PlanStep,
            ({ ...netStep, params: { ...(netStep.params as object), labels: { tier: 'front' } }, dependsOn: ['net-rm'] }) as unknown as PlanStep,
            S.replace(web2, web.configHash, { dependsOn: [`network/${n('net')}`] }),
            S.image('nonexistent:latest', { dependsOn: [`replace/${web2.name}`] }),
          ]),
        );
        expect(r.status, JSON.stringify(r.rollback)).toBe('rolled-back');
        expect(await base()).toEqual(fp);
        const netAfter = (await w.engine.inspectNetwork(n('net')))!;
        expect(netAfter.labels).toEqual(netBefore!.labels);
        for (const c of [web, pg, redis]) {
          const info = (await w.view(c.name))!;
          expect(info.running, c.name).toBe(true);
          expect(info.networks, c.name).toEqual([n('net')]);
          // Docker only: a container's endpoint names the network's id (containerd's attachments name the network)
          if (kind === 'docker') expect((await (w.engine as import('../drivers/docker.js').DockerEngine).docker.getContainer(c.name).inspect()).NetworkSettings.Networks[n('net')]!.NetworkID, c.name).toBe(netAfter.id);
        }
        expect(await httpGet(ports.web)).toMatch(/^200 /);
        const dns = await w.exec(web.name, REACHES_POSTGRES, 30_000);
        expect(dns.code, dns.output).toBe(0);
        // Stops, recreates the network, then rolls back and restarts the whole stack with its health
        // checks: ~25 s at load 15, and over 60 s at load 30 in a full CI run.
      }, 240_000);

      it('a container that exits while starting fails at once with its exit code and last log lines', async () => {
        const fp = await base();
        const crashy = containerSpec({ name: n('crashy'), service: 'crashy', image: 'claude-os-local/busybox:latest', command: ['sh', '-c', 'echo boom: missing config; exit 3'], healthcheck: health('true', 100) });
        const t0 = Date.now();
        const r = await apply(await planText([S.create(crashy), S.start(crashy, { timeoutMs: 20_000 })]));
        expect(r.status, JSON.stringify(r.rollback)).toBe('rolled-back');
        expect(r.error?.name).toBe('ContainerExitedError');
        expect(r.error?.message).toMatch(/exited \(exit code 3\) before it became ready; last log lines:\n {4}> boom: missing config/);
        // at once: well before the start's 20 s readiness timeout ran out (a wall-clock bound, so a busy machine gets room)
        expect(Date.now() - t0).toBeLessThan(20_000);
        expect(await idOf(crashy.name)).toBeNull();
        expect(await base()).toEqual(fp);
      });

      it('without a healthcheck, ready means running with its ports answering', async () => {
        const port = await freePort();
        const plain = containerSpec({ name: n('plain'), service: 'plain', image: 'claude-os-local/web:latest', ports: [{ host: port, container: 80, protocol: 'tcp', hostIp: '127.0.0.1' }] });
        const r = await apply(await planText([S.create(plain), S.start(plain)]));
        expect(r.status, JSON.stringify(r.error)).toBe('applied');
        expect(r.steps.find((x) => x.op === 'container.start')!.message).toBe('Started plain (running)');
        expect(await httpGet(port)).toMatch(/^200 /);
        expect((await apply(await planText([S.remove(plain.name)]))).status).toBe('applied');
      });

      it('refuses a stale plan after a manual docker stop; nothing changes', async () => {
        const text = await planText([S.stop(redis.name)]);
        await w.stopBehindBack(web.name);
        try {
          const fp = await base();
          const err = await apply(text).catch((e: unknown) => e);
          expect(err).toBeInstanceOf(StalePlanError);
          expect((err as Error).message).toMatch(/^Saved plan is stale/);
          expect((err as Error).message).toContain(`~ container/${web.name} (changed)`);
          expect(await base()).toEqual(fp);
          expect((await w.engine.inspectContainer(redis.name))!.running).toBe(true);
        } finally {
          await w.startBehindBack(web.name);
        }
      });

      it('two applies at once: the second is refused naming the holder; a waiting one gets the lock after', async () => {
        const slow = containerSpec({ name: n('slow'), service: 'slow', image: 'claude-os-local/busybox:latest', command: ['sh', '-c', 'sleep 1; touch /tmp/ready; exec sleep 3600'], healthcheck: health('test -f /tmp/ready', 100) });
        const a = await planText([S.create(slow), S.start(slow)]);
        const b = await planText([S.stop(redis.name)]);
        const pa = apply(a);
        let aDone = false;
        void pa.finally(() => (aDone = true)).catch(() => undefined);
        await new Promise((r) => setTimeout(r, 150));
        const err = await apply(b).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(LockHeldError);
        // a plan refused by V2–V7 is refused at once with its own reason while the lock is
        // held, even by an apply that would wait for the lock
        const expired = await planText([S.stop(redis.name)], { now: new Date(Date.now() - 7_200_000), ttlMs: 3_600_000 });
        await expect(apply(expired, { lockWaitMs: 30_000 })).rejects.toBeInstanceOf(PlanExpiredError);
        expect(aDone).toBe(false);
        expect((err as Error).message).toMatch(new RegExp(`pid ${process.pid} .*apply plan-`));
        // A waiter gets the lock when A is done; by then the system changed, so its plan is stale.
        const waited = await apply(b, { lockWaitMs: 30_000 }).catch((e: unknown) => e);
        const ra = await pa;
        expect(ra.status).toBe('applied');
        expect(waited).toBeInstanceOf(StalePlanError);
        expect((waited as Error).message).toContain(`+ container/${slow.name} (added)`);
        expect(existsSync(join(dataDir, 'apply.lock'))).toBe(false);
      }, 120_000);

      it('a plan refused by V2–V7 never holds the lock: a good apply started beside it, not waiting, is not refused', async () => {
        const beside = containerSpec({ name: n('beside'), service: 'beside', image: 'claude-os-local/busybox:latest', command: ['sleep', '3600'] });
        const good = await planText([S.create(beside)]);
        const expired = await planText([S.stop(redis.name)], { now: new Date(Date.now() - 7_200_000), ttlMs: 3_600_000 });
        // Both start in the same turn of the event loop, the refused one first; neither waits.
        const [bad, ok] = await Promise.allSettled([apply(expired), apply(good)]);
        expect(bad.status === 'rejected' && bad.reason).toBeInstanceOf(PlanExpiredError);
        expect(ok.status === 'fulfilled' ? ok.value.status : String((ok as PromiseRejectedResult).reason)).toBe('applied');
        expect(await w.exists(beside.name)).toBe(true);
        expect(existsSync(join(dataDir, 'apply.lock'))).toBe(false);
        expect((await apply(await planText([S.remove(beside.name)]))).status).toBe('applied');
      }, 120_000);

      it('resolves ${secrets.x} only into the container: not in the journal, events, audit or snapshot', async () => {
        const { recipient } = await ensureAgeIdentity(dataDir);
        const plain = `pw-${randomBytes(6).toString('hex')}`;
        const security = `apiVersion: claude.os/v1\nkind: SecurityConfig\nmetadata: {name: s}\nspec:\n  secrets:\n    - name: db_password\n      value: ${await encryptSecret(plain, recipient)}\n`;
        const sec = containerSpec({ name: n('sec'), service: 'sec', image: 'claude-os-local/busybox:latest', command: ['sleep', '3600'], env: { DB_PASSWORD: '${secrets.db_password}', DSN: 'pg://app:${secrets.db_password}@postgres/app' }, secretRefs: ['db_password'] });
        const text = signPlan(makePlan([S.create(sec), S.start(sec)], { hostId: w.host.hostId, base: await base(), files: { 'security.yaml': security } }), w.host.key.privateKey);
        const r = await apply(text);
        expect(r.status).toBe('applied');
        const env = (await w.view(sec.name))!.env;
        expect(env).toContain(`DB_PASSWORD=${plain}`);
        expect(env).toContain(`DSN=pg://app:${plain}@postgres/app`);
        for (const f of ['journal/apply.jsonl', 'events.jsonl', 'audit.jsonl', `snapshots/${r.planId}.json`, `snapshots/${r.planId}.plan.json`]) {
          expect(readFileSync(join(dataDir, f), 'utf8'), f).not.toContain(plain);
        }
        // A later snapshot of this container keeps its environment encrypted.
        const later = await apply(await planText([S.stop(sec.name)]));
        expect(later.status).toBe('applied');
        const snap = readFileSync(join(dataDir, `snapshots/${later.planId}.json`), 'utf8');
        expect(snap).not.toContain(plain);
        expect(snap).toMatch(/"envEncrypted":"encrypted:v1:/);
        await apply(await planText([S.remove(sec.name)]));
      }, 120_000);

      it('removing a service prunes its container', async () => {
        const r = await apply(await planText([S.remove(n('slow'))]));
        expect(r.status).toBe('applied');
        expect(r.steps[0]!.message).toBe(`Removed container ${n('slow')} (no longer declared)`);
        expect(await idOf(n('slow'))).toBeNull();
        expect(await w.exists(n('slow'))).toBe(false);
        expect((await w.engine.inspectContainer(web.name))!.running).toBe(true);
      });
    });
  });
}
