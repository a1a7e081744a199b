import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { runOfflineEngine } from './engine.js';
import type { ConversationTurn, StateFiles } from '../provider.js';

// Found in the lead's tmux walkthrough (2026-12-05): after "set up postgres with daily backups at
// 2am", the refinement "keep 14 of them instead" proposed 14 replicas of postgres (and dropped its
// host port) besides keeping 14 backups. While backups are talked about, a count to keep is how
// many backups are kept; replicas need a word that says so ("running", "replicas", "instances").
const NOW = new Date('2026-05-01T10:00:00Z');
const CATALOG = { postgres: 'claude-os-local/postgres:latest', 'postgres:16-alpine': 'claude-os-local/postgres:latest', nginx: 'claude-os-local/web:latest', 'nginx:alpine': 'claude-os-local/web:latest' };
function turn(first: string, message: string) {
  const p1 = runOfflineEngine({ message: first, files: {}, history: [], secretNames: [], imageCatalog: CATALOG, now: NOW });
  const history: ConversationTurn[] = [{ role: 'user', text: first }, { role: 'assistant', text: p1.explanation }];
  const p = runOfflineEngine({ message, files: p1.files, history, secretNames: [], imageCatalog: CATALOG, now: NOW });
  const merged: StateFiles = { ...p1.files, ...p.files };
  const services = (parseYaml(merged['services.yaml'] ?? '') as { spec: { services: { name: string; replicas?: number }[] } }).spec.services;
  const volumes = (parseYaml(merged['storage.yaml'] ?? 'spec: {volumes: []}') as { spec: { volumes?: { name: string; backup?: { retain?: number } }[] } }).spec.volumes ?? [];
  return { p, replicas: (n: string) => services.find((s) => s.name === n)?.replicas ?? 1, retain: (v: string) => volumes.find((x) => x.name === v)?.backup?.retain };
}

describe('a count to keep, while backups are talked about, is the backups kept', () => {
  it.each([
    'keep 14 of them instead',
    'keep 14 of them',
    'keep 14 copies',
    'actually keep 14 of those',
    'ok keep fourteen of them',
    'KEEP 14 OF THEM PLS',
    'lets keep 14 of them',
    'hmm, keep 14 of those instead',
  ])('%s', (message) => {
    const r = turn('set up postgres with daily backups at 2am', message);
    expect(r.retain('postgres-data'), r.p.explanation).toBe(14);
    expect(r.replicas('postgres'), r.p.explanation).toBe(1);
    expect(r.p.explanation).not.toMatch(/replica/);
  });

  it('replicas said as replicas stay replicas, with no backups kept changed', () => {
    const r = turn('set up postgres with daily backups at 2am', 'keep 3 of them running');
    expect(r.replicas('postgres')).toBe(3);
    expect(r.retain('postgres-data')).toBe(7);
    expect(turn('set up postgres with daily backups at 2am', 'run 3 copies of it').replicas('postgres')).toBe(3);
  });

  it('with no backups in the talk, "keep 3 of them" is still replicas', () => {
    expect(turn('set up nginx', 'keep 3 of them').replicas('nginx')).toBe(3);
    expect(turn('set up nginx', 'run 3 copies').replicas('nginx')).toBe(3);
  });
});
