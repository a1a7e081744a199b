/**
 * `claude secret set NAME [--from-file FILE]`: encrypts a value to this host's age key and
 * stores it in the state dir's security.yaml (spec.secrets) as `encrypted:v1:…`. The plain
 * value is read from stdin (or a file), never from the command line, and is never printed.
 * Services refer to it as `${secrets.NAME}`; only the runtime decrypts it, at apply.
 */
import { existsSync, readFileSync } from 'node:fs';
import { readStateFileText } from '../../common/state-read.js';
import { join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { parse } from '../args.js';
import { EXIT, println, type Command, type CommandContext } from '../context.js';
import { writeFileAtomic } from '../../common/fsutil.js';
import { resolvePaths } from '../../common/paths.js';
import { encryptSecret, ensureAgeIdentity } from '../../runtime/secrets.js';

const usage = `usage: claude secret set NAME [--from-file FILE] [--state-dir DIR]

Reads the secret's value from stdin (one line; or the whole FILE), encrypts it to this
host's age key ($CLAUDE_DATA_DIR/keys/age.key, created on first use) and writes it to
security.yaml in the state dir as spec.secrets[NAME] = encrypted:v1:… . Refer to it in
services.yaml as \${secrets.NAME}; run \`claude plan\` and \`claude apply\` to use it.

NAME: lowercase letters, digits and '_', starting with a letter.`;

/** Cancelled at the hidden prompt (Ctrl-C, or Ctrl-D on an empty line). */
class Cancelled extends Error {}

/**
 * Reads one line from a terminal without echoing it (raw mode: the value is never on the screen,
 * in a terminal's scroll-back or in a tmux log). Backspace erases; Ctrl-C, or Ctrl-D on an empty
 * line, cancels; Ctrl-U clears the line. Undefined when stdin cannot be put in raw mode.
 */
function readHidden(ctx: CommandContext): Promise<string> | undefined {
  const tty = ctx.stdin as Readable & { isTTY?: boolean; setRawMode?: (on: boolean) => unknown };
  if (!tty.isTTY || typeof tty.setRawMode !== 'function') return undefined;
  return new Promise((res, rej) => {
    let buf = '';
    const done = (err: Error | undefined): void => {
      tty.off('data', onData);
      tty.setRawMode!(false);
      tty.pause();
      ctx.stdout.write('\n');
      if (err) rej(err);
      else res(buf);
    };
    // An escape sequence (arrow keys, Home, Delete: ESC [ … final byte, or ESC O x) is a key, not
    // part of the value: skipped whole (review 17 LOW-2).
    let esc: '' | 'start' | 'csi' | 'ss3' = '';
    const onData = (chunk: Buffer | string): void => {
      for (const ch of String(chunk)) {
        if (esc === 'start') {
          esc = ch === '[' ? 'csi' : ch === 'O' ? 'ss3' : '';
          continue;
        }
        if (esc === 'ss3') {
          esc = '';
          continue;
        }
        if (esc === 'csi') {
          if (ch >= '@' && ch <= '~') esc = '';
          continue;
        }
        if (ch === '\u001b') {
          esc = 'start';
          continue;
        }
        if (ch === '\r' || ch === '\n') return done(undefined);
        if (ch === '\u0003' || (ch === '\u0004' && buf === '')) return done(new Cancelled());
        if (ch === '\u007f' || ch === '\b') buf = [...buf].slice(0, -1).join('');
        else if (ch === '\u0015') buf = '';
        else if (ch >= ' ') buf += ch;
      }
    };
    tty.setRawMode!(true);
    tty.setEncoding('utf8');
    tty.on('data', onData);
    tty.resume();
  });
}

function readStdin(ctx: CommandContext): Promise<string> {
  return new Promise((res, rej) => {
    let buf = '';
    ctx.stdin.setEncoding('utf8');
    ctx.stdin.on('data', (c: string) => {
      buf += c;
      if (ctx.isTTY && buf.includes('\n')) {
        ctx.stdin.pause();
        res(buf.split('\n')[0]!);
      }
    });
    ctx.stdin.on('end', () => res(buf.replace(/\r?\n$/, '')));
    ctx.stdin.on('error', rej);
  });
}

const command: Command = {
  summary: 'encrypt a secret to this host and store it in security.yaml',
  usage,
  async run(ctx) {
    const { values, positionals } = parse(ctx.argv, { 'from-file': { type: 'string' }, 'state-dir': { type: 'string' } });
    const [verb, name] = positionals;
    if (verb !== 'set' || !name || positionals.length !== 2) {
      println(ctx.stderr, usage);
      return EXIT.USAGE;
    }
    if (!/^[a-z][a-z0-9_]{0,62}$/.test(name)) {
      println(ctx.stderr, `claude secret: '${name}' is not a secret name: use lowercase letters, digits and '_', starting with a letter`);
      return EXIT.USAGE;
    }
    const paths = resolvePaths(ctx.env, ctx.cwd, values['state-dir']);
    let value: string;
    if (values['from-file']) value = readFileSync(resolve(ctx.cwd, values['from-file']), 'utf8').replace(/\r?\n$/, '');
    else {
      const hidden = ctx.isTTY ? readHidden(ctx) : undefined;
      if (ctx.isTTY) ctx.stdout.write(hidden ? `Value for ${name} (not shown as you type; a multi-line value: --from-file): ` : `Value for ${name} (input is not hidden; or use --from-file): `);
      try {
        value = await (hidden ?? readStdin(ctx));
      } catch (e) {
        if (!(e instanceof Cancelled)) throw e;
        println(ctx.stderr, 'Cancelled; nothing was changed.');
        return EXIT.CANCELLED;
      }
    }
    if (value.length === 0) {
      println(ctx.stderr, 'claude secret: the value is empty; nothing was changed');
      return EXIT.FAILURE;
    }
    const { recipient } = await ensureAgeIdentity(paths.dataDir);
    const encrypted = await encryptSecret(value, recipient, name);
    const YAML = await import('yaml');
    const file = join(paths.stateDir, 'security.yaml');
    // No link, nothing but a regular file, at most 1 MiB (common/state-read.ts; StateFileError → one line).
    const current = readStateFileText(paths.stateDir, 'security.yaml');
    const doc = current !== null
      ? YAML.parseDocument(current)
      : YAML.parseDocument('apiVersion: claude.os/v1\nkind: SecurityConfig\nmetadata:\n  name: security\nspec: {}\n');
    if (doc.errors.length) {
      println(ctx.stderr, `claude secret: ${file} is not valid YAML (${doc.errors[0]!.message}); fix it first`);
      return EXIT.FAILURE;
    }
    const secrets = (doc.getIn(['spec', 'secrets']) as { items?: unknown[] } | undefined)?.items ?? [];
    const idx = secrets.findIndex((s) => (s as { get?: (k: string) => unknown }).get?.('name') === name);
    if (idx >= 0) doc.setIn(['spec', 'secrets', idx, 'value'], encrypted);
    else if (secrets.length) doc.addIn(['spec', 'secrets'], doc.createNode({ name, value: encrypted }));
    else doc.setIn(['spec', 'secrets'], doc.createNode([{ name, value: encrypted }]));
    writeFileAtomic(file, doc.toString({ lineWidth: 0 }), 0o600);
    println(ctx.stdout, `${idx >= 0 ? 'Updated' : 'Added'} secret '${name}' in ${file} (encrypted to this host). Use it as \${secrets.${name}}; run \`claude plan\` to apply it.`);
    return EXIT.OK;
  },
};

export default command;
