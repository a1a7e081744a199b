import { describe, it } from 'vitest';
import { passes } from '../../../test/offline-engine.js';

// Round 26, my own wording (the class of held-out 19's and practice-20's service misses, never
// their sentences): the name said for a service is never a second product ("a mongodb called
// mongo", "home assistant …, name it hass"), a role word inside a hyphenated name is no role
// ("bakery-db"), and a port said for an app goes to the app said, never to the database added
// for it unsaid ("deploy the wordpress, it should be reachable on 8088").
describe('the name said for a service is its name, never another product', () => {
  it.each([
    ['add a mongodb called mongo with 1536 MB of ram', 'mongo'],
    ['add a mongodb called mongo', 'mongo'],
    ['Mongodb named mongo please', 'mongo'],
    ['put home assistant on it too, port 8123, name it hass', 'hass'],
    ['home assistant on 8123, call it hass', 'hass'],
    ['add jellyfin called plex', 'plex'],
    ['set up uptime kuma named kuma on 3001', 'kuma'],
    ['add a postgres named pg', 'pg'],
    ['add a redis called cache', 'cache'],
    ['install gitea, name it git', 'git'],
  ])('"%s"', (request, name) => passes(request, [{ service: name }]));
  it('"wordpress on port 8081 named bakery-wp, with its own mariadb named bakery-db"', () =>
    passes('wordpress on port 8081 named bakery-wp, with its own mariadb named bakery-db', [{ service: 'bakery-wp', host_port: 8081 }, { service: 'bakery-db' }]));
  it('"add wordpress named shop-wp and a mariadb called shop-db"', () => passes('add wordpress named shop-wp and a mariadb called shop-db', [{ service: 'shop-wp' }, { service: 'shop-db' }]));
});

describe('a port said for an app is that app\'s, never its database\'s', () => {
  it.each([
    ['Please could you deploy for me the wordpress, it should be reachable on the port 8088', 'wordpress', 8088],
    ['deploy wordpress, it should be reachable on 8090', 'wordpress', 8090],
    ['wordpress please. make it available on port 8181', 'wordpress', 8181],
    ['set up a wordpress site, it must listen on 8085', 'wordpress', 8085],
    ['install nextcloud, make it reachable on 8443', 'nextcloud', 8443],
    ['I need wordpress; put it on port 9080', 'wordpress', 9080],
  ])('"%s"', (request, service, port) => passes(request, [{ service, host_port: port }]));
  it('"its ssh" is still the app said just before it', () =>
    passes('stand up gitea with a postgres db behind it, gitea web on port 3000 and its ssh on 2222', [{ service: 'gitea', host_port: 3000 }, { service: 'gitea', host_port: 2222 }]));
});
