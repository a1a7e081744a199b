/**
 * Round 30, mechanism 2 (INTENT): the object of a verb decides what changes. A setting (image,
 * tag, command, quota, limit, replicas, connections, port) as the object changes that setting and
 * never removes the service; a service as the object of a removal verb ("can go", "get rid of",
 * "wipe out", "blow away", "drop", "kill", "ditch", "scrap", "take down for good") removes only
 * that service; an image or a tag said for a service that exists changes its image; a stop said
 * with a while ("for a bit", "temporarily", "for now") is a stop; a change with nothing to change
 * to asks.
 *
 * Written from English before the engine was run on it (other services, words and orders than
 * held-out 23's and para-22's). First run on main (5325d0a, 20:00 UTC, load ~11 on 2 cores): 17/32.
 */
import { paradigm, type ParadigmRow } from './offline/testutil/paradigm.js';

const STACK = ['add a service called api using image ghcr.io/acme/api:1.4 on port 8080', 'add a service called worker using image ghcr.io/acme/worker:2', 'add postgres', 'add redis'];
const WITH_MEM = [...STACK, 'add memcached'];
/** Review 23's vo2.txt machine, in this table's words: nginx and an app beside the stack, the worker at 3 replicas. */
const VO2 = [...STACK, 'add nginx on port 80', 'add a service called app from image ghcr.io/acme/app:1.4', 'scale the worker to 3'];

/** Rows still failing (each asserted to fail; a fix takes its id off). */
const GAPS: string[] = ['command-with-backticks-new', 'command-set-it-to'];

