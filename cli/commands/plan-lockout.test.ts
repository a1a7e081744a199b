/**
 * The firewall lock-out gate in the one planning path (agent/flow.ts planFiles): `claude plan`
 * refuses a firewall that would drop the admin's current SSH connection (SSH_CONNECTION)
 * before it observes anything (no Docker needed), `--i-know-what-i-am-doing` makes it a
 * warning, and the gate's notes ("Current connection from 10.0.1.50 will remain active")
 * land in the plan's display and in the proposed-changes box. The forced plans here are
 * made against an empty observation handed to planFiles, so no Docker Engine is needed;
 * plan.docker.test.ts runs `claude plan --i-know-what-i-am-doing` against the real one.
 */
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { claude as runClaude } from '../testutil/requests.js';
import { packageRoot } from '../../common/paths.js';
import { tempDirs } from '../../runtime/testutil/tempdirs.js';
import { renderPlan } from '../../compiler/show.js';
import { emptyObserved } from '../../compiler/__fixtures__/models.js';
import { openFlowHost, planFiles, readStateDirFiles } from '../../agent/flow.js';

const SSH = { SSH_CONNECTION: '10.0.1.50 51234 10.0.1.1 22' };

const ssh = (name: string, action: 'accept' | 'drop', source?: string) => ({ name, direction: 'input', protocol: 'tcp', port: 22, ...(source ? { source } : {}), action });
const network = (rules: object[]) => stringify({ apiVersion: 'claude.os/v1', kind: 'NetworkConfig', metadata: { name: 'network' }, spec: { firewall: { enabled: true, default_input_policy: 'accept', rules } } });

/** Drops SSH (22) from everywhere. */
const DROP_SSH = network([ssh('drop-ssh', 'drop', '0.0.0.0/0')]);

/** SSH from 10.0.0.0/8 only. */
const SSH_INTERNAL = network([ssh('allow-ssh-internal', 'accept', '10.0.0.0/8'), ssh('drop-other-ssh', 'drop')]);

const tmp = tempDirs('claude-lockout-');
let dir: string;
afterAll(() => tmp.cleanup());

beforeEach(() => {
  dir = tmp.make();
  cpSync(join(packageRoot(), 'fixtures/states/minimal'), join(dir, 'state'), { recursive: true });
});

const paths = () => ({ stateDir: join(dir, 'state'), dataDir: join(dir, 'data'), root: join(dir, 'root') });

function claude(argv: string[], env: Record<string, string>) {
  const p = paths();
  return runClaude({ dir, env: { CLAUDE_DATA_DIR: p.dataDir, CLAUDE_ROOT: p.root, CLAUDE_STATE_DIR: p.stateDir, ...env } }, argv);
}

describe('firewall lock-out gate in planning', () => {
  it('`claude plan` refuses a firewall that drops the current SSH connection, with the rule and the way out; nothing is written', async () => {
    writeFileSync(join(dir, 'state', 'network.yaml'), DROP_SSH);
    const r = await claude(['plan', '--out', 'plan.json'], SSH);
    expect(r.code).toBe(1);
    expect(r.err).toContain('CLA6010');
    expect(r.err).toContain('the new firewall would lock you out: SSH: a new TCP connection from 10.0.1.50 to port 22 would be dropped by rule drop-ssh');
    expect(r.err).toContain('--i-know-what-i-am-doing');
    expect(existsSync(join(dir, 'plan.json'))).toBe(false);
  });

  it('with --i-know-what-i-am-doing the plan is made, with the CLA6012 warning in it', async () => {
    writeFileSync(join(dir, 'state', 'network.yaml'), DROP_SSH);
    const host = await openFlowHost(paths());
    const r = await planFiles(host, readStateDirFiles(paths().stateDir), { request: 'lock myself out', engine: 'user', base: null, now: new Date('2026-11-21T12:00:00Z'), env: SSH, force: true, observed: emptyObserved({ hostId: host.hostId }) });
    if (!r.ok) throw new Error(r.problems.join('\n'));
    expect(r.warnings.some((w) => w.includes('CLA6012') && w.includes('would be dropped by rule drop-ssh'))).toBe(true);
    const display = r.planned.payload.display as { warnings?: string[] };
    expect(display.warnings).toContainEqual(expect.stringMatching(/^CLA6012: the new firewall would lock you out, and --i-know-what-i-am-doing was given: SSH: /));
    // The signed step says only the admin's side confirms it, and where the admin comes from.
    const fw = r.planned.payload.steps.find((s) => s.op === 'firewall.apply');
    expect(fw?.params).toMatchObject({ adminConfirm: true, adminProbe: { address: '10.0.1.50', ports: [22] } });
    expect(renderPlan(r.planned.payload)).toMatch(/⚠ CLA6012: the new firewall would lock you out/);
    // without the flag, the same files are refused by the same function
    const refused = await planFiles(host, readStateDirFiles(paths().stateDir), { request: 'lock myself out', engine: 'user', base: null, now: new Date(), env: SSH, observed: emptyObserved() });
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.stage).toBe('lockout');
  });

  it("a firewall that keeps the admin's connection shows the gate's notes in the proposed-changes box", async () => {
    writeFileSync(join(dir, 'state', 'network.yaml'), SSH_INTERNAL);
    const host = await openFlowHost(paths());
    const r = await planFiles(host, readStateDirFiles(paths().stateDir), { request: 'ssh from inside only', engine: 'user', base: null, now: new Date('2026-11-21T12:00:00Z'), env: SSH, observed: emptyObserved({ hostId: host.hostId }) });
    if (!r.ok) throw new Error(r.problems.join('\n'));
    expect((r.planned.payload.display as { lockout?: string[] }).lockout).toContain('Current connection from 10.0.1.50 will remain active');
    // Not flagged: no admin confirmation is asked for.
    const fw = r.planned.payload.steps.find((s) => s.op === 'firewall.apply');
    expect(fw && 'adminConfirm' in fw.params).toBe(false);
    const text = renderPlan(r.planned.payload);
    const box = text.slice(0, text.indexOf('└'));
    expect(box).toMatch(/│ Current connection from 10\.0\.1\.50 will remain active +│/);
    // the signed envelope carries the same payload (display included)
    expect(readFileSync(join(dir, 'data', 'host-id'), 'utf8').trim()).toBe(r.planned.payload.hostId);
  });
});
