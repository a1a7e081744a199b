/**
 * Where certificates live and how they are written (docs/certificates.md).
 *
 *   <dataDir>/certs/<name>/privkey.pem     the key, 0600 (the authoritative copy)
 *   <dataDir>/certs/<name>/fullchain.pem   the certificate and its chain, 0644
 *   <dataDir>/certs/<name>/cert.json       what was asked for (the applied spec) and what was got
 *   <dataDir>/certs/accounts/<sha>.pem     the ACME account key per directory URL, 0600
 *
 * Services get a copy through a declared mount of the hand-off directory
 * `CLAUDE_ROOT/srv/claude/certs/<name>/` (HANDOFF_DIR; e.g. nginx's `/etc/nginx/certs`):
 * the same two PEM files (the key 0600), `nginx.conf` (a server block that serves HTTPS with
 * them and answers HTTP-01 challenges on port 80) and `.well-known/acme-challenge/` (the
 * webroot the challenge tokens are written to while an order is open).
 *
 * Each set of files is written all-or-nothing: every file to a temporary name first, then
 * the renames; a failed order writes nothing. The service is reloaded after the renames.
 */
import { X509Certificate, createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The host path (under CLAUDE_ROOT) of the directory services mount, one per certificate. */
export const HANDOFF_DIR = '/srv/claude/certs';

export type CertProvider = 'letsencrypt' | 'self-signed' | 'manual';

/** One certificate as security.yaml asks for it, defaults filled in. */
export interface CertSpec {
  name: string;
  domains: string[];
  provider: CertProvider;
  email?: string;
  autoRenew: boolean;
  renewBeforeDays: number;
}

/** cert.json: the applied spec and the certificate that is stored. */
export interface StoredCert {
  spec: CertSpec;
  /** `acme`: issued by the ACME directory; `self-signed`: made here; `placeholder`: self-signed, until the ACME order succeeds. */
  source: 'acme' | 'self-signed' | 'placeholder';
  directory?: string;
  issuer: string;
  serial: string;
  notBefore: string;
  notAfter: string;
  /** The names the certificate holds. */
  domains: string[];
  issuedAt: string;
}

export const DEFAULT_RENEW_BEFORE_DAYS = 30;

export function storeDir(dataDir: string, name: string): string {
  return join(dataDir, 'certs', name);
}

export function handoffDir(root: string, name: string): string {
  return join(root, HANDOFF_DIR, name);
}

export function accountKeyPath(dataDir: string, directoryUrl: string): string {
  return join(dataDir, 'certs', 'accounts', `${createHash('sha256').update(directoryUrl).digest('hex').slice(0, 16)}.pem`);
}

/** cert.json of a certificate, or null when none is stored (or it cannot be read). */
export function readStored(dataDir: string, name: string): StoredCert | null {
  try {
    return JSON.parse(readFileSync(join(storeDir(dataDir, name), 'cert.json'), 'utf8')) as StoredCert;
  } catch {
    return null;
  }
}

/** Every stored certificate, by name. */
export function listStored(dataDir: string): StoredCert[] {
  const dir = join(dataDir, 'certs');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => n !== 'accounts' && !n.startsWith('.'))
    .sort()
    .map((n) => readStored(dataDir, n))
    .filter((c): c is StoredCert => c !== null);
}

/** Facts of a PEM certificate (the first one of a chain). */
export function certFacts(chainPem: string): { issuer: string; serial: string; notBefore: string; notAfter: string; domains: string[] } {
  const first = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(chainPem);
  if (!first) throw new Error('no PEM certificate in the reply');
  const c = new X509Certificate(first[0]);
  const domains = (c.subjectAltName ?? '')
    .split(/,\s*/)
    .filter((s) => s.startsWith('DNS:'))
    .map((s) => s.slice(4));
  return { issuer: c.issuer.replace(/\n/g, ', '), serial: c.serialNumber, notBefore: new Date(c.validFrom).toISOString(), notAfter: new Date(c.validTo).toISOString(), domains };
}

function writeTemp(path: string, data: string, mode: number): string {
  const tmp = `${path}.tmp-${randomBytes(4).toString('hex')}`;
  writeFileSync(tmp, data, { mode });
  chmodSync(tmp, mode);
  return tmp;
}

