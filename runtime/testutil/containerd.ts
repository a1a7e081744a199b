/**
 * Test helper: a private containerd per test file (its own root, state dir, socket and
 * config, all named per run under one temp dir), started by the test and stopped and
 * removed at the end, with its shims and mounts. Nothing is shared with a host containerd
 * (the CRI plugin is off; the `opt` plugin path is private too).
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectContainerd } from '../drivers/containerd/api.js';
import { DEFAULT_NETWORK, type ContainerdEngine } from '../drivers/containerd/engine.js';
import { stopLogWriter } from '../drivers/containerd/log-writer.js';

/**
 * A test's driver torn down: every container it observes removed (its namespace, ports
 * table, address), every network (the default `bridge` too, unmanaged, so not observed: its
 * bridge and rules are on the host), the connection closed and its log writer stopped.
 */
export async function removeEngineState(engine: ContainerdEngine | undefined): Promise<void> {
  if (!engine) return;
  try {
    for (const c of (await engine.observe()).containers) await engine.removeContainer(c.id).catch(() => undefined);
    for (const nw of [...(await engine.observe()).networks.map((x) => x.name), DEFAULT_NETWORK]) await engine.removeNetwork(nw, true).catch(() => undefined);
  } catch {
    /* containerd may be gone */
  }
  engine.close();
  await stopLogWriter(engine.stateDir);
}

export interface TestContainerd {
  dir: string;
  address: string;
  root: string;
  state: string;
  /** The containerd log (for failures). */
  log(): string;
  stop(): Promise<void>;
}

/** `netns`: start the daemon in that network namespace (its containers' bridges and published ports then live there). */
export async function startContainerd(tag: string, o: { netns?: string } = {}): Promise<TestContainerd> {
  const dir = mkdtempSync(join(tmpdir(), `claude-ctd-${tag}-`));
  const root = join(dir, 'root');
  const state = join(dir, 'state');
  const address = join(dir, 'c.sock');
  mkdirSync(root, { recursive: true });
  mkdirSync(state, { recursive: true });
  const config = join(dir, 'config.toml');
  writeFileSync(
    config,
    [
      'version = 2',
      `root = "${root}"`,
      `state = "${state}"`,
      'disabled_plugins = ["io.containerd.grpc.v1.cri"]',
      '[grpc]',
      `  address = "${address}"`,
      '[ttrpc]',
      `  address = "${address}.ttrpc"`,
      '[plugins."io.containerd.internal.v1.opt"]',
      `  path = "${join(dir, 'opt')}"`,
      '',
    ].join('\n'),
  );
  const logFile = join(dir, 'containerd.log');
  const { openSync } = await import('node:fs');
  const fd = openSync(logFile, 'a');
  const argv = ['containerd', '--config', config];
  const child: ChildProcess = o.netns ? spawn('nsenter', [`--net=/run/netns/${o.netns}`, ...argv], { stdio: ['ignore', fd, fd], detached: false }) : spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', fd, fd], detached: false });
  const api = connectContainerd(address, 'default', 2000);
  const t0 = Date.now();
  for (;;) {
    try {
      await api.version.Version({});
      break;
    } catch {
      if (child.exitCode !== null || Date.now() - t0 > 60_000) {
        api.close();
        const text = readFileSync(logFile, 'utf8').split('\n').slice(-20).join('\n');
        child.kill('SIGKILL');
        rmSync(dir, { recursive: true, force: true });
        throw new Error(`containerd did not start within 60 s:\n${text}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  api.close();
  return {
    dir,
    address,
    root,
    state,
    log: () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : ''),
    async stop() {
      // containerd's shims outlive it: kill the ones whose address is ours, then the daemon.
      try {
        const out = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
        for (const line of out.split('\n')) {
          const m = /^\s*(\d+)\s+(.*)$/.exec(line);
          if (m && /containerd-shim/.test(m[2]!) && m[2]!.includes(address)) {
            try {
              process.kill(Number(m[1]), 'SIGKILL');
            } catch {
              /* gone */
            }
          }
        }
      } catch {
        /* no ps */
      }
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise<void>((r) => {
          const t = setTimeout(() => {
            child.kill('SIGKILL');
            r();
          }, 10_000);
          child.once('exit', () => {
            clearTimeout(t);
            r();
          });
        });
      }
      // Unmount whatever is still mounted under our dir (rootfs of killed tasks), deepest first.
      try {
        const mounts = readFileSync('/proc/self/mounts', 'utf8')
          .split('\n')
          .map((l) => l.split(' ')[1] ?? '')
          .filter((p) => p.startsWith(dir))
          .sort((a, b) => b.length - a.length);
        for (const m of mounts) execFileSync('umount', ['-l', m], { stdio: 'ignore' });
      } catch {
        /* nothing mounted */
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
