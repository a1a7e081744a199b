// "…, postgres for the orders and redis as a cache, back up the database every night at 2":
// the walkthrough of 2026-12-06 got a backup of redis too. "The database" is the one that holds
// records; a cache is not backed up unless it is named, or "all"/"everything" is said.
import { describe, expect, it } from 'vitest';
import { after, doc, say } from '../../../test/offline-engine.js';
import type { StateFiles } from '../provider.js';

const backedUp = (files: StateFiles) =>
  ((doc(files, 'storage.yaml').spec?.volumes ?? []) as { name: string; backup?: { enabled?: boolean } }[])
    .filter((v) => v.backup?.enabled)
    .map((v) => v.name)
    .sort();

describe('"the database" is the one that holds records', () => {
  it.each([
    'I run a small shop: nginx in front, postgres for the orders and redis as a cache, back up the database every night at 2, keep a week',
    'set up postgres and redis, back up the database nightly',
    'postgres + redis for sessions; the db gets a backup every day at 3',
    'add postgres and a redis cache and back up our database every night',
  ])('%s', (message) => {
    expect(backedUp(say(message).files)).toEqual(['postgres-data']);
  });
  it('on a machine that has both, "back up the db nightly" backs up postgres only', () => {
    const base = after('set up postgres and redis');
    expect(backedUp({ ...base, ...say('back up the db nightly', base).files })).toEqual(['postgres-data']);
  });
  it.each([
    ['set up postgres and redis, back up all the databases nightly', ['postgres-data', 'redis-data']],
    ['set up postgres and redis with daily backups', ['postgres-data', 'redis-data']],
    ['set up postgres and redis, back up redis nightly', ['redis-data']],
  ])('%s', (message, want) => {
    expect(backedUp(say(message).files)).toEqual(want);
  });
});

describe('all of them, said', () => {
  it.each(['set up postgres and redis, back up every database nightly', 'set up postgres and redis, back up both databases every night', 'postgres and redis; back up all the dbs every night at 1'])('%s', (message) => {
    expect(backedUp(say(message).files)).toEqual(['postgres-data', 'redis-data']);
  });
});
