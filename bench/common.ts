/**
 * Shared by the benchmarks: the ratio line `npm run bench` lifts to the top of its report,
 * the load average, and the median.
 */
import { cpus, loadavg } from 'node:os';

/** Prints `RATIO <what>: <x>× (target ≤ <t>×) met|NOT met`; bench/run.ts prints these first. */
export function ratioLine(what: string, ratio: number, target: number, detail = ''): string {
  const line = `RATIO ${what}: ${ratio.toFixed(3)}× (target ≤ ${target}×) ${ratio <= target ? 'met' : 'NOT met'}${detail ? `  [${detail}]` : ''}`;
  console.log(line);
  return line;
}

/** The 1, 5 and 15 minute load averages, formatted, and whether the 1-minute one is above 1. */
export function loadNow(): { text: string; one: number; busy: boolean } {
  const [a, b, c] = loadavg();
  return { text: `${a!.toFixed(2)} ${b!.toFixed(2)} ${c!.toFixed(2)} (${cpus().length} CPUs)`, one: a!, busy: a! > 1 };
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
