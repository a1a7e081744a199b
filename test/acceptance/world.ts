/**
 * The acceptance tests' world: a person at a terminal on a Claude.OS host.
 *
 * Each test file gets its own network namespace (`claude-acc-<random>`) with its own Docker
 * Engine inside it (a real dockerd with its own data root, exec root and socket, started in
 * the namespace with nsenter and stopped at the end), loaded with the local test images. So
 * the spec's requests can be typed as they are written ("set up a basic web server" →
 * nginx on port 80, `docker stop nginx`) without colliding with other tests or worktrees on
 * the shared dockerd, and the firewall scenarios load nftables inside that namespace only.
 *
 * With `{ engine: 'containerd' }` the namespace holds a private containerd instead
 * (runtime/testutil/containerd.ts, started in the namespace; CLAUDE_ENGINE=containerd), the
 * local images imported into it from `docker save` tarballs in the data dir's `images/`, as a
 * device has them; its bridges and published ports live in the namespace too. There is no
 * `docker` in such a world: scenarios that type Docker commands are Docker-only.
 *
 * The person is a bash shell in one tmux server per file (a private socket, -L), in the
 * namespace, with `claude` (this checkout's bin/claude) and `docker` (pointed at the private
 * engine) on PATH and temp state/data/root dirs. Tests type into it with send-keys and read
 * the screen with capture-pane.
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ContainerdEngine } from '../../runtime/drivers/containerd/engine.js';
import { startContainerd, type TestContainerd } from '../../runtime/testutil/containerd.js';

const REPO = resolve(import.meta.dirname, '..', '..');
/** The local images the scenarios use (fixtures/images/build.sh builds them on the host engine). */
const IMAGES = ['claude-os-local/web:latest', 'claude-os-local/busybox:latest', 'claude-os-local/redis:latest', 'claude-os-local/postgres:latest', 'claude-os-local/prometheus:latest'];

export interface World {
  engine: 'docker' | 'containerd';
  ns: string;
  dir: string;
  stateDir: string;
  dataDir: string;
  /** Environment of the person's shell (and of docker/claude run by the test itself). */
  env: Record<string, string>;
  /** `docker …` against this world's engine (Docker worlds only). */
  docker(...args: string[]): string;
  /** The names of the running containers, asked of the engine. */
  running(): Promise<string[]>;
  /** The names of all containers, running or not, asked of the engine. */
  containers(): Promise<string[]>;
  /** A container as the engine holds it (Docker's inspect; containerd's task and OCI spec); null when there is none. */
  inspect(name: string): Promise<EngineContainer | null>;
  /** A command run inside the namespace (curl, nft, claude) with the shell's environment; never throws. */
  inNs(cmd: string[], o?: { input?: string }): { code: number; out: string };
  /** `claude …` run by the test (not typed): exit code and output. */
  claude(...args: string[]): { code: number; out: string };
  /** HTTP status of GET http://127.0.0.1:<port>/ inside the namespace ('000' when nothing answers). */
  http(port: number): string;
  /** A new terminal (tmux window) with the shell ready. */
  terminal(name: string): Promise<Terminal>;
  stop(): Promise<void>;
}

export interface EngineContainer {
  running: boolean;
  /** The memory limit in bytes (0: none). */
  memoryBytes: number;
  /** The process environment (`K=V`). */
  env: string[];
  image: string;
}

