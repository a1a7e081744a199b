/**
 * Ctrl-D at a prompt the REPL hands to a command it runs (the rollback's pick list and its
 * "Roll back to …? [yes/no]") answers that prompt only ("Nothing changed.") and the REPL's
 * `claude> ` comes back; Ctrl-D at `claude> ` still leaves. Lines pasted around a Ctrl-D all
 * run, in order. Before, the Ctrl-D ended the whole REPL ("Goodbye!", exit 0) and the lines
 * pasted after it were dropped. Driven as a person does: the real bin/claude in a real terminal
 * (tmux). The state history is two commits written directly (nothing is applied: no container
 * is made). Needs dockerd (the rollback plans against it), tmux and `npm run build`. The tmux
 * server and the temp dir are named per run and removed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempHost, tmuxTerminal, type TempHost } from '../runtime/testutil/cli-host.js';
import { removeDockerByName } from '../runtime/testutil/docker-cleanup.js';
import { openStateRepo } from '../runtime/state/repo.js';

const tag = `ctld${randomBytes(3).toString('hex')}`;
const session = `claude-ctrld-${tag}`;
const term = tmuxTerminal(session);
let host: TempHost;

const count = (s: string, part: string) => s.split(part).length - 1;
const ctrlD = () => term.tmux('send-keys', '-t', session, 'C-d');
/** Pastes `text` as a terminal does (each \n arrives as Enter, in one go). */
const paste = (text: string) => {
  term.tmux('set-buffer', '-b', tag, text);
  term.tmux('paste-buffer', '-d', '-b', tag, '-t', session);
};
/** The screen ends with the `n`th `claude>` prompt. */
const atPrompt = (n: number) => term.waitFor(`claude> (${n})`, (x) => count(x, 'claude>') === n && x.trimEnd().endsWith('claude>'), 180_000);
const HELP = 'After a proposal: yes applies it, no drops it';

const manifest = (names: string[]) => `apiVersion: claude.os/v1
kind: ServiceManifest
metadata:
  name: test
spec:
  services:
${names.map((n) => `    - name: ${n}\n      image: claude-os-local/busybox:latest\n      command: ["sleep", "3600"]\n`).join('')}`;

beforeAll(async () => {
  host = tempHost('ctrld', tag);
  const repo = await openStateRepo(host.stateDir, { create: true });
  const author = { name: 'alice', email: 'alice@example.invalid' };
  await repo.commitState({ 'services.yaml': manifest([`${tag}-a`]) }, { request: `add ${tag}-a`, planId: 'plan-1', summary: 'add a', author });
  await repo.commitState({ 'services.yaml': manifest([`${tag}-a`, `${tag}-b`]) }, { request: `add ${tag}-b`, planId: 'plan-2', summary: 'add b', author });
});

afterAll(() => {
  term.kill();
  removeDockerByName(tag);
  host?.remove();
}, 60_000);

describe('the REPL: Ctrl-D at a prompt it hands to a command cancels that prompt only', () => {
  it('"Roll back to …? [yes/no]" and the pick list: Ctrl-D says "Nothing changed." and claude> comes back; lines pasted around a Ctrl-D all run', async () => {
    term.runClaude([], { env: host.env, cwd: host.base, width: 200, height: 80 });
    await atPrompt(1);
    term.type('undo the last change');
    await term.waitFor('the rollback question', (x) => /Roll back to [0-9a-f]{12}\? \[yes\/no\]\s*$/.test(x), 180_000);
    ctrlD();
    let s = await atPrompt(2);
    expect(s.slice(s.lastIndexOf('Roll back to')).trimEnd()).toMatch(/^Roll back to [0-9a-f]{12}\? \[yes\/no\]\s*Nothing changed\.\nclaude>$/);
    expect(s).not.toContain('Goodbye!');
    expect(term.exitStatus()).toBeNull();

    // Three lines pasted with a Ctrl-D after the first: the pick list's prompt takes the Ctrl-D, the other two run.
    paste(`roll back\n\x04help\nwhat is running?\n`);
    // Answers typed ahead get no prompt of their own: the screen ends with the third claude>.
    s = await term.waitFor('the pasted lines run', (x) => x.includes('2 services defined') && x.trimEnd().endsWith('claude>'), 180_000);
    const tail = s.slice(s.lastIndexOf('Recent changes (newest first)'));
    expect(tail).toContain('Nothing changed.');
    expect(tail).toContain(HELP);
    expect(tail.indexOf(HELP)).toBeLessThan(tail.indexOf('2 services defined'));
    expect(term.exitStatus()).toBeNull();

    ctrlD();
    s = await term.exited('0');
    expect(s).toContain('Goodbye!');
    // Nothing was applied: the state is the second commit's.
    expect(readFileSync(join(host.stateDir, 'services.yaml'), 'utf8')).toContain(`${tag}-b`);
  }, 400_000);
});
