/**
 * Log rotation on real files (./logs.ts): the live file is copied to `.1` and truncated at
 * the size limit, older files shift up and the one beyond `keep` goes; a writer that keeps
 * its file open for append (as containerd's shim does) goes on writing at the new end; and
 * readers see the rotated files and the live one as one stream, a line split by the rotation whole.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { appendFileSync, closeSync, existsSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { tempDirs } from '../../testutil/tempdirs.js';
import { logFiles, logRotationFromEnv, readLogLines, rotateLog } from './logs.js';

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
