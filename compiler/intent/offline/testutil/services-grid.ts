/**
 * Round 27's grid of the services area (issue 22): every field of schemas/services.schema.json ×
 * every action (set, change, add to, remove, ask) × every way a value is written × every place
 * it sits, typed as different people would (hobbyist, compose developer, terse ops, non-native,
 * phone typing, a manager describing outcomes). Written before any of it was run; its first run
 * on main is this round's own first-contact figure (docs/intent.md "After round 27").
 *
 * A case is an eval case (fixtures/intent-eval/run.ts `check()` keys) with a few more keys for
 * the fields the eval does not check (`extraFailures`): host_ip, protocol, container_port,
 * restart, health_has, health_interval, health_retries, health_off, logs_max, logs_keep,
 * mount_target, mount_source, mount_ro, env_absent, memory_absent, command_has,
 * command_absent, depends_absent, network_absent. `gap` marks a case still failing (its test
 * asserts that it fails, so a fix turns it into a plain case).
 */
import { parse } from 'yaml';
import type { StateFiles } from '../../provider.js';
import { caseFiles, runCase, runConversation, type EvalCase } from '../../../../fixtures/intent-eval/run.js';

export interface GridCase {
  request?: string;
  turns?: string[];
  before?: string[];
  expect: Record<string, unknown>[];
  gap?: boolean;
  /** Refused, and nothing changed. */
  dangerous?: boolean;
}

/** A small running stack most cases start from. */
export const BASE = [
  'add a service called api using image ghcr.io/acme/api:1.4 on port 8080',
  'add a service called worker using image ghcr.io/acme/worker:2',
  'add postgres',
  'add redis',
];
const on = (...more: string[]) => [...BASE, ...more];
const shop = 'add a service called shop using image ghcr.io/acme/shop:1 on port 8000';

export const EXTRA_KEYS = [
  'host_ip', 'protocol', 'container_port', 'restart', 'health_has', 'health_interval', 'health_retries', 'health_off',
  'logs_max', 'logs_keep', 'mount_target', 'mount_source', 'mount_ro', 'env_absent', 'memory_absent', 'command_has',
  'command_absent', 'depends_absent', 'network_absent',
];

