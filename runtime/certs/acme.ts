/**
 * One ACME order (RFC 8555) with acme-client, answered with HTTP-01 (default) or, with
 * `challenge: 'tls-alpn-01'` (CLAUDE_ACME_CHALLENGE), TLS-ALPN-01 (RFC 8737).
 *
 * TLS-ALPN-01: a TLS server of Claude.OS's own on `tlsAddress:tlsPort` (default port 443)
 * that speaks only the `acme-tls/1` protocol and, for each name of the open order, presents
 * the self-signed validation certificate acme-client makes (`createAlpnCertificate`, with
 * the key authorization in its acmeIdentifier extension). It needs the port: when a web
 * server publishes 443 the order fails with that reason (there is no webroot for TLS-ALPN-01).
 *
 * HTTP-01:
 * The key authorization of each challenge is served two ways at once, whichever the CA
 * reaches:
 *   - Claude.OS's own responder, a small HTTP server on `httpAddress:httpPort` (default
 *     port 80) that answers only `/.well-known/acme-challenge/<token>` for open orders. When
 *     the port is taken (a web server publishes 80), it is skipped;
 *   - the webroot: the token is written to `<hand-off dir>/.well-known/acme-challenge/`,
 *     which the web server that mounts the certificate serves on port 80 (the nginx snippet
 *     in store.ts does).
 * Tokens are removed when the order ends, whatever its outcome, and the responder is closed.
 *
 * Nothing is stored here: the caller stores the key and certificate only when the order
 * succeeded, so a refused order leaves the old certificate (or none) exactly as it was.
 */
import { Agent } from 'node:https';
import { createServer, type Server } from 'node:http';
import { createSecureContext, createServer as createTlsServer, type SecureContext, type Server as TlsServer } from 'node:tls';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as acme from 'acme-client';
import { accountKeyPath, handoffDir, type CertSpec } from './store.js';

/** Where the ACME directory is and how to answer its challenges. */
export interface AcmeSettings {
  /** The directory URL; default Let's Encrypt's production directory. */
  directoryUrl: string;
  /** PEM bundle to trust for the directory's own TLS certificate (a test CA such as Pebble's); default the system's roots. */
  caPem?: string;
  /** The responder's port; default 80. */
  httpPort: number;
  /** The responder's address; default all addresses (also the TLS-ALPN-01 responder's). */
  httpAddress?: string;
  /** Which challenge to answer; default http-01. */
  challenge?: 'http-01' | 'tls-alpn-01';
  /** The TLS-ALPN-01 responder's port; default 443. */
  tlsPort?: number;
}

export const LETSENCRYPT_DIRECTORY = acme.directory.letsencrypt.production;

/**
 * The settings from the environment: CLAUDE_ACME_DIRECTORY, CLAUDE_ACME_CA_FILE,
 * CLAUDE_ACME_HTTP_PORT, CLAUDE_ACME_HTTP_ADDRESS, CLAUDE_ACME_CHALLENGE (http-01 or
 * tls-alpn-01), CLAUDE_ACME_TLS_PORT (docs/certificates.md).
 */
export function acmeSettingsFromEnv(env: Record<string, string | undefined>): AcmeSettings {
  const port = env.CLAUDE_ACME_HTTP_PORT === undefined ? 80 : Number(env.CLAUDE_ACME_HTTP_PORT);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`CLAUDE_ACME_HTTP_PORT must be a port number (1-65535), not '${env.CLAUDE_ACME_HTTP_PORT}'`);
  let caPem: string | undefined;
  if (env.CLAUDE_ACME_CA_FILE) {
    try {
      caPem = readFileSync(env.CLAUDE_ACME_CA_FILE, 'utf8');
    } catch (e) {
      throw new Error(`CLAUDE_ACME_CA_FILE: cannot read ${env.CLAUDE_ACME_CA_FILE}: ${(e as Error).message}`);
    }
  }
  const challenge = env.CLAUDE_ACME_CHALLENGE || 'http-01';
  if (challenge !== 'http-01' && challenge !== 'tls-alpn-01') throw new Error(`CLAUDE_ACME_CHALLENGE must be http-01 or tls-alpn-01, not '${challenge}' (DNS-01 is not supported)`);
  const tlsPort = env.CLAUDE_ACME_TLS_PORT === undefined ? 443 : Number(env.CLAUDE_ACME_TLS_PORT);
  if (!Number.isInteger(tlsPort) || tlsPort < 1 || tlsPort > 65535) throw new Error(`CLAUDE_ACME_TLS_PORT must be a port number (1-65535), not '${env.CLAUDE_ACME_TLS_PORT}'`);
  return {
    directoryUrl: env.CLAUDE_ACME_DIRECTORY || LETSENCRYPT_DIRECTORY,
    ...(caPem ? { caPem } : {}),
    httpPort: port,
    ...(env.CLAUDE_ACME_HTTP_ADDRESS ? { httpAddress: env.CLAUDE_ACME_HTTP_ADDRESS } : {}),
    ...(challenge === 'tls-alpn-01' ? { challenge, tlsPort } : {}),
  };
}

