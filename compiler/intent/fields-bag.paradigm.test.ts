/**
 * Round 31, mechanism 1 (INTENT): a new service said as a bag of fields. Its name, image, port(s),
 * command and whether it is published, said as "key value", "key: value", in brackets, after
 * "call it / as / named / the name would be", in any order, the name possibly last; a product
 * word said first ("set up mariadb, image …") names the service as said; a field not said takes
 * the template's. Several things in one message (a service and a rule for its port, three
 * services in one rambling sentence) are each done.
 *
 * Written from English before the engine was run on it (other products, images, names and
 * orders than held-out 24's and para-23's). First run on main (7dfbe7f, 23:16 UTC, load ~12):
 * 15/32; one row was wrong (3 replicas with a fixed host port, which cannot compile: the engine
 * said so) and now asks no port: 16/32 on main.
 */
import { paradigm, type ParadigmRow } from './offline/testutil/paradigm.js';
import { BASE } from './offline/testutil/services-grid.js';

const PAD = { service: 'pad', image: 'ghcr.io/acme/pad:3', host_port: 9001 };
const PUSH = { service: 'push', image: 'gotify/server:2.4', host_port: 8070 };

/** Rows still failing (each asserted to fail; a fix takes its id off). */
const GAPS: string[] = ['name-it-last-product-lead', 'unpublish-behind-proxy', 'service-and-its-rule', 'service-and-rule-later', 'rambling-three'];

