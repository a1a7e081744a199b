/**
 * storage.yaml `spec.mounts` end to end, as a person uses it: the real `bin/claude apply`
 * on a state dir (compiler → signed plan → runtime), a real loop device made by this run
 * (a sparse file in its temp dir), real blkid, mkfs.ext4, mount and umount, a temp
 * CLAUDE_ROOT (so the fstab written is <root>/etc/fstab, never the host's), and the approval
 * typed in tmux.
 *
 *   - a blank device without format: true is refused before anything changes;
 *   - with format: true the plan is destructive: `no` leaves the device blank, `yes`
 *     formats it (audited), mounts it, writes the fstab line and creates the volume on it;
 *   - a re-apply plans nothing; after an unmount (a reboot without fstab) it mounts again
 *     and does NOT format: the data written before is still there;
 *   - removing the mount from storage.yaml unmounts it and removes the fstab line;
 *   - a later step that fails (a missing image) rolls the mount back: unmounted, fstab and
 *     the mounts record as before.
 *
 * Needs dockerd (the observer lists containers), tmux, losetup, and `npm run build`.
 * afterAll kills the tmux server, unmounts and detaches the loop device, removes the temp dir.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FSTAB_BEGIN } from '../plan/host-state.js';
import { readAudit } from '../runtime/audit.js';
import { readMountTable } from '../runtime/drivers/mounts.js';
import { CLAUDE_BIN, tempHost, tmuxTerminal, type TempHost } from '../runtime/testutil/cli-host.js';
import { fsTypeOf, makeLoopDevice, type LoopDevice } from '../runtime/testutil/loopdev.js';

const tag = `mnt${randomBytes(3).toString('hex')}`;
const term = tmuxTerminal(`claude-mounts-${tag}`);
let host: TempHost;
let root: string;
let stateDir: string;
let dataDir: string;
let loop: LoopDevice;

const claude = (...args: string[]) => host.claude(...args);
const mounted = () => readMountTable().find((e) => e.mountPoint === join(root, 'data'));
const fstab = () => (existsSync(join(root, 'etc/fstab')) ? readFileSync(join(root, 'etc/fstab'), 'utf8') : null);
const formats = () => readAudit(dataDir).filter((a) => a.event === 'storage.formatted');

function storage(opts: { format?: boolean; mount?: boolean } = {}): void {
  const mount = opts.mount === false ? '' : `  mounts:\n    - source: ${loop.device}\n      target: /data\n      type: ext4\n      options: [defaults, noatime]\n${opts.format ? '      format: true\n' : ''}`;
  const volumes = opts.mount === false ? '' : '  volumes:\n    - name: files\n      path: /data/files\n      filesystem: ext4\n';
  writeFileSync(join(stateDir, 'storage.yaml'), `apiVersion: claude.os/v1\nkind: StorageConfig\nmetadata:\n  name: storage\nspec:\n${volumes}${mount}${volumes || mount ? '' : '  volumes: []\n'}`);
}

async function applyInTmux(answer: 'yes' | 'no'): Promise<string> {
  term.start([CLAUDE_BIN, 'apply'], { env: host.env, cwd: host.base });
  await term.waitFor('the apply prompt', (s) => s.includes('Apply these changes? [yes/no]'));
  const shown = term.screen();
  term.type(answer);
  if (answer === 'no') await term.waitFor('Nothing changed', (s) => s.includes('Nothing changed.'));
  else await term.waitFor('applied', (s) => /Applied|✗|refused|rolled back/i.test(s.slice(shown.length - 200)), 180_000);
  return term.screen();
}

beforeAll(() => {
  host = tempHost('mounts', tag);
  ({ root, stateDir, dataDir } = host);
  // The host's fstab lines outside Claude.OS's block must survive every apply.
  mkdirSync(join(root, 'etc'), { recursive: true });
  writeFileSync(join(root, 'etc/fstab'), '# <file system> <mount point> <type> <options> <dump> <pass>\nUUID=0a0a0a0a-1111-4222-8333-444444444444 / ext4 errors=remount-ro 0 1\n');
  loop = makeLoopDevice(host.base, 64);
});

afterAll(() => {
  term.kill();
  loop?.release();
  host?.remove();
});

describe('storage mounts through plan and apply (loop device, temp CLAUDE_ROOT)', () => {
  it('refuses a blank device without format: true; nothing changes', () => {
    storage();
    const r = claude('apply', '--yes');
    expect(r.status, r.stdout + r.stderr).toBe(1);
    expect(r.stderr).toContain(`refused (mount-preflight): step mount.apply:/data (mount.apply): mount ${loop.device} → /data: ${loop.device} holds no filesystem; nothing was changed`);
    expect(r.stderr).toMatch(/hint: to create a ext4 filesystem on it \(anything on the device is lost\), set format: true/);
    expect(fsTypeOf(loop.device)).toBeNull();
    expect(mounted()).toBeUndefined();
    expect(fstab()).not.toContain(FSTAB_BEGIN);
    expect(existsSync(join(root, 'data'))).toBe(false);
  });

  it('format: true is a destructive step: `no` changes nothing, `yes` formats once, mounts, writes fstab and the volume', async () => {
    storage({ format: true });
    const declined = await applyInTmux('no');
    expect(declined).toContain('DESTRUCTIVE');
    expect(declined).toContain(`FORMAT ${loop.device} as ext4 first unless it already holds ext4`);
    expect(fsTypeOf(loop.device)).toBeNull();
    expect(mounted()).toBeUndefined();

    const out = await applyInTmux('yes');
    expect(out).toContain(`${loop.device} formatted as ext4 (it held no filesystem) and mounted at /data; fstab updated`);
    expect(fsTypeOf(loop.device)).toBe('ext4');
    expect(mounted()).toMatchObject({ majmin: loop.majmin, fstype: 'ext4' });
    expect(mounted()!.options).toContain('noatime');
    const tab = fstab()!;
    expect(tab).toContain('UUID=0a0a0a0a-1111-4222-8333-444444444444 / ext4 errors=remount-ro 0 1');
    expect(tab).toContain(`${FSTAB_BEGIN}\n${loop.device} /data ext4 defaults,noatime 0 2\n# END Claude.OS mounts\n`);
    // the volume directory was made after the mount, so it is on the device
    expect(existsSync(join(root, 'data/files'))).toBe(true);
    const f = formats();
    expect(f).toHaveLength(1);
    expect(f[0]!.details).toMatchObject({ device: loop.device, target: '/data', type: 'ext4', found: 'no filesystem' });
    writeFileSync(join(root, 'data/files/keep.txt'), 'written after the first apply');
    const history = claude('history', '--json');
    expect(history.stdout).toContain('apply state dir');
  }, 300_000);

  it('survives a re-apply, and an unmount (a reboot) is mounted again without formatting', () => {
    const again = claude('plan', '--detailed-exitcode');
    expect(again.status, again.stdout + again.stderr).toBe(0);
    const noop = claude('apply', '--yes');
    expect(noop.stdout).toContain('Nothing to do');

    execFileSync('umount', [join(root, 'data')]);
    expect(existsSync(join(root, 'data/files/keep.txt'))).toBe(false);
    const r = claude('apply', '--yes');
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain(`${loop.device} mounted at /data; fstab updated`);
    expect(readFileSync(join(root, 'data/files/keep.txt'), 'utf8')).toBe('written after the first apply');
    expect(formats()).toHaveLength(1);
  }, 300_000);

  it('removing the mount from storage.yaml unmounts it and removes only its fstab line', () => {
    storage({ mount: false });
    const r = claude('apply', '--yes');
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('Unmounted /data; fstab line removed');
    expect(mounted()).toBeUndefined();
    expect(fstab()).toBe('# <file system> <mount point> <type> <options> <dump> <pass>\nUUID=0a0a0a0a-1111-4222-8333-444444444444 / ext4 errors=remount-ro 0 1\n');
    expect(fsTypeOf(loop.device)).toBe('ext4');
  }, 300_000);

  it('a step after the mount that fails rolls the mount back: unmounted, fstab and record as before', () => {
    const before = fstab();
    writeFileSync(join(stateDir, 'storage.yaml'), `apiVersion: claude.os/v1\nkind: StorageConfig\nmetadata:\n  name: storage\nspec:\n  mounts:\n    - source: ${loop.device}\n      target: /data2\n      type: ext4\n`);
    writeFileSync(join(stateDir, 'manifest.yaml'), 'apiVersion: claude.os/v1\nkind: SystemManifest\nmetadata:\n  name: m\nspec:\n  images: {pull: false}\n');
    writeFileSync(join(stateDir, 'services.yaml'), `apiVersion: claude.os/v1\nkind: ServiceManifest\nmetadata:\n  name: s\nspec:\n  services:\n    - name: app-${tag}\n      image: claude-os-local/no-such-image-${tag}:1\n      volumes: [{source: /data2/app, target: /app}]\n`);
    const r = claude('apply', '--yes');
    expect(r.status, r.stdout + r.stderr).toBe(1);
    expect(r.stdout + r.stderr).toMatch(/rolled back/i);
    expect(r.stdout).toContain(`✓ ${loop.device} mounted at /data2; fstab updated`);
    expect(r.stdout).toContain(`Undid: Mount ${loop.device} at /data2`);
    expect(r.stdout + r.stderr).toContain(`no-such-image-${tag}`);
    expect(readMountTable().some((e) => e.majmin === loop.majmin)).toBe(false);
    expect(fstab()).toBe(before);
    expect(existsSync(join(dataDir, 'mounts.json'))).toBe(false);
    expect(fsTypeOf(loop.device)).toBe('ext4');
  }, 300_000);
});
