/**
 * Container networking for the containerd driver, with the standard CNI plugins
 * (Debian's `containernetworking-plugins`: bridge, host-local IPAM, loopback; firewall and
 * portmap only to undo what they made for a container attached before they were replaced).
 * Published ports are not a plugin's: the driver writes them in nftables (./ports.ts).
 *
 * CNI is an exec protocol: a plugin is a binary run with CNI_* environment variables and
 * the network configuration on stdin, answering a JSON result (github.com/containernetworking/cni
 * SPEC.md). This module runs those fixed binaries, as every CNI runtime (libcni) does; it
 * never builds a shell command. Each container gets its own network namespace
 * (`ip netns add`); each Claude.OS network is one Linux bridge with its own subnet.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const CNI_VERSION = '0.4.0';
const DEFAULT_BIN_DIRS = ['/usr/lib/cni', '/opt/cni/bin'];

export interface CniNetwork {
  name: string;
  bridge: string;
  subnet: string;
  internal: boolean;
}

export interface PortMapping {
  hostPort: number;
  containerPort: number;
  protocol: string;
  hostIP?: string;
}

/** A plugin's ADD result (the parts we read). */
export interface CniResult {
  cniVersion: string;
  interfaces?: { name: string; mac?: string; sandbox?: string }[];
  ips?: { address: string; gateway?: string; interface?: number; version?: string }[];
  routes?: unknown[];
  dns?: unknown;
}

export class CniError extends Error {
  override name = 'CniError';
}

export function cniBinDir(explicit?: string): string {
  if (explicit) return explicit;
  for (const d of DEFAULT_BIN_DIRS) if (existsSync(join(d, 'bridge'))) return d;
  throw new CniError(`the CNI plugins are not installed (looked in ${DEFAULT_BIN_DIRS.join(', ')}); install Debian's containernetworking-plugins (scripts/setup-host.sh)`);
}

function run(file: string, args: string[], o: { env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number } = {}): Promise<{ stdout: string; stderr: string; code: number; timedOut: boolean }> {
  return new Promise((resolve) => {
    const child = execFile(file, args, { env: o.env ?? process.env, maxBuffer: 4 * 1024 * 1024, timeout: o.timeoutMs ?? 60_000 }, (err, stdout, stderr) => {
      const e = err as { code?: number | string; killed?: boolean; signal?: string | null } | null;
      resolve({ stdout: String(stdout), stderr: String(stderr), code: e ? (typeof e.code === 'number' ? e.code : 1) : 0, timedOut: !!e?.killed && e.signal === 'SIGTERM' });
    });
    if (o.input !== undefined) child.stdin?.end(o.input);
  });
}

/**
 * A plugin that creates shared iptables chains (firewall: CNI-FORWARD, CNI-ADMIN; portmap:
 * CNI-HOSTPORT-*) runs one at a time with others of its type in this process. Each creates
 * its chains on first use with a check-then-create, so two at once on a host where the chain
 * does not exist yet both try, and one fails with `CHAIN_USER_ADD failed (File exists): chain
 * CNI-HOSTPORT-DNAT` (CI, 2026-12-05: the containerd stack's postgres and redis created in
 * parallel, rolled back). The two types share no chain (firewall's are in the filter table,
 * portmap's in nat), so one container's firewall runs beside another's portmap; bridge and
 * IPAM calls stay parallel.
 */
const turns = new Map<string, Promise<unknown>>();
function oneAtATime<T>(type: string, f: () => Promise<T>): Promise<T> {
  const mine = (turns.get(type) ?? Promise.resolve()).then(f, f);
  turns.set(type, mine.catch(() => undefined));
  return mine;
}
const SHARED_CHAINS = new Set(['firewall', 'portmap']);

/**
 * The iptables rules a network's containers share, one set per network (not per container):
 * what the bridge plugin's `ipMasq` (a chain and 7 iptables runs per container) and the
 * firewall plugin (7 more) did for each container, said once for the subnet. Out of the
 * subnet to anywhere else is masqueraded (`-s subnet ! -d subnet`, as ipMasq's chain did: not
 * `! -o bridge` as Docker has it, which with br_netfilter would masquerade the traffic between
 * the containers of another network given the same subnet by a second engine); in the host's FORWARD chain (Docker sets its policy to DROP) the
 * containers' traffic out, and the replies to it, are accepted, as the firewall plugin did
 * per address.
 */
