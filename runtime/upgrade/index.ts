/**
 * A/B updates of the device (`claude upgrade`), as Flatcar and Talos do them: a signed image
 * (a kernel and a root filesystem) is verified, written to the slot that is not running, and
 * booted once; the slot becomes the default only when the runtime confirms it after that boot,
 * so a new slot that does not come up healthy is left by the next boot. docs/image.md, "Updates".
 *
 * The image file (`packImage`): one line holding a DSSE envelope (plan/envelope.ts) whose payload,
 * `application/vnd.claude-os.image+json`, names the version and the size and sha256 of the kernel
 * and of the root, then the kernel's bytes, then the root's. Verified in a fixed order before
 * anything is written: envelope shape, a signature by a key this device trusts as `admin` or
 * `host` (`claude keys`), the manifest's shape, the file's length, each part's sha256, and (in
 * upgradeDisk) its version against the running slot's: an older one is a rollback, refused
 * unless allowDowngrade. After fsync what was written is read back through a new descriptor and
 * hashed again before the boot-once record is set (Node has no posix_fadvise, so that read may
 * come from the kernel's page cache: it catches a wrong write or an image changed after it was
 * verified, not a disk that loses what it acknowledged).
 */
import { createHash, type KeyObject } from 'node:crypto';
import { closeSync, openSync, readdirSync, readFileSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EnvelopeFormatError, parseEnvelope, signPayload, verifyEnvelope, type TrustedKey } from '../../plan/envelope.js';
import { writeFileAtomic } from '../../common/fsutil.js';
import { bootOnce, defaultSlot, Disk, DiskLayoutError, Fat16, BOOT_PARTITION, kernelFile, otherSlot, setBootOnce, setDefaultSlot, SLOT_PARTITION, slotLabel, type Slot } from './disk.js';

export const IMAGE_PAYLOAD_TYPE = 'application/vnd.claude-os.image+json';
/** The longest first line (the envelope) read before it counts as not an image. */
const MAX_HEADER = 64 * 1024;
const CHUNK = 4 * 1024 * 1024;
/** Where the last upgrade is recorded, in the data dir. */
export const UPGRADE_RECORD = 'upgrade.json';
/** The slot written and not confirmed yet, in the data dir: /init confirms it on its boot, or says it fell back. */
export const UPGRADE_TRIAL = 'upgrade-trial';
/** The version written to each slot (`{"a": "0.1.0", "b": "0.2.0"}`), in the data dir: an older image is a rollback. */
export const UPGRADE_VERSIONS = 'upgrade-versions.json';

