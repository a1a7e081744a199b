import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../common/paths.js';

describe('generated/', () => {
  it('is up to date with schemas/ (run `npm run generate` if this fails)', () => {
    let out = '';
    let code = 0;
    try {
      out = execFileSync(process.execPath, ['scripts/generate.mjs', '--check'], { cwd: packageRoot(), encoding: 'utf8', stdio: 'pipe' });
    } catch (e) {
      const err = e as { status: number; stderr: string };
      code = err.status;
      out = err.stderr;
    }
    expect(out).toContain('generated/ is up to date');
    expect(code).toBe(0);
  });
});
