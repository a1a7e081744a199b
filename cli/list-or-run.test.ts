/** `claude backups` / `claude jobs` (cli/list-or-run.ts): which words list, which run, which are a usage error. */
import { PassThrough } from 'node:stream';
import { expect, it } from 'vitest';
import { UsageError, type CommandContext } from './context.js';
import { listOrRunCommand } from './list-or-run.js';

function command() {
  const calls: string[] = [];
  const cmd = listOrRunCommand({
    name: 'backups',
    noun: 'volume',
    summary: '',
    usage: '',
    list: async (_c, json) => (calls.push(`list json=${json}`), 0),
    runNow: async (_c, name, json) => (calls.push(`run ${name} json=${json}`), 0),
  });
  const run = (...argv: string[]) => cmd.run({ argv, stdout: new PassThrough(), stderr: new PassThrough(), stdin: new PassThrough(), isTTY: false, env: {}, cwd: '/', now: () => new Date() } as CommandContext);
  return { calls, run };
}

it('lists with no word, with list and with ls (what people type after docker and crontab)', async () => {
  const c = command();
  await c.run();
  await c.run('list');
  await c.run('ls', '--json');
  expect(c.calls).toEqual(['list json=false', 'list json=false', 'list json=true']);
});

it('runs one with run NAME; anything else is a usage error that says what to type', async () => {
  const c = command();
  await c.run('run', 'pg-data');
  expect(c.calls).toEqual(['run pg-data json=false']);
  await expect(c.run('show')).rejects.toThrow(UsageError);
  await expect(c.run('list', 'pg-data')).rejects.toThrow("unknown backups subcommand 'list'; use `claude backups` or `claude backups run NAME`");
  await expect(c.run('run')).rejects.toThrow('claude backups run takes one volume name: claude backups run NAME');
});
