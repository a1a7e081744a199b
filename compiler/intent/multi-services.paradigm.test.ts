/**
 * Round 32, mechanism 1 (INTENT): several services in one message. A list of services, each with
 * its own attributes (a port, a name, a role such as "cache" or "queue", "X instead of Y" swapping a
 * template's part, "in front on 80"), in any order and punctuation: each attribute goes to the
 * mention it is attached to, and two services of one image are named by their roles.
 *
 * Written from English before the engine was run on it (other products, words and orders than
 * held-out 25's multi-08/09/11/19 and para-24's multi-17/20). First run on main (a0c7422, 02:30
 * UTC, load ~10 on 2 cores): 14/32.
 */
import { paradigm, type ParadigmRow } from './offline/testutil/paradigm.js';

const STACK = ['add a service called api using image ghcr.io/acme/api:1.4 on port 8080', 'add postgres'];

/** Rows still failing (each asserted to fail; a fix takes its id off). */
const GAPS: string[] = ['two-postgres-named', 'caddy-in-front-first', 'stack-in-brackets-port', 'redis-for-roles', 'deploy-only-lan', 'service-comma-only-from', 'named-worker-command-and-redis', 'worker-colon-image', 'newline-list'];

const rows: Record<string, ParadigmRow> = {
  // Two or three products, each with its own port, in any punctuation.
  'and-each-port': { request: 'set up grafana on 3001 and prometheus on 9091', expect: [{ service: 'grafana', host_port: 3001 }, { service: 'prometheus', host_port: 9091 }] },
  'comma-each-port': { request: 'nginx on 8081, redis on 6390', expect: [{ service: 'nginx', host_port: 8081 }, { service: 'redis', host_port: 6390 }] },
  'plus-each-port': { request: 'need mariadb on 3307 + redis on 6391 pls', expect: [{ service: 'mariadb', host_port: 3307 }, { service: 'redis', host_port: 6391 }] },
  'colon-ports': { request: 'grafana:3002, prometheus:9092', expect: [{ service: 'grafana', host_port: 3002 }, { service: 'prometheus', host_port: 9092 }] },
  'port-before-product': { request: 'put prometheus on port 9093 and grafana on port 3003', expect: [{ service: 'prometheus', host_port: 9093 }, { service: 'grafana', host_port: 3003 }] },
  'three-with-front': { request: 'I would like prometheus on 9094, grafana on 3004 and nginx in front of them on 8088', expect: [{ service: 'prometheus', host_port: 9094 }, { service: 'grafana', host_port: 3004 }, { service: 'nginx', host_port: 8088 }] },
  'caddy-in-front-first': { request: 'caddy in front on 8443, grafana behind it on 3005', expect: [{ service: 'caddy', host_port: 8443 }, { service: 'grafana', host_port: 3005 }] },
  'front-door-port': { request: 'spin up grafana (3006) and caddy as the front door on port 8089', expect: [{ service: 'grafana', host_port: 3006 }, { service: 'caddy', host_port: 8089 }] },
  'one-port-said-of-one': { request: 'prometheus and grafana please, grafana on 3007', expect: [{ service: 'prometheus' }, { service: 'grafana', host_port: 3007 }] },
  'stack-in-brackets-port': { request: 'a monitoring setup (grafana + prometheus) with grafana listening on 3008', expect: [{ service: 'prometheus' }, { service: 'grafana', host_port: 3008 }] },
  'slash-list-port': { request: 'grafana/prometheus combo, prometheus on port 9095', expect: [{ service: 'grafana' }, { service: 'prometheus', host_port: 9095 }] },
  'existing-stack-add-two': { before: STACK, request: 'also add redis on 6392 and nginx on 8090', expect: [{ service: 'redis', host_port: 6392 }, { service: 'nginx', host_port: 8090 }, { unchanged: 'api' }] },
  // Two or more services of one image, named by their roles.
  'two-postgres-named': { request: 'two postgres databases please: users-db on 5433 and orders-db on 5434', expect: [{ service: 'users-db', host_port: 5433 }, { service: 'orders-db', host_port: 5434 }] },
  'two-redis-roles-brackets': { request: 'I need 2 redis, sessions (6393) and jobs (6394)', expect: [{ service: 'sessions', host_port: 6393 }, { service: 'jobs', host_port: 6394 }] },
  'three-redis-roles': { request: 'three redis instances: cache on 6395, queue on 6396, locks on 6397', expect: [{ service: 'cache', host_port: 6395 }, { service: 'queue', host_port: 6396 }, { service: 'locks', host_port: 6397 }] },
  'pair-of-nginx': { request: 'a pair of nginx containers, blue on 8091 and green on 8092', expect: [{ service: 'blue', host_port: 8091 }, { service: 'green', host_port: 8092 }] },
  'two-mariadb-one-for': { request: 'run two mariadb servers, one called shopdb on 3308 and one called blogdb on 3309', expect: [{ service: 'shopdb', host_port: 3308 }, { service: 'blogdb', host_port: 3309 }] },
  'redis-for-roles': { request: 'redis for caching on 6398 and another redis for the queue on 6399', expect: [{ service: 'caching', host_port: 6398 }, { service: 'queue', host_port: 6399 }] },
  // "X instead of Y": a template's part swapped.
  'wordpress-mysql-rather': { request: 'wordpress but use mysql rather than mariadb', expect: [{ service: 'wordpress' }, { service: 'mysql' }, { service: 'mariadb', absent: true }] },
  'wordpress-mysql-not': { request: 'set up a wordpress site on mysql, not mariadb', expect: [{ service: 'wordpress' }, { service: 'mysql' }, { service: 'mariadb', absent: true }] },
  'wordpress-swap-db': { request: 'Install WordPress. I prefer MySQL over MariaDB for the database.', expect: [{ service: 'wordpress' }, { service: 'mysql' }, { service: 'mariadb', absent: true }] },
  'wordpress-instead-port': { request: 'wordpress on 8093 with mysql instead of mariadb', expect: [{ service: 'wordpress', host_port: 8093 }, { service: 'mysql' }, { service: 'mariadb', absent: true }] },
  // A service and a rule for "it" in one message.
  'deploy-only-lan': { request: 'deploy caddy and only let 192.168.0.0/16 reach it', expect: [{ service: 'caddy' }, { rule_for: 80, source: '192.168.0.0/16' }] },
  'add-then-restrict': { request: 'add nginx, then restrict it to 10.1.0.0/16', expect: [{ service: 'nginx' }, { rule_for: 80, source: '10.1.0.0/16' }] },
  'service-comma-only-from': { request: 'grafana, reachable only from 10.2.0.0/16', expect: [{ service: 'grafana' }, { rule_for: 3000, source: '10.2.0.0/16' }] },
  // A port said of one leaves the other alone; a named role of a product with its image.
  'image-as-role-and-product': { request: 'run ghcr.io/acme/worker:3 as worker and redis on 6400 beside it', expect: [{ service: 'worker', image: 'ghcr.io/acme/worker:3' }, { service: 'redis', host_port: 6400 }] },
  'named-worker-command-and-redis': { request: 'redis for sessions plus a worker from python:3.12-slim running `python jobs.py`', expect: [{ service: 'redis' }, { service: 'worker', command: 'python jobs.py' }] },
  'worker-colon-image': { request: 'caddy up front, and a worker: python:3.12-slim, command `python tasks.py`', expect: [{ service: 'caddy' }, { service: 'worker', command: 'python tasks.py' }] },
  'semicolon-list': { request: 'postgres on 5435; redis on 6401; nginx on 8094', expect: [{ service: 'postgres', host_port: 5435 }, { service: 'redis', host_port: 6401 }, { service: 'nginx', host_port: 8094 }] },
  'newline-list': { request: 'please add:\n- grafana on 3009\n- prometheus on 9096', expect: [{ service: 'grafana', host_port: 3009 }, { service: 'prometheus', host_port: 9096 }] },
  'each-own-words': { request: 'Could you give me Redis listening on 6402 and also MariaDB listening on 3310?', expect: [{ service: 'redis', host_port: 6402 }, { service: 'mariadb', host_port: 3310 }] },
  'ports-said-after-both': { request: 'nginx and grafana, on 8095 and 3010 respectively', expect: [{ service: 'nginx', host_port: 8095 }, { service: 'grafana', host_port: 3010 }] },
};

paradigm('several services in one message (round 32)', rows, GAPS);
