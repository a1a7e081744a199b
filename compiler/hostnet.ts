/**
 * Host network settings from `network.yaml` → host files (logical paths; the runtime writes
 * them under CLAUDE_ROOT with HostFs). Pure and deterministic.
 *
 *   hostname              → /etc/hostname
 *   dns                   → /etc/resolv.conf (nameservers, search)
 *   interfaces (static, dhcp) → /etc/systemd/network/10-claude-<name>.network
 *
 * Interfaces are rendered for systemd-networkd, not ifupdown: one self-contained file per
 * interface, which Claude.OS can write and remove without editing a shared file such as
 * /etc/network/interfaces, and which the Claude.OS image runs (see docs/host-network.md).
 * The `[Match]` section names the interface, so files for interfaces that do not exist do
 * nothing.
 */
import type { NetworkConfigSpec, NetworkInterface } from '../generated/network.js';
import type { DiagnosticSink } from './diagnostics.js';
import { cidrContains, formatAddress, formatCidr, parseAddress, parseCidr } from './ipnet.js';

export interface HostNetFile {
  /** Logical absolute path (the runtime prefixes CLAUDE_ROOT). */
  path: string;
  content: string;
  /** Octal mode, e.g. "0644". */
  mode: string;
}

/** A static or DHCP interface, normalised, for the live driver (runtime/drivers/ifaddr.ts). */
export interface InterfaceConfig {
  name: string;
  type: 'dhcp' | 'static';
  /** Normalised `addr/prefix` (static only). */
  address?: string;
  gateway?: string;
  dns: string[];
  mtu?: number;
}

export interface HostNetOptions {
  sink?: DiagnosticSink;
  file?: string;
  /** Maps a path inside `spec` (e.g. `['interfaces', 0, 'address']`) to a source position. */
  locate?: (path: readonly (string | number)[]) => { line: number; column: number } | undefined;
}

export interface HostNetResult {
  files: HostNetFile[];
  interfaces: InterfaceConfig[];
}

const HEADER = '# Written by Claude.OS from network.yaml; edits are overwritten.';
export const NETWORKD_DIR = '/etc/systemd/network';

export function renderHostname(hostname: string): HostNetFile {
  return { path: '/etc/hostname', content: hostname + '\n', mode: '0644' };
}

export function renderResolvConf(dns: { nameservers?: readonly string[]; search?: readonly string[] }): HostNetFile {
  const lines = [HEADER];
  for (const ns of dns.nameservers ?? []) lines.push(`nameserver ${ns}`);
  if (dns.search?.length) lines.push(`search ${dns.search.join(' ')}`);
  return { path: '/etc/resolv.conf', content: lines.join('\n') + '\n', mode: '0644' };
}

export function networkdPath(name: string): string {
  return `${NETWORKD_DIR}/10-claude-${name}.network`;
}

/** One systemd-networkd `.network` file. */
export function renderNetworkdUnit(i: InterfaceConfig): HostNetFile {
  const lines = [HEADER, '', '[Match]', `Name=${i.name}`, '', '[Network]'];
  if (i.type === 'dhcp') lines.push('DHCP=yes');
  else {
    lines.push(`Address=${i.address}`);
    if (i.gateway) lines.push(`Gateway=${i.gateway}`);
  }
  for (const d of i.dns) lines.push(`DNS=${d}`);
  if (i.mtu !== undefined) lines.push('', '[Link]', `MTUBytes=${i.mtu}`);
  return { path: networkdPath(i.name), content: lines.join('\n') + '\n', mode: '0644' };
}

/**
 * All host network files of a `network.yaml` spec, sorted by path, plus the normalised
 * interfaces. Problems go to the sink (CLA602x); a bad interface is left out.
 */
export function renderHostNetwork(spec: NetworkConfigSpec | undefined, opts: HostNetOptions = {}): HostNetResult {
  const files: HostNetFile[] = [];
  const interfaces: InterfaceConfig[] = [];
  const s = spec ?? {};
  const report = (code: 'CLA6020' | 'CLA6021' | 'CLA6022' | 'CLA6023' | 'CLA6024', path: (string | number)[], args: Record<string, string | number>): void => {
    if (!opts.sink) {
      if (code === 'CLA6022' || code === 'CLA6024') return;
      throw new Error(`network.yaml: ${code} ${JSON.stringify(args)}`);
    }
    const at = opts.locate?.(path);
    opts.sink.report(code, { file: opts.file ?? 'network.yaml', line: at?.line ?? 0, column: at?.column ?? 0 }, args);
  };
  if (s.hostname) files.push(renderHostname(s.hostname));
  if (s.dns && ((s.dns.nameservers?.length ?? 0) > 0 || (s.dns.search?.length ?? 0) > 0)) files.push(renderResolvConf(s.dns));
  const seen = new Set<string>();
  (s.interfaces ?? []).forEach((raw: NetworkInterface, i) => {
    if (seen.has(raw.name)) return report('CLA6023', ['interfaces', i, 'name'], { name: raw.name });
    seen.add(raw.name);
    const cfg = normaliseInterface(raw, i, report);
    if (!cfg) return;
    interfaces.push(cfg);
    files.push(renderNetworkdUnit(cfg));
  });
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  interfaces.sort((a, b) => (a.name < b.name ? -1 : 1));
  return { files, interfaces };
}

function normaliseInterface(
  raw: NetworkInterface,
  i: number,
  report: (code: 'CLA6020' | 'CLA6021' | 'CLA6022' | 'CLA6023' | 'CLA6024', path: (string | number)[], args: Record<string, string | number>) => void,
): InterfaceConfig | undefined {
  const dns: string[] = [];
  let ok = true;
  (raw.dns ?? []).forEach((d, j) => {
    const a = parseAddress(d);
    if (!a) {
      report('CLA6021', ['interfaces', i, 'dns', j], { name: raw.name, field: 'dns', value: JSON.stringify(d) });
      ok = false;
    } else dns.push(formatAddress(a.family, a.addr));
  });
  const cfg: InterfaceConfig = { name: raw.name, type: raw.type, dns };
  if (raw.mtu !== undefined) cfg.mtu = raw.mtu;
  if (raw.type === 'dhcp') {
    if (raw.address !== undefined || raw.gateway !== undefined) report('CLA6024', ['interfaces', i], { name: raw.name });
    return ok ? cfg : undefined;
  }
  if (raw.address === undefined || !raw.address.includes('/')) {
    report('CLA6020', ['interfaces', i, 'address'], { name: raw.name, value: JSON.stringify(raw.address ?? null) });
    return undefined;
  }
  const c = parseCidr(raw.address);
  if (!c) {
    report('CLA6021', ['interfaces', i, 'address'], { name: raw.name, field: 'address', value: JSON.stringify(raw.address) });
    return undefined;
  }
  // Keep the host address (host bits are the point here), print it canonically.
  const host = parseAddress(raw.address.slice(0, raw.address.indexOf('/')))!;
  cfg.address = `${formatAddress(host.family, host.addr)}/${c.prefix}`;
  if (raw.gateway !== undefined) {
    const g = parseAddress(raw.gateway);
    if (!g) {
      report('CLA6021', ['interfaces', i, 'gateway'], { name: raw.name, field: 'gateway', value: JSON.stringify(raw.gateway) });
      return undefined;
    }
    if (!cidrContains(c, g.family, g.addr)) report('CLA6022', ['interfaces', i, 'gateway'], { name: raw.name, gateway: raw.gateway, network: formatCidr(c) });
    cfg.gateway = formatAddress(g.family, g.addr);
  }
  return ok ? cfg : undefined;
}
