// The walkthrough of 2026-12-06: "turn on the firewall: ssh only from 203.0.113.0/24, the website
// open to everyone, drop everything else" narrowed the website to the office, left the default
// policy open, and removed nginx, postgres and redis ("drop everything else" read as a removal).
import { describe, expect, it } from 'vitest';
import { after, doc, rules, say, svc } from '../../../test/offline-engine.js';
import type { StateFiles } from '../provider.js';

const stack = after('set up nginx, postgres and redis');
const result = (message: string) => {
  const files: StateFiles = { ...stack, ...say(message, stack).files };
  const fw = doc(files, 'network.yaml').spec?.firewall ?? {};
  const rs = rules(files);
  const src = (port: number) => rs.filter((r) => r.action === 'accept' && (r.port === port || (Array.isArray(r.port) && r.port.includes(port)))).map((r) => r.source ?? 'anywhere');
  return { policy: fw.default_input_policy as string | undefined, ssh: src(22), web: src(80), services: ['nginx', 'postgres', 'redis'].filter((n) => svc(files, n)) };
};

describe('each opening keeps its own source', () => {
  it.each([
    'turn on the firewall: ssh only from 203.0.113.0/24, the website open to everyone, drop everything else',
    'allow ssh from 203.0.113.0/24 and http from anywhere, drop everything else',
    'ssh from 203.0.113.0/24 only; the site open to the public. deny everything else',
    'Firewall: http open to the world, ssh just from 203.0.113.0/24, block the rest',
    'allow http from anywhere and ssh from 203.0.113.0/24 only, reject all else',
    // The second walkthrough of 2026-12-06: after "only allow …" the second opening had no verb and was lost.
    'only allow ssh from 203.0.113.0/24 and web traffic from anywhere, drop the rest',
    'just allow ssh from 203.0.113.0/24, and http from anywhere; deny everything else',
  ])('%s', (message) => {
    expect(result(message)).toEqual({ policy: 'drop', ssh: ['203.0.113.0/24'], web: ['anywhere'], services: ['nginx', 'postgres', 'redis'] });
    // What an earlier clause said of an accepting policy is not said once the request locks down.
    const e = say(message, stack).explanation;
    expect(e).not.toMatch(/already accepts incoming traffic|other traffic is unchanged/);
  });
  it.each(['the site open to everyone', 'make the site public', 'keep the site open to everyone'])('the website said as "site": %s', (message) => {
    expect(result(message)).toMatchObject({ web: ['anywhere'] });
  });
  it('one source said for both applies to both', () => {
    expect(result('allow ssh and http from 10.0.0.0/8')).toMatchObject({ ssh: ['10.0.0.0/8'], web: ['10.0.0.0/8'] });
  });
  it.each(['open 80 to everyone. drop the rest', 'firewall: allow 443 from anywhere, deny everything else'])('"the rest" beside an opening is the default policy: %s', (message) => {
    expect(result(message)).toMatchObject({ policy: 'drop', services: ['nginx', 'postgres', 'redis'] });
  });
});

describe('"everything else" without traffic words is the services not named', () => {
  it('keep nginx, drop everything else', () => {
    expect(result('keep nginx, drop everything else')).toMatchObject({ services: ['nginx'], policy: undefined });
  });
  it('stop everything else except nginx stops the other two', () => {
    const r = say('stop everything else except nginx', stack);
    expect(r.explanation).toMatch(/postgres: stopped/);
    expect(r.explanation).toMatch(/redis: stopped/);
    expect(r.explanation).not.toMatch(/nginx: stopped/);
  });
});
