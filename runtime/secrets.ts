/**
 * Secrets: age-encrypted values (`encrypted:v1:<base64 of the binary age file>`) in
 * security.yaml, referenced as `${secrets.name}` in service environments, and resolved
 * ONLY here, by the runtime, at container creation. Plain values are never logged,
 * journaled, written to events, the audit log or git.
 *
 * The host's age identity lives in `<dataDir>/keys/age.key` (mode 0600), created on first
 * use; its recipient (public key) is `<dataDir>/keys/age.pub`.
 *
 * `age-encryption` and `yaml` are loaded on first use: most applies have no secrets, and
 * the CLI's start-up time matters.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../common/fsutil.js';
import { redactText } from '../common/redact.js';

export const SECRET_PREFIX = 'encrypted:v1:';
export const SECRET_REF = /\$\{secrets\.([a-z][a-z0-9_]{0,62})\}/g;

export function ageKeyPath(dataDir: string): string {
  return join(dataDir, 'keys', 'age.key');
}

/** The host's age identity (AGE-SECRET-KEY-1…), or null when none exists yet. */
export function readAgeIdentity(dataDir: string): string | null {
  const p = ageKeyPath(dataDir);
  if (!existsSync(p)) return null;
  const line = readFileSync(p, 'utf8').split('\n').find((l) => l.startsWith('AGE-SECRET-KEY-'));
  return line?.trim() ?? null;
}

/** Returns the host's identity, creating it (and age.pub) when missing. */
export async function ensureAgeIdentity(dataDir: string): Promise<{ identity: string; recipient: string }> {
  let identity = readAgeIdentity(dataDir);
  const { generateX25519Identity, identityToRecipient } = await import('age-encryption');
  if (!identity) {
    identity = await generateX25519Identity();
    writeFileAtomic(ageKeyPath(dataDir), `# Claude.OS host age identity: decrypts secrets. Keep private.\n${identity}\n`, 0o600);
  }
  const recipient = await identityToRecipient(identity);
  const pub = join(dataDir, 'keys', 'age.pub');
  if (!existsSync(pub)) writeFileAtomic(pub, recipient + '\n', 0o644);
  return { identity, recipient };
}

/**
 * The secret's name travels inside the encrypted payload (`\0claude-secret:NAME\0` before the
 * value), so a ciphertext copied or swapped under another name is refused at decryption.
 * Ciphertexts made without a name (older ones) are still read.
 */
const NAME_MARK = '\u0000claude-secret:';

export async function encryptSecret(plaintext: string, recipient: string, name?: string): Promise<string> {
  const { Encrypter } = await import('age-encryption');
  const e = new Encrypter();
  e.addRecipient(recipient);
  const bytes = await e.encrypt(name !== undefined ? `${NAME_MARK}${name}\u0000${plaintext}` : plaintext);
  return SECRET_PREFIX + Buffer.from(bytes).toString('base64');
}

/**
 * A recreate record's environment (`K=V` lines, as both drivers keep it in their records for
 * a rollback): in the clear, or decrypted with the host's age key when it was kept encrypted.
 */
export async function recordEnv(r: { name: string; env?: string[] | null; envEncrypted?: string | null }, dataDir: string): Promise<string[]> {
  if (!r.envEncrypted) return r.env ?? [];
  const identity = readAgeIdentity(dataDir);
  if (!identity) throw new Error(`cannot recreate ${r.name}: its environment is encrypted and the host age key is missing (${ageKeyPath(dataDir)})`);
  return JSON.parse(await decryptSecret(r.envEncrypted, identity, `${r.name} env`)) as string[];
}

export class SecretError extends Error {
  override name = 'SecretError';
  constructor(message: string, readonly hint: string) {
    super(message);
  }
}

export async function decryptSecret(value: string, identity: string, name = '?'): Promise<string> {
  if (!value.startsWith(SECRET_PREFIX)) throw new SecretError(`secret '${name}' is not an encrypted:v1: value`, 'set it with `claude secret set ' + name + '`');
  const { Decrypter } = await import('age-encryption');
  const d = new Decrypter();
  d.addIdentity(identity);
  let text: string;
  try {
    text = await d.decrypt(Buffer.from(value.slice(SECRET_PREFIX.length), 'base64'), 'text');
  } catch (e) {
    throw new SecretError(`secret '${name}' cannot be decrypted with this host's age key (${(e as Error).message})`, `set it again on this host: \`claude secret set ${name}\``);
  }
  if (!text.startsWith(NAME_MARK)) return text;
  const end = text.indexOf('\u0000', NAME_MARK.length);
  const bound = text.slice(NAME_MARK.length, end);
  if (end < 0 || bound !== name) {
    throw new SecretError(
      `the value stored as secret '${name}' was encrypted for secret '${bound}': refusing it (were two secrets' values swapped or copied in security.yaml?)`,
      `set it again: \`claude secret set ${name}\``,
    );
  }
  return text.slice(end + 1);
}

/** name → encrypted value, from the text of security.yaml (spec.secrets). */
export async function secretsOfSecurityYaml(text: string | undefined): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (!text) return out;
  const { parse: parseYaml } = await import('yaml');
  const doc = parseYaml(text) as { spec?: { secrets?: { name?: unknown; value?: unknown }[] } } | null;
  for (const s of doc?.spec?.secrets ?? []) if (typeof s.name === 'string' && typeof s.value === 'string') out.set(s.name, s.value);
  return out;
}

/**
 * Resolves every `${secrets.x}` in an environment. Returns the resolved env and the plain
 * values used (so callers can redact them from anything they write).
 */
export async function resolveEnv(
  env: Record<string, string>,
  securityYaml: string | undefined,
  dataDir: string,
): Promise<{ env: Record<string, string>; secretValues: string[] }> {
  const needed = new Set<string>();
  for (const v of Object.values(env)) for (const m of v.matchAll(SECRET_REF)) needed.add(m[1]!);
  if (needed.size === 0) return { env: { ...env }, secretValues: [] };
  const table = await secretsOfSecurityYaml(securityYaml);
  const identity = readAgeIdentity(dataDir);
  if (!identity) throw new SecretError(`the plan uses secrets (${[...needed].sort().join(', ')}) but this host has no age key (${ageKeyPath(dataDir)})`, 'create the key and set the secrets: `claude secret set NAME`');
  const plain = new Map<string, string>();
  for (const name of [...needed].sort()) {
    const enc = table.get(name);
    if (enc === undefined) throw new SecretError(`secret '${name}' is referenced but not defined in security.yaml`, `define it: \`claude secret set ${name}\``);
    plain.set(name, await decryptSecret(enc, identity, name));
  }
  const out: Record<string, string> = {};
  // defineProperty: an env var named "__proto__" stays an own key (plain assignment would drop it).
  for (const [k, v] of Object.entries(env)) Object.defineProperty(out, k, { value: v.replace(SECRET_REF, (_, n: string) => plain.get(n)!), enumerable: true, writable: true, configurable: true });
  return { env: out, secretValues: [...plain.values()] };
}

/**
 * Replaces every occurrence of a secret value in a string (for error messages, logs): each
 * line of a multi-line value and its base64, hex and URL encodings too (common/redact.ts).
 */
export function redact(text: string, secretValues: readonly string[]): string {
  return redactText(text, secretValues);
}