/** The order failed; `detail` is the CA's problem document when it sent one. */
export class AcmeOrderError extends Error {
  constructor(
    readonly certificate: string,
    message: string,
  ) {
    super(message);
    this.name = 'AcmeOrderError';
  }
}

/** The HTTP-01 responder: answers the tokens in `tokens`, 404 for anything else. */
async function startResponder(tokens: Map<string, string>, s: AcmeSettings, log: (l: string) => void): Promise<Server | null> {
  const server = createServer((req, res) => {
    const m = /^\/\.well-known\/acme-challenge\/([A-Za-z0-9_-]+)$/.exec(req.url ?? '');
    const body = m ? tokens.get(m[1]!) : undefined;
    if (req.method !== 'GET' || body === undefined) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain' }).end(body);
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(s.httpPort, s.httpAddress, () => resolve());
    });
    return server;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    log(`the HTTP-01 responder cannot listen on ${s.httpAddress ?? '*'}:${s.httpPort} (${code ?? (e as Error).message}); the challenge is answered only from the web server's webroot (.well-known/acme-challenge in the certificate's directory)`);
    return null;
  }
}

/** The TLS-ALPN-01 responder: `acme-tls/1` only, the validation certificate of the name asked for (SNI). */
async function startAlpnResponder(certs: Map<string, SecureContext>, s: AcmeSettings): Promise<TlsServer> {
  const server = createTlsServer({
    ALPNProtocols: ['acme-tls/1'],
    SNICallback: (name, cb) => {
      const ctx = certs.get(name.toLowerCase());
      if (ctx) cb(null, ctx);
      else cb(new Error(`no open TLS-ALPN-01 challenge for ${name}`));
    },
  });
  // RFC 8737: the handshake is all the CA needs; close what connects.
  server.on('secureConnection', (sock) => sock.end());
  server.on('tlsClientError', () => undefined);
  const port = s.tlsPort ?? 443;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, s.httpAddress, () => resolve());
    });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(`the TLS-ALPN-01 responder cannot listen on ${s.httpAddress ?? '*'}:${port} (${code ?? (e as Error).message}); TLS-ALPN-01 needs that port (a web server publishing it must not run during the order), or use http-01`);
  }
  return server;
}

/** The account key for this directory (made once, 0600) and the account's URL once known. */
async function account(dataDir: string, directoryUrl: string): Promise<{ key: Buffer; url?: string; existed: boolean }> {
  const p = accountKeyPath(dataDir, directoryUrl);
  if (existsSync(p)) {
    let url: string | undefined;
    try {
      url = readFileSync(p.replace(/\.pem$/, '.url'), 'utf8').trim() || undefined;
    } catch {
      /* not recorded yet */
    }
    return { key: readFileSync(p), ...(url ? { url } : {}), existed: true };
  }
  const key = await acme.crypto.createPrivateEcdsaKey();
  mkdirSync(dirname(p), { recursive: true, mode: 0o700 });
  writeFileSync(p, key, { mode: 0o600 });
  return { key, existed: false };
}

/** What a failed request said, in one line: the CA's problem detail when it sent one. */
function describe(e: unknown): string {
  const err = e as { message?: string; response?: { data?: { detail?: string; type?: string } } };
  const d = err.response?.data;
  if (d?.detail) return `${d.detail}${d.type ? ` (${d.type})` : ''}`;
  return err.message ?? String(e);
}

/**
 * Runs one order for `spec.domains` and returns the new key and certificate chain (PEM).
 * Throws AcmeOrderError with the CA's reason; nothing is left behind (tokens removed,
 * responder closed, failed authorizations deactivated by acme-client).
 */
