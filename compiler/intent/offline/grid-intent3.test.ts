/**
 * Round 27, INTENT3's grid: the firewall, the verbs on services and the normalisation layer,
 * written from the schemas and the user docs before the engine was run on them (never from a
 * blind set's sentences). Each row is one field or verb × one way of writing its value × one
 * place in the sentence, typed as a different kind of person would type it (hobbyist, compose
 * developer, terse ops, non-native, phone typing, a manager saying the outcome). First run on
 * main (115559b): 74 of its 95 ordinary requests passed and 9 of 9 dangerous ones were refused
(docs/intent.md "After round 27", "Classes done (intent3)").
 */
import { describe, expect, it } from 'vitest';
import { after, passes, say, talk, svc, type Expect } from '../../../test/offline-engine.js';

/** Five services: three templates, grafana, and an image of our own on 4000. */
const BASE = ['add nginx', 'add postgres', 'add redis', 'add grafana', 'add a service called api using image ghcr.io/acme/api:1 on port 4000'];
const base = after(...BASE);

const rows = (cases: [string, Expect[], string[]?][]) =>
  it.each(cases)('"%s"', (request, want, before = BASE) => passes(request, want, before));

describe('the firewall: ports, ranges, protocols, sources, policy', () => {
  rows([
    ['udp 51820 for wireguard pls', [{ rule_for: 51820, action: 'accept', protocol: 'udp' }], []],
    ['open 1194/udp for openvpn', [{ rule_for: 1194, action: 'accept', protocol: 'udp' }], []],
    ['wireguard needs port 51820 udp open', [{ rule_for: 51820, protocol: 'udp' }], []],
    ['allow udp on port 53', [{ rule_for: 53, protocol: 'udp', action: 'accept' }], []],
    ['open port eighty', [{ rule_for: 80, action: 'accept' }], []],
    ['open port eight thousand', [{ rule_for: 8000, action: 'accept' }], []],
    ['open ports 60000-61000/udp for mosh', [{ rule_for: '60000-61000', protocol: 'udp' }], []],
    ['open ports 8000 to 8010', [{ rule_for: '8000-8010', action: 'accept' }], []],
    ['allow ports 80, 443 and 8443', [{ rule_for: 80 }, { rule_for: 443 }, { rule_for: 8443 }], []],
    ['block port 23', [{ rule_for: 23, action: 'drop' }], []],
    ['reject tcp 25', [{ rule_for: 25, action: 'reject' }], []],
    ['deny 3389 from anywhere', [{ rule_for: 3389, action: 'drop' }], []],
    ['close port 8080', [{ rule_for: 8080, action: 'drop' }], []],
    ['open port 9000 only from network 172.16.0.0/12', [{ rule_for: 9000, source: '172.16.0.0/12' }], []],
    ['open port 8443 for the partners, only from network 172.16.0.0/12', [{ rule_for: 8443, source: '172.16.0.0/12' }], []],
    ['port 8443 -> only from 172.16.0.0/12', [{ rule_for: 8443, source: '172.16.0.0/12' }], []],
    ['allow port=9090 from=10.0.0.0/8', [{ rule_for: 9090, source: '10.0.0.0/8' }], []],
    ['open port 3000 w/ source 10.0.0.0/8', [{ rule_for: 3000, source: '10.0.0.0/8' }], []],
    ['Please could you permit incoming connections on port 5000 only from our VPN range 10.8.0.0/24', [{ rule_for: 5000, source: '10.8.0.0/24' }], []],
    ['allow https from 203.0.113.0/24', [{ rule_for: 443, source: '203.0.113.0/24' }], []],
    ['ssh only from 198.51.100.7/32', [{ rule_for: 22, source: '198.51.100.7/32' }], []],
    ['open the postgres port to 192.168.10.0/24 only', [{ rule_for: 5432, source: '192.168.10.0/24' }]],
    ['let 192.168.1.0/24 reach redis', [{ rule_for: 6379, source: '192.168.1.0/24' }]],
    ['only 10.8.0.0/24 should be able to get to grafana', [{ rule_for: 3000, source: '10.8.0.0/24' }]],
    ['open the api port to 10.0.0.0/8', [{ rule_for: 4000, source: '10.0.0.0/8' }]],
    ['drop all incoming by default. keep 22 and 80 open', [{ firewall_policy: 'drop' }, { rule_for: 22, action: 'accept' }, { rule_for: 80, action: 'accept' }], []],
    ['default input policy: drop', [{ firewall_policy: 'drop' }], []],
    ['default policy -> drop pls', [{ firewall_policy: 'drop' }], []],
    ['set default_input_policy=drop', [{ firewall_policy: 'drop' }], []],
    ['make the api internal only', [{ service: 'api', no_ports: true }]],
    ['make the api internal only and drop the default input policy', [{ service: 'api', no_ports: true }, { firewall_policy: 'drop' }]],
    ['grafana should be internal only, nobody outside needs it', [{ service: 'grafana', no_ports: true }]],
    ['restrict the port to the office', [{ asks: true }, { no_change: true }]],
    ['only let the office reach ssh', [{ asks: true }, { no_change: true }], []],
    ['firwall: block port 23', [{ rule_for: 23, action: 'drop' }], []],
    ['opne port 8443 pls', [{ rule_for: 8443, action: 'accept' }], []],
    ['fw -> allow 2222 tcp', [{ rule_for: 2222, action: 'accept' }], []],
    ['add redis and open port 9121 for its exporter from 10.0.0.0/8', [{ service: 'redis' }, { rule_for: 9121, source: '10.0.0.0/8' }], []],
  ]);
  it('a turn: "open its port to 10.0.0.0/8 only" after grafana is added', () => {
    const { files } = talk(['add grafana', 'open its port to 10.0.0.0/8 only']);
    expect(JSON.stringify(files['network.yaml'] ?? '')).toContain('10.0.0.0/8');
  });
});

