/**
 * `claude import` takes a tarball from elsewhere: its `.git/` must not bring code that the
 * git CLI runs when an admin looks at the state dir (`git status`, `git log`, a checkout):
 * hook scripts are refused, and `.git/config` is replaced by a plain one (no fsmonitor,
 * hooksPath, pager, aliases, filters or remotes), while the history stays intact.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { create, extract } from 'tar';
import { StateImportError, exportState, importState, type StateValidator } from './export.js';
import { authorFromEnv, openStateRepo } from './repo.js';

const made: string[] = [];
afterEach(() => {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'claude-import-git-'));
  made.push(d);
  return d;
};
const accept: StateValidator = async () => ({ ok: true, problems: [] });
const author = authorFromEnv({ USER: 'alice' }, { hostname: 'box' });

/** An exported state dir, unpacked into `work/unpacked` for tampering. */
async function unpackedExport(work: string): Promise<string> {
  const src = join(work, 'src');
  const repo = await openStateRepo(src, { now: () => new Date('2026-05-06T07:08:09Z') });
  await repo.commitState({ 'services.yaml': 'apiVersion: claude.os/v1\nkind: ServiceManifest\nmetadata: {name: web}\nspec: {}\n' }, { request: 'set up', planId: 'plan-1', summary: 'add web', author });
  const tarball = join(work, 'clean.tar.gz');
  await exportState(src, tarball);
  const dir = join(work, 'unpacked');
  mkdirSync(dir);
  await extract({ file: tarball, cwd: dir });
  return dir;
}

describe('import of a tampered .git', () => {
  it('refuses hook scripts', async () => {
    const work = tempDir();
    const dir = await unpackedExport(work);
    mkdirSync(join(dir, '.git', 'hooks'), { recursive: true });
    writeFileSync(join(dir, '.git', 'hooks', 'post-checkout'), `#!/bin/sh\ntouch ${join(work, 'pwned')}\n`, { mode: 0o755 });
    const evil = join(work, 'hooks.tar.gz');
    await create({ gzip: true, file: evil, cwd: dir }, ['services.yaml', '.git']);
    const dest = join(work, 'dest');
    const err = await importState(evil, dest, accept).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StateImportError);
    expect((err as StateImportError).problems.join('\n')).toMatch(/\.git\/hooks\/post-checkout/);
    expect(existsSync(join(dest, '.git'))).toBe(false);
  });

  it('replaces .git/config: an fsmonitor command is not run by `git status` in the imported dir', async () => {
    const work = tempDir();
    const dir = await unpackedExport(work);
    const marker = join(work, 'pwned');
    writeFileSync(
      join(dir, '.git', 'config'),
      readFileSync(join(dir, '.git', 'config'), 'utf8') + `[core]\n\tfsmonitor = "touch ${marker}; false"\n\thooksPath = /tmp\n[alias]\n\tst = "!touch ${marker}"\n[remote "origin"]\n\turl = https://attacker.example/x.git\n`,
    );
    const evil = join(work, 'config.tar.gz');
    await create({ gzip: true, file: evil, cwd: dir }, ['services.yaml', '.git']);
    const dest = join(work, 'dest');
    const res = await importState(evil, dest, accept);
    expect(res.commits).toBe(1);
    const config = readFileSync(join(dest, '.git', 'config'), 'utf8');
    expect(config).not.toMatch(/fsmonitor|hooksPath|alias|attacker|remote/);
    execFileSync('git', ['-c', `safe.directory=${dest}`, '-C', dest, 'status', '--porcelain'], { encoding: 'utf8' });
    expect(existsSync(marker)).toBe(false);
    // the history is intact and the repo keeps working
    expect(execFileSync('git', ['-c', `safe.directory=${dest}`, '-C', dest, 'log', '--format=%s'], { encoding: 'utf8' })).toBe('set up\n');
    const repo = await openStateRepo(dest);
    expect((await repo.history()).map((h) => h.planId)).toEqual(['plan-1']);
  });
});
