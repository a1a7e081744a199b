/**
 * Test helper: a private containerd per test file (its own root, state dir, socket and
 * config, all named per run under one temp dir), started by the test and stopped and
 * removed at the end, with its shims and mounts. Nothing is shared with a host containerd
 * (the CRI plugin is off; the `opt` plugin path is private too).
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectContainerd } from '../drivers/containerd/api.js';
import { Cni, cniBinDir } from '../drivers/containerd/cni.js';
import { DEFAULT_NETWORK, type ContainerdEngine } from '../drivers/containerd/engine.js';
import { stopLogWriter } from '../drivers/containerd/log-writer.js';
import { PortPublisher } from '../drivers/containerd/ports.js';

/**
 * What a run (a test file's worker, a bench) records in its containerd dir (`run.json`), so
 * that what it made on the host can be removed without it: when it is stopped by a signal
 * (below), and by the next run when it died without a word (SIGKILL, a crash).
 */
interface RunLedger {
  /** The run's process and its start time (/proc/<pid>/stat field 22): a pid taken by another process later is not this run. */
  pid: number;
  start: string | null;
  /** The driver state dirs of its engines (networks/, containers/), with the namespace that played the host. */
  engines: { stateDir: string; hostNetns?: string }[];
  /** Network namespaces and temp dirs the test made itself. */
  netns: string[];
  dirs: string[];
}

const LEDGER = 'run.json';
const CTD_DIR_PREFIX = 'claude-ctd-';

function startTimeOf(pid: number): string | null {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

function commOf(pid: number): string | null {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(' (')[1]!.split(')')[0] ?? null;
  } catch {
    return null;
  }
}

/** The pids whose command line mentions `text` (our containerd's config or socket, a state dir). */
function pidsMentioning(text: string): number[] {
  const out: number[] = [];
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p) || Number(p) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(text)) out.push(Number(p));
    } catch {
      /* gone */
    }
  }
  return out;
}

function kill(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    /* gone */
  }
}

/**
 * Removes what an engine of a run made on the host, from its state dir alone (containerd may
 * be gone): its log writer, each container's ports table and network namespace, each network's
 * iptables rules and bridge. Each part best effort.
 */
export async function sweepEngineState(e: { stateDir: string; hostNetns?: string }): Promise<void> {
  for (const pid of pidsMentioning(join(e.stateDir, 'log-writer.cjs'))) if (commOf(pid) === 'log-writer.cjs') kill(pid);
  const cni = new Cni(cniBinDir(), join(e.stateDir, 'ipam'), undefined, e.hostNetns);
  const ports = new PortPublisher(e.hostNetns);
  const ls = (d: string) => (existsSync(join(e.stateDir, d)) ? readdirSync(join(e.stateDir, d)) : []);
  for (const id of ls('containers')) {
    await ports.unpublish(id).catch(() => undefined);
    await cni.deleteNetns(`claude-${id}`.slice(0, 60)).catch(() => undefined);
  }
  for (const f of ls('networks').filter((x) => x.endsWith('.json'))) {
    try {
      const rec = JSON.parse(readFileSync(join(e.stateDir, 'networks', f), 'utf8')) as { name: string; bridge: string; subnet: string; internal: boolean };
      await cni.removeNetworkRules({ name: rec.name, bridge: rec.bridge, subnet: rec.subnet, internal: rec.internal }).catch(() => undefined);
      await cni.removeBridge(rec.bridge).catch(() => undefined);
    } catch {
      /* a record half-written */
    }
  }
}

/** Removes everything a run's ledger names, and the run's containerd dir (its daemon and shims killed first). */
async function sweepRun(dir: string, ledger: RunLedger): Promise<void> {
  for (const pid of pidsMentioning(dir + '/')) kill(pid); // containerd (its config) and the shims (its socket)
  for (const e of ledger.engines) await sweepEngineState(e);
  for (const ns of ledger.netns) if (existsSync(`/run/netns/${ns}`)) spawnQuiet('ip', ['netns', 'del', ns]);
  unmountUnder(dir);
  for (const d of [...ledger.dirs, dir]) rmSync(d, { recursive: true, force: true });
}

function spawnQuiet(file: string, args: string[]): void {
  try {
    execFileSync(file, args, { stdio: 'ignore' });
  } catch {
    /* best effort */
  }
}

function unmountUnder(dir: string): void {
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
}

/**
 * The runs of tests and benches that died (their process gone, or its pid now another
 * process's) and left their containerd dir: each swept (sweepRun). A live run's dir, and a dir
 * with no ledger (a run of before, or one still starting), are left alone. Returns the dirs swept.
 */
export async function sweepDeadRuns(parent = tmpdir()): Promise<string[]> {
  const swept: string[] = [];
  for (const name of readdirSync(parent).filter((x) => x.startsWith(CTD_DIR_PREFIX))) {
    const dir = join(parent, name);
    let ledger: RunLedger;
    try {
      ledger = JSON.parse(readFileSync(join(dir, LEDGER), 'utf8')) as RunLedger;
    } catch {
      continue;
    }
    if (startTimeOf(ledger.pid) !== null && startTimeOf(ledger.pid) === ledger.start) continue; // alive
    await sweepRun(dir, ledger);
    swept.push(dir);
  }
  return swept;
}

/** The runs of this process, swept when it is stopped by a signal. */
const mine = new Map<string, RunLedger>();
let handlersInstalled = false;
function sweepOnSignals(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  for (const [sig, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]] as const) {
    process.once(sig, () => {
      void (async () => {
        for (const [dir, ledger] of mine) await sweepRun(dir, ledger).catch(() => undefined);
        process.exit(code);
      })();
    });
  }
}

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
  /**
   * Records what this run makes beyond containerd (an engine's state dir, with its host
   * namespace; a network namespace or temp dir of the test's own) in the run's ledger: swept
   * when the run is stopped by SIGINT/SIGTERM/SIGHUP, or by the next run when it died.
   */
  track(o: { engine?: ContainerdEngine; netns?: string; dir?: string }): void;
}

/** `netns`: start the daemon in that network namespace (its containers' bridges and published ports then live there). */
export async function startContainerd(tag: string, o: { netns?: string } = {}): Promise<TestContainerd> {
  await sweepDeadRuns();
  const dir = mkdtempSync(join(tmpdir(), `${CTD_DIR_PREFIX}${tag}-`));
  const ledger: RunLedger = { pid: process.pid, start: startTimeOf(process.pid), engines: [], netns: [], dirs: [] };
  const saveLedger = () => writeFileSync(join(dir, LEDGER), JSON.stringify(ledger) + '\n');
  saveLedger();
  mine.set(dir, ledger);
  sweepOnSignals();
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
        mine.delete(dir);
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
      unmountUnder(dir);
      rmSync(dir, { recursive: true, force: true });
      mine.delete(dir);
    },
    track(o) {
      if (o.engine) ledger.engines.push({ stateDir: o.engine.stateDir, ...(o.engine.opts.hostNetns ? { hostNetns: o.engine.opts.hostNetns } : {}) });
      if (o.netns) ledger.netns.push(o.netns);
      if (o.dir) ledger.dirs.push(o.dir);
      saveLedger();
    },
  };
}
