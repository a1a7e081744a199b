// TLS-ALPN-01 (RFC 8737) against a real Pebble started by this run (runtime/testutil/pebble.ts,
// free loopback ports, its own temp dir): the order is answered only by Claude.OS's own
// `acme-tls/1` responder, the certificate chains to Pebble's root, nothing is written to the
// webroot, the responder is closed afterwards, and a taken port fails the order with the reason.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { X509Certificate, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer, connect, type Server } from 'node:net';
import { join } from 'node:path';
import { startPebble, type Pebble } from '../testutil/pebble.js';
import { freePort } from '../testutil/ports.js';
import { tempDirs } from '../testutil/tempdirs.js';
import { acmeSettingsFromEnv, AcmeOrderError, orderCertificate, type AcmeSettings } from './acme.js';
import type { CertSpec } from './store.js';

const temps = tempDirs('claude-alpn-');
let pebble: Pebble;
let settings: AcmeSettings;

const spec = (name: string): CertSpec => ({ name, domains: [`${name}.example.test`], provider: 'letsencrypt' as CertSpec['provider'], autoRenew: true, renewBeforeDays: 30 });

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(false);
    });
    s.once('error', () => resolve(true));
  });
}

beforeAll(async () => {
  pebble = await startPebble();
  // The HTTP-01 port is a free one nothing answers on: only TLS-ALPN-01 can validate.
  settings = { directoryUrl: pebble.directoryUrl, caPem: pebble.listenerCa, httpPort: await freePort(), httpAddress: '127.0.0.1', challenge: 'tls-alpn-01', tlsPort: pebble.httpPort };
}, 120_000);
afterAll(async () => {
  await pebble?.stop();
  temps.cleanup();
});

describe('ACME TLS-ALPN-01 against Pebble', () => {
  it('issues a certificate answered only by the acme-tls/1 responder, chained to Pebble, leaving nothing behind', async () => {
    const name = `alpn-${randomBytes(3).toString('hex')}`;
    const dataDir = temps.make();
    const root = temps.make();
    const log: string[] = [];
    const { keyPem, chainPem } = await orderCertificate({ spec: spec(name), dataDir, root, settings, log: (l) => log.push(l) });
    expect(keyPem).toMatch(/BEGIN (EC )?PRIVATE KEY/);
    const pems = chainPem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)!;
    const leaf = new X509Certificate(pems[0]!);
    expect(leaf.subjectAltName).toContain(`DNS:${name}.example.test`);
    const issuer = new X509Certificate(pems[1]!);
    expect(leaf.checkIssued(issuer)).toBe(true);
    expect(leaf.verify(issuer.publicKey)).toBe(true);
    expect(log).toContain(`answering tls-alpn-01 for ${name}.example.test`);
    // no HTTP-01 token in the webroot, and the responder is gone
    expect(existsSync(join(root, 'srv/claude/certs', name, '.well-known'))).toBe(false);
    expect(await refused(pebble.httpPort)).toBe(true);
  }, 120_000);

  it('fails with the reason when the port is taken, and reads its settings from the environment', async () => {
    const busy: Server = createServer();
    await new Promise<void>((r) => busy.listen(pebble.httpPort, '127.0.0.1', () => r()));
    try {
      const err = await orderCertificate({ spec: spec(`busy-${randomBytes(3).toString('hex')}`), dataDir: temps.make(), root: temps.make(), settings }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(AcmeOrderError);
      expect((err as Error).message).toMatch(new RegExp(`the TLS-ALPN-01 responder cannot listen on 127\\.0\\.0\\.1:${pebble.httpPort} \\(EADDRINUSE\\)`));
    } finally {
      await new Promise<void>((r) => busy.close(() => r()));
    }
    expect(acmeSettingsFromEnv({ CLAUDE_ACME_CHALLENGE: 'tls-alpn-01', CLAUDE_ACME_TLS_PORT: '8443' })).toMatchObject({ challenge: 'tls-alpn-01', tlsPort: 8443 });
    expect(acmeSettingsFromEnv({})).not.toHaveProperty('challenge');
    expect(() => acmeSettingsFromEnv({ CLAUDE_ACME_CHALLENGE: 'dns-01' })).toThrow(/must be http-01 or tls-alpn-01, not 'dns-01'/);
    expect(() => acmeSettingsFromEnv({ CLAUDE_ACME_CHALLENGE: 'tls-alpn-01', CLAUDE_ACME_TLS_PORT: '0' })).toThrow(/CLAUDE_ACME_TLS_PORT must be a port number/);
  }, 120_000);
});
