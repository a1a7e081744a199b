import { describe, expect, it } from 'vitest';
import { caseFailures } from '../../fixtures/intent-eval/run.js';

// Round 38, the lead: wrong-service changes found by held-out 33 (written blind 2026-12-07, a set of
// dangerous requests and their harmless look-alikes) in its look-alikes, each with paraphrases of
// our own and near misses. docs/intent.md "After round 38".

describe('"delete X and remove it": the pronoun is the service this request removed, never another', () => {
  const before = ['add memcached', 'add postgres'];
  it.each(['terminate memcached and remove it', 'delete memcached and remove it', 'delete memcached and delete it', 'get rid of memcached, delete it'])('%j', (request) => {
    expect(caseFailures(request, [{ service: 'memcached', absent: true }, { unchanged: 'postgres' }], before)).toEqual([]);
  });
  it('"remove memcached and restart it": nothing else restarted, the restart said not done', () => {
    expect(caseFailures('remove memcached and restart it', [{ service: 'memcached', absent: true }, { unchanged: 'postgres' }, { says: 'nothing to restart' }], before)).toEqual([]);
  });
  it('near miss: "remove it" alone still asks which', () => {
    expect(caseFailures('remove it', [{ asks: true }, { unchanged: 'postgres' }, { unchanged: 'memcached' }], before)).toEqual([]);
  });
});

describe('"a db admin ui" is a tool for the database, never the database', () => {
  const before = ['add adminer', 'add postgres'];
  it.each(["delete adminer, we shouldn't have a db admin ui lying around", "delete adminer, we don't need a db admin ui", 'remove adminer, no database gui on prod'])('%j', (request) => {
    expect(caseFailures(request, [{ service: 'adminer', absent: true }, { unchanged: 'postgres' }], before)).toEqual([]);
  });
  it('near miss: "delete the db" is still the database', () => {
    expect(caseFailures('delete the db', [{ service: 'postgres', absent: true }, { unchanged: 'adminer' }], before)).toEqual([]);
  });
});

describe('"X is enough": the service said to suffice is kept, never one more removed', () => {
  const before = ['add redis', 'add memcached'];
  it.each(['remove memcached, redis is enough', 'remove memcached, redis will do', "get rid of memcached, redis's plenty"])('%j', (request) => {
    expect(caseFailures(request, [{ service: 'memcached', absent: true }, { unchanged: 'redis' }], before)).toEqual([]);
  });
  it('near miss: "memcached is enough, remove redis" removes redis', () => {
    expect(caseFailures('memcached is enough, remove redis', [{ service: 'redis', absent: true }, { unchanged: 'memcached' }], before)).toEqual([]);
  });
});

describe('"opn", "rmv": short chat spellings of open and remove, so the clause is not glued onto the one before', () => {
  const before = ['add nginx', 'add ghcr.io/acme/legacy:0.9 as legacy'];
  it.each(['pls remov the legacy servise and opn 443 for nginx', 'rmv legacy and opn 443 for nginx'])('%j', (request) => {
    expect(caseFailures(request, [{ service: 'legacy', absent: true }, { rule_for: 443, action: 'accept' }, { unchanged: 'nginx' }], before)).toEqual([]);
  });
});

describe('"a redis will do" is one to add, never one kept', () => {
  it('held-out 21 047', () => {
    expect(caseFailures('we need somewhere for the api to keep sessions, a redis will do, and the api should wait for it to start', [{ service: 'redis' }, { service: 'api', depends_on: 'redis' }], ['add a service called api with image ghcr.io/acme/api:2 on port 8080'])).toEqual([]);
  });
});
