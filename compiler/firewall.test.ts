/**
 * Pure tests of the firewall compiler: golden rulesets, diagnostics, the evaluator, the
 * lock-out proof and the exposure map. (Real nftables: runtime/drivers/nft.nft.test.ts.)
 * Update the golden files with UPDATE_GOLDEN=1.
 */
import { describe, expect, test } from 'vitest';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { DiagnosticSink, renderDiagnostic } from './diagnostics.js';
import {
  FirewallCompileError,
  REMOVE_TABLE_RULESET,
  checkLockout,
  compileFirewall,
  evaluate,
  exposureMap,
  lockoutGate,
  reportLockout,
  type FirewallSpec,
} from './firewall.js';
import { cidrContains, cidrToInterval, formatAddress, formatCidr, fullInterval, intervalsToCidrs, parseAddress, parseCidr, subtractIntervals } from './ipnet.js';

const here = dirname(fileURLToPath(import.meta.url));
const goldenDir = join(here, 'testdata', 'firewall');

function golden(name: string, actual: string): void {
  const p = join(goldenDir, name);
  if (process.env.UPDATE_GOLDEN === '1' || !existsSync(p)) {
    mkdirSync(goldenDir, { recursive: true });
    writeFileSync(p, actual);
  }
  expect(actual).toBe(readFileSync(p, 'utf8'));
}

/** The spec's network.yaml firewall, verbatim. */
const SPEC_EXAMPLE: FirewallSpec = {
  enabled: true,
  default_input_policy: 'drop',
  default_output_policy: 'accept',
  default_forward_policy: 'drop',
  rules: [
    { name: 'allow-ssh-internal', direction: 'input', protocol: 'tcp', port: 22, source: '10.0.0.0/8', action: 'accept' },
    { name: 'allow-http', direction: 'input', protocol: 'tcp', port: 80, source: '0.0.0.0/0', action: 'accept' },
    { name: 'allow-https', direction: 'input', protocol: 'tcp', port: 443, source: '0.0.0.0/0', action: 'accept' },
    { name: 'allow-established', direction: 'input', protocol: 'all', state: 'established,related', action: 'accept' },
    { name: 'allow-loopback', direction: 'input', interface: 'lo', action: 'accept' },
  ],
};

const LOCKDOWN: FirewallSpec = {
  default_input_policy: 'drop',
  rules: [
    { name: 'allow-ssh-internal', protocol: 'tcp', port: 22, source: '10.0.0.0/8', action: 'accept' },
    { name: 'allow-established', state: 'established,related', action: 'accept' },
    { name: 'allow-loopback', interface: 'lo', action: 'accept' },
  ],
};

