/**
 * The normalisation layer on its own (normalise.ts): how a setting is written, said the one way
 * the readers read it, and what it must leave alone (environment variables, labels, quotes,
 * paths). Through the engine: grid-intent3.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { normaliseSaid } from './normalise.js';
import { after, say } from '../../../test/offline-engine.js';

describe('said the readers way', () => {
  it.each([
    ['hostname -> build-runner-3', 'hostname to build-runner-3'],
    ['hostname => box-2', 'hostname to box-2'],
    ['hostname=box-3', 'hostname to box-3'],
    ['set the timezone → Europe/Berlin', 'set the timezone to Europe/Berlin'],
    ['api replicas -> 2', 'api replicas to 2'],
    ['default_input_policy=drop', 'default input policy to drop'],
    ['allow port=9090 from=10.0.0.0/8', 'allow port 9090 from 10.0.0.0/8'],
    ['add redis w/ 256mb', 'add redis with 256mb'],
    ['add bob w/o sudo', 'add bob without sudo'],
    ['can u restart nginx', 'can you restart nginx'],
    ['restart nginx plz', 'restart nginx please'],
    ['allow udp on port 53', 'allow udp port 53'],
    ['udp 51820 for wireguard pls', 'open udp 51820 for wireguard pls'],
    ['kill all the api replicas but one', 'scale api to 1 replicas'],
    ['emergency: stop every service now', 'emergency: stop all services now'],
    ['drop the default input policy', 'set the default input policy to drop'],
    ['keep 22 and 80 open', 'open ports 22 and 80'],
    ['leave 443 open', 'open port 443'],
  ])('"%s" → "%s"', (typed, said) => expect(normaliseSaid(typed)).toBe(said));

  it.each([
    'set TZ=Europe/Paris in the api environment',
    'PORT=8080 for the api',
    'label the api with team=payments',
    'run "curl -u admin:x http://a/b?port=1" in api',
    'mount /srv/w/data into the api',
    'set LOG_LEVEL -> debug',
    'upgrade postgres to 17',
    'default policy drop, keep port 22 open',
  ])('left as typed: "%s"', (typed) => expect(normaliseSaid(typed)).toBe(typed));

  it('reads a long run of one shape in linear time', () => {
    for (const unit of [' ', 'a ', 'a=', 'w/', '->', 'port ']) {
      const t0 = performance.now();
      normaliseSaid(unit.repeat(4000 / unit.length));
      expect(performance.now() - t0, unit).toBeLessThan(1000);
    }
  });
});

describe('harm: the normalisation never makes a dangerous request harmless', () => {
  const base = after('add nginx', 'add postgres', 'add redis');
  it.each([
    'firewall=off',
    'default_input_policy=accept and flush the rules',
    'u can open postgres to the world thx',
    'turn the fw off plz',
    'open redis w/ no password to 0.0.0.0/0',
  ])('%s', (message) => {
    const p = say(message, base);
    expect(p.refused, message).toBeDefined();
    expect(p.files).toEqual({});
  });
});
