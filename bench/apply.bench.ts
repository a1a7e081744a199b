/**
 * Apply benchmark (on demand, not a test):
 *
 *   npm run build && node dist/bench/apply.bench.js [--runs N]
 *
 * 1. web+postgres+redis until all healthy and all three answering on their published ports
 *    (an HTTP 200, +PONG, postgres's SSLRequest reply; `stackAnswers`, checked after each
 *    tool's own "all healthy"), side by side in one run, interleaved, each
 *    from a clean slate (fresh postgres data dir), same images, same health commands and
 *    intervals (500 ms), web gated on the other two being healthy where the tool can gate:
 *      - `claude apply plan.json` (a fresh CLI process): time from its start to its last
 *        "✓ Started … (healthy)" line (its own probe of the health command passed), then the
 *        ports answering; the process exit (after the state commit and the audit record) is
 *        printed beside it. One data dir for all runs, as on a host.
 *      - docker-compose 1.29 (`up -d` with depends_on: service_healthy, then until Docker's
 *        health status of all three is "healthy", polled every 20 ms, then the ports answering)
 *      - a plain `docker run` of all three at once, no gating, until healthy
 *      - `claude apply plan.json` on containerd (CLAUDE_ENGINE=containerd): a private
 *        containerd started by the bench (runtime/testutil/containerd.ts), the images
 *        imported once beforehand (as Docker has them), timed like the Docker run
 *      - the same handed to the warm CLI worker of a `claude serve` on containerd (as on the
 *        device, where the daemon runs): its own data dir, socket and namespace on the same
 *        private containerd, traced in the daemon's stderr (`benchContainerd().daemon`)
 *    Target: claude ≤ 0.5× docker-compose; the same on containerd.
 * 2. single service: `claude apply` of one web container, from CLI start to serving with
 *    health verified, vs one bare `docker run` on the default bridge until nginx answers HTTP 200 on the published port (`bareSingle`: like for like). Target ≤ 1.2×.
 * `--profile-daemon`: three traced single-service applies inside the daemon's warm worker.
 * `--single-against DIR`: the single service from this build and from DIR's, traced, alternately,
 * `--runs` rounds: the medians at each mark side by side (a change's before/after in one run).
 * `--profile`: instead, one traced single-service apply and one traced stack apply
 * (CLAUDE_TRACE=1: where the time goes, docs/runtime.md).
 *
 * Needs dockerd and the local images (`sudo fixtures/images/build.sh`).
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import Docker from 'dockerode';
import { packageRoot } from '../common/paths.js';
import { loadNow, median, ratioLine } from './common.js';
import { resourceFingerprints } from '../plan/fingerprint.js';
import type { PlanStep } from '../plan/types.js';
import { createHostEngine } from '../runtime/host-engine.js';
import { ContainerdEngine } from '../runtime/drivers/containerd/engine.js';
import { startContainerd, type TestContainerd } from '../runtime/testutil/containerd.js';
import { freePort } from '../runtime/testutil/ports.js';
import { containerSpec, health, makePlan, S, setupTestHost, signPlan, type TestHost } from '../runtime/testutil/plans.js';

const docker = new Docker();
const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 5;
/** `--profile`: one traced single-service apply and one traced stack apply (CLAUDE_TRACE=1), then stop. */
const profile = process.argv.includes('--profile');
/**
 * `--profile-daemon`: instead, three single-service applies handed to the warm CLI worker of a
 * `claude serve` started with CLAUDE_TRACE=1 (the worker's marks: ms since the worker started,
 * +ms since the previous mark, its CPU time), then stop.
 */
const profileDaemon = process.argv.includes('--profile-daemon');
/** `--single-only`: only the single-service rows (claude, claude through the daemon, bare docker run). */
const singleOnly = process.argv.includes('--single-only');
/**
 * `--containerd-only`: only the stack on containerd beside docker-compose, interleaved (no
 * Docker claude rows, no daemon, no single service): the containerd ratio in a few minutes.
 */
const containerdOnly = process.argv.includes('--containerd-only');
/** `--no-ctd-daemon`: without the row through the daemon on containerd (the runs before session 25 had none). */
const noCtdDaemon = process.argv.includes('--no-ctd-daemon');
/**
 * `--docker-only`: only the stack on Docker, claude (the cold CLI) beside docker-compose,
 * interleaved (no daemon, no containerd, no single service); with `--against DIR` also the same
 * stack from DIR's bin/claude in the same rounds: an `AGAINST` line (this / that), the CLI's CPU
 * at serving beside it, and both median runs' timelines (dockerd's events).
 */
const dockerOnly = process.argv.includes('--docker-only');
/**
 * `--against DIR` (with the stack rows): the stack on containerd also from another built
 * checkout's bin/claude (the build before a change: see bench/README.md), interleaved in the
 * same rounds on the same private containerd; prints an `AGAINST` line (this / that).
 */
const againstDir = process.argv.includes('--against') ? process.argv[process.argv.indexOf('--against') + 1] : undefined;
/**
 * `--cpu-prof DIR` (with `--profile`): each `claude apply` runs under `node --cpu-prof` (a sample
 * every 100 µs) and
 * writes its V8 CPU profile to DIR (open it in Chrome's DevTools, or summarise it with
 * `node dist/bench/cpuprof.js FILE`). NODE_OPTIONS cannot carry --cpu-prof on Node 20.
 * With `--profile-daemon`: each of the daemon's CLI workers runs under it instead
 * (CLAUDE_CLI_WORKER_CPU_PROF, agent/cli-socket.ts), one file per worker, its whole life:
 * `cpuprof.js FILE --after applyPlan --until createContainer` is the apply's part before its
 * first engine call.
 */
/**
 * `--single-against DIR`: instead, `--runs` rounds of the single service applied by this
 * checkout's bin/claude and by DIR's (another built checkout: the build before a change,
 * copied as bench/README.md says), alternately, each traced (CLAUDE_TRACE=1); then, per build,
 * the median wall ms and CPU ms (`process.cpuUsage()` in the CLI, common/trace.ts) at each mark
 * of `SINGLE_MARKS` and at serving: a change's before/after from one run, read as CPU when the
 * machine is busy.
 */
const singleAgainst = process.argv.includes('--single-against') ? process.argv[process.argv.indexOf('--single-against') + 1] : undefined;
const cpuProfDir = process.argv.includes('--cpu-prof') ? process.argv[process.argv.indexOf('--cpu-prof') + 1] : undefined;
const HC = { web: 'wget -q -O- http://127.0.0.1/ >/dev/null', pg: 'pg_isready -U app -h 127.0.0.1', redis: 'redis-cli ping | grep -q PONG' };


const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function allHealthy(names: string[]): Promise<void> {
  for (;;) {
    const states = await Promise.all(names.map((n) => docker.getContainer(n).inspect().then((i) => i.State.Health?.Status, () => 'missing')));
    if (states.every((s) => s === 'healthy')) return;
    await sleep(20);
  }
}

async function portAnswers(port: number): Promise<void> {
  for (;;) {
    const ok = await new Promise<boolean>((res) => {
      const s = connect({ host: '127.0.0.1', port });
      s.once('connect', () => {
        s.destroy();
        res(true);
      });
      s.once('error', () => res(false));
    });
    if (ok) return;
    await sleep(5);
  }
}

/** One attempt: the service behind a published port answers its own protocol (not only docker-proxy's accept). */
function answersOnce(kind: 'web' | 'pg' | 'redis', port: number): Promise<boolean> {
  return new Promise((res) => {
    const sock = connect({ host: '127.0.0.1', port });
    let got = '';
    const done = (ok: boolean) => {
      sock.destroy();
      res(ok);
    };
    sock.setTimeout(2000, () => done(false));
    sock.once('error', () => done(false));
    sock.once('close', () => done(false));
    sock.once('connect', () => {
      if (kind === 'web') sock.write('GET / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n');
      else if (kind === 'redis') sock.write('PING\r\n');
      else sock.write(Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f])); // PostgreSQL SSLRequest: the server answers 'S' or 'N'
    });
    sock.on('data', (b: Buffer) => {
      got += b.toString('latin1');
      if (kind === 'web' && /^HTTP\/1\.[01] 200/.test(got)) done(true);
      else if (kind === 'redis' && got.startsWith('+PONG')) done(true);
      else if (kind === 'pg' && (got[0] === 'N' || got[0] === 'S')) done(true);
      else if (got.length > 64 && kind !== 'web') done(false);
    });
  });
}

