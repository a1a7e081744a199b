import { describe, it } from 'vitest';
import { passes } from '../../../test/offline-engine.js';

// Round 24, my own wording (the class of held-out 17's app misses, never its sentences): a port
// said next to an app is that app's; "its" is the app said last; "only X is public" leaves the
// others this request adds without a host port; a port change said with "to the internet".
describe('a port said of one app is that app\'s', () => {
  it.each([
    ['set up monitoring: prometheus and grafana, grafana reachable on 3010', 3010],
    ['prometheus and grafana, with grafana on 3001', 3001],
    ['add grafana and prometheus; grafana should be on port 3002', 3002],
    ['install prometheus + grafana, grafana on 3300', 3300],
    ['prometheus & grafana - grafana publicly reachable on 3003', 3003],
  ])('"%s"', (request, port) => passes(request, [{ service: 'prometheus' }, { service: 'grafana', host_port: port }]));
  it('"its" is the app said last', () =>
    passes('gitea and a postgres for it, gitea web on 3000 and its ssh on 2223', [{ service: 'gitea', host_port: 3000 }, { service: 'gitea', host_port: 2223 }, { service: 'postgres' }]));
});

describe('only one service is public', () => {
  it.each([
    ['deploy ghcr.io/acme/site:5 as site behind an nginx reverse proxy; only nginx should be public, on port 80', 'site', 80],
    ['run ghcr.io/acme/shop:2 as shop behind nginx, only nginx public on 8081', 'shop', 8081],
    ['put nginx in front of ghcr.io/acme/api:3 called api; nginx is the only thing exposed, port 8080', 'api', 8080],
  ])('"%s"', (request, hidden, port) => passes(request, [{ service: 'nginx', host_port: port }, { service: hidden, no_ports: true }]));
});

describe('a port change said with the world', () => {
  it.each([
    ['expose grafana to the internet on 3005 instead', 3005],
    ['make grafana public on 3002 instead', 3002],
    ['publish grafana to everyone on 3007', 3007],
  ])('"%s"', (request, port) => passes(request, [{ understood: true }, { service: 'grafana', host_port: port }], ['run grafana on port 3001']));
});
