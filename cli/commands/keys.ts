/**
 * `claude keys [list] | add FILE --role host|admin|ci --name NAME | remove KEYID | generate --out FILE`:
 * the keys this host trusts to sign plans ($CLAUDE_DATA_DIR/keys/trusted/), and new key pairs.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from '../args.js';
import { EXIT, UsageError, println, type Command } from '../context.js';
import { resolvePaths } from '../../common/paths.js';
import { writeFileAtomic } from '../../common/fsutil.js';
import { KeyError, ROLES, addTrustedKey, generateKeyPair, listTrustedKeys, readPublicKeyFile, removeTrustedKey, type Role } from '../../plan/keys.js';

const usage = `usage: claude keys [list] [--json]
       claude keys add FILE --role host|admin|ci --name NAME
       claude keys remove KEYID
       claude keys generate --out FILE

Plans are applied only when signed by keys this host trusts (see docs/plans.md, Policy):
every plan by a 'host' key, changes to users/SSH by an 'admin' key too.

  list       the trusted keys: keyid, role, name
  add        trust the public key in FILE (PEM) with a role
  remove     stop trusting a key (keyid or its first 8+ hex digits)
  generate   make an ed25519 key pair: FILE (private, mode 0600) and FILE.pub`;

const command: Command = {
  summary: 'list, add, remove and generate the keys that sign plans',
  usage,
  async run(ctx) {
    const { values, positionals } = parse(ctx.argv, { role: { type: 'string' }, name: { type: 'string' }, out: { type: 'string' }, json: { type: 'boolean' } });
    const [sub = 'list', ...rest] = positionals;
    const { dataDir } = resolvePaths(ctx.env, ctx.cwd);
    try {
      switch (sub) {
        case 'list': {
          if (rest.length) throw new UsageError('list takes no arguments');
          const keys = listTrustedKeys(dataDir);
          if (values.json) {
            println(ctx.stdout, JSON.stringify(keys.map(({ keyid, role, name }) => ({ keyid, role, name })), null, 2));
            return EXIT.OK;
          }
          if (keys.length === 0) println(ctx.stdout, 'no trusted keys yet (the host key is made by the first `claude plan`)');
          for (const k of keys) println(ctx.stdout, `${k.keyid}  ${k.role.padEnd(5)}  ${k.name}`);
          return EXIT.OK;
        }
        case 'add': {
          if (rest.length !== 1) throw new UsageError('add takes one public key FILE');
          if (!values.role || !ROLES.includes(values.role as Role)) throw new UsageError('--role host|admin|ci is required');
          if (!values.name) throw new UsageError('--name NAME is required');
          const key = readPublicKeyFile(resolve(ctx.cwd, rest[0]!));
          const rec = addTrustedKey(dataDir, { publicKeyPem: key.export({ type: 'spki', format: 'pem' }).toString(), role: values.role as Role, name: values.name });
          println(ctx.stdout, `trusted ${rec.keyid} as ${rec.role} '${rec.name}'`);
          return EXIT.OK;
        }
        case 'remove': {
          if (rest.length !== 1) throw new UsageError('remove takes one KEYID');
          const rec = removeTrustedKey(dataDir, rest[0]!);
          println(ctx.stdout, `removed ${rec.keyid} (${rec.role} '${rec.name}')`);
          return EXIT.OK;
        }
        case 'generate': {
          if (rest.length || !values.out) throw new UsageError('generate needs --out FILE');
          const out = resolve(ctx.cwd, values.out);
          if (existsSync(out) || existsSync(out + '.pub')) {
            println(ctx.stderr, `claude keys: ${existsSync(out) ? out : out + '.pub'} exists; not overwriting a key`);
            return EXIT.FAILURE;
          }
          const kp = generateKeyPair();
          writeFileAtomic(out, kp.privatePem, 0o600);
          writeFileAtomic(out + '.pub', kp.publicPem, 0o644);
          println(ctx.stdout, `wrote ${out} (private, 0600) and ${out}.pub; keyid ${kp.keyid}`);
          println(ctx.stdout, `trust it on a host with: claude keys add ${values.out}.pub --role admin --name NAME`);
          return EXIT.OK;
        }
        default:
          throw new UsageError(`unknown subcommand ${JSON.stringify(sub)}`);
      }
    } catch (e) {
      if (e instanceof KeyError) {
        println(ctx.stderr, `claude keys: ${e.message}\n  hint: ${e.hint}`);
        return EXIT.FAILURE;
      }
      throw e;
    }
  },
};

export default command;
