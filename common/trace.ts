/**
 * A start-up and apply profile, for `CLAUDE_TRACE=1 claude …` (docs/runtime.md, "Where the
 * time goes"): each mark prints one line to stderr with the milliseconds since the process
 * started (Node's `performance.timeOrigin`) and since the previous mark. Off, a mark costs one
 * property read. Marks never carry secret values (labels are fixed strings and ids).
 */
const on = !!process.env.CLAUDE_TRACE;
let last = 0;

export function trace(label: string): void {
  if (!on) return;
  const now = performance.now();
  process.stderr.write(`[trace] ${now.toFixed(1).padStart(8)} ms  +${(now - last).toFixed(1).padStart(7)}  ${label}\n`);
  last = now;
}
