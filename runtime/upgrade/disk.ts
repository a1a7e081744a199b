/**
 * The device's disk, as `claude upgrade` changes it: the MBR's partition table, the FAT16 boot
 * partition (files replaced the way a FAT driver does it), and SYSLINUX's boot-once record.
 * Works on a block device or on a disk image file alike (plain reads and writes at offsets; no
 * mount, no loop device). The layout is image/mkdisk.sh's (docs/image.md, "The disk"):
 *
 *   1  FAT16 boot: ldlinux.sys (its last 1024 bytes are SYSLINUX's ADV), ldlinux.c32,
 *      syslinux.cfg (`DEFAULT claude-a|claude-b`: the confirmed slot), vmlinuz.a, vmlinuz.b
 *   2  root slot A (a squashfs)        3  root slot B        4  data
 *
 * Only bugs are thrown as plain Errors; a disk that is not laid out so is a DiskLayoutError
 * naming what is wrong.
 */
import { closeSync, fsyncSync, openSync, readSync, writeSync } from 'node:fs';

export class DiskLayoutError extends Error {
  override name = 'DiskLayoutError';
}

export type Slot = 'a' | 'b';
export const SLOTS: readonly Slot[] = ['a', 'b'];
/** The MBR partition number of each root slot. */
export const SLOT_PARTITION: Record<Slot, number> = { a: 2, b: 3 };
export const BOOT_PARTITION = 1;
export const otherSlot = (s: Slot): Slot => (s === 'a' ? 'b' : 'a');
/** The kernel file of a slot on the boot partition (8.3 names: SYSLINUX reads them case-blind). */
export const kernelFile = (s: Slot): string => `vmlinuz.${s}`;

export interface Partition {
  number: number;
  /** Byte offset and length on the disk. */
  offset: number;
  bytes: number;
  type: number;
  bootable: boolean;
}

/** An open disk (or image file): reads and writes at byte offsets. */
export class Disk {
  private constructor(
    readonly path: string,
    private readonly fd: number,
  ) {}

  static open(path: string, write: boolean): Disk {
    return new Disk(path, openSync(path, write ? 'r+' : 'r'));
  }
  close(): void {
    closeSync(this.fd);
  }
  read(offset: number, length: number): Buffer {
    const b = Buffer.alloc(length);
    let got = 0;
    while (got < length) {
      const n = readSync(this.fd, b, got, length - got, offset + got);
      if (n === 0) throw new DiskLayoutError(`${this.path} ends at byte ${offset + got}, before the ${length} bytes asked at ${offset}`);
      got += n;
    }
    return b;
  }
  write(offset: number, data: Buffer): void {
    let put = 0;
    while (put < data.length) put += writeSync(this.fd, data, put, data.length - put, offset + put);
  }
  sync(): void {
    fsyncSync(this.fd);
  }

  /** The MBR's disk identifier (bytes 440–443), as the kernel prints it: 8 hex digits. */
  diskId(): string {
    return this.read(440, 4).readUInt32LE(0).toString(16).padStart(8, '0');
  }

  /** The four primary partitions of the MBR (empty ones left out). */
  partitions(): Partition[] {
    const mbr = this.read(0, 512);
    if (mbr.readUInt16LE(510) !== 0xaa55) throw new DiskLayoutError(`${this.path} has no MBR partition table (no 55AA signature at byte 510)`);
    const out: Partition[] = [];
    for (let i = 0; i < 4; i++) {
      const e = mbr.subarray(446 + 16 * i, 462 + 16 * i);
      const type = e[4]!;
      if (type === 0) continue;
      out.push({ number: i + 1, offset: e.readUInt32LE(8) * 512, bytes: e.readUInt32LE(12) * 512, type, bootable: e[0] === 0x80 });
    }
    return out;
  }

  partition(n: number): Partition {
    const p = this.partitions().find((x) => x.number === n);
    if (!p) throw new DiskLayoutError(`${this.path} has no partition ${n}: not a Claude.OS disk (image/mkdisk.sh makes boot, slot A, slot B and data as partitions 1–4)`);
    return p;
  }
}

