/** Learning mode's pending miss for one-shot runs: kept for PENDING_MS, taken once. */
import { afterEach, expect, it } from 'vitest';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { notePending, PENDING_MS, takePending } from './learning.js';

const dirs: string[] = [];
const dataDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'claude-learning-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const NOW = new Date('2026-12-06T07:00:00Z');

it('a recent miss is taken once; the file is gone after', () => {
  const d = dataDir();
  notePending(d, 'spin up the kv thingy', NOW);
  expect(takePending(d, new Date(NOW.getTime() + PENDING_MS - 1000))).toBe('spin up the kv thingy');
  expect(takePending(d, NOW)).toBeUndefined();
  expect(existsSync(join(d, 'learn-pending.json'))).toBe(false);
});

it('a miss older than PENDING_MS, or from the future, or unreadable, is dropped and never learned', () => {
  const d = dataDir();
  notePending(d, 'old', NOW);
  expect(takePending(d, new Date(NOW.getTime() + PENDING_MS + 1000))).toBeUndefined();
  expect(existsSync(join(d, 'learn-pending.json'))).toBe(false);
  notePending(d, 'later', new Date(NOW.getTime() + 60_000));
  expect(takePending(d, NOW)).toBeUndefined();
  writeFileSync(join(d, 'learn-pending.json'), '{not json');
  expect(takePending(d, NOW)).toBeUndefined();
  expect(existsSync(join(d, 'learn-pending.json'))).toBe(false);
});
