/**
 * Issue 14, item 7: a symbolic link (or any non-regular file) in the state dir is never
 * followed when reading. `ln -s /outside/file $STATE/storage.yaml` must not be read, quoted
 * in diagnostics or sent to the provider. Driven through the real CLI; the provider is the
 * real OpenAI-compatible client pointed at a local replay server, which records every request.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../cli/testutil/cli.js';
import { startReplayServer, type ReplayServer } from '../compiler/intent/replay.js';
import { readStateFiles } from '../agent/reconcile/reconciler.js';
import { readStateFileText, StateFileError } from '../common/state-read.js';

const CANARY = 'root:$6$CANARY-outside-the-state-dir-7f3a:19000:0:99999:7:::';
let dir: string;
let outside: string;
let server: ReplayServer;

const MANIFEST = (origin: string) => `apiVersion: claude.os/v1\nkind: SystemManifest\nmetadata:\n  name: test\nspec:\n  llm:\n    provider: local\n    base_url: ${origin}/v1\n`;
const SECURITY = 'apiVersion: claude.os/v1\nkind: SecurityConfig\nmetadata:\n  name: security\nspec: {}\n';

function env(state: string): Record<string, string> {
  return { CLAUDE_DATA_DIR: join(dir, 'data'), CLAUDE_ROOT: join(dir, 'root'), CLAUDE_STATE_DIR: state };
}

function stateDir(name: string): string {
  const s = join(dir, name);
  mkdirSync(s, { recursive: true });
  return s;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'claude-links-'));
  outside = join(dir, 'outside-shadow');
  writeFileSync(outside, `${CANARY}\nspec:\n  services: []\n`);
  // Any request reaching it would be answered (and recorded): the tests assert none arrives.
  server = await startReplayServer([{ status: 200, body: { choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }] } }]);
});
afterAll(async () => {
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('a symbolic link in the state dir', () => {
  it('validate refuses it with CLA9005 at the file, names the target, and quotes nothing of it', async () => {
    const s = stateDir('validate');
    symlinkSync(outside, join(s, 'storage.yaml'));
    writeFileSync(join(s, 'security.yaml'), SECURITY);
    const r = await runCli(['validate'], { env: env(s), cwd: dir });
    expect(r.code).toBe(1);
    expect(r.out).toContain(`storage.yaml: error CLA9005: storage.yaml is a symbolic link to ${outside}; links in the state dir are never followed`);
    expect(r.out).toMatch(/hint: replace the link with the state file itself/);
    expect(r.out + r.err).not.toContain('CANARY');
    // --json too
    const j = await runCli(['validate', '--json'], { env: env(s), cwd: dir });
    expect(JSON.parse(j.out).diagnostics).toContainEqual(expect.objectContaining({ code: 'CLA9005', file: 'storage.yaml', line: 0 }));
    expect(j.out).not.toContain('CANARY');
  });

  it('a request refuses it in one line and sends nothing to the provider', async () => {
    const s = stateDir('ask');
    writeFileSync(join(s, 'manifest.yaml'), MANIFEST(server.origin));
    symlinkSync(outside, join(s, 'services.yaml'));
    const before = server.requests.length;
    for (const argv of [['ask', 'add nginx on port 8080'], ['context', '--show', 'add nginx']]) {
      const r = await runCli(argv, { env: env(s), cwd: dir });
      expect(r.code, argv.join(' ')).toBe(1);
      expect(r.err).toContain(`${join(s, 'services.yaml')} is a symbolic link to ${outside}: Claude.OS never follows links in the state dir, so it was not read`);
      expect(r.err).toContain(`hint: replace the link with a regular file: \`rm ${join(s, 'services.yaml')}\``);
      expect(r.err).not.toMatch(/internal error|\n\s+at /);
      expect(r.out + r.err).not.toContain('CANARY');
    }
    expect(server.requests.length).toBe(before);
    expect(server.requests.map((q) => q.raw).join('')).not.toContain('CANARY');
    expect(readdirSync(s).sort()).toEqual(['manifest.yaml', 'services.yaml']);
  });

  it('`claude secret set` refuses a linked security.yaml and changes nothing', async () => {
    const s = stateDir('secret');
    symlinkSync(outside, join(s, 'security.yaml'));
    const r = await runCli(['secret', 'set', 'db_password'], { env: env(s), cwd: dir, input: 'hunter2-but-long-enough\n' });
    expect(r.code).toBe(1);
    expect(r.err).toContain('is a symbolic link');
    expect(lstatSync(join(s, 'security.yaml')).isSymbolicLink()).toBe(true);
    expect(readFileSync(outside, 'utf8')).toContain(CANARY);
    expect(readFileSync(outside, 'utf8')).not.toContain('db_password');
  });

  it('the reconciler and the shared reader refuse it too', () => {
    const s = stateDir('reconcile');
    writeFileSync(join(s, 'security.yaml'), SECURITY);
    symlinkSync(outside, join(s, 'network.yaml'));
    expect(() => readStateFiles(s)).toThrow(StateFileError);
    expect(() => readStateFiles(s)).toThrow(/network\.yaml is a symbolic link/);
    // A link to a file inside the state dir is refused the same way: no link is followed.
    symlinkSync('security.yaml', join(s, 'storage.yaml'));
    expect(() => readStateFileText(s, 'storage.yaml')).toThrow(/symbolic link to security\.yaml/);
    expect(readStateFileText(s, 'security.yaml')).toBe(SECURITY);
    expect(readStateFileText(s, 'manifest.yaml')).toBeNull();
  });
});

describe('other non-regular files in the state dir', () => {
  it('a named pipe is refused at once (never opened for a blocking read)', async () => {
    const s = stateDir('fifo');
    execFileSync('mkfifo', [join(s, 'services.yaml')]);
    writeFileSync(join(s, 'security.yaml'), SECURITY);
    const r = await runCli(['validate'], { env: env(s), cwd: dir });
    expect(r.code).toBe(1);
    expect(r.out).toContain('services.yaml: error CLA9002: cannot read services.yaml: it is a named pipe (FIFO), not a regular file');
    expect(() => readStateFileText(s, 'services.yaml')).toThrow(/named pipe \(FIFO\), not a regular file, so it was not read/);
  }, 20_000);

  it('a directory with a state file name is refused', async () => {
    const s = stateDir('dir');
    mkdirSync(join(s, 'services.yaml'));
    const r = await runCli(['validate'], { env: env(s), cwd: dir });
    expect(r.code).toBe(1);
    expect(r.out).toContain('services.yaml: error CLA9002: cannot read services.yaml: it is a directory');
  });

  it('an oversized state file is refused before it is read, for the compiler (8 MiB) and for a request (1 MiB)', async () => {
    const s = stateDir('big');
    writeFileSync(join(s, 'manifest.yaml'), MANIFEST(server.origin));
    writeFileSync(join(s, 'services.yaml'), `# ${'x'.repeat(9 * 1024 * 1024)}\n`);
    const v = await runCli(['validate'], { env: env(s), cwd: dir });
    expect(v.code).toBe(1);
    expect(v.out).toMatch(/services\.yaml: error CLA1002: the file is 9437187 bytes, over the limit of 8388608 bytes/);
    expect(v.out).toMatch(/hint: a state file holds at most 8 MiB/);
    // 2 MiB: the compiler reads it, a request does not send it to the model
    writeFileSync(join(s, 'services.yaml'), `# ${'x'.repeat(2 * 1024 * 1024)}\n`);
    const v2 = await runCli(['validate'], { env: env(s), cwd: dir });
    expect(v2.out).not.toMatch(/CLA1002/);
    const before = server.requests.length;
    const r = await runCli(['ask', 'add nginx'], { env: env(s), cwd: dir });
    expect(r.code).toBe(1);
    expect(r.err).toContain('services.yaml is 2097155 bytes, over the limit of 1048576 bytes for a state file sent with a request, so it was not read');
    expect(r.err).toContain('change services.yaml by hand and run `claude plan`');
    expect(server.requests.length).toBe(before);
    expect(existsSync(join(dir, 'data', 'conversations'))).toBe(false);
  });
});
