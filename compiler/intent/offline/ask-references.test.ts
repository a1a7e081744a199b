import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runOfflineEngine } from './engine.js';
import type { ConversationTurn, Proposal, StateFiles } from '../provider.js';

// Round 19, in my own words: what "it", "him", "the port" refer to. Each earlier `claude`
// command is a conversation of its own: what it made is the state, not what is under
// discussion. With several candidates and nothing in the request or the conversation picking
// one, the engine asks, naming them, and changes nothing. A vague request ("make it faster",
// "like last time") or one missing its value ("i need a cert", "add a database") asks too.

const NOW = new Date('2026-05-01T10:00:00Z');

/** Earlier commands, each its own conversation (as `claude "…"` runs them); returns the files. */
function commands(steps: string[]): StateFiles {
  let files: StateFiles = {};
  for (const message of steps) files = { ...files, ...runOfflineEngine({ message, files, history: [], secretNames: [], imageCatalog: {}, now: NOW }).files };
  return files;
}
/** One conversation on top of `files`: each turn sees the turns before it. */
function talk(files0: StateFiles, turns: string[]): { last: Proposal; files: StateFiles } {
  let files = files0;
  const history: ConversationTurn[] = [];
  let last: Proposal | undefined;
  for (const message of turns) {
    last = runOfflineEngine({ message, files, history: [...history], secretNames: [], imageCatalog: {}, now: NOW });
    files = { ...files, ...last.files };
    history.push({ role: 'user', text: message }, { role: 'assistant', text: last.explanation });
  }
  return { last: last!, files };
}
const say = (files: StateFiles, message: string) => runOfflineEngine({ message, files, history: [], secretNames: [], imageCatalog: {}, now: NOW });
const svc = (files: StateFiles, name: string) => ((parse(files['services.yaml'] ?? '{}') as any)?.spec?.services ?? []).find((s: { name: string }) => s.name === name);
const asksNaming = (p: Proposal, ...names: string[]) => {
  expect(p.refused, p.explanation).toBeUndefined();
  expect(p.files, p.explanation).toEqual({});
  expect(p.questions?.length, p.explanation).toBeGreaterThan(0);
  for (const n of names) expect(p.questions!.join(' '), p.explanation).toContain(n);
};

describe('a reference with several services and none under discussion asks which, naming them', () => {
  const state = commands(['add nginx on port 80', 'deploy ghcr.io/acme/shop:2 as shop on port 8080']);
  it.each(['restart it', 'change its port to 9090', 'give it 512mb', 'move it to 8443', 'stop that one', 'scale it to 3', 'change the port to 9002', 'double its memory', 'set the memory limit to 1g'])('%s', (message) => {
    asksNaming(say(state, message), 'nginx', 'shop');
  });
  it('back it up every night, with two services that hold data', () => {
    asksNaming(say(commands(['add postgres', 'add redis']), 'back it up every night'), 'postgres', 'redis');
  });
  it('in one conversation, the service the turn before added is under discussion', () => {
    const { last, files } = talk(state, ['add redis', 'give it 512mb']);
    expect(last.questions ?? [], last.explanation).toEqual([]);
    expect(svc(files, 'redis').resources.memory).toMatch(/^512Mi?$/);
    expect(svc(files, 'nginx').resources?.memory).not.toMatch(/^512/);
  });
  it('the answer to the question completes the request', () => {
    const { last, files } = talk(state, ['move it to 8443', 'shop']);
    expect(last.explanation).toContain('shop');
    expect(svc(files, 'shop').ports[0].host).toBe(8443);
    expect(svc(files, 'nginx').ports[0].host).toBe(80);
  });
  it('with one service there is nothing to ask', () => {
    const p = say(commands(['add redis']), 'restart it');
    expect(p.questions ?? [], p.explanation).toEqual([]);
    expect(Object.keys(p.files)).toEqual(['services.yaml']);
  });
  it('"memcached: 128M" names the service that runs memcached, whatever it is called', () => {
    const p = say(commands(['add memcached called memo, internal only', 'add redis']), 'memcached: 128M memory please');
    expect(svc(p.files, 'memo').resources.memory).toBe('128M');
  });
});

describe('"him", "her" with several users and none in the conversation asks which', () => {
  const state = commands(['add user alice', 'add user bob']);
  it.each(['give him sudo', 'give her sudo', 'remove him', 'delete her', 'make him an admin', 'let them use sudo', 'she should have sudo', 'he needs admin rights'])('%s', (message) => {
    asksNaming(say(state, message), 'alice', 'bob');
  });
  it('in one conversation, "remove him" is the user the turn before named', () => {
    const { files } = talk(state, ['add user carol', 'actually remove him']);
    const users = ((parse(files['security.yaml']!) as any).spec.users as { name: string }[]).map((u) => u.name);
    expect(users).toEqual(['alice', 'bob']);
  });
});

describe('a vague request asks what is meant instead of guessing or "I did not understand"', () => {
  const state = commands(['add nginx on port 80', 'deploy ghcr.io/acme/shop:2 as shop on port 8080']);
  it.each(['make it faster', 'speed things up', 'the site is way too slow', 'bump the memory', 'scale it up', 'give it more cpu', 'beef it up', 'can we boost the ram'])('%s', (message) => {
    const p = say(state, message);
    asksNaming(p, 'nginx', 'shop');
    expect(p.understood).toBe(false);
  });
  it.each(['set it up like last time', 'install the usual stuff', 'same as before please', 'do the usual', 'my standard setup please', 'set this box up like the old server'])('%s', (message) => {
    const p = say({}, message);
    asksNaming(p, 'Which services');
    expect(p.understood).toBe(false);
  });
});

describe('a request missing its value asks for it', () => {
  it.each(['i need a cert', 'set up https', 'get me an ssl certificate', 'enable tls please', 'a certificate pls'])('%s: which domain', (message) => {
    asksNaming(say(commands(['add nginx']), message), 'domain');
  });
  it.each(['add a database', 'i need a db', 'set up a database server', 'spin up a new database', 'create a database for my app', 'we need a sql database'])('%s: which database', (message) => {
    asksNaming(say({}, message), 'postgres', 'mariadb', 'mysql');
  });
  it('"open port 443 for https" is a firewall rule, not a certificate', () => {
    const p = say(commands(['add nginx']), 'open port 443 for https');
    expect(p.questions ?? []).toEqual([]);
    expect(Object.keys(p.files)).toEqual(['network.yaml']);
  });
  it('the answers complete them', () => {
    expect(talk({}, ['add a database', 'mariadb']).files['services.yaml']).toContain('mariadb');
    expect(talk(commands(['add nginx']), ['i need a cert', 'shop.example.com']).files['security.yaml']).toContain('shop.example.com');
  });
  it('a database named with its product, or brought by an app, is added as before', () => {
    expect(svc(say({}, 'add a postgres database').files, 'postgres')).toBeDefined();
    expect(say({}, 'wordpress with a database').questions ?? []).toEqual([]);
  });
});