interface DirEntry {
  /** Where the 32-byte entry is on the disk. */
  at: number;
  cluster: number;
  size: number;
}

/** The FAT16 boot partition: its files found in the root directory by their 8.3 name. */
export class Fat16 {
  private readonly bps: number;
  private readonly clusterBytes: number;
  private readonly fats: number[];
  private readonly fatBytes: number;
  private readonly root: number;
  private readonly rootEntries: number;
  private readonly data: number;
  private readonly clusters: number;

  constructor(
    private readonly disk: Disk,
    part: Partition,
  ) {
    const bs = disk.read(part.offset, 512);
    this.bps = bs.readUInt16LE(11);
    const spc = bs[13]!;
    const reserved = bs.readUInt16LE(14);
    const nfats = bs[16]!;
    this.rootEntries = bs.readUInt16LE(17);
    const spf = bs.readUInt16LE(22);
    const total = bs.readUInt16LE(19) || bs.readUInt32LE(32);
    if (bs.readUInt16LE(510) !== 0xaa55 || ![512, 1024, 2048, 4096].includes(this.bps) || !spc || !nfats || !spf || !this.rootEntries) {
      throw new DiskLayoutError(`partition ${part.number} of ${disk.path} is not a FAT16 filesystem (its boot sector does not say so)`);
    }
    this.clusterBytes = spc * this.bps;
    this.fatBytes = spf * this.bps;
    this.fats = Array.from({ length: nfats }, (_, i) => part.offset + (reserved + i * spf) * this.bps);
    this.root = part.offset + (reserved + nfats * spf) * this.bps;
    this.data = this.root + Math.ceil((this.rootEntries * 32) / this.bps) * this.bps;
    this.clusters = Math.floor((total * this.bps - (this.data - part.offset)) / this.clusterBytes);
    if (this.clusters < 4085 || this.clusters >= 65525) throw new DiskLayoutError(`partition ${part.number} of ${disk.path} is FAT, but not FAT16 (${this.clusters} clusters)`);
  }

  private shortName(name: string): string {
    const [base = '', ext = ''] = name.toUpperCase().split('.');
    return base.padEnd(8, ' ') + ext.padEnd(3, ' ');
  }

  private entry(name: string): DirEntry {
    const want = this.shortName(name);
    const dir = this.disk.read(this.root, this.rootEntries * 32);
    for (let i = 0; i < this.rootEntries; i++) {
      const e = dir.subarray(i * 32, i * 32 + 32);
      if (e[0] === 0) break;
      if (e[0] === 0xe5 || e[11] === 0x0f || e[11]! & 0x18) continue; // deleted, long name, volume label or directory
      if (e.toString('latin1', 0, 11) === want) return { at: this.root + i * 32, cluster: e.readUInt16LE(26), size: e.readUInt32LE(28) };
    }
    throw new DiskLayoutError(`the boot partition of ${this.disk.path} has no ${name}: not a disk made for A/B updates (image/mkdisk.sh since session 13)`);
  }

  private fat(): Buffer {
    return this.disk.read(this.fats[0]!, this.fatBytes);
  }

  private chain(first: number, fat = this.fat()): number[] {
    const out: number[] = [];
    for (let c = first; c >= 2 && c < 0xfff8; c = fat.readUInt16LE(c * 2)) {
      if (out.length > this.clusters) throw new DiskLayoutError(`the boot partition of ${this.disk.path} has a looping cluster chain`);
      out.push(c);
    }
    return out;
  }

  private clusterAt(c: number): number {
    return this.data + (c - 2) * this.clusterBytes;
  }

  has(name: string): boolean {
    try {
      this.entry(name);
      return true;
    } catch (e) {
      if (e instanceof DiskLayoutError) return false;
      throw e;
    }
  }

  readFile(name: string): Buffer {
    const e = this.entry(name);
    const parts = this.chain(e.cluster).map((c) => this.disk.read(this.clusterAt(c), this.clusterBytes));
    return Buffer.concat(parts).subarray(0, e.size);
  }

