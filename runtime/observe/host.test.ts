import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, type NetworkInterfaceInfo } from 'node:os';
import { join } from 'node:path';
import { collectHost, cpuCountOf, defaultRouteInterface, primaryAddress } from './host.js';

const v4 = (address: string, internal = false): NetworkInterfaceInfo => ({ address, netmask: '255.255.0.0', family: 'IPv4', mac: '00:00:00:00:00:00', internal, cidr: `${address}/16` });
const ROUTE_HEADER = 'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT';

describe("the host's primary address (the 'Reachable:' lines after an apply)", () => {
  it("is the default route's interface's, not a Docker or containerd bridge's gateway", () => {
    const ifs = { lo: [v4('127.0.0.1', true)], 'br-1a2b3c': [v4('172.18.0.1')], docker0: [v4('172.17.0.1')], claude0a1b2c3d4: [v4('10.89.0.1')], eth0: [v4('192.168.1.20')], wlan0: [v4('10.0.0.7')] };
    const route = `${ROUTE_HEADER}\nwlan0\t00000000\t0100000A\t0003\t0\t0\t600\t00000000\t0\t0\t0\neth0\t0001A8C0\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0\t0\t0\n`;
    expect(defaultRouteInterface(route)).toBe('wlan0');
    expect(primaryAddress(ifs, route)).toBe('10.0.0.7');
    // no default route: the first interface that is not loopback, a bridge or a veth
    expect(primaryAddress(ifs, ROUTE_HEADER + '\n')).toBe('192.168.1.20');
    // only bridges (a network namespace with its own dockerd): none, and the lines say 127.0.0.1
    const bridges = { lo: [v4('127.0.0.1', true)], 'br-1a2b3c': [v4('172.18.0.1')], veth12ab: [v4('169.254.1.1')] };
    expect(primaryAddress(bridges, ROUTE_HEADER + '\n')).toBeUndefined();
  });

});

describe("the host's CPU count", () => {
  it("is the number of cpuN lines of the procRoot's stat (os.cpus() is not asked)", () => {
    const dir = mkdtempSync(join(tmpdir(), 'claude-host-cpus-'));
    try {
      const cpu = (n: string) => `${n} 10 0 5 100 2 0 1 0 0 0`;
      // a count the machine running the test has not (os.cpus() would say its own)
      const n = cpus().length === 5 ? 7 : 5;
      writeFileSync(join(dir, 'stat'), [cpu('cpu'), ...Array.from({ length: n }, (_, i) => cpu(`cpu${i}`)), 'intr 1 2 3', 'ctxt 42', 'btime 1700000000', 'processes 9', 'cpu_not_a_cpu 1', ''].join('\n'));
      const facts = collectHost({ procRoot: dir, root: dir, mounts: [], now: () => new Date(0) });
      expect(facts.cpuCores).toBe(n);
      expect(cpuCountOf('cpu  1 2 3 4\nintr 5\n')).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
