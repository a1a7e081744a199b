import { execFileSync, spawn } from 'node:child_process';
import { closeSync, constants, openSync, readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lazyOutput } from './stdio.js';

const lines = (n: number) => Array.from({ length: n }, (_, i) => `line ${i} ${'x'.repeat(90)}\n`);

describe('lazyOutput (cli/stdio.ts)', () => {
  it('writes straight to the fd, in order, and makes no stream until something else is asked for', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'claude-stdio-'));
    try {
      const file = join(tmp, 'out');
      const fd = openSync(file, 'w');
      let made = 0;
      const out = lazyOutput(fd, () => {
        made++;
        throw new Error('not to be made');
      });
      for (const l of lines(50)) out.write(l);
      out.write(Buffer.from('bytes\n'));
      let called = false;
      out.write('last\n', () => (called = true));
      closeSync(fd);
      expect(made).toBe(0);
      expect(out.made()).toBe(false);
      expect(readFileSync(file, 'utf8')).toBe(lines(50).join('') + 'bytes\nlast\n');
      return new Promise<void>((done) => setImmediate(() => (expect(called).toBe(true), done())));
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('hands the rest to the real stream when a non-blocking pipe is full (EAGAIN), and every byte arrives in order', async () => {
    // a pipe (a FIFO) whose reader starts late, written through a non-blocking fd (as a parent that set O_NONBLOCK leaves it)
    const tmp = mkdtempSync(join(tmpdir(), 'claude-stdio-'));
    const fifo = join(tmp, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const reader = spawn('sh', ['-c', 'sleep 0.5; exec cat "$0"', fifo], { stdio: ['ignore', 'pipe', 'inherit'] });
    const got: Buffer[] = [];
    reader.stdout.on('data', (b: Buffer) => got.push(b));
    const ended = new Promise<void>((r) => reader.on('close', () => r()));
    try {
      // O_RDWR: a FIFO opened non-blocking for writing alone needs a reader already there
      const fd = openSync(fifo, constants.O_RDWR | constants.O_NONBLOCK);
      let real: Socket | undefined;
      const out = lazyOutput(fd, () => (real = new Socket({ fd, readable: false, writable: true })));
      const want = lines(12_000); // ≈ 1.2 MB, far past a pipe's 64 KB
      try {
        for (const l of want) out.write(l);
        expect(out.made()).toBe(true);
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

  it('a property other than write makes the real stream once, and it is the one used from then on', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'claude-stdio-'));
    try {
      const file = join(tmp, 'out');
      writeFileSync(file, '');
      const fd = openSync(file, 'w');
      const calls: string[] = [];
      const fake = { isTTY: false, columns: undefined, write: (s: string) => (calls.push(s), true) };
      let made = 0;
      const out = lazyOutput(fd, () => (made++, fake as never));
      out.write('direct\n');
      expect((out as unknown as { isTTY: boolean }).isTTY).toBe(false);
      out.write('through\n');
      expect(made).toBe(1);
      closeSync(fd);
      expect(readFileSync(file, 'utf8')).toBe('direct\n');
      expect(calls).toStrictEqual(['through\n']);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