/** Compares dotted versions numerically part by part (`0.10.0` > `0.9.1`; missing parts are 0; a part's leading digits count). */
export function compareVersions(x: string, y: string): number {
  const parts = (v: string) => v.trim().replace(/^v/i, '').split('.').map((p) => Number(/^\d*/.exec(p)![0] || 0));
  const a = parts(x);
  const b = parts(y);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

/** The versions recorded per slot in `dataDir` (none when there is no record or it is unreadable). */
export function slotVersions(dataDir: string): Partial<Record<Slot, string>> {
  try {
    const v = JSON.parse(readFileSync(join(dataDir, UPGRADE_VERSIONS), 'utf8')) as unknown;
    if (typeof v !== 'object' || v === null) return {};
    const out: Partial<Record<Slot, string>> = {};
    for (const s of ['a', 'b'] as const) if (typeof (v as Record<string, unknown>)[s] === 'string') out[s] = (v as Record<string, string>)[s];
    return out;
  } catch {
    return {};
  }
}

export interface ImagePart {
  bytes: number;
  sha256: string;
}
export interface ImageManifest {
  kind: 'claude-os-image';
  version: string;
  createdAt: string;
  kernel: ImagePart;
  root: ImagePart;
}

/** The image was refused: nothing was written. `hint` says how to fix it. */
export class UpgradeRefused extends Error {
  override name = 'UpgradeRefused';
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Writes a signed image of `kernel` and `root` (files) to `out`. */
export function packImage(out: string, parts: { kernel: Buffer; root: Buffer; version: string; createdAt: string }, key: KeyObject): ImageManifest {
  const manifest: ImageManifest = {
    kind: 'claude-os-image',
    version: parts.version,
    createdAt: parts.createdAt,
    kernel: { bytes: parts.kernel.length, sha256: sha(parts.kernel) },
    root: { bytes: parts.root.length, sha256: sha(parts.root) },
  };
  const env = signPayload(manifest, key, IMAGE_PAYLOAD_TYPE);
  const head = JSON.stringify({ payloadType: env.payloadType, payload: env.payload, signatures: env.signatures }) + '\n';
  writeFileSync(out, Buffer.concat([Buffer.from(head), parts.kernel, parts.root]));
  return manifest;
}

/** Reads `length` bytes at `offset` of an open file, in chunks, to `each`. */
function eachChunk(fd: number, offset: number, length: number, each: (b: Buffer, at: number) => void): void {
  const buf = Buffer.alloc(Math.min(CHUNK, Math.max(1, length)));
  for (let done = 0; done < length; ) {
    const n = readSync(fd, buf, 0, Math.min(buf.length, length - done), offset + done);
    if (n === 0) throw new Error(`short read at ${offset + done}`);
    each(buf.subarray(0, n), done);
    done += n;
  }
}

export interface VerifiedImage {
  path: string;
  manifest: ImageManifest;
  /** Where the kernel's bytes start in the file (the root's follow them). */
  dataOffset: number;
  /** Who signed it (trusted names). */
  signers: string[];
}

/** Verifies an image file against the trusted keys; throws UpgradeRefused naming what is wrong. */
export function verifyImage(path: string, trusted: readonly TrustedKey[]): VerifiedImage {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw new UpgradeRefused(`cannot read ${path}: ${(e as Error).message}`, 'give the path of a Claude.OS image file (image/build.sh makes claude-os.upgrade; `claude upgrade pack` signs one)');
  }
  try {
    const size = statSync(path).size;
    const first = Buffer.alloc(Math.min(MAX_HEADER, size));
    readSync(fd, first, 0, first.length, 0);
    const nl = first.indexOf(10);
    const notImage = (why: string) => new UpgradeRefused(`${path} is not a signed Claude.OS image: ${why}`, 'give the image file image/build.sh made (claude-os.upgrade), signed with `claude upgrade pack` by a key this device trusts');
    if (nl < 0) throw notImage(`its first line (the signed manifest) does not end within ${MAX_HEADER} bytes`);
    let verified;
    try {
      verified = verifyEnvelope(parseEnvelope(first.subarray(0, nl).toString('utf8')), trusted, IMAGE_PAYLOAD_TYPE);
    } catch (e) {
      if (e instanceof EnvelopeFormatError) throw notImage(`line 1: ${e.message}`);
      throw e;
    }
    const signers = verified.signers.filter((k) => k.role === 'admin' || k.role === 'host');
    if (signers.length === 0) {
      const why = verified.rejected.length ? verified.rejected.map((r) => `${r.keyid.slice(0, 16)}: ${r.reason}`).join(', ') : 'no signature';
      throw new UpgradeRefused(`${path} is not signed by a key this device trusts as admin or host (${why})`, 'sign it with a trusted key (`claude upgrade pack` on the machine whose key the device has), or trust its key first: `claude keys add KEY.pub --role admin --name NAME`');
    }
    const payload = verified.payload as unknown;
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) throw notImage(`its signed manifest is not an object (${payload === null ? 'null' : Array.isArray(payload) ? 'an array' : typeof payload})`);
    const m = payload as Partial<ImageManifest>;
    const part = (p: unknown): p is ImagePart => !!p && typeof p === 'object' && Number.isSafeInteger((p as ImagePart).bytes) && (p as ImagePart).bytes > 0 && /^[0-9a-f]{64}$/.test(String((p as ImagePart).sha256));
    if (m.kind !== 'claude-os-image' || typeof m.version !== 'string' || typeof m.createdAt !== 'string' || !part(m.kernel) || !part(m.root)) {
      throw notImage('its signed manifest lacks kind claude-os-image, version, createdAt, or the kernel\'s and root\'s bytes and sha256');
    }
    const manifest = m as ImageManifest;
    const dataOffset = nl + 1;
    const expected = dataOffset + manifest.kernel.bytes + manifest.root.bytes;
    if (size !== expected) throw new UpgradeRefused(`${path} is ${size} bytes; its signed manifest says ${expected} (cut short or added to)`, 'copy the image again from where it was made');
    for (const [name, p, at] of [['kernel', manifest.kernel, dataOffset], ['root', manifest.root, dataOffset + manifest.kernel.bytes]] as const) {
      const h = createHash('sha256');
      eachChunk(fd, at, p.bytes, (b) => h.update(b));
      const got = h.digest('hex');
      if (got !== p.sha256) throw new UpgradeRefused(`${path}: the ${name}'s sha256 is ${got}, not the ${p.sha256} its signed manifest says: the image was changed after it was signed`, 'copy the image again from where it was made; do not edit it');
    }
    return { path, manifest, dataOffset, signers: signers.map((k) => k.name ?? k.keyid.slice(0, 16)) };
  } finally {
    closeSync(fd);
  }
}

