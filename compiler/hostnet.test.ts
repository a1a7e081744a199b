import { afterAll, describe, expect, test } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DiagnosticSink } from './diagnostics.js';
import { renderHostNetwork, renderNetworkdUnit } from './hostnet.js';
// Test-only: the runtime's host file writer, to show the rendered files land under CLAUDE_ROOT.
import { HostFs } from '../runtime/drivers/hostfs.js';

const roots: string[] = [];
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

describe('renderHostNetwork', () => {
  test("the spec's network.yaml: hostname, resolv.conf and a DHCP eth0 unit", () => {
    const r = renderHostNetwork({
      hostname: 'webserver-prod',
      interfaces: [{ name: 'eth0', type: 'dhcp' }],
      dns: { nameservers: ['8.8.8.8', '8.8.4.4'], search: ['example.com'] },
    });
    expect(r.files.map((f) => f.path)).toEqual(['/etc/hostname', '/etc/resolv.conf', '/etc/systemd/network/10-claude-eth0.network']);
    expect(r.files[0]!.content).toBe('webserver-prod\n');
    expect(r.files[1]!.content).toBe('# Written by Claude.OS from network.yaml; edits are overwritten.\nnameserver 8.8.8.8\nnameserver 8.8.4.4\nsearch example.com\n');
    expect(r.files[2]!.content).toBe('# Written by Claude.OS from network.yaml; edits are overwritten.\n\n[Match]\nName=eth0\n\n[Network]\nDHCP=yes\n');
    expect(r.files.every((f) => f.mode === '0644')).toBe(true);
  });

  test('a static interface: address with its host part, gateway, DNS, MTU', () => {
    const r = renderHostNetwork({ interfaces: [{ name: 'eth1', type: 'static', address: '192.168.1.100/24', gateway: '192.168.1.1', dns: ['2001:0db8::53'], mtu: 9000 }] });
    expect(r.interfaces).toEqual([{ name: 'eth1', type: 'static', address: '192.168.1.100/24', gateway: '192.168.1.1', dns: ['2001:db8::53'], mtu: 9000 }]);
    expect(r.files[0]!.content).toBe(
      '# Written by Claude.OS from network.yaml; edits are overwritten.\n\n[Match]\nName=eth1\n\n[Network]\nAddress=192.168.1.100/24\nGateway=192.168.1.1\nDNS=2001:db8::53\n\n[Link]\nMTUBytes=9000\n',
    );
  });

  test('deterministic: files sorted by path whatever the declared order', () => {
    const a = renderHostNetwork({ interfaces: [{ name: 'eth1', type: 'dhcp' }, { name: 'eth0', type: 'dhcp' }] });
    expect(a.files.map((f) => f.path)).toEqual(['/etc/systemd/network/10-claude-eth0.network', '/etc/systemd/network/10-claude-eth1.network']);
    expect(renderHostNetwork({ interfaces: [{ name: 'eth0', type: 'dhcp' }, { name: 'eth1', type: 'dhcp' }] })).toEqual(a);
  });

  test('problems are diagnostics with codes; bad interfaces are left out', () => {
    const sink = new DiagnosticSink();
    const r = renderHostNetwork(
      {
        interfaces: [
          { name: 'eth0', type: 'static', address: '192.168.1.100' },
          { name: 'eth1', type: 'static', address: '192.168.1.100/24', gateway: '10.0.0.1' },
          { name: 'eth1', type: 'dhcp' },
          { name: 'eth2', type: 'dhcp', address: '10.0.0.5/8' },
          { name: 'eth3', type: 'static', address: '300.1.1.1/24' },
        ],
      },
      { sink, locate: (p) => ({ line: 5 + Number(p[1] ?? 0) * 4, column: 7 }) },
    );
    expect(sink.sorted().map((d) => `${d.line}:${d.code}`)).toEqual(['5:CLA6020', '9:CLA6022', '13:CLA6023', '17:CLA6024', '21:CLA6021']);
    expect(sink.sorted()[0]!.message).toBe('interface eth0 is static but its address "192.168.1.100" has no prefix length');
    expect(r.interfaces.map((i) => i.name)).toEqual(['eth1', 'eth2']);
    expect(() => renderHostNetwork({ interfaces: [{ name: 'eth0', type: 'static', address: '10.0.0.1' }] })).toThrow(/CLA6020/);
  });

  test('rendered files are written under a temporary CLAUDE_ROOT, never /etc', async () => {
    const root = mkdtempSync(join(tmpdir(), 'claude-hostnet-'));
    roots.push(root);
    const r = renderHostNetwork({ hostname: 'box', dns: { nameservers: ['10.0.0.53'] }, interfaces: [{ name: 'eth0', type: 'dhcp' }] });
    const fs = new HostFs(root, join(root, 'var/lib/claude'));
    fs.writeHostFiles(r.files.map((f) => ({ path: f.path, content: Buffer.from(f.content).toString('base64'), mode: f.mode })));
    expect(readFileSync(join(root, 'etc/hostname'), 'utf8')).toBe('box\n');
    expect(readFileSync(join(root, 'etc/resolv.conf'), 'utf8')).toContain('nameserver 10.0.0.53\n');
    const unit = join(root, 'etc/systemd/network/10-claude-eth0.network');
    expect(readFileSync(unit, 'utf8')).toBe(renderNetworkdUnit(r.interfaces[0]!).content);
    expect((statSync(unit).mode & 0o777).toString(8)).toBe('644');
  });
});
