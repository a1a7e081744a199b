/**
 * Firewall apply benchmark (on demand; needs root for `ip netns`):
 *
 *   npm run build && node dist/bench/firewall.bench.js [--runs N]
 *
 * In a network namespace made for the run, it loads rulesets of 10, 1,000 and 10,000 rules,
 * and one rule with a 10,000-element set, three ways, each the median of N runs:
 *   raw      `nft -f FILE` of the same text (the peer)
 *   apply    NftDriver.apply (nft -c -f - then nft -f -: the default, checked first)
 *   load     NftDriver.apply with { check: false } (what commit-confirmed does after its
 *            own check, which happens before the pending record is written)
 * and prints each figure with its ratio to raw. Target: ≤ 1.5× raw.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { compileFirewall, type FirewallSpec } from '../compiler/firewall.js';
import { NftDriver } from '../runtime/drivers/nft.js';

function rulesSpec(n: number): FirewallSpec {
  return {
    default_input_policy: 'drop',
    rules: Array.from({ length: n }, (_, i) => ({
      name: `r${i}`,
      protocol: 'tcp' as const,
      port: 1 + (i % 65000),
      source: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
      action: 'accept' as const,
    })),
  };
}

function setSpec(n: number): FirewallSpec {
  const src = Array.from({ length: n }, (_, i) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);
  return { default_input_policy: 'drop', rules: [{ name: 'allow-list', protocol: 'tcp', port: 22, source: src as [string, ...string[]], action: 'accept' }] };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export async function main(argv: string[] = process.argv.slice(2)): Promise<void> {
  const runsArg = argv.indexOf('--runs');
  const runs = runsArg >= 0 ? Number(argv[runsArg + 1]) : 5;
  const ns = `claude-bench-${randomBytes(3).toString('hex')}`;
  const tmp = mkdtempSync(join(tmpdir(), 'claude-fwbench-'));
  execFileSync('ip', ['netns', 'add', ns]);
  try {
    const d = new NftDriver({ netns: ns });
    const cases: [string, FirewallSpec][] = [
      ['10 rules', rulesSpec(10)],
      ['1,000 rules', rulesSpec(1000)],
      ['10,000 rules', rulesSpec(10000)],
      ['1 rule, 10,000-element set', setSpec(10000)],
    ];
    const rows: string[][] = [['case', 'text KiB', 'raw nft -f (ms)', 'apply (ms)', 'ratio', 'load only (ms)', 'ratio']];
    for (const [label, spec] of cases) {
      const { ruleset } = compileFirewall(spec, { containerForwarding: false });
      const file = join(tmp, 'ruleset.nft');
      writeFileSync(file, ruleset);
      const raw: number[] = [];
      const apply: number[] = [];
      const load: number[] = [];
      for (let i = 0; i < runs; i++) {
        await d.remove();
        let t = performance.now();
        execFileSync('ip', ['netns', 'exec', ns, 'nft', '-f', file]);
        raw.push(performance.now() - t);
        await d.remove();
        t = performance.now();
        await d.apply(ruleset);
        apply.push(performance.now() - t);
        await d.remove();
        t = performance.now();
        await d.apply(ruleset, { check: false });
        load.push(performance.now() - t);
      }
      const r = median(raw);
      const a = median(apply);
      const l = median(load);
      rows.push([label, (ruleset.length / 1024).toFixed(0), r.toFixed(1), a.toFixed(1), (a / r).toFixed(2) + '×', l.toFixed(1), (l / r).toFixed(2) + '×']);
    }
    const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
    for (const row of rows) console.log(row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '));
    console.log(`(median of ${runs} runs each, in network namespace ${ns}; target ≤ 1.5× raw)`);
  } finally {
    execFileSync('ip', ['netns', 'del', ns]);
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