describe('compileFirewall', () => {
  test('the spec example compiles to the golden ruleset', () => {
    const fw = compileFirewall(SPEC_EXAMPLE);
    golden('spec-example.nft', fw.ruleset);
    expect(fw.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(fw.diagnostics).toEqual([]);
  });

  test('the text only ever names the inet claude table and never flushes the ruleset', () => {
    const fw = compileFirewall(SPEC_EXAMPLE);
    const tableLines = fw.ruleset.split('\n').filter((l) => /^\s*(table|delete|flush|add|create)\b/.test(l));
    expect(tableLines).toEqual(['table inet claude {}', 'delete table inet claude', 'table inet claude {']);
    expect(fw.ruleset).not.toMatch(/flush\s+ruleset/);
  });

  test('deterministic: the same spec gives the same bytes and hash', () => {
    const a = compileFirewall(SPEC_EXAMPLE);
    const b = compileFirewall(structuredClone(SPEC_EXAMPLE));
    expect(b.ruleset).toBe(a.ruleset);
    expect(b.hash).toBe(a.hash);
    const changed = compileFirewall({ ...SPEC_EXAMPLE, default_output_policy: 'drop' });
    expect(changed.hash).not.toBe(a.hash);
  });

  test('rules keep their declared order in each chain', () => {
    const fw = compileFirewall(SPEC_EXAMPLE);
    expect(fw.rules.filter((r) => r.chain === 'input').map((r) => r.name)).toEqual([
      'allow-ssh-internal',
      'allow-http',
      'allow-https',
      'allow-established',
      'allow-loopback',
    ]);
  });

  test('disabled: the ruleset only removes the table', () => {
    const fw = compileFirewall({ ...SPEC_EXAMPLE, enabled: false });
    expect(fw.ruleset).toBe(REMOVE_TABLE_RULESET);
    expect(fw.enabled).toBe(false);
    expect(fw.rules).toEqual([]);
  });

  test('no firewall section: accept policies, empty chains, still the owned table', () => {
    const fw = compileFirewall(undefined);
    expect(fw.policies).toEqual({ input: 'accept', output: 'accept', forward: 'accept' });
    expect(fw.ruleset).toContain('type filter hook input priority filter; policy accept;');
  });

  test('mixed IPv4/IPv6 sources split into one rule per family; large lists become named sets', () => {
    const many = Array.from({ length: 40 }, (_, i) => `198.51.${i}.0/24`);
    const fw = compileFirewall({
      default_input_policy: 'drop',
      rules: [
        { name: 'mixed', protocol: 'tcp', port: [22, '8000-8100', 443], source: ['10.0.0.0/8', '2001:db8::/32', '192.168.1.1'], action: 'accept' },
        { name: 'many', protocol: 'udp', port: 53, source: ['2001:db8:1::/48', ...many], action: 'accept' },
        { name: 'v4-any', protocol: 'tcp', port: 80, source: '0.0.0.0/0', action: 'accept' },
        { name: 'any', protocol: 'tcp', port: 81, source: ['0.0.0.0/0', '::/0'], action: 'accept' },
        { name: 'dst6', protocol: 'icmpv6', destination: 'fe80::/10', action: 'accept' },
      ],
    });
    golden('families-and-sets.nft', fw.ruleset);
    const input = fw.rules.filter((r) => r.chain === 'input');
    expect(input.map((r) => `${r.name}/${r.family}`)).toEqual(['mixed/ip', 'mixed/ip6', 'many/ip', 'many/ip6', 'v4-any/ip', 'any/inet', 'dst6/ip6']);
    expect(input[0]!.text).toContain('ip saddr { 10.0.0.0/8, 192.168.1.1 } tcp dport @ports-mixed');
    expect(input[1]!.text).toContain('ip6 saddr 2001:db8::/32 tcp dport @ports-mixed');
    expect(input[2]!.text).toContain('ip saddr @saddr4-many');
    expect(input[4]!.text).toContain('meta nfproto ipv4 tcp dport 80');
    expect(input[5]!.text.startsWith('tcp dport 81 accept')).toBe(true);
    expect(fw.ruleset).toContain('set ports-mixed {\n\t\ttype inet_service\n\t\tflags interval\n\t\telements = { 22, 443, 8000-8100 }');
  });

  test('overlapping prefixes and ports are normalised (nft rejects overlapping set elements)', () => {
    const fw = compileFirewall({ rules: [{ name: 'n', protocol: 'tcp', port: [80, '79-81', 443, 444], source: ['10.0.0.0/8', '10.1.0.0/16', '10.0.0.0/8'], action: 'accept' }] });
    const r = fw.rules.find((x) => x.chain === 'input')!;
    expect(r.sources).toEqual(['10.0.0.0/8']);
    expect(r.ports).toEqual([[79, 81], [443, 444]]);
  });

  test('published chain repeats the input rules on the original destination; forward leaves container egress to the engine (Docker and containerd bridges)', () => {
    const fw = compileFirewall(SPEC_EXAMPLE);
    expect(fw.ruleset).toContain('ct status dnat jump published');
    expect(fw.ruleset).toContain('ip saddr 10.0.0.0/8 meta l4proto tcp ct original proto-dst 22 accept comment "allow-ssh-internal"');
    expect(fw.ruleset).toMatch(/chain published \{[^}]*drop comment "claude: input policy"\n\t\}/);
    expect(fw.ruleset).toContain('iifname "br-*" accept');
    // containerd's CNI bridges (runtime/drivers/containerd/engine.ts names them claude<9 hex>)
    expect(fw.ruleset).toContain('iifname "claude*" accept comment "claude: container egress, the engine decides"');
    expect(fw.ruleset).toContain('oifname "claude*" ct state established,related accept');
    const off = compileFirewall(SPEC_EXAMPLE, { containerForwarding: false });
    expect(off.ruleset).not.toContain('published');
    expect(off.containerForwarding).toBe(false);
  });

  test('reject uses a TCP reset for tcp rules and plain reject otherwise', () => {
    const fw = compileFirewall({ rules: [
      { name: 'a', protocol: 'tcp', port: 25, action: 'reject' },
      { name: 'b', protocol: 'udp', port: 25, action: 'reject' },
    ] });
    expect(fw.rules[0]!.text).toBe('tcp dport 25 reject with tcp reset comment "a"');
    expect(fw.rules.find((r) => r.name === 'b' && r.chain === 'input')!.text).toBe('udp dport 25 reject comment "b"');
  });

  test('output rules match oifname; comments are sanitised and bounded', () => {
    const fw = compileFirewall({ rules: [{ name: 'out', direction: 'output', interface: 'eth0', protocol: 'udp', port: 53, destination: '9.9.9.9', action: 'drop', comment: 'no "quad9" \\ here ' + 'x'.repeat(200) }] });
    const r = fw.rules[0]!;
    expect(r.chain).toBe('output');
    expect(r.text).toMatch(/^oifname "eth0" ip daddr 9\.9\.9\.9 udp dport 53 drop comment "out: no 'quad9'   here x+"$/);
    expect(Buffer.byteLength(/comment "(.*)"/.exec(r.text)![1]!)).toBeLessThanOrEqual(127);
  });
});

