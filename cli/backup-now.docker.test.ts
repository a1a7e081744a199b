/**
 * "back up the database now", typed as a person types it in a real terminal (tmux): the offline
 * engine proposes a backup now, the CLI asks "Back up VOLUME now? [yes/no]", and on `yes` runs
 * what `claude backups run VOLUME` runs (its output, its audit record); on `no` nothing runs.
 * Two databases that could be meant: a numbered choice (in `claude` chat). `--yes` runs it
 * without asking; stdin that is not a terminal, without --yes, gets the command printed as
 * before. Before, every one of these only printed "run it with `claude backups run …`".
 * Real postgres containers from the local images, applied through the real bin/claude (no host
 * port). Needs dockerd, tmux and `npm run build`. Names carry this run's tag; the containers,
 * the tmux server and the temp dir are removed.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readAudit } from '../runtime/audit.js';
import { tempHost, tmuxTerminal, type TempHost } from '../runtime/testutil/cli-host.js';
import { removeAfterAll } from '../runtime/testutil/cli-cleanup.js';

const tag = `bkn${randomBytes(3).toString('hex')}`;
const pga = `pga${tag}`;
const pgb = `pgb${tag}`;
const term = tmuxTerminal(`claude-${tag}`);
let host: TempHost;

/** Runs `claude <args>` outside a terminal and fails with its output when it exits otherwise than `code`. */
function claude(code: number, ...args: string[]): string {
  const r = host.claude(...args);
  expect(r.status, r.stdout + r.stderr).toBe(code);
  return r.stdout;
}
/** The backups made of `volume` so far. */
const backupsOf = (volume: string): string[] => {
  try {
    return readdirSync(join(host.dataDir, 'backups', volume)).filter((f) => f.startsWith(`${volume}-`) && !f.endsWith('.json'));
  } catch {
    return [];
  }
};
const jobRuns = (volume: string) => readAudit(host.dataDir).filter((r) => r.event.startsWith('job.') && r.details.job === `backup-${volume}`);
const published = (name: string) => execFileSync('docker', ['port', name], { encoding: 'utf8' }).trim();

beforeAll(() => {
  host = tempHost('backup-now', tag);
  claude(0, `set up postgres called ${pga} with daily backups, reachable only from the other containers`, '--yes');
  expect(published(pga)).toBe('');
}, 300_000);

removeAfterAll(term, tag, () => host);

describe('a backup now is offered, asked and run as claude backups run runs it', () => {
  it('`no` runs nothing; `yes` runs claude backups run (same output, one audit record)', async () => {
    term.runClaude(['back up the database now'], { env: host.env, cwd: host.base, width: 220, height: 60 });
    const asked = await term.waitFor('the offer', (s) => s.includes(`Back up ${pga}-data now? [yes/no]`));
    expect(asked).not.toContain('A backup now is not a change');
    term.type('no');
    const no = await term.exited('0', 120_000);
    expect(no).toContain('Not backed up. Nothing was run.');
    expect(backupsOf(`${pga}-data`)).toEqual([]);
    expect(jobRuns(`${pga}-data`)).toEqual([]);

    term.runClaude(['back up the database now'], { env: host.env, cwd: host.base, width: 220, height: 60 });
    await term.waitFor('the offer', (s) => s.includes(`Back up ${pga}-data now? [yes/no]`));
    term.type('yes');
    const yes = (await term.exited('0', 240_000)).replace(/\s*\n\s*/g, ' ');
    expect(yes).toContain(`(claude backups run ${pga}-data)`);
    expect(yes).toMatch(new RegExp(`✓ backup \\d{8}T\\d{6}Z of volume ${pga}-data: \\S+ \\(\\d+ bytes, sha256 [0-9a-f]{16}…\\) by pg_dumpall in container ${pga}`));
    expect(backupsOf(`${pga}-data`)).toHaveLength(1);
    expect(jobRuns(`${pga}-data`)).toMatchObject([{ actor: 'alice', event: 'job.succeeded', details: { trigger: 'manual', status: 'succeeded' } }]);
  }, 420_000);

  it('--yes runs it without asking; stdin not a terminal, without --yes, prints the command and runs nothing', () => {
    expect(claude(0, `back up ${pga} now`, '--yes')).toMatch(new RegExp(`\\(claude backups run ${pga}-data\\)\\n✓ backup .* by pg_dumpall in container ${pga}`));
    expect(backupsOf(`${pga}-data`)).toHaveLength(2);
    const piped = claude(0, 'back up the database now');
    expect(piped).toContain(`run it with \`claude backups run ${pga}-data\``);
    expect(piped).not.toContain('[yes/no]');
    expect(backupsOf(`${pga}-data`)).toHaveLength(2);
    expect(jobRuns(`${pga}-data`)).toHaveLength(2);
  }, 300_000);

  it('two databases that could be meant: claude chat asks which with a numbered choice, and runs the one picked', async () => {
    claude(0, `add postgres called ${pgb}, reachable only from the other containers`, '--yes');
    claude(0, `back up ${pgb} every night`, '--yes');
    expect(published(pgb)).toBe('');
    // --yes cannot choose between them: it says so and runs nothing.
    const r = host.claude('back up the database now', '--yes');
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(`Not backed up: ${pga}-data and ${pgb}-data could be meant.`);

    term.runClaude([], { env: host.env, cwd: host.base, width: 220, height: 60 });
    await term.waitFor('claude>', (s) => s.trimEnd().endsWith('claude>'), 180_000);
    term.type('back up the database now');
    const choice = await term.waitFor('the numbered choice', (s) => s.includes(`Back up which one? [1-2, or no]`), 180_000);
    expect(choice).toContain(`1) ${pga}-data`);
    expect(choice).toContain(`2) ${pgb}-data`);
    term.type('2');
    await term.waitFor('the backup, then claude> again', (s) => /✓ backup|✗/.test(s) && s.trimEnd().endsWith('claude>'), 240_000);
    expect(term.screen()).toMatch(new RegExp(`✓ backup \\d{8}T\\d{6}Z of volume ${pgb}-data`));
    term.type('exit');
    await term.exited('0', 60_000);
    expect(backupsOf(`${pgb}-data`)).toHaveLength(1);
    expect(backupsOf(`${pga}-data`)).toHaveLength(2);
  }, 600_000);
});
