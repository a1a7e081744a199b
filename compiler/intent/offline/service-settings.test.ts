import { describe, expect, it } from 'vitest';
import { after, passes, say, svc } from '../../../test/offline-engine.js';

// Round 24, my own wording (the class of held-out 17's service misses, never its sentences): a
// variable's value with commas kept whole, labels, a service's own command said in words, and a
// named container network.
const API = ['run ghcr.io/acme/api:1.4 as api on port 8000'];

describe('a value with commas is one value', () => {
  it.each([
    ['set env var FLAGS_ON to alpha,beta on the api service', { FLAGS_ON: 'alpha,beta' }],
    ['set CORS_ORIGINS on api to https://a.io,https://b.io', { CORS_ORIGINS: 'https://a.io,https://b.io' }],
    ['api: the env var LANGS should be en,de,fr', { LANGS: 'en,de,fr' }],
    ['Set the api ALLOWED_HOSTS to a.example.com,b.example.com please', { ALLOWED_HOSTS: 'a.example.com,b.example.com' }],
    ['set FEATURES=a,b and LOG_LEVEL=debug on api', { FEATURES: 'a,b', LOG_LEVEL: 'debug' }],
    ['the api needs FLAGS set to "x, y"', { FLAGS: 'x, y' }],
  ])('"%s"', (request, env) => passes(request, [{ service: 'api', env }], API));

  it('inside a longer request, the clause after the value is its own', () =>
    passes('set MODULES_ON to search,billing on api and restart it', [{ service: 'api', env: { MODULES_ON: 'search,billing' } }, { service: 'api', label: 'restarted-at' }], API));
});

describe('labels', () => {
  it.each([
    ['label the api service with team=checkout', ['team']],
    ['tag api env=prod', ['env']],
    ['api should have the label owner=alice', ['owner']],
    ['put a label team=core on the api', ['team']],
    ['add the labels team=payments and tier=backend to api', ['team', 'tier']],
    ['Label api team=payments, tier=web', ['team', 'tier']],
    ['labels for api: team=a, tier=b & cost-center=42', ['team', 'tier', 'cost-center']],
    ['LABEL THE API WITH TEAM=OPS', ['TEAM']],
  ])('"%s"', (request, keys) => passes(request, keys.map((label) => ({ service: 'api', label })), API));

  it('"it" is the service this request added', () => {
    const s = svc(after('run nginxdemos/hello:0.4 as hello and tag it team=frontend'), 'hello');
    expect(s?.labels).toEqual({ team: 'frontend' });
  });
  it('a claude.os/ label is the runtime\'s own: never set', () => {
    const r = say('label the api with claude.os/managed=false', after(...API));
    expect(svc({ ...after(...API), ...r.files }, 'api')?.labels?.['claude.os/managed']).toBeUndefined();
  });
  it('labels of two services, one clause', () =>
    passes('label api and worker with team=core', [{ service: 'api', label: 'team' }, { service: 'worker', label: 'team' }], [...API, 'run ghcr.io/acme/worker:1.4 as worker']));
});

describe("a service's own command", () => {
  it.each([
    ['the api should run `gunicorn app:app -w 4` instead of its default command', 'gunicorn app:app -w 4'],
    ['set the command of api to `node server.js --port 8000`', 'node server.js --port 8000'],
    ['override the api\'s command with "python -m app serve"', 'python -m app serve'],
    ['api: run `bin/start --fast` as its command', 'bin/start --fast'],
    ['make api run "uvicorn main:app" instead of the image\'s default command', 'uvicorn main:app'],
  ])('"%s"', (request, command) => {
    const files = after(...API);
    const r = say(request, files);
    expect(r.refused).toBeUndefined();
    expect(svc({ ...files, ...r.files }, 'api')?.command).toBe(command);
  });
  it('said of the host, it is still refused', () => {
    expect(say('run `rm -rf /tmp/x` on the host instead of its default command', after(...API)).refused).toBeDefined();
  });
});

describe('a named network', () => {
  it.each([
    ['put the api on the backend network', 'backend'],
    ['attach api to network backend', 'backend'],
    ['api should join the internal network', 'internal'],
    ['connect the api to the frontend network', 'frontend'],
    ['Put api and worker on the jobs network', 'jobs'],
  ])('"%s"', (request, network) => passes(request, [{ service: 'api', network }], [...API, 'run ghcr.io/acme/worker:1.4 as worker']));
  it("the host's network is never this", () => {
    expect(say('put the api on the host network', after(...API)).refused).toBeDefined();
  });
});
