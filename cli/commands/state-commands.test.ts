import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../testutil/cli.js';
import { tempDirs } from '../../runtime/testutil/tempdirs.js';
import { appendAudit, readAudit } from '../../runtime/audit.js';
import { authorFromEnv, openStateRepo } from '../../runtime/state/repo.js';
import { validateStateFiles } from '../../agent/validate-adapter.js';

const tmp = tempDirs('claude-cli-state-test-');
afterEach(() => tmp.cleanup());
const tempDir = tmp.make;

function run(argv: string[], env: Record<string, string>, cwd: string) {
  return runCli(argv, { env, cwd, now: () => new Date('2026-07-08T09:10:11Z') });
}

const services = 'apiVersion: claude.os/v1\nkind: ServiceManifest\nmetadata: {name: web}\nspec: {}\n';

async function setup() {
  const root = tempDir();
  const env = { CLAUDE_STATE_DIR: join(root, 'claude.d'), CLAUDE_DATA_DIR: join(root, 'data'), USER: 'alice' };
  const repo = await openStateRepo(env.CLAUDE_STATE_DIR, { now: () => new Date('2026-07-01T00:00:00Z') });
  const author = authorFromEnv(env, { hostname: 'box' });
  await repo.commitState({ 'services.yaml': services }, { request: 'set up nginx', planId: 'plan-1', summary: 'add web', author });
  return { root, env, repo };
}

describe('claude history', () => {
  it('lists the commits, as text and as JSON', async () => {
    const { root, env, repo } = await setup();
    const head = await repo.headCommit();
    const text = await run(['history'], env, root);
    expect(text.code).toBe(0);
    expect(text.out).toBe(`${head?.slice(0, 12)}  2026-07-01T00:00:00Z  alice <alice@box>  plan plan-1\n    set up nginx\n    add web\n`);
    const json = await run(['history', '--json'], env, root);
    expect(JSON.parse(json.out)).toEqual({
      stateDir: env.CLAUDE_STATE_DIR,
      commits: [{ commit: head, parents: [], time: '2026-07-01T00:00:00.000Z', author: { name: 'alice', email: 'alice@box' }, request: 'set up nginx', planId: 'plan-1', summary: 'add web' }],
    });
  });

  it('says there is no history yet, without creating the state dir', async () => {
    const root = tempDir();
    const r = await run(['history', '--state-dir', join(root, 'none')], {}, root);
    expect(r).toMatchObject({ code: 0, out: `no history yet in ${join(root, 'none')} (the first apply records one)\n` });
    expect(existsSync(join(root, 'none'))).toBe(false);
    expect((await run(['history', '--limit', 'x'], {}, root)).code).toBe(2);
  });

  it('reports a damaged repository with the repair command', async () => {
    const { root, env } = await setup();
    const lock = join(env.CLAUDE_STATE_DIR, '.git', 'index.lock');
    writeFileSync(lock, '');
    const { utimesSync } = await import('node:fs');
    utimesSync(lock, new Date(Date.now() - 3_600_000), new Date(Date.now() - 3_600_000));
    const r = await run(['history'], { ...env }, root);
    expect(r.code).toBe(1);
    expect(r.err).toContain('.git/index.lock: stale lock file');
    expect(r.err).toContain('claude recover --repair-state');
  });
});

describe('claude audit verify', () => {
  it('exits 0 when intact and 1 with the line when tampered', async () => {
    const { root, env } = await setup();
    for (let i = 0; i < 3; i++) await appendAudit(env.CLAUDE_DATA_DIR, { actor: 'alice', event: 'plan.applied', planId: `p${i}` }, () => new Date());
    const ok = await run(['audit', 'verify'], env, root);
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/intact, 3 record\(s\)/);
    const file = join(env.CLAUDE_DATA_DIR, 'audit.jsonl');
    writeFileSync(file, readFileSync(file, 'utf8').replace('"planId":"p1"', '"planId":"p9"'));
    const bad = await run(['audit', 'verify', '--json'], env, root);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.out)).toMatchObject({ file, ok: false, line: 2, reason: 'edited' });
    const text = await run(['audit', 'verify'], env, root);
    expect(text.err).toContain('TAMPERED at line 2 (edited)');
    expect((await run(['audit', 'check'], env, root)).code).toBe(2);
  });
});

describe('claude export / import', () => {
  it('round-trips through the CLI and records the import in the audit log', async () => {
    const { root, env, repo } = await setup();
    const ex = await run(['export', 'backup.tar.gz'], env, root);
    expect(ex.code).toBe(0);
    expect(ex.out).toContain(join(root, 'backup.tar.gz'));
    const env2 = { ...env, CLAUDE_STATE_DIR: join(root, 'restored') };
    const im = await run(['import', 'backup.tar.gz'], env2, root);
    expect(im).toMatchObject({ code: 0, err: '' });
    const restored = await openStateRepo(env2.CLAUDE_STATE_DIR);
    expect(await restored.history()).toEqual(await repo.history());
    expect(readAudit(env.CLAUDE_DATA_DIR)).toMatchObject([{ seq: 1, actor: 'alice', event: 'state.imported', details: { commits: 1, head: await repo.headCommit() } }]);
    // Importing again over existing state needs --force.
    const again = await run(['import', 'backup.tar.gz'], env2, root);
    expect(again.code).toBe(1);
    expect(again.err).toContain('--force');
  });

  it('refuses a tarball whose state fails validation', async () => {
    const { root, env, repo } = await setup();
    await repo.commitState({ 'services.yaml': 'apiVersion: claude.os/v1\nkind: NetworkConfig\n' }, { request: 'bad', planId: 'p2', summary: '', author: authorFromEnv(env) });
    expect((await run(['export', 'bad.tar.gz'], env, root)).code).toBe(0);
    const env2 = { ...env, CLAUDE_STATE_DIR: join(root, 'restored') };
    const im = await run(['import', 'bad.tar.gz'], env2, root);
    expect(im.code).toBe(1);
    expect(im.err).toContain('services.yaml:2:7: error CLA2015: this file has kind NetworkConfig, which belongs in network.yaml (hint: rename the file to network.yaml, or set kind: ServiceManifest if this is meant to be services.yaml)');
    expect(existsSync(env2.CLAUDE_STATE_DIR)).toBe(false);
  });
});

describe('validate adapter', () => {
  it('accepts valid files and names the position of each problem', async () => {
    expect(await validateStateFiles({ 'services.yaml': services })).toEqual({ ok: true, problems: [] });
    const r = await validateStateFiles({
      'network.yaml': 'apiVersion: v2\nkind: NetworkConfig\n',
      'storage.yaml': '- a list\n',
      'security.yaml': 'a: [\n',
      'extra.yaml': 'x: 1\n',
    });
    expect(r.ok).toBe(false);
    expect(r.problems[0]).toMatch(/^extra\.yaml: error CLA9004: unknown state file name extra\.yaml/);
    expect(r.problems).toContain('network.yaml:1:13: error CLA2008: apiVersion must be claude.os/v1, found "v2" (hint: write apiVersion: claude.os/v1 as the first line)');
    expect(r.problems.find((p) => p.startsWith('security.yaml'))).toMatch(/^security\.yaml:\d+:\d+: error CLA100\d: /);
    expect(r.problems.at(-1)).toMatch(/^storage\.yaml:1:1: error CLA1023: the top level must be a mapping, found a list/);
  });
});
