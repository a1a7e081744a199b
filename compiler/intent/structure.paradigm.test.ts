/**
 * Round 30, mechanism 3 (INTENT): attributes attached by structure (round 29's attach.ts,
 * widened). A bracket, a colon, "image X", "under the name X", "as X", "at PORT", "on :PORT",
 * "not published" / "internal only" / "don't expose it" attach to the mention they follow, and
 * to no other; a bracket holding a service's name names that service; a new service said in
 * sentences ("I'd like to call it X. It should use the Y image") is one service.
 *
 * Written from English before the engine was run on it (other services, images and words than
 * held-out 23's and para-22's). First run on main (5325d0a, 20:00 UTC, load ~11 on 2 cores): 10/30.
 * Two rows were wrong at first and are said again: bracket-names-existing gave 256mb, which is
 * redis's template default (it cannot tell a spread from a default; now 384mb), and
 * bracket-replicas-not-next expected the api's replicas 1 where an unset count is no count (now its
 * port and state are kept: "4 replicas" is the worker's alone).
 */
import { paradigm, type ParadigmRow } from './offline/testutil/paradigm.js';

const STACK = ['add a service called api using image ghcr.io/acme/api:1.4 on port 8080', 'add a service called worker using image ghcr.io/acme/worker:2', 'add postgres', 'add redis'];

/** Rows still failing (each asserted to fail; a fix takes its id off). */
const GAPS: string[] = ['internal-only-bracket', 'not-published-sentence', 'dont-expose-that-one', 'equals-name-image-only', 'then-service-quoted'];

