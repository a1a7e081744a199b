import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runOfflineEngine } from './engine.js';
import type { ConversationTurn, StateFiles } from '../provider.js';

// Round 21, my own wording (issue 22, held-out 14's class "a service's data and its volume"):
// a service said with the volume its data lives on is added with its data on that volume (the
// template's volume renamed, owner and permissions kept, none left behind); "the database",
// "the db", "its data" is that volume when backups are asked; "no backups for it" on a new
// volume turns them off, never on.
const NOW = new Date('2026-05-01T10:00:00Z');
const say = (message: string, files: StateFiles = {}, history: ConversationTurn[] = []) => runOfflineEngine({ message, files, history, secretNames: [], imageCatalog: {}, now: NOW });
const after = (...requests: string[]): StateFiles => requests.reduce<StateFiles>((files, r) => ({ ...files, ...say(r, files).files }), {});

interface Vol { name: string; path: string; owner?: string; backup?: { enabled?: boolean; schedule?: string; retain?: number } }
const volumes = (files: StateFiles): Vol[] => (parse(files['storage.yaml'] ?? 'spec: {}') as { spec: { volumes?: Vol[] } }).spec.volumes ?? [];
const svcs = (files: StateFiles) => (parse(files['services.yaml'] ?? 'spec: {services: []}') as { spec: { services: { name: string; image: string; volumes?: { source: string; target: string }[] }[] } }).spec.services;

describe("a service's data on a volume said by name", () => {
  it.each([
    ['postgres please, with its data on a volume called pg', 'postgres', 'pg', '/var/lib/postgresql/data'],
    ['add postgres with the data in a volume called pgdata', 'postgres', 'pgdata', '/var/lib/postgresql/data'],
    ['Add Redis, keep its data on a volume named cache-data', 'redis', 'cache-data', '/data'],
    ["i'd like mariadb w/ its data in a volume called maria", 'mariadb', 'maria', '/var/lib/mysql'],
    ['set up postgres 15 and put its data on volume pg15', 'postgres', 'pg15', '/var/lib/postgresql/data'],
    ['postgres, data volume pg', 'postgres', 'pg', '/var/lib/postgresql/data'],
    ['gitea with its data on a volume named git-data', 'gitea', 'git-data', '/data'],
    ['ADD POSTGRES AND STORE ITS DATA IN A VOLUME CALLED DB-VOL PLEASE', 'postgres', 'db-vol', '/var/lib/postgresql/data'],
    ['add nginx on 8080 and postgres with its data on a volume called pg', 'postgres', 'pg', '/var/lib/postgresql/data'],
  ])('%s', (message, service, volume, target) => {
    const r = say(message);
    expect(r.refused).toBeUndefined();
    const files = r.files;
    const svc = svcs(files).find((s) => s.name === service);
    expect(svc, `no service ${service}`).toBeDefined();
    expect(svc!.volumes).toContainEqual({ source: volume, target });
    // The template's own volume is renamed, not left behind empty beside it.
    const vols = volumes(files);
    expect(vols.map((v) => v.name)).toEqual([volume]);
    expect(vols[0]!.path).toBe(`/data/${volume}`);
  });

  it('the renamed volume keeps the owner the template gives it', () => {
    expect(volumes(say('postgres please, with its data on a volume called pg').files)[0]!.owner).toBe('999:999');
  });

  it('in a conversation turn, after another service', () => {
    const files = after('add nginx');
    const r = say('now postgres too, its data on a volume named pg-main', files, [{ role: 'user', text: 'add nginx' }, { role: 'assistant', text: '+ nginx: nginx:alpine' }]);
    expect(svcs({ ...files, ...r.files }).find((s) => s.name === 'postgres')?.volumes).toContainEqual({ source: 'pg-main', target: '/var/lib/postgresql/data' });
    expect(svcs({ ...files, ...r.files }).find((s) => s.name === 'nginx')).toEqual(svcs(files).find((s) => s.name === 'nginx'));
  });

  it('a volume said first, for a service that is not there, is only the volume', () => {
    const r = say('add a volume called pg for postgres');
    expect(volumes(r.files).map((v) => v.name)).toEqual(['pg']);
  });
});

describe('"the database", "the db", "its data" as the volume backed up', () => {
  const base = after('add redis', 'add postgres with its data in a volume named pgdata');
  it.each([
    ['back up the database daily at 1am and keep 14 of them', '0 1 * * *', 14],
    ['back the db up every day at 4am', '0 4 * * *', 7],
    ['nightly backups of the database at 2, keep 10', '0 2 * * *', 10],
    ['pls back up postgres every day at 5am', '0 5 * * *', 7],
  ])('%s', (message, schedule, retain) => {
    const r = say(message, base);
    const vols = volumes({ ...base, ...r.files });
    expect(vols.find((v) => v.name === 'pgdata')?.backup).toMatchObject({ enabled: true, schedule, retain });
    expect(vols.find((v) => v.name === 'redis-data')?.backup).toBeUndefined();
  });
});

describe('"no backups for it" on a new volume', () => {
  it.each([
    "new volume scratch, path /srv/scratch, no backups for it, it's throwaway",
    'make a volume tmpstuff without backups',
    "create a volume called cache2 at /srv/cache2 - don't back it up",
    'volume junk under /srv/junk, it does not need to be backed up',
  ])('%s', (message) => {
    const r = say(message);
    expect(r.refused).toBeUndefined();
    const vols = volumes(r.files);
    expect(vols).toHaveLength(1);
    expect(vols[0]!.backup?.enabled ?? false).toBe(false);
  });

  it('"with daily backups" on a new volume still turns them on', () => {
    expect(volumes(say('new volume media at /srv/media with daily backups').files)[0]!.backup).toMatchObject({ enabled: true });
  });
});
