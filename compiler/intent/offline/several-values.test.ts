import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { StateFiles } from '../provider.js';
import { after, say } from '../../../test/offline-engine.js';

const services = (files: StateFiles) => (parse(files['services.yaml'] ?? 'spec: {services: []}') as { spec: { services: { name: string; state?: string }[] } }).spec.services;
const groupsOf = (files: StateFiles, user: string) => (parse(files['security.yaml'] ?? 'spec: {}') as { spec: { users?: { name: string; groups?: string[] }[] } }).spec.users?.find((u) => u.name === user)?.groups;

// Round 18, my own wording: several values of one kind in one request — every one is done.
describe('several values in one request', () => {
  const base = after('add a service called api using image ghcr.io/acme/api:1 on port 8080', 'add a service called worker using image ghcr.io/acme/worker:1', 'add redis');

  it.each([
    ['remove both the api and the worker', ['redis']],
    ['delete worker and api', ['redis']],
    ['get rid of the worker, the api and redis', []],
    ['remove the api and also the worker service', ['redis']],
  ])('%s', (message, left) => {
    const r = say(message, base);
    expect(services({ ...base, ...r.files }).map((s) => s.name)).toEqual(left);
  });

  it.each(['stop the worker and the api', 'Stop API and Worker pls'])('%s stops both, and only them', (message) => {
    const out = { ...base, ...say(message, base).files };
    expect(services(out).filter((s) => s.state === 'stopped').map((s) => s.name).sort()).toEqual(['api', 'worker']);
  });

  it.each([
    ['new user bob, groups developers and www-data', 'bob', ['developers', 'www-data']],
    ["user 'ops' - sudo, groups adm and docker", 'ops', ['adm', 'docker']],
    ['add user lena with groups audio, video and plugdev', 'lena', ['audio', 'video', 'plugdev']],
  ])('%s', (message, user, groups) => {
    expect(groupsOf(say(message).files, user)).toEqual(groups);
  });
});
