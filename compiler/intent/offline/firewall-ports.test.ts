import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runOfflineEngine } from './engine.js';
import type { ConversationTurn, StateFiles } from '../provider.js';
import { compileFiles } from '../../compile.js';
import { plan } from '../../planner.js';
import { emptyObserved } from '../../__fixtures__/models.js';
import { evaluatePolicy, requiredRoles } from '../../../plan/policy.js';
import { validatePlanPayload } from '../../../plan/schema.js';

// Round 22, my own wording: several ports in one request are one rule each; a service's port
// said by the service ("its port"); ranges; the default input policy set to accept is done
// (with a warning, as a high-risk change), while turning the firewall off stays refused.
const NOW = new Date('2026-05-01T10:00:00Z');
interface Rule { name: string; protocol?: string; port?: unknown; source?: unknown; action: string }
interface Fw { default_input_policy?: string; rules?: Rule[] }
const IMAGES = { nginx: 'nginx:1.27', grafana: 'grafana/grafana:11.1.0', redis: 'redis:7' };

/** Runs the requests as one conversation; returns the last reply and the firewall it leaves. */
function converse(...messages: string[]) {
  let files: StateFiles = {};
  const history: ConversationTurn[] = [];
  let r = runOfflineEngine({ message: messages[0]!, files, history: [], secretNames: [], imageCatalog: IMAGES, now: NOW });
  for (const [i, message] of messages.entries()) {
    r = runOfflineEngine({ message, files, history: [...history], secretNames: [], imageCatalog: IMAGES, now: NOW });
    files = { ...files, ...r.files };
    history.push({ role: 'user', text: message }, { role: 'assistant', text: r.explanation });
    if (i < messages.length - 1) expect(r.refused, message).toBeUndefined();
  }
  const fw = ((parse(files['network.yaml'] ?? 'spec: {}') as { spec: { firewall?: Fw } }).spec.firewall ?? {}) as Fw;
  return { r, fw, files };
}
/** The accepted ports, one entry per rule: [port, source]. */
const opened = (fw: Fw) => (fw.rules ?? []).filter((x) => x.action === 'accept' && x.port !== undefined).map((x) => [x.port, x.source ?? 'anywhere']);

describe('several ports in one request: one rule per port', () => {
  it.each([
    ['open ports 80 and 443', [[80, 'anywhere'], [443, 'anywhere']]],
    ['allow 8080, 8443 and 9000', [[8080, 'anywhere'], [8443, 'anywhere'], [9000, 'anywhere']]],
    ['open 3000 & 3001 to 10.0.0.0/8', [[3000, '10.0.0.0/8'], [3001, '10.0.0.0/8']]],
    ['please permit ports 25, 587 and 993 from 192.168.1.0/24', [[25, '192.168.1.0/24'], [587, '192.168.1.0/24'], [993, '192.168.1.0/24']]],
    ['only allow 80 443', [[80, 'anywhere'], [443, 'anywhere']]],
    ['open port 8000 and port 8001', [[8000, 'anywhere'], [8001, 'anywhere']]],
    ['allow 5000 and 6000-6010', [[5000, 'anywhere'], ['6000-6010', 'anywhere']]],
    ['open the mosh ports 60000-61000/udp', [['60000-61000', 'anywhere']]],
    ['let ports 8000 to 8010 through', [['8000-8010', 'anywhere']]],
  ])('"%s"', (message, want) => {
    const { r, fw } = converse(message);
    expect(r.questions ?? []).toEqual([]);
    expect(opened(fw)).toEqual(want);
  });

  it('a lockdown with the ports kept open: the SSH port said as a number is the SSH rule, the others one rule each', () => {
    const { fw } = converse('deny by default and only allow 22 80 443');
    expect(fw.default_input_policy).toBe('drop');
    expect(opened(fw)).toEqual([[22, 'anywhere'], [80, 'anywhere'], [443, 'anywhere']]);
    expect((fw.rules ?? []).filter((x) => x.port === 22).map((x) => x.name)).toEqual(['allow-ssh']);
  });

  it('"deny by default and only allow ssh and web" keeps SSH and web open and asks nothing', () => {
    const { r, fw } = converse('deny by default and only allow ssh and web');
    expect(r.questions ?? []).toEqual([]);
    expect(fw.default_input_policy).toBe('drop');
    expect(opened(fw)).toEqual([[22, 'anywhere'], [[80, 443], 'anywhere']]);
  });

  it('"close 25 and 587" blocks each port with its own rule', () => {
    const { fw } = converse('close 25 and 587');
    expect((fw.rules ?? []).map((x) => [x.port, x.action])).toEqual([[25, 'drop'], [587, 'drop']]);
  });

  it('the SSH port narrowed by number drops SSH from everyone else, with the lock-out warning', () => {
    const { r, fw } = converse('open port 22 but only for 10.0.0.0/8');
    expect((fw.rules ?? []).map((x) => [x.name, x.source ?? 'anywhere', x.action])).toEqual([['allow-ssh', '10.0.0.0/8', 'accept'], ['deny-ssh', 'anywhere', 'drop']]);
    expect((r.warnings ?? []).join('\n')).toMatch(/lose access/);
  });
});

