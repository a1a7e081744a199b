/**
 * "no host port (reachable by name …)" is said only when it is true: `claude plan "<request>"`
 * typed in a terminal (tmux) says a lone service kept off the host is reached by no other
 * service, and one beside another on a shared network is reachable by name from it. Needs
 * dockerd (the planner observes), tmux and `npm run build`. Plans only (nothing is applied);
 * the tmux server and the temp dir are removed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { tempHost, tmuxTerminal, type TempHost } from '../runtime/testutil/cli-host.js';

const tag = `nhp${randomBytes(3).toString('hex')}`;
const term = tmuxTerminal(`claude-${tag}`);
let host: TempHost;

beforeAll(() => {
  host = tempHost('nhp', tag);
});

afterAll(() => {
  term.kill();
  host?.remove();
});

describe('what is said of a service with no host port', () => {
  it.each([
    ['add redis but keep it off the host', 'no host port (no other service shares a network with it, so none reaches it by name)', 'reachable by name'],
    ['add nginx on 8081 and a postgres nobody outside can reach', 'no host port (reachable by name from the services on its network only)', 'none reaches it'],
  ])('claude plan "%s"', async (request, said, notSaid) => {
    term.runClaude(['plan', request, '--out', 'p.json'], { env: host.env, cwd: host.base, width: 250, height: 60 });
    const screen = (await term.exited('0', 120_000)).replace(/\s*\n\s*/g, ' ');
    expect(screen).toContain(said);
    expect(screen).not.toContain(notSaid);
  }, 180_000);
});