describe('diagnostics', () => {
  const bad: FirewallSpec = {
    default_input_policy: 'reject' as unknown as 'drop',
    rules: [
      { name: 'bad-addr', protocol: 'tcp', port: 22, source: '10.0.0.300/8', action: 'accept' },
      { name: 'bad-port', protocol: 'tcp', port: [22, '90-80', 70000], action: 'accept' },
      { name: 'port-no-proto', port: 22, action: 'accept' },
      { name: 'bad-state', state: 'established,sleepy', action: 'accept' },
      { name: 'bad-iface', interface: 'this-name-is-way-too-long', action: 'accept' },
      { name: 'host-bits', source: '10.0.1.5/8', action: 'accept' },
      { name: 'never', source: '10.0.0.0/8', destination: '2001:db8::1', action: 'accept' },
      { name: 'bad-addr', action: 'drop' },
    ],
  };

  test('each problem is reported with a stable code, position and fix', () => {
    const sink = new DiagnosticSink();
    const positions: Record<string, { line: number; column: number }> = {};
    const fw = compileFirewall(bad, {
      sink,
      locate: (path) => (positions[path.join('.')] = { line: typeof path[1] === 'number' ? 10 + path[1] * 3 : 3, column: 3 }),
    });
    const got = sink.sorted().map((d) => `${d.code} ${d.severity}: ${d.message}`).sort();
    expect(got).toEqual([
      'CLA6001 error: firewall rule bad-addr: source "10.0.0.300/8" is not an IPv4/IPv6 address or CIDR prefix',
      'CLA6002 error: firewall rule bad-port: port "90-80" is not a port (1-65535) or a range "LOW-HIGH"',
      'CLA6002 error: firewall rule bad-port: port 70000 is not a port (1-65535) or a range "LOW-HIGH"',
      'CLA6003 error: firewall rule port-no-proto: a port needs protocol tcp or udp (protocol is all)',
      'CLA6004 error: firewall rule bad-state: unknown connection state "sleepy"',
      'CLA6005 error: duplicate firewall rule name bad-addr',
      'CLA6006 error: firewall rule bad-iface: interface "this-name-is-way-too-long" is not a valid interface name',
      'CLA6007 warning: firewall rule never can never match: its source and destination are of different IP families; it is left out',
      'CLA6008 warning: firewall rule host-bits: 10.0.1.5/8 has host bits set; it is read as 10.0.0.0/8',
      'CLA6011 error: firewall default_input_policy reject is not accept or drop',
    ].sort());
    expect(sink.diagnostics.every((d) => d.file === 'network.yaml' && d.line > 0 && d.hint.length > 0)).toBe(true);
    expect(positions['rules.1.port.1']).toBeDefined();
    golden('diagnostics.txt', sink.sorted().map(renderDiagnostic).join('\n') + '\n');
    // Good rules still compile; bad ones are left out.
    expect(fw.rules.map((r) => r.name)).toContain('host-bits');
    expect(fw.rules.map((r) => r.name)).not.toContain('bad-port');
  });

  test('without a sink, errors throw FirewallCompileError naming every problem', () => {
    expect(() => compileFirewall(bad)).toThrow(FirewallCompileError);
    try {
      compileFirewall(bad);
    } catch (e) {
      expect((e as FirewallCompileError).diagnostics.filter((d) => d.severity === 'error')).toHaveLength(8);
      expect((e as Error).message).toContain('10.0.0.300/8');
    }
  });
});

