import { describe, expect, it } from 'vitest';
import { caseFailures, runConversation } from '../../../fixtures/intent-eval/run.js';
import { after, jobs, say } from '../../../test/offline-engine.js';

// Round 28 (intent2), docs/intent.md "After round 28". Two mechanisms of English about jobs,
// each paradigm written from English before the engine was run on it.
type Want = Record<string, unknown>;
const APP = 'run ghcr.io/acme/app:1.0 as app';
const turns = (before: string[], said: string[], expect: Want[]) =>
  runConversation({ id: 't', request: '', before, turns: said.map((request, i) => ({ request, expect: i === said.length - 1 ? expect : [] })) }).flatMap((r) => r.failures);

// 1. What a job runs said in a relative or purpose clause after the job and its schedule: "a job
// … that runs X", "which runs X", "to run X", "running X", "doing X", unquoted, to the end of the
// clause. The job's name comes from the command, and a later turn keeps the command.
describe('the command of a job said in a relative or purpose clause (jobCommandClause)', () => {
  it.each<[string, string]>([
    ['add a job in app every day at 4 that runs python manage.py clearsessions', 'clearsessions'],
    ['add a job in app every day at 4 which runs python manage.py clearsessions', 'clearsessions'],
    ['add a job in app every day at 4 to run python manage.py clearsessions', 'clearsessions'],
    ['a daily job at 4 in app running python manage.py clearsessions', 'clearsessions'],
    ['set up a cron in app, daily at 4, that executes python manage.py clearsessions', 'clearsessions'],
    ['I need a job in app every day at 4 that will run python manage.py clearsessions', 'clearsessions'],
    ['schedule something in app every day at 4 that calls python manage.py clearsessions', 'clearsessions'],
    ['make a task in the app container for 4am daily which executes python manage.py clearsessions', 'clearsessions'],
    ['create a daily 4am job in app whose command is python manage.py clearsessions', 'clearsessions'],
    ['add a cronjob in app at 4 every day doing python manage.py clearsessions', 'clearsessions'],
    ['new job for app every day at 4 that does python manage.py clearsessions', 'clearsessions'],
    ['add a job in app every day at 4 that should run python manage.py clearsessions', 'clearsessions'],
    ['pls add job in app daily @ 4 that run python manage.py clearsessions', 'clearsessions'],
    ['add a job in app every day at 4 with the command python manage.py clearsessions', 'clearsessions'],
  ])('"%s"', (request, has) =>
    expect(caseFailures(request, [{ job_schedule: ['0 4 * * *'], container: 'app', command_has: has }], [APP])).toEqual([]));

  it('h21-247: the turn after keeps the command', () =>
    expect(turns([APP], ['add a job in app every day at 4 that runs python manage.py clearsessions', 'move it to 5am'], [{ job_schedule: ['0 5 * * *'], container: 'app', command_has: 'clearsessions' }])).toEqual([]));
  it("the job's name comes from the command", () => {
    const files = after(APP, 'add a job in app every day at 4 that runs python manage.py clearsessions');
    expect(jobs(files).map((j) => j.name)).toEqual([expect.stringMatching(/clearsessions/)]);
  });
});

// 2. A job referred to by a change when there are several: "change the job to every 10 minutes"
// with two jobs asks which; naming one proceeds. And a job paused and resumed: "pause", "disable",
// "turn off", "switch off", "suspend", "put on hold", "stop running"; "resume", "re-enable",
// "turn back on", "unpause", "switch on again" — a job's `enabled:`, nothing removed.
const TWO = [APP, 'every night at 1 run ./report.sh in app, call it nightly-report', 'every hour run ./sync.sh in app, call it sync'];
const enabled = (files: ReturnType<typeof after>, name: string) => jobs(files).find((j) => j.name === name) as { enabled?: boolean } | undefined;

