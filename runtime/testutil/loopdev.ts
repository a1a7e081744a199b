/**
 * Loop devices for storage tests: `makeLoopDevice(dir, mib)` makes a sparse file in the
 * test's own temp dir and attaches it to a free loop device (`losetup --find --show`, which
 * takes a free one atomically, so parallel runs never share one). `release()` unmounts
 * everything mounted from it, detaches it and removes the file; it tolerates each part
 * being gone already, so it is safe in afterAll after a failed test.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, openSync, rmSync, ftruncateSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { readMountTable } from '../drivers/mounts.js';

export interface LoopDevice {
  device: string;
  file: string;
  /** "7:3" */
  majmin: string;
  release(): void;
}

export function makeLoopDevice(dir: string, mib = 64): LoopDevice {
  const file = join(dir, `loop-${randomBytes(4).toString('hex')}.img`);
  const fd = openSync(file, 'w');
  ftruncateSync(fd, mib * 1024 * 1024);
  closeSync(fd);
  const device = execFileSync('losetup', ['--find', '--show', file], { encoding: 'utf8' }).trim();
  const rdev = statSync(device, { bigint: true }).rdev;
  const majmin = `${((rdev >> 8n) & 0xfffn) | ((rdev >> 32n) & ~0xfffn)}:${(rdev & 0xffn) | ((rdev >> 12n) & ~0xffn)}`;
  return {
    device,
    file,
    majmin,
    release() {
      for (const e of readMountTable().filter((m) => m.majmin === majmin).reverse()) {
        try {
          execFileSync('umount', [e.mountPoint], { stdio: 'ignore' });
        } catch {
          /* already gone */
        }
      }
      try {
        execFileSync('losetup', ['-d', device], { stdio: 'ignore' });
      } catch {
        /* already detached */
      }
      rmSync(file, { force: true });
    },
  };
}

/** What blkid -p says the device holds (TYPE), or null. */
export function fsTypeOf(device: string): string | null {
  try {
    const out = execFileSync('blkid', ['-p', '-o', 'value', '-s', 'TYPE', device], { encoding: 'utf8' }).trim();
    return out || null;
  } catch {
    return null;
  }
}
