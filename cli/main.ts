/**
 * The CLI entry: the only module that reads argv, writes to the process streams and exits.
 */
import { COMMANDS, OTHER_ENTRIES } from './commands/index.js';
import { trace } from '../common/trace.js';
import { StateFileError } from '../common/state-read.js';
import { cleanText } from '../common/terminal.js';
import { Cancelled, EXIT, UsageError, println, withContext, type Command, type CommandContext } from './context.js';
import { lazyOutput } from './stdio.js';

import { ownVersion } from './version.js';

async function help(ctx: CommandContext): Promise<void> {
  println(ctx.stdout, 'usage: claude <command> [options]   |   claude "<what you want>"');
  println(ctx.stdout);
  println(ctx.stdout, 'commands:');
  for (const name of [...Object.keys(COMMANDS), ...Object.keys(OTHER_ENTRIES)].sort()) {
    const summary = COMMANDS[name] ? (await COMMANDS[name]!()).summary : OTHER_ENTRIES[name]!.summary;
    println(ctx.stdout, `  ${name.padEnd(12)} ${summary}`);
  }
  println(ctx.stdout);
  println(ctx.stdout, 'Run `claude help <command>` for the options of one command.');
}

export async function main(argv: string[], base: Omit<CommandContext, 'argv'>): Promise<number> {
  const [first, ...rest] = argv;
  if (first === '--version' || first === '-V' || first === 'version') {
    println(base.stdout, `claude-os ${ownVersion()}`);
    return EXIT.OK;
  }
  if (first === undefined || first === 'help' || first === '--help' || first === '-h') {
    if (first === 'help' && rest[0] && COMMANDS[rest[0]]) {
      println(base.stdout, (await COMMANDS[rest[0]]!()).usage);
      return EXIT.OK;
    }
    if (first === 'help' && rest[0] && OTHER_ENTRIES[rest[0]]) {
      println(base.stdout, `claude ${rest[0]}: ${OTHER_ENTRIES[rest[0]]!.summary}. Run \`claude ${rest[0]} --help\` for its options.`);
      return EXIT.OK;
    }
    if (first === undefined && COMMANDS['chat']) {
      const failed = base.env.CLAUDE_ENGINE_STARTING ? await waitForStartingEngine(base, 'chat') : null;
      if (failed !== null) return failed;
      return (await COMMANDS['chat']!()).run(withContext(base, { argv: [] }));
    }
    await help(withContext(base, { argv: [] }));
    return EXIT.OK;
  }
  const loader = COMMANDS[first];
  if (!loader && OTHER_ENTRIES[first]) {
    println(base.stderr, `claude: '${first}' is run by its own entry (${OTHER_ENTRIES[first]!.entry}); start it as \`claude ${first}\` (bin/claude)`);
    return EXIT.USAGE;
  }
  if (!loader) {
    // A free-text request: `claude "set up nginx"`.
    if (/\s/.test(first) && COMMANDS['ask']) {
      // The product's main flow (it plans against what runs, and applies on yes): it waits too.
      const failed = base.env.CLAUDE_ENGINE_STARTING ? await waitForStartingEngine(base, 'ask') : null;
      if (failed !== null) return failed;
      return (await COMMANDS['ask']!()).run(withContext(base, { argv }));
    }
    println(base.stderr, `claude: unknown command '${first}'. Run 'claude help' for the list.`);
    return EXIT.USAGE;
  }
  trace('cli: main loaded');
  let cmd: Command;
  try {
    cmd = await loader();
  } catch (e) {
    if (isCompilerMissing(e)) return compilerMissing(base, first);
    throw e;
  }
  trace(`cli: command ${first} loaded`);
  if (rest.includes('--help') || rest.includes('-h')) {
    println(base.stdout, cmd.usage);
    return EXIT.OK;
  }
  if (ENGINE_COMMANDS.has(first) && base.env.CLAUDE_ENGINE_STARTING) {
    const failed = await waitForStartingEngine(base, first);
    if (failed !== null) return failed;
  }
  try {
    return await cmd.run(withContext(base, { argv: rest }));
  } catch (e) {
    if (e instanceof UsageError) {
      println(base.stderr, `claude ${first}: ${e.message}`);
      println(base.stderr, cmd.usage);
      return EXIT.USAGE;
    }
    if (isCompilerMissing(e)) return compilerMissing(base, first);
    if (e instanceof StateFileError) {
      // A symlink, a pipe or an oversized file in the state dir: refused before reading it.
      println(base.stderr, `claude ${first}: ${cleanText(e.message, { multiline: false })}`);
      println(base.stderr, `  hint: ${cleanText(e.hint, { multiline: false })}`);
      return EXIT.FAILURE;
    }
    throw e;
  }
}

/**
 * The commands that talk to the container engine. On a device whose containerd is still
 * starting (its /init's marker, `CLAUDE_ENGINE_STARTING`) they say so and wait for it,
 * bounded, instead of failing as if it were down (runtime/engine-start.ts).
 */
const ENGINE_COMMANDS = new Set(['apply', 'ask', 'chat', 'diagnose', 'diff', 'health', 'logs', 'observe', 'plan', 'reconcile', 'recover', 'restore', 'rollback', 'services', 'status', 'supervise']);

