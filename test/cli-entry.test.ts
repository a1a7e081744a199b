/**
 * The CLI entry (bin/claude → dist/cli/main.js) as a process: version, usage errors, and a
 * closed pipe. Needs `npm run build` (npm test does it first).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../common/paths.js';

const bin = join(packageRoot(), 'bin', 'claude');
const pkg = (await import('../package.json', { with: { type: 'json' } })).default as { version: string };

describe('bin/claude', () => {
  it('prints its version', () => {
    const r = spawnSync(bin, ['--version'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`claude-os ${pkg.version}\n`);
    // `claude version`, as a person types it, says the same
    const v = spawnSync(bin, ['version'], { encoding: 'utf8' });
    expect(v.status).toBe(0);
    expect(v.stdout).toBe(`claude-os ${pkg.version}\n`);
  });

  it('an unknown command is a usage error (exit 2) naming it', () => {
    const r = spawnSync(bin, ['frobnicate'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("unknown command 'frobnicate'");
  });

  it('stops quietly when its reader closes the pipe (claude help | head -1)', () => {
    const r = spawnSync('sh', ['-c', `"${bin}" help | head -1; exit "\${PIPESTATUS:-0}"`], { encoding: 'utf8' });
    expect(r.stdout).toMatch(/^usage: claude /);
    expect(r.stderr).not.toMatch(/EPIPE|internal error/);
  });
});
