/**
 * `claude certs [--json]`, `claude certs renew [NAME…] [--force] [--json]`: the TLS
 * certificates of security.yaml `spec.certificates` as applied (runtime/certs,
 * docs/certificates.md).
 */
import { parse } from '../args.js';
import { EXIT, UsageError, println, type Command } from '../context.js';
import { resolvePaths } from '../../common/paths.js';

const usage = `usage: claude certs [--json]
       claude certs renew [NAME ...] [--force] [--json]

The certificates of security.yaml spec.certificates, as applied: names, source (acme,
self-signed, or a placeholder until the first ACME order succeeds), expiry and whether a
renewal is due. Keys are kept 0600 in $CLAUDE_DATA_DIR/certs/<name>/; services mount the
copy in /srv/claude/certs/<name>/ (e.g. at /etc/nginx/certs).

  renew       order a certificate for each one that is a placeholder or due
              (renew_before_days before expiry), store it and reload the services that
              mount it (SIGHUP). "reloaded" is said once the service presents the
              new certificate and its old workers have stopped (up to 30 s; if not,
              what was still seen is said instead). The observer daemon does the
              same twice a day.
  --force     renew even when not due
  --json      print {"certificates": [...]} or {"results": [...]}

ACME settings come from the environment: CLAUDE_ACME_DIRECTORY (default Let's Encrypt),
CLAUDE_ACME_CA_FILE (a CA to trust for the directory's TLS), CLAUDE_ACME_HTTP_PORT (the
HTTP-01 responder's port, default 80), CLAUDE_ACME_HTTP_ADDRESS.`;

const command: Command = {
  summary: 'show and renew the TLS certificates (security.yaml spec.certificates)',
  usage,
  async run(ctx) {
    const { values, positionals } = parse(ctx.argv, { force: { type: 'boolean' }, json: { type: 'boolean' } });
    const [sub, ...names] = positionals;
    const { dataDir, root } = resolvePaths(ctx.env, ctx.cwd);
    const certs = await import('../../runtime/certs/index.js');
    const now = ctx.now();
    if (sub === undefined || sub === 'list') {
      if (values.force) throw new UsageError('--force goes with `claude certs renew`');
      const list = certs.listStored(dataDir).map((c) => ({
        name: c.spec.name,
        domains: c.spec.domains,
        provider: c.spec.provider,
        source: c.source,
        issuer: c.issuer,
        notAfter: c.notAfter,
        daysLeft: Math.floor((Date.parse(c.notAfter) - now.getTime()) / 86_400_000),
        renewBeforeDays: c.spec.renewBeforeDays,
        autoRenew: c.spec.autoRenew,
        due: certs.dueReason(c, now),
        mount: certs.handoffDir('/', c.spec.name),
      }));
      if (values.json) {
        println(ctx.stdout, JSON.stringify({ certificates: list }, null, 2));
        return EXIT.OK;
      }
      if (list.length === 0) println(ctx.stdout, 'No certificates. Add one to security.yaml spec.certificates (claude "set up https for example.com") and apply.');
      for (const c of list) {
        println(ctx.stdout, `${c.name}  ${c.domains.join(', ')}  ${c.source === 'placeholder' ? 'placeholder (self-signed, not issued yet)' : c.source}  expires ${c.notAfter.slice(0, 10)} (${c.daysLeft} days)${c.due ? `  renewal due: ${c.due}` : ''}`);
        println(ctx.stdout, `    issuer ${c.issuer}; files ${c.mount}/{fullchain.pem,privkey.pem,nginx.conf}`);
      }
      return EXIT.OK;
    }
    if (sub !== 'renew') throw new UsageError(`unknown subcommand '${sub}'; expected: claude certs [renew]`);
    let acme;
    try {
      acme = certs.acmeSettingsFromEnv(ctx.env);
    } catch (e) {
      println(ctx.stderr, `claude certs renew: ${(e as Error).message}`);
      return EXIT.FAILURE;
    }
    const results = await certs.renewCertificates({ dataDir, root, now, acme, ...(names.length ? { names } : {}), force: values.force === true, includeManualRenew: true, log: (l) => println(ctx.stderr, l) });
    if (values.json) println(ctx.stdout, JSON.stringify({ results }, null, 2));
    else {
      if (results.length === 0) println(ctx.stdout, 'No certificates to renew.');
      for (const r of results) {
        const what = r.action === 'failed' ? `FAILED: ${r.reason}` : r.action === 'current' ? `current: ${r.reason}` : r.action === 'skipped' ? `skipped: ${r.reason}` : `${r.action} (${r.reason}); valid until ${r.notAfter}${r.reloaded.length ? `; reloaded ${r.reloaded.join(', ')}` : ''}${r.unconfirmed.map((u) => `; ${u.service} ${u.why}`).join('')}`;
        println(r.action === 'failed' ? ctx.stderr : ctx.stdout, `${r.name}: ${what}`);
      }
    }
    return results.some((r) => r.action === 'failed') ? EXIT.FAILURE : EXIT.OK;
  },
};

export default command;
