import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runOfflineEngine } from './engine.js';
import type { ConversationTurn, Proposal, StateFiles } from '../provider.js';

const NOW = new Date('2026-05-01T10:00:00Z');
function talk(turns: string[]): { last: Proposal; files: StateFiles } {
  let files: StateFiles = {};
  const history: ConversationTurn[] = [];
  let last!: Proposal;
  for (const message of turns) {
    last = runOfflineEngine({ message, files, history: [...history], secretNames: [], imageCatalog: {}, now: NOW });
    files = { ...files, ...last.files };
    history.push({ role: 'user', text: message }, { role: 'assistant', text: last.explanation });
  }
  return { last, files };
}
type Svc = { name: string; image: string; command?: string; environment?: Record<string, string>; depends_on?: string[]; healthcheck?: { test: string }; resources?: { memory?: string } };
const svcs = (files: StateFiles) => ((parse(files['services.yaml'] ?? '{}') as { spec?: { services?: Svc[] } }).spec?.services ?? []);
const svc = (files: StateFiles, name: string) => svcs(files).find((s) => s.name === name);

// Round 17, my own wording: "mysql" said without "mariadb" is MySQL itself (round 18: its own
// template, stdlib-templates/mysql.yaml), a service named
// mysql with its image, a generated root password and a data volume.
describe('mysql is MySQL', () => {
  it.each([
    ['i need a mysql 8 database', 'mysql:8'],
    ['add mysql', 'mysql:8.4'],
    ['MySQL please', 'mysql:8.4'],
    ['set up a mysql db for the shop', 'mysql:8.4'],
    ['instal mysql 5.7', 'mysql:5.7'],
    ['can you spin up mysql version 8.0?', 'mysql:8.0'],
    ['we want mysql, nothing fancy', 'mysql:8.4'],
  ])('%s', (request, image) => {
    const { last, files } = talk([request]);
    const s = svc(files, 'mysql')!;
    expect(s, last.explanation).toBeDefined();
    expect(s.image).toBe(image);
    expect(s.environment).toEqual({ MYSQL_ROOT_PASSWORD: '${secrets.mysql_root_password}' });
    expect(s.healthcheck?.test).toMatch(/^mysqladmin ping/);
    expect(files['storage.yaml']).toMatch(/name: mysql-data/);
    expect(last.generatedSecrets?.map((g) => g.name)).toEqual(['mysql_root_password']);
  });

  it('mariadb stays MariaDB', () => {
    expect(svc(talk(['add mariadb']).files, 'mariadb')?.image).toMatch(/^mariadb:/);
    expect(svc(talk(['mariadb (the mysql fork) please']).files, 'mariadb')?.image).toMatch(/^mariadb:/);
  });

  it.each(['wordpress with a mysql database', 'wordpress site with mysql, on port 80', 'add mysql and then wordpress on 8080'])('%s: wordpress talks to mysql', (request) => {
    const { files } = talk([request]);
    const wp = svc(files, 'wordpress')!;
    expect(wp.depends_on).toEqual(['mysql']);
    expect(wp.environment).toMatchObject({ WORDPRESS_DB_HOST: 'mysql', WORDPRESS_DB_PASSWORD: '${secrets.mysql_root_password}' });
    expect(svcs(files).map((s) => s.name).sort()).toEqual(['mysql', 'wordpress']);
  });

  it('an app that needs MariaDB gets the MySQL said ("ghost with mysql")', () => {
    const { files } = talk(['i want a ghost blog with mysql behind it on 2368']);
    expect(svc(files, 'ghost')!.depends_on).toEqual(['mysql']);
  });

  it('conversations built on it work after', () => {
    expect(svc(talk(['add mysql', 'bump the db to 1 gig of memory']).files, 'mysql')!.resources?.memory).toBe('1Gi');
    expect(svc(talk(['add mysql', "set TZ=Europe/Paris in the mysql container's environment"]).files, 'mysql')!.environment?.TZ).toBe('Europe/Paris');
    for (const r of ['remove wordpress but keep the database', 'delete wordpress, but keep the db.', 'uninstall wordpress but keeping mysql']) {
      expect(svcs(talk(['add mysql', 'add wordpress on port 80 using mysql', r]).files).map((x) => x.name), r).toEqual(['mysql']);
    }
    // Its own programs, from the mysql template (stdlib-templates/mysql.yaml), not MariaDB's.
    expect(svc(talk(['add mysql', 'let mysql take up to 300 connections']).files, 'mysql')!).toMatchObject({ command: 'mysqld --max-connections=300' });
    expect(svc(talk(['add mariadb', 'let mariadb take up to 300 connections']).files, 'mariadb')!).toMatchObject({ command: 'mariadbd --max-connections=300' });
    const backed = talk(['add mysql', 'back up mysql every night']).files;
    expect(backed['scheduled.yaml'] ?? '').toMatch(/mysqldump --all-databases -uroot -p"\$MYSQL_ROOT_PASSWORD"/);
  });
});
