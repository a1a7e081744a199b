import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runOfflineEngine } from './engine.js';
import { parseSchedule } from './schedule.js';
import type { StateFiles } from '../provider.js';

const NOW = new Date('2026-05-01T10:00:00Z');
const say = (message: string, files: StateFiles = {}, history: { role: 'user' | 'assistant'; text: string }[] = []) => runOfflineEngine({ message, files, history, secretNames: [], imageCatalog: {}, now: NOW });
const after = (...requests: string[]): StateFiles => requests.reduce<StateFiles>((files, r) => ({ ...files, ...say(r, files).files }), {});
type Job = { name: string; schedule: string; container?: string; image?: string; command?: string };
const jobs = (files: StateFiles) => (parse(files['scheduled.yaml'] ?? 'spec: {jobs: []}') as { spec: { jobs: Job[] } }).spec.jobs;

const base = after('add a service called app from image ghcr.io/acme/app:1 on port 8000', 'add a service called worker from image ghcr.io/acme/worker:1', 'add nginx');

/** One job in `container` on `cron` running exactly `command` (or a command containing `has`), and no file but scheduled.yaml changed. */
function expectJob(message: string, cron: string, container: string, command: { is?: string; has?: string }, files: StateFiles = base) {
  const r = say(message, files);
  expect(r.refused).toBeUndefined();
  expect(r.questions ?? []).toEqual([]);
  const added = jobs({ ...files, ...r.files }).filter((j) => !jobs(files).some((o) => o.name === j.name));
  expect(added).toHaveLength(1);
  expect(added[0]).toEqual(expect.objectContaining({ schedule: cron, container }));
  if (command.is !== undefined) expect(added[0]!.command).toBe(command.is);
  if (command.has !== undefined) expect(added[0]!.command).toContain(command.has);
  expect((Object.keys(r.files) as (keyof StateFiles)[]).filter((f) => r.files[f] !== files[f])).toEqual(['scheduled.yaml']);
}

// Round 24 (intent2), my own wording: a schedule, then "SERVICE: COMMAND" (or the other way
// round); every phrasing here was not understood, or made a service of the command, before.
describe('a schedule, then SERVICE: COMMAND', () => {
  it.each([
    ['every friday 18:30, worker: ./bin/report', '30 18 * * 5', 'worker', './bin/report'],
    ['Nightly at 2, app: php artisan cache:prune', '0 2 * * *', 'app', 'php artisan cache:prune'],
    ['noon every day, worker: node scripts/noon.js', '0 12 * * *', 'worker', 'node scripts/noon.js'],
    ['weekdays at 9am - app: ./bin/standup', '0 9 * * 1-5', 'app', './bin/standup'],
    ['every 20 minutes in worker: ./poll --once', '*/20 * * * *', 'worker', './poll --once'],
    ['app: ./bin/weekly-digest every monday at 7am', '0 7 * * 1', 'app', './bin/weekly-digest'],
    ['Every Sunday 04:00, worker: ./vacuum', '0 4 * * 0', 'worker', './vacuum'],
    ['at midnight every day, the worker container: npm run purge:cache', '0 0 * * *', 'worker', 'npm run purge:cache'],
    ['ok and every tuesday 06:15, app: ./bin/tue', '15 6 * * 2', 'app', './bin/tue'],
  ])('%s', (message, cron, container, command) => expectJob(message, cron, container, { is: command }));
});

describe('a raw cron line', () => {
  it.each([
    ['cron 30 2 * * * in worker: ./bin/cleanup', '30 2 * * *', 'worker', './bin/cleanup'],
    ['`*/15 * * * *` run ./poll in worker', '*/15 * * * *', 'worker', './poll'],
    ['crontab: 0 4 * * 0 ./bin/rotate in app', '0 4 * * 0', 'app', './bin/rotate'],
    ['add a cron 0 */2 * * * that runs /app/sync.sh inside app', '0 */2 * * *', 'app', '/app/sync.sh'],
    ['0 5 * * 1-5 app: ./bin/mail', '0 5 * * 1-5', 'app', './bin/mail'],
    ['run ./bin/tick in worker on cron */5 * * * *', '*/5 * * * *', 'worker', './bin/tick'],
    ['Cron "0 1 1 * *", app: ./bin/invoice --monthly', '0 1 1 * *', 'app', './bin/invoice --monthly'],
  ])('%s', (message, cron, container, command) => expectJob(message, cron, container, { is: command }));

  it.each([
    ['cron 0 */6 * * *', '0 */6 * * *'],
    ['on the schedule `15 3 * * 1,3,5`', '15 3 * * 1,3,5'],
  ])('parseSchedule(%s)', (text, cron) => expect(parseSchedule(text)?.cron).toBe(cron));

  it('an invalid cron line is no schedule', () => {
    expect(parseSchedule('cron 99 */6 * * *')).toBeUndefined();
  });
});

describe('SERVICE should run COMMAND, with the schedule before or after', () => {
  it.each([
    ['every hour worker should run ./bin/tick', '0 * * * *', 'worker', './bin/tick'],
    ['every 10 minutes the app needs to run ./poll', '*/10 * * * *', 'app', './poll'],
    ['app should run ./bin/digest every monday at 8', '0 8 * * 1', 'app', './bin/digest'],
    ['have the worker run ./bin/tick every half hour', '*/30 * * * *', 'worker', './bin/tick'],
    ['each night at 3 worker must run php artisan prune', '0 3 * * *', 'worker', 'php artisan prune'],
    ['Every half hour, App should run php artisan queue:work --stop-when-empty', '*/30 * * * *', 'app', 'php artisan queue:work --stop-when-empty'],
    ['every 5 mins worker has to run ./heartbeat', '*/5 * * * *', 'worker', './heartbeat'],
  ])('%s', (message, cron, container, command) => expectJob(message, cron, container, { is: command }));
});

// A cleanup job said with what it does first, then the container and its command: a job,
// never a removal of the service the description names ("delete nginx access logs" removed nginx).
describe('what the job does, then the container and its command', () => {
  it.each([
    ['every night at 1 delete old uploads, in the app container: find /srv/uploads -mtime +7 -delete', '0 1 * * *', 'app', '-mtime +7 -delete'],
    ['clean tmp files every day at 4, inside worker: find /tmp -type f -mtime +2 -delete', '0 4 * * *', 'worker', 'find /tmp -type f -mtime +2 -delete'],
    ['every sunday at 5 remove nginx cache files older than a week, in nginx: find /var/cache/nginx -type f -mtime +7 -delete', '0 5 * * 0', 'nginx', '/var/cache/nginx'],
  ])('%s', (message, cron, container, has) => expectJob(message, cron, container, { has }));
});

describe('what stays as it was', () => {
  it('a service no one has is asked about, never made', () => {
    const r = say('every night at 2, ghost: ./bin/x', base);
    expect(r.files['services.yaml'] ?? base['services.yaml']).toBe(base['services.yaml']);
    expect(jobs({ ...base, ...r.files })).toEqual([]);
  });
  it('"app: ./bin/x" with no schedule is no job', () => {
    const r = say('app: ./bin/x', base);
    expect(jobs({ ...base, ...r.files })).toEqual([]);
  });
  it('a request to remove a service still removes it', () => {
    const r = say('delete nginx', base);
    expect(r.files['services.yaml']).not.toContain('name: nginx');
  });
});
