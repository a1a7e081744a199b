/**
 * Keys and trust, on disk under the data dir. Used by the compiler (signing) and by the
 * runtime (verification), so it imports nothing from either.
 *
 *   $CLAUDE_DATA_DIR/
 *     host-id                      this host's id (one line)
 *     keys/                        mode 0700
 *       host.key                   the host's ed25519 private key, PKCS#8 PEM, mode 0600
 *       host.pub                   its public key, SPKI PEM, mode 0644 (publish it: CI and reviewers trust it)
 *       trusted/<keyid>.json       one trusted key each: {keyid, role, name, publicKeyPem}, mode 0644
 *
 * keyid = sha256 (hex) of the public key's SPKI DER (plan/envelope.ts keyIdOf). Roles:
 * `host` (a host's own key: every plan needs one), `admin` (a person who approves security
 * and destructive changes), `ci` (a reviewing pipeline).
 *
 * Host id: made once and kept in `host-id`. When `<root>/etc/machine-id` exists it is
 * derived from it and the data dir's absolute path (sha256 of a Claude.OS prefix, the machine
 * id and the path, never the machine id itself, as machine-id(5) advises), so reinstalling
 * Claude.OS on the same machine with the same data dir gives the same id, and two instances
 * on one machine (two data dirs) get two ids; otherwise it is random. Format: `host-` and 16
 * hex digits. The id is also the `claude.os/host` label on the Docker resources this
 * instance manages (plan/types.ts LABEL_HOST).
 */
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { KeyObject } from 'node:crypto';
import { nodeCrypto } from '../common/node-crypto.js';
import { writeFileAtomic, writeFileExclusive } from '../common/fsutil.js';
import { sha256Hex } from '../common/canonical.js';
import { underRoot } from '../common/paths.js';
import { keyIdOf, type TrustedKey } from './envelope.js';

export const KEYS_DIR = 'keys';
export const HOST_KEY_FILE = 'host.key';
export const HOST_PUB_FILE = 'host.pub';
export const TRUSTED_DIR = 'trusted';
export const HOST_ID_FILE = 'host-id';
export const ROLES = ['host', 'admin', 'ci'] as const;
export type Role = (typeof ROLES)[number];

/** A trusted key as stored in keys/trusted/<keyid>.json. */
export interface TrustedKeyRecord {
  keyid: string;
  role: Role;
  name: string;
  publicKeyPem: string;
}

/** A key file that is missing, unreadable, malformed or too open. */
export class KeyError extends Error {
  override name = 'KeyError';
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

export interface KeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
  privatePem: string;
  publicPem: string;
  keyid: string;
}

export function generateKeyPair(): KeyPair {
  const { privateKey, publicKey } = nodeCrypto().generateKeyPairSync('ed25519');
  return {
    privateKey,
    publicKey,
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    keyid: keyIdOf(publicKey),
  };
}

export function keysDir(dataDir: string): string {
  return join(dataDir, KEYS_DIR);
}

function trustedDir(dataDir: string): string {
  return join(dataDir, KEYS_DIR, TRUSTED_DIR);
}

