/**
 * `claude history [--json] [--limit N] [--since WHEN] [--state-dir DIR]`: the commits of the state repo,
 * newest first (time, author, request, plan id, summary).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from '../args.js';
import { EXIT, UsageError, println, type Command } from '../context.js';
import { resolvePaths } from '../../common/paths.js';
import { sinceTime } from '../../common/since.js';
import { StateRepoDamagedError, openStateRepo, type HistoryEntry } from '../../runtime/state/repo.js';

const usage = `usage: claude history [--json] [--limit N] [--since WHEN] [--state-dir DIR] [--conversations]

Lists the changes recorded in the state repository (the state dir is a git repository;
each successful apply is one commit), newest first.

  --json           print {"stateDir", "commits": [{commit, parents, time, author, request, planId, summary}]}
  --limit N        at most N commits (or conversations)
  --since WHEN     only the changes made since WHEN: today, yesterday (from its midnight,
                   local time), 6h, 3d, or a date/time (2026-12-01, 2026-12-01T09:00Z)
  --conversations  the conversations with the intent engine instead (requests and answers)
  --state-dir DIR  the state dir (default: $CLAUDE_STATE_DIR or /etc/claude.d)`;

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => '    ' + l)
    .join('\n');
}

function render(e: HistoryEntry): string {
  const head = `${e.commit.slice(0, 12)}  ${e.time.replace('.000Z', 'Z')}  ${e.author.name} <${e.author.email}>` + (e.planId ? `  plan ${e.planId}` : '');
  return [head, indent(e.request), ...(e.summary ? [indent(e.summary)] : [])].join('\n');
}

const command: Command = {
  summary: 'show the recorded changes (time, author, request, plan id)',
  usage,
  async run(ctx) {
    const { values } = parse(ctx.argv, {
      json: { type: 'boolean' },
      limit: { type: 'string' },
      since: { type: 'string' },
      'state-dir': { type: 'string' },
      conversations: { type: 'boolean' },
    }, false);
    let limit: number | undefined;
    if (values.limit !== undefined) {
      limit = Number(values.limit);
      if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--limit must be a positive whole number, not '${values.limit}'`);
    }
    let since: Date | undefined;
    try {
      since = values.since === undefined ? undefined : sinceTime(values.since, ctx.now());
    } catch (e) {
      throw e instanceof RangeError ? new UsageError(e.message) : e;
    }
    const { stateDir, dataDir } = resolvePaths(ctx.env, ctx.cwd, values['state-dir']);
    if (values.conversations) {
      // The intent layer's conversations (agent/conversations.ts), newest first.
      const conv = await import('../../agent/conversations.js');
      if (values.json) println(ctx.stdout, JSON.stringify({ conversations: conv.listConversations(dataDir).slice(0, limit ?? Infinity).map((c) => ({ ...c, turns: conv.readTurns(dataDir, c.id) })) }, null, 2));
      else for (const l of conv.renderConversations(dataDir, limit)) println(ctx.stdout, l);
      return EXIT.OK;
    }
    let commits: HistoryEntry[] = [];
    if (existsSync(join(stateDir, '.git'))) {
      try {
        const repo = await openStateRepo(stateDir, { now: ctx.now, create: false });
        commits = await repo.history(limit !== undefined && since === undefined ? { limit } : {});
        if (since !== undefined) commits = commits.filter((c) => Date.parse(c.time) >= since.getTime()).slice(0, limit ?? Infinity);
      } catch (e) {
        if (e instanceof StateRepoDamagedError) {
          println(ctx.stderr, `claude history: ${e.message}`);
          return EXIT.FAILURE;
        }
        throw e;
      }
    }
    if (values.json) {
      println(ctx.stdout, JSON.stringify({ stateDir, commits }, null, 2));
      return EXIT.OK;
    }
    if (commits.length === 0 && since !== undefined) {
      println(ctx.stdout, `no changes since ${since.toISOString().replace('.000Z', 'Z')} (${values.since})`);
      return EXIT.OK;
    }
    if (commits.length === 0) {
      println(ctx.stdout, `no history yet in ${stateDir} (the first apply records one)`);
      return EXIT.OK;
    }
    println(ctx.stdout, commits.map(render).join('\n\n'));
    return EXIT.OK;
  },
};

export default command;