export interface SlotStatus {
  /** The slot this boot runs (the kernel command line's claude.slot). */
  running: Slot;
  /** The slot SYSLINUX boots by default: the last confirmed one. */
  confirmed: Slot;
  /** The label SYSLINUX boots on the next boot only (an upgrade not booted yet), or null. */
  bootOnce: string | null;
  /** This boot runs a slot not confirmed yet: an upgrade's trial boot. */
  trial: boolean;
}

function withBoot<T>(diskPath: string, write: boolean, f: (fat: Fat16, disk: Disk) => T): T {
  const disk = Disk.open(diskPath, write);
  try {
    return f(new Fat16(disk, disk.partition(BOOT_PARTITION)), disk);
  } finally {
    disk.close();
  }
}

export function slotStatus(diskPath: string, running: Slot): SlotStatus {
  return withBoot(diskPath, false, (fat) => {
    const confirmed = defaultSlot(fat);
    return { running, confirmed, bootOnce: bootOnce(fat), trial: confirmed !== running };
  });
}

export interface UpgradeResult {
  slot: Slot;
  version: string;
  signers: string[];
  /** Set when the image is older than the version the running slot runs (written only with allowDowngrade): that version. */
  downgradeFrom?: string;
}

/**
 * Writes a verified image to the slot that is not running and sets SYSLINUX's boot-once record
 * for it. Refuses (nothing written) when this boot is itself a trial not confirmed yet, or the
 * root does not fit the slot; the image is verified before (verifyImage) and what was written
 * is read back and compared before the boot-once record is set.
 */
export function upgradeDisk(o: {
  disk: string;
  image: string;
  running: Slot;
  trusted: readonly TrustedKey[];
  dataDir?: string;
  now?: () => Date;
  allowDowngrade?: boolean;
  /** The version of the software running now (`claude --version`): the floor when the running slot has no recorded version (the slot the machine was installed with). */
  runningVersion?: string;
}): UpgradeResult {
  const img = verifyImage(o.image, o.trusted);
  const target = otherSlot(o.running);
  // Rollback protection (tuf-js's order: shape, signature, version): the running slot's recorded version.
  const versions = o.dataDir ? slotVersions(o.dataDir) : {};
  // A slot no upgrade wrote (the one the machine was installed with) has no record: the
  // software running now says its version, so an older image is still a rollback.
  const recorded = versions[o.running];
  const runs = recorded ?? o.runningVersion;
  if (runs !== undefined && !o.allowDowngrade && compareVersions(img.manifest.version, runs) < 0) {
    throw new UpgradeRefused(`${img.path} is version ${img.manifest.version}, older than the ${runs} slot ${o.running} runs${recorded === undefined ? ' (the running software\'s version; no upgrade recorded one for this slot)' : ''}: a rollback to an older signed image`, 'give a newer image; to go back on purpose, run it again with --allow-downgrade');
  }
  return withBoot(o.disk, true, (fat, disk) => {
    const confirmed = defaultSlot(fat);
    if (confirmed !== o.running) {
      throw new UpgradeRefused(`this boot runs slot ${o.running}, which is not confirmed yet (the default is still slot ${confirmed})`, 'wait until `claude upgrade confirm` has run (at boot, once the engine answers), or reboot into the confirmed slot, then upgrade');
    }
    if (fat.has('initrd.img')) throw new UpgradeRefused(`${o.disk} boots Debian's kernel through an initrd shared by both slots: A/B updates need the image's own kernel (the default build, no initrd)`, 'write a claude-os.img built with the own kernel (image/build.sh without CLAUDE_IMAGE_KERNEL=debian) to the disk once');
    for (const s of ['a', 'b'] as const) if (!fat.has(kernelFile(s))) throw new DiskLayoutError(`the boot partition of ${o.disk} has no ${kernelFile(s)}: a disk made before A/B updates (image/mkdisk.sh since session 13); write a new claude-os.img to it`);
    const part = disk.partition(SLOT_PARTITION[target]);
    if (img.manifest.root.bytes > part.bytes) throw new UpgradeRefused(`the image's root (${img.manifest.root.bytes} bytes) does not fit slot ${target} (partition ${part.number}, ${part.bytes} bytes)`, 'build the image with a smaller root, or the disk with larger slots (SLOT_MB)');
    // A boot-once left from an earlier upgrade not booted yet must not boot a half-written slot.
    setBootOnce(fat, null);
    const fd = openSync(img.path, 'r');
    try {
      const kernel = Buffer.alloc(img.manifest.kernel.bytes);
      readSync(fd, kernel, 0, kernel.length, img.dataOffset);
      eachChunk(fd, img.dataOffset + img.manifest.kernel.bytes, img.manifest.root.bytes, (b, at) => disk.write(part.offset + at, b));
      if (sha(kernel) !== img.manifest.kernel.sha256) throw new UpgradeRefused(`${img.path} changed while it was being written`, 'copy the image again and run the upgrade again');
      fat.replaceFile(kernelFile(target), kernel);
      disk.sync();
    } finally {
      closeSync(fd);
    }
    // Read back through a new descriptor, after fsync, not the one that wrote (Node has no
    // posix_fadvise: this may still be the page cache, so it checks the write, not the medium).
    const changed = 'the image or the disk changed after it was verified; the boot-once record was not set';
    const check = Disk.open(o.disk, false);
    try {
      const back = createHash('sha256');
      for (let at = 0; at < img.manifest.root.bytes; at += CHUNK) back.update(check.read(part.offset + at, Math.min(CHUNK, img.manifest.root.bytes - at)));
      if (back.digest('hex') !== img.manifest.root.sha256) throw new Error(`slot ${target} (${o.disk} partition ${part.number}) does not read back what was verified: ${changed}`);
      if (sha(new Fat16(check, check.partition(BOOT_PARTITION)).readFile(kernelFile(target))) !== img.manifest.kernel.sha256) throw new Error(`${kernelFile(target)} on the boot partition of ${o.disk} does not read back what was verified: ${changed}`);
    } finally {
      check.close();
    }
    setBootOnce(fat, slotLabel(target));
    if (o.dataDir) {
      const rec = { version: img.manifest.version, from: o.running, to: target, signers: img.signers, writtenAt: (o.now ?? (() => new Date()))().toISOString(), kernel: img.manifest.kernel.sha256, root: img.manifest.root.sha256 };
      writeFileAtomic(join(o.dataDir, UPGRADE_RECORD), JSON.stringify(rec, null, 2) + '\n');
      writeFileAtomic(join(o.dataDir, UPGRADE_VERSIONS), JSON.stringify({ ...versions, [target]: img.manifest.version }) + '\n');
      writeFileAtomic(join(o.dataDir, UPGRADE_TRIAL), `${target}\n`);
    }
    return { slot: target, version: img.manifest.version, signers: img.signers, ...(runs !== undefined && compareVersions(img.manifest.version, runs) < 0 ? { downgradeFrom: runs } : {}) };
  });
}

