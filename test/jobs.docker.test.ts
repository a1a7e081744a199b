/**
 * Scheduled jobs against the real Docker Engine, with the local busybox image:
 * `claude jobs run` runs a utility job that writes into its declared mount (the file
 * appears under CLAUDE_ROOT); a failing job records its exit code (last run, event, audit);
 * jobs past their timeout are killed, in a utility container and exec'd in a service's
 * container; the scheduler runs a job when its cron expression fires and removes the job
 * containers an interrupted run left (not those of a run in progress). Every name carries
 * this run's suffix; containers and temp dirs are removed afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { writeFileAtomic } from '../common/fsutil.js';
import type { JobSpec } from '../plan/types.js';
import { main } from '../cli/main.js';
import { readAudit } from '../runtime/audit.js';
import { acquirePidLock } from '../runtime/pidlock.js';
import { removeDockerByName } from '../runtime/testutil/docker-cleanup.js';
import { dockerFromEnv, JobScheduler, readLastRuns, runJob, type JobRun } from '../runtime/jobs/index.js';

const tag = `cjob${randomBytes(3).toString('hex')}`;
const IMAGE = 'claude-os-local/busybox:latest';
const hostId = `host-test-${tag}`;
const svc = `svc-${tag}`;
let base: string;
let dataDir: string;
let root: string;

const out = { source: '/data/out', target: '/out', readonly: false };
const job = (name: string, command: string[], o: Partial<JobSpec> = {}): JobSpec => ({ name: `${name}-${tag}`, schedule: '0 3 * * *', command, timeoutMs: 20_000, ...o });
const jobs = {
  write: job('write', ['sh', '-c', 'echo hello > /out/result.txt && echo wrote /out/result.txt'], { image: IMAGE, mounts: [out] }),
  fail: job('fail', ['sh', '-c', 'echo oops; echo bad >&2; exit 3'], { image: IMAGE }),
  slow: job('slow', ['sleep', '30'], { image: IMAGE, timeoutMs: 1000 }),
  inSvc: job('insvc', ['sh', '-c', 'echo in-service; cat /etc/svc-marker'], { container: svc }),
  slowSvc: job('slowsvc', ['sh', '-c', 'sleep 31; echo never'], { container: svc, timeoutMs: 1000 }),
  tick: job('tick', ['sh', '-c', 'echo tick >> /out/ticks'], { schedule: '* * * * * *', image: IMAGE, mounts: [out] }),
  noSvc: job('nosvc', ['true'], { container: `absent-${tag}` }),
  quick: job('quick', ['true'], { image: IMAGE, timeoutMs: 3_600_000 }),
};

function installSchedule(list: JobSpec[]): void {
  writeFileAtomic(join(dataDir, 'schedule.json'), JSON.stringify({ jobs: list }, null, 2) + '\n', 0o600);
}

async function cli(argv: string[]) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let o = '';
  let e = '';
  stdout.on('data', (c: Buffer) => (o += c.toString()));
  stderr.on('data', (c: Buffer) => (e += c.toString()));
  const code = await main(argv, { stdout, stderr, stdin: new PassThrough(), isTTY: false, env: { CLAUDE_DATA_DIR: dataDir, CLAUDE_ROOT: root, USER: 'alice', PATH: process.env.PATH ?? '' }, cwd: base, now: () => new Date() });
  return { code, out: o, err: e };
}

const docker = (...args: string[]) => execFileSync('docker', args, { encoding: 'utf8' }).trim();
const jobContainers = () => docker('ps', '-aq', '--filter', `label=claude.os/job-run`, '--filter', `name=${tag}`);
const events = () =>
  readFileSync(join(dataDir, 'events.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
const opts = async () => ({ docker: await dockerFromEnv({}), dataDir, root, hostId, now: () => new Date(), trigger: 'manual' as const, actor: 'test' });

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), `claude-jobs-${tag}-`));
  dataDir = join(base, 'data');
  root = join(base, 'root');
  writeFileAtomic(join(dataDir, 'host-id'), hostId + '\n');
  installSchedule(Object.values(jobs).filter((j) => j !== jobs.tick));
  docker('run', '-d', '--name', svc, '--label', 'claude.os/managed=true', '--label', `claude.os/service=${svc}`, '--label', `claude.os/host=${hostId}`, IMAGE, 'sh', '-c', 'echo marker > /etc/svc-marker; exec sleep 3600');
});

afterAll(() => {
  removeDockerByName(tag);
  rmSync(base, { recursive: true, force: true });
});

describe('claude jobs', () => {
  it('run NAME with a 1 h timeout: bin/claude exits as soon as the job does (the timer is cleared)', async () => {
    const started = Date.now();
    const r = await new Promise<{ code: number | null; out: string }>((res) => {
      const child = execFile(join(process.cwd(), 'bin', 'claude'), ['jobs', 'run', jobs.quick.name], { env: { CLAUDE_DATA_DIR: dataDir, CLAUDE_ROOT: root, USER: 'alice', PATH: process.env.PATH ?? '' }, timeout: 120_000 }, (err, stdout, stderr) =>
        res({ code: err ? ((err as { code?: number }).code ?? null) : 0, out: stdout + stderr }),
      );
      child.stdin?.end();
    });
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain(`job ${jobs.quick.name} succeeded`);
    // before the fix the process stayed alive for the job's whole timeout (1 h; killed at 120 s)
    expect(Date.now() - started).toBeLessThan(60_000);
  }, 150_000);

  it('run NAME: a utility job writes into its declared mount; recorded as job.succeeded', async () => {
    const r = await cli(['jobs', 'run', jobs.write.name]);
    expect(r.code, r.out + r.err).toBe(0);
    expect(r.out).toMatch(new RegExp(`^✓ job ${jobs.write.name} succeeded in utility container claude-job-${jobs.write.name}-\\S+ \\(image ${IMAGE}\\): exit 0, `));
    expect(r.out).toContain('│ wrote /out/result.txt');
    expect(readFileSync(join(root, 'data/out/result.txt'), 'utf8')).toBe('hello\n');
    expect(jobContainers()).toBe(''); // removed after the run
    const ev = events().filter((e) => e.job === jobs.write.name);
    expect(ev).toEqual([expect.objectContaining({ type: 'job.succeeded', trigger: 'manual', status: 'succeeded', exitCode: 0, output: ['wrote /out/result.txt'] })]);
    const audit = readAudit(dataDir).filter((a) => a.details.job === jobs.write.name);
    expect(audit).toEqual([expect.objectContaining({ actor: 'alice', event: 'job.succeeded', details: expect.objectContaining({ exitCode: 0, status: 'succeeded', outputLines: 1 }) })]);
  });

  it('a failing job records its exit code and last output; claude jobs lists the outcome and the next run', async () => {
    const r = await cli(['jobs', 'run', jobs.fail.name, '--json']);
    expect(r.code).toBe(1);
    const run = JSON.parse(r.out) as JobRun;
    expect(run).toMatchObject({ job: jobs.fail.name, status: 'failed', exitCode: 3, trigger: 'manual' });
    expect([...run.output].sort()).toEqual(['bad', 'oops']);
    expect(events().filter((e) => e.job === jobs.fail.name)).toEqual([expect.objectContaining({ type: 'job.failed', exitCode: 3 })]);
    expect(readAudit(dataDir).filter((a) => a.details.job === jobs.fail.name)).toEqual([expect.objectContaining({ event: 'job.failed', details: expect.objectContaining({ exitCode: 3 }) })]);

    const list = await cli(['jobs', '--json']);
    expect(list.code).toBe(0);
    const listed = (JSON.parse(list.out) as { jobs: (JobSpec & { nextRun: string; lastRun: JobRun | null })[] }).jobs;
    const failed = listed.find((j) => j.name === jobs.fail.name)!;
    expect(failed.lastRun).toMatchObject({ status: 'failed', exitCode: 3, runId: run.runId });
    expect(new Date(failed.nextRun).getUTCHours()).toBe(3);
    expect(listed.find((j) => j.name === jobs.slow.name)!.lastRun).toBeNull();

    const text = await cli(['jobs']);
    expect(text.out).toMatch(/^JOB\s+SCHEDULE\s+RUNS IN\s+NEXT RUN\s+LAST RUN$/m);
    expect(text.out).toMatch(new RegExp(`^${jobs.fail.name}\\s+0 3 \\* \\* \\*\\s+image ${IMAGE}\\s+\\S+T03:00:00Z\\s+failed \\S+, exit 3, `, 'm'));
    expect(text.out).toMatch(new RegExp(`^${jobs.inSvc.name}\\s+0 3 \\* \\* \\*\\s+service ${svc}\\s+\\S+\\s+never$`, 'm'));

    const unknown = await cli(['jobs', 'run', `nope-${tag}`]);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain(`no scheduled job 'nope-${tag}'; the jobs are: `);
  });

  it('a utility job past its timeout is killed and its container removed', async () => {
    const run = await runJob(jobs.slow, await opts());
    expect(run).toMatchObject({ status: 'timed-out', exitCode: 137, error: 'killed after its timeout of 1000 ms' });
    expect(jobContainers()).toBe('');
    expect(readLastRuns(dataDir)[jobs.slow.name]).toMatchObject({ status: 'timed-out', runId: run.runId });
  });

  it("a job with container: runs by docker exec in the service's container; past its timeout the exec'd processes are killed", async () => {
    const ok = await runJob(jobs.inSvc, await opts());
    expect(ok).toMatchObject({ status: 'succeeded', exitCode: 0, where: `container ${svc} (service ${svc})`, output: ['in-service', 'marker'] });

    const slow = await runJob(jobs.slowSvc, await opts());
    expect(slow).toMatchObject({ status: 'timed-out', where: `container ${svc} (service ${svc})` });
    expect(slow.output).not.toContain('never');
    expect(docker('exec', svc, 'ps', '-o', 'args')).not.toContain('sleep 31');
    expect(docker('inspect', '-f', '{{.State.Running}}', svc)).toBe('true'); // the service itself is untouched

    const none = await runJob(jobs.noSvc, await opts());
    expect(none).toMatchObject({ status: 'error', exitCode: null });
    expect(none.error).toContain(`service absent-${tag} has no running container`);
  });

  it('the scheduler runs a job when its cron expression fires, and removes job containers an interrupted run left', async () => {
    installSchedule([jobs.tick]);
    // left by a daemon killed mid-run; and one whose run is still going (its lock is held by a live process)
    const left = `claude-job-left-${tag}-1`;
    const busy = `claude-job-busy-${tag}-1`;
    for (const [name, j] of [[left, `left-${tag}`], [busy, `busy-${tag}`]] as const) docker('create', '--name', name, '--label', `claude.os/job=${j}`, '--label', 'claude.os/job-run=x', '--label', `claude.os/host=${hostId}`, IMAGE, 'true');
    mkdirSync(join(dataDir, 'jobs'), { recursive: true });
    const release = await acquirePidLock(join(dataDir, 'jobs', `busy-${tag}.lock`));
    const runs: JobRun[] = [];
    const s = new JobScheduler({ docker: await dockerFromEnv({}), dataDir, root, hostId: () => hostId, now: () => new Date(), onRun: (r) => runs.push(r), maxSleepMs: 500 });
    s.start();
    try {
      for (let i = 0; i < 200 && runs.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    } finally {
      await s.stop();
    }
    expect(runs[0]).toMatchObject({ job: jobs.tick.name, status: 'succeeded', trigger: 'schedule' });
    expect(readFileSync(join(root, 'data/out/ticks'), 'utf8')).toMatch(/^(tick\n)+$/);
    expect(events().some((e) => e.job === jobs.tick.name && e.type === 'job.succeeded' && e.trigger === 'schedule')).toBe(true);
    expect(readAudit(dataDir).some((a) => a.details.job === jobs.tick.name && a.actor === 'claude-scheduler')).toBe(true);
    expect(existsSync(join(dataDir, 'jobs', `${jobs.tick.name}.lock`))).toBe(false);
    const names = docker('ps', '-a', '--format', '{{.Names}}', '--filter', `name=claude-job-`).split('\n');
    expect(names).not.toContain(left);
    expect(names).toContain(busy);
    release();
  });
});
