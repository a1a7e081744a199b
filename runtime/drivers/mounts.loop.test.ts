// The mount driver against real loop devices, real blkid, mkfs.ext4, mount and umount.
// Each test run makes its own sparse files and loop devices in a temp dir and a temp
// CLAUDE_ROOT; afterAll unmounts, detaches and removes them all.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { fstabBlockLines, fstabWithBlock, FSTAB_BEGIN, FSTAB_END } from '../../plan/host-state.js';
import type { MountSpec } from '../../plan/types.js';
import { fsTypeOf, makeLoopDevice, type LoopDevice } from '../testutil/loopdev.js';
import { tempDirs } from '../testutil/tempdirs.js';
import { MountDriver, MountRefusedError, readMountTable } from './mounts.js';

const temps = tempDirs('claude-mounts-');
const loops: LoopDevice[] = [];
let root: string;
let driver: MountDriver;

function loop(mib = 32): LoopDevice {
  const l = makeLoopDevice(temps.make(), mib);
  loops.push(l);
  return l;
}

function spec(source: string, target: string, extra: Partial<MountSpec> = {}): MountSpec {
  return { source, target, type: 'ext4', options: ['defaults', 'noatime'], format: false, ...extra };
}

beforeAll(() => {
  root = temps.make();
  driver = new MountDriver({ root });
});
afterAll(() => {
  for (const l of loops.splice(0).reverse()) l.release();
  temps.cleanup();
});

describe('MountDriver (real loop devices)', () => {
  it('refuses a blank device without format: true and changes nothing; with it, formats once and never again', async () => {
    const l = loop();
    const m = spec(l.device, '/data');
    const refused = await driver.check(m).then(
      () => null,
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(MountRefusedError);
    expect((refused as Error).message).toMatch(new RegExp(`${l.device} holds no filesystem; nothing was changed`));
    expect((refused as MountRefusedError).hint).toMatch(/set format: true/);
    await expect(driver.mount(m)).rejects.toThrow(/holds no filesystem/);
    expect(fsTypeOf(l.device)).toBeNull();
    expect(existsSync(join(root, 'data'))).toBe(false);

    const told: string[] = [];
    const first = await driver.mount({ ...m, format: true }, { onFormat: (d, found) => void told.push(`${d}:${found}`) });
    expect(first).toMatchObject({ action: 'format', formatted: true, device: l.device, found: 'no filesystem' });
    expect(told).toEqual([`${l.device}:no filesystem`]);
    expect(fsTypeOf(l.device)).toBe('ext4');
    const entry = readMountTable().find((e) => e.mountPoint === join(root, 'data'));
    expect(entry).toMatchObject({ majmin: l.majmin, fstype: 'ext4' });
    expect(entry!.options).toMatch(/noatime/);
    writeFileSync(join(root, 'data', 'keep.txt'), 'precious');

    // mounted as declared: nothing to do
    expect((await driver.check({ ...m, format: true })).action).toBe('mounted');
    // unmounted (a reboot, say): mounting again never formats, the data is still there
    expect(await driver.unmount('/data')).toBe(true);
    expect(existsSync(join(root, 'data', 'keep.txt'))).toBe(false);
    const again = await driver.mount({ ...m, format: true }, { onFormat: () => void told.push('again') });
    expect(again).toMatchObject({ action: 'mount', formatted: false, found: 'ext4' });
    expect(told).toHaveLength(1);
    expect(readFileSync(join(root, 'data', 'keep.txt'), 'utf8')).toBe('precious');
    expect(await driver.unmount('/data')).toBe(true);
    expect(await driver.unmount('/data')).toBe(false);
  });

  it('refuses a device that holds another filesystem, one mounted elsewhere, a missing device and a non-empty target', async () => {
    const l = loop();
    execFileSync('mkfs.ext4', ['-q', '-F', l.device]);
    const asXfs: MountSpec = { ...spec(l.device, '/other'), type: 'xfs' };
    await expect(driver.check(asXfs)).rejects.toThrow(new RegExp(`${l.device} holds a ext4 filesystem \\(UUID [0-9a-f-]+\\), not xfs; nothing was changed`));
    await expect(driver.check(asXfs).catch((e: MountRefusedError) => Promise.reject(new Error(e.hint)))).rejects.toThrow(/set type: ext4.*format: true/);

    await driver.mount(spec(l.device, '/first'));
    await expect(driver.check(spec(l.device, '/second'))).rejects.toThrow(new RegExp(`is already mounted at ${join(root, 'first')}`));
    // and a second device on a target that has one mounted
    const l2 = loop();
    execFileSync('mkfs.ext4', ['-q', '-F', l2.device]);
    await expect(driver.check(spec(l2.device, '/first'))).rejects.toThrow(/is already mounted at/);
    await driver.unmount('/first');

    await expect(driver.check(spec('/dev/claude-no-such-disk', '/x'))).rejects.toThrow(/device \/dev\/claude-no-such-disk does not exist/);
    await expect(driver.check(spec(`UUID=${randomUUID()}`, '/x'))).rejects.toThrow(/does not exist/);

    mkdirSync(join(root, 'busy'), { recursive: true });
    writeFileSync(join(root, 'busy', 'old.txt'), 'x');
    await expect(driver.check(spec(l.device, '/busy'))).rejects.toThrow(/is not empty \(old\.txt\); mounting over it would hide that data/);
    expect(readMountTable().some((e) => e.majmin === l.majmin)).toBe(false);
  });

  it('finds a device by UUID=, and remounts with new options in place', async () => {
    const l = loop();
    const uuid = randomUUID();
    execFileSync('mkfs.ext4', ['-q', '-F', '-U', uuid, l.device]);
    const m = spec(`UUID=${uuid}`, '/byuuid', { options: ['defaults'] });
    expect(await driver.mount(m)).toMatchObject({ action: 'mount', device: l.device });
    const changed = { ...m, options: ['defaults', 'noatime'] };
    expect(await driver.mount(changed, { previous: m })).toMatchObject({ action: 'remount' });
    expect(readMountTable().find((e) => e.mountPoint === join(root, 'byuuid'))!.options).toMatch(/noatime/);
    await expect(driver.check({ ...m, target: '/x', format: true })).rejects.toThrow(/already mounted/);
    await driver.unmount('/byuuid');
  });

  it('keeps every fstab line outside its own block', () => {
    const host = '# /etc/fstab\nUUID=abc / ext4 errors=remount-ro 0 1\n';
    const withOurs = fstabWithBlock(host, ['/dev/sdb1 /data ext4 defaults 0 2'])!;
    expect(withOurs).toBe(`${host}${FSTAB_BEGIN}\n/dev/sdb1 /data ext4 defaults 0 2\n${FSTAB_END}\n`);
    expect(fstabBlockLines(withOurs)).toEqual(['/dev/sdb1 /data ext4 defaults 0 2']);
    const replaced = fstabWithBlock(withOurs + 'tmpfs /tmp tmpfs defaults 0 0\n', ['/dev/sdc1 /srv xfs defaults 0 0'])!;
    expect(replaced).toContain('UUID=abc / ext4 errors=remount-ro 0 1');
    expect(replaced).toContain('tmpfs /tmp tmpfs defaults 0 0');
    expect(fstabBlockLines(replaced)).toEqual(['/dev/sdc1 /srv xfs defaults 0 0']);
    expect(fstabWithBlock(replaced, [])).toBe('# /etc/fstab\nUUID=abc / ext4 errors=remount-ro 0 1\ntmpfs /tmp tmpfs defaults 0 0\n');
    expect(fstabWithBlock(null, [])).toBeNull();
  });
});
