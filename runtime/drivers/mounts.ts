/**
 * Storage mounts (storage.yaml `spec.mounts`, docs/storage.md): the only code that probes
 * block devices, formats them, mounts and unmounts them, and edits the fstab under
 * CLAUDE_ROOT. runtime/apply.ts decides when; this driver decides nothing beyond the safety
 * rules every call checks again right before it acts:
 *
 *   - the device exists and is a block device (UUID=/LABEL= sources are looked up with blkid);
 *   - it is not mounted anywhere else;
 *   - the target has nothing else mounted on it, and is an empty directory (a mount would
 *     hide what is there);
 *   - the device holds the declared filesystem (blkid -p, a low-level probe that ignores the
 *     cache), or holds none / another one and `format` is allowed: only then `wipefs -a`
 *     and `mkfs.<type>` run. A device that already holds the declared type is never formatted.
 *
 * Fixed commands only (argv arrays): blkid, wipefs, mkfs.<type>, mount, umount. The mount
 * table is read from /proc/self/mountinfo (the kernel's view, exact major:minor), so no
 * process is spawned to observe. The fstab is CLAUDE_ROOT/etc/fstab; Claude.OS owns the block
 * between FSTAB_BEGIN and FSTAB_END and never touches a line outside it.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { writeFileAtomic } from '../../common/fsutil.js';
import { underRoot } from '../../common/paths.js';
import { fstabLine, fstabWithBlock } from '../../plan/host-state.js';
import type { MountSpec } from '../../plan/types.js';
import { StepError, type MountCheck } from '../engine.js';

const run = promisify(execFile);

/** One line of /proc/self/mountinfo. */
export interface MountEntry {
  /** "7:0" */
  majmin: string;
  /** The path inside the filesystem that is mounted (a bind mount's subdirectory; "/" for a whole filesystem). */
  root: string;
  mountPoint: string;
  fstype: string;
  source: string;
  options: string;
}

/** What blkid found on a device. */
export interface DeviceProbe {
  /** The device path (for UUID=/LABEL= sources, the one blkid resolved), or null when not found. */
  device: string | null;
  majmin?: string;
  /** The filesystem type (TYPE), or null when there is none. */
  type: string | null;
  uuid?: string;
  label?: string;
  /** A partition table on the device (PTTYPE). */
  ptType?: string;
}

/** A mount the driver refuses; nothing was changed. */
export class MountRefusedError extends StepError {
  override name = 'MountRefusedError';
}

/** The major:minor of a mountinfo line / a device's rdev. */
function majminOf(rdev: bigint): string {
  const major = ((rdev >> 8n) & 0xfffn) | ((rdev >> 32n) & ~0xfffn);
  const minor = (rdev & 0xffn) | ((rdev >> 12n) & ~0xffn);
  return `${major}:${minor}`;
}

/** mountinfo escapes space, tab, newline and backslash as \ooo. */
function unescapeMount(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8)));
}

/** Parses /proc/self/mountinfo text (proc(5)). */
export function parseMountinfo(text: string): MountEntry[] {
  const out: MountEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    const f = line.split(' ');
    const dash = f.indexOf('-', 6);
    if (dash < 0 || f.length < dash + 3) continue;
    out.push({ majmin: f[2]!, root: unescapeMount(f[3]!), mountPoint: unescapeMount(f[4]!), options: f[5]!, fstype: f[dash + 1]!, source: unescapeMount(f[dash + 2]!) });
  }
  return out;
}

export function readMountTable(file = '/proc/self/mountinfo'): MountEntry[] {
  try {
    return parseMountinfo(readFileSync(file, 'utf8'));
  } catch {
    return [];
  }
}

/** The entry mounted last at `hostPath` (the one visible there), or null. */
export function mountedAt(table: readonly MountEntry[], hostPath: string): MountEntry | null {
  let hit: MountEntry | null = null;
  for (const e of table) if (e.mountPoint === hostPath) hit = e;
  return hit;
}

/** The options given to mount(8): the declared ones, `defaults` when none. */
function optionText(m: Pick<MountSpec, 'options'>): string {
  return m.options.length ? m.options.join(',') : 'defaults';
}

