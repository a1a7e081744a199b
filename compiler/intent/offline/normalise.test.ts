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
    // Round 28: the verbs on services (VERBS_SAID) and the firewall's words.
    ['power off redis', 'stop redis'],
    ['knock mailhog out till tomorrow', 'stop mailhog for now'],
    ['shoot down the worker for the weekend', 'stop worker for now'],
    ['shut the adminer thing down for now', 'stop adminer for now'],
    ['park the worker until monday', 'stop worker for now'],
    ['the worker can be off tonight', 'stop worker tonight'],
    ['terminate the old staging container', 'remove the staging container'],
    ['throw the api away', 'remove api'],
    ['deinstall grafana', 'uninstall grafana'],
    ['bin the api', 'remove the api'],
    ['kill -9 the hung api and bring it back', 'restart api'],
    ['turn grafana off and on again', 'restart grafana'],
    ['power-cycle grafana', 'restart grafana'],
    ['bring it back up with 2gb', 'restart it and give it 2gb'],
    ['deny incoming 3306 from everywhere', 'deny port 3306 from everywhere'],
    ['5601 should be blocked from everywhere', 'block port 5601 from everywhere'],
    ['refuse incoming 9090', 'reject port 9090'],
    ['open 9443, restricted to 172.16.0.0/12', 'open 9443 from 172.16.0.0/12'],
    ['make redis internal only, it should not publish any port', 'make redis internal only, no host ports'],
    ['the api must not publish a host port', 'no host ports for the api'],
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
    'terminate tls at caddy for shop.example.com',
    'take the memory down to 512m',
    'shut down port 23',
    'mount /usr/bin into the api',
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
    'power off the firewall for the weekend',
    'park the firewall',
    'decommission the firewall, it gets in the way',
    'bin every volume',
    'terminate all the volumes and their backups',
    'it should not publish any port, and open all ports to everyone',
  ])('%s', (message) => {
    const p = say(message, base);
    expect(p.refused, message).toBeDefined();
    expect(p.files).toEqual({});
  });
});