const rows: Record<string, ParadigmRow> = {
  // A service as the object of a removal verb: that service goes, nothing else.
  'can-go': { before: WITH_MEM, request: 'memcached can go', expect: [{ service: 'memcached', absent: true }, { unchanged: 'redis' }] },
  'switched-can-go': { before: WITH_MEM, request: "we switched to redis, memcached can go now", expect: [{ service: 'memcached', absent: true }, { unchanged: 'redis' }] },
  'ditch': { before: WITH_MEM, request: 'ditch memcached', expect: [{ service: 'memcached', absent: true }, { unchanged: 'redis' }] },
  'scrap-the-service': { before: STACK, request: 'scrap the worker service, nobody uses it', expect: [{ service: 'worker', absent: true }, { unchanged: 'api' }] },
  'wipe-out': { before: STACK, request: 'wipe out the worker, it was a trial', expect: [{ service: 'worker', absent: true }, { unchanged: 'api' }] },
  'blow-away': { before: WITH_MEM, request: 'blow away memcached please', expect: [{ service: 'memcached', absent: true }, { unchanged: 'postgres' }] },
  'get-rid-container': { before: WITH_MEM, request: 'get rid of the memcached container', expect: [{ service: 'memcached', absent: true }, { unchanged: 'redis' }] },
  'nuke-app': { before: STACK, request: 'nuke the worker app, done with it', expect: [{ service: 'worker', absent: true }, { unchanged: 'api' }] },
  'take-off-server': { before: WITH_MEM, request: 'could you take memcached off the server entirely? we stopped using it', expect: [{ service: 'memcached', absent: true }] },
  'no-longer-needed': { before: WITH_MEM, request: 'memcached is no longer needed, remove it', expect: [{ service: 'memcached', absent: true }, { unchanged: 'redis' }] },
  // A setting as the object of a removal verb: the setting goes, the service stays.
  'remove-memory-limit': { before: [...STACK, 'give the worker 512m of memory'], request: 'remove the memory cap on the worker', expect: [{ service: 'worker', memory_absent: true }] },
  'drop-quota': { before: STACK, request: 'drop the disk quota on the worker', expect: [{ service: 'worker' }] },
  'kill-connections': { before: STACK, request: 'kill every connection to redis', expect: [{ service: 'redis' }] },
  'all-replicas-but-two': { before: [...STACK, 'scale the worker to 5'], request: 'remove every replica of the worker except two', expect: [{ service: 'worker', replicas: 2 }] },
  'drop-command': { before: [...STACK, 'run the worker with the command `python jobs.py`'], request: "drop the worker's custom command", expect: [{ service: 'worker', command_absent: true }] },
  'remove-port': { before: STACK, request: "remove the api's published port, keep the service", expect: [{ service: 'api', no_ports: true }] },
  'remove-env': { before: [...STACK, 'set DEBUG=1 on the api'], request: 'get rid of the DEBUG variable on the api', expect: [{ service: 'api', env_absent: 'DEBUG' }] },
  // Review 23 HIGH-1: the head of the object decides, not a word list: a tag, an image, the replicas, the labels,
  // the network or a setting as the object never removes the service ("the tag from nginx", "worker's replicas");
  // replicas go back to one, a setting the readers do not know is said as not done.
  'vo2-tag-from': { before: VO2, request: 'remove the tag from nginx', expect: [{ service: 'nginx' }, { unchanged: 'api' }] },
  'vo2-image-tag-on': { before: VO2, request: 'delete the image tag on redis', expect: [{ service: 'redis' }] },
  'vo2-possessive-replicas': { before: VO2, request: "drop worker's replicas", expect: [{ service: 'worker', replicas: 1 }] },
  'vo2-replicas-setting-from': { before: VO2, request: 'remove the replicas setting from worker', expect: [{ service: 'worker', replicas: 1 }] },
  'vo2-possessive-image': { before: VO2, request: "remove app's image", expect: [{ service: 'app' }] },
  'vo2-network-from': { before: VO2, request: 'drop the network from app', expect: [{ service: 'app' }] },
  'vo2-labels-from': { before: VO2, request: 'remove the labels from app', expect: [{ service: 'app' }] },
  'vo2-max-connections-setting': { before: VO2, request: 'remove the max connections setting from postgres', expect: [{ service: 'postgres' }] },
  'vo2-version-pin-on': { before: VO2, request: 'remove the version pin on redis', expect: [{ service: 'redis' }] },
  'vo2-scaling-on': { before: VO2, request: 'drop the scaling on worker', expect: [{ service: 'worker', replicas: 1 }] },
  'vo2-extra-replicas-of': { before: VO2, request: 'remove the extra replicas of worker', expect: [{ service: 'worker', replicas: 1 }] },
  'vo-replicas-on': { before: VO2, request: 'drop the replicas on worker', expect: [{ service: 'worker', replicas: 1 }] },
  // An image or a tag said for a service that exists changes its image.
  'deploy-image-for': { before: STACK, request: 'deploy ghcr.io/acme/worker:3 for the worker', expect: [{ service: 'worker', image: 'ghcr.io/acme/worker:3' }, { unchanged: 'api' }] },
  'roll-out-image-to': { before: STACK, request: 'roll out ghcr.io/acme/api:1.9 to the api', expect: [{ service: 'api', image: 'ghcr.io/acme/api:1.9' }] },
  'image-is-now': { before: STACK, request: "the worker's image is now ghcr.io/acme/worker:2.1", expect: [{ service: 'worker', image: 'ghcr.io/acme/worker:2.1' }] },
  'pin-tag': { before: STACK, request: 'pin redis to the 7.2-alpine tag', expect: [{ service: 'redis', image: 'redis:7.2-alpine' }] },
  'tag-put-on': { before: STACK, request: 'put the worker on tag 2.5', expect: [{ service: 'worker', image: 'ghcr.io/acme/worker:2.5' }] },
  'tag-use-for': { before: STACK, request: 'use tag 1.7 for the api', expect: [{ service: 'api', image: 'ghcr.io/acme/api:1.7' }] },
  'change-image-none': { before: STACK, request: 'update the image', expect: [{ asks: true }, { unchanged: 'api' }, { unchanged: 'worker' }] },
  'swap-image-none': { before: STACK, request: 'swap the image please', expect: [{ asks: true }, { unchanged: 'api' }] },
  // A container's command is the container's, never a host command.
  'command-with-backticks-new': { request: 'run a busybox called ticker with command `sleep 3600`', expect: [{ service: 'ticker', command_has: 'sleep 3600' }] },
  'command-set-it-to': { before: STACK, request: 'I want the worker to run something else. Set it to `python worker.py --fast`.', expect: [{ service: 'worker', command_has: 'worker.py --fast' }] },
  'command-colon-sentence': { request: 'start a container named cron using alpine:3.20, command: crond -f, no ports', expect: [{ service: 'cron', image: 'alpine:3.20', command_has: 'crond -f' }] },
  // A stop with a while is a stop, never a removal or a restart.
  'stop-for-a-bit': { before: STACK, request: 'stop the worker for a bit, we will turn it on again', expect: [{ service: 'worker', state: 'stopped' }] },
  'stop-temporarily': { before: STACK, request: 'temporarily stop redis', expect: [{ service: 'redis', state: 'stopped' }] },
  'pause-for-now': { before: STACK, request: 'pause the api for now, it comes back monday', expect: [{ service: 'api', state: 'stopped' }] },
  'stop-while-deploy': { before: STACK, request: 'plz stop teh worker for some time, will start it latr', expect: [{ service: 'worker', state: 'stopped' }] },
};

paradigm('the object of a verb decides what changes: a setting changes, a service goes, an image changes', rows, GAPS);
