/**
 * `npm run bench [-- NAME ...] [-- --runs N]`: runs the benchmarks one after another, each in
 * its own process (so one's memory and warm caches don't colour another's figures). Names
 * are the file stems: apply, cluster, compile, danger, firewall, intent, load, logwriter, observe, plan, tagger, verify. Without
 * names, all but `load` (the 10-apply stress run) run. Needs `npm run build` first;
 * apply/firewall/observe/load need root, dockerd and nft.
 *
 * For each bench it records the load average before and after, warns when the 1-minute load
 * is above 1 (the figures are then not those of an idle machine), and prints the ratio lines
 * (`RATIO …`, bench/common.ts) first, then the bench's own output. At the end, every ratio
 * again, with the load beside it. Options after the names (e.g. `--runs 3`) go to each bench.
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadNow } from './common.js';

const here = dirname(fileURLToPath(import.meta.url));
const all = readdirSync(here)
  .filter((f) => f.endsWith('.bench.js'))
  .map((f) => f.replace(/\.bench\.js$/, ''))
  .sort();
const argv = process.argv.slice(2);
const firstOpt = argv.findIndex((a) => a.startsWith('-'));
const wanted = firstOpt < 0 ? argv : argv.slice(0, firstOpt);
const passOn = firstOpt < 0 ? [] : argv.slice(firstOpt);
const unknown = wanted.filter((w) => !all.includes(w));

function runOne(name: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [join(here, `${name}.bench.js`), ...passOn], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (b: Buffer) => (out += b.toString()));
    p.on('close', (code) => resolve({ code: code ?? 1, out }));
  });
}

if (unknown.length) {
  console.error(`bench: unknown benchmark(s) ${unknown.join(', ')}; available: ${all.join(', ')}`);
  process.exitCode = 2;
} else {
  let failed = 0;
  const summary: string[] = [];
  const names = wanted.length ? wanted : all.filter((n) => n !== 'load');
  for (const name of names) {
    const before = loadNow();
    process.stderr.write(`bench ${name}: running (load ${before.text}) …\n`);
    const t0 = performance.now();
    const r = await runOne(name);
    const after = loadNow();
    const s = ((performance.now() - t0) / 1000).toFixed(0);
    const ratios = r.out.split('\n').filter((l) => l.startsWith('RATIO '));
    console.log(`\n=== bench ${name} (${s} s; load average before ${before.text}, after ${after.text}) ===`);
    if (before.busy || after.busy) console.log(`WARNING: load average above 1 (${before.one.toFixed(2)} before, ${after.one.toFixed(2)} after): the machine is not idle; compare the ratios (measured side by side), not the absolute figures.`);
    for (const l of ratios) console.log(l);
    console.log('---');
    process.stdout.write(r.out.split('\n').filter((l) => !l.startsWith('RATIO ')).join('\n'));
    if (r.code !== 0) {
      failed++;
      console.log(`bench ${name} failed (exit ${r.code})`);
    }
    for (const l of ratios) summary.push(`${name}: ${l.slice(6)}  (load ${before.one.toFixed(1)} → ${after.one.toFixed(1)})`);
  }
  if (summary.length) {
    console.log(`\n=== ratios (${new Date().toISOString()}) ===`);
    for (const l of summary) console.log(l);
  }
  process.exitCode = failed ? 1 : 0;
}
