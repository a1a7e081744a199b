/**
 * Acceptance: Example Conversation 3 and Testing Scenario 4, the firewall requests typed at
 * a terminal; the firewall is loaded into nftables inside this file's own network namespace
 * (test/acceptance/world.ts), never the host's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { startWorld, type World } from './world.js';

let w: World;

beforeAll(async () => {
  w = await startWorld('fw');
}, 180_000);

afterAll(() => w?.stop(), 120_000);

function expectSettled(): void {
  const r = w.claude('plan', '--detailed-exitcode', '--out', join(w.dir, 'settle.json'));
  expect(r.code, r.out).toBe(0);
}

const table = () => w.inNs(['nft', 'list', 'table', 'inet', 'claude']).out;

describe.sequential('Example 3, Test 4', () => {
  it('Example 3: lock down, refine with "also allow web traffic from anywhere", yes → rules loaded in the namespace', { timeout: 300_000 }, async () => {
    const t = await w.terminal('ex3');
    t.run('claude "lock down the system, only allow SSH from 10.0.0.0/8"');
    let s = await t.waitFor((x) => x.includes('This is a significant security change. Proceed? [yes/no/modify]'), 'the security prompt');
    expect(s).toMatch(/allow-ssh: accept tcp port 22 from 10\.0\.0\.0\/8/);
    expect(s).not.toContain('(undefined)');
    expect(s).not.toContain('⚠ ⚠');
    expect(s).not.toMatch(/SSH \(22\) from anywhere/);
    t.type('also allow web traffic from anywhere');
    s = await t.waitFor((x) => x.split('Proceed? [yes/no/modify]').length - 1 >= 2, 'the revised plan');
    expect(s.slice(s.indexOf('also allow web traffic'))).toMatch(/allow-web: accept tcp port 80, 443/);
    t.type('y');
    await t.done();
    expect(await t.exitCode()).toBe(0);
    const nft = table();
    expect(nft).toMatch(/policy drop/);
    expect(nft).toMatch(/10\.0\.0\.0\/8/);
    expect(nft).toMatch(/\b22\b/);
    expect(nft).toMatch(/\b80\b/);
    expect(nft).toMatch(/\b443\b/);
    expectSettled();
  });

  it('Test 4: "lock down SSH to only allow connections from 10.0.0.0/8 and enable fail2ban" → confirmed explicitly; what was not done is said', { timeout: 300_000 }, async () => {
    const t = await w.terminal('t4');
    t.run('claude "lock down SSH to only allow connections from 10.0.0.0/8 and enable fail2ban"');
    const s = await t.waitFor((x) => /Proceed\? \[yes\/no\/modify\]|Apply these changes\?|acc\$ $/.test(x.trimEnd() + ' ') && x.includes('fail2ban'), 'the answer');
    expect(s).toMatch(/fail2ban/);
    if (s.includes('Proceed? [yes/no/modify]')) {
      t.type('no');
      await t.done();
      expect(t.last()).toContain('Nothing changed.');
    } else await t.done();
    // nothing changed by the declined or unplanned request: the table of Example 3 stays
    expect(table()).toMatch(/\b443\b/);
    expectSettled();
  });
});
