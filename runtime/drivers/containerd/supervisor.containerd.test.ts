/**
 * The restart supervisor on a real (private) containerd: a crashed task comes back as its
 * restart policy says, with back-off and a restart count; a clean exit under on-failure, a
 * `restart: no` service and a container a plan stopped stay down; after a "reboot" (the
 * task deleted, as a reboot loses every task) the wanted containers start again without a
 * restart being counted. Driven through `claude supervise --once` too, as the image runs it,
 * and read back through `claude services`, `logs` and `status` (the containerd view). Each
 * pass also rotates the logs by size: a chatty container's log is rotated while it writes,
 * two rotated files are kept, and `claude logs` reads across them; each line has the time it
 * was written and its stream (`claude logs --timestamps`), and `claude logs -f` follows a log.
 * One shared log writer serves every task (./log-writer.ts): two tasks' logs stay apart, a
 * writer killed mid-stream is replaced by the next pass without losing a line, and a stop
 * while no writer runs starts one first, so the task's last lines are read.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { ContainerSpec } from '../../../plan/types.js';
import { containerSpec, setupTestHost, type TestHost } from '../../testutil/plans.js';
import { startContainerd, type TestContainerd } from '../../testutil/containerd.js';
import { ContainerdEngine, DEFAULT_NETWORK } from './engine.js';
import { logFiles, readLogLines } from './logs.js';
import { logWriterPid, stopLogWriter } from './log-writer.js';
import { readRuntimeEvents, RUNTIME_EVENTS_FILE } from '../../observe/events.js';
import { BACKOFF_FIRST_MS, newSupervisorState, restartDecision, supervisePass } from './supervisor.js';

const suffix = randomBytes(4).toString('hex');
const n = (x: string) => `${x}-${suffix}`;
const IMAGE = 'claude-os-local/busybox:latest';
const CLAUDE = resolve(__dirname, '../../../bin/claude');

let ctd: TestContainerd;
let dataDir: string;
let root: string;
let host: TestHost;
let engine: ContainerdEngine;
const namespace = `claude-sup-${suffix}`;

const ROTATION = { maxBytes: 16 * 1024, keep: 2 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, f: () => Promise<T | null | undefined | false>, ms = 60_000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

async function view(name: string) {
  return (await engine.supervision()).find((c) => c.name === name) ?? null;
}

async function run(spec: ContainerSpec): Promise<string> {
  const id = await engine.createContainer(spec, {});
  await engine.startContainer(id);
  return id;
}

/** What a reboot leaves: the container, its record and its snapshot, but no task. */
async function loseTask(id: string): Promise<void> {
  await engine.api.tasks.Kill({ containerId: id, execId: '', signal: 9, all: true }).catch(() => undefined);
  await until('the task to exit', async () => (await view((await engine.inspectContainer(id))!.name))?.task !== 'running');
  await engine.api.tasks.Delete({ containerId: id });
}

beforeAll(async () => {
  ctd = await startContainerd(`sup-${suffix}`);
  dataDir = mkdtempSync(join(tmpdir(), 'claude-sup-data-'));
  root = mkdtempSync(join(tmpdir(), 'claude-sup-root-'));
  mkdirSync(join(dataDir, 'images'));
  execFileSync('docker', ['save', '-o', join(dataDir, 'images', 'busybox.tar'), IMAGE]);
  host = setupTestHost(dataDir);
  // A small log limit, so the rotation test below rotates within seconds.
  engine = new ContainerdEngine({ address: ctd.address, namespace, root, dataDir, hostId: host.hostId, logRotation: ROTATION });
  ctd.track({ engine, dir: dataDir });
  ctd.track({ dir: root });
  await engine.ensureImage(IMAGE, IMAGE, false);
}, 180_000);

