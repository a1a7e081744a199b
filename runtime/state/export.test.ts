import { afterEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { create } from 'tar';
import { StateImportError, exportState, importState, type StateValidator } from './export.js';
import { authorFromEnv, openStateRepo } from './repo.js';
import { tempDirs } from '../testutil/tempdirs.js';

const tmp = tempDirs('claude-export-test-');
afterEach(() => tmp.cleanup());
const tempDir = tmp.make;

function clock(start = Date.parse('2026-05-06T07:08:09Z')): () => Date {
  let t = start;
  return () => new Date((t += 60_000));
}

const accept: StateValidator = async () => ({ ok: true, problems: [] });
const svc = (name: string) => `apiVersion: claude.os/v1\nkind: ServiceManifest\nmetadata: {name: ${name}}\nspec: {}\n`;
const author = authorFromEnv({ USER: 'alice' }, { hostname: 'box' });

/** Every file under dir (relative path → content), for "nothing changed" checks. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, rel: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(join(d, e.name), r);
      else out[r] = readFileSync(join(d, e.name), 'base64');
    }
  };
  if (existsSync(dir)) walk(dir, '');
  return out;
}

async function sourceRepo(): Promise<string> {
  const dir = join(tempDir(), 'claude.d');
  const repo = await openStateRepo(dir, { now: clock() });
  await repo.commitState({ 'services.yaml': svc('web') }, { request: 'set up nginx', planId: 'plan-1', summary: 'add web', author });
  await repo.commitState({ 'services.yaml': svc('web2'), 'manifest.yaml': 'apiVersion: claude.os/v1\nkind: SystemManifest\n' }, { request: 'more', planId: 'plan-2', summary: 'change', author });
  writeFileSync(join(dir, 'README.local'), 'not exported');
  return dir;
}

describe('export / import', () => {
  it('round-trips: identical files and identical history on a fresh state dir', async () => {
    const src = await sourceRepo();
    const tarball = join(tempDir(), 'state.tar.gz');
    const ex = await exportState(src, tarball);
    expect(ex.files).toEqual(['manifest.yaml', 'services.yaml']);
    expect(existsSync(tarball)).toBe(true);

    const dest = join(tempDir(), 'restored', 'claude.d');
    const seen: Record<string, string>[] = [];
    const res = await importState(tarball, dest, async (files) => {
      seen.push(files);
      return { ok: true, problems: [] };
    });
    expect(res).toMatchObject({ stateDir: dest, files: ['manifest.yaml', 'services.yaml'], head: ex.head, commits: 2, backup: null });
    expect(seen).toEqual([{ 'manifest.yaml': readFileSync(join(src, 'manifest.yaml'), 'utf8'), 'services.yaml': svc('web2') }]);

    const a = await openStateRepo(src);
    const b = await openStateRepo(dest);
    expect(await b.history()).toEqual(await a.history());
    expect(b.workingFiles()).toEqual(a.workingFiles());
    expect(await b.filesAt('HEAD~1')).toEqual({ 'services.yaml': svc('web') });
    expect(existsSync(join(dest, 'README.local'))).toBe(false);
    expect(readdirSync(join(dest, '..')).filter((n) => n.includes('.import-'))).toEqual([]);
    // The real git CLI agrees.
    expect(execFileSync('git', ['-c', `safe.directory=${dest}`, '-C', dest, 'log', '--format=%s'], { encoding: 'utf8' })).toBe('more\nset up nginx\n');
    // And the imported repo keeps working.
    await b.commitState({ 'services.yaml': svc('web3') }, { request: 'after import', planId: 'plan-3', summary: '', author });
    expect((await b.history()).map((h) => h.planId)).toEqual(['plan-3', 'plan-2', 'plan-1']);
  });

  it('refuses a target that already holds state unless forced, and keeps the old dir as a backup', async () => {
    const src = await sourceRepo();
    const tarball = join(tempDir(), 'state.tar.gz');
    await exportState(src, tarball);
    const dest = join(tempDir(), 'claude.d');
    mkdirSync(dest);
    writeFileSync(join(dest, 'services.yaml'), svc('other'));
    const before = snapshot(dest);
    await expect(importState(tarball, dest, accept)).rejects.toThrow(/already holds state; nothing was imported. Pass --force/);
    expect(snapshot(dest)).toEqual(before);

    const res = await importState(tarball, dest, accept, { force: true, now: () => new Date('2026-05-06T00:00:00Z') });
    expect(res.backup).toBe(`${dest}.before-import-20260506T000000Z`);
    expect(snapshot(res.backup as string)).toEqual(before);
    expect(readFileSync(join(dest, 'services.yaml'), 'utf8')).toBe(svc('web2'));
    tmp.track(res.backup as string);
  });

  it('changes nothing when the state is invalid', async () => {
    const src = await sourceRepo();
    const tarball = join(tempDir(), 'state.tar.gz');
    await exportState(src, tarball);
    const dest = join(tempDir(), 'claude.d');
    mkdirSync(dest);
    writeFileSync(join(dest, 'services.yaml'), svc('keep'));
    const before = snapshot(dest);
    const reject: StateValidator = async () => ({ ok: false, problems: ['services.yaml:1:1: kind must be ServiceManifest'] });
    const err = await importState(tarball, dest, reject, { force: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StateImportError);
    expect((err as Error).message).toContain('is invalid; nothing was imported');
    expect((err as StateImportError).problems).toEqual(['services.yaml:1:1: kind must be ServiceManifest']);
    expect(snapshot(dest)).toEqual(before);
    expect(readdirSync(join(dest, '..')).sort()).toEqual(['claude.d']);
  });

  it('changes nothing for a tarball that is corrupt, has foreign entries, or lacks history', async () => {
    const work = tempDir();
    const dest = join(work, 'claude.d');
    const garbage = join(work, 'garbage.tar.gz');
    writeFileSync(garbage, 'this is not gzip');
    await expect(importState(garbage, dest, accept)).rejects.toThrow(/is not a readable \.tar\.gz/);

    const evil = join(work, 'evil');
    mkdirSync(join(evil, 'etc'), { recursive: true });
    writeFileSync(join(evil, 'services.yaml'), svc('x'));
    writeFileSync(join(evil, 'etc', 'passwd'), 'root::0:0');
    const evilTar = join(work, 'evil.tar.gz');
    await create({ gzip: true, file: evilTar, cwd: evil }, ['services.yaml', 'etc']);
    const err = await importState(evilTar, dest, accept).catch((e: unknown) => e);
    expect((err as StateImportError).problems).toEqual(['etc/ (Directory)', 'etc/passwd (File)']);

    const plainTar = join(work, 'plain.tar.gz');
    await create({ gzip: true, file: plainTar, cwd: evil }, ['services.yaml']);
    await expect(importState(plainTar, dest, accept)).rejects.toThrow(/has no git history/);

    // A tarball whose history is damaged (an emptied object) is refused too.
    const src = await sourceRepo();
    const head = (await (await openStateRepo(src)).headCommit()) as string;
    writeFileSync(join(src, '.git', 'objects', head.slice(0, 2), head.slice(2)), '');
    const damagedTar = join(work, 'damaged.tar.gz');
    await create({ gzip: true, file: damagedTar, cwd: src }, ['services.yaml', '.git']);
    await expect(importState(damagedTar, dest, accept)).rejects.toThrow(/history in .* is damaged/);

    expect(existsSync(dest)).toBe(false);
    expect(readdirSync(work).filter((n) => n.startsWith('.claude.d'))).toEqual([]);
  });

  it('refuses to export a state dir that has no repository', async () => {
    await expect(exportState(tempDir(), join(tempDir(), 'x.tar.gz'))).rejects.toThrow(/not a state repository yet/);
  });
});
