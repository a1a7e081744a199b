/**
 * What a reboot loses and the device restores at boot (`claude supervise --once`, run by the
 * image's /init): the nft table. Containers come back through the supervisor
 * (drivers/containerd/supervisor.ts); the firewall is kernel state, so the ruleset last
 * applied is loaded again. The data dir records only its hash (firewall.json); the text is
 * the `firewall.apply` step of an applied plan kept in `snapshots/<plan>.plan.json`, found by
 * that hash. Nothing is loaded when the table is already there or no applied plan holds it.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { sha256Hex } from '../common/canonical.js';
import { parseEnvelope } from '../plan/envelope.js';
import { FIREWALL_RECORD, type FirewallRecord } from '../plan/host-state.js';
import type { PlanPayload } from '../plan/types.js';

/** The text of the ruleset firewall.json records, from the applied plans kept in the data dir; null when there is none. */
export function lastAppliedRuleset(dataDir: string): string | null {
  const recFile = join(dataDir, FIREWALL_RECORD);
  if (!existsSync(recFile)) return null;
  const { rulesetHash } = JSON.parse(readFileSync(recFile, 'utf8')) as FirewallRecord;
  const dir = join(dataDir, 'snapshots');
  if (!existsSync(dir)) return null;
  const plans = readdirSync(dir)
    .filter((f) => f.endsWith('.plan.json'))
    .map((f) => join(dir, f))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  for (const f of plans) {
    try {
      // The runtime keeps the verified payload there (runtime/apply.ts); an envelope is read too.
      const text = readFileSync(f, 'utf8');
      const parsed = JSON.parse(text) as PlanPayload | { payload?: unknown };
      const payload = (Array.isArray((parsed as PlanPayload).steps) ? parsed : JSON.parse(Buffer.from(parseEnvelope(text).payload, 'base64').toString('utf8'))) as PlanPayload;
      for (const s of payload.steps) {
        if (s.op !== 'firewall.apply') continue;
        const ruleset = (s.params as { ruleset?: string }).ruleset;
        if (typeof ruleset === 'string' && sha256Hex(ruleset) === rulesetHash) return ruleset;
      }
    } catch {
      /* a damaged or foreign file: look at the next */
    }
  }
  return null;
}

/** Loads the last applied firewall when the table is missing (after a reboot). What it did, in words. */
export async function restoreFirewall(dataDir: string, fw: { present(): Promise<boolean>; load(ruleset: string): Promise<void> }): Promise<string | null> {
  const ruleset = lastAppliedRuleset(dataDir);
  if (!ruleset) return existsSync(join(dataDir, FIREWALL_RECORD)) ? 'the firewall record names a ruleset no applied plan in the data dir holds: not restored' : null;
  if (await fw.present()) return null;
  await fw.load(ruleset);
  return `loaded the firewall applied last (table inet claude, ${ruleset.split('\n').length} lines)`;
}
