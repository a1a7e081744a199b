/**
 * Firewall apply benchmark (on demand; needs root for `ip netns`):
 *
 *   npm run build && node dist/bench/firewall.bench.js [--runs N]
 *
 * In a network namespace made for the run, it loads rulesets of 10, 1,000 and 10,000 rules,
 * and one rule with a 10,000-element set, each the median of N runs, with the table absent
 * before each load (`fresh`) and holding a table of the same size (`replace`):
 *   raw        `nft -f FILE` of the same text (the peer)
 *   pre-flight the backend's `check` (runtime/firewall-backend.ts), what apply runs before
 *              anything changes: `nft -c -f -` of the ruleset, `nft list` of the current
 *              table and `nft -c -f -` of its restoring text. Printed apart, not hidden.
 *   step load  the firewall.apply step after the pre-flight: the backend's `apply(…,
 *              { checked: true })` without a confirm window, i.e. one `nft -f -`
 *   + observe  the same plus the `nft -j list` the step runs to record the table hash
 *   unchecked  NftDriver.apply's default for other callers (nft -c then nft -f)
 * and prints each with its ratio to raw. Target for the step: ≤ 1.5× raw.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { compileFirewall, type FirewallSpec } from '../compiler/firewall.js';
import { NftDriver } from '../runtime/drivers/nft.js';
import { createNftFirewallBackend } from '../runtime/firewall-backend.js';

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

/** Milliseconds `fn` takes. */
async function time(fn: () => Promise<unknown> | unknown): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
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
    // The step's own driver: the backend as the runtime builds it, with its `driver` exposed
    // so the load can be timed without the observation.
    const be = createNftFirewallBackend({ netns: ns, dataDir: join(tmp, 'data') });
    const cases: [string, FirewallSpec][] = [
      ['10 rules', rulesSpec(10)],
      ['1,000 rules', rulesSpec(1000)],
      ['10,000 rules', rulesSpec(10000)],
      ['1 rule, 10,000-element set', setSpec(10000)],
    ];
    const ratio = (x: number, r: number) => `${x.toFixed(1)} (${(x / r).toFixed(2)}×)`;
    const rows: string[][] = [['case', 'before', 'KiB', 'raw nft -f', 'pre-flight', 'step load', '+ observe', 'unchecked apply']];
    for (const [label, spec] of cases) {
      const { ruleset } = compileFirewall(spec, { containerForwarding: false });
      // `replace`: the same-size table, differing in its first port, is loaded before each run.
      const other = compileFirewall({ ...spec, rules: (spec.rules ?? []).map((r, i) => (i === 0 ? { ...r, port: 65001 } : r)) }, { containerForwarding: false }).ruleset;
      const file = join(tmp, 'ruleset.nft');
      writeFileSync(file, ruleset);
      for (const before of ['fresh', 'replace'] as const) {
        const reset = async () => (before === 'fresh' ? d.remove() : d.apply(other, { check: false }));
        const m = { raw: [] as number[], pre: [] as number[], load: [] as number[], step: [] as number[], unchecked: [] as number[] };
        for (let i = 0; i < runs; i++) {
          await reset();
          m.raw.push(await time(() => execFileSync('ip', ['netns', 'exec', ns, 'nft', '-f', file])));
          await reset();
          m.pre.push(await time(() => be.check(ruleset)));
          m.load.push(await time(() => be.driver.apply(ruleset, { check: false })));
          await reset();
          await be.check(ruleset);
          m.step.push(await time(() => be.apply(ruleset, 0, [], { checked: true })));
          await reset();
          m.unchecked.push(await time(() => d.apply(ruleset)));
        }
        const r = median(m.raw);
        rows.push([label, before, (ruleset.length / 1024).toFixed(0), r.toFixed(1), ratio(median(m.pre), r), ratio(median(m.load), r), ratio(median(m.step), r), ratio(median(m.unchecked), r)]);
      }
    }
    const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
    for (const row of rows) console.log(row.map((cell, c) => (c <= 1 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '));
    console.log(`(ms, median of ${runs} runs each, in network namespace ${ns}; ratios to raw nft -f; target for the step ≤ 1.5×)`);
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
