/**
 * The approval prompt as a person uses it (docs/cli.md "Answering the approval prompt"): the
 * real bin/claude in a real terminal (tmux), with the answers typed. A stray shell command, an
 * unknown word, a question or "yes but …" at `[yes/no/modify]` is asked again (it was read as
 * a change: "echo $USER" became "Which service should get USER?"); n, nope, cancel, q, an
 * empty line, Ctrl-D and "not yet" change nothing; "wait" is asked again; Ctrl-C cancels
 * (exit 130, "Cancelled. Nothing changed."); a change said at the prompt is proposed again;
 * "yes please" applies; a change that gives no plan keeps the plan shown and asks again. The proposal lists a new service once, as the request leaves it (it
 * said "+ … → port 80" and then "~ …: published on …"). Needs dockerd, tmux and `npm run build`.
 * Names carry this run's tag; the container, the tmux server and the temp dir are removed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { tempHost, tmuxTerminal, until, type TempHost } from '../runtime/testutil/cli-host.js';
import { removeDockerByName } from '../runtime/testutil/docker-cleanup.js';
import { freePort } from '../runtime/testutil/ports.js';

const tag = `appr${randomBytes(3).toString('hex')}`;
const name = `${tag}-web`;
const term = tmuxTerminal(`claude-approve-${tag}`);
const PROMPT = 'Apply these changes? [yes/no/modify] ';
let host: TempHost;
let port: number;

const containers = () => execFileSync('docker', ['ps', '-a', '--filter', `name=${tag}`, '--format', '{{.Names}} {{.State}}'], { encoding: 'utf8' }).trim();
const count = (s: string, part: string) => s.split(part).length - 1;

/** Starts `claude "<request>"` in the terminal and waits for its prompt. */
async function propose(request = `run claude-os-local/web:latest as ${name} on port ${port}:80 with 64mb of memory`): Promise<string> {
  term.runClaude([request], { env: host.env, cwd: host.base, width: 200, height: 80 });
  return term.waitFor('the proposal and its prompt', (x) => x.trimEnd().endsWith(PROMPT.trimEnd()), 180_000);
}

const ended = (code = '0') => term.exited(code);

beforeAll(async () => {
  host = tempHost('approve', tag);
  port = await freePort();
});

afterAll(() => {
  term.kill();
  removeDockerByName(tag);
  host?.remove();
}, 60_000);

