/**
 * The cluster's PKI (docs/cluster.md, "Security"): every node authenticates to etcd with a TLS
 * client certificate signed by the cluster's own CA, and the etcd members present server and
 * peer certificates from the same CA (`--client-cert-auth --trusted-ca-file …` and
 * `--peer-client-cert-auth --peer-trusted-ca-file …`).
 *
 * Made in process with @peculiar/x509 over node's WebCrypto (already a pinned dependency, used
 * by runtime/certs): no subprocess, no key in a temp file or on a command line. Keys are ECDSA
 * P-256, PKCS#8 PEM, written 0600.
 *
 * Files, under `<dataDir>/cluster/pki/`:
 *
 *   ca.pem                       the cluster CA certificate (every node; 10 years)
 *   ca-key.pem                   its key: only on the node that ran `claude cluster init`
 *   node.pem, node-key.pem       this node's client certificate (CN = its host id; 1 year)
 *   node.csr, node-key.next.pem  a pending request (`claude cluster csr`), until a certificate
 *                                for it is installed (`join --cert` or `rotate-cert --cert`)
 *   etcd/m<i>/server.pem, server-key.pem, peer.pem, peer-key.pem
 *                                the certificates of etcd member i (the i-th --etcd URL), for
 *                                the operator to copy to that member's host
 *
 * A joining node makes its own key and a certificate request; the CA's holder signs it
 * (`claude cluster issue`); the CA key never leaves the first node, and a node's key never
 * leaves its node.
 */
import { createPrivateKey, createPublicKey, randomBytes, webcrypto } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';
import { writeFileAtomic } from '../../common/fsutil.js';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY = 86_400_000;
export const CA_DAYS = 3650;
export const CERT_DAYS = 365;

export const PKI = {
  dir: 'pki',
  ca: 'pki/ca.pem',
  caKey: 'pki/ca-key.pem',
  node: 'pki/node.pem',
  nodeKey: 'pki/node-key.pem',
  csr: 'pki/node.csr',
  nextKey: 'pki/node-key.next.pem',
  member: (i: number) => `pki/etcd/m${i + 1}`,
};

export class PkiError extends Error {
  override name = 'PkiError';
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

type KeyPair = webcrypto.CryptoKeyPair;
type Gen = Parameters<typeof x509.X509CertificateGenerator.createSelfSigned>[0]['keys'];

async function newKeys(): Promise<KeyPair> {
  return (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as KeyPair;
}

async function keyPem(k: webcrypto.CryptoKey): Promise<string> {
  return x509.PemConverter.encode(await webcrypto.subtle.exportKey('pkcs8', k), 'PRIVATE KEY') + '\n';
}

async function importSigningKey(pem: string, file: string): Promise<webcrypto.CryptoKey> {
  try {
    const der = createPrivateKey(pem).export({ type: 'pkcs8', format: 'der' });
    return await webcrypto.subtle.importKey('pkcs8', der, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
  } catch (e) {
    throw new PkiError(`${file} is not a P-256 private key (${(e as Error).message})`, 'restore it from a backup; without the CA key no certificate can be issued');
  }
}

const serial = () => '01' + randomBytes(15).toString('hex');

function san(hosts: readonly string[]): x509.SubjectAlternativeNameExtension {
  const uniq = [...new Set(hosts)];
  return new x509.SubjectAlternativeNameExtension(uniq.map((h) => (isIP(h) ? { type: 'ip' as const, value: h } : { type: 'dns' as const, value: h })));
}

interface Ca {
  cert: x509.X509Certificate;
  key: webcrypto.CryptoKey;
}

async function signLeaf(ca: Ca, o: { subject: string; publicKey: webcrypto.CryptoKey | x509.PublicKey; usages: x509.ExtendedKeyUsage[]; hosts?: readonly string[]; now: Date; days: number }): Promise<x509.X509Certificate> {
  const publicKey = o.publicKey instanceof x509.PublicKey ? await o.publicKey.export(ALG, ['verify']) : o.publicKey;
  return x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: o.subject,
    issuer: ca.cert.subject,
    notBefore: new Date(o.now.getTime() - 60_000),
    notAfter: new Date(o.now.getTime() + o.days * DAY),
    signingAlgorithm: ALG,
    publicKey,
    signingKey: ca.key,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension(o.usages),
      ...(o.hosts?.length ? [san(o.hosts)] : []),
      await x509.AuthorityKeyIdentifierExtension.create(ca.cert.publicKey),
      await x509.SubjectKeyIdentifierExtension.create(publicKey),
    ],
  });
}

