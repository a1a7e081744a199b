// Loads a cold-start bundle (dist/bundle/cold/<command>.cjs, made by scripts/cold-bundle.mjs;
// cli/cold.ts says why) with V8's code cache saved beside it (<command>.cache). A cache that
// V8 refuses (another Node version or other V8 flags) is ignored: the bundle is then compiled
// as usual. bin/claude and the build use this one loader, so the cached code matches.
'use strict';
const { readFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const { dirname } = require('node:path');
const { Script } = require('node:vm');

/** The bundle's module.exports, and the Script (for createCachedData). */
function load(file, cacheFile) {
  const src = readFileSync(file, 'utf8');
  let cachedData;
  if (cacheFile) {
    try {
      cachedData = readFileSync(cacheFile);
    } catch {
      cachedData = undefined;
    }
  }
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${src}\n})`, { filename: file, cachedData });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(file), module, file, dirname(file));
  return { exports: module.exports, script };
}

module.exports = { load };
