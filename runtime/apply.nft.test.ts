/**
 * Firewall steps through applyPlan on real nftables, inside a network namespace made for
 * this run (the host's own ruleset is never touched): a table is applied, a later plan that
 * changes it and then fails is rolled back to the previous table (and record), and
 * `firewall.remove` deletes it. Host files and the schedule the same way, under a temp
 * CLAUDE_ROOT. The observer is the planner's (runtime/observe/snapshot.ts)
 * reading nft in the namespace; its own data dir gives it its own host id, so it manages no
 * container (others on the shared dockerd carry other host ids).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha256Hex } from '../common/canonical.js';
import { resourceFingerprints } from '../plan/fingerprint.js';
import type { PlanStep } from '../plan/types.js';
import { applyPlan, EVENTS_FILE, FirewallRulesetError } from './apply.js';
import type { DockerEngine } from './drivers/docker.js';
import { NftDriver } from './drivers/nft.js';
import { createDockerHostEngine as createHostEngine } from './host-engine.js';
import { readJournal } from './journal.js';
import { makePlan, S, setupTestHost, signPlan, type TestHost } from './testutil/plans.js';
import { netnsPerRun } from './testutil/netns.js';

const ns = netnsPerRun('claude-test');
let dataDir: string;
let root: string;
let host: TestHost;
let engine: DockerEngine;

const table = (port: number) => `table inet claude {\n\tchain input {\n\t\ttype filter hook input priority filter; policy accept;\n\t\ttcp dport ${port} drop\n\t}\n}\n`;
const fw = (ruleset: string, dependsOn: string[] = []): PlanStep => ({
  id: 'firewall',
  op: 'firewall.apply',
  target: 'firewall/inet-claude',
  params: { ruleset, hash: sha256Hex(ruleset), confirmTimeoutMs: 0 },
  dependsOn,
  risk: 'security',
  phase: 5,
  inverse: null,
  description: 'Apply firewall rules',
});
const listed = (): string => {
  try {
    return execFileSync('ip', ['netns', 'exec', ns, 'nft', 'list', 'table', 'inet', 'claude'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return '(absent)';
  }
};

async function apply(steps: PlanStep[]) {
  const base = resourceFingerprints(await engine.observe());
  return applyPlan(signPlan(makePlan(steps, { hostId: host.hostId, base }), host.key.privateKey), { engine, dataDir, trustedKeys: host.trusted(), hostId: host.hostId, now: () => new Date(), yes: true });
}
const hostFile = (content: string): PlanStep => ({ id: 'host', op: 'host.apply', target: 'host/files', params: { files: [{ path: '/etc/claude-preflight', content, mode: '0644' }] }, dependsOn: [], risk: 'disruptive', phase: 5, inverse: null, description: 'Write host files' });

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'claude-fw-data-'));
  root = mkdtempSync(join(tmpdir(), 'claude-fw-root-'));
  host = setupTestHost(dataDir);
  engine = await createHostEngine({ root, dataDir, hostId: host.hostId, netns: ns });
});

afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(root, { recursive: true, force: true });
});

describe('firewall steps', () => {
  it('applies a table, rolls a failed change back to it, removes it', async () => {
    const first = await apply([fw(table(2222))]);
    expect(first.status).toBe('applied');
    expect(listed()).toContain('tcp dport 2222 drop');
    const record = readFileSync(join(dataDir, 'firewall.json'), 'utf8');
    expect(JSON.parse(record)).toMatchObject({ rulesetHash: sha256Hex(table(2222)) });
    const fp = resourceFingerprints(await engine.observe());
    expect(fp['firewall/inet-claude']).toBeDefined();

    const failed = await apply([fw(table(3333)), { ...S.image('nonexistent:latest'), dependsOn: ['firewall'] }]);
    expect(failed.status, JSON.stringify(failed.rollback)).toBe('rolled-back');
    expect(failed.rollback?.undone).toEqual(['image/nonexistent:latest', 'firewall']);
    expect(listed()).toContain('tcp dport 2222 drop');
    expect(listed()).not.toContain('3333');
    expect(readFileSync(join(dataDir, 'firewall.json'), 'utf8')).toBe(record);
    expect(resourceFingerprints(await engine.observe())).toEqual(fp);

    const removed = await apply([{ id: 'fw-rm', op: 'firewall.remove', target: 'firewall/inet-claude', params: { confirmTimeoutMs: 0 }, dependsOn: [], risk: 'security', phase: 5, inverse: null, description: 'Remove the firewall table' }]);
    expect(removed.status).toBe('applied');
    expect(listed()).toBe('(absent)');
    expect(existsSync(join(dataDir, 'firewall.json'))).toBe(false);
  });

  it('refuses a ruleset nft -c rejects before anything changes (pre-flight); a good one loads and is observed', async () => {
    const good = await apply([fw(table(4444))]);
    expect(good.status).toBe('applied');
    const tableBefore = listed();
    const hashBefore = (await engine.observe()).firewall.hash;
    expect(hashBefore).toMatch(/^[0-9a-f]{64}$/);

    // A syntax error, and an interface the kernel does not have: both refused by `nft -c`.
    const bad = [
      { ruleset: table(5555).replace('tcp dport 5555 drop', 'tcp dport 5555 frobnicate'), nft: /syntax error/i },
      { ruleset: table(5555).replace('tcp dport 5555 drop', 'iif "nosuch-if0" drop'), nft: /interface does not exist|nosuch-if0/i },
    ];
    for (const b of bad) {
      const journalBefore = readJournal(dataDir).length;
      const err = await apply([hostFile('refused\n'), fw(b.ruleset, ['host'])]).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(FirewallRulesetError);
      const e = err as FirewallRulesetError;
      expect(e.clause).toBe('firewall-preflight');
      expect(e.step).toBe('firewall');
      expect(e.message).toMatch(/step firewall \(firewall\.apply\) failed the firewall pre-flight check[\s\S]*nft -c refused the ruleset/);
      expect(e.message).toMatch(b.nft);
      // Nothing changed, nothing began: no host file, the same table, no journal records.
      expect(existsSync(join(root, 'etc/claude-preflight'))).toBe(false);
      expect(listed()).toBe(tableBefore);
      expect((await engine.observe()).firewall.hash).toBe(hashBefore);
      expect(readJournal(dataDir).length).toBe(journalBefore);
    }
    const events = readFileSync(join(dataDir, EVENTS_FILE), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; clause?: string; step?: string });
    expect(events.filter((ev) => ev.type === 'reconcile.refused')).toHaveLength(2);
    expect(events.at(-1)).toMatchObject({ type: 'reconcile.refused', clause: 'firewall-preflight', step: 'firewall' });
    const auditLog = readFileSync(join(dataDir, 'audit.jsonl'), 'utf8');
    expect(auditLog).toContain('firewall-preflight');

    // A good ruleset after the refusals: applied, and observed with the hash the step recorded.
    const ok = await apply([hostFile('applied\n'), fw(table(6666), ['host'])]);
    expect(ok.status, JSON.stringify(ok.error)).toBe('applied');
    expect(readFileSync(join(root, 'etc/claude-preflight'), 'utf8')).toBe('applied\n');
    expect(listed()).toContain('tcp dport 6666 drop');
    // The observer reports the ruleset's hash when the live table hashes to what the step
    // recorded right after its one load (plan/host-state.ts firewallObservedHash).
    const live = await new NftDriver({ netns: ns }).observe();
    expect(JSON.parse(readFileSync(join(dataDir, 'firewall.json'), 'utf8'))).toEqual({ rulesetHash: sha256Hex(table(6666)), tableHash: live.hash });
    expect((await engine.observe()).firewall.hash).toBe(sha256Hex(table(6666)));
  });

  it('host files and the schedule: written under CLAUDE_ROOT with their modes, restored by a rollback', async () => {
    const hostStep = (content: string): PlanStep => ({ id: 'host', op: 'host.apply', target: 'host/files', params: { files: [{ path: '/etc/hostname', content, mode: '0644' }, { path: '/etc/claude-motd', content: `motd ${content}`, mode: '0600' }] }, dependsOn: [], risk: 'disruptive', phase: 5, inverse: null, description: 'Write host files' });
    const sched = (name: string): PlanStep => ({ id: 'sched', op: 'schedule.apply', target: 'schedule/jobs', params: { jobs: [{ name, schedule: '0 3 * * *', command: ['true'], timeoutMs: 1000 }] }, dependsOn: [], risk: 'safe', phase: 5, inverse: null, description: 'Update scheduled jobs' });
    const ok = await apply([hostStep('web-1\n'), sched('backup')]);
    expect(ok.status).toBe('applied');
    expect(readFileSync(join(root, 'etc/hostname'), 'utf8')).toBe('web-1\n');
    expect(statSync(join(root, 'etc/claude-motd')).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(join(dataDir, 'host-files.json'), 'utf8'))).toEqual({ files: { '/etc/claude-motd': '0600', '/etc/hostname': '0644' } });
    const fp = resourceFingerprints(await engine.observe());
    expect(fp['host/files']).toBeDefined();
    expect(fp['schedule/jobs']).toBeDefined();

    const failed = await apply([hostStep('web-2\n'), sched('other'), { ...S.image('nonexistent:latest'), dependsOn: ['host', 'sched'] }]);
    expect(failed.status, JSON.stringify(failed.rollback)).toBe('rolled-back');
    expect(readFileSync(join(root, 'etc/hostname'), 'utf8')).toBe('web-1\n');
    expect(readFileSync(join(root, 'etc/claude-motd'), 'utf8')).toBe('motd web-1\n');
    expect(JSON.parse(readFileSync(join(dataDir, 'schedule.json'), 'utf8'))).toMatchObject({ jobs: [{ name: 'backup' }] });
    expect(resourceFingerprints(await engine.observe())).toEqual(fp);
  });
});
