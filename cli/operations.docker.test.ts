/**
 * Operations said in plain words, as a person types them (cli/operations.ts): the real
 * bin/claude in a real terminal (tmux) and in a pipe. In the interactive mode "what changed
 * today?" lists the changes, "show me the last 5 lines of X's logs" shows them, "undo the
 * last change" plans the rollback and asks, the typed yes applies it (read once: the mode goes
 * on and answers the next question), and "undo that" drops a proposal nothing of which was
 * applied. `claude "what changed in the last 2 hours"` in a pipe prints the history. Before,
 * each was "I did not understand". Needs dockerd, tmux and `npm run build`. Names carry this
 * run's tag; the container, the tmux server and the temp dir are removed.
 */
import { beforeAll, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { tempHost, tmuxTerminal, type TempHost } from '../runtime/testutil/cli-host.js';
import { removeAfterAll } from '../runtime/testutil/cli-cleanup.js';
import { freePort } from '../runtime/testutil/ports.js';

const tag = `ops${randomBytes(3).toString('hex')}`;
const name = `${tag}-web`;
const term = tmuxTerminal(`claude-ops-${tag}`);
let host: TempHost;
let port: number;

const memoryOf = () => Number(execFileSync('docker', ['inspect', '-f', '{{.HostConfig.Memory}}', name], { encoding: 'utf8' }).trim());
const count = (s: string, part: string) => s.split(part).length - 1;

beforeAll(async () => {
  host = tempHost('ops', tag);
  port = await freePort();
  const first = host.claude(`run claude-os-local/web:latest as ${name} on port ${port}:80 with 64mb of memory`, '--yes');
  expect(first.status, first.stdout + first.stderr).toBe(0);
  const second = host.claude(`give ${name} 96mb of memory`, '--yes');
  expect(second.status, second.stdout + second.stderr).toBe(0);
  expect(memoryOf()).toBe(96 * 1024 * 1024);
}, 300_000);

removeAfterAll(term, tag, () => host);

it('in the interactive mode: history, logs, undo with a typed yes, and "undo that" on a proposal', async () => {
  term.runClaude([], { env: host.env, cwd: host.base, width: 200, height: 80 });
  await term.waitFor('the banner', (x) => x.trimEnd().endsWith('claude>'), 120_000);

  term.type('what changed today?');
  let s = await term.waitFor('the history', (x) => count(x, 'claude>') >= 2 && x.includes(`give ${name} 96mb of memory`));
  expect(s).toContain('(claude history --since today)');
  expect(s).toContain(`run claude-os-local/web:latest as ${name} on port ${port}:80 with 64mb of memory`);
  expect(s).not.toContain('did not understand');

  term.type(`show me the last 5 lines of ${name}'s logs`);
  s = await term.waitFor('the logs', (x) => count(x, 'claude>') >= 3);
  expect(s).toContain(`(claude logs ${name} -n 5)`);
  expect(s).not.toContain('did not understand');

  term.type('undo the last change');
  s = await term.waitFor('the rollback prompt', (x) => x.trimEnd().endsWith('[yes/no]'), 180_000);
  expect(s).toContain('(claude rollback HEAD~1)');
  expect(s).toMatch(/resources\.memory: 96Mi → 64Mi/);
  expect(memoryOf()).toBe(96 * 1024 * 1024); // nothing before the yes
  term.type('yes');
  s = await term.waitFor('the rollback applied and the next prompt', (x) => /State committed: [0-9a-f]{12}/.test(x) && x.trimEnd().endsWith('claude>'), 180_000);
  expect(memoryOf()).toBe(64 * 1024 * 1024);
  // The yes was read once: the mode did not take it as a request of its own.
  expect(s).not.toMatch(/claude> yes\s*\n.*(did not understand|nothing proposed)/i);

  // "undo that" right after a proposal drops it: none of it was applied.
  term.type(`give ${name} 128mb of memory`);
  await term.waitFor('the proposal', (x) => x.includes('(or keep refining)'), 180_000);
  term.type('undo that');
  s = await term.waitFor('the drop', (x) => x.includes('Dropped the proposal'));
  expect(memoryOf()).toBe(64 * 1024 * 1024);

  term.type('exit');
  await term.exited('0', 60_000);
  const history = JSON.parse(host.claude('history', '--json').stdout) as { commits: { request: string; author: { email: string } }[] };
  expect(history.commits.map((c) => c.request)).toHaveLength(3);
  // The rollback's commit names the same host as the others (it named the OS hostname).
  expect(history.commits.map((c) => c.author.email)).toEqual(Array(3).fill(`alice@${host.hostId}`));
  expect(history.commits[0]!.request).toMatch(/^rollback to [0-9a-f]{12} \("run claude-os-local/);
  expect(readFileSync(join(host.stateDir, 'services.yaml'), 'utf8')).toMatch(/memory: 64Mi/);
}, 600_000);

it('in a pipe: "what changed in the last 2 hours" prints the history; a rollback without --yes is not applied', () => {
  const h = host.claude('what changed in the last 2 hours');
  expect(h.status, h.stderr).toBe(0);
  expect(h.stdout).toContain('(claude history --since 2h)');
  expect(h.stdout).toContain(`give ${name} 96mb of memory`);
  const u = host.claude('undo the last change');
  expect(u.stdout + u.stderr).toMatch(/Not applied: there is no terminal to ask for approval/);
  expect(memoryOf()).toBe(64 * 1024 * 1024);
}, 300_000);
