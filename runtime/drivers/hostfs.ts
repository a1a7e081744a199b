/**
 * Host filesystem side effects under CLAUDE_ROOT: volume directories (with their declared
 * permissions and owner), host files, and the data-dir records of plan/host-state.ts.
 * Every write is crash-safe (temp file, fsync, rename, fsync dir).
 *
 * Nothing here reaches outside CLAUDE_ROOT: a logical path must be absolute and free of `..`
 * segments, and a host file is refused when a symlink on its way leads out of the root
 * (`HostPathError`, before anything is written or deleted).
 */
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, readFileSync, realpathSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fsyncDir, writeFileAtomic } from '../../common/fsutil.js';
import { underRoot } from '../../common/paths.js';
import type { VolumeSpec } from '../../plan/types.js';
import { StepError, type HostFile, type VolumeDirState } from '../engine.js';

/** A host path the runtime will not touch: not absolute, with `..`, or outside CLAUDE_ROOT. */
export class HostPathError extends StepError {
  override name = 'HostPathError';
  constructor(
    readonly path: string,
    why: string,
  ) {
    super(`host path '${path}' is refused: ${why}`, 'host paths are absolute, without `..`, and stay under CLAUDE_ROOT; fix the state file that names it and plan again');
  }
}

/** True when `p` is `root` or inside it (both absolute and normalised). */
function inside(root: string, p: string): boolean {
  const r = relative(root, p);
  return r === '' || (!r.startsWith('..' + sep) && r !== '..' && !r.startsWith(sep));
}

/** "999", "999:999", "postgres" or "postgres:postgres" → numeric ids (names from <root>/etc/passwd, then /etc/passwd). */
export function resolveOwner(owner: string, root: string): { uid: number; gid: number } {
  const [u, g] = owner.split(':');
  const lookup = (file: string, name: string): { id: number; gid: number } | null => {
    for (const f of [underRoot(root, file), file]) {
      if (!existsSync(f)) continue;
      for (const line of readFileSync(f, 'utf8').split('\n')) {
        const parts = line.split(':');
        if (parts[0] === name && parts[2] !== undefined) return { id: Number(parts[2]), gid: Number(parts[3] ?? parts[2]) };
      }
    }
    return null;
  };
  let uid: number;
  let gid: number;
  if (/^\d+$/.test(u ?? '')) {
    uid = Number(u);
    gid = uid;
  } else {
    const e = lookup('/etc/passwd', u ?? '');
    if (!e) throw new Error(`volume owner '${owner}': no user '${u}' in ${underRoot(root, '/etc/passwd')} or /etc/passwd; use a numeric uid[:gid]`);
    uid = e.id;
    gid = e.gid;
  }
  if (g !== undefined) {
    if (/^\d+$/.test(g)) gid = Number(g);
    else {
      const e = lookup('/etc/group', g);
      if (!e) throw new Error(`volume owner '${owner}': no group '${g}'; use a numeric gid`);
      gid = e.id;
    }
  }
  return { uid, gid };
}

