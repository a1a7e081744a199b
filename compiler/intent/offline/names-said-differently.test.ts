import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runOfflineEngine } from './engine.js';
import type { StateFiles } from '../provider.js';

// Round 22, my own wording (issue 22, held-out 15's class "names people write differently"):
// a time zone said as a place with its accents or without ("são paulo", "Zürich"), as a
// country's time ("UK time"), or as an abbreviation; a wildcard certificate ("*.lab.example.com",
// "a wildcard cert for lab.example.com").
const NOW = new Date('2026-05-01T10:00:00Z');
const say = (message: string, files: StateFiles = {}) => runOfflineEngine({ message, files, history: [], secretNames: [], imageCatalog: {}, now: NOW });
const zone = (files: StateFiles) => (parse(files['manifest.yaml'] ?? 'spec: {}') as { spec: { timezone?: string } }).spec.timezone;
const certs = (files: StateFiles) => (parse(files['security.yaml'] ?? 'spec: {}') as { spec: { certificates?: { domains: string[]; provider: string }[] } }).spec.certificates ?? [];

describe('a time zone said as a place, with accents or not', () => {
  it.each([
    ['set timezone to são paulo', 'America/Sao_Paulo'],
    ['set timezone to sao paulo', 'America/Sao_Paulo'],
    ['Timezone: São Paulo', 'America/Sao_Paulo'],
    ['the server should be on Zürich time', 'Europe/Zurich'],
    ['use UK time', 'Europe/London'],
    ['set the clock to u.k. time please', 'Europe/London'],
    ['put the server on new york time', 'America/New_York'],
    ['timezone CET please', 'Europe/Berlin'],
    ["we're in são paulo now, fix the timezone", 'America/Sao_Paulo'],
    ['change the tz to Montréal', 'America/Toronto'],
  ])('%s', (message, want) => {
    const r = say(message);
    expect(zone(r.files), r.explanation).toBe(want);
  });
});

describe('a wildcard certificate', () => {
  it.each([
    ['make me a self signed wildcard cert for *.lab.example.com', '*.lab.example.com', 'self-signed'],
    ['self-signed certificate for *.dev.example.org', '*.dev.example.org', 'self-signed'],
    ['a self signed wildcard certificate for lab.example.com', '*.lab.example.com', 'self-signed'],
    ['wildcard cert *.int.example.net, self signed', '*.int.example.net', 'self-signed'],
  ])('%s', (message, domain, provider) => {
    const r = say(message);
    expect(certs(r.files).map((c) => [c.domains[0], c.provider]), r.explanation).toEqual([[domain, provider]]);
  });
});