function ensureKeysDir(dataDir: string): void {
  const dir = keysDir(dataDir);
  mkdirSync(join(dir, TRUSTED_DIR), { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
}

/** Reads an ed25519 private key (PKCS#8 PEM). Refuses a file that group or others can read. */
export function readPrivateKeyFile(path: string): KeyObject {
  let text: string;
  try {
    const st = statSync(path);
    if ((st.mode & 0o077) !== 0) {
      throw new KeyError(`private key ${path} is readable by others (mode ${(st.mode & 0o777).toString(8).padStart(4, '0')})`, `chmod 600 ${path}`);
    }
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if (e instanceof KeyError) throw e;
    throw new KeyError(`cannot read private key ${path}: ${(e as Error).message}`, 'pass the key file written by `claude keys generate --out FILE`');
  }
  let key: KeyObject;
  try {
    key = nodeCrypto().createPrivateKey(text);
  } catch (e) {
    throw new KeyError(`${path} is not a PEM private key: ${(e as Error).message}`, 'pass the key file written by `claude keys generate --out FILE`');
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new KeyError(`${path} is a ${key.asymmetricKeyType} key; plans are signed with ed25519`, 'make one with `claude keys generate --out FILE`');
  return key;
}

/** Reads a public key (SPKI PEM); a private key file is accepted too, and its public half used. */
export function readPublicKeyFile(path: string): KeyObject {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new KeyError(`cannot read public key ${path}: ${(e as Error).message}`, 'pass a PEM public key, e.g. the .pub file `claude keys generate` writes');
  }
  return publicKeyFromPem(text, path);
}

function publicKeyFromPem(text: string, where: string): KeyObject {
  let key: KeyObject;
  try {
    key = text.includes('PRIVATE KEY') ? nodeCrypto().createPublicKey(nodeCrypto().createPrivateKey(text)) : nodeCrypto().createPublicKey(text);
  } catch (e) {
    throw new KeyError(`${where} is not a PEM public key: ${(e as Error).message}`, 'pass a PEM public key ("-----BEGIN PUBLIC KEY-----")');
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new KeyError(`${where} is a ${key.asymmetricKeyType} key; plans are signed with ed25519`, 'make one with `claude keys generate --out FILE`');
  return key;
}

export interface HostKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  keyid: string;
  /** True when this call generated it. */
  created: boolean;
}

/** The host key, or null when there is none yet (the runtime never creates it). */
export function loadHostKey(dataDir: string): HostKey | null {
  const file = join(keysDir(dataDir), HOST_KEY_FILE);
  if (!existsSync(file)) return null;
  const privateKey = readPrivateKeyFile(file);
  const publicKey = nodeCrypto().createPublicKey(privateKey);
  return { privateKey, publicKey, keyid: keyIdOf(publicKey), created: false };
}

/**
 * The host key, generated on first use: host.key (0600), host.pub (0644), and a trusted
 * record with role `host`. Idempotent.
 */
export function loadOrCreateHostKey(dataDir: string, hostId: string): HostKey {
  const existing = loadHostKey(dataDir);
  if (existing) {
    if (!existsSync(join(trustedDir(dataDir), `${existing.keyid}.json`))) {
      addTrustedKey(dataDir, { publicKeyPem: existing.publicKey.export({ type: 'spki', format: 'pem' }).toString(), role: 'host', name: hostId });
    }
    return existing;
  }
  ensureKeysDir(dataDir);
  const kp = generateKeyPair();
  writeFileAtomic(join(keysDir(dataDir), HOST_KEY_FILE), kp.privatePem, 0o600);
  chmodSync(join(keysDir(dataDir), HOST_KEY_FILE), 0o600);
  writeFileAtomic(join(keysDir(dataDir), HOST_PUB_FILE), kp.publicPem, 0o644);
  addTrustedKey(dataDir, { publicKeyPem: kp.publicPem, role: 'host', name: hostId });
  return { privateKey: kp.privateKey, publicKey: kp.publicKey, keyid: kp.keyid, created: true };
}

/** The trusted keys as stored (sorted by role, then name, then keyid). Throws KeyError for a bad file. */
export function listTrustedKeys(dataDir: string): TrustedKeyRecord[] {
  const dir = trustedDir(dataDir);
  if (!existsSync(dir)) return [];
  const out: TrustedKeyRecord[] = [];
  for (const f of readdirSync(dir).sort()) {
    if (!f.endsWith('.json')) continue;
    const path = join(dir, f);
    let rec: TrustedKeyRecord;
    try {
      rec = JSON.parse(readFileSync(path, 'utf8')) as TrustedKeyRecord;
    } catch (e) {
      throw new KeyError(`trusted key file ${path} is not valid JSON: ${(e as Error).message}`, `fix or remove it (claude keys remove ${f.slice(0, -5)})`);
    }
    if (!rec || typeof rec !== 'object' || typeof rec.publicKeyPem !== 'string' || typeof rec.keyid !== 'string' || typeof rec.name !== 'string' || !ROLES.includes(rec.role)) {
      throw new KeyError(`trusted key file ${path} must hold {keyid, role: host|admin|ci, name, publicKeyPem}`, `re-add the key: claude keys add FILE --role ROLE --name NAME`);
    }
    const key = publicKeyFromPem(rec.publicKeyPem, path);
    const keyid = keyIdOf(key);
    if (keyid !== rec.keyid || f !== `${keyid}.json`) {
      throw new KeyError(`trusted key file ${path}: keyid does not match its public key (${keyid})`, 'do not edit trusted key files; remove it and add the key again with `claude keys add`');
    }
    out.push({ keyid: rec.keyid, role: rec.role, name: rec.name, publicKeyPem: rec.publicKeyPem });
  }
  const rank = (r: Role) => ROLES.indexOf(r);
  return out.sort((a, b) => rank(a.role) - rank(b.role) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) || (a.keyid < b.keyid ? -1 : 1));
}

/** The trusted keys in the form plan/envelope.ts verifyEnvelope takes. */
export function loadTrustedKeys(dataDir: string): TrustedKey[] {
  return listTrustedKeys(dataDir).map((r) => ({ keyid: r.keyid, role: r.role, name: r.name, publicKey: nodeCrypto().createPublicKey(r.publicKeyPem) }));
}

/** Trusts a public key with a role. A keyid is trusted once: re-adding it is an error naming its current role. */
export function addTrustedKey(dataDir: string, k: { publicKeyPem: string; role: Role; name: string }): TrustedKeyRecord {
  if (!ROLES.includes(k.role)) throw new KeyError(`unknown role ${JSON.stringify(k.role)}`, 'the role is host, admin or ci');
  if (!/^[\w .@:+-]{1,100}$/.test(k.name)) throw new KeyError(`key name ${JSON.stringify(k.name)} is not allowed`, 'use letters, digits, spaces and . @ : + - (up to 100 characters)');
  const key = publicKeyFromPem(k.publicKeyPem, 'the key');
  const keyid = keyIdOf(key);
  const file = join(trustedDir(dataDir), `${keyid}.json`);
  if (existsSync(file)) {
    const cur = listTrustedKeys(dataDir).find((r) => r.keyid === keyid);
    throw new KeyError(`key ${keyid.slice(0, 16)}… is already trusted (role ${cur?.role ?? '?'}, name ${cur?.name ?? '?'})`, `to change its role, remove it first: claude keys remove ${keyid.slice(0, 16)}`);
  }
  ensureKeysDir(dataDir);
  const rec: TrustedKeyRecord = { keyid, role: k.role, name: k.name, publicKeyPem: key.export({ type: 'spki', format: 'pem' }).toString() };
  writeFileAtomic(file, JSON.stringify(rec, null, 2) + '\n', 0o644);
  return rec;
}

/** Removes a trusted key by keyid or a unique prefix of at least 8 hex digits; returns the removed record. */
export function removeTrustedKey(dataDir: string, keyidOrPrefix: string): TrustedKeyRecord {
  if (!/^[0-9a-f]{8,64}$/.test(keyidOrPrefix)) throw new KeyError(`${JSON.stringify(keyidOrPrefix)} is not a keyid`, 'give the keyid (or its first 8+ hex digits) as `claude keys list` shows it');
  const matches = listTrustedKeys(dataDir).filter((r) => r.keyid.startsWith(keyidOrPrefix));
  if (matches.length === 0) throw new KeyError(`no trusted key ${keyidOrPrefix}`, 'see `claude keys list`');
  if (matches.length > 1) throw new KeyError(`${keyidOrPrefix} matches ${matches.length} keys`, 'give more digits of the keyid');
  const rec = matches[0]!;
  rmSync(join(trustedDir(dataDir), `${rec.keyid}.json`));
  return rec;
}

/** This host's id, or null before it was made. */
export function readHostId(dataDir: string): string | null {
  const file = join(dataDir, HOST_ID_FILE);
  if (!existsSync(file)) return null;
  const id = readFileSync(file, 'utf8').trim();
  if (!/^[A-Za-z0-9._-]{1,128}$/.test(id)) throw new KeyError(`${file} does not hold a host id (found ${JSON.stringify(id.slice(0, 40))})`, `remove ${file}; a new id is made on next use`);
  return id;
}

/** This host's id, made once (see the module comment). `root` is CLAUDE_ROOT. */
export function loadOrCreateHostId(dataDir: string, root: string): string {
  const existing = readHostId(dataDir);
  if (existing) return existing;
  let id: string;
  const machineIdFile = underRoot(root, '/etc/machine-id');
  const machineId = existsSync(machineIdFile) ? readFileSync(machineIdFile, 'utf8').trim() : '';
  // The data dir takes part: two instances on one machine (a test run beside a dev box) never share an id.
  if (/^[0-9a-f]{32}$/.test(machineId)) id = 'host-' + sha256Hex(`claude-os host id\0${machineId}\0${resolve(dataDir)}`).slice(0, 16);
  else id = 'host-' + nodeCrypto().randomBytes(8).toString('hex');
  // Several processes may make it at once (concurrent first requests): the first one wins, the others read it.
  if (writeFileExclusive(join(dataDir, HOST_ID_FILE), id + '\n', 0o644)) return id;
  const won = readHostId(dataDir);
  if (!won) throw new KeyError(`${join(dataDir, HOST_ID_FILE)} appeared empty while this host id was being made`, 'run the command again');
  return won;
}
