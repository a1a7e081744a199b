/**
 * `claude diagnose [service] [--yes] [--no-fix] [--option N] [--json] [--state-dir DIR]`:
 * find out what is wrong (offline analyzers over the observed facts), explain it, propose
 * a fix as state-file changes, apply it through the normal plan path when approved, and
 * check that the service answers again. See docs/observe.md, "Troubleshooting".
 */
import { parse } from '../args.js';
import { UsageError, type Command } from '../context.js';
import { runTroubleshoot } from '../troubleshoot.js';

const usage = `usage: claude diagnose [SERVICE] [--yes] [--no-fix] [--option N] [--json] [--state-dir DIR]

Checks every service (or SERVICE and what it depends on): containers that exited and
their last log lines, ports held by another process or container, orphaned containers,
missing images, failing health checks, out-of-memory kills, crash loops, dependencies that
are down, a full disk. Explains what it found and proposes a fix as a change to the state
files, applied through the normal plan (with rollback) once you approve, then checks that
the service answers. The same runs for \`claude "the website is down"\`.

  --yes            apply the recommended fix without asking
  --option N       apply fix option N instead of the first
  --no-fix         only diagnose and propose
  --json           print {diagnosis, proposal, chosen, apply, verified}
  --state-dir DIR  the state dir (default: $CLAUDE_STATE_DIR or /etc/claude.d)

Exit status: 0 healthy, or fixed and verified; 1 a problem remains; 2 usage error; 130
cancelled with Ctrl-C at the prompt (nothing changed).`;

const command: Command = {
  summary: 'find what is wrong, explain it and propose a fix',
  usage,
  async run(ctx) {
    const { values, positionals } = parse(ctx.argv, {
      yes: { type: 'boolean', short: 'y' },
      'no-fix': { type: 'boolean' },
      option: { type: 'string' },
      json: { type: 'boolean' },
      'state-dir': { type: 'string' },
    });
    if (positionals.length > 1) throw new UsageError(`one service at a time, got ${positionals.join(', ')}`);
    let option: number | undefined;
    if (values.option !== undefined) {
      option = Number(values.option);
      if (!Number.isInteger(option) || option < 1) throw new UsageError(`--option must be a fix number (1, 2, …), not '${values.option}'`);
    }
    const { code } = await runTroubleshoot(ctx, {
      ...(positionals[0] ? { service: positionals[0] } : {}),
      yes: values.yes ?? false,
      noFix: values['no-fix'] ?? false,
      json: values.json ?? false,
      ...(option ? { option } : {}),
      ...(values['state-dir'] ? { stateDirFlag: values['state-dir'] } : {}),
    });
    return code;
  },
};

export default command;
