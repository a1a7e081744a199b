import { afterEach, describe, expect, it } from 'vitest';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPublicKey } from 'node:crypto';
import { KeyError, addTrustedKey, generateKeyPair, listTrustedKeys, loadHostKey, loadOrCreateHostId, loadOrCreateHostKey, loadTrustedKeys, readPrivateKeyFile, readPublicKeyFile, removeTrustedKey } from './keys.js';
import { keyIdOf } from './envelope.js';

const dirs: string[] = [];
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'claude-keys-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const mode = (p: string) => statSync(p).mode & 0o777;

describe('host key', () => {
  it('is generated on first use: private 0600, public 0644, keys dir 0700, trusted as host; then reused', () => {
    const data = tmp();
    const k = loadOrCreateHostKey(data, 'host-1');
    expect(k.created).toBe(true);
    expect(mode(join(data, 'keys/host.key'))).toBe(0o600);
    expect(mode(join(data, 'keys/host.pub'))).toBe(0o644);
    expect(mode(join(data, 'keys'))).toBe(0o700);
    expect(keyIdOf(createPublicKey(readFileSync(join(data, 'keys/host.pub'), 'utf8')))).toBe(k.keyid);
    expect(listTrustedKeys(data)).toEqual([expect.objectContaining({ keyid: k.keyid, role: 'host', name: 'host-1' })]);
    const again = loadOrCreateHostKey(data, 'host-1');
    expect(again).toMatchObject({ keyid: k.keyid, created: false });
    expect(loadHostKey(data)?.keyid).toBe(k.keyid);
    expect(loadHostKey(tmp())).toBeNull();
  });
  it('a private key readable by others is refused, with the chmod to fix it', () => {
    const data = tmp();
    loadOrCreateHostKey(data, 'h');
    chmodSync(join(data, 'keys/host.key'), 0o644);
    expect(() => loadHostKey(data)).toThrow(KeyError);
    expect(() => readPrivateKeyFile(join(data, 'keys/host.key'))).toThrow(/readable by others \(mode 0644\)/);
  });
});

describe('trusted keys', () => {
  it('add, list (by role), a keyid counts once, remove by prefix', () => {
    const data = tmp();
    const a = generateKeyPair();
    const c = generateKeyPair();
    addTrustedKey(data, { publicKeyPem: a.publicPem, role: 'admin', name: 'alice' });
    addTrustedKey(data, { publicKeyPem: c.publicPem, role: 'ci', name: 'pipeline' });
    expect(() => addTrustedKey(data, { publicKeyPem: a.publicPem, role: 'ci', name: 'again' })).toThrow(/already trusted \(role admin, name alice\)/);
    expect(listTrustedKeys(data).map((k) => [k.role, k.name])).toEqual([
      ['admin', 'alice'],
      ['ci', 'pipeline'],
    ]);
    expect(loadTrustedKeys(data)[0]!.publicKey.asymmetricKeyType).toBe('ed25519');
    expect(removeTrustedKey(data, a.keyid.slice(0, 10)).name).toBe('alice');
    expect(() => removeTrustedKey(data, a.keyid)).toThrow(/no trusted key/);
    expect(() => removeTrustedKey(data, 'zz')).toThrow(/not a keyid/);
  });
  it('a trusted key file whose keyid does not match its key is refused', () => {
    const data = tmp();
    const a = generateKeyPair();
    const b = generateKeyPair();
    const rec = addTrustedKey(data, { publicKeyPem: a.publicPem, role: 'admin', name: 'alice' });
    const file = join(data, 'keys/trusted', `${rec.keyid}.json`);
    writeFileSync(file, JSON.stringify({ ...rec, publicKeyPem: b.publicPem }));
    expect(() => listTrustedKeys(data)).toThrow(/keyid does not match/);
    writeFileSync(file, '{');
    expect(() => loadTrustedKeys(data)).toThrow(/not valid JSON/);
  });
  it('reads a public key from a .pub file or from a private key file; refuses non-ed25519', () => {
    const d = tmp();
    const k = generateKeyPair();
    writeFileSync(join(d, 'k.pub'), k.publicPem);
    writeFileSync(join(d, 'k'), k.privatePem, { mode: 0o600 });
    expect(keyIdOf(readPublicKeyFile(join(d, 'k.pub')))).toBe(k.keyid);
    expect(keyIdOf(readPublicKeyFile(join(d, 'k')))).toBe(k.keyid);
    writeFileSync(join(d, 'junk'), 'hello');
    expect(() => readPublicKeyFile(join(d, 'junk'))).toThrow(/not a PEM public key/);
    expect(() => readPrivateKeyFile(join(d, 'missing'))).toThrow(/cannot read private key/);
  });
});

describe('host id', () => {
  it('derives from machine-id under the root and the data dir without revealing it; a reinstall keeps it', () => {
    const root = tmp();
    mkdirSync(join(root, 'etc'));
    const machineId = '0123456789abcdef0123456789abcdef';
    writeFileSync(join(root, 'etc/machine-id'), machineId + '\n');
    const data = join(tmp(), 'data');
    const a = loadOrCreateHostId(data, root);
    rmSync(data, { recursive: true, force: true }); // reinstall: same machine, same data dir
    const b = loadOrCreateHostId(data, root);
    expect(a).toMatch(/^host-[0-9a-f]{16}$/);
    expect(b).toBe(a);
    expect(a).not.toContain(machineId.slice(0, 16));
    // another instance on the same machine (another data dir) is another host
    expect(loadOrCreateHostId(join(tmp(), 'data'), root)).not.toBe(a);
  });
  it('is random without machine-id, written once to <dataDir>/host-id', () => {
    const data = tmp();
    const root = tmp();
    const a = loadOrCreateHostId(data, root);
    expect(readFileSync(join(data, 'host-id'), 'utf8')).toBe(a + '\n');
    expect(loadOrCreateHostId(data, root)).toBe(a);
    expect(loadOrCreateHostId(tmp(), root)).not.toBe(a);
  });
});
