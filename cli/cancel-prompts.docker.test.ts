/**
 * Ctrl-C means one thing at every prompt (README "Exit codes", docs/intent.md): the command
 * stops where it asked, says "Cancelled. …" and exits 130; Ctrl-D and an empty answer keep
 * their meaning (leave, stop, no). Driven as a person does: the real bin/claude in a real
 * terminal (tmux), keys typed. The prompts: the REPL's `claude> `, "What should change?"
 * after modify, "Your answer (or press enter to stop)" after a question, and the
 * troubleshooting question "Apply this fix?". Before, Ctrl-C at any of them ended like Ctrl-D
 * (exit 0 "Goodbye!", "Nothing changed.", or a decline). Needs dockerd, tmux and
 * `npm run build`. Names carry this run's tag; the container, the tmux server and the temp dir
 * are removed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { tempHost, tmuxTerminal, type TempHost } from '../runtime/testutil/cli-host.js';
import { removeDockerByName } from '../runtime/testutil/docker-cleanup.js';
import { freePort } from '../runtime/testutil/ports.js';

const tag = `cncl${randomBytes(3).toString('hex')}`;
const name = `${tag}-web`;
const session = `claude-cancel-${tag}`;
const term = tmuxTerminal(session);
const PROMPT = 'Apply these changes? [yes/no/modify]';
let host: TempHost;
let port: number;

const containers = () => execFileSync('docker', ['ps', '-a', '--filter', `name=${tag}`, '--format', '{{.Names}} {{.State}}'], { encoding: 'utf8' }).trim();
const count = (s: string, part: string) => s.split(part).length - 1;
const ctrl = (key: 'C-c' | 'C-d') => term.tmux('send-keys', '-t', session, key);
const request = () => `run claude-os-local/web:latest as ${name} on port ${port}:80 with 64mb of memory`;

/** Starts bin/claude with `args` in the terminal; the shell prints its exit status after it. */
const start = (...args: string[]) => term.runClaude(args, { env: host.env, cwd: host.base, width: 200, height: 80 });

/** Waits for the screen to end with `prompt` (the `n`th time it is shown). */
const asked = (prompt: string, n = 1) => term.waitFor(`"${prompt}" (${n})`, (x) => count(x, prompt.trimEnd()) === n && x.trimEnd().endsWith(prompt.trimEnd()), 180_000);

const ended = (code: string) => term.exited(code);

/** The screen from the last `prompt` on: what the prompt's answer led to. */
const after = (s: string, prompt: string) => s.slice(s.lastIndexOf(prompt.trimEnd()));

beforeAll(async () => {
  host = tempHost('cancel', tag);
  port = await freePort();
});

afterAll(() => {
  term.kill();
  removeDockerByName(tag);
  host?.remove();
}, 60_000);

describe('Ctrl-C at every prompt cancels (exit 130); Ctrl-D and an empty answer keep their meaning', () => {
  it('the REPL: Ctrl-D at claude> leaves (exit 0, "Goodbye!"); Ctrl-C with a proposal pending cancels it (exit 130, nothing applied)', async () => {
    start();
    await asked('claude> ');
    ctrl('C-d');
    let s = await ended('0');
    expect(s).toContain('Goodbye!');

    start();
    await asked('claude> ');
    term.type(request());
    await term.waitFor('the proposal', (x) => x.includes(`${PROMPT} (or keep refining)`) && x.trimEnd().endsWith('claude>'), 180_000);
    ctrl('C-c');
    s = await ended('130');
    expect(after(s, 'claude> ')).toMatch(/^claude>\s*\nCancelled\. Nothing changed\.\nexit status 130/);
    expect(s).not.toContain('Goodbye!');
    expect(containers()).toBe('');
  }, 400_000);

  it('"What should change?": an empty answer changes nothing (exit 0); Ctrl-C cancels (exit 130)', async () => {
    start(request());
    await asked(PROMPT);
    term.type('modify');
    await asked('What should change? ');
    term.type('');
    let s = await ended('0');
    expect(after(s, 'What should change? ')).toMatch(/^What should change\?\s*\nNothing changed\.\nexit status 0/);

    start(request());
    await asked(PROMPT);
    term.type('modify');
    await asked('What should change? ');
    ctrl('C-c');
    s = await ended('130');
    expect(after(s, 'What should change? ')).toMatch(/^What should change\?\s*\nCancelled\. Nothing changed\.\nexit status 130/);
    expect(containers()).toBe('');
  }, 400_000);

  it('"Your answer (or press enter to stop)": Ctrl-C cancels (exit 130); enter stops as before (exit 0)', async () => {
    const YOURS = 'Your answer (or press enter to stop): ';
    start('set up a database');
    await asked(YOURS);
    expect(term.screen()).toContain('Which database should I add');
    ctrl('C-c');
    let s = await ended('130');
    expect(after(s, YOURS)).toMatch(/^Your answer \(or press enter to stop\):\s*\nCancelled\. Nothing changed\.\nexit status 130/);

    start('set up a database');
    await asked(YOURS);
    term.type('');
    s = await ended('0');
    expect(after(s, YOURS)).not.toContain('Cancelled');
  }, 400_000);

  it('after an apply in the REPL, Ctrl-C says what stays; troubleshooting\'s "Apply this fix?": Ctrl-C cancels (exit 130), the service stays as it was', async () => {
    start();
    await asked('claude> ');
    term.type(request());
    await term.waitFor('the proposal', (x) => x.includes(`${PROMPT} (or keep refining)`) && x.trimEnd().endsWith('claude>'), 180_000);
    term.type('yes');
    await term.waitFor('the apply and the prompt again', (x) => x.includes(`Started ${name}`) && x.trimEnd().endsWith('claude>'), 240_000);
    ctrl('C-c');
    let s = await ended('130');
    expect(after(s, 'claude> ')).toMatch(/^claude>\s*\nCancelled\. Nothing more changed; the change applied in this session stays\.\nexit status 130/);
    expect(containers()).toBe(`${name} running`);

    execFileSync('docker', ['stop', '-t', '1', name]);
    const FIX = 'Apply this fix? [yes/no/explain more]';
    start(`${name} is down`);
    await asked(FIX);
    ctrl('C-c');
    s = await ended('130');
    expect(after(s, FIX)).toMatch(/^Apply this fix\? \[yes\/no\/explain more\]\s*\nCancelled\. Nothing changed\.\nexit status 130/);
    expect(containers()).toBe(`${name} exited`);
  }, 600_000);
});
