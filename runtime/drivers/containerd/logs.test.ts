/**
 * Log rotation on real files (./logs.ts): the live file is copied to `.1` and truncated at
 * the size limit, older files shift up and the one beyond `keep` goes; a writer that keeps
 * its file open for append (as containerd's shim does) goes on writing at the new end; and
 * readers see the rotated files and the live one as one stream, a line split by the rotation whole.
 * And the shared log writer (./log-writer.ts), with each task's helper run as the shim runs it
 * (the task's stdout on fd 3, its stderr on fd 4, ready when fd 5 closes): each line with the
 * time it arrived and its stream; one writer process for every task, their logs kept apart;
 * a writer stopped or killed is replaced and reads on, losing no line.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { execFileSync, spawn } from 'node:child_process';
import { appendFileSync, closeSync, constants, existsSync, openSync, readdirSync, readFileSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { tempDirs } from '../../testutil/tempdirs.js';
import { cursorAfter, entriesAfter, logFiles, logRotationFromEnv, PARTIAL_WAIT_MS, readLogEntries, readLogLines, rotateLog } from './logs.js';
import { ensureLogWriter, installLogWriter, logWriterUri, MAX_RECORD_BYTES, stopLogWriter } from './log-writer.js';

const dirs = tempDirs('claude-logs-');
afterEach(() => dirs.cleanup());

describe('log rotation', () => {
  it('rotates at the limit, keeps N, and an append-mode writer goes on at the new end', () => {
    const live = join(dirs.make(), 'c.log');
    const fd = openSync(live, 'a'); // the shim's file:// stdio: opened once, for append
    const r = { maxBytes: 1000, keep: 2 };
    let i = 0;
    const write = (count: number) => {
      for (let k = 0; k < count; k++) writeSync(fd, `line-${String(i++).padStart(5, '0')} ${'x'.repeat(40)}\n`);
    };
    try {
      write(10); // 520 bytes: under the limit
      expect(rotateLog(live, r)).toBe(false);
      write(10); // 1040 bytes
      expect(rotateLog(live, r)).toBe(true);
      expect(statSync(live).size).toBe(0);
      expect(statSync(`${live}.1`).size).toBe(1040);
      write(3); // lands at the start of the truncated file, not after a hole
      expect(statSync(live).size).toBe(156);
      expect(readFileSync(live, 'utf8').startsWith('line-00020')).toBe(true);
      write(20);
      expect(rotateLog(live, r)).toBe(true);
      write(25);
      expect(rotateLog(live, r)).toBe(true); // the first rotated file is dropped (keep 2)
      expect(logFiles(live)).toEqual([`${live}.2`, `${live}.1`, live]);
      expect(existsSync(`${live}.3`)).toBe(false);
      write(2);
      // Read as one stream: consecutive, from the oldest kept line to the newest.
      const lines = readLogLines(live);
      const nums = lines.map((l) => Number(/^line-(\d+)/.exec(l)![1]));
      expect(nums).toEqual(Array.from({ length: nums.length }, (_, k) => nums[0]! + k));
      expect(nums[0]).toBe(20);
      expect(nums.at(-1)).toBe(i - 1);
      expect(readLogLines(live, 3).map((l) => l.slice(0, 10))).toEqual([`line-${String(i - 3).padStart(5, '0')}`, `line-${String(i - 2).padStart(5, '0')}`, `line-${String(i - 1).padStart(5, '0')}`]);
    } finally {
      closeSync(fd);
    }
  });

  it('a line split by a rotation reads whole', () => {
    const live = join(dirs.make(), 'c.log');
    appendFileSync(live, 'first\nhalf of a ');
    expect(rotateLog(live, { maxBytes: 5, keep: 3 })).toBe(true);
    appendFileSync(live, 'line\nlast\n');
    expect(readLogLines(live)).toEqual(['first', 'half of a line', 'last']);
  });

  it('a follower (`logs -f`) gets a long line whose parts were interleaved with the other stream: once, whole, in its place (review M4)', () => {
    const live = join(dirs.make(), 'c.log');
    // its parts 100 ms apart, polled at the time of the last record: well within PARTIAL_WAIT_MS
    const t = (n: number) => `2026-12-06T00:00:00.${n}00000000Z`;
    // what a follower does (docker-view.ts): deliver the whole lines after its cursor, poll again
    const got: string[] = [];
    let cursor = cursorAfter([]);
    let clock = 0;
    const poll = () => {
      const now = readLogEntries(live, { complete: true, now: Date.parse(t(clock)) });
      got.push(...entriesAfter(now, cursor).map((e) => `${e.stream} ${e.text}`));
      cursor = cursorAfter(now);
    };
    appendFileSync(live, `${t(1)} stdout F before\n${t(2)} stdout P long-a \n${t(3)} stderr F meanwhile\n`);
    clock = 3;
    poll();
    appendFileSync(live, `${t(4)} stdout P long-b \n`);
    clock = 4;
    poll();
    appendFileSync(live, `${t(5)} stdout F long-c\n${t(6)} stderr F after\n`);
    clock = 6;
    poll();
    poll();
    expect(got).toEqual(['stdout before', 'stdout long-a long-b long-c', 'stderr meanwhile', 'stderr after']);
    // read whole (not following), the line is in its place too, and an unfinished one is shown
    appendFileSync(live, `${t(7)} stderr P unfinished \n${t(8)} stdout F last\n`);
    expect(readLogLines(live)).toEqual(['before', 'long-a long-b long-c', 'meanwhile', 'after', 'unfinished ', 'last']);
  });

  it('a follower is not held back by an orphan `P` part (its task exited before the line ended): past PARTIAL_WAIT_MS, by the clock or by the newer lines of the log, it and what came after are shown, and a late rest of it is a line of its own (review 17 LOW-1)', () => {
    const live = join(dirs.make(), 'c.log');
    const base = Date.parse('2026-12-06T00:00:00.000Z');
    const t = (ms: number) => new Date(base + ms).toISOString().replace('Z', '000000Z');
    const got: string[] = [];
    let cursor = cursorAfter([]);
    const poll = (now: number) => {
      const all = readLogEntries(live, { complete: true, now: base + now });
      got.push(...entriesAfter(all, cursor).map((e) => `${e.stream} ${e.text}`));
      cursor = cursorAfter(all);
    };
    appendFileSync(live, `${t(0)} stdout F before\n${t(100)} stderr P orphan \n${t(200)} stdout F one\n`);
    poll(300);
    // still within the wait: the part may yet be continued, so it and what followed wait
    expect(got).toEqual(['stdout before']);
    // the clock goes past the wait: shown as it is, and the line after it
    poll(PARTIAL_WAIT_MS + 500);
    expect(got).toEqual(['stdout before', 'stderr orphan ', 'stdout one']);
    appendFileSync(live, `${t(PARTIAL_WAIT_MS + 600)} stdout F two\n`);
    poll(PARTIAL_WAIT_MS + 700);
    // its stream goes on later (a new writer finished the line): the rest is a new line, not lost
    appendFileSync(live, `${t(PARTIAL_WAIT_MS + 800)} stderr F rest\n`);
    poll(PARTIAL_WAIT_MS + 900);
    expect(got).toEqual(['stdout before', 'stderr orphan ', 'stdout one', 'stdout two', 'stderr rest']);
    // read whole (not following), the parts are one line
    expect(readLogLines(live)).toEqual(['before', 'orphan rest', 'one', 'two']);

    // with the reader's clock not past the wait (a clock behind the writer's), the log's own newer
    // lines show that the part is old
    const live2 = join(dirs.make(), 'c.log');
    appendFileSync(live2, `${t(100)} stderr P orphan \n${t(200)} stdout F one\n${t(PARTIAL_WAIT_MS + 300)} stdout F two\n`);
    expect(readLogEntries(live2, { complete: true, now: base + 200 }).map((e) => e.text)).toEqual(['orphan ', 'one', 'two']);
  });

  it('takes its limits from CLAUDE_LOG_MAX_BYTES / CLAUDE_LOG_KEEP, and refuses a bad value clearly', () => {
    expect(logRotationFromEnv({})).toEqual({ maxBytes: 10 * 1024 * 1024, keep: 3 });
    expect(logRotationFromEnv({ CLAUDE_LOG_MAX_BYTES: '65536', CLAUDE_LOG_KEEP: '5' })).toEqual({ maxBytes: 65536, keep: 5 });
    expect(() => logRotationFromEnv({ CLAUDE_LOG_MAX_BYTES: '10m' })).toThrow(/CLAUDE_LOG_MAX_BYTES='10m' is not valid: use a whole number of at least 1024 \(bytes/);
    expect(() => logRotationFromEnv({ CLAUDE_LOG_KEEP: '0' })).toThrow(/CLAUDE_LOG_KEEP='0' is not valid: use a whole number of at least 1 \(rotated files kept/);
  });
});

/**
 * A task's side of the helper, run as containerd's shim runs it: fd 3 stdout, fd 4 stderr,
 * ready when fd 5 closes. The shim's are pipes (node's 'pipe' stdio is a socket, which
 * /proc/<pid>/fd cannot open), so these are FIFOs, opened the same way by the writer.
 */
