import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runOfflineEngine } from './engine.js';
import { numbersInWords } from './language.js';
import type { StateFiles } from '../provider.js';

const NOW = new Date('2026-05-01T10:00:00Z');
const say = (message: string, files: StateFiles = {}) => runOfflineEngine({ message, files, history: [], secretNames: [], imageCatalog: {}, now: NOW });
const after = (...requests: string[]): StateFiles => requests.reduce<StateFiles>((files, r) => ({ ...files, ...say(r, files).files }), {});
type Job = { name: string; schedule: string; container?: string };
const jobs = (files: StateFiles) => (parse(files['scheduled.yaml'] ?? 'spec: {jobs: []}') as { spec: { jobs: Job[] } }).spec.jobs;
type Vol = { name: string; backup?: { enabled?: boolean; schedule?: string; retain?: number } };
const volume = (files: StateFiles, name: string) => (parse(files['storage.yaml'] ?? 'spec: {volumes: []}') as { spec: { volumes: Vol[] } }).spec.volumes.find((v) => v.name === name);

// Round 24 (intent2), my own wording: a time of day said in words after "at" ("at one
// thirty", "at eleven forty-five pm"); each was read as one number ("at 130") before.
describe('a time of day in words', () => {
  const pg = after('set up postgres', 'add a service called app from image ghcr.io/acme/app:1 on port 8000');
  it.each([
    ['back up postgres every night at one thirty', '30 1 * * *'],
    ['back up postgres daily at two fifteen', '15 2 * * *'],
    ['nightly postgres backups at eleven forty-five pm', '45 23 * * *'],
    ['back up the database at seven oh five every morning', '5 7 * * *'],
    ['Back up postgres every Sunday at Four Thirty am', '30 4 * * 0'],
    ['make sure the db is backed up every night at three twenty', '20 3 * * *'],
  ])('backup: %s', (message, cron) => {
    const r = say(message, pg);
    expect(volume({ ...pg, ...r.files }, 'postgres-data')?.backup?.schedule).toBe(cron);
  });
  it.each([
    ['run ./bin/report in app every day at three forty five', '45 3 * * *'],
    ['every weekday at nine thirty am run ./bin/standup in app', '30 9 * * 1-5'],
  ])('job: %s', (message, cron) => {
    const r = say(message, pg);
    expect(jobs({ ...pg, ...r.files }).map((j) => j.schedule)).toEqual([cron]);
  });
  it.each([
    ['at one thirty every night', 'at 1:30 every night'],
    ['daily at ten oh five', 'daily at 10:05'],
    // Not a time: ports and sizes said in groups stay numbers.
    ['move redis to port eighty eighty', 'move redis to port 8080'],
    ['limit redis to five twelve megs', 'limit redis to 512 megs'],
    ['at eighty eighty every night', 'at 8080 every night'],
  ])('numbersInWords(%s)', (text, read) => expect(numbersInWords(text)).toBe(read));
});

// The number of backups kept said as "retention N" ("retention 5", "retention: 9", "a
// retention of 4"): it was "Not done" (the pattern wanted two spaces after "retention").
describe('retention said as a noun', () => {
  const media = after('create a volume called media at /data/media');
  it.each([
    ['media volume: backups at 01:30 daily, retention 5', 5, '30 1 * * *'],
    ['back up media daily, retention of 10', 10, '0 3 * * *'],
    ['back up media nightly with a retention of 4', 4, '0 3 * * *'],
    ['back up media every day at 2, retention: 9', 9, '0 2 * * *'],
    ['Backups for media weekly, Retention 3 backups', 3, '0 3 * * 0'],
    ['back up media daily, retention period 6', 6, '0 3 * * *'],
  ])('%s', (message, retain, cron) => {
    const r = say(message, media);
    expect(r.questions ?? []).toEqual([]);
    expect(volume({ ...media, ...r.files }, 'media')?.backup).toEqual(expect.objectContaining({ enabled: true, retain, schedule: cron }));
  });
  it('retention alone, for backups already on', () => {
    const on = after('create a volume called media at /data/media', 'back up media daily');
    const r = say('retention 12 for the media backups', on);
    expect(volume({ ...on, ...r.files }, 'media')?.backup).toEqual(expect.objectContaining({ retain: 12, schedule: '0 3 * * *' }));
  });
});
