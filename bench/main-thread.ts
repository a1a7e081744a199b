/**
 * Prints, as the process exits, its main thread's CPU time beside the whole process's, to
 * stderr: `MAIN <ms> PROC <ms>`. The garbage collector's helper threads and the optimising
 * compiler run beside the main thread (on the bench's 2-core machine, on the other core), so a
 * quiet run's wall time follows the main thread, while `process.cpuUsage()` counts every thread
 * (docs/plans.md, "Session 31"). Under load, compare the MAIN figures of runs alternated.
 * Linux only (/proc/thread-self/schedstat: its first field is the thread's time on a CPU, ns).
 *
 *   node --import ./dist/bench/main-thread.js dist/bench/plan.bench.js --child 10000 /tmp/p.json
 *
 * A dev tool (not a test, not in CI).
 */
import { readFileSync, writeSync } from 'node:fs';

/** The calling thread's time on a CPU so far, ms (undefined where /proc/thread-self is missing). */
export function threadCpuMs(): number | undefined {
  try {
    return Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]) / 1e6;
  } catch {
    return undefined;
  }
}

process.on('exit', () => {
  const main = threadCpuMs();
  const all = process.cpuUsage();
  writeSync(2, `MAIN ${main === undefined ? '?' : Math.round(main)} PROC ${Math.round((all.user + all.system) / 1000)}\n`);
});
