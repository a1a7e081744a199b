import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runOfflineEngine } from './engine.js';
import type { ConversationTurn, StateFiles } from '../provider.js';

// Round 21, my own wording (issue 22, held-out 14's class "a custom image in one sentence"):
// an image said with its name, environment, port, count and what it needs, in any order, is one
// service with all of them; "called myco/billing:0.9.1" is the image, not a name; "publish
// 8000" is the service's port; "…that needs it / it needs redis" waits for that service (added
// when it is a template); each value of an app list goes to its own service.
const NOW = new Date('2026-05-01T10:00:00Z');
const say = (message: string, files: StateFiles = {}, history: ConversationTurn[] = []) => runOfflineEngine({ message, files, history, secretNames: [], imageCatalog: {}, now: NOW });
interface Svc { name: string; image: string; replicas?: number; environment?: Record<string, string>; ports?: { host?: number; container: number }[]; depends_on?: string[]; resources?: { memory?: string } }
const svcs = (files: StateFiles): Svc[] => (parse(files['services.yaml'] ?? 'spec: {services: []}') as { spec: { services: Svc[] } }).spec.services;
const svc = (files: StateFiles, name: string) => svcs(files).find((s) => s.name === name);

describe('a custom image in one sentence', () => {
  it.each([
    ['run ghcr.io/x/y:2 called y with FOO=bar on 8080', 'y', 'ghcr.io/x/y:2', 8080, { FOO: 'bar' }],
    ['i have a docker image called myco/billing:0.9.1 - run it on 8080 and call it billing', 'billing', 'myco/billing:0.9.1', 8080, undefined],
    ['run ghcr.io/someone/dashboard:3 as dash, set PORT=8000 in its env and publish 8000', 'dash', 'ghcr.io/someone/dashboard:3', 8000, { PORT: '8000' }],
    ['Deploy registry.local:5000/team/app:1.4 Named Shop, LOG_LEVEL=debug, Port 9000', 'shop', 'registry.local:5000/team/app:1.4', 9000, { LOG_LEVEL: 'debug' }],
    ['pls start image acme/notify:2 as notifier and publish it on port 8025', 'notifier', 'acme/notify:2', 8025, undefined],
  ])('%s', (message, name, image, host, env) => {
    const r = say(message);
    expect(r.refused).toBeUndefined();
    const s = svc(r.files, name);
    expect(s, r.explanation).toBeDefined();
    expect(s!.image).toBe(image);
    expect(s!.ports?.map((p) => p.host)).toEqual([host]);
    if (env) expect(s!.environment).toMatchObject(env);
    expect(svcs(r.files)).toHaveLength(1);
  });

  it.each([
    ['redis + 3 replicas of acme/worker:3.1 named worker', 3, true],
    ['3 replicas of acme/worker:3.1 named worker', 3, false],
    ['run 3 copies of acme/worker:3.1, call it worker', 3, false],
    ['run acme/worker:3.1 as worker with four replicas', 4, false],
  ])('a count: %s', (message, n, redis) => {
    const r = say(message);
    expect(svc(r.files, 'worker')).toMatchObject({ image: 'acme/worker:3.1', replicas: n });
    expect(svc(r.files, 'redis') !== undefined).toBe(redis);
    expect(svc(r.files, 'acme')).toBeUndefined();
  });

  it('what it needs: a template named is added and waited for', () => {
    const r = say('run ghcr.io/acme/queue-worker:1.8 as queue-worker. it needs redis so start redis too');
    expect(svc(r.files, 'queue-worker')?.depends_on).toEqual(['redis']);
    expect(svc(r.files, 'redis')).toBeDefined();
  });

  it('"…called consumer that needs it" waits for the service of the turn before', () => {
    const first = say('spin up rabbitmq');
    const history: ConversationTurn[] = [{ role: 'user', text: 'spin up rabbitmq' }, { role: 'assistant', text: first.explanation }];
    const r = say('add a consumer from ghcr.io/acme/consumer:1.2 called consumer that needs it', first.files, history);
    expect(svc({ ...first.files, ...r.files }, 'consumer')).toMatchObject({ image: 'ghcr.io/acme/consumer:1.2', depends_on: ['rabbitmq'] });
  });

  it('"it needs more memory" is a setting, not a service', () => {
    const files = say('run ghcr.io/acme/queue-worker:1.8 as queue-worker').files;
    const history: ConversationTurn[] = [{ role: 'user', text: 'run ghcr.io/acme/queue-worker:1.8 as queue-worker' }, { role: 'assistant', text: '+ queue-worker' }];
    const r = say('it needs more memory, 1g', files, history);
    expect(svc({ ...files, ...r.files }, 'queue-worker')).toMatchObject({ resources: { memory: '1Gi' } });
    expect(svc({ ...files, ...r.files }, 'queue-worker')?.depends_on).toBeUndefined();
  });
});

describe('each value of an app list to its own service', () => {
  it.each([
    ['mariadb with 2 gigs, and redis with 512mb', { mariadb: '2Gi', redis: '512Mi' }],
    ['postgres w/ 1g, redis w/ 128mb pls', { postgres: '1Gi', redis: '128Mi' }],
    ['add redis with 1gb and postgres with 3 gigs', { redis: '1Gi', postgres: '3Gi' }],
  ])('%s', (message, memory) => {
    const r = say(message);
    for (const [name, m] of Object.entries(memory)) expect(svc(r.files, name)?.resources?.memory, `${name}: ${r.explanation}`).toBe(m);
  });
});

describe('what a service said before needs', () => {
  it.each(['the api needs a redis cache', 'it needs redis too', 'api requires postgres'])('%s', (message) => {
    const files = say('run ghcr.io/acme/api:1 as api on port 3000').files;
    const history: ConversationTurn[] = [{ role: 'user', text: 'run ghcr.io/acme/api:1 as api on port 3000' }, { role: 'assistant', text: '+ api' }];
    const r = say(message, files, history);
    const all = { ...files, ...r.files };
    const dep = /postgres/.test(message) ? 'postgres' : 'redis';
    expect(svc(all, dep), r.explanation).toBeDefined();
    expect(svc(all, 'api')).toMatchObject({ image: 'ghcr.io/acme/api:1', depends_on: [dep] });
  });
});
