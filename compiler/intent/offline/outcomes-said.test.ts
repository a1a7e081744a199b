import { describe, expect, it } from 'vitest';
import { passes, say, after, jobs, users } from '../../../test/offline-engine.js';

// Round 26 (intent3), in my own words: an outcome mapped once to the change that makes it true (outcomes.ts).
describe('outcome language', () => {
  it('never lose more than a day (an hour) of X: a backup that often', () => {
    for (const r of ['make sure we never lose more than a day of the orders database', 'we cannot lose more than one day of data in orders-db', "ensure we don't lose more than a day's worth of orders-db"])
      passes(r, [{ job_schedule: ['0 3 * * *', '0 0 * * *', '0 1 * * *', '0 2 * * *', '0 4 * * *'], container: 'orders-db' }], ['run postgres:16 as orders-db']);
    passes('we must never lose more than an hour of orders-db', [{ job_schedule: ['0 * * * *', '@hourly'], container: 'orders-db' }], ['run postgres:16 as orders-db']);
  });

  it('keep working if one copy crashes: two replicas (two copies: three)', () => {
    for (const r of ['The shop should keep working even if one copy of it crashes.', 'shop must stay up even when one instance dies', 'make the shop highly available', 'the shop has to keep running if a container fails'])
      passes(r, [{ service: 'shop', replicas: 2 }], ['run ghcr.io/acme/shop:3 as shop']);
    passes('shop should keep working even if two instances crash', [{ service: 'shop', replicas: 3 }], ['run ghcr.io/acme/shop:3 as shop']);
  });

  it('turn X off for a while / take it offline, keep the data: stopped; bring it back: running', () => {
    for (const r of ['Turn the staging site off over the holidays. We\'ll need it again in January.', 'take staging offline but keep all the data', 'switch staging off for now', 'pause staging', 'put staging on hold'])
      passes(r, [{ service: 'staging', state: 'stopped' }, { unchanged: 'shop' }], ['run ghcr.io/acme/shop:3 as staging on port 8080', 'run ghcr.io/acme/shop:3 as shop on port 8081']);
    // "kill X and bring it back up" stays one restart.
    expect(say('stop staging and bring it back up, it hangs', after('run ghcr.io/acme/shop:3 as staging on port 8080')).files['services.yaml']).toMatch(/restarted-at/);
    for (const r of ['bring staging back up', 'bring staging back online', 'wake staging up', 'resume staging'])
      passes(r, [{ service: 'staging', state: 'running' }], ['run ghcr.io/acme/shop:3 as staging on port 8080', 'stop staging']);
  });

  it('can log in but can\'t break anything: a user without sudo', () => {
    for (const r of ['Make it so the intern can log in but can\'t break anything. Her username is lena.', 'lena should log in but not be able to change anything', 'lena can login but cannot do admin stuff', 'the new guy can log in but shouldn\'t break anything, username lena'])
      passes(r, [{ user: 'lena', sudo: false }]);
  });

  it('an outcome with no safe mapping changes nothing', () => {
    for (const r of ['make the shop faster', 'the shop should never be hacked']) expect(Object.keys(say(r, after('run ghcr.io/acme/shop:3 as shop')).files), r).toEqual([]);
    void jobs; void users;
  });
});
