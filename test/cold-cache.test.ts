/**
 * bin/cold.cjs, the loader of the cold-start bundles and their parts: a code cache is given to
 * V8 only with the text it was made from. V8 itself checks a cache against the source's length
 * only (shown here: it runs the old function for a new text of the same length), so a cache
 * left from another build (one stopped between writing a bundle and its cache) would run old
 * code. And the bundles the build made are stamped, and their caches are theirs.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Script } from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import { packageRoot } from '../common/paths.js';

interface Loaded {
  exports: { answer: () => string };
  script: Script;
  cache: 'used' | 'none' | 'stale' | 'rejected';
}
const cold = createRequire(import.meta.url)('../bin/cold.cjs') as {
  load(file: string, cacheFile?: string): Loaded;
  stamp(file: string): void;
  saveCache(file: string, script: Script, cacheFile: string): void;
};

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'claude-cold-cache-'));
  dirs.push(d);
  return d;
};
/** A module whose function says `word`; the two words below have the same length, so the two files do. */
const moduleText = (word: string) => `module.exports = { answer: () => '${word}' };`;

describe('bin/cold.cjs code caches', () => {
  it('V8 alone takes a cache made from another text of the same length, and runs its old code', () => {
    const wrap = (s: string) => `(function (exports, require, module) {${s}\n})`;
    const run = (s: Script) => {
      const m = { exports: {} as { answer: () => string } };
      (s.runInThisContext() as (e: unknown, r: unknown, m: unknown) => void)(m.exports, undefined, m);
      return m.exports.answer();
    };
    const old = new Script(wrap(moduleText('one')), { filename: '/cold/x.cjs' });
    expect(run(old)).toBe('one');
    const stale = new Script(wrap(moduleText('two')), { filename: '/cold/x.cjs', cachedData: old.createCachedData() });
    expect(stale.cachedDataRejected).toBe(false);
    expect(run(stale)).toBe('one'); // the text says 'two': this is what the id guards against
  });

  it("a cache is used with the text it was made from, and a cache of another build's text is never used", () => {
    const d = tmp();
    const [file, cache] = [join(d, 'x.cjs'), join(d, 'x.cache')];
    writeFileSync(file, moduleText('one'));
    cold.stamp(file);
    const first = cold.load(file, cache);
    expect([first.cache, first.exports.answer()]).toStrictEqual(['none', 'one']);
    cold.saveCache(file, first.script, cache);
    const again = cold.load(file, cache);
    expect([again.cache, again.exports.answer()]).toStrictEqual(['used', 'one']);

    // another build: a text of the same length (so V8 would take the cache), the old cache left beside it
    expect(moduleText('two').length).toBe(moduleText('one').length);
    writeFileSync(file, moduleText('two'));
    cold.stamp(file);
    const next = cold.load(file, cache);
    expect([next.cache, next.exports.answer()]).toStrictEqual(['stale', 'two']);

    // a text that is not stamped gets no cache, even its own
    writeFileSync(file, moduleText('one'));
    const plain = cold.load(file, cache);
    expect([plain.cache, plain.exports.answer()]).toStrictEqual(['stale', 'one']);
    expect(() => cold.saveCache(file, plain.script, cache)).toThrow(/not stamped/);

    // a damaged cache (its id right, the rest not V8's): V8 refuses it and the text is compiled
    // (a text not compiled before in this process: V8 would take that from its own in-memory cache)
    writeFileSync(file, moduleText('six'));
    cold.stamp(file);
    writeFileSync(cache, Buffer.concat([Buffer.from(readFileSync(file, 'utf8').slice(-32), 'latin1'), Buffer.from('not a code cache')]));
    const damaged = cold.load(file, cache);
    expect([damaged.cache, damaged.exports.answer()]).toStrictEqual(['rejected', 'six']);
  });

  it("every file of the build's dist/bundle/cold/ is stamped, and each cache is its file's and used", () => {
    const dir = join(packageRoot(), 'dist', 'bundle', 'cold');
    const files = readdirSync(dir).filter((n) => n.endsWith('.cjs'));
    expect(files.length).toBeGreaterThan(10);
    for (const n of files) {
      const text = readFileSync(join(dir, n), 'utf8');
      expect(text.slice(-53), n).toMatch(/\n\/\/# claude-cold-id=[0-9a-f]{32}$/);
      const cache = readFileSync(join(dir, n.replace(/\.cjs$/, '.cache')));
      expect(cache.toString('latin1', 0, 32), n).toBe(text.slice(-32));
    }
    // a part whose code is plain data to run (yaml): loaded with its cache, V8 takes it
    const part = cold.load(join(dir, 'part-yaml.cjs'), join(dir, 'part-yaml.cache'));
    expect(part.cache).toBe('used');
  });

  it("the apply bundle's cache holds every function (compiled eagerly by the build), and a plain node takes it", () => {
    const dir = join(packageRoot(), 'dist', 'bundle', 'cold');
    const [file, cache] = [join(dir, 'apply.cjs'), join(dir, 'apply.cache')];
    // compiled under --no-lazy, made under the default flags: a fresh node with no flags must not reject it
    const r = spawnSync(process.execPath, ['-e', `process.stdout.write(require(${JSON.stringify(join(packageRoot(), 'bin', 'cold.cjs'))}).compiledWithCache(${JSON.stringify(file)}, ${JSON.stringify(cache)}).cache)`], { encoding: 'utf8' });
    expect(r.stdout).toBe('used');
    // every function's bytecode is larger than the text (a warm-up's cache of this bundle was 0.55x its text)
    expect(statSync(cache).size).toBeGreaterThan(statSync(file).size);
    // the status bundle's cache stays its warm-up's (only what ran)
    expect(statSync(join(dir, 'status.cache')).size).toBeLessThan(2 * statSync(join(dir, 'status.cjs')).size);
  });
});
