/**
 * Published ports on containerd, written by the runtime itself in nftables: one table per
 * container, `ip claude-ports-<container id>`, loaded in one `nft -f` transaction and
 * removed with one. It replaces the CNI portmap plugin (about 14 iptables runs per container,
 * one container at a time behind a process-wide queue, since portmap's top-level chains are
 * made with a check-then-create that two parallel calls raced on): a table of its own per
 * container shares nothing with any other, so two publishes never wait for each other and
 * never race, and a remove cannot touch another container's rules (docs/runtime.md "Published
 * ports on containerd").
 *
 * What the table does, as portmap with `snat: true` did:
 * - `prerouting` and `output` (nat, priority dstnat): a connection to the host port on any
 *   local address (`fib daddr type local`; or on the one `hostIP` named) is DNAT-ed to the
 *   container's address and port; `output` covers connections made on the host itself;
 * - `postrouting` (nat, srcnat): a connection from the host's loopback (127.0.0.0/8, which
 *   the kernel routes out of the bridge only with its `route_localnet` set, see `publish`) or
 *   from the container to itself through the host port (hairpin) is masqueraded, so the
 *   replies come back the way they went.
 *
 * The firewall (`inet claude`, docs/firewall.md) sees these connections as DNAT-ed (`ct
 * status dnat`) and holds them to the input rules, as it does Docker's. Only the nft driver
 * (../nft.ts) runs nft.
 */
import { writeFileSync } from 'node:fs';
import { NftDriver } from '../nft.js';
import type { PortMapping } from './cni.js';

/** The table of one container's published ports. */
export const PORTS_TABLE_PREFIX = 'claude-ports-';

export function portsTable(containerId: string): string {
  if (!/^[A-Za-z0-9_.-]{1,200}$/.test(containerId)) throw new Error(`not a containerd container id of this driver: ${JSON.stringify(containerId)}`);
  return `${PORTS_TABLE_PREFIX}${containerId}`;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/**
 * The `nft -f` text that makes (or replaces) a container's table: created if missing, deleted
 * and made again in the same transaction, so a publish is idempotent and atomic. A mapping
 * whose `hostIP` is IPv6 is left out (the containers' networks are IPv4 only).
 */
export function portsRuleset(containerId: string, ip: string, ports: readonly PortMapping[]): string {
  const table = `ip ${portsTable(containerId)}`;
  if (!IPV4.test(ip)) throw new Error(`container ${containerId} has no IPv4 address on its first network (${JSON.stringify(ip)}): its ports cannot be published`);
  const dnat: string[] = [];
  const masq = new Set<string>();
  for (const p of ports) {
    if (p.protocol !== 'tcp' && p.protocol !== 'udp') continue;
    const host = p.hostIP && p.hostIP !== '0.0.0.0' && p.hostIP !== '::' ? p.hostIP : null;
    if (host !== null && !IPV4.test(host)) continue;
    const to = `${p.protocol} dport ${p.hostPort} dnat to ${ip}:${p.containerPort}`;
    dnat.push(host === null ? `fib daddr type local ${to}` : `ip daddr ${host} ${to}`);
    masq.add(`ip saddr 127.0.0.0/8 ip daddr ${ip} ${p.protocol} dport ${p.containerPort} masquerade`);
    masq.add(`ip saddr ${ip} ip daddr ${ip} ${p.protocol} dport ${p.containerPort} masquerade`);
  }
  const chain = (name: string, hook: string, priority: string, rules: Iterable<string>) => [`\tchain ${name} {`, `\t\ttype nat hook ${hook} priority ${priority}; policy accept;`, ...[...rules].map((r) => `\t\t${r}`), '\t}'];
  return [
    `table ${table} {}`,
    `delete table ${table}`,
    `table ${table} {`,
    ...chain('prerouting', 'prerouting', 'dstnat', dnat),
    // `dstnat` is not a keyword nft 1.0 takes for the output hook: its value, -100
    ...chain('output', 'output', '-100', dnat),
    ...chain('postrouting', 'postrouting', 'srcnat', masq),
    '}',
    '',
  ].join('\n');
}

export class PortPublisher {
  readonly nft: NftDriver;

  /** `netns`: the network namespace that plays the host (tests); default: this process's. */
  constructor(readonly netns?: string) {
    this.nft = new NftDriver(netns ? { netns } : {});
  }

  /**
   * Publishes a container's ports (one `nft -f`). `bridge` is the host side of its first
   * network: its `route_localnet` is set, as portmap did, so a connection to 127.0.0.1 can be
   * DNAT-ed out of it.
   */
  async publish(containerId: string, ip: string, bridge: string, ports: readonly PortMapping[]): Promise<void> {
    await this.routeLocalnet(bridge);
    await this.nft.run(['-f', '-'], portsRuleset(containerId, ip, ports));
  }

  /** Removes a container's table (one `nft -f`; nothing to remove is not an error). */
  async unpublish(containerId: string): Promise<void> {
    const table = `ip ${portsTable(containerId)}`;
    await this.nft.run(['-f', '-'], `table ${table} {}\ndelete table ${table}\n`);
  }

  /** The container ids whose table exists (one `nft list tables`). */
  async published(): Promise<Set<string>> {
    const out = await this.nft.run(['list', 'tables', 'ip']);
    const ids = new Set<string>();
    for (const line of out.split('\n')) {
      const m = /^table ip (\S+)$/.exec(line.trim());
      if (m && m[1]!.startsWith(PORTS_TABLE_PREFIX)) ids.add(m[1]!.slice(PORTS_TABLE_PREFIX.length));
    }
    return ids;
  }

  private async routeLocalnet(bridge: string): Promise<void> {
    if (!/^[A-Za-z0-9_.-]{1,15}$/.test(bridge)) throw new Error(`not a bridge name: ${JSON.stringify(bridge)}`);
    if (!this.netns) {
      writeFileSync(`/proc/sys/net/ipv4/conf/${bridge}/route_localnet`, '1');
      return;
    }
    const { execFile } = await import('node:child_process');
    await new Promise<void>((resolve, reject) =>
      execFile('ip', ['netns', 'exec', this.netns!, 'sysctl', '-qw', `net.ipv4.conf.${bridge}.route_localnet=1`], (e, _o, stderr) => (e ? reject(new Error(`could not set route_localnet on ${bridge}: ${String(stderr).trim() || e.message}`)) : resolve())),
    );
  }
}
