/**
 * `claude jobs [--json]`: the scheduled jobs the last apply installed, with their next run
 * time and last outcome. `claude jobs run NAME [--json]`: runs one now, in its container,
 * and records it like a scheduled run (runtime/jobs/). The daemon that runs them on their
 * schedule is `claude observe --serve`.
 */
import { listOrRunCommand } from '../list-or-run.js';
import { EXIT, println, type CommandContext } from '../context.js';
import { safeText } from '../../agent/render/observe.js';
import { resolvePaths } from '../../common/paths.js';
import { readHostId } from '../../plan/keys.js';
import type { JobSpec } from '../../plan/types.js';
import { authorFromEnv } from '../../runtime/state/repo.js';
import type { JobRun } from '../../runtime/jobs/store.js';

const usage = `usage: claude jobs [list] [--json]
       claude jobs run NAME [--json]

Lists the scheduled jobs (scheduled.yaml, as last applied): schedule, where each runs
(its service's container, or a utility container of its image), the next run time and the
last run's outcome. The observe daemon (claude observe --serve) runs them on schedule.

  run NAME   run the job now, wait for it (up to its timeout), print its outcome and last
             output lines; recorded like a scheduled run (event, audit, last run)
  --json     print JSON: {"jobs": [{name, schedule, container?, image?, command, timeoutMs,
             nextRun, lastRun}]}, or the run

Exit status: 0 listed, or the job succeeded; 1 the job failed, timed out or could not run,
or there is no such job; 2 usage.`;

function seconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}

function runsIn(job: JobSpec): string {
  return job.container ? `service ${job.container}` : `image ${job.image ?? '(default utility image)'}`;
}

function lastRunText(r: JobRun | undefined): string {
  if (!r) return 'never';
  return `${r.status} ${r.finishedAt.replace(/\.\d+Z$/, 'Z')}${r.exitCode !== null ? `, exit ${r.exitCode}` : ''}, ${seconds(r.durationMs)}`;
}

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd());
}

async function list(ctx: CommandContext, json: boolean): Promise<number> {
  const { dataDir } = resolvePaths(ctx.env, ctx.cwd);
  const { readSchedule, readLastRuns, nextRun } = await import('../../runtime/jobs/index.js');
  const jobs = readSchedule(dataDir);
  const last = readLastRuns(dataDir);
  const now = ctx.now();
  const rows = jobs.map((j) => {
    let next: string | null = null;
    let problem: string | undefined;
    try {
      next = nextRun(j.name, j.schedule, now).toISOString();
    } catch (e) {
      problem = (e as Error).message;
    }
    return { job: j, next, problem, lastRun: last[j.name] ?? null };
  });
  if (json) {
    println(ctx.stdout, JSON.stringify({ jobs: rows.map((r) => ({ ...r.job, nextRun: r.next, ...(r.problem ? { problem: r.problem } : {}), lastRun: r.lastRun })) }, null, 2));
    return EXIT.OK;
  }
  if (jobs.length === 0) {
    println(ctx.stdout, 'No scheduled jobs (scheduled.yaml has none, or it has not been applied).');
    return EXIT.OK;
  }
  const head = ['JOB', 'SCHEDULE', 'RUNS IN', 'NEXT RUN', 'LAST RUN'];
  for (const l of table([head, ...rows.map((r) => [r.job.name, r.job.schedule, runsIn(r.job), r.next ? r.next.replace(/\.\d+Z$/, 'Z') : 'invalid schedule', lastRunText(r.lastRun ?? undefined)])])) println(ctx.stdout, l);
  for (const r of rows) if (r.problem) println(ctx.stderr, `claude jobs: ${r.problem}`);
  return EXIT.OK;
}

async function runNow(ctx: CommandContext, name: string, json: boolean): Promise<number> {
  const { dataDir, root } = resolvePaths(ctx.env, ctx.cwd);
  const { readSchedule, runJob, dockerFromEnv, JobBusyError } = await import('../../runtime/jobs/index.js');
  const jobs = readSchedule(dataDir);
  const job = jobs.find((j) => j.name === name);
  if (!job) {
    println(ctx.stderr, `claude jobs run: no scheduled job '${name}'${jobs.length ? `; the jobs are: ${jobs.map((j) => j.name).join(', ')}` : ' (no jobs are installed)'}`);
    println(ctx.stderr, '  hint: jobs come from scheduled.yaml once it is applied; `claude jobs` lists them');
    return EXIT.FAILURE;
  }
  let run: JobRun;
  try {
    run = await runJob(job, {
      docker: await dockerFromEnv(ctx.env),
      dataDir,
      root,
      hostId: readHostId(dataDir) ?? '',
      now: ctx.now,
      trigger: 'manual',
      actor: authorFromEnv(ctx.env).name,
    });
  } catch (e) {
    println(ctx.stderr, `claude jobs run: ${(e as Error).message}`);
    if (!(e instanceof JobBusyError)) println(ctx.stderr, '  hint: is dockerd running? (systemctl start docker)');
    return EXIT.FAILURE;
  }
  if (json) println(ctx.stdout, JSON.stringify(run, null, 2));
  else {
    const ok = run.status === 'succeeded';
    const what = ok ? 'succeeded' : run.status === 'timed-out' ? 'timed out' : run.status === 'error' ? 'could not run' : 'failed';
    println(ctx.stdout, `${ok ? '✓' : '✗'} job ${run.job} ${what} in ${run.where}${run.exitCode !== null ? `: exit ${run.exitCode}` : ''}, ${seconds(run.durationMs)}`);
    if (run.error) println(ctx.stdout, `  ${run.error}`);
    for (const l of run.output) println(ctx.stdout, `  │ ${safeText(l)}`);
  }
  return run.status === 'succeeded' ? EXIT.OK : EXIT.FAILURE;
}

export default listOrRunCommand({
  name: 'jobs',
  noun: 'job',
  summary: 'list scheduled jobs (next run, last outcome), or run one now',
  usage,
  list,
  runNow,
});