describe('evaluate', () => {
  const fw = compileFirewall(SPEC_EXAMPLE);
  test('first match wins, then the policy', () => {
    expect(evaluate(fw, { chain: 'input', protocol: 'tcp', src: '10.0.1.50', dport: 22, state: 'new' })).toMatchObject({ verdict: 'accept', by: 'allow-ssh-internal' });
    expect(evaluate(fw, { chain: 'input', protocol: 'tcp', src: '203.0.113.7', dport: 22, state: 'new', notLoopback: true })).toMatchObject({ verdict: 'drop', by: 'policy' });
    expect(evaluate(fw, { chain: 'input', protocol: 'tcp', src: '203.0.113.7', dport: 22, state: 'established' })).toMatchObject({ verdict: 'accept', by: 'allow-established' });
    expect(evaluate(fw, { chain: 'input', protocol: 'udp', src: '127.0.0.1', dport: 5432, state: 'new', iif: 'lo' })).toMatchObject({ verdict: 'accept', by: 'allow-loopback' });
    // 0.0.0.0/0 is "any IPv4": an IPv6 client is not allowed by it.
    expect(evaluate(fw, { chain: 'input', protocol: 'tcp', src: '2001:db8::7', dport: 80, state: 'new', notLoopback: true })).toMatchObject({ verdict: 'drop' });
    expect(evaluate(fw, { chain: 'output', protocol: 'tcp', dst: '1.1.1.1', dport: 443, state: 'new' })).toMatchObject({ verdict: 'accept', by: 'policy' });
  });

  test('unknown fields are worst case: accept rules assumed not to match, drop rules assumed to match', () => {
    const f = compileFirewall({ default_input_policy: 'accept', rules: [
      { name: 'drop-eth1', interface: 'eth1', action: 'drop' },
    ] });
    const r = evaluate(f, { chain: 'input', protocol: 'tcp', src: '10.0.1.50', dport: 22, state: 'new' });
    expect(r.verdict).toBe('drop');
    expect(r.assumptions[0]).toMatch(/assumed rule drop-eth1 matches \(interface unknown/);
    expect(evaluate(f, { chain: 'input', protocol: 'tcp', src: '10.0.1.50', dport: 22, state: 'new', iif: 'eth0' }).verdict).toBe('accept');
  });
});

describe('checkLockout', () => {
  test('the spec example: "Current connection from 10.0.1.50 will remain active"', () => {
    const r = checkLockout(SPEC_EXAMPLE, { sshConnection: '10.0.1.50 51234 10.0.0.1 22' });
    expect(r.ok).toBe(true);
    expect(r.problems).toEqual([]);
    expect(r.notes).toContain('Current connection from 10.0.1.50 will remain active');
  });

  test('refuses a ruleset that drops the current SSH connection, and says why', () => {
    const r = checkLockout(LOCKDOWN, { sshConnection: '203.0.113.7 40000 203.0.113.1 22' });
    expect(r.ok).toBe(false);
    expect(r.problems).toEqual(['SSH: a new TCP connection from 203.0.113.7 to port 22 would be dropped by the default policy']);
    const sink = new DiagnosticSink();
    reportLockout(r, sink);
    expect(sink.diagnostics.map((d) => d.code)).toEqual(['CLA6010']);
  });

  test('lockoutGate reads the environment; --i-know-what-i-am-doing turns the error into a warning', () => {
    const env = { SSH_CONNECTION: '203.0.113.7 40000 203.0.113.1 22' };
    const refused = new DiagnosticSink();
    expect(lockoutGate(LOCKDOWN, env, { sink: refused }).ok).toBe(false);
    expect(refused.hasErrors()).toBe(true);
    expect(refused.diagnostics[0]!.message).toBe('the new firewall would lock you out: SSH: a new TCP connection from 203.0.113.7 to port 22 would be dropped by the default policy');
    const forced = new DiagnosticSink();
    lockoutGate(LOCKDOWN, env, { sink: forced, force: true });
    expect(forced.hasErrors()).toBe(false);
    expect(forced.diagnostics.map((d) => `${d.code} ${d.severity}`)).toEqual(['CLA6012 warning']);
    const fine = new DiagnosticSink();
    expect(lockoutGate(LOCKDOWN, { SSH_CLIENT: '10.0.1.50 40000 22' }, { sink: fine, apiPort: 7443 }).ok).toBe(false);
    expect(fine.diagnostics.map((d) => d.code)).toEqual(['CLA6010']);
  });

  test('an SSH server on another port is what is checked', () => {
    expect(checkLockout(LOCKDOWN, { sshConnection: '10.0.1.50 40000 10.0.0.1 2222' }).ok).toBe(false);
    expect(checkLockout(LOCKDOWN, { sshConnection: '10.0.1.50 40000 10.0.0.1 22' }).ok).toBe(true);
  });

  test('established-only protection is not enough: a new login must also work', () => {
    const r = checkLockout({ default_input_policy: 'drop', rules: [{ name: 'est', state: 'established,related', action: 'accept' }] }, { sshConnection: '10.0.1.50 40000 10.0.0.1 22' });
    expect(r.ok).toBe(false);
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatch(/new TCP connection/);
  });

  test('output policy drop without established replies locks out too', () => {
    const r = checkLockout({ default_input_policy: 'drop', default_output_policy: 'drop', rules: [{ name: 'ssh', protocol: 'tcp', port: 22, action: 'accept' }] }, { sshConnection: '10.0.1.50 40000 10.0.0.1 22' });
    expect(r.ok).toBe(false);
    expect(r.problems.join('\n')).toMatch(/replies to 10\.0\.1\.50 would be dropped by the default policy on the output chain/);
  });

  test('SSH_CLIENT works too, with destination rules assumed against the admin', () => {
    expect(checkLockout(LOCKDOWN, { sshClient: '10.0.1.50 40000 22' }).ok).toBe(true);
    const withDst = checkLockout({ default_input_policy: 'drop', rules: [{ name: 'ssh', protocol: 'tcp', port: 22, destination: '10.0.0.1', action: 'accept' }, { name: 'est', state: 'established', action: 'accept' }] }, { sshClient: '10.0.1.50 40000 22' });
    expect(withDst.ok).toBe(false);
    expect(withDst.notes.join('\n')).toMatch(/destination address unknown/);
  });

  test('the API port is checked from the admin, or from loopback when local', () => {
    expect(checkLockout(LOCKDOWN, { sshConnection: '10.0.1.50 40000 10.0.0.1 22', apiPort: 7443 }).problems).toEqual([
      'API: a new TCP connection from 10.0.1.50 to port 7443 would be dropped by the default policy',
    ]);
    const local = checkLockout(LOCKDOWN, { apiPort: 7443 });
    expect(local.ok).toBe(true);
    expect(local.notes).toContain('The Claude.OS API (port 7443) stays reachable from 127.0.0.1');
  });

  test('disabled firewall and malformed variables', () => {
    expect(checkLockout({ ...LOCKDOWN, enabled: false }, { sshConnection: '203.0.113.7 1 203.0.113.1 22' }).ok).toBe(true);
    const r = checkLockout(LOCKDOWN, { sshConnection: 'garbage' });
    expect(r.ok).toBe(true);
    expect(r.notes[0]).toMatch(/SSH_CONNECTION "garbage" is not/);
  });
});

describe('exposureMap', () => {
  const published = [
    { service: 'web', hostPort: 80, protocol: 'tcp' as const },
    { service: 'db', hostPort: 5432, protocol: 'tcp' as const },
    { service: 'admin', hostPort: 8080, protocol: 'tcp' as const, hostIp: '127.0.0.1' },
    { service: 'app', hostPort: 3000, protocol: 'tcp' as const },
  ];

  test('"block everything except SSH" blocks published container ports too', () => {
    expect(exposureMap(LOCKDOWN, published)).toEqual([
      { service: 'admin', port: 8080, protocol: 'tcp', allowedFrom: ['nowhere'], note: 'published on 127.0.0.1: reachable from this host only' },
      { service: 'app', port: 3000, protocol: 'tcp', allowedFrom: ['nowhere'] },
      { service: 'db', port: 5432, protocol: 'tcp', allowedFrom: ['nowhere'] },
      { service: 'web', port: 80, protocol: 'tcp', allowedFrom: ['nowhere'] },
    ]);
  });

  test('allowed sources are computed with first-match semantics', () => {
    const fw: FirewallSpec = {
      default_input_policy: 'drop',
      rules: [
        { name: 'block-bad', source: '10.66.0.0/16', action: 'drop' },
        { name: 'web', protocol: 'tcp', port: 80, action: 'accept' },
        { name: 'db-office', protocol: 'tcp', port: 5432, source: '10.0.0.0/8', action: 'accept' },
        { name: 'app-v4', protocol: 'tcp', port: '3000-3010', source: '0.0.0.0/0', interface: 'eth0', action: 'accept' },
      ],
    };
    const m = exposureMap(fw, published);
    // web: anywhere except 10.66.0.0/16.
    const web = m.find((e) => e.service === 'web')!.allowedFrom;
    expect(web).toContain('::/0');
    expect(web).not.toContain('anywhere');
    expect(web).toContain('10.67.0.0/16');
    expect(web.some((c) => c.startsWith('10.66.'))).toBe(false);
    // db: 10/8 minus 10.66/16.
    const db = m.find((e) => e.service === 'db')!.allowedFrom;
    expect(db).toEqual(['10.0.0.0/10', '10.64.0.0/15', '10.67.0.0/16', '10.68.0.0/14', '10.72.0.0/13', '10.80.0.0/12', '10.96.0.0/11', '10.128.0.0/9']);
    // app: only on an interface → conditional entry.
    expect(m.find((e) => e.service === 'app')!.allowedFrom.every((s) => s.endsWith('(only via eth0)'))).toBe(true);
  });

  test('policy accept: anywhere; disabled or no container handling: anywhere, with a note', () => {
    expect(exposureMap({ rules: [] }, published.slice(0, 1))[0]!.allowedFrom).toEqual(['anywhere']);
    expect(exposureMap({ ...LOCKDOWN, enabled: false }, published.slice(0, 1))[0]).toMatchObject({ allowedFrom: ['anywhere'], note: 'firewall disabled' });
    expect(exposureMap(LOCKDOWN, published.slice(0, 1), { containerForwarding: false })[0]!.note).toMatch(/bypass the input rules/);
  });

  test('the spec example: web from any IPv4 address, other ports nowhere', () => {
    const m = exposureMap(SPEC_EXAMPLE, [{ service: 'nginx', hostPort: 443, protocol: 'tcp' }, { service: 'pg', hostPort: 5432, protocol: 'tcp' }]);
    expect(m).toEqual([
      { service: 'nginx', port: 443, protocol: 'tcp', allowedFrom: ['0.0.0.0/0'] },
      { service: 'pg', port: 5432, protocol: 'tcp', allowedFrom: ['nowhere'] },
    ]);
  });
});

describe('ipnet', () => {
  test('parse and format addresses (RFC 5952)', () => {
    expect(formatCidr(parseCidr('2001:0db8:0000:0000:0000:0000:0000:0001')!)).toBe('2001:db8::1');
    expect(formatCidr(parseCidr('::ffff:10.0.0.1')!)).toBe('::ffff:a00:1');
    expect(formatCidr(parseCidr('2001:db8:0:1:0:0:0:0/64')!)).toBe('2001:db8:0:1::/64');
    expect(parseCidr('10.0.0.256')).toBeUndefined();
    expect(parseCidr('010.0.0.1')).toBeUndefined();
    expect(parseCidr('10.0.0.0/33')).toBeUndefined();
    expect(parseCidr('1::2::3')).toBeUndefined();
    expect(parseCidr('10.1.2.3/8')).toMatchObject({ hostBitsSet: true, prefix: 8 });
  });

  test('property: subtracting prefix B from prefix A leaves exactly the addresses in A and not in B', () => {
    const v4 = fc.tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 32 }));
    fc.assert(
      fc.property(v4, v4, fc.integer({ min: 0, max: 0xffffffff }), ([a, pa], [b, pb], x) => {
        const ca = parseCidr(`${formatAddress(4, BigInt(a))}/${pa}`)!;
        const cb = parseCidr(`${formatAddress(4, BigInt(b))}/${pb}`)!;
        const rest = intervalsToCidrs(subtractIntervals([cidrToInterval(ca)], [cidrToInterval(cb)]));
        // Probe an address inside A (half the time) or anywhere.
        const addr = x % 2 === 0 ? ca.addr + (BigInt(x) % (cidrToInterval(ca).hi - ca.addr + 1n)) : BigInt(x);
        const inA = cidrContains(ca, 4, addr);
        const inB = cidrContains(cb, 4, addr);
        const inRest = rest.some((c) => cidrContains(c, 4, addr));
        return inRest === (inA && !inB);
      }),
    );
    expect(intervalsToCidrs([fullInterval(4)]).map(formatCidr)).toEqual(['0.0.0.0/0']);
    expect(parseAddress('::')).toEqual({ family: 6, addr: 0n });
  });
});

