/**
 * `claude secret set NAME` typed at a terminal: the value is not shown as it is typed (never on
 * the screen, in the scroll-back or a tmux log), Backspace erases, and Ctrl-C cancels with
 * nothing changed (exit 130). The real bin/claude in tmux; the typed value is decrypted back
 * with the host's age key. Needs tmux and `npm run build`; the tmux server and the temp dir
 * are removed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { tempHost, tmuxTerminal, type TempHost } from '../runtime/testutil/cli-host.js';
import { decryptSecret } from '../runtime/secrets.js';

const tag = `sec${randomBytes(3).toString('hex')}`;
const term = tmuxTerminal(`claude-${tag}`);
let host: TempHost;
const secrets = (): Record<string, string> => {
  const file = join(host.stateDir, 'security.yaml');
  const list = existsSync(file) ? ((parse(readFileSync(file, 'utf8')) as { spec?: { secrets?: { name: string; value: string }[] } }).spec?.secrets ?? []) : [];
  return Object.fromEntries(list.map((x) => [x.name, x.value]));
};

beforeAll(() => {
  host = tempHost('secret', tag);
});
afterAll(() => {
  term.kill();
  host?.remove();
});

describe('a secret typed at the terminal', () => {
  it('is not echoed; Backspace erases, arrow/Home/End/Delete keys add nothing; the stored value is what was meant', async () => {
    const value = `pw-${tag}-Zq9`;
    term.runClaude(['secret', 'set', 'smtp_pass'], { env: host.env, cwd: host.base });
    await term.waitFor('the prompt', (s) => s.includes('Value for smtp_pass (not shown as you type'), 60_000);
    // a typo, erased with two Backspaces, then the rest
    term.tmux('send-keys', '-t', `claude-${tag}`, '-l', `${value.slice(0, -3)}XY`);
    term.tmux('send-keys', '-t', `claude-${tag}`, 'BSpace', 'BSpace', 'Left', 'Right', 'Home', 'End', 'DC');
    term.tmux('send-keys', '-t', `claude-${tag}`, '-l', value.slice(-3));
    term.tmux('send-keys', '-t', `claude-${tag}`, 'Enter');
    const screen = await term.exited('0', 60_000);
    expect(screen).toContain("Added secret 'smtp_pass'");
    expect(screen).not.toContain(value.slice(0, 8));
    expect(screen).not.toContain('XY');
    const identity = readFileSync(join(host.dataDir, 'keys', 'age.key'), 'utf8').split('\n').find((l) => l.startsWith('AGE-SECRET-KEY-'))!;
    expect(await decryptSecret(secrets().smtp_pass!, identity, 'smtp_pass')).toBe(value);
  }, 120_000);

  it('Ctrl-C at the prompt cancels: exit 130, nothing written', async () => {
    term.runClaude(['secret', 'set', 'other_pass'], { env: host.env, cwd: host.base });
    await term.waitFor('the prompt', (s) => s.includes('Value for other_pass'), 60_000);
    term.tmux('send-keys', '-t', `claude-${tag}`, '-l', 'half-typed');
    term.tmux('send-keys', '-t', `claude-${tag}`, 'C-c');
    const screen = await term.exited('130', 60_000);
    expect(screen).toContain('Cancelled; nothing was changed.');
    expect(screen).not.toContain('half-typed');
    expect(Object.keys(secrets())).toEqual(['smtp_pass']);
  }, 120_000);
});
