/**
 * Learning mode end to end through the real CLI: in the REPL (a real terminal, tmux), a
 * phrasing the offline engine does not understand, then a rephrase whose plan is applied
 * with "yes"; `claude learn list` shows the pair; then the first phrasing (and a close one)
 * is understood as what was applied; `claude learn forget 1` removes it again. The same across
 * one-shot runs (`claude "<msg>"`, each its own process): a miss, then the next run's rephrase
 * approved with "yes" at its prompt.
 * Needs dockerd (the apply creates a container) and tmux.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { transpileForChild, type ChildBuild } from '../../runtime/testutil/transpile-child.js';
import { freePort } from '../../runtime/testutil/ports.js';
import { readHostIdOrNull } from '../../runtime/observe/collect.js';
import { reapStaleTestHosts, testHostId } from '../../runtime/testutil/docker-cleanup.js';
import { writeFileAtomic } from '../../common/fsutil.js';
import { tmuxTerminal } from '../../runtime/testutil/cli-host.js';

const tag = randomBytes(3).toString('hex');
const session = `claude-test-learn-${tag}`;
const svc = `tinyweb-${tag}`;
const svc2 = `tinyweb2-${tag}`;
const PHRASE = `spin up the little web thing ${tag}`;
let dir: string;
let child: ChildBuild;

const term = tmuxTerminal(session);
const { tmux, screen } = term;
const env = () => ({ CLAUDE_STATE_DIR: join(dir, 'state'), CLAUDE_DATA_DIR: join(dir, 'data'), CLAUDE_ROOT: join(dir, 'root'), CLAUDE_LLM_PROVIDER: 'offline' });
function claude(argv: string[]): { code: number; out: string } {
  try {
    return { code: 0, out: execFileSync(process.execPath, [child.script, ...argv], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', ...env() } }) };
  } catch (e) {
    const x = e as { status: number; stdout: string; stderr: string };
    return { code: x.status, out: `${x.stdout}${x.stderr}` };
  }
}

beforeAll(() => {
  // The applied container has a restart policy: a killed earlier run left it running.
  reapStaleTestHosts('learn');
  dir = mkdtempSync(join(tmpdir(), 'claude-learn-'));
  mkdirSync(join(dir, 'state'));
  mkdirSync(join(dir, 'root'));
  writeFileAtomic(join(dir, 'data', 'host-id'), testHostId('learn', tag) + '\n');
  child = transpileForChild(['cli/main.ts'], "import { run } from './cli/main.js';\nrun(process.argv.slice(2));\n");
}, 600_000); // the transpile took over 120 s at load ~25

afterAll(() => {
  try {
    tmux('kill-server');
  } catch {
    /* already gone */
  }
  try {
    execFileSync('docker', ['rm', '-f', svc, svc2], { stdio: 'ignore' });
  } catch {
    /* not created */
  }
  // The stack network this test's host made (named per host by its label, never another's).
  const host = dir ? readHostIdOrNull(join(dir, 'data')) : null;
  if (host) {
    const nets = execFileSync('docker', ['network', 'ls', '-q', '--filter', `label=claude.os/host=${host}`], { encoding: 'utf8' }).split('\n').filter(Boolean);
    for (const n of nets) execFileSync('docker', ['network', 'rm', n], { stdio: 'ignore' });
  }
  child?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it('a phrasing not understood, a rephrase applied with yes; then the first phrasing works; forget removes it', async () => {
  const port = await freePort();
  const e = Object.entries(env()).map(([k, v]) => `${k}=${v}`);
  tmux('new-session', '-d', '-s', session, '-x', '220', '-y', '60', 'env', ...e, process.execPath, child.script);
  tmux('set-option', '-t', session, 'remain-on-exit', 'on');
  await term.waitFor('the banner', (s) => s.includes('claude> '));

  tmux('send-keys', '-t', session, PHRASE, 'Enter');
  await term.waitFor('the engine not understanding', (s) => s.includes(`I did not understand "${PHRASE}"`));

  tmux('send-keys', '-t', session, `add a service ${svc} using image nginx on port ${port}`, 'Enter');
  await term.waitFor('the proposal', (s) => s.includes('Apply these changes?'));
  tmux('send-keys', '-t', session, 'yes', 'Enter');
  const applied = await term.waitFor('the apply and what was learned', (s) => s.includes('Learned: next time'));
  expect(applied).toContain(`Learned: next time "${PHRASE}" means "add a service ${svc} using image nginx on port ${port}"`);
  tmux('send-keys', '-t', session, 'exit', 'Enter');
  await term.waitFor('the REPL to exit', (s) => s.includes('Goodbye!'));

  const list = claude(['learn', 'list']);
  expect(list.code).toBe(0);
  expect(list.out).toMatch(new RegExp(`1\\. "${PHRASE}" → "add a service ${svc} .* on port ${port}"\\s+\\(applied 1, rolled back 0, refused 0\\)`));

  // The first phrasing, and a close one, now mean what was applied (the service is there, so nothing more to do).
  for (const said of [PHRASE, `please ${PHRASE}`]) {
    const r = claude(['plan', said, '--json']);
    expect(r.code, r.out).toBe(0);
    const out = JSON.parse(r.out) as { explanation: string; status: string };
    expect(out.explanation).toContain(`(Learned: when you said "${PHRASE}" before`);
    expect(out.explanation).toContain(`${svc} already runs nginx`);
  }

  expect(claude(['learn', 'forget', '2']).code).toBe(1);
  const gone = claude(['learn', 'forget', '1']);
  expect(gone.code).toBe(0);
  expect(gone.out).toContain(`Forgot 1: "${PHRASE}"`);
  expect(claude(['learn', 'list']).out).toMatch(/Nothing learned yet/);
  const after = claude(['plan', PHRASE, '--json']);
  expect(after.code).toBe(1);
  expect(after.out).not.toContain('(Learned:');
}, 600_000); // 227 s at load ~25 for the first

