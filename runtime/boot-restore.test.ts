/**
 * The firewall restore at boot finds the ruleset firewall.json names among the applied plans
 * the runtime keeps (snapshots/<plan>.plan.json, the verified payload), loads it only when
 * the table is missing, and says so when no kept plan holds it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha256Hex } from '../common/canonical.js';
import { lastAppliedRuleset, restoreFirewall } from './boot-restore.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function dataDir(ruleset: string, recorded = ruleset): string {
  const d = mkdtempSync(join(tmpdir(), 'claude-boot-restore-'));
  dirs.push(d);
  mkdirSync(join(d, 'snapshots'));
  writeFileSync(join(d, 'firewall.json'), JSON.stringify({ rulesetHash: sha256Hex(recorded), tableHash: 'x' }));
  const payload = { id: 'plan-1', steps: [{ id: 'network/n', op: 'network.create', params: {} }, { id: 'firewall', op: 'firewall.apply', params: { ruleset } }] };
  writeFileSync(join(d, 'snapshots', 'plan-1.plan.json'), JSON.stringify(payload));
  return d;
}

describe('restoreFirewall', () => {
  it('loads the recorded ruleset from the kept payload when the table is missing, and not when it is there', async () => {
    const rs = 'table inet claude {}\ndelete table inet claude\ntable inet claude {\n}\n';
    const d = dataDir(rs);
    expect(lastAppliedRuleset(d)).toBe(rs);
    const loaded: string[] = [];
    expect(await restoreFirewall(d, { present: async () => false, load: async (r) => void loaded.push(r) })).toMatch(/^loaded the firewall applied last/);
    expect(loaded).toEqual([rs]);
    expect(await restoreFirewall(d, { present: async () => true, load: async (r) => void loaded.push(r) })).toBeNull();
    expect(loaded).toHaveLength(1);
  });

  it('says so when no kept plan holds the recorded ruleset, and loads nothing', async () => {
    const d = dataDir('table inet claude {}\n', 'another ruleset');
    const loaded: string[] = [];
    expect(await restoreFirewall(d, { present: async () => false, load: async (r) => void loaded.push(r) })).toMatch(/no applied plan in the data dir holds/);
    expect(loaded).toEqual([]);
  });
});
