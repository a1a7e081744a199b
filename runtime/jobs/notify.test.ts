/** Which notification a finished scheduled run sends (on_failure / on_success), and the anomaly key the observer notifies once per appearance. */
import { describe, expect, it } from 'vitest';
import type { JobSpec } from '../../plan/types.js';
import { anomalyKey } from '../observe/daemon.js';
import { jobNotification } from './scheduler.js';
import type { JobRun } from './store.js';

const job = (o: Partial<JobSpec>): JobSpec => ({ name: 'backup', schedule: '0 2 * * *', command: ['true'], ...o }) as JobSpec;
const run = (o: Partial<JobRun>): JobRun => ({ job: 'backup', runId: 'r1', trigger: 'schedule', startedAt: 'a', finishedAt: 'b', durationMs: 12, status: 'succeeded', exitCode: 0, where: 'service db', output: ['line 1', 'line 2'], ...o });

describe('jobNotification', () => {
  it('on_failure: notify is a warning, alert is critical; the output tail goes in the detail', () => {
    expect(jobNotification(job({ onFailure: 'notify' }), run({ status: 'failed', exitCode: 3 }))).toMatchObject({ source: 'scheduler', kind: 'job.failed', severity: 'warning', title: 'job backup failed (exit 3)', detail: ['run r1 in service db, 12 ms', 'line 1', 'line 2'] });
    expect(jobNotification(job({ onFailure: 'alert' }), run({ status: 'timed-out', exitCode: null, error: 'killed after 30m' }))).toMatchObject({ kind: 'job.failed', severity: 'critical', title: 'job backup timed-out', detail: ['run r1 in service db, 12 ms', 'killed after 30m', 'line 1', 'line 2'] });
  });
  it('on_success notify is info; ignore or unset sends nothing; a failure does not use on_success', () => {
    expect(jobNotification(job({ onSuccess: 'notify' }), run({}))).toMatchObject({ kind: 'job.succeeded', severity: 'info', title: 'job backup succeeded' });
    expect(jobNotification(job({ onSuccess: 'ignore', onFailure: 'ignore' }), run({}))).toBeNull();
    expect(jobNotification(job({}), run({ status: 'failed', exitCode: 1 }))).toBeNull();
    expect(jobNotification(job({ onSuccess: 'alert' }), run({ status: 'error', exitCode: null }))).toBeNull();
  });
  it('an anomaly is the same one while its kind, service and container are', () => {
    expect(anomalyKey({ kind: 'crash-loop', severity: 'critical', service: 'web', container: 'web-1', message: 'a' })).toBe(anomalyKey({ kind: 'crash-loop', severity: 'warning', service: 'web', container: 'web-1', message: 'b' }));
    expect(anomalyKey({ kind: 'crash-loop', severity: 'critical', service: 'web', message: 'a' })).not.toBe(anomalyKey({ kind: 'oom-killed', severity: 'critical', service: 'web', message: 'a' }));
  });
});
