/** InterfaceDriver against real iproute2 in a network namespace made (and removed) per run. */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { InterfaceDriver, IpError } from './ifaddr.js';
import { netnsPerRun } from '../testutil/netns.js';

const NS = netnsPerRun('claude-ifa');

beforeAll(() => {
  // A veth pair inside the namespace stands in for a NIC (the kernel here has no dummy module).
  execFileSync('ip', ['-n', NS, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'peer0']);
  execFileSync('ip', ['-n', NS, 'link', 'set', 'peer0', 'up']);
});

test('applies a static address, MTU and default route; a second apply changes nothing', async () => {
  const d = new InterfaceDriver({ netns: NS });
  const before = await d.observe('eth0');
  expect(before).toMatchObject({ exists: true, up: false, addresses: [], gateways: [] });
  const cfg = { name: 'eth0', address: '192.0.2.10/24', gateway: '192.0.2.1', mtu: 1400 };
  expect((await d.applyStatic(cfg)).changed).toEqual(['mtu 1400', 'up', 'address 192.0.2.10/24', 'default via 192.0.2.1']);
  expect(await d.observe('eth0')).toEqual({ name: 'eth0', exists: true, up: true, mtu: 1400, addresses: ['192.0.2.10/24'], gateways: ['192.0.2.1'] });
  expect((await d.applyStatic(cfg)).changed).toEqual([]);
});

test('additive: an address it did not declare stays', async () => {
  const d = new InterfaceDriver({ netns: NS });
  execFileSync('ip', ['-n', NS, 'addr', 'add', '198.51.100.5/24', 'dev', 'eth0']);
  await d.applyStatic({ name: 'eth0', address: '192.0.2.11/24' });
  expect((await d.observe('eth0')).addresses).toEqual(['192.0.2.10/24', '192.0.2.11/24', '198.51.100.5/24']);
});

test('an interface that does not exist: a clear error, nothing done', async () => {
  const d = new InterfaceDriver({ netns: NS });
  expect(await d.observe('nope0')).toEqual({ name: 'nope0', exists: false, up: false, addresses: [], gateways: [] });
  await expect(d.applyStatic({ name: 'nope0', address: '192.0.2.12/24' })).rejects.toThrow(IpError);
  await expect(d.applyStatic({ name: 'nope0', address: '192.0.2.12/24' })).rejects.toThrow(/interface nope0 does not exist/);
});
