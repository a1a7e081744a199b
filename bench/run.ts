/**
 * `npm run bench [-- NAME ...]`: runs the benchmarks one after another, each in its own
 * process (so one's memory and warm caches don't colour another's figures). Names are the
 * file stems: compile, plan, apply, firewall, observe, intent, verify. Without names, all run.
 * Needs `npm run build` first; apply/firewall/observe need root, dockerd and nft.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const all = readdirSync(here)
  .filter((f) => f.endsWith('.bench.js'))
  .map((f) => f.replace(/\.bench\.js$/, ''))
  .sort();
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const unknown = wanted.filter((w) => !all.includes(w));
if (unknown.length) {
  console.error(`bench: unknown benchmark(s) ${unknown.join(', ')}; available: ${all.join(', ')}`);
  process.exitCode = 2;
} else {
  let failed = 0;
  for (const name of wanted.length ? wanted : all) {
    console.log(`\n=== bench ${name} ===`);
    const r = spawnSync(process.execPath, [join(here, `${name}.bench.js`)], { stdio: 'inherit' });
    if (r.status !== 0) failed++;
  }
  process.exitCode = failed ? 1 : 0;
}