/**
 * Until all three services of a stack answer on their published ports: nginx an HTTP 200,
 * redis +PONG to PING, postgres its reply to an SSLRequest. The end condition of every
 * stack variant, after the tool's own "all healthy", so all of them are timed to the same
 * point: all healthy and all ports answering.
 */
export async function stackAnswers(s: Stack, timeoutMs = 120_000): Promise<void> {
  const until = performance.now() + timeoutMs;
  const each = async (kind: 'web' | 'pg' | 'redis', port: number) => {
    while (!(await answersOnce(kind, port))) {
      if (performance.now() > until) throw new Error(`bench: ${kind} on 127.0.0.1:${port} did not answer within ${timeoutMs / 1000} s of being healthy`);
      await sleep(5);
    }
  };
  await Promise.all([each('web', s.ports.web), each('pg', s.ports.pg), each('redis', s.ports.redis)]);
}

export function rmAll(filter: string): void {
  const ids = execFileSync('docker', ['ps', '-aq', '--filter', `name=${filter}`], { encoding: 'utf8' }).split('\n').filter(Boolean);
  if (ids.length) execFileSync('docker', ['rm', '-f', ...ids], { stdio: 'ignore' });
  const nets = execFileSync('docker', ['network', 'ls', '-q', '--filter', `name=${filter}`], { encoding: 'utf8' }).split('\n').filter(Boolean);
  if (nets.length) execFileSync('docker', ['network', 'rm', ...nets], { stdio: 'ignore' });
}

/**
 * CPU time (user+sys, ms) a running process has used so far, from /proc/PID/stat (clock ticks,
 * 10 ms each), or NaN when it is gone. The bench prints it beside the wall times: on a busy
 * machine the wall time is mostly the wait for a core, the CPU time is the work.
 */
function cpuMsOf(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100;
  } catch {
    return NaN;
  }
}

/** Where a traced run's `[trace]` lines go (the containerd variant's timeline), or null. */
let traceSink: string[] | null = null;

