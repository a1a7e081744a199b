/**
 * Temp dirs for tests: `make()` creates a fresh `<prefix>XXXXXX` under the OS temp dir and
 * remembers it; `track(path)` remembers one more path to remove; `cleanup()` removes every one
 * remembered so far (call it from afterEach/afterAll; it tolerates paths that are already gone).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TempDirs {
  make(): string;
  track(path: string): void;
  cleanup(): void;
}

export function tempDirs(prefix: string): TempDirs {
  const dirs: string[] = [];
  return {
    make() {
      const d = mkdtempSync(join(tmpdir(), prefix));
      dirs.push(d);
      return d;
    },
    track(path) {
      dirs.push(path);
    },
    cleanup() {
      for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
    },
  };
}
