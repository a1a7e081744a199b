/**
 * The parts of the device image build that run without root or QEMU (issue 20):
 *  - image/mkdisk.sh assembles claude-os.img from a kernel, an initrd and a root filesystem
 *    with no loop device: the test reads the result back with the tools a person would
 *    (sfdisk --json, mtools, the bytes themselves) and checks the layout the initrd and /init
 *    rely on: SYSLINUX's boot code, the bootable FAT partition with the kernel, initrd and a
 *    syslinux.cfg naming the disk identifier, the root in slot A, slot B blank, the data
 *    partition an empty ext4 labelled claude-data made at build time (so the first boot only
 *    mounts it), and the disk identifier read the way image/initrd/init reads it;
 *  - image/prune-modules.mjs keeps exactly the packages a package's compiled code imports
 *    (every import form it uses) and their dependencies, nested ones included;
 *  - image/trim-icu.sh trims the ICU data built into a full-icu node to English (a copy of
 *    the node running this test), which must keep running and formatting.
 * The real boot of the whole image is image/boot-test.sh (on demand: root, QEMU, minutes).
 * Needs dosfstools, mtools, syslinux, syslinux-common, fdisk, e2fsprogs, util-linux (blkid) and icu-devtools (scripts/setup-host.sh).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../common/paths.js';

const root = packageRoot();
const MKDISK = join(root, 'image', 'mkdisk.sh');
const PRUNE = join(root, 'image', 'prune-modules.mjs');
let tmp = '';

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'claude-image-disk-'));
});
afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

function mkdisk(out: string, parts: [string, string, string], env: Record<string, string>) {
  return spawnSync('bash', [MKDISK, out, ...parts], { encoding: 'utf8', env: { ...process.env, ...env, TMPDIR: tmp }, timeout: 120_000 });
}

describe('image/mkdisk.sh: claude-os.img without a loop device', () => {
  const MiB = 1024 * 1024;
  const sizes = { DISK_MB: '160', BOOT_MB: '16', SLOT_MB: '32' };
  let img = '';
  let kernel = '';
  let initrd = '';
  let rootfs = '';
  let diskId = '';

  beforeAll(() => {
    kernel = join(tmp, 'vmlinuz');
    initrd = join(tmp, 'initrd.img');
    rootfs = join(tmp, 'root.squashfs');
    writeFileSync(kernel, randomBytes(3 * MiB));
    writeFileSync(initrd, randomBytes(700 * 1024));
    writeFileSync(rootfs, randomBytes(5 * MiB + 123));
    img = join(tmp, 'claude-os.img');
    const r = mkdisk(img, [kernel, initrd, rootfs], sizes);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    diskId = r.stdout.trim();
  }, 120_000);

  it('writes an MBR disk of the asked size: SYSLINUX boot code, four partitions, the disk identifier it prints', () => {
    expect(diskId).toMatch(/^0x[0-9a-f]{8}$/);
    expect(statSync(img).size).toBe(160 * MiB);
    const bytes = readFileSync(img);
    expect(bytes.subarray(0, 440).equals(readFileSync('/usr/lib/syslinux/mbr/mbr.bin').subarray(0, 440))).toBe(true);
    expect(bytes[510]).toBe(0x55);
    expect(bytes[511]).toBe(0xaa);

    const table = (JSON.parse(execFileSync('sfdisk', ['--json', img], { encoding: 'utf8' })) as {
      partitiontable: { label: string; id: string; partitions: { start: number; size: number; type: string; bootable?: boolean }[] };
    }).partitiontable;
    expect(table.label).toBe('dos');
    expect(table.id).toBe(diskId);
    const s = (mb: number) => mb * 2048; // sectors
    expect(table.partitions.map((p) => [p.start, p.size, p.type, p.bootable === true])).toEqual([
      [2048, s(16), '6', true],
      [2048 + s(16), s(32), '83', false],
      [2048 + s(16) + s(32), s(32), '83', false],
      [2048 + s(16) + 2 * s(32), s(160) - (2048 + s(16) + 2 * s(32)), '83', false],
    ]);
  });

  it('the initrd reads the same identifier from the disk as the kernel command line names', () => {
    // image/initrd/init: dd if=/dev/$name bs=1 skip=440 count=4 | od -An -tx4 | tr -d ' \n'
    const read = execFileSync('sh', ['-c', `dd if="$1" bs=1 skip=440 count=4 2>/dev/null | od -An -tx4 | tr -d ' \\n'`, 'sh', img], { encoding: 'utf8' });
    expect(`0x${read}`).toBe(diskId);
    const cfg = execFileSync('mtype', ['-i', `${img}@@1M`, '::/syslinux.cfg'], { encoding: 'utf8', env: { ...process.env, MTOOLS_SKIP_CHECK: '1' } });
    expect(cfg).toContain(`claude.disk=${diskId} claude.slot=a`);
    expect(cfg).toMatch(/APPEND .*console=ttyS0/);
    // two slots, each its kernel; slot A the default (docs/image.md, "Updates")
    expect(cfg).toMatch(/^DEFAULT claude-a$/m);
    expect(cfg).toMatch(/^LABEL claude-a\n\s*LINUX \/vmlinuz\.a\n\s*INITRD \/initrd\.img\n\s*APPEND .*panic=10 .*claude\.slot=a$/m);
    expect(cfg).toMatch(/^LABEL claude-b\n\s*LINUX \/vmlinuz\.b\n\s*INITRD \/initrd\.img\n\s*APPEND .*panic=10 .*claude\.slot=b$/m);
  });

  it('the boot partition holds SYSLINUX, the kernel and the initrd byte for byte, and starts where its boot sector says', () => {
    const env = { ...process.env, MTOOLS_SKIP_CHECK: '1' };
    const names = execFileSync('mdir', ['-a', '-b', '-i', `${img}@@1M`, '::/'], { encoding: 'utf8', env }).toLowerCase();
    for (const f of ['ldlinux.sys', 'ldlinux.c32', 'syslinux.cfg', 'vmlinuz.a', 'vmlinuz.b', 'initrd.img']) expect(names).toContain(`::/${f}`);
    const back = join(tmp, 'vmlinuz.back');
    execFileSync('mcopy', ['-n', '-i', `${img}@@1M`, '::/vmlinuz.a', back], { env });
    expect(readFileSync(back).equals(readFileSync(kernel))).toBe(true);
    execFileSync('mcopy', ['-n', '-i', `${img}@@1M`, '::/vmlinuz.b', back], { env });
    expect(readFileSync(back).length).toBe(0); // slot B's kernel: empty until an update writes it
    execFileSync('mcopy', ['-n', '-i', `${img}@@1M`, '::/initrd.img', back], { env });
    expect(readFileSync(back).equals(readFileSync(initrd))).toBe(true);
    const bootSector = readFileSync(img).subarray(MiB, MiB + 512);
    expect(bootSector.readUInt32LE(0x1c)).toBe(2048); // hidden sectors: the partition's start
    expect(bootSector.subarray(0x36, 0x3e).toString('latin1')).toBe('FAT16   ');
  });

  it('slot A holds the root filesystem; slot B is blank; the data partition is an empty ext4 made at build time', () => {
    const bytes = readFileSync(img);
    const a = (1 + 16) * MiB;
    const root = readFileSync(rootfs);
    expect(bytes.subarray(a, a + root.length).equals(root)).toBe(true);
    const zero = (from: number) => bytes.subarray(from, from + 128 * 1024).every((b) => b === 0);
    expect(zero(a + 32 * MiB)).toBe(true);
    // The data partition (the rest of the 160 MiB disk): its ext4 superblock, read by its bytes.
    const d = a + 64 * MiB;
    const sb = bytes.subarray(d + 1024, d + 2048);
    expect(sb.readUInt16LE(56)).toBe(0xef53); // ext2/3/4 magic
    expect(sb.subarray(120, 136).toString('latin1').replace(/\0+$/, '')).toBe('claude-data'); // the label /init finds
    const blockSize = 1024 << sb.readUInt32LE(24);
    expect(sb.readUInt32LE(4) * blockSize).toBe((160 - 1 - 16 - 64) * MiB); // fills the partition
    expect(sb.readUInt32LE(8)).toBe(0); // no reserved blocks (-m 0)
    expect(sb.readUInt32LE(0x5c) & 0x4).toBe(0x4); // has_journal (compat features)
    // Nothing left for the kernel's lazy init on the device: group 0's inode table is marked zeroed.
    const gdt = d + (blockSize === 1024 ? 2048 : blockSize);
    expect(bytes.readUInt16LE(gdt + 0x12) & 0x4).toBe(0x4); // EXT4_BG_INODE_ZEROED
    // Empty: of its inodes only the reserved ones and lost+found (11) are used.
    expect(sb.readUInt32LE(0) - sb.readUInt32LE(16)).toBe(11);
    // Written sparse: the file holds far fewer blocks than its 160 MiB.
    expect(statSync(img).blocks * 512).toBeLessThan(40 * MiB);
  });

  it('with no initrd (the own kernel), the kernel mounts slot A by the partition UUID blkid reads, and the boot partition holds no initrd', () => {
    const out = join(tmp, 'direct.img');
    const r = mkdisk(out, [kernel, 'none', rootfs], sizes);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const id = r.stdout.trim();
    const env = { ...process.env, MTOOLS_SKIP_CHECK: '1' };
    const cfg = execFileSync('mtype', ['-i', `${out}@@1M`, '::/syslinux.cfg'], { encoding: 'utf8', env });
    // The kernel's own name for an MBR partition: the table's identifier as blkid reads it, and the partition number.
    const ptUuid = execFileSync('blkid', ['-p', '-o', 'value', '-s', 'PTUUID', out], { encoding: 'utf8' }).trim();
    expect(ptUuid).toBe(id.slice(2));
    const partUuid = `${ptUuid}-02`;
    expect(cfg).toMatch(new RegExp(`^\\s*APPEND .*console=ttyS0,115200 .*root=PARTUUID=${partUuid} rootfstype=squashfs ro rootwait init=/init claude\\.disk=${id} claude\\.slot=a$`, 'm'));
    // slot B: partition 3 of the same disk
    expect(cfg).toMatch(new RegExp(`^\\s*APPEND .*root=PARTUUID=${ptUuid}-03 rootfstype=squashfs ro rootwait init=/init claude\\.disk=${id} claude\\.slot=b$`, 'm'));
    expect(cfg).not.toMatch(/INITRD/);
    const names = execFileSync('mdir', ['-b', '-i', `${out}@@1M`, '::/'], { encoding: 'utf8', env }).split('\n').map((l) => l.trim().toLowerCase());
    expect(names).toContain('::/vmlinuz.a');
    expect(names).toContain('::/vmlinuz.b');
    expect(names).not.toContain('::/initrd.img');
    // The root is in slot A as with an initrd.
    const a = readFileSync(out).subarray((2048 + 16 * 2048) * 512, (2048 + 16 * 2048) * 512 + statSync(rootfs).size);
    expect(a.equals(readFileSync(rootfs))).toBe(true);
  });

  it('refuses a root that does not fit its slot, and a disk too small, saying so, and writes nothing', () => {
    const out = join(tmp, 'refused.img');
    let r = mkdisk(out, [kernel, initrd, rootfs], { ...sizes, SLOT_MB: '4' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('does not fit a root slot of 4 MiB');
    expect(existsSync(out)).toBe(false);
    r = mkdisk(out, [kernel, initrd, rootfs], { ...sizes, DISK_MB: '100' });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/DISK_MB=100 is too small: at least \d+/);
    expect(existsSync(out)).toBe(false);
  });
});

describe('image/prune-modules.mjs: only the packages the code loads', () => {
  function pkgJson(dir: string, name: string, deps: Record<string, string> = {}, extra: Record<string, unknown> = {}) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, version: '1.0.0', dependencies: deps, ...extra }));
    writeFileSync(join(dir, 'index.js'), '');
  }

  function fixture(): string {
    const p = mkdtempSync(join(tmp, 'prune-'));
    mkdirSync(join(p, 'dist', 'sub'), { recursive: true });
    mkdirSync(join(p, 'generated'), { recursive: true });
    writeFileSync(join(p, 'package.json'), JSON.stringify({ name: 'app', dependencies: { alpha: '1', beta: '1', '@s/gamma': '1', lazy: '1', gen: '1', zeta: '1', '@s/unused': '1' } }));
    writeFileSync(join(p, 'dist', 'a.js'), "import x from 'alpha';\nimport { readFileSync } from 'node:fs';\nimport 'fs';\n");
    writeFileSync(join(p, 'dist', 'sub', 'b.js'), "const r = createRequire(import.meta.url)('beta').thing;\n");
    writeFileSync(join(p, 'dist', 'sub', 'c.js'), "export const g = () => import('@s/gamma/deep/file.js');\nconst l = await import(\"lazy\");\n");
    writeFileSync(join(p, 'generated', 'v.cjs'), "const y = require('gen/runtime');\n");
    const nm = join(p, 'node_modules');
    pkgJson(join(nm, 'alpha'), 'alpha', { delta: '1' });
    pkgJson(join(nm, 'delta'), 'delta');
    pkgJson(join(nm, 'beta'), 'beta', { epsilon: '2' }, { optionalDependencies: { 'not-installed': '1' } });
    pkgJson(join(nm, 'beta', 'node_modules', 'epsilon'), 'epsilon'); // nested: beta's own version
    pkgJson(join(nm, 'epsilon'), 'epsilon'); // the top-level one nothing kept needs
    pkgJson(join(nm, '@s', 'gamma'), '@s/gamma');
    pkgJson(join(nm, '@s', 'unused'), '@s/unused');
    pkgJson(join(nm, 'lazy'), 'lazy');
    pkgJson(join(nm, 'gen'), 'gen');
    pkgJson(join(nm, 'zeta'), 'zeta', { alpha: '1' }); // depends on a kept one, but nothing needs it
    mkdirSync(join(nm, '.bin'));
    return p;
  }

  it('removes the packages nothing imports and keeps the imported ones with their (nested) dependencies', () => {
    const p = fixture();
    const out = execFileSync(process.execPath, [PRUNE, p], { encoding: 'utf8' });
    const nm = join(p, 'node_modules');
    for (const kept of ['alpha', 'delta', 'beta', 'beta/node_modules/epsilon', '@s/gamma', 'lazy', 'gen']) expect(existsSync(join(nm, kept)), kept).toBe(true);
    for (const gone of ['zeta', '@s/unused', 'epsilon', '.bin']) expect(existsSync(join(nm, gone)), gone).toBe(false);
    expect(out).toMatch(/^pruned zeta /m);
    expect(out).toMatch(/^pruned @s\/unused /m);
    expect(out).toMatch(/kept 7 package\(s\); pruned 3 /);
  });

  it('--dry-run removes nothing; a declared dependency the code imports but that is not installed is an error naming the file', () => {
    const p = fixture();
    execFileSync(process.execPath, [PRUNE, p, '--dry-run'], { encoding: 'utf8' });
    expect(existsSync(join(p, 'node_modules', 'zeta'))).toBe(true);
    rmSync(join(p, 'node_modules', 'lazy'), { recursive: true });
    const r = spawnSync(process.execPath, [PRUNE, p], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`dist/sub/c.js imports lazy, which is not installed in ${p}/node_modules`);
    expect(existsSync(join(p, 'node_modules', 'zeta'))).toBe(true);
  });
});

describe('image/trim-icu.sh: node with English ICU data, as small-icu', () => {
  const TRIM = join(root, 'image', 'trim-icu.sh');
  // Formats a date in German and in US English, and sorts with the root collation.
  const probe = `const d = new Date(Date.UTC(2024, 0, 31, 13, 5)); const o = { timeZone: 'UTC' };
console.log(JSON.stringify({ de: d.toLocaleString('de-DE', o), en: d.toLocaleString('en-US', o), sorted: ['b', 'A', 'a'].sort(new Intl.Collator('en').compare).join(''),
  paris: new Intl.DateTimeFormat('en-US', { timeZone: 'Europe/Paris', timeStyle: 'short' }).format(d), icu: process.versions.icu }))`;
  const run = (bin: string) => JSON.parse(execFileSync(bin, ['-e', probe], { encoding: 'utf8' })) as Record<string, string>;

  it('trims the node binary in place: same size and ICU version, English formats, other locales fall back to English', () => {
    const node = join(tmp, 'node');
    execFileSync('cp', [process.execPath, node]);
    const before = run(node);
    // The build host's node (NodeSource, full ICU) formats German; the trimmed one does not.
    expect(before.de).toBe('31.1.2024, 13:05:00');
    const r = spawnSync('bash', [TRIM, node], { encoding: 'utf8', timeout: 120_000 });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^trim-icu: icudt\d+_dat \d+\.\d MB -> \d+\.\d MB \(root and English locales: \d+ of \d+ items kept\)\n$/);
    const [, full, small] = /(\d+\.\d) MB -> (\d+\.\d) MB/.exec(r.stdout)!;
    expect(Number(small)).toBeLessThan(Number(full) / 3);
    expect(statSync(node).size).toBe(statSync(process.execPath).size);
    const after = run(node);
    expect(after).toEqual({ de: '1/31/2024, 1:05:00 PM', en: '1/31/2024, 1:05:00 PM', sorted: 'aAb', paris: '2:05 PM', icu: before.icu });
  }, 180_000);

  it('leaves a binary without embedded ICU data as it is, and refuses a missing file', () => {
    const bin = join(tmp, 'true');
    execFileSync('cp', ['/bin/true', bin]);
    const bytes = readFileSync(bin);
    const r = spawnSync('bash', [TRIM, bin], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('embeds no ICU data symbol (icudt*_dat): left as it is');
    expect(readFileSync(bin).equals(bytes)).toBe(true);
    const missing = spawnSync('bash', [TRIM, join(tmp, 'nope')], { encoding: 'utf8' });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain(`image/trim-icu.sh: ${join(tmp, 'nope')}: no such file`);
  });
});