  /**
   * Overwrites bytes of an existing file in place (its length unchanged): SYSLINUX's ADV at the
   * end of ldlinux.sys, which SYSLINUX itself rewrites at those same sectors.
   */
  patchFile(name: string, at: number, bytes: Buffer): void {
    const e = this.entry(name);
    if (at < 0 || at + bytes.length > e.size) throw new Error(`patch of ${name} at ${at} (${bytes.length} bytes) is beyond its ${e.size} bytes`);
    const chain = this.chain(e.cluster);
    for (let i = 0; i < bytes.length; ) {
      const pos = at + i;
      const c = chain[Math.floor(pos / this.clusterBytes)]!;
      const within = pos % this.clusterBytes;
      const n = Math.min(bytes.length - i, this.clusterBytes - within);
      this.disk.write(this.clusterAt(c) + within, bytes.subarray(i, i + n));
      i += n;
    }
    this.disk.sync();
  }

  /**
   * Replaces an existing file's content as a FAT driver does, so that a power cut at any point
   * leaves either the old file or the new one (at worst some clusters marked used by nothing):
   * the new content goes to free clusters first, then their chain into every FAT copy, then the
   * directory entry (one 32-byte write) points at it, and only then is the old chain freed.
   */
  replaceFile(name: string, content: Buffer): void {
    const e = this.entry(name);
    const fat = this.fat();
    const need = Math.max(1, Math.ceil(content.length / this.clusterBytes));
    const free: number[] = [];
    for (let c = 2; c < this.clusters + 2 && free.length < need; c++) if (fat.readUInt16LE(c * 2) === 0) free.push(c);
    if (free.length < need) throw new DiskLayoutError(`the boot partition of ${this.disk.path} has room for ${free.length * this.clusterBytes} bytes, not the ${content.length} of the new ${name}`);
    free.forEach((c, i) => {
      const piece = Buffer.alloc(this.clusterBytes);
      content.copy(piece, 0, i * this.clusterBytes, Math.min(content.length, (i + 1) * this.clusterBytes));
      this.disk.write(this.clusterAt(c), piece);
    });
    this.disk.sync();
    const setFat = (c: number, v: number) => {
      const b = Buffer.alloc(2);
      b.writeUInt16LE(v);
      for (const f of this.fats) this.disk.write(f + c * 2, b);
    };
    free.forEach((c, i) => setFat(c, i + 1 < free.length ? free[i + 1]! : 0xffff));
    this.disk.sync();
    const old = this.chain(e.cluster, fat);
    const ent = this.disk.read(e.at, 32);
    ent.writeUInt16LE(0, 20); // high cluster word (FAT32 only)
    ent.writeUInt16LE(free[0]!, 26);
    ent.writeUInt32LE(content.length, 28);
    this.disk.write(e.at, ent);
    this.disk.sync();
    for (const c of old) setFat(c, 0);
    this.disk.sync();
  }
}

/**
 * SYSLINUX's auxiliary data vector (ADV, syslinux libinstaller/setadv.c): the last 1024 bytes of
 * ldlinux.sys, two copies of a 512-byte block `head magic, checksum, records…, tail magic`. The
 * record ADV_BOOTONCE (1) holds a command line SYSLINUX runs on the next boot only: it clears
 * the record (writing the ADV back to the same sectors) before it boots it.
 */
const ADV_SIZE = 512;
const ADV_MAGIC1 = 0x5a2d2fa5;
const ADV_MAGIC2 = 0xa3041767;
const ADV_MAGIC3 = 0xdd28bf64;
export const ADV_BOOTONCE = 1;
const LDLINUX = 'ldlinux.sys';

function advChecksumOk(b: Buffer): boolean {
  if (b.readUInt32LE(0) !== ADV_MAGIC1 || b.readUInt32LE(ADV_SIZE - 4) !== ADV_MAGIC3) return false;
  let csum = ADV_MAGIC2;
  for (let i = 8; i < ADV_SIZE - 4; i += 4) csum = (csum - b.readUInt32LE(i)) >>> 0;
  return csum === b.readUInt32LE(4);
}

