/**
 * A service proposed in this conversation and never applied, changed again at "modify", is
 * said as what it is on the machine: an add, with its current values ("+ nginx: … memory
 * limit 512Mi"). Before, the proposal said "~ nginx: memory limit 512Mi (was 256Mi)": it was
 * never 256Mi anywhere but in the proposal just declined. The real bin/claude in tmux; the
 * planner only reads Docker; answered "no" at the end, so nothing is created. The tmux server
 * and the temp dir are removed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { tempHost, tmuxTerminal, type TempHost } from '../runtime/testutil/cli-host.js';

const tag = `mod${randomBytes(3).toString('hex')}`;
const term = tmuxTerminal(`claude-${tag}`);
let host: TempHost;

beforeAll(() => {
  host = tempHost('modify', tag);
});
afterAll(() => {
  term.kill();
  host?.remove();
});

describe('modify a service not applied yet', () => {
  it('the second proposal adds it with its current values, no "(was …)"', async () => {
    term.runClaude(['add a web service with nginx on port 18089 with 256MB of memory'], { env: host.env, cwd: host.base, width: 200, height: 100 });
    const first = await term.waitFor('the approval prompt', (s) => /\[yes\/no\/modify\]/.test(s), 120_000);
    expect(first).toMatch(/\+ nginx: nginx:alpine → port 18089 \(container 80\), memory limit 256Mi/);
    term.type('modify');
    await term.waitFor('what should change', (s) => s.includes('What should change?'), 60_000);
    term.type('give it 512MB of memory');
    const second = await term.waitFor('the second approval prompt', (s) => (s.match(/\[yes\/no\/modify\]/g) ?? []).length >= 2, 120_000);
    const proposed = second.slice(second.lastIndexOf('What should change?'));
    expect(proposed).not.toContain('(was 256Mi)');
    expect(proposed).toMatch(/\+ nginx: nginx:alpine → port 18089 \(container 80\), memory limit 512Mi/);
    term.type('no');
    expect(await term.exited('0', 60_000)).toContain('Nothing changed.');
  }, 400_000);
});