function networkRules(net: CniNetwork): { table: string; chain: string; insert: boolean; spec: string[] }[] {
  const c = ['-m', 'comment', '--comment', `claude-os network ${net.name}`];
  return [
    ...(net.internal ? [] : [{ table: 'nat', chain: 'POSTROUTING', insert: false, spec: ['-s', net.subnet, '!', '-d', net.subnet, ...c, '-j', 'MASQUERADE'] }]),
    { table: 'filter', chain: 'FORWARD', insert: true, spec: ['-s', net.subnet, ...c, '-j', 'ACCEPT'] },
    { table: 'filter', chain: 'FORWARD', insert: true, spec: ['-d', net.subnet, '-m', 'conntrack', '--ctstate', 'RELATED,ESTABLISHED', ...c, '-j', 'ACCEPT'] },
    // a published port's connection from another machine (DNAT-ed by ./ports.ts): with Docker
    // on the host the FORWARD policy is DROP and dropped it (the host's own, through loopback,
    // never crosses FORWARD); the `inet claude` firewall still holds it to the input rules
    { table: 'filter', chain: 'FORWARD', insert: true, spec: ['-d', net.subnet, '-m', 'conntrack', '--ctstate', 'DNAT', ...c, '-j', 'ACCEPT'] },
  ];
}

/** How long the first namespace asked for waits for others to be made with it (createNetns). */
const NETNS_GATHER_MS = 5;

export class Cni {
  constructor(
    readonly binDir: string,
    /** host-local's lease directory (one per driver state dir). */
    readonly ipamDir: string,
    /**
     * How long one plugin call may take before it is stopped. Generous: under software
     * emulation on a busy machine (the image's boot test) a bridge ADD took over a minute.
     */
    readonly pluginTimeoutMs = 300_000,
    /**
     * The network namespace that plays the host (tests): the plugins, `ip` and `iptables`
     * run in it (`ip netns exec`), so the bridges and rules are made there. Default: this
     * process's namespace.
     */
    readonly hostNetns?: string,
  ) {}

  /** Runs a host-side command (a plugin, ip, iptables) in the host's namespace. */
  private host(file: string, args: string[], o: { env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number } = {}) {
    return this.hostNetns ? run('ip', ['netns', 'exec', this.hostNetns, file, ...args], o) : run(file, args, o);
  }

  netnsPath(ns: string): string {
    return `/var/run/netns/${ns}`;
  }

  /**
   * Makes the namespace (none when it exists). A plan's creates begin within a few ms of each
   * other (1–2 ms apart quiet, 20–60 ms at a load of 28), each on its own turn of the event
   * loop: the asks that come within NETNS_GATHER_MS of the first, or while an earlier batch
   * runs, are made by one `ip -batch`: one process instead of one each, on every create's
   * path (three at ≈ 130, 210 and 250 ms after the creates began, quiet, in the stack bench).
   * When a batch fails, each one left is made on its own, so each failure names its namespace.
   */
  createNetns(ns: string): Promise<void> {
    if (existsSync(this.netnsPath(ns))) return Promise.resolve();
    let batch = this.netnsBatch;
    if (!batch) {
      const names = new Set<string>();
      const before = this.netnsRunning;
      const made = Promise.all([before, new Promise((r) => setTimeout(r, NETNS_GATHER_MS))]).then(async () => {
        this.netnsBatch = undefined;
        const todo = [...names].filter((n) => !existsSync(this.netnsPath(n)));
        if (todo.length > 1 && (await run('ip', ['-batch', '-'], { input: todo.map((n) => `netns add ${n}\n`).join('') })).code === 0) return new Map<string, Error>();
        const failed = new Map<string, Error>();
        for (const n of todo) {
          if (existsSync(this.netnsPath(n))) continue;
          const r = await run('ip', ['netns', 'add', n]);
          if (r.code !== 0) failed.set(n, new CniError(`ip netns add ${n} failed: ${r.stderr.trim()}`));
        }
        return failed;
      });
      batch = this.netnsBatch = { names, made };
      this.netnsRunning = made.then(() => undefined);
    }
    batch.names.add(ns);
    return batch.made.then((failed) => {
      const e = failed.get(ns);
      if (e) throw e;
    });
  }
  /** The batch still taking asks (made by its first ask, run after NETNS_GATHER_MS and the batch before it). */
  private netnsBatch: { names: Set<string>; made: Promise<Map<string, Error>> } | undefined;
  /** The last batch made: the next one runs after it. */
  private netnsRunning: Promise<void> = Promise.resolve();

  async deleteNetns(ns: string): Promise<void> {
    if (!existsSync(this.netnsPath(ns))) return;
    const r = await run('ip', ['netns', 'del', ns]);
    if (r.code !== 0) throw new CniError(`ip netns del ${ns} failed: ${r.stderr.trim()}`);
  }

