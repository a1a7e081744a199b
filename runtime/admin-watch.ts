/**
 * The admin-side confirmation of a firewall change the lock-out proof flagged (issue 13).
 *
 * The runtime's own probes run from this host, so they cannot tell whether the admin can
 * still come in. What can: a new connection from the admin's address that gets through the
 * new table. While such a change is pending, a small table of our own watches for one:
 *
 *   table inet claude_admin_watch
 *     set fresh          (address . source port) of each new connection from the admin's
 *                        address to one of the admin's ports (SSH, the API)
 *     counter seen       packets of those connections once they are established
 *     chain input        hook input, priority filter + 10: after the `inet claude` table's
 *                        input chain (priority filter), so only packets that table
 *                        accepted reach it; policy accept, it never filters anything
 *
 * A connection counts only when its handshake completed (ct state established): the SYN got
 * in through the new input chain, the SYN-ACK got out through the new output chain, and the
 * admin's ACK got in again. A session that was open before the change does not count (its
 * source port is not in `fresh`), nor does a connection from another address. The table is
 * loaded after the new `inet claude` table (so nothing the old table accepted counts) and
 * removed when the change settles (by the applier, `claude recover`, or the watchdog).
 */
import { isIP } from 'node:net';
import type { NftDriver } from './drivers/nft.js';

export const ADMIN_WATCH_TABLE = 'inet claude_admin_watch';
const REMOVE = `table ${ADMIN_WATCH_TABLE} {}\ndelete table ${ADMIN_WATCH_TABLE}\n`;

export interface AdminProbe {
  /** The admin's address (SSH_CONNECTION's client, or 127.0.0.1 for a local API). */
  address: string;
  /** The ports the admin comes in on (the SSH server port, the API port). */
  ports: number[];
}

/** The nft text that (re)creates the watch table for `probe`. Throws on a bad address or port. */
export function adminWatchRuleset(probe: AdminProbe): string {
  const fam = isIP(probe.address);
  if (fam === 0) throw new Error(`adminProbe.address ${JSON.stringify(probe.address)} is not an IP address`);
  if (probe.ports.length === 0 || !probe.ports.every((p) => Number.isInteger(p) && p >= 1 && p <= 65535)) {
    throw new Error(`adminProbe.ports ${JSON.stringify(probe.ports)} must be 1 to 65535`);
  }
  const [type, match] = fam === 4 ? ['ipv4_addr', 'ip saddr'] : ['ipv6_addr', 'ip6 saddr'];
  const ports = `{ ${[...new Set(probe.ports)].sort((a, b) => a - b).join(', ')} }`;
  return (
    REMOVE +
    `table ${ADMIN_WATCH_TABLE} {
\tcounter seen {
\t}
\tset fresh {
\t\ttype ${type} . inet_service
\t\tsize 4096
\t\tflags dynamic
\t}
\tchain input {
\t\ttype filter hook input priority filter + 10; policy accept;
\t\t${match} ${probe.address} tcp dport ${ports} ct state new add @fresh { ${match} . tcp sport }
\t\t${match} . tcp sport @fresh tcp dport ${ports} ct state established counter name "seen"
\t}
}
`
  );
}

/** Loads the watch table (replacing a leftover one). */
export async function startAdminWatch(driver: NftDriver, probe: AdminProbe): Promise<void> {
  await driver.run(['-f', '-'], adminWatchRuleset(probe));
}

/** Packets of new, established connections from the admin seen so far (0 when the table is absent). */
export async function adminWatchSeen(driver: NftDriver): Promise<number> {
  let out: string;
  try {
    out = await driver.run(['-j', 'list', 'counter', ...ADMIN_WATCH_TABLE.split(' '), 'seen']);
  } catch {
    return 0;
  }
  const items = (JSON.parse(out) as { nftables?: { counter?: { packets?: number } }[] }).nftables ?? [];
  return items.reduce((n, it) => n + (it.counter?.packets ?? 0), 0);
}

/** Removes the watch table when it is there (a read first: nothing is loaded when it is not); never throws. */
export async function stopAdminWatch(driver: NftDriver): Promise<void> {
  const present = await driver.run(['list', 'table', ...ADMIN_WATCH_TABLE.split(' ')]).then(
    () => true,
    () => false,
  );
  if (present) await driver.run(['delete', 'table', ...ADMIN_WATCH_TABLE.split(' ')]).catch(() => undefined);
}

/**
 * Resolves true once a new connection from the admin got through (polled every `everyMs`);
 * resolves false when `stopped()` says the change settled otherwise.
 */
export async function waitForAdmin(driver: NftDriver, stopped: () => boolean, everyMs = 200): Promise<boolean> {
  for (;;) {
    if (stopped()) return false;
    if ((await adminWatchSeen(driver)) > 0) return true;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
