import { describe, it } from 'vitest';
import { passes } from '../../../test/offline-engine.js';

// Round 24, my own wording (held-out 17's "jane needs to be able to sudo", never its sentence):
// being able to sudo, admin rights and "make X an administrator", said every way, for one person
// or a list, alone or inside a longer request.
describe('sudo said every way', () => {
  it.each([
    'jane needs to be able to sudo',
    'Bob has to be able to use sudo',
    'jane should be able to run sudo',
    'jane shud be able to sudo',
    'jane must be allowed to sudo',
    'make jane an administrator',
    'give jane sudo rights',
    'jane should be an admin',
    'JANE NEEDS SUDO RIGHTS',
  ])('"%s"', (request) => {
    const name = /\bbob\b/i.test(request) ? 'bob' : 'jane';
    passes(request, [{ user: name, sudo: true }], [`add user ${name}`]);
  });
  it.each(['kim and lee both need sudo', 'kim and lee need sudo', 'give kim and lee sudo'])('"%s"', (request) =>
    passes(request, [{ user: 'kim', sudo: true }, { user: 'lee', sudo: true }], ['add user kim', 'add user lee']));
  it('inside a longer request', () => passes('add redis, and jane needs to be able to sudo', [{ user: 'jane', sudo: true }, { service: 'redis' }], ['add user jane']));
  it('not able to sudo stays without it', () => passes('jane should not be able to sudo', [{ user: 'jane', sudo: false }], ['add user jane with sudo']));
  // Review 17 MED-3: a revocation said in the past or as giving up never grants (nor makes a user "up").
  it.each(['jane could use sudo before, not any more', 'jane has to give up sudo', 'jane loses sudo', 'jane has to give up her sudo rights'])('"%s" takes sudo away', (request) =>
    passes(request, [{ user: 'jane', sudo: false }], ['add user jane with sudo']));
  it('"could use sudo before, not any more" of a user without sudo grants nothing', () => passes('bob could use sudo before, not any more', [{ user: 'bob', sudo: false }], ['add user bob']));
});
