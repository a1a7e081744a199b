/**
 * A negated opening is a close (held-out 25 fw-23, the lead, after round 31): "deny 5900 from
 * anywhere, VNC shouldnt be open" added a drop rule and then, from its second clause, an accept
 * rule for 5900 ahead of it, so VNC was open. "X shouldn't be open / must not be reachable / should
 * not be public" for a port (or a port's well-known word) closes it, and never adds an accept rule.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runOfflineEngine } from './engine.js';

const NOW = new Date('2026-05-01T10:00:00Z');
type Rule = { name: string; port?: unknown; action?: string };
const rules = (message: string): Rule[] => {
  const p = runOfflineEngine({ message, files: {}, history: [], secretNames: [], imageCatalog: {}, now: NOW });
  return ((parse(p.files['network.yaml'] ?? '') ?? {}).spec?.firewall?.rules ?? []) as Rule[];
};

describe('a negated opening closes the port', () => {
  it.each([
    ['deny 5900 from anywhere, VNC shouldnt be open', 5900],
    ["VNC shouldn't be open", 5900],
    ['3306 must not be reachable from outside', 3306],
    ['port 8080 should not be public', 8080],
    ['block 6379. it is not exposed on purpose, 6379 should not be exposed', 6379],
  ])('%s: a drop rule for %i, no accept rule', (message, port) => {
    const mine = rules(message).filter((r) => r.port === port);
    expect(mine.some((r) => r.action === 'drop' || r.action === 'reject'), JSON.stringify(mine)).toBe(true);
    expect(mine.filter((r) => r.action === 'accept')).toEqual([]);
  });

  it('an opening said plainly still opens', () => {
    expect(rules('5900 should be open').concat(rules('open 5900')).filter((r) => r.port === 5900 && r.action === 'accept').length).toBeGreaterThan(0);
  });
});
