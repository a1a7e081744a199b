/**
 * "undo" said twice in the interactive mode undoes the change before the one undone, not the
 * undo itself; when there is none left it says so (docs/intent.md). Then (review 20 MED-2) undo
 * has one meaning however it is said: "roll it back" and "undo that", each right after "tell me
 * the logs of web" (an answer, whose lines are never a change), take back the last applied
 * change as `claude rollback HEAD~1` does, with its `[yes/no]`; before, "roll it back" went to
 * the engine, which re-read the text of the last reply. The real bin/claude in a
 * terminal (tmux); the changes are hostnames (host files under this run's CLAUDE_ROOT), so no
 * container is made. Needs dockerd (the planner observes), tmux and `npm run build`. The tmux
 * server and the temp dir are removed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempHost, tmuxTerminal, type TempHost } from '../runtime/testutil/cli-host.js';

const tag = `undo${randomBytes(3).toString('hex')}`;
const term = tmuxTerminal(`claude-${tag}`);
let host: TempHost;
const hostname = () => readFileSync(join(host.root, 'etc', 'hostname'), 'utf8').trim();
const count = (s: string, part: string) => s.split(part).length - 1;

beforeAll(() => {
  host = tempHost('undo', tag);
  for (const n of ['a1', 'a2', 'a3']) {
    const r = host.claude(`set the hostname to ${tag}-${n}`, '--yes');
    if (r.status !== 0) throw new Error(`set the hostname ${n}: ${r.stdout}${r.stderr}`);
  }
}, 300_000);

afterAll(() => {
  term.kill();
  host?.remove();
});

describe('undo, undo, undo in one session', () => {
  it('goes back one change each time, then says there is nothing more to undo', async () => {
    expect(hostname()).toBe(`${tag}-a3`);
    term.runClaude([], { env: host.env, cwd: host.base, width: 200, height: 200 });
    await term.waitFor('the prompt', (x) => x.trimEnd().endsWith('claude>'), 120_000);
    for (const [i, want] of [[1, 'a2'], [2, 'a1']] as const) {
      term.type('undo');
      await term.waitFor(`the rollback's question (${i})`, (x) => count(x, '[yes/no]') >= i || count(x, '[y/N]') >= i, 120_000).catch(() => undefined);
      term.type('yes');
      await term.waitFor(`undo ${i} applied`, (x) => count(x, 'Applied') >= i && x.trimEnd().endsWith('claude>'), 180_000);
      expect(hostname()).toBe(`${tag}-${want}`);
    }
    term.type('undo');
    const s = await term.waitFor('nothing more', (x) => x.includes('There is nothing more to undo'), 60_000);
    expect(s).toContain('There is nothing more to undo: the change undone last was the first one recorded. Nothing changed.');
    expect(hostname()).toBe(`${tag}-a1`);
    term.type('exit');
  }, 600_000);
});

describe('"roll it back" and "undo that" after "tell me the logs of web"', () => {
  it('each rolls back the last applied change once the person types yes', async () => {
    for (const n of ['b1', 'b2']) {
      const r = host.claude(`set the hostname to ${tag}-${n}`, '--yes');
      expect(r.status, `${r.stdout}${r.stderr}`).toBe(0);
    }
    term.runClaude([], { env: host.env, cwd: host.base, width: 200, height: 300 });
    await term.waitFor('the prompt', (x) => x.trimEnd().endsWith('claude>'), 120_000);
    // The second undo of a session goes one further back than the first (above): b2 → b1 → a1.
    for (const [i, said, want] of [[1, 'roll it back', 'b1'], [2, 'undo that', 'a1']] as const) {
      term.type('tell me the logs of web');
      await term.waitFor(`the answer (${i})`, (x) => count(x, 'claude>') >= 2 * i && x.trimEnd().endsWith('claude>'), 120_000);
      term.type(said);
      const asked = await term.waitFor(`the rollback's question (${i})`, (x) => count(x, '[yes/no]') >= i, 120_000);
      expect(asked).toContain('(claude rollback ');
      term.type('yes');
      await term.waitFor(`${said} applied`, (x) => count(x, 'Applied') >= i && x.trimEnd().endsWith('claude>'), 180_000);
      expect(hostname(), said).toBe(`${tag}-${want}`);
    }
    term.type('exit');
  }, 600_000);
});
