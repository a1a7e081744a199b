import { describe, expect, it } from 'vitest';
import { after, jobs, say, svc, talk, users } from '../../../test/offline-engine.js';

// Round 26 (intent2), my own wording for held-out 19's and practice 20's asks: a reference that
// fits several things in the state asks which, and changes nothing; one that fits one thing
// proceeds with it (each ask is checked both ways). "The container", "the service", "the app",
// "the website"; "the job"; "an ssh key for bob" with no key; "him" with no user to point at.
const asks = (message: string, files: ReturnType<typeof after>) => {
  const r = say(message, files);
  expect(r.refused).toBeUndefined();
  expect(r.files).toEqual({});
  expect((r.questions ?? []).length).toBeGreaterThan(0);
  return r;
};

describe('a service said by a bare noun', () => {
  const three = after('add a service called api running acme/api:1.0', 'add a service called worker running acme/worker:1.0', 'add redis');
  it.each(['stop the container', 'Stop The Container', 'restart the container please', 'remove the container', 'delete the service', 'stop the app', 'pls restart the service', 'take the container down'])(
    '"%s" with three services asks which',
    (message) => expect(asks(message, three).questions!.join(' ')).toMatch(/api.*worker.*redis|api, worker or redis/),
  );
  it.each([
    ['stop the container', 'stopped'],
    ['restart the container', 'running'],
  ])('"%s" with one service is that one', (message, state) => {
    const one = after('add a service called api running acme/api:1.0');
    const r = say(message, one);
    expect((r.questions ?? []).length).toBe(0);
    expect(svc({ ...one, ...r.files }, 'api')?.state ?? 'running').toBe(state);
    expect(Object.keys(r.files)).toContain('services.yaml');
  });
  it('in a conversation about one service, it is that one', () => {
    const { last, files } = talk(['add a service called api running acme/api:1.0', 'add a service called worker running acme/worker:1.0', 'give the worker 256mb', 'now stop the container'], {});
    expect((last.questions ?? []).length).toBe(0);
    expect(svc(files, 'worker')?.state).toBe('stopped');
    expect(svc(files, 'api')?.state ?? 'running').toBe('running');
  });
  it('named, it is never asked', () => expect(svc({ ...three, ...say('stop the api container', three).files }, 'api')?.state).toBe('stopped'));
  it.each(['change the port of the website to 8080', 'move the site to port 8080', 'restart the website'])('"%s" with two websites asks which', (message) =>
    void asks(message, after('run nginx as site-a on port 80', 'run nginx as site-b on port 81')));
});

describe('the job', () => {
  const two = after('add a service called api running acme/api:1.0', 'add a job named nightly-report that runs python report.py in the api at 1am every day', "add a job named warm-cache that runs 'curl -s localhost:8000/warm' in api every 5 minutes");
  it.each(['move the job to 5am', 'Move The Job To 5am', 'reschedule the cron job to 4:30am', 'push the task to 6am', 'the job should run at 5am now'])('"%s" with two jobs asks which', (message) =>
    expect(asks(message, two).questions!.join(' ')).toMatch(/nightly-report.*warm-cache/));
  it.each(['move the job to 5am', 'reschedule the cron job to 5am'])('"%s" with one job moves it', (message) => {
    const one = after('add a service called api running acme/api:1.0', 'add a job named nightly-report that runs python report.py in the api at 1am every day');
    const r = say(message, one);
    expect(jobs({ ...one, ...r.files }).map((j) => j.schedule)).toEqual(['0 5 * * *']);
  });
  it('said by name it moves that one only', () => {
    const r = say('move warm-cache to 5am', two);
    expect(jobs({ ...two, ...r.files }).map((j) => [j.name, j.schedule])).toEqual([['nightly-report', '0 1 * * *'], ['warm-cache', '0 5 * * *']]);
  });
});

describe('an ssh key with no key in the request', () => {
  it.each(['add an ssh key for bob', 'Add An SSH Key For Bob', 'add a key for bob', "add bob's ssh key", 'bob needs an ssh key', 'give bob an ssh key please', 'set up ssh key login for bob'])('"%s" asks for the key', (message) => {
    const r = asks(message, after('create user bob'));
    expect(r.questions!.join(' ')).toMatch(/ssh-ed25519|public key/i);
  });
  it('for a user that is not there, asks too and adds no one', () => asks('add an ssh key for bob', {}));
  it('with the key, it is added', () => {
    const r = say('add an ssh key for bob: ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGxk3ZpQn1m7yT0bQ8o2VwZ9sH4kLr5eJcN6aFqP1uXd bob@laptop', after('create user bob'));
    expect((r.questions ?? []).length).toBe(0);
    expect(r.files['security.yaml']).toContain('AAAAC3NzaC1lZDI1NTE5AAAAIGxk3ZpQn1m7yT0bQ8o2VwZ9sH4kLr5eJcN6aFqP1uXd');
  });
});

describe('a person pointed at with no one to point at', () => {
  it.each(['give him sudo', 'Give Her Sudo', 'give them sudo please', 'add her to the docker group'])('"%s" with no users asks who', (message) => { asks(message, {}); });
  it('with one user it is that one', () => {
    const files = after('create user alice');
    expect(users({ ...files, ...say('give him sudo', files).files }).find((u) => u.name === 'alice')?.sudo).toBe(true);
  });
});
