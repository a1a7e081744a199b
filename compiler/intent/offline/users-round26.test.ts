import { describe, it } from 'vitest';
import { passes } from '../../../test/offline-engine.js';

// Round 26, my own wording (held-out 19's users class, never its sentences): sudo said in a
// non-native progressive ("is needing", "are wanting"), root glossed as sudo in brackets, "give
// X root", and a user named before "user" whose purpose follows ("a ci-bot user for the
// pipeline"), with a group and no sudo: the purpose is not the name, the group not the user.
describe('sudo said in other Englishes', () => {
  it.each([
    'please to create user for maya, she is needing the sudo rights',
    'create user maya, she is needing sudo',
    'add user maya, he is wanting admin rights',
    'make an account for maya, she is requiring sudo access',
    'Please To Create User For Maya, She Is Needing Sudo Rights',
    'kindly create the user maya, she is needing sudo rights please',
    'add redis and please to create user for maya, she is needing the sudo rights',
  ])('"%s"', (request) => passes(request, [{ user: 'maya', sudo: true }]));
  it.each(['maya is needing sudo', 'maya is needing the sudo rights', 'maya is wanting admin rights'])('"%s" of a user there is', (request) =>
    passes(request, [{ user: 'maya', sudo: true }], ['add user maya']));
});

describe('root given to a person is sudo', () => {
  it.each(['give maya root (sudo)', 'give maya root', 'grant maya root privileges', 'give maya root rights', 'Give Maya Root (Sudo)', 'give maya sudo (root)', 'please give maya root (sudo) access'])(
    '"%s"',
    (request) => passes(request, [{ user: 'maya', sudo: true }], ['create user maya']),
  );
  it.each(['make maya an admin (sudo)', 'give maya admin (sudo)'])('"%s"', (request) => passes(request, [{ user: 'maya', sudo: true }], ['create user maya']));
  it('and a new user with it', () => passes('add user maya with root (sudo)', [{ user: 'maya', sudo: true }]));
});

describe('a user named before "user", its purpose after', () => {
  it.each([
    ['add a ci-bot user for the pipeline, member of group deployers, no sudo', 'ci-bot'],
    ['create a deploy user for the pipeline, in group deployers, without sudo', 'deploy'],
    ['add a ci-bot user for our builds, member of group deployers, no sudo', 'ci-bot'],
    ['set up a runner user for the ci jobs, member of group deployers, no sudo', 'runner'],
    ['Add A ci-bot User For The Pipeline, Member Of Group deployers, No Sudo', 'ci-bot'],
  ])('"%s"', (request, name) => passes(request, [{ user: name, groups: ['deployers'], sudo: false }]));
  it.each([
    ['add a backup user for the nightly jobs', 'backup'],
    ['add a ci-bot user for the pipeline', 'ci-bot'],
  ])('"%s" with no group', (request, name) => passes(request, [{ user: name, sudo: false }]));
  it('a user for a person is that person', () => passes('create a user for kate', [{ user: 'kate' }]));
});
