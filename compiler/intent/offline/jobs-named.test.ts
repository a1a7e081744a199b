import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runOfflineEngine } from './engine.js';
import { parseSchedule } from './schedule.js';
import type { StateFiles } from '../provider.js';

const NOW = new Date('2026-05-01T10:00:00Z');
const say = (message: string, files: StateFiles = {}) => runOfflineEngine({ message, files, history: [], secretNames: [], imageCatalog: {}, now: NOW });
const after = (...requests: string[]): StateFiles => requests.reduce<StateFiles>((files, r) => ({ ...files, ...say(r, files).files }), {});
type Job = { name: string; schedule: string; container?: string; image?: string; command?: string };
const jobs = (files: StateFiles) => (parse(files['scheduled.yaml'] ?? 'spec: {jobs: []}') as { spec: { jobs: Job[] } }).spec.jobs;

// Round 23 (intent2), my own wording: the minute of an hourly job said in words ("at quarter
// past every hour", "on the half hour", "ten past each hour"); every phrasing here read as
// minute 0 before.
describe('the minute past the hour said in words', () => {
  it.each([
    ['at quarter past every hour', '15 * * * *'],
    ['every hour at quarter past', '15 * * * *'],
    ['At A Quarter Past Each Hour', '15 * * * *'],
    ['at half past every hour', '30 * * * *'],
    ['every hour on the half hour', '30 * * * *'],
    ['at a quarter to every hour', '45 * * * *'],
    ['at ten past every hour', '10 * * * *'],
    ['5 minutes past every hour', '5 * * * *'],
    ['hourly at twenty past', '20 * * * *'],
    ['every 2 hours at quarter past', '15 */2 * * *'],
    ['every hour, 15 minutes after the hour', '15 * * * *'],
    // Still a time of day, not a minute of every hour.
    ['at quarter past 2 every day', '15 2 * * *'],
    ['at half past midnight', '30 0 * * *'],
  ])('%s', (text, cron) => {
    expect(parseSchedule(text)?.cron).toBe(cron);
  });

  const base = after('add a service called api from image ghcr.io/acme/api:1.4 on port 3000');
  it.each([
    ['at quarter past every hour run /app/tick in api', '15 * * * *'],
    ['run /app/tick in the api container at half past every hour', '30 * * * *'],
    ['every hour at quarter past, run /app/tick in api', '15 * * * *'],
  ])('job: %s', (message, cron) => {
    expect(jobs({ ...base, ...say(message, base).files })).toEqual([expect.objectContaining({ schedule: cron, container: 'api', command: '/app/tick' })]);
  });
});

// A command said first with no verb, then the utility container it runs in ("hourly, curl …
// from a little utility container"): a job of its own image, never a question.
describe('a command with no verb in a utility container', () => {
  it.each([
    ['hourly, curl https://example.com/ping from a little utility container', '0 * * * *', 'curl https://example.com/ping', 'busybox:latest'],
    ['every 10 minutes: curl -fsS https://hc.example.com/x in a throwaway container', '*/10 * * * *', 'curl -fsS https://hc.example.com/x', 'busybox:latest'],
    ['curl -fsS https://hc.example.com/ping every 5 mins from a tiny container', '*/5 * * * *', 'curl -fsS https://hc.example.com/ping', 'busybox:latest'],
    ['daily at 2am wget -qO- https://example.com/cron from a utility container', '0 2 * * *', 'wget -qO- https://example.com/cron', 'busybox:latest'],
    ['Hourly, curl https://example.com/ping from a small alpine container', '0 * * * *', 'curl https://example.com/ping', 'alpine'], // the image as said (round 36)
    ['nightly at 1: curl https://example.com/ping in a separate container', '0 1 * * *', 'curl https://example.com/ping', 'busybox:latest'],
    ['run curl https://example.com/ping every hour in a utility container', '0 * * * *', 'curl https://example.com/ping', 'busybox:latest'],
  ])('%s', (message, cron, command, image) => {
    const r = say(message);
    expect(r.questions ?? []).toEqual([]);
    expect(jobs(r.files)).toEqual([expect.objectContaining({ schedule: cron, command, image })]);
    // A utility container has no network: a command that fetches a URL is warned about.
    expect((r.warnings ?? []).join(' ')).toMatch(/no network/);
  });
});

