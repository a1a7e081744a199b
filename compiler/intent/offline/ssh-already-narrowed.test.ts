import { describe, expect, it } from 'vitest';
import { after, rules, say } from '../../../test/offline-engine.js';

// Review 20 MED-5: round 26 reads "allow ssh" with no address as "from anywhere"; where a rule
// already accepts SSH from a narrower network, that silently widened SSH to the whole internet
// beside the old rule. There it asks instead, naming the network SSH is allowed from now.
describe('"allow ssh" where SSH is already allowed from a narrower network', () => {
  const narrowed = after('lock down the system, only allow SSH from 10.0.0.0/8');
  const office = { ...narrowed, 'network.yaml': narrowed['network.yaml']!.replace(/name: allow-ssh\b/, 'name: ssh-office') };

  it.each(['allow ssh', 'open ssh', 'let ssh in'])('%s: asks, and changes nothing', (request) => {
    for (const files of [narrowed, office]) {
      expect(rules(files).some((r) => r.port === 22 && r.source === '10.0.0.0/8')).toBe(true);
      const p = say(request, files);
      expect(p.files['network.yaml'] ?? files['network.yaml'], p.explanation).toBe(files['network.yaml']);
      expect([p.explanation, ...(p.questions ?? [])].join(' ')).toMatch(/already allowed from 10\.0\.0\.0\/8/);
    }
  });

  it('said from anywhere, it is opened; on a host with no SSH rule, "allow ssh" opens it as before', () => {
    const p = say('allow ssh from anywhere', office);
    expect(rules({ ...office, ...p.files }).some((r) => r.port === 22 && r.source === undefined && r.action === 'accept'), p.explanation).toBe(true);
    const fresh = say('allow ssh');
    expect(rules(fresh.files).some((r) => r.port === 22 && r.source === undefined && r.action === 'accept'), fresh.explanation).toBe(true);
  });
});
