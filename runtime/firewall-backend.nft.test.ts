/**
 * The firewall backend's pre-flight and single load, on real nftables in a network
 * namespace made for this run. `nftBin` is a wrapper that logs each nft argv to a file and
 * then runs the real nft, so the test counts what the step runs: after `check`, a plain
 * load is exactly one `nft -f -`, and a commit-confirmed load checks nothing again while
 * the table is what the pre-flight saw (and checks the restoring text once it changed).
 * And the step's observation hash (hashNftJson's fast path) is the RFC 8785 hash.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { canonicalJson, sha256Hex } from '../common/canonical.js';
import { hashNftJson, NftDriver } from './drivers/nft.js';
import { createNftFirewallBackend, FirewallCheckError } from './firewall-backend.js';
import { netnsPerRun } from './testutil/netns.js';

const ns = netnsPerRun('claude-test');
let dir: string;
let logFile: string;
let nftBin: string;

const table = (port: number) => `table inet claude {\n\tchain input {\n\t\ttype filter hook input priority filter; policy accept;\n\t\ttcp dport ${port} drop\n\t}\n}\n`;
/** The nft calls logged since the last `calls()` (one argv per line). */
const calls = (): string[] => {
  const lines = readFileSync(logFile, 'utf8').split('\n').filter(Boolean);
  writeFileSync(logFile, '');
  return lines;
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'claude-fwbe-'));
  logFile = join(dir, 'nft.log');
  writeFileSync(logFile, '');
  nftBin = join(dir, 'nft-logged');
  const realNft = execFileSync('sh', ['-c', 'command -v nft'], { encoding: 'utf8' }).trim();
  writeFileSync(nftBin, `#!/bin/sh\necho "$*" >> '${logFile}'\nexec '${realNft}' "$@"\n`);
  chmodSync(nftBin, 0o755);
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('firewall backend: pre-flight check, then one load', () => {
  it('check refuses a bad ruleset with nft\'s message and changes nothing', async () => {
    const be = createNftFirewallBackend({ netns: ns, nftBin, dataDir: join(dir, 'data') });
    await be.apply(table(1111), 0, []);
    const before = await new NftDriver({ netns: ns }).observe();
    calls();
    const err = await be.check(table(2222).replace('drop', 'frobnicate')).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(FirewallCheckError);
    expect((err as Error).message).toMatch(/nft -c refused the ruleset:[\s\S]*syntax error/i);
    expect(calls()).toEqual(['-c -f -']);
    expect((await new NftDriver({ netns: ns }).observe()).hash).toBe(before.hash);
  });

  it('a checked ruleset loads with one nft -f (plain), and commit-confirmed skips both checks', async () => {
    const be = createNftFirewallBackend({ netns: ns, nftBin, dataDir: join(dir, 'data') });
    await be.apply(table(3333), 0, []);
    calls();

    // Pre-flight: the new ruleset, then the restoring text of the current table.
    await be.check(table(4444));
    expect(calls()).toEqual(['-c -f -', 'list table inet claude', '-c -f -']);

    // Plain load: one transaction, then the observation the step records.
    const hash = await be.apply(table(4444), 0, [], { checked: true });
    expect(calls()).toEqual(['-f -', '-j list table inet claude']);
    expect(hash).toBe((await new NftDriver({ netns: ns }).observe()).hash);

    // Commit-confirmed (no probes: confirmed at once), pre-flighted while the 4444 table is
    // loaded: neither the new ruleset nor the unchanged restoring text is checked again.
    await be.check(table(5555));
    calls();
    await be.apply(table(5555), 30_000, [], { checked: true });
    const confirmed = calls();
    expect(confirmed.filter((c) => c.startsWith('-c'))).toEqual([]);
    expect(confirmed.filter((c) => c === '-f -')).toHaveLength(1);

    // Without `checked` (other callers), the default still checks first.
    await be.apply(table(6666), 0, []);
    expect(calls()).toEqual(['-c -f -', '-f -', '-j list table inet claude']);
  });

  it('commit-confirmed checks the restoring text again when the table changed after the pre-flight', async () => {
    const be = createNftFirewallBackend({ netns: ns, nftBin, dataDir: join(dir, 'data') });
    await be.apply(table(7777), 0, []);
    await be.check(table(8888));
    // Someone changes the table between the pre-flight and the step.
    await new NftDriver({ netns: ns }).apply(table(7778));
    calls();
    // One probe (a port nothing listens on, expected closed): with no probes the change would
    // be a plain load, since an empty probe list never confirms (issue 13).
    await be.apply(table(8888), 30_000, [{ kind: 'tcp', address: '127.0.0.1', port: 9, expect: 'closed' }], { checked: true });
    const c = calls();
    expect(c.filter((x) => x.startsWith('-c'))).toEqual(['-c -f -']);
    expect(execFileSync('ip', ['netns', 'exec', ns, 'nft', 'list', 'table', 'inet', 'claude'], { encoding: 'utf8' })).toContain('tcp dport 8888 drop');
  });

  it('hashNftJson (sorted keys + JSON.stringify) equals sha256 of canonicalJson on a real listing', async () => {
    const d = new NftDriver({ netns: ns });
    const many = Array.from({ length: 300 }, (_, i) => `10.1.${i >> 8}.${i & 255}`).join(', ');
    await d.apply(
      `table inet claude {\n\tset allow { type ipv4_addr; flags interval; elements = { 10.9.0.0/16, ${many} } }\n` +
        `\tchain input {\n\t\ttype filter hook input priority filter; policy drop;\n\t\tct state established,related accept\n\t\tiifname "lo" accept\n` +
        `\t\tip saddr @allow tcp dport { 22, 443 } counter accept comment "ssh, https: é ü"\n\t\tip6 saddr ::1 udp dport 53 accept\n\t\tmeta l4proto icmp accept\n\t}\n}\n`,
    );
    const json = JSON.parse(await d.run(['-j', 'list', 'table', 'inet', 'claude'])) as { nftables: unknown[] };
    // The reference: the same stripping, then the generic RFC 8785 canonicalizer.
    const strip = (v: unknown): unknown => {
      if (Array.isArray(v)) return v.map(strip);
      if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).filter(([k]) => k !== 'handle').map(([k, x]) => [k, k === 'counter' && x && typeof x === 'object' ? {} : strip(x)]));
      return v;
    };
    const ref = sha256Hex(canonicalJson(json.nftables.filter((i) => !(i && typeof i === 'object' && 'metainfo' in i)).map(strip)));
    expect(hashNftJson(json)).toBe(ref);
    // Array-index-like keys take the canonicalJson path and still agree.
    const odd = { nftables: [{ x: { '10': 1, '2': 2, b: [{ handle: 3, a: 'é' }] } }] };
    expect(hashNftJson(odd)).toBe(sha256Hex(canonicalJson([{ x: { '10': 1, '2': 2, b: [{ a: 'é' }] } }])));
  });
});
