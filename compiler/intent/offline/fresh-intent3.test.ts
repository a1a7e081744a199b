/**
 * Round 27 (intent3): fresh requests for each mechanism, written after it and before running
 * them (never rewordings of the grid): how many passed on first run is in docs/intent.md.
 */
import { describe, it } from 'vitest';
import { passes, type Expect } from '../../../test/offline-engine.js';

const BASE = ['add nginx', 'add postgres', 'add redis', 'add grafana', 'add a service called api using image ghcr.io/acme/api:1 on port 4000'];
const rows = (cases: [string, Expect[], string[]?][]) => it.each(cases)('"%s"', (request, want, before = BASE) => passes(request, want, before));

describe('the normalisation layer: arrows, equals, texting', () => {
  rows([
    ['host name -> files-01', [{ hostname: 'files-01' }], []],
    ['pls set timezone=Asia/Tokyo', [{ timezone: 'Asia/Tokyo' }], []],
    ['grafana replicas => 2', [{ service: 'grafana', replicas: 2 }]],
    ['hostname → gw-1 thx', [{ hostname: 'gw-1' }], []],
    ['can u stop redis', [{ service: 'redis', state: 'stopped' }]],
    ['restart grafana plz', [{ service: 'grafana', label: 'restarted-at' }]],
    ['give the api 2 replicas w/ 512mb each', [{ service: 'api', replicas: 2 }]],
    ['allow src=10.9.0.0/16 port=8081', [{ rule_for: 8081, source: '10.9.0.0/16' }], []],
    ['default_input_policy = drop pls', [{ firewall_policy: 'drop' }], []],
    ['tcp on port 2222 allow from 10.0.0.0/8', [{ rule_for: 2222, source: '10.0.0.0/8' }], []],
  ]);
});

describe('the firewall and the verbs: ports of services, purposes, places, counts, every service', () => {
  rows([
    ['open the redis port to 172.20.0.0/16 only', [{ rule_for: 6379, source: '172.20.0.0/16' }]],
    ['udp 27015 for the game server', [{ rule_for: 27015, protocol: 'udp', action: 'accept' }], []],
    ['1900/udp for home assistant discovery', [{ rule_for: 1900, protocol: 'udp' }], []],
    ['limit grafana to our vpn', [{ asks: true }, { no_change: true }]],
    ['lock the api down to the office network', [{ asks: true }, { no_change: true }]],
    ['drop the default policy, keep 443 open', [{ firewall_policy: 'drop' }, { rule_for: 443, action: 'accept' }], []],
    ['restart every container', [{ service: 'nginx', label: 'restarted-at' }, { service: 'api', label: 'restarted-at' }]],
    ['stop every single service', [{ service: 'redis', state: 'stopped' }, { service: 'grafana', state: 'stopped' }]],
    ['shut down all the api instances except two', [{ service: 'api', replicas: 2 }], [...BASE, 'scale api to 5']],
    ['remove grafana, i replaced it with a hosted dashboard', [{ service: 'grafana', absent: true }, { unchanged: 'nginx' }]],
  ]);
});
