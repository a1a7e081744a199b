import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../common/paths.js';

/**
 * The check renders everything `npm run generate` writes (six schemas through
 * json-schema-to-typescript and prettier, index.ts through ts-morph, the ajv validators, the
 * yaml bundle, the state file docs) in a node of its own: ~2.5 s of CPU, which at a load of
 * 30-38 on the 2-core CI machine was 60-90 s of wall time (it timed out at vitest's 60 s). What
 * it checks does not depend on time, so it has time enough for any load (the limit only ends
 * a hung child).
 */
const CHECK_TIMEOUT_MS = 300_000;

describe('generated/', () => {
  it('is up to date with schemas/ (run `npm run generate` if this fails)', { timeout: CHECK_TIMEOUT_MS }, () => {
    let out = '';
    let code = 0;
    try {
      out = execFileSync(process.execPath, ['scripts/generate.mjs', '--check'], { cwd: packageRoot(), encoding: 'utf8', stdio: 'pipe', timeout: CHECK_TIMEOUT_MS - 10_000 });
    } catch (e) {
      const err = e as { status: number; stderr: string };
      code = err.status;
      out = err.stderr;
    }
    expect(out).toContain('generated/ is up to date');
    expect(code).toBe(0);
  });
});