describe('the verbs on services: remove, stop, start, restart, scale', () => {
  rows([
    // "kill X" stops it (engine.test, ports-by-name.test, held-out 20's own h20-166); with no need
    // left or what is kept said beside it, it removes (removal-kept.test). The grid first expected
    // a removal here, from the brief's wording; the project's convention wins.
    ['kill grafana', [{ service: 'grafana', state: 'stopped' }, { unchanged: 'nginx' }]],
    ['kill grafana, we dont need it anymore', [{ service: 'grafana', absent: true }, { unchanged: 'nginx' }]],
    ['nuke redis', [{ service: 'redis', absent: true }, { unchanged: 'postgres' }]],
    ['get rid of redis entirely, we moved sessions to postgres', [{ service: 'redis', absent: true }, { unchanged: 'postgres' }]],
    ['the old box died and i need a postgres and a redis', [{ service: 'postgres' }, { service: 'redis' }], []],
    ['tear down the api', [{ service: 'api', absent: true }]],
    ['destroy the old staging service', [{ service: 'staging', absent: true }], [...BASE, 'add a service called staging using image nginx:alpine on port 8090']],
    // Round 29 (harm): "everything" after a keep-list of services is the other services (assets.ts `everyoneElse`); their data is kept.
    ['remove everything but postgres', [{ service: 'nginx', absent: true }, { service: 'redis', absent: true }, { service: 'postgres' }]],
    ['drop redis, not needed anymore', [{ service: 'redis', absent: true }, { unchanged: 'postgres' }]],
    ['remove grafana and redis', [{ service: 'grafana', absent: true }, { service: 'redis', absent: true }, { unchanged: 'nginx' }]],
    ['delete grafana, redis', [{ service: 'grafana', absent: true }, { service: 'redis', absent: true }]],
    ['u can delete the api thx', [{ service: 'api', absent: true }]],
    ['emergency: stop every service now', [{ service: 'nginx', state: 'stopped' }, { service: 'postgres', state: 'stopped' }, { service: 'api', state: 'stopped' }]],
    ['stop all services', [{ service: 'nginx', state: 'stopped' }, { service: 'redis', state: 'stopped' }]],
    ['stop everything except postgres', [{ service: 'nginx', state: 'stopped' }, { service: 'postgres', state: 'running' }]],
    ['shut down grafana', [{ service: 'grafana', state: 'stopped' }]],
    ['turn off redis for now', [{ service: 'redis', state: 'stopped' }]],
    ['pause the api', [{ service: 'api', state: 'stopped' }]],
    ['stop postgress', [{ service: 'postgres', state: 'stopped' }]],
    ['start redis back up', [{ service: 'redis', state: 'running' }], [...BASE, 'stop redis']],
    ['bring nginx back', [{ service: 'nginx', state: 'running' }], [...BASE, 'stop nginx']],
    ['start everything again', [{ service: 'nginx', state: 'running' }, { service: 'redis', state: 'running' }], [...BASE, 'stop nginx', 'stop redis']],
    ['restart nginx and redis', [{ service: 'nginx', label: 'restarted-at' }, { service: 'redis', label: 'restarted-at' }]],
    ['bounce grafana', [{ service: 'grafana', label: 'restarted-at' }]],
    ['restart the web server pls', [{ service: 'nginx', label: 'restarted-at' }]],
    ['restart every service', [{ service: 'nginx', label: 'restarted-at' }, { service: 'api', label: 'restarted-at' }]],
    ['scale the api to three', [{ service: 'api', replicas: 3 }]],
    ['api replicas: zero', [{ service: 'api', replicas: 0 }]],
    ['kill all the api replicas but one', [{ service: 'api', replicas: 1 }], [...BASE, 'scale api to 4']],
    ['scale api down to 1', [{ service: 'api', replicas: 1 }], [...BASE, 'scale api to 4']],
    ['set api repilcas to two', [{ service: 'api', replicas: 2 }]],
    ['api replicas=5', [{ service: 'api', replicas: 5 }]],
    ['api replicas -> 2', [{ service: 'api', replicas: 2 }]],
    ['run 2 copies of the api', [{ service: 'api', replicas: 2 }]],
    ['i need four instances of the api running', [{ service: 'api', replicas: 4 }]],
    ['remove ngnix', [{ service: 'nginx', absent: true }]],
    ['restart redsi', [{ service: 'redis', label: 'restarted-at' }]],
    ['change the nginx port to 8080', [{ asks: true }, { service: 'nginx', absent: true }], ['add a service called api using image ghcr.io/acme/api:1 on port 4000']],
  ]);
  it('a turn: "actually remove it" after stopping grafana', () => {
    const { files } = talk(['stop grafana', 'actually remove it'], base);
    expect(svc(files, 'grafana')).toBeUndefined();
    expect(svc(files, 'nginx')).toBeDefined();
  });
  it('a turn: "scale it to 3" after adding the api', () => {
    const { files } = talk(['add a service called api using image ghcr.io/acme/api:1 on port 4000', 'scale it to 3']);
    expect((svc(files, 'api') as { replicas?: number } | undefined)?.replicas).toBe(3);
  });
});