const pem = (c: x509.X509Certificate) => c.toString('pem') + '\n';
const at = (clusterDir: string, rel: string) => join(clusterDir, rel);

function write(clusterDir: string, rel: string, text: string, mode: number): void {
  const file = at(clusterDir, rel);
  mkdirSync(join(file, '..'), { recursive: true, mode: 0o700 });
  writeFileAtomic(file, text, mode);
}

function loadCert(file: string): x509.X509Certificate {
  try {
    return new x509.X509Certificate(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new PkiError(`${file} is not a PEM certificate (${(e as Error).message})`, 'restore it, or make the cluster PKI again');
  }
}

async function loadCa(clusterDir: string): Promise<Ca> {
  const keyFile = at(clusterDir, PKI.caKey);
  if (!existsSync(keyFile))
    throw new PkiError(`this node does not hold the cluster CA key (${keyFile})`, 'issue certificates on the node that ran `claude cluster init` (it holds pki/ca-key.pem): copy the request there and run `claude cluster issue FILE`');
  return { cert: loadCert(at(clusterDir, PKI.ca)), key: await importSigningKey(readFileSync(keyFile, 'utf8'), keyFile) };
}

export interface MemberFiles {
  name: string;
  endpoint: string;
  dir: string;
  server: string;
  serverKey: string;
  peer: string;
  peerKey: string;
}

export function memberFiles(clusterDir: string, endpoints: readonly string[]): MemberFiles[] {
  return endpoints.map((endpoint, i) => {
    const dir = at(clusterDir, PKI.member(i));
    return { name: `m${i + 1}`, endpoint, dir, server: join(dir, 'server.pem'), serverKey: join(dir, 'server-key.pem'), peer: join(dir, 'peer.pem'), peerKey: join(dir, 'peer-key.pem') };
  });
}

/** The etcd flags member `m` runs with (printed by `claude cluster init`). */
export function etcdTlsFlags(clusterDir: string, m: MemberFiles): string[] {
  const ca = at(clusterDir, PKI.ca);
  return [
    `--cert-file=${m.server}`,
    `--key-file=${m.serverKey}`,
    `--trusted-ca-file=${ca}`,
    '--client-cert-auth',
    `--peer-cert-file=${m.peer}`,
    `--peer-key-file=${m.peerKey}`,
    `--peer-trusted-ca-file=${ca}`,
    '--peer-client-cert-auth',
  ];
}

/**
 * `claude cluster init`: the cluster CA, the certificates of every etcd member (one per
 * --etcd URL: server + peer, for that URL's host, 127.0.0.1 and localhost) and this node's
 * client certificate. What exists is kept (init run again after `--certs-only` reuses it).
 */
export async function createClusterPki(o: { clusterDir: string; name: string; endpoints: readonly string[]; hostId: string; now: Date }): Promise<{ created: string[]; members: MemberFiles[] }> {
  const d = o.clusterDir;
  const created: string[] = [];
  let ca: Ca;
  if (existsSync(at(d, PKI.ca))) ca = await loadCa(d);
  else {
    const keys = await newKeys();
    const cert = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: serial(),
      name: `CN=Claude.OS cluster ${o.name} CA, O=Claude.OS`,
      notBefore: new Date(o.now.getTime() - 60_000),
      notAfter: new Date(o.now.getTime() + CA_DAYS * DAY),
      signingAlgorithm: ALG,
      keys: keys as unknown as Gen,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey as unknown as x509.PublicKeyType),
      ],
    });
    write(d, PKI.caKey, await keyPem(keys.privateKey), 0o600);
    write(d, PKI.ca, pem(cert), 0o644);
    created.push(PKI.caKey, PKI.ca);
    ca = { cert, key: keys.privateKey };
  }
  const members = memberFiles(d, o.endpoints);
  for (const m of members) {
    const host = new URL(m.endpoint).hostname.replace(/^\[|\]$/g, '');
    for (const [kind, file, keyFile] of [['server', m.server, m.serverKey], ['peer', m.peer, m.peerKey]] as const) {
      if (existsSync(file) && existsSync(keyFile)) continue;
      const keys = await newKeys();
      const cert = await signLeaf(ca, { subject: `CN=etcd-${o.name}-${m.name}${kind === 'peer' ? '-peer' : ''}, O=Claude.OS`, publicKey: keys.publicKey, usages: [x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth], hosts: [host, '127.0.0.1', 'localhost'], now: o.now, days: CERT_DAYS });
      mkdirSync(m.dir, { recursive: true, mode: 0o700 });
      writeFileAtomic(keyFile, await keyPem(keys.privateKey), 0o600);
      writeFileAtomic(file, pem(cert), 0o644);
      created.push(keyFile.slice(d.length + 1), file.slice(d.length + 1));
    }
  }
  if (!existsSync(at(d, PKI.node)) || !existsSync(at(d, PKI.nodeKey))) {
    const keys = await newKeys();
    const cert = await signLeaf(ca, { subject: `CN=${o.hostId}, O=Claude.OS`, publicKey: keys.publicKey, usages: [x509.ExtendedKeyUsage.clientAuth], now: o.now, days: CERT_DAYS });
    write(d, PKI.nodeKey, await keyPem(keys.privateKey), 0o600);
    write(d, PKI.node, pem(cert), 0o644);
    created.push(PKI.nodeKey, PKI.node);
  }
  return { created, members };
}

