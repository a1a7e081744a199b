/**
 * A published host port as people read it: on every address of the host a plain number
 * (`8080`); bound to one address, that address with it (`127.0.0.1:5432`, `[::1]:5432`), and a
 * loopback one says that only this machine reaches it. The observed summary keeps such a port
 * as the string (runtime/observe/summary.ts); a summary written before holds numbers only,
 * and they read as before.
 */

/** Addresses that mean "every address of the host" (Docker lists 0.0.0.0 and :: for one port published on all). */
const ANY = new Set(['', '0.0.0.0', '::']);

/** The summary's entry for host port `port` bound to `hostIp`: a number on every address, else `ADDR:PORT`. */
export function hostPortEntry(port: number, hostIp?: string): number | string {
  if (hostIp === undefined || ANY.has(hostIp)) return port;
  return hostIp.includes(':') ? `[${hostIp}]:${port}` : `${hostIp}:${port}`;
}

/** The distinct entries of `ports`, by port (on every address before one address). */
export function hostPortEntries(ports: readonly { host?: number; hostIp?: string }[]): (number | string)[] {
  const seen = new Map<string, { entry: number | string; port: number }>();
  for (const p of ports) {
    if (p.host === undefined) continue;
    const entry = hostPortEntry(p.host, p.hostIp);
    seen.set(String(entry), { entry, port: p.host });
  }
  return [...seen.values()].sort((a, b) => a.port - b.port || (typeof a.entry === 'number' ? -1 : typeof b.entry === 'number' ? 1 : String(a.entry) < String(b.entry) ? -1 : 1)).map((x) => x.entry);
}

/** A published port as `claude services --json` gives it: `host_address` only when bound to one address. */
export interface PublishedPort {
  port: number;
  host_address?: string;
  protocol: string;
}

/** The distinct published ports of `ports`, by port, then protocol, then address (every address first). */
export function publishedPorts(ports: readonly { host?: number; hostIp?: string; protocol: string }[]): PublishedPort[] {
  const seen = new Map<string, PublishedPort>();
  for (const p of ports) {
    if (p.host === undefined) continue;
    const addr = p.hostIp === undefined || ANY.has(p.hostIp) ? undefined : p.hostIp;
    seen.set(`${p.host}/${p.protocol}/${addr ?? ''}`, { port: p.host, ...(addr !== undefined ? { host_address: addr } : {}), protocol: p.protocol });
  }
  return [...seen.values()].sort((a, b) => a.port - b.port || (a.protocol < b.protocol ? -1 : a.protocol > b.protocol ? 1 : 0) || ((a.host_address ?? '') < (b.host_address ?? '') ? -1 : 1));
}

/** Whether `addr` is a loopback address (127.0.0.0/8, ::1). */
export function isLoopbackAddress(addr: string): boolean {
  return /^127\./.test(addr) || addr === '::1' || addr === 'localhost';
}

/** One entry for people: `5432`, `10.0.0.5:80`, `127.0.0.1:5432 (this machine only)`. */
export function hostPortText(entry: number | string): string {
  if (typeof entry === 'number') return String(entry);
  const addr = /^\[?(.*?)\]?:\d+$/.exec(entry)?.[1] ?? '';
  return isLoopbackAddress(addr) ? `${entry} (this machine only)` : entry;
}
