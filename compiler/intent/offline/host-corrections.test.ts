import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runOfflineEngine } from './engine.js';
import type { ConversationTurn, StateFiles } from '../provider.js';

const NOW = new Date('2026-05-01T10:00:00Z');
const say = (message: string, files: StateFiles = {}, history: ConversationTurn[] = []) => runOfflineEngine({ message, files, history, secretNames: [], imageCatalog: {}, now: NOW });
/** A conversation: each turn on the files the turns before made, with the turns before as history. */
function talk(...turns: string[]): { files: StateFiles; last: ReturnType<typeof say> } {
  let files: StateFiles = {};
  const history: ConversationTurn[] = [];
  let last = say('', files);
  for (const t of turns) {
    last = say(t, files, history);
    files = { ...files, ...last.files };
    history.push({ role: 'user', text: t }, { role: 'assistant', text: last.explanation });
  }
  return { files, last };
}
const manifest = (files: StateFiles) => (parse(files['manifest.yaml'] ?? 'spec: {}') as { spec: { hostname?: string; timezone?: string } }).spec;

// Round 24 (intent2), my own wording: the host setting just made, corrected with only the new
// value ("wait, no. UTC"): it was not understood (a correction knew numbers, sizes, times and
// addresses only).
describe('a host setting corrected with its new value', () => {
  it.each([
    [['timezone to tokyo', 'wait, no. UTC'], 'timezone', 'UTC'],
    [['set the timezone to Europe/Berlin', 'no, Europe/Lisbon'], 'timezone', 'Europe/Lisbon'],
    [['set timezone to london', 'sorry, I meant paris'], 'timezone', 'Europe/Paris'],
    [['timezone: new york', 'actually chicago'], 'timezone', 'America/Chicago'],
    [['set the hostname to web-01', 'oops, web-02'], 'hostname', 'web-02'],
    [['rename the box to alpha', 'no wait, bravo'], 'hostname', 'bravo'],
    [['call the server edge-1', 'Hmm, no: edge-9 instead'], 'hostname', 'edge-9'],
  ])('%j', (turns, key, value) => {
    const { files, last } = talk(...turns);
    expect(last.questions ?? []).toEqual([]);
    expect(manifest(files)[key as 'hostname' | 'timezone']).toBe(value);
  });

  it('the value of another kind is not put in its place', () => {
    const { files } = talk('set the timezone to Europe/Berlin', 'no, 4am');
    expect(manifest(files).timezone).toBe('Europe/Berlin');
  });
  it('a correction after a request with no value to change changes nothing', () => {
    const { files } = talk('add postgres', 'wait, no. UTC');
    expect(files['services.yaml']).not.toMatch(/name: utc/i);
  });
});

// The hostname's old value said in a clause of its own, set off by commas: the old value was
// read as the new one, or nothing was understood.
describe('the old hostname said between commas', () => {
  it.each([
    ['the machine name is old-box at the moment, change it to web-7', 'web-7'],
    ['set the hostname, which is old-box now, to web-7', 'web-7'],
    ['the hostname is box1 right now; rename it to web-7', 'web-7'],
    ["the server's name is currently box1, make it web-7", 'web-7'],
    ['change the hostname, currently box1, to web-7', 'web-7'],
  ])('%s', (message, name) => {
    const r = say(message);
    expect(r.questions ?? []).toEqual([]);
    expect(manifest(r.files).hostname).toBe(name);
  });
});