describe('a service\'s port said by the service', () => {
  it.each([
    [['add nginx on port 80', 'open its port in the firewall'], [[80, 'anywhere']]],
    [['set up grafana on 3000', 'allow its port from 172.16.0.0/12'], [[3000, '172.16.0.0/12']]],
    [['add grafana on port 3000', 'open the grafana port to the office network 172.16.0.0/12'], [[3000, '172.16.0.0/12']]],
    [['open port 8443', 'only from 10.0.0.0/8 though'], [[8443, '10.0.0.0/8']]],
  ])('%j', (messages, want) => {
    const { r, fw } = converse(...messages);
    expect(r.questions ?? []).toEqual([]);
    expect(opened(fw)).toEqual(want);
  });
});

describe('the default input policy set to accept: done, with a warning, as a high-risk change', () => {
  it.each([
    'set the default inbound policy back to accept',
    'default policy: allow',
    'accept as the default policy',
    'ok actually go back to accepting inbound by default',
    'change the firewall default input policy to accept',
    'set the default incoming policy to accept please',
    'make the input policy accept again',
    'firewall default back to accepting',
  ])('"%s"', (message) => {
    const { r, fw } = converse('add nginx on port 8080', 'lock down the system', message);
    expect(r.refused).toBeUndefined();
    expect(fw.default_input_policy).toBe('accept');
    // The rules stay (a drop rule still drops); only the default changes.
    expect((fw.rules ?? []).map((x) => x.name)).toContain('allow-ssh');
    const warning = (r.warnings ?? []).join('\n');
    expect(warning).toMatch(/^High-risk change: with the default policy ACCEPT, every port of this machine that no rule drops can be reached from anywhere, including nginx \(8080\)/);
    expect(warning).toMatch(/needs an admin signature \(policy P2\)/);
  });

  it.each([
    'turn the firewall off entirely',
    'flush every rule',
    'flush every firewall rule',
    'accept all incoming traffic by default',
    'let everything in by default',
    'change the default input policy to ACCEPT and delete the deny rules',
    'set the policy to accept and remove all the blocking rules',
  ])('"%s" stays refused, and nothing changes', (message) => {
    const { r } = converse('lock down the system', message);
    expect(r.refused?.reason).toMatch(/firewall off|accepting everything/);
    expect(r.files).toEqual({});
  });

  it.each(['the smtp relay defaults to accepting mail from the lan', 'default policy drop, allow only 22', 'deny all incoming by default'])('"%s" does not set the policy to accept', (message) => {
    const { r, fw } = converse(message);
    expect(r.refused).toBeUndefined();
    expect(fw.default_input_policy).not.toBe('accept');
  });

  // From the review of round 22: requests to close the firewall that set the policy to ACCEPT.
  it.each([
    'change the default input policy from accept to drop',
    "don't allow incoming traffic by default",
    'stop accepting incoming connections by default',
    'the firewall currently defaults to accepting; make it drop',
    'no longer accept inbound traffic by default',
    'the default inbound policy should not be accept',
  ])('"%s" never sets the policy to accept', (message) => {
    const { fw } = converse('add nginx on port 8080', message);
    expect(fw.default_input_policy ?? 'accept (default, unchanged)').not.toBe('accept');
  });
});

