/**
 * Round 33 (issue 22), INTENT2: the paradigm of **the people of a request read from its
 * structure**: a list after a colon or a comma ("accounts for: a, b", "two users, a and b"), what
 * a later sentence says of a person by name or pronoun ("Peggy is an admin.", "They should both
 * belong to …"), a how-to question that is a request ("how do I give my coworker X access?"), a
 * group said to a person already there ("add judy to wheel"), a relation without an article
 * ("intern jane needs a login"), "NAME: attributes", and group lists said group by group ("both
 * the docker group and the developers group").
 *
 * Written from English before the code (other names, groups and words than held-out 26's
 * h26-user-12/14/16/20 and para-25's usr-03/11/14/16/18). docs/intent.md "After round 33",
 * "Mechanisms (intent2)". First run on main and after the build: see the header of the report and
 * the docs table.
 */
import { describe, expect, it } from 'vitest';
import { lastTurnFailures, type Expect } from '../../test/offline-engine.js';

type Row = [request: string, want: Expect[], before?: string[]];
export const PEOPLE_STRUCTURE: Row[] = [
  // A list after a colon or a comma.
  ['please set up logins for: tara, uri', [{ user: 'tara' }, { user: 'uri' }]],
  ['new accounts: vera, wim and xavi', [{ user: 'vera' }, { user: 'wim' }, { user: 'xavi' }]],
  ['create three users, abe, bea and cy', [{ user: 'abe' }, { user: 'bea' }, { user: 'cy' }]],
  ['I need two user accounts, dina and eli', [{ user: 'dina' }, { user: 'eli' }]],
  ['make accounts for the following people: fay, gil', [{ user: 'fay' }, { user: 'gil' }]],
  // What a later sentence says of a person, by name or by pronoun.
  ['Create two users, hal and ivy. Ivy is an admin.', [{ user: 'hal', sudo: false }, { user: 'ivy', sudo: true }]],
  ['Add users jon and kim. Kim needs sudo, Jon does not.', [{ user: 'jon', sudo: false }, { user: 'kim', sudo: true }]],
  ['Please make accounts for lev and mae. They should both be in the qa group.', [{ user: 'lev', groups: ['qa'] }, { user: 'mae', groups: ['qa'] }]],
  ['new user ned. He should be in the docker group.', [{ user: 'ned', groups: ['docker'] }]],
  ['Could you set up an account for ora? She needs to be in both the design group and the docker group.', [{ user: 'ora', groups: ['design', 'docker'] }]],
  ['add pim and quin as users. quin gets admin rights.', [{ user: 'pim', sudo: false }, { user: 'quin', sudo: true }]],
  // A how-to question that is a request.
  ['how do I give my friend rolf access to this box?', [{ user: 'rolf' }]],
  ['How can I add an account for my colleague sina? Her username is sina.', [{ user: 'sina' }]],
  ["I'm not a linux person. how would I set up a login for my teammate tomo?", [{ user: 'tomo' }]],
  ['how do I make a user called ugo with sudo?', [{ user: 'ugo', sudo: true }]],
  // A group said to a person already there; the others unchanged.
  ['add vik to wheel', [{ user: 'vik', groups: ['wheel'] }, { user: 'zed', sudo: false }], ['add user vik', 'add user zed']],
  ['put wren in the adm group', [{ user: 'wren', groups: ['adm'] }, { user: 'zed' }], ['add user wren', 'add user zed']],
  ['xia should also be in backup and monitoring', [{ user: 'xia', groups: ['backup', 'monitoring'] }], ['add user xia']],
  ['Yan needs to be in the ops and audit groups. Can you add him to both?', [{ user: 'yan', groups: ['ops', 'audit'] }], ['add user yan']],
  ['add zoe to the backup & monitoring grps', [{ user: 'zoe', groups: ['backup', 'monitoring'] }], ['add user zoe']],
  // A relation without an article, a name with its attributes after a colon.
  ['contractor ada needs a login, put her in the devs grp', [{ user: 'ada', groups: ['devs'] }]],
  ['intern bo needs an account', [{ user: 'bo' }]],
  ['cora: sudo', [{ user: 'cora', sudo: true }]],
  ['dirk: docker, sudo', [{ user: 'dirk', sudo: true, groups: ['docker'] }]],
  // The person's full name and then the username; a starting day is no name.
  ['We have a new designer starting next week, Edda (username edda). Please give her an account; she will be in the design group like everyone else.', [{ user: 'edda', groups: ['design'] }, { user: 'starting', absent: true }, { user: 'like', absent: true }]],
  ['new acct finn, add to docker + devs', [{ user: 'finn', groups: ['docker', 'devs'] }]],
  ['Hi, a coworker named Gus needs an account here (username gus). He should be in both the docker group and the qa group.', [{ user: 'gus', groups: ['docker', 'qa'] }]],
  ['Could you create two accounts, hana and ike? They both belong to the ops group.', [{ user: 'hana', groups: ['ops'] }, { user: 'ike', groups: ['ops'] }, { user: 'two', absent: true }]],
  // Near-misses: a question that only asks, a service, a group removal: no user added.
  ['how many users are in the docker group?', [{ no_change: true }], ['add user jo']],
  ['how do I see who has sudo?', [{ no_change: true }], ['add user jo']],
  ['add redis to the stack', [{ service: 'redis' }, { user: 'redis', absent: true }]],
];

describe('the people of a request read from its structure (lists after a colon, a later sentence, a how-to, a group to a person there)', () => {
  it.each(PEOPLE_STRUCTURE)('"%s"', (request, want, before = []) => expect(lastTurnFailures(before, [request], want)).toEqual([]));
});