/**
 * A shell in a terminal of its own (tmux), as a person has one: `run` types `claude '<request>'`
 * (with `extra` flags) into it; `ended` waits for that run's exit status. Each `shell()` is a
 * new terminal and a new shell.
 */
function shell() {
  term.start(['sh'], { env: { PATH: process.env.PATH ?? '', ...env() }, cwd: dir });
  let n = 0;
  return {
    run(request: string, extra = ''): number {
      n++;
      term.type(`"${process.execPath}" "${child.script}" '${request}' ${extra}; echo "run ${n} exit $?"`);
      return n;
    },
    async ended(i: number, code: string): Promise<string> {
      const s = await term.waitFor(`run ${i} to end`, (x) => new RegExp(`^run ${i} exit \\d+$`, 'm').test(x), 300_000);
      expect(new RegExp(`^run ${i} exit (\\d+)$`, 'm').exec(s)?.[1], s).toBe(code);
      return s;
    },
  };
}

it('one-shot runs: a phrasing not understood, then the next run\'s rephrase approved with yes; the first phrasing then works', async () => {
  const port = await freePort();
  const phrase = `put up the small site thingy ${tag}`;
  const sh = shell();

  const miss = await sh.ended(sh.run(phrase), '1');
  expect(miss).toContain(`I did not understand "${phrase}"`);

  const rephrase = `add a service ${svc2} using image nginx on port ${port}`;
  const second = sh.run(rephrase);
  await term.waitFor('the proposal', (s) => s.includes('Apply these changes?'));
  term.type('yes');
  const applied = await sh.ended(second, '0');
  expect(applied).toContain(`Learned: next time "${phrase}" means "${rephrase}"`);
  expect(claude(['learn', 'list']).out).toContain(`"${phrase}" → "${rephrase}"`);

  const r = claude(['plan', phrase, '--json']);
  expect(r.code, r.out).toBe(0);
  expect((JSON.parse(r.out) as { explanation: string }).explanation).toContain(`(Learned: when you said "${phrase}" before`);

  // The miss is learned from once: a later applied request is not taken as its meaning too.
  expect(existsSync(join(dir, 'data', 'learn-pending.json'))).toBe(false);
}, 600_000);

// Review 20 MED-3: a miss is learned only from a rephrase approved with `yes` in the same
// terminal, never from a `--yes` run (a script, a cron job) nor from another terminal.
it('one-shot runs: a --yes run after a miss learns nothing, nor a yes typed in another terminal', async () => {
  const phrase = `make it snappy lrn${tag}`;
  const sh = shell();
  expect(await sh.ended(sh.run(phrase), '1')).toContain(`I did not understand "${phrase}"`);
  const scripted = await sh.ended(sh.run(`set the hostname to lrn-${tag}-a`, '--yes'), '0');
  expect(scripted).not.toContain('Learned:');
  expect(claude(['learn', 'list']).out).not.toContain(phrase);

  // The miss is still there for its own terminal; another terminal's approved request is not its rephrase.
  const other = shell();
  const i = other.run(`set the hostname to lrn-${tag}-b`);
  await term.waitFor('the proposal', (s) => s.includes('Apply these changes?'));
  term.type('yes');
  expect(await other.ended(i, '0')).not.toContain('Learned:');
  expect(claude(['learn', 'list']).out).not.toContain(phrase);
}, 600_000);
