import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { normaliseSchedule, parseSchedule } from './schedule.js';
import { runOfflineEngine } from './engine.js';
import type { StateFiles } from '../provider.js';

// Round 17, my own wording (none of it from an eval set): schedules said every way, read by
// one normaliser for jobs and backups alike.
describe('schedules said every way', () => {
  const cron = (s: string) => parseSchedule(s)?.cron;

  it.each([
    ['every quarter hour', '*/15 * * * *'],
    ['Every Quarter-Hour', '*/15 * * * *'],
    ['quarter hourly', '*/15 * * * *'],
    ['4 times an hour', '*/15 * * * *'],
    ['every half an hour', '*/30 * * * *'],
    ['twice an hour', '*/30 * * * *'],
    ['every min', '* * * * *'],
    ['once a minute', '* * * * *'],
    ['every 5 mins', '*/5 * * * *'],
    ['every 10m', '*/10 * * * *'],
    ['each 3 hrs', '0 */3 * * *'],
    ['every twelve hours', '0 */12 * * *'],
  ])('intervals: %s', (said, expected) => expect(cron(said)).toBe(expected));

  it.each([
    ['twice a day', '0 */12 * * *'],
    ['2 times per day', '0 */12 * * *'],
    ['three times a day', '0 */8 * * *'],
    ['four times daily', '0 */6 * * *'],
    ['every other day', '0 3 */2 * *'],
    ['every second day at 5am', '0 5 */2 * *'],
    ['every other hour', '0 */2 * * *'],
    ['once a day at 7', '0 7 * * *'],
  ])('so many times a day, every other: %s', (said, expected) => expect(cron(said)).toBe(expected));

  it.each([
    ['half six in the evening every day', '30 18 * * *'],
    ['daily at half past 6', '30 6 * * *'],
    ['every day at quarter past three', '15 3 * * *'],
    ['every day at a quarter to 5 in the morning', '45 4 * * *'],
    ['daily at 0400', '0 4 * * *'],
    ['at 2330 every night', '30 23 * * *'],
    ['0645 hrs daily', '45 6 * * *'],
    ['every day at 23h15', '15 23 * * *'],
    ['at 04:00 every day', '0 4 * * *'],
    ['each day at six thirty pm', '30 18 * * *'],
  ])('times of day: %s', (said, expected) => expect(cron(said)).toBe(expected));

  it.each([
    ['mon-fri at 23:00', '0 23 * * 1-5'],
    ['monday through friday at 8am', '0 8 * * 1-5'],
    ['sat & sun at 10', '0 10 * * 0,6'],
    ['tue-thu at noon', '0 12 * * 2,3,4'],
    ['sunday nights', '0 23 * * 0'],
    ['friday evenings at 9pm', '0 21 * * 5'],
    ['saturdays 5am', '0 5 * * 6'],
    ['every day except weekends at 6', '0 6 * * 1-5'],
  ])('days of the week: %s', (said, expected) => expect(cron(said)).toBe(expected));

  it.each([
    ['every 10 minutes during business hours on weekdays', '*/10 9-16 * * 1-5'],
    ['every 5 mins, working hours, mon-fri', '*/5 9-16 * * 1-5'],
    ['every 15 minutes between 8am and 6pm', '*/15 8-17 * * *'],
    ['hourly from 9 to 5 on weekdays', '0 9-17 * * 1-5'],
    ['every 2 hours from 8 to 20', '0 8-20/2 * * *'],
    ['every 10 minutes on weekends', '*/10 * * * 0,6'],
  ])('intervals inside a window of hours and days: %s', (said, expected) => expect(cron(said)).toBe(expected));

  it.each([
    ['on the 1st of each month', '0 3 1 * *'],
    ['first of every month at midnight', '0 0 1 * *'],
    ['the 15th of the month at 6am', '0 6 15 * *'],
    ['monthly on the 3rd', '0 3 3 * *'],
    ['at the start of each month', '0 3 1 * *'],
  ])('days of the month: %s', (said, expected) => expect(cron(said)).toBe(expected));

  it('is idempotent, and leaves commands, paths and quoted text alone', () => {
    for (const s of ['every 15 minutes', 'every 2 days at 04:00', 'on weekdays at 18:30', 'every sunday night']) expect(normaliseSchedule(s)).toBe(s);
    expect(normaliseSchedule("run 'echo every min' in app")).toBe("run 'echo every min' in app");
    expect(normaliseSchedule('run /opt/mon-fri/x.sh')).toBe('run /opt/mon-fri/x.sh');
    expect(cron('add redis')).toBeUndefined();
  });
});

const NOW = new Date('2026-05-01T10:00:00Z');
const say = (message: string, files: StateFiles) => runOfflineEngine({ message, files, history: [], secretNames: [], imageCatalog: {}, now: NOW });
const jobs = (r: { files: StateFiles }) => (parse(r.files['scheduled.yaml'] ?? 'spec: {jobs: []}') as { spec: { jobs: { schedule: string; container: string; command: string }[] } }).spec.jobs;

