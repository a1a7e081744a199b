/**
 * Acceptance on containerd: Testing Scenarios 1, 7, 6 and 5 and the configuration changes
 * (./scenarios.ts, the same words, screen and checks as ./web.docker.test.ts, in the same
 * order, building on each other as on one host), typed at a terminal of a world whose engine
 * is a private containerd in its own network namespace (CLAUDE_ENGINE=containerd; the web
 * image imported from a `docker save` tarball, as a device receives it; test/acceptance/world.ts).
 * Test 3 and Example 2 type `docker` commands and stay Docker-only (docs/runtime.md).
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { startWorld, type World } from './world.js';
import { changedFields, configChange, test1BasicWebServer, test5StopAllAndRollBack, test6CorruptServices, test7MissingImage } from './scenarios.js';

let w: World;

beforeAll(async () => {
  w = await startWorld('webctd', { engine: 'containerd', images: ['claude-os-local/web:latest'] });
}, 180_000);

afterAll(() => w?.stop(), 120_000);

describe.sequential('Testing Scenarios 1, 7, 6, 5 on containerd', () => {
  it('Test 1 on containerd: "set up a basic web server", yes → nginx answers on 80 and is healthy', { timeout: 300_000 }, () => test1BasicWebServer(w));

  it('on containerd: a changed service is named with its fields old → new; asked again, it is already so', { timeout: 300_000 }, () => changedFields(w));

  it('on containerd: a configuration change typed at the shell and at the claude> prompt; a list field read as ports', { timeout: 300_000 }, () => configChange(w));

  it('Test 7 on containerd: a service with image nonexistent:latest cannot be had, is rolled back, nginx keeps running', { timeout: 300_000 }, () => test7MissingImage(w));

  it('Test 6 on containerd: a corrupted services.yaml is refused at file:line:col, exit 1, nothing changes', { timeout: 300_000 }, () => test6CorruptServices(w));

  it('Test 5 on containerd: "stop all services", yes → stopped; claude rollback, pick the change before → nginx serves again', { timeout: 300_000 }, () => test5StopAllAndRollBack(w));
});
