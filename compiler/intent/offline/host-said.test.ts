import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runOfflineEngine } from './engine.js';
import type { StateFiles } from '../provider.js';

const NOW = new Date('2026-05-01T10:00:00Z');
const say = (message: string, files: StateFiles = {}) => runOfflineEngine({ message, files, history: [], secretNames: [], imageCatalog: {}, now: NOW });
const after = (...requests: string[]): StateFiles => requests.reduce<StateFiles>((files, r) => ({ ...files, ...say(r, files).files }), {});
const spec = (files: StateFiles) => (parse(files['manifest.yaml'] ?? 'spec: {}') as { spec: { hostname?: string; timezone?: string } }).spec;
const serviceNames = (files: StateFiles) => ((parse(files['services.yaml'] ?? 'spec: {services: []}') as { spec: { services: { name: string }[] } }).spec.services ?? []).map((s) => s.name);

// Round 23 (intent2), my own wording: the hostname's old value said on the way ("from whatever
// it is now to X", "from old-box to X", "(currently old-box)") was read as the new one.
describe('the hostname changed from its old value', () => {
  const base = after('set the hostname to old-box');
  it.each([
    ['change the hostname from whatever it is now to build-server-2'],
    ['change hostname from old-box to build-server-2'],
    ['Change The Hostname From Whatever It Is To build-server-2'],
    ['rename the server from old-box to build-server-2'],
    ['switch the hostname over from old-box to build-server-2 please'],
    ['set hostname (currently old-box) to build-server-2'],
    ['hostname should be build-server-2 instead of old-box'],
  ])('%s', (message) => {
    expect(spec({ ...base, ...say(message, base).files }).hostname).toBe('build-server-2');
  });
});

// "name it gateway and set the timezone …": with no service under discussion and the host
// spoken of, "it" is the machine.
describe('"name it X" said of the machine', () => {
  it.each([
    ['name it gateway and set timezone to Australia/Sydney', 'Australia/Sydney'],
    ['set timezone to Australia/Sydney and name it gateway', 'Australia/Sydney'],
    ['call it gateway, timezone Australia/Sydney', 'Australia/Sydney'],
    ['Name It gateway and put it on Sydney time', 'Australia/Sydney'],
    ['name this box gateway and set the timezone to UTC', 'UTC'],
  ])('%s', (message, zone) => {
    const s = spec(say(message).files);
    expect(s.hostname).toBe('gateway');
    expect(s.timezone).toBe(zone);
  });
  it('a service just added is what "name it" renames', () => {
    const f = say('add redis and name it cache').files;
    expect(serviceNames(f)).toEqual(['cache']);
    expect(spec(f).hostname).toBeUndefined();
  });
});
