/**
 * `claude sign plan.json --key FILE`: adds a signature to a plan (approval by a reviewer,
 * an admin or CI). The payload bytes are not touched, so earlier signatures stay valid; a
 * keyid counts once, so signing twice with the same key changes nothing.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from '../args.js';
import { EXIT, UsageError, println, type Command } from '../context.js';
import { writeFileAtomic } from '../../common/fsutil.js';
import { cosignPlan } from '../../compiler/sign.js';
import { EnvelopeFormatError, serializeEnvelope } from '../../plan/envelope.js';
import { KeyError, listTrustedKeys, readPrivateKeyFile } from '../../plan/keys.js';
import { resolvePaths } from '../../common/paths.js';

const usage = `usage: claude sign PLAN.json --key FILE

Adds your signature to a plan file, in place. The key is an ed25519 private key in PEM
(\`claude keys generate --out FILE\` makes one; it must be mode 0600). For the signature
to count on a host, that host must trust the public key (\`claude keys add\`).`;

const command: Command = {
  summary: 'add a signature to a plan file (approval)',
  usage,
  async run(ctx) {
    const { values, positionals } = parse(ctx.argv, { key: { type: 'string' } });
    if (positionals.length !== 1) throw new UsageError('give exactly one plan file');
    if (!values.key) throw new UsageError('--key FILE is required');
    const file = resolve(ctx.cwd, positionals[0]!);
    try {
      const key = readPrivateKeyFile(resolve(ctx.cwd, values.key));
      const { envelope, added, keyid } = cosignPlan(readFileSync(file, 'utf8'), key);
      if (!added) {
        println(ctx.stdout, `${file} is already signed by ${keyid.slice(0, 16)}…; unchanged`);
        return EXIT.OK;
      }
      writeFileAtomic(file, serializeEnvelope(envelope), 0o644);
      // Whether the signature counts here: a key this host does not trust approves nothing on it.
      // The signature is written: a trusted-key file that cannot be read only makes this unknown.
      let here: string;
      try {
        const trusted = listTrustedKeys(resolvePaths(ctx.env, ctx.cwd).dataDir).find((k) => k.keyid === keyid);
        here = trusted ? `trusted on this host as ${trusted.role} '${trusted.name}'` : 'not trusted on this host: `claude keys add FILE.pub --role admin|ci` on the host that applies it';
      } catch (e) {
        here = `could not tell whether it is trusted here (${(e as Error).message})`;
      }
      println(ctx.stdout, `signed ${file} with ${keyid.slice(0, 16)}… (${here}; ${envelope.signatures.length} signature${envelope.signatures.length === 1 ? '' : 's'})`);
      return EXIT.OK;
    } catch (e) {
      if (e instanceof KeyError) {
        println(ctx.stderr, `claude sign: ${e.message}\n  hint: ${e.hint}`);
        return EXIT.FAILURE;
      }
      if (e instanceof EnvelopeFormatError) {
        println(ctx.stderr, `claude sign: ${file} is not a plan: ${e.message}`);
        return EXIT.FAILURE;
      }
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
        println(ctx.stderr, `claude sign: ${(e as Error).message}`);
        return EXIT.FAILURE;
      }
      throw e;
    }
  },
};

export default command;
