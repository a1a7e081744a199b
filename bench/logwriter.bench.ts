/**
 * `npm run bench -- logwriter [--runs N] [--tasks 1,5,20]`: the memory the containerd backend's
 * log writing costs for N running tasks, before and after the shared writer, side by side in
 * one run (docs/runtime.md, "What the log writer costs"):
 *
 *   before   a node writer per task, as the shim ran it until the shared writer
 *            (runtime/drivers/containerd/log-writer.ts at fffe920, read from git: fd 3
 *            stdout, fd 4 stderr, fd 5 closed when ready);
 *   after    a /bin/sh helper per task (./log-helper.sh, what the shim runs now) and one
 *            shared node writer for all of them (runtime/drivers/containerd/log-writer.ts).
 *
 * Each task writes 200 stdout lines and one stderr line; then the private memory and PSS
 * (/proc/<pid>/smaps_rollup) of every process that writing takes are summed, and each log is
 * checked to hold its own 201 lines. Medians of N runs (default 3). Also the floors: an idle
 * node and a /bin/sh waiting in `read`. Needs `npm run build` and git (for the before row).
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, constants, chmodSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureLogWriter, installLogWriter, MAX_RECORD_BYTES, stopLogWriter } from '../runtime/drivers/containerd/log-writer.js';
import { readLogEntries } from '../runtime/drivers/containerd/logs.js';
import { loadNow, median } from './common.js';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1]! : dflt;
};
const RUNS = Number(arg('--runs', '3'));
const TASKS = arg('--tasks', '1,5,20').split(',').map(Number);
/** The last commit with a node writer per task. */
const BEFORE = 'fffe920';

interface Mem {
  privateKb: number;
  pssKb: number;
}
function mem(pid: number): Mem {
  const t = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  const kb = (k: string) => Number(t.match(new RegExp(`^${k}:\\s+(\\d+)`, 'm'))?.[1] ?? 0);
  return { privateKb: kb('Private_Clean') + kb('Private_Dirty'), pssKb: kb('Pss') };
}
const sum = (ms: Mem[]): Mem => ({ privateKb: ms.reduce((a, m) => a + m.privateKb, 0), pssKb: ms.reduce((a, m) => a + m.pssKb, 0) });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The per-task writer of BEFORE, as the file it was installed as; null without git. */
function beforeWriter(dir: string): string | null {
  const r = spawnSync('git', ['show', `${BEFORE}:runtime/drivers/containerd/log-writer.ts`], { encoding: 'utf8' });
  const m = r.status === 0 ? /const PROGRAM = `([\s\S]*?)`;\n/.exec(r.stdout) : null;
  if (!m) return null;
  const text = m[1]!.replace('${MAX_RECORD_BYTES}', String(MAX_RECORD_BYTES)).replace(/\\\\/g, '\\');
  const path = join(dir, 'per-task-writer.cjs');
  writeFileSync(path, `#!${process.execPath}\n${text}`);
  chmodSync(path, 0o755);
  return path;
}

/** A pipe as the shim makes one (a FIFO here: /proc/<pid>/fd opens it as it opens the shim's). */
function pipe(dir: string, name: string): { r: number; w: number } {
  const p = join(dir, name);
  execFileSync('mkfifo', [p]);
  const r = openSync(p, constants.O_RDONLY | constants.O_NONBLOCK);
  return { r, w: openSync(p, constants.O_WRONLY) };
}

/** Starts `prog LOG` as the shim does; resolves once it closed fd 5. */
async function shimStart(prog: string, log: string, dir: string, i: number): Promise<{ child: ChildProcess; out: number; err: number }> {
  const [o, e] = [pipe(dir, `o${i}`), pipe(dir, `e${i}`)];
  const child = spawn(prog, [log, ''], { stdio: ['ignore', 'ignore', 'inherit', o.r, e.r, 'pipe'] });
  closeSync(o.r);
  closeSync(e.r);
  const ready = (child.stdio as unknown as NodeJS.ReadableStream[])[5]!;
  ready.on('data', () => undefined);
  await new Promise<void>((r) => ready.once('close', () => r()));
  return { child, out: o.w, err: e.w };
}

