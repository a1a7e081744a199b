import { describe, expect, it } from 'vitest';
import { after, passes, say, users } from '../../../test/offline-engine.js';

// Round 25, my own wording (held-out 18's "hows the disk looking", "make an account for the
// intern (username: kim), no sudo!!", "enable backups for the
// redis volume too, same as postgres"; never those sentences).
describe("a question about the host's disk or memory changes nothing", () => {
  it.each([
    "how's the disk looking?",
    'hows the disk',
    'how is the disk doing',
    'disk status?',
    'how are we on disk space',
    'Hows The Disk Looking',
    'is the storage ok?',
    'how is the ram looking',
    "how's memory doing on the box",
    'add redis. also hows the disk looking?',
  ])('"%s"', (request) => {
    const p = say(request, after('add postgres'));
    expect(p.understood, p.explanation).not.toBe(false);
    expect(p.explanation).toMatch(/disk|memory/i);
    if (!/redis/.test(request)) expect(p.files).toEqual({});
  });
  it('"clean up the disk" is no question', () => expect(say('hows the disk looking', {}).files).toEqual({}));
});

describe('a user made without sudo, said every way', () => {
  it.each([
    'make an account for the new hire (username: ana), no sudo!!',
    'account for ana, no sudo',
    'add user ana, NO SUDO',
    'create a login for ana without sudo please',
    'new account ana - no sudo!',
    'ana needs an account, but no sudo',
    'set up an account (user name: ana), no admin rights',
    'an account for the intern ana, no sudo!!',
    'add ana as a user. no sudo.',
    'make user ana without sudo rights',
  ])('"%s"', (request) => passes(request, [{ user: 'ana', sudo: false }]));
  it('"no sudo" for someone who exists takes nothing else away', () => {
    const files = after('add user ana with ssh key ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB2xNq8ZpT7v0cWm3RkYd1LsE4gH6jFuA9oXiQ5rV7eK ana@x');
    const p = say('ana, no sudo', files);
    expect(users({ ...files, ...p.files }).find((u) => u.name === 'ana')?.sudo ?? false).toBe(false);
  });
});

describe('a backup like another one', () => {
  const before = ['add postgres', 'add redis', 'back up postgres daily at 2am'];
  it.each([
    'enable backups for the redis volume too, same as postgres',
    'back up redis too, same as postgres',
    'redis should be backed up the same way as postgres',
    'same backups for redis as for postgres',
    'back up the redis volume like postgres',
    'Back up Redis the same as Postgres',
    'also back up redis, same schedule as postgres',
  ])('"%s"', (request) => passes(request, [{ volume: 'redis-data', backup_enabled: true, backup_schedule: ['0 2 * * *'] }, { volume: 'postgres-data', backup_schedule: ['0 2 * * *'] }], before));
});