  netnsExists(ns: string): boolean {
    return existsSync(this.netnsPath(ns));
  }

  private bridgeConf(net: CniNetwork, legacy = false): Record<string, unknown> {
    return {
      cniVersion: CNI_VERSION,
      name: net.name,
      type: 'bridge',
      bridge: net.bridge,
      isGateway: true,
      // the network's masquerade is one rule for the subnet (networkRules); an attachment made
      // before that (`legacy`) had a chain of its own, which its DEL must remove
      ipMasq: legacy && !net.internal,
      hairpinMode: true,
      ipam: { type: 'host-local', ranges: [[{ subnet: net.subnet }]], routes: net.internal ? [] : [{ dst: '0.0.0.0/0' }], dataDir: this.ipamDir },
    };
  }

  private portmapConf(net: CniNetwork, ports: PortMapping[], prevResult: CniResult): Record<string, unknown> {
    return { cniVersion: CNI_VERSION, name: net.name, type: 'portmap', snat: true, capabilities: { portMappings: true }, runtimeConfig: { portMappings: ports }, prevResult };
  }

  private async plugin(type: string, command: 'ADD' | 'DEL', conf: Record<string, unknown>, containerId: string, ns: string, ifname: string): Promise<CniResult | null> {
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin',
      CNI_COMMAND: command,
      CNI_CONTAINERID: containerId,
      CNI_NETNS: this.netnsPath(ns),
      CNI_IFNAME: ifname,
      CNI_PATH: this.binDir,
    };
    const call = () => this.host(join(this.binDir, type), [], { env, input: JSON.stringify(conf), timeoutMs: this.pluginTimeoutMs });
    const r = await (SHARED_CHAINS.has(type) ? oneAtATime(type, call) : call());
    if (r.timedOut) throw new CniError(`CNI ${type} ${command} for ${containerId} on ${String(conf.name)} did not finish within ${this.pluginTimeoutMs / 1000} s and was stopped (is the machine overloaded?)`);
    if (r.code !== 0) {
      let msg = r.stdout.trim() || r.stderr.trim();
      try {
        const j = JSON.parse(r.stdout) as { msg?: string; details?: string };
        msg = [j.msg, j.details].filter(Boolean).join(': ');
      } catch {
        /* not JSON */
      }
      throw new CniError(`CNI ${type} ${command} for ${containerId} on ${String(conf.name)} failed: ${msg}`);
    }
    return command === 'ADD' ? (JSON.parse(r.stdout) as CniResult) : null;
  }

  /** Brings up `lo` in the namespace. */
  async loopback(containerId: string, ns: string): Promise<void> {
    await this.plugin('loopback', 'ADD', { cniVersion: CNI_VERSION, name: 'lo', type: 'loopback' }, containerId, ns, 'lo');
  }

  /**
   * The `firewall` plugin accepted each container's traffic in the host's FORWARD chain; now
   * the network's shared rules do (networkRules). Kept to remove what it added for a container
   * attached before (`detach` with `legacy`).
   */
  private firewallConf(net: CniNetwork, prevResult: CniResult): Record<string, unknown> {
    return { cniVersion: CNI_VERSION, name: net.name, type: 'firewall', backend: 'iptables', prevResult };
  }

  /**
   * Attaches the namespace to a network as `ifname` (bridge and host-local), with the
   * network's shared rules made sure of beside it (networkRules). Returns the address (no
   * prefix). Its published ports are the driver's (./ports.ts), not a plugin's.
   */
  async attach(net: CniNetwork, containerId: string, ns: string, ifname: string): Promise<{ ip: string; result: CniResult }> {
    const [added, rules] = await Promise.allSettled([this.plugin('bridge', 'ADD', this.bridgeConf(net), containerId, ns, ifname), this.ensureNetworkRules(net)]);
    if (added.status === 'rejected' || rules.status === 'rejected') {
      if (added.status === 'fulfilled') await this.plugin('bridge', 'DEL', this.bridgeConf(net), containerId, ns, ifname).catch(() => undefined);
      throw added.status === 'rejected' ? added.reason : (rules as PromiseRejectedResult).reason;
    }
    const result = added.value!;
    const ip = (result.ips?.[0]?.address ?? '').split('/')[0] ?? '';
    return { ip, result };
  }

  /**
   * Detaches (idempotent: CNI DEL of a missing attachment succeeds). `legacy`: attached before
   * the network's rules were shared (per container: the firewall plugin's rules and ipMasq's
   * chain, both removed here). `portmapPorts`: the ports the portmap plugin published for an
   * attachment made before the driver published them itself (removed with a portmap DEL).
   */
  async detach(net: CniNetwork, containerId: string, ns: string, ifname: string, portmapPorts: PortMapping[], result: CniResult | null, legacy = false): Promise<void> {
    if (portmapPorts.length) await this.plugin('portmap', 'DEL', this.portmapConf(net, portmapPorts, result ?? { cniVersion: CNI_VERSION }), containerId, ns, ifname);
    if (legacy) await this.plugin('firewall', 'DEL', this.firewallConf(net, result ?? { cniVersion: CNI_VERSION }), containerId, ns, ifname);
    await this.plugin('bridge', 'DEL', this.bridgeConf(net, legacy), containerId, ns, ifname);
  }

  private rulesInFlight = new Map<string, Promise<void>>();
  /** The network's shared rules (networkRules), each added unless there (`iptables -C`); one check at a time per network. */
  ensureNetworkRules(net: CniNetwork): Promise<void> {
    const key = `${net.name} ${net.subnet} ${net.bridge} ${net.internal}`;
    const inFlight = this.rulesInFlight.get(key);
    if (inFlight) return inFlight;
    const p = (async () => {
      for (const r of networkRules(net)) {
        if ((await this.host('iptables', ['-w', '-t', r.table, '-C', r.chain, ...r.spec])).code === 0) continue;
        const add = await this.host('iptables', ['-w', '-t', r.table, r.insert ? '-I' : '-A', r.chain, ...r.spec]);
        if (add.code !== 0) throw new CniError(`iptables could not add network ${net.name}'s rule (${r.table} ${r.chain} ${r.spec.join(' ')}): ${add.stderr.trim()}`);
      }
    })().finally(() => this.rulesInFlight.delete(key));
    this.rulesInFlight.set(key, p);
    return p;
  }

  /** Removes the network's shared rules (every copy: two processes may each have added one). */
  async removeNetworkRules(net: CniNetwork): Promise<void> {
    for (const r of networkRules(net)) {
      for (let i = 0; i < 10; i++) if ((await this.host('iptables', ['-w', '-t', r.table, '-D', r.chain, ...r.spec])).code !== 0) break;
    }
  }

  /** Releases the address host-local leased to this container (bridge DEL; the namespace may be gone). */
  async release(net: CniNetwork, containerId: string, ns: string, ifname: string): Promise<void> {
    await this.plugin('bridge', 'DEL', this.bridgeConf(net), containerId, ns, ifname);
  }

  /** Removes a network's bridge device once nothing uses it (idempotent). */
  async removeBridge(bridge: string): Promise<void> {
    if (!(await this.linkExists(bridge))) return;
    const r = await this.host('ip', ['link', 'del', bridge]);
    if (r.code !== 0 && (await this.linkExists(bridge))) throw new CniError(`ip link del ${bridge} failed: ${r.stderr.trim()}`);
  }

  /** Whether a network device of that name exists in the host's namespace. */
  async linkExists(name: string): Promise<boolean> {
    if (!this.hostNetns) return existsSync(`/sys/class/net/${name}`);
    return (await this.host('ip', ['link', 'show', 'dev', name])).code === 0;
  }

  /**
   * Makes a network's bridge with its gateway address (the subnet's first address) when the
   * network is created, not at its first attach, so its subnet is a route on the host at once:
   * what the next network's subnet choice looks at, whoever makes it (another Claude.OS
   * instance on its own containerd state, or Docker, which leaves routed subnets alone in its
   * newer releases). The bridge plugin takes the bridge and address as they are.
   *
   * `contested` (a subnet the driver chose, which another chooser may take at the same
   * moment): the bridge is made carrying the claim's MAC address (claimMac), so the claim is
   * on the host from the bridge's creation (one netlink message), before its route is; in the
   * same `ip -batch`, once it is up, the host's links and routes are read, and the bridge is
   * removed and false returned (the caller picks again) when another device routes the subnet
   * that is no claimant (Docker's, anything else), or another claimant was made first (its
   * ifindex is lower: the kernel numbers links in the order they are made). Each claimant
   * reads after its own link exists, so of two the later one always sees the earlier and
   * yields; the earlier keeps it whether or not it saw the later. (The rule before, "the
   * bridge whose name sorts first keeps it", held only when each saw the other: one that
   * looked before the other's bridge was up kept it, and so did the other when its name
   * sorted first, CI 2026-12-06 09:01.)
   */
  async claimBridge(bridge: string, subnet: string, contested = false): Promise<boolean> {
    const gateway = firstAddress(subnet);
    const mac = contested ? claimMac(subnet) : undefined;
    // one `ip -batch` (a network create is on the path of every container on it: three ip runs
    // were 0.7 s at a load of 25)
    const existed = await this.linkExists(bridge);
    const add = existed ? (mac ? [`link set dev ${bridge} address ${mac}`] : []) : [`link add ${bridge}${mac ? ` address ${mac}` : ''} type bridge`];
    const batch = [...add, `addr replace ${gateway}/${subnet.split('/')[1]} dev ${bridge}`, `link set ${bridge} up`, ...(mac ? ['link show', 'route show'] : [])];
    const made = await this.host('ip', ['-4', '-j', '-batch', '-'], { input: batch.join('\n') + '\n' });
    const fail = async (why: string): Promise<never> => {
      // the batch stops at its first failure: a bridge it added before that is removed (review L7)
      const left = existed ? '' : await this.removeBridge(bridge).then(() => '', (e: unknown) => `; and the bridge it made could not be removed: ${(e as Error).message}`);
      throw new CniError(`ip could not make bridge ${bridge} for ${subnet}: ${why}${left}`);
    };
    if (made.code !== 0) return fail(made.stderr.trim());
    if (!mac) return true;
    let links: { ifindex: number; ifname: string; address?: string }[];
    let routes: { dst: string; dev?: string }[];
    try {
      const [l, r] = made.stdout.split('\n').filter((x) => x.trim());
      links = JSON.parse(l!) as typeof links;
      routes = JSON.parse(r!) as typeof routes;
    } catch {
      return fail(`its read of the host's links and routes was not two JSON lists: ${made.stdout.slice(0, 200)}`);
    }
    const mine = links.find((l) => l.ifname === bridge);
    if (!mine) return fail('the bridge is not among the host\'s links after it was made');
    const claimants = new Map(links.filter((l) => l.address === mac && l.ifname !== bridge).map((l) => [l.ifname, l.ifindex]));
    const earlier = [...claimants.values()].some((i) => i < mine.ifindex);
    const other = routes.some((r) => r.dst === subnet && r.dev !== bridge && !claimants.has(r.dev ?? ''));
    if (earlier || other) {
      await this.removeBridge(bridge);
      return false;
    }
    return true;
  }

  /** The IPv4 routes of the host (an `ip` that fails is an error: a choice that saw no routes would take a subnet in use). */
  private async routes(): Promise<{ dst: string; dev: string }[]> {
    const r = await this.host('ip', ['-4', '-j', 'route', 'show']);
    let parsed: { dst: string; dev?: string }[] | null = null;
    try {
      parsed = r.code === 0 ? (JSON.parse(r.stdout) as { dst: string; dev?: string }[]) : null;
    } catch {
      /* below */
    }
    if (!parsed) throw new CniError(`ip could not list the host's routes (to choose a free subnet): ${r.stderr.trim() || r.stdout.slice(0, 200)}`);
    return parsed.map((x) => ({ dst: x.dst, dev: x.dev ?? '' }));
  }

  /** The IPv4 subnets routed on this host (to pick a free one for a new network). */
  async usedSubnets(): Promise<string[]> {
    return (await this.routes()).map((x) => x.dst).filter((d) => d.includes('/'));
  }
}

