/**
 * A plain "yes" to the vetting's question goes on with the same proposal (agent/request.ts
 * acceptVettedTurn): "only allow ssh from 10.0.0.0/8 and open port 8080" on a host whose
 * firewall drops by default opens 8080 to everyone, wider than the range named, so the request
 * stops and asks; the person types yes, the plan is shown and the approval prompt follows
 * (answered no here: nothing changes). Before, "yes" was read as a new request the offline
 * engine did not understand, a dead end. The real bin/claude in tmux; the planner only reads
 * Docker and nft; the tmux server and the temp dir are removed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempHost, tmuxTerminal, type TempHost } from '../runtime/testutil/cli-host.js';
import { acceptVettedTurn, isPlainYes, type TurnResult } from '../agent/request.js';
import type { IntentSession } from '../agent/intent.js';
import { isWiderThanNamedQuestion } from '../compiler/intent/validate-proposal.js';

const tag = `vet${randomBytes(3).toString('hex')}`;
const term = tmuxTerminal(`claude-${tag}`);
let host: TempHost;
const NETWORK = `apiVersion: claude.os/v1
kind: NetworkConfig
metadata:
  name: network
spec:
  firewall:
    enabled: true
    default_input_policy: drop
    rules:
      - name: allow-established
        state: established,related
        action: accept
      - name: allow-loopback
        interface: lo
        action: accept
      - name: allow-ssh
        protocol: tcp
        port: 22
        action: accept
`;

beforeAll(() => {
  host = tempHost('vet', tag);
  writeFileSync(join(host.stateDir, 'network.yaml'), NETWORK);
});
afterAll(() => {
  term.kill();
  host?.remove();
});

describe('answering the vetting question', () => {
  it('a plain yes is a plain yes; a yes that changes something is not', () => {
    for (const a of ['yes', 'Yes.', 'ok', 'yep, do it', 'sure', 'yes, the website is for everyone', 'open it to everyone', "that's what i want"]) expect(isPlainYes(a), a).toBe(true);
    for (const a of ['yes but only from 10.1.0.0/16', 'no', 'not that', 'yes, on port 8081 instead', 'open it to 10.0.0.0/8 only', "don't", 'why?', 'yes open it to the office', 'right, use the office range', 'correct, it should be the vpn range', 'yes, try again', 'yes, and also add user bob', 'ok, also stop redis', 'sure, remove the root key too']) expect(isPlainYes(a), a).toBe(false);
  });

  it('a plain yes answers only the "wider than the range you named" stop, never another (users, secrets, a range not used)', async () => {
    const wider = 'The proposal opens firewall rule allow-web to everyone, wider than the 10.0.0.0/8 you named. I stopped here: say "open it to everyone" if that is what you want, or rephrase.';
    expect(isWiderThanNamedQuestion(wider)).toBe(true);
    const others = [
      'The proposal changes the users (accounts, SSH keys or sudo) in security.yaml, which your request did not ask for. I stopped here: say so explicitly if that is what you want.',
      'You named 10.0.0.0/8, but the proposed files do not use it. Should I try again, or is it not needed?',
    ];
    for (const q of others) expect(isWiderThanNamedQuestion(q), q).toBe(false);
    const turn = (questions: string[]) => ({ ictx: {} as never, result: { status: 'ask', questions, proposal: { provider: 'test', files: {}, explanation: '' }, files: {}, merged: {}, diagnostics: [], warnings: [], problems: [], attempts: 1 } }) as unknown as TurnResult;
    // the session is never reached when the turn is not one a yes may answer
    const s = {} as IntentSession;
    for (const qs of [[wider, others[0]!], [others[1]!], []]) expect(await acceptVettedTurn(s, turn(qs), 'yes'), qs.join(' | ')).toBeUndefined();
  });

  it('"yes" plans the proposal as it was and asks for the approval; "no" then changes nothing', async () => {
    term.runClaude(['only allow ssh from 10.0.0.0/8 and open port 8080'], { env: host.env, cwd: host.base, width: 200, height: 100 });
    const asked = await term.waitFor('the vetting question', (s) => s.includes('Your answer (or press enter to stop):'), 120_000);
    expect(asked).toMatch(/opens firewall rule \S+ to everyone, wider than the 10\.0\.0\.0\/8 you named/);
    term.type('yes');
    const plan = await term.waitFor('the approval prompt', (s) => /Proceed\? \[yes\/no\/modify\]/.test(s), 120_000);
    expect(plan).toMatch(/accept tcp port 22 from 10\.0\.0\.0\/8/);
    expect(plan).toMatch(/accept tcp port 8080/);
    expect(plan).not.toContain('I did not understand');
    term.type('no');
    await term.waitFor('claude to exit', () => term.exitStatus() !== null, 60_000);
    expect(term.screen()).not.toMatch(/Applied plan-/);
    expect(readFileSync(join(host.stateDir, 'network.yaml'), 'utf8')).toBe(NETWORK);
  }, 300_000);
});
