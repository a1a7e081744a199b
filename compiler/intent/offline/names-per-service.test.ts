import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { runOfflineEngine } from './engine.js';

// Found in the lead's tmux walkthrough (2026-12-05): "add nginx called lw14web on port 8093, and
// redis called lw14cache" added services named nginx and redis, dropping both names without a
// word (with the verb said twice it worked). Each name is read in its own service's part of
// the clause.
const run = (message: string) => runOfflineEngine({ message, files: {}, history: [], secretNames: [], imageCatalog: {}, now: new Date('2026-05-01T10:00:00Z') });
const svcs = (message: string) => {
  const p = run(message);
  const spec = (parseYaml(p.files['services.yaml'] ?? 'spec: {services: []}') as { spec: { services: { name: string; image: string; environment?: Record<string, string>; depends_on?: string[] }[] } }).spec;
  return { p, list: spec.services };
};

describe('several services in one clause, each with its own name', () => {
  it.each([
    ['add nginx called lw14web on port 8093, and redis called lw14cache', { lw14web: 'nginx', lw14cache: 'redis' }],
    ['add nginx called web1 and redis called cache1', { web1: 'nginx', cache1: 'redis' }],
    ['add nginx named web1 and a redis named cache1', { web1: 'nginx', cache1: 'redis' }],
    ['set up nginx (call it front) and postgres (call it db)', { front: 'nginx', db: 'postgres' }],
    ['i need two services: nginx called front on 8080 and redis called sessions', { front: 'nginx', sessions: 'redis' }],
    ['nginx as front, redis as sessions', { front: 'nginx', sessions: 'redis' }],
    ['Add Postgres called pgmain and Redis named cache pls', { pgmain: 'postgres', cache: 'redis' }],
    ['spin up caddy called edge plus a redis called sessions', { edge: 'caddy', sessions: 'redis' }],
  ])('%s', (message, want) => {
    const { p, list } = svcs(message);
    const got = Object.fromEntries(list.map((s) => [s.name, s.image.split(/[:/]/)[0]]));
    expect(got, p.explanation).toEqual(want);
  });

  it('only the service that is named gets a name; the other keeps its own', () => {
    const { list } = svcs('add nginx and redis called sessions');
    expect(list.map((s) => s.name).sort()).toEqual(['nginx', 'sessions']);
  });

  it('WordPress talks to its database by the name the request gives it', () => {
    const { list } = svcs('wordpress with mysql called wpdb');
    const wp = list.find((s) => s.image.startsWith('wordpress'))!;
    expect(list.map((s) => s.name).sort()).toEqual(['wordpress', 'wpdb']);
    expect(wp.environment?.WORDPRESS_DB_HOST).toBe('wpdb');
    expect(wp.depends_on).toEqual(['wpdb']);
  });

  it('one service with a name is still named (the one-service path)', () => {
    expect(svcs('add a redis called sessions').list.map((s) => s.name)).toEqual(['sessions']);
  });
});
