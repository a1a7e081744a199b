/**
 * Round 32 (issue 22), INTENT2: the paradigm of **a user from any form**. The name in any slot
 * (in brackets, in quotes, after "username"/"login:", after another language's "named"), group
 * lists ("in docker and developers", "both in group ops", "the backup and monitoring groups",
 * "groups: a, b"), sudo said as a noun ("sudoer", "an admin", "with sudo", "sudo: yes"), and
 * several users in one message, each with its own attributes.
 *
 * Written from English before the engine was run on it (other names, groups and words than
 * held-out 25's usr-03/11/14/16/17/18 and para-24's usr-09/10/11/13/16/20). docs/intent.md
 * "After round 32", "Mechanisms (intent2)". First run on main (a0c7422, 02:15 UTC, load ~10):
 * 15 / 32 (two wrong changes: "a user named leo" made the user "named", "a user namens bruno" the
 * user "namens"); after the build: 32 / 32.
 */
import { describe, expect, it } from 'vitest';
import { lastTurnFailures, type Expect } from '../../test/offline-engine.js';

type Row = [request: string, want: Expect[], before?: string[]];
const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIH3vC7t0y1l8mQm0n7G2c1sPq2lq9Yb2pQfQyWq0h8Zk';
export const USER_ANY_FORM: Row[] = [
  // Group lists.
  ['create an account for dana and add her to docker and developers', [{ user: 'dana', groups: ['docker', 'developers'] }]],
  ['new user victor, groups: ops, docker', [{ user: 'victor', groups: ['ops', 'docker'] }]],
  ['add frank to the ops and dev groups', [{ user: 'frank', groups: ['ops', 'dev'] }], ['create user frank']],
  ['put gail in groups ops, qa and docker', [{ user: 'gail', groups: ['ops', 'qa', 'docker'] }], ['create user gail']],
  ['set up users hugo and iris, both in the devs group', [{ user: 'hugo', groups: ['devs'] }, { user: 'iris', groups: ['devs'] }]],
  ['accounts for jack and kate, each in group qa', [{ user: 'jack', groups: ['qa'] }, { user: 'kate', groups: ['qa'] }]],
  ['I need a user named leo in the docker and backup groups', [{ user: 'leo', groups: ['docker', 'backup'] }]],
  ['make mia a member of both docker and monitoring', [{ user: 'mia', groups: ['docker', 'monitoring'] }], ['create user mia']],
  // The name in brackets, quotes, after "username", in another language's words.
  ['Our contractor, Ned Stark (login: ned), needs an account on the box', [{ user: 'ned' }]],
  ['please onboard Olivia Park (username olivia), she joins the qa group', [{ user: 'olivia', groups: ['qa'] }]],
  ['a new account for the QA lead, username pete', [{ user: 'pete' }]],
  ["create the user 'quinn'", [{ user: 'quinn' }]],
  ['account `sven`, admin', [{ user: 'sven', sudo: true }]],
  ['user "rosa" - needs sudo', [{ user: 'rosa', sudo: true }]],
  ['un usuario nuevo llamado ciro, con sudo', [{ user: 'ciro', sudo: true }]],
  ["ajoute un utilisateur nommé abel, please", [{ user: 'abel' }]],
  ['bitte einen user namens bruno anlegen, with sudo', [{ user: 'bruno', sudo: true }]],
  // Sudo said as a noun.
  ['new user tina, sudoer', [{ user: 'tina', sudo: true }]],
  ['add user uma as an admin', [{ user: 'uma', sudo: true }]],
  ['victor should be a sudoer', [{ user: 'victor', sudo: true }], ['create user victor']],
  ['add xena, she is a sudoer', [{ user: 'xena', sudo: true }]],
  ['new user walt. sudo: yes', [{ user: 'walt', sudo: true }]],
  ["add user rick, he's a sudoer and in the docker group", [{ user: 'rick', sudo: true, groups: ['docker'] }]],
  // Several users, each with its own attributes.
  ['add ellen with sudo and fred without', [{ user: 'ellen', sudo: true }, { user: 'fred', sudo: false }]],
  ['two new accounts: gus (admin) and hana (normal user)', [{ user: 'gus', sudo: true }, { user: 'hana', sudo: false }]],
  ['create ian and jill; ian gets sudo, jill goes in docker', [{ user: 'ian', sudo: true }, { user: 'jill', sudo: false, groups: ['docker'] }]],
  ['users karl and lina, karl is an admin and lina is not', [{ user: 'karl', sudo: true }, { user: 'lina', sudo: false }]],
  ['I need accounts for max (sudo + docker) and nora (just docker)', [{ user: 'max', sudo: true, groups: ['docker'] }, { user: 'nora', sudo: false, groups: ['docker'] }]],
  // Longer sentences around one person.
  ['Hi! Could you set up a login for my teammate Sara? Her username should be sara and she will need docker.', [{ user: 'sara', groups: ['docker'] }]],
  [`the build bot needs its own user, call it ci, no sudo. key ${KEY} ci@runner`, [{ user: 'ci', sudo: false, ssh_key: true }]],
  ['My brother Tom is going to help me run this box. Can you make him an account with admin rights?', [{ user: 'tom', sudo: true }]],
  ['Zoe quit last week, please remove her login from the server entirely.', [{ user: 'zoe', absent: true }], ['create user zoe', 'create user amy with sudo']],
];

describe('a user from any form (the name in any slot, group lists, sudo as a noun, several users)', () => {
  it.each(USER_ANY_FORM)('"%s"', (request, want, before = []) => expect(lastTurnFailures(before, [request], want)).toEqual([]));
});