/**
 * The MAC address of a bridge made for a subnet the driver chose (Cni.claimBridge): locally
 * administered and unicast (02), then the subnet's network address and prefix length
 * (`10.89.77.0/24` → `02:0a:59:4d:00:18`). A bridge's address set when it is made stays (the
 * kernel does not replace an address that was set with its ports' lowest), and it is the
 * gateway's only on that bridge's own segment.
 */
export function claimMac(subnet: string): string {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(subnet);
  if (!m) throw new CniError(`not an IPv4 subnet: ${subnet}`);
  return [2, ...m.slice(1, 6).map(Number)].map((b) => b.toString(16).padStart(2, '0')).join(':');
}

/** The first host address of an IPv4 subnet (`10.89.3.0/24` → `10.89.3.1`): the bridge's gateway, as host-local gives it. */
export function firstAddress(subnet: string): string {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(subnet);
  if (!m) throw new CniError(`not an IPv4 subnet: ${subnet}`);
  const bits = Number(m[5]);
  const n = ((Number(m[1]) << 24) | (Number(m[2]) << 16) | (Number(m[3]) << 8) | Number(m[4])) >>> 0;
  const base = bits === 0 ? 0 : (n & (0xffffffff << (32 - bits))) >>> 0;
  const g = (base + 1) >>> 0;
  return [g >>> 24, (g >>> 16) & 255, (g >>> 8) & 255, g & 255].join('.');
}
