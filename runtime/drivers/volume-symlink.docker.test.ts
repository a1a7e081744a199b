/**
 * Volume directories and bind-mount sources stay under CLAUDE_ROOT even when a symlink is
 * planted on the way (a container that can write into one volume can create symlinks in
 * it, and a symlink's target is resolved on the host): creating, chmod/chown-ing or
 * binding such a path is refused with HostPathError and nothing outside the root changes.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { containerSpec } from '../testutil/plans.js';
import { DockerEngine } from './docker.js';
import { HostFs, HostPathError } from './hostfs.js';

const made: string[] = [];
const containers: string[] = [];
afterEach(() => {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
});
afterAll(() => {
  for (const c of containers) {
    try {
      execFileSync('docker', ['rm', '-f', c], { stdio: 'ignore' });
    } catch {
      /* never created */
    }
  }
});

function setup() {
  const base = mkdtempSync(join(tmpdir(), 'claude-volsym-'));
  made.push(base);
  const root = join(base, 'root');
  const outside = join(base, 'outside');
  mkdirSync(join(root, 'srv', 'app'), { recursive: true });
  mkdirSync(outside, { mode: 0o755 });
  // what a container with /srv/app bound as /data can do: ln -s <host path> /data/evil
  symlinkSync(outside, join(root, 'srv', 'app', 'evil'));
  return { root, outside, dataDir: join(base, 'data'), fs: new HostFs(root, join(base, 'data')) };
}

describe('volume directories behind a symlink', () => {
  it('a volume whose path is a symlink out of the root is neither chmod-ed nor chown-ed', () => {
    const { fs, outside } = setup();
    const before = statSync(outside).mode & 0o7777;
    expect(() => fs.createVolumeDir({ name: 'v', path: '/srv/app/evil', permissions: '0777', owner: '12345:12345' })).toThrow(HostPathError);
    expect(statSync(outside).mode & 0o7777).toBe(before);
    expect(statSync(outside).uid).not.toBe(12345);
  });

  it('a volume below such a symlink is not created outside the root', () => {
    const { fs, outside } = setup();
    expect(() => fs.createVolumeDir({ name: 'v', path: '/srv/app/evil/sub', permissions: '0700' })).toThrow(/outside/);
    expect(existsSync(join(outside, 'sub'))).toBe(false);
  });

  it('restoring a volume directory through such a symlink is refused', () => {
    const { fs, outside } = setup();
    const before = statSync(outside).mode & 0o7777;
    expect(() => fs.restoreVolumeDir('/srv/app/evil', { exists: true, mode: 0o777 }, 'plan-00')).toThrow(HostPathError);
    expect(statSync(outside).mode & 0o7777).toBe(before);
  });

  it('a plain volume under the root still works', () => {
    const { fs, root } = setup();
    fs.createVolumeDir({ name: 'v', path: '/srv/app/data', permissions: '0750' });
    expect(statSync(join(root, 'srv', 'app', 'data')).mode & 0o7777).toBe(0o750);
  });
});

describe('bind-mount sources behind a symlink', () => {
  it('a container whose mount source leads out of the root is not created', async () => {
    const { root, dataDir } = setup();
    const name = `volsym-${randomBytes(4).toString('hex')}`;
    containers.push(name);
    const engine = new DockerEngine({ root, dataDir, hostId: 'host-volsym' });
    const spec = containerSpec({ name, image: 'claude-os-local/busybox:latest', command: ['sleep', '60'], mounts: [{ source: '/srv/app/evil', target: '/data', readonly: false }] });
    await expect(engine.createContainer(spec, {})).rejects.toThrow(HostPathError);
    expect(execFileSync('docker', ['ps', '-aq', '--filter', `name=^${name}$`], { encoding: 'utf8' }).trim()).toBe('');
  });
});
