/**
 * The second core for phase 1 (compiler/parse-fast.ts fastParseSplit): a state file of more
 * than SPLIT_ABOVE characters (thousands of services) has the second half of its services
 * list read on a worker thread (compiler/parse-worker.ts) while this thread reads the first.
 * The parse stays a synchronous function: this thread waits for the worker's answer
 * (Atomics.wait, then receiveMessageOnPort) when it reaches the line where the split was made.
 * The items come back by structured clone (≈ 12 ms to read back at 5,000 services, JSON.parse
 * ≈ 20 ms; a "__proto__" key stays an own property in both), their mappings given back the null
 * prototype the parse gives every mapping.
 *
 * Only from built code (dist/compiler/parse-worker.js must exist beside the package's
 * dist/): from the TypeScript sources, or when the worker cannot be started, the file is read
 * on this thread as before. A worker that does not answer within ANSWER_WITHIN_MS is left, and
 * this thread reads that half itself.
 * Must not: change what the parse returns (compiler/parse-split.test.ts).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { packageRoot } from '../common/paths.js';
import { trace } from '../common/trace.js';
import type { TailAnswer, TailReader } from './parse-fast.js';
import type { JsonValue } from './parse.js';
import type { WorkerAnswer } from './parse-worker.js';

/** A text this long is split (10,000 services: 5.9 MB; the spec's example state: 4 KB). */
export const SPLIT_ABOVE = 1 << 20;
const ANSWER_WITHIN_MS = 30_000;

let workerFile: string | null | undefined;

/** dist/compiler/parse-worker.js of this package, or null (running from the sources, or not built). */
function builtWorker(): string | null {
  if (workerFile !== undefined) return workerFile;
  // from the TypeScript sources (the tests): dist/ may be another version of the fast path
  if (!import.meta.url.endsWith('.js')) return (workerFile = null);
  try {
    const f = join(packageRoot(), 'dist', 'compiler', 'parse-worker.js');
    return (workerFile = existsSync(f) ? f : null);
  } catch {
    return (workerFile = null);
  }
}

/** A TailReader on a worker thread running `file` (default: the built parse-worker.js), or undefined when there is none. */
export function workerTail(file: string | null = builtWorker()): TailReader | undefined {
  if (!file) return undefined;
  return (tail, indent, depth, lim) => {
    const wt = createRequire(import.meta.url)('node:worker_threads') as typeof import('node:worker_threads');
    const flag = new Int32Array(new SharedArrayBuffer(4));
    const { port1, port2 } = new wt.MessageChannel();
    let worker: import('node:worker_threads').Worker;
    try {
      worker = new wt.Worker(file, { workerData: { text: tail, indent, depth, lim, port: port2, flag }, transferList: [port2], stdout: false, stderr: false });
    } catch {
      port1.close();
      return undefined;
    }
    worker.unref();
    worker.on('error', () => undefined);
    const done = () => {
      port1.close();
      void worker.terminate().catch(() => undefined);
    };
    return {
      take(): TailAnswer {
        Atomics.wait(flag, 0, 0, ANSWER_WITHIN_MS);
        const got = wt.receiveMessageOnPort(port1)?.message as WorkerAnswer | undefined;
        done();
        if (got === 'declined') return 'declined';
        if (!got || !Array.isArray(got.items)) return undefined;
        trace(`compile: ${got.items.length} items read on the parse worker taken`);
        return { items: nullPrototypes(got.items), nodes: got.nodes, end: got.end };
      },
      cancel: done,
    };
  };
}

/** Every mapping in `items` given the null prototype (as the parse makes them: no inherited members). */
function nullPrototypes<T extends JsonValue>(v: T): T {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) {
    for (const x of v) nullPrototypes(x);
    return v;
  }
  Object.setPrototypeOf(v, null);
  // no prototype now: own keys only
  for (const k in v) nullPrototypes(v[k]!);
  return v;
}
