/**
 * Host facts from /proc, statfs and node:os: hostname, uptime, CPU, memory, memory
 * pressure, disks, interfaces, DNS servers. Read-only; every reader tolerates a missing
 * file (containers and old kernels lack some) and leaves the field out.
 */
import { readFileSync, statfsSync } from 'node:fs';
import { hostname as osHostname, networkInterfaces, cpus } from 'node:os';
import { join } from 'node:path';
import type { DiskFacts, HostFacts, InterfaceFacts } from '../../plan/observed.js';

export interface HostOptions {
  /** /proc (tests may point it elsewhere). */
  procRoot?: string;
  /** Root prefix for /etc files (resolv.conf, hostname): CLAUDE_ROOT. */
  root?: string;
  /** Mount points to report (default: "/" and the data dir's mount). */
  mounts?: string[];
  /** The previous sample's cumulative CPU times, for a CPU % delta. */
  previousCpu?: { busy: number; total: number };
  now: () => Date;
}

function read(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/** Cumulative busy and total jiffies from the first line of /proc/stat. */
export function parseProcStat(text: string): { busy: number; total: number } {
  const line = text.split('\n', 1)[0] ?? '';
  const f = line.trim().split(/\s+/).slice(1).map(Number);
  const total = f.reduce((a, b) => a + (Number.isFinite(b) ? b : 0), 0);
  const idle = (f[3] ?? 0) + (f[4] ?? 0);
  return { busy: total - idle, total };
}

/**
 * The CPUs /proc/stat lists (its `cpuN` lines): what `os.cpus().length` counts, since libuv
 * counts the same lines, without what os.cpus() reads besides (/proc/stat twice more,
 * /proc/cpuinfo, each CPU's cpufreq file in /sys) and the objects it makes, on a path
 * (`claude status`, every observation) that needs only the number. 0 when there are none.
 */
export function cpuCountOf(stat: string): number {
  return stat.match(/^cpu\d+ /gm)?.length ?? 0;
}

/** MemTotal / MemAvailable (bytes) from /proc/meminfo. */
export function parseMeminfo(text: string): { total: number; available: number } {
  const get = (k: string): number => {
    const m = new RegExp(`^${k}:\\s+(\\d+)\\s*kB`, 'm').exec(text);
    return m ? Number(m[1]) * 1024 : 0;
  };
  const total = get('MemTotal');
  const avail = text.includes('MemAvailable:') ? get('MemAvailable') : get('MemFree') + get('Cached') + get('Buffers');
  return { total, available: avail };
}

export function cpuPercentBetween(a: { busy: number; total: number }, b: { busy: number; total: number }): number | undefined {
  const dt = b.total - a.total;
  if (dt <= 0) return undefined;
  return round1(((b.busy - a.busy) / dt) * 100);
}

export function diskUsage(mount: string): DiskFacts | null {
  try {
    const s = statfsSync(mount, { bigint: false });
    const total = s.blocks * s.bsize;
    // df's "Used" is total minus free; its percentage is used / (used + available).
    const used = (s.blocks - s.bfree) * s.bsize;
    const avail = s.bavail * s.bsize;
    const pct = used + avail > 0 ? Math.round((used / (used + avail)) * 100) : 0;
    return { mount, totalBytes: total, usedBytes: used, availableBytes: avail, usagePercent: pct };
  } catch {
    return null;
  }
}

/** Interfaces that are not the host's own way out: loopback, container bridges and their veths. */
const NOT_PRIMARY = /^(lo|docker\d*|br-|veth|claude|cni|virbr|flannel|cali|tun|wg)/;

/** The interface of the IPv4 default route (/proc/net/route: destination 00000000), if any. */
export function defaultRouteInterface(routeText?: string): string | undefined {
  let text = routeText;
  if (text === undefined) {
    try {
      text = readFileSync('/proc/net/route', 'utf8');
    } catch {
      return undefined;
    }
  }
  for (const line of text.split('\n').slice(1)) {
    const [iface, dest, , , , , , mask] = line.trim().split(/\s+/);
    if (iface && dest === '00000000' && mask === '00000000') return iface;
  }
  return undefined;
}

/**
 * This host's primary IPv4 address, the one a person on the network reaches it at: the default
 * route's interface's, else the first interface's that is not loopback, a container bridge or a
 * veth (a Docker bridge's gateway 172.18.0.1 is reachable from this host only). Undefined when
 * there is none.
 */
export function primaryAddress(ifs: ReturnType<typeof networkInterfaces> = networkInterfaces(), routeText?: string): string | undefined {
  const v4 = (name: string) => (ifs[name] ?? []).find((a) => a.family === 'IPv4' && !a.internal)?.address;
  const dflt = defaultRouteInterface(routeText);
  if (dflt && v4(dflt)) return v4(dflt);
  for (const name of Object.keys(ifs).sort()) if (!NOT_PRIMARY.test(name) && v4(name)) return v4(name);
  return undefined;
}

function interfacesOf(): { list: InterfaceFacts[]; primary?: string } {
  const ifs = networkInterfaces();
  const list: InterfaceFacts[] = [];
  for (const name of Object.keys(ifs).sort()) {
    const addrs = ifs[name] ?? [];
    const v4 = addrs.filter((a) => a.family === 'IPv4').map((a) => a.cidr ?? a.address);
    const v6 = addrs.filter((a) => a.family === 'IPv6' && !a.address.startsWith('fe80')).map((a) => a.cidr ?? a.address);
    list.push({ name, addresses: [...v4, ...v6], state: addrs.length > 0 ? 'up' : 'down' });
  }
  const primary = primaryAddress(ifs);
  return { list, ...(primary !== undefined ? { primary } : {}) };
}

export function parseResolvConf(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*nameserver\s+(\S+)/.exec(line);
    if (m) out.push(m[1]!);
  }
  return out;
}

