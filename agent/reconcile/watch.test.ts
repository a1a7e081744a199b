/**
 * The state-dir watcher on a real directory (inotify through fs.watch): a burst of writes
 * is one call, a save by rename counts, a delete counts, other files do not.
 */
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDirs } from '../../runtime/testutil/tempdirs.js';
import { StateDirWatcher } from './watch.js';

const tmp = tempDirs('claude-watch-');
const watchers: StateDirWatcher[] = [];
afterEach(() => {
  for (const w of watchers.splice(0)) w.stop();
  tmp.cleanup();
});

const NAMES = ['manifest.yaml', 'services.yaml'];
function watchDir(dir: string, debounceMs = 300) {
  const calls: { at: number; changed: string[] }[] = [];
  const w = new StateDirWatcher({ dir, names: NAMES, debounceMs, onQuiet: (changed) => calls.push({ at: performance.now(), changed }) });
  watchers.push(w);
  w.start();
  return { w, calls };
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('StateDirWatcher', () => {
  it('gives one call for 100 writes in a second, after the directory is quiet', { timeout: 30_000 }, async () => {
    const dir = tmp.make();
    // The quiet window is far above the 10 ms between writes, so a loaded machine that stalls
    // the loop for a second between two writes still sees one burst (CI at load 18 split it
    // with a 300 ms window).
    const { calls } = watchDir(dir, 2000);
    let last = 0;
    for (let i = 0; i < 100; i++) {
      writeFileSync(join(dir, 'services.yaml'), `# write ${i}\n`);
      last = performance.now();
      await sleep(10);
    }
    await expect.poll(() => calls.length, { timeout: 15_000 }).toBe(1);
    await sleep(2500);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.changed).toEqual(['services.yaml']);
    expect(calls[0]!.at - last).toBeGreaterThanOrEqual(1990);
  });

  it('counts a save by rename (editor style) and a delete; ignores other files', async () => {
    const dir = tmp.make();
    writeFileSync(join(dir, 'manifest.yaml'), 'a\n');
    const { calls } = watchDir(dir, 150);
    writeFileSync(join(dir, '.services.yaml.swp'), 'x');
    writeFileSync(join(dir, 'notes.txt'), 'x');
    await sleep(400);
    expect(calls).toHaveLength(0);
    writeFileSync(join(dir, '.services.yaml.tmp'), 'new\n');
    renameSync(join(dir, '.services.yaml.tmp'), join(dir, 'services.yaml'));
    await expect.poll(() => calls.length, { timeout: 5000 }).toBe(1);
    expect(calls[0]!.changed).toEqual(['services.yaml']);
    rmSync(join(dir, 'manifest.yaml'));
    await expect.poll(() => calls.length, { timeout: 5000 }).toBe(2);
    expect(calls[1]!.changed).toEqual(['manifest.yaml']);
  });

  it('watches again when the directory is removed and made anew', async () => {
    const dir = tmp.make();
    const calls: string[][] = [];
    const w = new StateDirWatcher({ dir, names: NAMES, debounceMs: 100, retryMs: 100, onQuiet: (c) => calls.push(c) });
    watchers.push(w);
    w.start();
    rmSync(dir, { recursive: true });
    await sleep(300);
    const { mkdirSync } = await import('node:fs');
    mkdirSync(dir);
    writeFileSync(join(dir, 'services.yaml'), 'x\n');
    await expect.poll(() => calls.length, { timeout: 5000 }).toBeGreaterThanOrEqual(1);
    const n = calls.length;
    writeFileSync(join(dir, 'manifest.yaml'), 'y\n');
    await expect.poll(() => calls.length, { timeout: 5000 }).toBe(n + 1);
    expect(calls.at(-1)).toEqual(['manifest.yaml']);
  });
});