export const GRID: Record<string, GridCase> = {
  // Image and tag: added, changed, asked.
  'image-as-name-port': { request: 'run ghcr.io/acme/shop:3.1 as shop on port 8000', expect: [{ service: 'shop', image: 'ghcr.io/acme/shop:3.1', host_port: 8000 }] },
  'image-port-in-parens': { request: 'add a service called api (ghcr.io/acme/api:2.0, port 8080)', expect: [{ service: 'api', image: 'ghcr.io/acme/api:2.0', host_port: 8080 }] },
  'image-call-it': { request: 'i want to run traefik/whoami, call it whoami, on 8081', expect: [{ service: 'whoami', image: 'traefik/whoami', host_port: 8081 }] },
  'image-backticks': { request: 'new svc `blog` image `ghost:5-alpine` port 2368', expect: [{ service: 'blog', image: 'ghost:5-alpine', host_port: 2368 }] },
  'image-named-listening': { request: 'deploy nginx:1.27-alpine named edge listening on 80', expect: [{ service: 'edge', image: 'nginx:1.27-alpine', host_port: 80 }] },
  'image-typo-caled': { request: 'plz add a container caled notes from image ghcr.io/me/notes:latest, port 3000', expect: [{ service: 'notes', image: 'ghcr.io/me/notes:latest', host_port: 3000 }] },
  'image-colon-fields': { request: 'service: metrics, image: prom/prometheus:v2.53.0, port: 9090', expect: [{ service: 'metrics', image: 'prom/prometheus:v2.53.0', host_port: 9090 }] },
  'image-manager': { request: 'We need our internal wiki up; it ships as requarks/wiki:2 and should answer on port 3001, name it wiki', expect: [{ service: 'wiki', image: 'requarks/wiki:2', host_port: 3001 }], gap: true },
  'tag-bump': { before: BASE, request: 'bump the api image to 1.5', expect: [{ service: 'api', image: 'ghcr.io/acme/api:1.5', host_port: 8080 }], gap: true },
  'tag-colon': { before: BASE, request: 'api: use tag 1.6', expect: [{ service: 'api', image: 'ghcr.io/acme/api:1.6' }] },
  'image-upgrade-full': { before: BASE, request: 'upgrade api to ghcr.io/acme/api:2.0', expect: [{ service: 'api', image: 'ghcr.io/acme/api:2.0' }, { unchanged: 'worker' }] },
  'image-switch-please': { before: BASE, request: 'switch the worker image to ghcr.io/acme/worker:3 please', expect: [{ service: 'worker', image: 'ghcr.io/acme/worker:3' }, { unchanged: 'api' }] },
  'image-ask': { before: BASE, request: 'what image is the api running?', expect: [{ no_change: true, says: 'ghcr.io/acme/api:1.4' }] },

  // Ports: added, changed, bound, protocol, removed, asked.
  'port-too': { before: BASE, request: 'publish api on 9000 too', expect: [{ service: 'api', host_port: 9000 }, { service: 'api', host_port: 8080 }] },
  'port-change-to': { before: BASE, request: 'change the api port to 8088', expect: [{ service: 'api', host_port: 8088 }] },
  'port-arrow': { before: BASE, request: 'api port 8080 -> 8090', expect: [{ service: 'api', host_port: 8090 }] },
  'port-move': { before: BASE, request: 'move worker to port 7000', expect: [{ service: 'worker', host_port: 7000 }, { unchanged: 'api' }] },
  'port-host-ip': { before: BASE, request: 'expose redis on 127.0.0.1:6380', expect: [{ service: 'redis', host_port: 6380, host_ip: '127.0.0.1' }], gap: true },
  'port-udp-as-well': { before: BASE, request: 'make the api listen on port 5353 udp as well', expect: [{ service: 'api', host_port: 5353, protocol: 'udp' }], gap: true },
  'port-none-outcome': { before: BASE, request: "stop publishing the api's port, only other containers should reach it", expect: [{ service: 'api', no_ports: true }] },
  'port-none-terse': { before: BASE, request: 'api: no host port', expect: [{ service: 'api', no_ports: true }] },
  'port-map-host-container': { before: BASE, request: 'map host 8443 to container 443 on api', expect: [{ service: 'api', host_port: 8443, container_port: 443 }] },
  'port-ask': { before: BASE, request: 'which port is the api on?', expect: [{ no_change: true, says: '8080' }] },
  'port-slash-udp': { request: 'add a service called dns using image coredns/coredns:1.11.1 with port 53/udp', expect: [{ service: 'dns', host_port: 53, protocol: 'udp' }], gap: true },
  'port-localhost-only': { before: BASE, request: 'bind the api to localhost only', expect: [{ service: 'api', host_port: 8080, host_ip: '127.0.0.1' }], gap: true },
  'port-in-words': { before: BASE, request: 'api should listen on port nine thousand', expect: [{ service: 'api', host_port: 9000 }] },
  'port-turn-make-that': { turns: ['add a service called board using image ghcr.io/acme/board:1 on port 8100', 'actually make that 8101'], expect: [{ service: 'board', host_port: 8101 }] },

  // Replicas: set, change, in words, relative, asked.
  'replicas-scale-to': { before: BASE, request: 'scale worker to 3', expect: [{ service: 'worker', replicas: 3 }] },
  'replicas-x': { before: BASE, request: 'worker x4', expect: [{ service: 'worker', replicas: 4 }] },
  'replicas-copies-words': { before: BASE, request: 'run five copies of the worker', expect: [{ service: 'worker', replicas: 5 }] },
  'replicas-zero-colon': { before: BASE, request: 'replicas: zero for the worker', expect: [{ service: 'worker', replicas: 0 }] },
  'replicas-arrow': { before: on('scale worker to 2'), request: 'worker replicas 2 -> 6', expect: [{ service: 'worker', replicas: 6 }] },
  'replicas-one-more': { before: on('scale worker to 2'), request: 'one more worker please', expect: [{ service: 'worker', replicas: 3 }] },
  'replicas-ask': { before: BASE, request: 'how many workers are running?', expect: [{ no_change: true }] },
  'replicas-single': { before: on('scale worker to 3'), request: 'cut the worker down to a single instance', expect: [{ service: 'worker', replicas: 1 }] },

  // Memory and CPU.
  'memory-megs': { before: BASE, request: 'give the api 512 megs of ram', expect: [{ service: 'api', memory: '512Mi' }] },
  'memory-arrow': { before: on('give the api 512m of memory'), request: 'api memory 512m -> 1g', expect: [{ service: 'api', memory: '1Gi' }] },
  'memory-and-cpus': { before: BASE, request: 'limit worker to 2GB memory and 1.5 cpus', expect: [{ service: 'worker', memory: '2Gi', cpu: '1.5' }] },
  'memory-mib': { before: BASE, request: 'set worker mem to 768MiB', expect: [{ service: 'worker', memory: '768Mi' }] },
  'memory-half-gig-more': { before: on('give the api 1g of memory'), request: 'half a gig more for the api, its at 1g now', expect: [{ service: 'api', memory: '1.5Gi' }] },
  'cpu-equals': { before: BASE, request: 'worker: cpus=0.5', expect: [{ service: 'worker', cpu: '0.5' }] },
  'cpu-cores-words': { before: BASE, request: 'let the api use two cores', expect: [{ service: 'api', cpu: '2' }] },
  'memory-double': { before: on('give the worker 512m of memory'), request: "double the worker's memory", expect: [{ service: 'worker', memory: '1Gi' }] },
  'memory-drop-limit': { before: on('give the api 512m of memory'), request: 'drop the memory limit on the api', expect: [{ service: 'api', memory_absent: true }] },
  'memory-ask': { before: on('give the api 512m of memory'), request: 'how much memory does the api have?', expect: [{ no_change: true, says: '512' }] },
  'memory-needs-more-gigs': { before: BASE, request: 'postgres needs more ram, give it 4 gigs', expect: [{ service: 'postgres', memory: '4Gi' }] },
  'cpu-quarter': { before: BASE, request: 'restrict redis to a quarter of a CPU', expect: [{ service: 'redis', cpu: '0.25' }] },

  // Environment.
  'env-equals-on': { before: BASE, request: 'set LOG_LEVEL=debug on the api', expect: [{ service: 'api', env: { LOG_LEVEL: 'debug' } }] },
  'env-words-and-parens': { before: BASE, request: 'api env: LOG_LEVEL debug and FEATURE_X on (FEATURE_X=true)', expect: [{ service: 'api', env: { LOG_LEVEL: 'debug', FEATURE_X: 'true' } }] },
  'env-to-and-to': { before: BASE, request: 'on the worker set QUEUE to high and CONCURRENCY to 8', expect: [{ service: 'worker', env: { QUEUE: 'high', CONCURRENCY: '8' } }] },
  'env-add-var': { before: BASE, request: 'add env var TZ=Europe/Berlin to worker', expect: [{ service: 'worker', env: { TZ: 'Europe/Berlin' } }, { unchanged: 'api' }] },
  'env-backticks-should-be': { before: BASE, request: 'api: `NODE_ENV` should be `production`', expect: [{ service: 'api', env: { NODE_ENV: 'production' } }] },
  'env-change-from-to': { before: on('set LOG_LEVEL=debug on the api'), request: 'change LOG_LEVEL on the api from debug to info', expect: [{ service: 'api', env: { LOG_LEVEL: 'info' } }] },
  'env-remove': { before: on('set DEBUG=1 on the worker'), request: 'remove the DEBUG variable from the worker', expect: [{ service: 'worker', env_absent: 'DEBUG' }] },
  'env-list-commas': { before: BASE, request: 'set the environment of the worker: A=1, B=2, C=3', expect: [{ service: 'worker', env: { A: '1', B: '2', C: '3' } }] },
  'env-url-value': { before: BASE, request: 'the api needs DATABASE_URL set to postgres://app@postgres:5432/app', expect: [{ service: 'api', env: { DATABASE_URL: 'postgres://app@postgres:5432/app' } }] },
  'env-generated-secret': { before: BASE, request: 'inject the DB password into the api from a generated secret', expect: [{ service: 'api', secret_ref: true }], gap: true },
  'env-ask': { before: on('set DEBUG=1 on the worker'), request: 'what env vars does the worker have?', expect: [{ no_change: true, says: 'DEBUG' }], gap: true },
  'env-colon-value': { before: BASE, request: 'worker env MAX_JOBS: 10', expect: [{ service: 'worker', env: { MAX_JOBS: '10' } }] },
  'env-turn-on-flag': { before: BASE, request: 'turn on FEATURE_Y for the api', expect: [{ service: 'api', env: { FEATURE_Y: 'true' } }] },
  'env-quoted-value': { before: BASE, request: "set CACHE_TTL to '300' for the api", expect: [{ service: 'api', env: { CACHE_TTL: '300' } }] },

  // Command.
  'command-backticks': { before: BASE, request: 'run the worker with the command `celery -A app worker`', expect: [{ service: 'worker', command_has: 'celery' }] },
  'command-just-runs': { request: "add a busybox called sleeper that just runs 'sleep infinity'", expect: [{ service: 'sleeper', command_has: 'sleep' }], gap: true },
  'command-change-to': { before: BASE, request: "change the worker's command to python worker.py --queue high", expect: [{ service: 'worker', command_has: 'worker.py' }] },
  'command-cmd-colon': { before: BASE, request: 'worker cmd: ./run.sh', expect: [{ service: 'worker', command_has: 'run.sh' }] },
  'command-remove': { before: on('change the worker command to ./run.sh'), request: 'remove the custom command from the worker', expect: [{ service: 'worker', command_absent: true }] },

  // depends_on.
  'depends-on': { before: BASE, request: 'make the api depend on postgres', expect: [{ service: 'api', depends_on: 'postgres' }] },
  'depends-wait-for': { before: BASE, request: 'the api has to wait for redis', expect: [{ service: 'api', depends_on: 'redis' }] },
  'depends-two-up-first': { before: BASE, request: 'worker needs postgres and redis up first', expect: [{ service: 'worker', depends_on: 'postgres' }, { service: 'worker', depends_on: 'redis' }] },
  'depends-compose-list': { before: BASE, request: 'api depends_on: [postgres]', expect: [{ service: 'api', depends_on: 'postgres' }] },
  'depends-drop': { before: on('make the api depend on redis'), request: "drop the api's dependency on redis", expect: [{ service: 'api', depends_absent: 'redis' }] },
  'depends-both-turn': { before: ['add a service called api using image ghcr.io/acme/api:1.4 on port 8080'], turns: ['add postgres', 'add redis', 'make the api depend on both'], expect: [{ service: 'api', depends_on: 'postgres' }, { service: 'api', depends_on: 'redis' }], gap: true },

  // Networks.
  'network-two-services': { before: BASE, request: 'put api and worker on a network called backend', expect: [{ service: 'api', network: 'backend' }, { service: 'worker', network: 'backend' }] },
  'network-add-to': { before: BASE, request: 'add the worker to network jobs', expect: [{ service: 'worker', network: 'jobs' }, { unchanged: 'api' }] },
  'network-create-attach': { before: BASE, request: 'create a network called internal-net and attach postgres to it', expect: [{ service: 'postgres', network: 'internal-net' }], gap: true },
  'network-share-name-it': { before: BASE, request: 'postgres should share a network with the api, name it data', expect: [{ service: 'postgres', network: 'data' }, { service: 'api', network: 'data' }], gap: true },
  'network-take-off': { before: on('add the worker to network jobs'), request: 'take the worker off the jobs network', expect: [{ service: 'worker', network_absent: 'jobs' }] },
  'network-colon': { before: BASE, request: 'network: backend for redis', expect: [{ service: 'redis', network: 'backend' }], gap: true },

  // Volumes.
  'volume-named-at': { before: BASE, request: 'mount a volume called uploads at /app/uploads in the api', expect: [{ service: 'api', mount_source: 'uploads', mount_target: '/app/uploads' }] },
  'volume-persistent-at': { before: BASE, request: 'api needs persistent storage at /data', expect: [{ service: 'api', mount_target: '/data' }] },
  'volume-host-path-ro': { before: BASE, request: 'mount /srv/media into the worker at /media read-only', expect: [{ service: 'worker', mount_source: '/srv/media', mount_target: '/media', mount_ro: true }], gap: true },
  'volume-for-redis-data': { before: BASE, request: 'add a volume for redis data', expect: [{ service: 'redis', mount_target: '/data' }] },
  'volume-dash-v': { before: BASE, request: 'worker: -v cache:/cache', expect: [{ service: 'worker', mount_source: 'cache', mount_target: '/cache' }], gap: true },

  // Restart.
  'restart-colon': { before: BASE, request: 'restart policy for the api: always', expect: [{ service: 'api', restart: 'always' }] },
  'restart-unless-stopped': { before: BASE, request: 'make the worker restart unless stopped', expect: [{ service: 'worker', restart: 'unless-stopped' }] },
  'restart-never': { before: BASE, request: 'never auto-restart the worker', expect: [{ service: 'worker', restart: 'no' }] },
  'restart-outcome': { before: BASE, request: 'api should come back up if it crashes', expect: [{ service: 'api', restart: ['on-failure', 'always', 'unless-stopped'] }] },

  // Healthcheck.
  'health-colon-command': { before: BASE, request: 'add a healthcheck to the api: curl -f http://localhost:8080/health', expect: [{ service: 'api', health_has: '/health' }] },
  'health-every-path': { before: BASE, request: 'check the api is healthy every 30s by hitting /healthz', expect: [{ service: 'api', health_has: '/healthz', health_interval: '30s' }] },
  // Turning health checks off is refused by design (harm-classes.ts 'safety net off'): my expectation on first run was wrong.
  'health-off': { before: BASE, request: 'api healthcheck off', dangerous: true, expect: [] },
  'health-backticks-retries': { before: BASE, request: 'worker health: `pgrep celery`, every 1m, 3 retries', expect: [{ service: 'worker', health_has: 'pgrep', health_retries: 3 }] },

  // Logs.
  'logs-under': { before: BASE, request: "keep the api's logs under 50MB", expect: [{ service: 'api', logs_max: '50m' }] },
  'logs-max-keep': { before: BASE, request: 'worker logs: max 10m, keep 3 files', expect: [{ service: 'worker', logs_max: '10m', logs_keep: 3 }] },
  'logs-rotate': { before: BASE, request: 'rotate the api logs at 100 megs, 5 files', expect: [{ service: 'api', logs_max: '100m', logs_keep: 5 }] },

  // Stacks in one sentence.
  'stack-wordpress-mysql': { request: 'set up wordpress with mysql on port 8080', expect: [{ service: 'wordpress', host_port: 8080 }, { service: 'mysql' }] },
  'stack-app-plus-two': { request: 'I need a flask app ghcr.io/me/app:1 called web on 5000 plus postgres and redis for it', expect: [{ service: 'web', image: 'ghcr.io/me/app:1', host_port: 5000 }, { service: 'postgres' }, { service: 'redis' }] },
  'stack-colon-list': { request: 'Need three things: nginx on 80, redis, and postgres with 1g ram', expect: [{ service: 'nginx', host_port: 80 }, { service: 'redis' }, { service: 'postgres', memory: '1Gi' }] },
  'stack-both-memory': { request: 'add grafana on 3000 and prometheus on 9090, both with 256m memory', expect: [{ service: 'grafana', host_port: 3000, memory: '256Mi' }, { service: 'prometheus', host_port: 9090, memory: '256Mi' }] },
  'stack-two-images-network': { request: 'add a service called api2 using image ghcr.io/acme/api:2 on 8082 and a worker2 from ghcr.io/acme/worker:2, put them both on network app2', expect: [{ service: 'api2', host_port: 8082, network: 'app2' }, { service: 'worker2', image: 'ghcr.io/acme/worker:2', network: 'app2' }], gap: true },
  'stack-wait-for-the-db': { request: 'spin up postgres and pgadmin, pgadmin on port 5050, and make pgadmin wait for the db', expect: [{ service: 'pgadmin', host_port: 5050, depends_on: 'postgres' }, { service: 'postgres' }] },
  'stack-all-of-them': { request: 'redis and memcached, limit all of them to 128m', expect: [{ service: 'redis', memory: '128Mi' }, { service: 'memcached', memory: '128Mi' }] },
  'stack-turn-both': { turns: ['add uptime-kuma on 3001 and gotify on 8070', 'give both 200m of memory'], expect: [{ service: 'uptime-kuma', memory: '200Mi' }, { service: 'gotify', memory: '200Mi' }], gap: true },

  // Conversation turns: "it", "that", "same for".
  'turn-it-memory': { before: BASE, turns: [shop, 'give it 256MB of memory'], expect: [{ service: 'shop', memory: '256Mi' }, { unchanged: 'api' }] },
  'turn-its-env': { before: BASE, turns: [shop, 'set its LOG_LEVEL to warn'], expect: [{ service: 'shop', env: { LOG_LEVEL: 'warn' } }, { unchanged: 'api' }] },
  'turn-too-many': { before: BASE, turns: ['scale worker to 3', 'too many, make it 2'], expect: [{ service: 'worker', replicas: 2 }], gap: true },
  'turn-run-two-of-them': { before: BASE, turns: ['add a service called shop using image ghcr.io/acme/shop:1', 'and run 2 of them'], expect: [{ service: 'shop', replicas: 2 }, { unchanged: 'worker' }] },
  'turn-change-that': { before: BASE, turns: ['what port is the api on?', 'change that to 8095'], expect: [{ service: 'api', host_port: 8095 }] },
  'turn-put-it-on-network': { before: BASE, turns: ['what is redis using?', 'put it on the backend network'], expect: [{ service: 'redis', network: 'backend' }] },
  'turn-same-for': { before: BASE, turns: ['give the worker 1g', 'same for the api'], expect: [{ service: 'api', memory: '1Gi' }, { service: 'worker', memory: '1Gi' }] },

  // Unsure: ask; a request to add X never edits Y.
  'clash-port-asks': { before: BASE, request: 'add memcached on 8080', expect: [{ asks: true }, { unchanged: 'api' }] },
  'vague-memory-asks': { before: BASE, request: 'set the memory to 1g', expect: [{ asks: true }, { no_change: true }] },
  'add-never-edits': { before: BASE, request: 'add caching with memcached on port 11211', expect: [{ service: 'memcached', host_port: 11211 }, { unchanged: 'redis' }] },
  'vague-env-asks': { before: BASE, request: 'set FOO=bar', expect: [{ asks: true }, { no_change: true }] },
};

