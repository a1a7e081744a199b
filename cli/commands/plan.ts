/**
 * `claude plan [--state-dir DIR] [--out FILE] [--json] [--detailed-exitcode] [--allow-destructive] [--ttl DURATION]`:
 * compile the state dir, observe the system (read-only), plan, sign with the host key and
 * write plan.json. Exit codes follow terraform's -detailed-exitcode.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Docker from 'dockerode';
import { parse } from '../args.js';
import { EXIT, UsageError, println, type Command } from '../context.js';
import { packageRoot, resolvePaths } from '../../common/paths.js';
import { writeFileAtomic } from '../../common/fsutil.js';
import { renderDiagnostic, DiagnosticSink } from '../../compiler/diagnostics.js';
import { compileStateDir } from '../../compiler/compile.js';
import { plan } from '../../compiler/planner.js';
import { signPlan } from '../../compiler/sign.js';
import { renderPlan } from '../../compiler/show.js';
import type { ObservedSource } from '../../compiler/observed-source.js';
import { serializeEnvelope } from '../../plan/envelope.js';
import { inspectPlan } from '../../plan/inspect.js';
import { KeyError, loadOrCreateHostId, loadOrCreateHostKey, loadTrustedKeys } from '../../plan/keys.js';
import { observe, ObserveError } from '../../runtime/observe/snapshot.js';
import { NftDriver, NftError } from '../../runtime/drivers/nft.js';

const usage = `usage: claude plan [--state-dir DIR] [--out FILE] [--json] [--detailed-exitcode] [--allow-destructive] [--ttl DURATION]

Compiles the state files, compares them with what is running (read-only), and writes a
signed plan: the exact steps that would make the system match. Nothing is changed.
Review it with \`claude show FILE\`, approve it with more keys with \`claude sign\`.

  --state-dir DIR       the state dir (default: $CLAUDE_STATE_DIR or /etc/claude.d)
  --out FILE            where to write the plan (default: plan.json)
  --json                print the plan payload as JSON instead of the review text
  --detailed-exitcode   exit 0 when there is nothing to do, 2 when the plan has steps, 1 on error
  --allow-destructive   also plan the deletion of volumes (and their data) that are no longer declared
  --ttl DURATION        how long the plan stays valid, e.g. 30m, 2h (default 1h)

With a message (\`claude plan "add redis"\`), the intent engine proposes the state files
first; the plan is written to --out and never applied.`;

export function parseDuration(s: string): number {
  const m = /^(\d+)(ms|s|m|h)?$/.exec(s.trim());
  if (!m) throw new UsageError(`--ttl ${JSON.stringify(s)} is not a duration; write e.g. 90s, 30m or 2h`);
  const n = Number(m[1]);
  const unit = m[2] ?? 'ms';
  const ms = unit === 'h' ? n * 3_600_000 : unit === 'm' ? n * 60_000 : unit === 's' ? n * 1000 : n;
  if (ms < 1000 || ms > 30 * 24 * 3_600_000) throw new UsageError(`--ttl ${s} must be between 1s and 30 days`);
  return ms;
}

export function compilerVersion(): string {
  return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

/** HEAD of the state repo, or null when it is not a repo or has no commit. */
export async function stateHead(stateDir: string): Promise<string | null> {
  const git = (await import('isomorphic-git')).default;
  const fs = await import('node:fs');
  try {
    return await git.resolveRef({ fs, dir: stateDir, ref: 'HEAD' });
  } catch {
    return null;
  }
}

/** The runtime's read-only observer, as the compiler's ObservedSource. */
export function runtimeSource(o: { dataDir: string; root: string; hostId: string; stateCommit: string | null; warn: (s: string) => void }): ObservedSource {
  return {
    async snapshot() {
      const nftDriver = new NftDriver();
      const nft = {
        async observe() {
          try {
            return await nftDriver.observe();
          } catch (e) {
            if (e instanceof NftError && e.exitCode === null) {
              o.warn(`nft is not available (${e.message}); the firewall is read as absent`);
              return { hash: null };
            }
            throw e;
          }
        },
      };
      return observe({ docker: new Docker(), dataDir: o.dataDir, root: o.root, hostId: o.hostId, stateCommit: o.stateCommit, nft });
    },
  };
}

