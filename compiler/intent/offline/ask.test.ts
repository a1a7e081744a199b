import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runOfflineEngine } from './engine.js';
import { ASK_TAIL } from './ask.js';
import type { ConversationTurn, Proposal, StateFiles } from '../provider.js';

const NOW = new Date('2026-05-01T10:00:00Z');

/** A conversation as the REPL keeps it: each reply on top of the files the turns before made. */
function talk(turns: string[]): { last: Proposal; files: StateFiles; replies: Proposal[] } {
  let files: StateFiles = {};
  const history: ConversationTurn[] = [];
  const replies: Proposal[] = [];
  for (const message of turns) {
    const p = runOfflineEngine({ message, files, history: [...history], secretNames: [], imageCatalog: {}, now: NOW });
    files = { ...files, ...p.files };
    history.push({ role: 'user', text: message }, { role: 'assistant', text: p.explanation });
    replies.push(p);
  }
  return { last: replies[replies.length - 1]!, files, replies };
}
const doc = (files: StateFiles, name: string) => parse(files[name as keyof StateFiles] ?? '{}') as { spec?: Record<string, any> };
const serviceNames = (files: StateFiles) => (doc(files, 'services.yaml').spec?.services ?? []).map((s: { name: string }) => s.name);
const userNames = (files: StateFiles) => (doc(files, 'security.yaml').spec?.users ?? []).map((u: { name: string }) => u.name);
const asks = (p: Proposal) => {
  expect(p.files, p.explanation).toEqual({});
  expect(p.questions?.length, p.explanation).toBeGreaterThan(0);
  expect(p.explanation).toContain(ASK_TAIL);
};

// Round 17, in my own words: a request that lacks what is needed asks one short question
// naming the choices and changes nothing; the answer in the next turn completes it.
describe('a role word that fits several services asks which', () => {
  const two = ['add postgres', 'add mariadb', 'add redis'];
  it.each([
    'remove the database',
    'pls restart the db',
    'give the database 2 gigs of ram',
    'back up the db every night',
    'Stop The DB',
    'expose the db on the host',
    'can you limit the database to one core',
    'restrt the databse',
  ])('%s', (request) => {
    const { last } = talk([...two, request]);
    asks(last);
    expect(last.questions![0]).toMatch(/postgres or mariadb/);
  });

  it('the answer completes the request, and only on the one chosen', () => {
    const { last, files } = talk([...two, 'remove the database', 'the postgres one']);
    expect(serviceNames(files)).toEqual(['mariadb', 'redis']);
    expect(last.explanation).toMatch(/as the answer: postgres/);
    expect(serviceNames(talk([...two, 'please stop the db', 'maria']).files)).toEqual(['postgres', 'mariadb', 'redis']);
    const stopped = doc(talk([...two, 'please stop the db', 'maria']).files, 'services.yaml').spec!.services.find((s: { name: string }) => s.name === 'mariadb');
    expect(stopped.state).toBe('stopped');
  });

  it('never asks when the request is clear', () => {
    for (const clear of ['remove postgres', 'add a database called db2', 'add another database', 'back up all the databases every night', 'stop the cache']) {
      expect(talk([...two, clear]).last.questions ?? [], clear).not.toContainEqual(expect.stringMatching(/do you mean/));
    }
    // One database: "the database" is it.
    expect(serviceNames(talk(['add postgres', 'add redis', 'remove the database']).files)).toEqual(['redis']);
    // Named just before in the same request: that one.
    expect(talk([...two, 'add nginx and give the database 1 gig']).last.files['services.yaml']).toBeUndefined();
  });

  it('a reply that is not an answer is a request of its own', () => {
    const { last, files } = talk([...two, 'remove the database', 'add memcached']);
    expect(serviceNames(files)).toEqual(['postgres', 'mariadb', 'redis', 'memcached']);
    expect(last.explanation).not.toMatch(/as the answer/);
  });
});

