/**
 * `claude plan`'s writer of a large plan's review file (cli/commands/plan.ts writeLines): each
 * line encoded into one buffer, written when full. The file is byte for byte the lines joined
 * with newlines (multi-byte characters and lines across the buffer's edge, a line longer than
 * the buffer, lines holding newlines of their own), the count is the file's lines, and a failure
 * part-way leaves neither the file changed nor a temp file.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { writeLines } from './plan.js';

function inDir<T>(f: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), `claude-write-lines-${process.pid}-`));
  try {
    return f(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const expected = (lines: string[]) => Buffer.from(lines.map((l) => l + '\n').join(''), 'utf8');

describe('writeLines (the review file of a large plan)', () => {
  it('writes the lines joined by newlines, across the buffer edge, and counts the file\'s lines', () => {
    // box-drawing and astral characters (3 and 4 bytes), lines long enough to cross 256 KiB many times
    const unit = fc.constantFrom('a', '│', '─', '😀', 'é', ' ', '\n');
    fc.assert(
      fc.property(fc.array(fc.array(unit, { maxLength: 40 }).map((u) => u.join('')), { maxLength: 300 }), fc.nat({ max: 200_000 }), (lines, pad) => {
        const all = pad ? ['─'.repeat(pad), ...lines, 'x'.repeat(pad >> 1)] : lines;
        inDir((dir) => {
          const path = join(dir, 'plan.review.txt');
          const n = writeLines(path, all);
          const bytes = readFileSync(path);
          expect(bytes.equals(expected(all))).toBe(true);
          expect(n).toBe(bytes.toString('utf8').split('\n').length - 1);
          expect(readdirSync(dir)).toEqual(['plan.review.txt']);
        });
      }),
      { numRuns: 60 },
    );
  });

  it('writes a line larger than its buffer whole', () => {
    inDir((dir) => {
      const path = join(dir, 'r.txt');
      const lines = ['head', '│'.repeat(300_000), 'tail'];
      expect(writeLines(path, lines)).toBe(3);
      expect(readFileSync(path).equals(expected(lines))).toBe(true);
    });
  });

  it('leaves the old file and no temp file when the lines fail part-way', () => {
    inDir((dir) => {
      const path = join(dir, 'r.txt');
      writeFileSync(path, 'old review\n');
      function* failing(): Generator<string> {
        for (let i = 0; i < 100_000; i++) yield `line ${i} ─────`;
        throw new Error('the renderer failed');
      }
      expect(() => writeLines(path, failing())).toThrow('the renderer failed');
      expect(readFileSync(path, 'utf8')).toBe('old review\n');
      expect(readdirSync(dir)).toEqual(['r.txt']);
    });
  });
});