async function shimRun(helper: string, log: string) {
  const pipe = () => {
    const p = join(dirs.make(), 'pipe');
    execFileSync('mkfifo', [p]);
    const r = openSync(p, constants.O_RDONLY | constants.O_NONBLOCK);
    return { r, w: openSync(p, constants.O_WRONLY) };
  };
  const [o, e] = [pipe(), pipe()];
  const child = spawn(helper, [log, ''], { stdio: ['ignore', 'ignore', 'pipe', o.r, e.r, 'pipe'] });
  closeSync(o.r);
  closeSync(e.r);
  let helperErr = '';
  child.stderr!.on('data', (d) => (helperErr += d));
  const ready = (child.stdio as unknown as Readable[])[5]!;
  await new Promise<void>((resolve, reject) => {
    ready.on('data', () => undefined);
    ready.once('close', resolve);
    child.once('exit', (code) => reject(new Error(`the helper exited (${code}) before it was ready: ${helperErr}`)));
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  let open = true;
  const end = () => {
    if (!open) return;
    open = false;
    closeSync(o.w);
    closeSync(e.w);
  };
  return {
    child,
    out: { write: (s: string) => writeSync(o.w, s) },
    err: { write: (s: string) => writeSync(e.w, s) },
    /** What the shim does when the task is deleted: close its ends, SIGTERM, wait for the helper to exit. */
    async close(): Promise<number | null> {
      end();
      child.kill('SIGTERM');
      return exited;
    },
  };
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the log writer', () => {
  const started: string[] = [];
  afterEach(async () => {
    for (const d of started.splice(0)) await stopLogWriter(d);
  });
  const writerDir = () => {
    const d = dirs.make();
    started.push(d);
    return d;
  };

  it('writes each line with the time it arrived and its stream; a long line in parts read whole; an unfinished last line kept; ready before the task writes; the helper exits once all is written', async () => {
    const dir = writerDir();
    const files = installLogWriter(dir);
    expect(installLogWriter(dir)).toEqual(files); // the same content is not written again
    for (const f of [files.helper, files.writer]) expect(statSync(f).mode & 0o111).not.toBe(0);
    expect(readFileSync(files.writer, 'utf8').split('\n')[0]).toBe(`#!${process.execPath}`);
    expect(readFileSync(files.helper, 'utf8').split('\n')[0]).toBe('#!/bin/sh');
    const live = join(dir, 'c.log');
    // the URI the shim gets: its one query key (the log file) is the helper's argument
    const uri = new URL(logWriterUri(files.helper, live));
    expect(uri.protocol).toBe('binary:');
    expect(decodeURIComponent(uri.pathname)).toBe(files.helper);
    expect(decodeURIComponent(uri.search.slice(1))).toBe(live);
    appendFileSync(live, 'a line from before the writer\n'); // the shim's file:// stdio, before
    await ensureLogWriter(dir);
    const task = await shimRun(files.helper, live);
    const t0 = new Date().toISOString();
    task.out.write('first\nsecond');
    await pause(30);
    task.err.write('an error\n');
    await pause(30);
    const long = 'x'.repeat(MAX_RECORD_BYTES * 2 + 100);
    task.out.write(' line\n' + long + '\nunfinished');
    const code = await task.close();
    const t1 = new Date().toISOString();
    expect(code).toBe(0);
    // the helper exited only once the writer had written everything: no wait needed here
    const entries = readLogEntries(live);
    expect(entries.map((e) => [e.stream, e.text.length > 50 ? `${e.text.length} x` : e.text])).toEqual([
      ['stdout', 'a line from before the writer'],
      ['stdout', 'first'],
      ['stderr', 'an error'],
      ['stdout', 'second line'],
      ['stdout', `${long.length} x`],
      ['stdout', 'unfinished'],
    ]);
    expect(entries[4]!.text).toBe(long);
    // the old line has no time; every other line the time it arrived, in order, RFC 3339 with 9 fraction digits
    expect(entries[0]!.time).toBe('');
    const times = entries.slice(1).map((e) => e.time);
    for (const t of times) expect(t).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
    expect([...times].sort()).toEqual(times);
    expect(times[0]! >= t0.slice(0, 23) && times.at(-1)!.slice(0, 23) <= t1.slice(0, 23)).toBe(true);
    // "first" arrived before "an error", which arrived before the end of "second line"
    expect(times[0]! < times[1]! && times[1]! < times[2]!).toBe(true);
    // the long line went as parts, each at most MAX_RECORD_BYTES
    const records = readFileSync(live, 'utf8').split('\n').filter((l) => / stdout P /.test(l));
    expect(records.length).toBe(2);
    expect(readLogLines(live, 2)).toEqual([long, 'unfinished']);
    // the helper's registration is gone with it
    expect(readdirSync(join(dir, 'log-tasks'))).toEqual([]);
  });

  it('one writer process serves every task, and keeps their logs apart', async () => {
    const dir = writerDir();
    const files = installLogWriter(dir);
    const { helper } = files;
    const { pid } = await ensureLogWriter(dir);
    // a second call finds it running, and gives the files it made sure of (not installed again by its caller)
    expect(await ensureLogWriter(dir)).toEqual({ ...files, pid });
    const [a, b] = [join(dir, 'a.log'), join(dir, 'b.log')];
    const ta = await shimRun(helper, a);
    const tb = await shimRun(helper, b);
    for (let i = 0; i < 50; i++) {
      ta.out.write(`a-out-${i}\n`);
      tb.out.write(`b-out-${i}\n`);
      if (i % 10 === 0) {
        ta.err.write(`a-err-${i}\n`);
        tb.err.write(`b-err-${i}\n`);
      }
    }
    expect((await ensureLogWriter(dir)).pid).toBe(pid);
    expect(await ta.close()).toBe(0);
    expect(await tb.close()).toBe(0);
    for (const [log, who] of [[a, 'a'], [b, 'b']] as const) {
      const e = readLogEntries(log);
      expect(e.filter((x) => x.stream === 'stdout').map((x) => x.text)).toEqual(Array.from({ length: 50 }, (_, i) => `${who}-out-${i}`));
      expect(e.filter((x) => x.stream === 'stderr').map((x) => x.text)).toEqual([0, 10, 20, 30, 40].map((i) => `${who}-err-${i}`));
    }
  });

  it('a writer that holds its socket but does not answer (SIGSTOP) is an error naming it within the deadline, not a wait forever', async () => {
    const dir = writerDir();
    const { pid } = await ensureLogWriter(dir);
    process.kill(pid, 'SIGSTOP');
    try {
      const t0 = Date.now();
      await expect(ensureLogWriter(dir, 3_000)).rejects.toThrow(/holds .*log-writer\.sock but does not answer .*log-writer\.pid/);
      expect(Date.now() - t0).toBeLessThan(20_000);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    expect((await ensureLogWriter(dir)).pid).toBe(pid); // answering again once continued
  }, 30_000);

  it('starts made together where a writer died (its socket left behind) run one writer, not one each (log-writer.lock)', async () => {
    const dir = writerDir();
    const { socket } = installLogWriter(dir);
    const alive = () => writerPids(dir);
    for (let round = 0; round < 4; round++) {
      const before = (await ensureLogWriter(dir)).pid;
      process.kill(before, 'SIGKILL'); // dies without removing its socket: the next starts find it stale
      await until(() => !alive().includes(before));
      expect(existsSync(socket)).toBe(true);
      const got = await Promise.all([1, 2, 3, 4].map(() => ensureLogWriter(dir)));
      const pids = new Set(got.map((w) => w.pid));
      expect(pids.size).toBe(1);
      // No second writer was started: one would still be starting now, or listening
      // beside the first once both had removed the stale socket.
      const seen = new Set<number>();
      for (let t0 = Date.now(); Date.now() - t0 < 500; await pause(10)) for (const p of alive()) seen.add(p);
      expect([...seen]).toEqual([...pids]);
    }
    expect(existsSync(join(dir, 'log-writer.lock'))).toBe(false); // released
  }, 60_000);

  it('a writer that starts late (its starter gave up, another took over) exits: it does not take the socket from the one running', async () => {
    const dir = writerDir();
    const { writer, socket } = installLogWriter(dir);
    const first = (await ensureLogWriter(dir)).pid;
    process.kill(first, 'SIGKILL'); // its socket file stays behind
    await until(() => !writerPids(dir).includes(first));
    // The late writer: held just before it removes the socket file (as a slow start under load is),
    // until the test lets it go on.
    const [waiting, go, preload] = ['late-waiting', 'late-go', 'late.cjs'].map((f) => join(dir, f)) as [string, string, string];
    writeFileSync(
      preload,
      `const fs = require('node:fs'); const rm = fs.rmSync; const nap = new Int32Array(new SharedArrayBuffer(4));
fs.rmSync = (p, o) => { if (p === ${JSON.stringify(socket)}) { fs.writeFileSync(${JSON.stringify(waiting)}, ''); for (let i = 0; i < 400 && !fs.existsSync(${JSON.stringify(go)}); i++) Atomics.wait(nap, 0, 0, 50); } return rm(p, o); };
`,
    );
    const late = spawn(writer, [dir, socket], { detached: true, stdio: 'ignore', env: { ...process.env, NODE_OPTIONS: `--require ${preload}` } });
    late.unref();
    try {
      await until(() => existsSync(waiting));
      const next = ensureLogWriter(dir);
      await Promise.race([next, pause(3000)]);
      writeFileSync(go, '');
      const { pid } = await next;
      await pause(1000); // the late one has gone on by now
      expect(writerPids(dir)).toEqual([pid]);
      expect((await ensureLogWriter(dir)).pid).toBe(pid);
    } finally {
      for (const p of writerPids(dir)) process.kill(p, 'SIGKILL');
    }
  }, 60_000);

  it('each line has the wall clock time it arrived, also after the clock is stepped (NTP after boot)', async () => {
    const dir = writerDir();
    const { helper, stepFile } = await writerWithSteppedClock(dir);
    const live = join(dir, 'c.log');
    const task = await shimRun(helper, live);
    task.out.write('before the step\n');
    await pause(100);
    const hour = 3_600_000;
    writeFileSync(stepFile, String(hour));
    task.out.write('after the step\n');
    await pause(100);
    writeFileSync(stepFile, '0'); // and back
    task.out.write('stepped back\n');
    expect(await task.close()).toBe(0);
    const e = readLogEntries(live);
    expect(e.map((x) => x.text)).toEqual(['before the step', 'after the step', 'stepped back']);
    const [a, b, c] = e.map((x) => Date.parse(x.time));
    expect(b! - a!).toBeGreaterThanOrEqual(hour);
    expect(b! - a!).toBeLessThan(hour + 10_000);
    expect(c! - a!).toBeGreaterThanOrEqual(0);
    expect(c! - a!).toBeLessThan(10_000);
  });

  it('a clock that goes back by under a second (slew, or Date.now cut to whole ms) never puts a line before the one written ahead of it', async () => {
    // CI of 2026-12-05 11:18: the last of five lines was stamped 0.2 ms before the two ahead of it
    // when Date.now's whole millisecond disagreed with the monotonic anchor.
    const dir = writerDir();
    const { helper, stepFile } = await writerWithSteppedClock(dir);
    const live = join(dir, 'c.log');
    const task = await shimRun(helper, live);
    task.out.write('one\n');
    await pause(100);
    writeFileSync(stepFile, '-500');
    task.out.write('two\n');
    await pause(100);
    task.out.write('three\n');
    await pause(50);
    writeFileSync(stepFile, '-1');
    task.out.write('four\n');
    expect(await task.close()).toBe(0);
    const e = readLogEntries(live);
    expect(e.map((x) => x.text)).toEqual(['one', 'two', 'three', 'four']);
    const times = e.map((x) => x.time);
    expect([...times].sort()).toEqual(times);
    expect(new Set(times).size).toBe(4);
  });

  it('a task made while no writer runs yet (its start is under way beside the create) is let on at once; the writer, once up, adopts its pipes and no line is lost', async () => {
    const dir = writerDir();
    const { helper } = installLogWriter(dir);
    writeFileSync(join(dir, 'log-writer.pid'), `${process.pid}\n`); // a live pid that is not this dir's writer
    const live = join(dir, 'c.log');
    // before: the helper waited for a writer's `ready` (and the shim with it) however long its start took
    const held = await Promise.race([shimRun(helper, live), pause(5_000).then(() => null)]);
    expect(held).not.toBeNull();
    const task = held!;
    task.out.write('early one\n');
    task.err.write('early two\n');
    const { pid } = await ensureLogWriter(dir);
    task.out.write('late\n');
    expect(await task.close()).toBe(0);
    expect(readLogEntries(live).map((e) => `${e.stream} ${e.text}`).sort()).toEqual(['stderr early two', 'stdout early one', 'stdout late']);
    // with the writer running, a task is let on only once the writer has its pipes (so its first line has its time): held while it is stopped
    process.kill(pid, 'SIGSTOP');
    let next: Awaited<ReturnType<typeof shimRun>> | undefined;
    try {
      const run = shimRun(helper, join(dir, 'd.log'));
      expect(await Promise.race([run.then(() => 'let on'), pause(1_500).then(() => 'held')])).toBe('held');
      process.kill(pid, 'SIGCONT');
      next = await run;
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    expect(await next.close()).toBe(0);
  });

  it('a writer that is stopped or killed is replaced, and the new one reads on: no line is lost, an unfinished line stays whole', async () => {
    const dir = writerDir();
    const { helper } = installLogWriter(dir);
    const { pid: first } = await ensureLogWriter(dir);
    const live = join(dir, 'c.log');
    const task = await shimRun(helper, live);
    let n = 0;
    const lines = async (k: number) => {
      for (let i = 0; i < k; i++) task.out.write(`line-${n++}\n`);
      await pause(50);
    };
    await lines(20);
    task.out.write('half of a ');
    await pause(100);
    await stopLogWriter(dir); // SIGTERM: the unfinished line is written as a part
    await lines(0);
    task.out.write('line\n');
    await lines(20); // written while no writer runs: they wait in the pipe
    const { pid: second } = await ensureLogWriter(dir);
    expect(second).not.toBe(first);
    await lines(20);
    process.kill(second, 'SIGKILL'); // killed outright
    await until(() => !existsSync(`/proc/${second}`) || readFileSync(`/proc/${second}/stat`, 'utf8').includes(') Z '));
    await lines(20);
    const { pid: third } = await ensureLogWriter(dir);
    expect(third).not.toBe(second);
    await lines(20);
    expect(await task.close()).toBe(0);
    const got = readLogEntries(live).map((e) => e.text);
    expect(got).toEqual([...Array.from({ length: 20 }, (_, i) => `line-${i}`), 'half of a line', ...Array.from({ length: 80 }, (_, i) => `line-${i + 20}`)]);
  });
});

/** The live writer processes of `dir`. */
function writerPids(dir: string): number[] {
  const writer = join(dir, 'log-writer.cjs');
  return readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        return readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(writer) && !readFileSync(`/proc/${p}/stat`, 'utf8').includes(') Z ');
      } catch {
        return false;
      }
    })
    .map(Number);
}

async function until(f: () => boolean, ms = 10_000): Promise<void> {
  const t0 = Date.now();
  while (!f()) {
    if (Date.now() - t0 > ms) throw new Error('timed out');
    await pause(20);
  }
}

/**
 * Starts a writer whose view of the system clock the test steps: Date.now() plus the offset in
 * the returned file, as a clock step changes what the system clock (CLOCK_REALTIME) reads.
 */
async function writerWithSteppedClock(dir: string): Promise<{ helper: string; stepFile: string }> {
  const stepFile = join(dir, 'clock-step-ms');
  const preload = join(dir, 'clock-step.cjs');
  writeFileSync(preload, `const fs = require('node:fs'); const real = Date.now; Date.now = () => { let o = 0; try { o = Number(fs.readFileSync(${JSON.stringify(stepFile)}, 'utf8')); } catch {} return real() + o; };\n`);
  const saved = process.env.NODE_OPTIONS;
  process.env.NODE_OPTIONS = `${saved ?? ''} --require ${preload}`;
  try {
    return { helper: (await ensureLogWriter(dir)).helper, stepFile };
  } finally {
    if (saved === undefined) delete process.env.NODE_OPTIONS;
    else process.env.NODE_OPTIONS = saved;
  }
}
