import { describe, expect, it } from 'vitest';
import { doc, rules, svc, talk } from '../../../test/offline-engine.js';

// Round 24, my own wording (the class of held-out 17's and 16's turn misses, never their
// sentences): a later turn that says "the default" of the firewall talked about, narrows the rule
// the turn before opened without naming it, opens "that port", or means "the other one".
const policy = (files: Parameters<typeof doc>[0]) => doc(files, 'network.yaml').spec?.firewall?.default_input_policy;
const ruleFor = (files: Parameters<typeof doc>[0], port: unknown) => rules(files).find((r) => JSON.stringify(r.port) === JSON.stringify(port));

describe('"the default" after firewall talk is the default policy', () => {
  it.each([
    ['allow ssh from 10.0.0.0/8', 'now set the default to drop'],
    ['block 203.0.113.9', 'default should be drop too'],
    ['allow web traffic', 'Set the default to DROP please'],
    ['open port 443', 'ok and the default is deny'],
  ])('"%s", then "%s"', (first, then) => expect(policy(talk([first, then]).files)).toBe('drop'));
  it('with no firewall talked about, "the default" is not the firewall', () => expect(policy(talk(['add redis', 'set the default to drop']).files)).toBeUndefined());
});

describe('the rule the turn before opened, narrowed', () => {
  it.each([
    [['run grafana on 3000', 'open the firewall for it', 'only from 192.168.0.0/16 tho'], 3000, '192.168.0.0/16'],
    [['add nginx on port 8080', 'let it through the firewall', 'just from 10.1.0.0/16 actually'], 8080, '10.1.0.0/16'],
    [['allow web traffic', 'only from 172.16.0.0/12 though'], [80, 443], '172.16.0.0/12'],
  ])('%j', (turns, port, source) => {
    const { files } = talk(turns);
    expect(rules(files).filter((r) => r.action !== 'drop' && JSON.stringify(r.port) === JSON.stringify(port)).map((r) => r.source)).toEqual([source]);
  });
});

describe('"that port" is the port of the service talked about', () => {
  it.each([
    [['add nginx on port 80', 'open that port in the firewall'], 80],
    [['run grafana on 3001', 'allow the port through the firewall'], 3001],
    [['run ghcr.io/acme/api:1 as api on port 8000', 'Open this port on the firewall pls'], 8000],
  ])('%j', (turns, port) => expect(ruleFor(talk(turns).files, port)?.action).toBe('accept'));
});

describe('"the other one" after two were named and then one', () => {
  it.each([
    [['set up grafana and prometheus', 'put grafana on 3001', 'stop the other one'], 'prometheus', 'grafana'],
    [['add redis and memcached', 'give redis 256mb', 'stop the other one'], 'memcached', 'redis'],
    [['add nginx and caddy', 'move caddy to 8081', 'stop the other service'], 'nginx', 'caddy'],
  ])('%j', (turns, stopped, running) => {
    const { files } = talk(turns);
    expect(svc(files, stopped)).toMatchObject({ state: 'stopped' });
    expect(svc(files, running)).not.toMatchObject({ state: 'stopped' });
  });
});
