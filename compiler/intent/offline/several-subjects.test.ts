import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runOfflineEngine } from './engine.js';
import type { ConversationTurn, StateFiles } from '../provider.js';

// Round 20, my own wording: several subjects or values in one clause. One rule splits the
// list (of services, variables, domains, volumes) and applies the same change to each.
const NOW = new Date('2026-05-01T10:00:00Z');
const say = (message: string, files: StateFiles = {}, history: ConversationTurn[] = []) => runOfflineEngine({ message, files, history, secretNames: [], imageCatalog: {}, now: NOW });
const after = (...requests: string[]): StateFiles => requests.reduce<StateFiles>((files, r) => ({ ...files, ...say(r, files).files }), {});
type Svc = { name: string; state?: string; replicas?: number; resources?: { memory?: string; cpus?: number | string }; environment?: Record<string, string> };
const services = (files: StateFiles) => (parse(files['services.yaml'] ?? 'spec: {services: []}') as { spec: { services: Svc[] } }).spec.services;
const svc = (files: StateFiles, name: string) => services(files).find((s) => s.name === name);
const certs = (files: StateFiles) => ((parse(files['security.yaml'] ?? 'spec: {}') as { spec: { certificates?: { domain?: string; domains?: string[] }[] } }).spec.certificates ?? []).flatMap((c) => c.domains ?? (c.domain ? [c.domain] : []));
const vols = (files: StateFiles) => (parse(files['storage.yaml'] ?? 'spec: {}') as { spec: { volumes?: { name: string; path?: string; source?: string }[] } }).spec.volumes ?? [];

const base = after('add a service called api using image ghcr.io/acme/api:1 on port 8080', 'add a service called worker using image ghcr.io/acme/worker:1', 'add redis');
const turn = (...pairs: [string, string][]): ConversationTurn[] => pairs.flatMap(([u, a]) => [{ role: 'user', text: u } as ConversationTurn, { role: 'assistant', text: a } as ConversationTurn]);

describe('one change to a list of services', () => {
  it.each([
    ['both the worker and the api need 1 gig of memory', '1Gi'],
    ['give api and worker 512mb of ram each', '512Mi'],
    ['API and Worker: 2 gigs memory pls', '2Gi'],
    ['could you give the api as well as the worker two gigs of ram?', '2Gi'],
    ['limit the api & the worker to 768MB', '768Mi'],
    ['set memory of api, worker to 1g', '1Gi'],
  ])('%s', (message, memory) => {
    const out = { ...base, ...say(message, base).files };
    expect([svc(out, 'api')?.resources?.memory, svc(out, 'worker')?.resources?.memory]).toEqual([memory, memory]);
    expect(svc(out, 'redis')).toEqual(svc(base, 'redis'));
  });

  it.each([
    ['could you remove the api and worker containers please', ['redis']],
    ['deleet the worker and the api services', ['redis']],
    ['take both worker and api away', ['redis']],
  ])('%s', (message, left) => {
    expect(services({ ...base, ...say(message, base).files }).map((s) => s.name)).toEqual(left);
  });

  it('inside a conversation turn, after other talk', () => {
    const history = turn(['add redis', 'Proposed changes:\n  + redis']);
    const out = { ...base, ...say('ok now, the worker and the api should both run 2 replicas', base, history).files };
    expect([svc(out, 'api')?.replicas, svc(out, 'worker')?.replicas]).toEqual([2, 2]);
  });
});

describe('several variables in one clause', () => {
  it.each([
    ['worker needs LOG_LEVEL debug and QUEUE_NAME jobs in its environment', 'worker', { LOG_LEVEL: 'debug', QUEUE_NAME: 'jobs' }],
    ['env for api: NODE_ENV production, PORT 8080', 'api', { NODE_ENV: 'production', PORT: '8080' }],
    ['give the api the env vars REGION eu-west-1 and TIER gold', 'api', { REGION: 'eu-west-1', TIER: 'gold' }],
    ['set env LANG=C.UTF-8 and TZ=UTC on worker', 'worker', { LANG: 'C.UTF-8', TZ: 'UTC' }],
    ['add env var ALLOWED_HOSTS=a.example.com,b.example.com to api', 'api', { ALLOWED_HOSTS: 'a.example.com,b.example.com' }],
    ['api: environment FLAGS=x,y,z', 'api', { FLAGS: 'x,y,z' }],
    ['api env A_B=1,C_D=2', 'api', { A_B: '1', C_D: '2' }],
  ])('%s', (message, name, env) => {
    const out = { ...base, ...say(message, base).files };
    expect(svc(out, name)?.environment).toEqual(env);
  });
});

describe('several certificate domains', () => {
  it.each([
    ['tls certs for shop.acme.io and www.shop.acme.io', ['shop.acme.io', 'www.shop.acme.io']],
    ["i'd like https on one.example.org, two.example.org & three.example.org", ['one.example.org', 'two.example.org', 'three.example.org']],
    ['Lets Encrypt certificate: acme.dev + www.acme.dev', ['acme.dev', 'www.acme.dev']],
    ['certs for x.example.net and also y.example.net pls', ['x.example.net', 'y.example.net']],
  ])('%s', (message, domains) => {
    expect(certs(say(message).files).sort()).toEqual([...domains].sort());
  });

  it.each(['add beta.acme.io to the certificates as well', 'also put beta.acme.io on the cert list', 'the certs should cover beta.acme.io too'])('%s keeps the domain there and adds it', (message) => {
    const files = after('get a lets encrypt certificate for acme.io');
    expect(certs({ ...files, ...say(message, files).files }).sort()).toEqual(['acme.io', 'beta.acme.io']);
  });
});

describe('several volumes in one clause', () => {
  it.each([
    ['create volumes music (/srv/music) and films (/srv/films)', [['music', '/srv/music'], ['films', '/srv/films']]],
    ['make two volumes: logs at /var/log/app and cache at /srv/cache', [['logs', '/var/log/app'], ['cache', '/srv/cache']]],
    ['volume for the wiki files: name wiki-data, path /srv/wiki', [['wiki-data', '/srv/wiki']]],
    ['new volume, name=media path=/srv/media', [['media', '/srv/media']]],
  ])('%s', (message, want) => {
    const got = vols(say(message).files).map((v) => [v.name, v.path ?? v.source]);
    expect(got).toEqual(want);
  });
});

describe('removed for good', () => {
  it.each(['take down redis permanently', 'shut redis down for good', 'take redis away', 'Stop redis forever pls'])('%s removes it', (message) => {
    expect(services({ ...base, ...say(message, base).files }).map((s) => s.name)).toEqual(['api', 'worker']);
  });
  it('take down redis (no more) only stops it', () => {
    expect(svc({ ...base, ...say('take down redis', base).files }, 'redis')?.state).toBe('stopped');
  });
});
