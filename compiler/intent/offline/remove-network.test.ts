import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { runOfflineEngine } from './engine.js';
import type { StateFiles } from '../provider.js';

// Found in the lead's tmux walkthrough (2026-12-05): "remove nginx and redis" removed both
// services but left `networks: [webstack]` declared with nothing on it, and so the network stayed
// in the engine. The last service on a network takes it with it.
const NOW = new Date('2026-05-01T10:00:00Z');
const CATALOG = { nginx: 'claude-os-local/web:latest', 'nginx:alpine': 'claude-os-local/web:latest', redis: 'claude-os-local/redis:latest', 'redis:7-alpine': 'claude-os-local/redis:latest', postgres: 'claude-os-local/postgres:latest', 'postgres:16-alpine': 'claude-os-local/postgres:latest' };
const step = (message: string, files: StateFiles) => {
  const p = runOfflineEngine({ message, files, history: [], secretNames: [], imageCatalog: CATALOG, now: NOW });
  return { p, files: { ...files, ...p.files } };
};
const doc = (f: StateFiles) => parseYaml(f['services.yaml']!) as { spec: { services: { name: string; networks?: string[] }[]; networks?: { name: string }[] } };

describe('the last service on a network takes the network with it', () => {
  const stack = () => step('set up nginx on port 8086 and redis', {}).files;

  it.each(['remove nginx and redis', 'delete nginx and redis', 'get rid of redis and nginx', 'remove both nginx and redis', 'drop nginx, redis'])('%s', (message) => {
    const before = stack();
    expect(doc(before).spec.networks?.map((n) => n.name)).toEqual(['webstack']);
    const r = step(message, before);
    expect(doc(r.files).spec.services).toEqual([]);
    expect(doc(r.files).spec.networks ?? []).toEqual([]);
    expect(r.p.explanation).toContain('- network webstack (no service is on it any more)');
  });

  it('removed one at a time, the network goes with the second', () => {
    const one = step('remove redis', stack());
    expect(doc(one.files).spec.networks?.map((n) => n.name)).toEqual(['webstack']);
    expect(one.p.explanation).not.toContain('network webstack');
    const two = step('remove nginx', one.files);
    expect(doc(two.files).spec.networks ?? []).toEqual([]);
  });

  it('a network another service is still on stays', () => {
    const three = step('set up nginx, postgres and redis', {}).files;
    const r = step('remove redis', three);
    expect(doc(r.files).spec.networks?.length).toBeGreaterThan(0);
    expect(r.p.explanation).not.toMatch(/- network/);
  });
});
