/**
 * readStateHead (head.ts) reads HEAD with node:fs and must answer as isomorphic-git does
 * (repo.ts headCommit): on real repositories made by the state repo and by the git CLI —
 * none, unborn, after commits, refs packed by `git pack-refs`, a detached HEAD, a `.git`
 * file pointing elsewhere.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDirs } from '../testutil/tempdirs.js';
import { readStateHead } from './head.js';
import { authorFromEnv, openStateRepo } from './repo.js';

const dirs = tempDirs('claude-state-head-');
afterEach(() => dirs.cleanup());
const author = authorFromEnv({ USER: 'alice' }, { hostname: 'box' });
const manifest = 'apiVersion: claude.os/v1\nkind: SystemManifest\nmetadata: {name: host}\nspec: {}\n';

function git(dir: string, ...args: string[]): string {
  return execFileSync('git', ['-c', `safe.directory=*`, '-c', 'user.name=t', '-c', 'user.email=t@t', '-C', dir, ...args], { encoding: 'utf8' }).trim();
}

describe('readStateHead', () => {
  it('null without a repository and on an unborn branch; the commit after each commit, as isomorphic-git says', async () => {
    const dir = dirs.make();
    expect(readStateHead(dir)).toBeNull();
    const repo = await openStateRepo(dir);
    expect(await repo.headCommit()).toBeNull();
    expect(readStateHead(dir)).toBeNull();
    const c1 = await repo.commitState({ 'manifest.yaml': manifest }, { request: 'one', planId: 'p1', summary: '', author });
    expect(readStateHead(dir)).toBe(c1);
    const c2 = await repo.commitState({ 'manifest.yaml': manifest + '# two\n' }, { request: 'two', planId: 'p2', summary: '', author });
    expect(c2).not.toBe(c1);
    expect(readStateHead(dir)).toBe(c2);
    expect(readStateHead(dir)).toBe(await repo.headCommit());
  });

  it('packed refs, a detached HEAD and a .git file (gitdir:) answer like git', async () => {
    const dir = dirs.make();
    git(dir, 'init', '-q', '-b', 'main');
    writeFileSync(join(dir, 'manifest.yaml'), manifest);
    git(dir, 'add', 'manifest.yaml');
    git(dir, 'commit', '-q', '-m', 'one');
    const c1 = git(dir, 'rev-parse', 'HEAD');
    git(dir, 'pack-refs', '--all');
    expect(git(dir, 'show-ref')).toContain(c1); // the ref now lives in packed-refs only
    expect(readStateHead(dir)).toBe(c1);
    expect(readStateHead(dir)).toBe(await (await openStateRepo(dir, { create: false })).headCommit());
    writeFileSync(join(dir, 'manifest.yaml'), manifest + '# two\n');
    git(dir, 'commit', '-q', '-am', 'two');
    const c2 = git(dir, 'rev-parse', 'HEAD');
    expect(readStateHead(dir)).toBe(c2); // the loose ref wins over the packed one
    git(dir, 'checkout', '-q', '--detach', c1);
    expect(readStateHead(dir)).toBe(c1);
    // a state dir whose .git is a file pointing at the repository elsewhere
    const other = dirs.make();
    writeFileSync(join(other, '.git'), `gitdir: ${join(dir, '.git')}\n`);
    expect(readStateHead(other)).toBe(c1);
  });
});
