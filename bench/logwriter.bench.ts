/**
 * `npm run bench -- logwriter [--runs N]`: what the containerd backend's per-task log writer
 * (runtime/drivers/containerd/log-writer.ts) costs each running container, beside what the
 * same container already costs and the floors a cheaper design would have:
 *
 *   writer            the writer as the shim runs it (fd 3 stdout, fd 4 stderr, fd 5 closed
 *                     when ready), after 200 stdout lines and one stderr line: private
 *                     memory, PSS and RSS (/proc/<pid>/smaps_rollup), time until ready, CPU;
 *   writer + flags    the same behind a /bin/sh wrapper that execs node with V8 and malloc
 *                     settings for a small process (--v8-pool-size=0 --single-threaded-gc
 *                     --max-semi-space-size=1, MALLOC_ARENA_MAX=1): does node shrink?
 *   node floor        `node -e 'setInterval(…)'`, an idle node: the least any node process costs;
 *   sh floor          /bin/sh blocked in `read`: the least a per-task helper process costs
 *                     (the shim needs one process per task for binary:// stdio);
 *   shim (Docker)     the containerd-shim-runc-v2 that Docker runs for a busybox container
 *                     this bench starts (per-run name, removed at the end): what every
 *                     container costs already, on both engines.
 *
 * Needs `npm run build`; the shim row needs dockerd and the local images (skipped, saying so,
 * without them). Medians of N runs (default 5).
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installLogWriter } from '../runtime/drivers/containerd/log-writer.js';
import { loadNow, median } from './common.js';

const runsAt = process.argv.indexOf('--runs');
const RUNS = runsAt > 0 ? Number(process.argv[runsAt + 1]) : 5;

interface Mem {
  privateKb: number;
  pssKb: number;
  rssKb: number;
}

function mem(pid: number): Mem {
  const t = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  const kb = (k: string) => Number(t.match(new RegExp(`^${k}:\\s+(\\d+)`, 'm'))?.[1] ?? 0);
  return { privateKb: kb('Private_Clean') + kb('Private_Dirty'), pssKb: kb('Pss'), rssKb: kb('Rss') };
}

function cpuMs(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) * 10; // utime + stime, in clock ticks of 10 ms
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The writer as containerd's shim runs it; its memory and CPU once it has logged a few lines. */
async function writerRun(prog: string, dir: string, i: number): Promise<Mem & { readyMs: number; cpuMs: number }> {
  const log = join(dir, `w-${i}-${randomBytes(3).toString('hex')}.log`);
  const t0 = performance.now();
  const p = spawn(prog, [log], { stdio: ['ignore', 'ignore', 'inherit', 'pipe', 'pipe', 'pipe'] });
  const fds = p.stdio as unknown as (NodeJS.WritableStream & NodeJS.ReadableStream)[];
  const [out, err, ready] = [fds[3]!, fds[4]!, fds[5]!];
  await new Promise<void>((r) => ready.once('close', () => r()));
  const readyMs = performance.now() - t0;
  for (let j = 0; j < 200; j++) out.write(`line ${j} ${'x'.repeat(100)}\n`);
  err.write('an error line\n');
  await sleep(300);
  const m = { ...mem(p.pid!), readyMs, cpuMs: cpuMs(p.pid!) };
  out.end();
  err.end();
  await new Promise((r) => p.once('exit', r));
  const lines = readFileSync(log, 'utf8').trim().split('\n');
  if (lines.length !== 201 || !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z stdout F line 0 /.test(lines[0]!)) throw new Error(`${prog}: the log is not what was written (${lines.length} lines)`);
  return m;
}

async function idle(cmd: string, args: string[], stdin: 'pipe' | 'ignore'): Promise<Mem> {
  const p = spawn(cmd, args, { stdio: [stdin, 'ignore', 'ignore'] });
  await sleep(1000);
  const m = mem(p.pid!);
  p.kill('SIGKILL');
  await new Promise((r) => p.once('exit', r));
  return m;
}

function shimOfDocker(): { mem: Mem | null; why?: string } {
  const name = `bench-logwriter-${randomBytes(4).toString('hex')}`;
  const run = spawnSync('docker', ['run', '-d', '--name', name, 'claude-os-local/busybox:latest', 'sleep', '600'], { encoding: 'utf8' });
  if (run.status !== 0) return { mem: null, why: `docker run failed: ${run.stderr.trim().split('\n')[0]}` };
  try {
    const pid = Number(spawnSync('docker', ['inspect', '-f', '{{.State.Pid}}', name], { encoding: 'utf8' }).stdout.trim());
    const ppid = Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]);
    const comm = readFileSync(`/proc/${ppid}/comm`, 'utf8').trim();
    if (!comm.startsWith('containerd-shim')) return { mem: null, why: `the container's parent is ${comm}, not a shim` };
    return { mem: mem(ppid) };
  } finally {
    spawnSync('docker', ['rm', '-f', name], { encoding: 'utf8' });
  }
}

const mb = (kb: number) => `${(kb / 1024).toFixed(2)} MB`;
const row = (what: string, ms: Mem[], extra = '') =>
  console.log(`${what.padEnd(16)} private ${mb(median(ms.map((m) => m.privateKb))).padStart(9)}  PSS ${mb(median(ms.map((m) => m.pssKb))).padStart(9)}  RSS ${mb(median(ms.map((m) => m.rssKb))).padStart(9)}${extra}`);

const dir = mkdtempSync(join(tmpdir(), 'claude-bench-logwriter-'));
try {
  const load0 = loadNow();
  const writer = installLogWriter(dir);
  const wrapped = join(dir, 'log-writer-flags.sh');
  writeFileSync(wrapped, `#!/bin/sh\nexport MALLOC_ARENA_MAX=1\nexec ${process.execPath} --v8-pool-size=0 --single-threaded-gc --max-semi-space-size=1 ${writer} "$@"\n`);
  chmodSync(wrapped, 0o755);
  const w: Awaited<ReturnType<typeof writerRun>>[] = [];
  const wf: Awaited<ReturnType<typeof writerRun>>[] = [];
  const nodeFloor: Mem[] = [];
  const shFloor: Mem[] = [];
  for (let i = 0; i < RUNS; i++) {
    w.push(await writerRun(writer, dir, i));
    wf.push(await writerRun(wrapped, dir, i));
    nodeFloor.push(await idle(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], 'ignore'));
    shFloor.push(await idle('/bin/sh', ['-c', 'read x'], 'pipe'));
  }
  const shim = shimOfDocker();
  console.log(`per running container, medians of ${RUNS} (load before ${load0.text}, after ${loadNow().text}):`);
  const timing = (xs: typeof w) => `  ready ${median(xs.map((x) => x.readyMs)).toFixed(0)} ms  CPU ${median(xs.map((x) => x.cpuMs)).toFixed(0)} ms`;
  row('writer', w, timing(w));
  row('writer + flags', wf, timing(wf));
  row('node floor', nodeFloor);
  row('sh floor', shFloor);
  if (shim.mem) row('shim (Docker)', [shim.mem]);
  else console.log(`shim (Docker)    not measured: ${shim.why}`);
  const priv = median(w.map((x) => x.privateKb));
  console.log(`the writer is ${(priv / median(nodeFloor.map((m) => m.privateKb))).toFixed(2)}× an idle node's private memory and ${(priv / median(shFloor.map((m) => m.privateKb))).toFixed(0)}× a waiting sh's${shim.mem ? `; ${(priv / shim.mem.privateKb).toFixed(2)}× the shim's` : ''}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
