/**
 * The apply of a plan that only changes security.yaml (no step: a secret set, replaced or
 * removed) said no more than "Applied plan-… in 0.4 s.". It now says what was done, as the plan
 * listed it: the plan's box names each change (plan/show.ts, display.security) and the apply
 * repeats them after "Applied" (agent/render/apply.ts). A secret's value is never shown. The real
 * bin/claude in tmux against the real dockerd (observed only: no container is declared, so
 * nothing is created); the tmux server and the temp dir are removed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLAUDE_BIN, tempHost, tmuxTerminal, type TempHost } from '../runtime/testutil/cli-host.js';

const tag = `sya${randomBytes(3).toString('hex')}`;
const term = tmuxTerminal(`claude-${tag}`);
let host: TempHost;

function setSecret(name: string, value: string): void {
  const r = spawnSync(CLAUDE_BIN, ['secret', 'set', name], { env: host.env, cwd: host.base, input: `${value}\n`, encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`claude secret set: exit ${r.status}: ${r.stdout}${r.stderr}`);
}

beforeAll(() => {
  host = tempHost('secyaml-applied', tag);
  writeFileSync(join(host.stateDir, 'manifest.yaml'), 'apiVersion: claude.os/v1\nkind: SystemManifest\nmetadata:\n  name: t\nspec:\n  images:\n    pull: false\n');
});
afterAll(() => {
  term.kill();
  host?.remove();
});

describe('an apply that only changes security.yaml', () => {
  it('says what it did after "Applied": the secret added, then replaced; never its value', async () => {
    setSecret('api_token', `first-${tag}`);
    term.runClaude(['apply', '--yes'], { env: host.env, cwd: host.base, width: 200, height: 80 });
    let screen = await term.exited('0', 180_000);
    // the plan's box lists it, and the apply says it again once done
    expect(screen).toMatch(/│ ⚠ The plan creates security\.yaml[^]*?│ {3}• secret api_token added +│\n└/);
    expect(screen).toMatch(/Applied plan-[0-9a-f]+ in [\d.]+ s\.\nChanged in security\.yaml:\n {2}• secret api_token added\n/);

    setSecret('api_token', `second-${tag}`);
    term.runClaude(['apply', '--yes'], { env: host.env, cwd: host.base, width: 200, height: 80 });
    screen = await term.exited('0', 180_000);
    expect(screen).toMatch(/Applied plan-[0-9a-f]+ in [\d.]+ s\.\nChanged in security\.yaml:\n {2}• secret api_token replaced \(new value\)\n/);
    expect(screen).not.toContain(`second-${tag}`);
    expect(screen).not.toMatch(/encrypted:v1:/);
  }, 300_000);
});
