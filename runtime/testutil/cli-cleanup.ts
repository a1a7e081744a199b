import { afterAll } from 'vitest';
import type { TempHost, TmuxTerminal } from './cli-host.js';
import { removeDockerByName } from './docker-cleanup.js';

/**
 * The afterAll of a CLI test in tmux: its tmux server, every container and network named with
 * this run's `tag`, and the temp host (read when the hook runs: beforeAll makes it). Kept out of
 * cli-host.ts, which benches import outside vitest.
 */
export function removeAfterAll(term: TmuxTerminal, tag: string, host: () => TempHost | undefined): void {
  afterAll(() => {
    term.kill();
    removeDockerByName(tag);
    host()?.remove();
  }, 60_000);
}