// From the review of round 22: a port-22 rule with a source rewrote allow-ssh / deny-ssh.
describe('a port-22 rule said with a source leaves the SSH rules of other sources alone', () => {
  it('"block port 22 from 203.0.113.5" after SSH was narrowed to 10.0.0.0/8 keeps allow-ssh and deny-ssh', () => {
    const { fw } = converse('only allow ssh from 10.0.0.0/8', 'block port 22 from 203.0.113.5');
    const byName = new Map((fw.rules ?? []).map((x) => [x.name, x]));
    expect(byName.get('allow-ssh')?.source).toBe('10.0.0.0/8');
    expect(byName.get('deny-ssh')?.source).toBeUndefined();
    expect(byName.get('deny-ssh')?.action).toBe('drop');
    expect([...byName.values()].some((x) => x.port === 22 && x.source === '203.0.113.5' && x.action === 'drop')).toBe(true);
  });
  it('"allow port 22 from 10.8.0.0/24" after a lock-down adds a rule and keeps allow-ssh as it was', () => {
    const before = converse('lock down the system').fw;
    const allowSsh = (before.rules ?? []).find((x) => x.name === 'allow-ssh');
    const { fw } = converse('lock down the system', 'allow port 22 from 10.8.0.0/24');
    expect((fw.rules ?? []).find((x) => x.name === 'allow-ssh')).toEqual(allowSsh);
    expect((fw.rules ?? []).some((x) => x.port === 22 && x.source === '10.8.0.0/24' && x.action === 'accept')).toBe(true);
  });
});

describe('the accept policy needs an admin signature (P2) in the plan it makes', () => {
  const planned = (files: StateFiles) => {
    const c = compileFiles(files as Record<string, string>);
    expect(c.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const p = plan(c.model!, emptyObserved(), { request: 'r', now: NOW, nonce: '0'.repeat(32), hostId: 'h', provenance: { engine: 'user' }, compilerVersion: '0.1.0' });
    expect(validatePlanPayload(p)).toEqual([]);
    return p;
  };
  const fwStep = (p: ReturnType<typeof planned>) => p.steps.find((x) => x.op === 'firewall.apply')!;

  it('the engine\'s proposal plans a firewall step marked opensEveryPort, and the plan needs the admin', () => {
    const { files } = converse('add nginx on port 8080', 'lock down the system', 'set the default inbound policy back to accept');
    const p = planned(files);
    expect(fwStep(p).params).toMatchObject({ opensEveryPort: true });
    expect(requiredRoles(p)).toEqual(['host', 'admin']);
    expect(evaluatePolicy(p, ['host']).missingSignatures).toEqual([expect.stringMatching(/'admin' key \(P2: the plan sets the firewall input policy to accept\)/)]);
    expect(evaluatePolicy(p, ['host', 'admin']).missingSignatures).toEqual([]);
  });

  it('a drop policy, or the policy left at its default, needs no admin', () => {
    for (const messages of [['add nginx on port 8080', 'lock down the system'], ['add nginx on port 8080', 'open port 8080']]) {
      const p = planned(converse(...messages).files);
      expect(fwStep(p).params).not.toHaveProperty('opensEveryPort');
      expect(requiredRoles(p)).toEqual(['host']);
    }
  });
});
