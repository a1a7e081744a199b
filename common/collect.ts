/**
 * A full garbage collection at a point where a command has just let go of most of what it
 * held, when its heap is large (docs/plans.md, "Collected where the plan lets go").
 *
 * V8 collects when allocation asks for it, not when a large structure becomes garbage: a
 * 10,000-service `claude plan` held ≈ 80 MB alive but ≈ 190 MB in use (≈ 220 MB committed) when
 * it allocated the 27 MB signing buffer, because the compile's and the planner's garbage had not
 * been collected yet. One major collection there costs about what one of V8's own would (a
 * mark of what is alive), and the process then grows from the live size. Below `minBytes` in
 * use nothing is done: a small plan never pays for it.
 *
 * Node gives no `gc()` without `--expose-gc` on its command line (bin/claude runs as a plain
 * `node` script); the flag is set for the time it takes to make one new context, whose `gc`
 * collects the whole isolate (as Jest's `--logHeapUsage` does), then set back.
 */
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { trace } from './trace.js';

let gc: (() => void) | undefined;

/** 64 MiB in use: far above a state dir of the usual size (the spec's example: ≈ 10 MB). */
export const COLLECT_ABOVE = 64 * 1024 * 1024;

/** Collects now when more than `minBytes` of the heap are in use; says whether it did. */
export function collectIfLarge(label: string, minBytes = COLLECT_ABOVE): boolean {
  if (getHeapStatistics().used_heap_size < minBytes) return false;
  gc ??= (globalThis as { gc?: () => void }).gc ?? exposedGc();
  gc();
  trace(`gc: collected ${label}`);
  return true;
}

function exposedGc(): () => void {
  setFlagsFromString('--expose-gc');
  try {
    return runInNewContext('gc') as () => void;
  } finally {
    setFlagsFromString('--no-expose-gc');
  }
}
