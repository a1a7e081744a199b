/**
 * `claude backups [--json]`: every backup set (the volumes storage.yaml backs up, as last
 * applied) with its backups, newest first: time, size, sha256. `claude backups run NAME`:
 * makes one now, like the scheduled run (retention applied; recorded as a run of the job
 * backup-NAME). Restoring is `claude restore` (restore.ts). docs/backups.md.
 */
import { listOrRunCommand } from '../list-or-run.js';
import { EXIT, println, type CommandContext } from '../context.js';
import { resolvePaths } from '../../common/paths.js';
import { readHostId } from '../../plan/keys.js';
import { authorFromEnv } from '../../runtime/state/repo.js';

const usage = `usage: claude backups [list] [--json]
       claude backups run NAME [--json]

Lists the backup sets (each storage.yaml volume with backup:, as last applied) and their
backups, newest first: id (UTC time), size, sha256, how it was made. The observe daemon
(claude observe --serve) makes them on their schedule; restore one with claude restore.

  run NAME   back up volume NAME now (retention applies after it succeeds)
  --json     {"backups": [{name, type, engine?, schedule?, retain?, dir, backups: [record]}]}

Exit status: 0 listed or backed up; 1 the backup failed, or no such backup set; 2 usage.`;

export function humanBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

async function list(ctx: CommandContext, json: boolean): Promise<number> {
  const { dataDir, root } = resolvePaths(ctx.env, ctx.cwd);
  const { listSets } = await import('../../runtime/backup/store.js');
  const sets = listSets({ dataDir, root });
  if (json) {
    println(
      ctx.stdout,
      JSON.stringify(
        { backups: sets.map((s) => ({ name: s.name, ...(s.spec ? { type: s.spec.type, ...(s.spec.engine ? { engine: s.spec.engine } : {}), schedule: s.schedule, retain: s.spec.retain, services: s.spec.services } : { scheduled: false }), dir: s.dir, backups: s.backups })) },
        null,
        2,
      ),
    );
    return EXIT.OK;
  }
  if (sets.length === 0) {
    println(ctx.stdout, 'No backups: no volume in storage.yaml has backup: (as last applied), and none were made.');
    println(ctx.stdout, '  hint: claude "back up postgres every night", or add backup: {type: dump} to the volume in storage.yaml');
    return EXIT.OK;
  }
  for (const s of sets) {
    const head = s.spec
      ? `${s.name}: ${s.spec.type}${s.spec.engine ? ` (${s.spec.engine})` : ''}, ${s.schedule}, last ${s.spec.retain} kept, in ${s.dir}`
      : `${s.name}: not scheduled any more, in ${s.dir}`;
    println(ctx.stdout, head);
    if (s.backups.length === 0) println(ctx.stdout, '  (none yet)');
    for (const b of s.backups) println(ctx.stdout, `  ${b.id}  ${humanBytes(b.bytes).padStart(9)}  sha256:${b.sha256.slice(0, 12)}  ${(b.durationMs / 1000).toFixed(1)} s  ${b.method}${b.warning ? `  (warning: ${b.warning})` : ''}`);
  }
  return EXIT.OK;
}

async function runNow(ctx: CommandContext, name: string, json: boolean): Promise<number> {
  const { dataDir, root } = resolvePaths(ctx.env, ctx.cwd);
  const { runJob, dockerFromEnv } = await import('../../runtime/jobs/index.js');
  const { scheduledBackups } = await import('../../runtime/backup/store.js');
  const all = scheduledBackups(dataDir);
  const job = all.find((j) => j.backup.volume === name || j.name === name || j.backup.services.includes(name));
  if (!job) {
    println(ctx.stderr, `claude backups run: no backup of ${name} is installed${all.length ? `; the backed-up volumes are: ${all.map((j) => j.backup.volume).join(', ')}` : ''}`);
    println(ctx.stderr, '  hint: add backup: to the volume in storage.yaml and apply it (claude apply)');
    return EXIT.FAILURE;
  }
  try {
    const run = await runJob(job, { docker: await dockerFromEnv(ctx.env), dataDir, root, hostId: readHostId(dataDir) ?? '', now: ctx.now, trigger: 'manual', actor: authorFromEnv(ctx.env).name });
    if (json) println(ctx.stdout, JSON.stringify(run, null, 2));
    else {
      const ok = run.status === 'succeeded';
      println(ctx.stdout, `${ok ? '✓' : '✗'} ${run.output[0] ?? `backup of volume ${job.backup.volume} ${run.status}`}`);
      for (const l of run.output.slice(1)) println(ctx.stdout, `  ${l}`);
      if (run.error) println(ctx.stdout, `  ${run.error}`);
    }
    return run.status === 'succeeded' ? EXIT.OK : EXIT.FAILURE;
  } catch (e) {
    println(ctx.stderr, `claude backups run: ${(e as Error).message}`);
    return EXIT.FAILURE;
  }
}

export default listOrRunCommand({
  name: 'backups',
  noun: 'volume',
  summary: 'list the backups of each volume, or make one now',
  usage,
  list,
  runNow,
});