/** Waits while the engine starts: null to go on, or the exit code when it did not answer in time. */
async function waitForStartingEngine(base: Pick<CommandContext, 'stderr' | 'env'>, command: string): Promise<number | null> {
  const { awaitEngineStart, engineStartFromEnv, EngineStartTimeout } = await import('../runtime/engine-start.js');
  let o;
  try {
    o = engineStartFromEnv(base.env);
  } catch (e) {
    println(base.stderr, `claude ${command}: ${(e as Error).message}`);
    return EXIT.USAGE;
  }
  if (!o) return null;
  try {
    await awaitEngineStart({ ...o, notify: (m) => println(base.stderr, `claude ${command}: ${m}`) });
    return null;
  } catch (e) {
    if (!(e instanceof EngineStartTimeout)) throw e;
    println(base.stderr, `claude ${command}: ${e.message}`);
    println(base.stderr, 'Nothing was changed.');
    return EXIT.FAILURE;
  }
}

/**
 * A device image may ship without compiler/ (the runtime-only CLI): the commands that plan
 * then fail to load it. Said plainly, with the way to plan elsewhere.
 */
function isCompilerMissing(e: unknown): boolean {
  const err = e as NodeJS.ErrnoException | undefined;
  return err?.code === 'ERR_MODULE_NOT_FOUND' && /[/\\]compiler[/\\]/.test(err.message ?? '');
}
function compilerMissing(base: Pick<CommandContext, 'stderr'>, command: string): number {
  println(base.stderr, `claude ${command}: this installation has no compiler (a device image built without it), so it cannot plan.`);
  println(base.stderr, "  hint: make the plan on another machine for this host id (see `claude keys` and docs/image.md), then run `claude apply PLAN.json` here");
  return EXIT.FAILURE;
}

/** The streams and surroundings one run of the CLI gets: the process's own, or a forwarded command's (cli/remote.ts). */
export type RunIo = Omit<CommandContext, 'argv' | 'now'>;

/**
 * `main` with the entry's last resort: Ctrl-C at a prompt (Cancelled) exits 130 saying so,
 * and an exception no command caught is printed as an internal error (exit 70). Shared by `run` and the CLI socket's worker (cli/remote.ts), so a
 * command says and exits the same through either.
 */
export async function runWith(argv: string[], io: RunIo): Promise<number> {
  try {
    return await main(argv, withContext(io, { now: () => new Date() }));
  } catch (e) {
    // Ctrl-C at a prompt: the cursor is still after the prompt, so the word starts a line.
    if (e instanceof Cancelled) {
      println(io.stdout, `\nCancelled. ${e.outcome}`);
      return EXIT.CANCELLED;
    }
    io.stderr.write(`claude: internal error: ${(e as Error)?.stack ?? String(e)}\n`);
    return 70;
  }
}

/** Loads every command's module (the CLI socket's worker does it before its command arrives). */
export async function preloadCommands(): Promise<void> {
  for (const load of Object.values(COMMANDS)) {
    try {
      await load();
    } catch (e) {
      if (!isCompilerMissing(e)) throw e;
    }
  }
}

/**
 * The plan validator (V2, generated/plan-validator.cjs) loaded as `apply` and `verify` load it
 * first: the CLI worker's warm-up (cli/remote.ts) calls this also when its `plan` and `verify`
 * runs are skipped or fail (a host with no services yet), so an apply handed to the worker
 * does not load and compile it (≈ 12 ms of CPU) before its first step.
 */
export async function preloadPlanValidator(dataDir: string): Promise<void> {
  (await import('../runtime/verify.js')).planValidator(dataDir);
}

/**
 * The apply path's modules, loaded as `claude apply` loads them (agent/flow.ts `applyPlanned`,
 * runtime/apply.ts's own lazy imports before the first step and at its end): the CLI worker's
 * warm-up (cli/remote.ts) calls this, since its `validate`, `status`, `plan` and `verify` runs
 * load none of them, and an apply through the daemon compiled them after the command arrived
 * (≈ 5 ms of the worker's CPU between `cli: host opened` and `apply: begun`, session 25). Here,
 * not there, for the reason preloadPlanValidator gives: the bundle's copies are the ones used.
 */
export async function preloadApplyPath(): Promise<void> {
  await (await import('../agent/flow.js')).preloadApplyPath();
}

/**
 * Starts the resident `nft -j -i` the observations of this process list the firewall through
 * (runtime/drivers/nft.ts ResidentNftReader): the warm CLI worker's warm-up (cli/remote.ts). Here,
 * not there, for the same reason as preloadPlanValidator: the worker runs the commands from the
 * bundle, whose copy of the module is the one the observer asks.
 */
export async function startResidentNftReader(): Promise<void> {
  (await import('../runtime/drivers/nft.js')).startResidentNftReader();
}

/** Called by `bin/claude`. */
export async function run(argv: string[]): Promise<void> {
  // `claude help | head -5`: the reader went away; stop quietly, as other Unix tools do.
  const quietly = () => process.exit(process.exitCode ?? 0);
  const quietOnEpipe = (stream: NodeJS.WriteStream): NodeJS.WriteStream =>
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') quietly();
      throw e;
    });
  process.exitCode = await runWith(argv, {
    // Made when a command needs more than `write` (cli/stdio.ts): making them loads node:net
    // for a pipe or a terminal, ≈ 12 ms of a cold `validate` that prints a few lines.
    stdout: lazyOutput(1, () => quietOnEpipe(process.stdout), quietly),
    stderr: lazyOutput(2, () => quietOnEpipe(process.stderr), quietly),
    // Made when a command reads input or asks whether it may prompt, not at every start:
    // process.stdin loads Node's stream code for the kind of fd it is (a file, a pipe, a
    // terminal), 5–15 ms of a cold `validate` (docs/compiler.md, "Performance").
    get stdin() {
      return process.stdin;
    },
    get isTTY() {
      return Boolean(process.stdin.isTTY && process.stdout.isTTY);
    },
    env: process.env,
    cwd: process.cwd(),
  });
}
