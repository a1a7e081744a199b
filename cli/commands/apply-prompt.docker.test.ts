/**
 * `claude apply PLAN.json` asking "Apply them? [yes/no]" in a real terminal (tmux, the real
 * bin/claude): after an unclear answer it asks again; the end of input then is "no" at once
 * (it waited forever for an 'end' that had already been), and a "yes" typed ahead in the same
 * chunk as the unclear answer is read, not dropped. Needs dockerd, tmux and `npm run build`.
 * Names carry this run's tag; the network, the tmux server and the temp dir are removed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resourceFingerprints } from '../../plan/fingerprint.js';
import { createHostEngine } from '../../runtime/host-engine.js';
import { makePlan, S, setupTestHost, signPlan, type TestHost } from '../../runtime/testutil/plans.js';
import { CLAUDE_BIN, tempHost, tmuxTerminal, until, type TempHost } from '../../runtime/testutil/cli-host.js';
import { removeDockerByName } from '../../runtime/testutil/docker-cleanup.js';

const tag = `aprm${randomBytes(3).toString('hex')}`;
const net = `${tag}-net`;
const term = tmuxTerminal(`claude-apply-prompt-${tag}`);
const PROMPT = 'Apply them? [yes/no]';
let host: TempHost;
let keys: TestHost;

const networks = () => execFileSync('docker', ['network', 'ls', '-q', '--filter', `name=${net}`], { encoding: 'utf8' }).trim();
const count = (s: string, part: string) => s.split(part).length - 1;
const exitStatus = () => /exit status (\d+)$/m.exec(term.screen())?.[1] ?? null;

/** Signs a plan creating the network (a security step: it asks) and starts `claude apply` on it in the terminal, up to its prompt. */
async function applyAsking(): Promise<void> {
  const engine = await createHostEngine({ root: host.root, dataDir: host.dataDir, hostId: host.hostId });
  const base = resourceFingerprints(await engine.observe());
  const file = join(host.base, `plan-${randomBytes(3).toString('hex')}.json`);
  writeFileSync(file, signPlan(makePlan([S.network(net, { risk: 'security' })], { hostId: host.hostId, base, request: 'a network', stateCommit: null }), keys.key.privateKey));
  term.start(['sh', '-c', '"$0" apply "$1"; echo "exit status $?"', CLAUDE_BIN, file], { env: host.env, cwd: host.base, width: 200, height: 60 });
  await term.waitFor('the prompt', (x) => x.trimEnd().endsWith(PROMPT), 120_000);
}

/** The exit status, within 20 s (a hang fails here). */
const ended = () => until('claude apply to exit', exitStatus, { ms: 20_000, detail: () => term.screen() });

beforeAll(() => {
  host = tempHost('apply-prompt', tag);
  keys = setupTestHost(host.dataDir, host.hostId);
});

afterAll(() => {
  term.kill();
  removeDockerByName(tag);
  host?.remove();
}, 60_000);

describe('claude apply PLAN.json: the [yes/no] prompt', () => {
  it('an unclear answer, then the end of input: exits at once as "no", nothing applied', async () => {
    await applyAsking();
    term.type('maybe');
    await term.waitFor('the prompt again', (x) => count(x, PROMPT) === 2 && x.trimEnd().endsWith(PROMPT), 20_000);
    term.tmux('send-keys', '-t', `claude-apply-prompt-${tag}`, 'C-d');
    expect(await ended(), term.screen()).toBe('1');
    expect(term.screen()).toContain('"maybe" is neither yes nor no; type yes or no.');
    expect(term.screen()).toContain('Nothing was changed.');
    expect(networks()).toBe('');
  }, 180_000);

  // From the review: the apply command caught the Cancelled that Ctrl-C throws and exited 1.
  it('Ctrl-C at the prompt cancels: "Cancelled. Nothing changed.", exit 130, nothing applied', async () => {
    await applyAsking();
    term.tmux('send-keys', '-t', `claude-apply-prompt-${tag}`, 'C-c');
    expect(await ended(), term.screen()).toBe('130');
    expect(term.screen()).toContain('Cancelled. Nothing changed.');
    expect(networks()).toBe('');
  }, 180_000);

  // The answer typed ahead is read without the prompt written again (cli/prompt.ts promptTypedAhead: false).
  it('"maybe" and "yes" typed in one go: the "yes" is read, and applies', async () => {
    await applyAsking();
    term.tmux('send-keys', '-t', `claude-apply-prompt-${tag}`, 'maybe', 'Enter', 'yes', 'Enter');
    expect(await ended(), term.screen()).toBe('0');
    expect(networks()).not.toBe('');
  }, 180_000);
});