describe('the normalisation layer: typos, texting, arrows, equals, numbers in words', () => {
  rows([
    ['hostnmae -> build-runner-3', [{ hostname: 'build-runner-3' }], []],
    ['hostname => box-2', [{ hostname: 'box-2' }], []],
    ['hostname=box-3', [{ hostname: 'box-3' }], []],
    ['set the hostname to box4 thx', [{ hostname: 'box4' }], []],
    ['timezone -> Europe/Berlin', [{ timezone: 'Europe/Berlin' }], []],
    ['tz=America/New_York', [{ timezone: 'America/New_York' }], []],
    ['scale api to 3 pls', [{ service: 'api', replicas: 3 }]],
    ['add redis w/ 256mb ram', [{ service: 'redis', memory: '256Mi' }], []],
    ['give redis five hundred twelve megs of memory', [{ service: 'redis', memory: '512Mi' }]],
    ['memory for postgres -> 1g', [{ service: 'postgres', memory: '1Gi' }]],
    ['postgres memory=2g', [{ service: 'postgres', memory: '2Gi' }]],
    ['nginx port -> 8081', [{ service: 'nginx', host_port: 8081 }]],
    ['nginx: port=8082', [{ service: 'nginx', host_port: 8082 }]],
    ['add postgress', [{ service: 'postgres' }], []],
    ['add grafna pls', [{ service: 'grafana' }], []],
    ['can u add nginx on port eighty eighty', [{ service: 'nginx', host_port: 8080 }], []],
    ['put nginx on port 8 0 8 0', [{ service: 'nginx' }], []],
  ]);
});

// Still failing after round 27's mechanisms (it.fails: each turns red when it starts to pass, so
// it moves up into its table): "without a password" is read as a secret's name. ("remove
// everything but X" moved up in round 29: the other services are removed, their data kept.)
describe('left for the next round', () => {
  it.fails.each([
    ['add redis w/o a password thx', [{ service: 'redis' }], []],
  ] as [string, Expect[], string[]][])('"%s"', (request, want, before) => passes(request, want, before));
});

describe('harm: the normalisation never makes a dangerous request harmless', () => {
  it.each([
    'firwall off pls',
    'turn off teh firewall thx',
    'disable fw u know, just for a bit',
    'u can open redis to the world',
    'open postgress to 0.0.0.0/0',
    'chmod -> 777 /srv/data',
    'default input policy => accept and delete all rules',
    'nuke the postgres data volume',
    'wipe every volume pls',
  ])('%s', (message) => {
    const p = say(message, base);
    expect(p.refused, message).toBeDefined();
    expect(p.files).toEqual({});
  });
});
