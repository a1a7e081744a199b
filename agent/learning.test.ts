/** Learning mode's pending miss for one-shot runs: kept for PENDING_MS, taken once. */
import { afterEach, expect, it } from 'vitest';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { notePending, PENDING_MS, takePending, terminalSession } from './learning.js';

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
const TTY = '/dev/pts/3|4242';

it('a recent miss is taken once; the file is gone after', () => {
  const d = dataDir();
  notePending(d, 'spin up the kv thingy', NOW, TTY);
  expect(takePending(d, new Date(NOW.getTime() + PENDING_MS - 1000), TTY)).toBe('spin up the kv thingy');
  expect(takePending(d, NOW, TTY)).toBeUndefined();
  expect(existsSync(join(d, 'learn-pending.json'))).toBe(false);
});

it('a miss older than PENDING_MS, or from the future, or unreadable, is dropped and never learned', () => {
  const d = dataDir();
  notePending(d, 'old', NOW, TTY);
  expect(takePending(d, new Date(NOW.getTime() + PENDING_MS + 1000), TTY)).toBeUndefined();
  expect(existsSync(join(d, 'learn-pending.json'))).toBe(false);
  notePending(d, 'later', new Date(NOW.getTime() + 60_000), TTY);
  expect(takePending(d, NOW, TTY)).toBeUndefined();
  writeFileSync(join(d, 'learn-pending.json'), '{not json');
  expect(takePending(d, NOW, TTY)).toBeUndefined();
  expect(existsSync(join(d, 'learn-pending.json'))).toBe(false);
});

// Review 20 MED-3: a miss waits only for its own terminal, and only a short while.
it('another terminal never takes a miss, and the miss stays for its own; the wait is two minutes', () => {
  const d = dataDir();
  notePending(d, 'make it snappy', NOW, TTY);
  expect(takePending(d, NOW, '/dev/pts/7|999')).toBeUndefined();
  expect(takePending(d, NOW, '/dev/pts/3|5151')).toBeUndefined();
  expect(takePending(d, NOW, TTY)).toBe('make it snappy');
  expect(PENDING_MS).toBeLessThanOrEqual(2 * 60_000);
});

it('a command without a terminal has no session, so it neither leaves a miss nor learns one', () => {
  expect(terminalSession({ CLAUDE_TERMINAL_SESSION: '' })).toBeUndefined();
  expect(terminalSession({ CLAUDE_TERMINAL_SESSION: TTY })).toBe(TTY);
});
