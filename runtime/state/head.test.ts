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
import { readLooseObject, readStateFilesLoose, readStateHead } from './head.js';
import { authorFromEnv, inspectStateRepo, openStateRepo } from './repo.js';

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

describe('readStateFilesLoose', () => {
  const security = 'apiVersion: claude.os/v1\nkind: SecurityPolicy\nspec: {}\n';

  it('answers as StateRepo.filesAt for commits made by the state repo and by the git CLI, and null once the objects are packed', async () => {
    const dir = dirs.make();
    const repo = await openStateRepo(dir);
    const c1 = await repo.commitState({ 'manifest.yaml': manifest, 'security.yaml': security }, { request: 'one', planId: 'p1', summary: '', author });
    const c2 = await repo.commitState({ 'manifest.yaml': manifest + '# two ✓\n' }, { request: 'two', planId: 'p2', summary: '', author });
    for (const c of [c1, c2]) expect(readStateFilesLoose(dir, c)).toEqual(await repo.filesAt(c));
    expect(readStateFilesLoose(dir, c1)!['security.yaml']).toBe(security);
    expect(readStateFilesLoose(dir, c2)!['security.yaml']).toBeUndefined();
    // a commit by the git CLI, with a file that is not a state file and a subdirectory
    writeFileSync(join(dir, 'security.yaml'), security + '# cli\n');
    writeFileSync(join(dir, 'notes.txt'), 'not a state file\n');
    git(dir, 'add', 'security.yaml', 'notes.txt');
    git(dir, 'commit', '-q', '-m', 'by the git CLI');
    const c3 = git(dir, 'rev-parse', 'HEAD');
    expect(readStateFilesLoose(dir, c3)).toEqual(await repo.filesAt(c3));
    expect(Object.keys(readStateFilesLoose(dir, c3)!)).toEqual(['manifest.yaml', 'security.yaml']);
    expect(readStateFilesLoose(dirs.make(), c3)).toBeNull(); // no repository
    // `git gc` packs every object: not loose any more, the caller falls back to isomorphic-git
    git(dir, 'gc', '-q', '--prune=now');
    expect(readStateFilesLoose(dir, c3)).toBeNull();
    expect(await inspectStateRepo(dir, { deep: true })).toEqual([]); // the packed repository is still sound
  });

  it('refuses an object that does not hash to its name or is not the type asked for', async () => {
    const dir = dirs.make();
    const repo = await openStateRepo(dir);
    const c1 = await repo.commitState({ 'manifest.yaml': manifest }, { request: 'one', planId: 'p1', summary: '', author });
    const obj = readLooseObject(join(dir, '.git'), c1)!;
    expect(obj.type).toBe('commit');
    expect(obj.body.toString('utf8')).toMatch(/^tree [0-9a-f]{40}\n/);
    // the blob of manifest.yaml, read as a commit, is refused
    const blob = git(dir, 'rev-parse', `${c1}:manifest.yaml`);
    expect(() => readStateFilesLoose(dir, blob)).toThrow(/is a blob, not a commit/);
    // an object file whose content is another object's: the SHA-1 check fails
    const objects = join(dir, '.git', 'objects');
    const path = (oid: string) => join(objects, oid.slice(0, 2), oid.slice(2));
    const { copyFileSync, chmodSync } = await import('node:fs');
    chmodSync(path(blob), 0o644);
    copyFileSync(path(c1), path(blob));
    expect(() => readLooseObject(join(dir, '.git'), blob)).toThrow(/SHA-1 check failed/);
    // inspect reports it as damage, as it did through isomorphic-git
    expect((await inspectStateRepo(dir)).map((p) => p.kind)).toEqual(['corrupt-object']);
  });
});
