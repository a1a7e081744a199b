/**
 * Acceptance on containerd: Example Conversation 3 and Testing Scenario 4 (./scenarios.ts, the
 * same words, screen and checks as ./firewall.docker.test.ts) typed at a terminal of a world
 * whose engine is a private containerd in its own network namespace (CLAUDE_ENGINE=containerd,
 * test/acceptance/world.ts). The firewall is loaded into nftables in that namespace only.
 * No images: these requests start no container.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { startWorld, type World } from './world.js';
import { example3Firewall, test4Fail2ban } from './scenarios.js';

let w: World;

beforeAll(async () => {
  w = await startWorld('fwctd', { engine: 'containerd', images: [] });
}, 180_000);

afterAll(() => w?.stop(), 120_000);

describe.sequential('Example 3, Test 4 on containerd', () => {
  it('Example 3 on containerd: lock down, refine with "also allow web traffic from anywhere", yes → rules loaded in the namespace', { timeout: 300_000 }, () => example3Firewall(w));

  it('Test 4 on containerd: "lock down SSH … and enable fail2ban" → confirmed explicitly; what was not done is said', { timeout: 300_000 }, () => test4Fail2ban(w));
});
