/**
 * A start-up and apply profile, for `CLAUDE_TRACE=1 claude …` (docs/runtime.md, "Where the
 * time goes"): each mark prints one line to stderr with the milliseconds since the process
 * started (Node's `performance.timeOrigin`), since the previous mark, and the process's CPU
 * time so far (user + system; on a busy host, wall time stretches, CPU time much less). Off, a mark costs one
 * property read. Marks never carry secret values (labels are fixed strings and ids).
 */
import { writeAllSync } from './fd-write.js';

const on = !!process.env.CLAUDE_TRACE;
/** CLAUDE_TRACE=mem: each mark also gives the RSS, V8's heap in use / committed, the memory outside it and the ArrayBuffers' part of that (Buffers), in MB. */
const mem = process.env.CLAUDE_TRACE === 'mem';
const mb = (n: number) => (n / 1048576).toFixed(0).padStart(4);
let last = 0;

export function trace(label: string): void {
  if (!on) return;
  const now = performance.now();
  const c = process.cpuUsage();
  const cpu = (c.user + c.system) / 1000;
  // straight to fd 2: making process.stderr (node:net for a pipe or a terminal) would be part of what is measured
  let m = '';
  if (mem) {
    const u = process.memoryUsage();
    m = `rss ${mb(u.rss)} heap ${mb(u.heapUsed)}/${mb(u.heapTotal).trimStart()} ext ${mb(u.external)} ab ${mb(u.arrayBuffers)} MB  `;
  }
  const line = `[trace] ${now.toFixed(1).padStart(8)} ms  +${(now - last).toFixed(1).padStart(7)}  cpu ${cpu.toFixed(0).padStart(5)} ms  ${m}${label}\n`;
  try {
    // Once process.stderr exists on a pipe, fd 2 is non-blocking: what a full pipe does not take
    // (EAGAIN) is queued on the stream (common/fd-write.ts, shared with cli/stdio.ts).
    writeAllSync(2, line, () => process.stderr);
  } catch {
    // EPIPE, EBADF: a profile mark is never worth failing the command for.
  }
  last = now;
}