/** `claude cluster csr`: a key for this node (kept here, 0600) and a request for its certificate (CN = host id). */
export async function makeRequest(clusterDir: string, hostId: string): Promise<{ csrPem: string; file: string }> {
  const keys = await newKeys();
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({ name: `CN=${hostId}, O=Claude.OS`, keys: keys as unknown as Gen, signingAlgorithm: ALG });
  const csrPem = csr.toString('pem') + '\n';
  write(clusterDir, PKI.nextKey, await keyPem(keys.privateKey), 0o600);
  write(clusterDir, PKI.csr, csrPem, 0o644);
  return { csrPem, file: at(clusterDir, PKI.csr) };
}

const HOST_ID = /^host-[0-9a-z]{4,64}$/;

function cnOf(name: string): string | null {
  return /(?:^|,\s*)CN=([^,]+)/.exec(name)?.[1] ?? null;
}

/** `claude cluster issue`: signs a node's request with the cluster CA (here). Returns the node's certificate followed by the CA's. */
export async function issueNodeCertificate(clusterDir: string, csrText: string, now: Date, days = CERT_DAYS): Promise<{ bundle: string; hostId: string; serial: string; notAfter: Date }> {
  const ca = await loadCa(clusterDir);
  let csr: x509.Pkcs10CertificateRequest;
  try {
    csr = new x509.Pkcs10CertificateRequest(csrText.trim());
  } catch (e) {
    throw new PkiError(`the request is not a PEM certificate request (${(e as Error).message})`, 'give the file `claude cluster csr` wrote on the joining node (pki/node.csr), or pipe its output');
  }
  if (!(await csr.verify())) throw new PkiError('the request is not signed by the key it carries', 'make it again on the joining node: claude cluster csr');
  const hostId = cnOf(csr.subject);
  if (!hostId || !HOST_ID.test(hostId)) throw new PkiError(`the request names '${csr.subject}', not a Claude.OS host id (CN=host-…)`, 'make the request with `claude cluster csr` on the node that will join');
  if (!Number.isInteger(days) || days < 1 || days > CA_DAYS) throw new PkiError(`--days must be 1-${CA_DAYS}, not ${days}`, 'the default is 365');
  const cert = await signLeaf(ca, { subject: `CN=${hostId}, O=Claude.OS`, publicKey: csr.publicKey, usages: [x509.ExtendedKeyUsage.clientAuth], now, days });
  return { bundle: pem(cert) + pem(ca.cert), hostId, serial: cert.serialNumber, notAfter: cert.notAfter };
}