const command: Command = {
  summary: 'compute the signed plan that makes the system match the state files (changes nothing)',
  usage,
  async run(ctx) {
    const { values, positionals } = parse(ctx.argv, {
      'state-dir': { type: 'string' },
      out: { type: 'string' },
      json: { type: 'boolean' },
      'detailed-exitcode': { type: 'boolean' },
      'allow-destructive': { type: 'boolean' },
      ttl: { type: 'string' },
    });
    if (positionals.length) {
      // A message: the intent engine writes the files, then the same plan (never applied).
      const { runRequest } = await import('./ask.js');
      return runRequest(ctx, positionals.join(' '), { yes: false, json: values.json === true, planOnly: true, ...(values.out ? { out: values.out } : {}), ...(values['state-dir'] ? { stateDir: values['state-dir'] } : {}) });
    }
    const ttlMs = values.ttl !== undefined ? parseDuration(values.ttl) : undefined;
    const paths = resolvePaths(ctx.env, ctx.cwd, values['state-dir']);
    // HEAD before the files: the plan's base is the commit they were read from (docs/state-and-audit.md, Concurrency).
    const head = await stateHead(paths.stateDir);
    const { diagnostics, model } = compileStateDir(paths.stateDir);
    for (const d of diagnostics) println(ctx.stderr, renderDiagnostic(d));
    if (!model) {
      println(ctx.stderr, `claude plan: ${paths.stateDir} has errors; nothing was planned. Fix them (see \`claude validate\`) and plan again.`);
      return EXIT.FAILURE;
    }
    let hostId: string;
    let key;
    try {
      hostId = loadOrCreateHostId(paths.dataDir, paths.root);
      key = loadOrCreateHostKey(paths.dataDir, hostId);
    } catch (e) {
      if (e instanceof KeyError) {
        println(ctx.stderr, `claude plan: ${e.message}\n  hint: ${e.hint}`);
        return EXIT.FAILURE;
      }
      throw e;
    }
    if (key.created) println(ctx.stderr, `claude plan: generated the host key ${key.keyid.slice(0, 16)}… in ${join(paths.dataDir, 'keys')}`);
    let observed;
    try {
      const source = runtimeSource({ ...paths, hostId, stateCommit: head, warn: (s) => println(ctx.stderr, `claude plan: warning: ${s}`) });
      observed = await source.snapshot();
    } catch (e) {
      const msg = e instanceof ObserveError || e instanceof NftError ? e.message : `cannot observe the system: ${(e as Error).message}`;
      println(ctx.stderr, `claude plan: ${msg}`);
      println(ctx.stderr, '  hint: is dockerd running and is its socket readable (docker ps)? Planning needs to read the current state.');
      return EXIT.FAILURE;
    }
    const sink = new DiagnosticSink();
    const payload = plan(model, observed, {
      request: `apply state dir ${paths.stateDir}`,
      now: ctx.now(),
      nonce: randomBytes(32).toString('hex'),
      hostId,
      ...(ttlMs !== undefined ? { ttlMs } : {}),
      provenance: { engine: 'user', model: null, promptHash: null },
      compilerVersion: compilerVersion(),
      allowDestructive: values['allow-destructive'] === true,
      sink,
    });
    for (const d of sink.sorted()) println(ctx.stderr, renderDiagnostic(d));
    if (sink.hasErrors()) {
      println(ctx.stderr, 'claude plan: the plan cannot be made; nothing was written.');
      return EXIT.FAILURE;
    }
    const env = signPlan(payload, key.privateKey);
    const text = serializeEnvelope(env);
    const out = resolve(ctx.cwd, values.out ?? 'plan.json');
    writeFileAtomic(out, text, 0o644);
    if (values.json) {
      println(ctx.stdout, JSON.stringify(payload, null, 2));
    } else {
      const report = inspectPlan(text, { trusted: loadTrustedKeys(paths.dataDir), now: ctx.now(), hostId });
      ctx.stdout.write(renderPlan(payload, report));
      println(ctx.stdout);
      println(ctx.stdout, payload.steps.length ? `Saved the plan to ${out}. Review: claude show ${values.out ?? 'plan.json'}` : `No changes. Saved the (empty) plan to ${out}.`);
    }
    if (values['detailed-exitcode']) return payload.steps.length ? 2 : EXIT.OK;
    return EXIT.OK;
  },
};

export default command;