describe('which job: several jobs and a change that names none asks; a job paused and resumed (handleJob, jobPause)', () => {
  it('"change the job to every 10 minutes" with two jobs asks which, and changes nothing', () => {
    const p = say('change the job to every 10 minutes', after(...TWO));
    expect(p.questions?.length ?? 0).toBeGreaterThan(0);
    expect(Object.keys(p.files)).toEqual([]);
  });
  it('"change the sync job to every 10 minutes" with two jobs changes that one', () =>
    expect(caseFailures('change the sync job to every 10 minutes', [{ job: 'sync', schedule: '*/10 * * * *' }, { job: 'nightly-report', schedule: '0 1 * * *' }], TWO)).toEqual([]));

  it.each<string>([
    'pause the nightly-report job',
    'disable the nightly-report job',
    'turn off the nightly-report job',
    'switch off nightly-report',
    'suspend the nightly-report cron',
    'put the nightly-report job on hold',
    'stop running nightly-report for now',
    'hold off on the nightly-report job',
    'nightly-report: pause it',
    'deactivate the nightly-report task',
    'skip the nightly-report job until further notice',
    'mute the nightly-report job',
  ])('"%s" sets enabled: false and keeps the job', (request) => {
    const files = { ...after(...TWO) };
    const p = say(request, files);
    const next = { ...files, ...p.files };
    expect(enabled(next, 'nightly-report')?.enabled).toBe(false);
    expect(enabled(next, 'sync')?.enabled).not.toBe(false);
  });

  it.each<string>([
    'resume the nightly-report job',
    're-enable nightly-report',
    'turn the nightly-report job back on',
    'unpause nightly-report',
    'enable the nightly-report job again',
    'switch nightly-report on again',
  ])('"%s" after a pause sets it running again', (request) => {
    const files = after(...TWO, 'pause the nightly-report job');
    const next = { ...files, ...say(request, files).files };
    expect(enabled(next, 'nightly-report')?.enabled).not.toBe(false);
    expect(jobs(next).length).toBe(2);
  });
});

// Fresh requests of the same two mechanisms in other settings (another service, a turn, a
// utility-free worker), written after the mechanisms were built and before they were run; the
// first-run count is in docs/intent.md "After round 28".
describe('fresh: a command in a relative clause, a job paused, which job', () => {
  const WORKER = 'run ghcr.io/acme/worker:2 as worker';
  it.each<[string, Want[], string[]]>([
    ['schedule a task on the worker every 15 minutes which runs node scripts/expire.js', [{ job_schedule: ['*/15 * * * *'], container: 'worker', command_has: 'expire.js' }], [WORKER]],
    ['a weekly job in worker, sundays at 6, that runs bundle exec rake db:cleanup', [{ job_schedule: ['0 6 * * 0', '0 6 * * 7', '0 6 * * sun', '0 6 * * SUN'], container: 'worker', command_has: 'rake db:cleanup' }], [WORKER]],
    ['need an hourly cron in worker to execute php artisan queue:prune-batches', [{ job_schedule: ['0 * * * *'], container: 'worker', command_has: 'queue:prune-batches' }], [WORKER]],
    ['add a nightly job at 23:30 for the worker running ./bin/compact --all', [{ job_schedule: ['30 23 * * *'], container: 'worker', command_has: 'compact --all' }], [WORKER]],
  ])('"%s"', (request, want, before) => expect(caseFailures(request, want, before)).toEqual([]));
  it.each<[string[], string[], Want[]]>([
    [[WORKER], ['add a job in worker at 2am daily that runs npm run prune', 'make it 3am'], [{ job_schedule: ['0 3 * * *'], container: 'worker', command_has: 'npm run prune' }]],
    [[WORKER, 'every night at 1 run ./a.sh in worker, call it alpha', 'every night at 2 run ./b.sh in worker, call it beta'], ['switch off the beta job'], [{ job: 'beta', schedule: '0 2 * * *' }]],
  ])('%j then %j', (before, said, want) => expect(turns(before, said, want)).toEqual([]));
  const TWO_W = [WORKER, 'every night at 1 run ./a.sh in worker, call it alpha', 'every night at 2 run ./b.sh in worker, call it beta'];
  it('"turn the beta job off for the weekend" pauses beta only', () => {
    const files = after(...TWO_W);
    const next = { ...files, ...say('turn the beta job off for a while', files).files };
    expect([enabled(next, 'alpha')?.enabled, enabled(next, 'beta')?.enabled]).toEqual([undefined, false]);
  });
  it('"pause the job" with two jobs asks which and changes nothing', () => {
    const p = say('pause the job', after(...TWO_W));
    expect([p.questions?.length ?? 0, Object.keys(p.files)]).toEqual([1, []]);
  });
  it('"make the job run every 5 minutes" right after a job was made changes that job', () =>
    expect(turns(TWO_W, ['every hour run ./c.sh in worker, call it gamma', 'make the job run every 5 minutes'], [{ job: 'gamma', schedule: '*/5 * * * *' }, { job: 'alpha', schedule: '0 1 * * *' }])).toEqual([]));
  it('"bring alpha back" after a pause resumes it', () => {
    const files = after(...TWO_W, 'disable alpha');
    const next = { ...files, ...say('bring alpha back', files).files };
    expect(enabled(next, 'alpha')?.enabled).not.toBe(false);
    expect(enabled(files, 'alpha')?.enabled).toBe(false);
  });
});
