// Loads a cold-start bundle (dist/bundle/cold/<command>.cjs, made by scripts/cold-bundle.mjs;
// cli/cold.ts says why) with V8's code cache saved beside it (<command>.cache). A cache that
// V8 refuses (another Node version or other V8 flags) is ignored: the bundle is then compiled
// as usual. bin/claude and the build use this one loader, so the cached code matches.
//
// V8 checks a cache against the source's length only: a cache made from another text of the
// same length is taken, and its compiled functions run instead of the text's (a build stopped
// between writing a bundle and its cache would leave such a pair). So the build ends each file
// with its id (`stamp`: the sha256 of its text, 32 hex digits, on its last line) and begins
// the cache with the id of the text it was made from (`saveCache`); a cache with another id is
// not given to V8.
'use strict';
const { readFileSync, writeFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const { dirname } = require('node:path');
const { Script } = require('node:vm');

/** What a part requires of its bundle's own modules (scripts/cold-bundle.mjs SPLIT). */
const SHARED = 'claude-shared:';
/** A stamped file's last line: ID_MARK and 32 hex digits. */
const ID_MARK = '\n//# claude-cold-id=';
const ID_LENGTH = 32;

/** The id a stamped text ends with, or '' (not stamped: no cache is used with it). */
function idOf(src) {
  const at = src.length - ID_LENGTH;
  return at > ID_MARK.length && src.startsWith(ID_MARK, at - ID_MARK.length) ? src.slice(at) : '';
}

/** The file as a CommonJS module's function, compiled with `cachedData` when given. */
function compile(file, src, cachedData) {
  return new Script(`(function (exports, require, module, __filename, __dirname) {${src}\n})`, { filename: file, cachedData });
}

/** The file compiled without a cache (for `saveCache` of code that was not run). */
function compiled(file) {
  return compile(file, readFileSync(file, 'utf8'));
}

/**
 * The bundle's module.exports, the Script (for saveCache) and what became of its cache:
 * 'used', 'none', 'stale' (made from another text: not given to V8) or 'rejected' (by V8).
 * `shared(path)`: the bundle's module at that dist/ path, for a part's `require('claude-shared:<path>')`.
 */
function load(file, cacheFile, shared) {
  const { script, cache } = compiledWithCache(file, cacheFile);
  const module = { exports: {} };
  const plain = createRequire(file);
  const req = shared ? Object.assign((id) => (id.startsWith(SHARED) ? shared(id.slice(SHARED.length)) : plain(id)), plain) : plain;
  script.runInThisContext()(module.exports, req, module, file, dirname(file));
  return { exports: module.exports, script, cache };
}

/** The file compiled (not run) with its cache when that is its own: the Script and what became of the cache, as `load` says. */
function compiledWithCache(file, cacheFile) {
  const src = readFileSync(file, 'utf8');
  let cache;
  if (cacheFile) {
    try {
      cache = readFileSync(cacheFile);
    } catch {
      cache = undefined;
    }
  }
  const id = idOf(src);
  const fits = cache !== undefined && id !== '' && cache.length > ID_LENGTH && cache.toString('latin1', 0, ID_LENGTH) === id;
  const script = compile(file, src, fits ? cache.subarray(ID_LENGTH) : undefined);
  return { script, cache: cache === undefined ? 'none' : !fits ? 'stale' : script.cachedDataRejected ? 'rejected' : 'used' };
}

/** Ends the file (as the build wrote it) with its id. */
function stamp(file) {
  const src = readFileSync(file, 'utf8');
  const id = require('node:crypto').createHash('sha256').update(src).digest('hex').slice(0, ID_LENGTH);
  writeFileSync(file, `${src}${ID_MARK}${id}`);
}

/** Saves the code cache of `script`, compiled from the stamped `file`, as `cacheFile`, headed by the file's id. */
function saveCache(file, script, cacheFile) {
  const id = idOf(readFileSync(file, 'utf8'));
  if (!id) throw new Error(`${file} is not stamped (bin/cold.cjs stamp): no code cache is made for it`);
  writeFileSync(cacheFile, Buffer.concat([Buffer.from(id, 'latin1'), script.createCachedData()]));
}

module.exports = { load, compiled, compiledWithCache, stamp, saveCache };
