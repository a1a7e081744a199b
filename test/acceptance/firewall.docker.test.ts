/**
 * Acceptance: Example Conversation 3 and Testing Scenario 4, the firewall requests typed at
 * a terminal; the firewall is loaded into nftables inside this file's own network namespace
 * (test/acceptance/world.ts), never the host's. The scenarios are in ./scenarios.ts; they run
 * on containerd too (./firewall.containerd.test.ts).
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { startWorld, type World } from './world.js';
import { example3Firewall, test4Fail2ban } from './scenarios.js';

let w: World;

beforeAll(async () => {
  w = await startWorld('fw');
}, 180_000);

afterAll(() => w?.stop(), 120_000);

describe.sequential('Example 3, Test 4', () => {
  it('Example 3: lock down, refine with "also allow web traffic from anywhere", yes → rules loaded in the namespace', { timeout: 300_000 }, () => example3Firewall(w));

  it('Test 4: "lock down SSH to only allow connections from 10.0.0.0/8 and enable fail2ban" → confirmed explicitly; what was not done is said', { timeout: 300_000 }, () => test4Fail2ban(w));
});
