/**
 * Log rotation on real files (./logs.ts): the live file is copied to `.1` and truncated at
 * the size limit, older files shift up and the one beyond `keep` goes; a writer that keeps
 * its file open for append (as containerd's shim does) goes on writing at the new end; and
 * readers see the rotated files and the live one as one stream, a line split by the rotation whole.
 * And the log writer (./log-writer.ts), run as the shim runs it (the task's stdout on fd 3, its
 * stderr on fd 4, ready when fd 5 closes): each line with the time it arrived and its stream.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { appendFileSync, closeSync, existsSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { tempDirs } from '../../testutil/tempdirs.js';
import { logFiles, logRotationFromEnv, readLogEntries, readLogLines, rotateLog } from './logs.js';
import { installLogWriter, logWriterUri, MAX_RECORD_BYTES } from './log-writer.js';

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

  it('takes its limits from CLAUDE_LOG_MAX_BYTES / CLAUDE_LOG_KEEP, and refuses a bad value clearly', () => {
    expect(logRotationFromEnv({})).toEqual({ maxBytes: 10 * 1024 * 1024, keep: 3 });
    expect(logRotationFromEnv({ CLAUDE_LOG_MAX_BYTES: '65536', CLAUDE_LOG_KEEP: '5' })).toEqual({ maxBytes: 65536, keep: 5 });
    expect(() => logRotationFromEnv({ CLAUDE_LOG_MAX_BYTES: '10m' })).toThrow(/CLAUDE_LOG_MAX_BYTES='10m' is not valid: use a whole number of at least 1024 \(bytes/);
    expect(() => logRotationFromEnv({ CLAUDE_LOG_KEEP: '0' })).toThrow(/CLAUDE_LOG_KEEP='0' is not valid: use a whole number of at least 1 \(rotated files kept/);
  });
});

describe('the log writer', () => {
  it('writes each line with the time it arrived and its stream; a long line in parts read whole; an unfinished last line kept; ready before the task writes', async () => {
    const dir = dirs.make();
    const writer = installLogWriter(dir);
    expect(installLogWriter(dir)).toBe(writer); // the same content is not written again
    expect(statSync(writer).mode & 0o111).not.toBe(0);
    expect(readFileSync(writer, 'utf8').split('\n')[0]).toBe(`#!${process.execPath}`);
    const live = join(dir, 'c.log');
    // the URI the shim gets: its one query key (the log file) is the writer's argument
    const uri = new URL(logWriterUri(writer, live));
    expect(uri.protocol).toBe('binary:');
    expect(decodeURIComponent(uri.pathname)).toBe(writer);
    expect(decodeURIComponent(uri.search.slice(1))).toBe(live);
    appendFileSync(live, 'a line from before the writer\n'); // the shim's file:// stdio, before
    const child = spawn(writer, [live, ''], { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe', 'pipe'] });
    const stdio = child.stdio as unknown as (Readable | Writable)[];
    const [out, err, ready] = [stdio[3] as Writable, stdio[4] as Writable, stdio[5] as Readable];
    await new Promise<void>((resolve, reject) => {
      ready.on('data', () => undefined);
      ready.once('close', resolve);
      child.once('exit', (code) => reject(new Error(`the writer exited (${code}) before it was ready`)));
    });
    const t0 = new Date().toISOString();
    out.write('first\nsecond');
    await new Promise((r) => setTimeout(r, 30));
    err.write('an error\n');
    await new Promise((r) => setTimeout(r, 30));
    const long = 'x'.repeat(MAX_RECORD_BYTES * 2 + 100);
    out.write(' line\n' + long + '\nunfinished');
    out.end();
    err.end();
    const code = await new Promise((r) => child.once('exit', r));
    const t1 = new Date().toISOString();
    expect(code).toBe(0);
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
  });
});
