/**
 * The cluster PKI without etcd (docs/cluster.md, "Security"): what `claude cluster init`
 * writes, the join request → issue → install path, rotation, and the refusals. The chains
 * are checked by `openssl verify` (an independent X.509 implementation), not only by us.
 * The TLS handshakes with real etcd members are in cluster.docker.test.ts.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createClusterPki, installNodeCertificate, issueNodeCertificate, makeRequest, nodeCertificate, PKI, rotateWithLocalCa } from './pki.js';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'claude-pki-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const NOW = new Date();
const A = 'host-aaaa0000aaaa0000';
const B = 'host-bbbb0000bbbb0000';
const mode = (f: string) => statSync(f).mode & 0o777;
const verify = (ca: string, cert: string, purpose: 'sslclient' | 'sslserver') => execFileSync('openssl', ['verify', '-purpose', purpose, '-CAfile', ca, cert], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
const text = (f: string) => execFileSync('openssl', ['x509', '-noout', '-text', '-in', f], { encoding: 'utf8' });

describe('cluster PKI', () => {
  it('init makes the CA, server and peer certificates per etcd member, and the node certificate; keys 0600', async () => {
    const d = tmp();
    const r = await createClusterPki({ clusterDir: d, name: 'home', endpoints: ['https://127.0.0.1:23790', 'https://10.1.2.3:2379', 'https://etcd3.lan:2379'], hostId: A, now: NOW });
    expect(r.members.map((m) => m.name)).toEqual(['m1', 'm2', 'm3']);
    for (const k of [PKI.caKey, PKI.nodeKey]) expect(mode(join(d, k))).toBe(0o600);
    for (const m of r.members) {
      for (const k of [m.serverKey, m.peerKey]) expect(mode(k)).toBe(0o600);
      expect(verify(join(d, PKI.ca), m.server, 'sslserver')).toMatch(/: OK$/);
      expect(verify(join(d, PKI.ca), m.peer, 'sslclient')).toMatch(/: OK$/);
    }
    expect(text(r.members[1]!.server)).toMatch(/IP Address:10\.1\.2\.3/);
    expect(text(r.members[2]!.server)).toMatch(/DNS:etcd3\.lan/);
    expect(verify(join(d, PKI.ca), join(d, PKI.node), 'sslclient')).toMatch(/: OK$/);
    // a node certificate is for clients only: not a server certificate
    expect(() => verify(join(d, PKI.ca), join(d, PKI.node), 'sslserver')).toThrow();
    expect(text(join(d, PKI.node))).toContain(`CN = ${A}`);
    expect(text(join(d, PKI.ca))).toMatch(/CA:TRUE/);
    // run again (after --certs-only): everything is kept
    const before = readFileSync(join(d, PKI.ca), 'utf8');
    const again = await createClusterPki({ clusterDir: d, name: 'home', endpoints: ['https://127.0.0.1:23790', 'https://10.1.2.3:2379', 'https://etcd3.lan:2379'], hostId: A, now: NOW });
    expect(again.created).toEqual([]);
    expect(readFileSync(join(d, PKI.ca), 'utf8')).toBe(before);
  });

  it('a joining node: its request, issued on the CA node, installed with its own key; the CA key never leaves', async () => {
    const caNode = tmp();
    const joiner = tmp();
    await createClusterPki({ clusterDir: caNode, name: 'home', endpoints: ['https://127.0.0.1:23790'], hostId: A, now: NOW });
    const req = await makeRequest(joiner, B);
    expect(mode(join(joiner, PKI.nextKey))).toBe(0o600);
    expect(existsSync(join(joiner, PKI.caKey))).toBe(false);
    // only the CA node can issue
    await expect(issueNodeCertificate(joiner, req.csrPem, NOW)).rejects.toThrow(/does not hold the cluster CA key/);
    const issued = await issueNodeCertificate(caNode, req.csrPem, NOW);
    expect(issued.hostId).toBe(B);
    expect(issued.bundle).not.toContain('PRIVATE KEY');
    const inst = await installNodeCertificate(joiner, B, issued.bundle, NOW);
    expect(inst.serial).toBe(issued.serial);
    expect(existsSync(join(joiner, PKI.nextKey))).toBe(false);
    expect(mode(join(joiner, PKI.nodeKey))).toBe(0o600);
    expect(readFileSync(join(joiner, PKI.ca), 'utf8')).toBe(readFileSync(join(caNode, PKI.ca), 'utf8'));
    expect(verify(join(joiner, PKI.ca), join(joiner, PKI.node), 'sslclient')).toMatch(/: OK$/);
    expect(existsSync(join(joiner, PKI.caKey))).toBe(false);
  });

  it('refuses a certificate for another node, for another key, from another CA, and a request that is not one', async () => {
    const caNode = tmp();
    const other = tmp();
    const joiner = tmp();
    await createClusterPki({ clusterDir: caNode, name: 'home', endpoints: ['https://127.0.0.1:23790'], hostId: A, now: NOW });
    await createClusterPki({ clusterDir: other, name: 'evil', endpoints: ['https://127.0.0.1:23790'], hostId: A, now: NOW });
    await expect(issueNodeCertificate(caNode, 'hello', NOW)).rejects.toThrow(/not a PEM certificate request/);
    const req = await makeRequest(joiner, B);
    const forOther = await issueNodeCertificate(caNode, (await makeRequest(tmp(), 'host-cccc0000cccc0000')).csrPem, NOW);
    await expect(installNodeCertificate(joiner, B, forOther.bundle, NOW)).rejects.toThrow(/is for host-cccc0000cccc0000, not for this node/);
    // a certificate for B's host id but another key (an older request)
    const stale = await issueNodeCertificate(caNode, req.csrPem, NOW);
    await makeRequest(joiner, B);
    await expect(installNodeCertificate(joiner, B, stale.bundle, NOW)).rejects.toThrow(/another key than this node's pending request/);
    // the node certificate of another CA, with this cluster's CA certificate after it
    const foreign = readFileSync(join(other, PKI.node), 'utf8') + readFileSync(join(caNode, PKI.ca), 'utf8');
    await expect(installNodeCertificate(joiner, A, foreign, NOW)).rejects.toThrow(/is not signed by the CA in the file/);
    // an expired one
    const late = new Date(NOW.getTime() + 400 * 86_400_000);
    const fresh = await issueNodeCertificate(caNode, readFileSync(join(joiner, PKI.csr), 'utf8'), NOW);
    await expect(installNodeCertificate(joiner, B, fresh.bundle, late)).rejects.toThrow(/not valid now/);
    // nothing was installed by any of these
    expect(existsSync(join(joiner, PKI.node))).toBe(false);
  });

  it('rotate-cert on the CA node: a new key and certificate in one step', async () => {
    const d = tmp();
    await createClusterPki({ clusterDir: d, name: 'home', endpoints: ['https://127.0.0.1:23790'], hostId: A, now: NOW });
    const before = nodeCertificate(d)!;
    const keyBefore = readFileSync(join(d, PKI.nodeKey), 'utf8');
    const r = await rotateWithLocalCa(d, A, NOW);
    expect(r.serial).not.toBe(before.serial);
    expect(nodeCertificate(d)!.serial).toBe(r.serial);
    expect(readFileSync(join(d, PKI.nodeKey), 'utf8')).not.toBe(keyBefore);
    expect(mode(join(d, PKI.nodeKey))).toBe(0o600);
    expect(verify(join(d, PKI.ca), join(d, PKI.node), 'sslclient')).toMatch(/: OK$/);
  });
});