export async function orderCertificate(o: { spec: CertSpec; dataDir: string; root: string; settings: AcmeSettings; log?: (l: string) => void }): Promise<{ keyPem: string; chainPem: string; reusedValidation: string[] }> {
  const log = o.log ?? (() => undefined);
  const { spec, settings } = o;
  if (spec.domains.some((d) => d.startsWith('*.'))) {
    throw new AcmeOrderError(spec.name, `certificate ${spec.name}: ${spec.domains.filter((d) => d.startsWith('*.')).join(', ')} is a wildcard; wildcards need the DNS-01 challenge, which Claude.OS does not answer. Name each host instead (e.g. www.example.com), or use provider: manual with your own files.`);
  }
  acme.axios.defaults.httpsAgent = settings.caPem ? new Agent({ ca: settings.caPem }) : undefined;
  const tokens = new Map<string, string>();
  const webroot = join(handoffDir(o.root, spec.name), '.well-known', 'acme-challenge');
  const written = new Set<string>();
  // The names whose challenge the CA asked for; a name it did not ask for was accepted on an
  // earlier validation still valid for this account (CAs reuse them; Let's Encrypt for 30 days).
  const challenged = new Set<string>();
  const alpn = settings.challenge === 'tls-alpn-01';
  const alpnCerts = new Map<string, SecureContext>();
  let responder: Server | null = null;
  let alpnResponder: TlsServer | null = null;
  try {
    if (alpn) alpnResponder = await startAlpnResponder(alpnCerts, settings);
    else responder = await startResponder(tokens, settings, log);
    const acct = await account(o.dataDir, settings.directoryUrl);
    const client = new acme.Client({ directoryUrl: settings.directoryUrl, accountKey: acct.key, ...(acct.url ? { accountUrl: acct.url } : {}), backoffAttempts: 12, backoffMin: 200, backoffMax: 3000 });
    // A known key whose URL was not recorded: look the account up (re-registering an
    // existing account without a contact is an empty update, which a CA may refuse).
    if (acct.existed && !acct.url) await client.createAccount({ onlyReturnExisting: true }).catch(() => undefined);
    const [key, csr] = await acme.crypto.createCsr({ commonName: spec.domains[0]!, altNames: spec.domains }, await acme.crypto.createPrivateEcdsaKey());
    const chain = await client.auto({
      csr,
      ...(spec.email ? { email: spec.email } : {}),
      termsOfServiceAgreed: true,
      challengePriority: [alpn ? 'tls-alpn-01' : 'http-01'],
      // acme-client's own pre-check fetches http://<domain>/ through this host's resolver,
      // which need not see what the CA sees; the CA's validation is the one that counts.
      skipChallengeVerification: true,
      challengeCreateFn: async (authz, challenge, keyAuthorization) => {
        challenged.add(authz.identifier.value.toLowerCase());
        if (alpn && (challenge.type as string) === 'tls-alpn-01') {
          const [k, c] = await acme.crypto.createAlpnCertificate(authz, keyAuthorization);
          alpnCerts.set(authz.identifier.value.toLowerCase(), createSecureContext({ key: k, cert: c }));
          log(`answering tls-alpn-01 for ${authz.identifier.value}`);
          return;
        }
        if (challenge.type !== 'http-01') throw new Error(`challenge type ${challenge.type} is not supported (only ${alpn ? 'tls-alpn-01' : 'http-01'})`);
        tokens.set(challenge.token, keyAuthorization);
        mkdirSync(webroot, { recursive: true, mode: 0o755 });
        writeFileSync(join(webroot, challenge.token), keyAuthorization, { mode: 0o644 });
        written.add(challenge.token);
      },
      challengeRemoveFn: async (authz, challenge) => {
        alpnCerts.delete(authz.identifier.value.toLowerCase());
        tokens.delete(challenge.token);
        rmSync(join(webroot, challenge.token), { force: true });
        written.delete(challenge.token);
      },
    });
    try {
      writeFileSync(accountKeyPath(o.dataDir, settings.directoryUrl).replace(/\.pem$/, '.url'), client.getAccountUrl() + '\n', { mode: 0o600 });
    } catch {
      /* looked up again next time */
    }
    return { keyPem: key.toString(), chainPem: chain.toString(), reusedValidation: spec.domains.filter((d) => !challenged.has(d.toLowerCase())) };
  } catch (e) {
    throw new AcmeOrderError(spec.name, `certificate ${spec.name} (${spec.domains.join(', ')}): the ACME order at ${settings.directoryUrl} failed: ${describe(e)}`);
  } finally {
    for (const t of written) rmSync(join(webroot, t), { force: true });
    tokens.clear();
    alpnCerts.clear();
    if (responder) await new Promise<void>((r) => responder!.close(() => r()));
    if (alpnResponder) await new Promise<void>((r) => alpnResponder!.close(() => r()));
  }
}
