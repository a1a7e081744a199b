/**
 * A refusal prints at once, never after a question: a plan the runtime would refuse whatever the
 * answer is not asked about. Every path that can refuse, through the real bin/claude in tmux:
 *
 * - `claude "<msg>" --admin-key FILE` with a key this host does not trust as admin (policy P2),
 *   or a key file that cannot be read: asked "This is a significant security change. Proceed?",
 *   and only after the yes refused (V3) or told the key could not be read. Now refused first.
 * - `claude apply FILE`: P2 (no admin signature), P1 (a plan signed by another host's key, for
 *   another host), an expired plan: refused before the "Apply them?" a security step asks
 *   (runtime/apply.ts verifies V1-V7 before V9). A base that moved is checked before V9 too
 *   (checkBase, runtime/apply.ts); cli/commands/apply.docker.test.ts covers a stale plan.
 *
 * Real dockerd (planning observes it); nothing is created. The tmux servers and temp dirs are removed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempHost, tmuxTerminal, until, writeServices, writeSocketService, type TempHost } from '../runtime/testutil/cli-host.js';

const tag = `rba${randomBytes(3).toString('hex')}`;
const term = tmuxTerminal(`claude-${tag}`);
let host: TempHost;
let other: TempHost;

function ok(r: { status: number | null; stdout: string; stderr: string }): void {
  if (r.status !== 0) throw new Error(`exit ${r.status}: ${r.stdout}${r.stderr}`);
}

/** Runs claude in tmux until it exits or asks; returns the screen when it exited, and fails when it asked. */
async function refusedWithoutAsking(args: string[], status = '1'): Promise<string> {
  term.runClaude(args, { env: host.env, cwd: host.base, width: 200, height: 80 });
  const screen = await until('claude to exit or ask', () => (term.exitStatus() !== null || /\[yes\/no/.test(term.screen()) ? term.screen() : null), { ms: 180_000, everyMs: 100 });
  expect(screen, screen).not.toMatch(/\[yes\/no/);
  expect(term.exitStatus(), screen).toBe(status);
  expect(screen).toMatch(/Nothing was changed\./);
  return screen;
}

beforeAll(() => {
  host = tempHost('refused-ask', tag);
  other = tempHost('refused-ask-other', tag);
  // another host's plan, signed with its key
  writeSocketService(other, `${tag}-portainer`);
  ok(other.claude('plan', '--out', join(host.base, 'other.json')));
  writeSocketService(host, `${tag}-portainer`);
  ok(host.claude('plan', '--out', 'p2.json'));
  // a key this host does not trust
  ok(host.claude('keys', 'generate', '--out', 'stranger.key'));
}, 240_000);
afterAll(() => {
  term.kill();
  host?.remove();
  other?.remove();
});

describe('claude "<msg>" --admin-key', () => {
  it('a key this host does not trust as admin: refused (P2) before "Proceed?", with how to trust it', async () => {
    writeFileSync(join(host.stateDir, 'services.yaml'), 'apiVersion: claude.os/v1\nkind: ServiceManifest\nmetadata:\n  name: test\nspec:\n  services: []\n');
    const screen = await refusedWithoutAsking(['add a user bob', '--admin-key', 'stranger.key']);
    expect(screen).toMatch(/claude: the plan was refused \(policy\): needs a signature by a trusted 'admin' key/);
    expect(screen).toMatch(/the key in stranger\.key is not trusted as 'admin' on this host\. Trust it once with `claude keys add stranger\.key\.pub --role admin/);
  }, 240_000);

  it('a key file that cannot be read: refused before "Proceed?"', async () => {
    const screen = await refusedWithoutAsking(['add a user carol', '--admin-key', 'missing.key']);
    expect(screen).toMatch(/claude: the plan was refused \(admin key\): .*missing\.key/);
  }, 240_000);
});

describe('claude apply FILE', () => {
  it('P2, no admin signature: refused before "Apply them?", the hint names the file', async () => {
    writeSocketService(host, `${tag}-portainer`);
    const screen = await refusedWithoutAsking(['apply', 'p2.json']);
    expect(screen).toMatch(/refused \(V3 signature\): the policy requires a signature by a key with role 'admin'/);
    expect(screen).toMatch(/`claude sign p2\.json --key ADMIN\.key`/);
  }, 240_000);

  it("P1, another host's plan signed by its key: refused before any question", async () => {
    const screen = await refusedWithoutAsking(['apply', 'other.json']);
    expect(screen).toMatch(/refused \(V[34] [a-z]+\)/);
  }, 240_000);

  it('an expired plan: refused before any question', async () => {
    writeServices(host, `    - name: ${tag}-web
      image: claude-os-local/busybox:latest
      command: ["sleep", "3600"]
`);
    ok(host.claude('plan', '--out', 'soon.json', '--ttl', '1s'));
    await new Promise((r) => setTimeout(r, 1_500));
    const screen = await refusedWithoutAsking(['apply', 'soon.json']);
    expect(screen).toMatch(/refused \([^)]*\): .*expired/);
  }, 240_000);
});