/** Writes files into `dir` all-or-nothing: every temp file first, then the renames. */
function writeSet(dir: string, files: { name: string; data: string; mode: number }[]): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const temps: [string, string][] = [];
  try {
    for (const f of files) temps.push([writeTemp(join(dir, f.name), f.data, f.mode), join(dir, f.name)]);
  } catch (e) {
    for (const [t] of temps) rmSync(t, { force: true });
    throw e;
  }
  for (const [t, p] of temps) renameSync(t, p);
}

/** The nginx server blocks for a certificate's hand-off directory mounted at /etc/nginx/certs. */
export function nginxSnippet(spec: CertSpec, mountedAt = '/etc/nginx/certs'): string {
  const names = spec.domains.join(' ');
  return [
    `# Written by Claude.OS for the certificate '${spec.name}' (security.yaml). Mounted into the`,
    `# web server with the certificate's directory at ${mountedAt}; rewritten when the certificate changes.`,
    'server {',
    '    listen 443 ssl;',
    `    server_name ${names};`,
    `    ssl_certificate ${mountedAt}/fullchain.pem;`,
    `    ssl_certificate_key ${mountedAt}/privkey.pem;`,
    '    ssl_protocols TLSv1.2 TLSv1.3;',
    '    root /usr/share/nginx/html;',
    '    index index.html;',
    '    location / {',
    '        try_files $uri $uri/ =404;',
    '    }',
    '}',
    'server {',
    '    listen 80;',
    `    server_name ${names};`,
    '    # HTTP-01 challenges: Claude.OS writes the tokens here while an order is open.',
    '    location /.well-known/acme-challenge/ {',
    `        root ${mountedAt};`,
    '    }',
    '    location / {',
    '        return 301 https://$host$request_uri;',
    '    }',
    '}',
    '',
  ].join('\n');
}

/**
 * Stores a key and certificate in the data dir and copies them to the hand-off directory,
 * each set all-or-nothing. The key is 0600 in both places.
 */
export function storeCertificate(o: { dataDir: string; root: string; spec: CertSpec; keyPem: string; chainPem: string; source: StoredCert['source']; directory?: string; now: Date }): StoredCert {
  const facts = certFacts(o.chainPem);
  const meta: StoredCert = { spec: o.spec, source: o.source, ...(o.directory ? { directory: o.directory } : {}), ...facts, issuedAt: o.now.toISOString() };
  writeSet(storeDir(o.dataDir, o.spec.name), [
    { name: 'fullchain.pem', data: o.chainPem, mode: 0o644 },
    { name: 'privkey.pem', data: o.keyPem, mode: 0o600 },
    { name: 'cert.json', data: JSON.stringify(meta, null, 2) + '\n', mode: 0o644 },
  ]);
  publish(o.root, o.spec, o.keyPem, o.chainPem);
  return meta;
}

/** The hand-off directory's files: the PEMs, the nginx snippet and the challenge webroot. */
export function publish(root: string, spec: CertSpec, keyPem: string, chainPem: string): void {
  const dir = handoffDir(root, spec.name);
  writeSet(dir, [
    { name: 'fullchain.pem', data: chainPem, mode: 0o644 },
    { name: 'privkey.pem', data: keyPem, mode: 0o600 },
    { name: 'nginx.conf', data: nginxSnippet(spec), mode: 0o644 },
  ]);
  chmodSync(dir, 0o755);
  mkdirSync(join(dir, '.well-known', 'acme-challenge'), { recursive: true, mode: 0o755 });
}

/** Stops tracking a certificate: cert.json becomes cert.retired.json (the PEMs stay). */
export function retire(dataDir: string, name: string): void {
  const d = storeDir(dataDir, name);
  renameSync(join(d, 'cert.json'), join(d, 'cert.retired.json'));
}

/** The stored key and certificate, or null. */
export function readPems(dataDir: string, name: string): { keyPem: string; chainPem: string } | null {
  try {
    const d = storeDir(dataDir, name);
    return { keyPem: readFileSync(join(d, 'privkey.pem'), 'utf8'), chainPem: readFileSync(join(d, 'fullchain.pem'), 'utf8') };
  } catch {
    return null;
  }
}

/** Same domains, in any order. */
export function sameDomains(a: readonly string[], b: readonly string[]): boolean {
  const x = [...a].map((d) => d.toLowerCase()).sort();
  const y = [...b].map((d) => d.toLowerCase()).sort();
  return x.length === y.length && x.every((d, i) => d === y[i]);
}
