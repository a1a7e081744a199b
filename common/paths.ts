/**
 * Where things live. Every path is derived from the environment passed in (never from
 * `process.env` directly), so tests point them at temp dirs.
 *
 * - state dir: `--state-dir`, else `CLAUDE_STATE_DIR`, else `/etc/claude.d`
 * - data dir:  `CLAUDE_DATA_DIR`, else `/var/lib/claude` (keys, journal, snapshots, events, audit)
 * - root:      `CLAUDE_ROOT`, else `/` (host files: hostname, resolv.conf, users, ssh keys)
 */
import { dirname, join, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export type Env = Record<string, string | undefined>;

export interface Paths {
  stateDir: string;
  dataDir: string;
  root: string;
}

export function resolvePaths(env: Env, cwd: string, stateDirFlag?: string): Paths {
  return {
    stateDir: resolve(cwd, stateDirFlag ?? env.CLAUDE_STATE_DIR ?? '/etc/claude.d'),
    dataDir: resolve(cwd, env.CLAUDE_DATA_DIR ?? '/var/lib/claude'),
    root: resolve(cwd, env.CLAUDE_ROOT ?? '/'),
  };
}

/** A path under the root prefix: `underRoot('/srv', '/etc/hostname')` → `/srv/etc/hostname`. */
export function underRoot(root: string, absPath: string): string {
  return join(root, absPath);
}

let cachedPkgRoot: string | undefined;

/**
 * The package root (the folder holding package.json, `schemas/`, `stdlib-templates/`),
 * found from this module's location so it works from source (vitest) and from `dist/`.
 */
export function packageRoot(): string {
  if (cachedPkgRoot) return cachedPkgRoot;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'schemas'))) return (cachedPkgRoot = dir);
    const up = dirname(dir);
    if (up === dir) throw new Error('claude-os: cannot find the package root from ' + import.meta.url);
    dir = up;
  }
}
