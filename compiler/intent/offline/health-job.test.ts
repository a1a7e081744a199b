// Round 27's health check said in words (readHealthcheck) took "a health check job every minute
// in web: curl -f http://localhost:8080/" for the service's own health check: held-out 17's
// h17-259 turn 3, which passed before, asked for a scheduled job. A job, cron or task that checks
// health is a job; a health check with none of those words is the service's own.
import { describe, expect, it } from 'vitest';
import { after, jobs, say, svc } from '../../../test/offline-engine.js';
import type { StateFiles } from '../provider.js';

const base = after('deploy acme/web:2 as web on 8080');
const result = (message: string) => {
  const files: StateFiles = { ...base, ...say(message, base).files };
  return { jobs: jobs(files).map((j) => [j.schedule, j.container, /curl/.test(JSON.stringify(j.command))]), healthcheck: (svc(files, 'web') as { healthcheck?: { test?: unknown } } | undefined)?.healthcheck?.test !== undefined };
};

describe('a job that checks health is a job', () => {
  it.each([
    ['then just a health check job every minute in web: curl -f http://localhost:8080/', '* * * * *'],
    ['a health check job every minute in web: curl -f http://localhost:8080/', '* * * * *'],
    ['add a cron job in web that runs a health check every 5 minutes: curl -f http://localhost:8080/health', '*/5 * * * *'],
  ])('%s', (message, schedule) => {
    expect(result(message)).toEqual({ jobs: [[schedule, 'web', true]], healthcheck: false });
  });
});

describe("a health check with no job is the service's own", () => {
  it.each(['add a healthcheck to web: curl -f http://localhost:8080/', 'web health: `curl -f http://localhost:8080/`, every 30s, 3 retries'])('%s', (message) => {
    expect(result(message)).toEqual({ jobs: [], healthcheck: true });
  });
});
