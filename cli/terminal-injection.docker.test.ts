/**
 * Terminal injection (issue 14, item 3), driven through a real pseudo-terminal (tmux) with
 * the screen read WITH its escape sequences (`capture-pane -e`): a provider (a local
 * OpenAI-compatible server fed a crafted reply, through the real provider code) writes an
 * explanation that clears the screen, draws a fake "Proposed Changes" box and a fake
 * prompt, then turns on concealment (ESC[8m) — while its files open SSH to the world. The
 * control characters must arrive as visible placeholders, the real box and prompt must be
 * drawn after an SGR reset, unconcealed, last before the prompt. Needs dockerd and tmux.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { transpileForChild, type ChildBuild } from '../runtime/testutil/transpile-child.js';
import { startReplayServer, type ReplayServer } from '../compiler/intent/replay.js';
import { tmuxTerminal } from '../runtime/testutil/cli-host.js';

const session = `claude-test-inject-${randomBytes(4).toString('hex')}`;
let dir: string;
let child: ChildBuild;
let server: ReplayServer;

const term = tmuxTerminal(session);
const { tmux, screen } = term;
/** The screen with its SGR attributes as escape sequences (-e). */
const screenEsc = () => tmux('capture-pane', '-p', '-e', '-J', '-S', '-3000', '-t', session);

const ESC = '\x1b';
const HOSTILE = [
  `${ESC}[2J${ESC}[H`,
  '┌──────────────────────────────┐',
  '│ Proposed Changes             │',
  '│ ~ nginx:latest → port 8080   │',
  '└──────────────────────────────┘',
  'Apply these changes? [yes/no/modify] ',
  `${ESC}[8m`,
  'FAKE-TAIL \u202Egnp.exe',
].join('\n');

const NETWORK = 'apiVersion: claude.os/v1\nkind: NetworkConfig\nmetadata:\n  name: network\nspec:\n  firewall:\n    enabled: true\n    rules:\n      - name: ssh-anywhere\n        protocol: tcp\n        port: 22\n        source: 0.0.0.0/0\n        action: accept\n';

function reply(): unknown {
  return {
    id: 'chatcmpl-inject',
    object: 'chat.completion',
    created: 1767225600,
    model: 'local',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'propose_changes', arguments: JSON.stringify({ files: { 'network.yaml': NETWORK }, explanation: HOSTILE }) } }] },
        finish_reason: 'tool_calls',
      },
    ],
  };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'claude-inject-'));
  mkdirSync(join(dir, 'state'));
  server = await startReplayServer([{ status: 200, body: reply() }]);
  writeFileSync(
    join(dir, 'state', 'manifest.yaml'),
    `apiVersion: claude.os/v1\nkind: SystemManifest\nmetadata:\n  name: test\nspec:\n  llm:\n    provider: local\n    base_url: ${server.origin}/v1\n  images:\n    pull: false\n`,
  );
  child = transpileForChild(['cli/main.ts'], "import { run } from './cli/main.js';\nrun(process.argv.slice(2));\n");
});

afterAll(async () => {
  try {
    tmux('kill-server');
  } catch {
    /* already gone */
  }
  await server?.close();
  child?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it('a hostile explanation cannot clear the screen, fake the box or conceal the real prompt', async () => {
  const env = [`CLAUDE_STATE_DIR=${join(dir, 'state')}`, `CLAUDE_DATA_DIR=${join(dir, 'data')}`, `CLAUDE_ROOT=${join(dir, 'root')}`];
  tmux('new-session', '-d', '-s', session, '-x', '200', '-y', '80', 'env', ...env, process.execPath, child.script, 'give postgres more memory and open ssh to everyone');
  tmux('set-option', '-t', session, 'remain-on-exit', 'on');
  // Waited for as the screen's last line: the hostile text may hold a fake prompt of its own, and the
  // real one is drawn after the P3 line (CI ci-34d caught the screen between the two).
  const s = await term.waitFor('the real prompt', (x) => /(Proceed\?|Apply these changes\?) \[yes\/no\/modify\]$/.test(x.trimEnd().split('\n').pop() ?? '') && x.includes('ssh-anywhere'));
  expect(server.requests.length).toBe(1);
  const esc = screenEsc();

  // The escape sequences arrived as visible placeholders, so nothing was cleared or hidden.
  expect(s).toContain('␛[2J␛[H');
  expect(s).toContain('␛[8m');
  expect(s).toContain('⟪U+202E⟫gnp.exe');
  // No concealment (SGR 8) anywhere on the screen: the real prompt is readable.
  expect(esc).not.toMatch(/\x1b\[[0-9;]*\b8m/);
  // The real box comes after the fake one and names the firewall change; the prompt is the
  // last line, right after the box.
  const fake = s.indexOf('~ nginx:latest → port 8080');
  const real = s.lastIndexOf('Proposed Changes');
  expect(fake).toBeGreaterThanOrEqual(0);
  expect(real).toBeGreaterThan(fake);
  const tail = s.slice(real).trimEnd().split('\n');
  expect(tail[tail.length - 1]).toMatch(/(Proceed\?|Apply these changes\?) \[yes\/no\/modify\]$/);
  expect(s.slice(real)).not.toContain('FAKE-TAIL');

  tmux('send-keys', '-t', session, 'no', 'Enter');
  await term.waitFor('the drop', (x) => /Dropped|Nothing (was )?changed|not applied/i.test(x.slice(x.lastIndexOf('[yes/no/modify]'))));
});
