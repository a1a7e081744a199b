/**
 * A firewall edited by hand so that it opens every port needs the admin (policy P2), whatever
 * the edit: the planner compares with the live table's input policy (observed.firewall.inputPolicy,
 * read by runtime/drivers/nft.ts), not only with the written `default_input_policy: accept`.
 * The real bin/claude in a terminal (tmux), inside a network namespace this file makes, so the
 * table is loaded into real nftables there and never on the host. Needs dockerd (the observer
 * lists containers), nft, tmux and `npm run build`. The namespace, the tmux server and the
 * temp dir are removed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempHost, tmuxTerminal, type TempHost } from '../runtime/testutil/cli-host.js';
import { netnsPerRun } from '../runtime/testutil/netns.js';

const tag = `fwopen${randomBytes(3).toString('hex')}`;
const NS = netnsPerRun('claude-fwopen', { lo: true });
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
      - name: allow-loopback
        direction: input
        interface: lo
        action: accept
`;

const networkYaml = () => join(host.stateDir, 'network.yaml');
/** The live input policy in the namespace, as nft lists it. */
const livePolicy = () => /chain input \{[^}]*?policy (\w+);/.exec(execFileSync('ip', ['netns', 'exec', NS, 'nft', 'list', 'table', 'inet', 'claude'], { encoding: 'utf8' }))?.[1];

async function claude(args: string[], code: string): Promise<string> {
  term.runClaude(args, { env: host.env, cwd: host.base, width: 200, height: 80, under: ['nsenter', `--net=/run/netns/${NS}`] });
  return term.exited(code, 180_000);
}

beforeAll(async () => {
  host = tempHost('fwopen', tag);
  writeFileSync(networkYaml(), NETWORK);
  await claude(['apply', '--yes'], '0');
  expect(livePolicy()).toBe('drop');
}, 240_000);

afterAll(() => {
  term.kill();
  host?.remove();
}, 60_000);

describe('a hand edit that turns the live drop into accept needs the admin (P2)', () => {
  it.each([
    ['the default_input_policy line dropped (the default is accept)', (y: string) => y.replace('    default_input_policy: drop\n', '')],
    ['enabled: false (the table goes)', (y: string) => y.replace('enabled: true', 'enabled: false')],
  ])('%s: the plan says P2 missing, apply --yes refuses, the table still drops', async (_what, edit) => {
    writeFileSync(networkYaml(), edit(NETWORK));
    expect(readFileSync(networkYaml(), 'utf8')).not.toBe(NETWORK);
    const planned = await claude(['plan'], '0');
    expect(planned).toContain("P2 admin signature (the firewall accepts incoming traffic by default): missing");
    const applied = await claude(['apply', '--yes'], '1');
    expect(applied).toMatch(/'admin' key \(P2: the plan sets the firewall input policy to accept\)/);
    expect(livePolicy()).toBe('drop');
  }, 400_000);

  it('an edit that keeps drop (a rule added) needs no admin', async () => {
    writeFileSync(networkYaml(), NETWORK + `      - name: allow-http\n        direction: input\n        protocol: tcp\n        port: 80\n        action: accept\n`);
    const planned = await claude(['plan'], '0');
    expect(planned).toContain('input policy drop');
    expect(planned).not.toContain('P2 admin');
  }, 400_000);
});