/**
 * Confirms the running slot: it becomes SYSLINUX's default. Run by /init once the engine
 * answers and the runtime has started (`claude upgrade confirm`); on a slot already confirmed
 * it changes nothing. Returns whether it changed the default. The trial marker is removed only
 * when this changed the default or names the running slot: a confirm by hand on the old slot
 * before the trial boot must leave it, or /init on the new slot would not confirm that slot.
 */
export function confirmSlot(diskPath: string, running: Slot, dataDir?: string): boolean {
  const changed = withBoot(diskPath, true, (fat) => {
    if (defaultSlot(fat) === running) return false;
    setDefaultSlot(fat, running);
    if (bootOnce(fat) === slotLabel(running)) setBootOnce(fat, null);
    return true;
  });
  if (dataDir) {
    const marker = join(dataDir, UPGRADE_TRIAL);
    let names: string | null = null;
    try {
      names = readFileSync(marker, 'utf8').trim();
    } catch {
      /* no trial pending */
    }
    if (names !== null && (changed || names === running)) rmSync(marker, { force: true });
  }
  return changed;
}

/** The running slot and the boot disk, from the kernel command line (`claude.slot=`, `claude.disk=0x…`). */
export function bootFromCmdline(cmdline: string, devDir = '/dev', sysBlock = '/sys/block'): { disk: string; running: Slot } {
  const arg = (k: string) => new RegExp(`(?:^|\\s)${k.replace('.', '\\.')}=(\\S+)`).exec(cmdline)?.[1];
  const slot = arg('claude.slot');
  const id = arg('claude.disk')?.replace(/^0x/, '').toLowerCase();
  if (slot !== 'a' && slot !== 'b') throw new UpgradeRefused(`the kernel command line names no slot (claude.slot=a or b): this is not a Claude.OS device booted from its disk`, 'on a device booted from claude-os.img this is set by its boot loader; elsewhere give --disk PATH and --slot a|b');
  if (!id) throw new UpgradeRefused('the kernel command line names no boot disk (claude.disk=0x…)', 'give --disk PATH');
  let names: string[] = [];
  try {
    names = readdirSync(sysBlock).filter((n) => !/^(loop|ram|zram|dm-|md)/.test(n));
  } catch {
    /* no sysfs */
  }
  for (const n of names) {
    try {
      const d = Disk.open(join(devDir, n), false);
      try {
        if (d.diskId() === id) return { disk: join(devDir, n), running: slot };
      } finally {
        d.close();
      }
    } catch {
      /* not readable */
    }
  }
  throw new UpgradeRefused(`no disk with the identifier 0x${id} (claude.disk on the kernel command line) was found in ${sysBlock}`, 'give --disk PATH');
}
