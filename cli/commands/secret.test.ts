/** `claude secret set`: encrypted to the host key, stored in security.yaml, never printed. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { decryptSecret, readAgeIdentity } from '../../runtime/secrets.js';
import { runCli, type CliResult } from '../testutil/cli.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'claude-secret-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function claude(input: string, ...argv: string[]): Promise<CliResult> {
  return runCli(argv, { input, env: { CLAUDE_DATA_DIR: join(dir, 'data'), CLAUDE_STATE_DIR: join(dir, 'state') }, cwd: dir });
}

describe('claude secret set', () => {
  it('creates security.yaml with the encrypted value, then updates it in place keeping comments', async () => {
    const r = await claude('hunter2-very-secret\n', 'secret', 'set', 'db_password');
    expect(r.code).toBe(0);
    expect(r.out + r.err).not.toContain('hunter2');
    const file = join(dir, 'state', 'security.yaml');
    const doc = parse(readFileSync(file, 'utf8')) as { kind: string; spec: { secrets: { name: string; value: string }[] } };
    expect(doc.kind).toBe('SecurityConfig');
    expect(doc.spec.secrets).toHaveLength(1);
    expect(doc.spec.secrets[0]!.value).toMatch(/^encrypted:v1:/);
    const identity = readAgeIdentity(join(dir, 'data'))!;
    expect(await decryptSecret(doc.spec.secrets[0]!.value, identity, 'db_password')).toBe('hunter2-very-secret');

    writeFileSync(file, '# keep me\n' + readFileSync(file, 'utf8'));
    expect((await claude('second', 'secret', 'set', 'api_key')).code).toBe(0);
    expect((await claude('rotated', 'secret', 'set', 'db_password')).code).toBe(0);
    const text = readFileSync(file, 'utf8');
    expect(text.startsWith('# keep me\n')).toBe(true);
    const after = parse(text) as { spec: { secrets: { name: string; value: string }[] } };
    expect(after.spec.secrets.map((s) => s.name)).toEqual(['db_password', 'api_key']);
    expect(await decryptSecret(after.spec.secrets[0]!.value, identity, 'db_password')).toBe('rotated');
  });

  it('refuses a bad name and an empty value', async () => {
    expect((await claude('x', 'secret', 'set', 'Bad-Name')).code).toBe(2);
    const r = await claude('', 'secret', 'set', 'empty');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/value is empty/);
  });
});
