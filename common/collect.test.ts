/**
 * common/collect.ts: a full collection when the heap in use is above the bound, nothing below
 * it, and the gc it makes (Node runs without --expose-gc here) leaves no `gc` behind.
 */
import { describe, expect, it } from 'vitest';
import { getHeapStatistics } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { collectIfLarge } from './collect.js';

const inUse = () => getHeapStatistics().used_heap_size;

describe('collectIfLarge', () => {
  it('does nothing below its bound', () => {
    expect(collectIfLarge('test', Number.MAX_SAFE_INTEGER)).toBe(false);
  });

  it('collects the garbage when above it (the heap in use drops by what was let go)', async () => {
    let junk: object[] | undefined = [];
    for (let i = 0; i < 200_000; i++) junk.push({ i, s: `x${i}` });
    const held = inUse();
    junk = undefined;
    await new Promise((r) => setTimeout(r, 0));
    expect(collectIfLarge('test', 0)).toBe(true);
    // 200,000 objects and their strings are ≥ 10 MB; what V8 collected on its own meanwhile is far less
    expect(held - inUse()).toBeGreaterThan(5 * 1024 * 1024);
  });

  it('leaves no `gc` in this context or in new ones', () => {
    collectIfLarge('test', 0);
    expect(typeof (globalThis as { gc?: unknown }).gc).toBe('undefined');
    expect(runInNewContext('typeof gc')).toBe('undefined');
  });
});