describe('job sentences of every shape, with schedules said every way', () => {
  const files = say('run ghcr.io/acme/shop:2 as worker', {}).files;

  it.each([
    ['hourly: bundle exec rake stats:roll inside worker', '0 * * * *', 'bundle exec rake stats:roll'],
    ['every quarter hour: bin/sync (worker container)', '*/15 * * * *', 'bin/sync'],
    ['bundle exec rake mail:flush — every 10 min, in worker', '*/10 * * * *', 'bundle exec rake mail:flush'],
    ['bundle exec rake mail:flush every 5 mins in the worker container', '*/5 * * * *', 'bundle exec rake mail:flush'],
    ['mon-fri at half five in the evening: bundle exec rake report in worker', '30 17 * * 1-5', 'bundle exec rake report'],
    ['schedule bundle exec rake sitemap nightly at 0230 in worker', '30 2 * * *', 'bundle exec rake sitemap'],
    ['twice a day run bundle exec rake backup:prune in worker', '0 */12 * * *', 'bundle exec rake backup:prune'],
    ['Every Other Day run bundle exec rake compact in worker', '0 3 */2 * *', 'bundle exec rake compact'],
    ['on the 1st of each month at 6, run bundle exec rake invoices in worker', '0 6 1 * *', 'bundle exec rake invoices'],
    ['friday nights: bundle exec rake digest in worker', '0 23 * * 5', 'bundle exec rake digest'],
  ])('%s', (message, cron, command) => {
    expect(jobs(say(message, files))).toEqual([expect.objectContaining({ schedule: cron, container: 'worker', command })]);
  });

  it('a command said after "with" that looks like one; never "with a 5 minute delay"', () => {
    const db = say('add postgres', {}).files;
    expect(jobs(say('reindex the postgres db every saturday at 1am with reindexdb --all', db))).toEqual([expect.objectContaining({ schedule: '0 1 * * 6', container: 'postgres', command: 'reindexdb --all' })]);
    expect(jobs(say('restart postgres every night with a 5 minute delay', db))).toEqual([]);
  });
});

describe('a job with no service of its own runs in a utility container', () => {
  const files = say('run ghcr.io/acme/shop:2 as worker', {}).files;
  it.each([
    ['every day at 2 in the afternoon run wget -qO- https://hc.example.net/ping from a small alpine container', '0 14 * * *', 'alpine', 'wget -qO- https://hc.example.net/ping'],
    ['run curl -fsS https://hc.example.net/x in a utility container every 5 min', '*/5 * * * *', 'busybox:latest', 'curl -fsS https://hc.example.net/x'],
    ['Nightly at 1am, run date inside a throwaway debian:12 container', '0 1 * * *', 'debian:12', 'date'],
  ])('%s', (message, cron, image, command) => {
    const r = say(message, files);
    expect(jobs(r)).toEqual([{ name: expect.any(String), schedule: cron, image, command }]);
  });
  it('a service said as the container is that service, not an image', () => {
    expect(jobs(say('run bin/sync in the worker container every hour', files))).toEqual([expect.objectContaining({ container: 'worker', command: 'bin/sync' })]);
  });
});

describe('backups read the same schedules', () => {
  const files = say('create a volume called media at /srv/media', {}).files;
  const backup = (message: string) => (parse(say(message, files).files['storage.yaml'] ?? '{}') as { spec?: { volumes?: { name: string; backup?: { schedule?: string } }[] } }).spec?.volumes?.find((v) => v.name === 'media')?.backup?.schedule;

  it.each([
    ['back up media every other day', '0 3 */2 * *'],
    ['backups for media: mon-fri at 2330', '30 23 * * 1-5'],
    ['back up media twice a day', '0 */12 * * *'],
    ['back up media sunday nights', '0 23 * * 0'],
    ['media backups on the 1st of each month', '0 3 1 * *'],
    ['back up media daily at half past one', '30 1 * * *'],
  ])('%s', (message, cron) => expect(backup(message)).toBe(cron));
});

describe('backup sentences of every shape', () => {
  const files = say('add postgres and create a volume called media at /srv/media', {}).files;
  const vols = (message: string) => (parse(say(message, files).files['storage.yaml'] ?? '{}') as { spec?: { volumes?: { name: string; backup?: { schedule?: string; type?: string } }[] } }).spec?.volumes ?? [];
  const of = (message: string, name: string) => vols(message).find((v) => v.name === name)?.backup;

  it.each([
    ['back the media volume up every other day', 'media', '0 3 */2 * *'],
    ['Back my media up on weekdays at 2330', 'media', '30 23 * * 1-5'],
    ['take a dump of postgres twice a day', 'postgres-data', '0 */12 * * *'],
    ['dump the db every 8 hours', 'postgres-data', '0 */8 * * *'],
    ['pls keep a db dump of postgres every four hours', 'postgres-data', '0 */4 * * *'],
    ['weekly backups of media, sundays 4am', 'media', '0 4 * * 0'],
    ['media backups please, mon-fri at half ten in the evening', 'media', '30 22 * * 1-5'],
  ])('%s', (message, volume, cron) => expect(of(message, volume)?.schedule).toBe(cron));

  it('a snapshot is a backup with its services paused; a plain backup is an archive', () => {
    expect(of('snapshot the media volume every 4 hours', 'media')).toMatchObject({ schedule: '0 */4 * * *', type: 'snapshot' });
    expect(of('back up media every 4 hours', 'media')).toMatchObject({ schedule: '0 */4 * * *', type: 'archive' });
  });
});
