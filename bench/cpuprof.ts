/**
 * Summarises a V8 CPU profile (`node --cpu-prof`, e.g. from `apply.bench.js --profile
 * --cpu-prof DIR`): where the sampled CPU time went, by function (self time) and by file
 * (self time of the functions in it), largest first.
 *
 *   node dist/bench/cpuprof.js FILE.cpuprofile… [--top N] [--until FUNCTION] [--inclusive]
 *
 * Several files: the mean over them (e.g. the runs of one command).
 *
 * `--until FUNCTION`: only the samples before the first one whose stack holds a function of
 * that name (e.g. `createContainer`: what ran before the first engine call of an apply);
 * `--after FUNCTION`: only those from the first one whose stack holds it.
 * `--inclusive`: by function with the time of what it calls (total), not only its own.
 * A dev tool (not a test, not in CI).
 */
import { readFileSync } from 'node:fs';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface Summary {
  /** Sampled ms in the window. */
  totalMs: number;
  byFunction: [string, number][];
  byFile: [string, number][];
}

const shortUrl = (url: string): string => {
  if (!url) return '(native)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) return url.slice(nm);
  const i = url.search(/\/(dist|node:)/);
  return i >= 0 ? url.slice(i + 1) : url.replace(/^file:\/\//, '');
};

/** Self (or inclusive) ms per function and per file over the samples before `until` first appears. */
export function summarise(p: Profile, o: { after?: string; until?: string; inclusive?: boolean } = {}): Summary {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const stackOf = (id: number): ProfileNode[] => {
    const out: ProfileNode[] = [];
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) out.push(byId.get(cur)!);
    return out;
  };
  const fn = new Map<string, number>();
  const file = new Map<string, number>();
  let total = 0;
  let started = !o.after;
  for (let i = 0; i < p.samples.length; i++) {
    const ms = (p.timeDeltas[i + 1] ?? 0) / 1000;
    const stack = stackOf(p.samples[i]!);
    started ||= stack.some((n) => n.callFrame.functionName === o.after);
    if (!started) continue;
    if (o.until && stack.some((n) => n.callFrame.functionName === o.until)) break;
    const top = stack[0]!.callFrame;
    if (top.functionName === '(idle)') continue;
    total += ms;
    const key = (c: CallFrame) => `${c.functionName || '(anonymous)'} ${shortUrl(c.url)}:${c.lineNumber + 1}`;
    const frames = o.inclusive ? [...new Set(stack.map((n) => key(n.callFrame)))] : [key(top)];
    for (const k of frames) fn.set(k, (fn.get(k) ?? 0) + ms);
    const f = shortUrl(top.url);
    file.set(f, (file.get(f) ?? 0) + ms);
  }
  const sorted = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]);
  return { totalMs: total, byFunction: sorted(fn), byFile: sorted(file) };
}

/** The mean of several summaries (a function missing from one counts 0 there). */
export function meanOf(all: Summary[]): Summary {
  const mean = (pick: (s: Summary) => [string, number][]) => {
    const m = new Map<string, number>();
    for (const s of all) for (const [k, ms] of pick(s)) m.set(k, (m.get(k) ?? 0) + ms / all.length);
    return [...m].sort((a, b) => b[1] - a[1]);
  };
  return { totalMs: all.reduce((a, s) => a + s.totalMs, 0) / all.length, byFunction: mean((s) => s.byFunction), byFile: mean((s) => s.byFile) };
}

if (process.argv[1]?.endsWith('cpuprof.js')) {
  const args = process.argv.slice(2);
  const files = args.filter((a) => a.endsWith('.cpuprofile'));
  if (files.length === 0) {
    console.error('usage: node dist/bench/cpuprof.js FILE.cpuprofile… [--top N] [--after FUNCTION] [--until FUNCTION] [--inclusive]');
    process.exit(2);
  }
  const opt = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
  const top = Number(opt('--top') ?? 25);
  const each = files.map((f) => summarise(JSON.parse(readFileSync(f, 'utf8')) as Profile, { after: opt('--after'), until: opt('--until'), inclusive: args.includes('--inclusive') }));
  const s = meanOf(each);
  console.log(`sampled CPU ${s.totalMs.toFixed(1)} ms (idle excluded; mean of ${files.length})${opt('--after') ? `, from the first ${opt('--after')}` : ''}${opt('--until') ? `, before the first ${opt('--until')}` : ''}`);
  console.log(`by function (${args.includes('--inclusive') ? 'inclusive' : 'self'} ms):`);
  for (const [k, ms] of s.byFunction.slice(0, top)) console.log(`  ${ms.toFixed(1).padStart(7)}  ${k}`);
  console.log('by file (self ms):');
  for (const [k, ms] of s.byFile.slice(0, top)) console.log(`  ${ms.toFixed(1).padStart(7)}  ${k}`);
}
