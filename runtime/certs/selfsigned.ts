/**
 * Self-signed certificates, made here with @peculiar/x509 over node's WebCrypto: the
 * `self-signed` provider, and the placeholder a `letsencrypt` certificate is served with
 * until its first ACME order succeeds (so a web server that mounts it can start at once).
 */
import { randomBytes, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

/** A fresh P-256 key and a certificate for `names` (DNS names, or IPv4 addresses), valid `days` from `now`. */
export async function selfSigned(names: readonly string[], o: { now: Date; days: number; commonName?: string }): Promise<{ keyPem: string; certPem: string }> {
  const keys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const san = names.map((n) => (/^\d{1,3}(\.\d{1,3}){3}$/.test(n) ? { type: 'ip' as const, value: n } : { type: 'dns' as const, value: n }));
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01' + randomBytes(15).toString('hex'),
    name: `CN=${o.commonName ?? names[0]}`,
    notBefore: new Date(o.now.getTime() - 60_000),
    notAfter: new Date(o.now.getTime() + o.days * 86_400_000),
    signingAlgorithm: ALG,
    keys: keys as unknown as Parameters<typeof x509.X509CertificateGenerator.createSelfSigned>[0]['keys'],
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(san),
    ],
  });
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  const keyPem = x509.PemConverter.encode(pkcs8, 'PRIVATE KEY') + '\n';
  return { keyPem, certPem: cert.toString('pem') + '\n' };
}
