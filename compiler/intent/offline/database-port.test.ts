import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runOfflineEngine } from './engine.js';
import type { StateFiles } from '../provider.js';

// MEND-22, issue 4: whether a database publishes a port by default was decided (yes, 127.0.0.1
// only: stdlib-templates/README.md). What must hold beside it: the default is loopback (never
// the network), and a person who wants the database reachable only from the other containers
// gets that in one sentence. "postgres must not be reachable from the host" and "keep postgres
// internal" were not read as that before ("not understood"; the port stayed).
const NOW = new Date('2026-05-01T10:00:00Z');
const run = (message: string, files: StateFiles = {}) => runOfflineEngine({ message, files, history: [], secretNames: [], imageCatalog: {}, now: NOW });
type Port = { host?: number; container: number; host_ip?: string };
const ports = (files: StateFiles, name: string) => ((parse(files['services.yaml'] ?? '{}') as { spec?: { services?: { name: string; ports?: Port[] }[] } }).spec?.services ?? []).find((s) => s.name === name)?.ports;

describe('a database publishes on 127.0.0.1 only, and is taken off the host in one sentence', () => {
  const stack = run('set up nginx, postgres and redis').files;
  it('the default: loopback only, for postgres and redis; nginx on every address', () => {
    expect(ports(stack, 'postgres')).toEqual([{ host: 5432, container: 5432, host_ip: '127.0.0.1' }]);
    expect(ports(stack, 'redis')?.[0]?.host_ip).toBe('127.0.0.1');
    expect(ports(stack, 'nginx')?.[0]?.host_ip).toBeUndefined();
  });
  it.each([
    'postgres should only be reachable from the other containers',
    'make postgres reachable only from the other containers',
    'postgres must not be reachable from the host',
    "postgres mustn't be reachable from outside",
    'keep postgres internal',
    "don't publish the postgres port",
  ])('%s', (message) => {
    const p = run(message, stack);
    expect(ports({ ...stack, ...p.files }, 'postgres'), p.explanation).toBeUndefined();
    expect(p.explanation).toContain('~ postgres: no host port');
    expect(ports({ ...stack, ...p.files }, 'nginx')).toEqual(ports(stack, 'nginx'));
  });
  it('said when it is set up', () => {
    const p = run('set up postgres reachable only from the other containers');
    expect(ports(p.files, 'postgres')).toBeUndefined();
  });
});
