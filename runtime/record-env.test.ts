/**
 * recordEnv (runtime/secrets.ts): the environment of a recreate record, as both drivers
 * (docker.ts, containerd/engine.ts) read it back for a rollback. Real age keys in a temp
 * data dir.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { tempDirs } from './testutil/tempdirs.js';
import { ageKeyPath, encryptSecret, ensureAgeIdentity, recordEnv, SecretError } from './secrets.js';

const tmp = tempDirs('claude-record-env-test-');
afterEach(() => tmp.cleanup());

describe('recordEnv', () => {
  const env = ['PGPASSWORD=s3cret-value', 'TZ=UTC'];

  it('returns the environment kept in the clear, or decrypted with the host key', async () => {
    const dataDir = tmp.make();
    expect(await recordEnv({ name: 'db', env, envEncrypted: null }, dataDir)).toEqual(env);
    const { recipient } = await ensureAgeIdentity(dataDir);
    const envEncrypted = await encryptSecret(JSON.stringify(env), recipient);
    expect(envEncrypted).not.toContain('s3cret');
    expect(await recordEnv({ name: 'db', env: null, envEncrypted }, dataDir)).toEqual(env);
  });

  it("says which container cannot be recreated when the host key is gone, and refuses another host's key", async () => {
    const dataDir = tmp.make();
    const { recipient } = await ensureAgeIdentity(dataDir);
    const envEncrypted = await encryptSecret(JSON.stringify(env), recipient);
    rmSync(ageKeyPath(dataDir));
    await expect(recordEnv({ name: 'db', env: null, envEncrypted }, dataDir)).rejects.toThrow(`cannot recreate db: its environment is encrypted and the host age key is missing (${ageKeyPath(dataDir)})`);
    await ensureAgeIdentity(dataDir); // a new key, not the one it was encrypted for
    await expect(recordEnv({ name: 'db', env: null, envEncrypted }, dataDir)).rejects.toBeInstanceOf(SecretError);
  });
});
