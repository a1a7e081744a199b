/**
 * `claude learn list | forget N`: the phrasings the offline engine learned from you
 * (agent/learning.ts): a request it did not understand, and the rephrase or correction whose
 * plan you applied. Kept in the data dir only, never sent anywhere.
 */
import { parse } from '../args.js';
import { EXIT, println, type Command } from '../context.js';
import { resolvePaths } from '../../common/paths.js';
import { forget, isFlagged, learnedPath, loadLearned } from '../../agent/learning.js';

const usage = `usage: claude learn list [--json]
       claude learn forget N

What the offline engine learned from you: a request it did not understand, then the
rephrase (or "no, I meant …") whose plan you applied. The next time you say the same or a
close phrasing, it proposes what was applied. Kept in <data dir>/learned.json only.
A phrasing whose plans keep rolling back is flagged and no longer used.`;

const command: Command = {
  summary: 'list or forget the phrasings learned from your corrections',
  usage,
  async run(ctx) {
    const { values, positionals } = parse(ctx.argv, { json: { type: 'boolean' } });
    const { dataDir } = resolvePaths(ctx.env, ctx.cwd);
    const [sub, arg] = positionals;
    if (sub === 'list' || sub === undefined) {
      const records = loadLearned(dataDir);
      if (values.json) {
        println(ctx.stdout, JSON.stringify(records.map((r, i) => ({ n: i + 1, ...r, flagged: isFlagged(r) })), null, 2));
        return EXIT.OK;
      }
      if (records.length === 0) {
        println(ctx.stdout, `Nothing learned yet (${learnedPath(dataDir)}).`);
        return EXIT.OK;
      }
      records.forEach((r, i) => {
        const o = r.outcomes;
        println(ctx.stdout, `${String(i + 1).padStart(3)}. "${r.phrasing}" → "${r.applied}"  (applied ${o.applied}, rolled back ${o.rolledBack}, refused ${o.refused}${isFlagged(r) ? '; FLAGGED: keeps rolling back, not used' : ''})`);
      });
      return EXIT.OK;
    }
    if (sub === 'forget') {
      const n = Number(arg);
      const gone = forget(dataDir, n);
      if (!gone) {
        println(ctx.stderr, `claude learn: there is no record ${arg ?? '(missing)'}; \`claude learn list\` numbers them from 1.`);
        return EXIT.FAILURE;
      }
      println(ctx.stdout, `Forgot ${n}: "${gone.phrasing}" → "${gone.applied}".`);
      return EXIT.OK;
    }
    println(ctx.stderr, usage);
    return EXIT.USAGE;
  },
};

export default command;
