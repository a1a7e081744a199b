/**
 * A/B updates (./index.ts, ./disk.ts) on a real disk image file made by image/mkdisk.sh, as the
 * device's disk is: the signed image is verified before anything is written; the root goes to
 * the slot that is not running, the kernel to that slot's file on the FAT boot partition (read
 * back by mtools and checked by fsck.fat, not by this code), and SYSLINUX's boot-once record is
 * set; confirming makes the slot the default; a trial boot that is not confirmed leaves the old
 * default, and an unsigned, untrusted, tampered or cut image writes nothing. Also the real
 * `bin/claude upgrade` on such a disk (--disk/--slot, as off the device).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tempDirs } from '../testutil/tempdirs.js';
import { addTrustedKey, generateKeyPair, loadTrustedKeys, type KeyPair } from '../../plan/keys.js';
import { ADV_BOOTONCE, bootOnce, defaultSlot, Disk, Fat16, readAdv, setBootOnce } from './disk.js';
import { bootFromCmdline, compareVersions, confirmSlot, IMAGE_PAYLOAD_TYPE, packImage, slotStatus, upgradeDisk, UpgradeRefused, UPGRADE_TRIAL, UPGRADE_VERSIONS } from './index.js';
import { signPayload } from '../../plan/envelope.js';

const ROOT = resolve(__dirname, '../..');
const CLAUDE = join(ROOT, 'bin/claude');
const dirs = tempDirs('claude-upgrade-');
afterAll(() => dirs.cleanup());

const SLOT_MB = 8;
const MT = { ...process.env, MTOOLS_SKIP_CHECK: '1' };
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

let work: string;
let pristine: string;
let dataDir: string;
let trusted: KeyPair;
let stranger: KeyPair;
const kernelA = randomBytes(300_000);
const kernelB = randomBytes(420_000); // larger than A's: the FAT gets a new chain
const rootB = randomBytes(3 * 1024 * 1024 + 123);

beforeAll(() => {
  work = dirs.make();
  writeFileSync(join(work, 'k'), kernelA);
  writeFileSync(join(work, 'r'), randomBytes(2 * 1024 * 1024));
  pristine = join(work, 'pristine.img');
  execFileSync('bash', [join(ROOT, 'image/mkdisk.sh'), pristine, join(work, 'k'), 'none', join(work, 'r')], { env: { ...process.env, DISK_MB: String(1 + 64 + 2 * SLOT_MB + 64), SLOT_MB: String(SLOT_MB) } });
  dataDir = join(work, 'data');
  mkdirSync(dataDir);
  trusted = generateKeyPair();
  stranger = generateKeyPair();
  addTrustedKey(dataDir, { publicKeyPem: trusted.publicPem, role: 'host', name: 'laptop' });
}, 60_000);

/** A fresh copy of the disk mkdisk.sh made. */
function disk(): string {
  const d = join(work, `disk-${randomBytes(3).toString('hex')}.img`);
  copyFileSync(pristine, d);
  return d;
}
function image(key: KeyPair, over: Partial<{ kernel: Buffer; root: Buffer; version: string }> = {}): string {
  const p = join(work, `img-${randomBytes(3).toString('hex')}.upgrade`);
  packImage(p, { kernel: over.kernel ?? kernelB, root: over.root ?? rootB, version: over.version ?? '0.2.0', createdAt: '2026-12-05T12:00:00Z' }, key.privateKey);
  return p;
}
/** A file of the boot partition, read by mtools (not by this code). */
const mread = (d: string, name: string) => execFileSync('mtype', ['-i', `${d}@@1M`, `::/${name}`], { env: MT, maxBuffer: 64 * 1024 * 1024, encoding: 'buffer' });
/** fsck.fat's verdict on the boot partition (read-only check of a copy of it). */
function fsckBoot(d: string): string {
  const part = join(work, `boot-${randomBytes(3).toString('hex')}.fat`);
  execFileSync('dd', [`if=${d}`, `of=${part}`, 'bs=1M', 'skip=1', 'count=64', 'status=none']);
  const r = spawnSync('fsck.fat', ['-n', part], { encoding: 'utf8' });
  return `${r.status} ${r.stdout}${r.stderr}`;
}
/** An image whose signed payload is `payload` (anything), signed by the trusted key. */
function rawImage(payload: unknown): string {
  const p = join(work, `raw-${randomBytes(3).toString('hex')}.upgrade`);
  const env = signPayload(payload, trusted.privateKey, IMAGE_PAYLOAD_TYPE);
  writeFileSync(p, JSON.stringify({ payloadType: env.payloadType, payload: env.payload, signatures: env.signatures }) + '\n' + 'x'.repeat(100));
  return p;
}
const slotBytes = (d: string, n: number, len: number) => {
  const k = Disk.open(d, false);
  try {
    return k.read(k.partition(n).offset, len);
  } finally {
    k.close();
  }
};
const fatOf = <T>(d: string, f: (fat: Fat16) => T): T => {
  const k = Disk.open(d, true);
  try {
    return f(new Fat16(k, k.partition(1)));
  } finally {
    k.close();
  }
};