describe('an account with no name, or one of several, asks', () => {
  it.each(['add a user', 'create a new account', 'i need a new user with sudo', 'add user', 'make me a user account please', 'new user pls', 'Add A User', 'pls add an usr'])('%s', (request) => {
    const { last } = talk([request]);
    asks(last);
    expect(last.questions![0]).toMatch(/called/);
  });

  it.each([
    ['alice', 'alice'],
    ['call him bob', 'bob'],
    ['"carol"', 'carol'],
    ['username: dave', 'dave'],
    ['erin please', 'erin'],
  ])('the answer %s names the user', (answer, name) => {
    expect(userNames(talk(['add a user', answer]).files)).toEqual([name]);
  });

  it('what else the request said is kept ("with sudo")', () => {
    const u = doc(talk(['i need a new user with sudo', 'frank']).files, 'security.yaml').spec!.users[0];
    expect(u).toMatchObject({ name: 'frank', sudo: true });
  });

  it('a request that names the user never asks', () => {
    for (const r of ['create an account for bob', 'add user alice', 'make a user called zoe', 'i need a login for the new intern, username kofi']) {
      expect(talk([r]).last.questions ?? [], r).not.toContainEqual(expect.stringMatching(/called\?/));
    }
  });

  it('"delete the user" asks which of several, and the answer removes only that one', () => {
    for (const r of ['delete the user', 'remove that account', 'get rid of the user', 'nuke that login']) {
      const { last } = talk(['add user alice', 'add user bob', r]);
      asks(last);
      expect(last.questions![0]).toMatch(/alice or bob/);
    }
    expect(userNames(talk(['add user alice', 'add user bob', 'delete the user', 'bob']).files)).toEqual(['alice']);
    expect(userNames(talk(['add user alice', 'delete the user']).files)).toEqual([]);
  });
});

describe('a time-zone abbreviation of several zones asks', () => {
  it.each(['set the timezone to CST', 'timezone cst', 'switch the clock to IST please', 'tz: CST', 'change time zone to ist', 'put the server on CST time', 'CST pls'])('%s', (request) => {
    const { last } = talk([request]);
    asks(last);
    expect(last.questions![0]).toMatch(/Asia\/Shanghai|Europe\/Dublin/);
  });

  it.each([
    ['set the timezone to CST', 'the chinese one', 'Asia/Shanghai'],
    ['set the timezone to CST', 'US central', 'America/Chicago'],
    ['timezone ist', 'india', 'Asia/Kolkata'],
    ['timezone ist', 'Europe/Dublin', 'Europe/Dublin'],
  ])('%s, then %s', (request, answer, zone) => {
    expect(doc(talk([request, answer]).files, 'manifest.yaml').spec!.timezone).toBe(zone);
  });

  it('a clear abbreviation is set without asking', () => {
    expect(doc(talk(['set the timezone to EST']).files, 'manifest.yaml').spec!.timezone).toBe('America/New_York');
  });
});

describe('other slots answered in the next turn', () => {
  it('"open a port", then the number', () => {
    const { replies, files } = talk(['open a port', '25565']);
    asks(replies[0]!);
    expect(JSON.stringify(doc(files, 'network.yaml').spec!.firewall.rules)).toContain('25565');
  });

  it('"change the hostname", then the name', () => {
    const { replies, files } = talk(['change the hostname', 'make it edge-02']);
    asks(replies[0]!);
    expect(doc(files, 'manifest.yaml').spec!.hostname).toBe('edge-02');
  });

  it('a modifier with several services and none under discussion asks which', () => {
    const start: StateFiles = talk(['add nginx on port 80', 'add redis', 'add postgres']).files;
    const p = runOfflineEngine({ message: 'set the memory limit to 1g', files: start, history: [], secretNames: [], imageCatalog: {}, now: NOW });
    asks(p);
    const history: ConversationTurn[] = [{ role: 'user', text: 'set the memory limit to 1g' }, { role: 'assistant', text: p.explanation }];
    const done = runOfflineEngine({ message: 'redis', files: start, history, secretNames: [], imageCatalog: {}, now: NOW });
    const svcs = doc(done.files, 'services.yaml').spec!.services as { name: string; resources?: { memory?: string } }[];
    expect(svcs.find((s) => s.name === 'redis')!.resources?.memory).toBe('1Gi');
    expect(svcs.filter((s) => s.resources?.memory === '1Gi').map((s) => s.name)).toEqual(['redis']);
  });
});
