import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runOfflineEngine } from './engine.js';
import type { StateFiles } from '../provider.js';

// Round 20, my own wording: the host's name said as the machine's, the box's, the computer's.
const NOW = new Date('2026-05-01T10:00:00Z');
const say = (message: string, files: StateFiles = {}) => runOfflineEngine({ message, files, history: [], secretNames: [], imageCatalog: {}, now: NOW });
const hostname = (files: StateFiles) => (parse(files['manifest.yaml'] ?? 'spec: {}') as { spec: { hostname?: string } }).spec.hostname;

describe('the machine name is the hostname', () => {
  it.each([
    ['change the machine name to edge-7 pls', 'edge-7'],
    ['machine name should be db1', 'db1'],
    ["set the computer's name to build-box", 'build-box'],
    ['Machine Name: gw-02', 'gw-02'],
    ['i want the box name to be lab-3', 'lab-3'],
    ['call this machine web-04', 'web-04'],
    ['name of this server should be api-eu-1', 'api-eu-1'],
    ['rename the machine to staging-2 and add redis', 'staging-2'],
  ])('%s', (message, name) => {
    expect(hostname(say(message).files)).toBe(name);
  });
});
