import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runOfflineEngine } from './engine.js';
import type { ConversationTurn, StateFiles } from '../provider.js';

// Round 20, my own wording: which service waits for which (services.yaml depends_on).
const NOW = new Date('2026-05-01T10:00:00Z');
const say = (message: string, files: StateFiles = {}, history: ConversationTurn[] = []) => runOfflineEngine({ message, files, history, secretNames: [], imageCatalog: {}, now: NOW });
const after = (...requests: string[]): StateFiles => requests.reduce<StateFiles>((files, r) => ({ ...files, ...say(r, files).files }), {});
type Svc = { name: string; image: string; depends_on?: string[] };
const services = (files: StateFiles) => (parse(files['services.yaml'] ?? 'spec: {services: []}') as { spec: { services: Svc[] } }).spec.services;
const deps = (files: StateFiles, name: string) => services(files).find((s) => s.name === name)?.depends_on;
/** A conversation: each turn on the files and history of the ones before; returns the files after the last. */
function talk(...turns: string[]): { files: StateFiles; last: ReturnType<typeof say> } {
  let files: StateFiles = {};
  const history: ConversationTurn[] = [];
  let last = say('', files);
  for (const t of turns) {
    last = say(t, files, [...history]);
    files = { ...files, ...last.files };
    history.push({ role: 'user', text: t }, { role: 'assistant', text: last.explanation });
  }
  return { files, last };
}

const base = after('add a service called api using image ghcr.io/acme/api:1 on port 8080', 'add a service called worker using image ghcr.io/acme/worker:1', 'add redis', 'add postgres');

describe('one service waits for another', () => {
  it.each([
    ['make the worker depend on postgres', 'worker', ['postgres']],
    ['api depends on redis', 'api', ['redis']],
    ['the api should wait for postgres to be healthy before it starts', 'api', ['postgres']],
    ['worker has to wait for redis and postgres', 'worker', ['redis', 'postgres']],
    ['Start API only after Postgres is up', 'api', ['postgres']],
    ['pls make worker dependant on redis', 'worker', ['redis']],
    ['the worker needs redis up first', 'worker', ['redis']],
    ['both the api and the worker should wait on postgres', 'worker', ['postgres']],
  ])('%s', (message, name, want) => {
    const r = say(message, base);
    const out = { ...base, ...r.files };
    expect(deps(out, name)).toEqual(want);
    // Nothing else changed: the service waited for is as it was.
    for (const w of want) expect(services(out).find((s) => s.name === w)).toEqual(services(base).find((s) => s.name === w));
  });

  it('a list of subjects gets the same dependency', () => {
    const out = { ...base, ...say('both the api and the worker should wait on postgres', base).files };
    expect([deps(out, 'api'), deps(out, 'worker')]).toEqual([['postgres'], ['postgres']]);
  });

  it('"it" is the service just added in the same request', () => {
    const out = { ...base, ...say('deploy ghcr.io/acme/mailer:2 named mailer and have it wait for redis', base).files };
    expect(deps(out, 'mailer')).toEqual(['redis']);
  });

  it('"it" is the service added in the clause before (a conversation turn)', () => {
    const { files } = talk('run ghcr.io/acme/api:1 as api on port 8080', 'also add redis and make the api wait for it');
    expect(deps(files, 'api')).toEqual(['redis']);
  });

  it.each([
    ['deploy ghcr.io/acme/shop:3 as shop on port 8081, with a mariadb it depends on', 'shop', 'mariadb'],
    ['run ghcr.io/acme/board:2 named board, plus a memcached that it waits for', 'board', 'memcached'],
  ])('%s: the service waited for is said first, and added', (message, name, dep) => {
    const out = say(message).files;
    expect(deps(out, name)).toEqual([dep]);
    expect(services(out).map((s) => s.name)).toContain(dep);
  });

  it('no longer waiting removes the dependency', () => {
    const files = { ...base, ...say('make the api depend on redis and postgres', base).files };
    expect(deps(files, 'api')).toEqual(['redis', 'postgres']);
    const out = { ...files, ...say("the api shouldn't wait for redis anymore", files).files };
    expect(deps(out, 'api')).toEqual(['postgres']);
  });

  it('a dependency on a service that does not exist changes nothing and says so', () => {
    const files = after('add a service called api using image ghcr.io/acme/api:1 on port 8080');
    const r = say('make api depend on mongo-main', files);
    expect(r.files).toEqual({});
    expect(r.explanation).toMatch(/no service mongo-main/i);
  });

  it('a cycle is refused with the reason', () => {
    const files = { ...base, ...say('make the api depend on the worker', base).files };
    const r = say('the worker should wait for the api', files);
    expect(deps({ ...files, ...r.files }, 'worker')).toBeUndefined();
    expect([r.explanation, ...(r.questions ?? [])].join('\n')).toMatch(/cycle.*api already waits for worker/i);
  });
});

describe('asked, not ordered', () => {
  it.each(['what does the api depend on?', 'what is api waiting for', 'which services does the api need?'])('%s answers and changes nothing', (message) => {
    const files = { ...base, ...say('make the api depend on redis and postgres', base).files };
    const r = say(message, files);
    expect(r.files).toEqual({});
    expect(r.explanation).toMatch(/redis/);
    expect(r.explanation).toMatch(/postgres/);
  });
  it('says when it depends on nothing', () => {
    const r = say('does the worker depend on anything?', base);
    expect(r.files).toEqual({});
    expect(r.explanation).toMatch(/worker.*(nothing|no other service)/i);
  });
});