afterAll(async () => {
  if (engine) {
    for (const c of await engine.supervision().catch(() => [])) await engine.removeContainer(c.id).catch(() => undefined);
    // the default network (containers that name none join it, as on Docker): its bridge is on the host
    await engine.removeNetwork(DEFAULT_NETWORK, true).catch(() => undefined);
    engine.close();
    await stopLogWriter(engine.stateDir);
  }
  await ctd?.stop();
  for (const d of [dataDir, root]) if (d) rmSync(d, { recursive: true, force: true });
}, 120_000);

describe('restartDecision', () => {
  it('follows the policy: always/unless-stopped/on-failure restart a wanted exited task, no never; a reboot is not a crash', () => {
    const exited = (restart: ContainerSpec['restart'], exitCode: number) => restartDecision({ restart, task: 'stopped', exitCode, wanted: true });
    expect(exited('always', 0)).toEqual({ start: true, crash: true });
    expect(exited('unless-stopped', 1)).toEqual({ start: true, crash: true });
    expect(exited('on-failure', 1)).toEqual({ start: true, crash: true });
    expect(exited('on-failure', 0)).toEqual({ start: false, crash: true });
    expect(exited('no', 1).start).toBe(false);
    expect(restartDecision({ restart: 'always', task: 'stopped', exitCode: 1, wanted: false }).start).toBe(false);
    expect(restartDecision({ restart: 'on-failure', task: 'none', exitCode: null, wanted: true })).toEqual({ start: true, crash: false });
    expect(restartDecision({ restart: 'always', task: 'running', exitCode: null, wanted: true }).start).toBe(false);
  });
});

