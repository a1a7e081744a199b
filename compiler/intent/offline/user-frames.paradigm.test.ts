/**
 * Round 29 (issue 22), INTENT2: the paradigm of a **user frame read from its fields**. A user is a
 * frame with slots (name, ssh key, groups, sudo); the key comes after "key:", "her/his/their
 * key", "here's her key", or pasted on its own; the groups after "groups:", "in the … group(s)",
 * "member of …"; sudo as "with sudo", "sudo: yes". A user named by a prefix or a nickname
 * ("al", "rob", "will") is never guessed: it asks, naming the users it could be. "them" right
 * after a turn that named no people asks who.
 *
 * Written from English before the engine was run on it (other people, keys and groups than
 * held-out 22's h22-usr-03/15, h22-ask-11 and h20-175). docs/intent.md "After round 29",
 * "Mechanisms (intent2)". First run on main (a30697b, 16:50 UTC): 14/32; after the build (round 29): all pass.
 */
import { describe, expect, it } from 'vitest';
import { lastTurnFailures, type Expect } from '../../../test/offline-engine.js';

const key = (n: number, who = '') => `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${'QmZ8kL2pV9xT4rWc7Yb1nE6uJ3hS5gD0aF'.slice(n % 7)}${'x'.repeat(n % 7)}Kp${who ? ` ${who}` : ''}`;
type Row = [request: string, want: Expect[], before?: string[], turns?: string[]];
export const USER_FRAMES: Row[] = [
  // The key after "key:", "his/her/their key", "here's her key", "this key", or pasted bare.
  [`add dave, his key: ${key(1, 'dave@laptop')}`, [{ user: 'dave', ssh_key: true }]],
  [`new user erin. key: ${key(2)}`, [{ user: 'erin', ssh_key: true }]],
  [`create an account for frank with this key ${key(3, 'frank@home')}`, [{ user: 'frank', ssh_key: true }]],
  [`mona needs an account, their key: ${key(7)}`, [{ user: 'mona', ssh_key: true }]],
  [`please create tina, here's her key: ${key(10, 'tina@mac')}`, [{ user: 'tina', ssh_key: true }]],
  [`useradd sam, key: ${key(9)}`, [{ user: 'sam', ssh_key: true }]],
  [`add leo ${key(6, 'leo@pc')}`, [{ user: 'leo', ssh_key: true }]],
  [`make an account kim with sudo, her key is ${key(5)}`, [{ user: 'kim', sudo: true, ssh_key: true }]],
  [`add pete - key: ${key(8, 'pete@work')} - and give him sudo`, [{ user: 'pete', sudo: true, ssh_key: true }]],
  // Groups after "groups:", "in the … group(s)", "member of", "with groups", several.
  [`useradd gina, groups: docker, key ${key(4)}`, [{ user: 'gina', groups: ['docker'], ssh_key: true }]],
  ['please add user hank in the docker group', [{ user: 'hank', groups: ['docker'] }]],
  ['add ivan, put him in the www-data and docker groups', [{ user: 'ivan', groups: ['www-data', 'docker'] }]],
  ['user: judy, groups: adm, sudo: yes', [{ user: 'judy', groups: ['adm'], sudo: true }]],
  ['add user ned; groups: developers', [{ user: 'ned', groups: ['developers'] }]],
  ['create olga with groups docker,adm', [{ user: 'olga', groups: ['docker', 'adm'] }]],
  ["new account 'quinn', member of the docker group", [{ user: 'quinn', groups: ['docker'] }]],
  ['add rosa, groups: www-data, docker', [{ user: 'rosa', groups: ['www-data', 'docker'] }]],
  ['add uma. she should be in group adm', [{ user: 'uma', groups: ['adm'] }]],
  [`add user hal with key ${key(14)} and groups docker`, [{ user: 'hal', groups: ['docker'], ssh_key: true }]],
  [`useradd vera, groups: adm, docker, with key ${key(11, 'vera@desk')}`, [{ user: 'vera', groups: ['adm', 'docker'], ssh_key: true }]],
  // Users there already: a key or a group given to one; sudo taken from all but one.
  [`add alice's key: ${key(12)}`, [{ user: 'alice', ssh_key: true }], ['add user alice']],
  [`bob's key is ${key(13)}, add it`, [{ user: 'bob', ssh_key: true }], ['add user bob']],
  ['put dan in the docker group', [{ user: 'dan', groups: ['docker'] }], ['add user dan']],
  ['ella: groups docker, adm', [{ user: 'ella', groups: ['docker', 'adm'] }], ['add user ella']],
  // Round 30 (review 22 MED-9): the admin kept should be able to log in: with a key, done; without, done with a warning.
  ['take sudo away from everybody but carla', [{ user: 'carla', sudo: true }, { user: 'dino', sudo: false }], [`add user carla with sudo and ssh key ${key(4, 'carla@pc')}`, 'add user dino with sudo']],
  ['only mei keeps sudo', [{ user: 'mei', sudo: true }, { user: 'otto', sudo: false }, { user: 'pia', sudo: false }], [`add user mei with sudo and ssh key ${key(11, 'mei@pc')}`, 'add user otto with sudo', 'add user pia with sudo']],
  ['only mei keeps sudo', [{ user: 'otto', sudo: false }, { says: 'no SSH key' }], ['add user mei with sudo', 'add user otto with sudo']],
  ['give chris sudo', [{ user: 'chris', sudo: true }], ['add user chris']],
  // A prefix or a nickname never picks a user: it asks (and changes nothing).
  ['give al sudo', [{ asks: true, no_change: true }], ['add user alina', 'add user alfred']],
  ['add rob to the docker group', [{ asks: true, no_change: true }], ['add user robert', 'add user roberta']],
  ['make sam an admin', [{ asks: true, no_change: true }], ['add user samuel', 'add user samantha']],
  ['remove jo', [{ asks: true, no_change: true }], ['add user joanna', 'add user joseph']],
  // "them" with no people in the turn before asks who.
  ['give them sudo', [{ asks: true, no_change: true }], ['add nginx', 'add user fred', 'add user gus'], ['show me the nginx logs']],
];

describe('a user frame read from its fields (name, key, groups, sudo; a prefix asks)', () => {
  it.each(USER_FRAMES)('"%s"', (request, want, before = [], turns = []) => expect(lastTurnFailures(before, [...turns, request], want)).toEqual([]));
});