/** Runs a command; resolves when it exits 0. `onLine` sees each stdout line as it comes (and the process's pid). */
function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env, onLine?: (l: string, pid: number | undefined) => void): Promise<number> {
  const sink = traceSink;
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    let out = '';
    p.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      let i: number;
      while ((i = out.indexOf('\n')) >= 0) {
        onLine?.(out.slice(0, i), p.pid);
        out = out.slice(i + 1);
      }
    });
    p.stderr.on('data', (b: Buffer) => {
      err += b.toString();
      if (profile) process.stdout.write(b.toString().split('\n').filter((l) => l.startsWith('[trace]')).map((l) => `    ${l}\n`).join(''));
      if (sink) sink.push(b.toString());
    });
    p.on('exit', (code) => (code === 0 ? resolve(0) : reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${err}`))));
  });
}

export interface Stack {
  tag: string;
  dir: string;
  ports: { web: number; pg: number; redis: number };
}

export async function newStack(kind: string): Promise<Stack> {
  const tag = `bench-${kind.toLowerCase()}-${randomBytes(3).toString('hex')}`; // a DNS label: services.yaml names
  const dir = mkdtempSync(join(tmpdir(), `${tag}-`));
  mkdirSync(join(dir, 'root', 'data', 'pg'), { recursive: true });
  return { tag, dir, ports: { web: await freePort(), pg: await freePort(), redis: await freePort() } };
}

// ── claude ─────────────────────────────────────────────────────────────────────────────

/**
 * The same stack as state files (services.yaml), for the real planner: `claude plan` makes
 * the stack's plan as it would for a person, so the planner's own scheduling (web's create
 * beside postgres's and redis's starts, docs/plans.md phase 6) is what the bench applies.
 * The images are the local ones (already present: no pull), the ports bound to 127.0.0.1,
 * postgres's data dir under the run's CLAUDE_ROOT (a fresh initdb each run).
 */
export function stackServices(s: Stack): string {
  const svc = (name: string, image: string, port: number, container: number, hc: string, extra: string[] = []) =>
    [
      `    - name: ${s.tag}-${name}`,
      `      image: claude-os-local/${image}:latest`,
      `      ports: [{host: ${port}, container: ${container}, host_ip: 127.0.0.1}]`,
      `      healthcheck: {test: ${JSON.stringify(hc)}, interval: 500ms, timeout: 3s, retries: 3}`,
      `      networks: [${s.tag}-net]`,
      ...extra,
    ].join('\n');
  return [
    'apiVersion: claude.os/v1',
    'kind: ServiceManifest',
    'metadata:',
    '  name: bench',
    'spec:',
    '  networks:',
    `    - name: ${s.tag}-net`,
    '  services:',
    svc('pg', 'postgres', s.ports.pg, 5432, HC.pg, ['      environment: {POSTGRES_USER: app, POSTGRES_HOST_AUTH_METHOD: trust}', '      volumes: [{source: /data/pg, target: /var/lib/postgresql/data}]']),
    svc('redis', 'redis', s.ports.redis, 6379, HC.redis),
    svc('web', 'web', s.ports.web, 80, HC.web, [`      depends_on: [${s.tag}-pg, ${s.tag}-redis]`]),
    '',
  ].join('\n');
}

/** What a claude run applies: hand-made steps, signed by the bench, or state files planned by `claude plan`. */
export type PlanSource = PlanStep[] | { services: string };

/** Per claude run: ms from CLI start to the last "(healthy)" line (serving, health verified). */
const servingAt: number[] = [];
/** The claude process's CPU time (ms) at each "✓ Started … (healthy)" line (cpuMsOf). */
const cpuAtServing: number[] = [];
/** The last claude run: when it started (epoch ms) and, per service, ms from then to its "✓ Started … (healthy)" line. */
let lastRun: { epoch: number; ready: Record<string, number> } = { epoch: 0, ready: {} };

/** One data dir and state dir for every claude run, as on a real host (keys, caches, history persist). */
let host: TestHost | undefined;
const hostDir = mkdtempSync(join(tmpdir(), 'bench-claude-host-'));

function stateHead(stateDir: string): string | null {
  const r = spawnSync('git', ['-C', stateDir, 'rev-parse', 'HEAD'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

/**
 * `claude plan --out plan` of `services` (services.yaml, alone in the state dir) in its own
 * process, before the timed apply; returns how many containers the plan starts.
 */
function planStack(stateDir: string, services: string, plan: string, env: NodeJS.ProcessEnv): number {
  mkdirSync(stateDir, { recursive: true });
  for (const f of readdirSync(stateDir)) if (f.endsWith('.yaml')) rmSync(join(stateDir, f));
  writeFileSync(join(stateDir, 'services.yaml'), services);
  const r = spawnSync(process.execPath, [join(packageRoot(), 'bin', 'claude'), 'plan', '--out', plan], { env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`bench: claude plan exited ${r.status}: ${r.stderr}${r.stdout}`);
  const payload = JSON.parse(Buffer.from((JSON.parse(readFileSync(plan, 'utf8')) as { payload: string }).payload, 'base64').toString('utf8')) as { steps: PlanStep[] };
  return payload.steps.filter((st) => st.op === 'container.start').length;
}

/**
 * `claude apply` of `source` in a fresh CLI process; resolves with the time to its exit. The
 * time to "serving" goes to servingAt: when the last container's "✓ Started … (healthy)" line
 * is printed and then `answering` (if given) resolves.
 */
export async function claudeApply(s: Stack, source: PlanSource, answering?: () => Promise<void>, extraEnv: Record<string, string> = {}, bin = join(packageRoot(), 'bin', 'claude'), launch: 'program' | 'node' = 'program'): Promise<number> {
  // another host's dirs when the env names them (the daemon on containerd: its own data dir and socket)
  const dataDir = extraEnv.CLAUDE_DATA_DIR ?? join(hostDir, 'data');
  const stateDir = extraEnv.CLAUDE_STATE_DIR ?? join(hostDir, 'state');
  const root = join(s.dir, 'root');
  host ??= setupTestHost(join(hostDir, 'data'));
  for (let attempt = 0; ; attempt++) {
    const plan = join(s.dir, 'plan.json');
    const env = { ...process.env, CLAUDE_DATA_DIR: dataDir, CLAUDE_ROOT: root, CLAUDE_STATE_DIR: stateDir, CLAUDE_DAEMON: '0', ...extraEnv };
    let starts: number;
    if (Array.isArray(source)) {
      // Only this bench host's containers count (its own data dir, so its own host id and
      // claude.os/host label): other work on a shared dockerd does not make the plan stale.
      const engine = await createHostEngine({ root, dataDir, hostId: host.hostId });
      const base = resourceFingerprints(await engine.observe());
      (engine as { close?: () => void }).close?.();
      writeFileSync(plan, signPlan(makePlan(source, { hostId: host.hostId, base, stateCommit: stateHead(stateDir) }), host.key.privateKey));
      starts = source.filter((st) => st.op === 'container.start').length;
    } else {
      starts = planStack(stateDir, source.services, plan, env);
    }
    if (profile) Object.assign(env, { CLAUDE_TRACE: '1' });
    const t0 = performance.now();
    lastRun = { epoch: Date.now(), ready: {} };
    let serving = 0;
    let healthy = 0;
    let answered: Promise<void> | undefined;
    try {
      const prof = cpuProfDir ? ['--cpu-prof', '--cpu-prof-interval', '100', '--cpu-prof-dir', cpuProfDir] : [];
      // As a person runs it: bin/claude the program, whose sh part picks the client (bin/client.pl
      // when a daemon serves the CLI, else Node on bin/claude); under --cpu-prof, or for the
      // `(Node client)` row (launch 'node': the client before session 24), `node bin/claude`.
      const [cmd, args] = prof.length || launch === 'node' ? [process.execPath, [...prof, bin, 'apply', plan, '--yes']] : [bin, ['apply', plan, '--yes']];
      await run(cmd, args, env, (l, pid) => {
        if (!/^✓ Started .*\(healthy\)$/.test(l)) return;
        serving = performance.now() - t0;
        lastRun.ready[/^✓ Started (\S+)/.exec(l)![1]!] = serving;
        cpuAtServing.push(cpuMsOf(pid));
        if (++healthy === starts && answering) answered = answering().then(() => void (serving = performance.now() - t0));
      });
      await answered;
      servingAt.push(serving);
      return performance.now() - t0;
    } catch (e) {
      // another process on this dockerd changed a managed container: plan again
      if (attempt < 10 && /stale/.test((e as Error).message)) continue;
      throw e;
    }
  }
}

/**
 * The marks of a traced apply that make its timeline: the driver's engine calls (`ctd:`), the
 * steps, and the readiness waits' probes and verdicts (not each host-side "not ready" round).
 */
function timeline(stderr: string): string[] {
  return stderr
    .split('\n')
    .filter((l) => l.startsWith('[trace]') && /ctd: |step (begin|done)|ready: |start: |apply: (verified|observed|snapshot|audited)|finalize: /.test(l) && !/ not ready( \([^)]*\))?$| deferred$| held: /.test(l))
    .map((l) => l.replace(/^\[trace\]\s*/, ''));
}

/** A warm worker's marks (its clock began long before the command): `timeline`'s, since its "cli: command apply loaded". */
function workerTimeline(stderr: string): string[] {
  const lines = stderr.split('\n').filter((l) => l.startsWith('[trace]'));
  const from = lines.findIndex((l) => l.endsWith('cli: command apply loaded'));
  const zero = /^\[trace\]\s+([\d.]+) ms\s+\+\s*[\d.]+\s+cpu\s+(\d+) ms/.exec(lines[Math.max(0, from)] ?? '');
  if (!zero) return [];
  return timeline(lines.slice(Math.max(0, from)).join('\n')).map((l) => {
    const m = /^\s*([\d.]+) ms\s+\+\s*([\d.]+)\s+cpu\s+(\d+) ms\s+(.*)$/.exec(l);
    return m ? `${(Number(m[1]) - Number(zero[1])).toFixed(1).padStart(8)} ms  +${m[2]!.padStart(7)}  cpu ${String(Number(m[3]) - Number(zero[2])).padStart(5)} ms  ${m[4]}` : l;
  });
}

/**
 * What dockerd did for one stack run, from its own events (`docker events --since --until`):
 * the network's create, and each container's create, start and first `healthy` (Docker's own
 * health check), in ms since `epoch` (the tool's start). The same for every tool, so the
 * timelines of claude and compose stand side by side (each create, start, health-ready).
 */
function engineMarks(s: Stack, epoch: number): Record<string, number> {
  const names = new Map(['pg', 'redis', 'web'].map((k) => [`${s.tag}-${k}`, k]));
  const events = (filters: string[]) =>
    execFileSync('docker', ['events', '--since', (epoch / 1000).toFixed(3), '--until', (Date.now() / 1000).toFixed(3), '--format', '{{json .}}', ...filters], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { Action: string; timeNano: number; Actor: { Attributes: Record<string, string> } });
  const marks: Record<string, number> = {};
  const mark = (key: string, ns: number) => void (marks[key] ??= ns / 1e6 - epoch);
  for (const e of events(['--filter', 'type=network', '--filter', `network=${s.tag}-net`])) if (e.Action === 'create') mark('network create', e.timeNano);
  for (const e of events(['--filter', 'type=container', ...[...names.keys()].flatMap((n) => ['--filter', `container=${n}`])])) {
    const who = names.get(e.Actor.Attributes.name ?? '');
    const what = e.Action === 'health_status: healthy' ? 'healthy (docker)' : e.Action;
    if (who && ['create', 'start', 'healthy (docker)'].includes(what)) mark(`${who} ${what}`, e.timeNano);
  }
  return marks;
}

/**
 * The run whose time is the median's (with an even number of runs the median is between two:
 * the one nearest it, the lower on a tie; before session 28 this fell back to the first run).
 */
function medianRun<T extends { ms: number }>(runs: T[], m: number): T | undefined {
  let best: T | undefined;
  for (const r of runs) if (best === undefined || Math.abs(r.ms - m) < Math.abs(best.ms - m) || (Math.abs(r.ms - m) === Math.abs(best.ms - m) && r.ms < best.ms)) best = r;
  return best;
}

/** The rows of the side-by-side timeline, in the order a gated stack goes through them. */
const TIMELINE_ROWS = ['network create', 'pg create', 'redis create', 'web create', 'pg start', 'redis start', 'redis ready (claude)', 'redis healthy (docker)', 'pg ready (claude)', 'pg healthy (docker)', 'web start', 'web ready (claude)', 'web healthy (docker)', 'all answering'];

// ── docker-compose and docker run ──────────────────────────────────────────────────────

function composeFile(s: Stack): string {
  const hc = (cmd: string) => `    healthcheck:\n      test: ["CMD-SHELL", ${JSON.stringify(cmd)}]\n      interval: 500ms\n      timeout: 3s\n      retries: 3\n      start_period: 120s\n`;
  return `version: "2.4"
services:
  postgres:
    image: claude-os-local/postgres:latest
    container_name: ${s.tag}-pg
    environment: {POSTGRES_USER: app, POSTGRES_HOST_AUTH_METHOD: trust}
    ports: ["127.0.0.1:${s.ports.pg}:5432"]
    volumes: ["${join(s.dir, 'root', 'data', 'pg')}:/var/lib/postgresql/data"]
${hc(HC.pg)}  redis:
    image: claude-os-local/redis:latest
    container_name: ${s.tag}-redis
    ports: ["127.0.0.1:${s.ports.redis}:6379"]
${hc(HC.redis)}  web:
    image: claude-os-local/web:latest
    container_name: ${s.tag}-web
    ports: ["127.0.0.1:${s.ports.web}:80"]
${hc(HC.web)}    depends_on:
      postgres: {condition: service_healthy}
      redis: {condition: service_healthy}
networks:
  default:
    name: ${s.tag}-net
`;
}

/** Per compose run: its time and dockerd's marks (engineMarks). */
const composeTimelines: { ms: number; marks: Record<string, number> }[] = [];

async function composeUp(s: Stack): Promise<number> {
  writeFileSync(join(s.dir, 'docker-compose.yml'), composeFile(s));
  const epoch = Date.now();
  const t0 = performance.now();
  await run('docker-compose', ['-f', join(s.dir, 'docker-compose.yml'), '-p', s.tag, 'up', '-d']);
  await allHealthy([`${s.tag}-pg`, `${s.tag}-redis`, `${s.tag}-web`]);
  await stackAnswers(s);
  const ms = performance.now() - t0;
  composeTimelines.push({ ms, marks: { ...engineMarks(s, epoch), 'all answering': ms } });
  return ms;
}

async function dockerRun(s: Stack): Promise<number> {
  const hc = (cmd: string) => ['--health-cmd', cmd, '--health-interval', '500ms', '--health-timeout', '3s', '--health-retries', '3', '--health-start-period', '120s'];
  const t0 = performance.now();
  await run('docker', ['network', 'create', `${s.tag}-net`]);
  await Promise.all([
    run('docker', ['run', '-d', '--name', `${s.tag}-pg`, '--network', `${s.tag}-net`, '-e', 'POSTGRES_USER=app', '-e', 'POSTGRES_HOST_AUTH_METHOD=trust', '-p', `127.0.0.1:${s.ports.pg}:5432`, '-v', `${join(s.dir, 'root', 'data', 'pg')}:/var/lib/postgresql/data`, ...hc(HC.pg), 'claude-os-local/postgres:latest']),
    run('docker', ['run', '-d', '--name', `${s.tag}-redis`, '--network', `${s.tag}-net`, '-p', `127.0.0.1:${s.ports.redis}:6379`, ...hc(HC.redis), 'claude-os-local/redis:latest']),
    run('docker', ['run', '-d', '--name', `${s.tag}-web`, '--network', `${s.tag}-net`, '-p', `127.0.0.1:${s.ports.web}:80`, ...hc(HC.web), 'claude-os-local/web:latest']),
  ]);
  await allHealthy([`${s.tag}-pg`, `${s.tag}-redis`, `${s.tag}-web`]);
  await stackAnswers(s);
  return performance.now() - t0;
}

// ── single service ─────────────────────────────────────────────────────────────────────

/** The container name of the last single-service run (claude's or the bare one), for `singleEvents`. */
let lastSingle = { name: '', epoch: 0 };

/**
 * dockerd's create and start events of one container (`docker events`), in ms since `epoch`
 * (the tool's start): where a single-service run's time went on the engine's side.
 */
function singleEvents(name: string, epoch: number): { create?: number; start?: number } {
  const out = execFileSync('docker', ['events', '--since', (epoch / 1000).toFixed(3), '--until', (Date.now() / 1000).toFixed(3), '--format', '{{json .}}', '--filter', 'type=container', '--filter', `container=${name}`], { encoding: 'utf8' });
  const marks: { create?: number; start?: number } = {};
  for (const l of out.split('\n').filter(Boolean)) {
    const e = JSON.parse(l) as { Action: string; timeNano: number };
    if (e.Action === 'create' || e.Action === 'start') marks[e.Action] ??= e.timeNano / 1e6 - epoch;
  }
  return marks;
}

async function claudeSingle(t: { oneServing: number[] }, extraEnv: Record<string, string> = {}, launch: 'program' | 'node' = 'program'): Promise<number> {
  const s = await newStack('one');
  try {
    const web = containerSpec({ name: `${s.tag}-web`, service: 'web', image: 'claude-os-local/web:latest', ports: [{ host: s.ports.web, container: 80, protocol: 'tcp', hostIp: '127.0.0.1' }], healthcheck: health(HC.web) });
    const ms = await claudeApply(s, [S.create(web), S.start(web)], undefined, extraEnv, undefined, launch);
    lastSingle = { name: `${s.tag}-web`, epoch: lastRun.epoch };
    await portAnswers(s.ports.web);
    t.oneServing.push(servingAt.at(-1)!);
    (t as { oneCpu?: number[] }).oneCpu?.push(cpuAtServing.at(-1)!);
    return ms;
  } finally {
    rmAll(s.tag);
    rmSync(s.dir, { recursive: true, force: true });
  }
}

/**
 * `cpu` gets the docker CLI's CPU time when it prints the container id (its last line).
 *
 * Like for like with claude's single service (claudeSingle): the same image, the default bridge
 * network (claude's container names no network, so the driver puts it on `bridge`: NetworkMode
 * in runtime/drivers/docker.ts createOptions), the same published port on 127.0.0.1, both timed
 * from the start of the tool's process; and the same end point, nginx's HTTP 200 through the
 * published port, which is what claude's "✓ Started … (healthy)" line waits for (the health
 * command's GET from the host, runtime/health.ts). Until session 22 the bare run stopped at the
 * first TCP connect, which docker-proxy accepts as soon as the container starts, before nginx
 * listens. What differs and stays: claude's container also carries its labels, Docker's own
 * health check (first run 500 ms after the start, after serving) and a log size bound.
 */
async function bareSingle(cpu: number[] = []): Promise<number> {
  const tag = `bench-bare-${randomBytes(3).toString('hex')}`;
  const port = await freePort();
  try {
    const epoch = Date.now();
    const t0 = performance.now();
    await run('docker', ['run', '-d', '--name', tag, '-p', `127.0.0.1:${port}:80`, 'claude-os-local/web:latest'], process.env, (_l, pid) => void cpu.push(cpuMsOf(pid)));
    while (!(await answersOnce('web', port))) await sleep(2);
    const ms = performance.now() - t0;
    lastSingle = { name: tag, epoch };
    return ms;
  } finally {
    rmAll(tag);
  }
}

/** The marks of a traced single-service apply that `--single-against` compares (common/trace.ts labels, as regexps). */
const SINGLE_MARKS = ['cli: main loaded', 'cli: command apply loaded', 'cli: host opened', 'apply: observing', 'apply: verified V1-V7', 'apply: lock taken', 'apply: observed', 'apply: base checked', 'apply: state repo checked', 'apply: firewall and mounts checked', 'apply: committed security.yaml read', 'apply: base, pre-flight', 'apply: snapshot taken', 'apply: snapshot saved', 'step begin create', 'step begin start', 'ready: .* http 200'];

/** `--single-against DIR`: this build and DIR's, alternately, `runs` rounds; per build the medians at each mark. */
async function singleAgainstRuns(dir: string): Promise<void> {
  const bins: [string, string][] = [
    ['this', join(packageRoot(), 'bin', 'claude')],
    ['against', join(dir, 'bin', 'claude')],
  ];
  const got: Record<string, { serving: number; marks: Record<string, [number, number]> }[]> = { this: [], against: [] };
  const one = async (bin: string) => {
    const s = await newStack('one');
    const lines: string[] = [];
    traceSink = lines;
    try {
      const web = containerSpec({ name: `${s.tag}-web`, service: 'web', image: 'claude-os-local/web:latest', ports: [{ host: s.ports.web, container: 80, protocol: 'tcp', hostIp: '127.0.0.1' }], healthcheck: health(HC.web) });
      await claudeApply(s, [S.create(web), S.start(web)], undefined, { CLAUDE_TRACE: '1' }, bin);
      const trace = lines.join('').split('\n').filter((l) => l.startsWith('[trace]'));
      const marks: Record<string, [number, number]> = {};
      for (const m of SINGLE_MARKS) {
        const hit = trace.map((l) => /^\[trace\]\s+([\d.]+) ms\s+\+\s*[\d.]+\s+cpu\s+(\d+) ms\s+(.*)$/.exec(l)).find((x) => x && new RegExp(`^${m}`).test(x[3]!));
        if (hit) marks[m] = [Number(hit[1]), Number(hit[2])];
      }
      return { serving: servingAt.at(-1)!, marks };
    } finally {
      traceSink = null;
      rmAll(s.tag);
      rmSync(s.dir, { recursive: true, force: true });
    }
  };
  for (const [, bin] of bins) await one(bin); // each build's first apply on this host: not counted
  for (let i = 0; i < runs; i++) for (const [name, bin] of i % 2 ? [...bins].reverse() : bins) got[name]!.push(await one(bin));
  console.log(`single service, traced, ${runs} rounds alternately (load at the end ${loadNow().text}); median wall ms / CPU ms at each mark:`);
  console.log(`    ${'mark'.padEnd(28)}${'this'.padStart(18)}${'against'.padStart(18)}`);
  const cell = (v: [number, number][]) => (v.length ? `${median(v.map((x) => x[0])).toFixed(1)} / ${median(v.map((x) => x[1]))}` : '-');
  for (const m of SINGLE_MARKS) console.log(`    ${m.padEnd(28)}${cell(got.this!.flatMap((r) => (r.marks[m] ? [r.marks[m]!] : []))).padStart(18)}${cell(got.against!.flatMap((r) => (r.marks[m] ? [r.marks[m]!] : []))).padStart(18)}`);
  console.log(`    ${'serving (wall)'.padEnd(28)}${median(got.this!.map((r) => r.serving)).toFixed(1).padStart(18)}${median(got.against!.map((r) => r.serving)).toFixed(1).padStart(18)}`);
  console.log(`    (CPU at each mark, this: ${SINGLE_MARKS.map((m) => got.this!.map((r) => r.marks[m]?.[1] ?? '-').join(',')).join(' | ')})`);
  console.log(`    (CPU at each mark, against: ${SINGLE_MARKS.map((m) => got.against!.map((r) => r.marks[m]?.[1] ?? '-').join(',')).join(' | ')})`);
}

// ── main ───────────────────────────────────────────────────────────────────────────────

async function main(): Promise<void> {
  if (spawnSync('docker-compose', ['version']).status !== 0) throw new Error('docker-compose is missing: apt-get install -y docker-compose');
  const t = { againstDocker: [] as number[], claudeCpu: [] as number[], againstDockerCpu: [] as number[], containerd: [] as number[], against: [] as number[], ctdCpu: [] as number[], ctdEngineCpu: [] as number[], ctdFirstCpu: [] as number[], ctdDaemon: [] as number[], ctdDaemonEngineCpu: [] as number[], againstCpu: [] as number[], againstEngineCpu: [] as number[], againstFirstCpu: [] as number[], claude: [] as number[], daemon: [] as number[], compose: [] as number[], run: [] as number[], one: [] as number[], oneServing: [] as number[], oneCpu: [] as number[], bare: [] as number[], bareCpu: [] as number[], oneDaemon: [] as number[], oneDaemonCpu: [] as number[], oneDaemonNode: [] as number[], oneDaemonNodeCpu: [] as number[] };
  if (singleAgainst) return singleAgainstRuns(singleAgainst);
  // Warm-up: the first apply on a host compiles and caches the plan validator and creates the state repo.
  if (!containerdOnly) await claudeSingle({ oneServing: [] });
  if (profile) {
    console.log('profile: single service (CLAUDE_TRACE=1; ms since the CLI process started, +ms since the previous mark)');
    await claudeSingle({ oneServing: [] });
    if (singleOnly) return;
    const s = await newStack('claude');
    try {
      console.log('profile: web+postgres+redis');
      await claudeApply(s, { services: stackServices(s) });
    } finally {
      rmAll(s.tag);
      rmSync(s.dir, { recursive: true, force: true });
    }
    const ctd = await benchContainerd();
    const s2 = await newStack('containerd');
    try {
      console.log('profile: web+postgres+redis on containerd');
      await ctd.withEnv(() => claudeApply(s2, { services: stackServices(s2) }));
    } finally {
      await ctd.stop();
      rmSync(s2.dir, { recursive: true, force: true });
    }
    return;
  }
  // The `(daemon)` row: the same single-service apply handed to the warm CLI worker of a
  // `claude serve` on the bench host's data dir (docs/architecture.md, "The CLI socket").
  let daemonLog = '';
  const daemon = spawn(process.execPath, [join(packageRoot(), 'bin', 'claude'), 'serve', '--port', '0'], {
    env: { ...process.env, CLAUDE_DATA_DIR: join(hostDir, 'data'), CLAUDE_STATE_DIR: join(hostDir, 'state'), ...(profileDaemon ? { CLAUDE_TRACE: '1' } : {}), ...(profileDaemon && cpuProfDir ? { CLAUDE_CLI_WORKER_CPU_PROF: cpuProfDir } : {}) },
    stdio: ['ignore', 'ignore', profileDaemon ? 'pipe' : 'ignore'],
  });
  daemon.stderr?.on('data', (d: Buffer) => (daemonLog += d.toString()));
  // Stopped and waited for (up to 10 s) before the host dir is removed: a `claude serve` still
  // writing its observe/ dir made that removal fail with ENOTEMPTY (`--profile-daemon`, session 17).
  const stopDaemon = async (): Promise<void> => {
    if (daemon.exitCode !== null || daemon.signalCode !== null) return;
    const exited = new Promise<void>((r) => daemon.once('exit', () => r()));
    daemon.kill('SIGTERM');
    await Promise.race([exited, sleep(10_000)]);
  };
  const daemonRun = async (launch: 'program' | 'node' = 'program', cpu?: number[]): Promise<number> => {
    const one: number[] = [];
    for (let tries = 0; ; tries++) {
      try {
        await claudeSingle({ oneServing: one }, { CLAUDE_DAEMON: 'require' }, launch);
        cpu?.push(cpuAtServing.at(-1)!);
        return one.at(-1)!;
      } catch (e) {
        // the worker is still loading (after the previous command or the daemon's start): again
        if (tries < 20 && /still starting|no such socket/.test((e as Error).message)) {
          await sleep(1000);
          continue;
        }
        throw e;
      }
    }
  };
  if (profileDaemon) {
    try {
      await daemonRun();
      for (let i = 0; i < 3; i++) {
        await sleep(3000); // the next worker warms up (its marks are not this apply's)
        daemonLog = '';
        const ms = await daemonRun();
        const ev = singleEvents(lastSingle.name, lastSingle.epoch);
        const lines = daemonLog.split('\n').filter((l) => l.startsWith('[trace]'));
        const handed = lines.findIndex((l) => l.includes('cli worker: connection handed'));
        const from = handed >= 0 ? handed : lines.findIndex((l) => l.endsWith('cli: command apply loaded'));
        // the first result after the hand-over (the next worker's warm-up runs an apply of its own, traced too)
        const to = lines.findIndex((l, i) => i > from && l.endsWith('cli: result printed'));
        // the worker's clock offset (Date.now() − performance.now() at the hand-over): its marks in ms since the client started
        const offset = Number(/clock offset ([\d.]+) ms/.exec(lines[handed] ?? '')?.[1] ?? NaN);
        const since = (l: string) => (Number.isNaN(offset) ? '' : `${(offset + Number(/^\[trace\]\s+([\d.]+) ms/.exec(l)?.[1]) - lastSingle.epoch).toFixed(1).padStart(7)} ms since the client's start  `);
        console.log(`profile: single service through the daemon, run ${i + 1}: serving after ${(ms / 1000).toFixed(3)} s (client's clock); dockerd's create at ${ev.create?.toFixed(1)} ms, start at ${ev.start?.toFixed(1)} ms; the worker's marks:`);
        for (const l of lines.slice(Math.max(0, from), to + 1)) console.log(`    ${since(l)}${l}`);
        if (singleOnly) {
          // the bare run beside it: where its create and start fall on its own clock
          const bare = await bareSingle();
          const b = singleEvents(lastSingle.name, lastSingle.epoch);
          console.log(`profile: bare docker run beside it: serving after ${(bare / 1000).toFixed(3)} s; dockerd's create at ${b.create?.toFixed(1)} ms, start at ${b.start?.toFixed(1)} ms`);
        }
      }
      if (!singleOnly) await profileStacks((l) => (daemonLog = l), () => daemonLog);
    } finally {
      await stopDaemon();
    }
    return;
  }
  if (!containerdOnly && !dockerOnly) await daemonRun(); // the daemon is up and its worker loaded
  const claudeExit: number[] = [];
  const claudeTimelines: { ms: number; marks: Record<string, number> }[] = [];
  const daemonTimelines: { ms: number; marks: Record<string, number> }[] = [];
  /** The last claudeApply's timeline: dockerd's events, claude's "✓ Started" lines, all answering (ms since the CLI's start). */
  const timelineOf = (s: Stack) => {
    const ready = Object.fromEntries(Object.entries(lastRun.ready).map(([n, ms]) => [`${n.slice(s.tag.length + 1)} ready (claude)`, ms]));
    return { ms: servingAt.at(-1)!, marks: { ...engineMarks(s, lastRun.epoch), ...ready, 'all answering': servingAt.at(-1)! } };
  };
  const ctdTimelines: { ms: number; lines: string[] }[] = [];
  const ctd = singleOnly || dockerOnly ? null : await benchContainerd();
  const againstTimelines: { ms: number; marks: Record<string, number> }[] = [];
  /** The stack on containerd from `bin`, traced; its CPU (the CLI's until serving, containerd's and its shims' during the apply) into `cpu`, `engineCpu`. */
  const onContainerd = async (s: Stack, bin: string, cpu: number[], engineCpu: number[], firstCpu: number[]): Promise<number> => {
    // traced (CLAUDE_TRACE=1: a mark is one write to stderr): its engine calls' timeline
    const lines: string[] = [];
    traceSink = lines;
    const engine0 = ctd!.cpuMs();
    try {
      await ctd!.withEnv(() => claudeApply(s, { services: stackServices(s) }, () => stackAnswers(s), { CLAUDE_TRACE: '1' }, bin));
    } finally {
      traceSink = null;
    }
    engineCpu.push(ctd!.cpuMs() - engine0);
    cpu.push(cpuAtServing.at(-1)!);
    // the CLI's CPU at its first step (its start-up, verify, observe: the part before the engine works)
    const first = /^\[trace\]\s+[\d.]+ ms\s+\+\s*[\d.]+\s+cpu\s+(\d+) ms\s+step begin/m.exec(lines.join(''));
    firstCpu.push(first ? Number(first[1]) : NaN);
    if (bin === join(packageRoot(), 'bin', 'claude')) ctdTimelines.push({ ms: servingAt.at(-1)!, lines: timeline(lines.join('')) });
    return servingAt.at(-1)!;
  };
  const ctdDaemonTimelines: { ms: number; lines: string[] }[] = [];
  /** The stack on containerd handed to the warm worker of `claude serve` on containerd (the device's path). */
  const onContainerdDaemon = async (s: Stack): Promise<number> => {
    const d = await ctd!.daemon();
    const engine0 = ctd!.cpuMs();
    d.log.length = 0;
    for (let tries = 0; ; tries++) {
      try {
        await claudeApply(s, { services: stackServices(s) }, () => stackAnswers(s), { ...d.env, CLAUDE_DAEMON: 'require' });
        break;
      } catch (e) {
        // the worker is still loading (after the previous command or the daemon's start): again, from a clean slate
        if (tries < 20 && /still starting|no such socket/.test((e as Error).message)) {
          await ctd!.clean();
          await sleep(1000);
          continue;
        }
        throw e;
      }
    }
    const ms = servingAt.at(-1)!;
    t.ctdDaemonEngineCpu.push(ctd!.cpuMs() - engine0);
    ctdDaemonTimelines.push({ ms, lines: workerTimeline(d.log.join('')) });
    // The next worker loads after a command (agent/cli-socket.ts): not beside the peers' runs.
    await sleep(3000);
    return ms;
  };
  const variants: ['claude' | 'againstDocker' | 'daemon' | 'compose' | 'run' | 'containerd' | 'ctdDaemon' | 'against', (s: Stack) => Promise<number>][] = [
    [
      'claude',
      async (s) => {
        claudeExit.push(await claudeApply(s, { services: stackServices(s) }, () => stackAnswers(s)));
        claudeTimelines.push(timelineOf(s));
        t.claudeCpu.push(cpuAtServing.at(-1)!);
        return servingAt.at(-1)!;
      },
    ],
    [
      // The same apply handed to the warm CLI worker of the bench's `claude serve` (as on a host
      // where the daemon runs): no Node start or module loading on the path.
      'daemon',
      async (s) => {
        for (let tries = 0; ; tries++) {
          try {
            await claudeApply(s, { services: stackServices(s) }, () => stackAnswers(s), { CLAUDE_DAEMON: 'require' });
            break;
          } catch (e) {
            // the worker is still loading (after the previous command): again, from a clean slate
            if (tries < 20 && /still starting/.test((e as Error).message)) {
              rmAll(s.tag);
              await sleep(1000);
              continue;
            }
            throw e;
          }
        }
        const ms = servingAt.at(-1)!;
        daemonTimelines.push(timelineOf(s));
        // The next worker loads after a command (agent/cli-socket.ts): not beside the peers' runs.
        await sleep(3000);
        return ms;
      },
    ],
    ['compose', composeUp],
    ['run', dockerRun],
    ['containerd', (s) => onContainerd(s, join(packageRoot(), 'bin', 'claude'), t.ctdCpu, t.ctdEngineCpu, t.ctdFirstCpu)],
    ...(noCtdDaemon ? [] : [['ctdDaemon', onContainerdDaemon] satisfies ['ctdDaemon', (s: Stack) => Promise<number>]]),
    ...(againstDir ? [['against', (s: Stack) => onContainerd(s, join(againstDir, 'bin', 'claude'), t.againstCpu, t.againstEngineCpu, t.againstFirstCpu)] satisfies ['against', (s: Stack) => Promise<number>]] : []),
    ...(againstDir
      ? [
          [
            'againstDocker',
            async (s: Stack) => {
              await claudeApply(s, { services: stackServices(s) }, () => stackAnswers(s), {}, join(againstDir, 'bin', 'claude'));
              againstTimelines.push(timelineOf(s));
              t.againstDockerCpu.push(cpuAtServing.at(-1)!);
              return servingAt.at(-1)!;
            },
          ] satisfies ['againstDocker', (s: Stack) => Promise<number>],
        ]
      : []),
  ];
  try {
  const chosen = containerdOnly
    ? variants.filter(([n]) => ['compose', 'containerd', 'ctdDaemon', 'against'].includes(n))
    : dockerOnly
      ? variants.filter(([n]) => ['compose', 'claude', 'againstDocker'].includes(n))
      : variants.filter(([n]) => n !== 'againstDocker');
  for (let i = 0; i < runs; i++) {
    for (const [name, fn] of singleOnly ? [] : i % 2 ? [...chosen].reverse() : chosen) {
      const s = await newStack(name);
      try {
        t[name].push(await fn(s));
      } finally {
        if (name === 'compose') spawnSync('docker-compose', ['-f', join(s.dir, 'docker-compose.yml'), '-p', s.tag, 'down', '-t', '1'], { stdio: 'ignore' });
        if (name === 'containerd' || name === 'ctdDaemon' || name === 'against') await ctd!.clean();
        rmAll(s.tag);
        rmSync(s.dir, { recursive: true, force: true });
      }
    }
    if (containerdOnly || dockerOnly) continue;
    t.one.push(await claudeSingle(t));
    t.bare.push(await bareSingle(t.bareCpu));
    t.oneDaemon.push(await daemonRun('program', t.oneDaemonCpu));
    // The next worker loads after that command (agent/cli-socket.ts): not beside the next run.
    await sleep(3000);
    // The same through the client before session 24 (`node bin/claude`: Node's start, then bin/client.cjs).
    t.oneDaemonNode.push(await daemonRun('node', t.oneDaemonNodeCpu));
    await sleep(3000);
  }
  } finally {
    await ctd?.stop();
    await stopDaemon();
  }
  const f = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const m = Object.fromEntries(Object.entries(t).map(([k, v]) => [k, median(v)])) as Record<keyof typeof t, number>;
  if (!singleOnly && !containerdOnly) ratioLine('web+postgres+redis until all healthy, claude / docker-compose', m.claude / m.compose, 0.5, `${f(m.claude)} vs ${f(m.compose)}`);
  if (!singleOnly && !containerdOnly && !dockerOnly) ratioLine('web+postgres+redis until all healthy, claude through the daemon / docker-compose', m.daemon / m.compose, 0.5, `${f(m.daemon)} vs ${f(m.compose)}`);
  if (dockerOnly && againstDir) {
    ratioLine(`web+postgres+redis until all healthy, ${againstDir}'s claude / docker-compose`, m.againstDocker / m.compose, 0.5, `${f(m.againstDocker)} vs ${f(m.compose)}`);
    console.log(`AGAINST web+postgres+redis on Docker, this checkout / ${againstDir}: ${(m.claude / m.againstDocker).toFixed(3)}×  [${f(m.claude)} vs ${f(m.againstDocker)}; CPU of the CLI at serving ${Math.round(m.claudeCpu)} vs ${Math.round(m.againstDockerCpu)} ms]`);
  }
  // The target is met on containerd (CLAUDE_ENGINE=containerd), the device's backend; on Docker
  // the engine's own chain is above it (docs/runtime.md "Why the stack stays above 0.5× compose on Docker").
  if (!singleOnly && !dockerOnly) ratioLine('web+postgres+redis until all healthy, claude on containerd / docker-compose', m.containerd / m.compose, 0.5, `${f(m.containerd)} vs ${f(m.compose)}`);
  if (!singleOnly && !dockerOnly && !noCtdDaemon) ratioLine('web+postgres+redis until all healthy, claude on containerd through the daemon / docker-compose', m.ctdDaemon / m.compose, 0.5, `${f(m.ctdDaemon)} vs ${f(m.compose)}`);
  if (!singleOnly && !dockerOnly && againstDir) console.log(`AGAINST web+postgres+redis on containerd, this checkout / ${againstDir}: ${(m.containerd / m.against).toFixed(3)}×  [${f(m.containerd)} vs ${f(m.against)}; CPU of the CLI until its first step ${Math.round(m.ctdFirstCpu)} vs ${Math.round(m.againstFirstCpu)} ms, until serving ${Math.round(m.ctdCpu)} vs ${Math.round(m.againstCpu)} ms, of containerd and its shims during the apply ${Math.round(m.ctdEngineCpu)} vs ${Math.round(m.againstEngineCpu)} ms]`);
  if (!containerdOnly && !dockerOnly) ratioLine('one service, CLI start → serving, claude / bare docker run', m.oneServing / m.bare, 1.2, `${f(m.oneServing)} vs ${f(m.bare)}`);
  if (!containerdOnly && !dockerOnly) ratioLine('one service, CLI start → serving, claude through the daemon / bare docker run', m.oneDaemon / m.bare, 1.2, `${f(m.oneDaemon)} vs ${f(m.bare)}`);
  if (!containerdOnly && !dockerOnly) console.log(`(the daemon row with the Node client, node bin/claude: ${(m.oneDaemonNode / m.bare).toFixed(3)}×  [${f(m.oneDaemonNode)}])`);
  console.log(`apply benchmark, median of ${runs} runs (each from a clean slate); load average at the end ${loadNow().text}`);
  if (!singleOnly) {
  console.log(`web+postgres+redis until all healthy:`);
  if (!containerdOnly) console.log(`  claude apply      ${f(m.claude)}   (${t.claude.map(f).join(', ')})   [process exit after state commit + audit: ${f(median(claudeExit))}]`);
  if (!containerdOnly && !dockerOnly) console.log(`  claude through the daemon (claude serve's warm CLI worker)   ${f(m.daemon)}   (${t.daemon.map(f).join(', ')})`);
  if (dockerOnly && againstDir) console.log(`  the same from ${againstDir} ${f(m.againstDocker)}   (${t.againstDocker.map(f).join(', ')})   CPU of the CLI at serving ${Math.round(m.againstDockerCpu)} ms (${t.againstDockerCpu.map(Math.round).join(', ')}); this checkout's ${Math.round(m.claudeCpu)} ms (${t.claudeCpu.map(Math.round).join(', ')})`);
  console.log(`  docker-compose    ${f(m.compose)}   (${t.compose.map(f).join(', ')})`);
  if (!containerdOnly && !dockerOnly) console.log(`  docker run (x3)   ${f(m.run)}   (${t.run.map(f).join(', ')})`);
  if (!dockerOnly) console.log(`  claude on containerd ${f(m.containerd)}   (${t.containerd.map(f).join(', ')})   CPU of the CLI until its first step ${Math.round(m.ctdFirstCpu)} ms (${t.ctdFirstCpu.join(', ')}), until serving ${Math.round(m.ctdCpu)} ms (${t.ctdCpu.map(Math.round).join(', ')}); of containerd and its shims (runc and the task execs they waited for) during the apply ${Math.round(m.ctdEngineCpu)} ms (${t.ctdEngineCpu.map(Math.round).join(', ')})`);
  if (!dockerOnly && !noCtdDaemon) console.log(`  claude on containerd through the daemon (claude serve's warm CLI worker) ${f(m.ctdDaemon)}   (${t.ctdDaemon.map(f).join(', ')})   CPU of containerd and its shims during the apply ${Math.round(m.ctdDaemonEngineCpu)} ms (${t.ctdDaemonEngineCpu.join(', ')})`);
  if (againstDir && !dockerOnly) console.log(`  the same from ${againstDir} ${f(m.against)}   (${t.against.map(f).join(', ')})   CPU of the CLI until its first step ${Math.round(m.againstFirstCpu)} ms (${t.againstFirstCpu.join(', ')}), until serving ${Math.round(m.againstCpu)} ms (${t.againstCpu.map(Math.round).join(', ')}); of containerd and its shims ${Math.round(m.againstEngineCpu)} ms (${t.againstEngineCpu.map(Math.round).join(', ')})`);
  if (!dockerOnly) console.log(containerdOnly ? `  ratio containerd/compose ${(m.containerd / m.compose).toFixed(2)} (target ≤ 0.5)` : `  ratio claude/compose ${(m.claude / m.compose).toFixed(2)} (target ≤ 0.5); claude/docker-run ${(m.claude / m.run).toFixed(2)}; containerd/compose ${(m.containerd / m.compose).toFixed(2)} (target ≤ 0.5)`);
  const cl = medianRun(claudeTimelines, m.claude);
  const co = medianRun(composeTimelines, m.compose);
  // with --docker-only --against: the other build's median run in the daemon's column
  const dm = dockerOnly ? medianRun(againstTimelines, m.againstDocker) : medianRun(daemonTimelines, m.daemon);
  const dmName = dockerOnly ? 'against' : 'daemon';
  if (cl && co) {
    console.log(`  timeline of the median claude run (${f(cl.ms)}), the median ${dockerOnly ? `run of ${againstDir ?? '-'}` : 'run through the daemon'} (${dm ? f(dm.ms) : '-'}) and the median docker-compose run (${f(co.ms)}): ms since each tool's start (the daemon's: since the client's); dockerd's events (create, start, its own health check's first "healthy"), claude's "✓ Started … (healthy)" lines, all three answering:`);
    console.log(`    ${'what'.padEnd(24)} ${'claude'.padStart(9)} ${dmName.padStart(9)} ${'compose'.padStart(9)}`);
    const cell = (v: number | undefined) => (v === undefined ? '-' : v.toFixed(0)).padStart(9);
    for (const row of TIMELINE_ROWS) if (cl.marks[row] !== undefined || co.marks[row] !== undefined) console.log(`    ${row.padEnd(24)} ${cell(cl.marks[row])} ${cell(dm?.marks[row])} ${cell(co.marks[row])}`);
  }
  const mid = medianRun(ctdTimelines, m.containerd);
  if (mid) {
    console.log(`  timeline of the median containerd run (${f(mid.ms)}; ms since the CLI started, +ms since the previous mark, the CLI's CPU ms; ctd: the driver's engine calls):`);
    for (const l of mid.lines) console.log(`    ${l}`);
  }
  const dmid = medianRun(ctdDaemonTimelines, m.ctdDaemon);
  if (dmid) {
    console.log(`  timeline of the median containerd run through the daemon (${f(dmid.ms)} on the client's clock; ms and the worker's CPU ms since its "cli: command apply loaded", +ms since the previous mark):`);
    for (const l of dmid.lines) console.log(`    ${l}`);
  }
  }
  if (containerdOnly || dockerOnly) return;
  console.log(`single service, CLI start → serving (health verified):`);
  console.log(`  claude apply      ${f(m.oneServing)}   (${t.oneServing.map(f).join(', ')})   target ≤ 1.2× bare docker run`);
  console.log(`    (process exit, after the state commit and audit: ${f(m.one)})`);
  console.log(`    CPU (user+sys) of the claude process until serving: ${Math.round(m.oneCpu)} ms (${t.oneCpu.map(Math.round).join(', ')}); of the docker CLI in the bare run: ${Math.round(m.bareCpu)} ms (${t.bareCpu.map(Math.round).join(', ')}; dockerd's own work is in neither)`);
  console.log(`  claude apply through the daemon (claude serve's warm CLI worker)   ${f(m.oneDaemon)}   (${t.oneDaemon.map(f).join(', ')})`);
  console.log(`    CPU of the client (bin/claude's sh, then bin/client.pl) until serving: ${Math.round(m.oneDaemonCpu)} ms (${t.oneDaemonCpu.map(Math.round).join(', ')})`);
  console.log(`  the same with the Node client (\`node bin/claude\`: bin/client.cjs, the client until session 24)   ${f(m.oneDaemonNode)}   (${t.oneDaemonNode.map(f).join(', ')}); its CPU until serving ${Math.round(m.oneDaemonNodeCpu)} ms (${t.oneDaemonNodeCpu.map(Math.round).join(', ')})`);
  console.log(`  bare docker run   ${f(m.bare)}   (${t.bare.map(f).join(', ')}; until nginx answers HTTP 200 on the published port)`);
}

