import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runOfflineEngine } from './engine.js';
import type { StateFiles } from '../provider.js';

const NOW = new Date('2026-05-01T10:00:00Z');
const say = (message: string, files: StateFiles = {}) => runOfflineEngine({ message, files, history: [], secretNames: [], imageCatalog: {}, now: NOW });
const after = (...requests: string[]): StateFiles => requests.reduce<StateFiles>((files, r) => ({ ...files, ...say(r, files).files }), {});
type Svc = { name: string; state?: string; restart_token?: string; annotations?: Record<string, string> };
const services = (files: StateFiles) => (parse(files['services.yaml'] ?? 'spec: {services: []}') as { spec: { services: Svc[] } }).spec.services;

const base = after('run ghcr.io/acme/worker:1.4 as worker', 'run nginx as legacy on port 8090', 'set up postgres');
const names = (files: StateFiles) => services(files).map((s) => s.name).sort();

// Round 24 (intent2), my own wording. A restart said as "kill X and bring it back up",
// "bounce", "recycle", "cycle": X restarted, nothing removed, nothing else changed.
describe('a restart said another way', () => {
  it.each([
    'kill the worker and bring it back up, its hung',
    'kill worker and start it again',
    'stop the worker and start it back up',
    'bounce the worker',
    'recycle the worker please',
    'cycle worker',
    'power cycle the worker container',
    'Bounce Worker, it is stuck',
    'the worker is hung, kill it and bring it back',
    'give the worker a restart',
  ])('%s', (message) => {
    const r = say(message, base);
    expect(r.understood).not.toBe(false);
    expect(r.questions ?? []).toEqual([]);
    expect(names({ ...base, ...r.files })).toEqual(names(base));
    expect(r.explanation).toMatch(/restart/i);
    expect(r.explanation).not.toMatch(/legacy|postgres/);
  });
});

// A removal said as "purge", "nuke", "axe", "ditch", "scrap", "get rid of": the one named goes.
describe('a removal said another way', () => {
  it.each([
    'purge the old legacy service',
    'nuke the legacy service',
    'axe legacy',
    'ditch the legacy container',
    'scrap legacy, we do not use it',
    'get rid of the old legacy service',
    'Purge Legacy',
    'please axe the legacy app',
  ])('%s', (message) => {
    const r = say(message, base);
    expect(r.refused).toBeUndefined();
    expect(r.questions ?? []).toEqual([]);
    expect(names({ ...base, ...r.files })).toEqual(['postgres', 'worker']);
  });
});

// "deploy my app" with no image said: which image is asked, nothing is made.
describe('an app with nothing said of it', () => {
  it.each(['deploy my app', 'deploy our application please', 'can you deploy my app?', 'run my app', 'ship my app', 'put my app on the server', 'I want to deploy my service'])('%s', (message) => {
    const r = say(message, base);
    expect(r.files).toEqual({});
    expect((r.questions ?? []).join(' ')).toMatch(/image/i);
  });
  it('an image said is deployed', () => {
    const r = say('deploy my app from ghcr.io/acme/shop:2 on port 8080', base);
    expect(services({ ...base, ...r.files }).some((s) => s.name !== 'worker' && (s as { image?: string }).image === 'ghcr.io/acme/shop:2')).toBe(true);
  });
});
