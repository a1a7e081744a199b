/**
 * A plan the planner refuses ends at once: `claude plan` asks Docker about the images it lacks
 * while the planner works (agent/images.ts askAboutImages); when the planner refused, the
 * refusal was printed but the command waited for those answers before it exited (dockerd's
 * own wait for a registry that does not answer, ~25 s). Here the image's registry is a local
 * TCP listener that never answers; the refusal (CLA4006, a one-character service name) must
 * be followed by the exit, status 1, within a few seconds, and no image warning. The real
 * bin/claude in tmux; nothing is created; the listener, tmux server and temp dir are removed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { tempHost, tmuxTerminal, until, writeServices, type TempHost } from '../runtime/testutil/cli-host.js';

const tag = `ref${randomBytes(3).toString('hex')}`;
const term = tmuxTerminal(`claude-${tag}`);
let host: TempHost;
let silent: Server;
const held: Socket[] = [];

beforeAll(async () => {
  host = tempHost('refused', tag);
  silent = createServer((s) => void held.push(s));
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
});
afterAll(() => {
  term.kill();
  for (const s of held) s.destroy();
  silent?.close();
  host?.remove();
});

describe('a refused plan', () => {
  it('ends right after the refusal, exit 1, without waiting for a registry that does not answer', async () => {
    const port = (silent.address() as { port: number }).port;
    writeServices(host, `    - name: x
      image: 127.0.0.1:${port}/${tag}/never:1
`);
    term.runClaude(['plan'], { env: host.env, cwd: host.base, width: 200, height: 60 });
    await term.waitFor('the refusal', (s) => s.includes('the plan cannot be made'), 60_000);
    const refusedAt = Date.now();
    const status = await until('claude to exit', () => term.exitStatus(), { ms: 60_000, everyMs: 50 });
    const waited = Date.now() - refusedAt;
    const screen = term.screen();
    expect(screen).toContain('error CLA4006: service name x is one character');
    expect(screen).not.toMatch(/cannot get|registry/);
    expect(status).toBe('1');
    // Before: ~20 s after the refusal (the registry question still open).
    expect(waited).toBeLessThan(5_000);
  }, 120_000);
});
