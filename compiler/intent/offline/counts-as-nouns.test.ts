import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runOfflineEngine } from './engine.js';
import type { ConversationTurn, StateFiles } from '../provider.js';

// Round 21, my own wording (issue 22, held-out 14's class "counts and scaling said as nouns"):
// a count said of a service as a noun is its replicas ("run 5 workers", "3 consumers pls",
// "5 x worker", "bump the workers to 6"); "2 more workers" is relative to the count it has.
// The plural of a service's name names it ("restart the workers"). A number of anything else
// said beside the name is not a count of it.
const NOW = new Date('2026-05-01T10:00:00Z');
const say = (message: string, files: StateFiles = {}, history: ConversationTurn[] = []) => runOfflineEngine({ message, files, history, secretNames: [], imageCatalog: {}, now: NOW });
const after = (...requests: string[]): StateFiles => requests.reduce<StateFiles>((files, r) => ({ ...files, ...say(r, files).files }), {});
interface Svc { name: string; replicas?: number; resources?: { memory?: string }; ports?: unknown[] }
const svcs = (files: StateFiles): Svc[] => (parse(files['services.yaml'] ?? 'spec: {services: []}') as { spec: { services: Svc[] } }).spec.services;
const svc = (files: StateFiles, name: string) => svcs(files).find((s) => s.name === name);

describe('a count said of a service as a noun', () => {
  const base = after('deploy acme/worker:3.1 as worker', 'add redis', 'add a service called api using image ghcr.io/acme/api:2 on port 3000');
  it.each([
    ['run 5 workers', 'worker', 5],
    ['3 workers pls', 'worker', 3],
    ['Run Ten Workers', 'worker', 10],
    ['make it 3 workers', 'worker', 3],
    ['bump the workers to 6', 'worker', 6],
    ['5 x worker', 'worker', 5],
    ['worker x 2', 'worker', 2],
    ['i need four of the api', 'api', 4],
    ['we should run two apis from now on', 'api', 2],
    ['add 512mb to redis and run 4 workers', 'worker', 4],
    ['scale the workers out to 7', 'worker', 7],
  ])('%s', (message, name, n) => {
    const r = say(message, base);
    expect(r.refused).toBeUndefined();
    const files = { ...base, ...r.files };
    expect(svc(files, name)?.replicas, r.explanation).toBe(n);
    for (const other of ['worker', 'redis', 'api'].filter((x) => x !== name)) expect(svc(files, other)?.replicas).toBeUndefined();
  });

  it('"2 more workers" is relative to the count there', () => {
    const files = after('deploy acme/worker:3.1 as worker', 'run 3 workers');
    expect(svc({ ...files, ...say('i need 2 more workers', files).files }, 'worker')?.replicas).toBe(5);
    expect(svc({ ...files, ...say('one fewer worker', files).files }, 'worker')?.replicas).toBe(2);
  });

  it('"scale it out to 3" and "3 consumers pls" in a conversation are the service under discussion', () => {
    const turns = ['spin up rabbitmq', 'add a consumer from ghcr.io/acme/consumer:1.2 called consumer'];
    let files: StateFiles = {};
    const history: ConversationTurn[] = [];
    for (const t of turns) {
      const r = say(t, files, history);
      files = { ...files, ...r.files };
      history.push({ role: 'user', text: t }, { role: 'assistant', text: r.explanation });
    }
    expect(svc({ ...files, ...say('3 consumers pls', files, history).files }, 'consumer')?.replicas).toBe(3);
    expect(svc({ ...files, ...say('scale it out to 3', files, history).files }, 'consumer')?.replicas).toBe(3);
  });

  it('the plural of a name names the service', () => {
    const r = say('restart the workers', base);
    expect(r.explanation).toMatch(/~ worker: restart/);
  });

  it('a number of something else beside the name is not a count of it', () => {
    for (const message of ['give worker 2 gigs', 'workers get 2 cores', 'put the api on 8081']) {
      const files = { ...base, ...say(message, base).files };
      expect(svcs(files).every((s) => s.replicas === undefined), message).toBe(true);
    }
  });
});

// From the review of round 21: a count of another service's processes is not the worker
// service's replicas ("give the api 4 workers" is gunicorn's workers, in the api).
describe('a count said of something another service has', () => {
  const base = after('deploy acme/worker:3.1 as worker', 'add a service called api using image ghcr.io/acme/api:2 on port 3000');
  it.each(['give the api 4 workers', 'the api should use 4 workers', 'api needs 8 workers'])('%s leaves the worker service alone', (message) => {
    const files = { ...base, ...say(message, base).files };
    expect(svc(files, 'worker')?.replicas ?? 1).toBe(1);
  });
});