export interface Terminal {
  name: string;
  /** Types a command at the shell prompt and presses Enter. */
  run(line: string): void;
  /** Types an answer to the running program's prompt and presses Enter. */
  type(line: string): void;
  screen(): string;
  /** Waits until the screen satisfies pred (polls; generous timeout for a busy machine). */
  waitFor(pred: (s: string) => boolean, what: string, ms?: number): Promise<string>;
  /** Waits until the last command typed with run() has finished (the prompt is back); the screen. */
  done(ms?: number): Promise<string>;
  /** Types `echo rc=$?` and returns the exit code of the last command. */
  exitCode(): Promise<number>;
  /** The screen from the last command typed with run() on. */
  last(): string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function run(cmd: string, args: string[], o: { env?: Record<string, string>; input?: string } = {}): { code: number; out: string } {
  try {
    const out = execFileSync(cmd, args, { encoding: 'utf8', env: o.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'], ...(o.input !== undefined ? { input: o.input } : {}), maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, out };
  } catch (e) {
    const err = e as { status?: number; stdout?: string; stderr?: string };
    return { code: err.status ?? 1, out: `${err.stdout ?? ''}${err.stderr ?? ''}` };
  }
}

const PROMPT = 'acc$ ';

/** `images`: the local images the world gets (default: all of IMAGES). */
export async function startWorld(label: string, o: { engine?: 'docker' | 'containerd'; images?: string[] } = {}): Promise<World> {
  const images = o.images ?? IMAGES;
  const engine = o.engine ?? 'docker';
  const tag = randomBytes(4).toString('hex');
  const ns = `claude-acc-${label}-${tag}`.slice(0, 40);
  const dir = mkdtempSync(join(tmpdir(), `claude-acc-${label}-`));
  const stateDir = join(dir, 'state');
  const dataDir = join(dir, 'data');
  const root = join(dir, 'root');
  const bin = join(dir, 'bin');
  for (const d of [stateDir, dataDir, root, bin, join(dir, 'docker')]) mkdirSync(d, { recursive: true });
  symlinkSync(join(REPO, 'bin', 'claude'), join(bin, 'claude'));
  const sock = join(dir, 'docker', 'sock');
  const env: Record<string, string> = {
    PATH: `${bin}:${process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin'}`,
    HOME: dir,
    TERM: 'xterm-256color',
    LANG: 'C.UTF-8',
    USER: 'root',
    DOCKER_HOST: `unix://${sock}`,
    CLAUDE_STATE_DIR: stateDir,
    CLAUDE_DATA_DIR: dataDir,
    CLAUDE_ROOT: root,
    CLAUDE_LLM_PROVIDER: 'offline',
    PS1: PROMPT,
    ...(engine === 'containerd' ? { CLAUDE_ENGINE: 'containerd', CLAUDE_CONTAINERD_ADDRESS: join(dir, 'ctd-address-placeholder'), CLAUDE_CONTAINERD_NAMESPACE: `claude-acc-${tag}` } : {}),
  };
  const tmuxSocket = `claude-acc-${tag}`;
  execFileSync('ip', ['netns', 'add', ns]);
  execFileSync('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
  // nsenter (not `ip netns exec`, which remounts /sys and hides the cgroup mounts dockerd needs).
  const dockerd =
    engine === 'docker'
      ? spawn(
          'nsenter',
          [`--net=/run/netns/${ns}`, 'dockerd', '--data-root', join(dir, 'docker', 'root'), '--exec-root', join(dir, 'docker', 'exec'), '--pidfile', join(dir, 'docker', 'pid'), '-H', `unix://${sock}`, '--log-level', 'warn'],
          { stdio: ['ignore', 'ignore', 'ignore'], detached: false },
        )
      : null;
  let ctd: TestContainerd | null = null;
  let ctdEngine: ContainerdEngine | null = null;
  const docker = (...args: string[]) => {
    if (engine !== 'docker') throw new Error(`docker ${args.join(' ')}: this world runs containerd (a Docker-only step)`);
    const r = run('docker', args, { env: { ...process.env, DOCKER_HOST: env.DOCKER_HOST! } as Record<string, string> });
    if (r.code !== 0) throw new Error(`docker ${args.join(' ')}: ${r.out}`);
    return r.out.trim();
  };
  const inNs = (cmd: string[], o: { input?: string } = {}) => run('nsenter', [`--net=/run/netns/${ns}`, 'env', ...Object.entries(env).map(([k, v]) => `${k}=${v}`), ...cmd], o);
  const tmux = (...args: string[]) => execFileSync('tmux', ['-L', tmuxSocket, ...args], { encoding: 'utf8' });
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    try {
      tmux('kill-server');
    } catch {
      /* not started */
    }
    if (dockerd) {
      try {
        // Remove what the scenarios made, then stop the engine (it stops its containers).
        const ids = run('docker', ['ps', '-aq'], { env: { ...process.env, DOCKER_HOST: env.DOCKER_HOST! } as Record<string, string> }).out.split('\n').filter(Boolean);
        if (ids.length) run('docker', ['rm', '-f', ...ids], { env: { ...process.env, DOCKER_HOST: env.DOCKER_HOST! } as Record<string, string> });
      } catch {
        /* engine already down */
      }
      dockerd.kill('SIGTERM');
      const until = Date.now() + 30_000;
      while (dockerd.exitCode === null && dockerd.signalCode === null && Date.now() < until) execFileSync('sleep', ['0.2']);
      if (dockerd.exitCode === null && dockerd.signalCode === null) dockerd.kill('SIGKILL');
    }
    if (ctd) await stopContainerdWorld(ctd, ctdEngine);
    const mounts = readFileSync('/proc/mounts', 'utf8').split('\n').map((l) => l.split(' ')[1] ?? '').filter((m) => m.startsWith(dir)).sort().reverse();
    for (const m of mounts) run('umount', ['-l', m]);
    run('ip', ['netns', 'del', ns]);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    if (engine === 'containerd') {
      ctd = await startContainerd(`acc-${tag}`, { netns: ns });
      env.CLAUDE_CONTAINERD_ADDRESS = ctd.address;
      // The local images as a device receives them: tarballs in the data dir, imported by the driver.
      mkdirSync(join(dataDir, 'images'));
      for (const image of images) execFileSync('docker', ['save', '-o', join(dataDir, 'images', `${image.replace(/[^A-Za-z0-9_.-]/g, '_')}.tar`), image], { env: { ...process.env, DOCKER_HOST: '' } as Record<string, string>, stdio: 'ignore' });
      ctdEngine = new ContainerdEngine({ address: ctd.address, namespace: env.CLAUDE_CONTAINERD_NAMESPACE!, root, dataDir, hostId: 'none' });
      ctd.track({ engine: ctdEngine, netns: ns, dir });
      for (const image of images) await ctdEngine.ensureImage(image, image, false);
      tmux('new-session', '-d', '-s', 'acc', '-n', 'idle', '-x', '200', '-y', '50', 'sleep', '100000');
    } else {
    const until = Date.now() + 60_000;
    while (run('docker', ['version', '--format', '{{.Server.Version}}'], { env: { ...process.env, DOCKER_HOST: env.DOCKER_HOST! } as Record<string, string> }).code !== 0) {
      if (Date.now() > until || dockerd!.exitCode !== null) throw new Error(`the private dockerd in ${ns} did not start`);
      await sleep(250);
    }
    // The local images, copied from the host's engine (no registry).
    const tar = join(dir, 'images.tar');
    execFileSync('docker', ['save', '-o', tar, ...images], { env: { ...process.env, DOCKER_HOST: '' } as Record<string, string>, stdio: 'ignore' });
    docker('load', '-i', tar);
    rmSync(tar);
    // The person's terminal server: windows are added per scenario.
    tmux('new-session', '-d', '-s', 'acc', '-n', 'idle', '-x', '200', '-y', '50', 'sleep', '100000');
    }
  } catch (e) {
    await stop();
    throw e;
  }

  const world: World = {
    engine,
    ns,
    async running() {
      if (ctdEngine) return (await ctdEngine.describeAll()).filter((d) => d.task?.status === 'RUNNING').map((d) => d.name).sort();
      return docker('ps', '--format', '{{.Names}}').split('\n').filter(Boolean).sort();
    },
    async containers() {
      if (ctdEngine) return (await ctdEngine.describeAll()).map((d) => d.name).sort();
      return docker('ps', '-a', '--format', '{{.Names}}').split('\n').filter(Boolean).sort();
    },
    async inspect(name) {
      if (ctdEngine) {
        const d = (await ctdEngine.describeAll()).find((x) => x.name === name);
        if (!d) return null;
        const { container } = (await ctdEngine.api.containers.Get({ id: d.id })) as { container: { spec: { value: Buffer } } };
        const spec = JSON.parse(Buffer.from(container.spec.value).toString()) as { process: { env: string[] }; linux: { resources?: { memory?: { limit?: number } } } };
        return { running: d.task?.status === 'RUNNING', memoryBytes: spec.linux.resources?.memory?.limit ?? 0, env: spec.process.env, image: d.image };
      }
      const r = run('docker', ['inspect', name], { env: { ...process.env, DOCKER_HOST: env.DOCKER_HOST! } as Record<string, string> });
      if (r.code !== 0) return null;
      const [info] = JSON.parse(r.out) as { State: { Running: boolean }; HostConfig: { Memory?: number }; Config: { Env?: string[]; Image: string } }[];
      return { running: info!.State.Running, memoryBytes: info!.HostConfig.Memory ?? 0, env: info!.Config.Env ?? [], image: info!.Config.Image };
    },
    dir,
    stateDir,
    dataDir,
    env,
    docker,
    inNs,
    claude: (...args) => inNs([join(REPO, 'bin', 'claude'), ...args]),
    http: (port) => inNs(['curl', '-s', '-o', '/dev/null', '-m', '5', '-w', '%{http_code}', `http://127.0.0.1:${port}/`]).out.trim(),
    async terminal(name) {
      const target = `acc:${name}`;
      const rcfile = join(dir, 'bashrc');
      if (!existsSync(rcfile)) writeFileSync(rcfile, `PS1='${PROMPT}'\nPROMPT_COMMAND=\n`);
      tmux('new-window', '-t', 'acc', '-n', name, 'nsenter', `--net=/run/netns/${ns}`, 'env', '-i', ...Object.entries(env).map(([k, v]) => `${k}=${v}`), 'bash', '--noprofile', '--rcfile', rcfile, '-i');
      tmux('set-option', '-t', target, 'remain-on-exit', 'on');
      const screen = () => tmux('capture-pane', '-p', '-J', '-S', '-5000', '-t', target);
      const waitFor = async (pred: (s: string) => boolean, what: string, ms = 120_000) => {
        const end = Date.now() + ms;
        for (;;) {
          const s = screen();
          if (pred(s)) return s;
          if (Date.now() > end) throw new Error(`timed out waiting for ${what}; the screen:\n${s}`);
          await sleep(250);
        }
      };
      // Each command typed at the shell ends with a new prompt line: count them.
      let commands = 0;
      const prompts = (x: string) => x.split('\n').filter((l) => l.startsWith(PROMPT.trimEnd())).length;
      const keys = (line: string) => {
        tmux('send-keys', '-t', target, '-l', line);
        tmux('send-keys', '-t', target, 'Enter');
      };
      let lastCmd = '';
      const t: Terminal = {
        name,
        run: (line) => {
          commands++;
          lastCmd = line;
          keys(line);
        },
        type: keys,
        screen,
        waitFor,
        done: (ms) => waitFor((s) => prompts(s) >= commands + 1 && (s.trimEnd().split('\n').pop() ?? '') === PROMPT.trimEnd(), `the prompt after \`${lastCmd}\``, ms),
        async exitCode() {
          t.run('echo rc=$?');
          const s = await t.done();
          const all = [...s.matchAll(/^rc=(\d+)$/gm)];
          return Number(all[all.length - 1]![1]);
        },
        last() {
          const s = screen();
          const i = s.lastIndexOf(`${PROMPT}${lastCmd}`);
          return i >= 0 ? s.slice(i) : s;
        },
      };
      await t.done(30_000);
      return t;
    },
    stop,
  };
  return world;
}

/**
 * Tears a containerd world's containers down from outside its namespace: the tasks killed,
 * the containers and their namespaces removed (their bridges, veths and NAT rules live in the
 * world's namespace, which goes next), then the daemon stopped with its shims and mounts.
 */
async function stopContainerdWorld(ctd: TestContainerd, engine: ContainerdEngine | null): Promise<void> {
  if (engine) {
    try {
      const { containers } = (await engine.api.containers.List({ filters: [] })) as { containers: { id: string; snapshotKey: string }[] };
      for (const c of containers) {
        await engine.api.tasks.Kill({ containerId: c.id, execId: '', signal: 9, all: true }).catch(() => undefined);
        await engine.api.tasks.Wait({ containerId: c.id, execId: '' }, { deadlineMs: 10_000 }).catch(() => undefined);
        await engine.api.tasks.Delete({ containerId: c.id }).catch(() => undefined);
        await engine.api.containers.Delete({ id: c.id }).catch(() => undefined);
        run('ip', ['netns', 'del', `claude-${c.id}`.slice(0, 60)]);
      }
    } catch {
      /* containerd already down */
    }
    engine.close();
  }
  await ctd.stop();
}
