// The lead's walkthrough of round 27 (tmux, 2026-12-06): "lock it down so only ssh and the website
// are reachable from outside" dropped every incoming connection but SSH: the website was lost, and
// the plan warned that nginx would be blocked. What a lock-down keeps open is a list after "so
// only", "except", "nothing but", "only … should be reachable", and "the site" is the website.
import { describe, expect, it } from 'vitest';
import { after, doc, rules, say, svc } from '../../../test/offline-engine.js';
import type { StateFiles } from '../provider.js';

const stack = after('set up nginx, postgres and redis');
const result = (message: string) => {
  const files: StateFiles = { ...stack, ...say(message, stack).files };
  const fw = doc(files, 'network.yaml').spec?.firewall ?? {};
  const open = (port: number) => rules(files).some((r) => r.action === 'accept' && (r.port === port || (Array.isArray(r.port) && r.port.includes(port))) && !r.source);
  return { policy: fw.default_input_policy as string | undefined, ssh: open(22), web: open(80), services: ['nginx', 'postgres', 'redis'].filter((n) => svc(files, n)) };
};

describe('a lock-down keeps open what it lists', () => {
  it.each([
    'lock it down so only ssh and the website are reachable from outside',
    'lock the server down so that only ssh and the site can be reached from the internet',
    'block everything except ssh and the site',
    'deny all incoming except ssh and the website',
    'lock down the box, only ssh and web reachable from outside',
    'close everything except ssh and the site',
    'lock it down: just ssh and the website',
    'lock everything down so just ssh + the website get through',
    'only ssh and the website should be reachable from outside',
    'nothing but ssh and the website should be reachable from the internet',
    'make it so only ssh and the web site are reachable from the outside world',
  ])('%s', (message) => {
    expect(result(message)).toEqual({ policy: 'drop', ssh: true, web: true, services: ['nginx', 'postgres', 'redis'] });
    expect(say(message, stack).explanation).not.toMatch(/blocks all other incoming traffic, including nginx/);
  });
});

describe('what only narrows is not a lock-down', () => {
  it.each([
    ['only allow ssh from 10.0.0.0/8', 'no web rule'],
    ['the website should only be reachable from 10.0.0.0/8', 'web narrowed'],
  ])('%s', (message) => {
    const files: StateFiles = { ...stack, ...say(message, stack).files };
    expect(rules(files).some((r) => r.action === 'accept' && r.port === 80 && !r.source)).toBe(false);
  });
});

// The lead's walkthrough (2026-12-06): "turn on the firewall but keep the website and ssh reachable"
// planned `enabled` with the accept policy and allow-ssh only: a firewall that blocks nothing, and
// "the website" left out without a word. A firewall turned on with what stays reachable is the
// lock-down said by what stays open.
describe('a firewall turned on, keeping a list reachable, is a lock-down', () => {
  it.each([
    'turn on the firewall but keep the website and ssh reachable',
    'enable the firewall, keep ssh and the website open',
    'switch the firewall on and leave ssh and http reachable',
    'turn the firewall on, keep ssh and the site open',
    'activate the firewall but leave ssh and the web site accessible',
    'turn on the firwall but keep the website and ssh reachable',
  ])('%s', (message) => {
    expect(result(message)).toEqual({ policy: 'drop', ssh: true, web: true, services: ['nginx', 'postgres', 'redis'] });
  });
  it('ports said as numbers: only those stay open', () => {
    const files: StateFiles = { ...stack, ...say('turn on the firewall and keep 22 and 443 accessible', stack).files };
    expect(doc(files, 'network.yaml').spec?.firewall?.default_input_policy).toBe('drop');
    expect(rules(files).some((r) => r.action === 'accept' && (r.port === 443 || (Array.isArray(r.port) && r.port.includes(443))))).toBe(true);
  });
  it.each(['turn on the firewall', 'enable the firewall and open port 8080'])('without "keep": the policy is not changed (%s)', (message) => {
    const files: StateFiles = { ...stack, ...say(message, stack).files };
    expect(doc(files, 'network.yaml').spec?.firewall?.default_input_policy).toBeUndefined();
  });
});
