/**
 * The version of Claude.OS this CLI is (package.json's), as `claude --version` says it and as
 * `claude upgrade` takes for the running slot when no upgrade recorded one. Read from the
 * package root (common/paths.ts packageRoot: found by walking up from the module, so it holds
 * in dist/cli/, dist/bundle/ and the bundle's chunks/ alike; a fixed '../../' from the module
 * pointed at dist/package.json from a chunk, and `claude --version` failed with exit 70).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../common/paths.js';

export function ownVersion(): string {
  const pkg = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}
