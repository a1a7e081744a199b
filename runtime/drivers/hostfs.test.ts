/**
 * HostFs on a real temp filesystem: host files are written and deleted under CLAUDE_ROOT
 * only. A path with `..`, a relative path, or one whose directory is a symlink leading out
 * of the root is refused (HostPathError) before anything is written or deleted.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDirs } from '../testutil/tempdirs.js';
import { HostFs, HostPathError } from './hostfs.js';

const tmp = tempDirs('claude-hostfs-');
afterEach(() => tmp.cleanup());

function setup() {
  const base = tmp.make();
  const root = join(base, 'root');
  const outside = join(base, 'outside');
  mkdirSync(root);
  mkdirSync(outside);
  return { root, outside, fs: new HostFs(root, join(base, 'data')) };
}

const b64 = (s: string) => Buffer.from(s).toString('base64');

const refusal = (f: () => unknown): HostPathError => {
  try {
    f();
  } catch (e) {
    if (e instanceof HostPathError) return e;
    throw e;
  }
  throw new Error('expected a HostPathError');
};

describe('HostFs host files', () => {
  it('writes with the mode and deletes (content null) under the root', () => {
    const { root, fs } = setup();
    fs.writeHostFiles([{ path: '/home/alice/.ssh/authorized_keys', content: b64('ssh-ed25519 AAAA alice\n'), mode: '0600' }]);
    const file = join(root, 'home/alice/.ssh/authorized_keys');
    expect(readFileSync(file, 'utf8')).toBe('ssh-ed25519 AAAA alice\n');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readHostFiles(['/home/alice/.ssh/authorized_keys', '/etc/none'])).toEqual([
      { path: '/home/alice/.ssh/authorized_keys', content: b64('ssh-ed25519 AAAA alice\n'), mode: '0600' },
      { path: '/etc/none', content: null, mode: '0644' },
    ]);
    fs.writeHostFiles([{ path: '/home/alice/.ssh/authorized_keys', content: null, mode: '0644' }]);
    expect(existsSync(file)).toBe(false);
    // deleting what is already gone is fine (recovery repeats steps)
    fs.writeHostFiles([{ path: '/home/alice/.ssh/authorized_keys', content: null, mode: '0644' }]);
  });

  it('works on a root that does not exist yet (a fresh CLAUDE_ROOT), and still refuses `..`', () => {
    const base = tmp.make();
    const root = join(base, 'not-yet', 'root');
    const fs = new HostFs(root, join(base, 'data'));
    expect(fs.hostFilePath('/etc/hostname')).toBe(join(root, 'etc', 'hostname'));
    fs.writeHostFiles([{ path: '/etc/hostname', content: b64('box\n'), mode: '0644' }]);
    expect(readFileSync(join(root, 'etc', 'hostname'), 'utf8')).toBe('box\n');
    expect(refusal(() => new HostFs(join(base, 'other', 'root'), join(base, 'data')).hostFilePath('/etc/../../x'))).toBeInstanceOf(HostPathError);
  });

  it('refuses `..`, relative paths and symlinked directories leading out of the root, touching nothing', () => {
    const { root, outside, fs } = setup();
    writeFileSync(join(outside, 'victim'), 'keep me');
    mkdirSync(join(root, 'etc'));
    writeFileSync(join(root, 'etc/hostname'), 'web-1\n');

    const up = refusal(() => fs.writeHostFiles([{ path: '/etc/hostname', content: b64('x'), mode: '0644' }, { path: '/../outside/victim', content: null, mode: '0644' }]));
    expect(up.message).toBe("host path '/../outside/victim' is refused: it contains a `..` segment");
    expect(up.hint).toMatch(/stay under CLAUDE_ROOT/);
    // checked before anything was touched: the good file in the same call is unchanged
    expect(readFileSync(join(root, 'etc/hostname'), 'utf8')).toBe('web-1\n');
    expect(readFileSync(join(outside, 'victim'), 'utf8')).toBe('keep me');

    expect(refusal(() => fs.writeHostFiles([{ path: '/etc/a/../../../outside/victim', content: null, mode: '0644' }])).message).toMatch(/`\.\.` segment/);
    expect(refusal(() => fs.writeHostFiles([{ path: 'etc/hostname', content: b64('x'), mode: '0644' }])).message).toMatch(/not absolute/);

    symlinkSync(outside, join(root, 'escape'));
    const link = refusal(() => fs.writeHostFiles([{ path: '/escape/victim', content: null, mode: '0644' }]));
    expect(link.message).toContain(`leads to ${outside}, outside ${root}`);
    expect(refusal(() => fs.writeHostFiles([{ path: '/escape/new/file', content: b64('x'), mode: '0644' }])).message).toMatch(/outside/);
    expect(refusal(() => fs.readHostFiles(['/escape/victim'])).message).toMatch(/outside/);
    expect(readFileSync(join(outside, 'victim'), 'utf8')).toBe('keep me');
    expect(existsSync(join(outside, 'new'))).toBe(false);

    // volume directories get the lexical check too
    expect(() => fs.removeVolumeDir('/data/../../outside')).toThrow(HostPathError);
    expect(existsSync(outside)).toBe(true);
  });

  it('a symlink inside the root that stays inside is fine; a file that is itself a symlink is unlinked, not followed', () => {
    const { root, outside, fs } = setup();
    mkdirSync(join(root, 'real'));
    symlinkSync(join(root, 'real'), join(root, 'alias'));
    fs.writeHostFiles([{ path: '/alias/f', content: b64('in'), mode: '0644' }]);
    expect(readFileSync(join(root, 'real/f'), 'utf8')).toBe('in');
    writeFileSync(join(outside, 'target'), 'keep');
    symlinkSync(join(outside, 'target'), join(root, 'real/link'));
    fs.writeHostFiles([{ path: '/real/link', content: null, mode: '0644' }]);
    expect(existsSync(join(root, 'real/link'))).toBe(false);
    expect(readFileSync(join(outside, 'target'), 'utf8')).toBe('keep');
  });
});