describe('a drop input policy without the rules a host needs (CLA6013, CLA6014)', () => {
  const codes = (spec: FirewallSpec) => {
    const sink = new DiagnosticSink();
    compileFirewall(spec, { sink, locate: () => ({ line: 7, column: 5 }) });
    return sink.sorted().map((d) => `${d.code}@${d.line}:${d.column}`);
  };
  const ssh = { name: 'allow-ssh', protocol: 'tcp' as const, port: 22, action: 'accept' as const };

  test('warns that replies and loopback would be dropped, at the policy, with the rule to add', () => {
    expect(codes({ default_input_policy: 'drop', rules: [ssh] })).toEqual(['CLA6013@7:5', 'CLA6014@7:5']);
    const sink = new DiagnosticSink();
    compileFirewall({ default_input_policy: 'drop', rules: [ssh] }, { sink });
    expect(sink.diagnostics.map((d) => d.severity)).toEqual(['warning', 'warning']);
    expect(sink.diagnostics.map((d) => d.hint).join('\n')).toMatch(/state: established,related, action: accept[\s\S]*interface: lo, action: accept/);
  });

  test('is quiet when the rules are there (as "lock down the system" writes them), or the policy accepts', () => {
    const est = { name: 'allow-established', state: 'established,related', action: 'accept' as const };
    const lo = { name: 'allow-loopback', interface: 'lo', action: 'accept' as const };
    expect(codes({ default_input_policy: 'drop', rules: [est, lo, ssh] })).toEqual([]);
    expect(codes({ default_input_policy: 'drop', rules: [est, ssh] })).toEqual(['CLA6014@7:5']);
    expect(codes({ default_input_policy: 'drop', rules: [lo, ssh] })).toEqual(['CLA6013@7:5']);
    expect(codes({ default_input_policy: 'accept', rules: [ssh] })).toEqual([]);
    expect(codes({ rules: [ssh] })).toEqual([]);
    expect(codes({ enabled: false, default_input_policy: 'drop', rules: [ssh] })).toEqual([]);
  });
});
