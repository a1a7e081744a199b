/**
 * `claude unlock --force ID`: removes the apply lock held under ID (its fencing token or
 * plan id), for when its holder is gone in a way the runtime cannot tell by itself.
 */
import { parse } from '../args.js';
import { EXIT, println, type Command } from '../context.js';
import { resolvePaths } from '../../common/paths.js';
import { describeOwner, forceUnlock, readLock } from '../../runtime/lock.js';

const usage = `usage: claude unlock --force ID

Removes the apply lock ($CLAUDE_DATA_DIR/apply.lock) when ID is its fencing token or its
plan id. A lock whose holder process is dead is broken automatically; use this only when
you know the holder is gone (e.g. on another host sharing the data dir). If the holder is
in fact alive, its next journal write fails (the token no longer matches) and it stops.
Run \`claude recover\` afterwards.`;

const command: Command = {
  summary: 'remove a stuck apply lock (escape hatch)',
  usage,
  async run(ctx) {
    const { values, positionals } = parse(ctx.argv, { force: { type: 'boolean' } });
    const { dataDir } = resolvePaths(ctx.env, ctx.cwd);
    if (!values.force || positionals.length !== 1) {
      const cur = readLock(dataDir);
      println(ctx.stderr, usage);
      if (cur) println(ctx.stderr, `\nThe lock is held by: ${describeOwner(cur)}`);
      return EXIT.USAGE;
    }
    try {
      const owner = forceUnlock(dataDir, positionals[0]!);
      println(ctx.stdout, `Removed the apply lock (${describeOwner(owner)}). Run \`claude recover\` next.`);
      return EXIT.OK;
    } catch (e) {
      println(ctx.stderr, `claude unlock: ${(e as Error).message}`);
      return EXIT.FAILURE;
    }
  },
};

export default command;
