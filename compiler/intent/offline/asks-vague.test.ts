import { describe, expect, it } from 'vitest';
import { runOfflineEngine } from './engine.js';
import type { StateFiles } from '../provider.js';

const NOW = new Date('2026-05-01T10:00:00Z');
const say = (message: string, files: StateFiles = {}) => runOfflineEngine({ message, files, history: [], secretNames: [], imageCatalog: {}, now: NOW });
const after = (...requests: string[]): StateFiles => requests.reduce<StateFiles>((files, r) => ({ ...files, ...say(r, files).files }), {});

// Round 23 (intent2), my own wording: a thing pointed at that nothing names ("the old one",
// "that ip", "the thing we talked about yesterday"): a question back, nothing changed (it was
// "I did not understand").
describe('a thing nothing names is asked about', () => {
  const base = after('add nginx', 'add redis');
  it.each([
    'delete the old one',
    'remove the old one please',
    'get rid of the older one',
    'Stop The New One',
    'restart that thing',
    'install the thing we talked about yesterday',
    'set up what we discussed last week',
    'add the app i mentioned earlier',
    'block that ip',
    'ban this address',
    "block that guy's ip",
    'whitelist that ip please',
  ])('%s', (message) => {
    const r = say(message, base);
    expect(r.files).toEqual({});
    expect(r.refused).toBeUndefined();
    expect((r.questions ?? []).length).toBeGreaterThan(0);
  });
  it.each([
    ['block 203.0.113.7', 'network.yaml'],
    ['remove redis', 'services.yaml'],
  ])('said by name it is done: %s', (message, file) => {
    expect(Object.keys(say(message, base).files)).toContain(file);
  });
});
