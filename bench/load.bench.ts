/**
 * Apply under CPU contention (on demand, not a test; issue 21):
 *
 *   npm run build && npm run bench -- load [--runs 10] [--cpu 2]
 *
 * Holds the CPUs with `stress-ng --cpu N` (Debian package stress-ng; scripts/setup-host.sh
 * installs it) and applies the web+postgres+redis stack of the apply bench with a fresh
 * `claude apply` process, `--runs` times, each from a clean slate. Every apply must succeed:
 * it may take longer, but a healthy stack must never be rolled back because the host is busy
 * (readiness is timed in uncontended time, runtime/cpu-budget.ts). Prints each run's time,
 * the load average, and `RATIO` lines: rolled back / runs (target 0) and the median time
 * under stress / the median without (for reference; no target).
 */
import { spawn, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { claudeApply, newStack, removeBenchHost, rmAll, stackServices } from './apply.bench.js';
import { loadNow, median, ratioLine } from './common.js';

const argv = process.argv.slice(2);
const opt = (name: string, def: number) => {
  const i = argv.indexOf(name);
  return i >= 0 ? Number(argv[i + 1]) : def;
};
const runs = opt('--runs', 10);
const cpu = opt('--cpu', 2);

async function applyOnce(kind: string): Promise<{ ok: boolean; ms: number; error?: string }> {
  const s = await newStack(kind);
  const t0 = performance.now();
  try {
    await claudeApply(s, { services: stackServices(s) });
    return { ok: true, ms: performance.now() - t0 };
  } catch (e) {
    return { ok: false, ms: performance.now() - t0, error: (e as Error).message.slice(0, 2000) };
  } finally {
    rmAll(s.tag);
    rmSync(s.dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  if (spawnSync('stress-ng', ['--version']).status !== 0) throw new Error('stress-ng is missing: apt-get install -y stress-ng (scripts/setup-host.sh)');
  // Warm-up and the reference time without stress (the first apply on a host compiles the plan validator).
  await applyOnce('load-warm');
  const calm: number[] = [];
  for (let i = 0; i < 3; i++) {
    const r = await applyOnce('load-calm');
    if (!r.ok) throw new Error(`the stack does not apply even without stress: ${r.error}`);
    calm.push(r.ms);
  }
  const stress = spawn('stress-ng', ['--cpu', String(cpu), '--timeout', '3600s', '--quiet'], { stdio: 'ignore' });
  const results: { ok: boolean; ms: number; error?: string; load: string }[] = [];
  try {
    await new Promise((r) => setTimeout(r, 3000)); // let the load build up
    for (let i = 0; i < runs; i++) {
      const r = await applyOnce('load');
      const l = loadNow().text;
      results.push({ ...r, load: l });
      console.log(`  run ${i + 1}/${runs}: ${r.ok ? 'applied' : 'FAILED'} in ${(r.ms / 1000).toFixed(1)} s (load ${l})${r.error ? `\n    ${r.error.split('\n').join('\n    ')}` : ''}`);
    }
  } finally {
    stress.kill('SIGTERM');
  }
  const failed = results.filter((r) => !r.ok).length;
  const ok = results.filter((r) => r.ok).map((r) => r.ms);
  ratioLine(`stack applies rolled back under stress-ng --cpu ${cpu}, per run`, failed / runs, 0, `${runs - failed}/${runs} applied`);
  if (ok.length) ratioLine(`stack apply time under stress-ng --cpu ${cpu} / without (reference)`, median(ok) / median(calm), Infinity, `${(median(ok) / 1000).toFixed(1)} s vs ${(median(calm) / 1000).toFixed(1)} s`);
  console.log(`load bench: ${runs - failed}/${runs} stack applies succeeded under stress-ng --cpu ${cpu}; median ${ok.length ? (median(ok) / 1000).toFixed(1) : '-'} s (without stress ${(median(calm) / 1000).toFixed(1)} s)`);
  if (failed) process.exitCode = 1;
}

try {
  await main();
} finally {
  removeBenchHost();
}
