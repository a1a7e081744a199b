/**
 * `claude recover --repair-state` on real git repositories in temp dirs: a stale
 * `.git/index.lock` is removed and `claude history` works again; an empty object file is
 * reported as remaining with the manual steps, exit 1; a healthy repo is left alone.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from './testutil/cli.js';
import { tempDirs } from '../runtime/testutil/tempdirs.js';
import { authorFromEnv, openStateRepo } from '../runtime/state/repo.js';

const tmp = tempDirs('claude-repair-test-');
afterEach(() => tmp.cleanup());

function run(argv: string[], env: Record<string, string>, cwd: string) {
  return runCli(argv, { env, cwd, now: () => new Date('2026-07-08T09:10:11Z') });
}

async function setup() {
  const root = tmp.make();
  const env = { CLAUDE_STATE_DIR: join(root, 'claude.d'), CLAUDE_DATA_DIR: join(root, 'data'), USER: 'alice' };
  const repo = await openStateRepo(env.CLAUDE_STATE_DIR, { now: () => new Date('2026-07-01T00:00:00Z') });
  await repo.commitState({ 'services.yaml': 'apiVersion: claude.os/v1\nkind: ServiceManifest\nmetadata: {name: web}\nspec: {}\n' }, { request: 'set up nginx', planId: 'plan-1', summary: 'add web', author: authorFromEnv(env, { hostname: 'box' }) });
  return { root, env, gitdir: join(env.CLAUDE_STATE_DIR, '.git') };
}

describe('claude recover --repair-state', () => {
  it('removes a stale index.lock; claude history works again', async () => {
    const { root, env, gitdir } = await setup();
    const lock = join(gitdir, 'index.lock');
    writeFileSync(lock, '');
    const old = new Date(Date.now() - 120_000);
    utimesSync(lock, old, old);

    const before = await run(['history'], env, root);
    expect(before.code).toBe(1);
    expect(before.err).toContain('claude recover --repair-state');

    const r = await run(['recover', '--repair-state'], env, root);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('✓ removed .git/index.lock: stale lock file');
    expect(r.out).toContain(`The state repository ${gitdir} is healthy again.`);
    expect(existsSync(lock)).toBe(false);

    const after = await run(['history'], env, root);
    expect(after.code, after.err).toBe(0);
    expect(after.out).toContain('set up nginx');

    // again: nothing to do
    const again = await run(['recover', '--repair-state', '--json'], env, root);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.out)).toMatchObject({ stateDir: env.CLAUDE_STATE_DIR, exists: true, repaired: [], remaining: [], healthy: true, hint: '' });
  });

  it('an empty object file remains, with the manual steps; exit 1', async () => {
    const { root, env, gitdir } = await setup();
    mkdirSync(join(gitdir, 'objects', 'ab'), { recursive: true });
    const empty = join(gitdir, 'objects', 'ab', 'c'.repeat(38));
    writeFileSync(empty, '');

    const r = await run(['recover', '--repair-state'], env, root);
    expect(r.code).toBe(1);
    expect(r.out).toContain(`✗ .git/objects/ab/${'c'.repeat(38)}: empty object file`);
    expect(r.out).toContain('still needs a repair by hand (1 problem)');
    expect(r.out).toContain(`cp -a ${gitdir} ${env.CLAUDE_STATE_DIR}.git-backup`);
    expect(r.out).toContain('find .git/objects -type f -empty -delete && git fsck --full');
    expect(existsSync(empty)).toBe(true); // never deleted for you

    const json = await run(['recover', '--repair-state', '--json'], env, root);
    expect(json.code).toBe(1);
    const report = JSON.parse(json.out) as { healthy: boolean; remaining: { kind: string; autoRepair: boolean }[]; hint: string };
    expect(report.healthy).toBe(false);
    expect(report.remaining).toEqual([expect.objectContaining({ kind: 'empty-object', autoRepair: false })]);
    expect(report.hint).toContain('git update-ref refs/heads/main <last-good-commit>');
  });

  it('no repository yet: nothing to repair, exit 0, nothing created', async () => {
    const root = tmp.make();
    const r = await run(['recover', '--repair-state', '--state-dir', join(root, 'none')], { CLAUDE_DATA_DIR: join(root, 'data') }, root);
    expect(r.code).toBe(0);
    expect(r.out).toContain('nothing to repair');
    expect(existsSync(join(root, 'none'))).toBe(false);
    expect(existsSync(join(root, 'data'))).toBe(false);
  });
});
