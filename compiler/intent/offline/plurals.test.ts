import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runOfflineEngine } from './engine.js';
import type { StateFiles } from '../provider.js';

// Round 22, my own wording (issue 22, held-out 15's class "plurals and sets of services"): a
// role said in the plural ("both databases", "all the dbs", "every database", "the web
// servers") is each service of that role, never a question of which one; "both databases" with
// one database and one cache is the two of them.
const NOW = new Date('2026-05-01T10:00:00Z');
const say = (message: string, files: StateFiles = {}) => runOfflineEngine({ message, files, history: [], secretNames: [], imageCatalog: {}, now: NOW });
const after = (...requests: string[]): StateFiles => requests.reduce<StateFiles>((files, r) => ({ ...files, ...say(r, files).files }), {});
interface Svc { name: string; labels?: Record<string, string>; resources?: { memory?: string } }
interface Vol { name: string; backup?: { enabled?: boolean; schedule?: string } }
const svcs = (files: StateFiles): Svc[] => (parse(files['services.yaml'] ?? 'spec: {services: []}') as { spec: { services: Svc[] } }).spec.services;
const vols = (files: StateFiles): Vol[] => (parse(files['storage.yaml'] ?? 'spec: {volumes: []}') as { spec: { volumes?: Vol[] } }).spec.volumes ?? [];
const backedUp = (files: StateFiles) => vols(files).filter((v) => v.backup?.enabled).map((v) => v.name).sort();

describe('a role said in the plural is each service of it', () => {
  it.each<[string[], string, string[]]>([
    [['add postgres', 'add redis', 'add nginx'], 'back up both databases at 2:30am every day', ['postgres-data', 'redis-data']],
    [['add postgres', 'add mariadb', 'add nginx'], 'back up all the databases nightly', ['mariadb-data', 'postgres-data']],
    [['add postgres', 'add mariadb', 'add nginx'], 'Backups for every database at 4am please', ['mariadb-data', 'postgres-data']],
    [['add postgres', 'add mariadb', 'add redis'], 'nightly backups of the dbs', ['mariadb-data', 'postgres-data']],
    [['add postgres', 'add redis'], 'i want the two databases backed up daily', ['postgres-data', 'redis-data']],
  ])('%j then %s', (before, message, want) => {
    const files = after(...before);
    const r = say(message, files);
    expect(r.questions ?? [], r.explanation).toEqual([]);
    expect(backedUp({ ...files, ...r.files }), r.explanation).toEqual(want);
  });

  it.each<[string[], string, string[]]>([
    [['add postgres', 'add mariadb', 'add nginx'], 'restart the dbs', ['mariadb', 'postgres']],
    [['add postgres', 'add mariadb', 'add nginx'], 'restart both databases', ['mariadb', 'postgres']],
    [['add nginx', 'add caddy', 'add redis'], 'restart all the web servers', ['caddy', 'nginx']],
  ])('%j then %s', (before, message, want) => {
    const files = after(...before);
    const r = say(message, files);
    expect(r.questions ?? [], r.explanation).toEqual([]);
    const next = { ...files, ...r.files };
    expect(svcs(next).filter((s) => JSON.stringify(s) !== JSON.stringify(svcs(files).find((x) => x.name === s.name))).map((s) => s.name).sort(), r.explanation).toEqual(want);
  });

  // From the review of round 22: with one database and two caches, "both databases" touched three services.
  it('"both databases" with postgres, redis and memcached changes none of the caches', () => {
    const files = after('add postgres', 'add redis', 'add memcached');
    const r = say('restart both databases', files);
    const next = { ...files, ...r.files };
    for (const cache of ['redis', 'memcached']) expect(svcs(next).find((s) => s.name === cache), r.explanation).toEqual(svcs(files).find((s) => s.name === cache));
  });

  it('"the database" with two of them still asks which', () => {
    const files = after('add postgres', 'add mariadb');
    expect(say('restart the database', files).questions?.[0]).toMatch(/postgres or mariadb/);
  });
});