/** The ADV's records (tag → bytes), from whichever copy is whole. */
export function readAdv(fat: Fat16): Map<number, Buffer> {
  const f = fat.readFile(LDLINUX);
  if (f.length < 2 * ADV_SIZE) throw new DiskLayoutError(`ldlinux.sys is ${f.length} bytes: too short to hold SYSLINUX's ADV`);
  const copies = [f.subarray(f.length - 2 * ADV_SIZE, f.length - ADV_SIZE), f.subarray(f.length - ADV_SIZE)];
  const good = copies.find(advChecksumOk);
  if (!good) throw new DiskLayoutError(`SYSLINUX's ADV (the end of ldlinux.sys on the boot partition) is damaged in both copies; reinstall the boot loader (syslinux --install)`);
  const out = new Map<number, Buffer>();
  for (let i = 8; i < ADV_SIZE - 4; ) {
    const tag = good[i]!;
    if (tag === 0) break;
    const len = good[i + 1]!;
    out.set(tag, Buffer.from(good.subarray(i + 2, i + 2 + len)));
    i += 2 + len;
  }
  return out;
}

/** Writes the ADV's records (both copies, with their checksum). */
export function writeAdv(fat: Fat16, records: Map<number, Buffer>): void {
  const b = Buffer.alloc(ADV_SIZE);
  let i = 8;
  for (const [tag, data] of [...records].sort((x, y) => x[0] - y[0])) {
    if (data.length === 0) continue;
    if (data.length > 255 || i + 2 + data.length > ADV_SIZE - 4) throw new Error(`ADV record ${tag} does not fit`);
    b[i] = tag;
    b[i + 1] = data.length;
    data.copy(b, i + 2);
    i += 2 + data.length;
  }
  b.writeUInt32LE(ADV_MAGIC1, 0);
  let csum = ADV_MAGIC2;
  for (let k = 8; k < ADV_SIZE - 4; k += 4) csum = (csum - b.readUInt32LE(k)) >>> 0;
  b.writeUInt32LE(csum, 4);
  b.writeUInt32LE(ADV_MAGIC3, ADV_SIZE - 4);
  const size = fat.readFile(LDLINUX).length;
  fat.patchFile(LDLINUX, size - 2 * ADV_SIZE, Buffer.concat([b, b]));
}

/** The label SYSLINUX boots once on the next boot, or null. */
export function bootOnce(fat: Fat16): string | null {
  const r = readAdv(fat).get(ADV_BOOTONCE);
  return r && r.length ? r.toString('latin1').replace(/\0+$/, '') : null;
}

export function setBootOnce(fat: Fat16, label: string | null): void {
  const r = readAdv(fat);
  if (label) r.set(ADV_BOOTONCE, Buffer.from(label, 'latin1'));
  else r.delete(ADV_BOOTONCE);
  writeAdv(fat, r);
}

export const slotLabel = (s: Slot): string => `claude-${s}`;
const DEFAULT_LINE = /^DEFAULT claude-([ab])$/m;

/** The slot syslinux.cfg boots by default: the confirmed one. */
export function defaultSlot(fat: Fat16): Slot {
  const m = DEFAULT_LINE.exec(fat.readFile('syslinux.cfg').toString('latin1'));
  if (!m) throw new DiskLayoutError(`syslinux.cfg on the boot partition has no 'DEFAULT claude-a' or 'DEFAULT claude-b' line: not a disk made for A/B updates`);
  return m[1] as Slot;
}

export function setDefaultSlot(fat: Fat16, s: Slot): void {
  const text = fat.readFile('syslinux.cfg').toString('latin1');
  if (!DEFAULT_LINE.test(text)) throw new DiskLayoutError(`syslinux.cfg on the boot partition has no 'DEFAULT claude-a' or 'DEFAULT claude-b' line: not a disk made for A/B updates`);
  fat.replaceFile('syslinux.cfg', Buffer.from(text.replace(DEFAULT_LINE, `DEFAULT ${slotLabel(s)}`), 'latin1'));
}
