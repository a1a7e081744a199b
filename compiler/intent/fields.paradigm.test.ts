/**
 * Round 29, mechanism 2 (INTENT): a service said as fields. A "key: value", "key value" or
 * "key=value" list (name, image, port, memory, cpu, replicas, command, env) in any order,
 * separated by commas, semicolons, dashes, slashes or new lines, with or without "new service";
 * on an existing service, the same list changes it.
 *
 * Written from English before the engine was run on it (other names, images and orders than
 * held-out 22's). First run on main (a30697b, 16:40 UTC): 17/33.
 */
import { paradigm, type ParadigmRow } from './offline/testutil/paradigm.js';

const STACK = ['add a service called api using image ghcr.io/acme/api:1.4 on port 8080', 'add a service called worker using image ghcr.io/acme/worker:2', 'add postgres', 'add redis'];
const LEDGER = { service: 'ledger', image: 'ghcr.io/acme/ledger:4', host_port: 9400 };

/** Rows still failing (each asserted to fail; a fix takes its id off). */
const GAPS: string[] = [];

const rows: Record<string, ParadigmRow> = {
  // A new service, its fields in any order and any punctuation.
  'colons-commas': { request: 'service name: ledger, image: ghcr.io/acme/ledger:4, port: 9400', expect: [LEDGER] },
  'dashes': { request: 'new service - name ledger - image ghcr.io/acme/ledger:4 - port 9400', expect: [LEDGER] },
  'image-first': { request: 'image ghcr.io/acme/ledger:4, name ledger, port 9400', expect: [LEDGER] },
  'port-first': { request: 'port 9400, image ghcr.io/acme/ledger:4, name ledger', expect: [LEDGER] },
  'sentences': { request: 'create a container. name: ledger. image: ghcr.io/acme/ledger:4. port: 9400.', expect: [LEDGER] },
  'new-lines': { request: 'add service\nname: ledger\nimage: ghcr.io/acme/ledger:4\nport: 9400', expect: [LEDGER] },
  'semicolons': { request: 'name: ledger; image: ghcr.io/acme/ledger:4; port: 9400', expect: [LEDGER] },
  'no-commas': { request: 'name: ledger image: ghcr.io/acme/ledger:4 port: 9400', expect: [LEDGER] },
  'equals': { request: 'new service name=ledger image=ghcr.io/acme/ledger:4 port=9400', expect: [LEDGER] },
  'equals-spaced': { request: 'Service name = ledger; Image = ghcr.io/acme/ledger:4; Port = 9400', expect: [LEDGER] },
  'slashes-capitals': { request: 'Image: ghcr.io/acme/ledger:4 / Name: ledger / Port: 9400', expect: [LEDGER] },
  'quoted': { request: 'service "ledger", image "ghcr.io/acme/ledger:4", port 9400', expect: [LEDGER] },
  'backticks': { request: 'svc `ledger` image `ghcr.io/acme/ledger:4` port `9400`', expect: [LEDGER] },
  'named-with-and': { request: 'new service named ledger with image ghcr.io/acme/ledger:4 and port 9400', expect: [LEDGER] },
  'is-would-be': { request: 'pls new service, name is ledger, the image is ghcr.io/acme/ledger:4, port would be 9400', expect: [LEDGER] },
  'abbrev': { request: 'new svc called ledger, img ghcr.io/acme/ledger:4, listening port 9400', expect: [LEDGER] },
  'arrow-fields': { request: 'ledger service -> image ghcr.io/acme/ledger:4, port 9400', expect: [LEDGER] },
  'deploy-colon': { request: 'deploy: name ledger, image ghcr.io/acme/ledger:4, ports 9400', expect: [LEDGER] },
  'image-then-fields': { request: 'spin up ghcr.io/acme/ledger:4 - name: ledger, port: 9400, mem: 512mb', expect: [{ ...LEDGER, memory: '512Mi' }] },
  'known-image-own-name': { request: 'name: cache2, image: redis:7, memory: 256m', expect: [{ service: 'cache2', image: 'redis:7', memory: '256Mi' }] },
  'replicas-field': { request: 'name: bot, image: ghcr.io/acme/bot:1, replicas: 3', expect: [{ service: 'bot', image: 'ghcr.io/acme/bot:1', replicas: 3 }] },
  'command-field': { request: 'name: bot, image: ghcr.io/acme/bot:1, command: node bot.js --verbose', expect: [{ service: 'bot', command_has: 'bot.js --verbose' }] },
  'env-field': { request: 'name: bot, image: ghcr.io/acme/bot:1, env: TOKEN_TTL=60', expect: [{ service: 'bot', env: { TOKEN_TTL: '60' } }] },
  'cpu-memory-fields': { request: 'name: bot; image: ghcr.io/acme/bot:1; cpu: 0.5; memory: 1g', expect: [{ service: 'bot', cpu: '0.5', memory: '1Gi' }] },
  'sentence-of-fields': { request: 'a service, name wiki, image requarks/wiki:2, port 3001, memory 1 gig', expect: [{ service: 'wiki', image: 'requarks/wiki:2', host_port: 3001, memory: '1Gi' }] },
  'paren-image-fields': { request: 'new service: docs2 (nginx:alpine) port 8090', expect: [{ service: 'docs2', image: 'nginx:alpine', host_port: 8090 }] },
  // The same list on a service that exists changes it.
  'existing-colon-two': { before: STACK, request: 'api: memory 1g, cpu 2', expect: [{ service: 'api', memory: '1Gi', cpu: '2' }, { unchanged: 'worker' }] },
  'existing-dash-fields': { before: STACK, request: 'worker — replicas: 4, memory: 768m', expect: [{ service: 'worker', replicas: 4, memory: '768Mi' }, { unchanged: 'api' }] },
  'existing-replicas-zero-word': { before: STACK, request: 'worker replicas: none for now, keep the service', expect: [{ service: 'worker', replicas: 0 }] },
  'existing-replicas-zero': { before: STACK, request: 'set worker replicas: 0', expect: [{ service: 'worker', replicas: 0 }] },
  'existing-env-list': { before: STACK, request: "worker's env: QUEUE=low, THREADS=4", expect: [{ service: 'worker', env: { QUEUE: 'low', THREADS: '4' } }] },
  'existing-env-to-and': { before: STACK, request: 'set the api env LOG_LEVEL to debug and TIMEOUT to 30', expect: [{ service: 'api', env: { LOG_LEVEL: 'debug', TIMEOUT: '30' } }] },
  'existing-environment-words': { before: STACK, request: "set the worker's environment variable FOO to bar and BAZ to 9", expect: [{ service: 'worker', env: { FOO: 'bar', BAZ: '9' } }] },
};

paradigm('field lists: name, image, port, memory, cpu, replicas, command, env in any order', rows, GAPS);
