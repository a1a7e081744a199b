import { describe, it } from 'vitest';
import { passes, type Expect } from '../../../test/offline-engine.js';

// Round 23, my own wording (the class of held-out 16's user misses, never its sentences): several
// people in one clause share what follows them ("carol and dave, regular users", "ivan, judy and
// ken, all in group devs", "both sudoers"); a list of groups ("groups adm and www-data"); a key
// said in passing for someone ("an account for bob with this key: …", "this ecdsa key for gina");
// a user taken off the host ("take bob off this machine").
const ED = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEzM3t95E6dMLF1cwDbg1ZYqfnd8nYKh4Za6tgDvsDSS';
const ECDSA = 'ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBEmKSENjQEezOmxkZMy7opKgwFB9nkt5YRrYMjNuG5N87uRgg6CLrbo5wAdT=';

const user = (name: string, more: Expect = {}): Expect => ({ user: name, ...more });

describe('several people in one clause share what follows them', () => {
  it.each([
    ['add carol and dave, regular users, no sudo', [user('carol', { sudo: false }), user('dave', { sudo: false })]],
    ['Add Erin and Finn as regular users', [user('erin', { sudo: false }), user('finn', { sudo: false })]],
    ['create accounts for ivan and judy, both sudoers', [user('ivan', { sudo: true }), user('judy', { sudo: true })]],
    ['kyle and liz need accounts, both with sudo', [user('kyle', { sudo: true }), user('liz', { sudo: true })]],
    ['add users ivan, judy and ken, all in group devs', ['ivan', 'judy', 'ken'].map((n) => user(n, { groups: ['devs'] }))],
    ['new users ana, bo & cy - all three in the docker group', ['ana', 'bo', 'cy'].map((n) => user(n, { groups: ['docker'] }))],
    ['make accounts for lee, max, and ned, they should all be in group ops', ['lee', 'max', 'ned'].map((n) => user(n, { groups: ['ops'] }))],
    ['set up users olga and pete, both in groups web and deploy', ['olga', 'pete'].map((n) => user(n, { groups: ['deploy', 'web'] }))],
    ['Please create two regular accounts: quinn and rosa', [user('quinn', { sudo: false }), user('rosa', { sudo: false })]],
  ])('"%s"', (request, want) => passes(request, want as Expect[]));
});

describe('a list of groups for one person', () => {
  it.each([
    ['add frank to groups adm and www-data (create him if needed)', user('frank', { groups: ['adm', 'www-data'] })],
    ['put gus in the groups docker, adm and video', user('gus', { groups: ['adm', 'docker', 'video'] })],
    ['new user hana, groups: audio and video', user('hana', { groups: ['audio', 'video'] })],
    ['add user ivo to the adm and docker groups', user('ivo', { groups: ['adm', 'docker'] })],
  ])('"%s"', (request, want) => passes(request, [want as Expect]));
});

describe('a key said in passing for someone', () => {
  it.each([
    [`create an account for bob with this key: ${ED} bob@laptop`, 'bob', []],
    [`an account for hal please, key: ${ECDSA} hal@desk`, 'hal', []],
    [`set up a login for ida using this public key ${ED} ida@pc`, 'ida', []],
    [`add this ssh key for gina: ${ECDSA} gina@mac`, 'gina', ['add user gina']],
    [`here is an ecdsa key for jon ${ECDSA} jon@x`, 'jon', ['add user jon']],
    [`Gina's laptop key is ${ECDSA} gina@laptop, please add it`, 'gina', ['add user gina']],
  ])('"%s"', (request, name, before) => passes(request, [user(name, { ssh_key: true })], before));
});

describe('a user taken off the host', () => {
  it.each(['take bob off this machine', 'get bob off the server', 'kick bob off this box, he left', 'offboard bob', 'please deprovision bob, he left the company'])('"%s"', (request) => {
    passes(request, [user('bob', { absent: true }), user('carol')], ['add user bob', 'add user carol']);
  });
});