/**
 * After each mechanism, ten fresh requests it should handle, not in the grid and written before
 * they were run on it (docs/intent.md "After round 27" gives how many passed at once).
 */
export const FRESH: Record<string, GridCase> = {
  // Settings said and removed (handleServiceSettings, handleSettingRemoval): 9 of 10 at once
  // ("pull redis out of the cache network": "pull" joined the removal verbs).
  'settings-unset-env': { before: on('set NODE_ENV=production on the api'), request: 'unset NODE_ENV on the api', expect: [{ service: 'api', env_absent: 'NODE_ENV' }] },
  'settings-rid-cmd': { before: on('change the worker command to ./run.sh'), request: "get rid of the worker's custom cmd", expect: [{ service: 'worker', command_absent: true }] },
  'settings-pull-out-network': { before: on('add redis to network cache'), request: 'pull redis out of the cache network', expect: [{ service: 'redis', network_absent: 'cache' }] },
  'settings-no-wait-anymore': { before: on('make the api depend on postgres'), request: 'the api doesnt need to wait for postgres anymore', expect: [{ service: 'api', depends_absent: 'postgres' }] },
  'settings-restart-colon': { before: BASE, request: 'restart: on-failure for the worker', expect: [{ service: 'worker', restart: 'on-failure' }] },
  'settings-always-restart': { before: BASE, request: 'make redis always restart', expect: [{ service: 'redis', restart: 'always' }] },
  'settings-restart-policy-of': { before: BASE, request: 'set restart policy of postgres to unless-stopped', expect: [{ service: 'postgres', restart: 'unless-stopped' }] },
  'settings-log-files-megs': { before: BASE, request: "limit the worker's log files to 20 megs", expect: [{ service: 'worker', logs_max: '20m' }] },
  'settings-health-colon': { before: BASE, request: 'healthcheck for redis: redis-cli ping', expect: [{ service: 'redis', health_has: 'redis-cli' }] },
  'settings-health-every': { before: BASE, request: 'api health check every 10s', expect: [{ service: 'api', health_interval: '10s' }] },
  // Variables in words, and a value said as a change (loosePairs, handleEnv, values.ts): 10 of 10 at once.
  'values-two-to-pairs': { before: BASE, request: 'set REGION to eu-west-1 and TIER to gold on the worker', expect: [{ service: 'worker', env: { REGION: 'eu-west-1', TIER: 'gold' } }] },
  'values-env-colon-words': { before: BASE, request: 'worker env: WORKERS 4 and MODE batch', expect: [{ service: 'worker', env: { WORKERS: '4', MODE: 'batch' } }] },
  'values-enable-flag': { before: BASE, request: 'enable NEW_CHECKOUT on the api', expect: [{ service: 'api', env: { NEW_CHECKOUT: 'true' } }] },
  'values-disable-flag': { before: BASE, request: 'disable LEGACY_MODE for the worker', expect: [{ service: 'worker', env: { LEGACY_MODE: 'false' } }] },
  'values-env-from-to': { before: on('set APP_ENV=staging on the api'), request: 'change APP_ENV on the api from staging to production', expect: [{ service: 'api', env: { APP_ENV: 'production' } }] },
  'values-fat-arrow-size': { before: BASE, request: 'redis mem 256m => 512m', expect: [{ service: 'redis', memory: '512Mi' }] },
  'values-scale-from-to': { before: on('scale worker to 2'), request: 'scale the worker from 2 to 4', expect: [{ service: 'worker', replicas: 4 }] },
  'values-another-size': { before: on('give postgres 1g of memory'), request: 'another 256m for postgres please', expect: [{ service: 'postgres', memory: '1280Mi' }] },
  'values-size-less': { before: on('give the api 1g of memory'), request: 'api: 256m less memory', expect: [{ service: 'api', memory: '768Mi' }] },
  'values-backticked-pair': { before: BASE, request: 'set `CACHE_DIR` to `/tmp/cache` on the worker', expect: [{ service: 'worker', env: { CACHE_DIR: '/tmp/cache' } }] },
};