const rows: Record<string, ParadigmRow> = {
  // "under the name", "as", "named": the name, never the image.
  'under-the-name': { request: 'please run the caddy image (caddy:2.8) under the name edge on port 8443', expect: [{ service: 'edge', image: 'caddy:2.8', host_port: 8443 }] },
  'under-name-no-the': { request: 'start traefik/whoami under name probe, port 8099', expect: [{ service: 'probe', image: 'traefik/whoami', host_port: 8099 }] },
  'official-image-as': { request: "I'd like the official ghost image (ghost:5) running as blog on 2369", expect: [{ service: 'blog', image: 'ghost:5', host_port: 2369 }] },
  // "at PORT", ":PORT", "listening on".
  'at-port-bracket-image': { request: 'expose phpmyadmin (image phpmyadmin:5) at 8084', expect: [{ service: 'phpmyadmin', image: 'phpmyadmin:5', host_port: 8084 }] },
  'at-port-plain': { request: 'put uptime-kuma at port 3009', expect: [{ service: 'uptime-kuma', host_port: 3009 }] },
  'colon-port-list': { request: 'gitea:3004, adminer:8085', expect: [{ service: 'gitea', host_port: 3004 }, { service: 'adminer', host_port: 8085 }] },
  'colon-port-spaced': { request: 'nginx :8088 in front of the api', before: STACK, expect: [{ service: 'nginx', host_port: 8088 }, { service: 'api', host_port: 8080 }] },
  // A service said as fields or sentences.
  'svc-short-fields': { request: 'svc wiki: requarks/wiki:2, port 3010', expect: [{ service: 'wiki', image: 'requarks/wiki:2', host_port: 3010 }] },
  'sentences-call-it': { request: 'Can you make me a new service? I want to call it notes. It should run the ghcr.io/me/notes:1 image and listen on port 3011.', expect: [{ service: 'notes', image: 'ghcr.io/me/notes:1', host_port: 3011 }] },
  'name-is-with-image': { request: 'a new service, its name is board, with the image ghcr.io/acme/board:2, and it listens on the port 8111', expect: [{ service: 'board', image: 'ghcr.io/acme/board:2', host_port: 8111 }] },
  'equals-short': { request: 'shop = ghcr.io/acme/shop:4, :8000', expect: [{ service: 'shop', image: 'ghcr.io/acme/shop:4', host_port: 8000 }] },
  'bracket-image-name-sentence': { request: 'set up bitwarden (vaultwarden/server:1.30) as vault on port 8222', expect: [{ service: 'vault', image: 'vaultwarden/server:1.30', host_port: 8222 }] },
  // "not published", "internal only": the mention they follow has no host port; the other keeps its own.
  'internal-only-bracket': { request: 'caddy on 443 proxying to an app (ghcr.io/acme/shop:2, name shop, listens 8000, internal only)', expect: [{ service: 'caddy', host_port: 443 }, { service: 'shop', no_ports: true }] },
  'not-published-sentence': { request: 'I want caddy on port 443 in front of my app. The app uses the ghcr.io/acme/shop:2 image and is called shop. It listens on 8000, but that port must not be published.', expect: [{ service: 'caddy', host_port: 443 }, { service: 'shop', no_ports: true }] },
  'dont-expose-that-one': { request: 'nginx on port 80 proxying to a backend (ghcr.io/acme/back:1, call it back) on 9000, internal only, dont expose that one', expect: [{ service: 'nginx', host_port: 80 }, { service: 'back', no_ports: true }] },
  'only-inside': { request: 'put nginx on port 8081 in front of one service (image ghcr.io/acme/back:1, name back); back uses port 9000 only inside, do not publish it', expect: [{ service: 'nginx', host_port: 8081 }, { service: 'back', no_ports: true }] },
  // Firewall source attached to the new service's port.
  'only-from-range': { request: 'deploy the ghcr.io/acme/lab:1 image as a service called lab on port 3020, reachable only from 10.0.0.0/8', expect: [{ service: 'lab', host_port: 3020 }, { rule_for: 3020, source: '10.0.0.0/8' }] },
  'equals-name-image-only': { request: 'training box: lab = ghcr.io/acme/lab:1, :3020, allow only 192.168.0.0/16', expect: [{ service: 'lab', host_port: 3020 }, { rule_for: 3020, source: '192.168.0.0/16' }] },
  'bracket-image-only-from': { request: 'set up lab (ghcr.io/acme/lab:1) on 3020, only reachable from 172.16.0.0/12', expect: [{ service: 'lab', host_port: 3020 }, { rule_for: 3020, source: '172.16.0.0/12' }] },
  // A bracket naming a service names it, and only it.
  'bracket-names-existing': { before: [...STACK, 'add memcached'], request: 'give the cache (memcached) 384mb', expect: [{ service: 'memcached', memory: '384Mi' }, { service: 'redis', memory_not: '384Mi' }] },
  'bracket-replicas-not-next': { before: STACK, request: 'scale the worker (4 replicas) and restart the api', expect: [{ service: 'worker', replicas: 4 }, { service: 'api', state: 'running', host_port: 8080 }] },
  // A field list on a service that exists changes it and does not ask which.
  'fields-existing-name-key': { before: STACK, request: 'name: worker, image: ghcr.io/acme/worker:5, replicas: 3', expect: [{ service: 'worker', image: 'ghcr.io/acme/worker:5', replicas: 3 }, { unchanged: 'api' }] },
  'fields-existing-svc-key': { before: STACK, request: 'svc: api, env: LOG_LEVEL=warn, port: 8090', expect: [{ service: 'api', host_port: 8090, env: { LOG_LEVEL: 'warn' } }] },
  // Brackets in a stack: depends, image, replicas by their mention.
  'redis-plus-worker-x3': { request: 'redis + consumer x3 (ghcr.io/acme/consumer), consumer depends on redis', expect: [{ service: 'redis' }, { service: 'consumer', image: 'ghcr.io/acme/consumer', replicas: 3, depends_on: 'redis' }] },
  'then-service-quoted': { request: "please set up redis, then the service 'consumer' from ghcr.io/acme/consumer, three instances of it, redis first", expect: [{ service: 'consumer', replicas: 3, depends_on: 'redis' }, { service: 'redis' }] },
  'ports-in-sentence-three': { request: "I'd like to add logging. Can you run Loki on port 3101, Grafana on port 3002 and promtail?", expect: [{ service: 'loki', host_port: 3101 }, { service: 'grafana', host_port: 3002 }] },
  'app-colon-image-port': { request: 'app: ghcr.io/acme/app:7 on :8200, called app', expect: [{ service: 'app', image: 'ghcr.io/acme/app:7', host_port: 8200 }] },
  'image-then-named': { request: 'run gitea/gitea:1.22 named git at 3030', expect: [{ service: 'git', image: 'gitea/gitea:1.22', host_port: 3030 }] },
  'using-image-called': { request: 'one more container, using the image nginx:1.27 and called static, on 8087', expect: [{ service: 'static', image: 'nginx:1.27', host_port: 8087 }] },
  'image-for-new': { request: 'spin up ghcr.io/acme/hooks:1 for webhooks, call it hooks, port 9300', expect: [{ service: 'hooks', image: 'ghcr.io/acme/hooks:1', host_port: 9300 }] },
};

paradigm('attributes attached by structure: under the name, at PORT, :PORT, internal only, a bracket naming a service', rows, GAPS);