describe('the slots of a disk made by image/mkdisk.sh', () => {
  it('starts on slot A, confirmed, nothing to boot once; SYSLINUX\'s own ADV (as its installer wrote it) reads as empty', () => {
    const d = disk();
    expect(slotStatus(d, 'a')).toEqual({ running: 'a', confirmed: 'a', bootOnce: null, trial: false });
    expect(fatOf(d, (f) => readAdv(f).size)).toBe(0);
    expect(mread(d, 'vmlinuz.a').equals(kernelA)).toBe(true);
    expect(mread(d, 'vmlinuz.b').length).toBe(0); // empty until an update
  });

  it('an upgrade writes the root to slot B, its kernel to vmlinuz.b and the boot-once record; A is untouched; the FAT stays clean', () => {
    const d = disk();
    const before = slotBytes(d, 2, 2 * 1024 * 1024);
    const r = upgradeDisk({ disk: d, image: image(trusted), running: 'a', trusted: loadTrustedKeys(dataDir), dataDir, now: () => new Date('2026-12-05T12:01:00Z') });
    expect(r).toEqual({ slot: 'b', version: '0.2.0', signers: ['laptop'] });
    expect(slotBytes(d, 3, rootB.length).equals(rootB)).toBe(true);
    expect(slotBytes(d, 2, before.length).equals(before)).toBe(true);
    expect(mread(d, 'vmlinuz.b').equals(kernelB)).toBe(true);
    expect(mread(d, 'vmlinuz.a').equals(kernelA)).toBe(true);
    expect(mread(d, 'syslinux.cfg').toString()).toMatch(/^DEFAULT claude-a$/m);
    expect(fsckBoot(d)).toMatch(/^0 /);
    expect(slotStatus(d, 'a')).toEqual({ running: 'a', confirmed: 'a', bootOnce: 'claude-b', trial: false });
    // the ADV as SYSLINUX reads it: both copies the same, at the end of ldlinux.sys
    const ld = mread(d, 'ldlinux.sys');
    const adv = ld.subarray(ld.length - 1024);
    expect(adv.subarray(0, 512).equals(adv.subarray(512))).toBe(true);
    expect(adv.readUInt32LE(0)).toBe(0x5a2d2fa5);
    expect(adv.readUInt32LE(508)).toBe(0xdd28bf64);
    expect([adv[8], adv[9], adv.subarray(10, 18).toString()]).toEqual([ADV_BOOTONCE, 8, 'claude-b']);
    expect(readFileSync(join(dataDir, UPGRADE_TRIAL), 'utf8')).toBe('b\n');
  });

  it('the trial boot of B confirms it: B becomes the default, the boot-once is gone; confirming again changes nothing', () => {
    const d = disk();
    upgradeDisk({ disk: d, image: image(trusted), running: 'a', trusted: loadTrustedKeys(dataDir), dataDir });
    fatOf(d, (f) => setBootOnce(f, null)); // what SYSLINUX does as it boots the once-label
    expect(slotStatus(d, 'b')).toEqual({ running: 'b', confirmed: 'a', bootOnce: null, trial: true });
    expect(confirmSlot(d, 'b', dataDir)).toBe(true);
    expect(mread(d, 'syslinux.cfg').toString()).toMatch(/^DEFAULT claude-b$/m);
    expect(slotStatus(d, 'b')).toEqual({ running: 'b', confirmed: 'b', bootOnce: null, trial: false });
    expect(existsSync(join(dataDir, UPGRADE_TRIAL))).toBe(false);
    expect(confirmSlot(d, 'b')).toBe(false);
    expect(fsckBoot(d)).toMatch(/^0 /);
    // and from B the next upgrade goes to A
    const again = upgradeDisk({ disk: d, image: image(trusted, { kernel: kernelA }), running: 'b', trusted: loadTrustedKeys(dataDir) });
    expect(again.slot).toBe('a');
    expect(fatOf(d, bootOnce)).toBe('claude-a');
    expect(mread(d, 'vmlinuz.a').equals(kernelA)).toBe(true);
    expect(fsckBoot(d)).toMatch(/^0 /);
  });

  it('a trial that is not confirmed falls back: the next boot takes A (still the default), and a trial boot may not upgrade', () => {
    const d = disk();
    upgradeDisk({ disk: d, image: image(trusted), running: 'a', trusted: loadTrustedKeys(dataDir) });
    fatOf(d, (f) => setBootOnce(f, null)); // B booted once, never confirmed
    expect(fatOf(d, defaultSlot)).toBe('a');
    const bytes = readFileSync(d);
    expect(() => upgradeDisk({ disk: d, image: image(trusted), running: 'b', trusted: loadTrustedKeys(dataDir) })).toThrow(/this boot runs slot b, which is not confirmed yet \(the default is still slot a\)/);
    expect(readFileSync(d).equals(bytes)).toBe(true);
    expect(slotStatus(d, 'a').trial).toBe(false);
  });

  it.each([
    ['signed by a key this device does not trust', () => image(stranger), /is not signed by a key this device trusts as admin or host \([0-9a-f]{16}: unknown-key\)/],
    ['with its root changed after signing', () => {
      const p = image(trusted);
      const b = readFileSync(p);
      b[b.length - 10]! ^= 0xff;
      writeFileSync(p, b);
      return p;
    }, /the root's sha256 is [0-9a-f]{64}, not the [0-9a-f]{64} its signed manifest says: the image was changed after it was signed/],
    ['cut short', () => {
      const p = image(trusted);
      writeFileSync(p, readFileSync(p).subarray(0, -1000));
      return p;
    }, /is \d+ bytes; its signed manifest says \d+ \(cut short or added to\)/],
    ['not an image at all', () => {
      const p = join(work, 'plain.bin');
      writeFileSync(p, '{"hello": 1}\n' + 'x'.repeat(100));
      return p;
    }, /is not a signed Claude\.OS image: line 1: envelope must have exactly payloadType, payload and signatures/],
    ['whose signed manifest is null', () => rawImage(null), /is not a signed Claude\.OS image: its signed manifest is not an object/],
    ['whose signed manifest is a number', () => rawImage(42), /is not a signed Claude\.OS image: its signed manifest is not an object/],
    ['whose signed manifest\'s parts are null', () => rawImage({ kind: 'claude-os-image', version: '0.2.0', createdAt: 'x', kernel: null, root: null }), /its signed manifest lacks kind claude-os-image/],
    ['whose root does not fit the slot', () => image(trusted, { root: randomBytes(SLOT_MB * 1024 * 1024 + 1) }), /the image's root \(\d+ bytes\) does not fit slot b \(partition 3, \d+ bytes\)/],
  ])('refuses an image %s, and writes nothing', (_what, make, message) => {
    const d = disk();
    const img = make();
    const bytes = readFileSync(d);
    let err: unknown;
    try {
      upgradeDisk({ disk: d, image: img, running: 'a', trusted: loadTrustedKeys(dataDir) });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UpgradeRefused);
    expect((err as Error).message).toMatch(message);
    expect(readFileSync(d).equals(bytes)).toBe(true);
  });

  it('confirming by hand before the trial boot changes nothing and keeps the marker, so the boot into B still confirms B', () => {
    const d = disk();
    const data = dirs.make();
    addTrustedKey(data, { publicKeyPem: trusted.publicPem, role: 'host', name: 'laptop' });
    upgradeDisk({ disk: d, image: image(trusted), running: 'a', trusted: loadTrustedKeys(data), dataDir: data });
    expect(confirmSlot(d, 'a', data)).toBe(false); // `claude upgrade confirm` on slot a, before the reboot
    expect(readFileSync(join(data, UPGRADE_TRIAL), 'utf8')).toBe('b\n');
    expect(fatOf(d, bootOnce)).toBe('claude-b');
    fatOf(d, (f) => setBootOnce(f, null)); // SYSLINUX boots B once
    expect(confirmSlot(d, 'b', data)).toBe(true); // /init finds the marker and confirms
    expect(existsSync(join(data, UPGRADE_TRIAL))).toBe(false);
    expect(fatOf(d, defaultSlot)).toBe('b');
  });

  it('a confirm on the marker\'s own slot removes the marker even when the slot is already the default', () => {
    const d = disk();
    const data = dirs.make();
    writeFileSync(join(data, UPGRADE_TRIAL), 'a\n');
    expect(confirmSlot(d, 'a', data)).toBe(false);
    expect(existsSync(join(data, UPGRADE_TRIAL))).toBe(false);
  });

  it('compares versions numerically by dotted parts', () => {
    expect(compareVersions('0.10.0', '0.9.1')).toBeGreaterThan(0);
    expect(compareVersions('1.2', '1.2.0')).toBe(0);
    expect(compareVersions('1.2.0', '1.10')).toBeLessThan(0);
    expect(compareVersions('2', '10')).toBeLessThan(0);
  });

  it('refuses an older image than the running slot\'s (rollback), writing nothing, unless allowDowngrade', () => {
    const data = dirs.make();
    addTrustedKey(data, { publicKeyPem: trusted.publicPem, role: 'host', name: 'laptop' });
    const d = disk();
    upgradeDisk({ disk: d, image: image(trusted, { version: '0.10.0' }), running: 'a', trusted: loadTrustedKeys(data), dataDir: data });
    expect(JSON.parse(readFileSync(join(data, UPGRADE_VERSIONS), 'utf8'))).toEqual({ b: '0.10.0' });
    fatOf(d, (f) => setBootOnce(f, null));
    confirmSlot(d, 'b', data);
    const old = image(trusted, { version: '0.9.1', kernel: kernelA });
    const bytes = readFileSync(d);
    const files = ['upgrade.json', UPGRADE_VERSIONS].map((f) => readFileSync(join(data, f)));
    let err: unknown;
    try {
      upgradeDisk({ disk: d, image: old, running: 'b', trusted: loadTrustedKeys(data), dataDir: data });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UpgradeRefused);
    expect((err as Error).message).toMatch(/is version 0\.9\.1, older than the 0\.10\.0 slot b runs: a rollback/);
    expect((err as UpgradeRefused).hint).toContain('--allow-downgrade');
    expect(readFileSync(d).equals(bytes)).toBe(true);
    expect(['upgrade.json', UPGRADE_VERSIONS].map((f) => readFileSync(join(data, f)))).toEqual(files);
    expect(existsSync(join(data, UPGRADE_TRIAL))).toBe(false);
    // the same version again is not a downgrade; with allowDowngrade the older one is written
    const r = upgradeDisk({ disk: d, image: old, running: 'b', trusted: loadTrustedKeys(data), dataDir: data, allowDowngrade: true });
    expect(r).toMatchObject({ slot: 'a', version: '0.9.1' });
    expect(JSON.parse(readFileSync(join(data, UPGRADE_VERSIONS), 'utf8'))).toEqual({ a: '0.9.1', b: '0.10.0' });
  });

  it('a slot no upgrade recorded (the one installed) takes the running software\'s version as the floor: an older image is refused, a newer one written', () => {
    const data = dirs.make();
    addTrustedKey(data, { publicKeyPem: trusted.publicPem, role: 'host', name: 'laptop' });
    const d = disk();
    const bytes = readFileSync(d);
    let err: unknown;
    try {
      upgradeDisk({ disk: d, image: image(trusted, { version: '0.4.0' }), running: 'a', trusted: loadTrustedKeys(data), dataDir: data, runningVersion: '0.5.0' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UpgradeRefused);
    expect((err as Error).message).toMatch(/is version 0\.4\.0, older than the 0\.5\.0 slot a runs \(the running software's version; no upgrade recorded one for this slot\)/);
    expect(readFileSync(d).equals(bytes)).toBe(true);
    expect(existsSync(join(data, UPGRADE_VERSIONS))).toBe(false);
    expect(upgradeDisk({ disk: d, image: image(trusted, { version: '0.6.0' }), running: 'a', trusted: loadTrustedKeys(data), dataDir: data, runningVersion: '0.5.0' })).toMatchObject({ slot: 'b', version: '0.6.0' });
  });

  describe('the read-back after writing', () => {
    afterEach(() => vi.restoreAllMocks());
    it('reads the slot back through a new descriptor after fsync; a write that went wrong sets no boot-once', () => {
      const d = disk();
      const open = vi.spyOn(Disk, 'open');
      const write = Disk.prototype.write;
      let flipped = false;
      vi.spyOn(Disk.prototype, 'write').mockImplementation(function (this: Disk, offset: number, data: Buffer) {
        if (!flipped && data.length > 100_000) {
          flipped = true;
          const bad = Buffer.from(data);
          bad[7]! ^= 0xff;
          return write.call(this, offset, bad);
        }
        return write.call(this, offset, data);
      });
      expect(() => upgradeDisk({ disk: d, image: image(trusted), running: 'a', trusted: loadTrustedKeys(dataDir) })).toThrow(/slot b \(.* partition 3\) does not read back what was verified: the image or the disk changed after it was verified; the boot-once record was not set/);
      expect(flipped).toBe(true);
      expect(open.mock.calls.map((c) => c[1])).toEqual([true, false]); // the write, then a new read-only open for the read-back
      expect(fatOf(d, bootOnce)).toBe(null);
    });
  });

  it('finds the boot disk the kernel command line names by its MBR identifier', () => {
    const d = disk();
    const dev = join(work, 'dev');
    const sys = join(work, 'sys');
    mkdirSync(join(sys, 'sdz'), { recursive: true });
    mkdirSync(join(sys, 'sdy'), { recursive: true });
    mkdirSync(dev, { recursive: true });
    writeFileSync(join(dev, 'sdy'), Buffer.alloc(512));
    copyFileSync(d, join(dev, 'sdz'));
    const id = execFileSync('sfdisk', ['--disk-id', d], { encoding: 'utf8' }).trim().replace(/^0x/, '');
    expect(bootFromCmdline(`console=ttyS0 quiet claude.disk=0x${id} claude.slot=a`, dev, sys)).toEqual({ disk: join(dev, 'sdz'), running: 'a' });
    expect(() => bootFromCmdline('console=ttyS0 claude.disk=0x12345678 claude.slot=a', dev, sys)).toThrow(/no disk with the identifier 0x12345678/);
    expect(() => bootFromCmdline('console=ttyS0', dev, sys)).toThrow(/names no slot/);
  });
});

describe('bin/claude upgrade on a disk image', () => {
  const run = (args: string[]) => spawnSync(CLAUDE, ['upgrade', ...args], { cwd: work, env: { ...process.env, CLAUDE_DATA_DIR: dataDir, CLAUDE_NO_DAEMON: '1' }, encoding: 'utf8' });

  it('pack with a key, upgrade, status, confirm; an untrusted image is refused with the fix and nothing written', () => {
    const d = disk();
    const keyFile = join(work, 'signer.key');
    writeFileSync(keyFile, trusted.privatePem, { mode: 0o600 });
    writeFileSync(join(work, 'k2'), kernelB);
    writeFileSync(join(work, 'r2'), rootB);
    let r = run(['pack', '--kernel', 'k2', '--root', 'r2', '--version', '0.2.0', '--out', 'new.upgrade', '--key', keyFile]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain(`signed image ${join(work, 'new.upgrade')}: version 0.2.0`);
    r = run(['new.upgrade', '--disk', d, '--slot', 'a']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('✓ version 0.2.0 (signed by laptop) written to slot b; it boots once on the next reboot');
    expect(slotBytes(d, 3, rootB.length).equals(rootB)).toBe(true);
    r = run(['status', '--disk', d, '--slot', 'a']);
    expect(r.stdout).toContain('running slot a; confirmed (default) slot a; boots claude-b once on the next boot');
    fatOf(d, (f) => setBootOnce(f, null));
    r = run(['confirm', '--disk', d, '--slot', 'b']);
    expect(r.stdout).toContain('slot b confirmed: it is the default from now on');
    expect(sha(mread(d, 'vmlinuz.b'))).toBe(sha(kernelB));

    const other = join(work, 'stranger.key');
    writeFileSync(other, stranger.privatePem, { mode: 0o600 });
    run(['pack', '--kernel', 'k2', '--root', 'r2', '--version', '0.3.0', '--out', 'bad.upgrade', '--key', other]);
    const bytes = readFileSync(d);
    r = run(['bad.upgrade', '--disk', d, '--slot', 'b']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^claude upgrade: .*bad\.upgrade is not signed by a key this device trusts as admin or host/);
    expect(r.stderr).toContain('hint: sign it with a trusted key');
    expect(r.stderr).toContain('Nothing was written.');
    expect(readFileSync(d).equals(bytes)).toBe(true);
    r = run(['new.upgrade', '--disk', d]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--disk PATH and --slot a|b go together');
  }, 120_000);
});