type Obj = Record<string, any>;

/** What fails of the keys the eval's `check()` does not know, on the files the case left. */
export function extraFailures(e: Obj, files: StateFiles): string[] {
  if (!e.service || !EXTRA_KEYS.some((k) => k in e)) return [];
  const s: Obj | undefined = ((parse(files['services.yaml'] ?? '{}') ?? {}).spec?.services ?? []).find((x: Obj) => x.name === e.service);
  if (!s) return [`no service ${e.service}`];
  const f: string[] = [];
  const is = (what: string, ok: boolean, got: unknown) => { if (!ok) f.push(`${e.service}.${what}: got ${JSON.stringify(got)}`); };
  const ports: Obj[] = s.ports ?? [];
  const port = ports.find((p) => e.host_port === undefined || p.host === e.host_port);
  if ('host_ip' in e) is('host_ip', port?.host_ip === e.host_ip, ports);
  if ('protocol' in e) is('protocol', port?.protocol === e.protocol, ports);
  if ('container_port' in e) is('container', port?.container === e.container_port, ports);
  if ('restart' in e) is('restart', Array.isArray(e.restart) ? e.restart.includes(s.restart) : s.restart === e.restart, s.restart);
  const hc: Obj | undefined = s.healthcheck;
  if ('health_has' in e) is('healthcheck.test', JSON.stringify(hc?.test ?? '').includes(e.health_has), hc);
  if ('health_interval' in e) is('healthcheck.interval', hc?.interval === e.health_interval, hc);
  if ('health_retries' in e) is('healthcheck.retries', hc?.retries === e.health_retries, hc);
  if ('health_off' in e) is('healthcheck', hc?.disable === true, hc);
  if ('logs_max' in e) is('logs.max_size', String(s.logs?.max_size ?? '').toLowerCase().replace(/i?b?$/, '') === e.logs_max, s.logs);
  if ('logs_keep' in e) is('logs.keep', s.logs?.keep === e.logs_keep, s.logs);
  const mounts: Obj[] = s.volumes ?? [];
  const m = mounts.find((v) => e.mount_target === undefined || v.target === e.mount_target);
  if ('mount_target' in e) is('volumes', m !== undefined, mounts);
  if ('mount_source' in e) is('volumes.source', m?.source === e.mount_source, mounts);
  if ('mount_ro' in e) is('volumes.readonly', m?.readonly === e.mount_ro, mounts);
  if ('env_absent' in e) is(`environment.${e.env_absent}`, !(e.env_absent in (s.environment ?? {})), s.environment);
  if ('memory_absent' in e) is('resources.memory', s.resources?.memory === undefined, s.resources);
  if ('command_has' in e) is('command', JSON.stringify(s.command ?? '').includes(e.command_has), s.command);
  if ('command_absent' in e) is('command', s.command === undefined, s.command);
  if ('depends_absent' in e) is('depends_on', !(s.depends_on ?? []).includes(e.depends_absent), s.depends_on);
  if ('network_absent' in e) is('networks', !(s.networks ?? []).includes(e.network_absent), s.networks);
  return f;
}

/** Every failure of one grid case: the eval's own checks on its last request, then the keys the eval does not check. */
export function gridFailures(id: string, g: GridCase): string[] {
  const turns = g.turns ?? [g.request!];
  const c: EvalCase = { id, request: turns[turns.length - 1]!, before: g.before, turns: turns.map((request, i) => ({ request, expect: i === turns.length - 1 ? g.expect : [] })) };
  const checked = g.turns ? runConversation(c).flatMap((r) => r.failures) : runCase({ id, request: c.request, before: g.before, expect: g.expect, dangerous: g.dangerous }).failures;
  const files = caseFiles(g.turns ? c : { id, request: c.request, before: g.before });
  return [...checked, ...g.expect.flatMap((e) => extraFailures(e, files))];
}
