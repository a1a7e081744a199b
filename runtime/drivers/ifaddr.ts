/**
 * Live interface settings with `ip` (iproute2): the part of a static interface declaration
 * that can take effect without a reboot. It brings the link up, sets the MTU, adds the
 * declared address and replaces the default route. It is additive on purpose: it never
 * removes an address or route it did not declare, because the admin may be connected
 * through one. The systemd-networkd file written beside it (compiler/hostnet.ts) makes the
 * configuration exact at the next `networkctl reload` or boot. DHCP interfaces are left to
 * networkd.
 *
 * Commands run as argv arrays (no shell); with `netns`, as `ip -n NAME …`.
 */
import { execFile } from 'node:child_process';

export interface StaticInterface {
  name: string;
  /** `addr/prefix`. */
  address: string;
  gateway?: string;
  mtu?: number;
}

export interface ObservedInterface {
  name: string;
  exists: boolean;
  up: boolean;
  mtu?: number;
  /** Global-scope addresses as `addr/prefix`, sorted. */
  addresses: string[];
  /** Default-route gateways through this interface, sorted. */
  gateways: string[];
}

export class IpError extends Error {
  constructor(
    message: string,
    readonly stderr: string,
  ) {
    super(message);
    this.name = 'IpError';
  }
}

export class InterfaceDriver {
  readonly netns: string | undefined;
  private readonly ipBin: string;

  constructor(opts: { netns?: string; ipBin?: string } = {}) {
    if (opts.netns !== undefined && !/^[A-Za-z0-9_.-]{1,64}$/.test(opts.netns)) throw new Error(`InterfaceDriver: invalid network namespace name ${JSON.stringify(opts.netns)}`);
    this.netns = opts.netns;
    this.ipBin = opts.ipBin ?? 'ip';
  }

  private ip(args: string[]): Promise<string> {
    const argv = this.netns ? ['-n', this.netns, ...args] : args;
    return new Promise((resolve, reject) => {
      execFile(this.ipBin, argv, { encoding: 'utf8', timeout: 30_000 }, (err, stdout, stderr) => {
        if (err) reject(new IpError(`ip ${argv.join(' ')} failed: ${(stderr || err.message).trim()}`, stderr));
        else resolve(stdout);
      });
    });
  }

  async observe(name: string): Promise<ObservedInterface> {
    let links: { operstate?: string; flags?: string[]; mtu?: number; addr_info?: { local: string; prefixlen: number; scope: string }[] }[];
    try {
      links = JSON.parse(await this.ip(['-j', 'addr', 'show', 'dev', name])) as typeof links;
    } catch (e) {
      if (e instanceof IpError && /does not exist|Cannot find device/i.test(e.stderr)) return { name, exists: false, up: false, addresses: [], gateways: [] };
      throw e;
    }
    const l = links[0];
    if (!l) return { name, exists: false, up: false, addresses: [], gateways: [] };
    const routes = JSON.parse(await this.ip(['-j', 'route', 'show', 'default', 'dev', name])) as { gateway?: string }[];
    return {
      name,
      exists: true,
      up: (l.flags ?? []).includes('UP'),
      ...(l.mtu !== undefined ? { mtu: l.mtu } : {}),
      addresses: (l.addr_info ?? []).filter((a) => a.scope === 'global').map((a) => `${a.local}/${a.prefixlen}`).sort(),
      gateways: routes.map((r) => r.gateway).filter((g): g is string => !!g).sort(),
    };
  }

  /** Applies a static interface; returns what it changed (empty when already so). */
  async applyStatic(cfg: StaticInterface): Promise<{ changed: string[] }> {
    const before = await this.observe(cfg.name);
    if (!before.exists) throw new IpError(`interface ${cfg.name} does not exist on this host${this.netns ? ` (namespace ${this.netns})` : ''}; check the name in network.yaml (ip link lists the interfaces)`, '');
    const changed: string[] = [];
    if (cfg.mtu !== undefined && before.mtu !== cfg.mtu) {
      await this.ip(['link', 'set', 'dev', cfg.name, 'mtu', String(cfg.mtu)]);
      changed.push(`mtu ${cfg.mtu}`);
    }
    if (!before.up) {
      await this.ip(['link', 'set', 'dev', cfg.name, 'up']);
      changed.push('up');
    }
    if (!before.addresses.includes(cfg.address)) {
      await this.ip(['addr', 'replace', cfg.address, 'dev', cfg.name]);
      changed.push(`address ${cfg.address}`);
    }
    if (cfg.gateway && !before.gateways.includes(cfg.gateway)) {
      const v6 = cfg.gateway.includes(':');
      await this.ip([...(v6 ? ['-6'] : []), 'route', 'replace', 'default', 'via', cfg.gateway, 'dev', cfg.name]);
      changed.push(`default via ${cfg.gateway}`);
    }
    return { changed };
  }
}