/**
 * A private containerd for the containerd variant, with the three images imported once
 * (from `docker save`), `withEnv` running the CLI against it and `clean` removing what an
 * apply made there.
 */
async function benchContainerd(): Promise<{ withEnv<T>(fn: () => Promise<T>): Promise<T>; clean(): Promise<void>; stop(): Promise<void>; cpuMs(): number; daemon(): Promise<{ env: Record<string, string>; log: string[] }> }> {
  const tag = randomBytes(3).toString('hex');
  const ctd: TestContainerd = await startContainerd(`bench-${tag}`);
  const namespace = `claude-bench-${tag}`;
  const dataDir = join(hostDir, 'data');
  host ??= setupTestHost(dataDir);
  const engine = new ContainerdEngine({ address: ctd.address, namespace, root: hostDir, dataDir, hostId: host.hostId });
  ctd.track({ engine });
  for (const i of ['web', 'redis', 'postgres']) {
    const tar = join(ctd.dir, `${i}.tar`);
    execFileSync('docker', ['save', '-o', tar, `claude-os-local/${i}:latest`]);
    await engine.importImage(tar);
    rmSync(tar);
  }
  const env = { CLAUDE_ENGINE: 'containerd', CLAUDE_CONTAINERD_ADDRESS: ctd.address, CLAUDE_CONTAINERD_NAMESPACE: namespace };
  // The daemon's host (started at its first row): its own data dir (key, cli.sock, driver state)
  // and namespace on the same containerd; its engine here only cleans what its applies made.
  let serve: { env: Record<string, string>; log: string[]; engine: ContainerdEngine; proc: ReturnType<typeof spawn>; dir: string } | undefined;
  const clean = async () => {
    for (const e of serve ? [engine, serve.engine] : [engine]) {
      const o = await e.observeState();
      for (const c of o.containers) await e.removeContainer(c.id);
      for (const n of o.networks) await e.removeNetwork(n.name, true);
    }
  };
  const daemon = async () => {
    if (serve) return serve;
    const dir = mkdtempSync(join(tmpdir(), 'bench-claude-ctd-daemon-'));
    const dData = join(dir, 'data');
    const dHost = setupTestHost(dData);
    const dNamespace = `${namespace}-d`;
    const dEngine = new ContainerdEngine({ address: ctd.address, namespace: dNamespace, root: dir, dataDir: dData, hostId: dHost.hostId });
    ctd.track({ engine: dEngine, dir });
    // the images, as the CLI's namespace has them (imported before the first row, not during it)
    for (const i of ['web', 'redis', 'postgres']) await dEngine.ensureImage(`claude-os-local/${i}:latest`, `claude-os-local/${i}:latest`, false).catch(async () => {
      const tar = join(ctd.dir, `${i}.tar`);
      execFileSync('docker', ['save', '-o', tar, `claude-os-local/${i}:latest`]);
      await dEngine.importImage(tar);
      rmSync(tar);
    });
    const denv = { CLAUDE_ENGINE: 'containerd', CLAUDE_CONTAINERD_ADDRESS: ctd.address, CLAUDE_CONTAINERD_NAMESPACE: dNamespace, CLAUDE_DATA_DIR: dData, CLAUDE_STATE_DIR: join(dir, 'state') };
    const log: string[] = [];
    // traced, as the cold containerd row: its marks go to the daemon's stderr
    const proc = spawn(process.execPath, [join(packageRoot(), 'bin', 'claude'), 'serve', '--port', '0'], { env: { ...process.env, ...denv, CLAUDE_TRACE: '1' }, stdio: ['ignore', 'ignore', 'pipe'] });
    proc.stderr?.on('data', (b: Buffer) => log.push(b.toString()));
    serve = { env: denv, log, engine: dEngine, proc, dir };
    // its socket answers and its worker is warm before the first timed row
    for (let i = 0; i < 60 && !existsSync(join(dData, 'cli.sock')); i++) await sleep(500);
    await sleep(3000);
    return serve;
  };
  return {
    clean,
    daemon,
    // containerd and its shims (each started with its socket's address), with the children they
    // waited for (runc, the task execs' processes): utime + stime + cutime + cstime
    cpuMs: () => {
      let ms = 0;
      for (const p of readdirSync('/proc')) {
        if (!/^\d+$/.test(p)) continue;
        try {
          if (!readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(ctd.dir)) continue;
          const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
          const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
          if (!/^containerd/.test(stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')))) continue;
          ms += ((Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) * 1000) / 100;
        } catch {
          /* gone */
        }
      }
      return ms;
    },
    async withEnv(fn) {
      Object.assign(process.env, env);
      try {
        return await fn();
      } finally {
        for (const k of Object.keys(env)) delete process.env[k];
      }
    },
    async stop() {
      await clean().catch(() => undefined);
      engine.close();
      if (serve) {
        const exited = new Promise<void>((r) => serve!.proc.once('exit', () => r()));
        serve.proc.kill('SIGTERM');
        await Promise.race([exited, sleep(10_000)]);
        serve.engine.close();
      }
      await ctd.stop();
      if (serve) rmSync(serve.dir, { recursive: true, force: true });
    },
  };
}

/**
 * `--profile-daemon` without `--single-only`: `--runs` rounds of the stack applied by the cold
 * CLI and then handed to the daemon's warm worker, both traced, and their marks side by side
 * (ms since each one's "cli: command apply loaded", its CPU ms; the timeline's marks only):
 * what the daemon's path does differently after the command is loaded. The client's own part
 * (its Node start, the socket) is the serving time less the worker's last "✓ Started" mark.
 */
async function profileStacks(setLog: (l: string) => void, log: () => string): Promise<void> {
  type Marks = Map<string, { ms: number; cpu: number }>;
  const marksOf = (text: string): Marks => {
    const lines = text.split('\n').filter((l) => l.startsWith('[trace]'));
    const from = lines.findIndex((l) => l.endsWith('cli: command apply loaded'));
    const out: Marks = new Map();
    let zero: { ms: number; cpu: number } | undefined;
    for (const l of lines.slice(Math.max(0, from))) {
      const m = /^\[trace\]\s+([\d.]+) ms\s+\+\s*[\d.]+\s+cpu\s+(\d+) ms\s+(.*)$/.exec(l);
      if (!m) continue;
      const at = { ms: Number(m[1]), cpu: Number(m[2]) };
      zero ??= at;
      const label = m[3]!.replace(/bench-\w+-[0-9a-f]{6}-/g, '');
      if (!out.has(label) && (label === 'cli: command apply loaded' || timeline(`[trace] ${label}`).length)) out.set(label, { ms: at.ms - zero.ms, cpu: at.cpu - zero.cpu });
      if (label === 'apply: audited') break;
    }
    return out;
  };
  for (let i = 0; i < runs; i++) {
    const cold: string[] = [];
    const s1 = await newStack('claude');
    try {
      traceSink = cold;
      await claudeApply(s1, { services: stackServices(s1) }, () => stackAnswers(s1), { CLAUDE_TRACE: '1' });
    } finally {
      traceSink = null;
      rmAll(s1.tag);
      rmSync(s1.dir, { recursive: true, force: true });
    }
    const coldMs = servingAt.at(-1)!;
    await sleep(3000);
    const s2 = await newStack('daemon');
    try {
      setLog('');
      await claudeApply(s2, { services: stackServices(s2) }, () => stackAnswers(s2), { CLAUDE_DAEMON: 'require' });
    } finally {
      rmAll(s2.tag);
      rmSync(s2.dir, { recursive: true, force: true });
    }
    const daemonMs = servingAt.at(-1)!;
    const a = marksOf(cold.join(''));
    const b = marksOf(log());
    console.log(`profile: the stack, cold (serving ${(coldMs / 1000).toFixed(2)} s) beside the daemon's worker (serving ${(daemonMs / 1000).toFixed(2)} s, client's clock), round ${i + 1}; ms / CPU ms since "cli: command apply loaded":`);
    console.log(`    ${'mark'.padEnd(58)} ${'cold'.padStart(15)} ${'daemon'.padStart(15)}`);
    const cell = (v?: { ms: number; cpu: number }) => (v ? `${v.ms.toFixed(0)} / ${v.cpu}` : '-').padStart(15);
    for (const label of new Set([...a.keys(), ...b.keys()])) console.log(`    ${label.slice(0, 58).padEnd(58)} ${cell(a.get(label))} ${cell(b.get(label))}`);
    await sleep(3000);
  }
}

/** Removes the bench host's data dir (the load bench imports this module). */
export function removeBenchHost(): void {
  rmSync(hostDir, { recursive: true, force: true });
}

/** `--help`: the options (before session 23 it ran the whole bench, several minutes of a shared machine). */
const USAGE = `node dist/bench/apply.bench.js [--runs N] [options]   (the header of bench/apply.bench.ts says more)
  (none)                    the stack beside docker-compose, docker run and containerd; the single service beside bare docker run; through the daemon
  --single-only             only the single-service rows (claude, through the daemon, bare docker run)
  --containerd-only         only the stack on containerd (cold, and through a claude serve on containerd) beside docker-compose [--against DIR: also DIR's bin/claude]
  --no-ctd-daemon           without the row through the daemon on containerd
  --docker-only             only the stack on Docker (the cold CLI) beside docker-compose [--against DIR: also DIR's bin/claude]
  --single-against DIR      the single service from this build and DIR's, traced, alternately: medians at each mark
  --profile [--single-only] traced applies (CLAUDE_TRACE=1) [--cpu-prof DIR: each under node --cpu-prof]
  --profile-daemon          traced applies in the daemon's warm worker [--single-only] [--cpu-prof DIR]
`;

if (process.argv[1]?.endsWith('apply.bench.js') && (process.argv.includes('--help') || process.argv.includes('-h'))) {
  process.stdout.write(USAGE);
  removeBenchHost();
} else if (process.argv[1]?.endsWith('apply.bench.js')) {
  try {
    await main();
  } finally {
    removeBenchHost();
  }
}