export function collectHost(opts: HostOptions): HostFacts {
  const proc = opts.procRoot ?? '/proc';
  const root = opts.root ?? '/';
  const now = opts.now();
  const uptimeS = Math.floor(Number((read(join(proc, 'uptime')) ?? '0').split(/\s+/)[0]) || 0);
  const stat = read(join(proc, 'stat')) ?? '';
  const cpuTimes = parseProcStat(stat);
  const mem = parseMeminfo(read(join(proc, 'meminfo')) ?? '');
  const load1 = Number((read(join(proc, 'loadavg')) ?? '0').split(/\s+/)[0]) || 0;
  const psi = read(join(proc, 'pressure/memory'));
  const psiSome = psi ? /some avg10=([\d.]+)/.exec(psi) : null;
  const disks: DiskFacts[] = [];
  const seen = new Set<string>();
  for (const m of opts.mounts ?? ['/']) {
    if (seen.has(m)) continue;
    seen.add(m);
    const d = diskUsage(m);
    if (d) disks.push(d);
  }
  const { list, primary } = interfacesOf();
  const host = (read(join(root, 'etc/hostname')) ?? '').trim() || osHostname();
  return {
    hostname: host,
    uptimeS,
    bootTime: new Date(Math.floor(now.getTime() / 1000 - uptimeS) * 1000).toISOString(),
    cpuCores: cpuCountOf(stat) || cpus().length || 1,
    cpuPercent: opts.previousCpu ? cpuPercentBetween(opts.previousCpu, cpuTimes) : undefined,
    cpuTimes,
    load1,
    memTotalBytes: mem.total,
    memAvailableBytes: mem.available,
    memUsedBytes: Math.max(0, mem.total - mem.available),
    memPressureSome10: psiSome ? Number(psiSome[1]) : undefined,
    disks,
    interfaces: list,
    primaryIp: primary,
    dnsServers: parseResolvConf(read(join(root, 'etc/resolv.conf')) ?? ''),
  };
}

export function round1(n: number): number {
  return Math.round(n * 10) / 10;
}
