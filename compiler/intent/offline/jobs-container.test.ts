import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runOfflineEngine } from './engine.js';
import type { StateFiles } from '../provider.js';

const NOW = new Date('2026-05-01T10:00:00Z');
const say = (message: string, files: StateFiles) => runOfflineEngine({ message, files, history: [], secretNames: [], imageCatalog: {}, now: NOW });

// Round 16, my own wording: a job whose command is several plain words ("bundle exec rake x"),
// with the container named after it ("in worker", "inside the worker container") and the
// schedule before, after or inside the sentence.
describe('jobs in a named container, the command said as words', () => {
  const files = say('run ghcr.io/acme/shop:2 as worker', {}).files;
  const jobs = (r: { files: StateFiles }) => (parse(r.files['scheduled.yaml'] ?? 'spec: {jobs: []}') as { spec: { jobs: { schedule: string; container: string; command: string }[] } }).spec.jobs;

  it.each([
    ['every 20 minutes run bundle exec rake mail:flush in worker', '*/20 * * * *', 'bundle exec rake mail:flush'],
    ['run bundle exec rake cache:warm every day at 5:40 inside the worker container', '40 5 * * *', 'bundle exec rake cache:warm'],
    ['at 7pm every day execute rails runner Report.send in the worker', '0 19 * * *', 'rails runner Report.send'],
  ])('%s', (message, cron, command) => {
    const j = jobs(say(message, files));
    expect(j).toEqual([expect.objectContaining({ schedule: cron, container: 'worker', command })]);
  });

  it('a container that does not exist is not taken as the end of a command', () => {
    expect(jobs(say('every 20 minutes run bundle exec rake x in billing', files))).toEqual([]);
  });
});
