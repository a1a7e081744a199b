import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { compileFiles } from '../../compile.js';
import { runOfflineEngine } from './engine.js';
import type { StateFiles } from '../provider.js';

const NOW = new Date('2026-05-01T10:00:00Z');
const say = (message: string, files: StateFiles = {}) => runOfflineEngine({ message, files, history: [], secretNames: [], imageCatalog: {}, now: NOW });
const after = (...requests: string[]): StateFiles => requests.reduce<StateFiles>((files, r) => ({ ...files, ...say(r, files).files }), {});
type Port = { host?: number; container: number };
const portsOf = (files: StateFiles, name: string): Port[] =>
  ((parse(files['services.yaml'] ?? 'spec: {services: []}') as { spec: { services: { name: string; ports?: Port[] }[] } }).spec.services.find((s) => s.name === name)?.ports ?? []).map((p) => ({ host: p.host, container: p.container }));
const pairs = (files: StateFiles, name: string) => portsOf(files, name).map((p) => `${p.host}:${p.container}`).sort();
const errors = (files: StateFiles) => compileFiles(files as Record<string, string>).diagnostics.filter((d) => d.severity === 'error').map((d) => d.code);

// Round 19, my own wording: several ports of one service in one request. A port said with
// "also", "too", "as well", "in addition" or beside one it already has is added and the
// others kept; a port the container already listens on is published for that container port.
describe('a second port is added beside the first', () => {
  const base = after('add nginx on port 80');
  it.each([
    'also make nginx listen on 443',
    'nginx should listen on 443 too',
    'add port 443 to nginx as well',
    'and nginx on 443 in addition',
    'nginx: listen on 80 and 443',
    'Make Nginx listen on both 80 and 443 please',
    'keep 80 and also publish nginx on 443',
    'nginx, additionally on port 443',
    'let nginx also answer on 443',
  ])('%s', (message) => {
    const out = { ...base, ...say(message, base).files };
    expect(pairs(out, 'nginx')).toEqual(['443:443', '80:80']);
    expect(errors(out)).toEqual([]);
  });

  it('without an additive word one port moves the one there', () => {
    expect(pairs({ ...base, ...say('move nginx to 8080', base).files }, 'nginx')).toEqual(['8080:80']);
  });
});

describe('a new service said with several ports', () => {
  it.each([
    // traefik keeps its dashboard (8088 to 8080) beside the two ports said.
    ['i want traefik as the reverse proxy listening on 80 and 443', 'traefik', ['443:443', '8088:8080', '80:80']],
    ['traefik on ports 80, 443', 'traefik', ['443:443', '8088:8080', '80:80']],
    ['caddy on 443 thx', 'caddy', ['443:443', '80:80']],
    ['add caddy on 80 and 443', 'caddy', ['443:443', '80:80']],
    ['add gitea with the web ui on 3000 and its ssh on 2222', 'gitea', ['2222:22', '3000:3000']],
    ['gitea pls, web on 3001, ssh on 2223', 'gitea', ['2223:22', '3001:3000']],
    ['set up gitea and put its ssh on port 2222', 'gitea', ['2222:22', '3000:3000']],
  ])('%s', (message, name, expected) => {
    const out = say(message).files;
    expect(pairs(out, name)).toEqual([...expected].sort());
    expect(errors(out)).toEqual([]);
  });
});

describe('a host port mapped to a container port', () => {
  it.each([
    ['pls run acme/frontend:4.0.0 as web, map host 8080 to container 80', ['8080:80']],
    ['run acme/frontend:4 as web with 8080:80', ['8080:80']],
    ['add a service web from acme/frontend:4, host port 8081 -> container port 80', ['8081:80']],
    ['acme/frontend:4 as web, container port 80 on host port 8082', ['8082:80']],
    ['run acme/frontend:4 as web, expose its port 80 on 9090', ['9090:80']],
    ['Run acme/frontend:4 named web, forward 8083 to 80', ['8083:80']],
  ])('%s', (message, expected) => {
    expect(pairs(say(message).files, 'web')).toEqual(expected);
  });
});

describe('a port moved from one number to another', () => {
  const base = after('add nginx on port 80', 'deploy ghcr.io/acme/api:1.4 as api on port 8080', 'add redis');
  it.each([
    ['nginx: 80 -> 8000 pls', 'nginx', ['8000:80']],
    ['nginx 80 => 8001', 'nginx', ['8001:80']],
    ['change the api port from 8080 to 8088', 'api', ['8088:8080']],
    ['move api from 8080 to 18080', 'api', ['18080:8080']],
    ['the api port clashes with something, use 18080 for it', 'api', ['18080:8080']],
    ['Use port 18081 for the api', 'api', ['18081:8080']],
    ['api: switch 8080 for 9080', 'api', ['9080:8080']],
  ])('%s', (message, name, expected) => {
    const out = { ...base, ...say(message, base).files };
    expect(pairs(out, name)).toEqual(expected);
    expect(out['services.yaml']!.includes('name: redis')).toBe(true);
    expect(pairs(out, 'redis')).toEqual(pairs(base, 'redis'));
  });
});