const MKFS: Record<MountSpec['type'], { prog: string; args: string[]; pkg: string }> = {
  ext4: { prog: 'mkfs.ext4', args: ['-q', '-F'], pkg: 'e2fsprogs' },
  xfs: { prog: 'mkfs.xfs', args: ['-q', '-f'], pkg: 'xfsprogs' },
  btrfs: { prog: 'mkfs.btrfs', args: ['-q', '-f'], pkg: 'btrfs-progs' },
  vfat: { prog: 'mkfs.vfat', args: [], pkg: 'dosfstools' },
};

function onPath(prog: string): boolean {
  for (const dir of (process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin').split(':').concat(['/usr/sbin', '/sbin'])) {
    if (dir && existsSync(join(dir, prog))) return true;
  }
  return false;
}

async function cmd(prog: string, args: string[], what: string, hint: string): Promise<string> {
  try {
    const { stdout } = await run(prog, args, { timeout: 10 * 60_000, maxBuffer: 4 * 1024 * 1024 });
    return stdout;
  } catch (e) {
    const err = e as { code?: unknown; stderr?: string; message: string };
    if (err.code === 'ENOENT') throw new StepError(`${what}: ${prog} is not installed`, hint);
    throw new StepError(`${what}: ${prog} ${args.join(' ')} failed: ${(err.stderr ?? '').trim() || err.message}`, hint);
  }
}

export interface MountDriverOptions {
  /** CLAUDE_ROOT: targets are mounted under it, the fstab is <root>/etc/fstab. */
  root: string;
  /** The mount table; default /proc/self/mountinfo. */
  mountinfo?: string;
}

export class MountDriver {
  readonly root: string;
  private readonly mountinfo: string;

  constructor(o: MountDriverOptions) {
    this.root = resolve(o.root);
    this.mountinfo = o.mountinfo ?? '/proc/self/mountinfo';
  }

  /** The host path of a logical target: absolute, no `..`, under CLAUDE_ROOT. */
  hostTarget(target: string): string {
    if (!target.startsWith('/') || target.split('/').includes('..')) throw new MountRefusedError(`mount target '${target}' is refused: it must be absolute and without \`..\``, 'fix the target in storage.yaml and plan again');
    const p = resolve(underRoot(this.root, target));
    if (p !== this.root && !p.startsWith(this.root.endsWith('/') ? this.root : this.root + '/')) throw new MountRefusedError(`mount target '${target}' resolves outside ${this.root}`, 'fix the target in storage.yaml and plan again');
    return p;
  }

  fstabPath(): string {
    return underRoot(this.root, '/etc/fstab');
  }

  table(): MountEntry[] {
    return readMountTable(this.mountinfo);
  }

  /** What is mounted at a logical target now (null: nothing). */
  at(target: string): MountEntry | null {
    return mountedAt(this.table(), this.hostTarget(target));
  }

  /** Finds the device of a source and what it holds (blkid -p; nothing is written). */
  async probe(source: string): Promise<DeviceProbe> {
    let device: string | null = source;
    if (/^(UUID|LABEL)=/.test(source)) {
      try {
        const { stdout } = await run('blkid', ['-c', '/dev/null', '-o', 'device', '-t', source], { timeout: 60_000 });
        device = stdout.split('\n').find((l) => l.trim())?.trim() ?? null;
      } catch (e) {
        if ((e as { code?: unknown }).code === 'ENOENT') throw new StepError('blkid is not installed', 'install util-linux (apt-get install -y util-linux)');
        device = null;
      }
    }
    if (!device || !existsSync(device)) return { device: null, type: null };
    const st = statSync(device, { bigint: true });
    if (!st.isBlockDevice()) throw new MountRefusedError(`mount source ${source} (${device}) is not a block device`, 'name a disk or partition (/dev/sdb1, UUID=…, LABEL=…) in storage.yaml');
    const out: DeviceProbe = { device, majmin: majminOf(st.rdev), type: null };
    let text = '';
    try {
      ({ stdout: text } = await run('blkid', ['-p', '-o', 'export', device], { timeout: 60_000 }));
    } catch (e) {
      const err = e as { code?: unknown; stderr?: string };
      if (err.code === 'ENOENT') throw new StepError('blkid is not installed', 'install util-linux (apt-get install -y util-linux)');
      // exit 2: no signature found
      if (err.code !== 2) throw new StepError(`blkid -p ${device} failed: ${(err.stderr ?? '').trim()}`, 'check the device (dmesg), then apply again');
    }
    for (const line of text.split('\n')) {
      const eq = line.indexOf('=');
      if (eq < 0) continue;
      const k = line.slice(0, eq);
      const v = line.slice(eq + 1);
      if (k === 'TYPE') out.type = v;
      else if (k === 'UUID') out.uuid = v;
      else if (k === 'LABEL') out.label = v;
      else if (k === 'PTTYPE') out.ptType = v;
    }
    return out;
  }

  /**
   * What mounting `m` would do now, or MountRefusedError naming what is in the way and how
   * to fix it. `previous`: the mount this one replaces at the same target (it is unmounted
   * first, so it does not count as "in the way"). Nothing changes.
   */
  async check(m: MountSpec, previous?: MountSpec): Promise<MountCheck> {
    const where = `mount ${m.source} → ${m.target}`;
    const hostTarget = this.hostTarget(m.target);
    const p = await this.probe(m.source);
    if (!p.device) throw new MountRefusedError(`${where}: device ${m.source} does not exist`, 'attach the disk (or fix source in storage.yaml: lsblk -f lists the devices), then apply again');
    const found = p.type ? p.type : p.ptType ? `a ${p.ptType} partition table` : 'no filesystem';
    const table = this.table();
    const here = mountedAt(table, hostTarget);
    if (here && here.majmin === p.majmin && here.root === '/') {
      if (here.fstype !== m.type) throw new MountRefusedError(`${where}: ${p.device} is mounted there as ${here.fstype}, not ${m.type}`, `set type: ${here.fstype} in storage.yaml`);
      return { action: previous && optionText(previous) !== optionText(m) ? 'remount' : 'mounted', device: p.device, found };
    }
    if (here && !(previous && here.source !== '' && (await this.sameDevice(here, previous)))) {
      throw new MountRefusedError(`${where}: ${here.source} (${here.fstype}) is already mounted at ${hostTarget}`, `unmount it first (umount ${hostTarget}), or choose another target`);
    }
    const elsewhere = table.find((e) => e.majmin === p.majmin && e.mountPoint !== hostTarget);
    if (elsewhere) throw new MountRefusedError(`${where}: ${p.device} is already mounted at ${elsewhere.mountPoint}`, `unmount it there first (umount ${elsewhere.mountPoint}), or set target: to that path`);
    if (!here && existsSync(hostTarget)) {
      if (!statSync(hostTarget).isDirectory()) throw new MountRefusedError(`${where}: ${hostTarget} is not a directory`, 'choose another target, or remove that file');
      const entries = readdirSync(hostTarget);
      if (entries.length) {
        const shown = entries.slice(0, 5).join(', ') + (entries.length > 5 ? `, … (${entries.length} entries)` : '');
        throw new MountRefusedError(`${where}: ${hostTarget} is not empty (${shown}); mounting over it would hide that data`, `move its content away (onto the device after mounting it elsewhere), or choose an empty target`);
      }
    }
    if (p.type === m.type) return { action: 'mount', device: p.device, found };
    if (!m.format) {
      const what = p.type ? `holds a ${p.type} filesystem${p.uuid ? ` (UUID ${p.uuid})` : ''}, not ${m.type}` : p.ptType ? `holds a ${p.ptType} partition table, not a ${m.type} filesystem` : `holds no filesystem`;
      throw new MountRefusedError(
        `${where}: ${p.device} ${what}; nothing was changed`,
        p.type && p.type !== m.type
          ? `if the device really holds ${p.type}, set type: ${p.type}; to erase it and create ${m.type} (ALL ITS DATA IS LOST), set format: true on this mount and approve the destructive step`
          : `to create a ${m.type} filesystem on it (anything on the device is lost), set format: true on this mount and approve the destructive step`,
      );
    }
    if (/^(UUID|LABEL)=/.test(m.source)) throw new MountRefusedError(`${where}: format: true needs a /dev/… source (formatting changes the UUID and label)`, 'name the device by its /dev path to format it');
    const mk = MKFS[m.type];
    if (!onPath(mk.prog)) throw new MountRefusedError(`${where}: formatting as ${m.type} needs ${mk.prog}, which is not installed`, `apt-get install -y ${mk.pkg}`);
    return { action: 'format', device: p.device, found };
  }

  private async sameDevice(e: MountEntry, m: MountSpec): Promise<boolean> {
    try {
      const p = await this.probe(m.source);
      return p.majmin === e.majmin;
    } catch {
      return false;
    }
  }

  /**
   * Mounts `m` under CLAUDE_ROOT after checking it again (`check`); formats first only when
   * the check says `format` (format: true and the device does not hold `type`), which
   * `onFormat` is told before mkfs runs. `previous` is unmounted first. Returns what it did.
   */
  async mount(m: MountSpec, opts: { previous?: MountSpec; onFormat?: (device: string, found: string) => Promise<void> | void } = {}): Promise<MountCheck & { formatted: boolean }> {
    const c = await this.check(m, opts.previous);
    const hostTarget = this.hostTarget(m.target);
    if (c.action === 'mounted') return { ...c, formatted: false };
    if (c.action === 'remount') {
      await cmd('mount', ['-o', `remount,${optionText(m)}`, hostTarget], `remount ${m.target}`, 'check the options in storage.yaml (mount(8)); some can only change with a full unmount');
      return { ...c, formatted: false };
    }
    if (opts.previous && this.at(m.target)) await this.unmount(opts.previous.target);
    let formatted = false;
    if (c.action === 'format') {
      await opts.onFormat?.(c.device, c.found);
      await cmd('wipefs', ['-a', '-q', c.device], `erase the old signatures of ${c.device}`, 'check the device, then apply again');
      const mk = MKFS[m.type];
      await cmd(mk.prog, [...mk.args, c.device], `format ${c.device} as ${m.type}`, `check the device (dmesg) and that ${mk.pkg} is installed`);
      const after = await this.probe(m.source);
      if (after.type !== m.type) throw new StepError(`format ${c.device}: after ${mk.prog} the device holds ${after.type ?? 'no filesystem'}, not ${m.type}`, 'check the device (dmesg)');
      formatted = true;
    }
    mkdirSync(hostTarget, { recursive: true, mode: 0o755 });
    await cmd('mount', ['-t', m.type, '-o', optionText(m), c.device, hostTarget], `mount ${c.device} at ${hostTarget}`, 'check the options in storage.yaml and the kernel log (dmesg)');
    const now = mountedAt(this.table(), hostTarget);
    if (!now || now.fstype !== m.type) throw new StepError(`mount ${c.device} at ${hostTarget}: it does not show in the mount table afterwards`, 'check the kernel log (dmesg)');
    return { ...c, formatted };
  }

  /** Unmounts whatever is mounted at the logical target (nothing mounted: nothing to do). */
  async unmount(target: string): Promise<boolean> {
    const hostTarget = this.hostTarget(target);
    if (!mountedAt(this.table(), hostTarget)) return false;
    await cmd('umount', [hostTarget], `unmount ${hostTarget}`, 'a process or container still uses it: stop the services whose volumes live there (claude services), then apply again');
    return true;
  }

  readFstab(): string | null {
    const f = this.fstabPath();
    return existsSync(f) ? readFileSync(f, 'utf8') : null;
  }

  /** Writes the fstab text atomically (mode 0644), or removes the file (null: it did not exist before Claude.OS wrote it). */
  writeFstab(text: string | null): void {
    const f = this.fstabPath();
    if (text === null) {
      rmSync(f, { force: true });
      return;
    }
    mkdirSync(join(this.root, 'etc'), { recursive: true, mode: 0o755 });
    writeFileAtomic(f, text, 0o644);
  }

  /** Sets Claude.OS's block of the fstab to the lines of `mounts` (sorted by target). */
  setFstabMounts(mounts: readonly MountSpec[]): void {
    const lines = [...mounts].sort((a, b) => (a.target < b.target ? -1 : a.target > b.target ? 1 : 0)).map(fstabLine);
    const before = this.readFstab();
    const next = fstabWithBlock(before, lines);
    if (next !== before) this.writeFstab(next);
  }
}
