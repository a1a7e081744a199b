/**
 * Round 31 (issue 22), INTENT2: the paradigm of **a user from any form**. The person's name said
 * as "for my cousin X", "a login/account/user for X", "X needs a login", "X (sudo)", lists
 * ("users: a (sudo), b (no sudo)"), "called/named X who can …", "a deploy user" (the word before
 * "user"), "for our new hire, X" (the name, never "hire"); the key pasted anywhere in the
 * request; "no sudo" / "without sudo" a negation, never a grant; removal said as
 * "revoke/close/terminate X's account/access/login".
 *
 * Written from English before the engine was changed (other names and words than held-out 24's
 * h24-usr-09/10/11/13/16/20 and para-23's usr rows). docs/intent.md "After round 31",
 * "Mechanisms (intent2)". First run on main (7dfbe7f, 23:07 UTC, load ~4): 12/36; after the build: all
 * 36 (and the rows added while building, below the first-run rows).
 */
import { describe, expect, it } from 'vitest';
import { lastTurnFailures, type Expect } from '../../../test/offline-engine.js';

const K1 = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINmymGIuJZfYgl1yXabeIkZEUOvtth4LWCSFEbl7r6Sf nora@desk';
const K2 = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHfoBdzftx+ju1TFzKUq8vdglJbShwFEgGfnLKyPGhls olga@mac';
const K3 = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGW9HTbMvi9Iy2lKQyuzfAdcN9J9Bn/CTTMQ2WTAWNCK';
const K4 = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJXKLooITvWLKAV7wia9VR9TBO26UdF4w3ay2bO7QND8 quinn@work';
const K6 = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG3jiRKjE09PXb0NiHz8js3+grYnKdR2M4MsXaROtK8g hugo@flat';
const K5 = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAICmaO7wGYlo+BSHPjuCNJk2TawTeOX07dnDPFt1AjSVZ builder@ci';

type Row = [request: string, want: Expect[], before?: string[]];
export const USER_ANY_FORM: Row[] = [
  // The name where people put it.
  ['set up an account for my cousin marta', [{ user: 'marta' }]],
  ['my brother leo needs a login here', [{ user: 'leo' }]],
  ['can I get a user for my coworker priya?', [{ user: 'priya' }]],
  ['a login for the intern please, her name is sofia', [{ user: 'sofia' }]],
  ['make a shell account for our contractor, paul', [{ user: 'paul' }]],
  ['add a user for my new colleague, bruno', [{ user: 'bruno' }, { user: 'colleague', absent: true }, { user: 'new', absent: true }]],
  ['create account for our new hire, dana', [{ user: 'dana' }, { user: 'hire', absent: true }]],
  ['the new guy, eddie, needs an account', [{ user: 'eddie' }, { user: 'guy', absent: true }]],
  ['give my partner gwen a user account with sudo', [{ user: 'gwen', sudo: true }]],
  ['could you make accounts for yuri and zack', [{ user: 'yuri' }, { user: 'zack' }]],
  // Lists with a mark per person.
  ['users: ana (sudo), ben (no sudo), carl', [{ user: 'ana', sudo: true }, { user: 'ben', sudo: false }, { user: 'carl', sudo: false }]],
  ['create frank (sudo) and gina (no sudo)', [{ user: 'frank', sudo: true }, { user: 'gina', sudo: false }]],
  ['Users to add: hank, iris (sudo)', [{ user: 'hank', sudo: false }, { user: 'iris', sudo: true }]],
  ['new users - dora (admin), eli', [{ user: 'dora', sudo: true }, { user: 'eli', sudo: false }]],
  // "called/named X who can …", a grant or a negation.
  ['create a user called ines that can sudo', [{ user: 'ines', sudo: true }]],
  ['Add a user named jorge who is allowed to use sudo and docker.', [{ user: 'jorge', sudo: true, groups: ['docker'] }]],
  ['I want a user karl in the docker group, without sudo', [{ user: 'karl', sudo: false, groups: ['docker'] }]],
  ['please create a login named fiona with sudo rights', [{ user: 'fiona', sudo: true }]],
  ["add jack but don't give him sudo", [{ user: 'jack', sudo: false }]],
  ['add a builder user for jenkins, no sudo', [{ user: 'builder', sudo: false }, { user: 'jenkins', absent: true }]],
  ['create a monitoring user, no admin rights', [{ user: 'monitoring', sudo: false }]],
  // The key anywhere in the request.
  [`add user nora, key: ${K1}`, [{ user: 'nora', ssh_key: true }]],
  [`${K2} is olga's key, please give her an account`, [{ user: 'olga', ssh_key: true }]],
  [`here is the public key for pete: ${K3} - create his login`, [{ user: 'pete', ssh_key: true }]],
  [`my teammate quinn needs ssh access, his key is ${K4}`, [{ user: 'quinn', ssh_key: true }]],
  [`please add rosa with no sudo and this key ${K1}`, [{ user: 'rosa', sudo: false, ssh_key: true }]],
  [`add a builder user for the pipeline, no sudo, pubkey ${K5}`, [{ user: 'builder', sudo: false, ssh_key: true }]],
  // Removal, said of the account.
  ["revoke stan's access", [{ user: 'stan', absent: true }], ['add user stan']],
  ["close tara's account", [{ user: 'tara', absent: true }], ['add user tara']],
  ["delete umar's login", [{ user: 'umar', absent: true }], ['add user umar']],
  ['vera left us, remove her user', [{ user: 'vera', absent: true }], ['add user vera']],
  ['get rid of the account for walt', [{ user: 'walt', absent: true }], ['add user walt']],
  ["terminate xena's account, she's gone", [{ user: 'xena', absent: true }], ['add user xena']],
  ['revoke the user account of yves entirely', [{ user: 'yves', absent: true }], ['add user yves']],
  ['Please erase the user zelda.', [{ user: 'zelda', absent: true }], ['add user zelda']],
  ["ana no longer works here; close her account", [{ user: 'ana', absent: true }, { user: 'ben' }], ['add user ana', 'add user ben']],
  // Added while building (not in the first-run figure): a key with "+" after a digit is one key
  // (normalise.ts JOINED cut it as two services joined), a mistyped "acount", "one account".
  [`my flatmate hugo needs a login, key ${K6}`, [{ user: 'hugo', ssh_key: true }]],
  ['could u set up an acount for my nephew theo', [{ user: 'theo' }]],
  ['Please make one account for my uncle, his name is victor.', [{ user: 'victor' }]],
  ['lena and omar both need docker, can you give them that', [{ user: 'lena', groups: ['docker'] }, { user: 'omar', groups: ['docker'] }], ['add user lena', 'add user omar']],
];

describe('a user from any form: the name, sudo or not, the key anywhere, removal', () => {
  it.each(USER_ANY_FORM)('"%s"', (request, want, before = []) => expect(lastTurnFailures(before, [request], want)).toEqual([]));
});