const rows: Record<string, ParadigmRow> = {
  // The name said last, after "call it / as / named / the name would be".
  'call-it-last': { request: 'I want traefik/whoami:v1.10 running on port 8085, call it echo', expect: [{ service: 'echo', image: 'traefik/whoami:v1.10', host_port: 8085 }] },
  'name-it-last-product-lead': { request: 'Grafana please - grafana/grafana:11.1.0 on 3100, name it dash', expect: [{ service: 'dash', image: 'grafana/grafana:11.1.0', host_port: 3100 }] },
  'as-after-bracket': { request: 'run vaultwarden (vaultwarden/server:1.30.1) as vault, port 8222', expect: [{ service: 'vault', image: 'vaultwarden/server:1.30.1', host_port: 8222 }] },
  'named-last': { request: 'deploy ghcr.io/acme/pad:3 on port 9001 named pad', expect: [PAD] },
  'name-should-be-last': { request: 'port 9001 and image ghcr.io/acme/pad:3 - the name should be pad', expect: [PAD] },
  'name-would-be': { request: 'I wish to run gotify/server:2.4, port 8070, and the name would be push', expect: [PUSH] },
  'sentences-call-it': { request: 'Could you run the image ghcr.io/acme/pad:3 for me? Port 9001. Call it pad.', expect: [PAD] },
  'name-the-service-quoted': { request: 'run ghcr.io/acme/pad:3 on 9001 and name the service "pad"', expect: [PAD] },
  'product-colon-image-call': { request: 'Gotify pls: gotify/server:2.4 on port 8070, call it push', expect: [PUSH] },
  // The port said as a number word.
  'port-word-eighty': { request: 'start nginx:1.27 as edge, port eighty', expect: [{ service: 'edge', image: 'nginx:1.27', host_port: 80 }] },
  'port-word-thousands': { request: 'run ghcr.io/acme/docs:2 as docs on port eight thousand', expect: [{ service: 'docs', image: 'ghcr.io/acme/docs:2', host_port: 8000 }] },
  // Fields in brackets, dashes, a product word first.
  'bracket-fields': { request: 'add pad [image ghcr.io/acme/pad:3, port 9001]', expect: [PAD] },
  'paren-colon-fields': { request: 'add a service pad (image: ghcr.io/acme/pad:3; port: 9001)', expect: [PAD] },
  'dash-list': { request: 'pad - ghcr.io/acme/pad:3 - 9001', expect: [PAD] },
  'product-word-image-field': { request: 'spin up rabbitmq, image rabbitmq:3-management, port 15672', expect: [{ service: 'rabbitmq', image: 'rabbitmq:3-management', host_port: 15672 }] },
  'catalog-word-own-image': { request: 'set up postgres, image postgres:16.3, port 5433', expect: [{ service: 'postgres', image: 'postgres:16.3', host_port: 5433 }] },
  'catalog-word-a-mariadb': { request: 'deploy a mariadb, image mariadb:11, port 3307', expect: [{ service: 'mariadb', image: 'mariadb:11', host_port: 3307 }] },
  'memory-field': { request: 'add gotify/server:2.4 as push, port 8070, 128 megs of ram', expect: [{ ...PUSH, memory: '128Mi' }] },
  'replicas-field': { request: 'ghcr.io/acme/render:5 as render, 3 replicas', expect: [{ service: 'render', image: 'ghcr.io/acme/render:5', replicas: 3 }] },
  'port-missing-template': { request: 'set up redis as cache, image redis:7.2', expect: [{ service: 'cache', image: 'redis:7.2' }] },
  // A command.
  'command-from-running': { request: 'I also need a beat container from python:3.12-alpine running `celery -A app beat`', expect: [{ service: 'beat', image: 'python:3.12-alpine', command_has: 'celery -A app beat' }] },
  'command-that-runs': { request: 'make a container called mailer from node:20-alpine that runs node mail.js', expect: [{ service: 'mailer', image: 'node:20-alpine', command_has: 'node mail.js' }] },
  'command-field-no-ports': { request: 'queue consumer: name consumer, image ghcr.io/acme/consumer:7, command `./consume --all`, no ports', expect: [{ service: 'consumer', image: 'ghcr.io/acme/consumer:7', command_has: './consume --all', no_ports: true }] },
  'command-execute': { request: 'a service poller with image python:3.12-alpine, it should execute python poll.py', expect: [{ service: 'poller', image: 'python:3.12-alpine', command_has: 'python poll.py' }] },
  'cmd-abbrev': { request: 'svc reporter img python:3.11 cmd python report.py', expect: [{ service: 'reporter', image: 'python:3.11', command_has: 'python report.py' }] },
  // Published or not.
  'unpublished-new': { request: 'add ghcr.io/acme/auth:2 as auth, internal only, no host port', expect: [{ service: 'auth', image: 'ghcr.io/acme/auth:2', no_ports: true }] },
  'unpublished-do-not-publish': { request: 'deploy auth from ghcr.io/acme/auth:2 but do not publish it', expect: [{ service: 'auth', image: 'ghcr.io/acme/auth:2', no_ports: true }] },
  'unpublish-behind-proxy': { before: ['set up caddy', 'run ghcr.io/acme/shop:1 as store on port 8000'], request: "the store shouldn't have a host port, caddy reaches it over the network", expect: [{ service: 'store', no_ports: true }, { unchanged: 'caddy' }] },
  'unpublish-existing': { before: BASE, request: 'nobody outside needs the api, stop publishing its port', expect: [{ service: 'api', no_ports: true }, { unchanged: 'worker' }] },
  // Several things in one message.
  'service-and-its-rule': { request: 'run grafana and only allow 10.8.0.0/24 to reach it', expect: [{ service: 'grafana' }, { rule_for: 3000, source: '10.8.0.0/24' }] },
  'service-and-rule-later': { request: 'deploy gotify/server:2.4 as push on 8070, and let only 192.168.1.0/24 in to it', expect: [PUSH, { rule_for: 8070, source: '192.168.1.0/24' }] },
  'rambling-three': { request: 'right so, a postgres for the orders and a traefik in front of it all, oh plus a ticker from alpine:3.20 running `sleep 3600`', expect: [{ service: 'postgres' }, { service: 'traefik' }, { service: 'ticker', image: 'alpine:3.20', command_has: 'sleep 3600' }] },
};

paradigm('a new service as a bag of fields, and several things in one message', rows, GAPS);