/** N tasks' logging, each task 201 lines; the memory of every process it takes, then all stopped and checked. */
async function measure(prog: string, n: number, shared: boolean): Promise<Mem> {
  const dir = mkdtempSync(join(tmpdir(), 'claude-bench-logwriter-'));
  try {
    let writerPid: number | null = null;
    if (shared) writerPid = (await ensureLogWriter(dir)).pid;
    const tasks = [];
    for (let i = 0; i < n; i++) tasks.push(await shimStart(shared ? installLogWriter(dir).helper : prog, join(dir, `t${i}.log`), dir, i));
    for (const [i, t] of tasks.entries()) {
      for (let j = 0; j < 200; j++) writeSync(t.out, `task ${i} line ${j} ${'x'.repeat(100)}\n`);
      writeSync(t.err, `task ${i} an error line\n`);
    }
    await sleep(500);
    const m = sum([...tasks.map((t) => mem(t.child.pid!)), ...(writerPid ? [mem(writerPid)] : [])]);
    for (const t of tasks) {
      closeSync(t.out);
      closeSync(t.err);
      t.child.kill('SIGTERM');
    }
    await Promise.all(tasks.map((t) => (t.child.exitCode !== null ? null : new Promise((r) => t.child.once('exit', r)))));
    for (let i = 0; i < n; i++) {
      const e = readLogEntries(join(dir, `t${i}.log`));
      if (e.length !== 201 || e.some((x) => !x.text.startsWith(`task ${i} `))) throw new Error(`${shared ? 'after' : 'before'}: task ${i}'s log is not what it wrote (${e.length} lines)`);
    }
    if (shared) await stopLogWriter(dir);
    return m;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function idle(cmd: string, args: string[], stdin: 'pipe' | 'ignore'): Promise<Mem> {
  const p = spawn(cmd, args, { stdio: [stdin, 'ignore', 'ignore'] });
  await sleep(1000);
  const m = mem(p.pid!);
  p.kill('SIGKILL');
  await new Promise((r) => p.once('exit', r));
  return m;
}

const mb = (kb: number) => `${(kb / 1024).toFixed(2)} MB`;
const scratch = mkdtempSync(join(tmpdir(), 'claude-bench-logwriter-'));
try {
  const load0 = loadNow();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const before = beforeWriter(scratch);
  if (!before) console.log(`before: not measured (no git, or ${BEFORE} is not in this checkout)`);
  console.log(`log writing for N running tasks, medians of ${RUNS}: private memory (PSS) of every process it takes`);
  console.log(`${'tasks'.padEnd(6)} ${'before: node writer per task'.padEnd(34)} ${'after: sh helper per task + one writer'.padEnd(40)} after/before`);
  for (const n of TASKS) {
    const b: Mem[] = [];
    const a: Mem[] = [];
    for (let r = 0; r < RUNS; r++) {
      if (before) b.push(await measure(before, n, false));
      a.push(await measure('', n, true));
    }
    const med = (xs: Mem[]) => ({ privateKb: median(xs.map((m) => m.privateKb)), pssKb: median(xs.map((m) => m.pssKb)) });
    const [mb0, ma] = [b.length ? med(b) : null, med(a)];
    const cell = (m: Mem | null) => (m ? `${mb(m.privateKb)} (${mb(m.pssKb)}), ${mb(m.privateKb / n)}/task` : 'not measured');
    console.log(`${String(n).padEnd(6)} ${cell(mb0).padEnd(34)} ${cell(ma).padEnd(40)} ${mb0 ? `${(ma.privateKb / mb0.privateKb).toFixed(3)}×` : ''}`);
  }
  const nodeFloor: Mem[] = [];
  const shFloor: Mem[] = [];
  for (let r = 0; r < RUNS; r++) {
    nodeFloor.push(await idle(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], 'ignore'));
    shFloor.push(await idle('/bin/sh', ['-c', 'read x'], 'pipe'));
  }
  console.log(`floors: an idle node ${mb(median(nodeFloor.map((m) => m.privateKb)))} private, a /bin/sh in read ${mb(median(shFloor.map((m) => m.privateKb)))}`);
  const cpu = process.cpuUsage(cpu0);
  console.log(`load before ${load0.text}, after ${loadNow().text}; wall ${((performance.now() - t0) / 1000).toFixed(1)} s, this process's CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