// A job's own name said ("a job called warm-cache that runs …", "…, call the job warm-cache"):
// the job is named so, and the name is never part of its command.
describe('a job named when it is asked for', () => {
  const base = after('add a service called api from image ghcr.io/acme/api:1.4 on port 3000');
  it.each([
    ['schedule a job called warm-cache that runs curl -s http://api:3000/warm every 5 minutes in the api container', 'curl -s http://api:3000/warm', '*/5 * * * *'],
    ['add a cron job named nightly-report which runs /app/report.sh in api every night at 2', '/app/report.sh', '0 2 * * *'],
    ['a job warm-cache that runs /app/warm.sh in api every 5 minutes', '/app/warm.sh', '*/5 * * * *'],
    ['every 5 minutes run /app/warm.sh in api, call the job warm-cache', '/app/warm.sh', '*/5 * * * *'],
    ['every 5 minutes run /app/warm.sh in api and name it warm-cache', '/app/warm.sh', '*/5 * * * *'],
    ['set up a task called warm-cache to run /app/warm.sh inside api every 5 minutes', '/app/warm.sh', '*/5 * * * *'],
    ['schedule a job called Warm-Cache that runs /app/warm.sh in api hourly', '/app/warm.sh', '0 * * * *'],
    ['create a cronjob named warm-cache: /app/warm.sh in api every 5 minutes', '/app/warm.sh', '*/5 * * * *'],
  ])('%s', (message, command, cron) => {
    const j = jobs({ ...base, ...say(message, base).files });
    const name = /nightly-report/.test(message) ? 'nightly-report' : 'warm-cache';
    expect(j).toEqual([expect.objectContaining({ name, schedule: cron, container: 'api', command })]);
  });
});

// "schedule a job" with nothing else: what, when and where are asked, nothing is changed.
describe('a job with nothing said asks', () => {
  const base = after('add a service called api from image ghcr.io/acme/api:1.4 on port 3000');
  it.each(['schedule a job', 'add a cron job', 'Create a scheduled task', 'i need a cronjob', 'set up a new job please', 'schedule a task for me', 'can you add a cron job?', 'new cron job'])('%s', (message) => {
    const r = say(message, base);
    expect(r.files).toEqual({});
    expect((r.questions ?? []).join(' ')).toMatch(/what should the job run/i);
  });
  it('a job with its command and time is still made', () => {
    // "a job that runs" was once part of the command.
    expect(jobs(say('schedule a job that runs /app/x in api every hour', base).files)).toEqual([expect.objectContaining({ command: '/app/x', container: 'api', schedule: '0 * * * *' })]);
  });
});

// The lead, after round 23's review (M1) and the merged tree's conversation-refs failure.
describe('a job named like one that exists; removing a job by its name', () => {
  const base = after(
    'add a service called api using image ghcr.io/acme/api:1',
    'add a service called worker using image ghcr.io/acme/worker:1',
    'every night at 1:30 run /app/cleanup.sh in worker, call the job worker-cleanup',
    'every hour run /app/tick in api, call the job tick',
  );
  it.each([
    'every hour run /app/other in api, call the job worker-cleanup',
    'a job called worker-cleanup that runs /app/other in api every hour',
    'schedule a job named worker-cleanup which runs /bin/other in worker every day at 5',
  ])('%s: asks, and the worker\'s cleanup job stays as it was (it was replaced whole)', (message) => {
    const r = say(message, base);
    expect(r.files).toEqual({});
    expect((r.questions ?? []).join(' ')).toContain('A job called worker-cleanup already runs "/app/cleanup.sh" in worker');
  });

  it.each([
    ['remove the worker-cleanup job', 'worker-cleanup'],
    ['delete the job worker-cleanup', 'worker-cleanup'],
    ['Remove job worker-cleanup please', 'worker-cleanup'],
    ['remove the cron job worker-cleanup', 'worker-cleanup'],
    ['remove the cleanup job', 'worker-cleanup'],
    ['drop the tick cron', 'tick'],
    ["please cancel the 'tick' task", 'tick'],
    ['get rid of the tick job', 'tick'],
  ])('%s: removes the job %s and nothing else (it was read as a service to remove)', (message, gone) => {
    const r = say(message, base);
    const files = { ...base, ...r.files };
    expect(jobs(files).map((j) => j.name).sort()).toEqual(jobs(base).map((j) => j.name).filter((n) => n !== gone).sort());
    expect(files['services.yaml']).toBe(base['services.yaml']);
  });

  it.each(['remove the cron job', 'delete the job', 'drop that cron job'])('%s: with one job, removes it; with two, asks which', (message) => {
    const one = after('add a service called worker using image ghcr.io/acme/worker:1', 'every night at 1:30 run /app/cleanup.sh in worker, call the job worker-cleanup');
    expect(jobs({ ...one, ...say(message, one).files })).toEqual([]);
    const r = say(message, base);
    expect(r.files).toEqual({});
    expect((r.questions ?? []).join(' ')).toMatch(/Which job: .*(?:tick|worker-cleanup)/);
  });

  it('a job no one has is said so, with the jobs there are; nothing changes', () => {
    const r = say('remove the nightly-export job', base);
    expect(r.files).toEqual({});
    expect(r.explanation).toContain('There is no job called nightly-export');
    expect(r.explanation).toMatch(/The jobs are: (?:worker-cleanup, tick|tick, worker-cleanup)\./);
  });

  it('"remove the backup job" is still the volume\'s backups (off, backups kept)', () => {
    const r = say('remove the backup job', after('set up postgres with daily backups'));
    expect(r.explanation).toContain('backups off');
  });

  it.each(['add a cron job that runs every hour', 'add a job that runs every night', 'create a task which runs daily at 5'])('%s: a schedule and no command asks what it runs', (message) => {
    const r = say(message, base);
    expect(r.files).toEqual({});
    expect((r.questions ?? []).join(' ')).toMatch(/What should the job run/);
  });
});
