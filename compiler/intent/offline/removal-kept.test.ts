import { describe, it } from 'vitest';
import { passes } from '../../../test/offline-engine.js';

// Round 23, my own wording (the class of held-out 16's removal and env misses, never its
// sentences): a verb that can stop or remove ("take down", "kill", "shut down") removes when the
// request says what is kept or that the service is not needed any more, and stops otherwise; the
// service kept is never touched. A variable for one service that points at another ("point the
// worker at redis with REDIS_URL=redis://redis:6379") is set on the one pointed, never on both.
const STACK = ['add postgres', 'add redis', 'add a service called api from image ghcr.io/acme/api:1.4 on port 3000', 'add a service called worker from image ghcr.io/acme/worker:2.0'];

describe('removed when what is kept, or no need, is said', () => {
  it.each([
    ['take down the cache and the worker, keep the db', ['redis', 'worker'], ['postgres', 'api']],
    ['bring down redis and the api, keep postgres', ['redis', 'api'], ['postgres', 'worker']],
    ['kill redis, we dont need it anymore', ['redis'], ['postgres', 'api', 'worker']],
    ['shut down the worker for good', ['worker'], ['postgres', 'redis', 'api']],
    ['take the api down permanently', ['api'], ['postgres', 'redis', 'worker']],
    ['Take down worker & api; keep postgres', ['worker', 'api'], ['postgres', 'redis']],
  ])('"%s"', (request, gone, kept) => passes(request, [...gone.map((s) => ({ service: s, absent: true })), ...kept.map((s) => ({ unchanged: s }))], STACK));
});

describe('stopped otherwise, and what is kept running is untouched', () => {
  it.each([
    ['take down redis', 'redis', ['postgres', 'api', 'worker']],
    ['shut down the worker but keep the api running', 'worker', ['postgres', 'redis', 'api']],
    ['kill the api for now, keep redis up', 'api', ['postgres', 'redis', 'worker']],
  ])('"%s"', (request, stopped, kept) => passes(request, [{ service: stopped, state: 'stopped' }, ...kept.map((s) => ({ unchanged: s }))], STACK));
});

describe('a variable for the service pointed at another', () => {
  it.each([
    ['point the worker at redis with REDIS_URL=redis://redis:6379/0', 'worker', 'REDIS_URL', 'redis://redis:6379/0', 'redis'],
    ['connect the api to postgres: DATABASE_URL=postgres://app@postgres:5432/app', 'api', 'DATABASE_URL', 'postgres://app@postgres:5432/app', 'postgres'],
    ['point the api at the cache, CACHE_URL=redis://redis:6379', 'api', 'CACHE_URL', 'redis://redis:6379', 'redis'],
  ])('"%s"', (request, svc, key, value, other) => passes(request, [{ service: svc, env: { [key]: value } }, { unchanged: other }], STACK));
});
