/**
 * The shape shared by `claude backups` and `claude jobs`: with no argument (or `list`, `ls`) the command lists,
 * `run NAME` runs one now; `--json` for both. Each command keeps its own list and run.
 */
import { parse } from './args.js';
import { UsageError, type Command, type CommandContext } from './context.js';

export interface ListOrRun {
  /** The command's name as typed: `backups`, `jobs`. */
  name: string;
  /** What NAME names, for the usage error: `volume`, `job`. */
  noun: string;
  summary: string;
  usage: string;
  list(ctx: CommandContext, json: boolean): Promise<number>;
  runNow(ctx: CommandContext, name: string, json: boolean): Promise<number>;
}

export function listOrRunCommand(c: ListOrRun): Command {
  return {
    summary: c.summary,
    usage: c.usage,
    async run(ctx) {
      const { values, positionals } = parse(ctx.argv, { json: { type: 'boolean' } });
      const json = values.json ?? false;
      // `list` / `ls` is what people type after other tools (`docker volume ls`, `crontab -l`).
      if (positionals.length === 0 || (positionals.length === 1 && /^(list|ls)$/.test(positionals[0]!))) return c.list(ctx, json);
      if (positionals[0] === 'run') {
        if (positionals.length !== 2) throw new UsageError(`claude ${c.name} run takes one ${c.noun} name: claude ${c.name} run NAME`);
        return c.runNow(ctx, positionals[1]!, json);
      }
      throw new UsageError(`unknown ${c.name} subcommand '${positionals[0]}'; use \`claude ${c.name}\` or \`claude ${c.name} run NAME\``);
    },
  };
}
