/**
 * The REPL driven through a real pseudo-terminal (tmux): a three-turn refinement builds up
 * one plan, which is then dropped; nothing is applied. Needs dockerd (planning observes
 * the system, read-only) and tmux.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { transpileForChild, type ChildBuild } from '../../runtime/testutil/transpile-child.js';
import { tmuxTerminal } from '../../runtime/testutil/cli-host.js';

const session = `claude-test-repl-${randomBytes(4).toString('hex')}`;
let dir: string;
let child: ChildBuild;

// A private tmux server (-L): other tests' tmux sessions and servers cannot interfere.
const term = tmuxTerminal(session);
const { tmux, screen } = term;
const count = (s: string, needle: string) => s.split(needle).length - 1;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'claude-repl-'));
  mkdirSync(join(dir, 'state'));
  child = transpileForChild(['cli/main.ts'], "import { run } from './cli/main.js';\nrun(process.argv.slice(2));\n");
});

afterAll(() => {
  try {
    tmux('kill-server');
  } catch {
    /* already gone */
  }
  child?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it('three turns refine one proposal: PostgreSQL, daily backups, a connection limit of 100', async () => {
  const env = [`CLAUDE_STATE_DIR=${join(dir, 'state')}`, `CLAUDE_DATA_DIR=${join(dir, 'data')}`, `CLAUDE_ROOT=${join(dir, 'root')}`, 'CLAUDE_LLM_PROVIDER=offline'];
  tmux('new-session', '-d', '-s', session, '-x', '220', '-y', '60', 'env', ...env, process.execPath, child.script);
  // Keep the pane (and its last screen) after the REPL exits, so "Goodbye!" can still be read.
  tmux('set-option', '-t', session, 'remain-on-exit', 'on');
  await term.waitFor('the banner', (s) => s.includes('claude> '));
  const banner = screen();
  expect(banner).toMatch(/Claude\.OS v\d+\.\d+\.\d+ - Type 'exit' to quit, 'help' for commands/);
  expect(banner).toMatch(/System: .* \| \d+ services? running \| .* \| intelligence: offline engine/);

  tmux('send-keys', '-t', session, 'I need a PostgreSQL database', 'Enter');
  let s = await term.waitFor('the first proposal', (x) => count(x, 'Apply these changes?') >= 1);
  expect(s).toMatch(/\+ postgres: postgres:16-alpine/);

  tmux('send-keys', '-t', session, 'with daily backups', 'Enter');
  s = await term.waitFor('the second proposal', (x) => count(x, 'Apply these changes?') >= 2);
  expect(s).toMatch(/volume postgres-data: backed up every day at 03:00/);

  tmux('send-keys', '-t', session, 'and a connection limit of 100', 'Enter');
  s = await term.waitFor('the third proposal', (x) => count(x, 'Apply these changes?') >= 3);
  // postgres is not on the machine yet: the change is said as part of its add (one + line with
  // its current values, compiler/intent/offline/lines.ts foldUnappliedServiceLines), not as a ~ line.
  expect(s).toMatch(/\+ postgres: postgres:16-alpine → [^\n]*command postgres -c max_connections=100/);
  // The last plan still creates postgres: the three turns built one plan.
  const last = s.slice(s.lastIndexOf('claude> and a connection limit of 100'));
  expect(last).toMatch(/Create container 'postgres'/);
  expect(last).toMatch(/Proposed Changes/);
  expect(last).toMatch(/request: +I need a PostgreSQL database; with daily backups; and a connection limit of 100/);

  tmux('send-keys', '-t', session, 'no', 'Enter');
  await term.waitFor('the drop', (x) => x.includes('Dropped. Nothing changed.'));
  // `clear` clears the screen, as in a shell; it is not a request ("I did not understand").
  tmux('send-keys', '-t', session, 'clear', 'Enter');
  s = await term.waitFor('the cleared screen', (x) => !x.includes('Dropped. Nothing changed.') && x.trim() === 'claude>');
  expect(s).not.toContain('did not understand');
  tmux('send-keys', '-t', session, 'exit', 'Enter');
  await term.waitFor('goodbye', (x) => x.includes('Goodbye!'));

  // Nothing was applied; the conversation is in the data dir.
  expect(existsSync(join(dir, 'state', 'services.yaml'))).toBe(false);
  const convDir = join(dir, 'data', 'conversations');
  const files = readdirSync(convDir);
  expect(files).toHaveLength(1);
  const turns = readFileSync(join(convDir, files[0]!), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { role: string; text: string });
  expect(turns.filter((t) => t.role === 'user').map((t) => t.text)).toEqual(['I need a PostgreSQL database', 'with daily backups', 'and a connection limit of 100', 'no']);
});
