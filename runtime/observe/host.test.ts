import { describe, expect, it } from 'vitest';
import type { NetworkInterfaceInfo } from 'node:os';
import { defaultRouteInterface, primaryAddress } from './host.js';

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
