/**
 * The host side of an `Engine` that both container backends share: volume directories, host
 * files and data-dir records (`HostFs`), the firewall (a `FirewallBackend`, nft) and storage
 * mounts (`MountDriver`). `DockerEngine` and `ContainerdEngine` extend this class, so the
 * delegation is written once; only the container side differs between them.
 */
import { StepError, type HostFile, type MountCheck, type VolumeDirState } from '../engine.js';
import type { MountSpec, VolumeSpec } from '../../plan/types.js';
import { HostFs } from './hostfs.js';
import { MountDriver } from './mounts.js';

export interface FirewallBackend {
  snapshot(): Promise<string>;
  /** Pre-flight: `nft -c` of the ruleset and of the current table's restoring text (runtime/firewall-backend.ts). */
  check(ruleset: string): Promise<void>;
  apply(ruleset: string | null, confirmTimeoutMs: number, probes: { kind: 'tcp'; address?: string; port: number; expect?: 'open' | 'closed' }[], opts?: { checked?: boolean; adminConfirm?: boolean; adminProbe?: { address: string; ports: number[] } }): Promise<string | null>;
  restore(ruleset: string): Promise<void>;
}

export interface HostSideOptions {
  root: string;
  dataDir: string;
  firewall?: FirewallBackend;
}

export abstract class HostSideOps {
  readonly fs: HostFs;
  private mountDriver: MountDriver | undefined;

  constructor(private readonly host: HostSideOptions) {
    this.fs = new HostFs(host.root, host.dataDir);
  }

  // ── volumes, host files, records ──

  async volumeDir(path: string): Promise<VolumeDirState> {
    return this.fs.volumeDir(path);
  }
  async createVolumeDir(spec: VolumeSpec): Promise<void> {
    this.fs.createVolumeDir(spec);
  }
  async removeVolumeDir(path: string): Promise<void> {
    this.fs.removeVolumeDir(path);
  }
  async trashVolumeDir(path: string, planId: string): Promise<void> {
    this.fs.trashVolumeDir(path, planId);
  }
  async restoreVolumeDir(path: string, state: VolumeDirState, planId: string): Promise<void> {
    this.fs.restoreVolumeDir(path, state, planId);
  }
  async purgeTrash(planId: string): Promise<void> {
    this.fs.purgeTrash(planId);
  }
  async readRecord(name: string): Promise<string | null> {
    return this.fs.readRecord(name);
  }
  async writeRecord(name: string, text: string | null): Promise<void> {
    this.fs.writeRecord(name, text);
  }
  async readHostFiles(paths: readonly string[]): Promise<HostFile[]> {
    return this.fs.readHostFiles(paths);
  }
  async writeHostFiles(files: readonly HostFile[]): Promise<void> {
    this.fs.writeHostFiles(files);
  }

  // ── firewall ──

  private fw(): FirewallBackend {
    if (!this.host.firewall) throw new StepError('this runtime has no firewall backend configured (nft)', 'install nftables (scripts/setup-host.sh) and run as root');
    return this.host.firewall;
  }
  firewallSnapshot(): Promise<string> {
    return this.fw().snapshot();
  }
  async firewallCheck(ruleset: string): Promise<void> {
    return this.fw().check(ruleset);
  }
  firewallApply(ruleset: string | null, confirmTimeoutMs: number, probes: { kind: 'tcp'; address?: string; port: number; expect?: 'open' | 'closed' }[], opts?: { checked?: boolean; adminConfirm?: boolean; adminProbe?: { address: string; ports: number[] } }): Promise<string | null> {
    return this.fw().apply(ruleset, confirmTimeoutMs, probes, opts);
  }
  firewallRestore(ruleset: string): Promise<void> {
    return this.fw().restore(ruleset);
  }

  // ── storage mounts (drivers/mounts.ts) ──

  private mountsDrv(): MountDriver {
    return (this.mountDriver ??= new MountDriver({ root: this.host.root }));
  }
  mountCheck(m: MountSpec, previous?: MountSpec): Promise<MountCheck> {
    return this.mountsDrv().check(m, previous);
  }
  mountDevice(m: MountSpec, opts: { previous?: MountSpec; onFormat?: (device: string, found: string) => Promise<void> | void }): Promise<MountCheck & { formatted: boolean }> {
    return this.mountsDrv().mount(m, opts);
  }
  unmountTarget(target: string): Promise<boolean> {
    return this.mountsDrv().unmount(target);
  }
  async mountedAt(target: string): Promise<{ source: string; fstype: string; majmin: string } | null> {
    const e = this.mountsDrv().at(target);
    return e ? { source: e.source, fstype: e.fstype, majmin: e.majmin } : null;
  }
  async readFstab(): Promise<string | null> {
    return this.mountsDrv().readFstab();
  }
  async writeFstab(text: string | null): Promise<void> {
    this.mountsDrv().writeFstab(text);
  }
}