function spki(keyPemText: string): Buffer {
  return createPublicKey(createPrivateKey(keyPemText)).export({ type: 'spki', format: 'der' });
}

/**
 * Installs a certificate issued for this node's pending key (`join --cert`, `rotate-cert
 * --cert`): it must carry this node's host id, be signed by the CA in the bundle (or by the
 * CA this node already trusts), be valid now and match the pending key. Then the pending key
 * becomes the node key, all at once.
 */
export async function installNodeCertificate(clusterDir: string, hostId: string, bundleText: string, now: Date): Promise<{ serial: string; notAfter: Date }> {
  const blocks = bundleText.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (!blocks.length) throw new PkiError('the file holds no PEM certificate', 'give the output of `claude cluster issue` (the node certificate, then the CA certificate)');
  const cert = new x509.X509Certificate(blocks[0]!);
  const caText = blocks[1] ?? (existsSync(at(clusterDir, PKI.ca)) ? readFileSync(at(clusterDir, PKI.ca), 'utf8') : null);
  if (!caText) throw new PkiError('the file holds no CA certificate and this node has none', 'give the whole output of `claude cluster issue` (it ends with the CA certificate)');
  const ca = new x509.X509Certificate(caText);
  if (!(await cert.verify({ publicKey: ca.publicKey, date: now }))) throw new PkiError(`the certificate (${cert.subject}) is not signed by the CA in the file (${ca.subject}), or is not valid now (${cert.notBefore.toISOString()} – ${cert.notAfter.toISOString()})`, 'issue it again on the CA node: claude cluster issue FILE');
  if (cnOf(cert.subject) !== hostId) throw new PkiError(`the certificate is for ${cnOf(cert.subject) ?? cert.subject}, not for this node (${hostId})`, 'copy the certificate issued for this node\'s request');
  const nextKey = at(clusterDir, PKI.nextKey);
  if (!existsSync(nextKey)) throw new PkiError(`this node has no pending key (${nextKey})`, 'make a request first: claude cluster csr, then have it issued');
  const keyText = readFileSync(nextKey, 'utf8');
  if (!spki(keyText).equals(Buffer.from(cert.publicKey.rawData))) throw new PkiError('the certificate is for another key than this node\'s pending request', 'issue the request in pki/node.csr (the last one `claude cluster csr` made)');
  write(clusterDir, PKI.ca, pem(ca), 0o644);
  write(clusterDir, PKI.node, pem(cert), 0o644);
  renameSync(nextKey, at(clusterDir, PKI.nodeKey));
  rmSync(at(clusterDir, PKI.csr), { force: true });
  return { serial: cert.serialNumber, notAfter: cert.notAfter };
}

/** `claude cluster rotate-cert` on the node holding the CA: a new key and certificate for this node, in one step. */
export async function rotateWithLocalCa(clusterDir: string, hostId: string, now: Date): Promise<{ serial: string; notAfter: Date }> {
  const { csrPem } = await makeRequest(clusterDir, hostId);
  const { bundle } = await issueNodeCertificate(clusterDir, csrPem, now);
  return installNodeCertificate(clusterDir, hostId, bundle, now);
}

export function holdsCa(clusterDir: string): boolean {
  return existsSync(at(clusterDir, PKI.caKey));
}

/** This node's client certificate: serial, subject and validity. */
export function nodeCertificate(clusterDir: string): { serial: string; subject: string; notAfter: string } | null {
  const f = at(clusterDir, PKI.node);
  if (!existsSync(f)) return null;
  const c = loadCert(f);
  return { serial: c.serialNumber, subject: c.subject, notAfter: c.notAfter.toISOString() };
}

/** The TLS files of the cluster config (relative to the cluster dir). */
export const TLS_FILES = { ca: PKI.ca, cert: PKI.node, key: PKI.nodeKey };
