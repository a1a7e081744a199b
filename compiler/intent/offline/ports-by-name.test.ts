import { describe, expect, it } from 'vitest';
import { doc, passes, rules, talk } from '../../../test/offline-engine.js';

// Round 25, my own wording (held-out 18's "kill port 23", "deny mysql port from everywhere",
// "keep it drop and just add http on 80", "now drop everything else by default"; never those
// sentences): the verb decides the action, a port may be named by its service, and the default
// policy may be said as what happens to "everything else".
describe('a port killed, shut, nuked or sealed is closed', () => {
  it.each([
    ['kill port 23', [23]],
    ['Kill port 8080 please', [8080]],
    ['KILL PORT 21', [21]],
    ['shut port 21', [21]],
    ['shut down port 21 now', [21]],
    ['nuke port 23, nobody uses telnet', [23]],
    ['seal off port 445', [445]],
    ['plug port 139 pls', [139]],
    ['kill ports 23 and 21', [23, 21]],
    ['can you kill port number 23', [23]],
    ['add redis and kill port 23', [23]],
  ] as [string, number[]][])('"%s"', (request, ports) => passes(request, ports.map((p) => ({ rule_for: p, action: 'drop' }))));
  it('"kill the worker" still stops the worker', () => passes('kill the worker', [{ service: 'worker', state: 'stopped' }], ['add a service called worker from image ghcr.io/acme/worker:1.0']));
  it('as a turn', () => {
    const { files } = talk(['allow ssh from 10.0.0.0/8', 'also kill port 23']);
    expect(rules(files).find((r) => r.port === 23)?.action).toBe('drop');
  });
});

describe("a service's port said by the service's name", () => {
  it.each([
    ['deny the mysql port', 3306],
    ['Deny MySQL port from everywhere', 3306],
    ['block the postgres port', 5432],
    ["block postgres's port from the internet", 5432],
    ['close the redis port to everyone', 6379],
    ["block mongodb's port", 27017],
    ['drop the mongo port', 27017],
    ['deny memcached port from anywhere', 11211],
    ['block mariadb port', 3306],
    ['reject the redis ports', 6379],
  ] as [string, number][])('"%s"', (request, port) => passes(request, [{ rule_for: port }]));
  it('a service there: its own host port', () => passes('block the db port', [{ rule_for: 15432, action: 'drop' }], ['add postgres as db on port 15432']));
  it('opened to a range', () => passes("allow the mysql port from 10.0.0.0/8", [{ rule_for: 3306, action: 'accept', source: '10.0.0.0/8' }]));
  it('a word that names no service gives no port', () => {
    const { last } = talk(['block the banana port']);
    expect(last.files['network.yaml']).toBeUndefined();
  });
});

describe('the default policy kept, one port added', () => {
  const before = ['default deny incoming but allow ssh'];
  it.each([
    'keep it drop and just add http on 80',
    'make incoming default policy accept again... no wait, keep it drop and just add http on 80',
    'keep the policy at drop and just add http on port 80',
    'leave the default on drop, just add http on 80',
    'Keep it drop, add http 80',
    'keep it on deny and only add port 80',
  ])('"%s"', (request) => passes(request, [{ firewall_policy: 'drop' }, { rule_for: 80, action: 'accept' }], before));
});

describe('"drop everything else by default" as a turn', () => {
  it.each([
    'now drop everything else by default',
    'drop everything else by default',
    'and deny everything else by default',
    'by default drop the rest',
    'everything else should be dropped by default',
    'and block all the rest by default',
  ])('"%s"', (request) => {
    const { files } = talk(['allow ssh from 10.20.0.0/16', 'allow https from anywhere', request]);
    expect(doc(files, 'network.yaml').spec?.firewall?.default_input_policy).toBe('drop');
    expect(rules(files).map((r) => r.port)).toEqual(expect.arrayContaining([22, 443]));
  });
  it('an ellipsis turn keeps the verb: "and https from anywhere"', () => {
    const { files } = talk(['allow ssh from 10.20.0.0/16', 'and https from anywhere']);
    expect(rules(files).find((r) => r.port === 443)?.action).toBe('accept');
    expect(rules(files).find((r) => r.port === 22)?.source).toBe('10.20.0.0/16');
  });
});
