/**
 * Test helper: a network namespace for one test file, named per run (`<prefix>-<6 hex>`).
 * Call it at the file's top level: it registers a beforeAll that makes the namespace (`ip
 * netns add`, and `lo` up when asked) and an afterAll that removes it whenever it was made,
 * even when the file's own set-up or a test failed. Hooks run in the order they are
 * registered, so the namespace exists before the file's own beforeAll runs.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';

/** Returns the namespace's name; see the file's comment for its life. */
export function netnsPerRun(prefix: string, opts: { lo?: boolean } = {}): string {
  const name = `${prefix}-${randomBytes(3).toString('hex')}`;
  let made = false;
  beforeAll(() => {
    execFileSync('ip', ['netns', 'add', name]);
    made = true;
    if (opts.lo) execFileSync('ip', ['-n', name, 'link', 'set', 'lo', 'up']);
  });
  afterAll(() => {
    if (made) execFileSync('ip', ['netns', 'del', name]);
  });
  return name;
}
