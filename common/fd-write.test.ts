import { execFileSync, spawn } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, rmSync } from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeAllSync } from './fd-write.js';

describe('writeAllSync (common/fd-write.ts: cli/stdio.ts lazyOutput and common/trace.ts)', () => {
  it('on a full non-blocking pipe, hands what the fd did not take (in part or not at all) to the stream: every byte arrives, in order', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'claude-fdwrite-'));
    const fifo = join(tmp, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const reader = spawn('sh', ['-c', 'sleep 0.5; exec cat "$0"', fifo], { stdio: ['ignore', 'pipe', 'inherit'] });
    const got: Buffer[] = [];
    reader.stdout.on('data', (b: Buffer) => got.push(b));
    const ended = new Promise<void>((r) => reader.on('close', () => r()));
    try {
      const fd = openSync(fifo, constants.O_RDWR | constants.O_NONBLOCK);
      let real: Socket | undefined;
      const stream = () => (real ??= new Socket({ fd, readable: false, writable: true }));
      // lines of an odd length, so the pipe's 64 KB fills in the middle of one (a partial write)
      const want = Array.from({ length: 300 }, (_, i) => `[trace] mark ${i} ${'y'.repeat(997)}\n`);
      try {
        for (const l of want) {
          if (real) real.write(l);
          else writeAllSync(fd, l, stream);
        }
        expect(real).toBeDefined();
        await new Promise<void>((r) => real!.end(r));
      } finally {
        if (real) real.destroy();
        else closeSync(fd);
      }
      await ended;
      expect(Buffer.concat(got).toString('utf8')).toBe(want.join(''));
    } finally {
      reader.kill();
      rmSync(tmp, { recursive: true, force: true });
    }
  }, 30_000);
});