describe('the [yes/no/modify] prompt in a terminal', () => {
  it('lists the new service once, as the request leaves it', async () => {
    const s = await propose();
    const said = s.slice(s.indexOf('Proposed changes:'), s.indexOf('Proposed Changes'));
    expect(said).toContain(`+ ${name}: claude-os-local/web:latest → port ${port}, memory limit 64Mi`);
    expect(said).not.toContain(`~ ${name}`);
    term.type('n');
    expect(await ended()).toContain('Nothing changed.');
  }, 300_000);

  it('asks again after a stray command, an unknown word, a question or "yes but …"; nope then changes nothing', async () => {
    await propose();
    const typed = ['echo $USER', 'maybe', 'what does this do?', 'yes but quicker'];
    for (const [i, line] of typed.entries()) {
      term.type(line);
      await term.waitFor(`the prompt again after "${line}"`, (x) => count(x, PROMPT.trimEnd()) === i + 2 && x.trimEnd().endsWith(PROMPT.trimEnd()));
    }
    let s = term.screen();
    expect(s).toContain('"echo $USER" looks like a shell command, not an answer; type yes to apply, no to cancel, or modify to say what to change.');
    expect(s).toContain('"maybe" is not an answer I know');
    expect(s).toContain('"what does this do?" is a question');
    expect(s).toContain('"yes but quicker" says yes and more');
    // Nothing was proposed again: no question about USER, one proposal.
    expect(s).not.toContain('USER?');
    expect(count(s, 'Proposed Changes')).toBe(1);
    term.type('nope');
    s = await ended();
    expect(s).toContain('Nothing changed.');
    expect(containers()).toBe('');
  }, 300_000);

  it.each([
    ['n', 'n'],
    ['cancel', 'cancel'],
    ['q', 'q'],
    ['an empty line', ''],
  ])('%s changes nothing', async (_what, line) => {
    await propose();
    term.type(line);
    const s = await ended();
    expect(s.slice(s.lastIndexOf(PROMPT.trimEnd()))).toMatch(/^Apply these changes\? \[yes\/no\/modify\] ?\S*\nNothing changed\.\nexit status 0/);
    expect(containers()).toBe('');
  }, 300_000);

  it('Ctrl-D changes nothing, and the message starts on a line of its own', async () => {
    await propose();
    term.tmux('send-keys', '-t', `claude-approve-${tag}`, 'C-d');
    const s = await ended();
    expect(s.slice(s.lastIndexOf(PROMPT.trimEnd()))).toMatch(/^Apply these changes\? \[yes\/no\/modify\]\s*\nNothing changed\.\nexit status 0/);
    expect(containers()).toBe('');
  }, 300_000);

  it('Ctrl-C cancels: "Cancelled. Nothing changed." on a line of its own, exit 130 (it was a no, exit 0)', async () => {
    await propose();
    term.tmux('send-keys', '-t', `claude-approve-${tag}`, 'C-c');
    const s = await ended('130');
    expect(s.slice(s.lastIndexOf(PROMPT.trimEnd()))).toMatch(/^Apply these changes\? \[yes\/no\/modify\]\s*\nCancelled\. Nothing changed\.\nexit status 130/);
    expect(containers()).toBe('');
  }, 300_000);

  it('"wait" is asked again, "not yet" is a no (both were read as a change to propose)', async () => {
    await propose();
    term.type('wait');
    await term.waitFor('the prompt again after "wait"', (x) => count(x, PROMPT.trimEnd()) === 2 && x.trimEnd().endsWith(PROMPT.trimEnd()));
    expect(term.screen()).toContain('Take your time: nothing is applied until you answer;');
    term.type('not yet');
    const s = await ended();
    expect(s.slice(s.lastIndexOf(PROMPT.trimEnd()))).toMatch(/^Apply these changes\? \[yes\/no\/modify\] not yet\nNothing changed\.\nexit status 0/);
    expect(count(s, 'Proposed Changes')).toBe(1);
    expect(containers()).toBe('');
  }, 300_000);

  it('a users change with no admin key asks to save it for signing, not to apply it; yes saves it, nothing applied, exit 1 as with --yes', async () => {
    const user = `${tag}u`;
    const SAVE = 'Save it for signing? [yes/no/modify]';
    term.runClaude([`add a user ${user} in the docker group`], { env: host.env, cwd: host.base, width: 200, height: 80 });
    let s = await term.waitFor('the save prompt', (x) => x.trimEnd().endsWith(SAVE), 180_000);
    // It said it could not apply before asking (it asked "Proceed?" and then refused after yes).
    expect(s).toContain('This plan cannot be applied yet: this plan changes users, SSH keys, sudo or sshd');
    expect(s).not.toContain('Proceed? [yes/no/modify]');
    // The new user is said once, with its group.
    const said = s.slice(s.indexOf('Proposed changes:'), s.indexOf('Proposed Changes'));
    expect(said).toContain(`+ user ${user}, member of group docker (security.yaml; needs your explicit approval)`);
    expect(said).not.toContain(`~ user ${user}`);
    term.type('yes');
    // Not applied: exit 1, the same as `--yes` with no key (it was 0 here and 1 there).
    s = await ended('1');
    const saved = /Saved to (\S+\.json)\./.exec(s.slice(s.lastIndexOf(SAVE)))?.[1];
    expect(s.slice(s.lastIndexOf(SAVE))).toContain('Saved, not applied: this plan changes users');
    expect(saved && existsSync(saved)).toBe(true);
    expect(existsSync(join(host.root, 'etc', 'claude', 'users.json'))).toBe(false);
    expect(existsSync(join(host.stateDir, 'security.yaml'))).toBe(false);
    // No admin key is trusted here: it says how to make and trust one, then sign and apply
    // (it said only "--key ADMIN.key", a file this person does not have).
    const after = s.slice(s.lastIndexOf(SAVE));
    expect(after).toContain('No admin key is trusted on this host yet.');
    expect(after).toContain(`Sign it with \`claude sign ${saved} --key admin.key\``);
    // The person types what it said, in order; the user is then applied.
    for (const [args, what] of [
      [['keys', 'generate', '--out', 'admin.key'], 'admin.key (private, 0600)'],
      [['keys', 'add', 'admin.key.pub', '--role', 'admin', '--name', 'me'], 'admin'],
      [['sign', saved!, '--key', 'admin.key'], "trusted on this host as admin 'me'; 2 signatures"],
    ] as const) {
      term.runClaude([...args], { env: host.env, cwd: host.base, width: 200, height: 80 });
      expect(await ended('0')).toContain(what);
    }
    term.runClaude(['apply', saved!], { env: host.env, cwd: host.base, width: 200, height: 80 });
    await ended('0');
    expect(readFileSync(join(host.root, 'etc', 'claude', 'users.json'), 'utf8')).toContain(user);
  }, 600_000);

  it('the box lists the backups the request adds, with their schedule and how many are kept; "keep 14 of them instead" shows the new count', async () => {
    const s = await propose('set up postgres with daily backups at 2am');
    /** The box of the last proposal, its frame and wrapping taken off. */
    const lastBox = (x: string) => {
      const from = x.lastIndexOf('Proposed Changes');
      return x.slice(from, x.indexOf('└', from)).split('\n').map((l) => l.replace(/^│ ?/, '').replace(/\s*│\s*$/, '').trim()).join(' ');
    };
    expect(lastBox(s)).toContain('+ backup of volume postgres-data: every day at 02:00 (0 2 * * *), postgres dump, last 7 kept');
    term.type('keep 14 of them instead');
    const again = await term.waitFor('the second proposal', (x) => count(x, PROMPT.trimEnd()) === 2 && x.trimEnd().endsWith(PROMPT.trimEnd()));
    expect(lastBox(again)).toContain('+ backup of volume postgres-data: every day at 02:00 (0 2 * * *), postgres dump, last 14 kept');
    term.type('n');
    expect(await ended()).toContain('Nothing changed.');
  }, 300_000);

  it('a change at modify that gives no plan keeps the plan and asks again; it is not kept as a miss to learn (walkthrough 23)', async () => {
    await propose();
    term.type('modify');
    await term.waitFor('the question what should change', (x) => x.trimEnd().endsWith('What should change?'));
    term.type(`name the network ${tag}-net`);
    // before: "I did not understand …", the plan dropped and the run ended; the next run's request
    // that was applied was then learned as what "name the network …" meant
    const s = await term.waitFor('the prompt again', (x) => count(x, PROMPT.trimEnd()) === 2 && x.trimEnd().endsWith(PROMPT.trimEnd()));
    expect(s).toContain(`The plan above is unchanged: "name the network ${tag}-net" changed nothing in it.`);
    term.type('n');
    expect(await ended()).toContain('Nothing changed.');
    expect(existsSync(join(host.dataDir, 'learn-pending.json'))).toBe(false);
    expect(containers()).toBe('');
  }, 300_000);

  it('a change said at the prompt is proposed again; "yes please" applies it', async () => {
    const other = await freePort();
    await propose();
    term.type(`use port ${other} instead`);
    const s = await term.waitFor('the second proposal', (x) => count(x, PROMPT.trimEnd()) === 2 && x.trimEnd().endsWith(PROMPT.trimEnd()));
    expect(s.slice(s.lastIndexOf('Proposed Changes'))).toContain(`→ port ${other}`);
    term.type('yes please');
    const done = await ended();
    expect(done.slice(done.lastIndexOf(PROMPT.trimEnd()))).toContain(`Started ${name}`);
    expect(containers()).toBe(`${name} running`);
    const published = execFileSync('docker', ['port', name], { encoding: 'utf8' });
    expect(published).toContain(`:${other}`);
  }, 600_000);
});