describe.sequential('the supervisor on containerd', () => {
  it('restarts a crashed `always` container with back-off and counts the restart; leaves `no`, clean on-failure exits and stopped containers down', async () => {
    const crash = await run(containerSpec({ name: n('crash'), image: IMAGE, restart: 'always', command: ['sh', '-c', 'echo started; sleep 3; exit 3'] })); // alive 3 s: the `running` check after a restart must not race the next crash (CI at load 25 did)
    const clean = await run(containerSpec({ name: n('clean'), image: IMAGE, restart: 'on-failure', command: ['sh', '-c', 'exit 0'] }));
    const never = await run(containerSpec({ name: n('never'), image: IMAGE, restart: 'no', command: ['sh', '-c', 'exit 5'] }));
    const stopped = await run(containerSpec({ name: n('stopped'), image: IMAGE, restart: 'always', command: ['sleep', '600'] }));
    await engine.stopContainer(stopped, 1);
    await until('the crashing task to exit', async () => (await view(n('crash')))?.task === 'stopped');
    await until('the other tasks to exit', async () => (await view(n('clean')))?.task === 'stopped' && (await view(n('never')))?.task === 'stopped');

    try {
      const state = newSupervisorState();
      let now = Date.now();
      const r1 = await supervisePass(engine, state, () => now);
      expect(r1.actions.map((a) => [a.name, a.action])).toEqual([[n('crash'), 'restarted']]);
      expect(r1.actions[0]!.reason).toContain('exited with code 3');
      expect((await view(n('crash')))!.restarts.count).toBe(1);
      expect((await engine.inspectContainer(crash))!.running).toBe(true);
      for (const id of [clean, never, stopped]) expect((await engine.inspectContainer(id))!.running).toBe(false);
      expect(state.backoff.get(crash)!.delayMs).toBe(BACKOFF_FIRST_MS);

      // It crashes again: within the back-off it waits, after it restarts with the delay doubled.
      await until('the second crash', async () => (await view(n('crash')))?.task === 'stopped');
      const r2 = await supervisePass(engine, state, () => now);
      expect(r2.actions.map((a) => [a.name, a.action])).toEqual([[n('crash'), 'waiting']]);
      now += BACKOFF_FIRST_MS;
      const r3 = await supervisePass(engine, state, () => now);
      expect(r3.actions.map((a) => [a.name, a.action])).toEqual([[n('crash'), 'restarted']]);
      expect(state.backoff.get(crash)!.delayMs).toBe(2 * BACKOFF_FIRST_MS);
      expect((await view(n('crash')))!.restarts.count).toBe(2);
    } finally {
      // removed even when an assertion fails, so the next test's supervisor pass does not meet them
      for (const id of [clean, never, stopped, crash]) await engine.removeContainer(id).catch(() => undefined);
    }
  }, 180_000);

  it('starts the wanted containers again after a reboot (tasks gone), without counting a restart; `claude supervise --once` does it as the image boots', async () => {
    const t0 = Date.now();
    const web = await run(containerSpec({ name: n('svc'), service: 'svc', image: IMAGE, restart: 'unless-stopped', command: ['sh', '-c', `echo hello-from-${suffix}; echo trouble-from-${suffix} >&2; exec sleep 600`] }));
    const oneshot = await run(containerSpec({ name: n('oneshot'), image: IMAGE, restart: 'no', command: ['sleep', '600'] }));
    await loseTask(web);
    await loseTask(oneshot);
    expect((await view(n('svc')))!.task).toBe('none');

    const env = { ...process.env, CLAUDE_ENGINE: 'containerd', CLAUDE_CONTAINERD_ADDRESS: ctd.address, CLAUDE_CONTAINERD_NAMESPACE: namespace, CLAUDE_DATA_DIR: dataDir, CLAUDE_ROOT: root, CLAUDE_STATE_DIR: join(root, 'state') };
    const r = spawnSync(CLAUDE, ['supervise', '--once'], { env, encoding: 'utf8', timeout: 120_000 });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`started ${n('svc')}: no task \\(the machine restarted`));
    expect(r.stdout).not.toContain(n('oneshot'));
    expect(r.stdout).toContain('running: 1 of 2 managed containers');
    expect((await engine.inspectContainer(web))!.running).toBe(true);
    expect((await view(n('svc')))!.restarts.count).toBe(0);
    expect((await engine.inspectContainer(oneshot))!.running).toBe(false);

    // The observation commands read containerd too (drivers/containerd/docker-view.ts).
    const services = spawnSync(CLAUDE, ['services', '--json'], { env, encoding: 'utf8', timeout: 120_000 });
    expect(services.status).toBe(0);
    const rows = JSON.parse(services.stdout) as { service?: string; name?: string; state?: string; status?: string }[] | { services: unknown[] };
    const text = JSON.stringify(rows);
    expect(text).toContain('"svc"');
    expect(text).toMatch(/"running"/);
    const logs = spawnSync(CLAUDE, ['logs', 'svc', '-n', '5', '--timestamps'], { env, encoding: 'utf8', timeout: 120_000 });
    expect(logs.stderr).toBe('');
    // each line with the time it was written and its stream, as on Docker (the log writer, drivers/containerd/log-writer.ts)
    const stamp = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z) /;
    const hello = logs.stdout.split('\n').find((l) => l.includes(`hello-from-${suffix}`));
    const trouble = logs.stdout.split('\n').find((l) => l.includes(`trouble-from-${suffix}`));
    expect(hello, logs.stdout).toMatch(new RegExp(`${stamp.source} {2}hello-from-${suffix}$`));
    expect(trouble, logs.stdout).toMatch(new RegExp(`${stamp.source}! trouble-from-${suffix}$`));
    const written = Date.parse(stamp.exec(hello!)![1]!);
    expect(written).toBeGreaterThanOrEqual(t0 - 1000);
    expect(written).toBeLessThanOrEqual(Date.now());
    const status = spawnSync(CLAUDE, ['status'], { env, encoding: 'utf8', timeout: 120_000 });
    expect(status.stdout).toMatch(/1 service running/);
    expect(status.stdout).not.toMatch(/cannot reach the Docker Engine/);

    // On Docker there is nothing to supervise: a clear refusal, not a silent no-op.
    const d = spawnSync(CLAUDE, ['supervise', '--once'], { env: { ...env, CLAUDE_ENGINE: 'docker' }, encoding: 'utf8', timeout: 60_000 });
    expect(d.status).toBe(1);
    expect(d.stderr).toContain('Docker Engine, which restarts containers itself');
  }, 180_000);

  it('rotates a chatty task\'s log by size on each pass, keeps 2 rotated files, and `claude logs` reads across them', async () => {
    // ~4.5 KB in bursts of 50 numbered lines (each line with the log writer's time and stream), 40 bursts 0.3 s apart (12 s: several supervisor passes see it even at load 25); the limit is 16 KiB, so it rotates every few bursts.
    const script = 'i=0; while [ $i -lt 2000 ]; do echo "line-$i xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"; i=$((i+1)); if [ $((i % 50)) -eq 0 ]; then sleep 0.3; fi; done; echo done-writing; exec sleep 600';
    const id = await run(containerSpec({ name: n('chatty'), service: 'chatty', image: IMAGE, restart: 'always', command: ['sh', '-c', script] }));
    const live = engine.logFile(id);
    const state = newSupervisorState();
    let rotations = 0;
    await until('the task to write its last line', async () => {
      const before = existsSync(`${live}.1`) ? statSync(`${live}.1`).mtimeMs : 0;
      await supervisePass(engine, state);
      if (existsSync(`${live}.1`) && statSync(`${live}.1`).mtimeMs !== before) rotations++;
      await sleep(150);
      return readLogLines(live, 1)[0] === 'done-writing';
    }, 120_000);
    expect(rotations).toBeGreaterThanOrEqual(3);
    // keep 2: the live file and two rotated ones, no third; each rotated one reached the limit first
    expect(logFiles(live)).toEqual([`${live}.2`, `${live}.1`, live]);
    for (const f of [`${live}.1`, `${live}.2`]) expect(statSync(f).size).toBeGreaterThanOrEqual(ROTATION.maxBytes);
    // the shim appends: after a truncate it writes at the new end, not after a hole the old size long
    expect(statSync(live).size).toBeLessThan(ROTATION.maxBytes + 8 * 1024);
    expect(readFileSync(live).indexOf(0), 'no hole of zeros at the start of the live file').toBe(-1);

    // Read across the files: in order, no line twice, the oldest ones gone, the newest there.
    const lines = readLogLines(live);
    expect(lines.at(-1)).toBe('done-writing');
    const nums = lines.slice(0, -1).map((l) => Number(/^line-(\d+) /.exec(l)![1]));
    for (let k = 1; k < nums.length; k++) expect(nums[k]!, `line ${k}`).toBeGreaterThan(nums[k - 1]!);
    expect(nums.at(-1)).toBe(1999);
    expect(nums[0]).toBeGreaterThan(0);
    // copy-and-truncate may lose what is written in the instant between its last read and the truncate
    expect(nums.length).toBeGreaterThanOrEqual(Math.floor(0.98 * (1999 - nums[0]! + 1)));

    // `claude logs` (the observer's containerd view) reads across the rotated files too.
    const inLive = readFileSync(live, 'utf8').split('\n').filter(Boolean).length;
    const want = Math.min(1000, inLive + 20);
    const env = { ...process.env, CLAUDE_ENGINE: 'containerd', CLAUDE_CONTAINERD_ADDRESS: ctd.address, CLAUDE_CONTAINERD_NAMESPACE: namespace, CLAUDE_DATA_DIR: dataDir, CLAUDE_ROOT: root, CLAUDE_STATE_DIR: join(root, 'state') };
    const logs = spawnSync(CLAUDE, ['logs', 'chatty', '-n', String(want)], { env, encoding: 'utf8', timeout: 120_000 });
    expect(logs.stderr).toBe('');
    expect(logs.status).toBe(0);
    const shown = logs.stdout.split('\n').filter((l) => /line-\d+ |done-writing/.test(l));
    expect(shown.length).toBe(want);
    expect(shown.at(-1)).toContain('done-writing');
    expect(shown[0]).toContain(lines[lines.length - want]!); // from the rotated file before the live one
    await engine.removeContainer(id);
    expect(logFiles(live)).toEqual([]);
  }, 180_000);

  it('`claude logs -f` follows a task\'s log: the last line, then each new one as it is written, with its time', async () => {
    const id = await run(containerSpec({ name: n('ticker'), service: 'ticker', image: IMAGE, restart: 'no', command: ['sh', '-c', 'i=0; while true; do echo tick-$i; i=$((i+1)); sleep 0.2; done'] }));
    const env = { ...process.env, CLAUDE_ENGINE: 'containerd', CLAUDE_CONTAINERD_ADDRESS: ctd.address, CLAUDE_CONTAINERD_NAMESPACE: namespace, CLAUDE_DATA_DIR: dataDir, CLAUDE_ROOT: root, CLAUDE_STATE_DIR: join(root, 'state') };
    await until('the first tick', async () => readLogLines(engine.logFile(id)).length > 0);
    const follow = spawn(CLAUDE, ['logs', 'ticker', '-f', '-n', '1', '--timestamps'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    follow.stdout.on('data', (b: Buffer) => (out += b.toString()));
    follow.stderr.on('data', (b: Buffer) => (err += b.toString()));
    try {
      // `<time> ` then two columns for the stream (`! ` marks stderr) then the text (agent/render/observe.ts logLine)
      const ticks = () => [...out.matchAll(/^(\S+) {3}tick-(\d+)$/gm)].map((m) => ({ time: m[1]!, n: Number(m[2]) }));
      // the last line written before it started, then new ones as they come (not only what was there at the start)
      const seen = await until('five ticks followed', async () => (ticks().length >= 5 ? ticks() : null), 60_000).catch((e: Error) => {
        throw new Error(`${e.message}; stdout: ${out}; stderr: ${err}`);
      });
      expect(seen.map((t) => t.n)).toEqual(Array.from({ length: seen.length }, (_, k) => seen[0]!.n + k));
      for (const t of seen) expect(t.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
      expect([...seen.map((t) => t.time)].sort()).toEqual(seen.map((t) => t.time));
      expect(err).toBe('');
    } finally {
      follow.kill('SIGINT');
      await new Promise((r) => (follow.exitCode !== null ? r(null) : follow.once('exit', r)));
      await engine.removeContainer(id);
    }
  }, 120_000);

  it('one shared log writer serves every task and keeps their logs apart; one killed mid-stream is replaced by the next pass, and no line is lost', async () => {
    const count = (who: string) => ['sh', '-c', `i=0; while [ $i -lt 60 ]; do echo ${who}-$i; i=$((i+1)); sleep 0.1; done; sleep 600`];
    const a = await run(containerSpec({ name: n('loga'), image: IMAGE, restart: 'no', command: count('aa') }));
    const b = await run(containerSpec({ name: n('logb'), image: IMAGE, restart: 'no', command: count('bb') }));
    const socket = join(engine.stateDir, 'log-writer.sock');
    const writers = () =>
      readdirSync('/proc')
        .filter((p) => /^\d+$/.test(p))
        .filter((p) => {
          try {
            const cmd = readFileSync(`/proc/${p}/cmdline`, 'utf8');
            return cmd.includes(join(engine.stateDir, 'log-writer.cjs')) && !readFileSync(`/proc/${p}/stat`, 'utf8').includes(') Z ');
          } catch {
            return false;
          }
        })
        .map(Number);
    try {
      const first = await logWriterPid(socket);
      expect(first).not.toBeNull();
      expect(writers()).toEqual([first]); // one node process for both tasks
      await until('both tasks to log', async () => engine.logs(a).length > 3 && engine.logs(b).length > 3);
      process.kill(first!, 'SIGKILL');
      await sleep(1500); // what the tasks write meanwhile waits in their pipes
      await supervisePass(engine, newSupervisorState());
      const second = await logWriterPid(socket);
      expect(second).not.toBeNull();
      expect(second).not.toBe(first);
      await until('all 60 lines of each task', async () => engine.logs(a).length >= 60 && engine.logs(b).length >= 60, 60_000);
      expect(engine.logs(a)).toEqual(Array.from({ length: 60 }, (_, i) => `aa-${i}`));
      expect(engine.logs(b)).toEqual(Array.from({ length: 60 }, (_, i) => `bb-${i}`));
      expect(writers()).toEqual([second]);
    } finally {
      for (const id of [a, b]) await engine.removeContainer(id).catch(() => undefined);
    }
  }, 120_000);

  it('a stop while no log writer runs starts one first: the lines the task wrote meanwhile are in its log when the stop returns', async () => {
    const late = Array.from({ length: 30 }, (_, i) => `late-${i}`);
    const id = await run(containerSpec({ name: n('logstop'), image: IMAGE, restart: 'no', command: ['sh', '-c', 'echo early; sleep 2; i=0; while [ $i -lt 30 ]; do echo late-$i; i=$((i+1)); done; sleep 600'] }));
    try {
      await until('the first line', async () => engine.logs(id).includes('early'));
      await stopLogWriter(engine.stateDir);
      await sleep(3000); // the late lines wait in the pipe: no writer reads them
      await engine.stopContainer(id, 0);
      expect(engine.logs(id)).toEqual(['early', ...late]);
    } finally {
      await engine.removeContainer(id).catch(() => undefined);
    }
  }, 120_000);

  it('a stop when no log writer can be started still stops the container, and says in the event log that its last lines may be lost', async () => {
    const name = n('logdown');
    const id = await run(containerSpec({ name, image: IMAGE, restart: 'no', command: ['sh', '-c', 'echo early; sleep 600'] }));
    const writer = join(engine.stateDir, 'log-writer.cjs');
    try {
      await until('the first line', async () => engine.logs(id).includes('early'));
      await stopLogWriter(engine.stateDir);
      chmodSync(writer, 0o644); // it cannot be run: no writer can start
      await engine.stopContainer(id, 0);
      expect((await view(name))?.task).not.toBe('running');
      const said = readRuntimeEvents(dataDir).filter((e) => e.type === 'logs.writer-down');
      expect(said).toHaveLength(1);
      expect(said[0]!.container).toBe(name);
      expect(said[0]!.detail).toMatch(new RegExp(`^stopping ${name} with no log writer running: the last lines it wrote may be lost \\(the containerd log writer .*log-writer\\.cjs could not be started: .*EACCES`));
    } finally {
      chmodSync(writer, 0o755);
      await engine.removeContainer(id).catch(() => undefined);
    }
  }, 120_000);

  it('a stop with no log writer and an event log that cannot be written (the same full or broken disk) still stops the container', async () => {
    // From the review: the event-log append threw out of the catch and aborted the stop.
    const name = n('logdown2');
    const id = await run(containerSpec({ name, image: IMAGE, restart: 'no', command: ['sh', '-c', 'echo early; sleep 600'] }));
    const writer = join(engine.stateDir, 'log-writer.cjs');
    const events = join(dataDir, RUNTIME_EVENTS_FILE);
    const aside = `${events}.aside-${suffix}`;
    const had = existsSync(events);
    try {
      await until('the first line', async () => engine.logs(id).includes('early'));
      await stopLogWriter(engine.stateDir);
      chmodSync(writer, 0o644);
      if (had) renameSync(events, aside);
      mkdirSync(events); // appending to it fails (EISDIR), as on a broken disk
      await engine.stopContainer(id, 0);
      expect((await view(name))?.task).not.toBe('running');
    } finally {
      chmodSync(writer, 0o755);
      rmSync(events, { recursive: true, force: true });
      if (had) renameSync(aside, events);
      await engine.removeContainer(id).catch(() => undefined);
    }
  }, 120_000);
});
