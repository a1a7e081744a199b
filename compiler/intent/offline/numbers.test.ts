import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { numbersInWords } from './language.js';
import { runOfflineEngine } from './engine.js';
import type { StateFiles } from '../provider.js';

// Round 17, my own wording (none of it from an eval set): numbers said in words wherever a
// number goes, read by one normaliser before the rules.
describe('numbers said aloud', () => {
  it.each([
    ['one point five cores', '1.5 cores'],
    ['Two Point Five gigs', '2.5 gigs'],
    ['zero point five cpu', '0.5 cpu'],
    ['three and a half gigs', '3.5 gigs'],
    ['port eighty eighty', 'port 8080'],
    ['on eighty four forty three', 'on 8443'],
    ['four four three', '443'],
    ['thirty three oh six', '3306'],
    ['five twelve megs', '512 megs'],
    ['two fifty six mb', '256 mb'],
    ['three thousand', '3000'],
    ['nine thousand and ninety', '9090'],
  ])('%s', (said, digits) => expect(numbersInWords(said)).toBe(digits));

  it('leaves single words, "oh" alone and quoted text to the rules after it', () => {
    expect(numbersInWords('the one I added')).toBe('the one I added');
    expect(numbersInWords('oh five replicas')).toBe('oh five replicas');
    expect(numbersInWords('set GREETING to "four four three"')).toBe('set GREETING to "four four three"');
  });
});

const NOW = new Date('2026-05-01T10:00:00Z');
const say = (message: string, files: StateFiles) => runOfflineEngine({ message, files, history: [], secretNames: [], imageCatalog: {}, now: NOW });
type Svc = { name: string; replicas?: number; ports?: { host: number; container: number }[]; resources?: { memory?: string; cpu?: string } };
const svc = (files: StateFiles, name: string) => (parse(files['services.yaml'] ?? 'spec: {services: []}') as { spec: { services: Svc[] } }).spec.services.find((s) => s.name === name);

describe('numbers in words in every slot', () => {
  const files = say('add nginx and redis', {}).files;
  const after = (message: string, name: string) => svc({ ...files, ...say(message, files).files }, name);

  it.each([
    ['give nginx one point five cores', '1.5'],
    ['nginx: two point five cpus please', '2.5'],
    ['limit nginx to zero point five cores', '0.5'],
    ['nginx, one and a half cpus', '1.5'],
  ])('cpus: %s', (message, cpu) => expect(after(message, 'nginx')?.resources?.cpu).toBe(cpu));

  it.each([
    ['give redis two and a half gigs', '2560Mi'],
    ['redis to five twelve megs', '512Mi'],
    ['cap redis at two fifty six mb of ram', '256Mi'],
    ['redis, half a gig of memory', '512Mi'],
    ['give redis one point five gigabytes', '1536Mi'],
  ])('sizes: %s', (message, memory) => expect(after(message, 'redis')?.resources?.memory).toBe(memory));

  it.each([
    ['move nginx to port eighty eighty', 8080],
    ['put nginx on eighty eight eighty eight', 8888],
    ['nginx on port nine thousand and ninety instead', 9090],
    ['publish nginx on port eighty eighty one', 8081],
  ])('ports: %s', (message, port) => expect(after(message, 'nginx')?.ports?.map((p) => p.host)).toContain(port));

  it.each([
    ['scale nginx to a couple of replicas', 2],
    ['run three of nginx', 3],
    ['nginx with a pair of replicas', 2],
    ['scale nginx to twelve', 12],
  ])('replicas: %s', (message, n) => expect(after(message, 'nginx')?.replicas).toBe(n));
});

describe('several ports in one request', () => {
  const rules = (message: string) => (parse(say(message, {}).files['network.yaml'] ?? 'spec: {firewall: {rules: []}}') as { spec: { firewall?: { rules?: { port?: number | number[]; action: string }[] } } }).spec.firewall?.rules ?? [];
  const ports = (message: string) => rules(message).flatMap((r) => (Array.isArray(r.port) ? r.port : r.port === undefined ? [] : [r.port]));
  it.each([
    ['open 80 and 443 to the world', [80, 443]],
    ['Allow 8080 & 8443 from 10.0.0.0/8', [8080, 8443]],
    ['block 25, 465 and 587', [25, 465, 587]],
    ['pls open 3000 plus 3001', [3000, 3001]],
    ['open eighty and four four three', [80, 443]],
  ])('%s', (message, expected) => expect(ports(message).sort((a, b) => a - b)).toEqual(expected));
});
