/** The lock through the CLI: `claude apply` refuses naming the holder; `claude unlock --force` removes it. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquireApplyLock, LockLostError } from '../../runtime/lock.js';
import { makePlan, S, setupTestHost, signPlan } from '../../runtime/testutil/plans.js';
import { runCli, type CliResult } from '../testutil/cli.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'claude-unlock-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function claude(...argv: string[]): Promise<CliResult> {
  return runCli(argv, { env: { CLAUDE_DATA_DIR: join(dir, 'data'), CLAUDE_ROOT: join(dir, 'root'), CLAUDE_STATE_DIR: join(dir, 'state') }, cwd: dir });
}

describe('claude apply while another apply holds the lock; claude unlock --force', () => {
  it('refuses naming the holder, then unlock removes the lock and fences the holder off', async () => {
    const host = setupTestHost(join(dir, 'data'));
    const plan = join(dir, 'plan.json');
    writeFileSync(plan, signPlan(makePlan([S.network('n1')], { hostId: host.hostId, base: {} }), host.key.privateKey));
    const held = await acquireApplyLock(join(dir, 'data'), { planId: 'plan-00000000deadbeef', purpose: 'apply' });

    const r = await claude('apply', plan, '--wait', '0');
    expect(r.code).toBe(1);
    expect(r.err).toContain(`claude apply: refused (lock): another apply holds the lock: token ${held.owner.token}, pid ${process.pid} on `);
    expect(r.err).toContain('apply plan-00000000deadbeef');
    expect(r.err).toContain('claude unlock --force');

    const wrong = await claude('unlock', '--force', 'plan-nope');
    expect(wrong.code).toBe(1);
    expect(wrong.err).toMatch(/matches neither its token nor its plan id/);
    const u = await claude('unlock', '--force', String(held.owner.token));
    expect(u.code).toBe(0);
    expect(u.out).toContain(`Removed the apply lock (token ${held.owner.token}, pid ${process.pid}`);
    expect(() => held.assertHeld()).toThrow(LockLostError);
  });
});
