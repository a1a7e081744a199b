/**
 * Acceptance on containerd: Example Conversation 1 (the web stack) and Testing Scenario 8 (two
 * terminals at once), from ./scenarios.ts (the same words, screen and checks as
 * ./stack.docker.test.ts), typed at a terminal of a world whose engine is a private containerd
 * in its own network namespace (CLAUDE_ENGINE=containerd; the images imported from `docker
 * save` tarballs, as a device receives them; test/acceptance/world.ts).
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { startWorld, type World } from './world.js';
import { example1, test8TwoTerminals } from './scenarios.js';

let w: World;

beforeAll(async () => {
  w = await startWorld('stackctd', { engine: 'containerd', images: ['claude-os-local/web:latest', 'claude-os-local/postgres:latest', 'claude-os-local/redis:latest'] });
}, 300_000);

afterAll(() => w?.stop(), 180_000);

describe.sequential('Example 1, Test 8 on containerd', () => {
  it('Example 1 on containerd: the stack, yes → all healthy, nginx answers on 80, settled', { timeout: 300_000 }, () => example1(w));

  it('Test 8 on containerd: two requests typed in two terminals at once both land, one after the other, as two commits', { timeout: 300_000 }, () => test8TwoTerminals(w));
});
