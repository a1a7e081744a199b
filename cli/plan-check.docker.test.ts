/**
 * `claude plan` (the real bin/claude, a real dockerd to observe) keeps the plan only when it
 * passes the check apply would make (compiler/plan-check.ts): here the system clock steps two
 * hours ahead right after the plan is signed (NTP, a resumed VM; a preload moves Node's clock),
 * so the plan is expired when checked. The command says which check failed and how to fix it,
 * exits 1, and writes nothing: the plan.json already there is unchanged and no temp file is
 * left. The same command without the step writes the plan. Where a schema problem is placed
 * (file:line:col) is compiler/plan-check.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { packageRoot } from '../common/paths.js';
import { parseEnvelope } from '../plan/envelope.js';

const bin = join(packageRoot(), 'bin', 'claude');
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'claude-plan-check-'));
  mkdirSync(join(dir, 'state'));
  // named per run: a parallel test's container of the same name on this dockerd is another host's (CLA4003)
  writeFileSync(join(dir, 'state', 'services.yaml'), `apiVersion: claude.os/v1\nkind: ServiceManifest\nmetadata: {name: x}\nspec:\n  services:\n    - name: web-${randomBytes(4).toString('hex')}\n      image: claude-os-local/web:latest\n`);
  writeFileSync(
    join(dir, 'clock-step.cjs'),
    [
      "const crypto = require('node:crypto');",
      'const Real = Date;',
      'let shift = 0;',
      'class Stepped extends Real { constructor(...a) { if (a.length === 0) super(Real.now() + shift); else super(...a); } static now() { return Real.now() + shift; } }',
      'globalThis.Date = Stepped;',
      'const sign = crypto.sign;',
      'crypto.sign = function (...a) { const r = sign.apply(this, a); shift = 2 * 3600000; return r; };',
    ].join('\n'),
  );
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function plan(preload?: string) {
  const env = { ...process.env, CLAUDE_DATA_DIR: join(dir, 'data'), CLAUDE_ROOT: join(dir, 'root'), CLAUDE_STATE_DIR: join(dir, 'state'), CLAUDE_DAEMON: '0', NO_COLOR: '1' };
  return spawnSync(process.execPath, [...(preload ? ['-r', preload] : []), bin, 'plan', '--out', 'plan.json'], { cwd: dir, env, encoding: 'utf8' });
}

describe('claude plan keeps only a plan that passes the check apply would make', () => {
  it('an expired plan is said with the check, the reason and the fix, exits 1, and nothing is written', () => {
    writeFileSync(join(dir, 'plan.json'), 'the plan made before\n');
    const r = plan(join(dir, 'clock-step.cjs'));
    expect(r.status, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/error CLA4009: the plan made from these files fails the expiry check apply would make: expired at \S+ \(now \S+\)\n  hint: the clock moved while the plan was made; check the system clock/);
    expect(r.stderr).toContain(`claude plan: the plan fails the check apply would make; nothing was written to ${join(dir, 'plan.json')}.`);
    expect(r.stdout).not.toMatch(/Saved the plan/);
    expect(readFileSync(join(dir, 'plan.json'), 'utf8')).toBe('the plan made before\n');
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  }, 60_000);

  it('without the clock step the same command writes the plan', () => {
    const r = plan();
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain(`Saved the plan to ${join(dir, 'plan.json')}`);
    expect(parseEnvelope(readFileSync(join(dir, 'plan.json'), 'utf8')).signatures).toHaveLength(1);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  }, 60_000);
});