function isLink(p: string): boolean {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

export class HostFs {
  constructor(
    readonly root: string,
    readonly dataDir: string,
  ) {}

  /** The path under CLAUDE_ROOT of a logical path; HostPathError when it is not absolute or has `..`. */
  hostPath(logical: string): string {
    if (!logical.startsWith('/')) throw new HostPathError(logical, 'it is not absolute');
    if (logical.split('/').includes('..')) throw new HostPathError(logical, 'it contains a `..` segment');
    const p = underRoot(this.root, logical);
    if (!inside(resolve(this.root), resolve(p))) throw new HostPathError(logical, `it resolves outside ${this.root}`);
    return p;
  }

  /**
   * `hostPath`, and also no symlink on the way to the file's directory leads out of the root
   * (the file itself may be a symlink: it is replaced or unlinked, never followed).
   */
  hostFilePath(logical: string): string {
    const p = this.hostPath(logical);
    const dir = dirname(p);
    // The root itself may not exist yet (a fresh CLAUDE_ROOT): what does not exist cannot be a link.
    const realRoot = realpathOfExisting(this.root);
    const realDir = realpathOfExisting(dir);
    if (!inside(realRoot, realDir)) throw new HostPathError(logical, `${dir} leads to ${realDir}, outside ${this.root}`);
    return p;
  }

  /**
   * `hostPath`, and the path itself stays under the root with every symlink followed, the
   * last component's included: for directories the runtime creates, chmods and chowns
   * (volumes) and for bind-mount sources (docker resolves a symlinked source on the host).
   * A container that can write into one volume can plant a symlink there.
   */
  containedPath(logical: string): string {
    return containedHostPath(this.root, this.hostPath(logical), logical);
  }

  trashPath(logical: string, planId: string): string {
    return join(this.dataDir, 'trash', planId, logical.replace(/^\/+/, '').replace(/\//g, '__'));
  }

  volumeDir(path: string): VolumeDirState {
    try {
      const st = statSync(this.hostPath(path));
      if (!st.isDirectory()) return { exists: false };
      return { exists: true, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid };
    } catch {
      return { exists: false };
    }
  }

  createVolumeDir(spec: VolumeSpec): void {
    const p = this.containedPath(spec.path);
    mkdirSync(p, { recursive: true });
    if (spec.permissions) chmodSync(p, parseInt(spec.permissions, 8));
    if (spec.owner) {
      const { uid, gid } = resolveOwner(spec.owner, this.root);
      chownSync(p, uid, gid);
    }
    fsyncDir(dirname(p));
  }

  removeVolumeDir(path: string): void {
    rmSync(this.hostPath(path), { recursive: true, force: true });
  }

  trashVolumeDir(path: string, planId: string): void {
    const from = this.hostPath(path);
    if (!existsSync(from)) return;
    const to = this.trashPath(path, planId);
    mkdirSync(dirname(to), { recursive: true });
    renameSync(from, to);
    fsyncDir(dirname(from));
  }

  restoreVolumeDir(path: string, state: VolumeDirState, planId: string): void {
    const p = this.containedPath(path);
    if (!state.exists) {
      rmSync(p, { recursive: true, force: true });
      return;
    }
    const trash = this.trashPath(path, planId);
    if (!existsSync(p) && existsSync(trash)) {
      mkdirSync(dirname(p), { recursive: true });
      renameSync(trash, p);
    }
    if (!existsSync(p)) mkdirSync(p, { recursive: true });
    if (state.mode !== undefined) chmodSync(p, state.mode);
    if (state.uid !== undefined && state.gid !== undefined) chownSync(p, state.uid, state.gid);
  }

  purgeTrash(planId: string): void {
    rmSync(join(this.dataDir, 'trash', planId), { recursive: true, force: true });
  }

  readHostFiles(paths: readonly string[]): HostFile[] {
    return paths.map((path) => {
      const p = this.hostFilePath(path);
      try {
        const st = statSync(p);
        return { path, content: readFileSync(p).toString('base64'), mode: '0' + (st.mode & 0o777).toString(8).padStart(3, '0') };
      } catch {
        return { path, content: null, mode: '0644' };
      }
    });
  }

  /** Writes (content) or deletes (null) each file; every path is checked before any is touched. */
  writeHostFiles(files: readonly HostFile[]): void {
    const targets = files.map((f) => ({ f, p: this.hostFilePath(f.path) }));
    for (const { f, p } of targets) {
      if (f.content === null) {
        if (existsSync(p) || isLink(p)) {
          rmSync(p, { force: true });
          fsyncDir(dirname(p));
        }
      } else {
        writeFileAtomic(p, Buffer.from(f.content, 'base64'), parseInt(f.mode, 8));
        chmodSync(p, parseInt(f.mode, 8));
      }
    }
  }

  readRecord(name: string): string | null {
    const p = join(this.dataDir, name);
    return existsSync(p) ? readFileSync(p, 'utf8') : null;
  }

  writeRecord(name: string, text: string | null): void {
    const p = join(this.dataDir, name);
    if (text === null) {
      if (existsSync(p)) {
        rmSync(p, { force: true });
        fsyncDir(this.dataDir);
      }
    } else writeFileAtomic(p, text, 0o600);
  }
}

/**
 * `p` (= `root` + `logical`, already free of `..`) when it stays under `root` with every
 * symlink on the way followed, the last one included; HostPathError otherwise (also for a
 * dangling symlink, whose target mkdir or docker would create).
 */
export function containedHostPath(root: string, p: string, logical: string): string {
  if (isLink(p) && !existsSync(p)) throw new HostPathError(logical, `${p} is a symlink to a missing target`);
  const realRoot = realpathOfExisting(root);
  const real = realpathOfExisting(p);
  if (!inside(realRoot, real)) throw new HostPathError(logical, `${p} leads to ${real}, outside ${root}`);
  return p;
}

/** realpath of the nearest existing ancestor, with the missing tail appended as written. */
function realpathOfExisting(path: string): string {
  let existing = path;
  while (!existsSync(existing) && dirname(existing) !== existing) existing = dirname(existing);
  const tail = relative(existing, path);
  return tail ? join(realpathSync(existing), tail) : realpathSync(existing);
}
