/**
 * A plan the policy cannot let through without an admin's signature (P2) is not asked about at
 * the terminal: a yes could not apply it. The walkthrough of 2026-12-06 met it on `claude
 * rollback` ("Roll back to …? [yes/no]", yes, then "refused (V3 signature) … `claude sign
 * plan.json`", a plan.json that was another plan). `claude apply` on the state dir and `claude
 * rollback` share cli/approve.ts: the plan is saved under the data dir with the steps to make
 * an admin key, sign and apply it; the exit is 1 and nothing changes. Real bin/claude in tmux,
 * real dockerd (the plan observes it); nothing is created. The temp dir and tmux server are removed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { tempHost, tmuxTerminal, writeSocketService, type TempHost } from '../../runtime/testutil/cli-host.js';

const tag = `adm${randomBytes(3).toString('hex')}`;
const term = tmuxTerminal(`claude-needs-admin-${tag}`);
let host: TempHost;

beforeAll(() => {
  host = tempHost('needs-admin', tag);
  writeSocketService(host, `${tag}-portainer`);
});
afterAll(() => {
  term.kill();
  host?.remove();
});

describe('a plan that needs an admin signature', () => {
  it('`claude apply` saves it and says how to sign it, without asking; exit 1, nothing applied', async () => {
    term.runClaude(['apply'], { env: host.env, cwd: host.base, width: 200, height: 60 });
    const screen = await term.exited('1', 180_000);
    expect(screen).not.toMatch(/\[yes\/no\]/);
    expect(screen).toMatch(/This plan cannot be applied yet: it needs a signature by a trusted 'admin' key/);
    expect(screen).toMatch(/No admin key is trusted on this host yet\. Make one and trust it \(once\):\n\s+claude keys generate --out admin\.key/);
    const saved = new RegExp(`Saved to (${host.dataDir.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}/plans/plan-[0-9a-f]+\\.json)\\. Sign it with \`claude sign \\1 --key admin\\.key\``).exec(screen);
    expect(saved, screen).not.toBeNull();
    expect(existsSync(saved![1]!)).toBe(true);
    expect(JSON.parse(readFileSync(saved![1]!, 'utf8')).payloadType).toMatch(/claude/);
    expect(screen).toMatch(/refused \(P2 admin signature\)/);
    expect(screen).toMatch(/Nothing was changed\./);
  }, 240_000);
});
