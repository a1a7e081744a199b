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
