import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeCacheFile, writeFileAtomic } from './fsutil.js';

const dir = mkdtempSync(join(tmpdir(), 'claude-fsutil-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('writeFileAtomic', () => {
  it('writes a long string slice by slice with the bytes of Buffer.from(text), a surrogate pair across a slice edge kept whole', () => {
    const slice = 1 << 20;
    // 🚀 is a surrogate pair: put one across each of the first two slice edges (the first slice
    // ends one unit early, so the second edge is at 2 × slice - 1), with 2- and 3-byte characters around
    const text = 'a'.repeat(slice - 1) + '🚀' + 'ü→'.repeat(slice / 2 - 2) + 'x🚀' + 'é'.repeat(12345) + '\n';
    expect(text.charCodeAt(slice - 1)).toBe(0xd83d);
    expect(text.charCodeAt(2 * slice - 2)).toBe(0xd83d);
    const file = join(dir, 'big.txt');
    writeFileAtomic(file, text);
    expect(readFileSync(file).equals(Buffer.from(text))).toBe(true);
    // and a short one, and bytes, as before
    writeFileAtomic(file, 'short ü');
    expect(readFileSync(file, 'utf8')).toBe('short ü');
    writeFileAtomic(file, Buffer.from([1, 2, 3]));
    expect([...readFileSync(file)]).toEqual([1, 2, 3]);
    expect(readdirSync(dir)).toEqual(['big.txt']); // no temp file left
  });
});

describe('writeFileAtomic with pieces', () => {
  it('writes strings (as UTF-8) and bytes in order through the scratch buffer, a piece larger than it on its own', () => {
    const big = 'ü🚀'.repeat(600_000); // 1.2M units, 3.6 MB: more than the 1 MiB buffer
    const pieces: (string | Uint8Array)[] = ['{"a":', Buffer.from([0x31, 0x2c]), 'é'.repeat(400_000), big, new Uint8Array(2 << 20).fill(0x41), 'end\n'];
    const file = join(dir, 'pieces.txt');
    let calls = 0;
    writeFileAtomic(file, { each: (put) => { calls++; for (const p of pieces) put(p); } });
    expect(calls).toBe(1);
    expect(readFileSync(file).equals(Buffer.concat(pieces.map((p) => (typeof p === 'string' ? Buffer.from(p) : p))))).toBe(true);
    writeFileAtomic(file, { each: () => {} });
    expect(readFileSync(file).length).toBe(0);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

describe('writeCacheFile', () => {
  it('makes a missing cache dir (mode 0700, parents too) and writes the file whole (mode 0600), leaving no temp file', () => {
    const cache = join(dir, 'data', 'cache', 'compiled');
    const file = join(cache, 'entry.json');
    writeCacheFile(file, '{"a":1}');
    expect(readFileSync(file, 'utf8')).toBe('{"a":1}');
    expect(statSync(cache).mode & 0o777).toBe(0o700);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    writeCacheFile(file, '{"a":2}');
    expect(readFileSync(file, 'utf8')).toBe('{"a":2}');
    expect(readdirSync(cache)).toEqual(['entry.json']);
  });

  it('a path whose parent is a file is an error, and leaves nothing behind', () => {
    writeFileAtomic(join(dir, 'plain'), 'x');
    expect(() => writeCacheFile(join(dir, 'plain', 'entry.json'), '{}')).toThrow(/ENOTDIR/);
    expect(readFileSync(join(dir, 'plain'), 'utf8')).toBe('x');
  });
});
